"""PostgreSQL's bulk network path (``PostgresUnitOfWork.load_network``) leaves what one-by-one
writes leave, and ``Microblog.register_network`` on PostgreSQL equals registering and
following one by one."""

from collections.abc import Callable, Iterator
from contextlib import contextmanager
from datetime import UTC, datetime
from typing import Any

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from microblog_core import ManualClock, bootstrap
from microblog_core.errors import (
    ConflictError,
    DuplicateHandleError,
    NotFoundError,
    PermissionDeniedError,
    StorageError,
    ValidationError,
)
from microblog_core.ids import AccountId
from microblog_core.models import Account, Follow
from microblog_core.service import Microblog
from tests.service.test_register_network import _state, edges

pytest.importorskip("psycopg")
pytest.importorskip("psycopg_pool")

from microblog_core.storage.postgres import PostgresStore

T0 = datetime(2026, 1, 1, tzinfo=UTC)
T1 = datetime(2026, 1, 2, tzinfo=UTC)


def _accounts(first: int, count: int) -> list[Account]:
    return [
        Account.create(id=AccountId(100 + i), handle=f"h{i}", created_at=T0)
        for i in range(first, first + count)
    ]


def _fill(store: PostgresStore, old: list[tuple[int, int]]) -> PostgresStore:
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


def _snapshot(store: PostgresStore) -> dict[str, object]:
    """Every account, follow and counter the store holds (as its repositories read them)."""
    with store.unit_of_work(readonly=True) as uow:
        accounts = uow.accounts.page(limit=1000)
        return {
            "accounts": accounts,
            "count": uow.accounts.count(),
            "following": {a.id: uow.relations.following_of(a.id, limit=1000) for a in accounts},
            "followers": {a.id: uow.relations.followers_of(a.id, limit=1000) for a in accounts},
            "counters": {a.id: uow.accounts.counters(a.id) for a in accounts},
        }


@contextmanager
def _schemas(pool: Any) -> Iterator[Callable[[], PostgresStore]]:
    """Make stores in fresh schemas; drop them all afterwards."""
    from tests.postgres.conftest import drop_schema, new_name

    made: list[PostgresStore] = []

    def make() -> PostgresStore:
        store = PostgresStore(pool, schema=new_name("net"))
        made.append(store)
        return store

    try:
        yield make
    finally:
        for store in made:
            store.close()
            drop_schema(pool, store.schema)


@pytest.fixture
def stores(postgres_pool: Any) -> Iterator[Callable[[], PostgresStore]]:
    """Stores in fresh schemas for one (non-Hypothesis) test."""
    with _schemas(postgres_pool) as make:
        yield make


pairs = st.lists(
    st.tuples(st.integers(0, 7), st.integers(0, 7)).filter(lambda p: p[0] != p[1]),
    unique=True,
    max_size=30,
)


@settings(max_examples=15)
@given(old=pairs, new=pairs)
def test_a_bulk_load_equals_single_writes(
    postgres_pool: Any, old: list[tuple[int, int]], new: list[tuple[int, int]]
) -> None:
    old = list(dict.fromkeys((a % 4, b % 4) for a, b in old if a % 4 != b % 4))
    new = [p for p in new if p not in old]
    with _schemas(postgres_pool) as stores:
        _bulk_equals_single(stores, old, new)


def _bulk_equals_single(
    stores: Callable[[], PostgresStore], old: list[tuple[int, int]], new: list[tuple[int, int]]
) -> None:
    one, bulk = _fill(stores(), old), _fill(stores(), old)
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
        # Reads in the same unit see the load, counters included.
        assert uow.accounts.count() == 8
        uow.commit()
    assert _snapshot(bulk) == _snapshot(one)


@pytest.mark.parametrize(
    ("accounts", "followers", "followees", "error"),
    [
        (1, [100], [100], ValidationError),  # self-follow
        (1, [100, 100], [104, 104], ConflictError),  # a pair twice
        (1, [100], [999], NotFoundError),
        (1, [100], [101], ConflictError),  # exists already
        (1, [100], [], ValidationError),
        (1, [True], [101], ValidationError),
        (1, ["100"], [101], ValidationError),
        (0, [], [], None),  # nothing to load
    ],
)
def test_a_refused_load_writes_nothing(
    stores: Any,
    accounts: int,
    followers: list[object],
    followees: list[object],
    error: type[Exception] | None,
) -> None:
    store = _fill(stores(), [(0, 1)])
    before = _snapshot(store)
    with store.unit_of_work() as uow:
        if error is None:
            uow.load_network(_accounts(4, accounts), followers, followees, T1)  # type: ignore[arg-type]
        else:
            with pytest.raises(error):
                uow.load_network(_accounts(4, accounts), followers, followees, T1)  # type: ignore[arg-type]
        uow.commit()
    assert _snapshot(store) == before


