"""The five repositories of the PostgreSQL adapter.

Each repository belongs to one :class:`~microblog_core.storage.postgres.PostgresUnitOfWork`
and runs its statements on the unit's connection, inside the unit's
transaction. Writes are shaped so that an expected refusal (a taken id, a
missing account) never makes the server raise, which would abort the whole
transaction: inserts use ``ON CONFLICT DO NOTHING`` and ``WHERE EXISTS``, and
the repository then asks what was in the way. So a refused write changes
nothing and the unit stays usable, as the ports require.
"""

import math
from bisect import bisect_left
from collections.abc import Iterable, Iterator
from datetime import datetime
from typing import TYPE_CHECKING, Any, Final

from microblog_core import _checks
from microblog_core.errors import (
    ConflictError,
    DuplicateHandleError,
    DuplicateRepostError,
    NotFoundError,
    ValidationError,
)
from microblog_core.ids import MAX_ID, AccountId, PostId
from microblog_core.models import (
    Account,
    AccountCounters,
    Block,
    Follow,
    FollowRequest,
    Like,
    Mute,
    Post,
    PostCounters,
)
from microblog_core.storage.postgres._errors import guarded, translate
from microblog_core.storage.postgres._home_sql import FILTER_WIDTH, POST_WIDTH, home_statement
from microblog_core.storage.postgres._rows import (
    account_from_row,
    account_params,
    block_from_row,
    follow_from_row,
    follow_params,
    ints,
    like_from_row,
    micros,
    mute_from_row,
    post_from_row,
    post_params,
    request_from_row,
)

if TYPE_CHECKING:
    from microblog_core.storage.postgres._unit import PostgresUnitOfWork

__all__ = ["Accounts", "Engagement", "Feeds", "Posts", "Relations"]

_NO_ID: Final = 0
_EMPTY_RANGE: Final = (1, 0)
# A k-way merge reads the head of every followee's stream but pops only a page's
# worth: small first chunks (fetched together) keep the heads cheap, doubling keeps
# long scans short.
_STREAM_FIRST_CHUNK: Final = 1
_STREAM_MAX_CHUNK: Final = 256
_MERGED_FIRST_PAGE: Final = 64
# Scales the home statement's choice between its dense and sparse plans (see _home_sql);
# both give the same rows, tests force each with 0 and a huge value.
_HOME_PLAN_BIAS: float = 1.0
# The home statement's chunk sizes, written into its text as literal LIMITs: PostgreSQL's
# generic plan of a prepared statement knows its LIMIT then, and picks the plans a custom
# plan would (an unknown LIMIT makes it sort every candidate, past the JIT threshold).
# A few sizes keep a few prepared statements per connection; the first covers a page of
# 20 and its look-ahead row, the second one of 40, the service's largest.
_HOME_CHUNKS: Final = (21, 41, 81, 161, 256)
# How many viewers' home plans (dense or sparse, see _home_sql) a store remembers.
_HOME_PLANS_KEPT: Final = 100_000
# What a store remembers of a viewer's last page, as bits: it took the dense plan; it
# read past its first chunk (its next page then begins a transaction at once: see
# Posts.home_sequence).
_HOME_DENSE: Final = 1
_HOME_LONG: Final = 2
# ... and it found the viewer not lean (a block, a mute or a filter): the next page
# outside a transaction runs the +filters statement rather than the +lean one.
_HOME_FULL: Final = 4


def _same_page(seen: list[tuple[Any, ...]], again: list[tuple[Any, ...]]) -> bool:
    """Whether two results of a home statement agree, the plan choice aside."""
    return len(seen) == len(again) and all(
        a[:2] == b[:2] and a[3:] == b[3:] for a, b in zip(seen, again, strict=True)
    )


def _key(value: object, field: str) -> int:
    """An id to look up: any int; one outside ``1..MAX_ID`` matches nothing."""
    number = _checks.lookup_id(value, field)
    return number if 0 < number <= MAX_ID else _NO_ID


def _keys(values: object, field: str) -> list[int]:
    return [n if 0 < n <= MAX_ID else _NO_ID for n in _checks.lookup_ids(values, field)]


def _limit(value: object, field: str = "limit") -> int:
    return min(_checks.limit(value, field), MAX_ID)


def _optional_limit(value: object) -> int | None:
    return None if value is None else _limit(value)


def _after(value: object) -> int:
    bound = _checks.cursor(value, "after")
    return 0 if bound is None else min(max(bound, 0), MAX_ID)


def _bounds(max_id: object, min_id: object) -> tuple[int, int]:
    """Turn exclusive ``max_id`` / ``min_id`` into inclusive ``(low, high)`` bounds."""
    upper = _checks.cursor(max_id, "max_id")
    lower = _checks.cursor(min_id, "min_id")
    high = MAX_ID if upper is None else upper - 1
    low = 1 if lower is None else lower + 1
    if high < 1 or low > MAX_ID:
        return _EMPTY_RANGE
    return max(low, 1), min(high, MAX_ID)


