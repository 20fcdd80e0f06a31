"""The SQLite adapter: the contract suite, plus what only a durable file store must show."""

import contextlib
import inspect
import itertools
import json
import random
import shutil
import signal
import sqlite3
import subprocess
import sys
import textwrap
import threading
from collections.abc import Callable, Iterator
from datetime import UTC, datetime, timedelta, timezone
from pathlib import Path
from typing import Any

import pytest
from hypothesis import HealthCheck, example, given, settings
from hypothesis import strategies as st

from microblog_core import ports
from microblog_core.errors import (
    ConflictError,
    DuplicateRepostError,
    InvalidIdError,
    MicroblogError,
    NaiveDatetimeError,
    NotFoundError,
    StorageError,
    ValidationError,
)
from microblog_core.ids import MAX_ID, AccountId, ListId, id_at
from microblog_core.models import (
    Account,
    AccountCounters,
    AccountList,
    Block,
    Follow,
    FollowRequest,
    Like,
    Mute,
    Post,
    PostCounters,
    ReplyRef,
    RepostRef,
)
from microblog_core.storage.sqlite import SqliteStore, SqliteUnitOfWork
from microblog_core.storage.sqlite import _lists as list_sql
from microblog_core.storage.sqlite import _rows as columns
from microblog_core.storage.sqlite import _schema as schema
from microblog_core.storage.sqlite import _sql as statements
from microblog_core.storage.sqlite._personal import PERSONAL_QUERIES
from microblog_core.testing.contracts import StoreContract
from tests.conftest import ROOT

T0 = datetime(2026, 1, 1, tzinfo=UTC)
BASE = id_at(T0)


def pid(n: int) -> int:
    return BASE + n


def account(n: int, handle: str | None = None, **kwargs: Any) -> Account:
    return Account.create(id=n, handle=handle or f"user{n}", created_at=T0, **kwargs)


def post(n: int, author: int = 1, text: str = "hello", **kwargs: Any) -> Post:
    return Post.create(
        id=pid(n), author_id=author, created_at=T0 + timedelta(seconds=n), text=text, **kwargs
    )


def reply(n: int, author: int, parent: Post) -> Post:
    ref = ReplyRef(
        root_id=parent.thread_root_id,
        parent_id=parent.id,
        parent_author_id=parent.author_id,
        addressee_id=parent.author_id,
    )
    return post(n, author, "a reply", reply_to=ref)


def repost(n: int, author: int, of: Post) -> Post:
    return Post.create_repost(
        id=pid(n),
        author_id=author,
        created_at=T0 + timedelta(seconds=n),
        of=RepostRef(root_id=of.id, root_author_id=of.author_id),
    )


def seed(store: SqliteStore, *values: object) -> None:
    with store.unit_of_work() as unit:
        for value in values:
            if isinstance(value, Account):
                unit.accounts.add(value)
            elif isinstance(value, Post):
                unit.posts.add(value)
            elif isinstance(value, Follow):
                unit.relations.add_follow(value)
            elif isinstance(value, Like):
                unit.engagement.add_like(value)
            else:  # pragma: no cover - a mistake in a test
                raise TypeError(value)
        unit.commit()


@pytest.fixture
def store() -> Iterator[SqliteStore]:
    s = SqliteStore(":memory:")
    yield s
    s.close()


@pytest.fixture
def db_path(tmp_path: Path) -> Path:
    return tmp_path / "microblog.db"


# --------------------------------------------------------------------------- contract suite


class TestSqliteMemoryStoreContract(StoreContract):
    """The whole contract suite against ``SqliteStore(":memory:")``."""

    def make_store(self) -> SqliteStore:
        return SqliteStore(":memory:")


