"""The unit of work of the PostgreSQL adapter: one transaction on one pooled connection."""

import contextlib
import random
import threading
import zlib
from collections.abc import Callable, Sequence
from datetime import datetime
from types import TracebackType
from typing import TYPE_CHECKING, Any, Final, Self

import psycopg

from microblog_core.errors import StorageError, TransientStorageError
from microblog_core.ids import AccountId
from microblog_core.models import Account
from microblog_core.ports import (
    AccountRepository,
    BookmarkRepository,
    EngagementRepository,
    FeedRepository,
    FilterRepository,
    ListRepository,
    NotificationRepository,
    PinRepository,
    PollRepository,
    PostHistoryRepository,
    PostRepository,
    RelationRepository,
    TagFollowRepository,
)
from microblog_core.storage.postgres._activity import History, Notifications, Pins, Polls
from microblog_core.storage.postgres._errors import guarded, translate
from microblog_core.storage.postgres._lists import Lists, TagFollows
from microblog_core.storage.postgres._personal import Bookmarks, Filters
from microblog_core.storage.postgres._repositories import (
    Accounts,
    Engagement,
    Feeds,
    Posts,
    Relations,
)
from microblog_core.storage.postgres._rows import ints
from microblog_core.storage.postgres._schema import TOTAL_SHARDS

if TYPE_CHECKING:
    from microblog_core.storage.postgres._store import PostgresStore

__all__ = ["PostgresUnitOfWork"]

_NEW, _ACTIVE, _ENDED = "new", "active", "ended"
_BEGIN_WRITE: Final = "BEGIN ISOLATION LEVEL READ COMMITTED READ WRITE"
# JIT off for reads (one round trip with the BEGIN): it pays only for analytic queries,
# and a plan cached for a prepared statement (the home statement's) keeps the JIT
# decision of its planning, which a pessimistic estimate may take for a 40-row page
# (hundreds of milliseconds of compiling per execution).
_BEGIN_READ: Final = "BEGIN ISOLATION LEVEL REPEATABLE READ READ ONLY; SET LOCAL jit = off"
# The same, as two statements queued before a read-only unit's first read (pipeline mode
# sends one statement per query): the three go in one round trip.
_BEGIN_READ_PIPELINED: Final = (
    "BEGIN ISOLATION LEVEL REPEATABLE READ READ ONLY",
    "SET LOCAL jit = off",
)
_OPEN: Final = (psycopg.pq.TransactionStatus.INTRANS, psycopg.pq.TransactionStatus.INERROR)
# A read-only transaction ends with COMMIT: it has nothing to undo, and psycopg forgets
# every prepared statement of a connection on ROLLBACK (so the home statement's plan,
# prepared once per connection, would be prepared and planned again for each page).
_END_READ: Final = "COMMIT"

_Rows = list[tuple[Any, ...]]
# A read made outside a transaction (PostgresUnitOfWork._read_detached): its statement,
# the parameters that run it again, whether two results agree, and the rows it returned.
_Detached = tuple[str, Any, Callable[[_Rows, _Rows], bool], _Rows]
_Checks = list[tuple["psycopg.RawCursor[Any]", _Detached]]


def _signed32(value: int) -> int:
    return value - (1 << 32) if value >= 1 << 31 else value


def _pair_key(first: int, second: int) -> int:
    """A 32-bit advisory-lock key for an unordered account pair (collisions only over-lock)."""
    return _signed32(zlib.crc32(f"{first}:{second}".encode()))


def lock_space(schema: str) -> int:
    """The first advisory-lock key of a schema's pair locks."""
    return _signed32(zlib.crc32(f"microblog_core:{schema}".encode()))