def _storable(text: str) -> bool:
    """Whether PostgreSQL can hold ``text`` (UTF-8 without NUL)."""
    if "\x00" in text:
        return False
    try:
        text.encode()
    except UnicodeEncodeError:
        return False
    return True


class _Repository:
    __slots__ = ("_sql", "_u")

    def __init__(self, unit: "PostgresUnitOfWork") -> None:
        self._u = unit
        self._sql = unit._sql

    def _one(self, name: str, params: Any) -> tuple[Any, ...] | None:
        return self._u._read(self._sql[name], params).fetchone()

    def _all(self, name: str, params: Any) -> list[tuple[Any, ...]]:
        rows = self._u._taken(name, params)  # a read sent ahead (PostgresUnitOfWork._ride)
        return self._u._read(self._sql[name], params).fetchall() if rows is None else rows

    def _write(self, name: str, params: Any) -> Any:
        return self._u._writer().execute(self._sql[name], params)


class Accounts(_Repository):
    """Accounts in ``accounts``, with their counters in the same row."""

    __slots__ = ()

    @guarded
    def add(self, account: Account) -> None:
        _checks.instance(account, Account, "account")
        params = account_params(account)
        if self._write("insert_account", params).rowcount:
            self._u._new_totals[0] += 1
            return
        row = self._one("account_clash", (account.id, account.id, params[2]))
        if row is not None and row[0]:
            raise ConflictError(
                f"an account with id {account.id} already exists",
                entity="account",
                key=account.id,
            )
        raise DuplicateHandleError(account.handle)

    @guarded
    def update(self, account: Account) -> None:
        _checks.instance(account, Account, "account")
        params = account_params(account)
        owner = self._one("handle_owner", (params[2],))
        if owner is not None and owner[0] != account.id:
            if self._one("account_exists", (account.id,)) is None:
                raise NotFoundError("account", account.id)
            raise DuplicateHandleError(account.handle)
        if not self._write("update_account", (*params[1:], account.id)).rowcount:
            raise NotFoundError("account", account.id)

    def get(self, account_id: AccountId) -> Account:
        account = self.find(account_id)
        if account is None:
            raise NotFoundError("account", account_id)
        return account

    @guarded
    def find(self, account_id: AccountId) -> Account | None:
        row = self._one("account_by_id", (_key(account_id, "account_id"),))
        return None if row is None else account_from_row(row)

    @guarded
    def by_handle(self, handle: str) -> Account | None:
        key = _checks.text(handle, "handle").casefold()
        if not _storable(key):
            return None
        row = self._one("account_by_handle", (key,))
        return None if row is None else account_from_row(row)

    @guarded
    def get_many(self, account_ids: Iterable[AccountId]) -> dict[AccountId, Account]:
        keys = _keys(account_ids, "account_ids")
        if not keys:
            return {}
        accounts = (account_from_row(row) for row in self._all("accounts_by_ids", (ints(keys),)))
        return {account.id: account for account in accounts}

    @guarded
    def page(self, *, after: AccountId | None = None, limit: int = 100) -> list[Account]:
        rows = self._all("account_page", (_after(after), _limit(limit)))
        return [account_from_row(row) for row in rows]

    @guarded
    def count(self) -> int:
        row = self._one("total", ("accounts",))
        return int(row[0] if row else 0) + self._u._new_totals[0]

    @guarded
    def counters(self, account_id: AccountId) -> AccountCounters:
        key = _key(account_id, "account_id")
        row = self._one("account_counters", (key,))
        if row is None:
            return AccountCounters()
        followers, following, posts = row
        pending = self._u._account_moves.get(key)
        if pending is not None:
            followers += pending[0]
            following += pending[1]
            posts += pending[2]
        return AccountCounters(followers=followers, following=following, posts=posts)


