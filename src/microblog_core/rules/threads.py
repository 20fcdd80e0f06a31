"""Threads and comments: reply references and the thread view.

A reply carries ``(root, parent)``: the root is never itself a reply, the
parent's root is the reply's root, and replying to a repost replies to its
original. A self-reply chain keeps addressing the person it answered first.

The thread view follows Bluesky's ``getPostThread`` and Twitter's
conversation view: ancestors up to a cap, then descendants depth first,
siblings in the chosen order with the author's own continuation first.
Replies the viewer may not see become placeholders, so the tree stays
connected.
"""

import enum
from collections.abc import Callable, Iterable, Mapping
from typing import Literal

from attrs import field, frozen

from microblog_core import _checks
from microblog_core.errors import ValidationError
from microblog_core.ids import AccountId, PostId
from microblog_core.models import Post, PostCounters, ReplyRef
from microblog_core.ranking.scorers import WILSON_Z_80
from microblog_core.ranking.scorers import wilson_lower_bound as vote_wilson
from microblog_core.rules.filters import FilterResult, freeze_marks

__all__ = [
    "WILSON_Z",
    "Placeholder",
    "ThreadNode",
    "ThreadSort",
    "ThreadView",
    "build_thread",
    "reply_ref_for",
    "wilson_lower_bound",
]

WILSON_Z = WILSON_Z_80
"""The z-score of an 80% one-sided confidence, as Reddit's "best" sort uses."""

ThreadSort = Literal["oldest", "newest", "top"]
_SORTS = ("oldest", "newest", "top")


def wilson_lower_bound(positive: int, total: int, z: float = WILSON_Z) -> float:
    """Lower bound of the Wilson score interval for ``positive`` successes of ``total``.

    The same bound as :func:`microblog_core.ranking.wilson_lower_bound`, the
    library's one implementation, spelled with successes of a total instead
    of up- and down-votes: ``wilson_lower_bound(p, t) ==
    ranking.wilson_lower_bound(p, t - p)``. Zero when ``total`` is zero.

    Args:
        positive: Successes (likes, up-votes), ``>= 0``.
        total: Trials, at least ``positive``.
        z: The normal quantile, > 0.

    Returns:
        The lower bound, in ``[0, positive / total]``.

    Source: E. B. Wilson (1927); Evan Miller, "How Not To Sort By Average Rating"
    (2009); Reddit's ``_sorts.pyx`` ``_confidence``.

    Raises:
        ValidationError: A count is negative or not an int, ``positive`` is
            above ``total``, or ``z`` is not > 0.

    Example:
        >>> from microblog_core.rules import wilson_lower_bound
        >>> round(wilson_lower_bound(8, 10), 4)
        0.6016
    """
    positive = _checks.count(positive, "positive")
    total = _checks.count(total, "total")
    if positive > total:
        raise ValidationError(
            f"positive must be at most total ({total}), got {_checks.quote(positive)}",
            field="positive",
            value=positive,
        )
    return vote_wilson(positive, total - positive, z)


def reply_ref_for(parent: Post, replier_id: AccountId) -> ReplyRef:
    """Return the reference a reply by ``replier_id`` to ``parent`` carries.

    Args:
        parent: The post replied to; never a repost (reply to its original instead).
        replier_id: Who replies.

    Raises:
        ValidationError: ``parent`` is a repost.

    Example:
        >>> from datetime import datetime, timezone
        >>> from microblog_core.models import Post
        >>> from microblog_core.rules import reply_ref_for
        >>> t = datetime(2026, 1, 1, tzinfo=timezone.utc)
        >>> root = Post.create(id=10, author_id=1, created_at=t, text="question")
        >>> ref = reply_ref_for(root, 2)
        >>> (ref.root_id, ref.parent_id, ref.addressee_id)
        (10, 10, 1)
    """
    if parent.repost_of is not None:
        raise ValidationError(
            "reply to the original post, not to a repost of it", field="parent_id", value=parent.id
        )
    addressee = parent.author_id
    up = parent.reply_to
    if up is not None and parent.author_id == replier_id:
        # The replier continues their own reply: keep addressing the original person.
        addressee = up.addressee_id
    return ReplyRef(
        root_id=parent.thread_root_id,
        parent_id=parent.id,
        parent_author_id=parent.author_id,
        addressee_id=addressee,
    )


