"""Who may see, follow, reply to, repost, quote and like what.

Pure decisions over values. Each ``check_*`` function raises
:class:`~microblog_core.errors.PermissionDeniedError` naming the rule that
refused; each ``can_*`` / ``may_*`` function answers with a bool. The service
loads the facts (follows, blocks, counts) and asks these functions.

Sources: Mastodon (visibility, boosts of private posts, follow limit),
Bluesky (threadgates, blocks cutting threads), Twitter (who can reply).
"""

from collections.abc import Container

from attrs import field, frozen

from microblog_core.errors import PermissionDeniedError
from microblog_core.ids import AccountId
from microblog_core.models import Post, QuotePolicy, ReplyAudience, ReplyGate, Visibility
from microblog_core.rules.feeds import HomeContext

__all__ = [
    "FOLLOW_LIMIT",
    "FOLLOW_LIMIT_RATIO",
    "Standing",
    "ViewerContext",
    "can_see",
    "check_follow",
    "check_like",
    "check_quote",
    "check_reply",
    "check_repost",
    "may_reply_under_gate",
    "repost_visibility",
]

FOLLOW_LIMIT = 7500
"""Follows anyone may have before the ratio rule applies (Mastodon's FollowLimitValidator)."""

FOLLOW_LIMIT_RATIO = 1.1
"""Past :data:`FOLLOW_LIMIT`, an account may follow at most this many times its followers."""


@frozen(kw_only=True)
class Standing:
    """How a viewer stands toward an author: the facts the rules need.

    Attributes:
        viewer_id: The viewer (None for a logged-out viewer).
        follows_author: The viewer follows the author.
        blocked: Either of them blocks the other.
    """

    viewer_id: AccountId | None
    follows_author: bool = False
    blocked: bool = False


def can_see(post: Post, standing: Standing) -> bool:
    """Whether the viewer may see the post (its own visibility only).

    For a repost, the caller also checks the root with the root author's standing.

    Rules (Mastodon): the author always sees their post; nobody sees across a
    block; public and unlisted posts are seen by everyone; followers-only posts
    by followers and mentioned accounts; direct posts by mentioned accounts only.
    """
    following = (post.author_id,) if standing.follows_author else ()
    return _may_see(post, standing.viewer_id, following, standing.blocked)


def _may_see(
    post: Post, viewer: AccountId | None, following: Container[AccountId], blocked: bool
) -> bool:
    """:func:`can_see` over the standing's facts, without building a :class:`Standing`.

    ``following`` holds the author when the viewer follows them; it is asked
    only for a followers-only post (a lazy lookup then costs nothing for the
    others).
    """
    if viewer is not None and viewer == post.author_id:
        return True
    if blocked:
        return False
    visibility = post.visibility
    if visibility is Visibility.PUBLIC or visibility is Visibility.UNLISTED:
        return True
    if viewer is None:
        return False
    if visibility is Visibility.PRIVATE:
        return post.author_id in following or viewer in post.mentions
    return viewer in post.mentions


def _nobody() -> frozenset[AccountId]:
    return frozenset()


