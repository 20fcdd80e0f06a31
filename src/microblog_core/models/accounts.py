"""Accounts and the per-network rules for handles and profiles."""

import enum
from collections import deque
from collections.abc import Sequence
from datetime import datetime
from itertools import repeat
from operator import eq
from typing import Any, ClassVar

import regex
from attrs import field, frozen

from microblog_core import _checks
from microblog_core.clock import ensure_utc
from microblog_core.errors import InvalidHandleError, TextTooLongError, ValidationError
from microblog_core.ids import MAX_ID, AccountId
from microblog_core.models._checks import (
    check_aware,
    check_bool,
    check_id,
    check_instance,
    check_str,
    is_id,
    is_stored_text,
    is_utc,
    to_utc,
)

__all__ = [
    "MASTODON_ACCOUNTS",
    "TWITTER_ACCOUNTS",
    "WEIBO_ACCOUNTS",
    "Account",
    "AccountKind",
    "AccountPolicy",
    "handle_key",
]

_HANDLE_SHAPE = regex.compile(r"[^\s@/#:]{1,64}")
_WIDE_RE = regex.compile(r"[^\x00-\u2e7f]")
"""A character that counts twice in a handle's width (above U+2E7F)."""
_new = object.__new__
_set = object.__setattr__
# Handles that passed _HANDLE_SHAPE, for Account._quick: an archive names the
# same accounts again and again. Bounded: cleared when it grows large.
_GOOD_HANDLES: set[str] = set()


def _good_handle(handle: str) -> bool:
    if _HANDLE_SHAPE.fullmatch(handle) is None:
        return False
    if len(_GOOD_HANDLES) >= 16_384:
        _GOOD_HANDLES.clear()
    _GOOD_HANDLES.add(handle)
    return True


def handle_key(handle: str) -> str:
    """Return the key handles are compared by: case-insensitive (Unicode casefold)."""
    return handle.casefold()


class AccountKind(enum.Enum):
    """What an account stands for."""

    PERSONAL = "personal"
    """A person."""
    ORGANISATION = "organisation"
    """An institution, such as a police bureau, a newspaper or a company."""


def _check_handle_shape(instance: Any, attribute: Any, value: Any) -> None:
    if not isinstance(value, str) or not _HANDLE_SHAPE.fullmatch(value):
        raise InvalidHandleError(
            f"a handle must be 1 to 64 characters without spaces, '@', '/', '#' or ':', "
            f"got {_checks.quote(value)}",
            handle=str(value),
        )


