"""The bulk path of the PostgreSQL adapter: ``COPY`` rows in, then move counters set-wise."""

# ruff: noqa: S608  # the only text put into SQL is the checked schema identifier

from collections import Counter
from typing import TYPE_CHECKING, Any, cast

import psycopg

from microblog_core import _checks
from microblog_core.errors import (
    ConflictError,
    DuplicateHandleError,
    NotFoundError,
    ValidationError,
)
from microblog_core.ids import MAX_ID
from microblog_core.models import Account, Post
from microblog_core.storage.postgres._rows import (
    FOLLOW_COLUMNS,
    POST_COLUMNS,
    account_params,
    ints,
    micros,
    post_params,
)

if TYPE_CHECKING:
    from microblog_core.storage.postgres._store import PostgresStore
    from microblog_core.storage.postgres._unit import PostgresUnitOfWork

__all__ = ["load", "load_network"]

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


_NETWORK_ACCOUNT_COLUMNS = f"{_ACCOUNT_COPY_COLUMNS}, followers, following"


def _id_list(values: object, field: str) -> list[int]:
    """Check many lookup ids; a list of plain ints passes at C speed."""
    items = _checks.iterable(values, field, "ids")
    if all(item.__class__ is int for item in items):
        return cast("list[int]", list(items))
    return _checks.lookup_ids(items, field)


def _check_accounts(conn: "psycopg.Connection[Any]", s: str, accounts: tuple[Account, ...]) -> None:
    """Refuse new accounts whose id or handle is given twice or already stored."""
    ids: set[int] = set()
    keys: dict[str, Account] = {}
    for account in accounts:
        _checks.instance(account, Account, "account")
        if account.id in ids:
            raise ConflictError(
                f"an account with id {account.id} already exists",
                entity="account",
                key=account.id,
            )
        key = account.handle_key
        if key in keys:
            raise DuplicateHandleError(account.handle)
        ids.add(account.id)
        keys[key] = account
    if not accounts:
        return
    taken = conn.execute(
        f"SELECT id, handle_key FROM {s}.accounts WHERE id = ANY(%s::bigint[]) "
        "OR handle_key = ANY(%s::text[])",
        (ints(ids), list(keys)),
    ).fetchall()
    for account_id, _ in taken:
        if account_id in ids:
            raise ConflictError(
                f"an account with id {account_id} already exists",
                entity="account",
                key=account_id,
            )
    for _, key in taken:
        raise DuplicateHandleError(keys[key].handle)


def _stored_ids(conn: "psycopg.Connection[Any]", s: str, ids: set[int]) -> set[int]:
    storable = [i for i in ids if 0 < i <= MAX_ID]
    if not storable:
        return set()
    rows = conn.execute(
        f"SELECT id FROM {s}.accounts WHERE id = ANY(%s::bigint[])", (ints(storable),)
    ).fetchall()
    return {row[0] for row in rows}


def load_network(
    unit: "PostgresUnitOfWork",
    accounts: object,
    follower_ids: object,
    followee_ids: object,
    created_at: object,
) -> None:
    """Copy new accounts and new follows into the unit's transaction (see the unit's method)."""
    new = cast("tuple[Account, ...]", _checks.iterable(accounts, "accounts", "accounts"))
    sources = _id_list(follower_ids, "follower_ids")
    targets = _id_list(followee_ids, "followee_ids")
    if len(sources) != len(targets):
        raise ValidationError(
            f"{len(sources)} follower ids but {len(targets)} followee ids",
            field="followee_ids",
            value=len(targets),
        )
    when = micros(_checks.aware(created_at, "created_at"))
    conn = unit._writer()
    s = unit._store.schema
    _check_accounts(conn, s, new)
    new_ids = {account.id for account in new}
    older = (set(sources) | set(targets)) - new_ids
    missing = older - _stored_ids(conn, s, older)
    if missing:
        node = min(missing)
        raise NotFoundError("account", node, f"no account has id {node}")
    for a, b in zip(sources, targets, strict=True):
        if a == b:
            raise ValidationError(
                f"account {a} cannot follow itself", field="follower_ids", value=a
            )
    pairs = set(zip(sources, targets, strict=True))
    if len(pairs) != len(sources):
        raise ConflictError("a follow is given twice in one load", entity="follow", key=None)
    # Only two accounts stored before this load can already follow each other.
    old_pairs = sorted((a, b) for a, b in pairs if a in older and b in older)
    if old_pairs:
        for a, b in old_pairs:
            unit._lock_pair(a, b)  # as add_follow does: a racing block waits for this unit
        row = conn.execute(
            f"SELECT f.follower_id FROM {s}.follows AS f JOIN unnest(%s::bigint[], "
            "%s::bigint[]) AS p (a, b) ON f.follower_id = p.a AND f.followee_id = p.b LIMIT 1",
            (ints(a for a, _ in old_pairs), ints(b for _, b in old_pairs)),
        ).fetchone()
        if row is not None:
            raise ConflictError(
                f"account {row[0]} would follow an account twice", entity="follow", key=row[0]
            )
    if not new and not sources:
        return
    followers = Counter(targets)
    following = Counter(sources)
    if new:
        rows = ((*account_params(a), followers.pop(a.id, 0), following.pop(a.id, 0)) for a in new)
        _copy(conn, f"{s}.accounts", _NETWORK_ACCOUNT_COLUMNS, rows)
        unit._new_totals[0] += len(new)
    for account_id, n in followers.items():
        unit._move_account(account_id, 0, n)
    for account_id, n in following.items():
        unit._move_account(account_id, 1, n)
    if sources:
        # Plain follows (the defaults of Follow) as COPY text: ints only, nothing to escape.
        tail = f"\t{when}\tt\tf\t\\N\n"
        with conn.cursor().copy(f"COPY {s}.follows ({FOLLOW_COLUMNS}) FROM STDIN") as copy:
            chunk = 50_000
            for start in range(0, len(sources), chunk):
                copy.write(
                    "".join(
                        f"{a}\t{b}{tail}"
                        for a, b in zip(
                            sources[start : start + chunk],
                            targets[start : start + chunk],
                            strict=True,
                        )
                    )
                )
