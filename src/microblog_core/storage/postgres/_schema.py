"""The PostgreSQL schema of :mod:`microblog_core.storage.postgres` and its forward migrations.

Every table lives in one named schema (``microblog`` unless the store is
given another name), so one database can hold several stores side by side.
``<schema>.schema_meta`` marks the schema as ours and records its version.
:data:`MIGRATIONS` is the whole history: migration ``n`` takes a schema from
version ``n - 1`` to ``n``. A release appends migrations and never edits an
old one. Migrating holds a transaction-level advisory lock named after the
schema, so several processes opening one new database migrate it once.

Indexes serve every query of the port (``tests/storage/test_postgres.py``
checks each plan with ``EXPLAIN``): an author's posts by ``(author_id, id)``,
replies by parent and by thread root, reposts by root, quotes by quoted post,
the public timeline by a partial index on ``id``, hashtags and mentions by
side tables keyed ``(tag, post_id)`` and ``(account_id, post_id)``, followers
and requests by ``(followee_id, follower_id)``, blockers by
``(blocked_id, blocker_id)``. Row totals are kept in ``totals`` rows split
over 16 shards, so concurrent writers do not queue on one hot row.
"""

import re
from typing import Final

from attrs import frozen

from microblog_core.errors import StorageError

__all__ = ["APPLICATION", "LATEST_VERSION", "MIGRATIONS", "Migration", "check_schema_name"]

APPLICATION: Final = "microblog_core"
"""The ``application`` value in ``schema_meta`` that marks a schema as ours."""

TOTAL_SHARDS: Final = 16
"""How many rows each row total is split over."""

_NAME: Final = re.compile(r"[a-z_][a-z0-9_]{0,62}")


def check_schema_name(name: object) -> str:
    """Return ``name`` if it is a plain lower-case PostgreSQL identifier.

    Raises:
        ValidationError: It is not one (letters, digits and ``_``, at most 63).
    """
    from microblog_core._checks import quote, text
    from microblog_core.errors import ValidationError

    value = text(name, "schema")
    if _NAME.fullmatch(value) is None or value.startswith("pg_"):
        raise ValidationError(
            "schema must be a lower-case identifier of letters, digits and _ (at most 63, "
            f"not starting with pg_), got {quote(value)}",
            field="schema",
            value=value,
        )
    return value


@frozen
class Migration:
    """One step of the schema history.

    Attributes:
        version: The version the schema has after this step.
        description: What the step changes, in a sentence.
        statements: SQL run in order in one transaction; ``{s}`` is the schema.
    """

    version: int
    description: str
    statements: tuple[str, ...]


