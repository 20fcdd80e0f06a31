"""Reading a whole store as values, for exports.

Exports read through the service's read port (a read-only unit of work),
page by page, never through a write.
"""

import heapq
from collections.abc import Iterator
from datetime import datetime

from microblog_core.ids import AccountId, PostId
from microblog_core.models import Account, Block, Follow, Like, Post
from microblog_core.service import Microblog

__all__ = ["accounts_of", "blocks_of", "follows_of", "history_of", "likes_of", "posts_of"]

_PAGE = 500


def accounts_of(blog: Microblog) -> Iterator[Account]:
    """Every account, in id order."""
    after: AccountId | None = None
    while True:
        with blog.unit_of_work(readonly=True) as uow:
            page = uow.accounts.page(after=after, limit=_PAGE)
        yield from page
        if len(page) < _PAGE:
            return
        after = page[-1].id


def posts_of(blog: Microblog) -> Iterator[Post]:
    """Every post, in id order (so originals come before their replies and reposts)."""
    after: PostId | None = None
    while True:
        with blog.unit_of_work(readonly=True) as uow:
            page = uow.posts.scan(after=after, limit=_PAGE)
        yield from page
        if len(page) < _PAGE:
            return
        after = page[-1].id


def follows_of(blog: Microblog) -> Iterator[Follow]:
    """Every follow, by follower, then followee."""
    for account in accounts_of(blog):
        after: AccountId | None = None
        while True:
            with blog.unit_of_work(readonly=True) as uow:
                page = uow.relations.following_of(account.id, after=after, limit=_PAGE)
            yield from page
            if len(page) < _PAGE:
                break
            after = page[-1].followee_id


def blocks_of(blog: Microblog) -> Iterator[Block]:
    """Every block, by blocker."""
    for account in accounts_of(blog):
        with blog.unit_of_work(readonly=True) as uow:
            blocked = sorted(uow.relations.blocked_ids(account.id))
            blocks = [uow.relations.get_block(account.id, other) for other in blocked]
        yield from (block for block in blocks if block is not None)


def likes_of(blog: Microblog) -> Iterator[Like]:
    """Every like, by post."""
    for post in posts_of(blog):
        after: AccountId | None = None
        while True:
            with blog.unit_of_work(readonly=True) as uow:
                page = uow.engagement.likes_of(post.id, after=after, limit=_PAGE)
            yield from page
            if len(page) < _PAGE:
                break
            after = page[-1].account_id


def _post_key(post: Post) -> tuple[datetime, int, int]:
    return (post.created_at, 0, post.id)


def _relation_key(value: Follow | Block | Like) -> tuple[datetime, int, int]:
    rank = 1 if isinstance(value, Follow) else 2 if isinstance(value, Block) else 3
    return (value.created_at, rank, 0)


def history_of(blog: Microblog) -> Iterator[Account | Post | Follow | Block | Like]:
    """Every account, then posts, follows, blocks and likes in the order they happened.

    Replaying this order through a service meets the same rules the original
    did (a reply to a followers-only post comes after the follow that let
    its author see it). Posts stream from the store; follows, blocks and
    likes are gathered and sorted in memory.
    """
    yield from accounts_of(blog)
    relations: list[Follow | Block | Like] = [*follows_of(blog), *blocks_of(blog), *likes_of(blog)]
    relations.sort(key=_relation_key)
    posts = ((_post_key(p), p) for p in posts_of(blog))
    others = ((_relation_key(r), r) for r in relations)
    for _, value in heapq.merge(posts, others, key=lambda pair: pair[0]):
        yield value
