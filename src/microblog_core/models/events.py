"""Domain events: what a use case did, for subscribers and read models.

Each use case returns the events it caused. Fan-out-on-write feeds,
notifications and simulation logs are built from them.
"""

from datetime import datetime
from typing import Any

from attrs import field, frozen

from microblog_core.ids import AccountId, NotificationId, PostId
from microblog_core.models._checks import check_aware, check_ids, to_utc
from microblog_core.models.accounts import Account
from microblog_core.models.activity import Pin, PollVote, PostVersion
from microblog_core.models.engagement import Like
from microblog_core.models.lists import AccountList
from microblog_core.models.posts import Post, ReplyGate
from microblog_core.models.relations import Block, Follow, FollowRequest, Mute

__all__ = [
    "AccountRegistered",
    "Blocked",
    "Event",
    "FollowRequestApproved",
    "FollowRequestRejected",
    "FollowRequestWithdrawn",
    "FollowRequested",
    "Followed",
    "Liked",
    "ListCreated",
    "ListDeleted",
    "ListMembersAdded",
    "ListMembersRemoved",
    "ListUpdated",
    "Muted",
    "NotificationsRead",
    "Pinned",
    "PollEnded",
    "PostDeleted",
    "PostEdited",
    "PostPublished",
    "ProfileUpdated",
    "ReplyGateChanged",
    "ReplyHidden",
    "Reposted",
    "TagFollowed",
    "TagUnfollowed",
    "Unblocked",
    "Unfollowed",
    "Unliked",
    "Unmuted",
    "Unpinned",
    "Unreposted",
    "Voted",
]


def _at() -> Any:
    return field(converter=to_utc, validator=check_aware)


@frozen(kw_only=True)
class AccountRegistered:
    """An account was registered."""

    account: Account
    occurred_at: datetime = _at()


@frozen(kw_only=True)
class ProfileUpdated:
    """An account's profile changed; ``account`` is the new state."""

    account: Account
    occurred_at: datetime = _at()


@frozen(kw_only=True)
class PostPublished:
    """An original post, reply or quote was published."""

    post: Post
    occurred_at: datetime = _at()


@frozen(kw_only=True)
class Reposted:
    """A repost was made; ``repost.repost_of`` names the root and ``via``."""

    repost: Post
    occurred_at: datetime = _at()


@frozen(kw_only=True)
class Unreposted:
    """A repost was withdrawn."""

    repost: Post
    occurred_at: datetime = _at()


@frozen(kw_only=True)
class PostDeleted:
    """A post was deleted; ``removed_reposts`` lists the reposts deleted with it."""

    post: Post
    removed_reposts: tuple[PostId, ...] = ()
    occurred_at: datetime = _at()


@frozen(kw_only=True)
class Liked:
    """A post was liked."""

    like: Like
    occurred_at: datetime = _at()


@frozen(kw_only=True)
class Unliked:
    """A like was withdrawn."""

    like: Like
    occurred_at: datetime = _at()


@frozen(kw_only=True)
class Followed:
    """A follow took effect (directly, or by approval of a request)."""

    follow: Follow
    occurred_at: datetime = _at()


@frozen(kw_only=True)
class FollowRequested:
    """A follow request was sent to a locked account."""

    request: FollowRequest
    occurred_at: datetime = _at()


@frozen(kw_only=True)
class FollowRequestApproved:
    """A locked account approved a request; a :class:`Followed` event comes with it."""

    request: FollowRequest
    occurred_at: datetime = _at()


@frozen(kw_only=True)
class FollowRequestRejected:
    """A follow request was rejected (by the account, or by a block)."""

    request: FollowRequest
    occurred_at: datetime = _at()


@frozen(kw_only=True)
class FollowRequestWithdrawn:
    """The requester withdrew a pending follow request (an unfollow before the answer)."""

    request: FollowRequest
    occurred_at: datetime = _at()


@frozen(kw_only=True)
class Unfollowed:
    """A follow ended (unfollow, removal of a follower, or a block)."""

    follower_id: AccountId
    followee_id: AccountId
    occurred_at: datetime = _at()


@frozen(kw_only=True)
class Blocked:
    """An account blocked another; the follows it cut come as :class:`Unfollowed` events."""

    block: Block
    occurred_at: datetime = _at()


