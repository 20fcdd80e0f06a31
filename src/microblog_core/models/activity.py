"""Notifications, post versions (edit history) and pins: what happens to an account's posts.

Sources: Mastodon's ``Notification`` (types ``mention``, ``reblog``,
``favourite``, ``follow``, ``follow_request``, ``poll``, ``status``,
``update``, ``quote``; Mastodon 4.3 adds grouping with a ``group_key``),
``StatusEdit`` (every earlier version of an edited post, with its time) and
``StatusPin`` (at most 5 pinned posts per account).
"""

import enum
from datetime import datetime

import attrs
from attrs import field, frozen

from microblog_core.errors import ValidationError
from microblog_core.ids import AccountId, NotificationId, PostId
from microblog_core.models._checks import (
    check_aware,
    check_bool,
    check_id,
    check_instance,
    check_optional_id,
    check_str,
    is_id,
    is_utc,
    to_utc,
)

__all__ = [
    "GROUPABLE_KINDS",
    "GROUP_SPAN_HOURS",
    "Notification",
    "NotificationGroupHead",
    "NotificationKind",
    "NotificationPolicy",
    "NotificationRequest",
    "Pin",
    "PolicyAction",
    "PollVote",
    "PostVersion",
]

_new = object.__new__

GROUP_SPAN_HOURS = 12
"""Hours one notification group spans at most (Mastodon 4.3's ``MAXIMUM_GROUP_SPAN_HOURS``)."""


class NotificationKind(enum.Enum):
    """What a notification tells its recipient. Values are Mastodon's type names."""

    MENTION = "mention"
    """A post mentions the recipient."""
    REPLY = "reply"
    """A post replies to one of the recipient's posts without mentioning them."""
    REPOST = "reblog"
    """Someone reposted one of the recipient's posts."""
    QUOTE = "quote"
    """Someone quoted one of the recipient's posts."""
    LIKE = "favourite"
    """Someone liked one of the recipient's posts."""
    FOLLOW = "follow"
    """Someone followed the recipient."""
    FOLLOW_REQUEST = "follow_request"
    """Someone asks to follow the (locked) recipient."""
    POLL = "poll"
    """A poll the recipient voted in (or wrote) has ended."""
    STATUS = "status"
    """An account the recipient follows with ``notify`` posted."""
    UPDATE = "update"
    """A post the recipient reposted or quoted was edited."""


_NO_POST_KINDS = frozenset({NotificationKind.FOLLOW, NotificationKind.FOLLOW_REQUEST})

GROUPABLE_KINDS = frozenset(
    {NotificationKind.LIKE, NotificationKind.REPOST, NotificationKind.FOLLOW}
)
"""The kinds grouped together, as in Mastodon 4.3 (favourites, reblogs, follows); never mentions."""


