"""The bulk path of the PostgreSQL adapter: ``COPY`` rows in, then move counters set-wise."""

# ruff: noqa: S608  # the only text put into SQL is the checked schema identifier

from collections import Counter
from typing import TYPE_CHECKING, Any

import psycopg

from microblog_core.models import Post
from microblog_core.storage.postgres._rows import FOLLOW_COLUMNS, POST_COLUMNS, post_params

if TYPE_CHECKING:
    from microblog_core.storage.postgres._store import PostgresStore

__all__ = ["load"]

_ACCOUNT_COPY_COLUMNS = (
    "id, handle, handle_key, created_at, display_name, bio, kind, verified, locked"
)


def _copy(conn: "psycopg.Connection[Any]", table: str, columns: str, rows: Any) -> None:
    with conn.cursor().copy(f"COPY {table} ({columns}) FROM STDIN") as copy:
        for row in rows:
            copy.write_row(row)


def _move(
    conn: "psycopg.Connection[Any]", s: str, column: str, counts: "Counter[Any]"
) -> list[int]:
    """Add ``counts`` to the posts' ``column``; return the ids no post has."""
    if not counts:
        return []
    ids = list(counts)
    rows = conn.execute(
        f"UPDATE {s}.posts AS p SET {column} = p.{column} + d.n FROM "
        "unnest(%s::bigint[], %s::bigint[]) AS d (id, n) WHERE p.id = d.id RETURNING p.id",
        (ids, list(counts.values())),
    ).fetchall()
    found = {row[0] for row in rows}
    return [i for i in ids if i not in found]


def load(
    conn: "psycopg.Connection[Any]",
    store: "PostgresStore",
    accounts: list[tuple[Any, ...]],
    posts: list[Post],
    follows: list[tuple[Any, ...]],
) -> None:
    """Copy the rows in one transaction and bring every counter in step."""
    s = store.schema
    sql = store._sql
    followers: Counter[int] = Counter()
    following: Counter[int] = Counter()
    authored: Counter[int] = Counter()
    with conn.transaction():
        if accounts:
            _copy(conn, f"{s}.accounts", _ACCOUNT_COPY_COLUMNS, accounts)
        if posts:
            _copy(conn, f"{s}.posts", POST_COLUMNS, (post_params(p) for p in posts))
            tags = [(tag, p.id) for p in posts for tag in dict.fromkeys(p.tags)]
            if tags:
                _copy(conn, f"{s}.post_tags", "tag, post_id", tags)
            mentions = [(a, p.id) for p in posts for a in dict.fromkeys(p.mentions)]
            if mentions:
                _copy(conn, f"{s}.post_mentions", "account_id, post_id", mentions)
            authored.update(p.author_id for p in posts)
            replies = Counter(p.reply_to.parent_id for p in posts if p.reply_to is not None)
            reposts = Counter(p.repost_of.root_id for p in posts if p.repost_of is not None)
            quotes = Counter(p.quote_of for p in posts if p.quote_of is not None)
            dangling = [
                *_move(conn, s, "replies", replies),
                *_move(conn, s, "reposts", reposts),
                *_move(conn, s, "quotes", quotes),
            ]
            if dangling:
                conn.execute(
                    f"INSERT INTO {s}.dangling_refs (post_id) SELECT unnest(%s::bigint[]) "
                    "ON CONFLICT DO NOTHING",
                    (dangling,),
                )
            # New posts that older posts already referred to start from a recount.
            recount = conn.execute(
                f"DELETE FROM {s}.dangling_refs WHERE post_id = ANY(%s::bigint[]) "
                "RETURNING post_id",
                ([p.id for p in posts],),
            ).fetchall()
            for (post_id,) in recount:
                conn.execute(sql["recount_post"], {"id": post_id})
        if follows:
            _copy(conn, f"{s}.follows", FOLLOW_COLUMNS, follows)
            followers.update(row[1] for row in follows)
            following.update(row[0] for row in follows)
        touched = sorted(set(followers) | set(following) | set(authored))
        if touched:
            conn.execute(
                sql["move_account_counters"],
                (
                    touched,
                    [followers[i] for i in touched],
                    [following[i] for i in touched],
                    [authored[i] for i in touched],
                ),
            )
        shard = store._total_shard
        for name, delta in (("accounts", len(accounts)), ("posts", len(posts))):
            if delta:
                conn.execute(sql["move_total"], (delta, name, shard))
