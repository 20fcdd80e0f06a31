"""Ports: the repository protocols the domain core talks to storage through.

The service never imports an adapter. It opens a :class:`UnitOfWork`, reads
and writes through the repositories the unit exposes, and commits. Every
protocol's docstring states what an implementation must guarantee; the
contract suite in :mod:`microblog_core.testing.contracts` checks each
guarantee, and both built-in adapters pass it.

Conventions shared by every repository:

- Methods take and return domain values (:mod:`microblog_core.models`), never rows.
- ``get`` raises :class:`~microblog_core.errors.NotFoundError`; ``find`` returns None.
- Writes that would break uniqueness raise :class:`~microblog_core.errors.ConflictError`
  (or a leaf of it) and change nothing.
- Pages of posts run newest first (id descending). ``max_id`` and ``min_id``
  are exclusive bounds: a page holds ids strictly below ``max_id`` and strictly
  above ``min_id``. ``limit`` is at least 1.
- Pages of relations run in account-id order, ascending, and ``after`` is the
  exclusive cursor (the last account id of the previous page).
- Every write is visible to later reads in the same unit, and to other units
  only after :meth:`UnitOfWork.commit`.
- A ``limit`` or ``cap`` below 1, and a value or id of the wrong type, raise
  :class:`~microblog_core.errors.ValidationError`.
- ``commit()`` and ``rollback()`` do not end a unit: later writes in it roll
  back when it ends unless committed again.
- A read-only unit refuses writes with :class:`~microblog_core.errors.StorageError`.
- A unit used before it is entered or after it ended, a repository taken from
  such a unit, or a unit of a closed store raises a
  :class:`~microblog_core.errors.MicroblogError`.
"""

from collections.abc import Collection, Iterable, Iterator, Sequence
from datetime import datetime
from types import TracebackType
from typing import Protocol, Self, runtime_checkable

from microblog_core.ids import AccountId, ListId, PostId
from microblog_core.models import (
    Account,
    AccountCounters,
    AccountList,
    Block,
    Bookmark,
    Event,
    Filter,
    Follow,
    FollowRequest,
    Like,
    Mute,
    Notification,
    NotificationGroupHead,
    NotificationKind,
    NotificationPolicy,
    NotificationRequest,
    Pin,
    PollVote,
    Post,
    PostCounters,
    PostVersion,
)

__all__ = [
    "DEFAULT_FEED_CAP",
    "AccountRepository",
    "BookmarkRepository",
    "EarlierReposts",
    "EngagementRepository",
    "FeedRepository",
    "FilterRepository",
    "FollowOptionsHint",
    "HomeQuery",
    "ListRepository",
    "MergedStreams",
    "NotificationRepository",
    "PinRepository",
    "PollRepository",
    "PostHistoryRepository",
    "PostRepository",
    "Projector",
    "ReadPort",
    "RelationRepository",
    "Store",
    "TagFollowRepository",
    "UnitOfWork",
    "UnitOfWorkFactory",
    "offers",
]

DEFAULT_FEED_CAP = 800
"""Home feed entries kept per reader (Mastodon keeps 800)."""


class AccountRepository(Protocol):
    """Accounts by id and by handle.

    Guarantees:
        - Handles are unique case-insensitively (by ``str.casefold``): ``add`` or
          ``update`` to a taken handle raises ``DuplicateHandleError``.
        - ``add`` of an existing id raises ``ConflictError``.
        - ``counters`` reflect follows and posts written in the same unit.
    """

    def add(self, account: Account) -> None:
        """Store a new account.

        Raises:
            DuplicateHandleError: The handle is taken (case-insensitively).
            ConflictError: The id is taken.
        """
        ...

    def update(self, account: Account) -> None:
        """Replace a stored account (same id) with a new state.

        Raises:
            NotFoundError: No account has that id.
            DuplicateHandleError: The new handle belongs to another account.
        """
        ...

    def get(self, account_id: AccountId) -> Account:
        """Return the account.

        Raises:
            NotFoundError: No account has that id.
        """
        ...

    def find(self, account_id: AccountId) -> Account | None:
        """Return the account, or None."""
        ...

    def by_handle(self, handle: str) -> Account | None:
        """Return the account whose handle equals ``handle`` case-insensitively, or None."""
        ...

    def get_many(self, account_ids: Iterable[AccountId]) -> dict[AccountId, Account]:
        """Return the accounts that exist among ``account_ids``, by id."""
        ...

    def page(self, *, after: AccountId | None = None, limit: int = 100) -> Sequence[Account]:
        """Return up to ``limit`` accounts with id greater than ``after``, ascending."""
        ...

    def count(self) -> int:
        """Return how many accounts are stored."""
        ...

    def counters(self, account_id: AccountId) -> AccountCounters:
        """Return followers, following and posts counts (zeros for an unknown id)."""
        ...


