"""Servers for the PostgreSQL and Redis tests: found by URL, skipped (or failed under CI) when down.

``MICROBLOG_POSTGRES_URL`` (default ``postgresql://postgres@127.0.0.1:5432/test``) and
``MICROBLOG_REDIS_URL`` (default ``redis://127.0.0.1:6379/0``) name the servers. Each
test gets its own PostgreSQL schema and Redis key prefix and drops them afterwards, so
several runs can share one server. When a server does not answer, its tests skip with
one reason line; with ``CI`` set they fail instead, so CI never skips silently.

The contract suites open a store per Hypothesis example. They take their schemas
from ``schema_pool`` (``tests/postgres/_schemas.py``): migrated once, and reset to
the state of a fresh schema (every table truncated, identities and sequences
restarted, migration rows restored) when the test's store closes, so no rows,
ids or leases pass from one test or example to the next; a schema whose store
was never closed is dropped when its test ends.
"""

import itertools
import os
import uuid
from collections.abc import Iterator
from typing import Any

import pytest

POSTGRES_URL = os.environ.get("MICROBLOG_POSTGRES_URL", "postgresql://postgres@127.0.0.1:5432/test")
REDIS_URL = os.environ.get("MICROBLOG_REDIS_URL", "redis://127.0.0.1:6379/0")


def _unavailable(reason: str) -> None:
    if os.environ.get("CI"):
        pytest.fail(f"{reason} (CI is set, so the run fails instead of skipping)")
    pytest.skip(reason)


def _postgres_problem() -> str | None:
    try:
        import psycopg
        import psycopg_pool  # noqa: F401
    except ImportError:
        return "psycopg is not installed (pip install 'microblog-core[postgres]')"
    try:
        psycopg.connect(POSTGRES_URL, connect_timeout=3).close()
    except psycopg.Error as exc:
        first = str(exc).strip().splitlines()[0] if str(exc).strip() else type(exc).__name__
        return f"PostgreSQL at {POSTGRES_URL} does not answer: {first}"
    return None


def _redis_problem() -> str | None:
    try:
        import redis
    except ImportError:
        return "redis-py is not installed (pip install 'microblog-core[redis]')"
    try:
        client = redis.Redis.from_url(REDIS_URL, socket_connect_timeout=3)
        client.ping()
        client.close()
    except redis.RedisError as exc:
        return f"Redis at {REDIS_URL} does not answer: {exc}"
    return None


@pytest.fixture(scope="session")
def postgres_url() -> str:
    """The PostgreSQL URL, once the server answered."""
    problem = _postgres_problem()
    if problem:
        _unavailable(problem)
    return POSTGRES_URL


@pytest.fixture(scope="session")
def redis_url() -> str:
    """The Redis URL, once the server answered."""
    problem = _redis_problem()
    if problem:
        _unavailable(problem)
    return REDIS_URL


@pytest.fixture(scope="session")
def postgres_pool(postgres_url: str) -> Iterator[Any]:
    """One connection pool for the session; stores borrow from it."""
    import psycopg_pool

    pool = psycopg_pool.ConnectionPool(
        postgres_url, min_size=1, max_size=8, kwargs={"autocommit": True}, open=True
    )
    yield pool
    pool.close()


_RUN = uuid.uuid4().hex[:8]
_SEQUENCE = itertools.count()


def new_name(kind: str = "t") -> str:
    """A schema name (or Redis key prefix) no other run or test uses."""
    return f"{kind}_{_RUN}_{next(_SEQUENCE)}"


def drop_schema(pool: Any, schema: str) -> None:
    """Drop a test's schema and everything in it."""
    with pool.connection() as conn:
        conn.execute(f"DROP SCHEMA IF EXISTS {schema} CASCADE")


def drop_prefix(redis_url: str, prefix: str) -> None:
    """Delete every Redis key under a test's prefix."""
    import redis

    client = redis.Redis.from_url(redis_url)
    keys = list(client.scan_iter(match=f"{prefix}*", count=1000))
    if keys:
        client.delete(*keys)
    client.close()


@pytest.fixture(scope="session")
def schema_pool(postgres_pool: Any) -> Iterator[Any]:
    """Migrated schemas for the session, reset between takers (see ``_schemas.py``)."""
    from tests.postgres._schemas import SchemaPool

    schemas = SchemaPool(postgres_pool)
    yield schemas
    schemas.close()


@pytest.fixture
def schema(postgres_pool: Any) -> Iterator[str]:
    """A fresh schema name for this test, dropped afterwards."""
    name = new_name()
    yield name
    drop_schema(postgres_pool, name)


SERVER_EXAMPLES = 15
"""Most Hypothesis examples a property test runs here (see ``_fewer_examples_on_a_server``)."""


@pytest.fixture(autouse=True)
def _fewer_examples_on_a_server(request: pytest.FixtureRequest) -> Iterator[None]:
    """Each Hypothesis example here writes to a real server, many times the cost of a
    memory store: run at most ``SERVER_EXAMPLES`` per test, under whichever profile is
    loaded (derandomised in CI, as usual); the memory and SQLite suites run the same
    properties with every example of the profile.

    Hypothesis fixes a test's settings when ``@given`` decorates it (a profile loaded
    later does not reach it), so the bound goes on the test function itself for the
    length of this test and comes off afterwards: a contract test inherited by the
    memory and SQLite suites keeps its own examples there. Stateful machines bring
    their own settings.
    """
    from hypothesis import settings

    test = getattr(request.function, "__func__", request.function)
    bound = getattr(test, "_hypothesis_internal_use_settings", None)
    if bound is None or bound.max_examples <= SERVER_EXAMPLES:
        yield
        return
    test._hypothesis_internal_use_settings = settings(bound, max_examples=SERVER_EXAMPLES)
    try:
        yield
    finally:
        test._hypothesis_internal_use_settings = bound
