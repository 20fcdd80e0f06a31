"""Argument checks shared by every layer: values, adapters, read models, service, sim.

One check, one place (STYLE.md §12): a bad id, limit, cursor, instant or
collection raises the same error class with the same wording whichever layer
or adapter meets it first, so every adapter answers alike and the contract
suite can assert the exact class.

Which class for which mistake:

==========================================  ===================================
mistake                                     error
==========================================  ===================================
an id that is not an int (or is a bool)     :class:`~microblog_core.errors.InvalidIdError`
an id to store outside ``1..MAX_ID``        :class:`~microblog_core.errors.InvalidIdError`
a paging cursor that is not an int / None   :class:`~microblog_core.errors.InvalidIdError`
a naive datetime                            :class:`~microblog_core.errors.NaiveDatetimeError`
anything else (limit, flag, str, iterable)  :class:`~microblog_core.errors.ValidationError`
==========================================  ===================================

Messages quote the offending value through :func:`quote`, which is safe for
any size or type (a 5,000-digit int, a megabyte string, an object whose
``repr`` raises).
"""

import enum
import math
from array import array
from collections.abc import Iterable, Sequence
from datetime import UTC, datetime, timedelta
from itertools import repeat, tee
from operator import add, eq, lt, mul
from typing import Final, TypeVar

from microblog_core.errors import InvalidIdError, NaiveDatetimeError, ValidationError, _quote

__all__ = [
    "MAX_COUNT",
    "MAX_ID",
    "aware",
    "count",
    "cursor",
    "duration",
    "enum_member",
    "flag",
    "fraction",
    "hashtag",
    "instance",
    "integer",
    "iterable",
    "limit",
    "lookup_id",
    "lookup_ids",
    "non_negative",
    "non_negative_ints",
    "one_of",
    "optional_limit",
    "page_id",
    "plain_follow_columns",
    "positive",
    "probability",
    "quote",
    "real",
    "stored_id",
    "stored_text",
    "text",
    "timestamp",
]

MAX_ID: Final = (1 << 63) - 1
"""The largest id: it fits a signed 64-bit integer (kept equal to ``ids.MAX_ID``)."""

MAX_COUNT: Final = 1 << 63
"""Counts are 64-bit signed integers in every store we know (SQLite, PostgreSQL)."""

_QUOTE_CHARS: Final = 80
_E = TypeVar("_E", bound=enum.Enum)


def quote(value: object, *, width: int = _QUOTE_CHARS) -> str:
    """Return a short printable quotation of ``value`` for an error message.

    Safe for any value: ints too long for ``repr`` (Python refuses more than
    4,300 digits) are described by their size, long strings are cut with an
    ellipsis, and a ``repr`` that raises is replaced by the type's name.

    Args:
        value: Whatever the caller passed.
        width: The most characters of ``repr`` to keep.

    Returns:
        A one-line description no longer than about ``width`` characters.
    """
    return _quote(value, width)


def _type(value: object) -> str:
    return type(value).__name__


def lookup_id(value: object, field: str) -> int:
    """Check an id to look something up by: any int (bools refused).

    An int outside ``1..MAX_ID`` is allowed and simply matches nothing.

    Raises:
        InvalidIdError: ``value`` is not an int.
    """
    if value.__class__ is int:
        return value
    if isinstance(value, bool) or not isinstance(value, int):
        raise InvalidIdError(
            f"{field} must be an integer id, got {_type(value)} {quote(value)}",
            field=field,
            value=value,
        )
    return int(value)


def stored_id(value: object, field: str) -> int:
    """Check an id to store: an int in ``1..MAX_ID``.

    Raises:
        InvalidIdError: ``value`` is not an int, or is out of range.
    """
    number = lookup_id(value, field)
    if not 0 < number <= MAX_ID:
        raise InvalidIdError(
            f"{field} must be between 1 and {MAX_ID}, got {quote(number)}",
            field=field,
            value=value,
        )
    return number


def iterable(value: object, field: str, what: str = "values") -> tuple[object, ...]:
    """Check a collection argument and return its items as a tuple.

    A ``str`` or ``bytes`` is refused: it iterates, but never means a
    collection of values here.

    Raises:
        ValidationError: ``value`` is not iterable, or is a str or bytes.
    """
    if isinstance(value, tuple):
        return value
    if isinstance(value, str | bytes) or not isinstance(value, Iterable):
        raise ValidationError(
            f"{field} must be a collection of {what}, got {_type(value)} {quote(value)}",
            field=field,
            value=value,
        )
    return tuple(value)


