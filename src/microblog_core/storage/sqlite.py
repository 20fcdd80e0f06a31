"""The embedded, durable storage adapter, on the standard library's :mod:`sqlite3`.

:class:`SqliteStore` opens a file (or ``":memory:"``) and hands out units of
work that satisfy :class:`microblog_core.ports.UnitOfWork`. It passes the
contract suite in :mod:`microblog_core.testing.contracts`.

How it behaves:

- **Transactions.** One SQLite transaction per unit of work. A writing unit
  opens it with ``BEGIN IMMEDIATE`` (so two writers never deadlock on a lock
  upgrade); a read-only unit with a deferred ``BEGIN`` and refuses writes.
  The transaction starts at the unit's first operation; ``commit()`` and
  ``rollback()`` end it, and the next operation starts a new one. Leaving the
  ``with`` block rolls back whatever was not committed.
- **Durability.** ``journal_mode=WAL`` with ``synchronous=NORMAL``: a commit
  survives the process being killed (the WAL is in the operating system's
  page cache). Pass ``synchronous="full"`` to survive power loss too, at the
  price of an fsync per commit. ``":memory:"`` databases have no WAL.
- **Concurrency.** Between processes: SQLite's file locks; a writer waits up
  to ``busy_timeout`` seconds for another writer and retries with backoff
  when SQLite reports the database busy, so concurrent writers lose nothing.
  Between threads: the store has one connection (opened with
  ``check_same_thread=False``) and a lock that a unit holds from entering to
  leaving, so units of one store are serialized and each belongs to the
  thread that entered it. A unit that writes cannot be opened inside another
  unit of the same thread; a read-only one can, and then reads inside the
  outer unit's transaction, seeing its writes (as in the memory adapter).
- **Errors.** No :mod:`sqlite3` exception escapes. Constraint failures become
  :class:`~microblog_core.errors.ConflictError` (or its leaves) and
  :class:`~microblog_core.errors.NotFoundError`; anything else, including a
  corrupt or foreign file, becomes :class:`~microblog_core.errors.StorageError`.
  Arguments of the wrong type raise :class:`~microblog_core.errors.ValidationError`
  before any SQL runs. Every statement is a constant with ``?`` parameters.
- **Schema.** See ``microblog_core.storage._sqlite_schema``: versioned with
  ``PRAGMA user_version``, migrated forward on open; a file from a newer
  version is refused.

Example:
    >>> from datetime import datetime, timezone
    >>> from microblog_core.models import Account
    >>> from microblog_core.storage.sqlite import SqliteStore
    >>> with SqliteStore(":memory:") as store:
    ...     with store.unit_of_work() as unit:
    ...         unit.accounts.add(
    ...             Account.create(
    ...                 id=1, handle="Ada", created_at=datetime(2026, 1, 1, tzinfo=timezone.utc)
    ...             )
    ...         )
    ...         unit.commit()
    ...     with store.unit_of_work(readonly=True) as unit:
    ...         unit.accounts.by_handle("ada").id
    1
"""

import functools
import json
import os
import sqlite3
import threading
import time
from collections.abc import Callable, Iterable, Iterator
from datetime import datetime, timedelta
from pathlib import Path
from types import TracebackType
from typing import TYPE_CHECKING, Any, Final, ParamSpec, Self, TypeVar

import cattrs

from microblog_core.clock import ensure_utc
from microblog_core.errors import (
    ConflictError,
    DuplicateHandleError,
    DuplicateRepostError,
    InvalidIdError,
    MicroblogError,
    NotFoundError,
    StorageError,
    TransientStorageError,
    ValidationError,
)
from microblog_core.ids import EPOCH, MAX_ID, AccountId, PostId, validate_id
from microblog_core.models import (
    Account,
    AccountCounters,
    AccountKind,
    Attachment,
    Block,
    Follow,
    FollowRequest,
    Like,
    Mute,
    Post,
    PostCounters,
    QuotePolicy,
    ReplyAudience,
    ReplyGate,
    ReplyRef,
    RepostRef,
    Visibility,
)
from microblog_core.ports import (
    AccountRepository,
    EngagementRepository,
    FeedRepository,
    PostRepository,
    RelationRepository,
    Store,
    UnitOfWork,
)
from microblog_core.storage._external_feeds import ExternalFeeds, ExternalFeedsUnit
from microblog_core.storage._sqlite_schema import migrate

__all__ = ["SqliteStore", "SqliteUnitOfWork"]

_P = ParamSpec("_P")
_R = TypeVar("_R")

_MICRO: Final = timedelta(microseconds=1)
# A k-way merge reads the head of every followee's stream but pops only a
# page's worth of posts: a first chunk of one row keeps the heads cheap (a
# page over 1,000 followees reads ~1,000 rows, not 64,000), and doubling keeps
# a long scan to O(log n) queries.
_STREAM_FIRST_CHUNK: Final = 1
_STREAM_MAX_CHUNK: Final = 256
_BUSY_CODES: Final = frozenset({5, 6})  # SQLITE_BUSY, SQLITE_LOCKED (primary codes)
_BROKEN_FILE_CODES: Final = frozenset({11, 26})  # SQLITE_CORRUPT, SQLITE_NOTADB
_PK: Final = "SQLITE_CONSTRAINT_PRIMARYKEY"
_UNIQUE: Final = "SQLITE_CONSTRAINT_UNIQUE"
_FK: Final = "SQLITE_CONSTRAINT_FOREIGNKEY"
_SYNCHRONOUS: Final = {"normal": "NORMAL", "full": "FULL"}


# --- errors -------------------------------------------------------------------------------


def _primary_code(exc: sqlite3.Error) -> int:
    return int(getattr(exc, "sqlite_errorcode", 0) or 0) & 0xFF


def _translate(exc: sqlite3.Error, where: str = "the database") -> MicroblogError:
    """Map an :mod:`sqlite3` exception the adapter did not expect to a library error."""
    name = getattr(exc, "sqlite_errorname", "") or ""
    if isinstance(exc, sqlite3.IntegrityError):
        if name == _FK:
            return NotFoundError("row", None, f"a referenced row does not exist ({exc})")
        if name in (_PK, _UNIQUE):
            return ConflictError(f"a uniqueness rule was broken ({exc})", entity="row", key=None)
        return StorageError(f"{where} refused a write: {exc}")
    code = _primary_code(exc)
    if code in _BUSY_CODES:
        return TransientStorageError(
            f"{where} is locked by another connection and stayed locked past the busy timeout"
            f" ({exc})"
        )
    if code in _BROKEN_FILE_CODES:
        return StorageError(f"{where} is corrupt or not a SQLite database ({exc})")
    if isinstance(exc, sqlite3.ProgrammingError) and "closed" in str(exc):
        return StorageError(f"{where} is closed")
    return StorageError(f"SQLite failed on {where}: {exc}")


def _guarded(method: Callable[_P, _R]) -> Callable[_P, _R]:
    """Let no :mod:`sqlite3` exception escape ``method``."""

    @functools.wraps(method)
    def wrapper(*args: _P.args, **kwargs: _P.kwargs) -> _R:
        try:
            return method(*args, **kwargs)
        except sqlite3.Error as exc:
            raise _translate(exc) from exc
        except UnicodeEncodeError as exc:
            raise ValidationError(
                "text to store must be valid Unicode: SQLite keeps UTF-8, which has no lone "
                f"surrogates ({exc})",
                field="text",
                value=exc.object,
            ) from exc
        except OverflowError as exc:
            raise ValidationError(
                f"a number is too large for SQLite's 64-bit integers ({exc})",
                field="value",
                value=None,
            ) from exc

    return wrapper


# --- argument checks ----------------------------------------------------------------------


_NO_ID: Final = 0
"""What a lookup searches for when given an int no stored id can equal (ids start at 1)."""


def _id(value: object, field: str) -> int:
    """An id to look up: any int (not bool); one outside ``1..MAX_ID`` matches nothing."""
    if value.__class__ is not int:
        if isinstance(value, bool) or not isinstance(value, int):
            raise InvalidIdError(
                f"{field} must be an integer id, got {type(value).__name__}",
                field=field,
                value=value,
            )
        value = int(value)
    return value if 0 < value <= MAX_ID else _NO_ID


def _ids(values: Iterable[object], field: str, *, stored: bool = False) -> list[int]:
    if isinstance(values, str | bytes) or not isinstance(values, Iterable):
        raise ValidationError(
            f"{field} must be an iterable of ids, got {type(values).__name__}",
            field=field,
            value=values,
        )
    if stored:
        return [_stored_id(v, field) for v in values]
    return [_id(v, field) for v in values]


def _stored_id(value: object, field: str) -> int:
    """An id to store: an int in ``1..MAX_ID``."""
    return int(validate_id(value, field=field))


def _limit(value: object, field: str = "limit") -> int:
    """A limit or cap: an int of at least 1 (beyond SQLite's range it means no limit)."""
    if isinstance(value, bool) or not isinstance(value, int) or value < 1:
        raise ValidationError(
            f"{field} must be an integer of at least 1, got {value!r}", field=field, value=value
        )
    return min(int(value), MAX_ID)


def _optional_limit(value: object) -> int:
    return -1 if value is None else _limit(value)


def _cursor(value: object, field: str) -> int:
    """A bound or cursor: any int (clamped by the queries), or None."""
    if isinstance(value, bool) or not isinstance(value, int):
        raise InvalidIdError(
            f"{field} must be an integer id or None, got {type(value).__name__}",
            field=field,
            value=value,
        )
    return int(value)


def _after(value: object) -> int:
    return 0 if value is None else min(max(_cursor(value, "after"), 0), MAX_ID)


_EMPTY_RANGE: Final = (1, 0)


def _bounds(max_id: object, min_id: object) -> tuple[int, int]:
    """Turn exclusive ``max_id`` / ``min_id`` into inclusive ``(low, high)`` id bounds.

    Both stay within SQLite's integers; a range that holds no valid id comes
    back as ``(1, 0)``, which every query answers with nothing.
    """
    high = MAX_ID if max_id is None else _cursor(max_id, "max_id") - 1
    low = 1 if min_id is None else _cursor(min_id, "min_id") + 1
    if high < 1 or low > MAX_ID:
        return _EMPTY_RANGE
    return max(low, 1), min(high, MAX_ID)


def _storable(text: str) -> bool:
    """Whether SQLite can hold ``text`` (UTF-8 has no lone surrogates)."""
    try:
        text.encode()
    except UnicodeEncodeError:
        return False
    return True


