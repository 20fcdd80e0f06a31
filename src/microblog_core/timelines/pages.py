"""Timeline pages and Mastodon's paging arguments.

Every timeline answers with a :class:`TimelinePage`: the posts newest first,
the originals of the reposts among them (so a client can render a repost
without a second query), and the two cursors Mastodon's ``Link`` header would
carry. Paging follows Mastodon (``app/models/concerns/paginable.rb`` and the
timelines API):

- ``max_id``: only items older than this id (exclusive) -- the next page;
- ``since_id``: items newer than this id, newest first: the newest page above it;
- ``min_id``: the items *immediately* newer than this id -- the previous page;
- ``limit``: 20 by default, at most 40.

When both ``min_id`` and ``since_id`` are given, ``min_id`` wins, as in
Mastodon; ``max_id`` combines with either.
"""

from collections.abc import Iterable, Mapping
from types import MappingProxyType

from attrs import field, frozen

from microblog_core import _checks
from microblog_core.errors import NotFoundError, ValidationError
from microblog_core.ids import PostId
from microblog_core.models import Post
from microblog_core.rules.filters import FilterResult, freeze_marks

__all__ = ["DEFAULT_LIMIT", "MAX_LIMIT", "TimelinePage", "check_limit", "check_page_id"]

DEFAULT_LIMIT = 20
"""Items per page when the caller does not say (Mastodon's default)."""

MAX_LIMIT = 40
"""The most items a page may ask for (Mastodon's cap for statuses)."""


def _freeze_roots(value: Mapping[PostId, Post]) -> Mapping[PostId, Post]:
    if isinstance(value, MappingProxyType):
        return value
    return MappingProxyType(dict(value))


@frozen(kw_only=True)
class TimelinePage:
    """A page of a timeline, newest first, with Mastodon's cursors.

    Attributes:
        items: The posts (originals, replies, quotes and reposts), newest first.
        roots: For each repost among ``items``, its original, keyed by the
            original's id (read-only).
        next_max_id: Pass as ``max_id`` for the next, older page: the id of the
            oldest item (None when the page is empty), as Mastodon's ``next`` link.
        prev_min_id: Pass as ``min_id`` for the page just newer than this one:
            the id of the newest item (None when the page is empty), as
            Mastodon's ``prev`` link.
        filtered: For each item one of the viewer's ``warn`` keyword filters
            matched, the filters that matched and what in them (Mastodon's
            ``filtered``), by item id; read-only. Items a ``hide`` filter
            matched are not on the page at all, while the cursors still
            step over them.

    Example:
        >>> page = TimelinePage.of([])
        >>> page.items, page.next_max_id, page.prev_min_id
        ((), None, None)
    """

    items: tuple[Post, ...]
    roots: Mapping[PostId, Post] = field(
        factory=dict, converter=_freeze_roots, hash=False, repr=False
    )
    next_max_id: PostId | None = None
    prev_min_id: PostId | None = None
    filtered: Mapping[PostId, tuple[FilterResult, ...]] = field(
        factory=dict, converter=freeze_marks, hash=False, repr=False
    )

    @classmethod
    def of(
        cls, items: Iterable[Post], roots: Mapping[PostId, Post] | None = None
    ) -> "TimelinePage":
        """Build a page from its items (newest first) and the originals they repost.

        The cursors are derived from the items; ``roots`` may hold more posts
        than needed (only the originals of reposts in ``items`` are kept).

        Args:
            items: The posts, newest first.
            roots: Originals by id; every repost's original must be there.

        Returns:
            The page.

        Raises:
            ValidationError: A repost's original is missing from ``roots``.
        """
        posts = tuple(items)
        kept: dict[PostId, Post] = {}
        for post in posts:
            ref = post.repost_of
            if ref is not None:
                root = None if roots is None else roots.get(ref.root_id)
                if root is None:
                    raise ValidationError(
                        f"repost {post.id} needs its original {ref.root_id} in roots",
                        field="roots",
                        value=ref.root_id,
                    )
                kept[ref.root_id] = root
        return cls(
            items=posts,
            roots=kept,
            next_max_id=posts[-1].id if posts else None,
            prev_min_id=posts[0].id if posts else None,
        )

    def original(self, post: Post) -> Post:
        """Return what a client renders for ``post``: the original for a repost, else the post.

        Raises:
            NotFoundError: ``post`` is a repost whose original is not on this page.
        """
        ref = post.repost_of
        if ref is None:
            return post
        root = self.roots.get(ref.root_id)
        if root is None:
            raise NotFoundError(
                "post", ref.root_id, f"the original of {post.id} is not on the page"
            )
        return root

    def __len__(self) -> int:
        return len(self.items)


def check_limit(limit: object, maximum: int = MAX_LIMIT) -> int:
    """Check a page size: an int from 1 to ``maximum`` (the shared ``_checks.limit``).

    Args:
        limit: The requested number of items.
        maximum: The largest allowed (40 for timelines, as Mastodon).

    Returns:
        ``limit``.

    Raises:
        ValidationError: ``limit`` is not an int in ``[1, maximum]``.
    """
    return _checks.limit(limit, "limit", maximum)


def check_page_id(value: object, name: str) -> PostId | None:
    """Check a paging id (``max_id``, ``since_id`` or ``min_id``): None or an int >= 0.

    Ids above the largest possible id are allowed (they bound nothing). The
    check is ``_checks.page_id``, shared by every layer.

    Args:
        value: The id given.
        name: The argument's name, for the error.

    Returns:
        The id, or None.

    Raises:
        InvalidIdError: ``value`` is not None and not a non-negative int.
    """
    checked = _checks.page_id(value, name)
    return None if checked is None else PostId(checked)
