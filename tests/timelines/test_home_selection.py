"""The home timeline's "each root once" rule, on bare filtered sequences.

The selection functions must agree with the definition read literally
(:func:`shown_by_definition`) for every bound, which is what makes pages
slices of one sequence.
"""

from unittest.mock import patch

from hypothesis import example, given
from hypothesis import strategies as st

from microblog_core.ids import AccountId, PostId
from microblog_core.models import Post
from microblog_core.rules import DEDUP_WINDOW
from microblog_core.timelines import FanOutOnRead, select_newest_first, select_oldest_first
from tests.timelines.helpers import (
    Counting,
    ids,
    original,
    repost,
    root_of,
    shown_by_definition,
)
from tests.timelines.history import home_by_definition, make_blog, silently, walk


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


@given(filtered_sequences(), st.integers(1, 40), bounds, bounds, st.integers(0, 30))
def test_a_floor_on_the_look_ahead_changes_no_page_and_reads_no_more(
    sequence: list[Post], limit: int, max_id: int | None, since_id: int | None, slack: int
) -> None:
    # A floor is truthful when every other copy of the head's root lies at or
    # above it; one lower than needed (slack) is still truthful.
    def copies_from(head: Post) -> int:
        others = [p.id for p in sequence if p.id < head.id and root_of(p) == root_of(head)]
        return (min(others) if others else head.id) - slack

    below = [p for p in sequence if max_id is None or p.id < max_id]
    plain, floored = Counting(below), Counting(below)
    reference = select_newest_first(plain, limit, since_id=since_id)
    assert ids(
        select_newest_first(floored, limit, since_id=since_id, copies_from=copies_from)
    ) == ids(reference)
    assert floored.taken <= plain.taken


def test_a_repost_with_no_copy_below_reads_no_further() -> None:
    source = Counting([repost(5000, 1), *(original(4000 - i) for i in range(500))])
    assert ids(select_newest_first(source, 1, copies_from=lambda head: head.id)) == [5000]
    assert source.taken == 1


def test_a_repost_reads_ahead_down_to_its_floor_only() -> None:
    sequence = [repost(5000, 3990), *(original(4000 - i) for i in range(500))]
    source = Counting(sequence)
    assert ids(select_newest_first(source, 1, copies_from=lambda head: 3990)) == [4000]
    assert source.taken == 12  # the repost, then 4000 down to its original 3990


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


# A home page on the memory store, whose posts offer EarlierReposts: the
# look-ahead stops at the oldest copy that may be in the filtered sequence.

_WHO = st.integers(0, 4)  # 0 the viewer; 1-3 followed; 4 followed by no one
_OPS = st.lists(
    st.one_of(
        st.tuples(st.just("post"), _WHO, st.just(0)),
        st.tuples(st.just("repost"), _WHO, st.integers(0, 5)),
    ),
    min_size=1,
    max_size=120,
)


@example(ops=[("post", 4, 0), ("repost", 1, 0), ("repost", 2, 0)], limit=5)
@example(ops=[("post", 1, 0), ("repost", 2, 0), *[("post", 3, 0)] * 41, ("repost", 0, 41)], limit=3)
@given(_OPS, st.integers(1, 20))
def test_a_memory_home_page_equals_the_definition_and_the_full_look_ahead(
    ops: list[tuple[str, int, int]], limit: int
) -> None:
    blog = make_blog("memory", FanOutOnRead())
    people = [blog.register(f"user{n}").id for n in range(5)]
    viewer = people[0]
    for followee in people[1:4]:
        blog.follow(viewer, followee)
    originals: list[PostId] = []
    for kind, who, back in ops:
        if kind == "post" or not originals:
            originals.append(blog.post(people[who], f"post {len(originals)}").id)
        else:
            root = originals[-1 - min(back, len(originals) - 1)]
            silently(lambda: blog.repost(people[who], root))  # noqa: B023
    expected = ids(home_by_definition(blog, viewer))
    read = lambda **kw: blog.home_timeline(viewer, **kw)  # noqa: E731
    assert ids(walk(read, limit)) == expected
    with patch("microblog_core.timelines.home._copies_from", return_value=None):
        assert ids(walk(read, limit)) == expected


def test_a_widely_reposted_original_costs_a_page_no_look_ahead() -> None:
    # A followee reposts an original that 70 accounts the viewer does not
    # follow reposted before: no other copy can be in the viewer's filtered
    # sequence, so the look-ahead's floor is the repost itself, however many
    # reposts the original has (the old capability gave up past 64 and read
    # the whole window). An earlier repost by a followee, or by the viewer,
    # is a copy that may be there: the floor is the earliest such copy.
    from microblog_core.timelines.home import _copies_from, home_context

    blog = make_blog("memory", FanOutOnRead())
    viewer, followee, other, star = (blog.register(f"user{n}").id for n in range(4))
    crowd = [blog.register(f"crowd{n}").id for n in range(70)]
    blog.follow(viewer, followee)
    blog.follow(viewer, other)

    def floor(early: list[AccountId]) -> tuple[int, Post, list[Post]]:
        original = blog.post(star, "worth sharing").id
        first = [blog.repost(account, original) for account in early]
        for account in crowd:
            blog.repost(account, original)
        head = blog.repost(followee, original)
        with blog.unit_of_work(readonly=True) as uow:
            copies_from = _copies_from(uow, home_context(uow, viewer, blog.now()))
            assert copies_from is not None
            return copies_from(head), head, first

    lowest, head, _ = floor([])
    assert lowest == head.id
    lowest, _, (by_other,) = floor([other])
    assert lowest == by_other.id
    lowest, _, (by_viewer, by_other) = floor([viewer, other])
    assert lowest == by_viewer.id
    lowest, _, (by_other, by_viewer) = floor([other, viewer])
    assert lowest == by_other.id
