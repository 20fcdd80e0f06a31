"""The store: opening the file, the store's lock, housekeeping, closing."""

import os
import sqlite3
import threading
import time
from pathlib import Path
from types import TracebackType
from typing import TYPE_CHECKING, Any, Final, Self

from microblog_core import _checks
from microblog_core.errors import StorageError, TransientStorageError, ValidationError
from microblog_core.ports import Store, UnitOfWork
from microblog_core.storage._external_feeds import ExternalFeeds, ExternalFeedsUnit
from microblog_core.storage.sqlite._errors import (
    BROKEN_FILE_CODES,
    BUSY_CODES,
    primary_code,
    translate,
)
from microblog_core.storage.sqlite._schema import check_current, migrate
from microblog_core.storage.sqlite._unit import SqliteUnitOfWork

_SYNCHRONOUS: Final = {"normal": "NORMAL", "full": "FULL"}


def _describe_path(path: str | os.PathLike[str]) -> str:
    return ":memory:" if path == ":memory:" else str(Path(path))


class SqliteStore:
    """A SQLite database behind :class:`microblog_core.ports.Store`.

    Args:
        path: A database file (created if missing; its directory must exist)
            or ``":memory:"`` for a private in-memory database.
        busy_timeout: Seconds a unit waits for a lock held by another
            connection (or another thread's unit) before giving up with
            :class:`~microblog_core.errors.StorageError`.
        synchronous: ``"normal"`` (durable against process crashes; the
            default) or ``"full"`` (also against power loss).
        feeds: Home feeds kept outside the file (``RedisFeeds(url)``); by
            default they are rows of the database.
        readonly: Open an existing database for reading only (SQLite's
            ``mode=ro``), as on a read-only mount: every unit refuses writes
            with :class:`~microblog_core.errors.StorageError`. The file must
            exist and have the current schema.

    Raises:
        StorageError: The directory is missing, the file is not a SQLite
            database, is corrupt, belongs to another application, or has a
            schema version newer than this code.
        ValidationError: An argument has the wrong type or value.

    Example:
        >>> from microblog_core.storage.sqlite import SqliteStore
        >>> store = SqliteStore(":memory:")
        >>> store.schema_version, store.journal_mode
        (5, 'memory')
        >>> store.close()
    """

    def __init__(
        self,
        path: str | os.PathLike[str],
        *,
        busy_timeout: float = 5.0,
        synchronous: str = "normal",
        feeds: "ExternalFeeds | None" = None,
        readonly: bool = False,
    ) -> None:
        _checks.instance(path, (str, os.PathLike), "path")
        self._readonly = _checks.flag(readonly, "readonly")
        seconds = _checks.real(busy_timeout, "busy_timeout")
        if not 0 <= seconds < 86400:
            raise ValidationError(
                "busy_timeout must be a number of seconds from 0 to 86400, got "
                f"{_checks.quote(busy_timeout)}",
                field="busy_timeout",
                value=busy_timeout,
            )
        mode = _checks.text(synchronous, "synchronous").lower()
        if mode not in _SYNCHRONOUS:
            raise ValidationError(
                f"synchronous must be 'normal' or 'full', got {_checks.quote(synchronous)}",
                field="synchronous",
                value=synchronous,
            )
        self._where = _describe_path(path)
        self._memory = self._where == ":memory:"
        if self._readonly and self._memory:
            raise ValidationError(
                "readonly=True needs a database file; an in-memory database starts empty",
                field="readonly",
                value=readonly,
            )
        self._busy_timeout = seconds
        self._lock = threading.Lock()
        self._active: SqliteUnitOfWork | None = None
        self._owner = 0
        self._conn: sqlite3.Connection | None = None
        self._conn = self._open(path, _SYNCHRONOUS[mode])
        self._feeds = feeds
        if feeds is not None:
            feeds.attach(self)

    # -- opening --

    def _open(self, path: str | os.PathLike[str], synchronous: str) -> sqlite3.Connection:
        where = self._where
        if not self._memory:
            file = Path(path)
            parent = file.absolute().parent
            if file.is_dir():
                raise StorageError(f"cannot open {where}: it is a directory, not a database file")
            if not parent.exists():
                raise StorageError(
                    f"cannot open {where}: the directory {parent} does not exist "
                    "(SqliteStore does not create directories)"
                )
            if not parent.is_dir():
                raise StorageError(f"cannot open {where}: {parent} is not a directory")
        if self._readonly:
            return self._open_readonly(Path(path))
        try:
            conn = sqlite3.connect(
                path,
                timeout=self._busy_timeout,
                isolation_level=None,
                check_same_thread=False,
                cached_statements=256,
            )
        except sqlite3.Error as exc:
            raise StorageError(f"cannot open {where}: {exc}") from exc
        return self._prepare(conn, synchronous)

    def _open_readonly(self, file: Path) -> sqlite3.Connection:
        """Open with ``mode=ro``, or ``immutable=1`` where it cannot be opened so.

        On a read-only mount SQLite cannot make the WAL index beside the file.
        """
        if not file.is_file():
            raise StorageError(f"cannot open {self._where} read-only: there is no such file")
        uri = file.absolute().as_uri()
        failure: sqlite3.Error | StorageError | None = None
        for options in ("mode=ro", "mode=ro&immutable=1"):
            try:
                conn = sqlite3.connect(
                    f"{uri}?{options}",
                    uri=True,
                    timeout=self._busy_timeout,
                    isolation_level=None,
                    check_same_thread=False,
                    cached_statements=256,
                )
            except sqlite3.Error as exc:
                failure = exc
                continue
            try:
                return self._prepare(conn, "NORMAL")
            except StorageError as exc:
                failure = exc
        raise StorageError(f"cannot open {self._where} read-only: {failure}")

    def _prepare(self, conn: sqlite3.Connection, synchronous: str) -> sqlite3.Connection:
        where = self._where
        try:
            # Reading the header first makes a foreign or corrupt file fail here.
            conn.execute("PRAGMA schema_version").fetchone()
            conn.execute("PRAGMA foreign_keys = ON")
            if not self._memory and not self._readonly:
                conn.execute("PRAGMA journal_mode = WAL").fetchone()
            conn.execute(f"PRAGMA synchronous = {synchronous}")
            conn.execute("PRAGMA cache_size = -32768")
            if self._readonly:
                check_current(conn, where=where)
            else:
                migrate(conn, where=where, begin=lambda c: self._retry_busy(c, "BEGIN IMMEDIATE"))
        except sqlite3.Error as exc:
            conn.close()
            if primary_code(exc) in BROKEN_FILE_CODES:
                raise StorageError(
                    f"cannot open {where}: it is not a SQLite database or it is corrupt ({exc})"
                ) from exc
            raise StorageError(f"cannot open {where}: {exc}") from exc
        except BaseException:
            conn.close()
            raise
        return conn

    def _retry_busy(self, conn: sqlite3.Connection, statement: str) -> None:
        """Run ``statement``, retrying with backoff while SQLite reports the database busy.

        SQLite's own busy handler already waits for most locks; some busy
        states (WAL recovery by another connection) return at once, so this
        retries until ``busy_timeout`` has passed.
        """
        deadline = time.monotonic() + self._busy_timeout
        delay = 0.001
        while True:
            try:
                conn.execute(statement)
            except sqlite3.OperationalError as exc:
                if primary_code(exc) not in BUSY_CODES:
                    raise
                now = time.monotonic()
                if now >= deadline:
                    raise TransientStorageError(
                        f"{self._where} stayed locked by another connection for more than "
                        f"{self._busy_timeout:g} s ({statement}); try again later or raise "
                        "busy_timeout"
                    ) from exc
                time.sleep(min(delay, deadline - now))
                delay = min(delay * 2, 0.05)
            else:
                return

    # -- units --

    def _enter(self, unit: SqliteUnitOfWork) -> tuple[sqlite3.Connection, SqliteUnitOfWork | None]:
        """Take the store's lock for ``unit``; return the connection and the outer unit.

        A read-only unit opened inside another unit of the same thread shares
        that unit's transaction (and sees its writes) instead of waiting for
        the lock it already holds; a unit that writes cannot nest.
        """
        me = threading.get_ident()
        outer = self._active
        if outer is not None and self._owner == me:
            if unit.readonly and self._conn is not None:
                return self._conn, outer
            raise StorageError(
                "a unit of work that writes cannot be opened inside another unit of the "
                "same thread (SQLite has one transaction per connection); finish the outer "
                "unit first, or open this one with readonly=True"
            )
        if not self._lock.acquire(timeout=self._busy_timeout):
            raise StorageError(
                f"another thread kept a unit of work of this store open for more than "
                f"{self._busy_timeout:g} s"
            )
        conn = self._conn
        if conn is None:
            self._lock.release()
            raise StorageError(f"the store for {self._where} is closed")
        self._active = unit
        self._owner = me
        return conn, None

    def _leave(self, unit: SqliteUnitOfWork) -> None:
        if self._active is unit:
            self._active = None
            self._owner = 0
            self._lock.release()

    def unit_of_work(self, *, readonly: bool = False) -> "SqliteUnitOfWork | ExternalFeedsUnit":
        """Return a new, not yet entered, unit of work.

        Args:
            readonly: Promise not to write: the unit opens a deferred
                transaction and refuses writes with a ``StorageError``.

        Raises:
            StorageError: The store is closed.
            ValidationError: ``readonly`` is not a bool.
        """
        _checks.flag(readonly, "readonly")
        if self._conn is None:
            raise StorageError(f"the store for {self._where} is closed")
        # A store opened read-only makes only reading units: they refuse writes.
        unit = SqliteUnitOfWork(self, readonly=readonly or self._readonly)
        if self._feeds is not None:
            return ExternalFeedsUnit(unit, self._feeds)
        return unit

    # -- housekeeping --

    @property
    def path(self) -> str:
        """The database file's path, or ``":memory:"``."""
        return self._where

    @property
    def readonly(self) -> bool:
        """Whether the store was opened read-only."""
        return self._readonly

    @property
    def closed(self) -> bool:
        """Whether :meth:`close` was called."""
        return self._conn is None

    def _connection(self) -> sqlite3.Connection:
        if self._conn is None:
            raise StorageError(f"the store for {self._where} is closed")
        return self._conn

    def _pragma(self, name: str) -> Any:
        with self._locked():
            try:
                return self._connection().execute(f"PRAGMA {name}").fetchone()[0]
            except sqlite3.Error as exc:
                raise translate(exc, self._where) from exc

    @property
    def schema_version(self) -> int:
        """The schema version of the open database (``PRAGMA user_version``)."""
        return int(self._pragma("user_version"))

    @property
    def journal_mode(self) -> str:
        """SQLite's journal mode (``"wal"`` for files, ``"memory"`` for ``":memory:"``)."""
        return str(self._pragma("journal_mode"))

    def integrity_problems(self) -> list[str]:
        """Run ``PRAGMA integrity_check`` and return the problems found (empty when sound).

        Raises:
            StorageError: The store is closed or the check could not run.
        """
        with self._locked():
            try:
                rows = self._connection().execute("PRAGMA integrity_check").fetchall()
            except sqlite3.Error as exc:
                raise translate(exc, self._where) from exc
        problems = [str(row[0]) for row in rows]
        return [] if problems == ["ok"] else problems

    def _locked(self, *, for_close: bool = False) -> "_StoreLock":
        return _StoreLock(self, for_close=for_close)

    def close(self) -> None:
        """Close the database (and the store's feeds, if given). Closing twice is harmless.

        Raises:
            StorageError: A unit of work of this store is still open in this thread.
        """
        if self._conn is None:
            return
        with self._locked(for_close=True):
            conn = self._conn
            if conn is None:
                return
            self._conn = None
            try:
                conn.execute("PRAGMA optimize")
            except sqlite3.Error:
                pass  # an optimisation hint only; closing matters more
            finally:
                conn.close()
                if self._feeds is not None:
                    self._feeds.close()  # closed with the store, as PostgresStore does

    def __enter__(self) -> Self:
        return self

    def __exit__(
        self,
        exc_type: type[BaseException] | None,
        exc: BaseException | None,
        tb: TracebackType | None,
    ) -> None:
        self.close()

    def __repr__(self) -> str:
        state = " closed" if self._conn is None else ""
        return f"<SqliteStore {self._where!r}{state}>"


class _StoreLock:
    """Holds the store's lock outside a unit (for pragmas and close).

    In the thread whose unit is open, that unit already holds the lock, so
    reads go ahead there; ``close`` is refused there.
    """

    __slots__ = ("_for_close", "_held", "_store")

    def __init__(self, store: SqliteStore, *, for_close: bool = False) -> None:
        self._store = store
        self._for_close = for_close
        self._held = False

    def __enter__(self) -> None:
        store = self._store
        if store._active is not None and store._owner == threading.get_ident():
            if self._for_close:
                raise StorageError(
                    "cannot close the store while one of its units of work is open in this "
                    "thread; leave the unit first"
                )
            return  # this thread's own unit holds the lock already
        if not store._lock.acquire(timeout=store._busy_timeout):
            raise StorageError(
                f"another thread kept a unit of work of this store open for more than "
                f"{store._busy_timeout:g} s"
            )
        self._held = True

    def __exit__(self, *exc_info: object) -> None:
        if self._held:
            self._held = False
            self._store._lock.release()


if TYPE_CHECKING:

    def _satisfies_the_ports(store: SqliteStore) -> tuple[Store, UnitOfWork]:
        """Never called: mypy checks here that the classes match the protocols."""
        return store, store.unit_of_work()
