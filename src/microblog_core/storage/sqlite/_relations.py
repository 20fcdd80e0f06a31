"""The relation repository: follows, follow requests, blocks and mutes."""

import sqlite3
from datetime import datetime

from microblog_core import _checks
from microblog_core.errors import NotFoundError
from microblog_core.ids import AccountId
from microblog_core.models import Block, Follow, FollowRequest, Mute
from microblog_core.storage.sqlite._errors import FK, guarded
from microblog_core.storage.sqlite._params import after_key, lookup_key, page_size
from microblog_core.storage.sqlite._repository import Repository
from microblog_core.storage.sqlite._rows import (
    block_from_row,
    dump_languages,
    follow_from_row,
    micros,
    mute_from_row,
    request_from_row,
)
from microblog_core.storage.sqlite._sql import (
    ACCOUNTS_PRESENT,
    BLOCKED_IDS,
    BLOCKER_IDS,
    DELETE_BLOCK,
    DELETE_FOLLOW,
    DELETE_MUTE,
    DELETE_REQUEST,
    FOLLOWER_IDS,
    FOLLOWERS_OF,
    FOLLOWING_IDS,
    FOLLOWING_OF,
    GET_BLOCK,
    GET_FOLLOW,
    GET_MUTE,
    GET_REQUEST,
    INSERT_FOLLOW,
    MUTED_IDS,
    REPLACE_FOLLOW,
    REQUESTS_FOR,
    UPSERT_BLOCK,
    UPSERT_MUTE,
    UPSERT_REQUEST,
)


