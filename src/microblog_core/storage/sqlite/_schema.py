"""The SQLite schema of :mod:`microblog_core.storage.sqlite` and its forward migrations.

The schema version lives in ``PRAGMA user_version`` and the file is marked as
ours with ``PRAGMA application_id``. :data:`MIGRATIONS` is the whole history:
migration ``n`` takes a file from version ``n - 1`` to version ``n``. A new
release appends migrations and never edits an old one, so any older file
walks forward to the current version, each step in its own transaction.

Storage conventions (see the topic page ``docs/storage.md``):

- ids are ``INTEGER`` (64-bit signed; every valid id fits);
- datetimes are ``INTEGER`` microseconds since the Unix epoch, UTC;
- enums are stored by value (``'public'``, ``'personal'``);
- attachments, mentions and tags are compact JSON arrays (``NULL`` when
  empty); mentions and tags are also rows of the side tables that serve
  :meth:`~microblog_core.ports.PostRepository.mentioning` and
  :meth:`~microblog_core.ports.PostRepository.with_tag`;
- derived counters live in the rows they count for (``accounts.followers``,
  ``posts.likes``...), and ``totals`` keeps the row counts; ``dangling_refs``
  lists ids that posts refer to while no post has them, so that a post added
  later with such an id (a back-filled parent) starts from a recount.
"""

import sqlite3
from collections.abc import Callable

from attrs import frozen

from microblog_core.errors import StorageError

__all__ = ["APPLICATION_ID", "LATEST_VERSION", "MIGRATIONS", "Migration", "migrate"]

APPLICATION_ID = 0x4D42_4C47
"""``PRAGMA application_id`` of a microblog_core database ("MBLG")."""


@frozen
class Migration:
    """One step of the schema history.

    Attributes:
        version: The version the file has after this step.
        description: What the step changes, in a sentence.
        statements: The SQL statements, run in order in one transaction.
    """

    version: int
    description: str
    statements: tuple[str, ...]