def _bool(value: object, field: str) -> bool:
    if not isinstance(value, bool):
        raise ValidationError(
            f"{field} must be a bool, got {type(value).__name__}", field=field, value=value
        )
    return value


def _expect(value: object, cls: type, field: str) -> None:
    if not isinstance(value, cls):
        raise ValidationError(
            f"{field} must be a {cls.__name__}, got {type(value).__name__}",
            field=field,
            value=value,
        )


def _text(value: object, field: str) -> str:
    if not isinstance(value, str):
        raise ValidationError(
            f"{field} must be a str, got {type(value).__name__}", field=field, value=value
        )
    return value


# --- values <-> columns -------------------------------------------------------------------


def _micros(value: datetime) -> int:
    return (value - EPOCH) // _MICRO


def _instant(micros: int) -> datetime:
    return EPOCH + timedelta(microseconds=micros)


_VISIBILITY: Final = {v.value: v for v in Visibility}
_QUOTE_POLICY: Final = {q.value: q for q in QuotePolicy}
_KIND: Final = {k.value: k for k in AccountKind}
_GATES: dict[str | None, ReplyGate] = {None: ReplyGate.ANYONE, "": ReplyGate.NOBODY}
_ATTACHMENTS_TYPE: Final = tuple[Attachment, ...]
_converter: cattrs.Converter | None = None


def _attachment_converter() -> cattrs.Converter:
    global _converter  # noqa: PLW0603  # built on first use: most posts carry no attachment
    if _converter is None:
        from microblog_core.serialization import make_converter

        _converter = make_converter()
    return _converter


def _dump_attachments(attachments: tuple[Attachment, ...]) -> str:
    data = _attachment_converter().unstructure(attachments, _ATTACHMENTS_TYPE)
    return json.dumps(data, ensure_ascii=False, separators=(",", ":"))


def _load_attachments(text: str) -> tuple[Attachment, ...]:
    value: tuple[Attachment, ...] = _attachment_converter().structure(
        json.loads(text), _ATTACHMENTS_TYPE
    )
    return value


def _dump_gate(gate: ReplyGate) -> str | None:
    allow = gate.allow
    return None if allow is None else ",".join(a.value for a in allow)


def _load_gate(text: str | None) -> ReplyGate:
    gate = _GATES.get(text)
    if gate is None:
        assert text is not None  # noqa: S101  # None is always cached
        gate = ReplyGate(allow=tuple(ReplyAudience(v) for v in text.split(",")))
        _GATES[text] = gate
    return gate


def _dump_languages(languages: tuple[str, ...] | None) -> str | None:
    return None if languages is None else ",".join(languages)


def _load_languages(text: str | None) -> tuple[str, ...] | None:
    if text is None:
        return None
    return tuple(text.split(",")) if text else ()


_NO_REPLY: Final = (None, None, None, None)
_NO_REPOST: Final = (None, None, None, None)


def _post_params(post: Post) -> tuple[Any, ...]:
    """The ``posts`` row of a post, in the column order of ``_INSERT_POST``."""
    reply = post.reply_to
    repost = post.repost_of
    return (
        post.id,
        post.author_id,
        (post.created_at - EPOCH) // _MICRO,
        post.text,
        post.visibility.value,
        *(
            _NO_REPLY
            if reply is None
            else (reply.root_id, reply.parent_id, reply.parent_author_id, reply.addressee_id)
        ),
        *(
            _NO_REPOST
            if repost is None
            else (repost.root_id, repost.root_author_id, repost.via_id, repost.via_author_id)
        ),
        post.quote_of,
        post.language,
        post.content_warning,
        _dump_attachments(post.attachments) if post.attachments else None,
        json.dumps(post.mentions) if post.mentions else None,
        json.dumps(post.tags, ensure_ascii=False) if post.tags else None,
        None if post.reply_gate.allow is None else _dump_gate(post.reply_gate),
        post.quote_policy.value,
        post.hidden,
    )


def _row_error(kind: str, row: tuple[Any, ...], exc: Exception) -> StorageError:
    """A row that does not make a valid value any more (edited or damaged outside the adapter)."""
    return StorageError(f"a stored {kind} row cannot be read back ({exc!r}): {row!r}")


def _post_from_row(row: tuple[Any, ...]) -> Post:
    try:
        (
            id_,
            author_id,
            created_at,
            text,
            visibility,
            reply_root,
            reply_parent,
            reply_parent_author,
            reply_addressee,
            repost_root,
            repost_root_author,
            repost_via,
            repost_via_author,
            quote_of,
            language,
            content_warning,
            attachments,
            mentions,
            tags,
            reply_gate,
            quote_policy,
            hidden,
        ) = row
        return Post(
            id=id_,
            author_id=author_id,
            created_at=EPOCH + timedelta(microseconds=created_at),
            text=text,
            visibility=_VISIBILITY[visibility],
            reply_to=None
            if reply_root is None
            else ReplyRef(
                root_id=reply_root,
                parent_id=reply_parent,
                parent_author_id=reply_parent_author,
                addressee_id=reply_addressee,
            ),
            repost_of=None
            if repost_root is None
            else RepostRef(
                root_id=repost_root,
                root_author_id=repost_root_author,
                via_id=repost_via,
                via_author_id=repost_via_author,
            ),
            quote_of=quote_of,
            language=language,
            content_warning=content_warning,
            attachments=() if attachments is None else _load_attachments(attachments),
            mentions=() if mentions is None else json.loads(mentions),
            tags=() if tags is None else json.loads(tags),
            reply_gate=_load_gate(reply_gate),
            quote_policy=_QUOTE_POLICY[quote_policy],
            hidden=bool(hidden),
        )
    except Exception as exc:
        raise _row_error("post", row, exc) from exc


def _account_params(account: Account) -> tuple[Any, ...]:
    return (
        account.id,
        account.handle,
        account.handle.casefold(),
        _micros(account.created_at),
        account.display_name,
        account.bio,
        account.kind.value,
        account.verified,
        account.locked,
    )


def _account_from_row(row: tuple[Any, ...]) -> Account:
    try:
        return Account(
            id=row[0],
            handle=row[1],
            created_at=_instant(row[2]),
            display_name=row[3],
            bio=row[4],
            kind=_KIND[row[5]],
            verified=bool(row[6]),
            locked=bool(row[7]),
        )
    except Exception as exc:
        raise _row_error("account", row, exc) from exc


_FollowLike = TypeVar("_FollowLike", Follow, FollowRequest)


def _follow_like_from_row(cls: type[_FollowLike], what: str, row: tuple[Any, ...]) -> _FollowLike:
    # A follow and a pending request share their columns and options.
    try:
        return cls(
            follower_id=row[0],
            followee_id=row[1],
            created_at=_instant(row[2]),
            show_reposts=bool(row[3]),
            notify=bool(row[4]),
            languages=_load_languages(row[5]),
        )
    except Exception as exc:
        raise _row_error(what, row, exc) from exc


def _follow_from_row(row: tuple[Any, ...]) -> Follow:
    return _follow_like_from_row(Follow, "follow", row)


def _request_from_row(row: tuple[Any, ...]) -> FollowRequest:
    return _follow_like_from_row(FollowRequest, "follow request", row)


def _block_from_row(row: tuple[Any, ...]) -> Block:
    try:
        return Block(blocker_id=row[0], blocked_id=row[1], created_at=_instant(row[2]))
    except Exception as exc:
        raise _row_error("block", row, exc) from exc


def _mute_from_row(row: tuple[Any, ...]) -> Mute:
    try:
        return Mute(
            muter_id=row[0],
            muted_id=row[1],
            created_at=_instant(row[2]),
            expires_at=None if row[3] is None else _instant(row[3]),
            hide_notifications=bool(row[4]),
        )
    except Exception as exc:
        raise _row_error("mute", row, exc) from exc


def _like_from_row(row: tuple[Any, ...]) -> Like:
    try:
        return Like(account_id=row[0], post_id=row[1], created_at=_instant(row[2]))
    except Exception as exc:
        raise _row_error("like", row, exc) from exc


# --- SQL ----------------------------------------------------------------------------------
# Every statement is a constant; values always travel as ``?`` parameters. Pages whose
# index is right whatever the data (an author's posts, an account's followers) name it
# with INDEXED BY, so statistics from ANALYZE on skewed data cannot turn them into scans.

