"""The home timeline's definition, shared by every strategy.

A viewer's home timeline is defined over the *candidate sequence*: every post
(originals, replies, quotes and reposts) by the viewer or by an account the
viewer follows, and every post carrying a hashtag the viewer follows, by id
descending. From it:

1. **Filter.** Mastodon's home rules
   (:func:`~microblog_core.rules.filtered_from_home`) drop posts by blocked or
   muted accounts, reposts of them, posts mentioning them, posts by accounts
   that block the viewer, reposts hidden by a follow's ``show_reposts=False``,
   replies to people the viewer does not follow, direct posts and
   followers-only posts the viewer may not see. The access rules
   (:func:`~microblog_core.rules.can_see`) apply on top: even the viewer's own
   repost is dropped when the original's author blocks the viewer or is
   blocked by them. Posts by members of the viewer's exclusive lists are
   dropped (Mastodon 4.2). A post carrying a followed hashtag passes by the
   hashtag path instead (:func:`~microblog_core.rules.filtered_from_tags`:
   public originals whose author and mentions the viewer neither blocks nor
   mutes), whether or not the viewer follows its author, as Mastodon delivers
   it to hashtag followers. What passes is the *filtered sequence*.
2. **Show each root once.** A repost is dropped when its original, or another
   repost of the same original, is among the :data:`~microblog_core.rules.DEDUP_WINDOW`
   (40) items just *older* than it in the filtered sequence. What remains is the timeline.

Step 2 is Mastodon's reblog fall-off (``FeedManager#add_to_feed`` drops a
reblog whose original sits in the top 40 of the feed), made a function of the
filtered sequence alone: whether an item is shown depends only on items
older than it. So a page is a slice of one fixed sequence whatever its
bounds, the three strategies agree, and new posts (always newer) never
change what older pages hold -- paging neither repeats nor skips.

Strategies differ only in where the candidate sequence comes from (a merge
of author streams, a per-reader feed, or both); :func:`home_page` does the rest.
"""

from collections import deque
from collections.abc import Callable, Collection, Iterator, Mapping
from datetime import datetime
from itertools import islice
from typing import Protocol, cast, runtime_checkable

from microblog_core.ids import MAX_ID, AccountId, PostId
from microblog_core.models import Follow, Post
from microblog_core.ports import (
    EarlierReposts,
    FollowOptionsHint,
    HomeQuery,
    ReadPort,
    RelationRepository,
    UnitOfWork,
    offers,
)
from microblog_core.rules import (
    DEDUP_WINDOW,
    HomeContext,
    ViewerContext,
    filtered_from_home,
    filtered_from_tags,
)
from microblog_core.timelines.pages import TimelinePage, check_limit, check_page_id

__all__ = [
    "FollowedStreamsSource",
    "HomeSource",
    "RootCache",
    "followed_tags",
    "home_context",
    "home_filter",
    "home_page",
    "select_newest_first",
    "select_oldest_first",
]


class HomeSource(Protocol):
    """Where a strategy's home candidates come from."""

    def candidates(
        self,
        uow: UnitOfWork,
        viewer_id: AccountId,
        following: Collection[AccountId],
        *,
        max_id: PostId | None = None,
        min_id: PostId | None = None,
        ascending: bool = False,
    ) -> Iterator[Post]:
        """Iterate over the viewer's candidate sequence within the bounds.

        Args:
            uow: The (read-only) unit to read through.
            viewer_id: Whose home timeline.
            following: The accounts the viewer follows.
            max_id: Only posts with a smaller id.
            min_id: Only posts with a greater id.
            ascending: Oldest first instead of newest first.
        """
        ...


@runtime_checkable
class FollowedStreamsSource(Protocol):
    """A :class:`HomeSource` whose candidates are the viewer's and followees' streams, merged.

    Fan-out on read is one: nothing else is in its candidate sequence, so a
    store that offers :class:`~microblog_core.ports.HomeQuery` can compute the
    filtered sequence in its place.
    """

    @property
    def reads_followed_streams(self) -> bool:
        """Whether the candidates are exactly the merged streams of the viewer and its followees."""
        ...


