"""The SQL of the notification, pin, post-history and poll repositories (schema version 2).

Merged into :data:`~microblog_core.storage.postgres._sql.TEMPLATES`; ``{s}`` is
the store's checked schema name.
"""

# ruff: noqa: S608  # the only text put into SQL is the checked schema identifier

from typing import Final

__all__ = ["ACTIVITY_TEMPLATES"]

_N: Final = "id, account_id, kind, from_account_id, post_id, created_at, filtered"
_NG: Final = f"{_N}, group_key"

ACTIVITY_TEMPLATES: Final[dict[str, str]] = {
    # notifications
    "insert_notification": (
        "INSERT INTO {s}.notifications"
        " (id, account_id, kind, from_account_id, post_id, created_at, group_key, filtered)"
        " SELECT %s, %s, %s, %s, %s::bigint, %s, %s, %s"
        " WHERE EXISTS (SELECT 1 FROM {s}.accounts WHERE id = %s) ON CONFLICT DO NOTHING"
    ),
    "notification_exists": "SELECT 1 FROM {s}.notifications WHERE id = %s",
    "group_notification": (
        "INSERT INTO {s}.notification_groups AS g (account_id, group_key, latest_id, n)"
        " VALUES (%s, %s, %s, 1) ON CONFLICT (account_id, group_key) DO UPDATE"
        " SET n = g.n + 1, latest_id = greatest(g.latest_id, excluded.latest_id)"
    ),
    "ungroup_notifications": (
        "UPDATE {s}.notification_groups AS g SET n = g.n - %s, latest_id = coalesce(("
        "SELECT max(id) FROM {s}.notifications WHERE account_id = g.account_id"
        " AND group_key = g.group_key AND NOT filtered), 0)"
        " WHERE account_id = %s AND group_key = %s"
    ),
    "drop_empty_group": (
        "DELETE FROM {s}.notification_groups WHERE account_id = %s AND group_key = %s AND n <= 0"
    ),
    "notification_by_id": f"SELECT {_N} FROM {{s}}.notifications WHERE id = %s",
    "last_notification_id": "SELECT max(id) FROM {s}.notifications",
    "notifications_desc": (
        f"SELECT {_N} FROM {{s}}.notifications WHERE account_id = %s AND NOT filtered"
        " AND id >= %s AND id <= %s ORDER BY id DESC LIMIT %s"
    ),
    "notifications_asc": (
        f"SELECT {_N} FROM {{s}}.notifications WHERE account_id = %s AND NOT filtered"
        " AND id >= %s AND id <= %s ORDER BY id LIMIT %s"
    ),
    "count_notifications": (
        "SELECT count(*) FROM (SELECT 1 FROM {s}.notifications WHERE account_id = %s"
        " AND NOT filtered AND id >= %s AND id <= %s LIMIT %s::bigint) AS page"
    ),
    "groups_desc": (
        "SELECT group_key, latest_id, n FROM {s}.notification_groups WHERE account_id = %s"
        " AND latest_id >= %s AND latest_id <= %s ORDER BY latest_id DESC LIMIT %s"
    ),
    "groups_asc": (
        "SELECT group_key, latest_id, n FROM {s}.notification_groups WHERE account_id = %s"
        " AND latest_id >= %s AND latest_id <= %s ORDER BY latest_id LIMIT %s"
    ),
    "in_group": (
        f"SELECT {_N} FROM {{s}}.notifications WHERE account_id = %s AND NOT filtered"
        " AND group_key = %s ORDER BY id DESC LIMIT %s"
    ),
    "caused": (
        f"SELECT {_N} FROM {{s}}.notifications WHERE account_id = %s AND from_account_id = %s"
        " AND kind = %s AND post_id IS NOT DISTINCT FROM %s::bigint ORDER BY id"
    ),
    "remove_caused": (
        "DELETE FROM {s}.notifications WHERE account_id = %s AND from_account_id = %s"
        f" AND kind = %s AND post_id IS NOT DISTINCT FROM %s::bigint RETURNING {_NG}"
    ),
    "remove_about": f"DELETE FROM {{s}}.notifications WHERE post_id = %s RETURNING {_NG}",
    "remove_between": (
        "DELETE FROM {s}.notifications WHERE (account_id = %s AND from_account_id = %s)"
        f" OR (account_id = %s AND from_account_id = %s) RETURNING {_NG}"
    ),
    "notification_requests": (
        "SELECT from_account_id, count(*), max(id) FROM {s}.notifications"
        " WHERE account_id = %s AND filtered GROUP BY from_account_id"
        " ORDER BY max(id) DESC LIMIT %s"
    ),
    "held_from": (
        f"SELECT {_N} FROM {{s}}.notifications WHERE account_id = %s AND from_account_id = %s"
        " AND filtered ORDER BY id DESC LIMIT %s"
    ),
    "remove_held": (
        "DELETE FROM {s}.notifications WHERE account_id = %s AND from_account_id = %s"
        f" AND filtered RETURNING {_NG}"
    ),
    "notification_policy": (
        "SELECT for_not_following, for_not_followers, for_new_accounts, for_private_mentions,"
        " new_account_days FROM {s}.notification_policies WHERE account_id = %s"
    ),
    "set_notification_policy": (
        "INSERT INTO {s}.notification_policies (account_id, for_not_following,"
        " for_not_followers, for_new_accounts, for_private_mentions, new_account_days)"
        " SELECT %s, %s, %s, %s, %s, %s WHERE EXISTS (SELECT 1 FROM {s}.accounts WHERE id = %s)"
        " ON CONFLICT (account_id) DO UPDATE SET for_not_following = excluded.for_not_following,"
        " for_not_followers = excluded.for_not_followers,"
        " for_new_accounts = excluded.for_new_accounts,"
        " for_private_mentions = excluded.for_private_mentions,"
        " new_account_days = excluded.new_account_days"
    ),
    "permit_notifications": (
        "INSERT INTO {s}.notification_permits (account_id, from_account_id) VALUES (%s, %s)"
        " ON CONFLICT DO NOTHING"
    ),
    "notifications_permitted": (
        "SELECT 1 FROM {s}.notification_permits WHERE account_id = %s AND from_account_id = %s"
    ),
    "notify_subscribers": (
        "SELECT follower_id FROM {s}.follows WHERE followee_id = %s AND notify ORDER BY follower_id"
    ),
    "read_marker": "SELECT last_read_id FROM {s}.notification_markers WHERE account_id = %s",
    "set_read_marker": (
        "INSERT INTO {s}.notification_markers (account_id, last_read_id) SELECT %s, %s"
        " WHERE EXISTS (SELECT 1 FROM {s}.accounts WHERE id = %s)"
        " ON CONFLICT (account_id) DO UPDATE SET last_read_id = excluded.last_read_id"
    ),
    # pins
    "insert_pin": (
        "INSERT INTO {s}.pins (account_id, post_id, created_at) SELECT %s, %s, %s"
        " WHERE EXISTS (SELECT 1 FROM {s}.accounts WHERE id = %s)"
        " AND EXISTS (SELECT 1 FROM {s}.posts WHERE id = %s) ON CONFLICT DO NOTHING"
    ),
    "pin_exists": "SELECT 1 FROM {s}.pins WHERE account_id = %s AND post_id = %s",
    "delete_pin": (
        "DELETE FROM {s}.pins WHERE account_id = %s AND post_id = %s"
        " RETURNING account_id, post_id, created_at"
    ),
    "pins_of": (
        "SELECT account_id, post_id, created_at FROM {s}.pins WHERE account_id = %s"
        " ORDER BY created_at DESC, post_id DESC"
    ),
    # post history
    "lock_post_versions": "SELECT 1 FROM {s}.posts WHERE id = %s FOR NO KEY UPDATE",
    "insert_version": (
        "INSERT INTO {s}.post_versions"
        " (post_id, seq, text, content_warning, written_at, replaced_at)"
        " SELECT %s, (SELECT count(*) FROM {s}.post_versions WHERE post_id = %s), %s, %s, %s, %s"
    ),
    "versions": (
        "SELECT post_id, text, content_warning, written_at, replaced_at FROM {s}.post_versions"
        " WHERE post_id = %s ORDER BY seq"
    ),
    "delete_versions": "DELETE FROM {s}.post_versions WHERE post_id = %s",
    # polls
    "open_poll": (
        "INSERT INTO {s}.open_polls (post_id, expires_at) SELECT %s, %s"
        " WHERE EXISTS (SELECT 1 FROM {s}.posts WHERE id = %s)"
        " ON CONFLICT (post_id) DO UPDATE SET expires_at = excluded.expires_at"
    ),
    "close_poll": "DELETE FROM {s}.open_polls WHERE post_id = %s",
    "due_polls": (
        "SELECT post_id FROM {s}.open_polls WHERE expires_at <= %s"
        " ORDER BY expires_at, post_id LIMIT %s"
    ),
    "insert_vote": (
        "INSERT INTO {s}.poll_votes (post_id, account_id, choices, created_at)"
        " SELECT %s, %s, %s, %s WHERE EXISTS (SELECT 1 FROM {s}.accounts WHERE id = %s)"
        " AND EXISTS (SELECT 1 FROM {s}.posts WHERE id = %s) ON CONFLICT DO NOTHING"
    ),
    "count_choices": (
        "INSERT INTO {s}.poll_counts AS c (post_id, choice, n)"
        " SELECT %s, choice, count(*) FROM unnest(%s::bigint[]) AS choice"
        " GROUP BY choice ORDER BY choice"
        " ON CONFLICT (post_id, choice) DO UPDATE SET n = c.n + excluded.n"
    ),
    "get_vote": (
        "SELECT account_id, post_id, choices, created_at FROM {s}.poll_votes"
        " WHERE post_id = %s AND account_id = %s"
    ),
    "poll_counts": "SELECT choice, n FROM {s}.poll_counts WHERE post_id = %s AND n > 0",
    "voter_count": "SELECT count(*) FROM {s}.poll_votes WHERE post_id = %s",
    "voters": (
        "SELECT account_id FROM {s}.poll_votes WHERE post_id = %s AND account_id > %s"
        " ORDER BY account_id LIMIT %s"
    ),
    "delete_votes": "DELETE FROM {s}.poll_votes WHERE post_id = %s",
    "delete_counts": "DELETE FROM {s}.poll_counts WHERE post_id = %s",
}
"""Statements of :mod:`microblog_core.storage.postgres._activity`, by name."""
