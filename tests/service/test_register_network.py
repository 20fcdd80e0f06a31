"""Bulk registration (Microblog.register_network) leaves what one-by-one use cases leave."""

from array import array
from unittest.mock import patch

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from microblog_core import ManualClock, bootstrap
from microblog_core import service as service_module
from microblog_core.errors import (
    DuplicateHandleError,
    InvalidHandleError,
    PermissionDeniedError,
    ValidationError,
)
from microblog_core.rules import FOLLOW_LIMIT
from microblog_core.rules import access as access_module
from microblog_core.service import Microblog
from microblog_core.timelines import FanOutOnWrite


def _blog(kind: str, tmp_path: object = None) -> Microblog:
    store = bootstrap.memory_store() if kind == "memory" else bootstrap.sqlite_store(":memory:")
    return bootstrap.build(store, clock=ManualClock())


def _state(blog: Microblog, n: int) -> list[tuple[object, ...]]:
    rows = []
    for i in range(n):
        account = blog.account_by_handle(f"a{i}")
        with blog.unit_of_work(readonly=True) as uow:
            following = uow.relations.following_of(account.id, limit=80)
        rows.append(
            (
                account.id,
                account.handle,
                account.created_at,
                tuple((f.followee_id, f.created_at) for f in following),
                blog.account_counters(account.id),
            )
        )
    return rows


edges = st.lists(st.tuples(st.integers(0, 7), st.integers(0, 7)), max_size=40).flatmap(
    lambda pairs: st.sampled_from([pairs, sorted(pairs)])
)


@settings(max_examples=40)
@given(pairs=edges, kind=st.sampled_from(["memory", "sqlite"]), as_arrays=st.booleans())
def test_bulk_equals_one_by_one(pairs: list[tuple[int, int]], kind: str, as_arrays: bool) -> None:
    """Lists or arrays of positions, in order or not: the same accounts, follows and refusals."""
    n = 8
    handles = [f"a{i}" for i in range(n)]
    one = _blog(kind)
    made = [one.register(h) for h in handles]
    refused_one = {}
    for position, (a, b) in enumerate(pairs):
        try:
            one.follow(made[a].id, made[b].id)
        except PermissionDeniedError as exc:
            refused_one[position] = exc.rule
    bulk = _blog(kind)
    followers, followees = [a for a, _ in pairs], [b for _, b in pairs]
    if as_arrays:
        accounts, refused = bulk.register_network(
            handles, array("i", followers), array("i", followees)
        )
    else:
        accounts, refused = bulk.register_network(handles, followers, followees)
    assert [a.id for a in accounts] == [a.id for a in made]
    assert refused == refused_one
    assert _state(bulk, n) == _state(one, n)


def test_the_follow_limit_applies_in_order() -> None:
    n = FOLLOW_LIMIT + 3
    handles = [f"a{i}" for i in range(n)]
    followers = [0] * (n - 1)
    followees = list(range(1, n))
    accounts, refused = _blog("memory").register_network(handles, followers, followees)
    assert refused == {FOLLOW_LIMIT: "follow_limit", FOLLOW_LIMIT + 1: "follow_limit"}
    assert len(accounts) == n


def test_bad_input_writes_nothing() -> None:
    blog = _blog("memory")
    with pytest.raises(InvalidHandleError):
        blog.register_network(["ok", "not ok"], [], [])
    with pytest.raises(ValidationError, match="positions"):
        blog.register_network(["a", "b"], [0], [2])
    with pytest.raises(ValidationError, match="positions"):
        blog.register_network(["a", "b"], array("i", [0]), array("i", [-1]))
    with pytest.raises(ValidationError, match="followees"):
        blog.register_network(["a", "b"], [0, 1], [1])
    with pytest.raises(DuplicateHandleError):
        blog.register_network(["a", "A"], [0], [1])
    with blog.unit_of_work(readonly=True) as uow:
        assert uow.accounts.count() == 0


def test_a_service_that_keeps_feeds_refuses() -> None:
    blog = bootstrap.build(bootstrap.memory_store(), clock=ManualClock(), timeline=FanOutOnWrite())
    with pytest.raises(ValidationError) as caught:
        blog.register_network(["a", "b"], [0], [1])
    assert caught.value.field == "projectors"


def test_a_rolled_back_batch_undoes_the_load() -> None:
    blog = _blog("memory")

    def load_then_fail() -> None:
        with blog.batch():
            blog.register_network(["a", "b"], [0, 1], [1, 0])
            raise RuntimeError

    with pytest.raises(RuntimeError):
        load_then_fail()
    with blog.unit_of_work(readonly=True) as uow:
        assert uow.accounts.count() == 0
    accounts, _ = blog.register_network(["a", "b"], [0, 1], [1, 0])
    assert blog.account_counters(accounts[0].id).followers == 1


ascending_networks = st.sets(
    st.tuples(st.integers(0, 11), st.integers(0, 11)).filter(lambda pair: pair[0] != pair[1]),
    max_size=100,
).map(sorted)


@given(pairs=ascending_networks, limit=st.integers(1, 6), as_array=st.booleans())
def test_the_follow_limit_fast_path_equals_the_general_one(
    pairs: list[tuple[int, int]], limit: int, as_array: bool
) -> None:
    """Ascending, loop-free follows cut at the follow limit as the one-by-one rules cut them.

    With a small limit, accounts pass it often; the 1.1-times-followers
    allowance then decides where a row stops, and a follow a row loses does
    not count for a later account.
    """
    followers = [a for a, _ in pairs]
    followees = [b for _, b in pairs]
    if as_array:
        followers_in: object = array("i", followers)
        followees_in: object = array("i", followees)
    else:
        followers_in, followees_in = tuple(followers), tuple(followees)
    with (
        patch.object(service_module, "FOLLOW_LIMIT", limit),
        patch.object(access_module, "FOLLOW_LIMIT", limit),
    ):
        assert service_module._plain_network(followers_in, followees_in, 12)
        fast_a, fast_b, fast_refused = service_module._within_follow_limit(
            followers_in, followees_in
        )
        slow_a, slow_b, slow_refused = service_module._followable(followers, followees, 12)
    assert list(fast_a) == slow_a
    assert list(fast_b) == slow_b
    assert fast_refused == slow_refused


def test_the_follow_limit_grows_with_followers_made_before_the_row() -> None:
    """Past the limit, an account may follow up to 1.1 times the followers it has so far."""
    n = 2 * FOLLOW_LIMIT + 4
    handles = [f"a{i}" for i in range(n)]
    hub = FOLLOW_LIMIT + 1
    # Accounts 0 .. FOLLOW_LIMIT + 0 follow the hub, then the hub follows everyone.
    followers = list(range(hub)) + [hub] * (n - 1)
    followees = [hub] * hub + [b for b in range(n) if b != hub]
    blog = _blog("memory")
    accounts, refused = blog.register_network(handles, followers, followees)

    def blog_counters_following(account: object) -> int:
        return blog.account_counters(account.id).following  # type: ignore[attr-defined]

    # The hub has 7,501 followers: it may follow while it follows fewer than 8,251.1.
    made = 8252
    assert refused == dict.fromkeys(range(hub + made, hub + n - 1), "follow_limit")
    assert blog_counters_following(accounts[hub]) == made
