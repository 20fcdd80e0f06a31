"""Home timeline strategies: fan-out-on-read, fan-out-on-write and hybrid.

All three answer :meth:`TimelineStrategy.home` with the same pages (see
:mod:`microblog_core.timelines.home` for the definition); they differ in
where the work happens:

- :class:`FanOutOnRead` merges the viewer's and each followee's post stream
  at read time. Writes cost nothing extra; a page costs O(k + L log k) for k
  followees.
- :class:`FanOutOnWrite` keeps a capped feed of post ids per reader
  (:class:`~microblog_core.ports.FeedRepository`), updated from the
  service's events inside the writing unit: a post goes into each
  follower's feed. Reads are cheap; a post by an account with a million
  followers is a million writes.
- :class:`Hybrid` fans out on write for accounts below a follower threshold
  and merges the streams of the larger accounts a viewer follows at read
  time, as Twitter did for celebrities.

The home rules are applied when reading, for every strategy, so blocks,
mutes (which may expire with no event) and follow options take effect at
once and alike.

Followed hashtags and lists use the same three designs. Fan-out on read
merges the streams of the hashtags a viewer follows into the home merge, and
a list's members' streams into its timeline. Fan-out on write delivers a
public original to the followers of each of its hashtags too, and a post to
a feed per list that holds its author: a list's feed is a
:class:`~microblog_core.ports.FeedRepository` feed whose reader id is the
list's id (list ids come from the same generator as account ids, so the
feeds never meet), so every feed adapter, Redis included, keeps list feeds
with no code of its own. The hybrid keeps large accounts out of list feeds
as out of home feeds, and treats a hashtag followed by ``threshold`` or
more accounts as large: its posts are merged at read time, not delivered.
"""

from collections.abc import Collection, Iterable, Iterator, Sequence
from functools import partial
from itertools import chain, islice
from typing import Protocol, cast, runtime_checkable

from attrs import field, frozen

from microblog_core import _checks
from microblog_core.ids import AccountId, ListId, PostId
from microblog_core.models import (
    AccountList,
    Blocked,
    Event,
    Followed,
    ListDeleted,
    ListMembersAdded,
    ListMembersRemoved,
    Post,
    PostDeleted,
    PostPublished,
    Reposted,
    TagFollowed,
    TagUnfollowed,
    Unblocked,
    Unfollowed,
    Unreposted,
    Visibility,
)
from microblog_core.ports import DEFAULT_FEED_CAP, MergedStreams, ReadPort, UnitOfWork, offers
from microblog_core.timelines.home import HomeSource, followed_tags, home_page
from microblog_core.timelines.lists import ListSource, list_page, owned_list
from microblog_core.timelines.merge import merge_newest_first, merge_oldest_first
from microblog_core.timelines.pages import TimelinePage

__all__ = [
    "DEFAULT_HYBRID_THRESHOLD",
    "FanOutOnRead",
    "FanOutOnWrite",
    "Hybrid",
    "TimelineStrategy",
]

DEFAULT_HYBRID_THRESHOLD = 10_000
"""Followers from which :class:`Hybrid` stops fanning an account's posts out on write."""

_FEED_BATCH = 64
_FEED_MAX_BATCH = 1024