class PostgresUnitOfWork:
    """One PostgreSQL transaction behind the repository protocols.

    Get one from :meth:`PostgresStore.unit_of_work` and use it in a ``with``
    block; it belongs to the thread that entered it and holds one pooled
    connection from entering to leaving. A writing unit runs at ``READ
    COMMITTED`` and locks what its decisions rest on: the pair of accounts
    of every relation it reads or writes (a transaction-level advisory lock),
    and every post it reads (``FOR KEY SHARE``, which a delete waits for); a
    read-only unit runs at ``REPEATABLE READ READ ONLY`` (one consistent
    snapshot, never a serialization failure). A read-only unit's first home
    page runs as one statement outside any transaction (one snapshot too);
    if the unit reads on, its transaction checks that statement's rows first
    and raises ``TransientStorageError`` if they changed (see
    ``_read_detached``). The transaction
    begins at the unit's first operation; ``commit()`` and ``rollback()`` end
    it, and the next operation begins a new one. Account counters and row
    totals moved by the unit are gathered in memory and written at
    :meth:`commit` in account-id order, which keeps lock waits short and
    deadlocks between units rare.

    Attributes:
        accounts: The account repository of this unit.
        posts: The post repository of this unit.
        relations: The relation repository of this unit.
        engagement: The engagement (likes) repository of this unit.
        feeds: The home-feed repository of this unit (in the database, or
            buffered for the store's external feeds such as Redis).
        notifications: The notification repository of this unit.
        pins: The pinned-post repository of this unit.
        bookmarks: The bookmark repository of this unit.
        filters: The keyword-filter repository of this unit.
        history: The post edit-history repository of this unit.
        polls: The poll (votes, counts, open polls) repository of this unit.
        lists: The account-list repository of this unit.
        tag_follows: The followed-hashtag repository of this unit.
    """

    accounts: AccountRepository
    posts: PostRepository
    relations: RelationRepository
    engagement: EngagementRepository
    feeds: FeedRepository
    notifications: NotificationRepository
    pins: PinRepository
    bookmarks: BookmarkRepository
    filters: FilterRepository
    history: PostHistoryRepository
    polls: PollRepository
    lists: ListRepository
    tag_follows: TagFollowRepository

    def __init__(self, store: "PostgresStore", *, readonly: bool) -> None:
        self._store = store
        self._readonly = readonly
        self._sql = store._sql
        self._state = _NEW
        self._conn: psycopg.Connection[Any] | None = None
        self._thread = 0
        self._in_transaction = False
        self._can_read = False
        self._can_write = False
        self._account_moves: dict[int, list[int]] = {}
        self._new_totals = [0, 0]
        self._outer: PostgresUnitOfWork | None = None
        self._dangling: bool | None = None
        self._locked_pairs: set[tuple[int, int]] = set()
        # Streams opened and not yet read, and heads fetched for them, by (low, high, asc).
        self._pending_heads: dict[tuple[int, int, bool], dict[int, None]] = {}
        self._heads: dict[tuple[int, int, bool], dict[int, list[tuple[Any, ...]]]] = {}
        # Reads to send with a read-only unit's first read (see _ride), and their rows.
        self._riders: list[tuple[str, Any]] = []
        self._prefetched: dict[tuple[str, Any], list[tuple[Any, ...]]] = {}
        # The read made before the transaction began, outside any (see _read_detached).
        self._detached: list[_Detached] = []
        self.accounts = Accounts(self)
        self.posts = Posts(self)
        self.relations = Relations(self)
        self.engagement = Engagement(self)
        self.notifications = Notifications(self)
        self.pins = Pins(self)
        self.bookmarks = Bookmarks(self)
        self.filters = Filters(self)
        self.history = History(self)
        self.polls = Polls(self)
        self.lists = Lists(self)
        self.tag_follows = TagFollows(self)
        external = store._external_feeds
        self._external = None if external is None else external.buffer(self._guard)
        self.feeds = Feeds(self) if self._external is None else self._external

    @property
    def readonly(self) -> bool:
        """Whether the unit refuses writes."""
        return self._readonly

    def _reader(self) -> psycopg.Connection[Any]:
        if self._can_read and self._thread == threading.get_ident():
            return self._conn  # type: ignore[return-value]  # set while _can_read
        return self._begin(write=False)

    def _read(
        self, sql: str, params: Any, *, raw: bool = False, prepare: bool | None = None
    ) -> "psycopg.Cursor[Any]":
        """Run one read in the unit's transaction and return its cursor, results fetched.

        A read-only unit's transaction begins with its first read, in the
        same round trip: the ``BEGIN`` is queued before the statement in
        pipeline mode, and the server answers both at once. ``raw`` runs the
        statement on a :class:`psycopg.RawCursor`: its ``$n`` placeholders go
        to the server as they are, where psycopg parses a ``%s`` statement at
        each execution once it is longer than its cache of parsed statements
        keeps (4 KiB; the home statement).
        """
        if self._can_read and self._thread == threading.get_ident():
            conn: psycopg.Connection[Any] = self._conn  # type: ignore[assignment]  # set while _can_read
            cursor = psycopg.RawCursor(conn) if raw else conn.cursor()
            return cursor.execute(sql, params, prepare=prepare)
        conn = self._usable()
        if not self._readonly or self._outer is not None or self._in_transaction:
            conn = self._begin(write=False)
            cursor = psycopg.RawCursor(conn) if raw else conn.cursor()
            return cursor.execute(sql, params, prepare=prepare)
        cursor = psycopg.RawCursor(conn) if raw else conn.cursor()
        riders = [(key, conn.cursor()) for key in self._riders]
        self._riders.clear()
        checks: _Checks = []
        try:
            with conn.pipeline():
                for statement in _BEGIN_READ_PIPELINED:
                    conn.execute(statement, prepare=False)
                if self._detached:
                    checks = self._run_again(conn)
                cursor.execute(sql, params, prepare=prepare)
                for (name, values), rider in riders:
                    rider.execute(self._sql[name], values)
        finally:
            # Begun even when the read failed: leaving the unit ends the transaction.
            if conn.info.transaction_status in _OPEN:
                self._in_transaction = True
                self._can_read = True
        if checks:
            self._check_again(checks)
        for key, rider in riders:
            self._prefetched[key] = rider.fetchall()
        return cursor

    def _detachable(self) -> bool:
        """Whether the unit's next read may run on its own, outside a transaction.

        Only a read-only unit's first read, in the thread that entered it (see
        :meth:`_read_detached`).
        """
        return (
            self._readonly
            and self._outer is None
            and not self._in_transaction
            and not self._detached
            and self._state is _ACTIVE
            and self._thread == threading.get_ident()
        )

    def _read_detached(
        self, sql: str, params: Any, again: Any, same: Callable[[_Rows, _Rows], bool]
    ) -> _Rows:
        """Run the ``$n`` statement ``sql`` outside a transaction and return its rows.

        One statement sees one snapshot even in autocommit, so a read-only unit
        whose whole work is one statement (a home page with its filters) needs
        neither ``BEGIN`` nor ``COMMIT``: one round trip. If the unit reads
        again, its transaction begins then, in a newer snapshot, and first runs
        the statement again with ``again`` (parameters that must give the same
        rows): when ``same(rows, rows_again)`` holds, everything the unit
        returned is what that one snapshot holds; otherwise it raises
        :class:`TransientStorageError` (the use case may run again). A second
        call replaces the first (whose rows decided nothing the caller keeps).

        JIT is turned off for the connection's session, once (the ``SET LOCAL``
        of a transaction has no transaction here): see ``_BEGIN_READ``.
        """
        conn = self._usable()
        jit_off = self._store._jit_off
        if conn not in jit_off:
            conn.execute("SET jit = off", prepare=False)
            jit_off.add(conn)
        rows = psycopg.RawCursor(conn).execute(sql, params, prepare=True).fetchall()
        self._detached[:] = [(sql, again, same, rows)]
        return rows

    def _forget_detached(self) -> None:
        """Forget the read made outside the transaction: nothing the caller keeps came of it."""
        self._detached.clear()

    def _run_again(self, conn: psycopg.Connection[Any]) -> _Checks:
        """Send the read made outside the transaction again, in the transaction just begun."""
        checks = [(psycopg.RawCursor(conn), read) for read in self._detached]
        self._detached.clear()
        for cursor, (sql, again, _, _) in checks:
            cursor.execute(sql, again, prepare=True)
        return checks

    @staticmethod
    def _check_again(checks: _Checks) -> None:
        for cursor, (_, _, same, rows) in checks:
            if not same(rows, cursor.fetchall()):
                raise TransientStorageError(
                    "what a read-only unit read outside its transaction changed before its "
                    "transaction began; run the use case again"
                )

    def _ride(self, name: str, params: Any) -> None:
        """Send the read ``name`` with ``params`` with this unit's first read, if still to come.

        For a read a use case makes next as a rule (a home page reads the
        viewer's filters after it): when the unit's transaction has not begun
        and its first read goes in pipeline mode (a read-only unit), this read
        goes in the same round trip, after it, in the same transaction and
        snapshot, and the repository's next read of ``name`` with ``params``
        takes its rows (:meth:`_taken`). Otherwise nothing is sent.
        """
        if not self._in_transaction and self._readonly and self._outer is None:
            self._riders.append((name, params))

    def _taken(self, name: str, params: Any) -> list[tuple[Any, ...]] | None:
        """The rows of a read sent ahead (:meth:`_ride`), once; None when there are none."""
        return self._prefetched.pop((name, params), None) if self._prefetched else None

    def _writer(self) -> psycopg.Connection[Any]:
        if self._heads:
            self._heads.clear()  # fetched stream heads may be stale after a write
        if self._prefetched:
            self._prefetched.clear()  # and so may reads sent ahead
        if self._can_write and self._thread == threading.get_ident():
            return self._conn  # type: ignore[return-value]  # set while _can_write
        return self._begin(write=True)

    def _usable(self) -> psycopg.Connection[Any]:
        if self._state is _NEW:
            raise StorageError(
                "this unit of work has not been entered; use it as "
                "`with store.unit_of_work() as unit:`"
            )
        if self._state is _ENDED:
            raise StorageError(
                "this unit of work has ended (its with block is over); open a new one"
            )
        if self._thread != threading.get_ident():
            raise StorageError(
                "this unit of work belongs to the thread that entered it; open one unit per thread"
            )
        assert self._conn is not None  # noqa: S101  # set for every active unit
        return self._conn

    def _begin(self, *, write: bool) -> psycopg.Connection[Any]:
        conn = self._usable()
        if write and self._readonly:
            raise StorageError(
                "this unit of work is read-only and cannot write; "
                "open it with store.unit_of_work() (readonly=False) to write"
            )
        if self._outer is not None:
            return self._outer._begin(write=False)
        if not self._in_transaction:
            conn.execute(_BEGIN_READ if self._readonly else _BEGIN_WRITE)
            self._in_transaction = True
            self._can_read = True
            self._can_write = not self._readonly
            if self._detached:
                self._check_again(self._run_again(conn))
        return conn

    def _guard(self, write: bool) -> None:
        """Check the unit can read (or write) before a buffered feed operation."""
        self._usable()
        if write and self._readonly:
            raise StorageError(
                "this unit of work is read-only and cannot write; "
                "open it with store.unit_of_work() (readonly=False) to write"
            )

    def _move_account(self, account_id: int, column: int, delta: int) -> None:
        moves = self._account_moves.get(account_id)
        if moves is None:
            moves = self._account_moves[account_id] = [0, 0, 0]
        moves[column] += delta

    def _lock_pair(self, first: int, second: int) -> None:
        """Serialize this unit with every other writing unit that touches the same two accounts.

        Use cases read a pair's relations (blocks, follows), decide, then
        write; a transaction-level advisory lock on the unordered pair makes
        that read-decide-write atomic against racing follows, blocks and
        unfollows. Held until the transaction ends.
        """
        if self._readonly:
            return
        pair = (first, second) if first <= second else (second, first)
        if pair in self._locked_pairs:
            return
        self._writer().execute(
            "SELECT pg_advisory_xact_lock(%s, %s)", (self._store._lock_space, _pair_key(*pair))
        )
        self._locked_pairs.add(pair)

    def _note_dangling(self, post_id: int) -> None:
        self._writer().execute(self._sql["note_dangling"], (post_id,))
        self._dangling = True

    def _any_dangling(self) -> bool:
        if self._dangling is None:
            row = self._reader().execute(self._sql["any_dangling"]).fetchone()
            self._dangling = bool(row and row[0])
        return self._dangling

    def _forget_pending(self) -> None:
        self._account_moves.clear()
        self._new_totals[:] = (0, 0)

    def _flush(self, conn: psycopg.Connection[Any]) -> None:
        moves = sorted(
            (account_id, *counts)
            for account_id, counts in self._account_moves.items()
            if any(counts)
        )
        if moves:
            columns = [ints(column) for column in zip(*moves, strict=True)]
            conn.execute(self._sql["move_account_counters"], columns)
        shard = random.randrange(TOTAL_SHARDS)  # spreads writers, not security
        for name, delta in zip(("accounts", "posts"), self._new_totals, strict=True):
            if delta:
                conn.execute(self._sql["move_total"], (delta, name, shard))
        self._forget_pending()

    def _end_transaction(self) -> None:
        self._dangling = None
        self._locked_pairs.clear()
        self._pending_heads.clear()
        self._heads.clear()
        self._riders.clear()
        self._prefetched.clear()
        self._detached.clear()
        self._in_transaction = False
        self._can_read = False
        self._can_write = False

    def __enter__(self) -> Self:
        if self._state is not _NEW:
            raise StorageError("a unit of work can be entered only once; open a new one")
        self._conn, outer = self._store._enter(self)
        if outer is not None:
            self._outer = outer
            self._account_moves = outer._account_moves
            self._new_totals = outer._new_totals
            if outer._external is not None and self._external is not None:
                self._external = outer._external
                self.feeds = outer._external
        self._thread = threading.get_ident()
        self._state = _ACTIVE
        return self

    def __exit__(
        self,
        exc_type: type[BaseException] | None,
        exc: BaseException | None,
        tb: TracebackType | None,
    ) -> None:
        if self._state is not _ACTIVE:
            return
        if self._outer is not None:
            self._state = _ENDED
            return
        broken = False
        try:
            if self._external is not None:
                self._external.discard()
            if self._in_transaction:
                self._forget_pending()
                conn = self._conn
                assert conn is not None  # noqa: S101  # set for every active unit
                try:
                    conn.execute(_END_READ if self._readonly else "ROLLBACK")
                except psycopg.Error as error:
                    broken = True
                    if exc is None:
                        raise translate(error) from error
        finally:
            self._end_transaction()
            self._state = _ENDED
            self._store._leave(self, broken=broken)

    @guarded
    def commit(self) -> None:
        """Write the unit's changes durably and make them visible to other units.

        The unit stays open: a later operation starts a new transaction. With
        external feeds (Redis), the unit's feed writes are applied after the
        database committed.

        Raises:
            TransientStorageError: PostgreSQL refused the commit to keep
                concurrent units serializable, or the connection was lost;
                nothing was written, and the whole use case may be run again.
            StorageError: The unit is not active, or PostgreSQL failed.
        """
        conn = self._usable()
        if self._outer is not None:
            return
        self._detached.clear()
        if self._in_transaction:
            try:
                if not self._readonly:
                    self._flush(conn)
                self._commit(conn)
            except BaseException:
                self._forget_pending()
                self._rollback_quietly(conn)
                if self._external is not None:
                    self._external.discard()
                raise
            finally:
                self._end_transaction()
        if self._external is not None:
            self._external.apply()

    def _commit(self, conn: psycopg.Connection[Any]) -> None:
        try:
            conn.execute("COMMIT")
        except psycopg.OperationalError as exc:
            if not conn.broken or self._readonly:
                raise
            # Lost during the COMMIT itself: the server may have committed. Running
            # the use case again could write it twice, so this is not transient.
            raise StorageError(
                f"the connection to {self._store._where} was lost while the unit was "
                f"committing; it may or may not have been written ({exc})"
            ) from exc

    @staticmethod
    def _rollback_quietly(conn: psycopg.Connection[Any]) -> None:
        # If the connection is gone, the server rolled back already.
        with contextlib.suppress(psycopg.Error):
            conn.execute("ROLLBACK")

    @guarded
    def load_network(
        self,
        accounts: Sequence[Account],
        follower_ids: Sequence[AccountId],
        followee_ids: Sequence[AccountId],
        created_at: datetime,
    ) -> None:
        """Add new accounts and follows between accounts, in bulk (a simulation's set-up).

        The rows go in with ``COPY`` inside this unit's transaction, each new
        account's counters already counted, so a network of 10,000 accounts
        costs a few round trips instead of three per follow; what is stored
        afterwards equals adding the accounts and then each follow one by one
        (:meth:`~microblog_core.service.Microblog.register_network` uses it).
        Everything is checked first, so a refusal writes nothing; a rollback
        undoes the whole load. The follows are new, plain follows (no
        options), all made at ``created_at``.

        Args:
            accounts: New accounts (distinct ids and handles, none stored yet).
            follower_ids: The follower of each follow (a stored or new account).
            followee_ids: The followee of each follow, parallel to
                ``follower_ids``; no self-follow, no pair twice, no follow that exists.
            created_at: When the follows were made (aware).

        Raises:
            StorageError: The unit is not open, or is read-only.
            ConflictError: An account id is taken, or a follow exists or repeats.
            DuplicateHandleError: A handle is taken.
            NotFoundError: A follow names an unknown account.
            ValidationError: A value of the wrong type, or a self-follow.
        """
        from microblog_core.storage.postgres._bulk import load_network

        load_network(self, accounts, follower_ids, followee_ids, created_at)

    @guarded
    def rollback(self) -> None:
        """Undo every write the unit made since it began or last committed.

        Raises:
            StorageError: The unit is not active, or PostgreSQL failed.
        """
        conn = self._usable()
        if self._outer is not None:
            return
        self._detached.clear()
        self._forget_pending()
        if self._external is not None:
            self._external.discard()
        if not self._in_transaction:
            return
        try:
            conn.execute("ROLLBACK")
        finally:
            self._end_transaction()

    def __repr__(self) -> str:
        mode = "readonly" if self._readonly else "read-write"
        return f"<PostgresUnitOfWork {self._state} {mode} of {self._store!r}>"