class PostRepository(Protocol):
    """Posts, reposts, replies and quotes.

    Guarantees:
        - ``add`` raises ``ConflictError`` for a taken id, ``DuplicateRepostError``
          when the author already reposted the same root, and ``NotFoundError``
          when the author does not exist.
        - Author streams are in id order; ``stream`` is lazy, so reading the
          first items of a long stream costs little.
        - Counters are kept in step by ``add`` and ``remove``: the root of a
          repost counts it in ``reposts``, the parent of a reply in ``replies``,
          the quoted post in ``quotes``, the author in ``posts``. ``likes`` are
          kept by the :class:`EngagementRepository` of the same store.
        - ``remove`` deletes the post's likes too; replies and reposts of it are
          left to the caller (the service removes reposts; replies stay).
    """

    def add(self, post: Post) -> None:
        """Store a new post.

        Raises:
            ConflictError: The id is taken.
            DuplicateRepostError: The author already reposted ``post.repost_of.root_id``.
            NotFoundError: The author does not exist.
        """
        ...

    def update(self, post: Post) -> None:
        """Replace a stored post (same id, same author and kind) with a new state.

        Only the mutable facets change (``hidden``, ``reply_gate``,
        ``quote_policy``, text edits); counters do not move.

        Raises:
            NotFoundError: No post has that id.
            ValidationError: The new state changes the author, ``reply_to``,
                ``repost_of`` or ``quote_of``.
        """
        ...

    def remove(self, post_id: PostId) -> Post:
        """Delete a post and its likes, fix the counters, and return the deleted post.

        Raises:
            NotFoundError: No post has that id.
        """
        ...

    def get(self, post_id: PostId) -> Post:
        """Return the post.

        Raises:
            NotFoundError: No post has that id.
        """
        ...

    def find(self, post_id: PostId) -> Post | None:
        """Return the post, or None."""
        ...

    def get_many(self, post_ids: Iterable[PostId]) -> dict[PostId, Post]:
        """Return the posts that exist among ``post_ids``, by id."""
        ...

    def by_author(
        self,
        author_id: AccountId,
        *,
        max_id: PostId | None = None,
        min_id: PostId | None = None,
        limit: int = 20,
    ) -> Sequence[Post]:
        """Return the author's posts (reposts included) newest first, within the bounds."""
        ...

    def stream(
        self,
        author_id: AccountId,
        *,
        max_id: PostId | None = None,
        min_id: PostId | None = None,
        ascending: bool = False,
    ) -> Iterator[Post]:
        """Iterate lazily over the author's posts within the bounds.

        Newest first by default; oldest first with ``ascending=True`` (used for
        Mastodon's ``min_id`` pages). This is the stream timelines merge.
        """
        ...

    def replies_to(self, post_id: PostId, *, limit: int | None = None) -> Sequence[Post]:
        """Return the direct replies to a post, oldest first."""
        ...

    def in_thread(self, root_id: PostId) -> Sequence[Post]:
        """Return every reply whose thread root is ``root_id``, oldest first."""
        ...

    def reposts_of(self, root_id: PostId, *, limit: int | None = None) -> Sequence[Post]:
        """Return the reposts of a root post, oldest first."""
        ...

    def repost_by(self, account_id: AccountId, root_id: PostId) -> Post | None:
        """Return ``account_id``'s repost of ``root_id``, or None."""
        ...

    def quotes_of(self, post_id: PostId, *, limit: int | None = None) -> Sequence[Post]:
        """Return the posts quoting ``post_id``, oldest first."""
        ...

    def with_tag(
        self,
        tag: str,
        *,
        max_id: PostId | None = None,
        min_id: PostId | None = None,
        limit: int = 20,
    ) -> Sequence[Post]:
        """Return posts carrying the hashtag (compared casefolded, without ``#``), newest first."""
        ...

    def mentioning(
        self,
        account_id: AccountId,
        *,
        max_id: PostId | None = None,
        min_id: PostId | None = None,
        limit: int = 20,
    ) -> Sequence[Post]:
        """Return posts whose ``mentions`` include ``account_id``, newest first."""
        ...

    def public(
        self,
        *,
        max_id: PostId | None = None,
        min_id: PostId | None = None,
        limit: int = 20,
        include_replies: bool = False,
        include_reposts: bool = False,
    ) -> Sequence[Post]:
        """Return public-visibility posts of every author, newest first.

        Replies and reposts are left out unless asked for, as in Mastodon's
        public timeline.
        """
        ...

    def scan(self, *, after: PostId | None = None, limit: int = 1000) -> Sequence[Post]:
        """Return up to ``limit`` posts with id greater than ``after``, ascending (for exports)."""
        ...

    def count(self) -> int:
        """Return how many posts are stored."""
        ...

    def counters(self, post_id: PostId) -> PostCounters:
        """Return the post's replies, reposts, quotes and likes (zeros for an unknown id)."""
        ...


