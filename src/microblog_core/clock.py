"""Clocks: where the library gets the time from.

Domain code never calls ``datetime.now()``; it asks a :class:`Clock`. Services
use :class:`SystemClock`, tests and simulations a :class:`ManualClock` they
set and advance by hand. Every datetime the library accepts or returns is
timezone-aware UTC; :func:`ensure_utc` is the gate.
"""

from datetime import UTC, datetime, timedelta
from typing import Protocol, runtime_checkable

from microblog_core.errors import NaiveDatetimeError, ValidationError

__all__ = ["Clock", "ManualClock", "SystemClock", "ensure_utc"]


def ensure_utc(value: datetime, *, field: str = "datetime") -> datetime:
    """Return ``value`` as an aware UTC datetime.

    An aware datetime in another zone is converted to UTC; the instant is kept.

    Args:
        value: The datetime to check.
        field: The name to use in the error message.

    Returns:
        The same instant with ``tzinfo=UTC``.

    Raises:
        NaiveDatetimeError: ``value`` has no time zone.
        ValidationError: ``value`` is not a datetime at all.
    """
    if value.__class__ is datetime and value.tzinfo is UTC:
        return value  # the common case, answered before the general checks
    if not isinstance(value, datetime):
        raise ValidationError(
            f"{field} must be a datetime, got {type(value).__name__}", field=field, value=value
        )
    offset = value.utcoffset()
    if offset is None:
        raise NaiveDatetimeError(field=field, value=value)
    if value.tzinfo is UTC:
        return value
    return value.astimezone(UTC)


@runtime_checkable
class Clock(Protocol):
    """A source of the current time.

    Implementations must return aware UTC datetimes.
    """

    def now(self) -> datetime:
        """Return the current instant as an aware UTC datetime."""
        ...


class SystemClock:
    """The machine's wall clock, in UTC."""

    def now(self) -> datetime:
        """Return the current instant from the operating system."""
        return datetime.now(UTC)

    def __repr__(self) -> str:
        return "SystemClock()"


class ManualClock:
    """A clock that moves only when told to: for tests and simulations.

    Example:
        >>> from datetime import datetime, timedelta, timezone
        >>> clock = ManualClock(datetime(2026, 1, 1, tzinfo=timezone.utc))
        >>> clock.advance(timedelta(minutes=5)).isoformat()
        '2026-01-01T00:05:00+00:00'
    """

    __slots__ = ("_now",)

    def __init__(self, start: datetime | None = None) -> None:
        """Start at ``start`` (default 2026-01-01T00:00:00Z)."""
        self._now = ensure_utc(start, field="start") if start is not None else _DEFAULT_START

    def now(self) -> datetime:
        """Return the clock's current instant."""
        return self._now

    def set(self, instant: datetime) -> datetime:
        """Move the clock to ``instant`` (backwards is allowed) and return it.

        Raises:
            NaiveDatetimeError: ``instant`` has no time zone.
        """
        self._now = ensure_utc(instant, field="instant")
        return self._now

    def advance(self, delta: timedelta | float) -> datetime:
        """Move the clock by ``delta`` (a timedelta or seconds) and return the new instant.

        Raises:
            ValidationError: ``delta`` is not a timedelta or a number.
        """
        if isinstance(delta, bool) or not isinstance(delta, timedelta | int | float):
            raise ValidationError(
                "delta must be a timedelta or a number of seconds", field="delta", value=delta
            )
        try:
            step = delta if isinstance(delta, timedelta) else timedelta(seconds=delta)
            self._now = self._now + step
        except (ValueError, OverflowError):
            raise ValidationError(
                f"cannot advance the clock by {delta!r}: it must be finite and keep the date "
                "within years 1 to 9999",
                field="delta",
                value=delta,
            ) from None
        return self._now

    def __repr__(self) -> str:
        return f"ManualClock({self._now.isoformat()!r})"


_DEFAULT_START = datetime(2026, 1, 1, tzinfo=UTC)
