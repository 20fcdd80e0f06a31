"""Home feeds kept outside the database, and how a unit of work pairs with them.

A store given external feeds (``PostgresStore(url, feeds=RedisFeeds(...))``,
``SqliteStore(path, feeds=...)``) hands each unit of work a *buffer* as its
``feeds`` repository: reads see the external feeds with the unit's own
pending writes applied; the writes reach the external feeds only after the
database committed, in one batch, and are dropped on rollback. A crash
between the commit and that batch leaves the feeds behind the database;
``rebuild`` puts a reader's feed right from the database.

This module imports no client library: the protocols here are what an
external feed store must offer, and :class:`ExternalFeedsUnit` wraps any
store's unit of work with such a buffer.
"""

import threading
from collections.abc import Callable
from types import TracebackType
from typing import Protocol, Self

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
    Store,
    TagFollowRepository,
    UnitOfWork,
)

__all__ = ["BufferedFeeds", "ExternalFeeds", "ExternalFeedsUnit", "Guard"]

Guard = Callable[[bool], None]
"""Called before each buffered operation with ``write``; raises when the unit cannot do it."""


class BufferedFeeds(FeedRepository, Protocol):
    """A unit's view of external feeds: writes wait for :meth:`apply` after the commit."""

    def apply(self) -> None:
        """Write the buffered changes to the external feeds (after the database committed)."""
        ...

    def discard(self) -> None:
        """Drop the buffered changes (the unit rolled back)."""
        ...


class ExternalFeeds(Protocol):
    """Home feeds kept outside the database (:class:`~microblog_core.storage.redis.RedisFeeds`)."""

    def buffer(self, guard: Guard) -> BufferedFeeds:
        """Return a fresh buffer for one unit of work; ``guard`` checks the unit's state."""
        ...

    def attach(self, store: Store) -> None:
        """Remember the store the feeds derive from (for rebuilds)."""
        ...

    def close(self) -> None:
        """Close the feeds' connections (the store closes them when it is closed)."""
        ...


class _ReadonlyUnit(UnitOfWork, Protocol):
    @property
    def readonly(self) -> bool: ...


_NEW, _ACTIVE, _ENDED = "new", "active", "ended"


class ExternalFeedsUnit:
    """A store's unit of work whose ``feeds`` are external, buffered until the commit.

    Every other repository is the wrapped unit's own. :meth:`commit` commits
    the wrapped unit, then applies the buffered feed writes; leaving the
    block or :meth:`rollback` drops them.
    """

    def __init__(self, inner: _ReadonlyUnit, feeds: ExternalFeeds) -> None:
        self._inner = inner
        self._state = _NEW
        self._thread = 0
        self._buffer = feeds.buffer(self._guard)

    def _guard(self, write: bool) -> None:
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
        if write and self._inner.readonly:
            raise StorageError(
                "this unit of work is read-only and cannot write; "
                "open it with store.unit_of_work() (readonly=False) to write"
            )

    @property
    def readonly(self) -> bool:
        """Whether the unit refuses writes."""
        return self._inner.readonly

    @property
    def accounts(self) -> AccountRepository:
        """The account repository of the wrapped unit."""
        return self._inner.accounts

    @property
    def posts(self) -> PostRepository:
        """The post repository of the wrapped unit."""
        return self._inner.posts

    @property
    def relations(self) -> RelationRepository:
        """The relation repository of the wrapped unit."""
        return self._inner.relations

    @property
    def engagement(self) -> EngagementRepository:
        """The engagement repository of the wrapped unit."""
        return self._inner.engagement

    @property
    def feeds(self) -> FeedRepository:
        """The buffered external feeds of this unit."""
        return self._buffer

    @property
    def notifications(self) -> NotificationRepository:
        """The notification repository of the wrapped unit."""
        return self._inner.notifications

    @property
    def pins(self) -> PinRepository:
        """The pin repository of the wrapped unit."""
        return self._inner.pins

    @property
    def bookmarks(self) -> BookmarkRepository:
        """The bookmark repository of the wrapped unit."""
        return self._inner.bookmarks

    @property
    def filters(self) -> FilterRepository:
        """The keyword-filter repository of the wrapped unit."""
        return self._inner.filters

    @property
    def history(self) -> PostHistoryRepository:
        """The post-history repository of the wrapped unit."""
        return self._inner.history

    @property
    def polls(self) -> PollRepository:
        """The poll repository of the wrapped unit."""
        return self._inner.polls

    @property
    def lists(self) -> ListRepository:
        """The account-list repository of the wrapped unit (list feeds are in ``feeds``)."""
        return self._inner.lists

    @property
    def tag_follows(self) -> TagFollowRepository:
        """The followed-hashtag repository of the wrapped unit."""
        return self._inner.tag_follows

    def __enter__(self) -> Self:
        if self._state is not _NEW:
            raise StorageError("a unit of work can be entered only once; open a new one")
        self._inner.__enter__()
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
        self._state = _ENDED
        self._buffer.discard()
        self._inner.__exit__(exc_type, exc, tb)

    def commit(self) -> None:
        """Commit the wrapped unit, then write the buffered feed changes."""
        self._guard(False)
        try:
            self._inner.commit()
        except BaseException:
            self._buffer.discard()
            raise
        self._buffer.apply()

    def rollback(self) -> None:
        """Roll the wrapped unit back and drop the buffered feed changes."""
        self._guard(False)
        self._buffer.discard()
        self._inner.rollback()