class RelationRepository(Protocol):
    """Follows, follow requests, blocks and mutes.

    Guarantees:
        - At most one follow, request, block and mute per ordered pair; adding
          one that exists replaces it (a re-follow updates its options) and
          does not move a counter.
        - ``add_follow`` and ``remove_follow`` keep both accounts' follower and
          following counters in step.
        - Adding any relation whose accounts do not exist raises ``NotFoundError``.
        - ``muted_ids`` and ``get_mute(..., at=...)`` leave out mutes expired at ``at``.
    """

    def add_follow(self, follow: Follow) -> None:
        """Store a follow, or replace the options of an existing one.

        Raises:
            NotFoundError: Either account does not exist.
        """
        ...

    def remove_follow(self, follower_id: AccountId, followee_id: AccountId) -> Follow | None:
        """Delete a follow and return it, or return None if there was none."""
        ...

    def get_follow(self, follower_id: AccountId, followee_id: AccountId) -> Follow | None:
        """Return the follow, or None."""
        ...

    def followers_of(
        self, account_id: AccountId, *, after: AccountId | None = None, limit: int = 100
    ) -> Sequence[Follow]:
        """Return follows of ``account_id``, by follower id ascending, after the cursor."""
        ...

    def following_of(
        self, account_id: AccountId, *, after: AccountId | None = None, limit: int = 100
    ) -> Sequence[Follow]:
        """Return follows by ``account_id``, by followee id ascending, after the cursor."""
        ...

    def follower_ids(self, account_id: AccountId) -> Collection[AccountId]:
        """Return every follower's id (for fan-out)."""
        ...

    def following_ids(self, account_id: AccountId) -> Collection[AccountId]:
        """Return the id of every account ``account_id`` follows (for the home merge)."""
        ...

    def add_request(self, request: FollowRequest) -> None:
        """Store a follow request, or replace an existing one.

        Raises:
            NotFoundError: Either account does not exist.
        """
        ...

    def remove_request(
        self, follower_id: AccountId, followee_id: AccountId
    ) -> FollowRequest | None:
        """Delete a follow request and return it, or None."""
        ...

    def get_request(self, follower_id: AccountId, followee_id: AccountId) -> FollowRequest | None:
        """Return the pending request, or None."""
        ...

    def requests_for(
        self, account_id: AccountId, *, after: AccountId | None = None, limit: int = 100
    ) -> Sequence[FollowRequest]:
        """Return requests waiting for ``account_id``, by requester id ascending."""
        ...

    def add_block(self, block: Block) -> None:
        """Store a block (replacing an existing one).

        Raises:
            NotFoundError: Either account does not exist.
        """
        ...

    def remove_block(self, blocker_id: AccountId, blocked_id: AccountId) -> Block | None:
        """Delete a block and return it, or None."""
        ...

    def get_block(self, blocker_id: AccountId, blocked_id: AccountId) -> Block | None:
        """Return the block, or None."""
        ...

    def blocked_ids(self, blocker_id: AccountId) -> Collection[AccountId]:
        """Return the ids ``blocker_id`` blocks."""
        ...

    def blocker_ids(self, blocked_id: AccountId) -> Collection[AccountId]:
        """Return the ids of accounts that block ``blocked_id``."""
        ...

    def add_mute(self, mute: Mute) -> None:
        """Store a mute (replacing an existing one).

        Raises:
            NotFoundError: Either account does not exist.
        """
        ...

    def remove_mute(self, muter_id: AccountId, muted_id: AccountId) -> Mute | None:
        """Delete a mute and return it, or None."""
        ...

    def get_mute(
        self, muter_id: AccountId, muted_id: AccountId, *, at: datetime | None = None
    ) -> Mute | None:
        """Return the mute, or None; with ``at``, None also when it has expired by then."""
        ...

    def muted_ids(self, muter_id: AccountId, *, at: datetime) -> Collection[AccountId]:
        """Return the ids ``muter_id`` mutes, leaving out mutes expired at ``at``."""
        ...


class EngagementRepository(Protocol):
    """Likes.

    Guarantees:
        - One like per (account, post): a second ``add_like`` raises ``ConflictError``.
        - ``add_like`` / ``remove_like`` keep the post's ``likes`` counter in step.
        - Adding a like for a missing account or post raises ``NotFoundError``.
    """

    def add_like(self, like: Like) -> None:
        """Store a like.

        Raises:
            ConflictError: The account already likes the post.
            NotFoundError: The account or the post does not exist.
        """
        ...

    def remove_like(self, account_id: AccountId, post_id: PostId) -> Like | None:
        """Delete a like and return it, or None."""
        ...

    def get_like(self, account_id: AccountId, post_id: PostId) -> Like | None:
        """Return the like, or None."""
        ...

    def likes_of(
        self, post_id: PostId, *, after: AccountId | None = None, limit: int = 100
    ) -> Sequence[Like]:
        """Return likes of a post (who liked), by account id ascending, after the cursor."""
        ...


class FeedRepository(Protocol):
    """Per-reader home feeds for fan-out-on-write: capped lists of post ids.

    Guarantees:
        - A feed holds each post id at most once, newest first, and never more
          than the ``cap`` given to the last write (the oldest are trimmed).
        - Entries remember the post's author, so a reader's feed can drop one
          author's entries (unfollow, block, mute).
    """

    def insert(
        self, reader_ids: Iterable[AccountId], post_id: PostId, author_id: AccountId, *, cap: int
    ) -> None:
        """Add one post to each reader's feed (fan-out of one post), trimming to ``cap``."""
        ...

    def merge(
        self, reader_id: AccountId, entries: Iterable[tuple[PostId, AccountId]], *, cap: int
    ) -> None:
        """Add many ``(post_id, author_id)`` entries to one reader's feed, trimming to ``cap``."""
        ...

    def remove_posts(self, reader_ids: Iterable[AccountId], post_ids: Iterable[PostId]) -> None:
        """Drop the given posts from the given readers' feeds."""
        ...

    def remove_author(self, reader_id: AccountId, author_id: AccountId) -> None:
        """Drop every entry by ``author_id`` from the reader's feed."""
        ...

    def read(
        self,
        reader_id: AccountId,
        *,
        max_id: PostId | None = None,
        min_id: PostId | None = None,
        limit: int = 20,
        ascending: bool = False,
    ) -> Sequence[PostId]:
        """Return post ids from the reader's feed within the bounds (newest first by default)."""
        ...

    def size(self, reader_id: AccountId) -> int:
        """Return how many entries the reader's feed holds."""
        ...

    def clear(self, reader_id: AccountId) -> None:
        """Empty the reader's feed (before a rebuild)."""
        ...


