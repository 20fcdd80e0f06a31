"""Domain values to PostgreSQL rows and back.

The conversions are :mod:`microblog_core.storage._rows`, shared with the
SQLite adapter, so both databases hold the same facts the same way; this
module adds PostgreSQL's column lists and its array literal.
"""

from collections.abc import Iterable
from typing import Final

from microblog_core.storage._rows import (
    account_from_row,
    account_params,
    block_from_row,
    follow_from_row,
    follow_params,
    instant,
    like_from_row,
    micros,
    mute_from_row,
    post_from_row,
    post_params,
    request_from_row,
)

__all__ = [
    "ACCOUNT_COLUMNS",
    "FOLLOW_COLUMNS",
    "POST_COLUMNS",
    "account_from_row",
    "account_params",
    "block_from_row",
    "follow_from_row",
    "follow_params",
    "instant",
    "ints",
    "like_from_row",
    "micros",
    "mute_from_row",
    "post_from_row",
    "post_params",
    "request_from_row",
]

POST_COLUMNS: Final = (
    "id, author_id, created_at, text, visibility, reply_root_id, reply_parent_id, "
    "reply_parent_author_id, reply_addressee_id, repost_root_id, repost_root_author_id, "
    "repost_via_id, repost_via_author_id, quote_of, language, content_warning, attachments, "
    "mentions, tags, reply_gate, quote_policy, hidden"
)
"""The ``posts`` columns a post is made of, in the order of :func:`post_params`."""

ACCOUNT_COLUMNS: Final = "id, handle, created_at, display_name, bio, kind, verified, locked"
"""The ``accounts`` columns :func:`account_from_row` reads."""

FOLLOW_COLUMNS: Final = "follower_id, followee_id, created_at, show_reposts, notify, languages"
"""The columns shared by ``follows`` and ``follow_requests``."""


def ints(values: Iterable[int]) -> str:
    """Return ints as a PostgreSQL array literal, for a ``%s::bigint[]`` parameter.

    Much cheaper than letting psycopg dump a list element by element (a home
    page passes a thousand followee ids); the values are ints, so nothing
    needs quoting.
    """
    return "{" + ",".join(map(str, values)) + "}"
