"""The lazy k-way merges: order, de-duplication and laziness."""

from hypothesis import given
from hypothesis import strategies as st

from microblog_core.timelines import merge_newest_first, merge_oldest_first
from tests.timelines.helpers import Counting, ids, original

id_sets = st.lists(st.sets(st.integers(1, 500), max_size=30), max_size=12)


@given(id_sets)
def test_newest_first_merge_is_the_sorted_union(streams: list[set[int]]) -> None:
    iterators = [iter([original(i) for i in sorted(s, reverse=True)]) for s in streams]
    expected = sorted(set().union(*streams), reverse=True)
    assert ids(merge_newest_first(iterators)) == expected


@given(id_sets)
def test_oldest_first_merge_is_the_sorted_union(streams: list[set[int]]) -> None:
    iterators = [iter([original(i) for i in sorted(s)]) for s in streams]
    expected = sorted(set().union(*streams))
    assert ids(merge_oldest_first(iterators)) == expected


@given(st.lists(st.sets(st.integers(1, 10_000), min_size=1, max_size=40), min_size=1, max_size=30))
def test_merge_touches_only_stream_heads_and_what_it_yields(streams: list[set[int]]) -> None:
    # Disjoint streams: an id repeated across streams is pulled twice and yielded once.
    counters = [
        Counting([original(i * 100 + k) for i in sorted(s, reverse=True)])
        for k, s in enumerate(streams)
    ]
    merged = merge_newest_first(iter(counters))
    taken = [next(merged) for _ in range(min(5, sum(map(len, streams))))]
    assert len(taken) <= 5
    # Each stream gave its head, plus one more for each of its items yielded.
    assert sum(c.taken for c in counters) <= len(counters) + len(taken)


def test_merge_of_nothing_is_empty() -> None:
    assert list(merge_newest_first([])) == []
    assert list(merge_oldest_first([iter([])])) == []


def test_equal_ids_in_two_streams_are_one_post() -> None:
    a = [original(9), original(5), original(2)]
    b = [original(9), original(6), original(2)]
    assert ids(merge_newest_first([iter(a), iter(b)])) == [9, 6, 5, 2]
    assert ids(merge_oldest_first([iter(a[::-1]), iter(b[::-1])])) == [2, 5, 6, 9]


def test_the_last_stream_is_drained_without_repeating_its_head() -> None:
    a = [original(9), original(8), original(7)]
    b = [original(9)]
    assert ids(merge_newest_first([iter(a), iter(b)])) == [9, 8, 7]
