"""The :class:`Microblog` service: every use case, atomic, returning its result.

A use case opens one unit of work, loads what it needs, asks the rules
(:mod:`microblog_core.rules`), writes, lets the read-model projectors (such as
fan-out-on-write feeds) update inside the same unit, commits, and then hands
the domain events to subscribers. A use case that raises leaves storage
exactly as it was.
"""

import contextlib
import contextvars
from array import array
from bisect import bisect_left, bisect_right
from collections.abc import Callable, Iterable, Iterator, Mapping, Sequence
from datetime import datetime, timedelta
from itertools import compress, islice, repeat, tee
from operator import add, eq, lt, mul
from pathlib import Path
from typing import Any, cast

import attrs
from attrs import frozen

from microblog_core import _checks
from microblog_core._retry import DEFAULT_RETRY, RetryPolicy, RetryStats, wrap_use_cases
from microblog_core.clock import Clock, SystemClock, ensure_utc
from microblog_core.errors import (
    DuplicateRepostError,
    NotFoundError,
    PermissionDeniedError,
    ValidationError,
)
from microblog_core.ids import (
    AccountId,
    BookmarkId,
    FilterId,
    IdGenerator,
    ListId,
    NotificationId,
    PostId,
)
from microblog_core.models import (
    MAX_LISTS,
    TWITTER_ACCOUNTS,
    Account,
    AccountCounters,
    AccountKind,
    AccountList,
    AccountPolicy,
    AccountRegistered,
    Attachment,
    Block,
    Blocked,
    Bookmark,
    Event,
    Filter,
    FilterAction,
    FilterContext,
    FilterKeyword,
    Follow,
    Followed,
    FollowRequest,
    FollowRequestApproved,
    FollowRequested,
    FollowRequestRejected,
    FollowRequestWithdrawn,
    Like,
    Liked,
    ListCreated,
    ListDeleted,
    ListMembersAdded,
    ListMembersRemoved,
    ListUpdated,
    Mute,
    Muted,
    NotificationPolicy,
    NotificationRequest,
    NotificationsRead,
    Pin,
    Pinned,
    Poll,
    PollEnded,
    PollVote,
    Post,
    PostCounters,
    PostDeleted,
    PostEdited,
    PostPublished,
    PostVersion,
    ProfileUpdated,
    QuotePolicy,
    Relationship,
    RepliesPolicy,
    ReplyGate,
    ReplyGateChanged,
    ReplyHidden,
    Reposted,
    TagFollowed,
    TagUnfollowed,
    Unblocked,
    Unfollowed,
    Unliked,
    Unmuted,
    Unpinned,
    Unreposted,
    Visibility,
    Voted,
)
from microblog_core.ports import Projector, Store, UnitOfWork, UnitOfWorkFactory
from microblog_core.rules import (
    FOLLOW_LIMIT,
    Placeholder,
    ThreadSort,
    ThreadView,
    ViewerContext,
    build_comment_chain,
    build_thread,
    can_see,
    check_follow,
    check_like,
    check_quote,
    check_reply,
    check_repost,
    flatten_repost,
    reply_ref_for,
    repost_visibility,
)
from microblog_core.rules.edits import (
    DEFAULT_MAX_PINS,
    MASTODON_EDITS,
    EditPolicy,
    check_edit,
    check_pin,
)
from microblog_core.rules.filters import FilterResult, FilterSet, hides
from microblog_core.text import (
    TWITTER_V3,
    EntityKind,
    LengthPolicy,
    check_text,
    extract,
    is_valid_text,
)
from microblog_core.timelines import (
    FanOutOnRead,
    TimelinePage,
    TimelineStrategy,
    account_timeline,
    hashtag_timeline,
    mentions_timeline,
    public_timeline,
)
from microblog_core.timelines.lists import owned_list
from microblog_core.timelines.notifications import (
    UNREAD_CAP,
    NotificationPage,
    NotificationProjector,
    notifications,
)
from microblog_core.timelines.ranked import RankedPage, Ranker, ranked_timeline
from microblog_core.timelines.viewers import lookup_viewer

__all__ = [
    "AccountPage",
    "BookmarkPage",
    "Microblog",
    "PollResults",
    "PostPage",
    "Projector",
    "RetryPolicy",
    "RetryStats",
]


_ENTITY_KINDS = frozenset((EntityKind.MENTION, EntityKind.HASHTAG, EntityKind.TOPIC))


@frozen
class AccountPage:
    """A page of accounts.

    Attributes:
        items: The accounts, in the listing's order.
        next_after: The cursor for the next page (None when this page is the last).
    """

    items: tuple[Account, ...]
    next_after: AccountId | None


@frozen
class PostPage:
    """A page of posts, newest first.

    Attributes:
        items: The posts.
        next_max_id: Pass as ``max_id`` for the next, older page (None at the end).
        prev_min_id: Pass as ``min_id`` for the page just newer than this one.
    """

    items: tuple[Post, ...]
    next_max_id: PostId | None
    prev_min_id: PostId | None


@frozen
class BookmarkPage:
    """A page of an account's bookmarked posts, newest bookmark first.

    Attributes:
        items: The posts.
        next_max_id: Pass as ``max_id`` for the next, older page: the id of the
            oldest bookmark read (None when the page read none).
        prev_min_id: Pass as ``min_id`` for the page just newer than this one.
    """

    items: tuple[Post, ...]
    next_max_id: int | None
    prev_min_id: int | None


def _filter_contexts(values: object) -> frozenset[FilterContext]:
    items = _checks.iterable(values, "contexts")
    return frozenset(_checks.enum_member(v, FilterContext, "contexts") for v in items)


def _filter_keywords(values: object) -> tuple[FilterKeyword, ...]:
    keywords = []
    for value in _checks.iterable(values, "keywords"):
        if isinstance(value, FilterKeyword):
            keywords.append(value)
        else:
            keywords.append(FilterKeyword(keyword=_checks.text(value, "keywords")))
    return tuple(keywords)


@frozen
class PollResults:
    """A poll as a viewer sees it (Mastodon's ``Poll`` entity).

    Attributes:
        post_id: The post carrying the poll.
        options: The options, in order.
        counts: Votes per option, in the same order; None while the totals are
            hidden (``hide_totals`` before the end, for anyone but the author).
        voters: How many accounts voted; None while the totals are hidden.
        expires_at: When voting closes.
        expired: Whether the poll has ended (judged on the service clock).
        multiple: Whether a voter may choose several options.
        own_choices: The viewer's choices, or None when the viewer has not voted.
    """

    post_id: PostId
    options: tuple[str, ...]
    counts: tuple[int, ...] | None
    voters: int | None
    expires_at: datetime
    expired: bool
    multiple: bool
    own_choices: tuple[int, ...] | None


class _Unset:
    def __repr__(self) -> str:
        return "UNSET"


_UNSET: Any = _Unset()


def _account_page(uow: UnitOfWork, ids: Sequence[AccountId], limit: int) -> AccountPage:
    """Load the accounts of a page of ids, keeping their order; a full page has a cursor."""
    found = uow.accounts.get_many(ids)
    return AccountPage(
        items=tuple(found[i] for i in ids if i in found),
        next_after=ids[-1] if len(ids) == limit else None,
    )


class _Batch:
    """The unit shared by the use cases of one :meth:`Microblog.batch`."""

    __slots__ = ("events", "failed", "uow")

    def __init__(self, uow: UnitOfWork) -> None:
        self.uow = uow
        self.events: list[Event] = []
        self.failed: str | None = None


class _BatchWrite:
    """One use case's writing step inside a batch: the batch's unit, its own events.

    What :meth:`Microblog._writing` gives inside a :meth:`Microblog.batch`,
    as a plain context manager rather than a generator one (an import runs
    thousands of use cases per batch). Leaving normally runs the projectors
    over the use case's events and queues them for the batch's subscribers;
    an error, raised in the use case or by a projector, marks the batch
    failed (nothing of it is kept) and propagates.
    """

    __slots__ = ("_batch", "_events", "_projectors")

    def __init__(self, batch: _Batch, projectors: list[Projector]) -> None:
        self._batch = batch
        self._projectors = projectors
        self._events: list[Event] = []

    def __enter__(self) -> tuple[UnitOfWork, list[Event]]:
        return self._batch.uow, self._events

    def __exit__(
        self, exc_type: type[BaseException] | None, exc: BaseException | None, _tb: object
    ) -> None:
        batch = self._batch
        if exc is None:
            events = self._events
            try:
                for projector in self._projectors:
                    projector.project(batch.uow, events)
            except BaseException as error:
                batch.failed = f"{type(error).__name__}: {error}"
                raise
            batch.events += events
            return
        batch.failed = f"{type(exc).__name__}: {exc}"


# -- the bulk set-up's argument checks (register_network) -------------------------

_INT_TYPECODES = frozenset("bBhHiIlLqQ")


def _bulk_positions(values: object, field: str) -> Sequence[int]:
    """Take positions as given when they are an ``array`` of ints, else as a checked tuple."""
    if isinstance(values, array) and values.typecode in _INT_TYPECODES:
        return cast("array[int]", values)
    return cast("tuple[int, ...]", _checks.iterable(values, field, "positions"))


def _check_positions(values: Sequence[int], n: int, field: str) -> None:
    """Refuse a position that is not an index of the ``n`` handles."""
    if isinstance(values, array):  # ints already: only the range to check, at C speed
        if values and (min(values) < 0 or max(values) >= n):
            bad = next(value for value in values if not 0 <= value < n)
            raise ValidationError(
                f"{field} must hold positions in handles (0 to {n - 1}), got {bad}",
                field=field,
                value=bad,
            )
        return
    for value in values:
        if value.__class__ is not int or not 0 <= value < n:
            raise ValidationError(
                f"{field} must hold positions in handles (0 to {n - 1}), "
                f"got {_checks.quote(value)}",
                field=field,
                value=value,
            )


def _plain_network(sources: Sequence[int], targets: Sequence[int], n: int) -> bool:
    """Whether the follows are strictly ascending pairs with no self-follow.

    Then nothing repeats (the pairs ascend) and each account's follows are
    adjacent, so the only rule that can refuse one is the follow limit
    (:func:`_within_follow_limit`). Every pass runs at C speed; a follower
    graph's edges (ascending, loop-free) take this path.
    """
    if any(map(eq, sources, targets)):
        return False
    codes = map(add, map(mul, sources, repeat(n)), targets)
    current, following = tee(codes)
    next(following, None)
    return all(map(lt, current, following))


def _limit_refuses(following_count: int, followers_count: int) -> bool:
    """Whether :func:`check_follow`'s follow limit refuses one more follow."""
    try:
        check_follow(
            AccountId(1),
            AccountId(2),
            blocked=False,
            following_count=following_count,
            followers_count=followers_count,
        )
    except PermissionDeniedError:
        return True
    return False


def _within_follow_limit(
    sources: Sequence[int], targets: Sequence[int]
) -> tuple[Sequence[int], Sequence[int], dict[int, str]]:
    """Apply the follow limit to ascending, loop-free follows, as :func:`_followable` would.

    Only an account with more than ``FOLLOW_LIMIT`` follows can be refused
    one: its first follows stand until :func:`check_follow` refuses one (the
    limit grows with its followers, which are those made before its row,
    since follows come by follower), and from then on every one is refused
    (neither count moves again). So each such row is cut at the first
    refused count, found by bisection on the rule; a follow to a later
    over-limit account that its row loses does not count as a follower.

    Returns:
        The followers and followees of the follows made (the inputs
        themselves when nothing is refused), and the refused ones (position
        to rule).
    """
    total = len(sources)
    over = sorted(set(compress(sources, map(eq, sources, islice(sources, FOLLOW_LIMIT, None)))))
    if not over:
        return sources, targets, {}
    over_set = set(over)
    rows = [(bisect_left(sources, a), bisect_right(sources, a)) for a in over]
    # Where the follows to each over-limit account are: those before its row are its followers.
    made_to: dict[int, list[int]] = {a: [] for a in over}
    for p in compress(range(total), map(over_set.__contains__, targets)):
        made_to[targets[p]].append(p)
    lost: dict[int, int] = dict.fromkeys(over, 0)
    keep = bytearray(b"\x01") * total
    refused: dict[int, str] = {}
    for a, (low, high) in zip(over, rows, strict=True):
        followers = bisect_left(made_to[a], low) - lost[a]
        cut, top = 0, high - low  # the first refused count is in [cut, top]
        while cut < top:
            middle = (cut + top) // 2
            if _limit_refuses(middle, followers):
                top = middle
            else:
                cut = middle + 1
        if low + cut == high:
            continue
        keep[low + cut : high] = bytes(high - low - cut)
        refused.update(dict.fromkeys(range(low + cut, high), "follow_limit"))
        lost_row = targets[low + cut : high]
        for b in compress(lost_row, map(over_set.__contains__, lost_row)):
            lost[b] += 1
    code = sources.typecode if isinstance(sources, array) else "q"
    keep_a = array(code, compress(sources, keep))
    code = targets.typecode if isinstance(targets, array) else "q"
    keep_b = array(code, compress(targets, keep))
    return keep_a, keep_b, refused


def _followable(
    sources: Sequence[int], targets: Sequence[int], n: int
) -> tuple[list[int], list[int], dict[int, str]]:
    """Apply :meth:`Microblog.follow`'s rules to bulk follows, in order.

    Returns:
        The followers and followees of the follows made, and the refused ones
        (position to rule).
    """
    following = [0] * n
    follower_counts = [0] * n
    # A repeated pair changes nothing. While the pairs come in ascending order
    # (a FollowGraph's edges do), a repeat can only follow its twin; a set of
    # the pairs made is built only once they stop being in order.
    made: set[int] | None = None
    previous = last_made = -1
    refused: dict[int, str] = {}
    keep_a: list[int] = []
    keep_b: list[int] = []
    for position, (a, b) in enumerate(zip(sources, targets, strict=True)):
        code = a * n + b
        if made is None:
            if code == last_made:
                continue
            if code < previous:
                made = {x * n + y for x, y in zip(keep_a, keep_b, strict=True)}
            previous = code
        if made is not None and code in made:
            continue
        count = following[a]
        if a == b or count >= FOLLOW_LIMIT:
            try:
                check_follow(
                    AccountId(a),
                    AccountId(b),
                    blocked=False,
                    following_count=count,
                    followers_count=follower_counts[a],
                )
            except PermissionDeniedError as exc:
                refused[position] = exc.rule or "permission"
                continue
        if made is None:
            last_made = code
        else:
            made.add(code)
        following[a] = count + 1
        follower_counts[b] += 1
        keep_a.append(a)
        keep_b.append(b)
    return keep_a, keep_b, refused