def lookup_ids(values: object, field: str) -> list[int]:
    """Check a collection of lookup ids (see :func:`lookup_id`).

    Raises:
        ValidationError: ``values`` is not a collection.
        InvalidIdError: an item is not an int.
    """
    return [lookup_id(item, field) for item in iterable(values, field, "ids")]


def limit(
    value: object, field: str = "limit", maximum: int | None = None, *, minimum: int = 1
) -> int:
    """Check a limit or cap: an int of at least ``minimum`` (1), and at most ``maximum`` if given.

    Raises:
        ValidationError: ``value`` is not such an int.
    """
    if value.__class__ is int and value >= minimum and (maximum is None or value <= maximum):
        return value
    if (
        isinstance(value, bool)
        or not isinstance(value, int)
        or value < minimum
        or (maximum is not None and value > maximum)
    ):
        bound = f"from {minimum} to {maximum}" if maximum is not None else f"of at least {minimum}"
        raise ValidationError(
            f"{field} must be an integer {bound}, got {quote(value)}", field=field, value=value
        )
    return int(value)


def optional_limit(value: object, field: str = "limit", maximum: int | None = None) -> int | None:
    """Like :func:`limit`, letting None (no limit) through."""
    return None if value is None else limit(value, field, maximum)


def cursor(value: object, field: str) -> int | None:
    """Check a paging bound (``max_id``, ``min_id``, ``after``...): None or any int.

    Bounds outside the id range are allowed; they bound nothing.

    Raises:
        InvalidIdError: ``value`` is neither None nor an int.
    """
    if value is None:
        return None
    return lookup_id(value, field)


def page_id(value: object, field: str) -> int | None:
    """Check a Mastodon paging id (``max_id``, ``since_id``, ``min_id``): None or an int >= 0.

    Raises:
        InvalidIdError: ``value`` is not None and not a non-negative int.
    """
    if value is None:
        return None
    if isinstance(value, bool) or not isinstance(value, int) or value < 0:
        raise InvalidIdError(
            f"{field} must be a post id (an int >= 0) or None, got {quote(value)}",
            field=field,
            value=value,
        )
    return int(value)


def flag(value: object, field: str) -> bool:
    """Check a bool argument.

    Raises:
        ValidationError: ``value`` is not a bool.
    """
    if value is True or value is False:
        return value
    raise ValidationError(f"{field} must be a bool, got {_type(value)}", field=field, value=value)


def instance(value: object, kind: type | tuple[type, ...], field: str) -> None:
    """Check that ``value`` is an instance of ``kind``.

    Raises:
        ValidationError: it is not.
    """
    if not isinstance(value, kind):
        names = kind.__name__ if isinstance(kind, type) else " or ".join(k.__name__ for k in kind)
        raise ValidationError(
            f"{field} must be a {names}, got {_type(value)}", field=field, value=value
        )


def text(value: object, field: str) -> str:
    """Check a str argument.

    Raises:
        ValidationError: ``value`` is not a str.
    """
    if isinstance(value, str):
        return value
    raise ValidationError(f"{field} must be a str, got {_type(value)}", field=field, value=value)


def hashtag(value: object, field: str = "tag") -> str:
    """Check and normalise a hashtag as posts store theirs: no ``#``, casefolded.

    A leading ``#`` (and a Weibo topic's closing one) and surrounding spaces
    are dropped, then the name is casefolded, as :attr:`Post.tags
    <microblog_core.models.Post.tags>` holds it.

    Raises:
        ValidationError: ``value`` is not a str, or names no hashtag (blank,
            or holding a NUL, which no hashtag does and PostgreSQL cannot store).
    """
    raw = stored_text(value, field)
    name = raw.strip().removeprefix("#").removesuffix("#").strip().casefold()
    if not name or "\x00" in name:
        raise ValidationError(f"{quote(raw)} names no hashtag", field=field, value=value)
    return name


def stored_text(value: object, field: str) -> str:
    """Check a str to keep in a value: valid Unicode, so every store can hold it.

    A lone surrogate (U+D800 to U+DFFF on its own) is a Python str but not Unicode text:
    UTF-8 (SQLite, PostgreSQL, JSON on the wire) cannot encode it. Refusing it
    here, in the value, makes every adapter refuse it alike.

    Raises:
        ValidationError: ``value`` is not a str, or holds a lone surrogate.
    """
    checked = text(value, field)
    if checked.isascii():
        return checked
    try:
        checked.encode("utf-8")
    except UnicodeEncodeError as exc:
        raise ValidationError(
            f"{field} must be valid Unicode text; it holds a lone surrogate "
            f"U+{ord(checked[exc.start]):04X} at offset {exc.start}",
            field=field,
            value=value,
        ) from None
    return checked


