"""The memory adapter's unit of work: one lock held for its life, and an undo log.

Writes apply at once and push their inverse on the unit's log (flat:
``[..., arg_1, ..., arg_n, function, n, ...]``); a rollback pops and calls
them newest first, so each inverse meets the state its write left.
"""

from __future__ import annotations

from array import array
from bisect import bisect_left
from collections import deque
from collections.abc import Sequence
from datetime import datetime
from itertools import accumulate, chain, islice, repeat, tee
from operator import add, attrgetter, eq, lt, mul, sub
from types import TracebackType
from typing import TYPE_CHECKING, Self, cast

from microblog_core import _checks
from microblog_core.clock import ensure_utc
from microblog_core.errors import (
    ConflictError,
    DuplicateHandleError,
    NotFoundError,
    StorageError,
    ValidationError,
)
from microblog_core.ids import AccountId
from microblog_core.models import Account
from microblog_core.storage.memory._activity import History, Notifications, Pins, Polls
from microblog_core.storage.memory._feeds import UndoLog
from microblog_core.storage.memory._follow_index import FollowIndex
from microblog_core.storage.memory._lists import Lists, TagFollows
from microblog_core.storage.memory._personal import Bookmarks, Filters
from microblog_core.storage.memory._repositories import (
    Accounts,
    Engagement,
    Feeds,
    Posts,
    Relations,
)
from microblog_core.storage.memory._state import State

if TYPE_CHECKING:
    from microblog_core.storage.memory._store import MemoryStore

__all__ = ["MemoryUnitOfWork"]

_ACCOUNT_ID = attrgetter("id")
_HANDLE = attrgetter("handle")


def _int_ids(values: Sequence[AccountId], field: str) -> array[int]:
    """Check many lookup ids at C speed, falling back to the shared check for the message."""
    if isinstance(values, array) and values.typecode in "bBhHiIlLqQ":
        return values if values.typecode == "q" else array("q", values)
    items = _checks.iterable(values, field, "ids")
    try:
        if not any(value.__class__ is bool for value in items):
            return array("q", cast("tuple[int, ...]", items))
    except (TypeError, OverflowError):
        pass
    return array("q", _checks.lookup_ids(items, field))


def _positions(values: Sequence[int], n: int, field: str) -> Sequence[int]:
    """Check positions in a sequence of ``n`` accounts (at C speed for an ``array``)."""
    items: Sequence[int]
    if isinstance(values, array) and values.typecode in "bBhHiIlLqQ":
        items = values
    else:
        items = cast("tuple[int, ...]", _checks.iterable(values, field, "positions"))
        for value in items:
            if value.__class__ is not int:
                raise ValidationError(
                    f"{field} must hold positions (ints), got {_checks.quote(value)}",
                    field=field,
                    value=value,
                )
    if items and (min(items) < 0 or max(items) >= n):
        bad = next(value for value in items if not 0 <= value < n)
        raise ValidationError(
            f"{field} must hold positions in accounts (0 to {n - 1}), got {bad}",
            field=field,
            value=bad,
        )
    return items