class _Borrowed:
    """A held unit of work lent to a read model: entering gives the unit, leaving keeps it open."""

    __slots__ = ("_unit",)

    def __init__(self, unit: UnitOfWork) -> None:
        self._unit = unit

    def __enter__(self) -> UnitOfWork:
        return self._unit

    def __exit__(self, *exc_info: object) -> None:
        return None

    def __getattr__(self, name: str) -> Any:
        return getattr(self._unit, name)


class _HeldReads:
    """A read port whose read-only units are one unit the service holds open.

    A use case that reads through a read model and then reads itself (a home
    page, then the viewer's filters) reads one snapshot in one transaction,
    instead of one unit (a ``BEGIN`` and a ``COMMIT`` on a server) for each.
    A writing unit asked for comes from the service as usual.
    """

    __slots__ = ("_service", "_unit")

    def __init__(self, service: "Microblog", unit: UnitOfWork) -> None:
        self._service = service
        self._unit = unit

    def unit_of_work(self, *, readonly: bool = False) -> UnitOfWork:
        if readonly:
            return cast("UnitOfWork", _Borrowed(self._unit))
        return self._service.unit_of_work()

    def now(self) -> datetime:
        return self._service.now()


class Microblog:
    """The micro-blog service: accounts, follows, posts, reposts, likes and threads.

    Build one with :meth:`in_memory`, :meth:`sqlite`, or the constructor with
    any unit-of-work factory that satisfies :mod:`microblog_core.ports`.

    Example:
        >>> from microblog_core import ManualClock, Microblog
        >>> from microblog_core.models import AccountKind
        >>> blog = Microblog.in_memory(clock=ManualClock())
        >>> police = blog.register("CityPolice", kind=AccountKind.ORGANISATION, verified=True)
        >>> alice = blog.register("alice")
        >>> blog.follow(alice.id, police.id)
        Follow(...)
        >>> notice = blog.post(police.id, "Road closed on Main St until 18:00 #traffic")
        >>> notice.tags
        ('traffic',)
    """

    def __init__(
        self,
        unit_of_work: UnitOfWorkFactory,
        *,
        clock: Clock | None = None,
        policy: LengthPolicy = TWITTER_V3,
        account_policy: AccountPolicy = TWITTER_ACCOUNTS,
        ids: IdGenerator | None = None,
        local_domain: str | None = None,
        store: Store | None = None,
        timeline: TimelineStrategy | None = None,
        retry: RetryPolicy = DEFAULT_RETRY,
        edit_policy: EditPolicy = MASTODON_EDITS,
        max_pins: int = DEFAULT_MAX_PINS,
    ) -> None:
        """Build a service over a storage backend.

        Args:
            unit_of_work: Makes a fresh unit of work per use case
                (``factory(readonly=True)`` for queries).
            clock: Where time comes from (default: the system clock).
            policy: The length policy posts are measured with.
            account_policy: The network's rules for handles and profiles.
            ids: The id generator (default: one reading ``clock``).
            local_domain: This instance's domain: ``@user@local_domain`` mentions
                resolve to local accounts.
            store: The store to close on :meth:`close`, if the service owns it.
            timeline: How home timelines are built: ``FanOutOnRead()`` (the
                default), ``FanOutOnWrite()`` or ``Hybrid()`` from
                :mod:`microblog_core.timelines`. A strategy that is also a
                :class:`~microblog_core.ports.Projector` (it keeps feeds) is
                registered with :meth:`add_projector`.
            retry: How often a use case runs again after a transient storage
                error (a serialization failure, a deadlock, a busy database).
            edit_policy: How often and how long posts may be edited
                (:data:`~microblog_core.rules.edits.MASTODON_EDITS` by default).
            max_pins: Posts an account may pin (5, as Mastodon).

        Raises:
            ValidationError: ``edit_policy`` or ``max_pins`` is of the wrong kind.
        """
        _checks.instance(edit_policy, EditPolicy, "edit_policy")
        self.edit_policy = edit_policy
        self.max_pins = _checks.limit(max_pins, "max_pins")
        self.clock: Clock = clock or SystemClock()
        self.policy = policy
        self.account_policy = account_policy
        self.ids = ids or IdGenerator(self.clock)
        self.local_domain = local_domain.casefold() if local_domain else None
        self._unit_of_work = unit_of_work
        self._store = store
        self.retry_policy: RetryPolicy = retry
        self.retry_stats = RetryStats()
        self._projectors: list[Projector] = []
        self._batch: contextvars.ContextVar[_Batch | None] = contextvars.ContextVar(
            f"microblog-batch-{id(self)}", default=None
        )
        self._subscribers: list[Callable[[Event], None]] = []
        self.timeline: TimelineStrategy = FanOutOnRead() if timeline is None else timeline
        if isinstance(self.timeline, Projector):
            self.add_projector(self.timeline)
        self.add_projector(NotificationProjector(self.clock))

    # -- construction -------------------------------------------------------

    @classmethod
    def in_memory(
        cls,
        *,
        clock: Clock | None = None,
        policy: LengthPolicy = TWITTER_V3,
        account_policy: AccountPolicy = TWITTER_ACCOUNTS,
        **options: Any,
    ) -> "Microblog":
        """Return a service on a fresh in-memory store (fast; lost when the process ends).

        The store is built by the composition root, :mod:`microblog_core.bootstrap`.
        """
        # The one upward import of the service: the public door delegates to
        # the composition root (the import-linter contract names this edge).
        from microblog_core import bootstrap

        return bootstrap.build(
            bootstrap.memory_store(),
            service=cls,
            clock=clock,
            policy=policy,
            account_policy=account_policy,
            **options,
        )

    @classmethod
    def sqlite(
        cls,
        path: str | Path,
        *,
        clock: Clock | None = None,
        policy: LengthPolicy = TWITTER_V3,
        account_policy: AccountPolicy = TWITTER_ACCOUNTS,
        **options: Any,
    ) -> "Microblog":
        """Return a service on an SQLite database at ``path`` (or ``":memory:"``).

        The store is built by the composition root, :mod:`microblog_core.bootstrap`.

        Raises:
            StorageError: The file cannot be opened or is not a database of this library.
        """
        from microblog_core import bootstrap  # see in_memory

        store = bootstrap.sqlite_store(path)
        if "ids" not in options:
            options["ids"] = bootstrap.file_writer_ids(store, clock)
        return bootstrap.build(
            store,
            service=cls,
            clock=clock,
            policy=policy,
            account_policy=account_policy,
            **options,
        )

    @classmethod
    def postgres(
        cls,
        url: str,
        *,
        redis_url: str | None = None,
        schema: str = "microblog",
        clock: Clock | None = None,
        policy: LengthPolicy = TWITTER_V3,
        account_policy: AccountPolicy = TWITTER_ACCOUNTS,
        **options: Any,
    ) -> "Microblog":
        """Return a service on PostgreSQL (extra ``postgres``), with home feeds in Redis if given.

        Ids carry a writer part leased from the store, so any number of
        processes can serve one database.

        Args:
            url: The PostgreSQL URL.
            redis_url: A Redis URL for the home feeds (extra ``redis``);
                by default they are rows of the database.
            schema: The PostgreSQL schema holding the store.
            clock: Where time comes from.
            policy: The length policy posts are measured with.
            account_policy: The network's rules for handles and profiles.
            **options: Passed to :class:`Microblog` (``timeline=``, ``retry=``...).

        Raises:
            StorageError: A server cannot be reached, or the schema is not
                one this version can open.
        """
        from microblog_core import bootstrap  # see in_memory

        store = bootstrap.postgres_store(url, schema=schema, redis_url=redis_url)
        try:
            if "ids" not in options:
                options["ids"] = store.id_generator(clock or SystemClock())
            return bootstrap.build(
                store,
                service=cls,
                clock=clock,
                policy=policy,
                account_policy=account_policy,
                **options,
            )
        except BaseException:
            store.close()
            raise

    def close(self) -> None:
        """Close the store, when the service owns one, and give back a leased writer number."""
        release = getattr(self.ids, "release", None)
        if release is not None:
            release()
        if self._store is not None:
            self._store.close()

    def __enter__(self) -> "Microblog":
        return self

    def __exit__(self, *exc_info: object) -> None:
        self.close()

    # -- events -------------------------------------------------------------

    def add_projector(self, projector: Projector) -> None:
        """Run ``projector`` inside every writing use case, before commit.

        Raises:
            ValidationError: ``projector`` has no ``project(uow, events)`` method.
        """
        _checks.instance(projector, Projector, "projector")
        self._projectors.append(projector)

    def subscribe(self, subscriber: Callable[[Event], None]) -> Callable[[], None]:
        """Call ``subscriber`` with each event after its use case commits.

        Returns:
            A function that unsubscribes.

        Raises:
            ValidationError: ``subscriber`` is not callable.
        """
        if not callable(subscriber):
            raise ValidationError(
                f"subscriber must be a callable, got {type(subscriber).__name__}",
                field="subscriber",
                value=subscriber,
            )
        self._subscribers.append(subscriber)

        def unsubscribe() -> None:
            with contextlib.suppress(ValueError):
                self._subscribers.remove(subscriber)

        return unsubscribe

    @contextlib.contextmanager
    def batch(self) -> Iterator[None]:
        """Run the writing use cases called inside as one atomic unit.

        Every use case still checks every rule; if any raises (or the block
        does), nothing written inside the block is kept. Subscribers hear the
        events after the whole batch commits. A use case inside is not run
        again on :class:`~microblog_core.errors.TransientStorageError`, as
        one alone is: the error leaves the block, and the caller runs the
        whole block again (the importer does). Call only writing use cases
        inside: a query opens a unit of its own and may wait for this one.
        Batches do not nest.

        Raises:
            ValidationError: A batch is already open in this context.
        """
        if self._batch.get() is not None:
            raise ValidationError("batches do not nest", field="batch", value=None)
        with self._unit_of_work() as uow:
            batch = _Batch(uow)
            token = self._batch.set(batch)
            try:
                yield
            finally:
                self._batch.reset(token)
            if batch.failed is not None:
                # A use case failed and its error was caught inside the block: its
                # partial writes share the unit, so nothing of the batch is kept.
                raise ValidationError(
                    f"a use case failed inside the batch ({batch.failed}); nothing was kept",
                    field="batch",
                    value=None,
                )
            uow.commit()
        for event in batch.events:
            for subscriber in tuple(self._subscribers):
                subscriber(event)

    def _in_batch(self) -> bool:
        """Whether a :meth:`batch` is open in this context (its use cases are not retried)."""
        return self._batch.get() is not None

    def _writing(self) -> contextlib.AbstractContextManager[tuple[UnitOfWork, list[Event]]]:
        """The unit a writing use case writes through, and the list its events go to.

        Inside a :meth:`batch`, the batch's unit; else a fresh unit committed
        on leaving, after the projectors, with the events then told to the
        subscribers.
        """
        batch = self._batch.get()
        if batch is not None:
            return _BatchWrite(batch, self._projectors)
        return self._own_unit()

    @contextlib.contextmanager
    def _own_unit(self) -> Iterator[tuple[UnitOfWork, list[Event]]]:
        events: list[Event] = []
        with self._unit_of_work() as uow:
            yield uow, events
            for projector in self._projectors:
                projector.project(uow, events)
            uow.commit()
        for event in events:
            for subscriber in tuple(self._subscribers):
                subscriber(event)

    def _reading(self) -> UnitOfWork:
        return self._unit_of_work(readonly=True)

    def unit_of_work(self, *, readonly: bool = False) -> UnitOfWork:
        """Return a fresh unit of work on the service's store, for read models.

        Writes must go through the use cases; read models (timelines, ranking,
        simulation metrics) read through units from here.
        """
        return self._unit_of_work(readonly=readonly)

    def now(self) -> datetime:
        """Return the service clock's current instant (aware UTC)."""
        return ensure_utc(self.clock.now(), field="clock time")

    _now = now

    # -- helpers over a unit ------------------------------------------------

    @staticmethod
    def _blocked(uow: UnitOfWork, a: AccountId, b: AccountId) -> bool:
        relations = uow.relations
        return relations.get_block(a, b) is not None or relations.get_block(b, a) is not None

    @staticmethod
    def _sees(uow: UnitOfWork, viewer: ViewerContext, post: Post) -> bool:
        """The visibility rule for one post, loading a repost's original."""
        ref = post.repost_of
        if ref is None:
            return viewer.sees(post)
        return viewer.sees(post, uow.posts.find(ref.root_id))

    def _visible_post(self, uow: UnitOfWork, post_id: PostId, viewer: ViewerContext) -> Post:
        post = uow.posts.find(post_id)
        if post is None or not self._sees(uow, viewer, post):
            raise NotFoundError("post", post_id)
        return post

    def _target_post(
        self,
        uow: UnitOfWork,
        post_id: PostId,
        actor: AccountId,
        action: str,
        viewer: ViewerContext | None = None,
    ) -> Post:
        """Return a post an actor acts on: a block says so, invisibility is "not found".

        ``viewer`` is the actor's :func:`lookup_viewer` context when the use
        case already has one: its answers are remembered, so the checks of
        one use case look each pair up once.
        """
        post = uow.posts.find(post_id)
        if post is None:
            raise NotFoundError("post", post_id)
        if viewer is None:
            viewer = lookup_viewer(uow, actor)
        authors = [post.author_id]
        if post.repost_of is not None:
            authors.append(post.repost_of.root_author_id)
        for author in authors:
            if author != actor and viewer.blocked(author):
                raise PermissionDeniedError(
                    f"account {actor} and account {author} block each other; "
                    f"cannot {action} post {post_id}",
                    action=action,
                    rule="blocked",
                )
        if not self._sees(uow, viewer, post):
            raise NotFoundError("post", post_id)
        return post

    def _mentions_and_tags(
        self, uow: UnitOfWork, text: str
    ) -> tuple[tuple[AccountId, ...], tuple[str, ...]]:
        if not text:
            return (), ()
        mentions: dict[AccountId, None] = {}
        tags: dict[str, None] = {}
        for entity in extract(text, kinds=_ENTITY_KINDS):
            if entity.kind is EntityKind.MENTION:
                username, domain = entity.username, entity.domain
                if username is None or (
                    domain is not None
                    and (self.local_domain is None or domain.casefold() != self.local_domain)
                ):
                    continue
                account = uow.accounts.by_handle(username)
                if account is not None:
                    mentions.setdefault(account.id, None)
            elif entity.tag:
                tags.setdefault(entity.tag.casefold(), None)
        return tuple(mentions), tuple(tags)

    # -- accounts -----------------------------------------------------------

    def register(
        self,
        handle: str,
        *,
        display_name: str = "",
        bio: str = "",
        kind: AccountKind = AccountKind.PERSONAL,
        verified: bool = False,
        locked: bool = False,
    ) -> Account:
        """Register an account.

        Raises:
            InvalidHandleError: The handle breaks the network's handle rules.
            DuplicateHandleError: The handle is taken (case-insensitively).
            TextTooLongError: The display name or bio is too long.
        """
        self.account_policy.check_handle(handle)
        self.account_policy.check_profile(display_name=display_name, bio=bio)
        with self._writing() as (uow, events):
            now = self._now()
            account = Account.create(
                id=AccountId(self.ids.next_id()),
                handle=handle,
                created_at=now,
                display_name=display_name,
                bio=bio,
                kind=kind,
                verified=verified,
                locked=locked,
            )
            uow.accounts.add(account)
            events.append(AccountRegistered(account=account, occurred_at=now))
        return account

    def register_network(
        self,
        handles: Sequence[str],
        followers: Sequence[int],
        followees: Sequence[int],
    ) -> tuple[tuple[Account, ...], dict[int, str]]:
        """Register many accounts and make follows between them, in bulk (a simulation's set-up).

        The same accounts and follows as :meth:`register` for each handle, then
        :meth:`follow` for each pair in order, would make (ids drawn in order,
        every rule checked, refused follows skipped, a repeated pair a no-op),
        in one unit of work and without events: subscribers and projectors
        hear nothing (so the follows make no notifications). A store with a
        bulk path (the memory store) loads a million accounts and ten million
        follows in seconds.

        Args:
            handles: The new accounts' handles.
            followers: Each follow's follower, as a position in ``handles``.
            followees: Each follow's followee, as a position in ``handles``
                (parallel to ``followers``).

        Returns:
            The accounts, in the order of ``handles``, and the refused follows:
            position in ``followers`` to the rule (``"self_follow"`` or
            ``"follow_limit"``).

        Raises:
            InvalidHandleError: A handle breaks the network's handle rules.
            DuplicateHandleError: A handle is taken, or given twice.
            ValidationError: A position is not an index of ``handles``, the two
                lists differ in length, or the service keeps feeds (a projector
                needs the events: register and follow one by one).
        """
        names = cast("tuple[str, ...]", _checks.iterable(handles, "handles", "handles"))
        self.account_policy.check_handles(names)
        sources = _bulk_positions(followers, "followers")
        targets = _bulk_positions(followees, "followees")
        if len(sources) != len(targets):
            raise ValidationError(
                f"{len(sources)} followers but {len(targets)} followees",
                field="followees",
                value=len(targets),
            )
        # Notifications of a bulk set-up are not made (like every other event);
        # any other projector keeps state the bulk path would leave behind.
        keeping = [p for p in self._projectors if not isinstance(p, NotificationProjector)]
        if keeping:
            raise ValidationError(
                "a service that keeps feeds cannot register in bulk; register and follow "
                "one by one",
                field="projectors",
                value=len(keeping),
            )
        n = len(names)
        plain = _checks.plain_follow_columns(sources, targets, n)
        if not plain:  # the checks one at a time, which name what is wrong
            for field, values in (("followers", sources), ("followees", targets)):
                _check_positions(values, n, field)
            plain = _plain_network(sources, targets, n)
        keep_a: Sequence[int]
        keep_b: Sequence[int]
        refused: dict[int, str]
        if plain:
            keep_a, keep_b, refused = _within_follow_limit(sources, targets)
        else:
            keep_a, keep_b, refused = _followable(sources, targets, n)
        with self._writing() as (uow, _events):
            now = self._now()
            ids = cast("Sequence[AccountId]", self.ids.next_ids(len(names)))
            accounts = Account.create_many(ids=ids, handles=names, created_at=now)
            load_new = getattr(uow, "load_new_network", None)
            if load_new is not None:  # a store that takes the follows by position
                load_new(accounts, keep_a, keep_b, now)
            else:
                self._load_network(uow, accounts, keep_a, keep_b, now)
        return accounts, refused

    @staticmethod
    def _load_network(
        uow: UnitOfWork,
        accounts: tuple[Account, ...],
        followers: Sequence[int],
        followees: Sequence[int],
        now: datetime,
    ) -> None:
        """Store new accounts and follows named by position (a store's bulk path, if it has one)."""
        ids = array("q", [account.id for account in accounts])
        lookup = ids.__getitem__
        follower_ids = array("q", map(lookup, followers))
        followee_ids = array("q", map(lookup, followees))
        load = getattr(uow, "load_network", None)
        if load is not None:
            load(accounts, follower_ids, followee_ids, now)
            return
        for account in accounts:
            uow.accounts.add(account)
        for a, b in zip(follower_ids, followee_ids, strict=True):
            uow.relations.add_follow(
                Follow(follower_id=AccountId(a), followee_id=AccountId(b), created_at=now)
            )

    def update_profile(
        self,
        account_id: AccountId,
        *,
        handle: str = _UNSET,
        display_name: str = _UNSET,
        bio: str = _UNSET,
        kind: AccountKind = _UNSET,
        verified: bool = _UNSET,
        locked: bool = _UNSET,
    ) -> Account:
        """Change an account's profile; only the arguments given change.

        Unlocking an account approves its pending follow requests, as Mastodon does.

        Raises:
            NotFoundError: No such account.
            InvalidHandleError: A new handle is invalid.
            DuplicateHandleError: A new handle is taken.
            TextTooLongError: The display name or bio is too long.
        """
        changes: dict[str, Any] = {
            name: value
            for name, value in (
                ("handle", handle),
                ("display_name", display_name),
                ("bio", bio),
                ("kind", kind),
                ("verified", verified),
                ("locked", locked),
            )
            if value is not _UNSET
        }
        if "handle" in changes:
            self.account_policy.check_handle(handle)
        with self._writing() as (uow, events):
            current = uow.accounts.get(account_id)
            updated = attrs.evolve(current, **changes)
            self.account_policy.check_profile(display_name=updated.display_name, bio=updated.bio)
            uow.accounts.update(updated)
            now = self._now()
            events.append(ProfileUpdated(account=updated, occurred_at=now))
            if current.locked and not updated.locked:
                self._approve_all(uow, events, account_id, now)
        return updated

    def _approve_all(
        self, uow: UnitOfWork, events: list[Event], account_id: AccountId, now: datetime
    ) -> None:
        while True:
            pending = uow.relations.requests_for(account_id, limit=500)
            if not pending:
                return
            for request in pending:
                self._approve(uow, events, request, now)

    def _approve(
        self, uow: UnitOfWork, events: list[Event], request: FollowRequest, now: datetime
    ) -> Follow:
        uow.relations.remove_request(request.follower_id, request.followee_id)
        follow = request.approve(now)
        uow.relations.add_follow(follow)
        events.append(FollowRequestApproved(request=request, occurred_at=now))
        events.append(Followed(follow=follow, occurred_at=now))
        return follow

    def get_account(self, account_id: AccountId) -> Account:
        """Return an account.

        Raises:
            NotFoundError: No such account.
        """
        with self._reading() as uow:
            return uow.accounts.get(account_id)

    def account_by_handle(self, handle: str) -> Account:
        """Return the account with this handle (case-insensitively).

        Raises:
            NotFoundError: No account has it.
        """
        with self._reading() as uow:
            account = uow.accounts.by_handle(handle)
        if account is None:
            raise NotFoundError(
                "account", handle, f"no account with the handle {_checks.quote(handle)}"
            )
        return account

    def account_counters(self, account_id: AccountId) -> AccountCounters:
        """Return an account's followers, following and posts counts.

        Raises:
            NotFoundError: No such account.
        """
        with self._reading() as uow:
            uow.accounts.get(account_id)
            return uow.accounts.counters(account_id)

    # -- follow graph ---------------------------------------------------------

    def follow(
        self,
        follower_id: AccountId,
        followee_id: AccountId,
        *,
        show_reposts: bool = True,
        notify: bool = False,
        languages: Iterable[str] | None = None,
    ) -> Follow | FollowRequest:
        """Follow an account, or ask to when it is locked.

        Following again only updates the options.

        Returns:
            The follow, or the pending request for a locked account.

        Raises:
            NotFoundError: Either account does not exist.
            PermissionDeniedError: ``self_follow``, ``blocked`` or ``follow_limit``.
        """
        langs = (
            None if languages is None else _checks.iterable(languages, "languages", "language tags")
        )
        with self._writing() as (uow, events):
            uow.accounts.get(follower_id)
            followee = uow.accounts.get(followee_id)
            existing = uow.relations.get_follow(follower_id, followee_id)
            counters = uow.accounts.counters(follower_id)
            check_follow(
                follower_id,
                followee_id,
                blocked=self._blocked(uow, follower_id, followee_id),
                following_count=counters.following,
                followers_count=counters.followers,
                already_following=existing is not None,
            )
            now = self._now()
            if existing is not None:
                updated = attrs.evolve(
                    existing, show_reposts=show_reposts, notify=notify, languages=langs
                )
                uow.relations.add_follow(updated)
                return updated
            if followee.locked:
                pending = uow.relations.get_request(follower_id, followee_id)
                request = FollowRequest(
                    follower_id=follower_id,
                    followee_id=followee_id,
                    created_at=pending.created_at if pending else now,
                    show_reposts=show_reposts,
                    notify=notify,
                    languages=langs,
                )
                uow.relations.add_request(request)
                if pending is None:
                    events.append(FollowRequested(request=request, occurred_at=now))
                return request
            follow = Follow(
                follower_id=follower_id,
                followee_id=followee_id,
                created_at=now,
                show_reposts=show_reposts,
                notify=notify,
                languages=langs,
            )
            uow.relations.add_follow(follow)
            events.append(Followed(follow=follow, occurred_at=now))
        return follow

    def approve_follow(self, account_id: AccountId, follower_id: AccountId) -> Follow:
        """Approve a pending follow request to ``account_id``.

        Raises:
            NotFoundError: No such request.
        """
        with self._writing() as (uow, events):
            request = uow.relations.get_request(follower_id, account_id)
            if request is None:
                raise NotFoundError("follow request", (follower_id, account_id))
            return self._approve(uow, events, request, self._now())

    def reject_follow(self, account_id: AccountId, follower_id: AccountId) -> FollowRequest:
        """Reject a pending follow request to ``account_id``.

        Raises:
            NotFoundError: No such request.
        """
        with self._writing() as (uow, events):
            request = uow.relations.remove_request(follower_id, account_id)
            if request is None:
                raise NotFoundError("follow request", (follower_id, account_id))
            events.append(FollowRequestRejected(request=request, occurred_at=self._now()))
        return request

    def unfollow(self, follower_id: AccountId, followee_id: AccountId) -> bool:
        """Stop following (or withdraw a pending request). Idempotent.

        Returns:
            Whether a follow or a request was removed.

        Raises:
            NotFoundError: Either account does not exist.
        """
        with self._writing() as (uow, events):
            uow.accounts.get(follower_id)
            uow.accounts.get(followee_id)
            removed = uow.relations.remove_follow(follower_id, followee_id)
            if removed is not None:
                now = self._now()
                events.append(
                    Unfollowed(follower_id=follower_id, followee_id=followee_id, occurred_at=now)
                )
                # Mastodon's ListAccount belongs to the follow: unfollowing leaves the lists.
                self._leave_lists(uow, events, follower_id, followee_id, now)
            request = uow.relations.remove_request(follower_id, followee_id)
            if request is not None:
                events.append(FollowRequestWithdrawn(request=request, occurred_at=self._now()))
        return removed is not None or request is not None

    def remove_follower(self, account_id: AccountId, follower_id: AccountId) -> bool:
        """Make ``follower_id`` stop following ``account_id``. Idempotent.

        Returns:
            Whether a follow was removed.

        Raises:
            NotFoundError: Either account does not exist.
        """
        return self.unfollow(follower_id, account_id)

    def block(self, blocker_id: AccountId, blocked_id: AccountId) -> Block:
        """Block an account: cut follows both ways and reject pending requests.

        Raises:
            NotFoundError: Either account does not exist.
            PermissionDeniedError: ``self_block``.
        """
        if blocker_id == blocked_id:
            raise PermissionDeniedError(
                "an account cannot block itself", action="block", rule="self_block"
            )
        with self._writing() as (uow, events):
            uow.accounts.get(blocker_id)
            uow.accounts.get(blocked_id)
            existing = uow.relations.get_block(blocker_id, blocked_id)
            if existing is not None:
                return existing
            now = self._now()
            block = Block(blocker_id=blocker_id, blocked_id=blocked_id, created_at=now)
            uow.relations.add_block(block)
            events.append(Blocked(block=block, occurred_at=now))
            for a, b in ((blocker_id, blocked_id), (blocked_id, blocker_id)):
                if uow.relations.remove_follow(a, b) is not None:
                    events.append(Unfollowed(follower_id=a, followee_id=b, occurred_at=now))
                    self._leave_lists(uow, events, a, b, now)
                request = uow.relations.remove_request(a, b)
                if request is not None:
                    events.append(FollowRequestRejected(request=request, occurred_at=now))
        return block

    def unblock(self, blocker_id: AccountId, blocked_id: AccountId) -> bool:
        """Lift a block. Idempotent.

        Returns:
            Whether a block was removed.
        """
        with self._writing() as (uow, events):
            removed = uow.relations.remove_block(blocker_id, blocked_id)
            if removed is not None:
                events.append(
                    Unblocked(blocker_id=blocker_id, blocked_id=blocked_id, occurred_at=self._now())
                )
        return removed is not None

    def mute(
        self,
        muter_id: AccountId,
        muted_id: AccountId,
        *,
        expires_at: datetime | None = None,
        hide_notifications: bool = False,
    ) -> Mute:
        """Mute an account, optionally until ``expires_at``; muting again replaces the mute.

        Raises:
            NotFoundError: Either account does not exist.
            PermissionDeniedError: ``self_mute``.
            ValidationError: ``expires_at`` is not in the future.
        """
        if muter_id == muted_id:
            raise PermissionDeniedError(
                "an account cannot mute itself", action="mute", rule="self_mute"
            )
        with self._writing() as (uow, events):
            uow.accounts.get(muter_id)
            uow.accounts.get(muted_id)
            now = self._now()
            mute = Mute(
                muter_id=muter_id,
                muted_id=muted_id,
                created_at=now,
                expires_at=expires_at,
                hide_notifications=hide_notifications,
            )
            uow.relations.add_mute(mute)
            events.append(Muted(mute=mute, occurred_at=now))
        return mute

    def unmute(self, muter_id: AccountId, muted_id: AccountId) -> bool:
        """Lift a mute. Idempotent.

        Returns:
            Whether a mute was removed.
        """
        with self._writing() as (uow, events):
            removed = uow.relations.remove_mute(muter_id, muted_id)
            if removed is not None:
                events.append(
                    Unmuted(muter_id=muter_id, muted_id=muted_id, occurred_at=self._now())
                )
        return removed is not None

    def relationship(self, account_id: AccountId, target_id: AccountId) -> Relationship:
        """Return how ``account_id`` stands toward ``target_id`` (Mastodon's Relationship).

        Raises:
            NotFoundError: Either account does not exist.
        """
        with self._reading() as uow:
            uow.accounts.get(account_id)
            uow.accounts.get(target_id)
            relations = uow.relations
            follow = relations.get_follow(account_id, target_id)
            mute = relations.get_mute(account_id, target_id, at=self._now())
            return Relationship(
                account_id=account_id,
                target_id=target_id,
                following=follow is not None,
                followed_by=relations.get_follow(target_id, account_id) is not None,
                requested=relations.get_request(account_id, target_id) is not None,
                requested_by=relations.get_request(target_id, account_id) is not None,
                blocking=relations.get_block(account_id, target_id) is not None,
                blocked_by=relations.get_block(target_id, account_id) is not None,
                muting=mute is not None,
                muting_notifications=mute is not None and mute.hide_notifications,
                showing_reposts=follow is not None and follow.show_reposts,
                notifying=follow is not None and follow.notify,
                languages=follow.languages if follow is not None else None,
            )

    def followers(
        self, account_id: AccountId, *, after: AccountId | None = None, limit: int = 40
    ) -> AccountPage:
        """Return a page of the accounts following ``account_id``, by id.

        Raises:
            NotFoundError: No such account.
            ValidationError: ``limit`` is not within 1 to 80.
        """
        return self._relation_page(account_id, after, limit, followers=True)

    def following(
        self, account_id: AccountId, *, after: AccountId | None = None, limit: int = 40
    ) -> AccountPage:
        """Return a page of the accounts ``account_id`` follows, by id.

        Raises:
            NotFoundError: No such account.
            ValidationError: ``limit`` is not within 1 to 80.
        """
        return self._relation_page(account_id, after, limit, followers=False)

    def follow_requests(
        self, account_id: AccountId, *, after: AccountId | None = None, limit: int = 40
    ) -> AccountPage:
        """Return a page of the accounts waiting for ``account_id`` to approve them.

        Raises:
            NotFoundError: No such account.
        """
        _checks.limit(limit, "limit", 80)
        with self._reading() as uow:
            uow.accounts.get(account_id)
            requests = uow.relations.requests_for(account_id, after=after, limit=limit)
            ids = [r.follower_id for r in requests]
            return _account_page(uow, ids, limit)

    def _relation_page(
        self, account_id: AccountId, after: AccountId | None, limit: int, *, followers: bool
    ) -> AccountPage:
        _checks.limit(limit, "limit", 80)
        with self._reading() as uow:
            uow.accounts.get(account_id)
            if followers:
                ids = [
                    f.follower_id
                    for f in uow.relations.followers_of(account_id, after=after, limit=limit)
                ]
            else:
                ids = [
                    f.followee_id
                    for f in uow.relations.following_of(account_id, after=after, limit=limit)
                ]
            return _account_page(uow, ids, limit)

    # -- posts --------------------------------------------------------------

    def _check_text(
        self, text: str, content_warning: str, attachments: Sequence[Attachment]
    ) -> None:
        _checks.text(text, "text")
        if (text or content_warning or not attachments) and not is_valid_text(
            text, self.policy, content_warning=content_warning
        ):
            # Measured again only to say why (the error carries the measurement).
            check_text(text, self.policy, content_warning=content_warning, field="text")

    def post(
        self,
        author_id: AccountId,
        text: str,
        *,
        visibility: Visibility = Visibility.PUBLIC,
        content_warning: str = "",
        language: str | None = None,
        quote_of: PostId | None = None,
        attachments: Iterable[Attachment] = (),
        reply_gate: ReplyGate = ReplyGate.ANYONE,
        quote_policy: QuotePolicy = QuotePolicy.ANYONE,
    ) -> Post:
        """Publish an original post (or a quote, with ``quote_of``).

        Raises:
            NotFoundError: The author, or the quoted post (or it is not visible to them).
            TextTooLongError: The text is longer than the length policy allows.
            InvalidTextError: The text is empty or holds a character the policy refuses.
            PermissionDeniedError: Quoting is refused (``blocked``, ``visibility``,
                ``quote_policy``).
            ValidationError: Another invariant is broken (attachments, language...).
        """
        # The items are checked by Post (each must be an Attachment).
        media = cast("tuple[Attachment, ...]", _checks.iterable(attachments, "attachments"))
        self._check_text(text, content_warning, media)
        with self._writing() as (uow, events):
            uow.accounts.get(author_id)
            quoted_id = self._quotable(uow, quote_of, author_id) if quote_of is not None else None
            post = self._new_post(
                uow,
                author_id=author_id,
                text=text,
                visibility=visibility,
                content_warning=content_warning,
                language=language,
                quote_of=quoted_id,
                attachments=media,
                reply_gate=reply_gate,
                quote_policy=quote_policy,
                reply_to=None,
            )
            events.append(PostPublished(post=post, occurred_at=post.created_at))
        return post

    def _quotable(self, uow: UnitOfWork, quote_of: PostId, quoter: AccountId) -> PostId:
        quoted = self._target_post(uow, quote_of, quoter, "quote")
        if quoted.repost_of is not None:
            quoted = self._target_post(uow, quoted.repost_of.root_id, quoter, "quote")
        check_quote(
            quoted,
            quoter,
            follows_author=uow.relations.get_follow(quoter, quoted.author_id) is not None,
            blocked=self._blocked(uow, quoter, quoted.author_id),
        )
        return quoted.id

    def _new_post(self, uow: UnitOfWork, **fields: Any) -> Post:
        mentions, tags = self._mentions_and_tags(uow, fields["text"])
        # The service checked what it made (see Post._from_service).
        post = Post._from_service(
            id=PostId(self.ids.next_id()),
            created_at=self._now(),
            mentions=mentions,
            tags=tags,
            **fields,
        )
        uow.posts.add(post)
        for attachment in post.attachments:
            if isinstance(attachment, Poll):
                uow.polls.open(post.id, attachment.expires_at)
        return post

    def reply(
        self,
        author_id: AccountId,
        parent_id: PostId,
        text: str,
        *,
        visibility: Visibility | None = None,
        content_warning: str = "",
        language: str | None = None,
        quote_of: PostId | None = None,
        attachments: Iterable[Attachment] = (),
    ) -> Post:
        """Reply to a post; replying to a repost replies to its original.

        The reply's visibility defaults to the parent's when that is narrower than public.

        Raises:
            NotFoundError: The author or the parent does not exist or is not visible to them.
            PermissionDeniedError: ``blocked`` or ``reply_gate``.
            TextTooLongError: The text is longer than the length policy allows.
            InvalidTextError: The text is empty or holds a character the policy refuses.
        """
        # The items are checked by Post (each must be an Attachment).
        media = cast("tuple[Attachment, ...]", _checks.iterable(attachments, "attachments"))
        self._check_text(text, content_warning, media)
        with self._writing() as (uow, events):
            reply = self._reply(
                uow,
                author_id,
                parent_id,
                text,
                visibility=visibility,
                content_warning=content_warning,
                language=language,
                quote_of=quote_of,
                attachments=media,
            )
            events.append(PostPublished(post=reply, occurred_at=reply.created_at))
        return reply

    def _reply(
        self,
        uow: UnitOfWork,
        author_id: AccountId,
        parent_id: PostId,
        text: str,
        *,
        visibility: Visibility | None,
        content_warning: str,
        language: str | None,
        quote_of: PostId | None,
        attachments: tuple[Attachment, ...],
    ) -> Post:
        uow.accounts.get(author_id)
        viewer = lookup_viewer(uow, author_id)
        parent = self._target_post(uow, parent_id, author_id, "reply", viewer)
        if parent.repost_of is not None:
            parent = self._target_post(uow, parent.repost_of.root_id, author_id, "reply", viewer)
        root_id = parent.thread_root_id
        root = parent if root_id == parent.id else uow.posts.find(root_id)
        root_author = root.author_id if root is not None else None
        relations = uow.relations
        check_reply(
            parent,
            root,
            author_id,
            blocked_with_parent_author=viewer.blocked(parent.author_id),
            blocked_with_root_author=root_author is not None and viewer.blocked(root_author),
            replier_follows_root_author=root_author is not None and root_author in viewer.following,
            root_author_follows_replier=root_author is not None
            and relations.get_follow(root_author, author_id) is not None,
        )
        quoted_id = self._quotable(uow, quote_of, author_id) if quote_of is not None else None
        chosen = visibility if visibility is not None else repost_visibility(parent)
        return self._new_post(
            uow,
            author_id=author_id,
            text=text,
            visibility=chosen,
            content_warning=content_warning,
            language=language,
            quote_of=quoted_id,
            attachments=attachments,
            reply_gate=ReplyGate.ANYONE,
            quote_policy=QuotePolicy.ANYONE,
            reply_to=reply_ref_for(parent, author_id),
        )

    def repost(
        self,
        account_id: AccountId,
        post_id: PostId,
        *,
        comment: str | None = None,
        also_comment: bool = False,
    ) -> Post:
        """Repost a post; a repost of a repost reposts the root and keeps ``via``.

        With a ``comment``, the repost carries Weibo's comment chain
        (``my words//@B:B's words//@C:...``); the comment is measured against
        the policy, and the oldest links of the chain are dropped when the whole
        would not fit. With ``also_comment``, the comment is also posted as a
        reply to the original (Weibo's ``is_comment``).

        Returns:
            The repost.

        Raises:
            NotFoundError: The account, the post or its root does not exist or is not visible.
            DuplicateRepostError: The account already reposted this root.
            PermissionDeniedError: ``direct``, ``followers_only``, ``blocked``, or
                ``reply_gate`` for ``also_comment``.
            TextTooLongError: The comment is longer than the length policy allows.
            InvalidTextError: The comment holds a character the policy refuses.
            ValidationError: ``also_comment`` without a comment.
        """
        words = comment or ""
        if words:
            self._check_text(words, "", ())
        if also_comment and not words:
            raise ValidationError(
                "also_comment needs a comment to post as a reply", field="comment", value=comment
            )
        with self._writing() as (uow, events):
            uow.accounts.get(account_id)
            viewer = lookup_viewer(uow, account_id)
            target = self._target_post(uow, post_id, account_id, "repost", viewer)
            ref = flatten_repost(target)
            root = self._target_post(uow, ref.root_id, account_id, "repost", viewer)
            blocked = viewer.blocked(root.author_id) or (
                ref.via_author_id is not None and viewer.blocked(ref.via_author_id)
            )
            check_repost(root, account_id, blocked=blocked)
            if uow.posts.repost_by(account_id, root.id) is not None:
                raise DuplicateRepostError(account_id, root.id)
            via = target if ref.via_id is not None else None
            via_handle = uow.accounts.get(via.author_id).handle if via is not None else None
            text = build_comment_chain(
                words, via, via_handle, fits=lambda t: is_valid_text(t, self.policy)
            )
            mentions, tags = self._mentions_and_tags(uow, text)
            repost = Post._from_service(
                id=PostId(self.ids.next_id()),
                author_id=account_id,
                created_at=self._now(),
                repost_of=ref,
                visibility=repost_visibility(root),
                text=text,
                mentions=mentions,
                tags=tags,
            )
            uow.posts.add(repost)
            events.append(Reposted(repost=repost, occurred_at=repost.created_at))
            if also_comment:
                reply = self._reply(
                    uow,
                    account_id,
                    root.id,
                    words,
                    visibility=None,
                    content_warning="",
                    language=None,
                    quote_of=None,
                    attachments=(),
                )
                events.append(PostPublished(post=reply, occurred_at=reply.created_at))
        return repost

    def unrepost(self, account_id: AccountId, post_id: PostId) -> bool:
        """Withdraw ``account_id``'s repost of ``post_id``'s root. Idempotent.

        ``post_id`` may be the root, or any repost of it.

        Returns:
            Whether a repost was removed.

        Raises:
            NotFoundError: The account does not exist.
        """
        with self._writing() as (uow, events):
            uow.accounts.get(account_id)
            target = uow.posts.find(post_id)
            if target is None:
                return False
            root_id = target.root_id
            repost = uow.posts.repost_by(account_id, root_id)
            if repost is None:
                return False
            uow.posts.remove(repost.id)
            events.append(Unreposted(repost=repost, occurred_at=self._now()))
        return True

    def delete_post(self, actor_id: AccountId, post_id: PostId) -> Post:
        """Delete a post: its reposts go with it and counters are fixed; replies stay.

        Deleting a repost is the same as withdrawing it.

        Returns:
            The deleted post.

        Raises:
            NotFoundError: No such post.
            PermissionDeniedError: ``not_author``.
        """
        with self._writing() as (uow, events):
            post = uow.posts.get(post_id)
            if post.author_id != actor_id:
                raise PermissionDeniedError(
                    f"only the author of post {post_id} may delete it",
                    action="delete",
                    rule="not_author",
                )
            now = self._now()
            if post.repost_of is not None:
                uow.posts.remove(post.id)
                events.append(Unreposted(repost=post, occurred_at=now))
                return post
            removed: list[PostId] = []
            while True:
                batch = uow.posts.reposts_of(post.id, limit=500)
                if not batch:
                    break
                for repost in batch:
                    uow.posts.remove(repost.id)
                    removed.append(repost.id)
            uow.pins.remove(post.author_id, post.id)
            uow.bookmarks.remove_post(post.id)
            uow.filters.remove_post(post.id)
            uow.history.remove_all(post.id)
            uow.polls.remove_all(post.id)
            uow.posts.remove(post.id)
            events.append(PostDeleted(post=post, removed_reposts=tuple(removed), occurred_at=now))
        return post

    def like(self, account_id: AccountId, post_id: PostId) -> Like:
        """Like a post (a like of a repost goes to its original).

        Raises:
            NotFoundError: The account or the post does not exist or is not visible.
            PermissionDeniedError: ``blocked``.
            ConflictError: Already liked.
        """
        with self._writing() as (uow, events):
            uow.accounts.get(account_id)
            post = self._target_post(uow, post_id, account_id, "like")
            if post.repost_of is not None:
                post = self._target_post(uow, post.repost_of.root_id, account_id, "like")
            check_like(post, account_id, blocked=self._blocked(uow, account_id, post.author_id))
            now = self._now()
            like = Like(account_id=account_id, post_id=post.id, created_at=now)
            uow.engagement.add_like(like)
            events.append(Liked(like=like, occurred_at=now))
        return like

    def unlike(self, account_id: AccountId, post_id: PostId) -> bool:
        """Withdraw a like. Idempotent.

        Returns:
            Whether a like was removed.
        """
        with self._writing() as (uow, events):
            target = uow.posts.find(post_id)
            root_id = target.root_id if target is not None else post_id
            like = uow.engagement.remove_like(account_id, root_id)
            if like is not None:
                events.append(Unliked(like=like, occurred_at=self._now()))
        return like is not None

    # -- threads --------------------------------------------------------------

    def set_reply_gate(self, actor_id: AccountId, post_id: PostId, gate: ReplyGate) -> Post:
        """Set who may reply in the thread that ``post_id`` starts.

        Raises:
            NotFoundError: No such post.
            PermissionDeniedError: ``not_author``.
            ValidationError: The post is a reply or a repost (gates sit on thread roots).
        """
        _checks.instance(gate, ReplyGate, "gate")
        with self._writing() as (uow, events):
            post = uow.posts.get(post_id)
            if post.author_id != actor_id:
                raise PermissionDeniedError(
                    f"only the author of post {post_id} may set its reply gate",
                    action="set_reply_gate",
                    rule="not_author",
                )
            if post.reply_to is not None or post.repost_of is not None:
                raise ValidationError(
                    "a reply gate sits on the post that starts a thread, not on a reply or repost",
                    field="post_id",
                    value=post_id,
                )
            updated = attrs.evolve(post, reply_gate=gate)
            uow.posts.update(updated)
            events.append(ReplyGateChanged(post_id=post_id, gate=gate, occurred_at=self._now()))
        return updated

    def hide_reply(self, actor_id: AccountId, reply_id: PostId, *, hidden: bool = True) -> Post:
        """Hide (or unhide) a reply in a thread the actor started.

        Raises:
            NotFoundError: No such reply.
            PermissionDeniedError: ``not_thread_author``.
            ValidationError: The post is not a reply.
        """
        with self._writing() as (uow, events):
            reply = uow.posts.get(reply_id)
            ref = reply.reply_to
            if ref is None:
                raise ValidationError(
                    "only replies can be hidden", field="reply_id", value=reply_id
                )
            root = uow.posts.find(ref.root_id)
            if root is None or root.author_id != actor_id:
                raise PermissionDeniedError(
                    f"only the author of the thread may hide reply {reply_id}",
                    action="hide_reply",
                    rule="not_thread_author",
                )
            updated = attrs.evolve(reply, hidden=hidden)
            uow.posts.update(updated)
            events.append(ReplyHidden(post_id=reply_id, hidden=hidden, occurred_at=self._now()))
        return updated

    def thread(
        self,
        post_id: PostId,
        *,
        viewer_id: AccountId | None = None,
        sort: ThreadSort = "oldest",
        max_depth: int = 6,
        limit: int = 200,
        max_ancestors: int = 80,
    ) -> ThreadView:
        """Return the thread around a post as ``viewer_id`` sees it.

        Replies the viewer may not see (visibility, blocks, mutes, hidden by the
        thread's author) stand as placeholders, so the tree stays connected.

        Raises:
            NotFoundError: The post does not exist or the viewer may not see it.
            ValidationError: An unknown sort or a bad cap.
        """
        filters = self._filter_set(viewer_id, FilterContext.THREAD)
        marks: dict[PostId, tuple[FilterResult, ...]] = {}
        with self._reading() as uow:
            now = self._now()
            viewer = lookup_viewer(uow, viewer_id, now)
            focus = self._visible_post(uow, post_id, viewer)
            if focus.repost_of is not None:
                focus = self._visible_post(uow, focus.repost_of.root_id, viewer)
            root_id = focus.thread_root_id
            root = focus if root_id == focus.id else uow.posts.find(root_id)
            replies = uow.posts.in_thread(root_id)
            standing_cache: dict[AccountId, Placeholder | None] = {}

            def placeholder_for(post: Post) -> Placeholder | None:
                author = post.author_id
                if viewer_id is not None and author != viewer_id:
                    if author not in standing_cache:
                        standing_cache[author] = self._author_placeholder(viewer, author)
                    if standing_cache[author] is not None:
                        return standing_cache[author]
                if not can_see(post, viewer.standing(author)):
                    return Placeholder.NOT_VISIBLE
                if (
                    post.hidden
                    and viewer_id != post.author_id
                    and (root is None or viewer_id != root.author_id)
                ):
                    return Placeholder.HIDDEN
                if filters is not None:
                    results = filters.match(post)
                    if results and hides(results):
                        return Placeholder.FILTERED
                    if results:
                        marks[post.id] = results
                return None

            counters = {p.id: uow.posts.counters(p.id) for p in replies} if sort == "top" else None
            view = build_thread(
                focus,
                replies,
                root=root,
                placeholder_for=placeholder_for,
                sort=sort,
                counters=counters,
                max_depth=max_depth,
                limit=limit,
                max_ancestors=max_ancestors,
            )
        return attrs.evolve(view, filtered=marks) if marks else view

    @staticmethod
    def _author_placeholder(viewer: ViewerContext, author: AccountId) -> Placeholder | None:
        if viewer.blocked(author):
            return Placeholder.BLOCKED
        if author in viewer.muting:
            return Placeholder.MUTED
        return None

    # -- post queries ---------------------------------------------------------

    def get_post(self, post_id: PostId, *, viewer_id: AccountId | None = None) -> Post:
        """Return a post if ``viewer_id`` may see it.

        Raises:
            NotFoundError: It does not exist, or the viewer may not see it (the
                two are not told apart, so a hidden post does not leak).
        """
        with self._reading() as uow:
            return self._visible_post(uow, post_id, lookup_viewer(uow, viewer_id))

    def post_counters(self, post_id: PostId) -> PostCounters:
        """Return a post's replies, reposts, quotes and likes.

        Raises:
            NotFoundError: No such post.
        """
        with self._reading() as uow:
            uow.posts.get(post_id)
            return uow.posts.counters(post_id)

    def posts_by(
        self,
        author_id: AccountId,
        *,
        viewer_id: AccountId | None = None,
        max_id: PostId | None = None,
        min_id: PostId | None = None,
        limit: int = 20,
        include_replies: bool = True,
        include_reposts: bool = True,
    ) -> PostPage:
        """Return an account's posts that ``viewer_id`` may see, newest first.

        An account that blocks the viewer shows nothing.

        Raises:
            NotFoundError: No such account.
            ValidationError: ``limit`` is not within 1 to 40.
        """
        _checks.limit(limit, "limit", 40)
        with self._reading() as uow:
            uow.accounts.get(author_id)
            viewer = lookup_viewer(uow, viewer_id)
            items: list[Post] = []
            if not viewer.standing(author_id).blocked:
                for post in uow.posts.stream(author_id, max_id=max_id, min_id=min_id):
                    if (not include_replies and post.reply_to is not None) or (
                        not include_reposts and post.repost_of is not None
                    ):
                        continue
                    if self._sees(uow, viewer, post):
                        items.append(post)
                        if len(items) == limit:
                            break
        return PostPage(
            items=tuple(items),
            next_max_id=items[-1].id if len(items) == limit else None,
            prev_min_id=items[0].id if items else None,
        )

    def replies(self, post_id: PostId, *, viewer_id: AccountId | None = None) -> tuple[Post, ...]:
        """Return the direct replies to a post that ``viewer_id`` may see, oldest first.

        Raises:
            NotFoundError: The post does not exist or is not visible.
        """
        with self._reading() as uow:
            viewer = lookup_viewer(uow, viewer_id)
            self._visible_post(uow, post_id, viewer)
            return tuple(p for p in uow.posts.replies_to(post_id) if self._sees(uow, viewer, p))

    def reposts(self, post_id: PostId, *, viewer_id: AccountId | None = None) -> tuple[Post, ...]:
        """Return the reposts of a post's root that ``viewer_id`` may see, oldest first.

        Raises:
            NotFoundError: The post does not exist or is not visible.
        """
        with self._reading() as uow:
            viewer = lookup_viewer(uow, viewer_id)
            post = self._visible_post(uow, post_id, viewer)
            return tuple(
                p for p in uow.posts.reposts_of(post.root_id) if self._sees(uow, viewer, p)
            )

    def likes(
        self, post_id: PostId, *, after: AccountId | None = None, limit: int = 40
    ) -> AccountPage:
        """Return a page of the accounts that liked a post (its root, for a repost).

        Raises:
            NotFoundError: No such post.
        """
        _checks.limit(limit, "limit", 80)
        with self._reading() as uow:
            post = uow.posts.get(post_id)
            likes = uow.engagement.likes_of(post.root_id, after=after, limit=limit)
            ids = [like.account_id for like in likes]
            return _account_page(uow, ids, limit)

    # -- timelines (read models in microblog_core.timelines, reading through this service) --

    def home_timeline(
        self,
        viewer_id: AccountId,
        *,
        limit: int = 20,
        max_id: PostId | None = None,
        since_id: PostId | None = None,
        min_id: PostId | None = None,
    ) -> TimelinePage:
        """Return a page of ``viewer_id``'s home timeline, with Mastodon's paging.

        Args:
            viewer_id: Whose home timeline.
            limit: Items per page, 1 to 40.
            max_id: Only items older than this id (exclusive): the next page.
            since_id: Only items newer than this id, newest first.
            min_id: The items immediately newer than this id: the previous page.

        Raises:
            NotFoundError: No such account.
            ValidationError: A bad limit or cursor.
        """
        # The page and the viewer's filters: one read-only unit, one transaction.
        with self._reading() as uow:
            page = self.timeline.home(
                _HeldReads(self, uow),
                viewer_id,
                limit=limit,
                max_id=max_id,
                since_id=since_id,
                min_id=min_id,
            )
            filters = self._filters_in(uow, viewer_id, FilterContext.HOME)
        return self._filtered(page, filters)

    def account_timeline(
        self,
        account_id: AccountId,
        *,
        viewer_id: AccountId | None = None,
        with_replies: bool = False,
        limit: int = 20,
        max_id: PostId | None = None,
        since_id: PostId | None = None,
        min_id: PostId | None = None,
    ) -> TimelinePage:
        """Return an account's own timeline as ``viewer_id`` sees it.

        The first page (no ``max_id``, ``since_id`` or ``min_id``) starts with
        the account's pinned posts the viewer may see, newest pin first, as a
        Mastodon profile shows them; they are not repeated below, and the
        cursors are those of the rest of the page.

        Raises:
            NotFoundError: No such account.
        """
        page = account_timeline(
            self,
            account_id,
            viewer_id=viewer_id,
            with_replies=with_replies,
            limit=limit,
            max_id=max_id,
            since_id=since_id,
            min_id=min_id,
        )
        if max_id is not None or since_id is not None or min_id is not None:
            return self.filter_page(page, viewer_id, FilterContext.ACCOUNT)
        pinned = self.pinned_posts(account_id, viewer_id=viewer_id)
        if pinned:
            ids = {p.id for p in pinned}
            page = TimelinePage(
                items=(*pinned, *(p for p in page.items if p.id not in ids)),
                roots=page.roots,
                next_max_id=page.next_max_id,
                prev_min_id=page.prev_min_id,
            )
        return self.filter_page(page, viewer_id, FilterContext.ACCOUNT)

    def hashtag_timeline(
        self,
        tag: str,
        *,
        viewer_id: AccountId | None = None,
        limit: int = 20,
        max_id: PostId | None = None,
        since_id: PostId | None = None,
        min_id: PostId | None = None,
    ) -> TimelinePage:
        """Return the public posts carrying a hashtag, as ``viewer_id`` sees them."""
        page = hashtag_timeline(
            self,
            tag,
            viewer_id=viewer_id,
            limit=limit,
            max_id=max_id,
            since_id=since_id,
            min_id=min_id,
        )
        return self.filter_page(page, viewer_id, FilterContext.PUBLIC)

    def mentions_timeline(
        self,
        account_id: AccountId,
        *,
        limit: int = 20,
        max_id: PostId | None = None,
        since_id: PostId | None = None,
        min_id: PostId | None = None,
    ) -> TimelinePage:
        """Return the posts mentioning ``account_id`` that it may see and has not blocked."""
        return mentions_timeline(
            self, account_id, limit=limit, max_id=max_id, since_id=since_id, min_id=min_id
        )

    def public_timeline(
        self,
        *,
        viewer_id: AccountId | None = None,
        limit: int = 20,
        max_id: PostId | None = None,
        since_id: PostId | None = None,
        min_id: PostId | None = None,
    ) -> TimelinePage:
        """Return the public timeline (public originals, no replies or reposts)."""
        page = public_timeline(
            self, viewer_id=viewer_id, limit=limit, max_id=max_id, since_id=since_id, min_id=min_id
        )
        return self.filter_page(page, viewer_id, FilterContext.PUBLIC)

    def ranked_timeline(
        self,
        viewer_id: AccountId,
        *,
        ranker: Ranker | None = None,
        limit: int = 20,
        cursor: str | None = None,
    ) -> RankedPage:
        """Return a ranked page of ``viewer_id``'s feed, with an opaque keyset cursor.

        Args:
            viewer_id: Whose feed.
            ranker: Candidate sources, filters, scorer and re-rankers (default:
                in-network candidates scored by weighted engagement with author diversity).
            limit: Items per page, 1 to 40.
            cursor: The ``next_cursor`` of the previous page.

        The viewer's keyword filters of the home context apply as on
        :meth:`home_timeline`: ``hide`` removes an item, ``warn`` marks it in
        :attr:`~microblog_core.timelines.ranked.RankedPage.filtered`.
        """
        page = ranked_timeline(
            self, viewer_id, ranker=ranker, limit=limit, cursor=cursor, timeline=self.timeline
        )
        filters = self._filter_set(viewer_id, FilterContext.HOME) if page.items else None
        if filters is None:
            return page
        kept, marks, roots = self._apply_filters(
            filters, [item.post for item in page.items], page.roots
        )
        keep = {post.id for post in kept}
        return attrs.evolve(
            page,
            items=tuple(item for item in page.items if item.post.id in keep),
            roots=roots,
            filtered=marks,
        )

    # -- notifications (read model in microblog_core.timelines.notifications) --

    def notifications(
        self,
        account_id: AccountId,
        *,
        grouped: bool = False,
        max_id: int | None = None,
        since_id: int | None = None,
        min_id: int | None = None,
        limit: int = 40,
    ) -> NotificationPage:
        """Return a page of an account's notifications, newest first, with Mastodon's paging.

        Args:
            account_id: The recipient.
            grouped: Group likes, reposts and follows by target and kind
                (Mastodon 4.3's grouped notifications); mentions are never grouped.
            max_id: Only notifications (groups) older than this id.
            since_id: Only notifications newer than this id, newest first.
            min_id: The notifications immediately newer than this id.
            limit: Notifications (or groups) per page, 1 to 80.

        Raises:
            NotFoundError: No such account.
            ValidationError: A bad limit or paging id.
        """
        page = notifications(
            self,
            account_id,
            grouped=grouped,
            max_id=max_id,
            since_id=since_id,
            min_id=min_id,
            limit=limit,
        )
        return self._filter_notifications(page, account_id)

    def mark_notifications_read(self, account_id: AccountId, up_to_id: int) -> int:
        """Move an account's read marker to ``up_to_id`` (Mastodon's notifications marker).

        The marker never moves back: an older id leaves it where it is.

        Returns:
            How many notifications remain unread (counted up to 1,000).

        Raises:
            NotFoundError: No such account.
            InvalidIdError: ``up_to_id`` is not an id.
        """
        up_to = _checks.stored_id(up_to_id, "up_to_id")
        with self._writing() as (uow, events):
            uow.accounts.get(account_id)
            current = uow.notifications.read_marker(account_id)
            if current is None or up_to > current:
                uow.notifications.set_read_marker(account_id, up_to)
                events.append(
                    NotificationsRead(
                        account_id=account_id,
                        last_read_id=NotificationId(up_to),
                        occurred_at=self._now(),
                    )
                )
            marker = max(up_to, current or 0)
            return uow.notifications.count(account_id, min_id=marker, limit=UNREAD_CAP)

    def unread_notifications(self, account_id: AccountId) -> int:
        """Return how many of an account's notifications are newer than its read marker.

        Counting stops at 1,000 (:data:`~microblog_core.timelines.notifications.UNREAD_CAP`),
        as Mastodon's ``unread_count`` does.

        Raises:
            NotFoundError: No such account.
        """
        with self._reading() as uow:
            uow.accounts.get(account_id)
            marker = uow.notifications.read_marker(account_id)
            return uow.notifications.count(account_id, min_id=marker, limit=UNREAD_CAP)

    def set_notification_policy(
        self, account_id: AccountId, policy: NotificationPolicy
    ) -> NotificationPolicy:
        """Set which notifications the account holds back or drops (Mastodon 4.3).

        Until an account sets a policy, every notification is accepted.

        Raises:
            NotFoundError: No such account.
            ValidationError: ``policy`` is not a NotificationPolicy.
        """
        _checks.instance(policy, NotificationPolicy, "policy")
        with self._writing() as (uow, _events):
            uow.accounts.get(account_id)
            uow.notifications.set_policy(account_id, policy)
        return policy

    def notification_policy(self, account_id: AccountId) -> NotificationPolicy | None:
        """Return the account's notification policy, or None when it accepts everything.

        Raises:
            NotFoundError: No such account.
        """
        with self._reading() as uow:
            uow.accounts.get(account_id)
            return uow.notifications.policy(account_id)

    def notification_requests(
        self, account_id: AccountId, *, limit: int = 40
    ) -> tuple[NotificationRequest, ...]:
        """Return the senders whose notifications the policy held back, newest first.

        Raises:
            NotFoundError: No such account.
            ValidationError: ``limit`` is not within 1 to 80.
        """
        _checks.limit(limit, "limit", 80)
        with self._reading() as uow:
            uow.accounts.get(account_id)
            return tuple(uow.notifications.requests(account_id, limit=limit))

    def accept_notification_request(self, account_id: AccountId, from_account_id: AccountId) -> int:
        """Accept a request: its notifications join the list, and later ones pass the policy.

        Returns:
            How many held-back notifications were let through.

        Raises:
            NotFoundError: Either account does not exist.
        """
        with self._writing() as (uow, _events):
            uow.accounts.get(account_id)
            uow.accounts.get(from_account_id)
            held = uow.notifications.remove_filtered(account_id, from_account_id)
            for notification in held:
                uow.notifications.add(attrs.evolve(notification, filtered=False))
            uow.notifications.permit(account_id, from_account_id)
        return len(held)

    def dismiss_notification_request(
        self, account_id: AccountId, from_account_id: AccountId
    ) -> int:
        """Dismiss a request: its held-back notifications are deleted (later ones are held again).

        Returns:
            How many notifications were deleted.

        Raises:
            NotFoundError: The account does not exist.
        """
        with self._writing() as (uow, _events):
            uow.accounts.get(account_id)
            return len(uow.notifications.remove_filtered(account_id, from_account_id))

    # -- edits ------------------------------------------------------------------

    def edit_post(
        self,
        actor_id: AccountId,
        post_id: PostId,
        text: str,
        *,
        content_warning: str | None = None,
    ) -> Post:
        """Edit a post's text (and content warning), keeping the earlier version.

        The new text is measured again under the service's length policy, and
        its mentions and hashtags are extracted again; reposts show the new
        version. Everyone who reposted or quoted the post is notified
        (``update``), and so is each account the new text mentions that was
        not told of the post yet (``mention``; a mention the edit drops keeps
        its notification, as in Mastodon). The :class:`~microblog_core.rules.edits.EditPolicy` of
        the service limits how often and how long a post may be edited.

        Args:
            actor_id: Who edits (must be the author).
            post_id: The post.
            text: The new text.
            content_warning: The new content warning (None keeps the current one).

        Returns:
            The post as edited.

        Raises:
            NotFoundError: No such post.
            PermissionDeniedError: ``not_author``, ``repost``, ``edits_disabled``,
                ``edit_limit`` or ``edit_window``.
            TextTooLongError: The text is too long for the length policy.
            InvalidTextError: The text is otherwise invalid (empty, a bad character).
        """
        _checks.text(text, "text")
        if content_warning is not None:
            _checks.text(content_warning, "content_warning")
        with self._writing() as (uow, events):
            post = uow.posts.get(post_id)
            now = self._now()
            versions = uow.history.versions(post.id)
            check_edit(post, actor_id, edits_so_far=len(versions), now=now, policy=self.edit_policy)
            warning = post.content_warning if content_warning is None else content_warning
            self._check_text(text, warning, post.attachments)
            mentions, tags = self._mentions_and_tags(uow, text)
            previous = PostVersion(
                post_id=post.id,
                text=post.text,
                content_warning=post.content_warning,
                written_at=versions[-1].replaced_at if versions else post.created_at,
                replaced_at=now,
            )
            edited = attrs.evolve(
                post, text=text, content_warning=warning, mentions=mentions, tags=tags
            )
            uow.history.add(previous)
            uow.posts.update(edited)
            events.append(PostEdited(post=edited, previous=previous, occurred_at=now))
        return edited

    def post_history(
        self, post_id: PostId, *, viewer_id: AccountId | None = None
    ) -> tuple[PostVersion, ...]:
        """Return a post's earlier versions, oldest first, if ``viewer_id`` may see the post.

        The current version is the post itself (:meth:`get_post`); an unedited
        post has no earlier version.

        Raises:
            NotFoundError: The post does not exist or the viewer may not see it.
        """
        with self._reading() as uow:
            post = self._visible_post(uow, post_id, lookup_viewer(uow, viewer_id))
            return tuple(uow.history.versions(post.id))

    # -- pins -------------------------------------------------------------------

    def pin(self, account_id: AccountId, post_id: PostId) -> Pin:
        """Pin one of the account's own public or unlisted posts to its profile.

        Pinning a pinned post returns its pin.

        Raises:
            NotFoundError: No such account or post.
            PermissionDeniedError: ``not_author``, ``repost``, ``visibility`` or
                ``pin_limit`` (``max_pins`` of the service, 5 by default).
        """
        with self._writing() as (uow, events):
            uow.accounts.get(account_id)
            post = uow.posts.get(post_id)
            pins = uow.pins.pinned_by(account_id)
            for existing in pins:
                if existing.post_id == post.id:
                    return existing
            check_pin(post, account_id, pinned=len(pins), max_pins=self.max_pins)
            now = self._now()
            pin = Pin(account_id=account_id, post_id=post.id, created_at=now)
            uow.pins.add(pin)
            events.append(Pinned(pin=pin, occurred_at=now))
        return pin

    def unpin(self, account_id: AccountId, post_id: PostId) -> bool:
        """Unpin a post. Idempotent.

        Returns:
            Whether a pin was removed.
        """
        with self._writing() as (uow, events):
            pin = uow.pins.remove(account_id, post_id)
            if pin is not None:
                events.append(Unpinned(pin=pin, occurred_at=self._now()))
        return pin is not None

    def pinned_posts(
        self, account_id: AccountId, *, viewer_id: AccountId | None = None
    ) -> tuple[Post, ...]:
        """Return the account's pinned posts that ``viewer_id`` may see, newest pin first.

        An account that blocks the viewer, or that the viewer blocks, shows none.

        Raises:
            NotFoundError: No such account.
        """
        with self._reading() as uow:
            uow.accounts.get(account_id)
            viewer = lookup_viewer(uow, viewer_id)
            if viewer.blocked(account_id):
                return ()
            found = uow.posts.get_many(p.post_id for p in uow.pins.pinned_by(account_id))
            return tuple(
                post
                for pin in uow.pins.pinned_by(account_id)
                if (post := found.get(pin.post_id)) is not None and viewer.sees(post)
            )

    # -- bookmarks and keyword filters --------------------------------------------

    def bookmark(self, account_id: AccountId, post_id: PostId) -> Post:
        """Bookmark a post the account may see (Mastodon's ``POST /statuses/:id/bookmark``).

        A repost's bookmark goes to its original. Bookmarking a bookmarked post
        changes nothing and returns the post, as in Mastodon.

        Returns:
            The bookmarked post (the original, for a repost).

        Raises:
            NotFoundError: No such account, or no such post the account may see.
        """
        with self._writing() as (uow, _events):
            uow.accounts.get(account_id)
            viewer = lookup_viewer(uow, account_id, self._now())
            post = self._visible_post(uow, post_id, viewer)
            if post.repost_of is not None:
                post = self._visible_post(uow, post.repost_of.root_id, viewer)
            if uow.bookmarks.find(account_id, post.id) is None:
                uow.bookmarks.add(
                    Bookmark(
                        id=BookmarkId(self.ids.next_id()),
                        account_id=account_id,
                        post_id=post.id,
                        created_at=self._now(),
                    )
                )
        return post

    def unbookmark(self, account_id: AccountId, post_id: PostId) -> bool:
        """Remove a bookmark (of a repost's original, for a repost). Idempotent.

        Returns:
            Whether a bookmark was removed.
        """
        with self._writing() as (uow, _events):
            target = uow.posts.find(post_id)
            root_id = target.root_id if target is not None else post_id
            return uow.bookmarks.remove(account_id, root_id) is not None

    def bookmarks(
        self,
        account_id: AccountId,
        *,
        max_id: int | None = None,
        since_id: int | None = None,
        min_id: int | None = None,
        limit: int = 20,
    ) -> BookmarkPage:
        """Return a page of the account's bookmarked posts, newest bookmark first.

        Bookmarks are private: this reads only ``account_id``'s own. Pages run by
        bookmark id, with Mastodon's ``max_id`` / ``since_id`` / ``min_id``; a
        bookmarked post the account may no longer see (a block, a changed
        follow) is left out, but the cursors step over it.

        Raises:
            NotFoundError: No such account.
            ValidationError: A bad limit (1 to 40) or cursor.
        """
        _checks.limit(limit, "limit", 40)
        with self._reading() as uow:
            uow.accounts.get(account_id)
            if min_id is not None:
                found = list(
                    uow.bookmarks.page(
                        account_id, max_id=max_id, min_id=min_id, limit=limit, ascending=True
                    )
                )
                found.reverse()
            else:
                found = list(
                    uow.bookmarks.page(account_id, max_id=max_id, min_id=since_id, limit=limit)
                )
            viewer = lookup_viewer(uow, account_id, self._now())
            posts = uow.posts.get_many(b.post_id for b in found)
            items = tuple(
                post
                for b in found
                if (post := posts.get(b.post_id)) is not None and self._sees(uow, viewer, post)
            )
        return BookmarkPage(
            items=items,
            next_max_id=found[-1].id if found else None,
            prev_min_id=found[0].id if found else None,
        )

    def _owned_filter(self, uow: UnitOfWork, account_id: AccountId, filter_id: int) -> Filter:
        found = uow.filters.find(filter_id)
        if found is None or found.account_id != account_id:
            raise NotFoundError("filter", filter_id)
        return found

    def _filter_posts(
        self, uow: UnitOfWork, account_id: AccountId, post_ids: Iterable[PostId]
    ) -> tuple[PostId, ...]:
        """The originals of posts the owner may see, once each, in order."""
        viewer = lookup_viewer(uow, account_id, self._now())
        kept: dict[PostId, None] = {}
        for post_id in _checks.iterable(post_ids, "post_ids", "ids"):
            post = self._visible_post(uow, cast("PostId", post_id), viewer)
            kept.setdefault(post.root_id, None)
        return tuple(kept)

    def _expiry(self, expires_in: object) -> datetime | None:
        if expires_in is None:
            return None
        try:
            if isinstance(expires_in, timedelta):
                span = _checks.duration(expires_in, "expires_in")
            else:  # Mastodon's expires_in is a number of seconds
                span = timedelta(seconds=_checks.positive(expires_in, "expires_in"))
            return self._now() + span
        except OverflowError:
            raise ValidationError(
                f"expires_in is too long: {_checks.quote(expires_in)} reaches past the year 9999",
                field="expires_in",
                value=expires_in,
            ) from None

    def create_filter(
        self,
        account_id: AccountId,
        title: str,
        *,
        contexts: Iterable[FilterContext | str],
        action: FilterAction | str = FilterAction.WARN,
        keywords: Iterable[str | FilterKeyword] = (),
        post_ids: Iterable[PostId] = (),
        expires_in: timedelta | float | None = None,
    ) -> Filter:
        """Create a keyword filter (Mastodon's ``POST /api/v2/filters``).

        Args:
            account_id: The owner.
            title: A name for the filter.
            contexts: Where it applies: ``home``, ``notifications``, ``public``,
                ``thread``, ``account`` (at least one).
            action: ``warn`` (mark matched items) or ``hide`` (leave them out).
            keywords: Keywords; a str is a whole-word keyword, a
                :class:`~microblog_core.models.FilterKeyword` says which.
            post_ids: Specific posts to match (the owner must see them; a
                repost stands for its original).
            expires_in: How long it applies (a ``timedelta`` or seconds); None for ever.

        Returns:
            The filter.

        Raises:
            NotFoundError: No such account, or a post the owner may not see.
            ValidationError: A bad title, context, action, keyword or duration.
        """
        with self._writing() as (uow, _events):
            uow.accounts.get(account_id)
            created = Filter(
                id=FilterId(self.ids.next_id()),
                account_id=account_id,
                title=title,
                contexts=_filter_contexts(contexts),
                action=_checks.enum_member(action, FilterAction, "action"),
                expires_at=self._expiry(expires_in),
                keywords=_filter_keywords(keywords),
                post_ids=self._filter_posts(uow, account_id, post_ids),
                created_at=self._now(),
            )
            uow.filters.add(created)
        return created

    def update_filter(
        self,
        account_id: AccountId,
        filter_id: int,
        *,
        title: str = _UNSET,
        contexts: Iterable[FilterContext | str] = _UNSET,
        action: FilterAction | str = _UNSET,
        keywords: Iterable[str | FilterKeyword] = _UNSET,
        post_ids: Iterable[PostId] = _UNSET,
        expires_in: timedelta | float | None = _UNSET,
    ) -> Filter:
        """Change a filter (Mastodon's ``PUT /api/v2/filters/:id``); what is not given stays.

        ``keywords`` and ``post_ids``, when given, replace the filter's; to add
        or take out one, see :meth:`add_filter_keyword` and the like.
        ``expires_in=None`` makes the filter apply for ever.

        Returns:
            The filter as changed.

        Raises:
            NotFoundError: The account has no such filter, or a post it may not see.
            ValidationError: A bad value, as for :meth:`create_filter`.
        """
        with self._writing() as (uow, _events):
            current = self._owned_filter(uow, account_id, filter_id)
            changes: dict[str, Any] = {}
            if title is not _UNSET:
                changes["title"] = title
            if contexts is not _UNSET:
                changes["contexts"] = _filter_contexts(contexts)
            if action is not _UNSET:
                changes["action"] = _checks.enum_member(action, FilterAction, "action")
            if keywords is not _UNSET:
                changes["keywords"] = _filter_keywords(keywords)
            if post_ids is not _UNSET:
                changes["post_ids"] = self._filter_posts(uow, account_id, post_ids)
            if expires_in is not _UNSET:
                changes["expires_at"] = self._expiry(expires_in)
            updated = attrs.evolve(current, **changes)
            uow.filters.update(updated)
        return updated

    def add_filter_keyword(
        self, account_id: AccountId, filter_id: int, keyword: str, *, whole_word: bool = True
    ) -> Filter:
        """Add a keyword to a filter (Mastodon's ``POST /api/v2/filters/:id/keywords``).

        Raises:
            NotFoundError: The account has no such filter.
            ValidationError: A blank keyword, or one the filter has (case-insensitively).
        """
        added = FilterKeyword(keyword=keyword, whole_word=whole_word)
        with self._writing() as (uow, _events):
            current = self._owned_filter(uow, account_id, filter_id)
            updated = attrs.evolve(current, keywords=(*current.keywords, added))
            uow.filters.update(updated)
        return updated

    def remove_filter_keyword(self, account_id: AccountId, filter_id: int, keyword: str) -> bool:
        """Take a keyword (compared case-insensitively) out of a filter. Idempotent.

        Returns:
            Whether the filter had it.

        Raises:
            NotFoundError: The account has no such filter.
        """
        folded = _checks.text(keyword, "keyword").casefold()
        with self._writing() as (uow, _events):
            current = self._owned_filter(uow, account_id, filter_id)
            kept = tuple(k for k in current.keywords if k.keyword.casefold() != folded)
            if len(kept) == len(current.keywords):
                return False
            uow.filters.update(attrs.evolve(current, keywords=kept))
        return True

    def add_filter_post(self, account_id: AccountId, filter_id: int, post_id: PostId) -> Filter:
        """Make a filter match one more post (Mastodon's ``POST /api/v2/filters/:id/statuses``).

        Raises:
            NotFoundError: The account has no such filter, or may not see the post.
        """
        with self._writing() as (uow, _events):
            current = self._owned_filter(uow, account_id, filter_id)
            (root,) = self._filter_posts(uow, account_id, (post_id,))
            if root in current.post_ids:
                return current
            updated = attrs.evolve(current, post_ids=(*current.post_ids, root))
            uow.filters.update(updated)
        return updated

    def remove_filter_post(self, account_id: AccountId, filter_id: int, post_id: PostId) -> bool:
        """Stop a filter matching a post (a repost stands for its original). Idempotent.

        Returns:
            Whether the filter named the post.

        Raises:
            NotFoundError: The account has no such filter.
        """
        with self._writing() as (uow, _events):
            current = self._owned_filter(uow, account_id, filter_id)
            target = uow.posts.find(post_id)
            root = target.root_id if target is not None else post_id
            kept = tuple(p for p in current.post_ids if p != root)
            if len(kept) == len(current.post_ids):
                return False
            uow.filters.update(attrs.evolve(current, post_ids=kept))
        return True

    def delete_filter(self, account_id: AccountId, filter_id: int) -> bool:
        """Delete one of the account's filters. Idempotent.

        Returns:
            Whether a filter was deleted (another account's filter is never touched).
        """
        with self._writing() as (uow, _events):
            return uow.filters.remove(account_id, filter_id) is not None

    def filters(self, account_id: AccountId) -> tuple[Filter, ...]:
        """Return the account's filters, oldest first, expired ones included.

        Raises:
            NotFoundError: No such account.
        """
        with self._reading() as uow:
            uow.accounts.get(account_id)
            return tuple(uow.filters.of_account(account_id))

    def get_filter(self, account_id: AccountId, filter_id: int) -> Filter:
        """Return one of the account's filters.

        Raises:
            NotFoundError: The account has no such filter (another's is not found either).
        """
        with self._reading() as uow:
            return self._owned_filter(uow, account_id, filter_id)

    def _filter_set(self, viewer_id: AccountId | None, context: FilterContext) -> FilterSet | None:
        """The viewer's filters active now in ``context``, or None when there are none."""
        if viewer_id is None:
            return None
        with self._reading() as uow:
            return self._filters_in(uow, viewer_id, context)

    def _filters_in(
        self, uow: UnitOfWork, viewer_id: AccountId, context: FilterContext
    ) -> FilterSet | None:
        """:meth:`_filter_set`, read through an open unit."""
        owned = uow.filters.of_account(viewer_id)
        if not owned:  # the common case: no clock read, nothing compiled
            return None
        found = FilterSet(owned, context, self._now(), viewer_id)
        return found if found else None

    def filter_page(
        self, page: TimelinePage, viewer_id: AccountId | None, context: FilterContext
    ) -> TimelinePage:
        """Apply the viewer's keyword filters of ``context`` to a timeline page.

        Items a ``hide`` filter matches leave the page; the rest carry their
        ``warn`` matches in :attr:`~microblog_core.timelines.TimelinePage.filtered`.
        The cursors stay those of the unfiltered page. Every timeline of this
        service calls it; a read model built outside (a list timeline) calls
        it with its context.

        Args:
            page: The page as built.
            viewer_id: Whose filters (None: nobody's, the page is returned as is).
            context: The context the page is shown in.
        """
        return self._filtered(page, self._filter_set(viewer_id, context))

    def _filtered(self, page: TimelinePage, filters: FilterSet | None) -> TimelinePage:
        """The page with ``filters`` applied (see :meth:`filter_page`)."""
        if filters is None or not page.items:
            return page
        kept, marks, roots = self._apply_filters(filters, page.items, page.roots)
        return TimelinePage(
            items=tuple(kept),
            roots=roots,
            next_max_id=page.next_max_id,
            prev_min_id=page.prev_min_id,
            filtered=marks,
        )

    @staticmethod
    def _apply_filters(
        filters: FilterSet, items: Iterable[Post], roots: Mapping[PostId, Post]
    ) -> tuple[list[Post], dict[PostId, tuple[FilterResult, ...]], dict[PostId, Post]]:
        """The items no ``hide`` filter matched, their ``warn`` marks, and their originals."""
        kept: list[Post] = []
        marks: dict[PostId, tuple[FilterResult, ...]] = {}
        for item in items:
            ref = item.repost_of
            results = filters.match(item, None if ref is None else roots.get(ref.root_id))
            if results and hides(results):
                continue
            if results:
                marks[item.id] = results
            kept.append(item)
        needed = {p.repost_of.root_id for p in kept if p.repost_of is not None}
        return kept, marks, {k: v for k, v in roots.items() if k in needed}

    def _filter_notifications(
        self, page: NotificationPage, account_id: AccountId
    ) -> NotificationPage:
        filters = self._filter_set(account_id, FilterContext.NOTIFICATIONS)
        if filters is None:
            return page
        about = {n.post_id for n in page.items} | {g.post_id for g in page.groups}
        about.discard(None)
        with self._reading() as uow:
            posts = uow.posts.get_many(cast("set[PostId]", about))
            roots = uow.posts.get_many(
                p.repost_of.root_id for p in posts.values() if p.repost_of is not None
            )
        marks: dict[PostId, tuple[FilterResult, ...]] = {}
        hidden: set[PostId] = set()
        for post_id, post in posts.items():
            ref = post.repost_of
            results = filters.match(post, None if ref is None else roots.get(ref.root_id))
            if results and hides(results):
                hidden.add(post_id)
            elif results:
                marks[post_id] = results
        return attrs.evolve(
            page,
            items=tuple(n for n in page.items if n.post_id not in hidden),
            groups=tuple(g for g in page.groups if g.post_id not in hidden),
            filtered=marks,
        )

    # -- polls ------------------------------------------------------------------

    @staticmethod
    def _poll_of(post: Post) -> Poll:
        for attachment in post.attachments:
            if isinstance(attachment, Poll):
                return attachment
        raise NotFoundError("poll", post.id, f"post {post.id} carries no poll")

    def vote(self, account_id: AccountId, post_id: PostId, choices: Iterable[int]) -> PollVote:
        """Vote in the poll of a post (Mastodon's ``POST /api/v1/polls/:id/votes``).

        Args:
            account_id: The voter.
            post_id: The post carrying the poll.
            choices: Option indexes from 0; exactly one unless the poll allows several.

        Returns:
            The vote.

        Raises:
            NotFoundError: No such account, post (or not visible to the voter), or poll.
            PermissionDeniedError: ``own_poll``, ``poll_expired`` or ``blocked``.
            ConflictError: The account already voted in this poll.
            ValidationError: The choices are empty, repeated, out of range, or
                several for a single-choice poll.
        """
        picked = tuple(
            _checks.count(c, "choices") for c in _checks.iterable(choices, "choices", "indexes")
        )
        with self._writing() as (uow, events):
            uow.accounts.get(account_id)
            post = self._target_post(uow, post_id, account_id, "vote")
            poll = self._poll_of(post)
            now = self._now()
            if post.author_id == account_id:
                raise PermissionDeniedError(
                    "an author cannot vote in its own poll", action="vote", rule="own_poll"
                )
            if now >= poll.expires_at:
                raise PermissionDeniedError(
                    f"the poll of post {post.id} ended at {poll.expires_at.isoformat()}",
                    action="vote",
                    rule="poll_expired",
                )
            if (
                not picked
                or len(set(picked)) != len(picked)
                or max(picked) >= len(poll.options)
                or (len(picked) > 1 and not poll.multiple)
            ):
                allowed = "one or more" if poll.multiple else "exactly one"
                raise ValidationError(
                    f"choose {allowed} of the option indexes 0 to {len(poll.options) - 1}, "
                    f"each once; got {_checks.quote(picked)}",
                    field="choices",
                    value=picked,
                )
            vote = PollVote(
                account_id=account_id,
                post_id=post.id,
                choices=tuple(sorted(picked)),
                created_at=now,
            )
            uow.polls.add_vote(vote)
            events.append(Voted(vote=vote, occurred_at=now))
        return vote

    def poll_results(self, post_id: PostId, *, viewer_id: AccountId | None = None) -> PollResults:
        """Return the poll of a post as ``viewer_id`` sees it.

        Raises:
            NotFoundError: No such post, the viewer may not see it, or it carries no poll.
        """
        with self._reading() as uow:
            post = self._visible_post(uow, post_id, lookup_viewer(uow, viewer_id))
            poll = self._poll_of(post)
            expired = self._now() >= poll.expires_at
            hidden = poll.hide_totals and not expired and viewer_id != post.author_id
            counts = uow.polls.counts(post.id)
            own = uow.polls.get_vote(viewer_id, post.id) if viewer_id is not None else None
            return PollResults(
                post_id=post.id,
                options=poll.options,
                counts=None
                if hidden
                else tuple(counts.get(i, 0) for i in range(len(poll.options))),
                voters=None if hidden else uow.polls.voter_count(post.id),
                expires_at=poll.expires_at,
                expired=expired,
                multiple=poll.multiple,
                own_choices=None if own is None else own.choices,
            )

    def close_expired_polls(self, *, limit: int = 1000) -> tuple[PostId, ...]:
        """Close the polls whose time is up, telling their voters and authors (kind ``poll``).

        A poll stops taking votes at its ``expires_at`` whatever happens here;
        this use case is when its end is announced, as Mastodon's
        ``PollExpirationNotifyWorker`` does. Run it on a schedule (a cron job, a
        simulation step); it is deterministic: it closes, oldest expiry first,
        the polls expired at the service clock's current instant.

        Args:
            limit: Close at most this many polls in one call.

        Returns:
            The posts whose polls were closed, soonest expiry first.
        """
        _checks.limit(limit, "limit")
        with self._writing() as (uow, events):
            now = self._now()
            due = tuple(uow.polls.due(now, limit=limit))
            for post_id in due:
                uow.polls.close(post_id)
                post = uow.posts.find(post_id)
                if post is not None:
                    events.append(
                        PollEnded(post_id=post_id, author_id=post.author_id, occurred_at=now)
                    )
        return due

    # -- lists and followed hashtags ------------------------------------------

    @staticmethod
    def _leave_lists(
        uow: UnitOfWork,
        events: list[Event],
        owner_id: AccountId,
        member_id: AccountId,
        now: datetime,
    ) -> None:
        """Take ``member_id`` off every list of ``owner_id`` (it no longer follows it)."""
        for account_list in uow.lists.containing(member_id, owner_id=owner_id):
            uow.lists.remove_member(account_list.id, member_id)
            events.append(
                ListMembersRemoved(
                    account_list=account_list, account_ids=(member_id,), occurred_at=now
                )
            )

    def create_list(
        self,
        owner_id: AccountId,
        title: str,
        *,
        replies_policy: RepliesPolicy | str = RepliesPolicy.LIST,
        exclusive: bool = False,
    ) -> AccountList:
        """Make a list (Mastodon's ``POST /api/v1/lists``).

        Args:
            owner_id: Whose list.
            title: Its name, not blank.
            replies_policy: Which replies its timeline shows: ``followed``,
                ``list`` (the default) or ``none``.
            exclusive: Leave its members' posts out of the owner's home timeline.

        Returns:
            The new list.

        Raises:
            NotFoundError: No such account.
            PermissionDeniedError: ``list_limit`` (50 lists, as Mastodon).
            ValidationError: A blank or too long title, an unknown policy.
        """
        policy = _checks.enum_member(replies_policy, RepliesPolicy, "replies_policy")
        flag = _checks.flag(exclusive, "exclusive")
        with self._writing() as (uow, events):
            uow.accounts.get(owner_id)
            if len(uow.lists.lists_of(owner_id)) >= MAX_LISTS:
                raise PermissionDeniedError(
                    f"an account may own at most {MAX_LISTS} lists",
                    action="create_list",
                    rule="list_limit",
                )
            list_id = ListId(self.ids.next_id())
            while uow.accounts.find(AccountId(list_id)) is not None:
                # A list's feed shares the feed key space with accounts (see timelines.fanout).
                list_id = ListId(self.ids.next_id())
            account_list = AccountList(
                id=list_id,
                owner_id=owner_id,
                title=title,
                replies_policy=policy,
                exclusive=flag,
            )
            uow.lists.add(account_list)
            events.append(ListCreated(account_list=account_list, occurred_at=self._now()))
        return account_list

    def update_list(
        self,
        owner_id: AccountId,
        list_id: ListId,
        *,
        title: str = _UNSET,
        replies_policy: RepliesPolicy | str = _UNSET,
        exclusive: bool = _UNSET,
    ) -> AccountList:
        """Change a list's title, replies policy or exclusivity; only the arguments given change.

        Raises:
            NotFoundError: No such list of the owner's.
            ValidationError: A blank or too long title, an unknown policy.
        """
        changes: dict[str, Any] = {}
        if title is not _UNSET:
            changes["title"] = title
        if replies_policy is not _UNSET:
            changes["replies_policy"] = _checks.enum_member(
                replies_policy, RepliesPolicy, "replies_policy"
            )
        if exclusive is not _UNSET:
            changes["exclusive"] = _checks.flag(exclusive, "exclusive")
        with self._writing() as (uow, events):
            updated = attrs.evolve(owned_list(uow, owner_id, list_id), **changes)
            uow.lists.update(updated)
            events.append(ListUpdated(account_list=updated, occurred_at=self._now()))
        return updated

    def delete_list(self, owner_id: AccountId, list_id: ListId) -> AccountList:
        """Delete a list and its members (Mastodon's ``DELETE /api/v1/lists/:id``).

        Returns:
            The deleted list.

        Raises:
            NotFoundError: No such list of the owner's.
        """
        with self._writing() as (uow, events):
            account_list = owned_list(uow, owner_id, list_id)
            uow.lists.remove(account_list.id)
            events.append(ListDeleted(account_list=account_list, occurred_at=self._now()))
        return account_list

    def lists(self, owner_id: AccountId) -> tuple[AccountList, ...]:
        """Return the owner's lists, oldest first.

        Raises:
            NotFoundError: No such account.
        """
        with self._reading() as uow:
            uow.accounts.get(owner_id)
            return tuple(uow.lists.lists_of(owner_id))

    def get_list(self, owner_id: AccountId, list_id: ListId) -> AccountList:
        """Return one of the owner's lists.

        Raises:
            NotFoundError: No such list of the owner's.
        """
        with self._reading() as uow:
            return owned_list(uow, owner_id, list_id)

    def lists_with(self, owner_id: AccountId, account_id: AccountId) -> tuple[AccountList, ...]:
        """Return the owner's lists holding ``account_id`` (Mastodon's ``GET /accounts/:id/lists``).

        Raises:
            NotFoundError: No such account.
        """
        with self._reading() as uow:
            uow.accounts.get(owner_id)
            return tuple(uow.lists.containing(account_id, owner_id=owner_id))

    def add_to_list(
        self, owner_id: AccountId, list_id: ListId, account_ids: Iterable[AccountId]
    ) -> tuple[AccountId, ...]:
        """Put accounts the owner follows on a list; all or none.

        Mastodon's ``POST /api/v1/lists/:id/accounts``: only followed accounts
        may join, each once.

        Args:
            owner_id: The list's owner.
            list_id: The list.
            account_ids: The accounts to add (repeats count once).

        Returns:
            The accounts added, in the order given.

        Raises:
            NotFoundError: No such list of the owner's, or no such account.
            ValidationError: The owner does not follow an account, or no account is given.
            ConflictError: An account is on the list already.
        """
        wanted = tuple(
            dict.fromkeys(
                AccountId(_checks.stored_id(a, "account_ids"))
                for a in _checks.iterable(account_ids, "account_ids", "account ids")
            )
        )
        if not wanted:
            raise ValidationError(
                "add at least one account to the list", field="account_ids", value=account_ids
            )
        with self._writing() as (uow, events):
            account_list = owned_list(uow, owner_id, list_id)
            for account_id in wanted:
                uow.accounts.get(account_id)
                if uow.relations.get_follow(owner_id, account_id) is None:
                    raise ValidationError(
                        f"account {owner_id} does not follow account {account_id}; "
                        "a list holds only followed accounts",
                        field="account_ids",
                        value=account_id,
                    )
                uow.lists.add_member(account_list.id, account_id)
            events.append(
                ListMembersAdded(
                    account_list=account_list, account_ids=wanted, occurred_at=self._now()
                )
            )
        return wanted

    def remove_from_list(
        self, owner_id: AccountId, list_id: ListId, account_ids: Iterable[AccountId]
    ) -> tuple[AccountId, ...]:
        """Take accounts off a list; accounts not on it are left alone.

        Returns:
            The accounts removed, in the order given.

        Raises:
            NotFoundError: No such list of the owner's.
        """
        given = tuple(
            dict.fromkeys(
                AccountId(_checks.lookup_id(a, "account_ids"))
                for a in _checks.iterable(account_ids, "account_ids", "account ids")
            )
        )
        with self._writing() as (uow, events):
            account_list = owned_list(uow, owner_id, list_id)
            removed = tuple(a for a in given if uow.lists.remove_member(account_list.id, a))
            if removed:
                events.append(
                    ListMembersRemoved(
                        account_list=account_list, account_ids=removed, occurred_at=self._now()
                    )
                )
        return removed

    def list_members(
        self,
        owner_id: AccountId,
        list_id: ListId,
        *,
        after: AccountId | None = None,
        limit: int = 40,
    ) -> AccountPage:
        """Return a page of a list's members, by account id.

        Raises:
            NotFoundError: No such list of the owner's.
            ValidationError: A bad limit or cursor.
        """
        limit = _checks.limit(limit, "limit", maximum=80)
        with self._reading() as uow:
            account_list = owned_list(uow, owner_id, list_id)
            ids = uow.lists.members(account_list.id, after=after, limit=limit)
            return _account_page(uow, ids, limit)

    def list_timeline(
        self,
        owner_id: AccountId,
        list_id: ListId,
        *,
        max_id: PostId | None = None,
        since_id: PostId | None = None,
        min_id: PostId | None = None,
        limit: int = 20,
    ) -> TimelinePage:
        """Return a page of a list's timeline, with Mastodon's paging.

        The service's timeline strategy builds it, as it builds home timelines,
        and the owner's keyword filters of the ``home`` context apply (a list
        column is ``home`` in Mastodon's web client).

        Raises:
            NotFoundError: No such list of the owner's.
            ValidationError: A bad limit or cursor.
        """
        page = self.timeline.list_timeline(
            self, owner_id, list_id, limit=limit, max_id=max_id, since_id=since_id, min_id=min_id
        )
        return self.filter_page(page, owner_id, FilterContext.HOME)

    def follow_tag(self, account_id: AccountId, tag: str) -> str:
        """Follow a hashtag: its public posts enter the account's home timeline. Idempotent.

        Args:
            account_id: Who follows it.
            tag: The hashtag, with or without ``#``, any case.

        Returns:
            The tag as stored (casefolded, without ``#``).

        Raises:
            NotFoundError: No such account.
            ValidationError: ``tag`` names no hashtag.
        """
        name = _checks.hashtag(tag)
        with self._writing() as (uow, events):
            uow.accounts.get(account_id)
            if uow.tag_follows.add(account_id, name):
                events.append(TagFollowed(account_id=account_id, tag=name, occurred_at=self._now()))
        return name

    def unfollow_tag(self, account_id: AccountId, tag: str) -> bool:
        """Stop following a hashtag. Idempotent.

        Returns:
            Whether the account followed it.

        Raises:
            NotFoundError: No such account.
            ValidationError: ``tag`` names no hashtag.
        """
        name = _checks.hashtag(tag)
        with self._writing() as (uow, events):
            uow.accounts.get(account_id)
            removed = uow.tag_follows.remove(account_id, name)
            if removed:
                events.append(
                    TagUnfollowed(account_id=account_id, tag=name, occurred_at=self._now())
                )
        return removed

    def followed_tags(
        self, account_id: AccountId, *, after: str | None = None, limit: int = 100
    ) -> tuple[str, ...]:
        """Return the hashtags the account follows, alphabetically, after the cursor.

        Raises:
            NotFoundError: No such account.
            ValidationError: A bad limit or cursor.
        """
        limit = _checks.limit(limit, "limit", maximum=200)
        cursor = None if after is None else _checks.hashtag(after, "after")
        with self._reading() as uow:
            uow.accounts.get(account_id)
            return tuple(uow.tag_follows.tags_of(account_id, after=cursor, limit=limit))


