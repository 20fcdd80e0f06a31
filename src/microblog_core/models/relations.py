"""Relations between accounts: follows, follow requests, blocks, mutes."""

from datetime import datetime

from attrs import field, frozen

from microblog_core.errors import ValidationError
from microblog_core.ids import AccountId
from microblog_core.models._checks import (
    check_aware,
    check_bool,
    check_id,
    check_languages,
    check_optional_aware,
    to_optional_utc,
    to_sorted_unique,
    to_utc,
)

__all__ = ["Block", "Follow", "FollowRequest", "Mute", "Relationship"]

_new = object.__new__
_set = object.__setattr__


def _refuse_self(what: str, a: int, b: int, field_name: str) -> None:
    if a == b:
        raise ValidationError(f"an account cannot {what} itself", field=field_name, value=b)


@frozen(kw_only=True)
class Follow:
    """An accepted follow: ``follower_id`` sees ``followee_id``'s posts.

    Attributes:
        follower_id: Who follows.
        followee_id: Who is followed.
        created_at: When the follow took effect.
        show_reposts: Whether the followee's reposts reach the follower's home timeline.
        notify: Whether the follower is notified of each new post.
        languages: Only posts in these languages reach the home timeline (None: all).
    """

    follower_id: AccountId = field(validator=check_id)
    followee_id: AccountId = field(validator=check_id)
    created_at: datetime = field(converter=to_utc, validator=check_aware)
    show_reposts: bool = field(default=True, validator=check_bool)
    notify: bool = field(default=False, validator=check_bool)
    languages: tuple[str, ...] | None = field(
        default=None, converter=to_sorted_unique, validator=check_languages
    )

    def __attrs_post_init__(self) -> None:
        _refuse_self("follow", self.follower_id, self.followee_id, "followee_id")

    @classmethod
    def _from_store(
        cls, follower_id: AccountId, followee_id: AccountId, created_at: datetime
    ) -> "Follow":
        """Build a follow with default options from values a store already checked.

        Private to the storage adapters: a stored follow edge holds two
        distinct stored account ids and an aware UTC time, so the validators
        and converters would only confirm them. The result equals
        ``Follow(follower_id=..., followee_id=..., created_at=...)``
        (``tests/foundation/test_models_relations.py``); a home page reads a
        follow per reposting author it meets.
        """
        follow: Follow = _new(cls)
        _set(follow, "follower_id", follower_id)
        _set(follow, "followee_id", followee_id)
        _set(follow, "created_at", created_at)
        _set(follow, "show_reposts", True)
        _set(follow, "notify", False)
        _set(follow, "languages", None)
        return follow

    def accepts_language(self, language: str | None) -> bool:
        """Whether a post in ``language`` passes this follow's language filter.

        Posts without a language always pass, as in Mastodon.
        """
        if self.languages is None or language is None:
            return True
        primary = language.split("-", 1)[0]
        return language in self.languages or primary in self.languages


@frozen(kw_only=True)
class FollowRequest:
    """A follow waiting for a locked account's approval; becomes a :class:`Follow`.

    Attributes:
        follower_id: Who asks.
        followee_id: The locked account asked.
        created_at: When the request was made.
        show_reposts: The options the follow will have once approved.
        notify: See :class:`Follow`.
        languages: See :class:`Follow`.
    """

    follower_id: AccountId = field(validator=check_id)
    followee_id: AccountId = field(validator=check_id)
    created_at: datetime = field(converter=to_utc, validator=check_aware)
    show_reposts: bool = field(default=True, validator=check_bool)
    notify: bool = field(default=False, validator=check_bool)
    languages: tuple[str, ...] | None = field(
        default=None, converter=to_sorted_unique, validator=check_languages
    )

    def __attrs_post_init__(self) -> None:
        _refuse_self("follow", self.follower_id, self.followee_id, "followee_id")

    def approve(self, at: datetime) -> Follow:
        """Return the follow this request becomes when approved at ``at``."""
        return Follow(
            follower_id=self.follower_id,
            followee_id=self.followee_id,
            created_at=at,
            show_reposts=self.show_reposts,
            notify=self.notify,
            languages=self.languages,
        )


@frozen(kw_only=True)
class Block:
    """``blocker_id`` blocks ``blocked_id``.

    Attributes:
        blocker_id: Who blocks.
        blocked_id: Who is blocked.
        created_at: When.
    """

    blocker_id: AccountId = field(validator=check_id)
    blocked_id: AccountId = field(validator=check_id)
    created_at: datetime = field(converter=to_utc, validator=check_aware)

    def __attrs_post_init__(self) -> None:
        _refuse_self("block", self.blocker_id, self.blocked_id, "blocked_id")


@frozen(kw_only=True)
class Mute:
    """``muter_id`` mutes ``muted_id``, optionally until ``expires_at``.

    Attributes:
        muter_id: Who mutes.
        muted_id: Who is muted.
        created_at: When.
        expires_at: When the mute ends by itself (None: never).
        hide_notifications: Whether notifications from the muted account are hidden too.
    """

    muter_id: AccountId = field(validator=check_id)
    muted_id: AccountId = field(validator=check_id)
    created_at: datetime = field(converter=to_utc, validator=check_aware)
    expires_at: datetime | None = field(
        default=None, converter=to_optional_utc, validator=check_optional_aware
    )
    hide_notifications: bool = field(default=False, validator=check_bool)

    def __attrs_post_init__(self) -> None:
        _refuse_self("mute", self.muter_id, self.muted_id, "muted_id")
        if self.expires_at is not None and self.expires_at <= self.created_at:
            raise ValidationError(
                "a mute must expire after it starts", field="expires_at", value=self.expires_at
            )

    def active_at(self, now: datetime) -> bool:
        """Whether the mute is in force at ``now``."""
        return self.expires_at is None or now < self.expires_at


@frozen(kw_only=True)
class Relationship:
    """How one account stands toward another (Mastodon's Relationship entity).

    Attributes:
        account_id: The account asking.
        target_id: The account asked about.
        following: ``account_id`` follows ``target_id``.
        followed_by: ``target_id`` follows ``account_id``.
        requested: ``account_id`` asked to follow ``target_id`` and waits.
        requested_by: ``target_id`` asked to follow ``account_id`` and waits.
        blocking: ``account_id`` blocks ``target_id``.
        blocked_by: ``target_id`` blocks ``account_id``.
        muting: ``account_id`` mutes ``target_id`` (an unexpired mute).
        muting_notifications: The mute hides notifications too.
        showing_reposts: The follow shows ``target_id``'s reposts.
        notifying: The follow notifies of new posts.
        languages: The follow's language filter.
    """

    account_id: AccountId
    target_id: AccountId
    following: bool = False
    followed_by: bool = False
    requested: bool = False
    requested_by: bool = False
    blocking: bool = False
    blocked_by: bool = False
    muting: bool = False
    muting_notifications: bool = False
    showing_reposts: bool = False
    notifying: bool = False
    languages: tuple[str, ...] | None = None