class Relations(Repository):
    """Follows, follow requests, blocks and mutes, one table each."""

    __slots__ = ()

    def _missing(self, conn: sqlite3.Connection, first: int, second: int) -> NotFoundError:
        present = {row[0] for row in conn.execute(ACCOUNTS_PRESENT, (first, second))}
        missing = first if first not in present else second
        return NotFoundError("account", missing)

    @guarded
    def add_follow(self, follow: Follow) -> None:
        _checks.instance(follow, Follow, "follow")
        unit = self._u
        conn = unit._writer()
        params = (
            follow.follower_id,
            follow.followee_id,
            micros(follow.created_at),
            follow.show_reposts,
            follow.notify,
            dump_languages(follow.languages),
        )
        try:
            added = conn.execute(INSERT_FOLLOW, params).rowcount
        except sqlite3.IntegrityError as exc:
            if exc.sqlite_errorname == FK:
                raise self._missing(conn, follow.follower_id, follow.followee_id) from None
            raise
        if added:
            unit._move_account(follow.follower_id, 1, 1)
            unit._move_account(follow.followee_id, 0, 1)
        else:
            conn.execute(REPLACE_FOLLOW, params)

    @guarded
    def remove_follow(self, follower_id: AccountId, followee_id: AccountId) -> Follow | None:
        params = (lookup_key(follower_id, "follower_id"), lookup_key(followee_id, "followee_id"))
        unit = self._u
        rows = unit._writer().execute(DELETE_FOLLOW, params).fetchall()
        if not rows:
            return None
        unit._move_account(params[0], 1, -1)
        unit._move_account(params[1], 0, -1)
        return follow_from_row(rows[0])

    @guarded
    def get_follow(self, follower_id: AccountId, followee_id: AccountId) -> Follow | None:
        params = (lookup_key(follower_id, "follower_id"), lookup_key(followee_id, "followee_id"))
        row = self._u._reader().execute(GET_FOLLOW, params).fetchone()
        return None if row is None else follow_from_row(row)

    @guarded
    def followers_of(
        self, account_id: AccountId, *, after: AccountId | None = None, limit: int = 100
    ) -> list[Follow]:
        params = (lookup_key(account_id, "account_id"), after_key(after), page_size(limit))
        rows = self._u._reader().execute(FOLLOWERS_OF, params).fetchall()
        return [follow_from_row(row) for row in rows]

    @guarded
    def following_of(
        self, account_id: AccountId, *, after: AccountId | None = None, limit: int = 100
    ) -> list[Follow]:
        params = (lookup_key(account_id, "account_id"), after_key(after), page_size(limit))
        rows = self._u._reader().execute(FOLLOWING_OF, params).fetchall()
        return [follow_from_row(row) for row in rows]

    def _ids_of(self, sql: str, key: int) -> frozenset[AccountId]:
        return frozenset(row[0] for row in self._u._reader().execute(sql, (key,)))

    @guarded
    def follower_ids(self, account_id: AccountId) -> frozenset[AccountId]:
        return self._ids_of(FOLLOWER_IDS, lookup_key(account_id, "account_id"))

    @guarded
    def following_ids(self, account_id: AccountId) -> frozenset[AccountId]:
        return self._ids_of(FOLLOWING_IDS, lookup_key(account_id, "account_id"))

    @guarded
    def add_request(self, request: FollowRequest) -> None:
        _checks.instance(request, FollowRequest, "request")
        conn = self._u._writer()
        params = (
            request.follower_id,
            request.followee_id,
            micros(request.created_at),
            request.show_reposts,
            request.notify,
            dump_languages(request.languages),
        )
        try:
            conn.execute(UPSERT_REQUEST, params)
        except sqlite3.IntegrityError as exc:
            if exc.sqlite_errorname == FK:
                raise self._missing(conn, request.follower_id, request.followee_id) from None
            raise

    @guarded
    def remove_request(
        self, follower_id: AccountId, followee_id: AccountId
    ) -> FollowRequest | None:
        params = (lookup_key(follower_id, "follower_id"), lookup_key(followee_id, "followee_id"))
        rows = self._u._writer().execute(DELETE_REQUEST, params).fetchall()
        return request_from_row(rows[0]) if rows else None

    @guarded
    def get_request(self, follower_id: AccountId, followee_id: AccountId) -> FollowRequest | None:
        params = (lookup_key(follower_id, "follower_id"), lookup_key(followee_id, "followee_id"))
        row = self._u._reader().execute(GET_REQUEST, params).fetchone()
        return None if row is None else request_from_row(row)

    @guarded
    def requests_for(
        self, account_id: AccountId, *, after: AccountId | None = None, limit: int = 100
    ) -> list[FollowRequest]:
        params = (lookup_key(account_id, "account_id"), after_key(after), page_size(limit))
        rows = self._u._reader().execute(REQUESTS_FOR, params).fetchall()
        return [request_from_row(row) for row in rows]

    @guarded
    def add_block(self, block: Block) -> None:
        _checks.instance(block, Block, "block")
        conn = self._u._writer()
        params = (block.blocker_id, block.blocked_id, micros(block.created_at))
        try:
            conn.execute(UPSERT_BLOCK, params)
        except sqlite3.IntegrityError as exc:
            if exc.sqlite_errorname == FK:
                raise self._missing(conn, block.blocker_id, block.blocked_id) from None
            raise

    @guarded
    def remove_block(self, blocker_id: AccountId, blocked_id: AccountId) -> Block | None:
        params = (lookup_key(blocker_id, "blocker_id"), lookup_key(blocked_id, "blocked_id"))
        rows = self._u._writer().execute(DELETE_BLOCK, params).fetchall()
        return block_from_row(rows[0]) if rows else None

    @guarded
    def get_block(self, blocker_id: AccountId, blocked_id: AccountId) -> Block | None:
        params = (lookup_key(blocker_id, "blocker_id"), lookup_key(blocked_id, "blocked_id"))
        row = self._u._reader().execute(GET_BLOCK, params).fetchone()
        return None if row is None else block_from_row(row)

    @guarded
    def blocked_ids(self, blocker_id: AccountId) -> frozenset[AccountId]:
        return self._ids_of(BLOCKED_IDS, lookup_key(blocker_id, "blocker_id"))

    @guarded
    def blocker_ids(self, blocked_id: AccountId) -> frozenset[AccountId]:
        return self._ids_of(BLOCKER_IDS, lookup_key(blocked_id, "blocked_id"))

    @guarded
    def add_mute(self, mute: Mute) -> None:
        _checks.instance(mute, Mute, "mute")
        conn = self._u._writer()
        params = (
            mute.muter_id,
            mute.muted_id,
            micros(mute.created_at),
            None if mute.expires_at is None else micros(mute.expires_at),
            mute.hide_notifications,
        )
        try:
            conn.execute(UPSERT_MUTE, params)
        except sqlite3.IntegrityError as exc:
            if exc.sqlite_errorname == FK:
                raise self._missing(conn, mute.muter_id, mute.muted_id) from None
            raise

    @guarded
    def remove_mute(self, muter_id: AccountId, muted_id: AccountId) -> Mute | None:
        params = (lookup_key(muter_id, "muter_id"), lookup_key(muted_id, "muted_id"))
        rows = self._u._writer().execute(DELETE_MUTE, params).fetchall()
        return mute_from_row(rows[0]) if rows else None

    @guarded
    def get_mute(
        self, muter_id: AccountId, muted_id: AccountId, *, at: datetime | None = None
    ) -> Mute | None:
        params = (lookup_key(muter_id, "muter_id"), lookup_key(muted_id, "muted_id"))
        now = None if at is None else _checks.aware(at, "at")
        row = self._u._reader().execute(GET_MUTE, params).fetchone()
        if row is None:
            return None
        mute = mute_from_row(row)
        if now is not None and not mute.active_at(now):
            return None
        return mute

    @guarded
    def muted_ids(self, muter_id: AccountId, *, at: datetime) -> frozenset[AccountId]:
        key = lookup_key(muter_id, "muter_id")
        now = micros(_checks.aware(at, "at"))
        rows = self._u._reader().execute(MUTED_IDS, (key, now))
        return frozenset(row[0] for row in rows)