class Posts(_Repository):
    """Posts in ``posts``; hashtags and mentions also in side tables."""

    __slots__ = ()

    @guarded
    def add(self, post: Post) -> None:
        _checks.instance(post, Post, "post")
        unit = self._u
        params = post_params(post)
        if not self._write("insert_post", (*params, post.author_id)).rowcount:
            raise self._refused(post)
        post_id = post.id
        if post.tags:
            self._write("insert_tags", (list(post.tags), post_id))
        if post.mentions:
            self._write("insert_mentions", (ints(post.mentions), post_id))
        unit._move_account(post.author_id, 2, 1)
        unit._new_totals[1] += 1
        reply, shared, quoted = post.reply_to, post.repost_of, post.quote_of
        if reply is not None and not self._write("move_replies", (1, reply.parent_id)).rowcount:
            unit._note_dangling(reply.parent_id)
        if shared is not None and not self._write("move_reposts", (1, shared.root_id)).rowcount:
            unit._note_dangling(shared.root_id)
        if quoted is not None and not self._write("move_quotes", (1, quoted)).rowcount:
            unit._note_dangling(quoted)
        if unit._any_dangling() and self._write("forget_dangling", (post_id,)).rowcount:
            # Posts already refer to this id: its counters start from a recount.
            self._write("recount_post", {"id": post_id})

    def _refused(self, post: Post) -> Exception:
        if self._one("post_exists", (post.id,)) is not None:
            return ConflictError(
                f"a post with id {post.id} already exists", entity="post", key=post.id
            )
        if self._one("account_exists", (post.author_id,)) is None:
            return NotFoundError(
                "account",
                post.author_id,
                f"the author of post {post.id}, account {post.author_id}, does not exist",
            )
        if post.repost_of is not None:
            return DuplicateRepostError(post.author_id, post.repost_of.root_id)
        return ConflictError(
            f"post {post.id} could not be stored: a uniqueness rule was broken",
            entity="post",
            key=post.id,
        )

    @guarded
    def update(self, post: Post) -> None:
        _checks.instance(post, Post, "post")
        row = self._u._writer().execute(self._sql["post_for_update"], (post.id,)).fetchone()
        if row is None:
            raise NotFoundError("post", post.id)
        old = post_from_row(row)
        if (old.author_id, old.reply_to, old.repost_of, old.quote_of) != (
            post.author_id,
            post.reply_to,
            post.repost_of,
            post.quote_of,
        ):
            raise ValidationError(
                f"an update of post {post.id} must keep its author and what it replies to, "
                "reposts or quotes; remove it and add a new post instead",
                field="post",
                value=post,
            )
        params = post_params(post)
        self._write("update_post", (*params[2:5], *params[14:], post.id))
        if old.tags != post.tags:
            self._write("delete_tags", (post.id, list(old.tags)))
            self._write("insert_tags", (list(post.tags), post.id))
        if old.mentions != post.mentions:
            self._write("delete_mentions", (post.id, ints(old.mentions)))
            self._write("insert_mentions", (ints(post.mentions), post.id))

    @guarded
    def remove(self, post_id: PostId) -> Post:
        key = _key(post_id, "post_id")
        unit = self._u
        row = unit._writer().execute(self._sql["post_for_update"], (key,)).fetchone()
        if row is None:
            raise NotFoundError("post", post_id)
        post = post_from_row(row)
        self._write("delete_post_likes", (key,))
        if post.tags:
            self._write("delete_tags", (key, list(post.tags)))
        if post.mentions:
            self._write("delete_mentions", (key, ints(post.mentions)))
        replies, reposts, quotes = self._write("delete_post", (key,)).fetchone()
        unit._move_account(post.author_id, 2, -1)
        unit._new_totals[1] -= 1
        if post.reply_to is not None:
            self._write("move_replies", (-1, post.reply_to.parent_id))
        if post.repost_of is not None:
            self._write("move_reposts", (-1, post.repost_of.root_id))
        if post.quote_of is not None:
            self._write("move_quotes", (-1, post.quote_of))
        if replies or reposts or quotes:
            unit._note_dangling(key)  # its replies, reposts and quotes stay
        return post

    def get(self, post_id: PostId) -> Post:
        post = self.find(post_id)
        if post is None:
            raise NotFoundError("post", post_id)
        return post

    @guarded
    def find(self, post_id: PostId) -> Post | None:
        # A writing unit's decisions rest on the posts it read: FOR KEY SHARE makes a
        # racing delete wait for this unit (counter updates do not).
        name = "post_by_id" if self._u._readonly else "post_key_share"
        row = self._one(name, (_key(post_id, "post_id"),))
        return None if row is None else post_from_row(row)

    @guarded
    def get_many(self, post_ids: Iterable[PostId]) -> dict[PostId, Post]:
        keys = _keys(post_ids, "post_ids")
        if not keys:
            return {}
        posts = (post_from_row(row) for row in self._all("posts_by_ids", (ints(keys),)))
        return {post.id: post for post in posts}

    def _posts(self, name: str, params: Any) -> list[Post]:
        return [post_from_row(row) for row in self._all(name, params)]

    @guarded
    def by_author(
        self,
        author_id: AccountId,
        *,
        max_id: PostId | None = None,
        min_id: PostId | None = None,
        limit: int = 20,
    ) -> list[Post]:
        author = _key(author_id, "author_id")
        low, high = _bounds(max_id, min_id)
        return self._posts("by_author_desc", (author, low, high, _limit(limit)))

    @guarded
    def stream(
        self,
        author_id: AccountId,
        *,
        max_id: PostId | None = None,
        min_id: PostId | None = None,
        ascending: bool = False,
    ) -> Iterator[Post]:
        """Iterate lazily: keyset pages of 1 row, doubling up to 256 rows a query.

        The first page of every stream opened and not yet read in this unit is
        fetched in one query (a lateral join over the authors), so a k-way
        merge over a thousand followees costs one round trip for the heads
        instead of a thousand.
        """
        author = _key(author_id, "author_id")
        low, high = _bounds(max_id, min_id)
        upward = _checks.flag(ascending, "ascending")
        self._u._reader()
        shape = (low, high, upward)
        self._u._pending_heads.setdefault(shape, {})[author] = None
        return self._stream(author, low, high, upward)

    def _heads(self, author: int, shape: tuple[int, int, bool]) -> list[tuple[Any, ...]]:
        unit = self._u
        cached = unit._heads.get(shape)
        if cached is not None and author in cached:
            return cached.pop(author)
        waiting = unit._pending_heads.pop(shape, {})
        waiting[author] = None
        low, high, ascending = shape
        name = "heads_asc" if ascending else "heads_desc"
        heads: dict[int, list[tuple[Any, ...]]] = {a: [] for a in waiting}
        for row in self._all(name, (ints(waiting), low, high, _STREAM_FIRST_CHUNK)):
            heads[row[1]].append(row)
        mine = heads.pop(author)
        unit._heads.setdefault(shape, {}).update(heads)
        return mine

    def _stream(self, author: int, low: int, high: int, ascending: bool) -> Iterator[Post]:
        name = "by_author_asc" if ascending else "by_author_desc"
        size = _STREAM_FIRST_CHUNK
        first = True
        while low <= high:
            try:
                if first:
                    rows = self._heads(author, (low, high, ascending))
                    first = False
                else:
                    rows = self._all(name, (author, low, high, size))
            except Exception as exc:
                raise translate(exc) from exc
            for row in rows:
                yield post_from_row(row)
            if len(rows) < size:
                return
            if ascending:
                low = rows[-1][0] + 1
            else:
                high = rows[-1][0] - 1
            size = min(size * 2, _STREAM_MAX_CHUNK)

    @guarded
    def merged_streams(
        self, author_ids: Iterable[AccountId], *, max_id: PostId | None = None
    ) -> Iterator[Post]:
        """Merge several authors' posts newest first, in SQL (a fast path of this adapter).

        The same items as merging :meth:`stream` of each author (authors named
        twice count once), read in keyset pages of one query each, 64 rows
        first, doubling: a home page over 1,000 followees is one round trip.
        Fan-out on read uses it when the adapter offers it.
        """
        authors = list(dict.fromkeys(_keys(author_ids, "author_ids")))
        high = _bounds(max_id, None)[1]
        self._u._reader()
        return self._merged(ints(authors) if authors else "", high)

    def _merged(self, authors: str, high: int) -> Iterator[Post]:
        size = _MERGED_FIRST_PAGE
        while authors and high >= 1:
            try:
                rows = self._all("merged_desc", (authors, high, size))
            except Exception as exc:
                raise translate(exc) from exc
            for row in rows:
                yield post_from_row(row)
            if len(rows) < size:
                return
            high = rows[-1][0] - 1
            size = min(size * 2, _STREAM_MAX_CHUNK * 4)

    @guarded
    def home_sequence(
        self,
        viewer_id: AccountId,
        *,
        at: datetime,
        max_id: PostId | None = None,
        size_hint: int = 20,
    ) -> Iterator[tuple[Post, Post | None]] | None:
        """The viewer's filtered home sequence, computed in SQL (the ``HomeQuery`` capability).

        One statement per keyset chunk (``size_hint`` rows first, doubling)
        reads the viewer and its relations and returns the posts that pass the
        home rules and the visibility rule, each with the original it
        reposts; see ``storage/postgres/_home_sql.py`` for how the SQL encodes
        the rules. The first chunk runs here, at once: it says whether the
        viewer exists and whether it follows a hashtag or keeps an exclusive
        list, which the statement does not encode -- then this declines
        (returns None) and the timeline takes the generic path.

        As a read-only unit's first read, the first chunk is one statement
        with the viewer's filters (which the service reads next), run outside
        a transaction (``PostgresUnitOfWork._read_detached``): a page is one
        round trip. A viewer whose last page read past its first chunk begins
        a transaction instead (the later chunks must see the first's snapshot).
        """
        viewer = _key(viewer_id, "viewer_id")
        now = micros(_checks.aware(at, "at"))
        high = _bounds(max_id, None)[1]
        first = _limit(size_hint, "size_hint")
        step = bisect_left(_HOME_CHUNKS, first)
        size = _HOME_CHUNKS[min(step, len(_HOME_CHUNKS) - 1)]
        unit = self._u
        alone = unit._detachable() and not (unit._store._home_plans.get(viewer, 0) & _HOME_LONG)
        if not alone:
            # The service reads the viewer's filters after its home page: in a read-only
            # unit not yet begun, that read goes with the page's first statement.
            unit._ride("filters_of", (viewer,))
        rows = self._home_chunk(viewer, now, high, size, first=True, alone=alone)
        found, plain = rows[0][0], rows[0][1]
        if not (found and plain):
            if alone:
                # The generic path reads in a transaction, the filters too: nothing read
                # outside it is kept (whether the statement declined decides only speed).
                unit._forget_detached()
                unit._prefetched.clear()
                unit._ride("filters_of", (viewer,))
            return None
        return self._home(viewer, now, rows, size, step)

    def _home_chunk(
        self, viewer: int, now: int, high: int, size: int, *, first: bool, alone: bool = False
    ) -> list[tuple[Any, ...]]:
        """One chunk of the home statement of the viewer's plan: its rows, the first always there.

        The plan is the one the viewer's last page took (dense for a viewer
        not seen yet); a statement that finds out the plan is the other walks
        nothing, and the other runs, told to walk (the choice decides only
        speed). ``alone`` runs the statement outside a transaction: the
        ``+lean`` one unless the viewer's last page found blocks, mutes or
        filters (then, or when the lean one finds some, the ``+filters`` one),
        and keeps the filters' rows for the unit.
        """
        plans = self._u._store._home_plans
        known = plans.get(viewer, _HOME_DENSE)
        dense = bool(known & _HOME_DENSE)
        lean = alone and not known & _HOME_FULL
        bias = _HOME_PLAN_BIAS
        try:
            # At most three: the remembered plan, the chosen one, and (when a lean viewer
            # stopped being one in between, outside a transaction) the full statement.
            for _ in range(3):
                rows = self._home_run(dense, lean, size, (viewer, now, high, bias), alone)
                found, plain, chosen, is_lean = rows[0][:4]
                if not (found and plain) or (chosen is dense and (is_lean or not lean)):
                    break
                dense = chosen
                lean = lean and is_lean
                bias = math.inf if dense else 0.0
        except Exception as exc:
            raise translate(exc) from exc
        if found and plain:
            # A page's first chunk forgets that the last page read past its first; a later
            # one remembers that this page did. Outside a transaction, the page learns
            # whether the viewer is lean (no block, mute or filter).
            remembered = (_HOME_DENSE if dense else 0) | (0 if first else _HOME_LONG)
            if alone:
                filters = self._u._prefetched.get(("filters_of", (viewer,)))
                remembered |= 0 if is_lean and not filters else _HOME_FULL
            else:
                remembered |= known & _HOME_FULL
            if remembered != plans.get(viewer):
                if len(plans) >= _HOME_PLANS_KEPT:
                    plans.clear()  # a bound on memory; the plans are learnt again, a page each
                plans[viewer] = remembered
        return rows

    def _home_run(
        self, dense: bool, lean: bool, size: int, params: tuple[Any, ...], alone: bool
    ) -> list[tuple[Any, ...]]:
        """The rows of one home statement (``alone``: outside a transaction, filters kept apart)."""
        if not alone:
            # Prepared at once, so each pooled connection keeps one plan of it; a raw
            # cursor sends the ($n) text as it is (psycopg parses a %s text this long,
            # past its cache, at every execution).
            sql = self._home_sql(dense, size)
            return self._u._read(sql, params, raw=True, prepare=True).fetchall()
        sql = self._home_sql(dense, size, "+lean" if lean else "+filters")
        # Run again in a transaction, the same plan must walk whatever the totals say then.
        again = (*params[:3], math.inf if dense else 0.0)
        rows = self._u._read_detached(sql, params, again, _same_page)
        key = ("filters_of", (params[0],))
        if lean:
            self._u._prefetched[key] = []  # a lean viewer keeps no filter
            return rows
        cut = len(rows)
        while rows[cut - 1][-1]:  # the filters' rows come last; the first row is the page's
            cut -= 1
        self._u._prefetched[key] = [row[-1 - FILTER_WIDTH : -1] for row in rows[cut:]]
        return rows[:cut]

    def _home(
        self, viewer: int, now: int, rows: list[tuple[Any, ...]], size: int, step: int
    ) -> Iterator[tuple[Post, Post | None]]:
        start = 4  # after found, plain, dense, lean
        middle = start + POST_WIDTH
        end = middle + POST_WIDTH
        while True:
            if rows[0][start] is None:  # an empty page: one row of NULLs
                return
            for row in rows:
                root = None if row[middle] is None else post_from_row(row[middle:end])
                yield post_from_row(row[start:middle]), root
            if len(rows) < size:
                return
            high = rows[-1][start] - 1
            if high < 1:
                return
            step += 1
            size = _HOME_CHUNKS[min(step, len(_HOME_CHUNKS) - 1)]
            rows = self._home_chunk(viewer, now, high, size, first=False)

    def _home_sql(self, dense: bool, size: int, kind: str = "") -> str:
        """The home statement of a plan with ``size`` as its ``LIMIT`` (see ``_HOME_CHUNKS``).

        ``kind`` is ``""``, ``"+filters"`` or ``"+lean"`` (see ``_home_sql.HOME_TEMPLATES``).
        """
        template_name = f"home_{'dense' if dense else 'sparse'}{kind}"
        name = f"{template_name}:{size}"
        try:
            return self._sql[name]
        except KeyError:
            sql = self._sql[name] = home_statement(self._sql[template_name], size)
            return sql

    @guarded
    def replies_to(self, post_id: PostId, *, limit: int | None = None) -> list[Post]:
        return self._posts("replies_to", (_key(post_id, "post_id"), _optional_limit(limit)))

    @guarded
    def in_thread(self, root_id: PostId) -> list[Post]:
        return self._posts("in_thread", (_key(root_id, "root_id"),))

    @guarded
    def reposts_of(self, root_id: PostId, *, limit: int | None = None) -> list[Post]:
        return self._posts("reposts_of", (_key(root_id, "root_id"), _optional_limit(limit)))

    @guarded
    def repost_by(self, account_id: AccountId, root_id: PostId) -> Post | None:
        params = (_key(account_id, "account_id"), _key(root_id, "root_id"))
        row = self._one("repost_by", params)
        return None if row is None else post_from_row(row)

    @guarded
    def quotes_of(self, post_id: PostId, *, limit: int | None = None) -> list[Post]:
        return self._posts("quotes_of", (_key(post_id, "post_id"), _optional_limit(limit)))

    @guarded
    def with_tag(
        self,
        tag: str,
        *,
        max_id: PostId | None = None,
        min_id: PostId | None = None,
        limit: int = 20,
    ) -> list[Post]:
        key = _checks.text(tag, "tag").casefold()
        low, high = _bounds(max_id, min_id)
        size = _limit(limit)
        if not _storable(key):
            return []
        return self._posts("with_tag", (key, low, high, size))

    @guarded
    def mentioning(
        self,
        account_id: AccountId,
        *,
        max_id: PostId | None = None,
        min_id: PostId | None = None,
        limit: int = 20,
    ) -> list[Post]:
        account = _key(account_id, "account_id")
        low, high = _bounds(max_id, min_id)
        return self._posts("mentioning", (account, low, high, _limit(limit)))

    @guarded
    def public(
        self,
        *,
        max_id: PostId | None = None,
        min_id: PostId | None = None,
        limit: int = 20,
        include_replies: bool = False,
        include_reposts: bool = False,
    ) -> list[Post]:
        low, high = _bounds(max_id, min_id)
        replies = "t" if _checks.flag(include_replies, "include_replies") else "f"
        reposts = "t" if _checks.flag(include_reposts, "include_reposts") else "f"
        return self._posts(f"public_{replies}{reposts}", (low, high, _limit(limit)))

    @guarded
    def scan(self, *, after: PostId | None = None, limit: int = 1000) -> list[Post]:
        return self._posts("scan", (_after(after), _limit(limit)))

    @guarded
    def count(self) -> int:
        row = self._one("total", ("posts",))
        return int(row[0] if row else 0) + self._u._new_totals[1]

    @guarded
    def counters(self, post_id: PostId) -> PostCounters:
        row = self._one("post_counters", (_key(post_id, "post_id"),))
        if row is None:
            return PostCounters()
        return PostCounters(replies=row[0], reposts=row[1], quotes=row[2], likes=row[3])