class MemoryUnitOfWork:
    """A unit of work on a :class:`MemoryStore` (see the module docstring).

    Made by :meth:`MemoryStore.unit_of_work`; use it as a context manager,
    once. Its repositories refuse work before ``__enter__`` and after
    ``__exit__`` with :class:`~microblog_core.errors.StorageError`.

    Attributes:
        accounts: The account repository of this unit.
        posts: The post repository of this unit.
        relations: The relation repository of this unit.
        engagement: The engagement repository of this unit.
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

    __slots__ = (
        "_ended",
        "_log",
        "_open",
        "_readonly",
        "_state",
        "_store",
        "accounts",
        "bookmarks",
        "engagement",
        "feeds",
        "filters",
        "history",
        "lists",
        "notifications",
        "pins",
        "polls",
        "posts",
        "relations",
        "tag_follows",
    )

    accounts: Accounts
    posts: Posts
    relations: Relations
    engagement: Engagement
    feeds: Feeds
    notifications: Notifications
    pins: Pins
    bookmarks: Bookmarks
    filters: Filters
    history: History
    polls: Polls
    lists: Lists
    tag_follows: TagFollows

    def __init__(self, store: MemoryStore, state: State, *, readonly: bool) -> None:
        self._store = store
        self._readonly = readonly
        self._open = False
        self._ended = False
        self._log: UndoLog | None = None
        self._state = state

    if not TYPE_CHECKING:  # to mypy, the repositories are the attributes declared above

        def __getattr__(self, name: str) -> object:
            # Called only while a repository's slot is empty: a unit builds the
            # repositories it uses, on first use (most use three or four of the
            # thirteen, and a simulation opens a unit per action).
            kind = _REPOSITORIES.get(name)
            if kind is None:
                raise AttributeError(
                    f"{type(self).__name__!r} object has no attribute {name!r}", name=name, obj=self
                )
            repository = kind(self, self._state)
            setattr(self, name, repository)
            return repository

    @property
    def readonly(self) -> bool:
        """Whether the unit refuses writes."""
        return self._readonly

    def __enter__(self) -> Self:
        """Take the store's lock and begin.

        Raises:
            StorageError: The unit was entered before, the store is closed, the
                lock did not come within the store's ``lock_timeout``, or a unit
                that writes is opened inside another unit of the same thread.
        """
        if self._open or self._ended:
            raise StorageError("a unit of work can be entered only once; make a new one")
        self._store._enter(self)
        self._open = True
        self._log = None if self._readonly else []
        return self

    def __exit__(
        self,
        exc_type: type[BaseException] | None,
        exc: BaseException | None,
        tb: TracebackType | None,
    ) -> None:
        """Roll back what was not committed, then release the store's lock."""
        if not self._open:
            return
        try:
            if self._log:
                self._undo(self._log)
        finally:
            self._open = False
            self._ended = True
            self._log = None
            self._store._leave()

    def commit(self) -> None:
        """Keep every write made so far; later writes start a new transaction.

        Raises:
            StorageError: The unit is not open.
        """
        if not self._open:
            self._refuse()
        if self._log:
            self._log = []

    def rollback(self) -> None:
        """Undo every write made since the unit began or last committed.

        Raises:
            StorageError: The unit is not open.
        """
        if not self._open:
            self._refuse()
        if self._log:
            self._undo(self._log)
            self._log = []

    def load_network(
        self,
        accounts: Sequence[Account],
        follower_ids: Sequence[AccountId],
        followee_ids: Sequence[AccountId],
        created_at: datetime,
    ) -> None:
        """Add new accounts and follows between accounts, in bulk (a simulation's set-up).

        Checks everything first, so a refusal writes nothing; a rollback undoes
        the whole load. The follows are new, plain follows (no options), all made
        at ``created_at``.

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
        log = self.accounts._write()
        state = self.accounts._s
        accounts = cast("tuple[Account, ...]", _checks.iterable(accounts, "accounts"))
        ids = self._check_new_accounts(accounts)
        sources = _int_ids(follower_ids, "follower_ids")
        targets = _int_ids(followee_ids, "followee_ids")
        if len(sources) != len(targets):
            raise ValidationError(
                f"{len(sources)} follower ids but {len(targets)} followee ids",
                field="followee_ids",
                value=len(targets),
            )
        known = state.accounts
        graph = state.graph
        outs, ins = FollowIndex.group(sources, targets)
        del sources, targets
        for node in outs.keys() | ins.keys():
            if node not in ids and node not in known:
                raise NotFoundError("account", node, f"no account has id {node}")
        for a, followees in outs.items():
            distinct = set(followees)
            if a in distinct:
                raise ValidationError(
                    f"account {a} cannot follow itself", field="follower_ids", value=a
                )
            if len(distinct) != len(followees) or (
                graph.out_degree(a) and any(graph.time(a, b) is not None for b in distinct)
            ):
                raise ConflictError(
                    f"account {a} would follow an account twice", entity="follow", key=a
                )
        if not accounts and not outs:
            return
        us = state.micros(ensure_utc(created_at, field="created_at"))
        state.load_network(accounts, outs, ins, us)
        log += (state, accounts, outs, State.unload_network, 3)

    def load_new_network(
        self,
        accounts: Sequence[Account],
        followers: Sequence[int],
        followees: Sequence[int],
        created_at: datetime,
    ) -> None:
        """Add new accounts and follows among them, in bulk, follows given by position.

        :meth:`load_network` with each follow named by its accounts' positions
        in ``accounts`` rather than by id: a million accounts and ten million
        follows load in seconds (the followers of each account are gathered
        at C speed, not by one dict lookup per follow). Follows given in
        ascending ``(follower, followee)`` order, as a follower graph's edges
        come, are laid out by slicing; any other order goes through
        :meth:`load_network`.

        Args:
            accounts: New accounts (distinct ids and handles, none stored yet).
            followers: The follower of each follow, a position in ``accounts``.
            followees: The followee of each follow, parallel to ``followers``.
            created_at: When the follows were made (aware).

        Raises:
            StorageError: The unit is not open, or is read-only.
            ConflictError: An account id is taken, or a follow repeats.
            DuplicateHandleError: A handle is taken.
            ValidationError: A position is not in ``accounts``, the two
                sequences differ in length, or a follow is a self-follow.
        """
        log = self.accounts._write()
        accounts = cast("tuple[Account, ...]", _checks.iterable(accounts, "accounts"))
        n = len(accounts)
        plain = _checks.plain_follow_columns(followers, followees, n)
        sources: Sequence[int] = followers
        targets: Sequence[int] = followees
        if not plain:  # the checks one at a time, which name what is wrong
            sources = _positions(followers, n, "followers")
            targets = _positions(followees, n, "followees")
            if len(sources) != len(targets):
                raise ValidationError(
                    f"{len(sources)} followers but {len(targets)} followees",
                    field="followees",
                    value=len(targets),
                )
            codes = map(add, map(mul, sources, repeat(n)), targets)
            current, following = tee(codes)
            next(following, None)
            plain = all(map(lt, current, following)) and not any(map(eq, sources, targets))
        state = self.accounts._s
        if not plain or state.feeds.fans:
            # Repeats, self-follows or kept feeds: the general path checks and explains.
            ids = array("q", [account.id for account in accounts])
            lookup = ids.__getitem__
            follower_ids = cast("Sequence[AccountId]", array("q", map(lookup, sources)))
            followee_ids = cast("Sequence[AccountId]", array("q", map(lookup, targets)))
            self.load_network(accounts, follower_ids, followee_ids, created_at)
            return
        ids = self._new_account_ids(accounts)
        us = state.micros(ensure_utc(created_at, field="created_at"))
        lookup = ids.__getitem__
        # Rows by follower: the follows ascend, so node v's start at the first follower >= v.
        out_offsets = array("q", map(bisect_left, repeat(sources), range(n + 1)))
        # Rows by followee, one list per account, filled at C speed in follow
        # order (so each row's followers ascend); a follower's id is one int
        # object shared by its row.
        rows: list[list[int]] = [[] for _ in range(n)]
        degrees = map(sub, islice(out_offsets, 1, None), out_offsets)
        row_ids = chain.from_iterable(map(repeat, ids, degrees))
        deque(map(list.append, map(rows.__getitem__, targets), row_ids), maxlen=0)
        in_offsets = array("q", accumulate(map(len, rows), initial=0))
        in_sources = array("q", chain.from_iterable(rows))
        del rows
        state.load_new_network(
            accounts,
            ids,
            out_offsets=out_offsets,
            out_targets=array("q", map(lookup, targets)),
            in_offsets=in_offsets,
            in_sources=in_sources,
            us=us,
        )
        log += (state, accounts, len(sources), State.unload_new_network, 3)

    def _new_account_ids(self, accounts: Sequence[Account]) -> array[int]:
        """Return the ids of new accounts, checked as :meth:`_check_new_accounts` checks them.

        A column at a time; the one-by-one check, which names the culprit,
        runs when that fails (or for subclasses of :class:`Account`).
        """
        state = self.accounts._s
        if all(map(eq, map(type, accounts), repeat(Account))):
            ids = array("q", map(_ACCOUNT_ID, accounts))
            keys = list(map(str.casefold, map(_HANDLE, accounts)))
            if (
                len(set(ids)) == len(ids)
                and len(set(keys)) == len(keys)
                and not any(map(state.accounts.__contains__, ids))
                and not any(map(state.handles.__contains__, keys))
            ):
                return ids
        self._check_new_accounts(accounts)
        return array("q", [account.id for account in accounts])

    def _check_new_accounts(self, accounts: Sequence[Account]) -> set[int]:
        """Refuse accounts that are not new, or that share an id or a handle; return their ids."""
        state = self.accounts._s
        ids: set[int] = set()
        handles: set[str] = set()
        for account in accounts:
            _checks.instance(account, Account, "account")
            if account.id in state.accounts or account.id in ids:
                raise ConflictError(
                    f"an account with id {account.id} already exists",
                    entity="account",
                    key=account.id,
                )
            key = account.handle_key
            if key in state.handles or key in handles:
                raise DuplicateHandleError(account.handle)
            ids.add(account.id)
            handles.add(key)
        return ids

    @staticmethod
    def _undo(log: UndoLog) -> None:
        pop = log.pop
        while log:
            count = pop()
            function = pop()
            args = log[-count:]
            del log[-count:]
            function(*args)

    def _refuse(self) -> None:
        if self._ended:
            raise StorageError("this unit of work has ended; open a new one")
        raise StorageError("this unit of work is not open; use it in a 'with' block")

    def _refuse_write(self) -> None:
        if not self._open:
            self._refuse()
        raise StorageError("this unit of work is read-only (readonly=True); it cannot write")

    def __repr__(self) -> str:
        phase = "open" if self._open else "ended" if self._ended else "new"
        kind = "readonly" if self._readonly else "read-write"
        return f"<MemoryUnitOfWork {phase} {kind}>"


_REPOSITORIES: dict[str, type] = {
    "accounts": Accounts,
    "posts": Posts,
    "relations": Relations,
    "engagement": Engagement,
    "feeds": Feeds,
    "notifications": Notifications,
    "pins": Pins,
    "bookmarks": Bookmarks,
    "filters": Filters,
    "history": History,
    "polls": Polls,
    "lists": Lists,
    "tag_follows": TagFollows,
}
"""The repositories of a unit, by attribute: built on first use."""
