"""Edit and pin limits: pure decisions about changing and pinning one's own posts.

Sources: Mastodon lets an author edit a post any number of times and keeps
every earlier version (``StatusEdit``, Mastodon 3.5); Twitter allows 5 edits
within the first hour after posting (Edit Tweet, 2022). Mastodon lets an
account pin at most 5 of its own public or unlisted posts
(``StatusPinValidator``).
"""

from datetime import datetime, timedelta
from typing import Any

from attrs import field, frozen

from microblog_core import _checks
from microblog_core.errors import PermissionDeniedError
from microblog_core.ids import AccountId
from microblog_core.models import Post, Visibility
from microblog_core.models._checks import check_bool

__all__ = [
    "DEFAULT_MAX_PINS",
    "MASTODON_EDITS",
    "TWITTER_EDITS",
    "EditPolicy",
    "check_edit",
    "check_pin",
]

DEFAULT_MAX_PINS = 5
"""Pinned posts per account (Mastodon's ``StatusPinValidator`` limit)."""


def _check_optional_positive(instance: Any, attribute: Any, value: Any) -> None:
    if value is not None:
        _checks.limit(value, getattr(attribute, "name", "value"))


def _check_optional_window(instance: Any, attribute: Any, value: Any) -> None:
    if value is not None:
        _checks.duration(value, "window")


@frozen(kw_only=True)
class EditPolicy:
    """How often, and for how long, an author may edit a post.

    Attributes:
        max_edits: Edits allowed per post (None: any number).
        window: How long after posting edits are allowed (None: forever).
        allow: Whether posts may be edited at all.
    """

    max_edits: int | None = field(default=None, validator=_check_optional_positive)
    window: timedelta | None = field(default=None, validator=_check_optional_window)
    allow: bool = field(default=True, validator=check_bool)


MASTODON_EDITS = EditPolicy()
"""Mastodon's rule, unlimited edits with every version kept."""

TWITTER_EDITS = EditPolicy(max_edits=5, window=timedelta(hours=1))
"""Twitter's rule, 5 edits within 1 hour of posting."""


def check_edit(
    post: Post, editor_id: AccountId, *, edits_so_far: int, now: datetime, policy: EditPolicy
) -> None:
    """Refuse an edit the author or the policy does not allow.

    Raises:
        PermissionDeniedError: ``not_author``, ``repost`` (a repost is not
            edited), ``edits_disabled``, ``edit_limit`` or ``edit_window``.
    """
    if post.author_id != editor_id:
        raise PermissionDeniedError(
            f"only the author of post {post.id} may edit it", action="edit", rule="not_author"
        )
    if post.repost_of is not None:
        raise PermissionDeniedError(
            f"post {post.id} is a repost; withdraw it and repost again instead",
            action="edit",
            rule="repost",
        )
    if not policy.allow:
        raise PermissionDeniedError(
            "posts cannot be edited under this policy", action="edit", rule="edits_disabled"
        )
    if policy.max_edits is not None and edits_so_far >= policy.max_edits:
        raise PermissionDeniedError(
            f"post {post.id} was edited {edits_so_far} times; the limit is {policy.max_edits}",
            action="edit",
            rule="edit_limit",
        )
    if policy.window is not None and now - post.created_at > policy.window:
        raise PermissionDeniedError(
            f"post {post.id} can be edited only within {policy.window} of posting",
            action="edit",
            rule="edit_window",
        )


def check_pin(post: Post, account_id: AccountId, *, pinned: int, max_pins: int) -> None:
    """Refuse a pin Mastodon would refuse.

    Raises:
        PermissionDeniedError: ``not_author``, ``repost``, ``visibility``
            (only public or unlisted posts are pinned) or ``pin_limit``.
    """
    if post.author_id != account_id:
        raise PermissionDeniedError(
            f"only the author of post {post.id} may pin it", action="pin", rule="not_author"
        )
    if post.repost_of is not None:
        raise PermissionDeniedError(
            "a repost cannot be pinned; pin the original", action="pin", rule="repost"
        )
    if post.visibility not in (Visibility.PUBLIC, Visibility.UNLISTED):
        raise PermissionDeniedError(
            "only public or unlisted posts can be pinned", action="pin", rule="visibility"
        )
    if pinned >= max_pins:
        raise PermissionDeniedError(
            f"account {account_id} has pinned {pinned} posts; the limit is {max_pins}",
            action="pin",
            rule="pin_limit",
        )