class Relations(_Repository):
    """Follows, follow requests, blocks and mutes, one table each."""

    __slots__ = ()

    def _missing(self, first: int, second: int) -> NotFoundError:
        present = {row[0] for row in self._all("accounts_present", (ints((first, second)),))}
        return NotFoundError("account", first if first not in present else second)

    def _upsert(self, name: str, params: tuple[Any, ...], first: int, second: int) -> Any:
        self._u._lock_pair(first, second)
        row = self._write(name, (*params, first, second)).fetchone()
        if row is None:
            raise self._missing(first, second)
        return row[0]

    @guarded
    def add_follow(self, follow: Follow) -> None:
        _checks.instance(follow, Follow, "follow")
        follower, followee = follow.follower_id, follow.followee_id
        if self._upsert("upsert_follow", follow_params(follow), follower, followee):
            self._u._move_account(follower, 1, 1)
            self._u._move_account(followee, 0, 1)

    @guarded
    def remove_follow(self, follower_id: AccountId, followee_id: AccountId) -> Follow | None:
        params = (_key(follower_id, "follower_id"), _key(followee_id, "followee_id"))
        self._u._lock_pair(*params)
        row = self._write("delete_follow", params).fetchone()
        if row is None:
            return None
        self._u._move_account(params[0], 1, -1)
        self._u._move_account(params[1], 0, -1)
        return follow_from_row(row)

    @guarded
    def get_follow(self, follower_id: AccountId, followee_id: AccountId) -> Follow | None:
        params = (_key(follower_id, "follower_id"), _key(followee_id, "followee_id"))
        self._u._lock_pair(*params)
        row = self._one("get_follow", params)
        return None if row is None else follow_from_row(row)

    @guarded
    def followers_of(
        self, account_id: AccountId, *, after: AccountId | None = None, limit: int = 100
    ) -> list[Follow]:
        params = (_key(account_id, "account_id"), _after(after), _limit(limit))
        return [follow_from_row(row) for row in self._all("followers_of", params)]

    @guarded
    def following_of(
        self, account_id: AccountId, *, after: AccountId | None = None, limit: int = 100
    ) -> list[Follow]:
        params = (_key(account_id, "account_id"), _after(after), _limit(limit))
        return [follow_from_row(row) for row in self._all("following_of", params)]

    def _ids_of(self, name: str, key: int) -> frozenset[AccountId]:
        return frozenset(row[0] for row in self._all(name, (key,)))

    @guarded
    def follower_ids(self, account_id: AccountId) -> frozenset[AccountId]:
        return self._ids_of("follower_ids", _key(account_id, "account_id"))

    @guarded
    def following_ids(self, account_id: AccountId) -> frozenset[AccountId]:
        return self._ids_of("following_ids", _key(account_id, "account_id"))

    @guarded
    def add_request(self, request: FollowRequest) -> None:
        _checks.instance(request, FollowRequest, "request")
        params = follow_params(request)
        self._upsert("upsert_request", params, request.follower_id, request.followee_id)

    @guarded
    def remove_request(
        self, follower_id: AccountId, followee_id: AccountId
    ) -> FollowRequest | None:
        params = (_key(follower_id, "follower_id"), _key(followee_id, "followee_id"))
        self._u._lock_pair(*params)
        row = self._write("delete_request", params).fetchone()
        return None if row is None else request_from_row(row)

    @guarded
    def get_request(self, follower_id: AccountId, followee_id: AccountId) -> FollowRequest | None:
        params = (_key(follower_id, "follower_id"), _key(followee_id, "followee_id"))
        self._u._lock_pair(*params)
        row = self._one("get_request", params)
        return None if row is None else request_from_row(row)

    @guarded
    def requests_for(
        self, account_id: AccountId, *, after: AccountId | None = None, limit: int = 100
    ) -> list[FollowRequest]:
        params = (_key(account_id, "account_id"), _after(after), _limit(limit))
        return [request_from_row(row) for row in self._all("requests_for", params)]

    @guarded
    def add_block(self, block: Block) -> None:
        _checks.instance(block, Block, "block")
        params = (block.blocker_id, block.blocked_id, micros(block.created_at))
        self._upsert("upsert_block", params, block.blocker_id, block.blocked_id)

    @guarded
    def remove_block(self, blocker_id: AccountId, blocked_id: AccountId) -> Block | None:
        params = (_key(blocker_id, "blocker_id"), _key(blocked_id, "blocked_id"))
        self._u._lock_pair(*params)
        row = self._write("delete_block", params).fetchone()
        return None if row is None else block_from_row(row)

    @guarded
    def get_block(self, blocker_id: AccountId, blocked_id: AccountId) -> Block | None:
        params = (_key(blocker_id, "blocker_id"), _key(blocked_id, "blocked_id"))
        self._u._lock_pair(*params)
        row = self._one("get_block", params)
        return None if row is None else block_from_row(row)

    @guarded
    def blocked_ids(self, blocker_id: AccountId) -> frozenset[AccountId]:
        return self._ids_of("blocked_ids", _key(blocker_id, "blocker_id"))

    @guarded
    def blocker_ids(self, blocked_id: AccountId) -> frozenset[AccountId]:
        return self._ids_of("blocker_ids", _key(blocked_id, "blocked_id"))

    @guarded
    def add_mute(self, mute: Mute) -> None:
        _checks.instance(mute, Mute, "mute")
        params = (
            mute.muter_id,
            mute.muted_id,
            micros(mute.created_at),
            None if mute.expires_at is None else micros(mute.expires_at),
            mute.hide_notifications,
        )
        self._upsert("upsert_mute", params, mute.muter_id, mute.muted_id)

    @guarded
    def remove_mute(self, muter_id: AccountId, muted_id: AccountId) -> Mute | None:
        params = (_key(muter_id, "muter_id"), _key(muted_id, "muted_id"))
        self._u._lock_pair(*params)
        row = self._write("delete_mute", params).fetchone()
        return None if row is None else mute_from_row(row)

    @guarded
    def get_mute(
        self, muter_id: AccountId, muted_id: AccountId, *, at: datetime | None = None
    ) -> Mute | None:
        params = (_key(muter_id, "muter_id"), _key(muted_id, "muted_id"))
        self._u._lock_pair(*params)
        now = None if at is None else _checks.aware(at, "at")
        row = self._one("get_mute", params)
        if row is None:
            return None
        mute = mute_from_row(row)
        if now is not None and not mute.active_at(now):
            return None
        return mute

    @guarded
    def muted_ids(self, muter_id: AccountId, *, at: datetime) -> frozenset[AccountId]:
        key = _key(muter_id, "muter_id")
        now = micros(_checks.aware(at, "at"))
        return frozenset(row[0] for row in self._all("muted_ids", (key, now)))