_INSERT_ACCOUNT = (
    "INSERT INTO accounts (id, handle, handle_key, created_at, display_name, bio, kind, "
    "verified, locked) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?)"
)
_UPDATE_ACCOUNT = (
    "UPDATE accounts SET handle = ?2, handle_key = ?3, created_at = ?4, display_name = ?5, "
    "bio = ?6, kind = ?7, verified = ?8, locked = ?9 WHERE id = ?1"
)
_ACCOUNT_BY_ID = (
    "SELECT id, handle, created_at, display_name, bio, kind, verified, locked FROM accounts "
    "WHERE id = ?"
)
_ACCOUNT_BY_HANDLE = (
    "SELECT id, handle, created_at, display_name, bio, kind, verified, locked FROM accounts "
    "WHERE handle_key = ?"
)
_ACCOUNTS_BY_IDS = (
    "SELECT id, handle, created_at, display_name, bio, kind, verified, locked FROM accounts "
    "WHERE id IN (SELECT value FROM json_each(?))"
)
_ACCOUNT_PAGE = (
    "SELECT id, handle, created_at, display_name, bio, kind, verified, locked FROM accounts "
    "WHERE id > ? ORDER BY id LIMIT ?"
)
_ACCOUNT_COUNTERS = "SELECT followers, following, posts FROM accounts WHERE id = ?"
_MOVE_ACCOUNT_COUNTERS = (
    "UPDATE accounts SET followers = followers + ?, following = following + ?, posts = posts "
    "+ ? WHERE id = ?"
)
_ACCOUNTS_PRESENT = "SELECT id FROM accounts WHERE id IN (?, ?)"
_TOTAL = "SELECT n FROM totals WHERE name = ?"
_MOVE_TOTAL = "UPDATE totals SET n = n + ? WHERE name = ?"
_INSERT_POST = (
    "INSERT INTO posts (id, author_id, created_at, text, visibility, reply_root_id, "
    "reply_parent_id, reply_parent_author_id, reply_addressee_id, repost_root_id, "
    "repost_root_author_id, repost_via_id, repost_via_author_id, quote_of, language, "
    "content_warning, attachments, mentions, tags, reply_gate, quote_policy, hidden) VALUES "
    "(?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)"
)
_UPDATE_POST = (
    "UPDATE posts SET created_at = ?3, text = ?4, visibility = ?5, language = ?15, "
    "content_warning = ?16, attachments = ?17, mentions = ?18, tags = ?19, reply_gate = ?20, "
    "quote_policy = ?21, hidden = ?22 WHERE id = ?1"
)
_POST_BY_ID = (
    "SELECT id, author_id, created_at, text, visibility, reply_root_id, reply_parent_id, "
    "reply_parent_author_id, reply_addressee_id, repost_root_id, repost_root_author_id, "
    "repost_via_id, repost_via_author_id, quote_of, language, content_warning, attachments, "
    "mentions, tags, reply_gate, quote_policy, hidden FROM posts WHERE id = ?"
)
_POSTS_BY_IDS = (
    "SELECT id, author_id, created_at, text, visibility, reply_root_id, reply_parent_id, "
    "reply_parent_author_id, reply_addressee_id, repost_root_id, repost_root_author_id, "
    "repost_via_id, repost_via_author_id, quote_of, language, content_warning, attachments, "
    "mentions, tags, reply_gate, quote_policy, hidden FROM posts WHERE id IN (SELECT value "
    "FROM json_each(?))"
)
_DELETE_POST = "DELETE FROM posts WHERE id = ?"
_BY_AUTHOR_DESC = (
    "SELECT id, author_id, created_at, text, visibility, reply_root_id, reply_parent_id, "
    "reply_parent_author_id, reply_addressee_id, repost_root_id, repost_root_author_id, "
    "repost_via_id, repost_via_author_id, quote_of, language, content_warning, attachments, "
    "mentions, tags, reply_gate, quote_policy, hidden FROM posts INDEXED BY posts_by_author "
    "WHERE author_id = ? AND id >= ? AND id <= ? ORDER BY id DESC LIMIT ?"
)
_BY_AUTHOR_ASC = (
    "SELECT id, author_id, created_at, text, visibility, reply_root_id, reply_parent_id, "
    "reply_parent_author_id, reply_addressee_id, repost_root_id, repost_root_author_id, "
    "repost_via_id, repost_via_author_id, quote_of, language, content_warning, attachments, "
    "mentions, tags, reply_gate, quote_policy, hidden FROM posts INDEXED BY posts_by_author "
    "WHERE author_id = ? AND id >= ? AND id <= ? ORDER BY id LIMIT ?"
)
_REPLIES_TO = (
    "SELECT id, author_id, created_at, text, visibility, reply_root_id, reply_parent_id, "
    "reply_parent_author_id, reply_addressee_id, repost_root_id, repost_root_author_id, "
    "repost_via_id, repost_via_author_id, quote_of, language, content_warning, attachments, "
    "mentions, tags, reply_gate, quote_policy, hidden FROM posts WHERE reply_parent_id = ? "
    "ORDER BY id LIMIT ?"
)
_IN_THREAD = (
    "SELECT id, author_id, created_at, text, visibility, reply_root_id, reply_parent_id, "
    "reply_parent_author_id, reply_addressee_id, repost_root_id, repost_root_author_id, "
    "repost_via_id, repost_via_author_id, quote_of, language, content_warning, attachments, "
    "mentions, tags, reply_gate, quote_policy, hidden FROM posts WHERE reply_root_id = ? "
    "ORDER BY id"
)
_REPOSTS_OF = (
    "SELECT id, author_id, created_at, text, visibility, reply_root_id, reply_parent_id, "
    "reply_parent_author_id, reply_addressee_id, repost_root_id, repost_root_author_id, "
    "repost_via_id, repost_via_author_id, quote_of, language, content_warning, attachments, "
    "mentions, tags, reply_gate, quote_policy, hidden FROM posts WHERE repost_root_id = ? "
    "ORDER BY id LIMIT ?"
)
_REPOST_BY = (
    "SELECT id, author_id, created_at, text, visibility, reply_root_id, reply_parent_id, "
    "reply_parent_author_id, reply_addressee_id, repost_root_id, repost_root_author_id, "
    "repost_via_id, repost_via_author_id, quote_of, language, content_warning, attachments, "
    "mentions, tags, reply_gate, quote_policy, hidden FROM posts WHERE author_id = ? AND "
    "repost_root_id = ?"
)
_QUOTES_OF = (
    "SELECT id, author_id, created_at, text, visibility, reply_root_id, reply_parent_id, "
    "reply_parent_author_id, reply_addressee_id, repost_root_id, repost_root_author_id, "
    "repost_via_id, repost_via_author_id, quote_of, language, content_warning, attachments, "
    "mentions, tags, reply_gate, quote_policy, hidden FROM posts WHERE quote_of = ? ORDER BY "
    "id LIMIT ?"
)
_WITH_TAG = (
    "SELECT p.id, p.author_id, p.created_at, p.text, p.visibility, p.reply_root_id, "
    "p.reply_parent_id, p.reply_parent_author_id, p.reply_addressee_id, p.repost_root_id, "
    "p.repost_root_author_id, p.repost_via_id, p.repost_via_author_id, p.quote_of, "
    "p.language, p.content_warning, p.attachments, p.mentions, p.tags, p.reply_gate, "
    "p.quote_policy, p.hidden FROM post_tags AS t JOIN posts AS p ON p.id = t.post_id WHERE "
    "t.tag = ? AND t.post_id >= ? AND t.post_id <= ? ORDER BY t.post_id DESC LIMIT ?"
)
_MENTIONING = (
    "SELECT p.id, p.author_id, p.created_at, p.text, p.visibility, p.reply_root_id, "
    "p.reply_parent_id, p.reply_parent_author_id, p.reply_addressee_id, p.repost_root_id, "
    "p.repost_root_author_id, p.repost_via_id, p.repost_via_author_id, p.quote_of, "
    "p.language, p.content_warning, p.attachments, p.mentions, p.tags, p.reply_gate, "
    "p.quote_policy, p.hidden FROM post_mentions AS m JOIN posts AS p ON p.id = m.post_id "
    "WHERE m.account_id = ? AND m.post_id >= ? AND m.post_id <= ? ORDER BY m.post_id DESC "
    "LIMIT ?"
)
_PUBLIC = {
    (True, True): (
        "SELECT id, author_id, created_at, text, visibility, reply_root_id, reply_parent_id, "
        "reply_parent_author_id, reply_addressee_id, repost_root_id, repost_root_author_id, "
        "repost_via_id, repost_via_author_id, quote_of, language, content_warning, "
        "attachments, mentions, tags, reply_gate, quote_policy, hidden FROM posts WHERE "
        "visibility = 'public' AND id >= ? AND id <= ? ORDER BY id DESC LIMIT ?"
    ),
    (False, True): (
        "SELECT id, author_id, created_at, text, visibility, reply_root_id, reply_parent_id, "
        "reply_parent_author_id, reply_addressee_id, repost_root_id, repost_root_author_id, "
        "repost_via_id, repost_via_author_id, quote_of, language, content_warning, "
        "attachments, mentions, tags, reply_gate, quote_policy, hidden FROM posts WHERE "
        "visibility = 'public' AND id >= ? AND id <= ? AND reply_root_id IS NULL ORDER BY id "
        "DESC LIMIT ?"
    ),
    (True, False): (
        "SELECT id, author_id, created_at, text, visibility, reply_root_id, reply_parent_id, "
        "reply_parent_author_id, reply_addressee_id, repost_root_id, repost_root_author_id, "
        "repost_via_id, repost_via_author_id, quote_of, language, content_warning, "
        "attachments, mentions, tags, reply_gate, quote_policy, hidden FROM posts WHERE "
        "visibility = 'public' AND id >= ? AND id <= ? AND repost_root_id IS NULL ORDER BY id"
        " DESC LIMIT ?"
    ),
    (False, False): (
        "SELECT id, author_id, created_at, text, visibility, reply_root_id, reply_parent_id, "
        "reply_parent_author_id, reply_addressee_id, repost_root_id, repost_root_author_id, "
        "repost_via_id, repost_via_author_id, quote_of, language, content_warning, "
        "attachments, mentions, tags, reply_gate, quote_policy, hidden FROM posts WHERE "
        "visibility = 'public' AND id >= ? AND id <= ? AND reply_root_id IS NULL AND "
        "repost_root_id IS NULL ORDER BY id DESC LIMIT ?"
    ),
}
_SCAN = (
    "SELECT id, author_id, created_at, text, visibility, reply_root_id, reply_parent_id, "
    "reply_parent_author_id, reply_addressee_id, repost_root_id, repost_root_author_id, "
    "repost_via_id, repost_via_author_id, quote_of, language, content_warning, attachments, "
    "mentions, tags, reply_gate, quote_policy, hidden FROM posts WHERE id > ? ORDER BY id "
    "LIMIT ?"
)
_POST_COUNTERS = "SELECT replies, reposts, quotes, likes FROM posts WHERE id = ?"
_MOVE_REPLIES = "UPDATE posts SET replies = max(replies + ?, 0) WHERE id = ?"
_MOVE_REPOSTS = "UPDATE posts SET reposts = max(reposts + ?, 0) WHERE id = ?"
_MOVE_QUOTES = "UPDATE posts SET quotes = max(quotes + ?, 0) WHERE id = ?"
_MOVE_LIKES = "UPDATE posts SET likes = max(likes + ?, 0) WHERE id = ?"
_ANY_DANGLING = "SELECT EXISTS (SELECT 1 FROM dangling_refs)"
_NOTE_DANGLING = "INSERT OR IGNORE INTO dangling_refs (post_id) VALUES (?)"
_FORGET_DANGLING = "DELETE FROM dangling_refs WHERE post_id = ?"
_RECOUNT_POST = (
    "UPDATE posts SET replies = (SELECT count(*) FROM posts AS r WHERE r.reply_parent_id = ?1), "
    "reposts = (SELECT count(*) FROM posts AS r WHERE r.repost_root_id = ?1), "
    "quotes = (SELECT count(*) FROM posts AS r WHERE r.quote_of = ?1) WHERE id = ?1"
)
_INSERT_TAG = "INSERT OR IGNORE INTO post_tags (tag, post_id) VALUES (?, ?)"
_DELETE_TAG = "DELETE FROM post_tags WHERE tag = ? AND post_id = ?"
_INSERT_MENTION = "INSERT OR IGNORE INTO post_mentions (account_id, post_id) VALUES (?, ?)"
_DELETE_MENTION = "DELETE FROM post_mentions WHERE account_id = ? AND post_id = ?"
_DELETE_POST_LIKES = "DELETE FROM likes WHERE post_id = ?"
_INSERT_FOLLOW = (
    "INSERT INTO follows (follower_id, followee_id, created_at, show_reposts, notify, "
    "languages) VALUES (?, ?, ?, ?, ?, ?) ON CONFLICT DO NOTHING"
)
_REPLACE_FOLLOW = (
    "UPDATE follows SET created_at = ?3, show_reposts = ?4, notify = ?5, languages = ?6 WHERE"
    " follower_id = ?1 AND followee_id = ?2"
)
_DELETE_FOLLOW = (
    "DELETE FROM follows WHERE follower_id = ? AND followee_id = ? RETURNING follower_id, "
    "followee_id, created_at, show_reposts, notify, languages"
)
_GET_FOLLOW = (
    "SELECT follower_id, followee_id, created_at, show_reposts, notify, languages FROM "
    "follows WHERE follower_id = ? AND followee_id = ?"
)
_FOLLOWERS_OF = (
    "SELECT follower_id, followee_id, created_at, show_reposts, notify, languages FROM "
    "follows INDEXED BY follows_by_followee WHERE followee_id = ? AND follower_id > ? "
    "ORDER BY follower_id LIMIT ?"
)
_FOLLOWING_OF = (
    "SELECT follower_id, followee_id, created_at, show_reposts, notify, languages FROM "
    "follows WHERE follower_id = ? AND followee_id > ? ORDER BY followee_id LIMIT ?"
)
_FOLLOWER_IDS = "SELECT follower_id FROM follows WHERE followee_id = ?"
_FOLLOWING_IDS = "SELECT followee_id FROM follows WHERE follower_id = ?"
_UPSERT_REQUEST = (
    "INSERT INTO follow_requests (follower_id, followee_id, created_at, show_reposts, notify,"
    " languages) VALUES (?, ?, ?, ?, ?, ?) ON CONFLICT DO UPDATE SET created_at = "
    "excluded.created_at, show_reposts = excluded.show_reposts, notify = excluded.notify, "
    "languages = excluded.languages"
)
_DELETE_REQUEST = (
    "DELETE FROM follow_requests WHERE follower_id = ? AND followee_id = ? RETURNING "
    "follower_id, followee_id, created_at, show_reposts, notify, languages"
)
_GET_REQUEST = (
    "SELECT follower_id, followee_id, created_at, show_reposts, notify, languages FROM "
    "follow_requests WHERE follower_id = ? AND followee_id = ?"
)
_REQUESTS_FOR = (
    "SELECT follower_id, followee_id, created_at, show_reposts, notify, languages FROM "
    "follow_requests INDEXED BY follow_requests_by_followee WHERE followee_id = ? "
    "AND follower_id > ? ORDER BY follower_id LIMIT ?"
)
_UPSERT_BLOCK = (
    "INSERT INTO blocks (blocker_id, blocked_id, created_at) VALUES (?, ?, ?) ON CONFLICT DO "
    "UPDATE SET created_at = excluded.created_at"
)
_DELETE_BLOCK = (
    "DELETE FROM blocks WHERE blocker_id = ? AND blocked_id = ? RETURNING blocker_id, "
    "blocked_id, created_at"
)
_GET_BLOCK = (
    "SELECT blocker_id, blocked_id, created_at FROM blocks WHERE blocker_id = ? AND blocked_id = ?"
)
_BLOCKED_IDS = "SELECT blocked_id FROM blocks WHERE blocker_id = ?"
_BLOCKER_IDS = "SELECT blocker_id FROM blocks WHERE blocked_id = ?"
_UPSERT_MUTE = (
    "INSERT INTO mutes (muter_id, muted_id, created_at, expires_at, hide_notifications) "
    "VALUES (?, ?, ?, ?, ?) ON CONFLICT DO UPDATE SET created_at = excluded.created_at, "
    "expires_at = excluded.expires_at, hide_notifications = excluded.hide_notifications"
)
_DELETE_MUTE = (
    "DELETE FROM mutes WHERE muter_id = ? AND muted_id = ? RETURNING muter_id, muted_id, "
    "created_at, expires_at, hide_notifications"
)
_GET_MUTE = (
    "SELECT muter_id, muted_id, created_at, expires_at, hide_notifications FROM mutes WHERE "
    "muter_id = ? AND muted_id = ?"
)
_MUTED_IDS = (
    "SELECT muted_id FROM mutes WHERE muter_id = ? AND (expires_at IS NULL OR expires_at > ?)"
)
_INSERT_LIKE = "INSERT INTO likes (account_id, post_id, created_at) VALUES (?, ?, ?)"
_DELETE_LIKE = (
    "DELETE FROM likes WHERE account_id = ? AND post_id = ? RETURNING account_id, post_id, "
    "created_at"
)
_GET_LIKE = "SELECT account_id, post_id, created_at FROM likes WHERE account_id = ? AND post_id = ?"
_LIKES_OF = (
    "SELECT account_id, post_id, created_at FROM likes WHERE post_id = ? AND account_id > ? "
    "ORDER BY account_id LIMIT ?"
)
_POST_EXISTS = "SELECT 1 FROM posts WHERE id = ?"
_ACCOUNT_EXISTS = "SELECT 1 FROM accounts WHERE id = ?"
_FEED_ADD = (
    "INSERT INTO feed_entries (reader_id, post_id, author_id) VALUES (?, ?, ?) ON CONFLICT DO"
    " NOTHING"
)
_FEED_GROW = (
    "INSERT INTO feed_sizes (reader_id, n) VALUES (?, ?) ON CONFLICT (reader_id) DO UPDATE "
    "SET n = n + excluded.n RETURNING n"
)
_FEED_SHRINK = "UPDATE feed_sizes SET n = max(n - ?, 0) WHERE reader_id = ?"
_FEED_SET_SIZE = "UPDATE feed_sizes SET n = ? WHERE reader_id = ?"
_FEED_SIZE = "SELECT n FROM feed_sizes WHERE reader_id = ?"
_FEED_TRIM = (
    "DELETE FROM feed_entries WHERE reader_id = ?1 AND post_id IN (SELECT post_id FROM "
    "feed_entries WHERE reader_id = ?1 ORDER BY post_id LIMIT ?2)"
)
_FEED_REMOVE_POST = "DELETE FROM feed_entries WHERE reader_id = ? AND post_id = ?"
_FEED_REMOVE_AUTHOR = "DELETE FROM feed_entries WHERE reader_id = ? AND author_id = ?"
_FEED_CLEAR = "DELETE FROM feed_entries WHERE reader_id = ?"
_FEED_FORGET_SIZE = "DELETE FROM feed_sizes WHERE reader_id = ?"
_FEED_READ_DESC = (
    "SELECT post_id FROM feed_entries WHERE reader_id = ? AND post_id >= ? AND post_id <= ? "
    "ORDER BY post_id DESC LIMIT ?"
)
_FEED_READ_ASC = (
    "SELECT post_id FROM feed_entries WHERE reader_id = ? AND post_id >= ? AND post_id <= ? "
    "ORDER BY post_id LIMIT ?"
)