@frozen(kw_only=True)
class ViewerContext:
    """One viewer's relations, built once per read: the one visibility rule.

    "May this viewer see this post, and the original it reposts?" is answered
    here and nowhere else: the service's post queries, the account, hashtag,
    mentions and public timelines, the home timeline and the ranked timeline
    all build one ``ViewerContext`` per read and ask :meth:`sees`.

    The relations only need ``in``: a reader may pass sets it loaded
    eagerly (a timeline page meets many authors) or lazy views that look one
    pair up at a time (a single post query meets one or two authors).

    Attributes:
        viewer_id: Who looks (None for a logged-out viewer, who relates to nobody).
        following: Accounts the viewer follows.
        blocking: Accounts the viewer blocks.
        blocked_by: Accounts that block the viewer.
        muting: Accounts the viewer mutes (unexpired mutes). A mute hides an
            author from timelines but never decides access: :meth:`sees`
            ignores it; listings use :meth:`blocks_or_mutes`.

    Example:
        >>> from datetime import datetime, timezone
        >>> from microblog_core.models import Post, Visibility
        >>> from microblog_core.rules import ViewerContext
        >>> when = datetime(2026, 1, 1, tzinfo=timezone.utc)
        >>> secret = Post(
        ...     id=7, author_id=2, created_at=when, text="hi", visibility=Visibility.PRIVATE
        ... )
        >>> ViewerContext(viewer_id=1, following={2}).sees(secret)
        True
        >>> ViewerContext(viewer_id=1).sees(secret)
        False
    """

    viewer_id: AccountId | None
    following: Container[AccountId] = field(factory=_nobody)
    blocking: Container[AccountId] = field(factory=_nobody)
    blocked_by: Container[AccountId] = field(factory=_nobody)
    muting: Container[AccountId] = field(factory=_nobody)

    @classmethod
    def from_home(cls, home: HomeContext) -> "ViewerContext":
        """Return the context of a home timeline's viewer, sharing its loaded collections."""
        return cls(
            viewer_id=home.viewer_id,
            following=home.following,
            blocking=home.blocking,
            blocked_by=home.blocked_by,
            muting=home.muting,
        )

    def blocked(self, author: AccountId) -> bool:
        """Whether the viewer blocks ``author`` or ``author`` blocks the viewer."""
        return author in self.blocking or author in self.blocked_by

    def blocks_or_mutes(self, author: AccountId) -> bool:
        """Whether the viewer blocks, is blocked by, or mutes ``author``."""
        return author in self.blocking or author in self.blocked_by or author in self.muting

    def standing(self, author: AccountId) -> Standing:
        """Return how the viewer stands toward ``author`` (for :func:`can_see`)."""
        viewer = self.viewer_id
        if viewer is None or viewer == author:
            return Standing(viewer_id=viewer)
        return Standing(
            viewer_id=viewer,
            follows_author=author in self.following,
            blocked=author in self.blocking or author in self.blocked_by,
        )

    def sees(self, post: Post, root: Post | None = None) -> bool:
        """Whether the viewer may see ``post`` and, for a repost, its original.

        Args:
            post: An original, reply, quote or repost.
            root: For a repost, the original it shares, or None when that was
                deleted (a repost of a deleted post is seen by nobody).
                Ignored for a post that is not a repost.

        Returns:
            :func:`can_see` of the post with the viewer's standing toward its
            author, and for a repost also of the original with the standing
            toward the original's author.
        """
        # can_see(p, self.standing(p.author_id)) for the post and its original,
        # unrolled: a home page asks this for every repost it meets.
        viewer = self.viewer_id
        author = post.author_id
        if viewer is None or viewer == author:
            if not _may_see(post, viewer, (), False):
                return False
        elif not _may_see(
            post,
            viewer,
            self.following,
            author in self.blocking or author in self.blocked_by,
        ):
            return False
        if post.repost_of is None:
            return True
        if root is None:
            return False
        author = root.author_id
        if viewer is None or viewer == author:
            return _may_see(root, viewer, (), False)
        return _may_see(
            root,
            viewer,
            self.following,
            author in self.blocking or author in self.blocked_by,
        )


def repost_visibility(root: Post) -> Visibility:
    """The visibility a repost of ``root`` takes: it never widens the original's."""
    return Visibility.narrowest(root.visibility, Visibility.PUBLIC)


def check_repost(root: Post, reposter_id: AccountId, *, blocked: bool) -> None:
    """Refuse a repost the rules forbid.

    Rules (Mastodon): direct posts cannot be reposted; followers-only posts
    only by their author; nobody reposts across a block.

    Raises:
        PermissionDeniedError: With ``rule`` ``"direct"``, ``"followers_only"`` or ``"blocked"``.
    """
    if root.visibility is Visibility.DIRECT:
        raise PermissionDeniedError(
            f"post {root.id} is a direct message and cannot be reposted",
            action="repost",
            rule="direct",
        )
    if root.visibility is Visibility.PRIVATE and reposter_id != root.author_id:
        raise PermissionDeniedError(
            f"post {root.id} is for followers only; only its author may repost it",
            action="repost",
            rule="followers_only",
        )
    if blocked:
        raise PermissionDeniedError(
            f"account {reposter_id} and the author of post {root.id} block each other",
            action="repost",
            rule="blocked",
        )


def check_quote(quoted: Post, quoter_id: AccountId, *, follows_author: bool, blocked: bool) -> None:
    """Refuse a quote the rules forbid.

    Rules (Mastodon 4.4 quote policies, Bluesky postgates): only public or
    unlisted posts are quoted by others; the quoted author's quote policy
    decides who may (anyone, followers, nobody but the author); no quotes
    across a block.

    Raises:
        PermissionDeniedError: With ``rule`` ``"blocked"``, ``"visibility"`` or ``"quote_policy"``.
    """
    if quoter_id == quoted.author_id:
        return
    if blocked:
        raise PermissionDeniedError(
            f"account {quoter_id} and the author of post {quoted.id} block each other",
            action="quote",
            rule="blocked",
        )
    if quoted.visibility not in (Visibility.PUBLIC, Visibility.UNLISTED):
        raise PermissionDeniedError(
            f"post {quoted.id} is not public; only its author may quote it",
            action="quote",
            rule="visibility",
        )
    policy = quoted.quote_policy
    if policy is QuotePolicy.NOBODY or (policy is QuotePolicy.FOLLOWERS and not follows_author):
        raise PermissionDeniedError(
            f"the author of post {quoted.id} does not allow "
            + ("quotes" if policy is QuotePolicy.NOBODY else "quotes from non-followers"),
            action="quote",
            rule="quote_policy",
        )


