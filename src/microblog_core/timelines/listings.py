"""The other timelines: an account's posts, a hashtag, mentions, and the public timeline.

Each is filtered for the viewer the way Mastodon filters it, and all share
one rule with the home timeline: a viewer never sees a post the visibility
rule (:class:`~microblog_core.rules.ViewerContext`) hides from them: direct
and followers-only posts they are not let into, anything across a block in
either direction, and a repost whose original they may not see.

=====================  ====================================================================
timeline               what it holds (Mastodon's source)
=====================  ====================================================================
account                the account's posts and reposts; without replies it keeps the
                       account's own threads (``Status.without_replies``: a reply
                       addressed to its own author stays)
hashtag                public posts carrying the tag, replies included, no reposts
                       (``Status.as_tag_timeline``); minus accounts the viewer blocks,
                       is blocked by or mutes
mentions               posts mentioning the account that it may see, minus its own, those
                       across a block, and those by accounts it mutes with
                       ``hide_notifications`` (mention notifications)
public                 public posts, no reposts, no replies except self-threads
                       (``Status.as_public_timeline``); minus accounts the viewer blocks,
                       is blocked by or mutes
=====================  ====================================================================

Paging is Mastodon's (see :mod:`microblog_core.timelines.pages`). The
account timeline reads the author's stream in either direction. The others
read their repository listing newest first in batches; a ``min_id`` page
there reads every matching post above ``min_id`` to find the oldest ones,
so it costs what lies above the cursor (cheap when polling for new posts).
"""

from collections import deque
from collections.abc import Callable, Iterator, Sequence

from microblog_core import _checks
from microblog_core.ids import AccountId, PostId
from microblog_core.models import Post, Visibility
from microblog_core.ports import ReadPort, UnitOfWork
from microblog_core.rules import ViewerContext
from microblog_core.timelines.home import RootCache
from microblog_core.timelines.pages import TimelinePage, check_limit, check_page_id
from microblog_core.timelines.viewers import load_viewer

__all__ = ["account_timeline", "hashtag_timeline", "mentions_timeline", "public_timeline"]

_FIRST_BATCH = 40
_MAX_BATCH = 800

_Fetch = Callable[..., Sequence[Post]]


def _viewer(uow: UnitOfWork, port: ReadPort, viewer_id: AccountId | None) -> ViewerContext:
    """Load the viewer's relations once per page (checking the viewer exists)."""
    if viewer_id is not None:
        uow.accounts.get(viewer_id)
    return load_viewer(uow, viewer_id, port.now())


def _sees(viewer: ViewerContext, roots: RootCache) -> Callable[[Post], bool]:
    """The visibility rule over a page's posts, loading a repost's original once."""

    def sees(post: Post) -> bool:
        ref = post.repost_of
        return viewer.sees(post, None if ref is None else roots.get(ref.root_id))

    return sees


def _paging(
    limit: object, max_id: object, since_id: object, min_id: object
) -> tuple[int, PostId | None, PostId | None, PostId | None]:
    return (
        check_limit(limit),
        check_page_id(max_id, "max_id"),
        check_page_id(since_id, "since_id"),
        check_page_id(min_id, "min_id"),
    )


def _scan(fetch: _Fetch, max_id: PostId | None, min_id: PostId | None) -> Iterator[Post]:
    """Iterate over a newest-first listing within the bounds, in growing batches."""
    batch = _FIRST_BATCH
    while True:
        posts = fetch(max_id=max_id, min_id=min_id, limit=batch)
        yield from posts
        if len(posts) < batch:
            return
        max_id = posts[-1].id
        batch = min(batch * 2, _MAX_BATCH)


def _take_newest(posts: Iterator[Post], keep: Callable[[Post], bool], limit: int) -> list[Post]:
    shown: list[Post] = []
    for post in posts:
        if keep(post):
            shown.append(post)
            if len(shown) == limit:
                break
    return shown


def _take_oldest(posts: Iterator[Post], keep: Callable[[Post], bool], limit: int) -> list[Post]:
    """From a newest-first iterator, the ``limit`` oldest kept posts, newest first."""
    tail: deque[Post] = deque(maxlen=limit)
    tail.extend(filter(keep, posts))
    return list(tail)


