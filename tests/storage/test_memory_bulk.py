"""The memory store's bulk load leaves what one write at a time leaves."""

from array import array
from datetime import UTC, datetime

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from microblog_core.errors import ConflictError, NotFoundError, ValidationError
from microblog_core.ids import AccountId
from microblog_core.models import Account, Follow
from microblog_core.storage.memory import MemoryStore

T0 = datetime(2026, 1, 1, tzinfo=UTC)
T1 = datetime(2026, 1, 2, tzinfo=UTC)


def _accounts(first: int, count: int) -> list[Account]:
    return [
        Account.create(id=AccountId(100 + i), handle=f"h{i}", created_at=T0)
        for i in range(first, first + count)
    ]


def _store(old: list[tuple[int, int]]) -> MemoryStore:
    store = MemoryStore()
    with store.unit_of_work() as uow:
        for account in _accounts(0, 4):
            uow.accounts.add(account)
        for a, b in old:
            uow.relations.add_follow(
                Follow(
                    follower_id=AccountId(100 + a), followee_id=AccountId(100 + b), created_at=T0
                )
            )
        uow.commit()
    return store


pairs = st.lists(
    st.tuples(st.integers(0, 7), st.integers(0, 7)).filter(lambda p: p[0] != p[1]),
    unique=True,
    max_size=30,
)


@settings(max_examples=60)
@given(old=pairs, new=pairs)
def test_a_bulk_load_equals_single_writes(
    old: list[tuple[int, int]], new: list[tuple[int, int]]
) -> None:
    old = [(a % 4, b % 4) for a, b in old if a % 4 != b % 4]
    old = list(dict.fromkeys(old))
    new = [p for p in new if p not in old]
    one, bulk = _store(old), _store(old)
    with one.unit_of_work() as uow:
        for account in _accounts(4, 4):
            uow.accounts.add(account)
        for a, b in new:
            uow.relations.add_follow(
                Follow(
                    follower_id=AccountId(100 + a), followee_id=AccountId(100 + b), created_at=T1
                )
            )
        uow.commit()
    with bulk.unit_of_work() as uow:
        uow.load_network(_accounts(4, 4), [100 + a for a, _ in new], [100 + b for _, b in new], T1)
        uow.commit()
    assert bulk._snapshot() == one._snapshot()


@pytest.mark.parametrize(
    ("followers", "followees", "error"),
    [
        ([100], [100], ValidationError),
        ([100, 100], [104, 104], ConflictError),
        ([100], [999], NotFoundError),
        ([100], [101], ConflictError),  # exists already
        ([100], [], ValidationError),
        ([True], [101], ValidationError),
    ],
)
def test_a_refused_load_writes_nothing(
    followers: list[int], followees: list[int], error: type[Exception]
) -> None:
    store = _store([(0, 1)])
    before = store._snapshot()
    with store.unit_of_work() as uow, pytest.raises(error):
        uow.load_network(_accounts(4, 1), followers, followees, T1)  # type: ignore[arg-type]
    assert store._snapshot() == before


def test_a_rollback_undoes_a_load() -> None:
    store = _store([(0, 1)])
    before = store._snapshot()
    with store.unit_of_work() as uow:
        uow.load_network(_accounts(4, 2), [100, 104, 105], [104, 105, 100], T1)
        uow.rollback()
    assert store._snapshot() == before


# --------------------------------------------------------------------------- by position


new_pairs = st.lists(
    st.tuples(st.integers(0, 5), st.integers(0, 5)).filter(lambda p: p[0] != p[1]),
    unique=True,
    max_size=30,
).flatmap(lambda ps: st.sampled_from([ps, sorted(ps)]))


@settings(max_examples=60)
@given(new=new_pairs, as_arrays=st.booleans())
def test_a_load_by_position_equals_a_load_by_id(
    new: list[tuple[int, int]], as_arrays: bool
) -> None:
    """Ascending follows take the sliced path, others the general one: both leave the same."""
    by_id, by_position = MemoryStore(), MemoryStore()
    accounts = _accounts(0, 6)
    with by_id.unit_of_work() as uow:
        uow.load_network(accounts, [100 + a for a, _ in new], [100 + b for _, b in new], T1)
        uow.commit()
    followers, followees = [a for a, _ in new], [b for _, b in new]
    with by_position.unit_of_work() as uow:
        if as_arrays:
            uow.load_new_network(accounts, array("q", followers), array("i", followees), T1)
        else:
            uow.load_new_network(accounts, followers, followees, T1)
        uow.commit()
    assert by_position._snapshot() == by_id._snapshot()


def test_a_rollback_undoes_a_load_by_position() -> None:
    store = _store([(0, 1)])
    before = store._snapshot()
    with store.unit_of_work() as uow:
        uow.load_new_network(_accounts(4, 3), [0, 0, 1, 2], [1, 2, 0, 1], T1)
        assert uow.relations.get_follow(AccountId(104), AccountId(105)) is not None
        uow.rollback()
    assert store._snapshot() == before


@pytest.mark.parametrize(
    ("followers", "followees", "error"),
    [
        ([0], [0], ValidationError),  # self-follow
        ([0, 0], [1, 1], ConflictError),  # twice
        ([0], [5], ValidationError),  # not a position
        (array("i", [-1]), array("i", [0]), ValidationError),
        ([0], [], ValidationError),
        ([True], [1], ValidationError),
    ],
)
def test_a_refused_load_by_position_writes_nothing(
    followers: list[int], followees: list[int], error: type[Exception]
) -> None:
    store = _store([(0, 1)])
    before = store._snapshot()
    with store.unit_of_work() as uow, pytest.raises(error):
        uow.load_new_network(_accounts(4, 2), followers, followees, T1)
    assert store._snapshot() == before


def test_a_bulk_load_keeps_one_object_per_id_and_per_handle() -> None:
    # Memory, not behaviour: every index keys an account by its own id object,
    # and by its handle when the handle is already its key (``casefold`` copies).
    store = MemoryStore()
    accounts = [*_accounts(0, 3), Account.create(id=AccountId(200), handle="MiXed", created_at=T0)]
    with store.unit_of_work() as uow:
        uow.load_new_network(accounts, array("q", [0, 1]), array("q", [1, 2]), T1)
        uow.commit()
    state = store._state
    ids = {id(account.id) for account in accounts}
    assert {id(key) for key in state.accounts} == ids
    assert {id(value) for value in state.handles.values()} == ids
    assert {id(key) for key in state.account_ids} == ids
    kept = {id(key) for key in state.handles}
    assert [id(a.handle) in kept for a in accounts] == [True, True, True, False]
    assert state.handles["mixed"] == 200
    with store.unit_of_work(readonly=True) as uow:
        assert uow.accounts.by_handle("MIXED") == accounts[3]
        assert uow.accounts.by_handle("H1") == accounts[1]