_V1 = Migration(
    1,
    "accounts, posts, relations, likes and home feeds",
    (
        """
        CREATE TABLE accounts (
            id INTEGER PRIMARY KEY,
            handle TEXT NOT NULL,
            handle_key TEXT NOT NULL UNIQUE,
            created_at INTEGER NOT NULL,
            display_name TEXT NOT NULL,
            bio TEXT NOT NULL,
            kind TEXT NOT NULL,
            verified INTEGER NOT NULL,
            locked INTEGER NOT NULL,
            followers INTEGER NOT NULL DEFAULT 0,
            following INTEGER NOT NULL DEFAULT 0,
            posts INTEGER NOT NULL DEFAULT 0
        )
        """,
        """
        CREATE TABLE posts (
            id INTEGER PRIMARY KEY,
            author_id INTEGER NOT NULL REFERENCES accounts (id),
            created_at INTEGER NOT NULL,
            text TEXT NOT NULL,
            visibility TEXT NOT NULL,
            reply_root_id INTEGER,
            reply_parent_id INTEGER,
            reply_parent_author_id INTEGER,
            reply_addressee_id INTEGER,
            repost_root_id INTEGER,
            repost_root_author_id INTEGER,
            repost_via_id INTEGER,
            repost_via_author_id INTEGER,
            quote_of INTEGER,
            language TEXT,
            content_warning TEXT NOT NULL,
            attachments TEXT,
            mentions TEXT,
            tags TEXT,
            reply_gate TEXT,
            quote_policy TEXT NOT NULL,
            hidden INTEGER NOT NULL,
            replies INTEGER NOT NULL DEFAULT 0,
            reposts INTEGER NOT NULL DEFAULT 0,
            quotes INTEGER NOT NULL DEFAULT 0,
            likes INTEGER NOT NULL DEFAULT 0
        )
        """,
        "CREATE INDEX posts_by_author ON posts (author_id, id)",
        "CREATE INDEX posts_public ON posts (id) WHERE visibility = 'public'",
        (
            "CREATE INDEX posts_by_parent ON posts (reply_parent_id, id)"
            " WHERE reply_parent_id IS NOT NULL"
        ),
        "CREATE INDEX posts_by_thread ON posts (reply_root_id, id) WHERE reply_root_id IS NOT NULL",
        (
            "CREATE INDEX posts_by_repost_root ON posts (repost_root_id, id)"
            " WHERE repost_root_id IS NOT NULL"
        ),
        (
            "CREATE UNIQUE INDEX posts_one_repost ON posts (author_id, repost_root_id)"
            " WHERE repost_root_id IS NOT NULL"
        ),
        "CREATE INDEX posts_by_quoted ON posts (quote_of, id) WHERE quote_of IS NOT NULL",
        """
        CREATE TABLE follows (
            follower_id INTEGER NOT NULL REFERENCES accounts (id),
            followee_id INTEGER NOT NULL REFERENCES accounts (id),
            created_at INTEGER NOT NULL,
            show_reposts INTEGER NOT NULL,
            notify INTEGER NOT NULL,
            languages TEXT,
            PRIMARY KEY (follower_id, followee_id)
        ) WITHOUT ROWID
        """,
        "CREATE INDEX follows_by_followee ON follows (followee_id, follower_id)",
        """
        CREATE TABLE follow_requests (
            follower_id INTEGER NOT NULL REFERENCES accounts (id),
            followee_id INTEGER NOT NULL REFERENCES accounts (id),
            created_at INTEGER NOT NULL,
            show_reposts INTEGER NOT NULL,
            notify INTEGER NOT NULL,
            languages TEXT,
            PRIMARY KEY (follower_id, followee_id)
        ) WITHOUT ROWID
        """,
        "CREATE INDEX follow_requests_by_followee ON follow_requests (followee_id, follower_id)",
        """
        CREATE TABLE blocks (
            blocker_id INTEGER NOT NULL REFERENCES accounts (id),
            blocked_id INTEGER NOT NULL REFERENCES accounts (id),
            created_at INTEGER NOT NULL,
            PRIMARY KEY (blocker_id, blocked_id)
        ) WITHOUT ROWID
        """,
        "CREATE INDEX blocks_by_blocked ON blocks (blocked_id, blocker_id)",
        """
        CREATE TABLE mutes (
            muter_id INTEGER NOT NULL REFERENCES accounts (id),
            muted_id INTEGER NOT NULL REFERENCES accounts (id),
            created_at INTEGER NOT NULL,
            expires_at INTEGER,
            hide_notifications INTEGER NOT NULL,
            PRIMARY KEY (muter_id, muted_id)
        ) WITHOUT ROWID
        """,
        """
        CREATE TABLE likes (
            post_id INTEGER NOT NULL REFERENCES posts (id),
            account_id INTEGER NOT NULL REFERENCES accounts (id),
            created_at INTEGER NOT NULL,
            PRIMARY KEY (post_id, account_id)
        ) WITHOUT ROWID
        """,
        """
        CREATE TABLE feed_entries (
            reader_id INTEGER NOT NULL,
            post_id INTEGER NOT NULL,
            author_id INTEGER NOT NULL,
            PRIMARY KEY (reader_id, post_id)
        ) WITHOUT ROWID
        """,
        "CREATE INDEX feed_entries_by_author ON feed_entries (reader_id, author_id)",
        "CREATE TABLE feed_sizes (reader_id INTEGER PRIMARY KEY, n INTEGER NOT NULL)",
        # Ids that posts refer to (as parent, repost root or quoted post) while no post
        # has them; a post added with such an id starts its counters from a recount.
        "CREATE TABLE dangling_refs (post_id INTEGER PRIMARY KEY)",
        "CREATE TABLE totals (name TEXT PRIMARY KEY, n INTEGER NOT NULL) WITHOUT ROWID",
        "INSERT INTO totals (name, n) VALUES ('accounts', 0), ('posts', 0)",
    ),
)

