"""Time-sortable 64-bit ids and the AT Protocol TID codec.

Ids use Mastodon's Snowflake layout: milliseconds since the Unix epoch in the
high 48 bits and a 16-bit sequence below, so sorting ids sorts by time and an
id doubles as a pagination cursor. The timestamp is kept below 2**47 so that
every id fits a signed 64-bit integer (SQLite's ``INTEGER``, Java's ``long``).

TIDs are the AT Protocol's 13-character, sortable base32 encoding of a 64-bit
integer whose top bit is zero. Encoding is order-preserving: sorting TIDs as
strings sorts the integers, so ``encode_tid`` can carry our ids too.
"""

from collections.abc import Sequence
from datetime import UTC, datetime, timedelta
from typing import NewType

import regex

from microblog_core import _checks
from microblog_core.clock import Clock, ensure_utc
from microblog_core.errors import InvalidIdError

__all__ = [
    "EPOCH",
    "MAX_ID",
    "SEQUENCE_BITS",
    "AccountId",
    "BookmarkId",
    "FilterId",
    "IdGenerator",
    "ListId",
    "NotificationId",
    "PostId",
    "decode_tid",
    "encode_tid",
    "id_at",
    "is_tid",
    "tid_at",
    "tid_timestamp",
    "timestamp_of",
    "validate_id",
]

AccountId = NewType("AccountId", int)
"""The id of an account: a 64-bit time-sortable integer."""

PostId = NewType("PostId", int)
"""The id of a post (or repost): a 64-bit time-sortable integer."""

NotificationId = NewType("NotificationId", int)
"""The id of a notification: a 64-bit time-sortable integer (a paging cursor)."""

BookmarkId = NewType("BookmarkId", int)
"""The id of a bookmark: a 64-bit time-sortable integer (bookmarks page by it)."""

FilterId = NewType("FilterId", int)
"""The id of a keyword filter: a 64-bit time-sortable integer."""
ListId = NewType("ListId", int)
"""The id of an account list: a 64-bit time-sortable integer from the same generator as accounts."""

EPOCH = datetime(1970, 1, 1, tzinfo=UTC)
"""Ids count milliseconds from the Unix epoch, as Mastodon's do."""

SEQUENCE_BITS = 16
_SEQUENCE_MASK = (1 << SEQUENCE_BITS) - 1
_MAX_MILLIS = (1 << 47) - 1
MAX_ID = (1 << 63) - 1
"""The largest id, which still fits a signed 64-bit integer."""

_ONE_MS = timedelta(milliseconds=1)


def _millis(instant: datetime, field: str) -> int:
    ms = (ensure_utc(instant, field=field) - EPOCH) // _ONE_MS
    if not 0 <= ms <= _MAX_MILLIS:
        raise InvalidIdError(
            f"{field} {instant.isoformat()} is outside the id range "
            f"({EPOCH.isoformat()} to {(EPOCH + _MAX_MILLIS * _ONE_MS).isoformat()})",
            field=field,
            value=instant,
        )
    return ms


def validate_id(value: object, *, field: str = "id") -> int:
    """Check that ``value`` is a valid id and return it.

    Raises:
        InvalidIdError: ``value`` is not an ``int`` in ``[1, MAX_ID]`` (``bool`` is refused).
    """
    if isinstance(value, bool) or not isinstance(value, int):
        raise InvalidIdError(
            f"{field} must be an integer id, got {type(value).__name__}", field=field, value=value
        )
    if not 0 < value <= MAX_ID:
        raise InvalidIdError(
            f"{field} must be between 1 and {MAX_ID}, got {value}", field=field, value=value
        )
    return value


