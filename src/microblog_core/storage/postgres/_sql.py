"""Every SQL statement of the PostgreSQL adapter, as constants.

Values always travel as ``%s`` parameters; the only text put into a
statement is the store's schema name (``{s}``), checked by
:func:`~microblog_core.storage.postgres._schema.check_schema_name` and
formatted once per store by :func:`statements`.
"""

# ruff: noqa: S608  # the only text put into SQL is the checked schema identifier

from typing import Final

from microblog_core.storage.postgres._activity_sql import ACTIVITY_TEMPLATES
from microblog_core.storage.postgres._home_sql import HOME_TEMPLATES
from microblog_core.storage.postgres._lists import LIST_TEMPLATES
from microblog_core.storage.postgres._personal_sql import PERSONAL_TEMPLATES
from microblog_core.storage.postgres._rows import ACCOUNT_COLUMNS, FOLLOW_COLUMNS, POST_COLUMNS

__all__ = ["TEMPLATES", "statements"]

_P: Final = POST_COLUMNS
_PP: Final = ", ".join(f"p.{c.strip()}" for c in POST_COLUMNS.split(","))
_POST_VALUES: Final = ", ".join(["%s"] * 22)


def _public(replies: bool, reposts: bool) -> str:
    where = "visibility = 'public' AND id >= %s AND id <= %s"
    if not replies:
        where += " AND reply_root_id IS NULL"
    if not reposts:
        where += " AND repost_root_id IS NULL"
    return f"SELECT {_P} FROM {{s}}.posts WHERE {where} ORDER BY id DESC LIMIT %s"