_V2 = Migration(
    2,
    "side tables indexing hashtags and mentions, filled from the posts' JSON columns",
    (
        """
        CREATE TABLE post_tags (
            tag TEXT NOT NULL,
            post_id INTEGER NOT NULL,
            PRIMARY KEY (tag, post_id)
        ) WITHOUT ROWID
        """,
        """
        CREATE TABLE post_mentions (
            account_id INTEGER NOT NULL,
            post_id INTEGER NOT NULL,
            PRIMARY KEY (account_id, post_id)
        ) WITHOUT ROWID
        """,
        """
        INSERT OR IGNORE INTO post_tags (tag, post_id)
        SELECT tag.value, posts.id FROM posts, json_each(posts.tags) AS tag
        WHERE posts.tags IS NOT NULL
        """,
        """
        INSERT OR IGNORE INTO post_mentions (account_id, post_id)
        SELECT mention.value, posts.id FROM posts, json_each(posts.mentions) AS mention
        WHERE posts.mentions IS NOT NULL
        """,
    ),
)

_V3 = Migration(
    3,
    "notifications with their groups and read markers, pins, post versions, poll votes",
    (
        """
        CREATE TABLE notifications (
            id INTEGER PRIMARY KEY,
            account_id INTEGER NOT NULL REFERENCES accounts (id),
            kind TEXT NOT NULL,
            from_account_id INTEGER NOT NULL,
            post_id INTEGER,
            created_at INTEGER NOT NULL,
            group_key TEXT NOT NULL,
            filtered INTEGER NOT NULL
        )
        """,
        (
            "CREATE INDEX notifications_by_account ON notifications (account_id, id)"
            " WHERE filtered = 0"
        ),
        (
            "CREATE INDEX notifications_by_group ON notifications (account_id, group_key, id)"
            " WHERE filtered = 0"
        ),
        (
            "CREATE INDEX notifications_held ON notifications (account_id, from_account_id, id)"
            " WHERE filtered = 1"
        ),
        "CREATE INDEX notifications_by_post ON notifications (post_id) WHERE post_id IS NOT NULL",
        "CREATE INDEX notifications_by_pair ON notifications (account_id, from_account_id)",
        # One row per group: its newest notification and its size, kept by triggers.
        """
        CREATE TABLE notification_groups (
            account_id INTEGER NOT NULL,
            group_key TEXT NOT NULL,
            latest_id INTEGER NOT NULL,
            n INTEGER NOT NULL,
            PRIMARY KEY (account_id, group_key)
        ) WITHOUT ROWID
        """,
        "CREATE INDEX notification_groups_by_latest ON notification_groups (account_id, latest_id)",
        """
        CREATE TRIGGER notification_grouped AFTER INSERT ON notifications
        WHEN NEW.filtered = 0 BEGIN
            INSERT INTO notification_groups (account_id, group_key, latest_id, n)
            VALUES (NEW.account_id, NEW.group_key, NEW.id, 1)
            ON CONFLICT (account_id, group_key) DO UPDATE
            SET n = n + 1, latest_id = max(latest_id, excluded.latest_id);
        END
        """,
        """
        CREATE TRIGGER notification_ungrouped AFTER DELETE ON notifications
        WHEN OLD.filtered = 0 BEGIN
            UPDATE notification_groups
            SET n = n - 1,
                latest_id = coalesce((
                    SELECT max(id) FROM notifications
                    WHERE account_id = OLD.account_id AND group_key = OLD.group_key
                    AND filtered = 0
                ), 0)
            WHERE account_id = OLD.account_id AND group_key = OLD.group_key;
            DELETE FROM notification_groups
            WHERE account_id = OLD.account_id AND group_key = OLD.group_key AND n = 0;
        END
        """,
        """
        CREATE TABLE notification_markers (
            account_id INTEGER PRIMARY KEY REFERENCES accounts (id),
            last_read_id INTEGER NOT NULL
        )
        """,
        """
        CREATE TABLE notification_policies (
            account_id INTEGER PRIMARY KEY REFERENCES accounts (id),
            for_not_following TEXT NOT NULL,
            for_not_followers TEXT NOT NULL,
            for_new_accounts TEXT NOT NULL,
            for_private_mentions TEXT NOT NULL,
            new_account_days INTEGER NOT NULL
        )
        """,
        """
        CREATE TABLE notification_permits (
            account_id INTEGER NOT NULL,
            from_account_id INTEGER NOT NULL,
            PRIMARY KEY (account_id, from_account_id)
        ) WITHOUT ROWID
        """,
        """
        CREATE TABLE pins (
            account_id INTEGER NOT NULL REFERENCES accounts (id),
            post_id INTEGER NOT NULL REFERENCES posts (id),
            created_at INTEGER NOT NULL,
            PRIMARY KEY (account_id, post_id)
        ) WITHOUT ROWID
        """,
        """
        CREATE TABLE post_versions (
            post_id INTEGER NOT NULL REFERENCES posts (id),
            seq INTEGER NOT NULL,
            text TEXT NOT NULL,
            content_warning TEXT NOT NULL,
            written_at INTEGER NOT NULL,
            replaced_at INTEGER NOT NULL,
            PRIMARY KEY (post_id, seq)
        ) WITHOUT ROWID
        """,
        """
        CREATE TABLE poll_votes (
            post_id INTEGER NOT NULL REFERENCES posts (id),
            account_id INTEGER NOT NULL REFERENCES accounts (id),
            choices TEXT NOT NULL,
            created_at INTEGER NOT NULL,
            PRIMARY KEY (post_id, account_id)
        ) WITHOUT ROWID
        """,
        """
        CREATE TABLE poll_counts (
            post_id INTEGER NOT NULL,
            choice INTEGER NOT NULL,
            n INTEGER NOT NULL,
            PRIMARY KEY (post_id, choice)
        ) WITHOUT ROWID
        """,
        """
        CREATE TABLE open_polls (
            post_id INTEGER PRIMARY KEY REFERENCES posts (id),
            expires_at INTEGER NOT NULL
        )
        """,
        "CREATE INDEX open_polls_by_expiry ON open_polls (expires_at, post_id)",
        # Followers with notify, for "status" notifications: one index range per post.
        ("CREATE INDEX follows_notifying ON follows (followee_id, follower_id) WHERE notify = 1"),
    ),
)

