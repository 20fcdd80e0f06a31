"""The schema pool of the PostgreSQL tests: a reset schema equals a freshly migrated one."""

from collections.abc import Iterator
from datetime import UTC, datetime, timedelta
from typing import Any

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from microblog_core.clock import ManualClock
from microblog_core.service import Microblog
from microblog_core.timelines import FanOutOnWrite
from tests.postgres._schemas import SchemaPool, leased, migrate
from tests.postgres.conftest import SERVER_EXAMPLES, drop_schema, new_name

T0 = datetime(2026, 1, 1, tzinfo=UTC)

# What a later migration might add: a table with an identity column, a sequence a
# migration already advanced, and a table the migration seeds. The pool must find
# them in the catalog without being told.
_LATER = (
    "CREATE TABLE {s}.later (id bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY, v text)",
    "CREATE SEQUENCE {s}.later_numbers",
    "SELECT nextval('{s}.later_numbers'), nextval('{s}.later_numbers')",
    "CREATE TABLE {s}.later_seeded (k text PRIMARY KEY, v bigint NOT NULL)",
    "INSERT INTO {s}.later_seeded VALUES ('a', 1), ('b', 2)",
)


def _migrate_later(pool: Any, schema: str) -> None:
    migrate(pool, schema)
    with pool.connection() as conn:
        for statement in _LATER:
            conn.execute(statement.replace("{s}", schema))


def snapshot(pool: Any, schema: str) -> dict[str, object]:
    """Everything a test could observe in a schema, with the schema's name taken out."""

    def plain(value: object) -> object:
        return value.replace(schema, "S") if isinstance(value, str) else value

    with pool.connection() as conn:
        tables = [
            r[0]
            for r in conn.execute(
                "SELECT tablename FROM pg_tables WHERE schemaname = %s ORDER BY 1", (schema,)
            )
        ]
        columns = conn.execute(
            "SELECT table_name, column_name, data_type, column_default, is_identity, "
            "is_nullable FROM information_schema.columns WHERE table_schema = %s ORDER BY 1, 2",
            (schema,),
        ).fetchall()
        indexes = conn.execute(
            "SELECT indexname, indexdef FROM pg_indexes WHERE schemaname = %s ORDER BY 1",
            (schema,),
        ).fetchall()
        sequences = conn.execute(
            "SELECT sequencename, last_value FROM pg_sequences WHERE schemaname = %s ORDER BY 1",
            (schema,),
        ).fetchall()
        rows = {
            t: sorted(conn.execute(f'SELECT * FROM {schema}."{t}"').fetchall(), key=repr)
            for t in tables
        }
    return {
        "tables": tables,
        "columns": [tuple(plain(v) for v in c) for c in columns],
        "indexes": [tuple(plain(v) for v in i) for i in indexes],
        "sequences": sequences,
        "rows": rows,
    }


@pytest.fixture(scope="module")
def later_pool(postgres_pool: Any) -> Iterator[SchemaPool]:
    schemas = SchemaPool(postgres_pool, prepare=_migrate_later)
    yield schemas
    schemas.close()


@pytest.fixture(scope="module")
def fresh(postgres_pool: Any) -> Iterator[dict[str, object]]:
    """The snapshot of a freshly migrated schema nobody wrote to."""
    name = new_name("fresh")
    _migrate_later(postgres_pool, name)
    yield snapshot(postgres_pool, name)
    drop_schema(postgres_pool, name)


def _use(store: Any, accounts: int, posts: int, later: int, clock: ManualClock) -> None:
    """Write through the service (rows, counters, totals, notifications, a writer lease)
    and through the later migration's identity column and sequence."""
    blog = Microblog(
        store.unit_of_work,
        clock=clock,
        store=store,
        ids=store.id_generator(clock),
        timeline=FanOutOnWrite(),
    )
    people = [blog.register(f"user{n}") for n in range(accounts)]
    for n in range(posts):
        author, other = people[n % accounts], people[(n + 1) % accounts]
        made = blog.post(author.id, f"post {n} #tag @user0")
        if other.id != author.id:
            blog.follow(other.id, author.id)
            blog.like(other.id, made.id)
        clock.advance(timedelta(seconds=1))
    with store.pool.connection() as conn:
        for n in range(later):
            conn.execute(f"INSERT INTO {store.schema}.later (v) VALUES (%s)", (str(n),))
            conn.execute(f"SELECT nextval('{store.schema}.later_numbers')")
        conn.execute(f"UPDATE {store.schema}.later_seeded SET v = v + 10")


