"""Home feed filters: which candidate posts a viewer's home timeline drops.

This follows Mastodon's ``FeedManager#filter_from_home``: the viewer's own
posts always pass; posts in a language the follow filters out are dropped;
anything whose author, reposted author or mentioned accounts the viewer blocks
or mutes is dropped, and so is anything by someone who blocks the viewer;
replies pass only when the viewer follows the person replied to, is that
person, or it is a self-reply; reposts are dropped when the follow hides the
reposter's reposts, or when the original's author blocks the viewer.
"""

from collections.abc import Collection, Mapping

from attrs import field, frozen

from microblog_core.ids import AccountId
from microblog_core.models import Post, Visibility

__all__ = ["DEDUP_WINDOW", "HomeContext", "filtered_from_home"]

DEDUP_WINDOW = 40
"""A repost of a root shown among the last this-many items is dropped (Mastodon)."""


def _empty() -> frozenset[AccountId]:
    return frozenset()


@frozen(kw_only=True)
class HomeContext:
    """The facts about a viewer that the home filter needs.

    Attributes:
        viewer_id: Whose home timeline it is.
        following: Accounts the viewer follows.
        blocking: Accounts the viewer blocks.
        blocked_by: Accounts that block the viewer.
        muting: Accounts the viewer mutes (unexpired mutes only).
        hiding_reposts: Followed accounts whose follow has ``show_reposts=False``.
        languages: Per followed account, the follow's language filter (absent: all).
    """

    viewer_id: AccountId
    following: Collection[AccountId] = field(factory=_empty)
    blocking: Collection[AccountId] = field(factory=_empty)
    blocked_by: Collection[AccountId] = field(factory=_empty)
    muting: Collection[AccountId] = field(factory=_empty)
    hiding_reposts: Collection[AccountId] = field(factory=_empty)
    languages: Mapping[AccountId, tuple[str, ...]] = field(factory=dict)

    def blocks_or_mutes(self, account_id: AccountId) -> bool:
        """Whether the viewer blocks or mutes ``account_id``."""
        return account_id in self.blocking or account_id in self.muting


def _language_filtered(post: Post, languages: tuple[str, ...] | None) -> bool:
    if not languages or post.language is None:
        return False
    language = post.language
    return language not in languages and language.split("-", 1)[0] not in languages


def filtered_from_home(post: Post, context: HomeContext, *, root: Post | None = None) -> bool:
    """Whether ``post`` is dropped from ``context.viewer_id``'s home timeline.

    The viewer's own posts always pass, except a repost whose original is gone or
    whose original's author blocks the viewer.

    Args:
        post: The candidate: an original, a reply, or a repost.
        context: The viewer's follows, blocks and mutes.
        root: For a repost, the original it shares (None if it was deleted,
            which drops the repost).

    Returns:
        True when the post must not be shown.
    """
    viewer = context.viewer_id
    author = post.author_id
    repost = post.repost_of
    if author == viewer:
        # The viewer's own posts always show, but a repost of theirs does not
        # outlive its original, nor show an original whose author blocks them.
        return repost is not None and (root is None or repost.root_author_id in context.blocked_by)
    if post.visibility is Visibility.DIRECT:
        return True
    if post.visibility is Visibility.PRIVATE and author not in context.following:
        return True
    if _language_filtered(post, context.languages.get(author)):
        return True
    if context.blocks_or_mutes(author) or author in context.blocked_by:
        return True
    if any(context.blocks_or_mutes(m) for m in post.mentions):
        return True
    if repost is not None:
        if root is None:
            return True
        root_author = repost.root_author_id
        if context.blocks_or_mutes(root_author) or root_author in context.blocked_by:
            return True
        if root_author != viewer and any(context.blocks_or_mutes(m) for m in root.mentions):
            return True
        return author in context.hiding_reposts
    reply = post.reply_to
    if reply is not None:
        replied_to = reply.parent_author_id
        return not (replied_to in context.following or replied_to in (viewer, author))
    return False
