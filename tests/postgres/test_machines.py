"""The differential and lockstep state machines, run against PostgreSQL too (bounded)."""

from collections.abc import Sequence
from typing import Any

import pytest
from hypothesis import Phase, settings

from microblog_core.clock import ManualClock
from microblog_core.ids import IdGenerator
from microblog_core.service import Microblog
from microblog_core.testing.machine import MicroblogMachine
from tests.postgres.conftest import (
    POSTGRES_URL,
    _postgres_problem,
    _unavailable,
    drop_schema,
    new_name,
)
from tests.storage.test_differential import StoresAgree

_pool: Any = None
# Bounded: each example builds a schema, so no shrinking (a failure prints its steps).
NOSHRINK = (Phase.explicit, Phase.reuse, Phase.generate)


def _shared_pool() -> Any:
    global _pool  # noqa: PLW0603  # one pool for every example of the module
    if _pool is None:
        import psycopg_pool

        _pool = psycopg_pool.ConnectionPool(
            POSTGRES_URL, min_size=1, max_size=4, kwargs={"autocommit": True}, open=True
        )
    return _pool


@pytest.fixture(scope="module", autouse=True)
def _server() -> Any:
    problem = _postgres_problem()
    if problem:
        _unavailable(problem)
    yield
    if _pool is not None:
        _pool.close()


class PostgresAgreesWithMemory(StoresAgree):
    """The memory-versus-adapter differential machine, with PostgreSQL as the adapter."""

    def __init__(self) -> None:
        super().__init__()
        from microblog_core.storage.postgres import PostgresStore

        self._close_units()
        self.sqlite.close()
        self.schema = new_name("diff")
        self.sqlite = PostgresStore(_shared_pool(), schema=self.schema)  # type: ignore[assignment]
        self.units = self._open()

    def teardown(self) -> None:
        try:
            super().teardown()
        finally:
            drop_schema(_shared_pool(), self.schema)


PostgresAgreesWithMemory.TestCase.settings = settings(
    max_examples=10, stateful_step_count=25, deadline=None, phases=NOSHRINK
)
TestPostgresAgreesWithMemory = PostgresAgreesWithMemory.TestCase


class MemoryAndPostgresInLockstep(MicroblogMachine):
    """The service's lockstep machine over the memory store and PostgreSQL."""

    def make_blogs(self, clock: ManualClock) -> Sequence[Microblog]:
        from microblog_core.storage.postgres import PostgresStore

        self.schema = new_name("lock")
        store = PostgresStore(_shared_pool(), schema=self.schema)
        return [
            Microblog.in_memory(clock=clock),
            # The same id generator kind as the reference, so both mint the same ids.
            Microblog(store.unit_of_work, clock=clock, store=store, ids=IdGenerator(clock)),
        ]

    def teardown(self) -> None:
        try:
            super().teardown()
        finally:
            drop_schema(_shared_pool(), self.schema)


MemoryAndPostgresInLockstep.TestCase.settings = settings(
    max_examples=10, stateful_step_count=20, deadline=None, phases=NOSHRINK
)
TestMemoryAndPostgresInLockstep = MemoryAndPostgresInLockstep.TestCase