class Placeholder(enum.Enum):
    """Why a node of a thread shows no post."""

    DELETED = "deleted"
    """The post was deleted; its replies stay."""
    BLOCKED = "blocked"
    """A block stands between the viewer and the post's author."""
    MUTED = "muted"
    """The viewer mutes the post's author."""
    NOT_VISIBLE = "not_visible"
    """The post's visibility keeps it from the viewer."""
    HIDDEN = "hidden"
    """The thread's author hid this reply."""
    FILTERED = "filtered"
    """One of the viewer's keyword filters with the ``hide`` action matched the post."""


@frozen(kw_only=True)
class ThreadNode:
    """One post of a thread view, with the replies shown under it.

    Attributes:
        post_id: The post's id.
        post: The post, or None when a placeholder stands in for it.
        placeholder: Why the post is not shown, or None.
        depth: Distance below the focus (0 for the focus; negative for ancestors).
        children: Replies shown under it, in the view's order.
        more_replies: Replies left out under it by the depth or count cap.
    """

    post_id: PostId
    post: Post | None
    placeholder: Placeholder | None = None
    depth: int = 0
    children: tuple["ThreadNode", ...] = ()
    more_replies: int = 0


@frozen(kw_only=True)
class ThreadView:
    """A thread as a viewer sees it around a focus post.

    Attributes:
        ancestors: From the root down to the focus's parent (capped; the nearest kept).
        focus: The focus post and its descendants.
        truncated: Whether any cap left posts out.
        filtered: For each shown post one of the viewer's ``warn`` filters
            matched, the filters that matched, by post id (read-only; see
            :mod:`microblog_core.rules.filters`).
    """

    ancestors: tuple[ThreadNode, ...]
    focus: ThreadNode
    truncated: bool = field(default=False)
    filtered: Mapping[PostId, tuple[FilterResult, ...]] = field(
        factory=dict, converter=freeze_marks, hash=False, repr=False
    )

    def flatten(self) -> tuple[ThreadNode, ...]:
        """Return the focus and its descendants in display order (depth first)."""
        out: list[ThreadNode] = []
        stack = [self.focus]
        while stack:
            node = stack.pop()
            out.append(node)
            stack.extend(reversed(node.children))
        return tuple(out)


def _sort_key(
    sort: ThreadSort, counters: Mapping[PostId, PostCounters], parent_author: AccountId | None
) -> Callable[[Post], tuple[float, ...]]:
    def promoted(post: Post) -> int:
        return 0 if post.author_id == parent_author else 1

    if sort == "oldest":
        return lambda p: (promoted(p), p.id)
    if sort == "newest":
        return lambda p: (promoted(p), -p.id)

    def top(post: Post) -> tuple[float, ...]:
        c = counters.get(post.id)
        likes = c.likes if c is not None else 0
        return (promoted(post), -vote_wilson(likes, 0), post.id)

    return top