@runtime_checkable
class MergedStreams(Protocol):
    """An optional capability of a :class:`PostRepository`: merge many authors' streams at once.

    A repository that offers it returns the same posts, in the same order, as
    merging :meth:`PostRepository.stream` of each author newest first (an
    author named twice counts once), but without one iterator per author.
    Fan-out-on-read uses it when ``isinstance(uow.posts, MergedStreams)``.
    """

    def merged_streams(
        self, author_ids: Iterable[AccountId], *, max_id: PostId | None = None
    ) -> Iterator[Post]:
        """Iterate over every listed author's posts below ``max_id``, newest first."""
        ...


class UnitOfWork(Protocol):
    """One atomic piece of work against a store.

    Use it as a context manager. Writes become visible to other units only
    on :meth:`commit`; leaving the block without committing, or with an
    exception, rolls back every write the unit made. The repositories are
    read-only attributes (plain attributes or properties in an implementation).
    """

    @property
    def accounts(self) -> AccountRepository:
        """The account repository of this unit."""
        ...

    @property
    def posts(self) -> PostRepository:
        """The post repository of this unit."""
        ...

    @property
    def relations(self) -> RelationRepository:
        """The relation repository of this unit."""
        ...

    @property
    def engagement(self) -> EngagementRepository:
        """The engagement repository of this unit."""
        ...

    @property
    def feeds(self) -> FeedRepository:
        """The home-feed repository of this unit."""
        ...

    @property
    def notifications(self) -> "NotificationRepository":
        """The notification repository of this unit."""
        ...

    @property
    def pins(self) -> "PinRepository":
        """The pinned-post repository of this unit."""
        ...

    @property
    def bookmarks(self) -> "BookmarkRepository":
        """The bookmark repository of this unit."""
        ...

    @property
    def filters(self) -> "FilterRepository":
        """The keyword-filter repository of this unit."""
        ...

    @property
    def history(self) -> "PostHistoryRepository":
        """The post edit-history repository of this unit."""
        ...

    @property
    def polls(self) -> "PollRepository":
        """The poll (votes and open polls) repository of this unit."""
        ...

    @property
    def lists(self) -> "ListRepository":
        """The account-list repository of this unit."""
        ...

    @property
    def tag_follows(self) -> "TagFollowRepository":
        """The followed-hashtag repository of this unit."""
        ...

    def __enter__(self) -> Self:
        """Begin the unit."""
        ...

    def __exit__(
        self,
        exc_type: type[BaseException] | None,
        exc: BaseException | None,
        tb: TracebackType | None,
    ) -> None:
        """End the unit: roll back unless it was committed."""
        ...

    def commit(self) -> None:
        """Make every write of the unit durable and visible."""
        ...

    def rollback(self) -> None:
        """Undo every write of the unit made since it began."""
        ...


class UnitOfWorkFactory(Protocol):
    """Makes a fresh unit of work; ``readonly=True`` promises the unit will not write."""

    def __call__(self, *, readonly: bool = False) -> UnitOfWork:
        """Return a new, not yet entered, unit of work."""
        ...


class Store(Protocol):
    """A storage backend: a factory of units of work that can be closed."""

    def unit_of_work(self, *, readonly: bool = False) -> UnitOfWork:
        """Return a new, not yet entered, unit of work."""
        ...

    def close(self) -> None:
        """Release the store's resources (connections, files)."""
        ...


class ReadPort(Protocol):
    """The narrow port read models read through: units of work and the clock.

    Timelines and the ranked timeline take a ``ReadPort``, never the service:
    :class:`~microblog_core.service.Microblog` satisfies it, and so does any
    object with these two methods (a test harness, a worker reading a replica).
    Read models open ``unit_of_work(readonly=True)`` to read; only a read
    model's own maintenance (rebuilding a fan-out feed) opens a writing unit.
    """

    def unit_of_work(self, *, readonly: bool = False) -> UnitOfWork:
        """Return a new, not yet entered, unit of work."""
        ...

    def now(self) -> datetime:
        """Return the current instant (aware UTC), which mutes and ranking are judged at."""
        ...


@runtime_checkable
class Projector(Protocol):
    """Keeps a read model in step with the service's events, inside the same unit.

    The timeline strategies' fan-out-on-write feeds are projectors: the
    service registers its strategy with
    :meth:`~microblog_core.service.Microblog.add_projector` when the strategy
    is one, so a read model never holds the service. A projector that raises
    makes the whole use case fail and roll back.
    """

    def project(self, uow: UnitOfWork, events: Sequence[Event]) -> None:
        """Apply ``events`` (just written by a use case) to the read model through ``uow``."""
        ...