_V1 = Migration(
    1,
    "accounts, posts with tag and mention side tables, relations, likes, home feeds, totals",
    (
        "CREATE TABLE {s}.schema_meta (key text PRIMARY KEY, value text NOT NULL)",
        """
        CREATE TABLE {s}.accounts (
            id bigint PRIMARY KEY,
            handle text NOT NULL,
            handle_key text NOT NULL UNIQUE,
            created_at bigint NOT NULL,
            display_name text NOT NULL,
            bio text NOT NULL,
            kind text NOT NULL,
            verified boolean NOT NULL,
            locked boolean NOT NULL,
            followers bigint NOT NULL DEFAULT 0,
            following bigint NOT NULL DEFAULT 0,
            posts bigint NOT NULL DEFAULT 0
        )
        """,
        """
        CREATE TABLE {s}.posts (
            id bigint PRIMARY KEY,
            author_id bigint NOT NULL REFERENCES {s}.accounts (id),
            created_at bigint NOT NULL,
            text text NOT NULL,
            visibility text NOT NULL,
            reply_root_id bigint,
            reply_parent_id bigint,
            reply_parent_author_id bigint,
            reply_addressee_id bigint,
            repost_root_id bigint,
            repost_root_author_id bigint,
            repost_via_id bigint,
            repost_via_author_id bigint,
            quote_of bigint,
            language text,
            content_warning text NOT NULL,
            attachments text,
            mentions text,
            tags text,
            reply_gate text,
            quote_policy text NOT NULL,
            hidden boolean NOT NULL,
            replies bigint NOT NULL DEFAULT 0,
            reposts bigint NOT NULL DEFAULT 0,
            quotes bigint NOT NULL DEFAULT 0,
            likes bigint NOT NULL DEFAULT 0
        )
        """,
        "CREATE INDEX posts_by_author ON {s}.posts (author_id, id)",
        "CREATE INDEX posts_public ON {s}.posts (id) WHERE visibility = 'public'",
        (
            "CREATE INDEX posts_by_parent ON {s}.posts (reply_parent_id, id)"
            " WHERE reply_parent_id IS NOT NULL"
        ),
        (
            "CREATE INDEX posts_by_thread ON {s}.posts (reply_root_id, id)"
            " WHERE reply_root_id IS NOT NULL"
        ),
        (
            "CREATE INDEX posts_by_repost_root ON {s}.posts (repost_root_id, id)"
            " WHERE repost_root_id IS NOT NULL"
        ),
        (
            "CREATE UNIQUE INDEX posts_one_repost ON {s}.posts (author_id, repost_root_id)"
            " WHERE repost_root_id IS NOT NULL"
        ),
        "CREATE INDEX posts_by_quoted ON {s}.posts (quote_of, id) WHERE quote_of IS NOT NULL",
        """
        CREATE TABLE {s}.post_tags (
            tag text NOT NULL,
            post_id bigint NOT NULL,
            PRIMARY KEY (tag, post_id)
        )
        """,
        """
        CREATE TABLE {s}.post_mentions (
            account_id bigint NOT NULL,
            post_id bigint NOT NULL,
            PRIMARY KEY (account_id, post_id)
        )
        """,
        """
        CREATE TABLE {s}.follows (
            follower_id bigint NOT NULL REFERENCES {s}.accounts (id),
            followee_id bigint NOT NULL REFERENCES {s}.accounts (id),
            created_at bigint NOT NULL,
            show_reposts boolean NOT NULL,
            notify boolean NOT NULL,
            languages text,
            PRIMARY KEY (follower_id, followee_id)
        )
        """,
        "CREATE INDEX follows_by_followee ON {s}.follows (followee_id, follower_id)",
        """
        CREATE TABLE {s}.follow_requests (
            follower_id bigint NOT NULL REFERENCES {s}.accounts (id),
            followee_id bigint NOT NULL REFERENCES {s}.accounts (id),
            created_at bigint NOT NULL,
            show_reposts boolean NOT NULL,
            notify boolean NOT NULL,
            languages text,
            PRIMARY KEY (follower_id, followee_id)
        )
        """,
        (
            "CREATE INDEX follow_requests_by_followee ON {s}.follow_requests "
            "(followee_id, follower_id)"
        ),
        """
        CREATE TABLE {s}.blocks (
            blocker_id bigint NOT NULL REFERENCES {s}.accounts (id),
            blocked_id bigint NOT NULL REFERENCES {s}.accounts (id),
            created_at bigint NOT NULL,
            PRIMARY KEY (blocker_id, blocked_id)
        )
        """,
        "CREATE INDEX blocks_by_blocked ON {s}.blocks (blocked_id, blocker_id)",
        """
        CREATE TABLE {s}.mutes (
            muter_id bigint NOT NULL REFERENCES {s}.accounts (id),
            muted_id bigint NOT NULL REFERENCES {s}.accounts (id),
            created_at bigint NOT NULL,
            expires_at bigint,
            hide_notifications boolean NOT NULL,
            PRIMARY KEY (muter_id, muted_id)
        )
        """,
        """
        CREATE TABLE {s}.likes (
            post_id bigint NOT NULL REFERENCES {s}.posts (id),
            account_id bigint NOT NULL REFERENCES {s}.accounts (id),
            created_at bigint NOT NULL,
            PRIMARY KEY (post_id, account_id)
        )
        """,
        """
        CREATE TABLE {s}.feed_entries (
            reader_id bigint NOT NULL,
            post_id bigint NOT NULL,
            author_id bigint NOT NULL,
            PRIMARY KEY (reader_id, post_id)
        )
        """,
        "CREATE INDEX feed_entries_by_author ON {s}.feed_entries (reader_id, author_id)",
        "CREATE TABLE {s}.feed_sizes (reader_id bigint PRIMARY KEY, n bigint NOT NULL)",
        "CREATE TABLE {s}.dangling_refs (post_id bigint PRIMARY KEY)",
        """
        CREATE TABLE {s}.totals (
            name text NOT NULL,
            shard integer NOT NULL,
            n bigint NOT NULL,
            PRIMARY KEY (name, shard)
        )
        """,
        (
            "INSERT INTO {s}.totals (name, shard, n) SELECT name, shard, 0 FROM "
            "unnest(ARRAY['accounts', 'posts']) AS name, generate_series(0, 15) AS shard"
        ),
        """
        CREATE TABLE {s}.writer_leases (
            worker integer PRIMARY KEY,
            holder text NOT NULL,
            expires_at bigint NOT NULL
        )
        """,
    ),
)