@runtime_checkable
class TimelineStrategy(Protocol):
    """How home timelines are built; chosen when the :class:`~microblog_core.service.Microblog` is.

    Implementations must return the pages :mod:`microblog_core.timelines.home`
    defines, whatever they store. A strategy that keeps state written on
    each use case (a fan-out feed) is also a
    :class:`~microblog_core.ports.Projector`: the service registers it as
    one, and the strategy never holds the service.
    """

    def home(
        self,
        port: ReadPort,
        viewer_id: AccountId,
        *,
        limit: int = 20,
        max_id: PostId | None = None,
        since_id: PostId | None = None,
        min_id: PostId | None = None,
    ) -> TimelinePage:
        """Return a page of ``viewer_id``'s home timeline (Mastodon paging).

        Raises:
            NotFoundError: No such account.
            ValidationError: A bad limit or paging id.
        """
        ...

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
        """Iterate over the viewer's unfiltered home candidates within the bounds.

        The ranking pipeline's in-network source reads this.
        """
        ...

    def list_timeline(
        self,
        port: ReadPort,
        owner_id: AccountId,
        list_id: ListId,
        *,
        limit: int = 20,
        max_id: PostId | None = None,
        since_id: PostId | None = None,
        min_id: PostId | None = None,
    ) -> TimelinePage:
        """Return a page of one of ``owner_id``'s lists (Mastodon paging).

        Raises:
            NotFoundError: No such account, or no such list of the owner's.
            ValidationError: A bad limit or paging id.
        """
        ...

    def list_candidates(
        self,
        uow: UnitOfWork,
        account_list: AccountList,
        members: Collection[AccountId],
        *,
        max_id: PostId | None = None,
        min_id: PostId | None = None,
        ascending: bool = False,
    ) -> Iterator[Post]:
        """Iterate over the list's unfiltered candidates (its members' posts) within the bounds."""
        ...


def _streams(
    uow: UnitOfWork,
    authors: Iterable[AccountId],
    max_id: PostId | None,
    min_id: PostId | None,
    ascending: bool,
) -> Iterator[Iterator[Post]]:
    stream = uow.posts.stream
    if max_id is None and min_id is None and not ascending:
        # The common first page: a plain map calls the repository at C speed.
        return map(stream, authors)
    return map(partial(stream, max_id=max_id, min_id=min_id, ascending=ascending), authors)


def _merge(streams: Iterable[Iterator[Post]], ascending: bool) -> Iterator[Post]:
    return merge_oldest_first(streams) if ascending else merge_newest_first(streams)


def _by_tag(post: Post) -> bool:
    """Whether a post reaches its hashtags' followers: a public original (Mastodon)."""
    return post.visibility is Visibility.PUBLIC and post.repost_of is None


def _tag_stream(
    uow: UnitOfWork,
    tag: str,
    max_id: PostId | None,
    min_id: PostId | None,
    ascending: bool,
) -> Iterator[Post]:
    """Iterate over the public originals carrying ``tag`` within the bounds.

    :meth:`~microblog_core.ports.PostRepository.with_tag` pages newest first,
    in growing batches; an oldest-first read (a ``min_id`` page) reads the
    bounded range newest first and turns it round.
    """
    with_tag = uow.posts.with_tag

    def newest_first() -> Iterator[Post]:
        cursor, batch = max_id, _FEED_BATCH
        while True:
            page = with_tag(tag, max_id=cursor, min_id=min_id, limit=batch)
            yield from filter(_by_tag, page)
            if len(page) < batch:
                return
            cursor, batch = page[-1].id, min(batch * 2, _FEED_MAX_BATCH)

    if not ascending:
        return newest_first()
    found = list(newest_first())
    found.reverse()
    return iter(found)


def _tag_streams(
    uow: UnitOfWork,
    tags: Iterable[str],
    max_id: PostId | None,
    min_id: PostId | None,
    ascending: bool,
) -> list[Iterator[Post]]:
    return [_tag_stream(uow, tag, max_id, min_id, ascending) for tag in sorted(tags)]


