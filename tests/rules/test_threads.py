"""Reply references, the thread view and the Wilson lower bound."""

import math

import pytest
from hypothesis import given
from hypothesis import strategies as st

from microblog_core.errors import ValidationError
from microblog_core.models import PostCounters
from microblog_core.rules import (
    WILSON_Z,
    Placeholder,
    build_thread,
    reply_ref_for,
    wilson_lower_bound,
)
from tests.rules.helpers import original, reply, repost

OP, ANN, BEN = 1, 2, 3


def visible(_post):
    return None


def test_reply_ref_to_root():
    root = original(10, OP)
    ref = reply_ref_for(root, ANN)
    assert (ref.root_id, ref.parent_id, ref.parent_author_id, ref.addressee_id) == (10, 10, OP, OP)


def test_reply_ref_to_reply_keeps_root():
    root = original(10, OP)
    first = reply(11, ANN, root)
    ref = reply_ref_for(first, BEN)
    assert (ref.root_id, ref.parent_id, ref.addressee_id) == (10, 11, ANN)


def test_self_reply_chain_keeps_addressee():
    root = original(10, OP)
    answer = reply(11, ANN, root)  # Ann answers OP
    more = reply(12, ANN, answer)  # Ann continues her own reply
    still = reply(13, ANN, more)
    assert more.reply_to.addressee_id == OP
    assert still.reply_to.addressee_id == OP
    assert still.reply_to.parent_author_id == ANN


def test_self_thread_from_own_root_addresses_self():
    root = original(10, OP)
    assert reply_ref_for(root, OP).addressee_id == OP


def test_reply_to_repost_refused_at_rule_level():
    with pytest.raises(ValidationError):
        reply_ref_for(repost(11, ANN, original(10, OP)), BEN)


def test_wilson_hand_computed():
    # n = 10, p = 0.8, z = 1.281551565545:
    # (0.8 + z²/20 - z·sqrt((0.16 + z²/40)/10)) / (1 + z²/10)
    z = WILSON_Z
    expected = (0.8 + z * z / 20 - z * math.sqrt((0.16 + z * z / 40) / 10)) / (1 + z * z / 10)
    assert wilson_lower_bound(8, 10) == pytest.approx(expected)
    assert wilson_lower_bound(8, 10) == pytest.approx(0.6016, abs=1e-4)
    assert wilson_lower_bound(0, 0) == 0.0


@given(st.integers(0, 500), st.integers(0, 500))
def test_wilson_bounded_and_below_ratio(positive, extra):
    total = positive + extra
    score = wilson_lower_bound(positive, total)
    assert 0.0 <= score <= 1.0
    if total:
        assert score <= positive / total + 1e-12


@given(st.integers(0, 200))
def test_wilson_grows_with_unanimous_votes(n):
    assert wilson_lower_bound(n + 1, n + 1) > wilson_lower_bound(n, n)


def _ids(view):
    return [node.post_id for node in view.flatten()]


def _thread():
    root = original(10, OP)
    a = reply(11, ANN, root)
    b = reply(12, BEN, root)
    a1 = reply(13, BEN, a)
    own = reply(14, OP, root)  # the author's own continuation
    a2 = reply(15, ANN, a)
    return root, [a, b, a1, own, a2]


def test_descendants_depth_first_oldest_with_author_continuation_first():
    root, replies = _thread()
    view = build_thread(root, replies, root=root, placeholder_for=visible)
    # Under Ann's reply (11), Ann's own continuation (15) comes before Ben's (13).
    assert _ids(view) == [10, 14, 11, 15, 13, 12]
    assert view.ancestors == ()
    assert [n.depth for n in view.flatten()] == [0, 1, 1, 2, 2, 1]


def test_newest_sort():
    root, replies = _thread()
    view = build_thread(root, replies, root=root, placeholder_for=visible, sort="newest")
    assert _ids(view) == [10, 14, 12, 11, 15, 13]


def test_top_sort_by_wilson_of_likes():
    root, replies = _thread()
    counters = {12: PostCounters(likes=5), 11: PostCounters(likes=1)}
    view = build_thread(
        root, replies, root=root, placeholder_for=visible, sort="top", counters=counters
    )
    assert _ids(view)[:4] == [10, 14, 12, 11]


def test_unknown_sort_refused():
    root, replies = _thread()
    with pytest.raises(ValidationError):
        build_thread(root, replies, root=root, placeholder_for=visible, sort="random")