_V2 = Migration(
    2,
    "notifications with their groups and read markers, pins, post versions, poll votes",
    (
        """
        CREATE TABLE {s}.notifications (
            id bigint PRIMARY KEY,
            account_id bigint NOT NULL REFERENCES {s}.accounts (id),
            kind text NOT NULL,
            from_account_id bigint NOT NULL,
            post_id bigint,
            created_at bigint NOT NULL,
            group_key text NOT NULL,
            filtered boolean NOT NULL
        )
        """,
        (
            "CREATE INDEX notifications_by_account ON {s}.notifications (account_id, id)"
            " WHERE NOT filtered"
        ),
        (
            "CREATE INDEX notifications_by_group ON {s}.notifications"
            " (account_id, group_key, id) WHERE NOT filtered"
        ),
        (
            "CREATE INDEX notifications_held ON {s}.notifications"
            " (account_id, from_account_id, id) WHERE filtered"
        ),
        (
            "CREATE INDEX notifications_by_post ON {s}.notifications (post_id)"
            " WHERE post_id IS NOT NULL"
        ),
        ("CREATE INDEX notifications_by_pair ON {s}.notifications (account_id, from_account_id)"),
        # One row per group: its newest notification and its size, kept by the repository.
        """
        CREATE TABLE {s}.notification_groups (
            account_id bigint NOT NULL,
            group_key text NOT NULL,
            latest_id bigint NOT NULL,
            n bigint NOT NULL,
            PRIMARY KEY (account_id, group_key)
        )
        """,
        (
            "CREATE INDEX notification_groups_by_latest ON {s}.notification_groups"
            " (account_id, latest_id)"
        ),
        """
        CREATE TABLE {s}.notification_markers (
            account_id bigint PRIMARY KEY REFERENCES {s}.accounts (id),
            last_read_id bigint NOT NULL
        )
        """,
        """
        CREATE TABLE {s}.notification_policies (
            account_id bigint PRIMARY KEY REFERENCES {s}.accounts (id),
            for_not_following text NOT NULL,
            for_not_followers text NOT NULL,
            for_new_accounts text NOT NULL,
            for_private_mentions text NOT NULL,
            new_account_days bigint NOT NULL
        )
        """,
        """
        CREATE TABLE {s}.notification_permits (
            account_id bigint NOT NULL,
            from_account_id bigint NOT NULL,
            PRIMARY KEY (account_id, from_account_id)
        )
        """,
        """
        CREATE TABLE {s}.pins (
            account_id bigint NOT NULL REFERENCES {s}.accounts (id),
            post_id bigint NOT NULL REFERENCES {s}.posts (id),
            created_at bigint NOT NULL,
            PRIMARY KEY (account_id, post_id)
        )
        """,
        """
        CREATE TABLE {s}.post_versions (
            post_id bigint NOT NULL REFERENCES {s}.posts (id),
            seq bigint NOT NULL,
            text text NOT NULL,
            content_warning text NOT NULL,
            written_at bigint NOT NULL,
            replaced_at bigint NOT NULL,
            PRIMARY KEY (post_id, seq)
        )
        """,
        """
        CREATE TABLE {s}.poll_votes (
            post_id bigint NOT NULL REFERENCES {s}.posts (id),
            account_id bigint NOT NULL REFERENCES {s}.accounts (id),
            choices text NOT NULL,
            created_at bigint NOT NULL,
            PRIMARY KEY (post_id, account_id)
        )
        """,
        """
        CREATE TABLE {s}.poll_counts (
            post_id bigint NOT NULL,
            choice bigint NOT NULL,
            n bigint NOT NULL,
            PRIMARY KEY (post_id, choice)
        )
        """,
        """
        CREATE TABLE {s}.open_polls (
            post_id bigint PRIMARY KEY REFERENCES {s}.posts (id),
            expires_at bigint NOT NULL
        )
        """,
        "CREATE INDEX open_polls_by_expiry ON {s}.open_polls (expires_at, post_id)",
        # Followers with notify, for "status" notifications: one index range per post.
        ("CREATE INDEX follows_notifying ON {s}.follows (followee_id, follower_id) WHERE notify"),
    ),
)