class _FollowOptions:
    """The viewer's follows, loaded one followee at a time and cached.

    ``show_reposts`` and ``languages`` live on each follow; loading every
    follow of an account following thousands would cost more than the page.
    """

    __slots__ = ("_cache", "_relations", "_viewer")

    def __init__(self, relations: RelationRepository, viewer: AccountId) -> None:
        self._relations = relations
        self._viewer = viewer
        self._cache: dict[AccountId, Follow | None] = {}

    def get(self, followee: AccountId) -> Follow | None:
        try:
            return self._cache[followee]
        except KeyError:
            follow = self._relations.get_follow(self._viewer, followee)
            self._cache[followee] = follow
            return follow

    def all(self) -> list[Follow]:
        follows: list[Follow] = []
        after: AccountId | None = None
        while True:
            batch = self._relations.following_of(self._viewer, after=after, limit=500)
            follows.extend(batch)
            if len(batch) < 500:
                return follows
            after = batch[-1].followee_id


class _HidingReposts(Collection[AccountId]):
    """Followees whose follow hides their reposts, looked up lazily."""

    __slots__ = ("_options",)

    def __init__(self, options: _FollowOptions) -> None:
        self._options = options

    def __contains__(self, account: object) -> bool:
        if not isinstance(account, int):
            return False
        follow = self._options.get(AccountId(account))
        return follow is not None and not follow.show_reposts

    def _load(self) -> list[AccountId]:
        return [f.followee_id for f in self._options.all() if not f.show_reposts]

    def __iter__(self) -> Iterator[AccountId]:
        return iter(self._load())

    def __len__(self) -> int:
        return len(self._load())


class _Languages(Mapping[AccountId, tuple[str, ...]]):
    """Each followee's language filter, looked up lazily."""

    __slots__ = ("_options",)

    def __init__(self, options: _FollowOptions) -> None:
        self._options = options

    def get(  # type: ignore[override]  # the Mapping.get overloads, one signature here
        self, key: AccountId, default: tuple[str, ...] | None = None
    ) -> tuple[str, ...] | None:
        follow = self._options.get(key)
        if follow is None or follow.languages is None:
            return default
        return follow.languages

    def __getitem__(self, key: AccountId) -> tuple[str, ...]:
        languages = self.get(key)
        if languages is None:
            raise KeyError(key)
        return languages

    def _load(self) -> dict[AccountId, tuple[str, ...]]:
        return {f.followee_id: f.languages for f in self._options.all() if f.languages is not None}

    def __iter__(self) -> Iterator[AccountId]:
        return iter(self._load())

    def __len__(self) -> int:
        return len(self._load())


def followed_tags(uow: UnitOfWork, account_id: AccountId) -> frozenset[str]:
    """Return every hashtag ``account_id`` follows, read page by page.

    Args:
        uow: The unit to read through.
        account_id: Whose followed hashtags.

    Returns:
        The tags, casefolded and without ``#``.
    """
    tags: list[str] = []
    after: str | None = None
    while True:
        batch = uow.tag_follows.tags_of(account_id, after=after, limit=500)
        tags.extend(batch)
        if len(batch) < 500:
            return frozenset(tags)
        after = batch[-1]


def home_context(
    uow: UnitOfWork, viewer_id: AccountId, now: datetime, *, lists: bool = False
) -> HomeContext:
    """Load what the home filter needs about ``viewer_id``, once per page.

    Follows, blocks (both ways), unexpired mutes, exclusive lists' members
    and followed hashtags are sets; the per-follow options (``show_reposts``,
    languages) are looked up only for the authors a page actually meets, and
    not at all when the relation repository offers
    :class:`~microblog_core.ports.FollowOptionsHint` and says the viewer has
    none.

    Args:
        uow: The unit to read through.
        viewer_id: Whose home timeline.
        now: The instant mutes are checked at.
        lists: Load the context of a list timeline instead: no exclusive
            lists and no followed hashtags (Mastodon's ``:list`` filter).

    Returns:
        The viewer's :class:`~microblog_core.rules.HomeContext`.
    """
    loaded = None if not lists else frozenset[AccountId]()
    return _home_context(uow, viewer_id, now, loaded, None if not lists else frozenset())