class _PagedFromCandidates:
    """Every strategy pages its candidates the same way: through :func:`home_page`."""

    __slots__ = ()

    def home(
        self: HomeSource,
        port: ReadPort,
        viewer_id: AccountId,
        *,
        limit: int = 20,
        max_id: PostId | None = None,
        since_id: PostId | None = None,
        min_id: PostId | None = None,
    ) -> TimelinePage:
        """Return a page of the home timeline (see :class:`TimelineStrategy`)."""
        return home_page(
            self, port, viewer_id, limit=limit, max_id=max_id, since_id=since_id, min_id=min_id
        )

    def list_timeline(
        self: ListSource,
        port: ReadPort,
        owner_id: AccountId,
        list_id: ListId,
        *,
        limit: int = 20,
        max_id: PostId | None = None,
        since_id: PostId | None = None,
        min_id: PostId | None = None,
    ) -> TimelinePage:
        """Return a page of a list's timeline (see :class:`TimelineStrategy`)."""
        return list_page(
            self,
            port,
            owner_id,
            list_id,
            limit=limit,
            max_id=max_id,
            since_id=since_id,
            min_id=min_id,
        )


@frozen
class FanOutOnRead(_PagedFromCandidates):
    """Build home timelines at read time by merging per-author streams.

    The default strategy. Nothing is stored per reader; a page of L items for
    a viewer following k accounts reads the head of k + 1 streams and about
    L more posts (plus up to 40 when a repost needs the de-duplication window).

    Example:
        >>> from microblog_core import ManualClock
        >>> from microblog_core.service import Microblog
        >>> blog = Microblog.in_memory(clock=ManualClock(), timeline=FanOutOnRead())
        >>> ann, bob = blog.register("ann"), blog.register("bob")
        >>> _ = blog.follow(ann.id, bob.id)
        >>> hello = blog.post(bob.id, "hello")
        >>> [p.text for p in blog.home_timeline(ann.id).items]
        ['hello']
    """

    @property
    def reads_followed_streams(self) -> bool:
        """Whether a store may compute the filtered home sequence in its place (it may).

        See :class:`~microblog_core.timelines.home.FollowedStreamsSource`.
        """
        return True

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
        """Merge the viewer's stream with each followee's and each followed hashtag's."""
        authors = chain((viewer_id,), following)
        tags = _tag_streams(uow, followed_tags(uow, viewer_id), max_id, min_id, ascending)
        posts = uow.posts
        if min_id is None and not ascending and offers(posts, MergedStreams):
            # An adapter may merge its own streams faster than one iterator per author.
            merged = cast("MergedStreams", posts).merged_streams(authors, max_id=max_id)
            return _merge([merged, *tags], ascending) if tags else merged
        return _merge(chain(_streams(uow, authors, max_id, min_id, ascending), tags), ascending)

    def list_candidates(
        self,
        uow: UnitOfWork,
        account_list: AccountList,
        members: Collection[AccountId],
        *,
        max_id: PostId | None = None,
        min_id: PostId | None = None,
        ascending: bool = False,
    ) -> Iterator[Post]:
        """Merge the members' streams (see :class:`TimelineStrategy`)."""
        posts = uow.posts
        if min_id is None and not ascending and offers(posts, MergedStreams):
            return cast("MergedStreams", posts).merged_streams(members, max_id=max_id)
        return _merge(_streams(uow, members, max_id, min_id, ascending), ascending)


def _check_cap(instance: object, attribute: object, value: object) -> None:
    # At least 4, so that following an account brings in cap // 4 >= 1 posts.
    _checks.limit(value, "cap", minimum=4)


def _check_threshold(instance: object, attribute: object, value: object) -> None:
    _checks.limit(value, "threshold")


def _feed_posts(
    uow: UnitOfWork,
    reader: AccountId,
    max_id: PostId | None,
    min_id: PostId | None,
    ascending: bool,
) -> Iterator[Post]:
    """Iterate over the posts of a reader's feed, in batches; deleted posts are skipped."""
    feeds, posts = uow.feeds, uow.posts
    batch = _FEED_BATCH
    while True:
        ids = feeds.read(reader, max_id=max_id, min_id=min_id, limit=batch, ascending=ascending)
        if not ids:
            return
        found = posts.get_many(ids)
        for post_id in ids:
            post = found.get(post_id)
            if post is not None:
                yield post
        if len(ids) < batch:
            return
        if ascending:
            min_id = ids[-1]
        else:
            max_id = ids[-1]
        batch = min(batch * 2, _FEED_MAX_BATCH)


