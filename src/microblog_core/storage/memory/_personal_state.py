"""The memory adapter's bookmarks and keyword filters, with their primitive writes.

Bookmarks are indexed by owner (an ascending list of bookmark ids, so a page
is a binary search), by (owner, post) and by post; filters by owner and by
the posts they name. Each primitive write has its inverse here.
"""

from microblog_core.models import Bookmark, Filter
from microblog_core.storage.memory._sorted import index_add, index_drop

__all__ = ["PersonalState"]


class PersonalState:
    """Bookmarks and filters of one memory store."""

    def __init__(self) -> None:
        self.bookmarks: dict[int, Bookmark] = {}  # by bookmark id
        self.bookmark_ids: dict[int, list[int]] = {}  # owner -> ascending bookmark ids
        self.bookmark_of: dict[tuple[int, int], int] = {}  # (owner, post) -> bookmark id
        self.bookmarked: dict[int, list[int]] = {}  # post -> ascending bookmark ids
        self.filters: dict[int, Filter] = {}
        self.filter_ids: dict[int, list[int]] = {}  # owner -> ascending filter ids
        self.filtering: dict[int, list[int]] = {}  # post -> ids of filters naming it

    def put_bookmark(self, b: Bookmark) -> None:
        self.bookmarks[b.id] = b
        index_add(self.bookmark_ids, b.account_id, b.id)
        self.bookmark_of[b.account_id, b.post_id] = b.id
        index_add(self.bookmarked, b.post_id, b.id)

    def drop_bookmark(self, b: Bookmark) -> None:
        del self.bookmarks[b.id]
        index_drop(self.bookmark_ids, b.account_id, b.id)
        del self.bookmark_of[b.account_id, b.post_id]
        index_drop(self.bookmarked, b.post_id, b.id)

    def put_filter(self, f: Filter) -> None:
        self.filters[f.id] = f
        index_add(self.filter_ids, f.account_id, f.id)
        for post in f.post_ids:
            index_add(self.filtering, post, f.id)

    def drop_filter(self, f: Filter) -> None:
        del self.filters[f.id]
        index_drop(self.filter_ids, f.account_id, f.id)
        for post in f.post_ids:
            index_drop(self.filtering, post, f.id)

    def replace_filter(self, current: Filter, replacement: Filter) -> None:
        self.drop_filter(current)
        self.put_filter(replacement)

    def snapshot(self) -> dict[str, object]:
        def lists(index: dict[int, list[int]]) -> dict[int, tuple[int, ...]]:
            return {key: tuple(ids) for key, ids in index.items()}

        return {
            "bookmarks": dict(self.bookmarks),
            "bookmark_ids": lists(self.bookmark_ids),
            "bookmark_of": dict(self.bookmark_of),
            "bookmarked": lists(self.bookmarked),
            "filters": dict(self.filters),
            "filter_ids": lists(self.filter_ids),
            "filtering": lists(self.filtering),
        }
