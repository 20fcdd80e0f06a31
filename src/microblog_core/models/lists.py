"""Lists of followed accounts, each with its own timeline (Mastodon's ``List``).

Source: Mastodon's ``List`` model and ``FeedManager#filter_from_list?``
(``app/lib/feed_manager.rb``): a list belongs to one owner, holds accounts
the owner follows, and decides which replies its timeline shows with
``replies_policy`` (``followed``, ``list`` or ``none``); Mastodon 4.2 adds
``exclusive``: posts by the members of an exclusive list leave the owner's
home timeline.
"""

import enum
from typing import Any

from attrs import field, frozen

from microblog_core import _checks
from microblog_core.errors import ValidationError
from microblog_core.ids import AccountId, ListId
from microblog_core.models._checks import check_bool, check_id, check_instance

__all__ = ["MAX_LISTS", "MAX_LIST_TITLE", "AccountList", "RepliesPolicy"]

MAX_LISTS = 50
"""Lists one account may own (Mastodon's ``List::LIMIT``)."""

MAX_LIST_TITLE = 256
"""The longest list title, in code points (this library's bound; Mastodon only asks for one)."""


class RepliesPolicy(enum.Enum):
    """Which replies a list's timeline shows (Mastodon's ``replies_policy``)."""

    FOLLOWED = "followed"
    """Replies to any account the owner follows."""
    LIST = "list"
    """Replies to members of the list (the default)."""
    NONE = "none"
    """No replies, but self-replies and replies to the owner."""


def _check_title(instance: Any, attribute: Any, value: Any) -> None:
    title = _checks.stored_text(value, "title")
    if not title.strip():
        raise ValidationError("a list needs a title that is not blank", field="title", value=value)
    if "\x00" in title:
        # Every store must hold it, and PostgreSQL text cannot hold NUL.
        raise ValidationError("a list title cannot hold NUL (U+0000)", field="title", value=value)
    if len(title) > MAX_LIST_TITLE:
        raise ValidationError(
            f"a list title holds at most {MAX_LIST_TITLE} characters, got {len(title)}",
            field="title",
            value=value,
        )


@frozen(kw_only=True)
class AccountList:
    """An owner's list of accounts it follows.

    Attributes:
        id: The list's id (from the service's id generator, like account ids).
        owner_id: Whose list it is.
        title: Its name: not blank, at most :data:`MAX_LIST_TITLE` characters, no NUL.
        replies_policy: Which replies its timeline shows.
        exclusive: Whether its members' posts leave the owner's home timeline.
    """

    id: ListId = field(validator=check_id)
    owner_id: AccountId = field(validator=check_id)
    title: str = field(validator=_check_title)
    replies_policy: RepliesPolicy = field(
        default=RepliesPolicy.LIST, validator=check_instance(RepliesPolicy)
    )
    exclusive: bool = field(default=False, validator=check_bool)