class _FeedStrategy(_PagedFromCandidates):
    """Shared by :class:`FanOutOnWrite` and :class:`Hybrid`: feeds kept by a projector."""

    cap: int
    threshold: int | None

    # -- reading -------------------------------------------------------------

    def _is_big(self, uow: UnitOfWork, author: AccountId) -> bool:
        threshold = self.threshold
        return threshold is not None and uow.accounts.counters(author).followers >= threshold

    def _is_big_tag(self, uow: UnitOfWork, tag: str) -> bool:
        threshold = self.threshold
        return threshold is not None and uow.tag_follows.follower_count(tag) >= threshold

    def _feed_and_streams(
        self,
        uow: UnitOfWork,
        reader: AccountId,
        big: Sequence[AccountId],
        big_tags: Sequence[str],
        *,
        max_id: PostId | None,
        min_id: PostId | None,
        ascending: bool,
    ) -> Iterator[Post]:
        """A feed, merged with the streams of the large accounts and hashtags it leaves out."""
        if not big and not big_tags:
            return _feed_posts(uow, reader, max_id, min_id, ascending)
        if uow.feeds.size(reader) >= self.cap:
            # The feed was trimmed: the timeline reaches back as far as the feed does.
            oldest = uow.feeds.read(reader, limit=1, ascending=True)
            if oldest:
                floor = PostId(oldest[0] - 1)
                min_id = floor if min_id is None else PostId(max(min_id, floor))
        feed = _feed_posts(uow, reader, max_id, min_id, ascending)
        streams = _streams(uow, big, max_id, min_id, ascending)
        tags = _tag_streams(uow, big_tags, max_id, min_id, ascending)
        return _merge(chain([feed], streams, tags), ascending)

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
        """Read the viewer's feed (and, for a hybrid, the large followees' and hashtags')."""
        if self.threshold is None:
            return _feed_posts(uow, viewer_id, max_id, min_id, ascending)
        big = [a for a in following if self._is_big(uow, a)]
        big_tags = [t for t in followed_tags(uow, viewer_id) if self._is_big_tag(uow, t)]
        return self._feed_and_streams(
            uow, viewer_id, big, big_tags, max_id=max_id, min_id=min_id, ascending=ascending
        )

    def list_candidates(
        self,
        uow: UnitOfWork,
        account_list: AccountList,
        members: Collection[AccountId],
        *,
        max_id: PostId | None = None,
        min_id: PostId | None = None,
        ascending: bool = False,
    ) -> Iterator[Post]:
        """Read the list's feed (and, for a hybrid, its large members' streams)."""
        reader = AccountId(account_list.id)
        if self.threshold is None:
            return _feed_posts(uow, reader, max_id, min_id, ascending)
        big = [a for a in members if self._is_big(uow, a)]
        return self._feed_and_streams(
            uow, reader, big, (), max_id=max_id, min_id=min_id, ascending=ascending
        )

    # -- writing -------------------------------------------------------------

    def _recent(self, uow: UnitOfWork, author: AccountId) -> list[tuple[PostId, AccountId]]:
        posts = uow.posts.by_author(author, limit=max(1, self.cap // 4))
        return [(p.id, author) for p in posts if p.visibility is not Visibility.DIRECT]

    def _tagged(
        self,
        uow: UnitOfWork,
        reader: AccountId,
        tags: Iterable[str] | None = None,
        author: AccountId | None = None,
    ) -> None:
        """Merge the newest ``cap // 4`` posts of each small hashtag the reader follows.

        ``tags`` narrows it to some hashtags, ``author`` to one author's posts.
        """
        entries: list[tuple[PostId, AccountId]] = []
        limit = max(1, self.cap // 4)
        for tag in followed_tags(uow, reader) if tags is None else tags:
            if self._is_big_tag(uow, tag):
                continue
            entries.extend(
                (p.id, p.author_id)
                for p in uow.posts.with_tag(tag, limit=limit)
                if _by_tag(p) and p.author_id != reader and author in (None, p.author_id)
            )
        if entries:
            uow.feeds.merge(reader, entries, cap=self.cap)

    def _untagged(self, uow: UnitOfWork, reader: AccountId, tag: str) -> None:
        """Drop a hashtag's posts that only that hashtag brought into the reader's feed."""
        following = uow.relations.following_ids(reader)
        still = followed_tags(uow, reader)
        doomed = [
            p.id
            for p in uow.posts.with_tag(tag, limit=self.cap)
            if p.author_id != reader
            and p.author_id not in following
            and not any(t in still for t in p.tags)
        ]
        if doomed:
            uow.feeds.remove_posts((reader,), doomed)

    def _lists_of(self, uow: UnitOfWork, author: AccountId) -> list[AccountId]:
        return [AccountId(lst.id) for lst in uow.lists.containing(author)]

    def _deliver(self, uow: UnitOfWork, post: Post) -> None:
        author = post.author_id
        feeds = uow.feeds
        # Only the author ever sees a direct post on a home timeline. The
        # followers go in as the repository gave them (no per-id copy here),
        # and first, while the post is newer than every feed entry: an adapter
        # can then append it in bulk.
        if post.visibility is not Visibility.DIRECT and not self._is_big(uow, author):
            followers = uow.relations.follower_ids(author)
            if followers:
                feeds.insert(followers, post.id, author, cap=self.cap)
            lists = self._lists_of(uow, author)
            if lists:
                feeds.insert(lists, post.id, author, cap=self.cap)
        if _by_tag(post):
            for tag in post.tags:
                if not self._is_big_tag(uow, tag):
                    readers = uow.tag_follows.followers_of(tag)
                    if readers:
                        feeds.insert(readers, post.id, author, cap=self.cap)
        feeds.insert((author,), post.id, author, cap=self.cap)

    def _withdraw(
        self,
        uow: UnitOfWork,
        author: AccountId,
        post_ids: Sequence[PostId],
        tags: Iterable[str] = (),
    ) -> None:
        readers: list[AccountId] = [author]
        if not self._is_big(uow, author):
            readers.extend(uow.relations.follower_ids(author))
            readers.extend(self._lists_of(uow, author))
        for tag in tags:
            readers.extend(uow.tag_follows.followers_of(tag))
        uow.feeds.remove_posts(readers, post_ids)

    def project(self, uow: UnitOfWork, events: Sequence[Event]) -> None:
        """Apply a use case's events to the feeds, inside its unit of work.

        Publish and repost insert into the author's feed, its followers' and
        the feeds of the lists that hold it (direct posts: the author's only;
        a hybrid's large accounts: the author's only); a public original also
        goes to the followers of each of its (for a hybrid, small) hashtags.
        A follow merges the followee's newest ``cap // 4`` posts, and so does
        adding a member to a list's feed; following a hashtag merges its
        newest ``cap // 4`` posts. An unfollow and a block drop the other
        account's entries (an unfollow, and an unblock, bring back the posts
        a followed hashtag delivers); taking a member off a list drops its
        entries from the list's feed, and deleting a list empties it;
        unfollowing a hashtag drops the posts only it brought. Un-repost and
        delete remove the posts. Mutes change nothing here: a mute can expire
        without an event, so it is applied when reading. Reposts deleted
        along with their original are left as dangling ids, which reading skips.
        """
        followers_moved: dict[AccountId, int] = {}
        tag_followers_moved: dict[str, int] = {}
        feeds = uow.feeds
        for event in events:
            if isinstance(event, PostPublished):
                self._deliver(uow, event.post)
            elif isinstance(event, Reposted):
                self._deliver(uow, event.repost)
            elif isinstance(event, Unreposted):
                self._withdraw(uow, event.repost.author_id, (event.repost.id,))
            elif isinstance(event, PostDeleted):
                post = event.post
                self._withdraw(
                    uow,
                    post.author_id,
                    (post.id, *event.removed_reposts),
                    post.tags if _by_tag(post) else (),
                )
            elif isinstance(event, Followed):
                follow = event.follow
                followee = follow.followee_id
                followers_moved[followee] = followers_moved.get(followee, 0) + 1
                if not self._is_big(uow, followee):
                    feeds.merge(follow.follower_id, self._recent(uow, followee), cap=self.cap)
            elif isinstance(event, Unfollowed):
                followee = event.followee_id
                followers_moved[followee] = followers_moved.get(followee, 0) - 1
                feeds.remove_author(event.follower_id, followee)
                self._tagged(uow, event.follower_id, author=followee)
            elif isinstance(event, Blocked):
                block = event.block
                feeds.remove_author(block.blocker_id, block.blocked_id)
                feeds.remove_author(block.blocked_id, block.blocker_id)
            elif isinstance(event, Unblocked):
                self._tagged(uow, event.blocker_id, author=event.blocked_id)
                self._tagged(uow, event.blocked_id, author=event.blocker_id)
            elif isinstance(event, ListMembersAdded):
                reader = AccountId(event.account_list.id)
                for member in event.account_ids:
                    if not self._is_big(uow, member):
                        feeds.merge(reader, self._recent(uow, member), cap=self.cap)
            elif isinstance(event, ListMembersRemoved):
                reader = AccountId(event.account_list.id)
                for member in event.account_ids:
                    feeds.remove_author(reader, member)
            elif isinstance(event, ListDeleted):
                feeds.clear(AccountId(event.account_list.id))
            elif isinstance(event, TagFollowed):
                tag_followers_moved[event.tag] = tag_followers_moved.get(event.tag, 0) + 1
                self._tagged(uow, event.account_id, (event.tag,))
            elif isinstance(event, TagUnfollowed):
                tag_followers_moved[event.tag] = tag_followers_moved.get(event.tag, 0) - 1
                self._untagged(uow, event.account_id, event.tag)
        threshold = self.threshold
        if threshold is None:
            return
        for account, moved in followers_moved.items():
            now = uow.accounts.counters(account).followers
            if now < threshold <= now - moved:
                # Fell below the threshold: its followers' and lists' feeds must now hold its posts.
                recent = self._recent(uow, account)
                for reader in chain(
                    uow.relations.follower_ids(account), self._lists_of(uow, account)
                ):
                    feeds.merge(reader, recent, cap=self.cap)
        for tag, moved in tag_followers_moved.items():
            now = uow.tag_follows.follower_count(tag)
            if now < threshold <= now - moved:
                for reader in uow.tag_follows.followers_of(tag):
                    self._tagged(uow, reader, (tag,))

    def rebuild(self, port: ReadPort, reader_id: AccountId) -> int:
        """Regenerate a reader's feed from the post streams (for example after an import).

        The feed gets the newest ``cap`` posts of the reader and the (for a
        hybrid, small) accounts it follows, and the newest ``cap // 4`` of
        each (small) hashtag it follows.

        Args:
            port: The service (or any :class:`~microblog_core.ports.ReadPort`)
                whose store holds the feed; the rebuild writes through one
                unit of its own.
            reader_id: Whose feed.

        Returns:
            How many entries the feed holds afterwards.

        Raises:
            NotFoundError: No such account.
        """
        with port.unit_of_work() as uow:
            uow.accounts.get(reader_id)
            authors = [reader_id] + [
                a for a in uow.relations.following_ids(reader_id) if not self._is_big(uow, a)
            ]
            merged = merge_newest_first(_streams(uow, authors, None, None, False))
            entries = [
                (p.id, p.author_id)
                for p in islice(
                    (
                        p
                        for p in merged
                        if p.visibility is not Visibility.DIRECT or p.author_id == reader_id
                    ),
                    self.cap,
                )
            ]
            uow.feeds.clear(reader_id)
            if entries:
                uow.feeds.merge(reader_id, entries, cap=self.cap)
            self._tagged(uow, reader_id)
            size = uow.feeds.size(reader_id)
            uow.commit()
        return size

    def rebuild_list(self, port: ReadPort, owner_id: AccountId, list_id: ListId) -> int:
        """Regenerate a list's feed from its (for a hybrid, small) members' streams.

        Args:
            port: The service (or any :class:`~microblog_core.ports.ReadPort`)
                whose store holds the feed; the rebuild writes through one
                unit of its own.
            owner_id: The list's owner.
            list_id: The list.

        Returns:
            How many entries the list's feed holds afterwards.

        Raises:
            NotFoundError: No such list of the owner's.
        """
        with port.unit_of_work() as uow:
            account_list = owned_list(uow, owner_id, list_id)
            reader = AccountId(account_list.id)
            members = [a for a in uow.lists.member_ids(account_list.id) if not self._is_big(uow, a)]
            merged = merge_newest_first(_streams(uow, members, None, None, False))
            delivered = (p for p in merged if p.visibility is not Visibility.DIRECT)
            entries = [(p.id, p.author_id) for p in islice(delivered, self.cap)]
            uow.feeds.clear(reader)
            if entries:
                uow.feeds.merge(reader, entries, cap=self.cap)
            size = uow.feeds.size(reader)
            uow.commit()
        return size


@frozen
class FanOutOnWrite(_FeedStrategy):
    """Keep a capped feed of post ids per reader, written when posts are published.

    Mastodon's home feeds: 800 entries per reader by default
    (:data:`~microblog_core.ports.DEFAULT_FEED_CAP`). Pages equal
    :class:`FanOutOnRead`'s as long as the feed holds what the timeline
    reaches: a feed keeps the newest ``cap`` entries, and following an
    account brings in its newest ``cap // 4`` posts, so a page past that depth
    ends early, as on Mastodon.

    Attributes:
        cap: Entries kept per reader (at least 4).

    Example:
        >>> from microblog_core import ManualClock
        >>> from microblog_core.service import Microblog
        >>> blog = Microblog.in_memory(clock=ManualClock(), timeline=FanOutOnWrite(cap=100))
        >>> ann, bob = blog.register("ann"), blog.register("bob")
        >>> _ = blog.follow(ann.id, bob.id)
        >>> hello = blog.post(bob.id, "hello")
        >>> [p.text for p in blog.home_timeline(ann.id).items]
        ['hello']
    """

    cap: int = field(default=DEFAULT_FEED_CAP, validator=_check_cap, kw_only=True)

    @property
    def threshold(self) -> None:  # type: ignore[override]  # a constant here
        """No threshold, since fan-out-on-write fans out every account's posts."""
        return None


@frozen
class Hybrid(_FeedStrategy):
    """Fan out small accounts' posts on write; merge large accounts' streams on read.

    An account with at least ``threshold`` followers is *large*: its posts go
    only to its own feed, and each viewer's page merges the streams of the
    large accounts it follows into its feed. When an account falls below the
    threshold, its newest ``cap // 4`` posts are merged into its followers'
    feeds. Pages equal :class:`FanOutOnRead`'s within the feed's reach; a
    trimmed feed also bounds how far back the large accounts' posts go.

    Attributes:
        threshold: Followers from which an account is merged at read time.
        cap: Entries kept per reader (at least 4).
    """

    threshold: int = field(default=DEFAULT_HYBRID_THRESHOLD, validator=_check_threshold)
    cap: int = field(default=DEFAULT_FEED_CAP, validator=_check_cap, kw_only=True)
