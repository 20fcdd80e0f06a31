"""Values to SQLite rows and back.

The conversions are :mod:`microblog_core.storage._rows`, shared with the
PostgreSQL adapter; this module adds the counter rows, which SQLite keeps
with this unit's pending moves.
"""

from collections.abc import Sequence
from typing import Any

from microblog_core.errors import ValidationError
from microblog_core.models import AccountCounters, PostCounters
from microblog_core.storage._rows import (
    account_from_row,
    account_params,
    block_from_row,
    dump_languages,
    follow_from_row,
    instant,
    like_from_row,
    micros,
    mute_from_row,
    post_from_row,
    post_params,
    request_from_row,
    row_error,
)

__all__ = [
    "account_counters_from_row",
    "account_from_row",
    "account_params",
    "block_from_row",
    "dump_languages",
    "follow_from_row",
    "instant",
    "like_from_row",
    "micros",
    "mute_from_row",
    "post_counters_from_row",
    "post_from_row",
    "post_params",
    "request_from_row",
]


def account_counters_from_row(
    row: tuple[Any, ...], pending: Sequence[int] | None
) -> AccountCounters:
    """An account's counters from their row, plus this unit's pending moves.

    Raises:
        StorageError: The row holds something other than counts (a damaged file).
    """
    try:
        followers, following, posts = row
        if pending is not None:
            followers += pending[0]
            following += pending[1]
            posts += pending[2]
        return AccountCounters(followers=followers, following=following, posts=posts)
    except (ValidationError, TypeError, ValueError) as exc:
        raise row_error("account counters", row, exc) from None


def post_counters_from_row(row: tuple[Any, ...]) -> PostCounters:
    """A post's counters from their row.

    Raises:
        StorageError: The row holds something other than counts (a damaged file).
    """
    try:
        return PostCounters(replies=row[0], reposts=row[1], quotes=row[2], likes=row[3])
    except (ValidationError, TypeError, ValueError) as exc:
        raise row_error("post counters", row, exc) from None
