"""Validators and converters shared by the value classes."""

from collections.abc import Callable
from datetime import UTC, datetime
from typing import Any

import regex

from microblog_core import _checks
from microblog_core.clock import ensure_utc
from microblog_core.errors import ValidationError
from microblog_core.ids import MAX_ID, validate_id

_LANGUAGE_RE = regex.compile(r"[a-z]{2,3}(?:-[A-Za-z0-9]{1,8})*")


def check_id(instance: Any, attribute: Any, value: Any) -> None:
    """Validate an id field."""
    validate_id(value, field=attribute.name)


def check_optional_id(instance: Any, attribute: Any, value: Any) -> None:
    """Validate an id field that may be None."""
    if value is not None:
        validate_id(value, field=attribute.name)


def check_ids(instance: Any, attribute: Any, value: Any) -> None:
    """Validate a tuple of ids: each valid, none repeated."""
    if not isinstance(value, tuple):
        raise ValidationError(
            f"{attribute.name} must be a collection of ids", field=attribute.name, value=value
        )
    for item in value:
        validate_id(item, field=attribute.name)
    if len(set(value)) != len(value):
        raise ValidationError(
            f"{attribute.name} must not repeat an id", field=attribute.name, value=value
        )


def check_aware(instance: Any, attribute: Any, value: Any) -> None:
    """Refuse naive datetimes (the converter already normalises aware ones)."""
    ensure_utc(value, field=attribute.name)


def check_optional_aware(instance: Any, attribute: Any, value: Any) -> None:
    """Like :func:`check_aware` for an optional field."""
    if value is not None:
        ensure_utc(value, field=attribute.name)


def to_utc(value: datetime) -> datetime:
    """Converter: normalise an aware datetime to UTC, leave anything else for the validator."""
    if isinstance(value, datetime) and value.utcoffset() is not None:
        return ensure_utc(value)
    return value


def to_optional_utc(value: datetime | None) -> datetime | None:
    """Converter: :func:`to_utc` that lets None through."""
    return None if value is None else to_utc(value)


def check_str(instance: Any, attribute: Any, value: Any) -> None:
    """Validate that a field is a str of valid Unicode (no lone surrogate; any store keeps it)."""
    _checks.stored_text(value, attribute.name)


def check_bool(instance: Any, attribute: Any, value: Any) -> None:
    """Validate that a field is a bool."""
    if not isinstance(value, bool):
        raise ValidationError(
            f"{attribute.name} must be a bool, got {type(value).__name__}",
            field=attribute.name,
            value=value,
        )


def check_count(instance: Any, attribute: Any, value: Any) -> None:
    """Validate a counter: an int that is not negative."""
    if isinstance(value, bool) or not isinstance(value, int) or value < 0:
        raise ValidationError(
            f"{attribute.name} must be a non-negative integer, got {_checks.quote(value)}",
            field=attribute.name,
            value=value,
        )


def check_language(instance: Any, attribute: Any, value: Any) -> None:
    """Validate a BCP 47 style language tag such as ``en``, ``zh-Hans`` or ``pt-BR``."""
    if value is not None and (not isinstance(value, str) or not _LANGUAGE_RE.fullmatch(value)):
        raise ValidationError(
            f"{attribute.name} must be a language tag such as 'en' or 'zh-Hans', got "
            f"{_checks.quote(value)}",
            field=attribute.name,
            value=value,
        )


def check_instance(kind: type | tuple[type, ...]) -> Callable[[Any, Any, Any], None]:
    """Return a validator that refuses values that are not instances of ``kind``."""

    def validate(instance: Any, attribute: Any, value: Any) -> None:
        if not isinstance(value, kind):
            names = (
                kind.__name__ if isinstance(kind, type) else " or ".join(k.__name__ for k in kind)
            )
            raise ValidationError(
                f"{attribute.name} must be {names}, got {type(value).__name__}",
                field=attribute.name,
                value=value,
            )

    return validate


def to_tuple(value: Any) -> Any:
    """Converter: any iterable (but a str) becomes a tuple."""
    if isinstance(value, tuple):
        return value
    if isinstance(value, str | bytes):
        return value  # the validator reports it
    try:
        return tuple(value)
    except TypeError:
        return value  # not iterable: the validator reports it


def to_sorted_unique(value: Any) -> Any:
    """Converter: None stays None; an iterable becomes a sorted tuple without repeats."""
    if value is None:
        return None
    if isinstance(value, str | bytes):
        return value  # the validator reports it
    try:
        return tuple(sorted(set(value)))
    except TypeError:
        return value  # not iterable, or items that do not compare: the validator reports it


def check_languages(instance: Any, attribute: Any, value: Any) -> None:
    """Validate an optional tuple of language tags."""
    if value is None:
        return
    if not isinstance(value, tuple):
        raise ValidationError(
            f"{attribute.name} must be a collection of language tags",
            field=attribute.name,
            value=value,
        )
    for item in value:
        if item is None:  # check_language lets None (no language) through; a list item is a tag
            raise ValidationError(
                f"{attribute.name} must hold language tags such as 'en', got None",
                field=attribute.name,
                value=value,
            )
        check_language(instance, attribute, item)


# Quick predicates for the fast construction paths (``Post._quick``,
# ``Account._quick``). Each is a sufficient condition for its validator
# (and converter) above to accept the value unchanged: a value they do not
# vouch for goes through the checked constructor, which reports it.


def is_id(value: object) -> bool:
    """Whether ``check_id`` accepts ``value`` (an exact int in range)."""
    return value.__class__ is int and 0 < value <= MAX_ID


def is_utc(value: object) -> bool:
    """Whether ``to_utc`` keeps ``value`` as it is and ``check_aware`` accepts it."""
    return value.__class__ is datetime and value.tzinfo is UTC


def is_stored_text(value: object) -> bool:
    """Whether ``check_str`` accepts ``value``: an exact str that UTF-8 can encode."""
    if value.__class__ is not str:
        return False
    if value.isascii():
        return True
    try:
        value.encode("utf-8")
    except UnicodeEncodeError:
        return False
    return True


_GOOD_LANGUAGES: set[str] = set()


def is_language(value: object) -> bool:
    """Whether ``check_language`` accepts ``value`` (None or a tag); good tags are remembered."""
    if value is None:
        return True
    if value.__class__ is not str:
        return False
    if value in _GOOD_LANGUAGES:
        return True
    if not _LANGUAGE_RE.fullmatch(value):
        return False
    if len(_GOOD_LANGUAGES) < 1024:  # a handful in practice; bounded all the same
        _GOOD_LANGUAGES.add(value)
    return True