def test_ancestors_root_first_and_capped():
    root = original(10, OP)
    chain = [root]
    for i in range(11, 20):
        chain.append(reply(i, ANN if i % 2 else BEN, chain[-1]))
    focus = chain[-1]
    view = build_thread(focus, chain[1:], root=root, placeholder_for=visible)
    assert [n.post_id for n in view.ancestors] == list(range(10, 19))
    capped = build_thread(focus, chain[1:], root=root, placeholder_for=visible, max_ancestors=3)
    assert [n.post_id for n in capped.ancestors] == [16, 17, 18]
    assert capped.truncated


def test_depth_cap_counts_what_it_leaves_out():
    root, replies = _thread()
    view = build_thread(root, replies, root=root, placeholder_for=visible, max_depth=1)
    assert _ids(view) == [10, 14, 11, 12]
    node_a = next(n for n in view.flatten() if n.post_id == 11)
    assert node_a.more_replies == 2
    assert view.truncated


def test_count_cap():
    root, replies = _thread()
    view = build_thread(root, replies, root=root, placeholder_for=visible, limit=2)
    assert len(view.flatten()) == 3
    assert view.truncated


def test_hidden_reply_is_a_placeholder_and_keeps_children():
    root, replies = _thread()

    def hide_ann(post):
        return Placeholder.MUTED if post.author_id == ANN else None

    view = build_thread(root, replies, root=root, placeholder_for=hide_ann)
    nodes = {n.post_id: n for n in view.flatten()}
    assert nodes[11].post is None
    assert nodes[11].placeholder is Placeholder.MUTED
    assert [c.post_id for c in nodes[11].children] == [15, 13]
    assert nodes[13].post is not None


def test_deleted_parent_becomes_placeholder_under_root():
    root = original(10, OP)
    gone = reply(11, ANN, root)
    orphan = reply(12, BEN, gone)
    view = build_thread(root, [orphan], root=root, placeholder_for=visible)
    nodes = {n.post_id: n for n in view.flatten()}
    assert nodes[11].placeholder is Placeholder.DELETED
    assert [c.post_id for c in nodes[11].children] == [12]


def test_focus_under_deleted_root_shows_placeholder_ancestor():
    root = original(10, OP)
    mid = reply(11, ANN, root)
    focus = reply(12, BEN, mid)
    view = build_thread(focus, [mid, focus], root=None, placeholder_for=visible)
    assert [(n.post_id, n.placeholder) for n in view.ancestors] == [
        (10, Placeholder.DELETED),
        (11, None),
    ]


def test_long_self_thread_does_not_recurse():
    root = original(10, OP)
    chain = [root]
    for i in range(11, 3011):
        chain.append(reply(i, OP, chain[-1]))
    view = build_thread(
        root, chain[1:], root=root, placeholder_for=visible, max_depth=5000, limit=5000
    )
    assert len(view.flatten()) == 3001


@given(st.lists(st.integers(0, 30), min_size=1, max_size=40), st.integers(0, 8), st.integers(0, 50))
def test_view_is_connected_and_within_caps(parents, max_depth, limit):
    root = original(1000, OP)
    posts = [root]
    for i, parent_index in enumerate(parents):
        parent = posts[parent_index % len(posts)]
        posts.append(reply(1001 + i, (i % 3) + 1, parent))
    view = build_thread(
        root, posts[1:], root=root, placeholder_for=visible, max_depth=max_depth, limit=limit
    )
    flat = view.flatten()
    assert len(flat) - 1 <= limit
    assert all(node.depth <= max_depth for node in flat)
    assert len({n.post_id for n in flat}) == len(flat)
    shown = {n.post_id for n in flat}
    for node in flat[1:]:
        assert node.post.reply_to.parent_id in shown
    if len(flat) - 1 < len(parents):
        assert view.truncated


@given(st.integers(0, 500), st.integers(0, 500))
def test_wilson_is_the_ranking_bound_spelled_with_a_total(positive, extra):
    from microblog_core import ranking

    bound = wilson_lower_bound(positive, positive + extra)
    assert bound == ranking.wilson_lower_bound(positive, extra)


@pytest.mark.parametrize(("positive", "total"), [(3, 2), (-1, 4), (1, -1), (True, 2), (1.0, 2)])
def test_wilson_refuses_counts_that_are_not_successes_of_a_total(positive, total):
    with pytest.raises(ValidationError):
        wilson_lower_bound(positive, total)