def test_taken_ids_and_handles_are_refused(stores: Any) -> None:
    store = _fill(stores(), [])
    with store.unit_of_work() as uow:
        with pytest.raises(ConflictError):
            uow.load_network(_accounts(3, 2), [], [], T1)
        with pytest.raises(DuplicateHandleError):
            uow.load_network(
                [Account.create(id=AccountId(500), handle="H1", created_at=T0)], [], [], T1
            )
        with pytest.raises(DuplicateHandleError):
            uow.load_network(
                [
                    Account.create(id=AccountId(500), handle="x", created_at=T0),
                    Account.create(id=AccountId(501), handle="X", created_at=T0),
                ],
                [],
                [],
                T1,
            )
        with pytest.raises(ValidationError):
            uow.load_network(_accounts(4, 1), [104], [100], datetime(2026, 1, 2))
    with store.unit_of_work(readonly=True) as uow:
        assert uow.accounts.count() == 4


def test_a_rollback_undoes_a_load_and_a_read_only_unit_refuses(stores: Any) -> None:
    store = _fill(stores(), [(0, 1)])
    before = _snapshot(store)
    with store.unit_of_work() as uow:
        uow.load_network(_accounts(4, 2), [100, 104, 105], [104, 105, 100], T1)
        uow.rollback()
    assert _snapshot(store) == before
    with store.unit_of_work(readonly=True) as uow, pytest.raises(StorageError):
        uow.load_network(_accounts(4, 1), [], [], T1)


# --------------------------------------------------------------------------- the service


def _blog(store: PostgresStore) -> Microblog:
    # The default id generator on a ManualClock: both services draw the same ids.
    return bootstrap.build(store, clock=ManualClock())


@settings(max_examples=15)
@given(pairs=edges)
def test_register_network_equals_one_by_one_on_postgres(
    postgres_pool: Any, pairs: list[tuple[int, int]]
) -> None:
    with _schemas(postgres_pool) as stores:
        _register_equals_one_by_one(stores, pairs)


def _register_equals_one_by_one(
    stores: Callable[[], PostgresStore], pairs: list[tuple[int, int]]
) -> None:
    n = 8
    handles = [f"a{i}" for i in range(n)]
    one = _blog(stores())
    made = [one.register(h) for h in handles]
    refused_one = {}
    for position, (a, b) in enumerate(pairs):
        try:
            one.follow(made[a].id, made[b].id)
        except PermissionDeniedError as exc:
            refused_one[position] = exc.rule
    bulk_store = stores()
    bulk = _blog(bulk_store)
    accounts, refused = bulk.register_network(handles, [a for a, _ in pairs], [b for _, b in pairs])
    assert [a.id for a in accounts] == [a.id for a in made]
    assert refused == refused_one
    assert _state(bulk, n) == _state(one, n)
    with bulk.unit_of_work(readonly=True) as uow, one.unit_of_work(readonly=True) as uow_one:
        assert uow.accounts.count() == uow_one.accounts.count() == n


def test_register_network_on_postgres_takes_the_bulk_path(stores: Any) -> None:
    """The service finds the unit's bulk path: one load, no per-follow repository write."""
    store = stores()
    calls: list[int] = []
    original = type(store.unit_of_work()).load_network

    def counting(self: Any, accounts: Any, *args: Any) -> None:
        calls.append(len(accounts))
        original(self, accounts, *args)

    blog = _blog(store)
    patch = pytest.MonkeyPatch()
    patch.setattr(type(store.unit_of_work()), "load_network", counting)
    try:
        accounts, _ = blog.register_network(["a", "b", "c"], [0, 1, 2], [1, 2, 0])
    finally:
        patch.undo()
    assert calls == [3]
    assert blog.account_counters(accounts[0].id).followers == 1
    assert blog.account_counters(accounts[0].id).following == 1
