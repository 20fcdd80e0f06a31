"""rank(): scorer, re-rankers and the ranked order, end to end."""

import math
from collections.abc import Sequence
from datetime import datetime, timedelta
from random import Random

import pytest
from hypothesis import given
from hypothesis import strategies as st

from microblog_core.errors import NaiveDatetimeError, ValidationError
from microblog_core.ranking import (
    TWITTER_2023,
    AuthorDiversity,
    BlueskyHotScorer,
    Candidate,
    ChronologicalScorer,
    DedupRoots,
    HackerNewsScorer,
    OutOfNetworkDiscount,
    RedditHotScorer,
    ReplyDiscount,
    Reranker,
    Scored,
    Scorer,
    WilsonScorer,
    rank,
    ranked_order,
)
from tests.ranking.strategies import NOW, candidate_lists, created_ats


def make(post_id: int, **fields: object) -> Candidate:
    values: dict[str, object] = {"post_id": post_id, "author_id": 1, "created_at": NOW}
    values.update(fields)
    return Candidate(**values)  # type: ignore[arg-type]


class Likes:
    """A user-written scorer without score_many."""

    name = "likes"

    def score(self, candidate: Candidate, now: datetime) -> float:
        return float(candidate.likes)


ALL_RERANKERS: list[Reranker] = [
    DedupRoots(),
    OutOfNetworkDiscount(),
    ReplyDiscount(),
    AuthorDiversity(),
]


class TestRank:
    def test_home_feed_by_hand(self) -> None:
        posts = [
            make(1, author_id=1, likes=12),
            make(2, author_id=1, likes=10),
            make(3, author_id=2, likes=9, in_network=False),
            make(4, author_id=3, likes=9, root_id=1),  # a repost of post 1
            make(5, author_id=4, likes=4, is_reply=True),
        ]
        ranked = rank(posts, Likes(), NOW, rerankers=ALL_RERANKERS)
        # dedup: root 1 keeps post 1 (12 > 9); out of network: post 3 9 * 0.75 = 6.75
        # replies: post 5 4 * 0.75 = 3; diversity: post 2 is author 1's second: 10 * 0.625 = 6.25
        assert [(s.post_id, s.score) for s in ranked] == [(1, 12.0), (3, 6.75), (2, 6.25), (5, 3.0)]

    def test_without_rerankers_scores_are_the_scorers(self) -> None:
        posts = [make(1, likes=3), make(2, likes=5), make(3, likes=5)]
        assert [(s.post_id, s.score) for s in rank(posts, Likes(), NOW)] == [
            (3, 5.0),
            (2, 5.0),
            (1, 3.0),
        ]

    def test_limit(self) -> None:
        posts = [make(i, likes=i) for i in range(1, 6)]
        assert [s.post_id for s in rank(posts, Likes(), NOW, limit=2)] == [5, 4]
        assert rank(posts, Likes(), NOW, limit=0) == []

    def test_empty(self) -> None:
        assert rank([], TWITTER_2023, NOW) == []

    def test_accepts_any_iterable(self) -> None:
        assert len(rank((make(i) for i in range(3)), ChronologicalScorer(), NOW)) == 3

    def test_a_custom_reranker_is_sorted_after(self) -> None:
        class Reverse:
            name = "reverse"

            def rerank(self, items: Sequence[Scored]) -> list[Scored]:
                return list(reversed(ranked_order(items)))

        posts = [make(1, likes=1), make(2, likes=2)]
        assert [s.post_id for s in rank(posts, Likes(), NOW, rerankers=[Reverse()])] == [2, 1]