# --- repositories -------------------------------------------------------------------------


class _Repository:
    __slots__ = ("_u",)

    def __init__(self, unit: "SqliteUnitOfWork") -> None:
        self._u = unit


class _Accounts(_Repository):
    """Accounts in the ``accounts`` table, with their counters in the same row."""

    __slots__ = ()

    @_guarded
    def add(self, account: Account) -> None:
        _expect(account, Account, "account")
        conn = self._u._writer()
        try:
            conn.execute(_INSERT_ACCOUNT, _account_params(account))
        except sqlite3.IntegrityError as exc:
            if exc.sqlite_errorname == _PK:
                raise ConflictError(
                    f"an account with id {account.id} already exists",
                    entity="account",
                    key=account.id,
                ) from None
            if exc.sqlite_errorname == _UNIQUE:
                raise DuplicateHandleError(account.handle) from None
            raise
        self._u._new_totals[0] += 1

    @_guarded
    def update(self, account: Account) -> None:
        _expect(account, Account, "account")
        conn = self._u._writer()
        try:
            cursor = conn.execute(_UPDATE_ACCOUNT, _account_params(account))
        except sqlite3.IntegrityError as exc:
            if exc.sqlite_errorname == _UNIQUE:
                raise DuplicateHandleError(account.handle) from None
            raise
        if cursor.rowcount == 0:
            raise NotFoundError("account", account.id)

    def get(self, account_id: AccountId) -> Account:
        account = self.find(account_id)
        if account is None:
            raise NotFoundError("account", account_id)
        return account

    @_guarded
    def find(self, account_id: AccountId) -> Account | None:
        key = _id(account_id, "account_id")
        row = self._u._reader().execute(_ACCOUNT_BY_ID, (key,)).fetchone()
        return None if row is None else _account_from_row(row)

    @_guarded
    def by_handle(self, handle: str) -> Account | None:
        key = _text(handle, "handle").casefold()
        if not _storable(key):
            return None  # no stored handle can hold it
        row = self._u._reader().execute(_ACCOUNT_BY_HANDLE, (key,)).fetchone()
        return None if row is None else _account_from_row(row)

    @_guarded
    def get_many(self, account_ids: Iterable[AccountId]) -> dict[AccountId, Account]:
        keys = _ids(account_ids, "account_ids")
        if not keys:
            return {}
        rows = self._u._reader().execute(_ACCOUNTS_BY_IDS, (json.dumps(keys),)).fetchall()
        accounts = (_account_from_row(row) for row in rows)
        return {account.id: account for account in accounts}

    @_guarded
    def page(self, *, after: AccountId | None = None, limit: int = 100) -> list[Account]:
        start, size = _after(after), _limit(limit)
        rows = self._u._reader().execute(_ACCOUNT_PAGE, (start, size)).fetchall()
        return [_account_from_row(row) for row in rows]

    @_guarded
    def count(self) -> int:
        row = self._u._reader().execute(_TOTAL, ("accounts",)).fetchone()
        return int(row[0]) + self._u._new_totals[0]

    @_guarded
    def counters(self, account_id: AccountId) -> AccountCounters:
        key = _id(account_id, "account_id")
        row = self._u._reader().execute(_ACCOUNT_COUNTERS, (key,)).fetchone()
        if row is None:
            return AccountCounters()
        followers, following, posts = row
        pending = self._u._account_moves.get(key)
        if pending is not None:
            followers += pending[0]
            following += pending[1]
            posts += pending[2]
        return AccountCounters(followers=followers, following=following, posts=posts)