# Each example writes through the service on a server: a few suffice, since what is
# checked (the catalog and every row) does not grow with the number of writes.
@settings(max_examples=10)
@given(
    accounts=st.integers(1, 3),
    posts=st.integers(0, 3),
    later=st.integers(0, 2),
)
def test_a_reset_schema_equals_a_fresh_one(
    postgres_pool: Any,
    later_pool: SchemaPool,
    fresh: dict[str, object],
    accounts: int,
    posts: int,
    later: int,
) -> None:
    """Whatever was written, the next taker sees the tables, rows and sequences of a
    fresh schema: empty tables, migration rows back, identities and sequences restarted."""
    with leased(later_pool) as lease:
        store = lease.store()
        try:
            _use(store, accounts, posts, later, ManualClock(T0))
        finally:
            store.close()
    name = later_pool.take()
    try:
        assert snapshot(postgres_pool, name) == fresh
        with postgres_pool.connection() as conn:
            assert conn.execute(
                f"INSERT INTO {name}.later (v) VALUES ('x') RETURNING id"
            ).fetchone() == (1,)
            assert conn.execute(f"SELECT nextval('{name}.later_numbers')").fetchone() == (3,)
    finally:
        later_pool.give_back(name)


def test_the_pool_reuses_a_given_back_schema(later_pool: SchemaPool) -> None:
    first = later_pool.take()
    later_pool.give_back(first)
    before = later_pool.reused
    assert later_pool.take() == first
    assert later_pool.reused == before + 1
    later_pool.give_back(first)


def _schema_exists(pool: Any, name: str) -> bool:
    with pool.connection() as conn:
        row = conn.execute("SELECT to_regnamespace(%s)", (name,)).fetchone()
    return row[0] is not None


def test_a_store_left_open_loses_its_schema_when_the_test_ends(
    postgres_pool: Any, later_pool: SchemaPool
) -> None:
    with leased(later_pool) as lease:
        store = lease.store()
        name = store.schema
        with store.unit_of_work() as unit:
            assert unit.accounts.count() == 0
    assert not _schema_exists(postgres_pool, name)
    assert later_pool.take() != name
    store.close()


def test_a_schema_whose_writer_lease_is_still_held_is_dropped_not_reused(
    postgres_pool: Any, later_pool: SchemaPool
) -> None:
    from microblog_core.storage.postgres import PostgresStore

    name = later_pool.take()
    holder = PostgresStore(postgres_pool, schema=name)
    holder.id_generator(ManualClock(T0))  # a session-level lock, held until close
    try:
        later_pool.give_back(name)
        assert not _schema_exists(postgres_pool, name)
        assert later_pool.take() != name
    finally:
        holder.close()


def test_the_contract_schemas_are_reset_to_the_migrated_template(
    postgres_pool: Any, schema_pool: SchemaPool
) -> None:
    """The session's pool (the one the contract suites use), on the real migrations."""
    template = snapshot(postgres_pool, schema_pool.template)
    with leased(schema_pool) as lease:
        store = lease.store()
        name = store.schema
        try:
            _use_real(store)
        finally:
            store.close()
    assert schema_pool.take() == name
    try:
        assert snapshot(postgres_pool, name) == template
        assert template["rows"]["schema_meta"]  # the migration's own rows are back
    finally:
        schema_pool.give_back(name)


def _use_real(store: Any) -> None:
    clock = ManualClock(T0)
    blog = Microblog(store.unit_of_work, clock=clock, store=store, ids=store.id_generator(clock))
    a, b = blog.register("a"), blog.register("b")
    blog.follow(b.id, a.id)
    blog.like(b.id, blog.post(a.id, "hello @b #x").id)


_CYCLE = (
    "CREATE TABLE {s}.hens (id int PRIMARY KEY, egg int)",
    "CREATE TABLE {s}.eggs (id int PRIMARY KEY, hen int REFERENCES {s}.hens DEFERRABLE)",
    "ALTER TABLE {s}.hens ADD FOREIGN KEY (egg) REFERENCES {s}.eggs DEFERRABLE",
)


def _migrate_with_a_cycle(pool: Any, schema: str) -> None:
    migrate(pool, schema)
    with pool.connection() as conn:
        for statement in _CYCLE:
            conn.execute(statement.replace("{s}", schema))


def test_tables_in_a_cycle_of_foreign_keys_are_emptied_too(postgres_pool: Any) -> None:
    """No DELETE order empties a cycle, so the reset truncates; the result is the same."""
    schemas = SchemaPool(postgres_pool, prepare=_migrate_with_a_cycle)
    try:
        fresh = snapshot(postgres_pool, schemas.template)
        name = schemas.take()
        with postgres_pool.connection() as conn, conn.transaction():
            conn.execute("SET CONSTRAINTS ALL DEFERRED")
            conn.execute(f"INSERT INTO {name}.hens VALUES (1, 1)")
            conn.execute(f"INSERT INTO {name}.eggs VALUES (1, 1)")
        schemas.give_back(name)
        assert schemas.take() == name
        assert snapshot(postgres_pool, name) == fresh
    finally:
        schemas.close()


_EXAMPLES: list[int] = []


@pytest.fixture
def _examples_counted() -> Iterator[None]:
    _EXAMPLES.clear()
    yield
    assert 0 < len(_EXAMPLES) <= SERVER_EXAMPLES, len(_EXAMPLES)


# Asks for 100 examples explicitly (as the contract suite's settings do): the bound
# must still hold. A function-scoped fixture is fine here: it only counts.
@pytest.mark.usefixtures("_examples_counted")
@settings(max_examples=100, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(st.integers())
def test_property_tests_here_run_a_bounded_number_of_examples(n: int) -> None:
    _EXAMPLES.append(n)