def id_at(timestamp: datetime, sequence: int = 0) -> int:
    """Return the id for ``timestamp`` with the given sequence number.

    Use it to back-fill data with known times, and as a cursor: ``id_at(t)``
    is the smallest id at or after ``t``.

    Args:
        timestamp: An aware datetime between the epoch and 2**47 ms after it.
        sequence: A number in ``[0, 65535]`` that tells apart ids of one millisecond.

    Raises:
        InvalidIdError: The timestamp or sequence is out of range.
        NaiveDatetimeError: ``timestamp`` has no time zone.

    Example:
        >>> from datetime import datetime, timezone
        >>> id_at(datetime(2026, 1, 1, tzinfo=timezone.utc))
        115816896921600000
    """
    if isinstance(sequence, bool) or not isinstance(sequence, int):
        raise InvalidIdError("sequence must be an integer", field="sequence", value=sequence)
    if not 0 <= sequence <= _SEQUENCE_MASK:
        raise InvalidIdError(
            f"sequence must be between 0 and {_SEQUENCE_MASK}, got {sequence}",
            field="sequence",
            value=sequence,
        )
    value = (_millis(timestamp, "timestamp") << SEQUENCE_BITS) | sequence
    if value == 0:
        raise InvalidIdError(
            "id 0 is reserved: the epoch itself needs a sequence of at least 1",
            field="timestamp",
            value=timestamp,
        )
    return value


def timestamp_of(id_: int) -> datetime:
    """Return the instant (to the millisecond) encoded in an id.

    Raises:
        InvalidIdError: ``id_`` is not a valid id.
    """
    validate_id(id_)
    return EPOCH + (id_ >> SEQUENCE_BITS) * _ONE_MS


def _check_floor(value: int) -> int:
    if isinstance(value, bool) or not isinstance(value, int) or not 0 <= value <= MAX_ID:
        raise InvalidIdError(
            f"an id floor must be an integer from 0 to {MAX_ID}, got {_checks.quote(value)}",
            field="last_id",
            value=value,
        )
    return value


class IdGenerator:
    """Hands out strictly increasing, time-sortable ids.

    Each id is ``max(ms(now) << 16, last + 1)``: when the clock stands still
    the sequence counts up; when 65,536 ids are taken in one millisecond the
    next id spills into the following millisecond; when the clock goes
    backwards ids keep increasing from the last one. Not thread-safe: use one
    generator per thread or guard it.

    Example:
        >>> from microblog_core.clock import ManualClock
        >>> gen = IdGenerator(ManualClock())
        >>> a, b = gen.next_id(), gen.next_id()
        >>> b - a
        1
    """

    __slots__ = ("_clock", "_last")

    def __init__(self, clock: Clock, *, last_id: int = 0) -> None:
        """Create a generator reading ``clock``; ids will be greater than ``last_id``.

        Raises:
            InvalidIdError: ``last_id`` is negative or above :data:`MAX_ID`.
        """
        self._clock = clock
        self._last = _check_floor(last_id)

    @property
    def last_id(self) -> int:
        """The last id handed out (or the floor given at construction)."""
        return self._last

    def observe(self, id_: int) -> None:
        """Make every later id greater than ``id_`` (e.g. after loading stored data).

        Raises:
            InvalidIdError: ``id_`` is negative or above :data:`MAX_ID`.
        """
        self._last = max(self._last, _check_floor(id_))

    def next_id(self) -> int:
        """Return a new id, greater than every id this generator returned before.

        Raises:
            InvalidIdError: The clock is outside the id range, or ids are exhausted.
        """
        candidate = _millis(self._clock.now(), "clock time") << SEQUENCE_BITS
        last = self._last
        if candidate <= last:
            candidate = last + 1
            if candidate > MAX_ID:
                raise InvalidIdError("no ids are left", field="id", value=candidate)
        self._last = candidate
        return candidate

    def next_ids(self, count: int) -> Sequence[int]:
        """Return ``count`` new ids at once, as ``count`` calls of :meth:`next_id` would.

        The clock is read once, so the ids are those :meth:`next_id` gives
        while the clock stands still (consecutive, from ``max(ms(now) << 16,
        last + 1)``). A subclass that changes :meth:`next_id` gets its ids one
        by one.

        Raises:
            InvalidIdError: The clock is outside the id range, or ids are exhausted.
        """
        count = _checks.integer(count, "count", minimum=0)
        if type(self).next_id is not IdGenerator.next_id:
            return [self.next_id() for _ in range(count)]
        if not count:
            return range(0)
        previous = self._last
        first = self.next_id()
        last = first + count - 1
        if last > MAX_ID:
            self._last = previous
            raise InvalidIdError("no ids are left", field="id", value=last)
        self._last = last
        return range(first, last + 1)

    def __repr__(self) -> str:
        return f"IdGenerator({self._clock!r}, last_id={self._last})"


