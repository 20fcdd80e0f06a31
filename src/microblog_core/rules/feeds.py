"""Home feed filters: which candidate posts a viewer's home timeline drops.

This follows Mastodon's ``FeedManager#filter_from_home``: the viewer's own
posts always pass; posts in a language the follow filters out are dropped;
anything whose author, reposted author or mentioned accounts the viewer blocks
or mutes is dropped, and so is anything by someone who blocks the viewer;
replies pass only when the viewer follows the person replied to, is that
person, or it is a self-reply; reposts are dropped when the follow hides the
reposter's reposts, or when the original's author blocks the viewer; and
(Mastodon 4.2) posts by members of the viewer's exclusive lists are dropped.

Two more paths into a timeline follow Mastodon's ``FeedManager`` too:
``filter_from_tags?`` (a post carrying a hashtag the viewer follows) and
``filter_from_list?`` (a list's ``replies_policy``).
"""

from collections.abc import Collection, Mapping

from attrs import field, frozen

from microblog_core.ids import AccountId
from microblog_core.models import AccountList, Post, RepliesPolicy, Visibility

__all__ = [
    "DEDUP_WINDOW",
    "HomeContext",
    "filtered_from_home",
    "filtered_from_list",
    "filtered_from_tags",
]

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
        exclusive: Members of the viewer's exclusive lists (left out of home).
        followed_tags: Hashtags the viewer follows (casefolded, without ``#``).
    """

    viewer_id: AccountId
    following: Collection[AccountId] = field(factory=_empty)
    blocking: Collection[AccountId] = field(factory=_empty)
    blocked_by: Collection[AccountId] = field(factory=_empty)
    muting: Collection[AccountId] = field(factory=_empty)
    hiding_reposts: Collection[AccountId] = field(factory=_empty)
    languages: Mapping[AccountId, tuple[str, ...]] = field(factory=dict)
    exclusive: Collection[AccountId] = field(factory=_empty)
    followed_tags: Collection[str] = field(factory=frozenset)

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
    if author in context.exclusive:
        return True
    visibility = post.visibility
    if visibility is Visibility.DIRECT:
        return True
    following = context.following
    if visibility is Visibility.PRIVATE and author not in following:
        return True
    # A post without a language passes every language filter: the follow's
    # filter is not looked up for it.
    if post.language is not None and _language_filtered(post, context.languages.get(author)):
        return True
    blocking, muting, blocked_by = context.blocking, context.muting, context.blocked_by
    if author in blocking or author in muting or author in blocked_by:
        return True
    mentions = post.mentions
    if mentions and any(m in blocking or m in muting for m in mentions):
        return True
    if repost is not None:
        if root is None:
            return True
        root_author = repost.root_author_id
        if root_author in blocking or root_author in muting or root_author in blocked_by:
            return True
        if root_author != viewer:
            mentions = root.mentions
            if mentions and any(m in blocking or m in muting for m in mentions):
                return True
        return author in context.hiding_reposts
    reply = post.reply_to
    if reply is not None:
        replied_to = reply.parent_author_id
        return not (replied_to in following or replied_to in (viewer, author))
    return False


def filtered_from_tags(post: Post, context: HomeContext) -> bool:
    """Whether ``post`` stays out of the viewer's home timeline by way of followed hashtags.

    Mastodon's ``FanOutOnWriteService#deliver_to_hashtag_followers!`` delivers
    public originals (no reposts) to the followers of their tags, and
    ``FeedManager#filter_from_tags?`` drops the viewer's own posts and those
    whose author or mentioned accounts the viewer blocks or mutes, or whose
    author blocks the viewer. Follows, their options and exclusive lists do
    not apply on this path: a post passes home when either path lets it.

    Args:
        post: The candidate.
        context: The viewer's relations and ``followed_tags``.

    Returns:
        True when the followed hashtags do not bring the post in.
    """
    if (
        post.visibility is not Visibility.PUBLIC
        or post.repost_of is not None
        or post.author_id == context.viewer_id
    ):
        return True
    followed = context.followed_tags
    if not followed or not any(tag in followed for tag in post.tags):
        return True
    author = post.author_id
    if context.blocks_or_mutes(author) or author in context.blocked_by:
        return True
    return any(context.blocks_or_mutes(m) for m in post.mentions)


def filtered_from_list(
    post: Post, account_list: AccountList, members: Collection[AccountId]
) -> bool:
    """Whether a list's ``replies_policy`` drops ``post`` from the list's timeline.

    Mastodon's ``FeedManager#filter_from_list?``: a reply that is not a
    self-reply and does not answer the list's owner is dropped, unless the
    policy is ``followed`` (then the home rules decide, which keep replies to
    accounts the owner follows), or the policy is ``list`` and it answers a
    member. The list timeline applies the owner's home rules on top
    (:func:`filtered_from_home` with no exclusive lists).

    Args:
        post: A post (or repost) by a member.
        account_list: The list.
        members: The list's members.

    Returns:
        True when the policy drops the post.
    """
    reply = post.reply_to
    if reply is None or post.repost_of is not None:
        return False
    replied_to = reply.parent_author_id
    if replied_to in (post.author_id, account_list.owner_id):
        return False
    policy = account_list.replies_policy
    if policy is RepliesPolicy.FOLLOWED:
        return False
    return not (policy is RepliesPolicy.LIST and replied_to in members)
