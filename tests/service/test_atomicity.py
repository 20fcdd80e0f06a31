"""A use case that raises leaves storage exactly as it was (property test, both adapters)."""

from datetime import timedelta

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from microblog_core import ManualClock
from microblog_core.errors import MicroblogError
from microblog_core.models import ReplyGate, Visibility
from microblog_core.service import Microblog
from tests.service.snapshot import snapshot

N = 4  # accounts

_index = st.integers(0, N - 1)
_post_index = st.integers(0, 30)
_texts = st.sampled_from(["hello", "x" * 300, "", "hi @u0 #tag", "bad \ufffe", "ok @u1"])
_visibility = st.sampled_from(list(Visibility))

_calls = st.one_of(
    st.tuples(st.just("follow"), _index, _index),
    st.tuples(st.just("unfollow"), _index, _index),
    st.tuples(st.just("block"), _index, _index),
    st.tuples(st.just("mute"), _index, _index),
    st.tuples(st.just("post"), _index, _texts, _visibility),
    st.tuples(st.just("reply"), _index, _post_index, _texts),
    st.tuples(st.just("repost"), _index, _post_index, st.sampled_from([None, "c", "x" * 300])),
    st.tuples(st.just("also_comment"), _index, _post_index),
    st.tuples(st.just("quote"), _index, _post_index),
    st.tuples(st.just("like"), _index, _post_index),
    st.tuples(st.just("delete"), _index, _post_index),
    st.tuples(st.just("gate"), _index, _post_index),
    st.tuples(st.just("approve"), _index, _index),
)


def _apply(blog: Microblog, users, posts, call) -> None:
    name, *args = call

    def post_id(i: int) -> int:
        return posts[i % len(posts)] if posts else 999_999

    match name:
        case "follow":
            blog.follow(users[args[0]], users[args[1]])
        case "unfollow":
            blog.unfollow(users[args[0]], users[args[1]])
        case "block":
            blog.block(users[args[0]], users[args[1]])
        case "mute":
            blog.mute(users[args[0]], users[args[1]], expires_at=blog.now() + timedelta(hours=1))
        case "post":
            posts.append(blog.post(users[args[0]], args[1], visibility=args[2]).id)
        case "reply":
            posts.append(blog.reply(users[args[0]], post_id(args[1]), args[2]).id)
        case "repost":
            posts.append(blog.repost(users[args[0]], post_id(args[1]), comment=args[2]).id)
        case "also_comment":
            posts.append(
                blog.repost(users[args[0]], post_id(args[1]), comment="me", also_comment=True).id
            )
        case "quote":
            posts.append(blog.post(users[args[0]], "quoting", quote_of=post_id(args[1])).id)
        case "like":
            blog.like(users[args[0]], post_id(args[1]))
        case "delete":
            blog.delete_post(users[args[0]], post_id(args[1]))
        case "gate":
            blog.set_reply_gate(users[args[0]], post_id(args[1]), ReplyGate.NOBODY)
        case "approve":
            blog.approve_follow(users[args[0]], users[args[1]])


@pytest.mark.parametrize("adapter", ["memory", "sqlite"])
@settings(max_examples=40)
@given(calls=st.lists(_calls, min_size=1, max_size=25))
def test_failing_use_cases_change_nothing(adapter, calls):
    clock = ManualClock()
    blog = (
        Microblog.in_memory(clock=clock)
        if adapter == "memory"
        else Microblog.sqlite(":memory:", clock=clock)
    )
    try:
        users = [blog.register(f"u{i}", locked=(i == 3)).id for i in range(N)]
        posts: list[int] = []
        failures = 0
        for call in calls:
            clock.advance(1)
            before = snapshot(blog)
            try:
                _apply(blog, users, posts, call)
            except MicroblogError:
                failures += 1
                assert snapshot(blog) == before, f"{call} failed but changed storage"
    finally:
        blog.close()