# AT Protocol "base32-sortable": digits 2-7 then a-z, in ASCII order.
_TID_ALPHABET = "234567abcdefghijklmnopqrstuvwxyz"
# The TID alphabet mapped onto the digits ``int(..., 32)`` reads (0-9, a-v): the
# same five bits per character, so one C call decodes a TID.
_TID_TO_BASE32 = str.maketrans(_TID_ALPHABET, "0123456789abcdefghijklmnopqrstuv")
# The top bit of a TID is zero, so its first character encodes at most 0b0111 (2-7, a, b).
_TID_RE = regex.compile(r"[234567ab][234567abcdefghijklmnopqrstuvwxyz]{12}")
_TID_CLOCK_BITS = 10


def encode_tid(value: int) -> str:
    """Encode a non-negative 63-bit integer as a 13-character TID.

    Encoding preserves order: ``a < b`` exactly when ``encode_tid(a) < encode_tid(b)``.

    Raises:
        InvalidIdError: ``value`` is negative, too large or not an int.

    Example:
        >>> encode_tid(0)
        '2222222222222'
        >>> decode_tid(encode_tid(115816896921600000))
        115816896921600000
    """
    if isinstance(value, bool) or not isinstance(value, int) or not 0 <= value <= MAX_ID:
        raise InvalidIdError(
            f"a TID encodes an integer between 0 and {MAX_ID}, got {_checks.quote(value)}",
            field="tid",
            value=value,
        )
    chars = []
    for _ in range(13):
        chars.append(_TID_ALPHABET[value & 31])
        value >>= 5
    return "".join(reversed(chars))


def is_tid(text: str) -> bool:
    """Return whether ``text`` is a syntactically valid TID."""
    return isinstance(text, str) and _TID_RE.fullmatch(text) is not None


def decode_tid(text: str) -> int:
    """Decode a 13-character TID to its integer.

    Raises:
        InvalidIdError: ``text`` is not a valid TID (length, alphabet, top bit).
    """
    if not is_tid(text):
        raise InvalidIdError(
            f"{_checks.quote(text)} is not a TID: 13 characters of 234567a-z, the first one "
            "2-7, a or b",
            field="tid",
            value=text,
        )
    return int(text.translate(_TID_TO_BASE32), 32)


def tid_at(timestamp: datetime, clock_id: int = 0) -> str:
    """Return the AT Protocol TID for ``timestamp``: microseconds << 10 | clock id.

    Raises:
        InvalidIdError: ``clock_id`` is outside ``[0, 1023]`` or the time is before the epoch.
    """
    if isinstance(clock_id, bool) or not isinstance(clock_id, int) or not 0 <= clock_id < 1024:
        raise InvalidIdError(
            "clock_id must be an integer in [0, 1023]", field="clock_id", value=clock_id
        )
    micros = (ensure_utc(timestamp, field="timestamp") - EPOCH) // timedelta(microseconds=1)
    if not 0 <= micros < (1 << 53):
        raise InvalidIdError("timestamp is outside the TID range", field="timestamp", value=micros)
    return encode_tid((micros << _TID_CLOCK_BITS) | clock_id)


def tid_timestamp(tid: str) -> datetime:
    """Return the instant (to the microsecond) of an AT Protocol TID.

    Raises:
        InvalidIdError: ``tid`` is not a valid TID.
    """
    return EPOCH + timedelta(microseconds=decode_tid(tid) >> _TID_CLOCK_BITS)