def _home_context(
    uow: UnitOfWork,
    viewer_id: AccountId,
    now: datetime,
    exclusive: Collection[AccountId] | None,
    tags: frozenset[str] | None,
) -> HomeContext:
    """:func:`home_context` with the exclusive members and followed tags given (None: load them)."""
    relations = uow.relations
    hiding_reposts: Collection[AccountId]
    languages: Mapping[AccountId, tuple[str, ...]]
    if offers(relations, FollowOptionsHint) and not cast(
        "FollowOptionsHint", relations
    ).has_follow_options(viewer_id):
        # Every follow of the viewer has the default options: none to look up.
        hiding_reposts, languages = frozenset(), {}
    else:
        options = _FollowOptions(relations, viewer_id)
        hiding_reposts, languages = _HidingReposts(options), _Languages(options)
    following = relations.following_ids(viewer_id)
    if not isinstance(following, set | frozenset):
        # A page asks ``in following`` for nearly every candidate: a scan of a
        # sequence (the memory store's array) costs the follow count each time.
        following = frozenset(following)
    return HomeContext(
        viewer_id=viewer_id,
        following=following,
        blocking=relations.blocked_ids(viewer_id),
        blocked_by=relations.blocker_ids(viewer_id),
        muting=relations.muted_ids(viewer_id, at=now),
        hiding_reposts=hiding_reposts,
        languages=languages,
        exclusive=uow.lists.exclusive_members(viewer_id) if exclusive is None else exclusive,
        followed_tags=followed_tags(uow, viewer_id) if tags is None else tags,
    )


class RootCache:
    """Originals of reposts, loaded once per page through a unit of work."""

    __slots__ = ("_posts", "found")

    def __init__(self, uow: UnitOfWork) -> None:
        self._posts = uow.posts
        self.found: dict[PostId, Post | None] = {}

    def get(self, root_id: PostId) -> Post | None:
        """Return the original ``root_id``, or None when it was deleted."""
        try:
            return self.found[root_id]
        except KeyError:
            root = self._posts.find(root_id)
            self.found[root_id] = root
            return root

    def loaded(self) -> dict[PostId, Post]:
        """Return every original loaded so far, by id (deleted ones left out)."""
        return {key: post for key, post in self.found.items() if post is not None}


def _root_of(post: Post) -> PostId:
    ref = post.repost_of
    return post.id if ref is None else ref.root_id


def select_newest_first(
    filtered: Iterator[Post],
    limit: int,
    *,
    since_id: PostId | None = None,
    copies_from: Callable[[Post], int] | None = None,
) -> list[Post]:
    """Return the first ``limit`` shown items of a filtered sequence read newest first.

    A repost is dropped when an item among the :data:`~microblog_core.rules.DEDUP_WINDOW`
    items that follow it (older) has the same root. Only reposts look ahead,
    and only as far as the window: a page of originals reads ``limit`` items.

    Args:
        filtered: The filtered sequence from some bound down, newest first.
        limit: How many shown items to return.
        since_id: Stop before the first item with an id at or below this one
            (the window still looks past it).
        copies_from: For a repost, an id at or below which every other item
            of the sequence with its root lies (the repost's own id when no
            such item can exist): the look-ahead stops once it reaches that
            id. None reads the whole window.

    Returns:
        The shown items, newest first.
    """
    window = DEDUP_WINDOW
    ahead: deque[Post] = deque()
    # How many items in ``ahead`` share each root: a repost looks its root up
    # once instead of scanning the window.
    roots_ahead: dict[PostId, int] = {}
    shown: list[Post] = []
    exhausted = False
    pull = filtered.__next__
    while len(shown) < limit:
        if not ahead:
            try:
                post = pull()
            except StopIteration:
                break
            ref = post.repost_of
            if ref is None:
                # An original met with nothing read ahead is shown at once: it
                # would enter the window and leave it in the same turn.
                if since_id is not None and post.id <= since_id:
                    break
                shown.append(post)
                continue
            ahead.append(post)
            roots_ahead[ref.root_id] = roots_ahead.get(ref.root_id, 0) + 1
        head = ahead[0]
        if since_id is not None and head.id <= since_id:
            break
        ref = head.repost_of
        if ref is None:
            root = head.id
            dropped = False
        else:
            # Items come by id descending: past the lowest id a copy may have,
            # none can follow, and reading further would not change the answer.
            # The floor is asked for only when the window is not read already.
            lowest = -1
            if copies_from is not None and not exhausted and len(ahead) <= window:
                lowest = copies_from(head)
            while not exhausted and len(ahead) <= window and ahead[-1].id > lowest:
                try:
                    post = pull()
                except StopIteration:
                    exhausted = True
                else:
                    ahead.append(post)
                    later = post.repost_of
                    key = post.id if later is None else later.root_id
                    roots_ahead[key] = roots_ahead.get(key, 0) + 1
            root = ref.root_id
            dropped = roots_ahead[root] > 1  # the head itself counts once
        ahead.popleft()
        left = roots_ahead[root] - 1
        if left:
            roots_ahead[root] = left
        else:
            del roots_ahead[root]
        if not dropped:
            shown.append(head)
    return shown