TEMPLATES: Final[dict[str, str]] = {
    # accounts
    "insert_account": (
        "INSERT INTO {s}.accounts (id, handle, handle_key, created_at, display_name, bio, kind, "
        "verified, locked) VALUES (%s, %s, %s, %s, %s, %s, %s, %s, %s) ON CONFLICT DO NOTHING"
    ),
    "account_clash": ("SELECT bool_or(id = %s) FROM {s}.accounts WHERE id = %s OR handle_key = %s"),
    "handle_owner": "SELECT id FROM {s}.accounts WHERE handle_key = %s",
    "update_account": (
        "UPDATE {s}.accounts SET handle = %s, handle_key = %s, created_at = %s, "
        "display_name = %s, bio = %s, kind = %s, verified = %s, locked = %s WHERE id = %s"
    ),
    "account_by_id": f"SELECT {ACCOUNT_COLUMNS} FROM {{s}}.accounts WHERE id = %s",
    "account_by_handle": f"SELECT {ACCOUNT_COLUMNS} FROM {{s}}.accounts WHERE handle_key = %s",
    "accounts_by_ids": (
        f"SELECT {ACCOUNT_COLUMNS} FROM {{s}}.accounts WHERE id = ANY(%s::bigint[])"
    ),
    "account_page": (
        f"SELECT {ACCOUNT_COLUMNS} FROM {{s}}.accounts WHERE id > %s ORDER BY id LIMIT %s"
    ),
    "account_counters": "SELECT followers, following, posts FROM {s}.accounts WHERE id = %s",
    "move_account_counters": (
        "UPDATE {s}.accounts AS a SET followers = a.followers + m.followers, "
        "following = a.following + m.following, posts = a.posts + m.posts FROM "
        "unnest(%s::bigint[], %s::bigint[], %s::bigint[], %s::bigint[]) "
        "AS m (id, followers, following, posts) WHERE a.id = m.id"
    ),
    "account_exists": "SELECT 1 FROM {s}.accounts WHERE id = %s",
    "accounts_present": "SELECT id FROM {s}.accounts WHERE id = ANY(%s::bigint[])",
    "total": "SELECT coalesce(sum(n), 0) FROM {s}.totals WHERE name = %s",
    "move_total": "UPDATE {s}.totals SET n = n + %s WHERE name = %s AND shard = %s",
    # posts
    "insert_post": (
        f"INSERT INTO {{s}}.posts ({_P}) SELECT {_POST_VALUES} WHERE EXISTS "
        "(SELECT 1 FROM {s}.accounts WHERE id = %s) ON CONFLICT DO NOTHING"
    ),
    "post_exists": "SELECT 1 FROM {s}.posts WHERE id = %s",
    "update_post": (
        "UPDATE {s}.posts SET created_at = %s, text = %s, visibility = %s, language = %s, "
        "content_warning = %s, attachments = %s, mentions = %s, tags = %s, reply_gate = %s, "
        "quote_policy = %s, hidden = %s WHERE id = %s"
    ),
    "post_by_id": f"SELECT {_P} FROM {{s}}.posts WHERE id = %s",
    "post_key_share": f"SELECT {_P} FROM {{s}}.posts WHERE id = %s FOR KEY SHARE",
    "post_for_update": f"SELECT {_P} FROM {{s}}.posts WHERE id = %s FOR UPDATE",
    "posts_by_ids": f"SELECT {_P} FROM {{s}}.posts WHERE id = ANY(%s::bigint[])",
    "delete_post": ("DELETE FROM {s}.posts WHERE id = %s RETURNING replies, reposts, quotes"),
    "by_author_desc": (
        f"SELECT {_P} FROM {{s}}.posts WHERE author_id = %s AND id >= %s AND id <= %s "
        "ORDER BY id DESC LIMIT %s"
    ),
    "by_author_asc": (
        f"SELECT {_P} FROM {{s}}.posts WHERE author_id = %s AND id >= %s AND id <= %s "
        "ORDER BY id LIMIT %s"
    ),
    "merged_desc": (
        f"SELECT {_P} FROM {{s}}.posts WHERE author_id = ANY(%s::bigint[]) AND id <= %s "
        "ORDER BY id DESC LIMIT %s"
    ),
    "heads_desc": (
        f"SELECT {_PP} FROM unnest(%s::bigint[]) AS a (id) CROSS JOIN LATERAL (SELECT {_P} "
        "FROM {s}.posts WHERE author_id = a.id AND id >= %s AND id <= %s ORDER BY id DESC "
        "LIMIT %s) AS p"
    ),
    "heads_asc": (
        f"SELECT {_PP} FROM unnest(%s::bigint[]) AS a (id) CROSS JOIN LATERAL (SELECT {_P} "
        "FROM {s}.posts WHERE author_id = a.id AND id >= %s AND id <= %s ORDER BY id "
        "LIMIT %s) AS p"
    ),
    "replies_to": (f"SELECT {_P} FROM {{s}}.posts WHERE reply_parent_id = %s ORDER BY id LIMIT %s"),
    "in_thread": f"SELECT {_P} FROM {{s}}.posts WHERE reply_root_id = %s ORDER BY id",
    "reposts_of": f"SELECT {_P} FROM {{s}}.posts WHERE repost_root_id = %s ORDER BY id LIMIT %s",
    "repost_by": f"SELECT {_P} FROM {{s}}.posts WHERE author_id = %s AND repost_root_id = %s",
    "quotes_of": f"SELECT {_P} FROM {{s}}.posts WHERE quote_of = %s ORDER BY id LIMIT %s",
    "with_tag": (
        f"SELECT {_PP} FROM {{s}}.post_tags AS t JOIN {{s}}.posts AS p ON p.id = t.post_id "
        "WHERE t.tag = %s AND t.post_id >= %s AND t.post_id <= %s ORDER BY t.post_id DESC "
        "LIMIT %s"
    ),
    "mentioning": (
        f"SELECT {_PP} FROM {{s}}.post_mentions AS m JOIN {{s}}.posts AS p ON p.id = m.post_id "
        "WHERE m.account_id = %s AND m.post_id >= %s AND m.post_id <= %s "
        "ORDER BY m.post_id DESC LIMIT %s"
    ),
    "public_tt": _public(True, True),
    "public_ft": _public(False, True),
    "public_tf": _public(True, False),
    "public_ff": _public(False, False),
    "scan": f"SELECT {_P} FROM {{s}}.posts WHERE id > %s ORDER BY id LIMIT %s",
    "post_counters": "SELECT replies, reposts, quotes, likes FROM {s}.posts WHERE id = %s",
    "move_replies": "UPDATE {s}.posts SET replies = greatest(replies + %s, 0) WHERE id = %s",
    "move_reposts": "UPDATE {s}.posts SET reposts = greatest(reposts + %s, 0) WHERE id = %s",
    "move_quotes": "UPDATE {s}.posts SET quotes = greatest(quotes + %s, 0) WHERE id = %s",
    "move_likes": "UPDATE {s}.posts SET likes = greatest(likes + %s, 0) WHERE id = %s",
    "any_dangling": "SELECT EXISTS (SELECT 1 FROM {s}.dangling_refs)",
    "note_dangling": "INSERT INTO {s}.dangling_refs (post_id) VALUES (%s) ON CONFLICT DO NOTHING",
    "forget_dangling": "DELETE FROM {s}.dangling_refs WHERE post_id = %s",
    "recount_post": (
        "UPDATE {s}.posts SET "
        "replies = (SELECT count(*) FROM {s}.posts AS r WHERE r.reply_parent_id = %(id)s), "
        "reposts = (SELECT count(*) FROM {s}.posts AS r WHERE r.repost_root_id = %(id)s), "
        "quotes = (SELECT count(*) FROM {s}.posts AS r WHERE r.quote_of = %(id)s) "
        "WHERE id = %(id)s"
    ),
    "insert_tags": (
        "INSERT INTO {s}.post_tags (tag, post_id) SELECT unnest(%s::text[]), %s "
        "ON CONFLICT DO NOTHING"
    ),
    "delete_tags": "DELETE FROM {s}.post_tags WHERE post_id = %s AND tag = ANY(%s::text[])",
    "insert_mentions": (
        "INSERT INTO {s}.post_mentions (account_id, post_id) SELECT unnest(%s::bigint[]), %s "
        "ON CONFLICT DO NOTHING"
    ),
    "delete_mentions": (
        "DELETE FROM {s}.post_mentions WHERE post_id = %s AND account_id = ANY(%s::bigint[])"
    ),
    "delete_post_likes": "DELETE FROM {s}.likes WHERE post_id = %s",
    # relations
    "upsert_follow": (
        f"INSERT INTO {{s}}.follows ({FOLLOW_COLUMNS}) SELECT %s, %s, %s, %s, %s, %s "
        "WHERE EXISTS (SELECT 1 FROM {s}.accounts WHERE id = %s) "
        "AND EXISTS (SELECT 1 FROM {s}.accounts WHERE id = %s) "
        "ON CONFLICT (follower_id, followee_id) DO UPDATE SET created_at = excluded.created_at, "
        "show_reposts = excluded.show_reposts, notify = excluded.notify, "
        "languages = excluded.languages RETURNING (xmax = 0)"
    ),
    "delete_follow": (
        f"DELETE FROM {{s}}.follows WHERE follower_id = %s AND followee_id = %s "
        f"RETURNING {FOLLOW_COLUMNS}"
    ),
    "get_follow": (
        f"SELECT {FOLLOW_COLUMNS} FROM {{s}}.follows WHERE follower_id = %s AND followee_id = %s"
    ),
    "followers_of": (
        f"SELECT {FOLLOW_COLUMNS} FROM {{s}}.follows WHERE followee_id = %s AND follower_id > %s "
        "ORDER BY follower_id LIMIT %s"
    ),
    "following_of": (
        f"SELECT {FOLLOW_COLUMNS} FROM {{s}}.follows WHERE follower_id = %s AND followee_id > %s "
        "ORDER BY followee_id LIMIT %s"
    ),
    "follower_ids": "SELECT follower_id FROM {s}.follows WHERE followee_id = %s",
    "following_ids": "SELECT followee_id FROM {s}.follows WHERE follower_id = %s",
    "upsert_request": (
        f"INSERT INTO {{s}}.follow_requests ({FOLLOW_COLUMNS}) SELECT %s, %s, %s, %s, %s, %s "
        "WHERE EXISTS (SELECT 1 FROM {s}.accounts WHERE id = %s) "
        "AND EXISTS (SELECT 1 FROM {s}.accounts WHERE id = %s) "
        "ON CONFLICT (follower_id, followee_id) DO UPDATE SET created_at = excluded.created_at, "
        "show_reposts = excluded.show_reposts, notify = excluded.notify, "
        "languages = excluded.languages RETURNING 1"
    ),
    "delete_request": (
        f"DELETE FROM {{s}}.follow_requests WHERE follower_id = %s AND followee_id = %s "
        f"RETURNING {FOLLOW_COLUMNS}"
    ),
    "get_request": (
        f"SELECT {FOLLOW_COLUMNS} FROM {{s}}.follow_requests WHERE follower_id = %s "
        "AND followee_id = %s"
    ),
    "requests_for": (
        f"SELECT {FOLLOW_COLUMNS} FROM {{s}}.follow_requests WHERE followee_id = %s "
        "AND follower_id > %s ORDER BY follower_id LIMIT %s"
    ),
    "upsert_block": (
        "INSERT INTO {s}.blocks (blocker_id, blocked_id, created_at) SELECT %s, %s, %s "
        "WHERE EXISTS (SELECT 1 FROM {s}.accounts WHERE id = %s) "
        "AND EXISTS (SELECT 1 FROM {s}.accounts WHERE id = %s) "
        "ON CONFLICT (blocker_id, blocked_id) DO UPDATE SET created_at = excluded.created_at "
        "RETURNING 1"
    ),
    "delete_block": (
        "DELETE FROM {s}.blocks WHERE blocker_id = %s AND blocked_id = %s "
        "RETURNING blocker_id, blocked_id, created_at"
    ),
    "get_block": (
        "SELECT blocker_id, blocked_id, created_at FROM {s}.blocks WHERE blocker_id = %s "
        "AND blocked_id = %s"
    ),
    "blocked_ids": "SELECT blocked_id FROM {s}.blocks WHERE blocker_id = %s",
    "blocker_ids": "SELECT blocker_id FROM {s}.blocks WHERE blocked_id = %s",
    "upsert_mute": (
        "INSERT INTO {s}.mutes (muter_id, muted_id, created_at, expires_at, hide_notifications) "
        "SELECT %s, %s, %s, %s, %s WHERE EXISTS (SELECT 1 FROM {s}.accounts WHERE id = %s) "
        "AND EXISTS (SELECT 1 FROM {s}.accounts WHERE id = %s) "
        "ON CONFLICT (muter_id, muted_id) DO UPDATE SET created_at = excluded.created_at, "
        "expires_at = excluded.expires_at, hide_notifications = excluded.hide_notifications "
        "RETURNING 1"
    ),
    "delete_mute": (
        "DELETE FROM {s}.mutes WHERE muter_id = %s AND muted_id = %s RETURNING muter_id, "
        "muted_id, created_at, expires_at, hide_notifications"
    ),
    "get_mute": (
        "SELECT muter_id, muted_id, created_at, expires_at, hide_notifications FROM {s}.mutes "
        "WHERE muter_id = %s AND muted_id = %s"
    ),
    "muted_ids": (
        "SELECT muted_id FROM {s}.mutes WHERE muter_id = %s "
        "AND (expires_at IS NULL OR expires_at > %s)"
    ),
    # likes
    "insert_like": (
        "INSERT INTO {s}.likes (account_id, post_id, created_at) SELECT %s, %s, %s "
        "WHERE EXISTS (SELECT 1 FROM {s}.accounts WHERE id = %s) "
        "AND EXISTS (SELECT 1 FROM {s}.posts WHERE id = %s) ON CONFLICT DO NOTHING"
    ),
    "delete_like": (
        "DELETE FROM {s}.likes WHERE account_id = %s AND post_id = %s "
        "RETURNING account_id, post_id, created_at"
    ),
    "get_like": (
        "SELECT account_id, post_id, created_at FROM {s}.likes WHERE account_id = %s "
        "AND post_id = %s"
    ),
    "likes_of": (
        "SELECT account_id, post_id, created_at FROM {s}.likes WHERE post_id = %s "
        "AND account_id > %s ORDER BY account_id LIMIT %s"
    ),
    # feeds
    "feed_add_many": (
        "INSERT INTO {s}.feed_entries (reader_id, post_id, author_id) "
        "SELECT unnest(%s::bigint[]), unnest(%s::bigint[]), unnest(%s::bigint[]) "
        "ON CONFLICT DO NOTHING RETURNING reader_id"
    ),
    "feed_grow": (
        "INSERT INTO {s}.feed_sizes AS f (reader_id, n) "
        "SELECT r, count(*) FROM unnest(%s::bigint[]) AS r GROUP BY r "
        "ON CONFLICT (reader_id) DO UPDATE SET n = f.n + excluded.n"
    ),
    "feed_shrink": "UPDATE {s}.feed_sizes SET n = greatest(n - %s, 0) WHERE reader_id = %s",
    "feed_set_size": "UPDATE {s}.feed_sizes SET n = %s WHERE reader_id = %s",
    "feeds_over": (
        "SELECT reader_id, n FROM {s}.feed_sizes WHERE reader_id = ANY(%s::bigint[]) AND n > %s"
    ),
    "feed_size": "SELECT n FROM {s}.feed_sizes WHERE reader_id = %s",
    "feed_trim": (
        "DELETE FROM {s}.feed_entries WHERE reader_id = %(r)s AND post_id IN (SELECT post_id "
        "FROM {s}.feed_entries WHERE reader_id = %(r)s ORDER BY post_id LIMIT %(n)s)"
    ),
    "feed_remove_posts": (
        "DELETE FROM {s}.feed_entries WHERE reader_id = ANY(%s::bigint[]) "
        "AND post_id = ANY(%s::bigint[]) RETURNING reader_id"
    ),
    "feed_shrink_many": (
        "UPDATE {s}.feed_sizes AS f SET n = greatest(f.n - d.n, 0) FROM "
        "(SELECT r, count(*) AS n FROM unnest(%s::bigint[]) AS r GROUP BY r) AS d "
        "WHERE f.reader_id = d.r"
    ),
    "feed_remove_author": ("DELETE FROM {s}.feed_entries WHERE reader_id = %s AND author_id = %s"),
    "feed_clear": "DELETE FROM {s}.feed_entries WHERE reader_id = %s",
    "feed_forget_size": "DELETE FROM {s}.feed_sizes WHERE reader_id = %s",
    "feed_read_desc": (
        "SELECT post_id FROM {s}.feed_entries WHERE reader_id = %s AND post_id >= %s "
        "AND post_id <= %s ORDER BY post_id DESC LIMIT %s"
    ),
    "feed_read_asc": (
        "SELECT post_id FROM {s}.feed_entries WHERE reader_id = %s AND post_id >= %s "
        "AND post_id <= %s ORDER BY post_id LIMIT %s"
    ),
    **ACTIVITY_TEMPLATES,
    **PERSONAL_TEMPLATES,
    **LIST_TEMPLATES,
    **HOME_TEMPLATES,
}
"""Statements by name; ``{s}`` stands for the store's schema."""


def statements(schema: str) -> dict[str, str]:
    """Return :data:`TEMPLATES` with the (checked) schema name filled in."""
    return {name: sql.replace("{s}", schema) for name, sql in TEMPLATES.items()}
