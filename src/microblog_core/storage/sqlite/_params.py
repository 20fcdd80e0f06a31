"""Arguments to SQL parameters: ids, id ranges, page sizes and strings SQLite can hold.

The checks themselves are the shared ones in :mod:`microblog_core._checks`,
so this adapter raises the same class as every other for the same mistake;
what is left here is how a checked value becomes a parameter SQLite's 64-bit
integers can take (an id that no row can have looks up :data:`NO_ID`).
"""

from typing import Final

from microblog_core import _checks
from microblog_core.ids import MAX_ID

NO_ID: Final = 0
"""What a lookup searches for when given an int no stored id can equal (ids start at 1)."""

_EMPTY_RANGE: Final = (1, 0)


def lookup_key(value: object, field: str) -> int:
    """An id to look up (see :func:`~microblog_core._checks.lookup_id`) as a parameter.

    An int outside ``1..MAX_ID`` matches nothing, so it looks up :data:`NO_ID`.
    """
    number = _checks.lookup_id(value, field)
    return number if 0 < number <= MAX_ID else NO_ID


def lookup_keys(values: object, field: str) -> list[int]:
    """A collection of ids to look up, each as :func:`lookup_key` makes it."""
    return [lookup_key(value, field) for value in _checks.iterable(values, field, "ids")]


def stored_keys(values: object, field: str) -> list[int]:
    """A collection of ids to store, each an int in ``1..MAX_ID``."""
    return [_checks.stored_id(value, field) for value in _checks.iterable(values, field, "ids")]


def page_size(value: object, field: str = "limit") -> int:
    """A limit or cap: an int of at least 1 (beyond SQLite's range it means no limit)."""
    return min(_checks.limit(value, field), MAX_ID)


def optional_page_size(value: object) -> int:
    """A limit that may be None; SQLite reads ``LIMIT -1`` as no limit."""
    return -1 if value is None else page_size(value)


def after_key(value: object) -> int:
    """An exclusive ``after`` cursor (None: from the start), within SQLite's integers."""
    bound = _checks.cursor(value, "after")
    return 0 if bound is None else min(max(bound, 0), MAX_ID)


def bounds(max_id: object, min_id: object) -> tuple[int, int]:
    """Turn exclusive ``max_id`` / ``min_id`` into inclusive ``(low, high)`` id bounds.

    Both stay within SQLite's integers; a range that holds no valid id comes
    back as ``(1, 0)``, which every query answers with nothing.
    """
    upper = _checks.cursor(max_id, "max_id")
    lower = _checks.cursor(min_id, "min_id")
    high = MAX_ID if upper is None else upper - 1
    low = 1 if lower is None else lower + 1
    if high < 1 or low > MAX_ID:
        return _EMPTY_RANGE
    return max(low, 1), min(high, MAX_ID)


def storable(text: str) -> bool:
    """Whether SQLite can hold ``text`` (UTF-8 has no lone surrogates)."""
    try:
        text.encode()
    except UnicodeEncodeError:
        return False
    return True
