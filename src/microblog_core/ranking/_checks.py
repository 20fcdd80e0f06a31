"""Argument checks shared by the ranking modules.

The ranking layer may import only the standard library, attrs and
:mod:`microblog_core.errors`, so it carries its own small gate for aware
datetimes instead of importing :mod:`microblog_core.clock`.
"""

import math
from datetime import UTC, datetime, timedelta

from microblog_core.errors import NaiveDatetimeError, ValidationError

UNIX_EPOCH = datetime(1970, 1, 1, tzinfo=UTC)
#: Counts are 64-bit signed integers in every store we know (SQLite, PostgreSQL).
MAX_COUNT = 2**63


def to_utc(value: object, field: str) -> datetime:
    """Return ``value`` as an aware UTC datetime, keeping the instant.

    Raises:
        NaiveDatetimeError: ``value`` has no time zone.
        ValidationError: ``value`` is not a datetime.
    """
    if not isinstance(value, datetime):
        raise ValidationError(
            f"{field} must be a datetime, got {type(value).__name__}", field=field, value=value
        )
    if value.utcoffset() is None:
        raise NaiveDatetimeError(field=field, value=value)
    if value.tzinfo is UTC:
        return value
    return value.astimezone(UTC)


def timestamp(value: object, field: str = "now") -> float:
    """Return the POSIX timestamp of an aware datetime.

    Raises:
        NaiveDatetimeError: ``value`` has no time zone.
        ValidationError: ``value`` is not a datetime.
    """
    if isinstance(value, datetime) and value.utcoffset() is not None:
        return value.timestamp()
    return to_utc(value, field).timestamp()


def count(value: object, field: str) -> int:
    """Return ``value`` if it is an int >= 0 (bools refused).

    Raises:
        ValidationError: ``value`` is not a non-negative int.
    """
    if isinstance(value, bool) or not isinstance(value, int):
        raise ValidationError(
            f"{field} must be an int, got {type(value).__name__}", field=field, value=value
        )
    if value < 0:
        raise ValidationError(f"{field} must be >= 0, got {value}", field=field, value=value)
    if value >= MAX_COUNT:
        raise ValidationError(f"{field} must be below 2**63, got {value}", field=field, value=value)
    return value


def real(value: object, field: str) -> float:
    """Return ``value`` as a finite float (ints accepted, bools refused).

    Raises:
        ValidationError: ``value`` is not a finite real number.
    """
    if isinstance(value, bool) or not isinstance(value, int | float):
        raise ValidationError(
            f"{field} must be a number, got {type(value).__name__}", field=field, value=value
        )
    number = float(value)
    if not math.isfinite(number):
        raise ValidationError(f"{field} must be finite, got {value!r}", field=field, value=value)
    return number


def positive(value: object, field: str) -> float:
    """Return ``value`` as a finite float > 0.

    Raises:
        ValidationError: ``value`` is not a finite number above zero.
    """
    number = real(value, field)
    if number <= 0:
        raise ValidationError(f"{field} must be > 0, got {value!r}", field=field, value=value)
    return number


def fraction(value: object, field: str, *, allow_zero: bool) -> float:
    """Return ``value`` as a float in ``[0, 1]`` (or ``(0, 1]`` without ``allow_zero``).

    Raises:
        ValidationError: ``value`` is outside the interval.
    """
    number = real(value, field)
    low_ok = number >= 0 if allow_zero else number > 0
    if not low_ok or number > 1:
        interval = "[0, 1]" if allow_zero else "(0, 1]"
        raise ValidationError(
            f"{field} must be in {interval}, got {value!r}", field=field, value=value
        )
    return number


def duration(value: object, field: str) -> timedelta:
    """Return ``value`` if it is a timedelta longer than zero.

    Raises:
        ValidationError: ``value`` is not a positive timedelta.
    """
    if not isinstance(value, timedelta):
        raise ValidationError(
            f"{field} must be a timedelta, got {type(value).__name__}", field=field, value=value
        )
    if value <= timedelta(0):
        raise ValidationError(f"{field} must be longer than zero", field=field, value=value)
    return value


def epoch_seconds(date: datetime) -> float:
    """Seconds from the Unix epoch to ``date``, computed as Reddit's ``epoch_seconds``.

    ``td.days * 86400 + td.seconds + td.microseconds / 1e6`` on ``date - epoch``.
    """
    delta = date - UNIX_EPOCH
    return delta.days * 86400 + delta.seconds + (float(delta.microseconds) / 1000000)