class _Posts(_Repository):
    """Posts in the ``posts`` table, hashtags and mentions in side tables."""

    __slots__ = ()

    @_guarded
    def add(self, post: Post) -> None:
        if not isinstance(post, Post):
            _expect(post, Post, "post")
        unit = self._u
        conn = unit._writer()
        try:
            conn.execute(_INSERT_POST, _post_params(post))
        except sqlite3.IntegrityError as exc:
            raise self._refused(exc, post) from None
        post_id = post.id
        if post.tags:
            conn.executemany(_INSERT_TAG, [(tag, post_id) for tag in post.tags])
        if post.mentions:
            conn.executemany(_INSERT_MENTION, [(account, post_id) for account in post.mentions])
        moves = unit._account_moves.get(post.author_id)
        if moves is None:
            unit._account_moves[post.author_id] = [0, 0, 1]
        else:
            moves[2] += 1
        unit._new_totals[1] += 1
        reply, shared, quoted = post.reply_to, post.repost_of, post.quote_of
        if reply is not None and not conn.execute(_MOVE_REPLIES, (1, reply.parent_id)).rowcount:
            unit._note_dangling(conn, reply.parent_id)
        if shared is not None and not conn.execute(_MOVE_REPOSTS, (1, shared.root_id)).rowcount:
            unit._note_dangling(conn, shared.root_id)
        if quoted is not None and not conn.execute(_MOVE_QUOTES, (1, quoted)).rowcount:
            unit._note_dangling(conn, quoted)
        dangling = unit._dangling
        if dangling is None:
            dangling = unit._dangling = bool(conn.execute(_ANY_DANGLING).fetchone()[0])
        if dangling and conn.execute(_FORGET_DANGLING, (post_id,)).rowcount:
            # Posts already refer to this id (added before it, or kept after it was
            # removed): its counters start from a recount, as they would in memory.
            conn.execute(_RECOUNT_POST, (post_id,))

    @staticmethod
    def _refused(exc: sqlite3.IntegrityError, post: Post) -> MicroblogError:
        name = exc.sqlite_errorname
        if name == _PK:
            return ConflictError(
                f"a post with id {post.id} already exists", entity="post", key=post.id
            )
        if name == _UNIQUE and post.repost_of is not None:
            return DuplicateRepostError(post.author_id, post.repost_of.root_id)
        if name == _FK:
            return NotFoundError(
                "account",
                post.author_id,
                f"the author of post {post.id}, account {post.author_id}, does not exist",
            )
        return _translate(exc)

    @_guarded
    def update(self, post: Post) -> None:
        _expect(post, Post, "post")
        conn = self._u._writer()
        row = conn.execute(_POST_BY_ID, (post.id,)).fetchone()
        if row is None:
            raise NotFoundError("post", post.id)
        old = _post_from_row(row)
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
        conn.execute(_UPDATE_POST, _post_params(post))
        if old.tags != post.tags:
            conn.executemany(_DELETE_TAG, [(tag, post.id) for tag in old.tags])
            conn.executemany(_INSERT_TAG, [(tag, post.id) for tag in post.tags])
        if old.mentions != post.mentions:
            conn.executemany(_DELETE_MENTION, [(account, post.id) for account in old.mentions])
            conn.executemany(_INSERT_MENTION, [(account, post.id) for account in post.mentions])

    @_guarded
    def remove(self, post_id: PostId) -> Post:
        key = _id(post_id, "post_id")
        unit = self._u
        conn = unit._writer()
        row = conn.execute(_POST_BY_ID, (key,)).fetchone()
        if row is None:
            raise NotFoundError("post", post_id)
        post = _post_from_row(row)
        replies, reposts, quotes, _ = conn.execute(_POST_COUNTERS, (key,)).fetchone()
        conn.execute(_DELETE_POST_LIKES, (key,))
        if post.tags:
            conn.executemany(_DELETE_TAG, [(tag, key) for tag in post.tags])
        if post.mentions:
            conn.executemany(_DELETE_MENTION, [(account, key) for account in post.mentions])
        conn.execute(_DELETE_POST, (key,))
        moves = unit._account_moves.setdefault(post.author_id, [0, 0, 0])
        moves[2] -= 1
        unit._new_totals[1] -= 1
        if post.reply_to is not None:
            conn.execute(_MOVE_REPLIES, (-1, post.reply_to.parent_id))
        if post.repost_of is not None:
            conn.execute(_MOVE_REPOSTS, (-1, post.repost_of.root_id))
        if post.quote_of is not None:
            conn.execute(_MOVE_QUOTES, (-1, post.quote_of))
        if replies or reposts or quotes:
            unit._note_dangling(conn, key)  # its replies, reposts and quotes stay
        return post

    def get(self, post_id: PostId) -> Post:
        post = self.find(post_id)
        if post is None:
            raise NotFoundError("post", post_id)
        return post

    @_guarded
    def find(self, post_id: PostId) -> Post | None:
        key = _id(post_id, "post_id")
        row = self._u._reader().execute(_POST_BY_ID, (key,)).fetchone()
        return None if row is None else _post_from_row(row)

    @_guarded
    def get_many(self, post_ids: Iterable[PostId]) -> dict[PostId, Post]:
        keys = _ids(post_ids, "post_ids")
        if not keys:
            return {}
        rows = self._u._reader().execute(_POSTS_BY_IDS, (json.dumps(keys),)).fetchall()
        posts = (_post_from_row(row) for row in rows)
        return {post.id: post for post in posts}

    def _posts(self, sql: str, params: tuple[Any, ...]) -> list[Post]:
        rows = self._u._reader().execute(sql, params).fetchall()
        return [_post_from_row(row) for row in rows]

    @_guarded
    def by_author(
        self,
        author_id: AccountId,
        *,
        max_id: PostId | None = None,
        min_id: PostId | None = None,
        limit: int = 20,
    ) -> list[Post]:
        author = _id(author_id, "author_id")
        low, high = _bounds(max_id, min_id)
        return self._posts(_BY_AUTHOR_DESC, (author, low, high, _limit(limit)))

    @_guarded
    def stream(
        self,
        author_id: AccountId,
        *,
        max_id: PostId | None = None,
        min_id: PostId | None = None,
        ascending: bool = False,
    ) -> Iterator[Post]:
        """Iterate lazily: keyset pages of 1 row, doubling up to 256 rows a query."""
        author = _id(author_id, "author_id")
        low, high = _bounds(max_id, min_id)
        upward = _bool(ascending, "ascending")
        self._u._reader()
        return self._stream(author, low, high, upward)

    def _stream(self, author: int, low: int, high: int, ascending: bool) -> Iterator[Post]:
        sql = _BY_AUTHOR_ASC if ascending else _BY_AUTHOR_DESC
        size = _STREAM_FIRST_CHUNK
        while low <= high:
            try:
                rows = self._u._reader().execute(sql, (author, low, high, size)).fetchall()
            except sqlite3.Error as exc:
                raise _translate(exc) from exc
            for row in rows:
                yield _post_from_row(row)
            if len(rows) < size:
                return
            if ascending:
                low = rows[-1][0] + 1
            else:
                high = rows[-1][0] - 1
            size = min(size * 2, _STREAM_MAX_CHUNK)

    @_guarded
    def replies_to(self, post_id: PostId, *, limit: int | None = None) -> list[Post]:
        return self._posts(_REPLIES_TO, (_id(post_id, "post_id"), _optional_limit(limit)))

    @_guarded
    def in_thread(self, root_id: PostId) -> list[Post]:
        return self._posts(_IN_THREAD, (_id(root_id, "root_id"),))

    @_guarded
    def reposts_of(self, root_id: PostId, *, limit: int | None = None) -> list[Post]:
        return self._posts(_REPOSTS_OF, (_id(root_id, "root_id"), _optional_limit(limit)))

    @_guarded
    def repost_by(self, account_id: AccountId, root_id: PostId) -> Post | None:
        params = (_id(account_id, "account_id"), _id(root_id, "root_id"))
        row = self._u._reader().execute(_REPOST_BY, params).fetchone()
        return None if row is None else _post_from_row(row)

    @_guarded
    def quotes_of(self, post_id: PostId, *, limit: int | None = None) -> list[Post]:
        return self._posts(_QUOTES_OF, (_id(post_id, "post_id"), _optional_limit(limit)))

    @_guarded
    def with_tag(
        self,
        tag: str,
        *,
        max_id: PostId | None = None,
        min_id: PostId | None = None,
        limit: int = 20,
    ) -> list[Post]:
        key = _text(tag, "tag").casefold()
        low, high = _bounds(max_id, min_id)
        size = _limit(limit)
        if not _storable(key):
            return []  # no stored tag can hold it
        return self._posts(_WITH_TAG, (key, low, high, size))

    @_guarded
    def mentioning(
        self,
        account_id: AccountId,
        *,
        max_id: PostId | None = None,
        min_id: PostId | None = None,
        limit: int = 20,
    ) -> list[Post]:
        account = _id(account_id, "account_id")
        low, high = _bounds(max_id, min_id)
        return self._posts(_MENTIONING, (account, low, high, _limit(limit)))

    @_guarded
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
        sql = _PUBLIC[
            _bool(include_replies, "include_replies"), _bool(include_reposts, "include_reposts")
        ]
        return self._posts(sql, (low, high, _limit(limit)))

    @_guarded
    def scan(self, *, after: PostId | None = None, limit: int = 1000) -> list[Post]:
        return self._posts(_SCAN, (_after(after), _limit(limit)))

    @_guarded
    def count(self) -> int:
        row = self._u._reader().execute(_TOTAL, ("posts",)).fetchone()
        return int(row[0]) + self._u._new_totals[1]

    @_guarded
    def counters(self, post_id: PostId) -> PostCounters:
        key = _id(post_id, "post_id")
        row = self._u._reader().execute(_POST_COUNTERS, (key,)).fetchone()
        if row is None:
            return PostCounters()
        return PostCounters(replies=row[0], reposts=row[1], quotes=row[2], likes=row[3])