class NotificationRepository(Protocol):
    """Notifications per recipient, their Mastodon 4.3 groups, and a read marker.

    Guarantees:
        - ``add`` raises ``ConflictError`` for a taken id and ``NotFoundError``
          when the recipient does not exist.
        - Pages run newest first by id (oldest first with ``ascending=True``),
          with exclusive ``max_id`` / ``min_id`` bounds, as post pages do.
        - Every notification belongs to the group named by its
          :attr:`~microblog_core.models.Notification.group_key`; ``groups``
          returns each group's newest id and size, always equal to a recount
          of the stored notifications, and pages groups by that newest id.
        - The ``remove_*`` methods delete and return what they matched; the
          groups shrink with them (an emptied group disappears).
        - The read marker is one id per account (None until set).
        - A notification stored with ``filtered=True`` stays out of ``page``,
          ``count`` and ``groups``; ``requests`` and ``filtered_from`` list it,
          and the ``remove_*`` methods remove it like any other.
    """

    def add(self, notification: Notification) -> None:
        """Store a notification.

        Raises:
            ConflictError: The id is taken.
            NotFoundError: The recipient does not exist.
        """
        ...

    def find(self, notification_id: int) -> Notification | None:
        """Return the notification, or None."""
        ...

    def last_id(self) -> int | None:
        """Return the largest stored notification id (of any account), or None."""
        ...

    def page(
        self,
        account_id: AccountId,
        *,
        max_id: int | None = None,
        min_id: int | None = None,
        limit: int = 40,
        ascending: bool = False,
    ) -> Sequence[Notification]:
        """Return up to ``limit`` of the account's notifications within the bounds."""
        ...

    def count(
        self, account_id: AccountId, *, min_id: int | None = None, limit: int | None = None
    ) -> int:
        """Return how many notifications the account has with id above ``min_id``.

        With ``limit``, counting stops there (the answer is at most ``limit``),
        so an unread badge costs no more than ``limit`` index entries.
        """
        ...

    def groups(
        self,
        account_id: AccountId,
        *,
        max_id: int | None = None,
        min_id: int | None = None,
        limit: int = 40,
        ascending: bool = False,
    ) -> Sequence[NotificationGroupHead]:
        """Return up to ``limit`` of the account's groups whose newest id is within the bounds."""
        ...

    def in_group(
        self, account_id: AccountId, group_key: str, *, limit: int = 8
    ) -> Sequence[Notification]:
        """Return the newest ``limit`` notifications of one group, newest first."""
        ...

    def caused(
        self,
        account_id: AccountId,
        kind: NotificationKind,
        from_account_id: AccountId,
        post_id: PostId | None,
    ) -> Sequence[Notification]:
        """Return the account's notifications of ``kind`` by ``from_account_id`` about ``post_id``.

        Held-back (filtered) ones included, oldest first: what
        :meth:`remove_caused` would delete. ``post_id`` None matches the
        notifications about no post.
        """
        ...

    def remove_caused(
        self,
        account_id: AccountId,
        kind: NotificationKind,
        from_account_id: AccountId,
        post_id: PostId | None,
    ) -> Sequence[Notification]:
        """Delete the account's notifications of ``kind`` by ``from_account_id`` about ``post_id``.

        ``post_id`` None matches the notifications about no post (follows).
        """
        ...

    def remove_about(self, post_id: PostId) -> Sequence[Notification]:
        """Delete every notification (of any recipient) about ``post_id``."""
        ...

    def remove_between(self, a: AccountId, b: AccountId) -> Sequence[Notification]:
        """Delete the notifications ``a`` caused ``b`` and ``b`` caused ``a`` (after a block)."""
        ...

    def subscribers(self, account_id: AccountId) -> Sequence[AccountId]:
        """Return the accounts following ``account_id`` with ``notify``, ascending.

        It reads the follows of the relation repository of the same store; an
        adapter keeps it proportional to the subscribers, not to all followers.
        """
        ...

    def read_marker(self, account_id: AccountId) -> int | None:
        """Return the id of the last notification the account has read, or None."""
        ...

    def requests(self, account_id: AccountId, *, limit: int = 40) -> Sequence[NotificationRequest]:
        """Return the account's requests: held-back notifications by sender, newest first."""
        ...

    def filtered_from(
        self, account_id: AccountId, from_account_id: AccountId, *, limit: int = 40
    ) -> Sequence[Notification]:
        """Return the notifications held back from one sender, newest first."""
        ...

    def remove_filtered(
        self, account_id: AccountId, from_account_id: AccountId
    ) -> Sequence[Notification]:
        """Delete and return the notifications held back from one sender."""
        ...

    def policy(self, account_id: AccountId) -> NotificationPolicy | None:
        """Return the account's notification policy, or None when it never set one."""
        ...

    def set_policy(self, account_id: AccountId, policy: NotificationPolicy) -> None:
        """Set the account's notification policy.

        Raises:
            NotFoundError: The account does not exist.
        """
        ...

    def permit(self, account_id: AccountId, from_account_id: AccountId) -> None:
        """Let every later notification from ``from_account_id`` through the policy."""
        ...

    def is_permitted(self, account_id: AccountId, from_account_id: AccountId) -> bool:
        """Whether ``from_account_id`` was let through (an accepted request)."""
        ...

    def set_read_marker(self, account_id: AccountId, last_read_id: int) -> None:
        """Set the account's read marker.

        Raises:
            NotFoundError: The account does not exist.
        """
        ...