@pytest.fixture(scope="session")
def empty_database(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """A new, empty database file to copy: cheaper than creating one per example."""
    path = tmp_path_factory.mktemp("template") / "empty.db"
    SqliteStore(path).close()
    return path


class TestSqliteFileStoreContract(StoreContract):
    """The whole contract suite against WAL database files."""

    @pytest.fixture(autouse=True)
    def _files(self, tmp_path: Path, empty_database: Path) -> None:
        self._directory = tmp_path
        self._template = empty_database
        self._made = itertools.count()

    @pytest.fixture
    def store(self, tmp_path: Path) -> Iterator[SqliteStore]:
        s = SqliteStore(tmp_path / "contract.db")  # a file created from nothing
        yield s
        s.close()

    def make_store(self) -> SqliteStore:
        # The property tests make one store per example: copies of an empty file.
        path = self._directory / f"example-{next(self._made)}.db"
        shutil.copyfile(self._template, path)
        return SqliteStore(path)


@pytest.mark.parametrize(
    ("attribute", "protocol"),
    [
        ("accounts", ports.AccountRepository),
        ("posts", ports.PostRepository),
        ("relations", ports.RelationRepository),
        ("engagement", ports.EngagementRepository),
        ("feeds", ports.FeedRepository),
        (None, ports.UnitOfWork),
    ],
)
def test_every_port_method_exists_with_the_ports_parameters(
    store: SqliteStore, attribute: str | None, protocol: type
) -> None:
    """The repositories match the protocols' method names, parameter names and kinds."""
    unit = store.unit_of_work()
    implementation = unit if attribute is None else getattr(unit, attribute)
    names = [n for n, v in vars(protocol).items() if callable(v) and not n.startswith("_")]
    assert names
    for name in names:
        expected = inspect.signature(getattr(protocol, name)).parameters
        actual = inspect.signature(getattr(implementation, name)).parameters
        wanted = [(p.name, p.kind, p.default) for p in expected.values() if p.name != "self"]
        assert [(p.name, p.kind, p.default) for p in actual.values()] == wanted, name


# --------------------------------------------------------------------------- opening, pragmas


def _raw(path: Path) -> sqlite3.Connection:
    return sqlite3.connect(path, isolation_level=None)


def test_a_new_file_gets_the_latest_schema_wal_and_our_application_id(db_path: Path) -> None:
    with SqliteStore(db_path) as s:
        assert s.schema_version == schema.LATEST_VERSION
        assert s.journal_mode == "wal"
        assert s.path == str(db_path)
    conn = _raw(db_path)
    try:
        assert conn.execute("PRAGMA user_version").fetchone()[0] == schema.LATEST_VERSION
        assert conn.execute("PRAGMA application_id").fetchone()[0] == schema.APPLICATION_ID
        assert conn.execute("PRAGMA journal_mode").fetchone()[0] == "wal"  # persistent
    finally:
        conn.close()


def test_foreign_keys_and_synchronous_are_set_on_every_connection(db_path: Path) -> None:
    with SqliteStore(db_path) as normal:
        conn = normal._connection()
        assert conn.execute("PRAGMA foreign_keys").fetchone()[0] == 1
        assert conn.execute("PRAGMA synchronous").fetchone()[0] == 1  # NORMAL
    with SqliteStore(db_path, synchronous="FULL") as full:
        assert full._connection().execute("PRAGMA synchronous").fetchone()[0] == 2


def test_memory_databases_have_no_wal(store: SqliteStore) -> None:
    assert store.journal_mode == "memory"
    assert store.path == ":memory:"


def test_foreign_keys_are_enforced_through_the_ports(store: SqliteStore) -> None:
    """A post by a missing author is refused by the FOREIGN KEY, as NotFoundError."""
    with store.unit_of_work() as unit:
        with pytest.raises(NotFoundError, match="author"):
            unit.posts.add(post(1, author=99))
        assert unit.posts.count() == 0


def test_the_schema_history_is_consecutive() -> None:
    assert [m.version for m in schema.MIGRATIONS] == list(range(1, len(schema.MIGRATIONS) + 1))
    assert schema.MIGRATIONS[-1].version == schema.LATEST_VERSION


def test_an_older_file_is_migrated_forward_and_its_rows_indexed(db_path: Path) -> None:
    """A version-1 file (tags and mentions only in JSON) gains the side tables, filled."""
    conn = _raw(db_path)
    schema.migrate(conn, where=str(db_path), target=1)
    assert conn.execute("PRAGMA user_version").fetchone()[0] == 1
    conn.execute(statements.INSERT_ACCOUNT, columns.account_params(account(1)))
    conn.execute(statements.INSERT_ACCOUNT, columns.account_params(account(2)))
    tagged = post(1, 1, "#old news for @user2", tags=("old",), mentions=(2,))
    conn.execute(statements.INSERT_POST, columns.post_params(tagged))
    conn.close()

    with SqliteStore(db_path) as s:
        assert s.schema_version == schema.LATEST_VERSION
        with s.unit_of_work(readonly=True) as unit:
            assert unit.posts.with_tag("old") == [tagged]
            assert unit.posts.mentioning(2) == [tagged]
            assert unit.posts.get(tagged.id) == tagged
    with SqliteStore(db_path) as again:  # opening a current file migrates nothing
        assert again.schema_version == schema.LATEST_VERSION


def test_an_empty_file_is_a_version_0_database_and_is_initialised(db_path: Path) -> None:
    db_path.write_bytes(b"")
    with SqliteStore(db_path) as s:
        assert s.schema_version == schema.LATEST_VERSION
        seed(s, account(1))
    with SqliteStore(db_path) as s, s.unit_of_work(readonly=True) as unit:
        assert unit.accounts.count() == 1


def test_a_failed_migration_leaves_the_file_as_it_was(
    db_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    SqliteStore(db_path).close()
    broken = schema.Migration(
        schema.LATEST_VERSION + 1,
        "a step that fails halfway",
        ("CREATE TABLE half_done (x INTEGER)", "CREATE TABLE accounts (x INTEGER)"),
    )
    monkeypatch.setattr(schema, "MIGRATIONS", (*schema.MIGRATIONS, broken))
    monkeypatch.setattr(schema, "LATEST_VERSION", broken.version)
    conn = _raw(db_path)
    try:
        with pytest.raises(sqlite3.OperationalError, match="already exists"):
            schema.migrate(conn, where="test", target=broken.version)
        assert not conn.in_transaction
        assert conn.execute("PRAGMA user_version").fetchone()[0] == broken.version - 1
        names = {row[0] for row in conn.execute("SELECT name FROM sqlite_schema")}
        assert "half_done" not in names
    finally:
        conn.close()


def test_a_newer_schema_version_is_refused(db_path: Path) -> None:
    SqliteStore(db_path).close()
    conn = _raw(db_path)
    conn.execute(f"PRAGMA user_version = {schema.LATEST_VERSION + 1}")
    conn.close()
    with pytest.raises(StorageError, match="newer") as info:
        SqliteStore(db_path)
    assert "upgrade microblog_core" in str(info.value)


def test_a_foreign_sqlite_database_is_refused(db_path: Path) -> None:
    conn = _raw(db_path)
    conn.execute("CREATE TABLE inventory (sku TEXT)")
    conn.close()
    with pytest.raises(StorageError, match="not a microblog_core database"):
        SqliteStore(db_path)
    conn = _raw(db_path)  # and it was left untouched
    try:
        names = {row[0] for row in conn.execute("SELECT name FROM sqlite_schema")}
        assert names == {"inventory"}
    finally:
        conn.close()


def test_another_applications_file_is_refused(db_path: Path) -> None:
    conn = _raw(db_path)
    conn.execute("PRAGMA application_id = 1234")
    conn.close()
    with pytest.raises(StorageError, match="another application"):
        SqliteStore(db_path)


@pytest.mark.parametrize(
    "content",
    [
        b"this is a text file, not a database\n" * 200,
        random.Random(4).randbytes(8192),
        b"SQLite format 3\x00" + random.Random(5).randbytes(4096),
    ],
    ids=["text", "random-bytes", "bad-header"],
)
def test_a_file_that_is_not_a_database_is_refused_clearly(db_path: Path, content: bytes) -> None:
    db_path.write_bytes(content)
    with pytest.raises(StorageError, match="not a SQLite database or it is corrupt") as info:
        SqliteStore(db_path)
    assert not isinstance(info.value, sqlite3.Error)
    assert db_path.read_bytes() == content  # nothing was written to it


def test_a_database_with_corrupt_pages_raises_only_storage_errors(db_path: Path) -> None:
    """Damage in the middle of a real database never surfaces as a sqlite3 exception."""
    with SqliteStore(db_path) as s:
        seed(s, account(1), *(post(n, 1, "x" * 300, tags=("t",)) for n in range(1, 600)))
    data = bytearray(db_path.read_bytes())
    page = 4096
    noise = random.Random(6).randbytes(page * 6)
    data[page * 4 : page * 10] = noise
    db_path.write_bytes(bytes(data))

    failures: list[MicroblogError] = []
    problems: list[str] = []
    try:
        s = SqliteStore(db_path)
    except StorageError as error:
        failures.append(error)
    else:
        with s:
            try:
                problems = s.integrity_problems()
            except StorageError as error:
                failures.append(error)
            for read in (
                lambda u: u.posts.scan(limit=10_000),
                lambda u: list(u.posts.stream(1)),
                lambda u: u.posts.with_tag("t", limit=10_000),
                lambda u: u.posts.count(),
            ):
                try:
                    with s.unit_of_work(readonly=True) as unit:
                        read(unit)
                except StorageError as error:
                    failures.append(error)
    assert failures or problems


def test_a_missing_directory_is_a_storage_error(tmp_path: Path) -> None:
    missing = tmp_path / "no" / "such" / "dir" / "x.db"
    with pytest.raises(StorageError, match="does not exist"):
        SqliteStore(missing)
    assert not (tmp_path / "no").exists()  # no directory was created


def test_a_path_under_a_file_or_a_directory_path_is_a_storage_error(tmp_path: Path) -> None:
    plain = tmp_path / "plain.txt"
    plain.write_text("x")
    with pytest.raises(StorageError, match="not a directory"):
        SqliteStore(plain / "x.db")
    with pytest.raises(StorageError, match="is a directory"):
        SqliteStore(tmp_path)


def test_a_path_sqlite_cannot_open_is_a_storage_error(tmp_path: Path) -> None:
    # A symlink to itself: no file can be created there, even by root.
    loop = tmp_path / "loop.db"
    loop.symlink_to(loop)
    with pytest.raises(StorageError, match=r"^cannot open .*loop\.db.*: unable to open"):
        SqliteStore(loop)
    assert loop.is_symlink()


@pytest.mark.parametrize(
    ("kwargs", "field"),
    [
        ({"path": 42}, "path"),
        ({"path": ":memory:", "busy_timeout": -1}, "busy_timeout"),
        ({"path": ":memory:", "busy_timeout": True}, "busy_timeout"),
        ({"path": ":memory:", "synchronous": "off"}, "synchronous"),
    ],
)
def test_bad_store_arguments_are_validation_errors(kwargs: dict[str, Any], field: str) -> None:
    with pytest.raises(ValidationError) as info:
        SqliteStore(**kwargs)
    assert info.value.field == field


# --------------------------------------------------------------------------- units


def test_close_is_idempotent_and_ends_the_store(db_path: Path) -> None:
    s = SqliteStore(db_path)
    assert not s.closed
    s.close()
    s.close()
    assert s.closed
    assert "closed" in repr(s)
    with pytest.raises(StorageError, match="closed"):
        s.unit_of_work()
    with pytest.raises(StorageError, match="closed"):
        _ = s.schema_version


def test_a_unit_made_before_close_cannot_be_entered_after_it(store: SqliteStore) -> None:
    unit = store.unit_of_work()
    store.close()
    with pytest.raises(StorageError, match="closed"), unit:
        pass


def test_the_store_cannot_close_under_an_open_unit(store: SqliteStore) -> None:
    with store.unit_of_work() as unit:
        unit.accounts.add(account(1))
        with pytest.raises(StorageError, match="open"):
            store.close()
        unit.commit()
    store.close()


def test_a_writing_unit_cannot_nest_in_one_thread(store: SqliteStore) -> None:
    with store.unit_of_work() as outer:
        outer.accounts.add(account(1))
        with pytest.raises(StorageError, match="cannot be opened inside"), store.unit_of_work():
            pass
        assert outer.accounts.count() == 1  # the outer unit goes on
        outer.commit()
    with store.unit_of_work(readonly=True) as unit:
        assert unit.accounts.count() == 1


def test_a_nested_readonly_unit_reads_inside_the_outer_transaction(store: SqliteStore) -> None:
    """It sees the outer unit's writes and pending counters; its commit and exit change nothing."""
    seed(store, account(1), account(2))
    with store.unit_of_work() as outer:
        outer.posts.add(post(1, 1))
        outer.relations.add_follow(Follow(follower_id=2, followee_id=1, created_at=T0))
        with store.unit_of_work(readonly=True) as inner:
            assert inner.posts.count() == 1
            assert inner.accounts.counters(1) == AccountCounters(followers=1, posts=1)
            with pytest.raises(StorageError, match="read-only"):
                inner.posts.remove(pid(1))
            inner.commit()
            inner.rollback()
        with pytest.raises(StorageError, match="ended"):
            inner.posts.count()
        assert outer.accounts.counters(1) == AccountCounters(followers=1, posts=1)
        outer.rollback()  # undoes everything, the nested commit included
        with store.unit_of_work(readonly=True) as inner:
            assert inner.posts.count() == 0
    with store.unit_of_work(readonly=True) as unit:
        assert unit.posts.count() == 0
        with store.unit_of_work(readonly=True) as inner:  # readers nest in readers too
            assert inner.accounts.count() == 2


def test_a_nested_reader_fails_cleanly_once_the_outer_unit_ended(store: SqliteStore) -> None:
    outer = store.unit_of_work()
    with outer:
        inner = store.unit_of_work(readonly=True).__enter__()
    with pytest.raises(StorageError, match="ended"):
        inner.accounts.count()
    inner.__exit__(None, None, None)


def test_a_unit_is_entered_once(store: SqliteStore) -> None:
    unit = store.unit_of_work()
    with unit:
        pass
    with pytest.raises(StorageError, match="once"), unit:
        pass


def test_a_unit_belongs_to_the_thread_that_entered_it(store: SqliteStore) -> None:
    errors: list[BaseException] = []
    with store.unit_of_work() as unit:

        def use() -> None:
            try:
                unit.accounts.count()
            except BaseException as error:
                errors.append(error)

        worker = threading.Thread(target=use)
        worker.start()
        worker.join()
    assert len(errors) == 1
    assert isinstance(errors[0], StorageError)
    assert "thread" in str(errors[0])


def test_a_readonly_unit_refuses_every_kind_of_write(store: SqliteStore) -> None:
    seed(store, account(1), account(2), post(1))
    writes: list[Callable[[SqliteUnitOfWork], object]] = [
        lambda u: u.accounts.add(account(3)),
        lambda u: u.accounts.update(account(1, bio="x")),
        lambda u: u.posts.add(post(2)),
        lambda u: u.posts.update(post(1, text="edited")),
        lambda u: u.posts.remove(pid(1)),
        lambda u: u.relations.add_follow(Follow(follower_id=1, followee_id=2, created_at=T0)),
        lambda u: u.relations.remove_follow(1, 2),
        lambda u: u.relations.add_block(Block(blocker_id=1, blocked_id=2, created_at=T0)),
        lambda u: u.relations.add_mute(Mute(muter_id=1, muted_id=2, created_at=T0)),
        lambda u: u.relations.add_request(
            FollowRequest(follower_id=1, followee_id=2, created_at=T0)
        ),
        lambda u: u.engagement.add_like(Like(account_id=2, post_id=pid(1), created_at=T0)),
        lambda u: u.feeds.insert([2], pid(1), 1, cap=10),
        lambda u: u.feeds.clear(2),
    ]
    with store.unit_of_work(readonly=True) as unit:
        assert unit.readonly
        for write in writes:
            with pytest.raises(StorageError, match="read-only"):
                write(unit)
        assert unit.accounts.count() == 2
        unit.commit()  # ends the read transaction; harmless


def test_a_readonly_unit_reads_a_stable_snapshot_while_another_connection_writes(
    db_path: Path,
) -> None:
    """WAL readers are not blocked by a writer and keep their snapshot until they end."""
    reader_store, writer_store = SqliteStore(db_path), SqliteStore(db_path)
    try:
        seed(writer_store, account(1))
        with reader_store.unit_of_work(readonly=True) as reading:
            assert reading.accounts.count() == 1
            seed(writer_store, account(2))  # does not wait for the reader
            assert reading.accounts.count() == 1
            reading.commit()  # a new snapshot starts at the next read
            assert reading.accounts.count() == 2
    finally:
        reader_store.close()
        writer_store.close()


def test_a_writer_gives_up_with_a_storage_error_after_the_busy_timeout(db_path: Path) -> None:
    holder, waiter = SqliteStore(db_path), SqliteStore(db_path, busy_timeout=0.05)
    try:
        with holder.unit_of_work() as holding:
            holding.accounts.add(account(1))  # BEGIN IMMEDIATE: holds the write lock
            with waiter.unit_of_work() as waiting:
                with pytest.raises(StorageError, match="locked") as info:
                    waiting.accounts.add(account(2))
                assert not isinstance(info.value, sqlite3.Error)
            holding.commit()
        with waiter.unit_of_work() as unit:  # the lock is free again
            unit.accounts.add(account(2))
            unit.commit()
        with holder.unit_of_work(readonly=True) as unit:
            assert unit.accounts.count() == 2
    finally:
        holder.close()
        waiter.close()


def test_counters_and_totals_are_kept_in_memory_until_commit(store: SqliteStore) -> None:
    """Reads in the unit see pending counter moves; rollback forgets them; commit writes them."""
    seed(store, account(1), account(2))
    with store.unit_of_work() as unit:
        unit.posts.add(post(1, 1))
        unit.relations.add_follow(Follow(follower_id=2, followee_id=1, created_at=T0))
        assert unit.accounts.counters(1) == AccountCounters(followers=1, posts=1)
        assert unit.posts.count() == 1
        raw = store._connection().execute("SELECT followers, posts FROM accounts WHERE id = 1")
        assert raw.fetchone() == (0, 0)  # not written yet
        unit.rollback()
        assert unit.accounts.counters(1) == AccountCounters()
        assert unit.posts.count() == 0
        unit.posts.add(post(2, 1))
        unit.commit()
    raw = store._connection().execute("SELECT followers, posts FROM accounts WHERE id = 1")
    assert raw.fetchone() == (0, 1)


def _statements(store: SqliteStore, action: Callable[[], object]) -> list[str]:
    seen: list[str] = []
    conn = store._connection()
    conn.set_trace_callback(seen.append)
    try:
        action()
    finally:
        conn.set_trace_callback(None)
    return seen


def test_writing_units_begin_immediate_and_readonly_units_deferred(store: SqliteStore) -> None:
    """Transactions start at the first operation, and again after each commit."""
    seed(store, account(1))
    with store.unit_of_work() as unit:
        assert _statements(store, unit.accounts.count)[0] == "BEGIN IMMEDIATE"
        unit.commit()
        assert _statements(store, unit.accounts.count)[0] == "BEGIN IMMEDIATE"
    with store.unit_of_work(readonly=True) as unit:
        assert _statements(store, unit.accounts.count)[0] == "BEGIN"

    def idle_unit() -> None:
        with store.unit_of_work():
            pass

    assert _statements(store, idle_unit) == []  # a unit that did nothing costs nothing


def test_adding_an_original_post_costs_one_statement(store: SqliteStore) -> None:
    """The bulk path: one INSERT per plain post; counters wait for the commit."""
    seed(store, account(1))
    with store.unit_of_work() as unit:
        unit.posts.add(post(1))  # opens the transaction
        seen = _statements(store, lambda: unit.posts.add(post(2)))
        assert len(seen) == 1
        assert seen[0].startswith("INSERT INTO posts")
        commit = _statements(store, unit.commit)
    assert [s.split()[0] for s in commit] == ["UPDATE", "UPDATE", "COMMIT"]


def test_stream_fetches_in_growing_keyset_chunks(store: SqliteStore) -> None:
    seed(store, account(1), *(post(n) for n in range(1, 301)))
    with store.unit_of_work(readonly=True) as unit:
        stream = unit.posts.stream(1)
        first = _statements(store, lambda: next(stream))
        assert len(first) == 1
        assert first[0].endswith("LIMIT 1")  # the trace shows the bound values
        rest: list[Post] = []
        later = _statements(store, lambda: rest.extend(stream))
        # 1 + 2 + ... + 256 >= 300; the chunk stops doubling at 256
        assert [q.rsplit(" ", 1)[1] for q in later] == [
            "2",
            "4",
            "8",
            "16",
            "32",
            "64",
            "128",
            "256",
        ]
    assert [p.id for p in rest] == [pid(n) for n in range(299, 0, -1)]


def test_a_stream_left_open_fails_cleanly_once_its_unit_ended(store: SqliteStore) -> None:
    seed(store, account(1), *(post(n) for n in range(1, 100)))
    with store.unit_of_work(readonly=True) as unit:
        stream = unit.posts.stream(1)
        head = [next(stream) for _ in range(63)]  # 1 + 2 + ... + 32: a chunk boundary
    assert len(head) == 63
    with pytest.raises(StorageError, match="ended"):
        next(stream)


def test_a_stored_row_that_cannot_be_read_back_is_a_storage_error(store: SqliteStore) -> None:
    seed(store, account(1), post(1))
    conn = store._connection()
    conn.execute("UPDATE posts SET visibility = 'secret'")
    conn.execute("UPDATE accounts SET kind = 'robot'")
    with store.unit_of_work(readonly=True) as unit:
        with pytest.raises(StorageError, match="post row"):
            unit.posts.get(pid(1))
        with pytest.raises(StorageError, match="account row"):
            unit.accounts.get(1)


def test_an_unexpected_constraint_failure_maps_to_a_library_error(store: SqliteStore) -> None:
    """A uniqueness rule the adapter did not plan for still surfaces as ConflictError."""
    seed(store, account(1), post(1))
    store._connection().execute("CREATE UNIQUE INDEX one_text ON posts (text)")
    with store.unit_of_work() as unit, pytest.raises(ConflictError):
        unit.posts.add(post(2))


def test_integrity_problems_is_empty_for_a_sound_database(store: SqliteStore) -> None:
    seed(store, account(1), post(1))
    assert store.integrity_problems() == []


def test_repr_names_the_store_and_the_unit_state(store: SqliteStore) -> None:
    unit = store.unit_of_work(readonly=True)
    assert "new readonly" in repr(unit)
    with unit:
        assert "active" in repr(unit)
    assert "ended" in repr(unit)
    assert "':memory:'" in repr(store)


# --------------------------------------------------------------------------- columns


def test_datetimes_are_stored_as_utc_microseconds(store: SqliteStore) -> None:
    at = datetime(2026, 3, 4, 5, 6, 7, 891011, tzinfo=timezone(timedelta(hours=8)))
    seed(store, Account.create(id=1, handle="a", created_at=at))
    raw = store._connection().execute("SELECT created_at FROM accounts").fetchone()[0]
    assert raw == (at - datetime(1970, 1, 1, tzinfo=UTC)) // timedelta(microseconds=1)
    with store.unit_of_work(readonly=True) as unit:
        back = unit.accounts.get(1).created_at
    assert back == at
    assert back.tzinfo is UTC


@given(
    at=st.datetimes(
        min_value=datetime(1, 1, 2),
        max_value=datetime(9999, 12, 30),
        timezones=st.just(UTC)
        | st.builds(timezone, st.timedeltas(timedelta(hours=-23), timedelta(hours=23))),
    ),
    expires=st.timedeltas(timedelta(microseconds=1), timedelta(days=2)),
)
def test_any_instant_round_trips_and_mute_expiry_compares_exactly(
    at: datetime, expires: timedelta
) -> None:
    mute_expiry = at + expires if at.year < 9999 else None
    with SqliteStore(":memory:") as s:
        seed(s, account(1), account(2))
        with s.unit_of_work() as unit:
            unit.accounts.update(Account.create(id=1, handle="user1", created_at=at))
            mute = Mute(muter_id=1, muted_id=2, created_at=at, expires_at=mute_expiry)
            unit.relations.add_mute(mute)
            assert unit.accounts.get(1).created_at == at
            assert unit.relations.get_mute(1, 2) == mute
            if mute_expiry is not None:
                just_before = mute_expiry - timedelta(microseconds=1)
                assert unit.relations.muted_ids(1, at=just_before) == {2}
                assert unit.relations.muted_ids(1, at=mute_expiry) == set()
                assert unit.relations.get_mute(1, 2, at=mute_expiry) is None
                assert unit.relations.get_mute(1, 2, at=just_before) == mute


HOSTILE = [
    "'; DROP TABLE posts; --",
    'Robert"); DROP TABLE accounts;--',
    "?1 ?2 :name @name $name",
    "100% _wild_ \\ escapes",
    "nul\x00inside",
    "' OR '1'='1",
]

_TEXT = st.text(st.characters(exclude_categories=("Cs",)), min_size=1, max_size=40)


def _is_handle(text: str) -> bool:
    try:
        account(1, text)
    except ValidationError:
        return False
    return True


_HANDLE = st.text(
    st.characters(exclude_categories=("Cs",), exclude_characters="@/#:"), min_size=1, max_size=20
).filter(_is_handle)


@pytest.mark.parametrize("hostile", HOSTILE)
def test_sql_in_values_is_data(store: SqliteStore, hostile: str) -> None:
    """Strings that look like SQL round-trip and find nothing they should not."""
    handle = "h" + hostile.replace(" ", "").replace("@", "").replace("/", "").replace("#", "")
    handle = handle.replace(":", "")
    person = account(1, handle, display_name=hostile, bio=hostile)
    message = post(1, 1, hostile or "x", tags=(hostile,), content_warning=hostile)
    seed(store, person, message)
    with store.unit_of_work(readonly=True) as unit:
        assert unit.accounts.get(1) == person
        assert unit.accounts.by_handle(handle.upper()) == person
        assert unit.accounts.by_handle("' OR '1'='1") is None
        assert unit.posts.get(message.id) == message
        assert unit.posts.with_tag(hostile.upper()) == [message]
        assert unit.posts.with_tag("' OR tag LIKE '%") == []
        assert unit.posts.count() == 1
        assert unit.accounts.count() == 1


@given(text=_TEXT, bio=_TEXT, tag=_TEXT, handle=_HANDLE)
@example(text=HOSTILE[0], bio=HOSTILE[1], tag=HOSTILE[2], handle="x")
def test_any_text_round_trips(text: str, bio: str, tag: str, handle: str) -> None:
    with SqliteStore(":memory:") as s:
        person = account(1, handle, display_name=text, bio=bio)
        message = post(1, 1, text if text.strip() else "x", tags=(tag,), content_warning=bio)
        seed(s, person, message)
        with s.unit_of_work(readonly=True) as unit:
            assert unit.accounts.get(1) == person
            assert unit.accounts.by_handle(handle.casefold()) == person
            assert unit.posts.get(message.id) == message
            assert unit.posts.with_tag(tag) == [message]


def test_lone_surrogates_are_refused_as_validation_errors(store: SqliteStore) -> None:
    """SQLite stores UTF-8; a str that cannot be encoded is bad input, not a crash."""
    seed(store, account(1))
    with store.unit_of_work() as unit:
        with pytest.raises(ValidationError, match="surrogate"):
            unit.posts.add(post(1, 1, "bad \ud800 text"))
        with pytest.raises(ValidationError, match="surrogate"):
            unit.accounts.add(account(2, "x\udfff"))
        assert unit.accounts.by_handle("x\udfff") is None
        assert unit.posts.with_tag("\ud800") == []
        assert unit.posts.count() == 0
        assert unit.accounts.count() == 1


# --------------------------------------------------------------------------- bad input


_JUNK = st.one_of(
    st.none(),
    st.booleans(),
    st.integers(min_value=-(2**80), max_value=2**80),
    st.floats(),
    st.text(max_size=4),
    st.binary(max_size=4),
    st.lists(st.integers(min_value=-(2**70), max_value=2**70), max_size=3),
    st.lists(st.tuples(st.integers(-3, 3), st.text(max_size=2)), max_size=2),
    st.sampled_from([object(), "\ud800", {"a": 1}, 1.5, (1,), [(1, 2, 3)], datetime(2026, 1, 1)]),
)

_CALLS: dict[str, tuple[str, str, tuple[object, ...], dict[str, object]]] = {
    "accounts.add": ("accounts", "add", (account(5),), {}),
    "accounts.update": ("accounts", "update", (account(1, bio="b"),), {}),
    "accounts.get": ("accounts", "get", (1,), {}),
    "accounts.find": ("accounts", "find", (1,), {}),
    "accounts.by_handle": ("accounts", "by_handle", ("user1",), {}),
    "accounts.get_many": ("accounts", "get_many", ([1, 2],), {}),
    "accounts.page": ("accounts", "page", (), {"after": 1, "limit": 5}),
    "accounts.counters": ("accounts", "counters", (1,), {}),
    "posts.add": ("posts", "add", (post(9, 2),), {}),
    "posts.update": ("posts", "update", (post(1, 1, "edited"),), {}),
    "posts.remove": ("posts", "remove", (pid(1),), {}),
    "posts.get": ("posts", "get", (pid(1),), {}),
    "posts.find": ("posts", "find", (pid(1),), {}),
    "posts.get_many": ("posts", "get_many", ([pid(1)],), {}),
    "posts.by_author": (
        "posts",
        "by_author",
        (1,),
        {"max_id": pid(5), "min_id": pid(0), "limit": 5},
    ),
    "posts.stream": (
        "posts",
        "stream",
        (1,),
        {"max_id": pid(5), "min_id": pid(0), "ascending": True},
    ),
    "posts.replies_to": ("posts", "replies_to", (pid(1),), {"limit": 3}),
    "posts.in_thread": ("posts", "in_thread", (pid(1),), {}),
    "posts.reposts_of": ("posts", "reposts_of", (pid(1),), {"limit": 3}),
    "posts.repost_by": ("posts", "repost_by", (2, pid(1)), {}),
    "posts.quotes_of": ("posts", "quotes_of", (pid(1),), {"limit": 3}),
    "posts.with_tag": ("posts", "with_tag", ("t",), {"max_id": None, "min_id": 1, "limit": 3}),
    "posts.mentioning": ("posts", "mentioning", (2,), {"max_id": pid(9), "limit": 3}),
    "posts.public": (
        "posts",
        "public",
        (),
        {"max_id": None, "limit": 3, "include_replies": True, "include_reposts": False},
    ),
    "posts.scan": ("posts", "scan", (), {"after": 1, "limit": 3}),
    "posts.counters": ("posts", "counters", (pid(1),), {}),
    "relations.add_follow": (
        "relations",
        "add_follow",
        (Follow(follower_id=1, followee_id=2, created_at=T0),),
        {},
    ),
    "relations.remove_follow": ("relations", "remove_follow", (1, 2), {}),
    "relations.get_follow": ("relations", "get_follow", (1, 2), {}),
    "relations.followers_of": ("relations", "followers_of", (2,), {"after": 1, "limit": 2}),
    "relations.following_of": ("relations", "following_of", (1,), {"after": 1, "limit": 2}),
    "relations.follower_ids": ("relations", "follower_ids", (2,), {}),
    "relations.following_ids": ("relations", "following_ids", (1,), {}),
    "relations.add_request": (
        "relations",
        "add_request",
        (FollowRequest(follower_id=1, followee_id=2, created_at=T0),),
        {},
    ),
    "relations.remove_request": ("relations", "remove_request", (1, 2), {}),
    "relations.get_request": ("relations", "get_request", (1, 2), {}),
    "relations.requests_for": ("relations", "requests_for", (2,), {"after": 1, "limit": 2}),
    "relations.add_block": (
        "relations",
        "add_block",
        (Block(blocker_id=1, blocked_id=2, created_at=T0),),
        {},
    ),
    "relations.remove_block": ("relations", "remove_block", (1, 2), {}),
    "relations.get_block": ("relations", "get_block", (1, 2), {}),
    "relations.blocked_ids": ("relations", "blocked_ids", (1,), {}),
    "relations.blocker_ids": ("relations", "blocker_ids", (2,), {}),
    "relations.add_mute": (
        "relations",
        "add_mute",
        (Mute(muter_id=1, muted_id=2, created_at=T0),),
        {},
    ),
    "relations.remove_mute": ("relations", "remove_mute", (1, 2), {}),
    "relations.get_mute": ("relations", "get_mute", (1, 2), {"at": T0}),
    "relations.muted_ids": ("relations", "muted_ids", (1,), {"at": T0}),
    "engagement.add_like": (
        "engagement",
        "add_like",
        (Like(account_id=2, post_id=pid(1), created_at=T0),),
        {},
    ),
    "engagement.remove_like": ("engagement", "remove_like", (2, pid(1)), {}),
    "engagement.get_like": ("engagement", "get_like", (2, pid(1)), {}),
    "engagement.likes_of": ("engagement", "likes_of", (pid(1),), {"after": 1, "limit": 2}),
    "feeds.insert": ("feeds", "insert", ([1, 2], pid(1), 1), {"cap": 5}),
    "feeds.merge": ("feeds", "merge", (2, [(pid(1), 1)]), {"cap": 5}),
    "feeds.remove_posts": ("feeds", "remove_posts", ([2], [pid(1)]), {}),
    "feeds.remove_author": ("feeds", "remove_author", (2, 1), {}),
    "feeds.read": (
        "feeds",
        "read",
        (2,),
        {"max_id": None, "min_id": None, "limit": 3, "ascending": False},
    ),
    "feeds.size": ("feeds", "size", (2,), {}),
    "feeds.clear": ("feeds", "clear", (2,), {}),
}


def _call(unit: SqliteUnitOfWork, name: str, args: tuple[object, ...], kw: dict[str, Any]) -> Any:
    repo, method, _, _ = _CALLS[name]
    result = getattr(getattr(unit, repo), method)(*args, **kw)
    return list(result) if isinstance(result, Iterator) else result


def test_every_call_in_the_table_works_with_good_arguments() -> None:
    """The table of the next test is valid as written (so junk is what fails there)."""
    for name, (_, _, args, kwargs) in _CALLS.items():
        with SqliteStore(":memory:") as s:
            seed(s, account(1), account(2), post(1, 1, tags=("t",)))
            with s.unit_of_work() as unit:
                _call(unit, name, args, kwargs)


@settings(suppress_health_check=[HealthCheck.too_slow])
@given(name=st.sampled_from(sorted(_CALLS)), data=st.data())
def test_junk_arguments_raise_library_errors_only(name: str, data: st.DataObject) -> None:
    """Any argument replaced by junk gives a MicroblogError or a valid answer, never a crash."""
    _, _, args, kwargs = _CALLS[name]
    slots = [*range(len(args)), *kwargs]
    slot = data.draw(st.sampled_from(slots), label="slot") if slots else None
    junk = data.draw(_JUNK, label="junk")
    call_args, call_kwargs = list(args), dict(kwargs)
    if isinstance(slot, int):
        call_args[slot] = junk
    elif slot is not None:
        call_kwargs[slot] = junk
    with SqliteStore(":memory:") as s:
        seed(s, account(1), account(2), post(1, 1, tags=("t",)))
        with s.unit_of_work() as unit:
            with contextlib.suppress(MicroblogError):
                _call(unit, name, tuple(call_args), call_kwargs)
            # whatever happened, the unit still answers
            assert unit.accounts.count() >= 2


@given(junk=_JUNK.filter(lambda v: not isinstance(v, bool)))
def test_readonly_must_be_a_bool(junk: object) -> None:
    with SqliteStore(":memory:") as s, pytest.raises(ValidationError):
        s.unit_of_work(readonly=junk)  # type: ignore[arg-type]


def test_wrong_value_types_are_validation_errors_before_any_sql(store: SqliteStore) -> None:
    seed(store, account(1), account(2))
    with store.unit_of_work() as unit:
        seen: list[str] = []
        store._connection().set_trace_callback(seen.append)
        try:
            with pytest.raises(ValidationError):
                unit.posts.add("post")  # type: ignore[arg-type]
            with pytest.raises(ValidationError):
                unit.relations.add_follow("follow")  # type: ignore[arg-type]
        finally:
            store._connection().set_trace_callback(None)
        assert seen == []
        with pytest.raises(ValidationError, match="cap"):
            unit.feeds.insert([1], pid(1), 1, cap=0)
        with pytest.raises(ValidationError, match="pair"):
            unit.feeds.merge(1, [(pid(1), 1, 3)], cap=4)  # type: ignore[list-item]
        with pytest.raises(ValidationError):
            unit.relations.muted_ids(1, at=datetime(2026, 1, 1))  # naive
        with pytest.raises(ValidationError):
            unit.feeds.insert("12", pid(1), 1, cap=4)  # type: ignore[arg-type]


# --------------------------------------------------------------------------- error classes
# The agreed table in microblog_core._checks: an id, stored id or cursor that is wrong
# raises InvalidIdError; a bad collection, limit, flag, str or value raises ValidationError;
# a naive instant raises NaiveDatetimeError. The class is asserted exactly (InvalidIdError
# is itself a ValidationError), so this adapter answers like every other.

_OPTIONAL_LIMIT = {"posts.replies_to", "posts.reposts_of", "posts.quotes_of"}
_STORED_IDS = {"feeds.insert", "feeds.merge"}


def _slot_kind(name: str, slot: int | str, good: object) -> str:
    """What kind of argument ``slot`` of call ``name`` is, from its name or its good value."""
    if slot in ("after", "max_id", "min_id"):
        return "cursor"
    if slot in ("limit", "cap"):
        return "optional limit" if name in _OPTIONAL_LIMIT else "limit"
    if slot in ("ascending", "include_replies", "include_reposts"):
        return "flag"
    if slot == "at":
        return "optional instant" if name == "relations.get_mute" else "instant"
    if name == "feeds.merge" and slot == 1:
        return "entries"
    if isinstance(good, bool):  # pragma: no cover - no positional flag in the table
        return "flag"
    if isinstance(good, int):
        return "stored id" if name in _STORED_IDS else "id"
    if isinstance(good, str):
        return "str"
    if isinstance(good, list):
        return "stored ids" if name in _STORED_IDS else "ids"
    return "value"


def _is_int(value: object) -> bool:
    return isinstance(value, int) and not isinstance(value, bool)


def _expected_class(kind: str, junk: object) -> type[MicroblogError] | None:
    """The exact class the table asks for, or None when ``junk`` may be a valid argument."""
    if kind == "id":
        return None if _is_int(junk) else InvalidIdError
    if kind == "stored id":
        return None if _is_int(junk) and 0 < junk <= MAX_ID else InvalidIdError  # type: ignore[operator]
    if kind == "cursor":
        return None if junk is None or _is_int(junk) else InvalidIdError
    if kind in ("limit", "optional limit"):
        if kind == "optional limit" and junk is None:
            return None
        return None if _is_int(junk) and junk >= 1 else ValidationError  # type: ignore[operator]
    if kind == "flag":
        return None if isinstance(junk, bool) else ValidationError
    if kind == "str":
        return None if isinstance(junk, str) else ValidationError
    if kind in ("ids", "stored ids"):
        if isinstance(junk, str | bytes) or not isinstance(junk, list | tuple | dict):
            return ValidationError
        item_kind = "stored id" if kind == "stored ids" else "id"
        for item in junk:
            if _expected_class(item_kind, item) is not None:
                return InvalidIdError
        return None
    if kind in ("instant", "optional instant"):
        if kind == "optional instant" and junk is None:
            return None
        if not isinstance(junk, datetime):
            return ValidationError
        return NaiveDatetimeError if junk.utcoffset() is None else None
    if kind == "value":
        return ValidationError
    return None  # entries: covered by the examples below


@settings(suppress_health_check=[HealthCheck.too_slow])
@given(name=st.sampled_from(sorted(_CALLS)), data=st.data())
def test_a_bad_argument_raises_the_class_of_the_shared_table(
    name: str, data: st.DataObject
) -> None:
    """Junk in any slot raises exactly the class ``_checks`` names for that kind of argument."""
    _, _, args, kwargs = _CALLS[name]
    slots: list[int | str] = [*range(len(args)), *kwargs]
    if not slots:
        return
    slot = data.draw(st.sampled_from(slots), label="slot")
    junk = data.draw(_JUNK, label="junk")
    call_args, call_kwargs = list(args), dict(kwargs)
    if isinstance(slot, int):
        kind = _slot_kind(name, slot, args[slot])
        call_args[slot] = junk
    else:
        kind = _slot_kind(name, slot, kwargs[slot])
        call_kwargs[slot] = junk
    expected = _expected_class(kind, junk)
    with SqliteStore(":memory:") as s:
        seed(s, account(1), account(2), post(1, 1, tags=("t",)))
        with s.unit_of_work() as unit:
            if expected is None:  # a valid argument, or one the store may refuse otherwise
                with contextlib.suppress(MicroblogError):
                    _call(unit, name, tuple(call_args), call_kwargs)
                return
            with pytest.raises(MicroblogError) as info:
                _call(unit, name, tuple(call_args), call_kwargs)
            assert type(info.value) is expected, (kind, junk, info.value)


@pytest.mark.parametrize(
    ("call", "expected"),
    [
        (lambda u: u.accounts.find("1"), InvalidIdError),
        (lambda u: u.accounts.find(True), InvalidIdError),
        (lambda u: u.posts.get_many([1, 2.0]), InvalidIdError),
        (lambda u: u.posts.by_author(1, max_id="9"), InvalidIdError),
        (lambda u: u.relations.followers_of(1, after=1.5), InvalidIdError),
        (lambda u: u.feeds.read(1, min_id=False), InvalidIdError),
        (lambda u: u.feeds.insert([0], pid(1), 1, cap=4), InvalidIdError),
        (lambda u: u.feeds.insert([1], MAX_ID + 1, 1, cap=4), InvalidIdError),
        (lambda u: u.feeds.merge(-1, [], cap=4), InvalidIdError),
        (lambda u: u.feeds.merge(1, [(pid(1), 0)], cap=4), InvalidIdError),
        (lambda u: u.accounts.get_many(5), ValidationError),
        (lambda u: u.posts.get_many("12"), ValidationError),
        (lambda u: u.feeds.remove_posts([1], 3), ValidationError),
        (lambda u: u.feeds.merge(1, 7, cap=4), ValidationError),
        (lambda u: u.feeds.merge(1, [(pid(1), 1, 3)], cap=4), ValidationError),
        (lambda u: u.posts.by_author(1, limit=0), ValidationError),
        (lambda u: u.accounts.page(limit=True), ValidationError),
        (lambda u: u.posts.replies_to(pid(1), limit="3"), ValidationError),
        (lambda u: u.feeds.insert([1], pid(1), 1, cap=0), ValidationError),
        (lambda u: u.posts.public(include_replies=1), ValidationError),
        (lambda u: u.feeds.read(1, ascending="yes"), ValidationError),
        (lambda u: u.accounts.by_handle(5), ValidationError),
        (lambda u: u.posts.with_tag(None), ValidationError),
        (lambda u: u.accounts.add("account"), ValidationError),
        (lambda u: u.relations.muted_ids(1, at="now"), ValidationError),
        (lambda u: u.relations.muted_ids(1, at=datetime(2026, 1, 1)), NaiveDatetimeError),
    ],
)
def test_each_kind_of_mistake_raises_its_exact_class(
    store: SqliteStore, call: Callable[[SqliteUnitOfWork], object], expected: type[Exception]
) -> None:
    seed(store, account(1), account(2), post(1))
    with store.unit_of_work() as unit, pytest.raises(MicroblogError) as info:
        call(unit)
    assert type(info.value) is expected


@given(
    number=st.one_of(
        st.integers(max_value=0),
        st.integers(min_value=MAX_ID + 1),
        st.sampled_from([-(10**5000), 10**5000]),
    )
)
def test_a_lookup_by_an_int_outside_the_id_range_matches_nothing(number: int) -> None:
    with SqliteStore(":memory:") as s:
        seed(s, account(1), post(1))
        with s.unit_of_work(readonly=True) as unit:
            assert unit.accounts.find(number) is None
            assert unit.posts.find(number) is None
            assert unit.posts.get_many([number, pid(1)]).keys() == {pid(1)}
            assert unit.relations.follower_ids(number) == frozenset()
            assert unit.feeds.size(number) == 0
            assert unit.posts.by_author(number) == []


def test_bounds_beyond_the_id_range_answer_without_error(store: SqliteStore) -> None:
    seed(store, account(1), post(1), post(2))
    with store.unit_of_work(readonly=True) as unit:
        everything = [pid(2), pid(1)]
        assert [p.id for p in unit.posts.by_author(1, max_id=2**80)] == everything
        assert [p.id for p in unit.posts.by_author(1, min_id=-(2**80))] == everything
        assert unit.posts.by_author(1, min_id=MAX_ID) == []
        assert unit.posts.by_author(1, max_id=1) == []
        assert unit.posts.by_author(1, min_id=2**80) == []
        assert unit.posts.scan(after=2**80) == []
        assert list(unit.posts.stream(1, max_id=0)) == []
        assert unit.feeds.read(1, min_id=2**70) == []


# --------------------------------------------------------------------------- conflicts


def test_constraint_failures_name_what_conflicted(store: SqliteStore) -> None:
    original = post(1, 1)
    seed(store, account(1), account(2), original, repost(2, 2, original))
    with store.unit_of_work() as unit:
        with pytest.raises(ConflictError) as taken:
            unit.posts.add(post(1, 2))
        assert taken.value.entity == "post"
        with pytest.raises(DuplicateRepostError) as again:
            unit.posts.add(repost(3, 2, original))
        assert (again.value.account_id, again.value.root_id) == (2, original.id)
        with pytest.raises(NotFoundError) as missing:
            unit.relations.add_follow(Follow(follower_id=1, followee_id=9, created_at=T0))
        assert (missing.value.entity, missing.value.key) == ("account", 9)
        with pytest.raises(NotFoundError) as missing_first:
            unit.relations.add_block(Block(blocker_id=8, blocked_id=1, created_at=T0))
        assert missing_first.value.key == 8
        with pytest.raises(NotFoundError) as no_post:
            unit.engagement.add_like(Like(account_id=1, post_id=pid(7), created_at=T0))
        assert no_post.value.entity == "post"
        with pytest.raises(NotFoundError) as no_account:
            unit.engagement.add_like(Like(account_id=9, post_id=pid(1), created_at=T0))
        assert no_account.value.entity == "account"
        assert unit.posts.counters(original.id) == PostCounters(reposts=1)


def test_a_back_filled_post_starts_from_a_recount(store: SqliteStore) -> None:
    """Replies, reposts and quotes stored before their target count once it arrives."""
    target = post(1, 1)
    seed(store, account(1), account(2), account(3))
    quote = post(4, 3, "quoting", quote_of=target.id)
    seed(store, reply(2, 2, target), repost(3, 2, target), quote, reply(5, 3, target))
    with store.unit_of_work() as unit:
        assert unit.posts.counters(target.id) == PostCounters()  # unknown id: zeros
        unit.posts.add(target)
        assert unit.posts.counters(target.id) == PostCounters(replies=2, reposts=1, quotes=1)
        unit.posts.add(reply(6, 2, target))
        assert unit.posts.counters(target.id).replies == 3
        unit.commit()
    with store.unit_of_work(readonly=True) as unit:
        assert unit.posts.counters(target.id) == PostCounters(replies=3, reposts=1, quotes=1)


def test_a_re_added_post_counts_what_still_refers_to_it(store: SqliteStore) -> None:
    target = post(1, 1)
    first, second = reply(2, 2, target), reply(3, 2, target)
    seed(store, account(1), account(2), target, first, second)
    with store.unit_of_work() as unit:
        unit.posts.remove(target.id)
        unit.posts.remove(first.id)  # the parent is gone: nothing to move
        unit.commit()
    with store.unit_of_work() as unit:
        unit.posts.add(target)
        assert unit.posts.counters(target.id) == PostCounters(replies=1)
        unit.rollback()
        assert unit.posts.find(target.id) is None
        unit.posts.add(target)  # the note of the dangling id survived the rollback
        assert unit.posts.counters(target.id) == PostCounters(replies=1)
        unit.commit()
    with store.unit_of_work() as unit:
        unit.posts.add(first)
        assert unit.posts.counters(target.id) == PostCounters(replies=2)


# --------------------------------------------------------------------------- query plans


def _plan(conn: sqlite3.Connection, sql: str, params: tuple[object, ...]) -> list[str]:
    return [row[3] for row in conn.execute("EXPLAIN QUERY PLAN " + sql, params)]


@pytest.fixture(scope="module")
def planned_db(tmp_path_factory: pytest.TempPathFactory) -> Iterator[sqlite3.Connection]:
    """A file with some of everything, analysed, opened raw for EXPLAIN QUERY PLAN."""
    path = tmp_path_factory.mktemp("plans") / "plans.db"
    with SqliteStore(path) as s:
        root = post(1, 1, tags=("t",), mentions=(2,))
        values: list[object] = [account(n) for n in range(1, 30)]
        values += [root, *(post(n, n % 20 + 1, tags=("t",)) for n in range(2, 400))]
        values += [reply(400 + n, 2, root) for n in range(20)]
        values += [Follow(follower_id=n, followee_id=1, created_at=T0) for n in range(2, 30)]
        seed(s, *values)
        with s.unit_of_work() as unit:
            for n in range(1, 20):
                owner = AccountId(n)
                for k in range(3):
                    made = AccountList(
                        id=ListId(10_000 + n * 10 + k), owner_id=owner, title="l", exclusive=k == 0
                    )
                    unit.lists.add(made)
                    for member in range(n + 1, min(n + 8, 30)):
                        unit.lists.add_member(made.id, AccountId(member))
                unit.tag_follows.add(owner, "t")
                unit.tag_follows.add(owner, f"u{n}")
            unit.commit()
        s._connection().execute("ANALYZE")
    conn = sqlite3.connect(path)
    yield conn
    conn.close()


_IDS = (pid(0), MAX_ID)
PLANNED = [
    ("author stream", statements.BY_AUTHOR_DESC, (1, *_IDS, 50), "posts_by_author"),
    ("author stream up", statements.BY_AUTHOR_ASC, (1, *_IDS, 50), "posts_by_author"),
    ("followers", statements.FOLLOWERS_OF, (1, 0, 100), "follows_by_followee"),
    ("follower ids", statements.FOLLOWER_IDS, (1,), "follows_by_followee"),
    ("following", statements.FOLLOWING_OF, (1, 0, 100), "PRIMARY KEY"),
    ("replies", statements.REPLIES_TO, (pid(1), -1), "posts_by_parent"),
    ("thread", statements.IN_THREAD, (pid(1),), "posts_by_thread"),
    ("reposts", statements.REPOSTS_OF, (pid(1), -1), "posts_by_repost_root"),
    ("repost by", statements.REPOST_BY, (2, pid(1)), "posts_one_repost"),
    ("quotes", statements.QUOTES_OF, (pid(1), -1), "posts_by_quoted"),
    ("tag", statements.WITH_TAG, ("t", *_IDS, 20), "PRIMARY KEY"),
    ("mention", statements.MENTIONING, (2, *_IDS, 20), "PRIMARY KEY"),
    ("likes", statements.LIKES_OF, (pid(1), 0, 100), "PRIMARY KEY"),
    ("requests", statements.REQUESTS_FOR, (1, 0, 100), "follow_requests_by_followee"),
    ("blockers", statements.BLOCKER_IDS, (1,), "blocks_by_blocked"),
    ("mutes", statements.MUTED_IDS, (1, 0), "PRIMARY KEY"),
    ("handle", statements.ACCOUNT_BY_HANDLE, ("user1",), "sqlite_autoindex_accounts_1"),
    ("feed", statements.FEED_READ_DESC, (1, *_IDS, 20), "PRIMARY KEY"),
    ("feed author", statements.FEED_REMOVE_AUTHOR, (1, 1), "feed_entries_by_author"),
    *(
        (what, PERSONAL_QUERIES[what], params, index)
        for what, params, index in (
            ("find bookmark", (1, pid(1)), "sqlite_autoindex_bookmarks_1"),
            ("bookmarks desc", (1, *_IDS, 20), "bookmarks_by_account"),
            ("bookmarks asc", (1, *_IDS, 20), "bookmarks_by_account"),
            ("post bookmarks", (pid(1),), "bookmarks_by_post"),
            ("filter", (1,), "INTEGER PRIMARY KEY"),
            ("filters of", (1,), "filters_by_account"),
            ("keywords", (1,), "PRIMARY KEY"),
            ("filter posts", (1,), "PRIMARY KEY"),
            ("filters naming", (pid(1),), "filter_posts_by_post"),
            ("posts out of filters", (pid(1),), "filter_posts_by_post"),
        )
    ),
    ("lists of", list_sql.LISTS_OF, (1,), "lists_by_owner"),
    ("list members", list_sql.MEMBERS, (1, 0, 100), "PRIMARY KEY"),
    ("list member ids", list_sql.MEMBER_IDS, (1,), "PRIMARY KEY"),
    ("lists containing", list_sql.CONTAINING, (2,), "list_members_by_account"),
    ("exclusive members", list_sql.EXCLUSIVE_MEMBERS, (1,), "lists_by_owner"),
    ("tags of", list_sql.TAGS_OF, (1, "", 100), "PRIMARY KEY"),
    ("tag followers", list_sql.TAG_FOLLOWERS, ("t",), "tag_follows_by_tag"),
    ("tag follower count", list_sql.TAG_FOLLOWER_COUNT, ("t",), "tag_follows_by_tag"),
]


@pytest.mark.parametrize(("what", "sql", "params", "index"), PLANNED, ids=[p[0] for p in PLANNED])
def test_each_protocol_query_is_served_by_an_index(
    planned_db: sqlite3.Connection, what: str, sql: str, params: tuple[object, ...], index: str
) -> None:
    """EXPLAIN QUERY PLAN: a SEARCH through the named index, no full scan, no sort."""
    plan = _plan(planned_db, sql, params)
    assert any(step.startswith("SEARCH") and index in step for step in plan), plan
    assert not any(step.startswith("SCAN") for step in plan), plan
    assert not any("TEMP B-TREE" in step for step in plan), plan


@pytest.mark.parametrize("flags", list(statements.PUBLIC))
def test_the_public_timeline_walks_the_public_index_newest_first(
    planned_db: sqlite3.Connection, flags: tuple[bool, bool]
) -> None:
    plan = _plan(planned_db, statements.PUBLIC[flags], (*_IDS, 20))
    assert any("posts_public" in step for step in plan), plan
    assert not any("TEMP B-TREE" in step for step in plan), plan


# --------------------------------------------------------------------------- processes

_WRITER = textwrap.dedent(
    """
    import sys
    from datetime import UTC, datetime, timedelta
    from microblog_core.ids import id_at
    from microblog_core.models import Like, Post
    from microblog_core.storage.sqlite import SqliteStore

    path = sys.argv[1]
    worker, units, per_unit = (int(arg) for arg in sys.argv[2:5])
    t0 = datetime(2026, 1, 1, tzinfo=UTC)
    base = id_at(t0) + worker * 10_000_000
    store = SqliteStore(path, busy_timeout=30)
    unit_no = 0
    while units < 0 or unit_no < units:
        with store.unit_of_work() as unit:
            first = base + unit_no * per_unit
            for j in range(per_unit):
                unit.posts.add(Post.create(
                    id=first + j, author_id=1, created_at=t0 + timedelta(milliseconds=unit_no),
                    text=f"worker {worker} unit {unit_no} post {j}", tags=("load",),
                ))
            unit.engagement.add_like(Like(account_id=2, post_id=first, created_at=t0))
            unit.feeds.insert([2], first, 1, cap=1_000_000)
            unit.commit()
        sys.stdout.write(f"{unit_no}\\n")
        sys.stdout.flush()
        unit_no += 1
    store.close()
    """
)


def _start_writer(path: Path, worker: int, units: int, per_unit: int) -> subprocess.Popen[str]:
    return subprocess.Popen(
        [sys.executable, "-c", _WRITER, str(path), str(worker), str(units), str(per_unit)],
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
        cwd=ROOT,
    )


def _check_units(path: Path, units: dict[int, int], per_unit: int) -> None:
    """The file holds exactly units ``0..n-1`` of each worker, whole, with counters in step.

    Args:
        path: The database.
        units: How many units of each worker (by worker number) it must hold.
        per_unit: Posts per unit.
    """
    expected_ids: set[int] = set()
    firsts: list[int] = []
    for worker, count in units.items():
        base = BASE + worker * 10_000_000
        firsts += [base + u * per_unit for u in range(count)]
        expected_ids |= {base + u * per_unit + j for u in range(count) for j in range(per_unit)}
    with SqliteStore(path) as s, s.unit_of_work(readonly=True) as unit:
        assert {p.id for p in unit.posts.scan(limit=10_000_000)} == expected_ids
        assert unit.posts.count() == len(expected_ids)
        assert unit.accounts.counters(1).posts == len(expected_ids)
        assert len(unit.posts.with_tag("load", limit=10_000_000)) == len(expected_ids)
        for first in firsts:
            assert [like.account_id for like in unit.engagement.likes_of(first)] == [2]
            assert unit.posts.counters(first).likes == 1
        assert unit.feeds.size(2) == len(firsts)
        assert sorted(unit.feeds.read(2, limit=10_000_000)) == sorted(firsts)
        assert s.integrity_problems() == []


@pytest.mark.slow
def test_two_processes_writing_one_file_lose_no_write(db_path: Path) -> None:
    """Two writers bump the same counters, totals and feed at once; every write lands."""
    units, per_unit = 60, 3
    with SqliteStore(db_path) as s:
        seed(s, account(1), account(2))
    workers = [_start_writer(db_path, w, units, per_unit) for w in (1, 2)]
    for worker in workers:
        out, err = worker.communicate(timeout=300)
        assert worker.returncode == 0, err
        assert out.split() == [str(u) for u in range(units)]
    _check_units(db_path, {1: units, 2: units}, per_unit)


_OPENER = textwrap.dedent(
    """
    import sys
    from datetime import UTC, datetime
    from microblog_core.models import Account
    from microblog_core.storage.sqlite import SqliteStore

    path, n = sys.argv[1], int(sys.argv[2])
    with SqliteStore(path, busy_timeout=30) as store, store.unit_of_work() as unit:
        unit.accounts.add(Account.create(id=n, handle=f"p{n}", created_at=datetime.now(UTC)))
        unit.commit()
    """
)


@pytest.mark.slow
def test_processes_creating_one_new_file_at_once_migrate_it_once(db_path: Path) -> None:
    openers = [
        subprocess.Popen(
            [sys.executable, "-c", _OPENER, str(db_path), str(n)],
            stderr=subprocess.PIPE,
            text=True,
            cwd=ROOT,
        )
        for n in range(1, 5)
    ]
    for opener in openers:
        _, err = opener.communicate(timeout=300)
        assert opener.returncode == 0, err
    with SqliteStore(db_path) as s, s.unit_of_work(readonly=True) as unit:
        assert s.schema_version == schema.LATEST_VERSION
        assert [a.id for a in unit.accounts.page()] == [1, 2, 3, 4]


@pytest.mark.slow
@pytest.mark.parametrize("kill_after", [1, 12, 40])
def test_a_killed_writer_leaves_exactly_its_committed_units(db_path: Path, kill_after: int) -> None:
    """SIGKILL mid-stream: the file opens, is sound, and holds units 0..k or 0..k+1.

    The writer prints a unit's number only after its commit returned, so when
    the last number read is ``k``, units ``0..k`` are committed; unit ``k + 1``
    may have committed too if the kill fell between its commit and its print;
    unit ``k + 2`` cannot have begun.
    """
    per_unit = 25
    with SqliteStore(db_path) as s:
        seed(s, account(1), account(2))
    writer = _start_writer(db_path, 0, -1, per_unit)
    assert writer.stdout is not None
    reported: list[int] = []
    while len(reported) < kill_after:
        line = writer.stdout.readline()
        assert line, writer.stderr.read() if writer.stderr else "the writer died"
        reported.append(int(line))
    writer.send_signal(signal.SIGKILL)
    # Read the rest through the same buffered reader: communicate() would read the
    # pipe directly and lose lines this reader has already buffered.
    rest = writer.stdout.read()
    writer.wait(timeout=60)
    if writer.stderr is not None:
        writer.stderr.close()
    writer.stdout.close()
    assert writer.returncode == -signal.SIGKILL
    reported += [int(line) for line in rest.splitlines() if line.strip()]
    last = reported[-1]
    assert reported == list(range(last + 1))

    conn = _raw(db_path)
    try:
        assert conn.execute("PRAGMA integrity_check").fetchall() == [("ok",)]
    finally:
        conn.close()
    with SqliteStore(db_path) as s, s.unit_of_work(readonly=True) as unit:
        units_stored = unit.posts.count() // per_unit
    assert units_stored in (last + 1, last + 2)
    _check_units(db_path, {0: units_stored}, per_unit)


def test_the_writer_script_reports_only_after_commit() -> None:
    """The kill test's reasoning rests on this order in the writer."""
    commit_at = _WRITER.index("unit.commit()")
    print_at = _WRITER.index("sys.stdout.write")
    assert commit_at < print_at


def test_json_columns_are_compact_arrays(store: SqliteStore) -> None:
    seed(store, account(1), account(2), post(1, 1, tags=("a", "b"), mentions=(2,)))
    row = store._connection().execute("SELECT tags, mentions, attachments FROM posts").fetchone()
    assert json.loads(row[0]) == ["a", "b"]
    assert json.loads(row[1]) == [2]
    assert row[2] is None