# Bookmarks and keyword filters (issue 15).
_V4 = Migration(
    4,
    "bookmarks, and keyword filters with their keywords and posts",
    (
        """
        CREATE TABLE bookmarks (
            id INTEGER PRIMARY KEY,
            account_id INTEGER NOT NULL REFERENCES accounts (id),
            post_id INTEGER NOT NULL REFERENCES posts (id),
            created_at INTEGER NOT NULL,
            UNIQUE (account_id, post_id)
        )
        """,
        "CREATE INDEX bookmarks_by_account ON bookmarks (account_id, id)",
        "CREATE INDEX bookmarks_by_post ON bookmarks (post_id)",
        """
        CREATE TABLE filters (
            id INTEGER PRIMARY KEY,
            account_id INTEGER NOT NULL REFERENCES accounts (id),
            title TEXT NOT NULL,
            contexts TEXT NOT NULL,
            action TEXT NOT NULL,
            expires_at INTEGER,
            created_at INTEGER NOT NULL
        )
        """,
        "CREATE INDEX filters_by_account ON filters (account_id, id)",
        """
        CREATE TABLE filter_keywords (
            filter_id INTEGER NOT NULL REFERENCES filters (id),
            seq INTEGER NOT NULL,
            keyword TEXT NOT NULL,
            whole_word INTEGER NOT NULL,
            PRIMARY KEY (filter_id, seq)
        ) WITHOUT ROWID
        """,
        """
        CREATE TABLE filter_posts (
            filter_id INTEGER NOT NULL REFERENCES filters (id),
            seq INTEGER NOT NULL,
            post_id INTEGER NOT NULL REFERENCES posts (id),
            PRIMARY KEY (filter_id, seq)
        ) WITHOUT ROWID
        """,
        "CREATE INDEX filter_posts_by_post ON filter_posts (post_id, filter_id)",
    ),
)

# Account lists and followed hashtags (issue 15).
_V5 = Migration(
    5,
    "account lists with their members, and followed hashtags",
    (
        """
        CREATE TABLE lists (
            id INTEGER PRIMARY KEY,
            owner_id INTEGER NOT NULL REFERENCES accounts (id),
            title TEXT NOT NULL,
            replies_policy TEXT NOT NULL,
            exclusive INTEGER NOT NULL
        )
        """,
        "CREATE INDEX lists_by_owner ON lists (owner_id, id)",
        """
        CREATE TABLE list_members (
            list_id INTEGER NOT NULL REFERENCES lists (id),
            account_id INTEGER NOT NULL REFERENCES accounts (id),
            PRIMARY KEY (list_id, account_id)
        ) WITHOUT ROWID
        """,
        "CREATE INDEX list_members_by_account ON list_members (account_id, list_id)",
        """
        CREATE TABLE tag_follows (
            account_id INTEGER NOT NULL REFERENCES accounts (id),
            tag TEXT NOT NULL,
            PRIMARY KEY (account_id, tag)
        ) WITHOUT ROWID
        """,
        "CREATE INDEX tag_follows_by_tag ON tag_follows (tag, account_id)",
    ),
)