def aware(value: object, field: str) -> datetime:
    """Check an instant: an aware datetime, returned in UTC.

    Raises:
        NaiveDatetimeError: ``value`` has no time zone.
        ValidationError: ``value`` is not a datetime.
    """
    if not isinstance(value, datetime):
        raise ValidationError(
            f"{field} must be a datetime, got {_type(value)}", field=field, value=value
        )
    if value.utcoffset() is None:
        raise NaiveDatetimeError(field=field, value=value)
    if value.tzinfo is UTC:
        return value
    return value.astimezone(UTC)


def count(value: object, field: str) -> int:
    """Check a count: an int from 0 to below ``2**63`` (bools refused).

    Raises:
        ValidationError: ``value`` is not such an int.
    """
    if isinstance(value, bool) or not isinstance(value, int):
        raise ValidationError(
            f"{field} must be an int, got {_type(value)}", field=field, value=value
        )
    if value < 0:
        raise ValidationError(f"{field} must be >= 0, got {quote(value)}", field=field, value=value)
    if value >= MAX_COUNT:
        raise ValidationError(
            f"{field} must be below 2**63, got {quote(value)}", field=field, value=value
        )
    return int(value)


def real(value: object, field: str) -> float:
    """Check a finite real number (ints accepted, bools refused).

    Raises:
        ValidationError: ``value`` is not a finite real number.
    """
    if isinstance(value, bool) or not isinstance(value, int | float):
        raise ValidationError(
            f"{field} must be a number, got {_type(value)}", field=field, value=value
        )
    try:
        number = float(value)
    except OverflowError:
        number = math.inf
    if not math.isfinite(number):
        raise ValidationError(
            f"{field} must be finite, got {quote(value)}", field=field, value=value
        )
    return number


def fraction(value: object, field: str, *, allow_zero: bool) -> float:
    """Check a number in ``[0, 1]`` (or ``(0, 1]`` without ``allow_zero``).

    Raises:
        ValidationError: ``value`` is not a finite number within the interval.
    """
    number = real(value, field)
    low_ok = number >= 0 if allow_zero else number > 0
    if not low_ok or number > 1:
        interval = "[0, 1]" if allow_zero else "(0, 1]"
        raise ValidationError(
            f"{field} must be in {interval}, got {quote(value)}", field=field, value=value
        )
    return number


def duration(value: object, field: str) -> timedelta:
    """Check a timedelta longer than zero.

    Raises:
        ValidationError: ``value`` is not a positive timedelta.
    """
    if not isinstance(value, timedelta):
        raise ValidationError(
            f"{field} must be a timedelta, got {_type(value)}", field=field, value=value
        )
    if value <= timedelta(0):
        raise ValidationError(f"{field} must be longer than zero", field=field, value=value)
    return value


def timestamp(value: object, field: str = "now") -> float:
    """Check an instant (see :func:`aware`) and return its POSIX timestamp.

    Raises:
        NaiveDatetimeError: ``value`` has no time zone.
        ValidationError: ``value`` is not a datetime.
    """
    if isinstance(value, datetime) and value.utcoffset() is not None:
        return value.timestamp()
    return aware(value, field).timestamp()


def enum_member(value: object, kind: type[_E], field: str) -> _E:
    """Check an enum argument: a member of ``kind``, or one of its values.

    Raises:
        ValidationError: ``value`` names no member.
    """
    if isinstance(value, kind):
        return value
    try:
        return kind(value)
    except (ValueError, TypeError):
        choices = ", ".join(repr(member.value) for member in kind)
        raise ValidationError(
            f"{field} must be one of {choices}, got {quote(value)}", field=field, value=value
        ) from None