def may_reply_under_gate(
    gate: ReplyGate,
    *,
    replier_id: AccountId,
    root_author_id: AccountId,
    replier_follows_root_author: bool,
    root_author_follows_replier: bool,
    mentioned: Container[AccountId],
) -> bool:
    """Whether a thread's reply gate lets ``replier_id`` reply (Bluesky threadgate).

    The root's author may always reply. Otherwise ``allow=None`` lets anyone in,
    and a listed audience lets in followers of the root author, accounts the
    root author follows, or accounts mentioned in the root post.
    """
    if replier_id == root_author_id or gate.allow is None:
        return True
    for audience in gate.allow:
        if audience is ReplyAudience.FOLLOWERS and replier_follows_root_author:
            return True
        if audience is ReplyAudience.FOLLOWING and root_author_follows_replier:
            return True
        if audience is ReplyAudience.MENTIONED and replier_id in mentioned:
            return True
    return False


def check_reply(
    parent: Post,
    root: Post | None,
    replier_id: AccountId,
    *,
    blocked_with_parent_author: bool,
    blocked_with_root_author: bool,
    replier_follows_root_author: bool,
    root_author_follows_replier: bool,
) -> None:
    """Refuse a reply the rules forbid.

    Rules: no reply across a block with the parent's author (Mastodon) or the
    thread root's author (Bluesky); the root's reply gate must let the replier in.
    A deleted root imposes no gate.

    Raises:
        PermissionDeniedError: With ``rule`` ``"blocked"`` or ``"reply_gate"``.
    """
    if blocked_with_parent_author or blocked_with_root_author:
        raise PermissionDeniedError(
            f"account {replier_id} cannot reply in this thread: a block stands between them "
            "and its author",
            action="reply",
            rule="blocked",
        )
    if root is None:
        return
    if not may_reply_under_gate(
        root.reply_gate,
        replier_id=replier_id,
        root_author_id=root.author_id,
        replier_follows_root_author=replier_follows_root_author,
        root_author_follows_replier=root_author_follows_replier,
        mentioned=root.mentions,
    ):
        allowed = (
            "nobody but the author"
            if not root.reply_gate.allow
            else ", ".join(a.value for a in root.reply_gate.allow)
        )
        raise PermissionDeniedError(
            f"the thread of post {root.id} takes replies from {allowed} only",
            action="reply",
            rule="reply_gate",
        )


def check_follow(
    follower_id: AccountId,
    followee_id: AccountId,
    *,
    blocked: bool,
    following_count: int,
    followers_count: int,
    already_following: bool = False,
) -> None:
    """Refuse a follow the rules forbid.

    Rules: nobody follows themselves; nobody follows across a block; an account
    that follows 7,500 or more may follow more only while it follows fewer than
    1.1 times its followers (Mastodon's FollowLimitValidator). Updating the
    options of an existing follow is always allowed.

    Raises:
        PermissionDeniedError: With ``rule`` ``"self_follow"``, ``"blocked"`` or ``"follow_limit"``.
    """
    if follower_id == followee_id:
        raise PermissionDeniedError(
            "an account cannot follow itself", action="follow", rule="self_follow"
        )
    if blocked:
        raise PermissionDeniedError(
            f"accounts {follower_id} and {followee_id} block each other",
            action="follow",
            rule="blocked",
        )
    if already_following:
        return
    if following_count >= FOLLOW_LIMIT and following_count >= followers_count * FOLLOW_LIMIT_RATIO:
        limit = max(FOLLOW_LIMIT, int(followers_count * FOLLOW_LIMIT_RATIO))
        raise PermissionDeniedError(
            f"account {follower_id} follows {following_count} accounts; past {FOLLOW_LIMIT} it "
            f"may follow at most {FOLLOW_LIMIT_RATIO} times its {followers_count} followers "
            f"({limit})",
            action="follow",
            rule="follow_limit",
        )


def check_like(post: Post, liker_id: AccountId, *, blocked: bool) -> None:
    """Refuse a like across a block.

    Raises:
        PermissionDeniedError: With ``rule`` ``"blocked"``.
    """
    if blocked and liker_id != post.author_id:
        raise PermissionDeniedError(
            f"account {liker_id} and the author of post {post.id} block each other",
            action="like",
            rule="blocked",
        )
