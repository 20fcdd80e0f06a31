"""Pre-migrated PostgreSQL schemas, reused after a reset that makes them equal to fresh ones.

Creating and migrating a schema costs about 0.3 s, and the contract suite's
property tests open a store per Hypothesis example. :class:`SchemaPool` pays
that once per schema: a schema given back is reset to the state of a freshly
migrated one and handed out again.

The reset learns everything from the catalog, so tables and sequences added
by later migrations are covered without a list to keep up to date:

- every table of the schema (``pg_tables``) is emptied, referencing tables
  first (``pg_constraint``), by ``DELETE``: on tables of a few rows many times
  faster than ``TRUNCATE``, which makes new files for every table and index
  (a cycle of foreign keys falls back to one ``TRUNCATE ... RESTART IDENTITY``);
- the rows a migration itself inserts (``schema_meta``, the zeroed ``totals``
  shards) are copied back from a template schema migrated once per session;
- every sequence (``pg_sequences``), identity columns' included, is set back
  to the template's state.

A schema is reused only when no session holds one of its advisory locks (a
writer-number lease of a store that was not closed, say); otherwise it is
dropped, as is every schema still handed out when its test ends. A test never
sees another test's rows, sequences or leases.
"""

# The only text put into SQL is schema and table names from the catalog.

import graphlib
import time
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from typing import Any

from tests.postgres.conftest import drop_schema, new_name

Prepare = Callable[[Any, str], None]

_LOCK_POLLS = 20


def migrate(pool: Any, schema: str) -> None:
    """Create and migrate ``schema`` as a store opening it would."""
    from microblog_core.storage.postgres import PostgresStore

    PostgresStore(pool, schema=schema).close()


def _quoted(schema: str, name: str) -> str:
    return f'{schema}."{name}"'


def _tables(conn: Any, schema: str) -> list[str]:
    rows = conn.execute(
        "SELECT tablename FROM pg_tables WHERE schemaname = %s ORDER BY tablename", (schema,)
    ).fetchall()
    return [row[0] for row in rows]


def _sequences(conn: Any, schema: str) -> dict[str, int | None]:
    rows = conn.execute(
        "SELECT sequencename, last_value FROM pg_sequences WHERE schemaname = %s", (schema,)
    ).fetchall()
    return dict(rows)


def _deletion_order(conn: Any, schema: str, tables: list[str]) -> list[str] | None:
    """``tables`` with every referencing table before the tables it references (None on a cycle)."""
    rows = conn.execute(
        "SELECT a.relname, b.relname FROM pg_constraint c "
        "JOIN pg_class a ON a.oid = c.conrelid JOIN pg_class b ON b.oid = c.confrelid "
        "JOIN pg_namespace n ON n.oid = a.relnamespace "
        "WHERE c.contype = 'f' AND n.nspname = %s",
        (schema,),
    ).fetchall()
    after: dict[str, set[str]] = {t: set() for t in tables}
    for referencing, referenced in rows:
        # One DELETE empties a table that references itself; other schemas are not ours.
        if referencing != referenced and referenced in after:
            after[referenced].add(referencing)
    try:
        return list(graphlib.TopologicalSorter(after).static_order())
    except graphlib.CycleError:
        return None


def _lock_spaces(schema: str) -> list[int]:
    """The advisory-lock keys a store of ``schema`` takes (its units' and its writer leases)."""
    from microblog_core.storage.postgres._unit import lock_space

    return [lock_space(schema), lock_space(f"writers:{schema}")]