class Engagement(_Repository):
    """Likes in ``likes``; the count is the post row's ``likes`` column."""

    __slots__ = ()

    @guarded
    def add_like(self, like: Like) -> None:
        _checks.instance(like, Like, "like")
        account, post = like.account_id, like.post_id
        params = (account, post, micros(like.created_at), account, post)
        if self._write("insert_like", params).rowcount:
            self._write("move_likes", (1, post))
            return
        if self._one("get_like", (account, post)) is not None:
            raise ConflictError(
                f"account {account} already likes post {post}",
                entity="like",
                key=(account, post),
            )
        if self._one("account_exists", (account,)) is None:
            raise NotFoundError("account", account)
        raise NotFoundError("post", post)

    @guarded
    def remove_like(self, account_id: AccountId, post_id: PostId) -> Like | None:
        params = (_key(account_id, "account_id"), _key(post_id, "post_id"))
        row = self._write("delete_like", params).fetchone()
        if row is None:
            return None
        self._write("move_likes", (-1, params[1]))
        return like_from_row(row)

    @guarded
    def get_like(self, account_id: AccountId, post_id: PostId) -> Like | None:
        params = (_key(account_id, "account_id"), _key(post_id, "post_id"))
        row = self._one("get_like", params)
        return None if row is None else like_from_row(row)

    @guarded
    def likes_of(
        self, post_id: PostId, *, after: AccountId | None = None, limit: int = 100
    ) -> list[Like]:
        params = (_key(post_id, "post_id"), _after(after), _limit(limit))
        return [like_from_row(row) for row in self._all("likes_of", params)]