class _Relations(_Repository):
    """Follows, follow requests, blocks and mutes, one table each."""

    __slots__ = ()

    def _missing(self, conn: sqlite3.Connection, first: int, second: int) -> NotFoundError:
        present = {row[0] for row in conn.execute(_ACCOUNTS_PRESENT, (first, second))}
        missing = first if first not in present else second
        return NotFoundError("account", missing)

    @_guarded
    def add_follow(self, follow: Follow) -> None:
        _expect(follow, Follow, "follow")
        unit = self._u
        conn = unit._writer()
        params = (
            follow.follower_id,
            follow.followee_id,
            _micros(follow.created_at),
            follow.show_reposts,
            follow.notify,
            _dump_languages(follow.languages),
        )
        try:
            added = conn.execute(_INSERT_FOLLOW, params).rowcount
        except sqlite3.IntegrityError as exc:
            if exc.sqlite_errorname == _FK:
                raise self._missing(conn, follow.follower_id, follow.followee_id) from None
            raise
        if added:
            unit._move_account(follow.follower_id, 1, 1)
            unit._move_account(follow.followee_id, 0, 1)
        else:
            conn.execute(_REPLACE_FOLLOW, params)

    @_guarded
    def remove_follow(self, follower_id: AccountId, followee_id: AccountId) -> Follow | None:
        params = (_id(follower_id, "follower_id"), _id(followee_id, "followee_id"))
        unit = self._u
        rows = unit._writer().execute(_DELETE_FOLLOW, params).fetchall()
        if not rows:
            return None
        unit._move_account(params[0], 1, -1)
        unit._move_account(params[1], 0, -1)
        return _follow_from_row(rows[0])

    @_guarded
    def get_follow(self, follower_id: AccountId, followee_id: AccountId) -> Follow | None:
        params = (_id(follower_id, "follower_id"), _id(followee_id, "followee_id"))
        row = self._u._reader().execute(_GET_FOLLOW, params).fetchone()
        return None if row is None else _follow_from_row(row)

    @_guarded
    def followers_of(
        self, account_id: AccountId, *, after: AccountId | None = None, limit: int = 100
    ) -> list[Follow]:
        params = (_id(account_id, "account_id"), _after(after), _limit(limit))
        rows = self._u._reader().execute(_FOLLOWERS_OF, params).fetchall()
        return [_follow_from_row(row) for row in rows]

    @_guarded
    def following_of(
        self, account_id: AccountId, *, after: AccountId | None = None, limit: int = 100
    ) -> list[Follow]:
        params = (_id(account_id, "account_id"), _after(after), _limit(limit))
        rows = self._u._reader().execute(_FOLLOWING_OF, params).fetchall()
        return [_follow_from_row(row) for row in rows]

    def _ids_of(self, sql: str, key: int) -> frozenset[AccountId]:
        return frozenset(row[0] for row in self._u._reader().execute(sql, (key,)))

    @_guarded
    def follower_ids(self, account_id: AccountId) -> frozenset[AccountId]:
        return self._ids_of(_FOLLOWER_IDS, _id(account_id, "account_id"))

    @_guarded
    def following_ids(self, account_id: AccountId) -> frozenset[AccountId]:
        return self._ids_of(_FOLLOWING_IDS, _id(account_id, "account_id"))

    @_guarded
    def add_request(self, request: FollowRequest) -> None:
        _expect(request, FollowRequest, "request")
        conn = self._u._writer()
        params = (
            request.follower_id,
            request.followee_id,
            _micros(request.created_at),
            request.show_reposts,
            request.notify,
            _dump_languages(request.languages),
        )
        try:
            conn.execute(_UPSERT_REQUEST, params)
        except sqlite3.IntegrityError as exc:
            if exc.sqlite_errorname == _FK:
                raise self._missing(conn, request.follower_id, request.followee_id) from None
            raise

    @_guarded
    def remove_request(
        self, follower_id: AccountId, followee_id: AccountId
    ) -> FollowRequest | None:
        params = (_id(follower_id, "follower_id"), _id(followee_id, "followee_id"))
        rows = self._u._writer().execute(_DELETE_REQUEST, params).fetchall()
        return _request_from_row(rows[0]) if rows else None

    @_guarded
    def get_request(self, follower_id: AccountId, followee_id: AccountId) -> FollowRequest | None:
        params = (_id(follower_id, "follower_id"), _id(followee_id, "followee_id"))
        row = self._u._reader().execute(_GET_REQUEST, params).fetchone()
        return None if row is None else _request_from_row(row)

    @_guarded
    def requests_for(
        self, account_id: AccountId, *, after: AccountId | None = None, limit: int = 100
    ) -> list[FollowRequest]:
        params = (_id(account_id, "account_id"), _after(after), _limit(limit))
        rows = self._u._reader().execute(_REQUESTS_FOR, params).fetchall()
        return [_request_from_row(row) for row in rows]

    @_guarded
    def add_block(self, block: Block) -> None:
        _expect(block, Block, "block")
        conn = self._u._writer()
        params = (block.blocker_id, block.blocked_id, _micros(block.created_at))
        try:
            conn.execute(_UPSERT_BLOCK, params)
        except sqlite3.IntegrityError as exc:
            if exc.sqlite_errorname == _FK:
                raise self._missing(conn, block.blocker_id, block.blocked_id) from None
            raise

    @_guarded
    def remove_block(self, blocker_id: AccountId, blocked_id: AccountId) -> Block | None:
        params = (_id(blocker_id, "blocker_id"), _id(blocked_id, "blocked_id"))
        rows = self._u._writer().execute(_DELETE_BLOCK, params).fetchall()
        return _block_from_row(rows[0]) if rows else None

    @_guarded
    def get_block(self, blocker_id: AccountId, blocked_id: AccountId) -> Block | None:
        params = (_id(blocker_id, "blocker_id"), _id(blocked_id, "blocked_id"))
        row = self._u._reader().execute(_GET_BLOCK, params).fetchone()
        return None if row is None else _block_from_row(row)

    @_guarded
    def blocked_ids(self, blocker_id: AccountId) -> frozenset[AccountId]:
        return self._ids_of(_BLOCKED_IDS, _id(blocker_id, "blocker_id"))

    @_guarded
    def blocker_ids(self, blocked_id: AccountId) -> frozenset[AccountId]:
        return self._ids_of(_BLOCKER_IDS, _id(blocked_id, "blocked_id"))

    @_guarded
    def add_mute(self, mute: Mute) -> None:
        _expect(mute, Mute, "mute")
        conn = self._u._writer()
        params = (
            mute.muter_id,
            mute.muted_id,
            _micros(mute.created_at),
            None if mute.expires_at is None else _micros(mute.expires_at),
            mute.hide_notifications,
        )
        try:
            conn.execute(_UPSERT_MUTE, params)
        except sqlite3.IntegrityError as exc:
            if exc.sqlite_errorname == _FK:
                raise self._missing(conn, mute.muter_id, mute.muted_id) from None
            raise

    @_guarded
    def remove_mute(self, muter_id: AccountId, muted_id: AccountId) -> Mute | None:
        params = (_id(muter_id, "muter_id"), _id(muted_id, "muted_id"))
        rows = self._u._writer().execute(_DELETE_MUTE, params).fetchall()
        return _mute_from_row(rows[0]) if rows else None

    @_guarded
    def get_mute(
        self, muter_id: AccountId, muted_id: AccountId, *, at: datetime | None = None
    ) -> Mute | None:
        params = (_id(muter_id, "muter_id"), _id(muted_id, "muted_id"))
        now = None if at is None else ensure_utc(at, field="at")
        row = self._u._reader().execute(_GET_MUTE, params).fetchone()
        if row is None:
            return None
        mute = _mute_from_row(row)
        if now is not None and not mute.active_at(now):
            return None
        return mute

    @_guarded
    def muted_ids(self, muter_id: AccountId, *, at: datetime) -> frozenset[AccountId]:
        key = _id(muter_id, "muter_id")
        now = _micros(ensure_utc(at, field="at"))
        rows = self._u._reader().execute(_MUTED_IDS, (key, now))
        return frozenset(row[0] for row in rows)


class _Engagement(_Repository):
    """Likes in the ``likes`` table; the count is the post row's ``likes`` column."""

    __slots__ = ()

    @_guarded
    def add_like(self, like: Like) -> None:
        _expect(like, Like, "like")
        conn = self._u._writer()
        try:
            conn.execute(_INSERT_LIKE, (like.account_id, like.post_id, _micros(like.created_at)))
        except sqlite3.IntegrityError as exc:
            if exc.sqlite_errorname == _PK:
                raise ConflictError(
                    f"account {like.account_id} already likes post {like.post_id}",
                    entity="like",
                    key=(like.account_id, like.post_id),
                ) from None
            if exc.sqlite_errorname == _FK:
                if conn.execute(_ACCOUNT_EXISTS, (like.account_id,)).fetchone() is None:
                    raise NotFoundError("account", like.account_id) from None
                raise NotFoundError("post", like.post_id) from None
            raise
        conn.execute(_MOVE_LIKES, (1, like.post_id))

    @_guarded
    def remove_like(self, account_id: AccountId, post_id: PostId) -> Like | None:
        params = (_id(account_id, "account_id"), _id(post_id, "post_id"))
        conn = self._u._writer()
        rows = conn.execute(_DELETE_LIKE, params).fetchall()
        if not rows:
            return None
        conn.execute(_MOVE_LIKES, (-1, params[1]))
        return _like_from_row(rows[0])

    @_guarded
    def get_like(self, account_id: AccountId, post_id: PostId) -> Like | None:
        params = (_id(account_id, "account_id"), _id(post_id, "post_id"))
        row = self._u._reader().execute(_GET_LIKE, params).fetchone()
        return None if row is None else _like_from_row(row)

    @_guarded
    def likes_of(
        self, post_id: PostId, *, after: AccountId | None = None, limit: int = 100
    ) -> list[Like]:
        params = (_id(post_id, "post_id"), _after(after), _limit(limit))
        rows = self._u._reader().execute(_LIKES_OF, params).fetchall()
        return [_like_from_row(row) for row in rows]


