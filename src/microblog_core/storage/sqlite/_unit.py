"""The unit of work: one SQLite transaction behind the repository protocols."""

import sqlite3
import threading
from types import TracebackType
from typing import TYPE_CHECKING, Self

from microblog_core.errors import StorageError
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
from microblog_core.storage.sqlite._accounts import Accounts
from microblog_core.storage.sqlite._activity import History, Notifications, Pins, Polls
from microblog_core.storage.sqlite._engagement import Engagement
from microblog_core.storage.sqlite._errors import translate
from microblog_core.storage.sqlite._feeds import Feeds
from microblog_core.storage.sqlite._lists import Lists, TagFollows
from microblog_core.storage.sqlite._personal import Bookmarks, Filters
from microblog_core.storage.sqlite._posts import Posts
from microblog_core.storage.sqlite._relations import Relations
from microblog_core.storage.sqlite._sql import MOVE_ACCOUNT_COUNTERS, MOVE_TOTAL, NOTE_DANGLING

if TYPE_CHECKING:
    from microblog_core.storage.sqlite._store import SqliteStore


_NEW, _ACTIVE, _ENDED = "new", "active", "ended"


class SqliteUnitOfWork:
    """One SQLite transaction behind the repository protocols.

    Get one from :meth:`SqliteStore.unit_of_work` and use it in a ``with``
    block; it belongs to the thread that entered it. Account counters and row
    totals moved by the unit's writes are gathered in memory and written
    with one statement per account at :meth:`commit` (reads in the unit see
    them already), which keeps a bulk load to about one ``INSERT`` per post.

    Attributes:
        accounts: The account repository of this unit.
        posts: The post repository of this unit.
        relations: The relation repository of this unit.
        engagement: The engagement (likes) repository of this unit.
        feeds: The home-feed repository of this unit.
        notifications: The notification repository of this unit.
        pins: The pinned-post repository of this unit.
        bookmarks: The bookmark repository of this unit.
        filters: The keyword-filter repository of this unit.
        history: The post edit-history repository of this unit.
        polls: The poll repository of this unit.
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

    def __init__(self, store: "SqliteStore", *, readonly: bool) -> None:
        self._store = store
        self._readonly = readonly
        self._state = _NEW
        self._conn: sqlite3.Connection | None = None
        self._thread = 0
        self._in_transaction = False
        # Fast-path flags: the unit is active, in a transaction, (and may write).
        self._can_read = False
        self._can_write = False
        # Counter moves and row-total moves (accounts, posts) written at commit.
        self._account_moves: dict[int, list[int]] = {}
        self._new_totals = [0, 0]
        # The unit of this thread a read-only unit was opened inside, if any.
        self._outer: SqliteUnitOfWork | None = None
        # Whether the dangling_refs table may hold rows (None: not read in this transaction).
        self._dangling: bool | None = None
        self.accounts = Accounts(self)
        self.posts = Posts(self)
        self.relations = Relations(self)
        self.engagement = Engagement(self)
        self.feeds = Feeds(self)
        self.notifications = Notifications(self)
        self.pins = Pins(self)
        self.bookmarks = Bookmarks(self)
        self.filters = Filters(self)
        self.history = History(self)
        self.polls = Polls(self)
        self.lists = Lists(self)
        self.tag_follows = TagFollows(self)

    @property
    def readonly(self) -> bool:
        """Whether the unit refuses writes."""
        return self._readonly

    # The two calls every repository method starts with: cheap when the unit is
    # already in its transaction, otherwise they check the unit and begin one.

    def _reader(self) -> sqlite3.Connection:
        if self._can_read and self._thread == threading.get_ident():
            return self._conn  # type: ignore[return-value]  # set while _can_read
        return self._begin(write=False)

    def _writer(self) -> sqlite3.Connection:
        if self._can_write and self._thread == threading.get_ident():
            return self._conn  # type: ignore[return-value]  # set while _can_write
        return self._begin(write=True)

    def _usable(self) -> sqlite3.Connection:
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

    def _begin(self, *, write: bool) -> sqlite3.Connection:
        conn = self._usable()
        if write and self._readonly:
            raise StorageError(
                "this unit of work is read-only and cannot write; "
                "open it with store.unit_of_work() (readonly=False) to write"
            )
        if self._outer is not None:
            # A nested reader reads inside the outer unit's transaction.
            return self._outer._begin(write=False)
        if not self._in_transaction:
            if self._readonly:
                conn.execute("BEGIN")
            else:
                self._store._retry_busy(conn, "BEGIN IMMEDIATE")
            self._in_transaction = True
            self._can_read = True
            self._can_write = not self._readonly
        return conn

    def _move_account(self, account_id: int, column: int, delta: int) -> None:
        moves = self._account_moves.get(account_id)
        if moves is None:
            moves = self._account_moves[account_id] = [0, 0, 0]
        moves[column] += delta

    def _forget_pending(self) -> None:
        self._account_moves.clear()
        self._new_totals[:] = (0, 0)

    def _flush(self, conn: sqlite3.Connection) -> None:
        moves = [
            (followers, following, posts, account_id)
            for account_id, (followers, following, posts) in self._account_moves.items()
            if followers or following or posts
        ]
        if moves:
            conn.executemany(MOVE_ACCOUNT_COUNTERS, moves)
        new_accounts, new_posts = self._new_totals
        if new_accounts:
            conn.execute(MOVE_TOTAL, (new_accounts, "accounts"))
        if new_posts:
            conn.execute(MOVE_TOTAL, (new_posts, "posts"))
        self._forget_pending()

    def _note_dangling(self, conn: sqlite3.Connection, post_id: int) -> None:
        """Remember that posts refer to ``post_id`` while no post has that id."""
        conn.execute(NOTE_DANGLING, (post_id,))
        self._dangling = True

    def _end_transaction(self) -> None:
        self._dangling = None
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
        try:
            if self._in_transaction:
                self._forget_pending()
                conn = self._conn
                assert conn is not None  # noqa: S101  # set for every active unit
                try:
                    conn.execute("ROLLBACK")
                except sqlite3.Error as error:
                    if exc is None:
                        raise translate(error) from error
        finally:
            self._end_transaction()
            self._state = _ENDED
            self._store._leave(self)

    def commit(self) -> None:
        """Write the unit's changes durably and make them visible to other units.

        The unit stays open: a later operation starts a new transaction.

        Raises:
            StorageError: The unit is not active, or SQLite failed (the
                changes are then still pending; leave the block to drop them).
        """
        conn = self._usable()
        if not self._in_transaction or self._outer is not None:
            return
        try:
            if not self._readonly:
                self._flush(conn)
            self._store._retry_busy(conn, "COMMIT")
        except sqlite3.Error as exc:
            raise translate(exc) from exc
        self._end_transaction()

    def rollback(self) -> None:
        """Undo every write the unit made since it began or last committed.

        Raises:
            StorageError: The unit is not active, or SQLite failed.
        """
        conn = self._usable()
        if self._outer is not None:
            return  # a nested reader has nothing of its own to undo
        self._forget_pending()
        if not self._in_transaction:
            return
        try:
            conn.execute("ROLLBACK")
        except sqlite3.Error as exc:
            raise translate(exc) from exc
        finally:
            self._end_transaction()

    def __repr__(self) -> str:
        mode = "readonly" if self._readonly else "read-write"
        return f"<SqliteUnitOfWork {self._state} {mode} of {self._store!r}>"
