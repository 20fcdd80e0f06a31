"""The SQL of the bookmark and keyword-filter repositories (schema version 3).

Merged into :data:`~microblog_core.storage.postgres._sql.TEMPLATES`; ``{s}`` is
the store's checked schema name.
"""

# ruff: noqa: S608  # the only text put into SQL is the checked schema identifier

from typing import Final

__all__ = ["PERSONAL_TEMPLATES"]

_B: Final = "id, account_id, post_id, created_at"
_F: Final = "id, account_id, title, contexts, action, expires_at, created_at"

PERSONAL_TEMPLATES: Final[dict[str, str]] = {
    "insert_bookmark": (
        f"INSERT INTO {{s}}.bookmarks ({_B}) SELECT %s, %s, %s, %s"
        " WHERE EXISTS (SELECT 1 FROM {s}.accounts WHERE id = %s)"
        " AND EXISTS (SELECT 1 FROM {s}.posts WHERE id = %s) ON CONFLICT DO NOTHING"
    ),
    "bookmark_id_exists": "SELECT 1 FROM {s}.bookmarks WHERE id = %s",
    "find_bookmark": f"SELECT {_B} FROM {{s}}.bookmarks WHERE account_id = %s AND post_id = %s",
    "delete_bookmark": (
        f"DELETE FROM {{s}}.bookmarks WHERE account_id = %s AND post_id = %s RETURNING {_B}"
    ),
    "bookmarks_desc": (
        f"SELECT {_B} FROM {{s}}.bookmarks WHERE account_id = %s AND id >= %s AND id <= %s"
        " ORDER BY id DESC LIMIT %s"
    ),
    "bookmarks_asc": (
        f"SELECT {_B} FROM {{s}}.bookmarks WHERE account_id = %s AND id >= %s AND id <= %s"
        " ORDER BY id LIMIT %s"
    ),
    "delete_post_bookmarks": "DELETE FROM {s}.bookmarks WHERE post_id = %s",
    "insert_filter": (
        f"INSERT INTO {{s}}.filters ({_F}) VALUES (%s, %s, %s, %s, %s, %s, %s)"
        " ON CONFLICT DO NOTHING"
    ),
    "update_filter": (
        "UPDATE {s}.filters SET title = %s, contexts = %s, action = %s, expires_at = %s"
        " WHERE id = %s AND account_id = %s"
    ),
    "filter_by_id": f"SELECT {_F} FROM {{s}}.filters WHERE id = %s",
    # An account's filters with their keywords and posts in the same rows: one statement
    # whatever the filters (a home page sends it with its own, in one round trip).
    "filters_of": (
        f"SELECT {_F}, ARRAY(SELECT keyword FROM {{s}}.filter_keywords AS k "
        "WHERE k.filter_id = f.id ORDER BY k.seq), ARRAY(SELECT whole_word FROM "
        "{s}.filter_keywords AS k WHERE k.filter_id = f.id ORDER BY k.seq), "
        "ARRAY(SELECT post_id FROM {s}.filter_posts AS fp WHERE fp.filter_id = f.id "
        "ORDER BY fp.seq) FROM {s}.filters AS f WHERE account_id = %s ORDER BY id"
    ),
    "delete_filter": "DELETE FROM {s}.filters WHERE id = %s",
    "insert_filter_keyword": (
        "INSERT INTO {s}.filter_keywords (filter_id, seq, keyword, whole_word)"
        " VALUES (%s, %s, %s, %s)"
    ),
    "filter_keywords": (
        "SELECT keyword, whole_word FROM {s}.filter_keywords WHERE filter_id = %s ORDER BY seq"
    ),
    "delete_filter_keywords": "DELETE FROM {s}.filter_keywords WHERE filter_id = %s",
    "insert_filter_post": (
        "INSERT INTO {s}.filter_posts (filter_id, seq, post_id) VALUES (%s, %s, %s)"
    ),
    "filter_posts": "SELECT post_id FROM {s}.filter_posts WHERE filter_id = %s ORDER BY seq",
    "delete_filter_posts": "DELETE FROM {s}.filter_posts WHERE filter_id = %s",
    "filters_naming": "SELECT DISTINCT filter_id FROM {s}.filter_posts WHERE post_id = %s",
    "delete_post_from_filters": "DELETE FROM {s}.filter_posts WHERE post_id = %s",
    "personal_account_exists": "SELECT 1 FROM {s}.accounts WHERE id = %s",
    "personal_post_exists": "SELECT 1 FROM {s}.posts WHERE id = %s FOR KEY SHARE",
}
"""Statements by name; ``{s}`` stands for the store's schema."""