def build_thread(
    focus: Post,
    replies: Iterable[Post],
    *,
    root: Post | None,
    placeholder_for: Callable[[Post], Placeholder | None],
    sort: ThreadSort = "oldest",
    counters: Mapping[PostId, PostCounters] | None = None,
    max_depth: int = 6,
    limit: int = 200,
    max_ancestors: int = 80,
) -> ThreadView:
    """Build the view of a thread around ``focus``.

    Args:
        focus: The post the view centres on (the root, or a reply in the thread).
        replies: Every reply of the thread (any order).
        root: The thread's root, or None if it was deleted.
        placeholder_for: Tells, for the viewer, why a post must not be shown
            (None when it may be).
        sort: Sibling order: ``"oldest"``, ``"newest"`` or ``"top"`` (Wilson
            lower bound of likes, z = 1.281551565545). The author's own
            continuation always comes first.
        counters: Post counters, for the ``"top"`` sort.
        max_depth: Levels of replies shown below the focus.
        limit: Most descendants shown. Each node's direct replies are allotted
            before deeper ones, so a long sub-thread cannot crowd out its siblings.
        max_ancestors: Most ancestors shown (the nearest ones are kept).

    Returns:
        The thread view.

    Raises:
        ValidationError: An unknown sort or a negative cap.
    """
    if sort not in _SORTS:
        raise ValidationError(
            f"sort must be one of {', '.join(_SORTS)}, got {_checks.quote(sort)}",
            field="sort",
            value=sort,
        )
    for name, value in (
        ("max_depth", max_depth),
        ("limit", limit),
        ("max_ancestors", max_ancestors),
    ):
        if isinstance(value, bool) or not isinstance(value, int) or value < 0:
            raise ValidationError(f"{name} must be a non-negative integer", field=name, value=value)
    counts = counters or {}
    by_id: dict[PostId, Post] = {p.id: p for p in replies}
    if root is not None:
        by_id[root.id] = root
    by_id[focus.id] = focus
    root_id = focus.thread_root_id
    children: dict[PostId, list[Post]] = {}
    for post in by_id.values():
        ref = post.reply_to
        if ref is not None and ref.root_id == root_id:
            # A reply whose parent was deleted is filed under the missing id; a
            # placeholder for that id hangs under the root, so the reply stays reachable.
            children.setdefault(ref.parent_id, []).append(post)
    missing_parents = sorted(pid for pid in children if pid not in by_id)

    def shown_as(post_id: PostId) -> tuple[Post | None, Placeholder | None]:
        post = by_id.get(post_id)
        if post is None:
            return None, Placeholder.DELETED
        placeholder = placeholder_for(post)
        return (post if placeholder is None else None), placeholder

    ancestors, truncated = _ancestors(focus, by_id, root_id, max_ancestors, shown_as)

    # Walk depth first (iteratively: self-reply chains can be thousands deep),
    # recording each node's parent; then build the frozen nodes bottom up.
    order: list[tuple[PostId, int, int]] = []  # (post_id, depth, index of parent or -1)
    more: list[int] = []
    budget = limit
    stack: list[tuple[PostId, int, int]] = [(focus.id, 0, -1)]
    while stack:
        post_id, depth, parent_index = stack.pop()
        index = len(order)
        order.append((post_id, depth, parent_index))
        more.append(0)
        here = by_id.get(post_id)
        kids = sorted(
            children.get(post_id, ()),
            key=_sort_key(sort, counts, here.author_id if here is not None else None),
        )
        kid_ids = [k.id for k in kids]
        if post_id == root_id:
            kid_ids.extend(missing_parents)
        if depth >= max_depth:
            more[index] = len(kid_ids)
            continue
        take = kid_ids[: max(budget, 0)]
        more[index] = len(kid_ids) - len(take)
        budget -= len(take)
        stack.extend((kid, depth + 1, index) for kid in reversed(take))
    built: list[ThreadNode | None] = [None] * len(order)
    kids_of: list[list[ThreadNode]] = [[] for _ in order]
    for index in range(len(order) - 1, -1, -1):
        post_id, depth, parent_index = order[index]
        shown, placeholder = shown_as(post_id)
        node = ThreadNode(
            post_id=post_id,
            post=shown,
            placeholder=placeholder,
            depth=depth,
            children=tuple(reversed(kids_of[index])),
            more_replies=more[index],
        )
        built[index] = node
        if parent_index >= 0:
            kids_of[parent_index].append(node)
    focus_node = built[0]
    assert focus_node is not None  # noqa: S101  # the focus is always the first node
    return ThreadView(ancestors=ancestors, focus=focus_node, truncated=truncated or any(more))


def _ancestors(
    focus: Post,
    by_id: Mapping[PostId, Post],
    root_id: PostId,
    cap: int,
    shown_as: Callable[[PostId], tuple[Post | None, Placeholder | None]],
) -> tuple[tuple[ThreadNode, ...], bool]:
    chain: list[PostId] = []
    ref = focus.reply_to
    while ref is not None:
        chain.append(ref.parent_id)
        parent = by_id.get(ref.parent_id)
        if parent is None:
            if ref.parent_id != root_id:
                chain.append(root_id)  # the deleted link hides the path; jump to the root
            break
        ref = parent.reply_to
    truncated = len(chain) > cap
    kept = chain[:cap]
    nodes = []
    for distance, post_id in enumerate(kept, start=1):
        post, placeholder = shown_as(post_id)
        nodes.append(
            ThreadNode(
                post_id=post_id,
                post=post,
                placeholder=placeholder,
                depth=-distance,
            )
        )
    nodes.reverse()
    return tuple(nodes), truncated
