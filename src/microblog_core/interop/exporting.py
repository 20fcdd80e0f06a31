"""Reading a whole store as values, for exports.

Exports read through the service's read port (a read-only unit of work),
page by page, never through a write.
"""

from collections.abc import Iterator

from microblog_core.ids import AccountId, PostId
from microblog_core.models import Account, Block, Follow, Like, Post
from microblog_core.service import Microblog

__all__ = ["accounts_of", "blocks_of", "follows_of", "likes_of", "posts_of"]

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
