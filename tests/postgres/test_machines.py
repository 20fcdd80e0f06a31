"""The differential and lockstep state machines, run against PostgreSQL too (bounded)."""

from collections.abc import Sequence
from typing import Any

import pytest
from hypothesis import Phase, settings

from microblog_core.clock import ManualClock
from microblog_core.ids import IdGenerator
from microblog_core.service import Microblog
from microblog_core.testing.machine import MicroblogMachine
from tests.postgres._schemas import SchemaPool
from tests.postgres.conftest import POSTGRES_URL, _postgres_problem, _unavailable
from tests.storage.test_differential import StoresAgree

_pool: Any = None
_schemas: SchemaPool | None = None
# Bounded: each example writes to a server, so no shrinking (a failure prints its steps).
NOSHRINK = (Phase.explicit, Phase.reuse, Phase.generate)


def _shared_pool() -> Any:
    global _pool  # noqa: PLW0603  # one pool for every example of the module
    if _pool is None:
        import psycopg_pool

        _pool = psycopg_pool.ConnectionPool(
            POSTGRES_URL, min_size=1, max_size=4, kwargs={"autocommit": True}, open=True
        )
    return _pool


def _schema_pool() -> SchemaPool:
    """Migrated schemas for the examples, reset between them (``_schemas.py``)."""
    global _schemas  # noqa: PLW0603  # one set for every example of the module
    if _schemas is None:
        _schemas = SchemaPool(_shared_pool())
    return _schemas


def _give_back(schema: str, teardown: Any) -> None:
    """Run the machine's teardown (which closes its store), then hand the schema back."""
    try:
        teardown()
    except BaseException:
        _schema_pool().forget(schema)  # the store may still be open: never reuse it
        raise
    _schema_pool().give_back(schema)


@pytest.fixture(scope="module", autouse=True)
def _server() -> Any:
    problem = _postgres_problem()
    if problem:
        _unavailable(problem)
    yield
    if _schemas is not None:
        _schemas.close()
    if _pool is not None:
        _pool.close()


class PostgresAgreesWithMemory(StoresAgree):
    """The memory-versus-adapter differential machine, with PostgreSQL as the adapter."""

    def __init__(self) -> None:
        super().__init__()
        from microblog_core.storage.postgres import PostgresStore

        self._close_units()
        self.sqlite.close()
        self.schema = _schema_pool().take()
        self.sqlite = PostgresStore(_shared_pool(), schema=self.schema)  # type: ignore[assignment]
        self.units = self._open()

    def teardown(self) -> None:
        _give_back(self.schema, super().teardown)


PostgresAgreesWithMemory.TestCase.settings = settings(
    max_examples=10, stateful_step_count=25, deadline=None, phases=NOSHRINK
)
TestPostgresAgreesWithMemory = PostgresAgreesWithMemory.TestCase


class MemoryAndPostgresInLockstep(MicroblogMachine):
    """The service's lockstep machine over the memory store and PostgreSQL."""

    def make_blogs(self, clock: ManualClock) -> Sequence[Microblog]:
        from microblog_core.storage.postgres import PostgresStore

        self.schema = _schema_pool().take()
        store = PostgresStore(_shared_pool(), schema=self.schema)
        return [
            Microblog.in_memory(clock=clock),
            # The same id generator kind as the reference, so both mint the same ids.
            Microblog(store.unit_of_work, clock=clock, store=store, ids=IdGenerator(clock)),
        ]

    def teardown(self) -> None:
        _give_back(self.schema, super().teardown)


MemoryAndPostgresInLockstep.TestCase.settings = settings(
    max_examples=10, stateful_step_count=20, deadline=None, phases=NOSHRINK
)
TestMemoryAndPostgresInLockstep = MemoryAndPostgresInLockstep.TestCase