class TestErrors:
    def test_duplicate_post_ids(self) -> None:
        with pytest.raises(ValidationError, match="post 7 is a candidate twice"):
            rank([make(7), make(8), make(7, likes=3)], Likes(), NOW)

    def test_not_a_candidate(self) -> None:
        with pytest.raises(ValidationError):
            rank([make(1), (2, 3.0)], Likes(), NOW)  # type: ignore[list-item]

    def test_not_a_scorer(self) -> None:
        with pytest.raises(ValidationError):
            rank([make(1)], object(), NOW)  # type: ignore[arg-type]

    def test_not_a_reranker(self) -> None:
        with pytest.raises(ValidationError):
            rank([make(1)], Likes(), NOW, rerankers=[Likes()])  # type: ignore[list-item]

    def test_naive_now(self) -> None:
        with pytest.raises(NaiveDatetimeError):
            rank([make(1)], Likes(), datetime(2026, 1, 1))

    def test_negative_limit(self) -> None:
        with pytest.raises(ValidationError):
            rank([make(1)], Likes(), NOW, limit=-1)

    def test_nan_scores_are_refused(self) -> None:
        class Broken:
            name = "broken"

            def score(self, candidate: Candidate, now: datetime) -> float:
                return math.nan if candidate.post_id == 2 else 1.0

        with pytest.raises(ValidationError, match="'broken' gave post 2 a NaN score"):
            rank([make(1), make(2)], Broken(), NOW)

    def test_nan_from_a_reranker_is_refused(self) -> None:
        class Poison:
            name = "poison"

            def rerank(self, items: Sequence[Scored]) -> list[Scored]:
                return [Scored(i.candidate, math.nan) for i in items]

        with pytest.raises(ValidationError, match="poison"):
            rank([make(1)], Likes(), NOW, rerankers=[Poison()])

    def test_score_many_of_the_wrong_length(self) -> None:
        class Short(Likes):
            def score_many(self, candidates: list[Candidate], now: datetime) -> list[float]:
                return []

        with pytest.raises(ValidationError, match="returned 0 scores for 1"):
            rank([make(1)], Short(), NOW)


SCORERS: list[Scorer] = [
    TWITTER_2023,
    HackerNewsScorer(),
    BlueskyHotScorer(),
    RedditHotScorer(),
    WilsonScorer(),
]


class TestProperties:
    @pytest.mark.parametrize("scorer", SCORERS, ids=lambda s: s.name)
    @given(items=candidate_lists(), now=created_ats, rnd=st.randoms(use_true_random=False))
    def test_result_does_not_depend_on_input_order(
        self, scorer: Scorer, items: list[Candidate], now: datetime, rnd: Random
    ) -> None:
        shuffled = list(items)
        rnd.shuffle(shuffled)
        assert rank(shuffled, scorer, now, rerankers=ALL_RERANKERS) == rank(
            items, scorer, now, rerankers=ALL_RERANKERS
        )

    @pytest.mark.parametrize("scorer", SCORERS, ids=lambda s: s.name)
    @given(items=candidate_lists(), now=created_ats)
    def test_equals_scoring_one_by_one_then_sorting(
        self, scorer: Scorer, items: list[Candidate], now: datetime
    ) -> None:
        expected = ranked_order([Scored(c, scorer.score(c, now)) for c in items])
        assert rank(items, scorer, now) == expected

    @given(items=candidate_lists(), limit=st.integers(0, 40))
    def test_limit_is_a_prefix(self, items: list[Candidate], limit: int) -> None:
        full = rank(items, TWITTER_2023, NOW, rerankers=[AuthorDiversity()])
        assert (
            rank(items, TWITTER_2023, NOW, rerankers=[AuthorDiversity()], limit=limit)
            == (full[:limit])
        )

    @given(items=candidate_lists())
    def test_rerankers_never_raise_a_score(self, items: list[Candidate]) -> None:
        plain = {s.post_id: s.score for s in rank(items, TWITTER_2023, NOW)}
        for s in rank(items, TWITTER_2023, NOW, rerankers=ALL_RERANKERS):
            assert s.score <= plain[s.post_id]

    @given(items=candidate_lists(), hours=st.integers(0, 1000))
    def test_chronological_is_newest_first(self, items: list[Candidate], hours: int) -> None:
        ranked = rank(items, ChronologicalScorer(), NOW + timedelta(hours=hours))
        keys = [(s.candidate.created_at, s.post_id) for s in ranked]
        assert keys == sorted(keys, reverse=True)
