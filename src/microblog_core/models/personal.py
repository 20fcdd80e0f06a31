"""An account's private tools: bookmarks and keyword filters (Mastodon's filters v2).

Both belong to their owner alone: nobody else reads them. A bookmark marks
one post (Mastodon's ``Bookmark``); a filter (Mastodon's ``CustomFilter``)
holds keywords (``CustomFilterKeyword``, each whole-word or not) and specific
posts (``CustomFilterStatus``), applies in chosen contexts with an action,
``warn`` or ``hide``, and may expire. How a filter matches a post is the
pure rule :mod:`microblog_core.rules.filters`.
"""

import enum
from datetime import datetime
from typing import Any

from attrs import field, frozen

from microblog_core import _checks
from microblog_core.errors import ValidationError
from microblog_core.ids import AccountId, BookmarkId, FilterId, PostId
from microblog_core.models._checks import (
    check_aware,
    check_bool,
    check_id,
    check_ids,
    check_optional_aware,
    check_str,
    to_optional_utc,
    to_tuple,
    to_utc,
)

__all__ = [
    "MAX_FILTER_KEYWORDS",
    "MAX_FILTER_TITLE",
    "Bookmark",
    "Filter",
    "FilterAction",
    "FilterContext",
    "FilterKeyword",
]

MAX_FILTER_TITLE = 256
"""The longest filter title, in code points (Mastodon's form allows 256)."""

MAX_FILTER_KEYWORDS = 100
"""The most keywords (and, separately, posts) one filter holds."""

_MAX_KEYWORD = 512


@frozen(kw_only=True)
class Bookmark:
    """``account_id`` bookmarked ``post_id``; only the owner ever reads it.

    Attributes:
        id: The bookmark's id; an owner's bookmarks page by it, newest first
            (Mastodon pages bookmarks by bookmark id, not by post id).
        account_id: The owner.
        post_id: The bookmarked post (an original: a repost's bookmark goes to
            its original).
        created_at: When it was made.
    """

    id: BookmarkId = field(validator=check_id)
    account_id: AccountId = field(validator=check_id)
    post_id: PostId = field(validator=check_id)
    created_at: datetime = field(converter=to_utc, validator=check_aware)


class FilterContext(enum.Enum):
    """Where a filter applies. Values are Mastodon's context names."""

    HOME = "home"
    """The home timeline and list timelines."""
    NOTIFICATIONS = "notifications"
    """The notifications list."""
    PUBLIC = "public"
    """The public and hashtag timelines."""
    THREAD = "thread"
    """The thread view (a post's conversation)."""
    ACCOUNT = "account"
    """An account's profile timeline."""


class FilterAction(enum.Enum):
    """What a filter does to an item it matches (Mastodon's ``filter_action``)."""

    WARN = "warn"
    """Show the item, marked with the filter and what matched."""
    HIDE = "hide"
    """Leave the item out."""


def _check_keyword(instance: Any, attribute: Any, value: Any) -> None:
    check_str(instance, attribute, value)
    if not value.strip() or len(value) > _MAX_KEYWORD:
        raise ValidationError(
            f"a filter keyword is 1 to {_MAX_KEYWORD} characters and not blank, "
            f"got {_checks.quote(value)}",
            field="keyword",
            value=value,
        )


@frozen(kw_only=True)
class FilterKeyword:
    """One keyword of a filter (Mastodon's ``CustomFilterKeyword``).

    Attributes:
        keyword: The text to look for, matched case-insensitively.
        whole_word: Match only at word boundaries (Mastodon's default, True);
            in scripts written without spaces (Han, kana, Hangul, Thai...) a
            whole-word keyword matches anywhere, as there are no boundaries to find.
    """

    keyword: str = field(validator=_check_keyword)
    whole_word: bool = field(default=True, validator=check_bool)


def _to_contexts(value: Any) -> Any:
    if isinstance(value, str | bytes):
        return value
    try:
        return frozenset(value)
    except TypeError:
        return value


def _check_contexts(instance: Any, attribute: Any, value: Any) -> None:
    if (
        not isinstance(value, frozenset)
        or not value
        or not all(isinstance(c, FilterContext) for c in value)
    ):
        raise ValidationError(
            "contexts must be a non-empty set of FilterContext "
            "(home, notifications, public, thread, account)",
            field="contexts",
            value=value,
        )


def _check_title(instance: Any, attribute: Any, value: Any) -> None:
    check_str(instance, attribute, value)
    if not value.strip() or len(value) > MAX_FILTER_TITLE:
        raise ValidationError(
            f"a filter title is 1 to {MAX_FILTER_TITLE} characters and not blank, "
            f"got {_checks.quote(value)}",
            field="title",
            value=value,
        )


def _check_action(instance: Any, attribute: Any, value: Any) -> None:
    if not isinstance(value, FilterAction):
        raise ValidationError("action must be a FilterAction", field="action", value=value)


def _check_keywords(instance: Any, attribute: Any, value: Any) -> None:
    if not isinstance(value, tuple) or not all(isinstance(k, FilterKeyword) for k in value):
        raise ValidationError(
            "keywords must be a collection of FilterKeyword", field="keywords", value=value
        )
    if len(value) > MAX_FILTER_KEYWORDS:
        raise ValidationError(
            f"a filter holds at most {MAX_FILTER_KEYWORDS} keywords, got {len(value)}",
            field="keywords",
            value=len(value),
        )
    folded = [k.keyword.casefold() for k in value]
    if len(set(folded)) != len(folded):
        raise ValidationError(
            "a filter must not repeat a keyword (compared case-insensitively)",
            field="keywords",
            value=value,
        )


def _check_post_ids(instance: Any, attribute: Any, value: Any) -> None:
    check_ids(instance, attribute, value)
    if len(value) > MAX_FILTER_KEYWORDS:
        raise ValidationError(
            f"a filter holds at most {MAX_FILTER_KEYWORDS} posts, got {len(value)}",
            field="post_ids",
            value=len(value),
        )


@frozen(kw_only=True)
class Filter:
    """An account's keyword filter (Mastodon's filters v2 ``CustomFilter``).

    Attributes:
        id: The filter's id.
        account_id: The owner; a filter applies to what its owner sees.
        title: A name for the owner (shown with ``warn``).
        contexts: Where it applies (at least one).
        action: ``warn`` (mark) or ``hide`` (leave out).
        expires_at: When it stops applying, or None for never.
        keywords: The keywords, in the order they were added.
        post_ids: Specific posts it matches (Mastodon's ``CustomFilterStatus``).
        created_at: When it was made.
    """

    id: FilterId = field(validator=check_id)
    account_id: AccountId = field(validator=check_id)
    title: str = field(validator=_check_title)
    contexts: frozenset[FilterContext] = field(converter=_to_contexts, validator=_check_contexts)
    action: FilterAction = field(default=FilterAction.WARN, validator=_check_action)
    expires_at: datetime | None = field(
        default=None, converter=to_optional_utc, validator=check_optional_aware
    )
    keywords: tuple[FilterKeyword, ...] = field(
        default=(), converter=to_tuple, validator=_check_keywords
    )
    post_ids: tuple[PostId, ...] = field(default=(), converter=to_tuple, validator=_check_post_ids)
    created_at: datetime = field(converter=to_utc, validator=check_aware)

    def active_at(self, instant: datetime) -> bool:
        """Whether the filter still applies at ``instant`` (it has not expired by then)."""
        return self.expires_at is None or instant < self.expires_at
