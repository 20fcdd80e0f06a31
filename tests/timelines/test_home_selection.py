"""The home timeline's "each root once" rule, on bare filtered sequences.

The selection functions must agree with the definition read literally
(:func:`shown_by_definition`) for every bound, which is what makes pages
slices of one sequence.
"""

from hypothesis import given
from hypothesis import strategies as st

from microblog_core.models import Post
from microblog_core.rules import DEDUP_WINDOW
from microblog_core.timelines import select_newest_first, select_oldest_first
from tests.timelines.helpers import Counting, ids, original, repost, shown_by_definition


@st.composite
def filtered_sequences(draw: st.DrawFn) -> list[Post]:
    """A filtered sequence, newest first: originals and reposts of a few roots.

    Roots are drawn from a small set so repeats within the window are common;
    some roots are not in the sequence (their author is not followed).
    """
    size = draw(st.integers(0, 140))
    posts: list[Post] = []
    originals: list[int] = [1, 2, 3]  # roots outside the sequence
    for position in range(size):
        post_id = 1000 + position
        if draw(st.booleans()) or not originals:
            originals.append(post_id)
            posts.append(original(post_id))
        else:
            root = draw(st.sampled_from(originals[-12:]))
            posts.append(repost(post_id, root, author=draw(st.integers(2, 6))))
    posts.reverse()
    return posts


bounds = st.none() | st.integers(990, 1150)


@given(filtered_sequences(), st.integers(1, 40), bounds, bounds)
def test_a_newest_first_page_is_a_slice_of_the_definition(
    sequence: list[Post], limit: int, max_id: int | None, since_id: int | None
) -> None:
    expected = [
        p
        for p in shown_by_definition(sequence)
        if (max_id is None or p.id < max_id) and (since_id is None or p.id > since_id)
    ][:limit]
    below = (p for p in sequence if max_id is None or p.id < max_id)
    assert ids(select_newest_first(below, limit, since_id=since_id)) == ids(expected)


@given(filtered_sequences(), st.integers(1, 40), st.integers(990, 1150), bounds)
def test_a_min_id_page_is_the_slice_just_above_the_bound(
    sequence: list[Post], limit: int, min_id: int, max_id: int | None
) -> None:
    inside = [
        p
        for p in shown_by_definition(sequence)
        if p.id > min_id and (max_id is None or p.id < max_id)
    ]
    expected = inside[-limit:]
    older = (p for p in sequence if p.id <= min_id)
    newer = (p for p in reversed(sequence) if p.id > min_id and (max_id is None or p.id < max_id))
    assert ids(select_oldest_first(older, newer, limit)) == ids(expected)


@given(filtered_sequences(), st.integers(1, 40))
def test_paging_by_max_id_walks_the_whole_definition(sequence: list[Post], limit: int) -> None:
    walked: list[Post] = []
    max_id = None
    while True:
        below = (p for p in sequence if max_id is None or p.id < max_id)
        page = select_newest_first(below, limit)
        if not page:
            break
        walked.extend(page)
        max_id = page[-1].id
    assert ids(walked) == ids(shown_by_definition(sequence))


def test_a_repost_of_an_original_within_the_window_is_dropped() -> None:
    # newest first: the repost, then 39 fillers, then the original: 40 items older.
    sequence = [repost(500, 100), *(original(400 - i) for i in range(39)), original(100)]
    assert 500 not in ids(select_newest_first(iter(sequence), 40))


def test_a_repost_beyond_the_window_is_shown() -> None:
    sequence = [repost(500, 100), *(original(400 - i) for i in range(40)), original(100)]
    assert ids(select_newest_first(iter(sequence), 1)) == [500]


def test_the_older_of_two_reposts_is_the_one_shown() -> None:
    sequence = [repost(9, 1, author=3), original(5), repost(4, 1, author=2)]
    assert ids(select_newest_first(iter(sequence), 10)) == [5, 4]


def test_originals_are_never_dropped() -> None:
    sequence = [original(9), repost(8, 2), original(5), original(2)]
    assert ids(select_newest_first(iter(sequence), 10)) == [9, 5, 2]


def test_a_page_of_originals_reads_no_further_than_the_page() -> None:
    source = Counting(original(1000 - i) for i in range(500))
    select_newest_first(source, 20)
    assert source.taken == 20


def test_a_repost_looks_ahead_at_most_the_window() -> None:
    source = Counting([repost(5000, 1), *(original(4000 - i) for i in range(500))])
    assert ids(select_newest_first(source, 1)) == [5000]
    assert source.taken == 1 + DEDUP_WINDOW


def test_since_id_stops_the_page_but_not_the_window() -> None:
    sequence = [repost(50, 10), original(40), original(10)]
    # 50 is a repost of 10, which lies below since_id=20 but within the window.
    assert ids(select_newest_first(iter(sequence), 10, since_id=20)) == [40]


def test_a_min_id_page_sees_the_window_below_the_bound() -> None:
    older = iter([original(10)])
    newer = iter([repost(50, 10), original(60)])
    assert ids(select_oldest_first(older, newer, 10)) == [60]