@frozen(kw_only=True)
class Account:
    """A registered account.

    The value checks only what holds on every network (a handle is non-empty
    and has no spaces or ``@``); the network's own handle rules live in an
    :class:`AccountPolicy` that the service applies.

    Attributes:
        id: The account's id.
        handle: The unique name (``@handle``), unique case-insensitively.
        created_at: When the account was registered (aware UTC).
        display_name: The free-form name shown beside the handle.
        bio: The profile text.
        kind: Personal or organisation.
        verified: Whether the network vouches for the account's identity.
        locked: Whether the account approves each follower (follows become requests).
    """

    id: AccountId = field(validator=check_id)
    handle: str = field(validator=_check_handle_shape)
    created_at: datetime = field(converter=to_utc, validator=check_aware)
    display_name: str = field(default="", validator=check_str)
    bio: str = field(default="", validator=check_str)
    kind: AccountKind = field(default=AccountKind.PERSONAL, validator=check_instance(AccountKind))
    verified: bool = field(default=False, validator=check_bool)
    locked: bool = field(default=False, validator=check_bool)

    @classmethod
    def create(
        cls,
        *,
        id: AccountId,
        handle: str,
        created_at: datetime,
        display_name: str = "",
        bio: str = "",
        kind: AccountKind = AccountKind.PERSONAL,
        verified: bool = False,
        locked: bool = False,
    ) -> "Account":
        """Build an account, checking every invariant.

        Raises:
            InvalidHandleError: The handle is empty or has spaces, ``@``, ``/``, ``#`` or ``:``.
            ValidationError: Another field is of the wrong type or the time is naive.
        """
        return cls(
            id=id,
            handle=handle,
            created_at=created_at,
            display_name=display_name,
            bio=bio,
            kind=kind,
            verified=verified,
            locked=locked,
        )

    @classmethod
    def create_many(
        cls, *, ids: Sequence[AccountId], handles: Sequence[str], created_at: datetime
    ) -> tuple["Account", ...]:
        """Build many accounts with default profiles, checking every invariant in bulk.

        The same accounts as ``Account.create(id=i, handle=h,
        created_at=created_at)`` for each pair in order (a test compares), at
        a fraction of the cost: the time is checked once, the ids and handles
        a column at a time, and each account's fields are set without
        re-running the checks one account at a time. A simulation's set-up
        makes a million accounts this way.

        Args:
            ids: The accounts' ids, parallel to ``handles``.
            handles: The accounts' handles.
            created_at: When they were all registered (aware).

        Returns:
            The accounts, in order.

        Raises:
            InvalidHandleError: A handle is empty or has spaces, ``@``, ``/``, ``#`` or ``:``.
            ValidationError: The lengths differ, an id is not a valid id, a
                handle is not a str, or the time is naive.
        """
        if len(ids) != len(handles):
            raise ValidationError(
                f"{len(ids)} ids but {len(handles)} handles: give one id per handle",
                field="ids",
                value=len(ids),
            )
        aware = isinstance(created_at, datetime) and created_at.utcoffset() is not None
        valid_ids = all(map(eq, map(type, ids), repeat(int))) and (
            not ids or 0 < min(ids) <= max(ids) <= MAX_ID
        )
        valid_handles = all(map(eq, map(type, handles), repeat(str))) and all(
            map(_HANDLE_SHAPE.fullmatch, handles)
        )
        if not (aware and valid_ids and valid_handles):
            # One by one: the first bad field raises what Account.create raises.
            return tuple(
                cls.create(id=id_, handle=handle, created_at=created_at)
                for id_, handle in zip(ids, handles, strict=True)
            )
        created_at = ensure_utc(created_at, field="created_at")
        new = object.__new__
        made = list(map(new, repeat(cls, len(ids))))
        personal = AccountKind.PERSONAL
        for name, values in (
            ("id", ids),
            ("handle", handles),
            ("created_at", repeat(created_at)),
            ("display_name", repeat("")),
            ("bio", repeat("")),
            ("kind", repeat(personal)),
            ("verified", repeat(False)),
            ("locked", repeat(False)),
        ):
            deque(map(getattr(cls, name).__set__, made, values), maxlen=0)
        return tuple(made)

    @classmethod
    def _quick(
        cls,
        *,
        id: AccountId,
        handle: str,
        created_at: datetime,
        display_name: str = "",
        bio: str = "",
        kind: AccountKind = AccountKind.PERSONAL,
        verified: bool = False,
        locked: bool = False,
    ) -> "Account":
        """Build ``Account(**fields)`` with the common case checked inline: what readers build.

        Private to :mod:`microblog_core.interop`. Nothing is trusted: each
        field passes a quick check that implies its validator (and converter)
        would accept it unchanged; a field the quick checks do not vouch for
        sends the whole call through the checked constructor, so a bad value
        is refused with the very error ``Account(**fields)`` raises
        (``tests/foundation/test_models_accounts.py`` proves both).
        """
        if not (
            is_id(id)
            and handle.__class__ is str
            and (handle in _GOOD_HANDLES or _good_handle(handle))
            and is_utc(created_at)
            and (display_name == "" or is_stored_text(display_name))
            and (bio == "" or is_stored_text(bio))
            and kind.__class__ is AccountKind
            and verified.__class__ is bool
            and locked.__class__ is bool
        ):
            return cls(
                id=id,
                handle=handle,
                created_at=created_at,
                display_name=display_name,
                bio=bio,
                kind=kind,
                verified=verified,
                locked=locked,
            )
        account: Account = _new(cls)
        _set(account, "id", id)
        _set(account, "handle", handle)
        _set(account, "created_at", created_at)
        _set(account, "display_name", display_name)
        _set(account, "bio", bio)
        _set(account, "kind", kind)
        _set(account, "verified", verified)
        _set(account, "locked", locked)
        return account

    @property
    def handle_key(self) -> str:
        """The case-insensitive key the handle is unique by."""
        return handle_key(self.handle)

    @property
    def is_organisation(self) -> bool:
        """Whether the account stands for an institution."""
        return self.kind is AccountKind.ORGANISATION