@frozen(kw_only=True)
class Notification:
    """One notification of one account.

    Attributes:
        id: Time-sortable id; notifications page by it, newest first.
        account_id: The recipient.
        kind: What happened.
        from_account_id: The account that caused it.
        post_id: The post it is about (the mention, the reply, the liked or
            reposted post, the quote, the edited or polled post), or None for
            follows.
        created_at: When (aware UTC).
        filtered: Whether the recipient's notification policy held it back: it
            then waits in the requests list, outside pages, groups and counts.
    """

    id: NotificationId = field(validator=check_id)
    account_id: AccountId = field(validator=check_id)
    kind: NotificationKind = field(validator=check_instance(NotificationKind))
    from_account_id: AccountId = field(validator=check_id)
    post_id: PostId | None = field(default=None, validator=check_optional_id)
    created_at: datetime = field(converter=to_utc, validator=check_aware)
    filtered: bool = field(default=False, validator=check_bool)

    @classmethod
    def _quick(  # noqa: PLR0917  # the fields, in their order
        cls,
        id: NotificationId,  # the field's name
        account_id: AccountId,
        kind: NotificationKind,
        from_account_id: AccountId,
        post_id: PostId | None,
        created_at: datetime,
        filtered: bool,  # the field, positional as the others
    ) -> "Notification":
        """Build ``Notification(**fields)`` with every check done inline: what the projector builds.

        Private to the notification projector, which writes one per mention,
        reply, like, repost and follow. Each field passes a quick check that
        is a sufficient condition for its validator (and converter) to accept
        it unchanged, and the kind must match having a post; anything the
        checks do not vouch for goes through the checked constructor, which
        refuses it with its own error. The result equals the checked
        constructor's (``tests/foundation/test_models_activity.py``).
        """
        if not (
            is_id(id)
            and is_id(account_id)
            and kind.__class__ is NotificationKind
            and is_id(from_account_id)
            and (post_id is None if kind in _NO_POST_KINDS else is_id(post_id))
            and is_utc(created_at)
            and (filtered is True or filtered is False)
        ):
            return cls(
                id=id,
                account_id=account_id,
                kind=kind,
                from_account_id=from_account_id,
                post_id=post_id,
                created_at=created_at,
                filtered=filtered,
            )
        notification: Notification = _new(cls)
        # Each slot's own setter: what object.__setattr__ ends in, without
        # looking the name up on the class first.
        (
            set_id,
            set_account_id,
            set_kind,
            set_from_account_id,
            set_post_id,
            set_created_at,
            set_filtered,
        ) = _NOTIFICATION_SETTERS
        set_id(notification, id)
        set_account_id(notification, account_id)
        set_kind(notification, kind)
        set_from_account_id(notification, from_account_id)
        set_post_id(notification, post_id)
        set_created_at(notification, created_at)
        set_filtered(notification, filtered)
        return notification

    def __attrs_post_init__(self) -> None:
        needs_post = self.kind not in _NO_POST_KINDS
        if needs_post != (self.post_id is not None):
            raise ValidationError(
                f"a {self.kind.value} notification "
                f"{'is about a post' if needs_post else 'is about no post'}",
                field="post_id",
                value=self.post_id,
            )

    @property
    def group_key(self) -> str:
        """The Mastodon 4.3 group key.

        Likes and reposts of one post, and follows, fall in one group per
        12-hour window (``favourite-<post>-<bucket>``, ``follow-<bucket>``);
        every other kind is its own group, ``ungrouped-<id>``.
        """
        kind = self.kind
        if kind not in GROUPABLE_KINDS:
            return f"ungrouped-{self.id}"
        bucket = int(self.created_at.timestamp()) // (3600 * GROUP_SPAN_HOURS)
        if self.post_id is None:
            return f"{kind.value}-{bucket}"
        return f"{kind.value}-{self.post_id}-{bucket}"


_NOTIFICATION_SETTERS = tuple(
    getattr(Notification, field.name).__set__ for field in attrs.fields(Notification)
)
"""The setters of a notification's slots, in field order (for :meth:`Notification._quick`)."""


@frozen(kw_only=True)
class PostVersion:
    """One version of an edited post, as it read until ``replaced_at``.

    Attributes:
        post_id: The post.
        text: Its text then.
        content_warning: Its content warning then.
        written_at: When this version was written (the post's creation, or an earlier edit).
        replaced_at: When an edit replaced it.
    """

    post_id: PostId = field(validator=check_id)
    text: str = field(validator=check_str)
    content_warning: str = field(default="", validator=check_str)
    written_at: datetime = field(converter=to_utc, validator=check_aware)
    replaced_at: datetime = field(converter=to_utc, validator=check_aware)


@frozen(kw_only=True)
class Pin:
    """``account_id`` pinned its own post ``post_id`` to its profile.

    Attributes:
        account_id: The account (the post's author).
        post_id: The pinned post.
        created_at: When it was pinned; the latest pin shows first.
    """

    account_id: AccountId = field(validator=check_id)
    post_id: PostId = field(validator=check_id)
    created_at: datetime = field(converter=to_utc, validator=check_aware)


