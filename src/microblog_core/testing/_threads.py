"""Conversations: a root post and the replies under it, as :class:`Thread` values.

The public names are re-exported by :mod:`microblog_core.testing.strategies`.
"""

from typing import Any

import attrs
from hypothesis import strategies as st
from hypothesis.errors import InvalidArgument

from microblog_core.ids import MAX_ID, AccountId, PostId, timestamp_of
from microblog_core.models import (
    Post,
)
from microblog_core.testing._values import (
    _build_post,
    _check_size,
    _check_strategy,
    _post_bodies,
    _texts_or_default,
    account_ids,
)

# --- threads ---------------------------------------------------------------------------


@attrs.frozen(kw_only=True)
class Thread:
    """A conversation: a root post and replies under it, as :func:`threads` makes them.

    Attributes:
        root: The original post that starts the thread.
        replies: The replies, oldest (smallest id) first; each reply's parent is
            the root or an earlier reply.
    """

    root: Post
    replies: tuple[Post, ...] = ()

    @property
    def posts(self) -> tuple[Post, ...]:
        """The root, then the replies in id order."""
        return (self.root, *self.replies)

    @property
    def depth(self) -> int:
        """The number of replies on the longest path down from the root (0 without replies)."""
        depths = self.depths()
        return max(depths.values())

    def depths(self) -> dict[PostId, int]:
        """Each post's distance below the root (the root is 0, a direct reply 1)."""
        depth: dict[PostId, int] = {self.root.id: 0}
        for reply in self.replies:
            assert reply.reply_to is not None  # every reply of a thread is a reply
            depth[reply.id] = depth[reply.reply_to.parent_id] + 1
        return depth


_MAX_THREAD_GAP = 3_600_000
_THREAD_GAPS = st.integers(min_value=1, max_value=_MAX_THREAD_GAP)
_MAX_THREAD_SIZE = 1_000


@st.composite
def _threads(
    draw: st.DrawFn,
    max_depth: int,
    max_size: int,
    people: st.SearchStrategy[AccountId],
    bodies: st.SearchStrategy[dict[str, Any]],
) -> Thread:
    from microblog_core.rules.threads import reply_ref_for

    # The root's id leaves room for ``max_size`` later ids in increasing order.
    root_id = draw(st.integers(min_value=1, max_value=MAX_ID - max_size * _MAX_THREAD_GAP))
    # Where each reply goes is drawn first, as a list of small values, then the
    # authors and times, then the bodies: shrinking deletes replies easily this
    # way (it gets stuck on a list of wide elements). ``back`` picks a parent among
    # the posts still open to replies: 0 is the root (the shrink target), 1 the
    # newest open post, 2 the one before...; a chain is then ``back == 1``
    # throughout, whatever is deleted around it.
    backs = draw(st.lists(st.integers(0, max_size), max_size=max_size if max_depth > 0 else 0))
    shape = [(back, draw(people), draw(_THREAD_GAPS)) for back in backs]
    root = _build_post(root_id, draw(people), timestamp_of(root_id), draw(bodies))
    posts = [root]
    depth = [0]
    open_to_replies = [0]  # indices of posts less than max_depth down; the root first
    for back, author, gap in shape:
        parent_index = open_to_replies[-back % len(open_to_replies)]
        parent = posts[parent_index]
        post_id = posts[-1].id + gap
        reply_to = reply_ref_for(parent, author)
        reply = _build_post(post_id, author, timestamp_of(post_id), draw(bodies), reply_to=reply_to)
        posts.append(reply)
        depth.append(depth[parent_index] + 1)
        if depth[-1] < max_depth:
            open_to_replies.append(len(posts) - 1)
    return Thread(root=root, replies=tuple(posts[1:]))


def threads(
    *,
    max_depth: int = 4,
    max_size: int = 10,
    author_ids: st.SearchStrategy[AccountId] | None = None,
    texts: st.SearchStrategy[str] | None = None,
) -> st.SearchStrategy[Thread]:
    """Generate conversations: a root post and up to ``max_size`` replies under it.

    Each reply answers the root or an earlier reply that is less than
    ``max_depth`` levels down, and carries the
    :class:`~microblog_core.models.ReplyRef` the service would give it
    (:func:`~microblog_core.rules.threads.reply_ref_for`): the thread's root,
    its parent, the parent's author, and the addressee (a self-reply chain
    keeps addressing the original person). Ids increase in reply order, so
    a parent is always older than its replies, and ``created_at`` is the
    instant in each id. Authors come from a small pool by default, so
    conversations go back and forth and self-replies occur. Replies are not
    hidden.

    Shrinks toward a root with no replies; a thread that must have depth
    ``d`` shrinks to a single chain of ``d`` replies.

    Args:
        max_depth: How many levels of replies at most (0 means no replies).
        max_size: How many replies at most.
        author_ids: A strategy for the authors (default accounts 1 to 4).
        texts: A strategy for the texts (default short plain text, see :func:`posts`).

    Returns:
        A strategy of :class:`Thread` values.

    Raises:
        InvalidArgument: A bound is not a non-negative int, or an option is not a strategy.
    """
    _check_size(max_depth, "max_depth")
    _check_size(max_size, "max_size")
    if max_size > _MAX_THREAD_SIZE:
        raise InvalidArgument(f"max_size={max_size} is above {_MAX_THREAD_SIZE} replies")
    if author_ids is not None:
        _check_strategy(author_ids, "author_ids")
    people = account_ids(max_value=4) if author_ids is None else author_ids
    return _threads(
        max_depth, max_size, people, _post_bodies(_texts_or_default(texts), account_ids())
    )


# ``st.from_type(Thread)`` gives consistent threads (once this module is imported).
st.register_type_strategy(Thread, threads())