# Every writing use case runs again whole on a transient storage error (see _retry).
wrap_use_cases(
    Microblog,
    (
        "approve_follow",
        "block",
        "delete_post",
        "follow",
        "hide_reply",
        "like",
        "mute",
        "post",
        "register",
        "reject_follow",
        "reply",
        "repost",
        "set_reply_gate",
        "unblock",
        "unfollow",
        "unlike",
        "unmute",
        "unrepost",
        "update_profile",
        "edit_post",
        "pin",
        "unpin",
        "vote",
        "close_expired_polls",
        "mark_notifications_read",
        "set_notification_policy",
        "accept_notification_request",
        "dismiss_notification_request",
        "bookmark",
        "unbookmark",
        "create_filter",
        "update_filter",
        "add_filter_keyword",
        "remove_filter_keyword",
        "add_filter_post",
        "remove_filter_post",
        "delete_filter",
        "create_list",
        "update_list",
        "delete_list",
        "add_to_list",
        "remove_from_list",
        "follow_tag",
        "unfollow_tag",
    ),
)
# A home page on PostgreSQL runs its first statement outside a transaction, and raises
# TransientStorageError in the rare case that what it read changed before it read on
# (see PostgresUnitOfWork._read_detached): it runs again whole too.
wrap_use_cases(Microblog, ("home_timeline",))