class PinRepository(Protocol):
    """Posts pinned to their author's profile.

    Guarantees:
        - One pin per (account, post): a second ``add`` raises ``ConflictError``.
        - ``add`` raises ``NotFoundError`` when the account or the post does not exist.
        - ``pinned_by`` runs newest pin first (ties by post id, newest first).
    """

    def add(self, pin: Pin) -> None:
        """Store a pin.

        Raises:
            ConflictError: The post is pinned already.
            NotFoundError: The account or the post does not exist.
        """
        ...

    def remove(self, account_id: AccountId, post_id: PostId) -> Pin | None:
        """Delete a pin and return it, or None."""
        ...

    def pinned_by(self, account_id: AccountId) -> Sequence[Pin]:
        """Return the account's pins, newest first."""
        ...


class BookmarkRepository(Protocol):
    """Bookmarks: posts an account keeps for later, private to their owner.

    Guarantees:
        - One bookmark per (account, post): ``add`` of a second raises
          ``ConflictError``, as does a taken id.
        - ``add`` raises ``NotFoundError`` when the account or the post does not exist.
        - ``page`` runs newest bookmark first by bookmark id (oldest first with
          ``ascending=True``), with exclusive ``max_id`` / ``min_id`` bounds
          on bookmark ids, and holds only the owner's bookmarks.
        - ``remove_post`` deletes every account's bookmark of a post.
    """

    def add(self, bookmark: Bookmark) -> None:
        """Store a bookmark.

        Raises:
            ConflictError: The account bookmarked the post already, or the id is taken.
            NotFoundError: The account or the post does not exist.
        """
        ...

    def remove(self, account_id: AccountId, post_id: PostId) -> Bookmark | None:
        """Delete the account's bookmark of the post and return it, or None."""
        ...

    def find(self, account_id: AccountId, post_id: PostId) -> Bookmark | None:
        """Return the account's bookmark of the post, or None."""
        ...

    def page(
        self,
        account_id: AccountId,
        *,
        max_id: int | None = None,
        min_id: int | None = None,
        limit: int = 20,
        ascending: bool = False,
    ) -> Sequence[Bookmark]:
        """Return up to ``limit`` of the account's bookmarks with ids within the bounds."""
        ...

    def remove_post(self, post_id: PostId) -> int:
        """Delete every bookmark of the post (it is being deleted); return how many."""
        ...


class FilterRepository(Protocol):
    """Keyword filters (Mastodon's filters v2), each with its keywords and posts.

    Guarantees:
        - ``add`` raises ``ConflictError`` for a taken id and ``NotFoundError``
          when the account or one of the filter's posts does not exist.
        - A filter reads back equal to what was stored: keywords in their
          order, posts in their order, contexts, action and expiry.
        - ``update`` replaces a stored filter (same id and owner) whole.
        - ``of_account`` returns the owner's filters by id ascending, expired ones included.
        - ``remove_post`` takes a post out of every filter that names it
          (the filters stay, with their other posts and keywords).
    """

    def add(self, filter_: Filter) -> None:
        """Store a new filter.

        Raises:
            ConflictError: The id is taken.
            NotFoundError: The account or one of ``filter_.post_ids`` does not exist.
        """
        ...

    def update(self, filter_: Filter) -> None:
        """Replace a stored filter with a new state of it.

        Raises:
            NotFoundError: No filter has that id (for that owner), or one of its
                posts does not exist.
        """
        ...

    def find(self, filter_id: int) -> Filter | None:
        """Return the filter, or None."""
        ...

    def remove(self, account_id: AccountId, filter_id: int) -> Filter | None:
        """Delete the owner's filter and return it, or None (also for another owner's)."""
        ...

    def of_account(self, account_id: AccountId) -> Sequence[Filter]:
        """Return the account's filters, by id ascending."""
        ...

    def remove_post(self, post_id: PostId) -> int:
        """Take the post out of every filter naming it; return how many filters named it."""
        ...


class PostHistoryRepository(Protocol):
    """The earlier versions of edited posts.

    Guarantees:
        - ``versions`` returns a post's versions in the order they were added
          (oldest first), whatever their times.
        - ``add`` raises ``NotFoundError`` when the post does not exist.
    """

    def add(self, version: PostVersion) -> None:
        """Append an earlier version of a post.

        Raises:
            NotFoundError: The post does not exist.
        """
        ...

    def versions(self, post_id: PostId) -> Sequence[PostVersion]:
        """Return the post's earlier versions, oldest first (empty for an unedited post)."""
        ...

    def remove_all(self, post_id: PostId) -> int:
        """Delete a post's history; return how many versions it had."""
        ...


