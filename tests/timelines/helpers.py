"""Helpers shared by the timeline tests: bare posts, and the home timeline by definition."""

from collections.abc import Iterable, Iterator, Sequence
from datetime import UTC, datetime

from microblog_core.models import Post, RepostRef
from microblog_core.rules import DEDUP_WINDOW

WHEN = datetime(2026, 1, 1, tzinfo=UTC)


def original(post_id: int, author: int = 1) -> Post:
    return Post(id=post_id, author_id=author, created_at=WHEN, text=f"post {post_id}")


def repost(post_id: int, root_id: int, author: int = 2, root_author: int = 1) -> Post:
    return Post(
        id=post_id,
        author_id=author,
        created_at=WHEN,
        repost_of=RepostRef(root_id=root_id, root_author_id=root_author),
    )


def root_of(post: Post) -> int:
    return post.repost_of.root_id if post.repost_of is not None else post.id


def shown_by_definition(filtered_newest_first: Sequence[Post]) -> list[Post]:
    """The definition, read literally: drop a repost whose root is among the next 40 (older)."""
    shown = []
    for index, post in enumerate(filtered_newest_first):
        older = filtered_newest_first[index + 1 : index + 1 + DEDUP_WINDOW]
        if post.repost_of is not None and any(root_of(p) == root_of(post) for p in older):
            continue
        shown.append(post)
    return shown


class Counting(Iterator[Post]):
    """An iterator that counts how many items were taken from it."""

    def __init__(self, items: Iterable[Post]) -> None:
        self._items = iter(items)
        self.taken = 0

    def __next__(self) -> Post:
        item = next(self._items)
        self.taken += 1
        return item


def ids(posts: Iterable[Post]) -> list[int]:
    return [p.id for p in posts]