# Bookmarks and keyword filters (issue 15).
_V3 = Migration(
    3,
    "bookmarks, and keyword filters with their keywords and posts",
    (
        """
        CREATE TABLE {s}.bookmarks (
            id bigint PRIMARY KEY,
            account_id bigint NOT NULL REFERENCES {s}.accounts (id),
            post_id bigint NOT NULL REFERENCES {s}.posts (id),
            created_at bigint NOT NULL,
            UNIQUE (account_id, post_id)
        )
        """,
        "CREATE INDEX bookmarks_by_account ON {s}.bookmarks (account_id, id)",
        "CREATE INDEX bookmarks_by_post ON {s}.bookmarks (post_id)",
        """
        CREATE TABLE {s}.filters (
            id bigint PRIMARY KEY,
            account_id bigint NOT NULL REFERENCES {s}.accounts (id),
            title text NOT NULL,
            contexts text NOT NULL,
            action text NOT NULL,
            expires_at bigint,
            created_at bigint NOT NULL
        )
        """,
        "CREATE INDEX filters_by_account ON {s}.filters (account_id, id)",
        """
        CREATE TABLE {s}.filter_keywords (
            filter_id bigint NOT NULL REFERENCES {s}.filters (id),
            seq bigint NOT NULL,
            keyword text NOT NULL,
            whole_word boolean NOT NULL,
            PRIMARY KEY (filter_id, seq)
        )
        """,
        """
        CREATE TABLE {s}.filter_posts (
            filter_id bigint NOT NULL REFERENCES {s}.filters (id),
            seq bigint NOT NULL,
            post_id bigint NOT NULL REFERENCES {s}.posts (id),
            PRIMARY KEY (filter_id, seq)
        )
        """,
        "CREATE INDEX filter_posts_by_post ON {s}.filter_posts (post_id, filter_id)",
    ),
)

# Account lists and followed hashtags (issue 15).
_V4 = Migration(
    4,
    "account lists with their members, and followed hashtags",
    (
        """
        CREATE TABLE {s}.lists (
            id bigint PRIMARY KEY,
            owner_id bigint NOT NULL REFERENCES {s}.accounts (id),
            title text NOT NULL,
            replies_policy text NOT NULL,
            exclusive boolean NOT NULL
        )
        """,
        "CREATE INDEX lists_by_owner ON {s}.lists (owner_id, id)",
        """
        CREATE TABLE {s}.list_members (
            list_id bigint NOT NULL REFERENCES {s}.lists (id),
            account_id bigint NOT NULL REFERENCES {s}.accounts (id),
            PRIMARY KEY (list_id, account_id)
        )
        """,
        "CREATE INDEX list_members_by_account ON {s}.list_members (account_id, list_id)",
        # Tags compare byte-wise (COLLATE "C"), so they sort as every other adapter sorts them.
        """
        CREATE TABLE {s}.tag_follows (
            account_id bigint NOT NULL REFERENCES {s}.accounts (id),
            tag text COLLATE "C" NOT NULL,
            PRIMARY KEY (account_id, tag)
        )
        """,
        "CREATE INDEX tag_follows_by_tag ON {s}.tag_follows (tag, account_id)",
    ),
)

MIGRATIONS: tuple[Migration, ...] = (_V1, _V2, _V3, _V4)
"""The schema history, oldest first; ``MIGRATIONS[n - 1].version == n``."""

LATEST_VERSION: Final = MIGRATIONS[-1].version
"""The schema version this code writes."""


def newer_schema_error(where: str, version: int) -> StorageError:
    """The error for a schema migrated by a newer microblog_core."""
    return StorageError(
        f"{where} has schema version {version}, newer than the {LATEST_VERSION} this "
        "microblog_core knows; upgrade microblog_core to open it"
    )