class PollRepository(Protocol):
    """Votes in polls, their counts, and the polls still open.

    Guarantees:
        - One vote per (account, post): a second ``add_vote`` raises
          ``ConflictError``; a vote for a missing account or post raises
          ``NotFoundError``.
        - ``counts`` are kept in step by ``add_vote`` and ``remove_all``, and
          equal a recount of the stored votes.
        - ``due`` returns open polls whose expiry is at or before ``at``, by
          expiry then post id; ``close`` takes a poll off that list.
    """

    def open(self, post_id: PostId, expires_at: datetime) -> None:
        """Register the poll of ``post_id`` as open until ``expires_at``.

        Raises:
            NotFoundError: The post does not exist.
        """
        ...

    def close(self, post_id: PostId) -> bool:
        """Take the poll off the open list; return whether it was open."""
        ...

    def due(self, at: datetime, *, limit: int = 100) -> Sequence[PostId]:
        """Return up to ``limit`` open polls expired at ``at``, soonest expiry first."""
        ...

    def add_vote(self, vote: PollVote) -> None:
        """Store a vote and count its choices.

        Raises:
            ConflictError: The account already voted in this poll.
            NotFoundError: The account or the post does not exist.
        """
        ...

    def get_vote(self, account_id: AccountId, post_id: PostId) -> PollVote | None:
        """Return the account's vote in the poll, or None."""
        ...

    def counts(self, post_id: PostId) -> dict[int, int]:
        """Return the votes per chosen option index (options nobody chose are left out)."""
        ...

    def voter_count(self, post_id: PostId) -> int:
        """Return how many accounts voted in the poll."""
        ...

    def voters(
        self, post_id: PostId, *, after: AccountId | None = None, limit: int = 100
    ) -> Sequence[AccountId]:
        """Return the voters' ids ascending, after the cursor."""
        ...

    def remove_all(self, post_id: PostId) -> int:
        """Delete the poll's votes and open entry; return how many votes there were."""
        ...


class ListRepository(Protocol):
    """Account lists and their members (Mastodon's ``List`` and ``ListAccount``).

    A list's timeline, under fan-out on write, is a
    :class:`FeedRepository` feed whose reader id is the list's id: list ids
    come from the same id generator as account ids, so the two never meet.

    Guarantees:
        - ``add`` raises ``ConflictError`` for a taken id and ``NotFoundError``
          when the owner does not exist; ``update`` keeps the owner.
        - ``remove`` deletes the list and its memberships.
        - One membership per (list, account): ``add_member`` of a member
          raises ``ConflictError``; of a missing list or account ``NotFoundError``.
        - ``lists_of`` runs by list id ascending; ``members`` by account id
          ascending after the exclusive cursor.
        - ``containing`` and ``exclusive_members`` read an index by member, so
          they cost in proportion to the lists found, not to all lists.
    """

    def add(self, account_list: AccountList) -> None:
        """Store a new list.

        Raises:
            ConflictError: The id is taken.
            NotFoundError: The owner does not exist.
        """
        ...

    def update(self, account_list: AccountList) -> None:
        """Replace a stored list (same id and owner) with a new state.

        Raises:
            NotFoundError: No list has that id.
            ValidationError: The new state changes the owner.
        """
        ...

    def remove(self, list_id: ListId) -> AccountList | None:
        """Delete a list and its memberships; return it, or None if there was none."""
        ...

    def find(self, list_id: ListId) -> AccountList | None:
        """Return the list, or None."""
        ...

    def lists_of(self, owner_id: AccountId) -> Sequence[AccountList]:
        """Return the owner's lists, by id ascending."""
        ...

    def add_member(self, list_id: ListId, account_id: AccountId) -> None:
        """Put an account on a list.

        Raises:
            ConflictError: The account is on the list already.
            NotFoundError: The list or the account does not exist.
        """
        ...

    def remove_member(self, list_id: ListId, account_id: AccountId) -> bool:
        """Take an account off a list; return whether it was on it."""
        ...

    def members(
        self, list_id: ListId, *, after: AccountId | None = None, limit: int = 100
    ) -> Sequence[AccountId]:
        """Return the list's members by account id ascending, after the cursor."""
        ...

    def member_ids(self, list_id: ListId) -> Collection[AccountId]:
        """Return every member's id (for the fan-out-on-read merge)."""
        ...

    def containing(
        self, account_id: AccountId, *, owner_id: AccountId | None = None
    ) -> Sequence[AccountList]:
        """Return the lists ``account_id`` is on (only ``owner_id``'s, if given), by id."""
        ...

    def exclusive_members(self, owner_id: AccountId) -> Collection[AccountId]:
        """Return the accounts on any of the owner's exclusive lists (left out of home)."""
        ...


class TagFollowRepository(Protocol):
    """Hashtags accounts follow (Mastodon's ``TagFollow``).

    Every method takes a tag as a user writes it (``#Cats``) and stores and
    compares it normalised as :attr:`~microblog_core.models.Post.tags` holds
    tags (casefolded, without ``#``); a string that names no hashtag raises
    ``ValidationError``.

    Guarantees:
        - ``add`` of a followed tag changes nothing and returns False;
          ``add`` for a missing account raises ``NotFoundError``.
        - ``tags_of`` runs by tag ascending, after the exclusive cursor.
        - ``followers_of`` and ``follower_count`` read an index by tag.
    """

    def add(self, account_id: AccountId, tag: str) -> bool:
        """Follow a tag; return whether the account did not follow it before.

        Raises:
            NotFoundError: The account does not exist.
        """
        ...

    def remove(self, account_id: AccountId, tag: str) -> bool:
        """Stop following a tag; return whether the account followed it."""
        ...

    def follows(self, account_id: AccountId, tag: str) -> bool:
        """Whether the account follows the tag."""
        ...

    def tags_of(
        self, account_id: AccountId, *, after: str | None = None, limit: int = 100
    ) -> Sequence[str]:
        """Return the tags the account follows, ascending, after the cursor."""
        ...

    def followers_of(self, tag: str) -> Collection[AccountId]:
        """Return every account following the tag (for fan-out on write)."""
        ...

    def follower_count(self, tag: str) -> int:
        """Return how many accounts follow the tag."""
        ...