@frozen(kw_only=True)
class AccountPolicy:
    """A network's rules for handles, display names and bios.

    Attributes:
        name: The policy's name.
        handle_pattern: A regular expression the whole handle must match.
        handle_rule: The rule in words, for error messages.
        min_handle_width: The fewest width units a handle may have.
        max_handle_width: The most width units a handle may have.
        wide_counts_double: Whether a CJK (wide) character counts 2 units (Weibo nicknames).
        max_display_name: Longest display name, in characters.
        max_bio: Longest bio, in characters.
    """

    name: str
    handle_pattern: str
    handle_rule: str
    min_handle_width: int = 1
    max_handle_width: int = 15
    wide_counts_double: bool = False
    max_display_name: int = 50
    max_bio: int = 160
    _compiled: ClassVar[dict[str, "regex.Pattern[str]"]] = {}

    def _pattern(self) -> "regex.Pattern[str]":
        pattern = self._compiled.get(self.handle_pattern)
        if pattern is None:
            pattern = regex.compile(self.handle_pattern)
            self._compiled[self.handle_pattern] = pattern
        return pattern

    def handle_width(self, handle: str) -> int:
        """Return the handle's width in this policy's units."""
        if not self.wide_counts_double or handle.isascii():
            return len(handle)
        # A wide character (above U+2E7F) counts twice: the count of them, found in C.
        return len(handle) + len(_WIDE_RE.findall(handle))

    def check_handle(self, handle: str) -> str:
        """Return ``handle`` if it follows the policy.

        Raises:
            InvalidHandleError: The handle breaks the policy; the message says the rule.
        """
        if not isinstance(handle, str) or not self._pattern().fullmatch(handle):
            raise InvalidHandleError(
                f"{_checks.quote(handle)} is not a valid {self.name} handle: {self.handle_rule}",
                handle=handle if isinstance(handle, str) else _checks.quote(handle),
            )
        width = self.handle_width(handle)
        if not self.min_handle_width <= width <= self.max_handle_width:
            raise InvalidHandleError(
                f"{_checks.quote(handle)} is not a valid {self.name} handle: it is {width} "
                "units wide, "
                f"and the width must be {self.min_handle_width} to {self.max_handle_width} "
                f"({self.handle_rule})",
                handle=handle,
            )
        return handle

    def check_handles(self, handles: Sequence[str]) -> None:
        """Check many handles, as :meth:`check_handle` checks each, a column at a time.

        Raises:
            InvalidHandleError: A handle breaks the policy (the first such, in order).
        """
        fits = self._pattern().fullmatch
        if (
            not self.wide_counts_double
            and all(map(eq, map(type, handles), repeat(str)))
            and all(map(fits, handles))
            and (
                not handles
                or self.min_handle_width
                <= min(map(len, handles))
                <= max(map(len, handles))
                <= self.max_handle_width
            )
        ):
            return
        for handle in handles:  # one by one: the first bad handle and its message
            self.check_handle(handle)

    def check_profile(self, *, display_name: str, bio: str) -> None:
        """Check a display name and bio against the policy's limits.

        Raises:
            TextTooLongError: One of them is too long.
            ValidationError: One of them is not a str or holds a control character.
        """
        for name, value, limit in (
            ("display_name", display_name, self.max_display_name),
            ("bio", bio, self.max_bio),
        ):
            if not isinstance(value, str):
                raise ValidationError(f"{name} must be a str", field=name, value=value)
            if value and ("\x00" in value or "\ufffe" in value or "\uffff" in value):
                raise ValidationError(
                    f"{name} must not contain NUL, U+FFFE or U+FFFF", field=name, value=value
                )
            length = len(value)
            if length > limit:
                raise TextTooLongError(field=name, length=length, limit=limit, units="characters")


TWITTER_ACCOUNTS = AccountPolicy(
    name="Twitter",
    handle_pattern=r"[A-Za-z0-9_]+",
    handle_rule="1 to 15 ASCII letters, digits or underscores",
    max_handle_width=15,
    max_display_name=50,
    max_bio=160,
)
"""Twitter's rules (``[A-Za-z0-9_]{1,15}``; display name 50, bio 160)."""

MASTODON_ACCOUNTS = AccountPolicy(
    name="Mastodon",
    handle_pattern=r"[a-zA-Z0-9_]+(?:[.-]+[a-zA-Z0-9_]+)*",
    handle_rule="letters a-z, digits and underscores, with dots or dashes only inside, up to 30",
    max_handle_width=30,
    max_display_name=30,
    max_bio=500,
)
"""Mastodon's rules (``[a-z0-9_]``, inner ``.`` and ``-``, up to 30; display name 30, bio 500)."""

WEIBO_ACCOUNTS = AccountPolicy(
    name="Weibo",
    handle_pattern=r"[\p{Han}\p{L}\p{N}_-]+",
    handle_rule="Chinese characters, letters, digits, '_' or '-', 4 to 30 units, "
    "a Chinese character counting 2",
    min_handle_width=4,
    max_handle_width=30,
    wide_counts_double=True,
    max_display_name=30,
    max_bio=70,
)
"""Weibo's nicknames (CJK, letters, digits, ``_`` and ``-``; 4-30 units, CJK counting 2)."""