@frozen(kw_only=True)
class Unblocked:
    """A block was lifted."""

    blocker_id: AccountId
    blocked_id: AccountId
    occurred_at: datetime = _at()


@frozen(kw_only=True)
class Muted:
    """An account muted another."""

    mute: Mute
    occurred_at: datetime = _at()


@frozen(kw_only=True)
class Unmuted:
    """A mute was lifted."""

    muter_id: AccountId
    muted_id: AccountId
    occurred_at: datetime = _at()


@frozen(kw_only=True)
class ReplyGateChanged:
    """A post's reply gate changed."""

    post_id: PostId
    gate: ReplyGate
    occurred_at: datetime = _at()


@frozen(kw_only=True)
class ReplyHidden:
    """A thread's author hid or unhid a reply."""

    post_id: PostId
    hidden: bool
    occurred_at: datetime = _at()


@frozen(kw_only=True)
class PostEdited:
    """A post was edited; ``previous`` is the version it replaced, ``post`` the new state."""

    post: Post
    previous: PostVersion
    occurred_at: datetime = _at()


@frozen(kw_only=True)
class Pinned:
    """An account pinned one of its posts."""

    pin: Pin
    occurred_at: datetime = _at()


@frozen(kw_only=True)
class Unpinned:
    """An account unpinned a post."""

    pin: Pin
    occurred_at: datetime = _at()


@frozen(kw_only=True)
class NotificationsRead:
    """An account moved its notifications read marker to ``last_read_id``."""

    account_id: AccountId
    last_read_id: NotificationId
    occurred_at: datetime = _at()


@frozen(kw_only=True)
class Voted:
    """An account voted in a poll."""

    vote: PollVote
    occurred_at: datetime = _at()


@frozen(kw_only=True)
class PollEnded:
    """A poll passed its expiry and was closed; its voters and author are told."""

    post_id: PostId
    author_id: AccountId
    occurred_at: datetime = _at()


@frozen(kw_only=True)
class ListCreated:
    """An account made a list."""

    account_list: AccountList
    occurred_at: datetime = _at()


@frozen(kw_only=True)
class ListUpdated:
    """A list's title, replies policy or exclusivity changed; ``account_list`` is the new state."""

    account_list: AccountList
    occurred_at: datetime = _at()


@frozen(kw_only=True)
class ListDeleted:
    """A list was deleted, with its members."""

    account_list: AccountList
    occurred_at: datetime = _at()


def _member_ids(value: object) -> object:
    return tuple(value) if isinstance(value, list) else value


@frozen(kw_only=True)
class ListMembersAdded:
    """Accounts joined a list (in the order given)."""

    account_list: AccountList
    account_ids: tuple[AccountId, ...] = field(converter=_member_ids, validator=check_ids)
    occurred_at: datetime = _at()


@frozen(kw_only=True)
class ListMembersRemoved:
    """Accounts left a list: taken out, unfollowed or blocked by (or blocking) its owner."""

    account_list: AccountList
    account_ids: tuple[AccountId, ...] = field(converter=_member_ids, validator=check_ids)
    occurred_at: datetime = _at()


@frozen(kw_only=True)
class TagFollowed:
    """An account followed a hashtag (``tag`` casefolded, without ``#``)."""

    account_id: AccountId
    tag: str
    occurred_at: datetime = _at()


@frozen(kw_only=True)
class TagUnfollowed:
    """An account stopped following a hashtag."""

    account_id: AccountId
    tag: str
    occurred_at: datetime = _at()


Event = (
    AccountRegistered
    | ProfileUpdated
    | PostPublished
    | Reposted
    | Unreposted
    | PostDeleted
    | Liked
    | Unliked
    | Followed
    | FollowRequested
    | FollowRequestApproved
    | FollowRequestRejected
    | FollowRequestWithdrawn
    | Unfollowed
    | Blocked
    | Unblocked
    | Muted
    | Unmuted
    | ReplyGateChanged
    | ReplyHidden
    | PostEdited
    | Pinned
    | Unpinned
    | NotificationsRead
    | Voted
    | PollEnded
    | ListCreated
    | ListUpdated
    | ListDeleted
    | ListMembersAdded
    | ListMembersRemoved
    | TagFollowed
    | TagUnfollowed
)
"""Any domain event."""
