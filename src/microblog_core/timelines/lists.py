"""List timelines: the posts of a list's members, as its owner sees them.

A list's timeline is defined as the home timeline is
(:mod:`microblog_core.timelines.home`), over another candidate sequence:
every post and repost by the list's members, by id descending. From it:

1. **Filter.** The list's ``replies_policy``
   (:func:`~microblog_core.rules.filtered_from_list`, Mastodon's
   ``FeedManager#filter_from_list?``) drops replies, and the owner's home
   rules (:func:`~microblog_core.rules.filtered_from_home`, without exclusive
   lists and without followed hashtags, Mastodon's ``:list`` timeline type)
   apply on top, with the access rules, as on home.
2. **Show each root once**, by the same 40-item window as home.

Every :class:`~microblog_core.timelines.TimelineStrategy` answers it from
its own candidates: fan-out on read merges the members' streams, fan-out on
write keeps a capped feed per list, and the hybrid merges its large
members' streams into the list's feed.
"""

from collections.abc import Collection, Iterator
from typing import Protocol

from microblog_core.errors import NotFoundError
from microblog_core.ids import MAX_ID, AccountId, ListId, PostId
from microblog_core.models import AccountList, Post
from microblog_core.ports import ReadPort, UnitOfWork
from microblog_core.rules import filtered_from_list
from microblog_core.timelines.home import (
    RootCache,
    home_context,
    home_filter,
    select_newest_first,
    select_oldest_first,
)
from microblog_core.timelines.pages import TimelinePage, check_limit, check_page_id

__all__ = ["ListSource", "list_page", "owned_list"]


class ListSource(Protocol):
    """Where a strategy's list-timeline candidates come from."""

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
        """Iterate over the list's candidate sequence within the bounds.

        Args:
            uow: The (read-only) unit to read through.
            account_list: The list.
            members: Its members.
            max_id: Only posts with a smaller id.
            min_id: Only posts with a greater id.
            ascending: Oldest first instead of newest first.
        """
        ...


def owned_list(uow: UnitOfWork, owner_id: AccountId, list_id: ListId) -> AccountList:
    """Return the list ``list_id`` when ``owner_id`` owns it.

    Raises:
        NotFoundError: No such list, or another account's (as Mastodon answers 404).
    """
    found = uow.lists.find(list_id)
    if found is None or found.owner_id != owner_id:
        raise NotFoundError("list", list_id)
    return found


def list_page(
    source: ListSource,
    port: ReadPort,
    owner_id: AccountId,
    list_id: ListId,
    *,
    limit: int,
    max_id: PostId | None,
    since_id: PostId | None,
    min_id: PostId | None,
) -> TimelinePage:
    """Build a page of a list's timeline from a strategy's candidates (Mastodon paging).

    Args:
        source: The strategy's candidate source.
        port: What to read through.
        owner_id: The list's owner, who reads it.
        list_id: The list.
        limit: Items per page, 1 to 40.
        max_id: Only items older than this id.
        since_id: Only items newer than this id (the newest page above it).
        min_id: The items immediately newer than this id.

    Returns:
        The page.

    Raises:
        NotFoundError: No such account, or no such list of the owner's.
        ValidationError: A bad limit or paging id.
    """
    limit = check_limit(limit)
    max_id = check_page_id(max_id, "max_id")
    since_id = check_page_id(since_id, "since_id")
    min_id = check_page_id(min_id, "min_id")
    with port.unit_of_work(readonly=True) as uow:
        uow.accounts.get(owner_id)
        account_list = owned_list(uow, owner_id, list_id)
        members = frozenset(uow.lists.member_ids(account_list.id))
        roots = RootCache(uow)
        home = home_filter(home_context(uow, owner_id, port.now(), lists=True), roots)

        def keep(post: Post) -> bool:
            return (
                post.author_id in members
                and not filtered_from_list(post, account_list, members)
                and home(post)
            )

        candidates = source.list_candidates
        if min_id is not None:
            if min_id >= MAX_ID or (max_id is not None and max_id <= min_id + 1):
                return TimelinePage.of(())
            older = candidates(uow, account_list, members, max_id=PostId(min_id + 1))
            newer = candidates(
                uow, account_list, members, max_id=max_id, min_id=min_id, ascending=True
            )
            items = select_oldest_first(filter(keep, older), filter(keep, newer), limit)
        else:
            found = candidates(uow, account_list, members, max_id=max_id)
            items = select_newest_first(filter(keep, found), limit, since_id=since_id)
        return TimelinePage.of(items, roots.loaded())