MIGRATIONS: tuple[Migration, ...] = (_V1, _V2, _V3, _V4, _V5)
"""The schema history, oldest first; ``MIGRATIONS[n - 1].version == n``."""

LATEST_VERSION = MIGRATIONS[-1].version
"""The schema version this code writes."""


def _pragma_int(conn: sqlite3.Connection, name: str) -> int:
    row = conn.execute(f"PRAGMA {name}").fetchone()
    return int(row[0])


def _check_ours(conn: sqlite3.Connection, where: str, version: int) -> None:
    """Refuse a file written by a newer library or by another application."""
    if version > LATEST_VERSION:
        raise StorageError(
            f"{where} has schema version {version}, newer than the {LATEST_VERSION} this "
            "microblog_core knows; upgrade microblog_core to open it"
        )
    application_id = _pragma_int(conn, "application_id")
    if application_id not in (0, APPLICATION_ID):
        raise StorageError(
            f"{where} belongs to another application (application_id {application_id:#x}); "
            "it is not a microblog_core database"
        )
    if version == 0:
        tables = conn.execute("SELECT count(*) FROM sqlite_schema").fetchone()[0]
        if tables:
            raise StorageError(
                f"{where} already holds {tables} schema objects but no microblog_core schema "
                "version; it is not a microblog_core database"
            )
    elif application_id != APPLICATION_ID:
        raise StorageError(
            f"{where} has schema version {version} but no microblog_core application id; "
            "it is not a microblog_core database"
        )


def check_current(conn: sqlite3.Connection, *, where: str) -> None:
    """Check, without writing, that the database has this code's schema (for read-only use).

    Raises:
        StorageError: The file is not ours, or its schema is older or newer.
        sqlite3.Error: SQLite failed (the caller maps it).
    """
    version = _pragma_int(conn, "user_version")
    _check_ours(conn, where, version)
    if version != LATEST_VERSION:
        raise StorageError(
            f"cannot read {where}: its schema is version {version}, this code reads "
            f"version {LATEST_VERSION}; open it once for writing to migrate it"
        )


def migrate(
    conn: sqlite3.Connection,
    *,
    where: str,
    target: int = LATEST_VERSION,
    begin: Callable[[sqlite3.Connection], object] | None = None,
) -> int:
    """Bring the database behind ``conn`` forward to schema version ``target``.

    The connection must be in autocommit mode (``isolation_level=None``) with
    no transaction open. The version is checked again inside the write
    transaction, so two processes opening a new file at once migrate it once.

    Args:
        conn: An open connection.
        where: How to name the database in error messages (its path).
        target: The version to reach (default: the latest).
        begin: Opens the write transaction (default: ``BEGIN IMMEDIATE``); the
            SQLite adapter passes its retrying version.

    Returns:
        The version the database had before.

    Raises:
        StorageError: The file is newer than this code, or not ours.
        sqlite3.Error: SQLite failed (the caller maps it).
    """
    version = _pragma_int(conn, "user_version")
    _check_ours(conn, where, version)
    if version >= target:
        return version
    if begin is None:
        conn.execute("BEGIN IMMEDIATE")
    else:
        begin(conn)
    try:
        version = _pragma_int(conn, "user_version")
        _check_ours(conn, where, version)
        for migration in MIGRATIONS[version:target]:
            for statement in migration.statements:
                conn.execute(statement)
        conn.execute(f"PRAGMA application_id = {APPLICATION_ID:d}")
        conn.execute(f"PRAGMA user_version = {target:d}")
        conn.execute("COMMIT")
    except BaseException:
        if conn.in_transaction:
            conn.execute("ROLLBACK")
        raise
    return version