def _entries(entries: object) -> list[tuple[int, int]]:
    pairs = []
    for entry in _checks.iterable(entries, "entries", "(post_id, author_id) pairs"):
        if not isinstance(entry, tuple) or len(entry) != 2:
            raise ValidationError(
                f"each feed entry must be a (post_id, author_id) pair, got {_checks.quote(entry)}",
                field="entries",
                value=entry,
            )
        pairs.append(
            (_checks.stored_id(entry[0], "post_id"), _checks.stored_id(entry[1], "author_id"))
        )
    return pairs


class Feeds(_Repository):
    """Home feeds in ``feed_entries``; ``feed_sizes`` keeps each feed's length for trimming."""

    __slots__ = ()

    def _add(self, readers: list[int], posts: list[int], authors: list[int], cap: int) -> None:
        if not readers:
            return
        added = [
            row[0]
            for row in self._write("feed_add_many", (ints(readers), ints(posts), ints(authors)))
        ]
        if not added:
            return
        self._write("feed_grow", (ints(added),))

    @guarded
    def insert(
        self, reader_ids: Iterable[AccountId], post_id: PostId, author_id: AccountId, *, cap: int
    ) -> None:
        readers = [
            _checks.stored_id(r, "reader_ids")
            for r in _checks.iterable(reader_ids, "reader_ids", "ids")
        ]
        post = _checks.stored_id(post_id, "post_id")
        author = _checks.stored_id(author_id, "author_id")
        limit = _limit(cap, "cap")
        self._u._writer()
        readers = list(dict.fromkeys(readers))
        self._add(readers, [post] * len(readers), [author] * len(readers), limit)
        # Readers whose feed already held the post may still be over a smaller cap.
        self._trim_over(readers, limit)

    def _trim_over(self, readers: list[int], cap: int) -> None:
        if not readers:
            return
        for reader, size in self._all("feeds_over", (ints(readers), cap)):
            self._write("feed_trim", {"r": reader, "n": size - cap})
            self._write("feed_set_size", (cap, reader))

    @guarded
    def merge(
        self, reader_id: AccountId, entries: Iterable[tuple[PostId, AccountId]], *, cap: int
    ) -> None:
        reader = _checks.stored_id(reader_id, "reader_id")
        limit = _limit(cap, "cap")
        pairs: dict[int, int] = {}
        for post, author in _entries(entries):
            pairs.setdefault(post, author)
        self._u._writer()
        self._add([reader] * len(pairs), list(pairs), list(pairs.values()), limit)
        self._trim_over([reader], limit)

    @guarded
    def remove_posts(self, reader_ids: Iterable[AccountId], post_ids: Iterable[PostId]) -> None:
        readers = _keys(reader_ids, "reader_ids")
        posts = _keys(post_ids, "post_ids")
        self._u._writer()
        if not posts or not readers:
            return
        removed = [row[0] for row in self._write("feed_remove_posts", (ints(readers), ints(posts)))]
        if removed:
            self._write("feed_shrink_many", (ints(removed),))

    @guarded
    def remove_author(self, reader_id: AccountId, author_id: AccountId) -> None:
        reader, author = _key(reader_id, "reader_id"), _key(author_id, "author_id")
        removed = self._write("feed_remove_author", (reader, author)).rowcount
        if removed:
            self._write("feed_shrink", (removed, reader))

    @guarded
    def read(
        self,
        reader_id: AccountId,
        *,
        max_id: PostId | None = None,
        min_id: PostId | None = None,
        limit: int = 20,
        ascending: bool = False,
    ) -> list[PostId]:
        reader = _key(reader_id, "reader_id")
        low, high = _bounds(max_id, min_id)
        name = "feed_read_asc" if _checks.flag(ascending, "ascending") else "feed_read_desc"
        return [row[0] for row in self._all(name, (reader, low, high, _limit(limit)))]

    @guarded
    def size(self, reader_id: AccountId) -> int:
        row = self._one("feed_size", (_key(reader_id, "reader_id"),))
        return 0 if row is None else int(row[0])

    @guarded
    def clear(self, reader_id: AccountId) -> None:
        reader = _key(reader_id, "reader_id")
        self._write("feed_clear", (reader,))
        self._write("feed_forget_size", (reader,))