def integer(
    value: object, field: str, *, minimum: int, maximum: int | None = None, hint: str = ""
) -> int:
    """Check an integer parameter (a size, a seed, a page size): ``minimum..maximum``.

    Bools are refused. ``hint`` says why the bound is what it is; it is added
    to the message when the value is below ``minimum``.

    Raises:
        ValidationError: ``value`` is not an int, or is out of range.
    """
    if isinstance(value, bool) or not isinstance(value, int):
        raise ValidationError(
            f"{field} must be an integer, got {_type(value)} {quote(value)}",
            field=field,
            value=value,
        )
    if maximum is not None and not minimum <= value <= maximum:
        raise ValidationError(
            f"{field} must be an integer from {minimum} to {maximum}, got {quote(value)}",
            field=field,
            value=value,
        )
    if value < minimum:
        extra = f" ({hint})" if hint else ""
        raise ValidationError(
            f"{field} must be at least {minimum}, got {quote(value)}{extra}",
            field=field,
            value=value,
        )
    return int(value)


def probability(value: object, field: str) -> float:
    """Check a probability: a real number from 0 to 1 (ints accepted, bools and NaN refused).

    Raises:
        ValidationError: ``value`` is not such a number.
    """
    if isinstance(value, bool) or not isinstance(value, int | float):
        raise ValidationError(
            f"{field} must be a probability (a number from 0 to 1), got {_type(value)}",
            field=field,
            value=value,
        )
    if not 0.0 <= value <= 1.0:  # also refuses NaN
        raise ValidationError(
            f"{field} must be a probability from 0 to 1, got {quote(value)}",
            field=field,
            value=value,
        )
    return float(value)


def non_negative(value: object, field: str) -> float:
    """Check a finite real number of at least 0 (see :func:`real`).

    Raises:
        ValidationError: ``value`` is not a finite number, or is below 0.
    """
    number = real(value, field)
    if number < 0:
        raise ValidationError(
            f"{field} must be 0 or more, got {quote(value)}", field=field, value=value
        )
    return number


def positive(value: object, field: str) -> float:
    """Check a finite real number greater than 0 (see :func:`real`).

    Raises:
        ValidationError: ``value`` is not a finite number, or is not above 0.
    """
    number = real(value, field)
    if number <= 0:
        raise ValidationError(
            f"{field} must be greater than 0, got {quote(value)}", field=field, value=value
        )
    return number


def non_negative_ints(value: object, field: str) -> tuple[int, ...]:
    """Check a sequence of non-negative ints (degrees, counts), returned as a tuple.

    Raises:
        ValidationError: ``value`` is not a collection (or is a str or bytes),
            or an item is not an int of at least 0; the message names its index.
    """
    if isinstance(value, str | bytes) or not isinstance(value, Iterable):
        raise ValidationError(
            f"{field} must be a sequence of non-negative ints, got {_type(value)}",
            field=field,
            value=value,
        )
    items = tuple(value)
    for index, item in enumerate(items):
        if isinstance(item, bool) or not isinstance(item, int) or item < 0:
            raise ValidationError(
                f"{field}[{index}] must be a non-negative int, got {quote(item)}",
                field=field,
                value=item,
            )
    return items


def one_of(value: object, field: str, choices: Iterable[str], what: str) -> str:
    """Check a name chosen from ``choices`` (a graph model, a distribution...).

    Raises:
        ValidationError: ``value`` is not one of ``choices``; the message lists them.
    """
    names = tuple(choices)
    if isinstance(value, str) and value in names:
        return value
    raise ValidationError(
        f"unknown {what} {quote(value)}; choose one of {', '.join(names)}",
        field=field,
        value=value,
    )


_INT_TYPECODES = frozenset("bBhHiIlLqQ")


def plain_follow_columns(sources: Sequence[int], targets: Sequence[int], n: int) -> bool:
    """Whether two ``array`` columns of positions are plain follows among ``n`` accounts.

    Plain: int arrays of one length, every position in ``[0, n)``, no
    self-follow, and the ``(follower, followee)`` pairs strictly ascending
    (so none repeats and each follower's follows are adjacent), as a
    follower graph's edges come. Every pass runs at C speed, and a
    follower's range takes two reads once the pairs are known to ascend.
    False for anything else (lists and tuples included): the caller then
    runs its full checks, which say what is wrong.
    """
    if not (
        isinstance(sources, array)
        and isinstance(targets, array)
        and sources.typecode in _INT_TYPECODES
        and targets.typecode in _INT_TYPECODES
        and len(sources) == len(targets)
    ):
        return False
    if not sources:
        return True
    if min(targets) < 0 or max(targets) >= n or any(map(eq, sources, targets)):
        return False
    codes = map(add, map(mul, sources, repeat(n)), targets)
    current, following = tee(codes)
    next(following, None)
    # Ascending pairs with followees in range have non-decreasing followers.
    return all(map(lt, current, following)) and sources[0] >= 0 and sources[-1] < n