@frozen(kw_only=True)
class NotificationGroupHead:
    """One notification group of an account, as storage counts it.

    Attributes:
        group_key: The group (see :attr:`Notification.group_key`).
        latest_id: The id of the group's newest notification; groups page by it.
        count: How many notifications the group holds.
    """

    group_key: str = field(validator=check_str)
    latest_id: NotificationId = field(validator=check_id)
    count: int = field(validator=check_id)


def _to_choices(value: object) -> object:
    if isinstance(value, list):
        return tuple(value)
    return value


def _check_choices(instance: object, attribute: object, value: object) -> None:
    if (
        not isinstance(value, tuple)
        or not value
        or not all(isinstance(c, int) and not isinstance(c, bool) and c >= 0 for c in value)
        or list(value) != sorted(set(value))
    ):
        raise ValidationError(
            "choices are distinct option indexes (ints from 0), in ascending order, at least one",
            field="choices",
            value=value,
        )


@frozen(kw_only=True)
class PollVote:
    """An account's vote in the poll of a post (one per account and poll).

    Attributes:
        account_id: The voter.
        post_id: The post carrying the poll.
        choices: The chosen option indexes, ascending (one unless the poll allows several).
        created_at: When the vote was cast.
    """

    account_id: AccountId = field(validator=check_id)
    post_id: PostId = field(validator=check_id)
    choices: tuple[int, ...] = field(converter=_to_choices, validator=_check_choices)
    created_at: datetime = field(converter=to_utc, validator=check_aware)


class PolicyAction(enum.Enum):
    """What a notification policy does with a notification (Mastodon 4.3)."""

    ACCEPT = "accept"
    """Show it."""
    FILTER = "filter"
    """Hold it in the requests list."""
    DROP = "drop"
    """Make no notification at all."""


def _check_action(instance: object, attribute: object, value: object) -> None:
    if not isinstance(value, PolicyAction):
        name = getattr(attribute, "name", "action")
        raise ValidationError(f"{name} must be a PolicyAction", field=name, value=value)


def _check_days(instance: object, attribute: object, value: object) -> None:
    if isinstance(value, bool) or not isinstance(value, int) or value < 1:
        raise ValidationError(
            "new_account_days must be an int of at least 1", field="new_account_days", value=value
        )


@frozen(kw_only=True)
class NotificationPolicy:
    """Which notifications to hold back or drop (Mastodon 4.3's notification policy).

    Each condition names the action for a notification it matches; the
    strictest matching action wins (drop, then filter). Polls ending and
    edits are never held back, as in Mastodon.

    Attributes:
        for_not_following: Senders the recipient does not follow.
        for_not_followers: Senders that do not follow the recipient.
        for_new_accounts: Senders younger than ``new_account_days``.
        for_private_mentions: Direct posts mentioning the recipient, unless
            they reply to the recipient or the recipient follows the sender.
        new_account_days: How young an account counts as new (Mastodon: 30 days).
    """

    for_not_following: PolicyAction = field(default=PolicyAction.ACCEPT, validator=_check_action)
    for_not_followers: PolicyAction = field(default=PolicyAction.ACCEPT, validator=_check_action)
    for_new_accounts: PolicyAction = field(default=PolicyAction.ACCEPT, validator=_check_action)
    for_private_mentions: PolicyAction = field(default=PolicyAction.FILTER, validator=_check_action)
    new_account_days: int = field(default=30, validator=_check_days)


@frozen(kw_only=True)
class NotificationRequest:
    """The notifications one sender's are held back for one recipient (a request).

    Attributes:
        account_id: The recipient.
        from_account_id: The sender.
        count: How many notifications wait.
        latest_id: The newest of them; requests list newest first by it.
    """

    account_id: AccountId = field(validator=check_id)
    from_account_id: AccountId = field(validator=check_id)
    count: int = field(validator=check_id)
    latest_id: NotificationId = field(validator=check_id)