@runtime_checkable
class HomeQuery(Protocol):
    """An optional capability of a :class:`PostRepository`: a home timeline's filtered sequence.

    A repository that offers it computes what
    :mod:`microblog_core.timelines.home` calls the *filtered sequence* of a
    fan-out-on-read home timeline itself: the viewer's and its followees'
    posts, newest first, that pass the home rules
    (:func:`~microblog_core.rules.filtered_from_home`) and the visibility rule
    (:meth:`~microblog_core.rules.ViewerContext.sees`), mutes taken at ``at``
    -- the same posts, in the same order, as the generic path, each with the
    original it reposts. The home timeline uses it when
    ``offers(uow.posts, HomeQuery)``, without reading the viewer first; the
    PostgreSQL adapter answers in one statement per chunk, which also reads
    the viewer.

    The sequence must be the whole home definition for the viewer: a
    repository that does not compute posts brought in by followed hashtags,
    or drop those of exclusive lists' members, declines (returns None) for a
    viewer who follows a hashtag or keeps an exclusive list. It declines for
    an unknown viewer too (the generic path then raises
    :class:`~microblog_core.errors.NotFoundError`).
    """

    def home_sequence(
        self,
        viewer_id: AccountId,
        *,
        at: datetime,
        max_id: PostId | None = None,
        size_hint: int = 20,
    ) -> Iterator[tuple[Post, Post | None]] | None:
        """Iterate over the filtered sequence below ``max_id``, or return None to decline.

        Args:
            viewer_id: Whose home timeline (any id: an unknown one is declined).
            at: The instant mutes are checked at.
            max_id: Only posts with a smaller id.
            size_hint: How many items the reader expects to take (the first
                chunk an adapter fetches).

        Returns:
            ``(post, original)`` pairs, newest first (``original`` is None for
            a post that is not a repost), or None when the repository cannot
            answer for this viewer (unknown, or with followed hashtags or
            exclusive lists it does not compute): the reader then takes the
            generic path.
        """
        ...


@runtime_checkable
class FollowOptionsHint(Protocol):
    """An optional capability of a :class:`RelationRepository`: whether follows carry options.

    A home page asks each followee's follow for its options (``show_reposts``,
    ``languages``) when it meets a repost, or a post with a language, by that
    followee. A repository that offers this capability says, in one read, that
    the viewer has no follow with an option other than the defaults, and the
    page then asks no follow at all. The home timeline uses it when
    ``offers(uow.relations, FollowOptionsHint)``.
    """

    def has_follow_options(self, follower_id: AccountId) -> bool:
        """Whether any follow by ``follower_id`` may have a non-default option.

        Args:
            follower_id: The follower (any id: an unknown one has no follows).

        Returns:
            False only when every follow by ``follower_id``, as this unit sees
            it, has ``show_reposts`` on, ``notify`` off and no ``languages``;
            True may be answered conservatively.
        """
        ...


@runtime_checkable
class EarlierReposts(Protocol):
    """An optional capability of a :class:`PostRepository`: the earliest repost by some accounts.

    A home page drops a repost when another copy of its original (the
    original itself or another repost of it) is among the
    :data:`~microblog_core.rules.DEDUP_WINDOW` items just older than it, so
    each repost it meets reads that many items ahead. The only reposts that
    can be in a viewer's filtered sequence are the viewer's own and its
    followees'. A repository that offers this capability names, in one cheap
    read, the oldest of those below the repost met: the page then reads
    ahead only as far as that copy, and not at all when there is none. The
    answer costs the repository the smaller of the original's reposts and
    the accounts asked about, so it stays cheap both for an original
    reposted by thousands and for a viewer following thousands. The home
    timeline uses it when ``offers(uow.posts, EarlierReposts)``; a
    repository whose every read is a round trip should not offer it.
    """

    def earliest_repost_by(
        self, root_id: PostId, before_id: PostId, authors: Collection[AccountId]
    ) -> PostId | None:
        """Return the lowest id of a repost of ``root_id`` by ``authors`` below ``before_id``.

        Args:
            root_id: The original (any id: an unknown one has no reposts).
            before_id: Only reposts with a smaller id.
            authors: The accounts whose reposts count, tested with ``in``
                (a set is fastest): only a member equal to an account id
                matches.

        Returns:
            The id, among the reposts :meth:`PostRepository.reposts_of`
            lists, or None when no such repost exists.

        Raises:
            ValidationError: A bad id, or ``authors`` is not a collection.
        """
        ...


_OFFERED: dict[tuple[type, type], bool] = {}


def offers(value: object, capability: type) -> bool:
    """Whether ``value`` offers an optional capability (a runtime-checkable protocol).

    The answer of ``isinstance(value, capability)``, cached per class: a
    runtime-checkable ``isinstance`` looks every member up each time, which
    costs a hot read path (a home page per session) a few percent. A class
    that answers attributes dynamically (``__getattr__``, as a wrapping
    proxy does) is asked each time.

    Args:
        value: A repository, a strategy, or any object.
        capability: A ``typing.Protocol`` decorated with ``runtime_checkable``.

    Returns:
        Whether ``value`` has every member of ``capability``.
    """
    kind = value.__class__
    key = (kind, capability)
    try:
        return _OFFERED[key]
    except KeyError:
        pass
    answer = isinstance(value, capability)
    if not hasattr(kind, "__getattr__"):
        _OFFERED[key] = answer
    return answer