class _Feeds(_Repository):
    """Home feeds in ``feed_entries``; ``feed_sizes`` keeps each feed's length for trimming."""

    __slots__ = ()

    @staticmethod
    def _trim(conn: sqlite3.Connection, reader: int, size: int, cap: int) -> None:
        if size > cap:
            conn.execute(_FEED_TRIM, (reader, size - cap))
            conn.execute(_FEED_SET_SIZE, (cap, reader))

    @staticmethod
    def _size(conn: sqlite3.Connection, reader: int) -> int:
        row = conn.execute(_FEED_SIZE, (reader,)).fetchone()
        return 0 if row is None else int(row[0])

    @_guarded
    def insert(
        self, reader_ids: Iterable[AccountId], post_id: PostId, author_id: AccountId, *, cap: int
    ) -> None:
        readers = _ids(reader_ids, "reader_ids", stored=True)
        post, author, limit = (
            _stored_id(post_id, "post_id"),
            _stored_id(author_id, "author_id"),
            _limit(cap, "cap"),
        )
        conn = self._u._writer()
        for reader in readers:
            if conn.execute(_FEED_ADD, (reader, post, author)).rowcount:
                size = int(conn.execute(_FEED_GROW, (reader, 1)).fetchone()[0])
            else:
                size = self._size(conn, reader)
            self._trim(conn, reader, size, limit)

    @_guarded
    def merge(
        self, reader_id: AccountId, entries: Iterable[tuple[PostId, AccountId]], *, cap: int
    ) -> None:
        reader = _stored_id(reader_id, "reader_id")
        limit = _limit(cap, "cap")
        if isinstance(entries, str | bytes) or not isinstance(entries, Iterable):
            raise ValidationError(
                "entries must be an iterable of (post_id, author_id) pairs",
                field="entries",
                value=entries,
            )
        rows = []
        for entry in entries:
            if not isinstance(entry, tuple) or len(entry) != 2:
                raise ValidationError(
                    f"each feed entry must be a (post_id, author_id) pair, got {entry!r}",
                    field="entries",
                    value=entry,
                )
            rows.append(
                (reader, _stored_id(entry[0], "post_id"), _stored_id(entry[1], "author_id"))
            )
        conn = self._u._writer()
        added = conn.executemany(_FEED_ADD, rows).rowcount if rows else 0
        if added:
            size = int(conn.execute(_FEED_GROW, (reader, added)).fetchone()[0])
        else:
            size = self._size(conn, reader)
        self._trim(conn, reader, size, limit)

    @_guarded
    def remove_posts(self, reader_ids: Iterable[AccountId], post_ids: Iterable[PostId]) -> None:
        readers = _ids(reader_ids, "reader_ids")
        posts = _ids(post_ids, "post_ids")
        conn = self._u._writer()
        if not posts:
            return
        for reader in readers:
            removed = conn.executemany(_FEED_REMOVE_POST, [(reader, p) for p in posts]).rowcount
            if removed:
                conn.execute(_FEED_SHRINK, (removed, reader))

    @_guarded
    def remove_author(self, reader_id: AccountId, author_id: AccountId) -> None:
        reader, author = _id(reader_id, "reader_id"), _id(author_id, "author_id")
        conn = self._u._writer()
        removed = conn.execute(_FEED_REMOVE_AUTHOR, (reader, author)).rowcount
        if removed:
            conn.execute(_FEED_SHRINK, (removed, reader))

    @_guarded
    def read(
        self,
        reader_id: AccountId,
        *,
        max_id: PostId | None = None,
        min_id: PostId | None = None,
        limit: int = 20,
        ascending: bool = False,
    ) -> list[PostId]:
        reader = _id(reader_id, "reader_id")
        low, high = _bounds(max_id, min_id)
        sql = _FEED_READ_ASC if _bool(ascending, "ascending") else _FEED_READ_DESC
        rows = self._u._reader().execute(sql, (reader, low, high, _limit(limit)))
        return [row[0] for row in rows]

    @_guarded
    def size(self, reader_id: AccountId) -> int:
        return self._size(self._u._reader(), _id(reader_id, "reader_id"))

    @_guarded
    def clear(self, reader_id: AccountId) -> None:
        reader = _id(reader_id, "reader_id")
        conn = self._u._writer()
        conn.execute(_FEED_CLEAR, (reader,))
        conn.execute(_FEED_FORGET_SIZE, (reader,))


# --- unit of work and store ---------------------------------------------------------------

_NEW, _ACTIVE, _ENDED = "new", "active", "ended"


class SqliteUnitOfWork:
    """One SQLite transaction behind the repository protocols.

    Get one from :meth:`SqliteStore.unit_of_work` and use it in a ``with``
    block; it belongs to the thread that entered it. Account counters and row
    totals moved by the unit's writes are gathered in memory and written
    with one statement per account at :meth:`commit` (reads in the unit see
    them already), which keeps a bulk load to about one ``INSERT`` per post.

    Attributes:
        accounts: The account repository of this unit.
        posts: The post repository of this unit.
        relations: The relation repository of this unit.
        engagement: The engagement (likes) repository of this unit.
        feeds: The home-feed repository of this unit.
    """

    accounts: AccountRepository
    posts: PostRepository
    relations: RelationRepository
    engagement: EngagementRepository
    feeds: FeedRepository

    def __init__(self, store: "SqliteStore", *, readonly: bool) -> None:
        self._store = store
        self._readonly = readonly
        self._state = _NEW
        self._conn: sqlite3.Connection | None = None
        self._thread = 0
        self._in_transaction = False
        # Fast-path flags: the unit is active, in a transaction, (and may write).
        self._can_read = False
        self._can_write = False
        # Counter moves and row-total moves (accounts, posts) written at commit.
        self._account_moves: dict[int, list[int]] = {}
        self._new_totals = [0, 0]
        # The unit of this thread a read-only unit was opened inside, if any.
        self._outer: SqliteUnitOfWork | None = None
        # Whether the dangling_refs table may hold rows (None: not read in this transaction).
        self._dangling: bool | None = None
        self.accounts = _Accounts(self)
        self.posts = _Posts(self)
        self.relations = _Relations(self)
        self.engagement = _Engagement(self)
        self.feeds = _Feeds(self)

    @property
    def readonly(self) -> bool:
        """Whether the unit refuses writes."""
        return self._readonly

    # The two calls every repository method starts with: cheap when the unit is
    # already in its transaction, otherwise they check the unit and begin one.

    def _reader(self) -> sqlite3.Connection:
        if self._can_read and self._thread == threading.get_ident():
            return self._conn  # type: ignore[return-value]  # set while _can_read
        return self._begin(write=False)

    def _writer(self) -> sqlite3.Connection:
        if self._can_write and self._thread == threading.get_ident():
            return self._conn  # type: ignore[return-value]  # set while _can_write
        return self._begin(write=True)

    def _usable(self) -> sqlite3.Connection:
        if self._state is _NEW:
            raise StorageError(
                "this unit of work has not been entered; use it as "
                "`with store.unit_of_work() as unit:`"
            )
        if self._state is _ENDED:
            raise StorageError(
                "this unit of work has ended (its with block is over); open a new one"
            )
        if self._thread != threading.get_ident():
            raise StorageError(
                "this unit of work belongs to the thread that entered it; open one unit per thread"
            )
        assert self._conn is not None  # noqa: S101  # set for every active unit
        return self._conn

    def _begin(self, *, write: bool) -> sqlite3.Connection:
        conn = self._usable()
        if write and self._readonly:
            raise StorageError(
                "this unit of work is read-only and cannot write; "
                "open it with store.unit_of_work() (readonly=False) to write"
            )
        if self._outer is not None:
            # A nested reader reads inside the outer unit's transaction.
            return self._outer._begin(write=False)
        if not self._in_transaction:
            if self._readonly:
                conn.execute("BEGIN")
            else:
                self._store._retry_busy(conn, "BEGIN IMMEDIATE")
            self._in_transaction = True
            self._can_read = True
            self._can_write = not self._readonly
        return conn

    def _move_account(self, account_id: int, column: int, delta: int) -> None:
        moves = self._account_moves.get(account_id)
        if moves is None:
            moves = self._account_moves[account_id] = [0, 0, 0]
        moves[column] += delta

    def _forget_pending(self) -> None:
        self._account_moves.clear()
        self._new_totals[:] = (0, 0)

    def _flush(self, conn: sqlite3.Connection) -> None:
        moves = [
            (followers, following, posts, account_id)
            for account_id, (followers, following, posts) in self._account_moves.items()
            if followers or following or posts
        ]
        if moves:
            conn.executemany(_MOVE_ACCOUNT_COUNTERS, moves)
        new_accounts, new_posts = self._new_totals
        if new_accounts:
            conn.execute(_MOVE_TOTAL, (new_accounts, "accounts"))
        if new_posts:
            conn.execute(_MOVE_TOTAL, (new_posts, "posts"))
        self._forget_pending()

    def _note_dangling(self, conn: sqlite3.Connection, post_id: int) -> None:
        """Remember that posts refer to ``post_id`` while no post has that id."""
        conn.execute(_NOTE_DANGLING, (post_id,))
        self._dangling = True

    def _end_transaction(self) -> None:
        self._dangling = None
        self._in_transaction = False
        self._can_read = False
        self._can_write = False

    def __enter__(self) -> Self:
        if self._state is not _NEW:
            raise StorageError("a unit of work can be entered only once; open a new one")
        self._conn, outer = self._store._enter(self)
        if outer is not None:
            self._outer = outer
            self._account_moves = outer._account_moves
            self._new_totals = outer._new_totals
        self._thread = threading.get_ident()
        self._state = _ACTIVE
        return self

    def __exit__(
        self,
        exc_type: type[BaseException] | None,
        exc: BaseException | None,
        tb: TracebackType | None,
    ) -> None:
        if self._state is not _ACTIVE:
            return
        if self._outer is not None:
            self._state = _ENDED
            return
        try:
            if self._in_transaction:
                self._forget_pending()
                conn = self._conn
                assert conn is not None  # noqa: S101  # set for every active unit
                try:
                    conn.execute("ROLLBACK")
                except sqlite3.Error as error:
                    if exc is None:
                        raise _translate(error) from error
        finally:
            self._end_transaction()
            self._state = _ENDED
            self._store._leave(self)

    def commit(self) -> None:
        """Write the unit's changes durably and make them visible to other units.

        The unit stays open: a later operation starts a new transaction.

        Raises:
            StorageError: The unit is not active, or SQLite failed (the
                changes are then still pending; leave the block to drop them).
        """
        conn = self._usable()
        if not self._in_transaction or self._outer is not None:
            return
        try:
            if not self._readonly:
                self._flush(conn)
            self._store._retry_busy(conn, "COMMIT")
        except sqlite3.Error as exc:
            raise _translate(exc) from exc
        self._end_transaction()

    def rollback(self) -> None:
        """Undo every write the unit made since it began or last committed.

        Raises:
            StorageError: The unit is not active, or SQLite failed.
        """
        conn = self._usable()
        if self._outer is not None:
            return  # a nested reader has nothing of its own to undo
        self._forget_pending()
        if not self._in_transaction:
            return
        try:
            conn.execute("ROLLBACK")
        except sqlite3.Error as exc:
            raise _translate(exc) from exc
        finally:
            self._end_transaction()

    def __repr__(self) -> str:
        mode = "readonly" if self._readonly else "read-write"
        return f"<SqliteUnitOfWork {self._state} {mode} of {self._store!r}>"


def _describe_path(path: str | os.PathLike[str]) -> str:
    return ":memory:" if path == ":memory:" else str(Path(path))