class SchemaPool:
    """Hands out migrated schemas; a schema given back is reset and handed out again.

    Args:
        pool: A psycopg connection pool in autocommit mode.
        prepare: Builds a fresh schema of a given name (default: migrate it).
    """

    def __init__(self, pool: Any, prepare: Prepare = migrate) -> None:
        self._pool = pool
        self._prepare = prepare
        self._free: list[str] = []
        self._made: list[str] = []
        self._template = new_name("tmpl")
        prepare(pool, self._template)
        with pool.connection() as conn:
            self._seeded = [
                t
                for t in _tables(conn, self._template)
                if conn.execute(
                    f"SELECT EXISTS (SELECT FROM {_quoted(self._template, t)})"
                ).fetchone()[0]
            ]
            self._sequence_state = _sequences(conn, self._template)
        self.reused = 0
        """How many times a schema was handed out again after a reset."""

    @property
    def template(self) -> str:
        """The schema migrated once, whose state a reset restores."""
        return self._template

    def take(self) -> str:
        """Return a schema nobody else holds, equal to a freshly migrated one."""
        if self._free:
            self.reused += 1
            return self._free.pop()
        name = new_name("p")
        self._made.append(name)
        self._prepare(self._pool, name)
        return name

    def give_back(self, schema: str) -> None:
        """Reset ``schema`` for the next taker, or drop it when a session still holds it."""
        if self._locked(schema):
            self._drop(schema)
            return
        self.reset(schema)
        self._free.append(schema)

    def reset(self, schema: str) -> None:
        """Make ``schema`` equal to the template: empty tables, seed rows, sequences restarted."""
        with self._pool.connection() as conn, conn.transaction():
            # A session still using the schema is a test's bug: say so instead of waiting.
            conn.execute("SET LOCAL lock_timeout = '10s'")
            tables = _tables(conn, schema)
            order = _deletion_order(conn, schema, tables)
            if order is None:  # a cycle of foreign keys: only TRUNCATE empties it at once
                names = ", ".join(_quoted(schema, t) for t in tables)
                statements = [f"TRUNCATE {names} RESTART IDENTITY"] if tables else []
            else:
                # DELETE, not TRUNCATE: on tables of a few rows it is many times faster
                # (TRUNCATE makes new files for every table and index).
                statements = [f"DELETE FROM {_quoted(schema, t)}" for t in order]
            statements += [
                f"INSERT INTO {_quoted(schema, t)} SELECT * FROM {_quoted(self._template, t)}"
                for t in self._seeded
            ]
            for sequence in _sequences(conn, schema):
                last = self._sequence_state.get(sequence)
                if last is None:
                    statements.append(f"ALTER SEQUENCE {_quoted(schema, sequence)} RESTART")
                else:
                    statements.append(f"SELECT setval('{schema}.\"{sequence}\"', {int(last)})")
            # One round trip: statements without parameters run as one simple query.
            conn.execute("; ".join(statements))

    def _locked(self, schema: str) -> bool:
        """Whether a session holds an advisory lock of ``schema``'s stores.

        A closed store's lease ends with its session, which the server notices a
        moment after the client hung up: wait that moment (up to about a second).
        """
        spaces = [space & 0xFFFFFFFF for space in _lock_spaces(schema)]
        with self._pool.connection() as conn:
            for _ in range(_LOCK_POLLS):
                row = conn.execute(
                    "SELECT count(*) FROM pg_locks WHERE locktype = 'advisory' "
                    "AND objsubid = 2 AND classid::bigint = ANY(%s)",
                    (spaces,),
                ).fetchone()
                if not row[0]:
                    return False
                time.sleep(0.05)
        return True

    def _drop(self, schema: str) -> None:
        drop_schema(self._pool, schema)
        self._made.remove(schema)

    def forget(self, schema: str) -> None:
        """Drop a schema that will not be given back (its store was never closed)."""
        self._drop(schema)

    def close(self) -> None:
        """Drop every schema the pool made, and the template."""
        for name in [*self._made, self._template]:
            drop_schema(self._pool, name)
        self._made.clear()
        self._free.clear()


class Lease:
    """The schemas one test took: given back when their store closes, dropped if never closed.

    Args:
        schemas: The session's pool of schemas.
        feeds: Called with a key prefix, returns home feeds for a store (Redis), or None.
    """

    def __init__(self, schemas: SchemaPool, feeds: Callable[[str], Any] | None = None) -> None:
        self._schemas = schemas
        self._feeds = feeds
        self._out: list[str] = []
        self._made = 0

    def store(self) -> Any:
        """A ``PostgresStore`` on a schema of the pool; closing it gives the schema back."""
        from microblog_core.storage.postgres import PostgresStore

        schema = self._schemas.take()
        self._out.append(schema)
        self._made += 1
        feeds = None if self._feeds is None else self._feeds(f"{self._made}:")
        lease = self

        class _Leased(PostgresStore):
            def close(self) -> None:
                was_open = not self.closed
                super().close()
                if was_open:
                    lease._give_back(schema)

        return _Leased(self._schemas._pool, schema=schema, feeds=feeds)

    def _give_back(self, schema: str) -> None:
        if schema in self._out:  # not yet dropped by end()
            self._out.remove(schema)
            self._schemas.give_back(schema)

    def end(self) -> None:
        """Drop the schemas whose stores were left open."""
        out, self._out = self._out, []
        for schema in out:
            self._schemas.forget(schema)


@contextmanager
def leased(schemas: SchemaPool, feeds: Callable[[str], Any] | None = None) -> Iterator[Lease]:
    """A :class:`Lease` for the ``with`` block, ended afterwards."""
    lease = Lease(schemas, feeds)
    try:
        yield lease
    finally:
        lease.end()