def select_oldest_first(older: Iterator[Post], newer: Iterator[Post], limit: int) -> list[Post]:
    """Return the ``limit`` shown items just above a bound, newest first (a ``min_id`` page).

    Args:
        older: The filtered sequence at and below the bound, newest first (only
            the first :data:`~microblog_core.rules.DEDUP_WINDOW` are read).
        newer: The filtered sequence above the bound, oldest first.
        limit: How many shown items to return.

    Returns:
        The oldest ``limit`` shown items above the bound, newest first.
    """
    recent: deque[PostId] = deque(maxlen=DEDUP_WINDOW)
    for post in islice(older, DEDUP_WINDOW):
        recent.appendleft(_root_of(post))
    shown: list[Post] = []
    for post in newer:
        root = _root_of(post)
        if post.repost_of is None or root not in recent:
            shown.append(post)
            if len(shown) == limit:
                break
        recent.append(root)
    shown.reverse()
    return shown


def _filtered_by_store(
    source: HomeSource,
    uow: UnitOfWork,
    viewer_id: AccountId,
    now: datetime,
    *,
    max_id: PostId | None,
    limit: int,
    roots: RootCache,
) -> Iterator[Post] | None:
    """The filtered sequence computed by the store, or None for the generic path.

    The one place that decides: the candidates must be exactly the followed
    streams (fan-out on read), and the post repository must offer
    :class:`~microblog_core.ports.HomeQuery` and not decline. A home rule the
    store's query does not know must send the page down the generic path here.
    """
    if not offers(source, FollowedStreamsSource):
        return None
    if not cast("FollowedStreamsSource", source).reads_followed_streams:
        return None
    posts = uow.posts
    if not offers(posts, HomeQuery):
        return None
    # The page reads ``limit`` items, and up to DEDUP_WINDOW more behind a repost.
    pairs = cast("HomeQuery", posts).home_sequence(
        viewer_id, at=now, max_id=max_id, size_hint=limit + 1
    )
    if pairs is None:
        return None
    return _noting_roots(pairs, roots)


def _noting_roots(pairs: Iterator[tuple[Post, Post | None]], roots: RootCache) -> Iterator[Post]:
    found = roots.found
    for post, root in pairs:
        if root is not None:
            found[root.id] = root
        yield post


def home_filter(context: HomeContext, roots: RootCache) -> Callable[[Post], bool]:
    """Return the home timeline's filter: whether a candidate is in the filtered sequence.

    A candidate by someone the viewer neither is nor follows passes only by
    the followed-hashtag path; any other passes the home rules, or failing
    them the hashtag path.

    Args:
        context: The viewer's :func:`home_context`.
        roots: Where reposts' originals are loaded from.

    Returns:
        The filter.
    """
    viewer = ViewerContext.from_home(context)
    me = context.viewer_id
    following = context.following
    tagged = bool(context.followed_tags)

    def keep(post: Post) -> bool:
        ref = post.repost_of
        author = post.author_id
        if author != me and author not in following:
            # Not by a followed account: only a followed hashtag brings it in.
            return tagged and not filtered_from_tags(post, context)
        if ref is None:
            # Past the home rules an original is one the viewer may see
            # (they drop direct, unfollowed followers-only and blocked posts).
            if not filtered_from_home(post, context):
                return True
            return tagged and not filtered_from_tags(post, context)
        root = roots.get(ref.root_id)
        if filtered_from_home(post, context, root=root):
            return False
        # The home rules pass the viewer's own reposts unconditionally; the
        # visibility rule still hides an original across a block.
        return viewer.sees(post, root)

    return keep


