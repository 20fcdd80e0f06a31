"""The engagement repository: likes."""

import sqlite3

from microblog_core import _checks
from microblog_core.errors import ConflictError, NotFoundError
from microblog_core.ids import AccountId, PostId
from microblog_core.models import Like
from microblog_core.storage.sqlite._errors import FK, PK, guarded
from microblog_core.storage.sqlite._params import after_key, lookup_key, page_size
from microblog_core.storage.sqlite._repository import Repository
from microblog_core.storage.sqlite._rows import like_from_row, micros
from microblog_core.storage.sqlite._sql import (
    ACCOUNT_EXISTS,
    DELETE_LIKE,
    GET_LIKE,
    INSERT_LIKE,
    LIKES_OF,
    MOVE_LIKES,
)


class Engagement(Repository):
    """Likes in the ``likes`` table; the count is the post row's ``likes`` column."""

    __slots__ = ()

    @guarded
    def add_like(self, like: Like) -> None:
        _checks.instance(like, Like, "like")
        conn = self._u._writer()
        try:
            conn.execute(INSERT_LIKE, (like.account_id, like.post_id, micros(like.created_at)))
        except sqlite3.IntegrityError as exc:
            if exc.sqlite_errorname == PK:
                raise ConflictError(
                    f"account {like.account_id} already likes post {like.post_id}",
                    entity="like",
                    key=(like.account_id, like.post_id),
                ) from None
            if exc.sqlite_errorname == FK:
                if conn.execute(ACCOUNT_EXISTS, (like.account_id,)).fetchone() is None:
                    raise NotFoundError("account", like.account_id) from None
                raise NotFoundError("post", like.post_id) from None
            raise
        conn.execute(MOVE_LIKES, (1, like.post_id))

    @guarded
    def remove_like(self, account_id: AccountId, post_id: PostId) -> Like | None:
        params = (lookup_key(account_id, "account_id"), lookup_key(post_id, "post_id"))
        conn = self._u._writer()
        rows = conn.execute(DELETE_LIKE, params).fetchall()
        if not rows:
            return None
        conn.execute(MOVE_LIKES, (-1, params[1]))
        return like_from_row(rows[0])

    @guarded
    def get_like(self, account_id: AccountId, post_id: PostId) -> Like | None:
        params = (lookup_key(account_id, "account_id"), lookup_key(post_id, "post_id"))
        row = self._u._reader().execute(GET_LIKE, params).fetchone()
        return None if row is None else like_from_row(row)

    @guarded
    def likes_of(
        self, post_id: PostId, *, after: AccountId | None = None, limit: int = 100
    ) -> list[Like]:
        params = (lookup_key(post_id, "post_id"), after_key(after), page_size(limit))
        rows = self._u._reader().execute(LIKES_OF, params).fetchall()
        return [like_from_row(row) for row in rows]