def _listing_page(
    fetch: _Fetch,
    keep: Callable[[Post], bool],
    roots: RootCache,
    *,
    limit: int,
    max_id: PostId | None,
    since_id: PostId | None,
    min_id: PostId | None,
) -> TimelinePage:
    if min_id is not None:
        items = _take_oldest(_scan(fetch, max_id, min_id), keep, limit)
    else:
        items = _take_newest(_scan(fetch, max_id, since_id), keep, limit)
    return TimelinePage.of(items, roots.loaded())


def account_timeline(
    port: ReadPort,
    account_id: AccountId,
    *,
    viewer_id: AccountId | None = None,
    with_replies: bool = False,
    limit: int = 20,
    max_id: PostId | None = None,
    since_id: PostId | None = None,
    min_id: PostId | None = None,
) -> TimelinePage:
    """Return an account's posts and reposts as ``viewer_id`` sees them, newest first.

    Without replies, the account's self-threads stay (a reply addressed to its
    own author), as Mastodon's profile does. An account that blocks the viewer,
    or that the viewer blocks, shows nothing.

    Args:
        port: What to read through: the service, or any
            :class:`~microblog_core.ports.ReadPort`.
        account_id: Whose posts.
        viewer_id: Who looks (None: logged out, public and unlisted posts only).
        with_replies: Include replies to other people.
        limit: Items per page, 1 to 40.
        max_id: Only items older than this id.
        since_id: Only items newer than this id, newest first.
        min_id: The items immediately newer than this id.

    Returns:
        The page.

    Raises:
        NotFoundError: The account or the viewer does not exist.
        ValidationError: A bad limit or paging id.
    """
    limit, max_id, since_id, min_id = _paging(limit, max_id, since_id, min_id)
    _checks.flag(with_replies, "with_replies")
    with port.unit_of_work(readonly=True) as uow:
        uow.accounts.get(account_id)
        roots = RootCache(uow)
        viewer = _viewer(uow, port, viewer_id)
        if viewer.standing(account_id).blocked:
            return TimelinePage.of(())
        sees = _sees(viewer, roots)

        def keep(post: Post) -> bool:
            reply = post.reply_to
            if not with_replies and reply is not None and reply.addressee_id != account_id:
                return False
            return sees(post)

        stream = uow.posts.stream
        if min_id is not None:
            ascending = stream(account_id, max_id=max_id, min_id=min_id, ascending=True)
            items = _take_newest(ascending, keep, limit)
            items.reverse()
        else:
            items = _take_newest(stream(account_id, max_id=max_id, min_id=since_id), keep, limit)
        return TimelinePage.of(items, roots.loaded())


def hashtag_timeline(
    port: ReadPort,
    tag: str,
    *,
    viewer_id: AccountId | None = None,
    limit: int = 20,
    max_id: PostId | None = None,
    since_id: PostId | None = None,
    min_id: PostId | None = None,
) -> TimelinePage:
    """Return the public posts carrying a hashtag, as ``viewer_id`` sees them.

    Args:
        port: What to read through: the service, or any
            :class:`~microblog_core.ports.ReadPort`.
        tag: The hashtag, with or without ``#`` (case-insensitive; a Weibo
            topic's closing ``#`` is allowed too).
        viewer_id: Who looks (None: logged out).
        limit: Items per page, 1 to 40.
        max_id: Only items older than this id.
        since_id: Only items newer than this id, newest first.
        min_id: The items immediately newer than this id.

    Returns:
        The page.

    Raises:
        NotFoundError: The viewer does not exist.
        ValidationError: An empty tag, a bad limit or paging id.
    """
    name = _checks.hashtag(tag)
    limit, max_id, since_id, min_id = _paging(limit, max_id, since_id, min_id)
    with port.unit_of_work(readonly=True) as uow:
        roots = RootCache(uow)
        viewer = _viewer(uow, port, viewer_id)
        sees = _sees(viewer, roots)

        def keep(post: Post) -> bool:
            return (
                post.visibility is Visibility.PUBLIC
                and post.repost_of is None
                and not viewer.blocks_or_mutes(post.author_id)
                and sees(post)
            )

        def fetch(**bounds: object) -> Sequence[Post]:
            return uow.posts.with_tag(name, **bounds)  # type: ignore[arg-type]

        return _listing_page(
            fetch, keep, roots, limit=limit, max_id=max_id, since_id=since_id, min_id=min_id
        )


