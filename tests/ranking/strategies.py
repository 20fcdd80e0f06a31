"""Hypothesis strategies for the ranking tests (valid values by default)."""

from datetime import UTC, datetime, timedelta

from hypothesis import strategies as st

from microblog_core.ranking import TWITTER_2023_WEIGHTS, Candidate, Scored

NOW = datetime(2026, 1, 1, tzinfo=UTC)

#: Creation times from ten days before NOW to an hour after it (clock skew).
created_ats = st.integers(min_value=-10 * 86_400, max_value=3_600).map(
    lambda seconds: NOW + timedelta(seconds=seconds)
)
counts = st.integers(min_value=0, max_value=10**6)
probabilities = st.floats(min_value=0.0, max_value=1.0, allow_nan=False)
signal_maps = st.dictionaries(st.sampled_from(sorted(TWITTER_2023_WEIGHTS)), probabilities)


#: A handful of authors, so author diversity has work to do.
FEW_AUTHORS = st.integers(min_value=0, max_value=5)


@st.composite
def candidates(
    draw: st.DrawFn,
    *,
    post_id: int | None = None,
    author_ids: st.SearchStrategy[int] = FEW_AUTHORS,
    root_ids: st.SearchStrategy[int] | None = None,
) -> Candidate:
    pid = draw(st.integers(min_value=0, max_value=2**40)) if post_id is None else post_id
    votes = draw(st.booleans())
    return Candidate(
        post_id=pid,
        author_id=draw(author_ids),
        root_id=pid if root_ids is None else draw(root_ids),
        created_at=draw(created_ats),
        likes=draw(counts),
        reposts=draw(counts),
        replies=draw(counts),
        quotes=draw(counts),
        upvotes=draw(counts) if votes else None,
        downvotes=draw(counts) if votes else None,
        in_network=draw(st.booleans()),
        is_reply=draw(st.booleans()),
        language=draw(st.sampled_from([None, "en", "ja"])),
        signals=draw(signal_maps),
    )


@st.composite
def candidate_lists(draw: st.DrawFn, *, max_size: int = 20) -> list[Candidate]:
    """Candidates with unique post ids, few authors and some shared roots."""
    ids = draw(st.lists(st.integers(min_value=1, max_value=10**6), unique=True, max_size=max_size))
    roots = st.sampled_from(ids) if ids else st.just(0)
    return [draw(candidates(post_id=pid, root_ids=st.one_of(st.just(pid), roots))) for pid in ids]


#: Scores drawn from a small set so ties are common, plus negatives.
scores = st.one_of(
    st.sampled_from([0.0, 1.0, 2.5, -1.0]),
    st.floats(min_value=-1e6, max_value=1e6, allow_nan=False),
)


@st.composite
def scored_lists(draw: st.DrawFn, *, max_size: int = 20) -> list[Scored]:
    return [
        Scored(candidate, draw(scores)) for candidate in draw(candidate_lists(max_size=max_size))
    ]