class SqliteStore:
    """A SQLite database behind :class:`microblog_core.ports.Store`.

    Args:
        path: A database file (created if missing; its directory must exist)
            or ``":memory:"`` for a private in-memory database.
        busy_timeout: Seconds a unit waits for a lock held by another
            connection (or another thread's unit) before giving up with
            :class:`~microblog_core.errors.StorageError`.
        synchronous: ``"normal"`` (durable against process crashes; the
            default) or ``"full"`` (also against power loss).
        feeds: Home feeds kept outside the file (``RedisFeeds(url)``); by
            default they are rows of the database.

    Raises:
        StorageError: The directory is missing, the file is not a SQLite
            database, is corrupt, belongs to another application, or has a
            schema version newer than this code.
        ValidationError: An argument has the wrong type or value.

    Example:
        >>> from microblog_core.storage.sqlite import SqliteStore
        >>> store = SqliteStore(":memory:")
        >>> store.schema_version, store.journal_mode
        (2, 'memory')
        >>> store.close()
    """

    def __init__(
        self,
        path: str | os.PathLike[str],
        *,
        busy_timeout: float = 5.0,
        synchronous: str = "normal",
        feeds: "ExternalFeeds | None" = None,
    ) -> None:
        if not isinstance(path, str | os.PathLike):
            raise ValidationError(
                f"path must be a str or a path, got {type(path).__name__}", field="path", value=path
            )
        if (
            isinstance(busy_timeout, bool)
            or not isinstance(busy_timeout, int | float)
            or not 0 <= busy_timeout < 86400
        ):
            raise ValidationError(
                f"busy_timeout must be a number of seconds from 0 to 86400, got {busy_timeout!r}",
                field="busy_timeout",
                value=busy_timeout,
            )
        if not isinstance(synchronous, str) or synchronous.lower() not in _SYNCHRONOUS:
            raise ValidationError(
                f"synchronous must be 'normal' or 'full', got {synchronous!r}",
                field="synchronous",
                value=synchronous,
            )
        self._where = _describe_path(path)
        self._memory = self._where == ":memory:"
        self._busy_timeout = float(busy_timeout)
        self._lock = threading.Lock()
        self._active: SqliteUnitOfWork | None = None
        self._owner = 0
        self._conn: sqlite3.Connection | None = None
        self._conn = self._open(path, _SYNCHRONOUS[synchronous.lower()])
        self._feeds = feeds
        if feeds is not None:
            feeds.attach(self)

    # -- opening --

    def _open(self, path: str | os.PathLike[str], synchronous: str) -> sqlite3.Connection:
        where = self._where
        if not self._memory:
            file = Path(path)
            parent = file.absolute().parent
            if file.is_dir():
                raise StorageError(f"cannot open {where}: it is a directory, not a database file")
            if not parent.exists():
                raise StorageError(
                    f"cannot open {where}: the directory {parent} does not exist "
                    "(SqliteStore does not create directories)"
                )
            if not parent.is_dir():
                raise StorageError(f"cannot open {where}: {parent} is not a directory")
        try:
            conn = sqlite3.connect(
                path,
                timeout=self._busy_timeout,
                isolation_level=None,
                check_same_thread=False,
                cached_statements=256,
            )
        except sqlite3.Error as exc:
            raise StorageError(f"cannot open {where}: {exc}") from exc
        try:
            # Reading the header first makes a foreign or corrupt file fail here.
            conn.execute("PRAGMA schema_version").fetchone()
            conn.execute("PRAGMA foreign_keys = ON")
            if not self._memory:
                conn.execute("PRAGMA journal_mode = WAL").fetchone()
            conn.execute(f"PRAGMA synchronous = {synchronous}")
            conn.execute("PRAGMA cache_size = -32768")
            migrate(conn, where=where, begin=lambda c: self._retry_busy(c, "BEGIN IMMEDIATE"))
        except sqlite3.Error as exc:
            conn.close()
            if _primary_code(exc) in _BROKEN_FILE_CODES:
                raise StorageError(
                    f"cannot open {where}: it is not a SQLite database or it is corrupt ({exc})"
                ) from exc
            raise StorageError(f"cannot open {where}: {exc}") from exc
        except BaseException:
            conn.close()
            raise
        return conn

    def _retry_busy(self, conn: sqlite3.Connection, statement: str) -> None:
        """Run ``statement``, retrying with backoff while SQLite reports the database busy.

        SQLite's own busy handler already waits for most locks; some busy
        states (WAL recovery by another connection) return at once, so this
        retries until ``busy_timeout`` has passed.
        """
        deadline = time.monotonic() + self._busy_timeout
        delay = 0.001
        while True:
            try:
                conn.execute(statement)
            except sqlite3.OperationalError as exc:
                if _primary_code(exc) not in _BUSY_CODES:
                    raise
                now = time.monotonic()
                if now >= deadline:
                    raise TransientStorageError(
                        f"{self._where} stayed locked by another connection for more than "
                        f"{self._busy_timeout:g} s ({statement}); try again later or raise "
                        "busy_timeout"
                    ) from exc
                time.sleep(min(delay, deadline - now))
                delay = min(delay * 2, 0.05)
            else:
                return

    # -- units --

    def _enter(self, unit: SqliteUnitOfWork) -> tuple[sqlite3.Connection, SqliteUnitOfWork | None]:
        """Take the store's lock for ``unit``; return the connection and the outer unit.

        A read-only unit opened inside another unit of the same thread shares
        that unit's transaction (and sees its writes) instead of waiting for
        the lock it already holds; a unit that writes cannot nest.
        """
        me = threading.get_ident()
        outer = self._active
        if outer is not None and self._owner == me:
            if unit.readonly and self._conn is not None:
                return self._conn, outer
            raise StorageError(
                "a unit of work that writes cannot be opened inside another unit of the "
                "same thread (SQLite has one transaction per connection); finish the outer "
                "unit first, or open this one with readonly=True"
            )
        if not self._lock.acquire(timeout=self._busy_timeout):
            raise StorageError(
                f"another thread kept a unit of work of this store open for more than "
                f"{self._busy_timeout:g} s"
            )
        conn = self._conn
        if conn is None:
            self._lock.release()
            raise StorageError(f"the store for {self._where} is closed")
        self._active = unit
        self._owner = me
        return conn, None

    def _leave(self, unit: SqliteUnitOfWork) -> None:
        if self._active is unit:
            self._active = None
            self._owner = 0
            self._lock.release()

    def unit_of_work(self, *, readonly: bool = False) -> "SqliteUnitOfWork | ExternalFeedsUnit":
        """Return a new, not yet entered, unit of work.

        Args:
            readonly: Promise not to write: the unit opens a deferred
                transaction and refuses writes with a ``StorageError``.

        Raises:
            StorageError: The store is closed.
            ValidationError: ``readonly`` is not a bool.
        """
        _bool(readonly, "readonly")
        if self._conn is None:
            raise StorageError(f"the store for {self._where} is closed")
        if self._feeds is not None:
            return ExternalFeedsUnit(SqliteUnitOfWork(self, readonly=readonly), self._feeds)
        return SqliteUnitOfWork(self, readonly=readonly)

    # -- housekeeping --

    @property
    def path(self) -> str:
        """The database file's path, or ``":memory:"``."""
        return self._where

    @property
    def closed(self) -> bool:
        """Whether :meth:`close` was called."""
        return self._conn is None

    def _connection(self) -> sqlite3.Connection:
        if self._conn is None:
            raise StorageError(f"the store for {self._where} is closed")
        return self._conn

    def _pragma(self, name: str) -> Any:
        with self._locked():
            try:
                return self._connection().execute(f"PRAGMA {name}").fetchone()[0]
            except sqlite3.Error as exc:
                raise _translate(exc, self._where) from exc

    @property
    def schema_version(self) -> int:
        """The schema version of the open database (``PRAGMA user_version``)."""
        return int(self._pragma("user_version"))

    @property
    def journal_mode(self) -> str:
        """SQLite's journal mode: ``"wal"`` for files, ``"memory"`` for ``":memory:"``."""
        return str(self._pragma("journal_mode"))

    def integrity_problems(self) -> list[str]:
        """Run ``PRAGMA integrity_check`` and return the problems found (empty when sound).

        Raises:
            StorageError: The store is closed or the check could not run.
        """
        with self._locked():
            try:
                rows = self._connection().execute("PRAGMA integrity_check").fetchall()
            except sqlite3.Error as exc:
                raise _translate(exc, self._where) from exc
        problems = [str(row[0]) for row in rows]
        return [] if problems == ["ok"] else problems

    def _locked(self, *, for_close: bool = False) -> "_StoreLock":
        return _StoreLock(self, for_close=for_close)

    def close(self) -> None:
        """Close the database. Closing twice is harmless.

        Raises:
            StorageError: A unit of work of this store is still open in this thread.
        """
        if self._conn is None:
            return
        with self._locked(for_close=True):
            conn = self._conn
            if conn is None:
                return
            self._conn = None
            try:
                conn.execute("PRAGMA optimize")
            except sqlite3.Error:
                pass  # an optimisation hint only; closing matters more
            finally:
                conn.close()

    def __enter__(self) -> Self:
        return self

    def __exit__(
        self,
        exc_type: type[BaseException] | None,
        exc: BaseException | None,
        tb: TracebackType | None,
    ) -> None:
        self.close()

    def __repr__(self) -> str:
        state = " closed" if self._conn is None else ""
        return f"<SqliteStore {self._where!r}{state}>"


class _StoreLock:
    """Holds the store's lock outside a unit (for pragmas and close).

    In the thread whose unit is open, that unit already holds the lock, so
    reads go ahead there; ``close`` is refused there.
    """

    __slots__ = ("_for_close", "_held", "_store")

    def __init__(self, store: SqliteStore, *, for_close: bool = False) -> None:
        self._store = store
        self._for_close = for_close
        self._held = False

    def __enter__(self) -> None:
        store = self._store
        if store._active is not None and store._owner == threading.get_ident():
            if self._for_close:
                raise StorageError(
                    "cannot close the store while one of its units of work is open in this "
                    "thread; leave the unit first"
                )
            return  # this thread's own unit holds the lock already
        if not store._lock.acquire(timeout=store._busy_timeout):
            raise StorageError(
                f"another thread kept a unit of work of this store open for more than "
                f"{store._busy_timeout:g} s"
            )
        self._held = True

    def __exit__(self, *exc_info: object) -> None:
        if self._held:
            self._held = False
            self._store._lock.release()


if TYPE_CHECKING:

    def _satisfies_the_ports(store: SqliteStore) -> tuple[Store, UnitOfWork]:
        """Never called: mypy checks here that the classes match the protocols."""
        return store, store.unit_of_work()