def home_page(
    source: HomeSource,
    port: ReadPort,
    viewer_id: AccountId,
    *,
    limit: int,
    max_id: PostId | None,
    since_id: PostId | None,
    min_id: PostId | None,
) -> TimelinePage:
    """Build a page of ``viewer_id``'s home timeline from a strategy's candidates.

    Args:
        source: The strategy's candidate source.
        port: What to read through: the service, or any
            :class:`~microblog_core.ports.ReadPort`.
        viewer_id: Whose home timeline.
        limit: Items per page, 1 to 40.
        max_id: Only items older than this id.
        since_id: Only items newer than this id (the newest page above it).
        min_id: The items immediately newer than this id.

    Returns:
        The page.

    Raises:
        NotFoundError: No such account.
        ValidationError: A bad limit or paging id.
    """
    limit = check_limit(limit)
    max_id = check_page_id(max_id, "max_id")
    since_id = check_page_id(since_id, "since_id")
    min_id = check_page_id(min_id, "min_id")
    with port.unit_of_work(readonly=True) as uow:
        items, roots = _home_items(
            source,
            uow,
            viewer_id,
            port.now(),
            limit=limit,
            max_id=max_id,
            since_id=since_id,
            min_id=min_id,
        )
        return TimelinePage.of(items, roots)


def _home_items(
    source: HomeSource,
    uow: UnitOfWork,
    viewer_id: AccountId,
    now: datetime,
    *,
    limit: int,
    max_id: PostId | None,
    since_id: PostId | None,
    min_id: PostId | None,
) -> tuple[list[Post], dict[PostId, Post]]:
    """The items of a home page and the originals they repost, read through ``uow``.

    Raises:
        NotFoundError: No such account.
    """
    roots = RootCache(uow)
    if min_id is None:
        # The store declines an unknown viewer, and one whose page it cannot compute
        # (see HomeQuery): the generic path then answers, or raises NotFoundError.
        filtered = _filtered_by_store(
            source, uow, viewer_id, now, max_id=max_id, limit=limit, roots=roots
        )
        if filtered is not None:
            items = select_newest_first(filtered, limit, since_id=since_id)
            return items, roots.loaded()
    uow.accounts.get(viewer_id)
    tags = followed_tags(uow, viewer_id)
    exclusive = uow.lists.exclusive_members(viewer_id)
    context = _home_context(uow, viewer_id, now, frozenset(exclusive), tags)
    keep = home_filter(context, roots)
    following = context.following
    if min_id is not None:
        if min_id >= MAX_ID or (max_id is not None and max_id <= min_id + 1):
            return [], {}
        older = source.candidates(uow, viewer_id, following, max_id=PostId(min_id + 1))
        newer = source.candidates(
            uow, viewer_id, following, max_id=max_id, min_id=min_id, ascending=True
        )
        items = select_oldest_first(filter(keep, older), filter(keep, newer), limit)
    else:
        candidates = source.candidates(uow, viewer_id, following, max_id=max_id)
        items = select_newest_first(
            filter(keep, candidates),
            limit,
            since_id=since_id,
            copies_from=_copies_from(uow, context),
        )
    return items, roots.loaded()


def _copies_from(uow: UnitOfWork, context: HomeContext) -> Callable[[Post], int] | None:
    """The look-ahead's floor for :func:`select_newest_first`, or None to read the window.

    Only the viewer's and its followees' posts, and public originals carrying
    a followed hashtag, pass :func:`home_filter`. So another copy of a
    repost's original in the filtered sequence is the original, when its
    author is the viewer or followed (or the viewer follows a hashtag), or an
    earlier repost by the viewer or a followee: the viewer has at most one
    (:meth:`~microblog_core.ports.PostRepository.repost_by`), and a
    repository offering :class:`~microblog_core.ports.EarlierReposts` names
    the followees' earliest in one read.
    """
    posts = uow.posts
    if not offers(posts, EarlierReposts):
        return None
    earliest_repost_by = cast("EarlierReposts", posts).earliest_repost_by
    repost_by = posts.repost_by
    me = context.viewer_id
    following = context.following
    tagged = bool(context.followed_tags)

    def copies_from(head: Post) -> int:
        ref = head.repost_of
        if ref is None:  # not asked for an original; a safe answer all the same
            return -1
        root_id = ref.root_id
        lowest = head.id
        root_author = ref.root_author_id
        if (tagged or root_author == me or root_author in following) and root_id < lowest:
            # The original may be there: only a repost older than it (an
            # imported one) could lie lower.
            lowest = root_id
        earliest = earliest_repost_by(root_id, lowest, following)
        if earliest is not None:
            lowest = earliest
        if head.author_id != me:
            mine = repost_by(me, root_id)
            if mine is not None and mine.id < lowest:
                lowest = mine.id
        return lowest

    return copies_from
