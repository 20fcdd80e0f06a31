"""The memory store's bulk load leaves what one write at a time leaves."""

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
