"""``threads()``: consistent conversations within their depth and size."""

import subprocess
import sys
import textwrap
from typing import Any

import attrs
import pytest
from hypothesis import Phase, find, given, settings
from hypothesis import strategies as st
from hypothesis.errors import InvalidArgument

from microblog_core.rules.threads import build_thread, reply_ref_for
from microblog_core.testing import strategies as mst
from microblog_core.testing.strategies import (
    Thread,
    threads,
)
from microblog_core.text import WEIBO, measure

FIND_ANY = settings(database=None, max_examples=2_000, derandomize=True, phases=[Phase.generate])


# --- threads ----------------------------------------------------------------------------


def check_thread(thread: Thread, *, max_depth: int, max_size: int) -> None:
    root = thread.root
    assert not root.is_reply and not root.is_repost
    assert len(thread.replies) <= max_size
    assert thread.depth <= max_depth
    by_id = {post.id: post for post in thread.posts}
    ids = [post.id for post in thread.posts]
    assert ids == sorted(set(ids)), "ids increase in reply order"
    for reply in thread.replies:
        ref = reply.reply_to
        assert ref is not None
        parent = by_id[ref.parent_id]
        assert parent.id < reply.id
        assert parent.created_at <= reply.created_at
        assert ref == reply_ref_for(parent, reply.author_id)
        assert ref.root_id == root.id
        assert not reply.hidden
        assert attrs.evolve(reply) == reply


@given(threads())
def test_threads_are_consistent_conversations(thread: Thread) -> None:
    check_thread(thread, max_depth=4, max_size=10)


@given(threads(max_depth=2, max_size=30), threads(max_depth=0), threads(max_size=0))
def test_threads_respect_depth_and_size(deep: Thread, flat: Thread, empty: Thread) -> None:
    check_thread(deep, max_depth=2, max_size=30)
    assert flat.replies == () and empty.replies == ()
    assert flat.depth == 0


@given(threads())
def test_a_thread_view_from_the_root_shows_every_post(thread: Thread) -> None:
    view = build_thread(
        thread.root, thread.replies, root=thread.root, placeholder_for=lambda _: None
    )
    shown = {node.post_id for node in view.flatten()}
    assert shown == {post.id for post in thread.posts}
    depths = thread.depths()
    assert all(node.depth == depths[node.post_id] for node in view.flatten())


@given(threads(author_ids=st.just(mst.AccountId(7)), texts=mst.texts(policy=WEIBO)))
def test_threads_take_authors_and_texts(thread: Thread) -> None:
    assert {post.author_id for post in thread.posts} == {7}
    assert all(measure(post.text, WEIBO).valid for post in thread.posts)


def test_threads_include_self_reply_chains_and_several_people() -> None:
    def self_chain(thread: Thread) -> bool:
        return any(
            r.reply_to is not None and r.reply_to.addressee_id != r.reply_to.parent_author_id
            for r in thread.replies
        )

    find(threads(), self_chain, settings=FIND_ANY)
    find(threads(), lambda t: len({p.author_id for p in t.posts}) >= 3, settings=FIND_ANY)


@given(st.from_type(Thread))
def test_from_type_gives_consistent_threads(thread: Thread) -> None:
    check_thread(thread, max_depth=4, max_size=10)


def test_a_failing_thread_shrinks_to_a_short_chain() -> None:
    # In a fresh interpreter: Hypothesis draws some values from a pool of
    # constants found in every module imported so far, so in a process that
    # has already run other tests the same seed can shrink elsewhere.
    script = """
        from hypothesis import Phase, find, settings
        from microblog_core.testing.strategies import threads

        FIND = settings(
            database=None, max_examples=2_000, derandomize=True,
            phases=[Phase.generate, Phase.shrink],
        )
        deep = find(threads(), lambda t: t.depth >= 3, settings=FIND)
        empty = find(threads(), lambda t: True, settings=FIND)
        print(len(deep.replies), deep.depth, len(empty.replies))
    """
    result = subprocess.run(
        [sys.executable, "-c", textwrap.dedent(script)],
        capture_output=True,
        text=True,
        check=False,
        timeout=300,
    )
    assert result.returncode == 0, result.stderr
    assert result.stdout.split() == ["3", "3", "0"]  # a chain of three; no replies at all


@pytest.mark.parametrize(
    "options",
    [
        {"max_depth": -1},
        {"max_size": -1},
        {"max_size": 10_001},
        {"max_depth": 1.5},
        {"author_ids": 3},
        {"texts": "hello"},
    ],
)
def test_threads_refuse_bad_options(options: dict[str, Any]) -> None:
    with pytest.raises(InvalidArgument):
        threads(**options)