def mentions_timeline(
    port: ReadPort,
    account_id: AccountId,
    *,
    limit: int = 20,
    max_id: PostId | None = None,
    since_id: PostId | None = None,
    min_id: PostId | None = None,
) -> TimelinePage:
    """Return the posts mentioning ``account_id`` that it may see, newest first.

    Left out: its own posts, posts across a block (either way), and posts by
    accounts it mutes with ``hide_notifications`` (as Mastodon's mention
    notifications).

    Args:
        port: What to read through: the service, or any
            :class:`~microblog_core.ports.ReadPort`.
        account_id: Who is mentioned.
        limit: Items per page, 1 to 40.
        max_id: Only items older than this id.
        since_id: Only items newer than this id, newest first.
        min_id: The items immediately newer than this id.

    Returns:
        The page.

    Raises:
        NotFoundError: No such account.
        ValidationError: A bad limit or paging id.
    """
    limit, max_id, since_id, min_id = _paging(limit, max_id, since_id, min_id)
    with port.unit_of_work(readonly=True) as uow:
        roots = RootCache(uow)
        viewer = _viewer(uow, port, account_id)
        sees = _sees(viewer, roots)
        relations = uow.relations
        now = port.now()
        silenced: dict[AccountId, bool] = {}

        def quiet(author: AccountId) -> bool:
            if author not in silenced:
                mute = relations.get_mute(account_id, author, at=now)
                silenced[author] = mute is not None and mute.hide_notifications
            return silenced[author]

        def keep(post: Post) -> bool:
            author = post.author_id
            return author != account_id and sees(post) and not quiet(author)

        def fetch(**bounds: object) -> Sequence[Post]:
            return uow.posts.mentioning(account_id, **bounds)  # type: ignore[arg-type]

        return _listing_page(
            fetch, keep, roots, limit=limit, max_id=max_id, since_id=since_id, min_id=min_id
        )


def public_timeline(
    port: ReadPort,
    *,
    viewer_id: AccountId | None = None,
    limit: int = 20,
    max_id: PostId | None = None,
    since_id: PostId | None = None,
    min_id: PostId | None = None,
) -> TimelinePage:
    """Return the public timeline: public posts, no reposts, no replies but self-threads.

    Args:
        port: What to read through: the service, or any
            :class:`~microblog_core.ports.ReadPort`.
        viewer_id: Who looks (None: logged out).
        limit: Items per page, 1 to 40.
        max_id: Only items older than this id.
        since_id: Only items newer than this id, newest first.
        min_id: The items immediately newer than this id.

    Returns:
        The page.

    Raises:
        NotFoundError: The viewer does not exist.
        ValidationError: A bad limit or paging id.
    """
    limit, max_id, since_id, min_id = _paging(limit, max_id, since_id, min_id)
    with port.unit_of_work(readonly=True) as uow:
        roots = RootCache(uow)
        viewer = _viewer(uow, port, viewer_id)
        sees = _sees(viewer, roots)

        def keep(post: Post) -> bool:
            reply = post.reply_to
            return (
                post.visibility is Visibility.PUBLIC
                and post.repost_of is None
                and (reply is None or reply.addressee_id == post.author_id)
                and not viewer.blocks_or_mutes(post.author_id)
                and sees(post)
            )

        def fetch(**bounds: object) -> Sequence[Post]:
            return uow.posts.public(include_replies=True, **bounds)  # type: ignore[arg-type]

        return _listing_page(
            fetch, keep, roots, limit=limit, max_id=max_id, since_id=since_id, min_id=min_id
        )
