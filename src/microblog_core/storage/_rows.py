"""Domain values to SQL rows and back, shared by the SQLite and PostgreSQL adapters.

Both databases hold the same facts the same way: ids are integers; instants
are integer microseconds since the Unix epoch (UTC), so a value round-trips
exactly; enums are stored by value; attachments, mentions and tags are
compact JSON text (``NULL`` when empty); a follow's languages are a
comma-separated list (``NULL`` for "all", empty for "none").

A row that no longer makes a valid value (edited or damaged outside the
adapter) raises :class:`~microblog_core.errors.StorageError`.
"""

import json
from collections.abc import Callable
from datetime import datetime, timedelta
from typing import Any, Final, TypeVar

import cattrs

from microblog_core import _checks
from microblog_core.errors import StorageError
from microblog_core.ids import EPOCH
from microblog_core.models import (
    Account,
    AccountKind,
    Attachment,
    Block,
    Follow,
    FollowRequest,
    Like,
    Mute,
    Post,
    QuotePolicy,
    ReplyAudience,
    ReplyGate,
    ReplyRef,
    RepostRef,
    Visibility,
)

__all__ = [
    "account_from_row",
    "account_params",
    "block_from_row",
    "dump_languages",
    "follow_from_row",
    "follow_params",
    "instant",
    "like_from_row",
    "load_languages",
    "micros",
    "mute_from_row",
    "post_from_row",
    "post_params",
    "request_from_row",
    "row_error",
]

_MICRO: Final = timedelta(microseconds=1)


def micros(value: datetime) -> int:
    """Return an aware instant as microseconds since the Unix epoch."""
    return (value - EPOCH) // _MICRO


def instant(value: int) -> datetime:
    """Return the aware UTC instant ``value`` microseconds after the Unix epoch."""
    return EPOCH + timedelta(0, 0, value)


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


def dump_languages(languages: tuple[str, ...] | None) -> str | None:
    return None if languages is None else ",".join(languages)


def load_languages(text: str | None) -> tuple[str, ...] | None:
    if text is None:
        return None
    return tuple(text.split(",")) if text else ()


_NO_REF: Final = (None, None, None, None)


def post_params(post: Post) -> tuple[Any, ...]:
    """Return the ``posts`` row of a post, in the adapters' ``posts`` column order."""
    reply = post.reply_to
    repost = post.repost_of
    return (
        post.id,
        post.author_id,
        (post.created_at - EPOCH) // _MICRO,
        post.text,
        post.visibility.value,
        *(
            _NO_REF
            if reply is None
            else (reply.root_id, reply.parent_id, reply.parent_author_id, reply.addressee_id)
        ),
        *(
            _NO_REF
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


def row_error(kind: str, row: tuple[Any, ...], exc: Exception) -> StorageError:
    """A row that does not make a valid value any more (edited or damaged outside the adapter)."""
    return StorageError(
        f"a stored {kind} row cannot be read back ({_checks.quote(exc)}): {_checks.quote(row)}"
    )


_from_store = Post._from_store
# The references' checked constructors with the common case inlined: the same value or error
# (tests/foundation/test_models_posts.py), at about half the cost.
_reply_ref = ReplyRef._quick
_repost_ref = RepostRef._quick
_loads = json.loads


def post_from_row(row: tuple[Any, ...]) -> Post:
    """Return the post of a row read in the adapters' ``posts`` column order.

    The row's columns become the fields' values here (enums looked up,
    references built as their checked constructors build them, JSON decoded), and
    ``Post._from_store`` checks what a stored value could still get wrong,
    skipping only the converters and validators that would confirm what
    this function made: the result equals the checked ``Post(**fields)``,
    at about half its cost (a home page builds dozens per request).

    Raises:
        StorageError: The row does not make a valid post.
    """
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
        return _from_store(
            id_,
            author_id,
            EPOCH + timedelta(0, 0, created_at),  # positional: cheaper than microseconds=
            text,
            _VISIBILITY[visibility],
            None
            if reply_root is None
            else _reply_ref(
                root_id=reply_root,
                parent_id=reply_parent,
                parent_author_id=reply_parent_author,
                addressee_id=reply_addressee,
            ),
            None
            if repost_root is None
            else _repost_ref(
                root_id=repost_root,
                root_author_id=repost_root_author,
                via_id=repost_via,
                via_author_id=repost_via_author,
            ),
            quote_of,
            language,
            content_warning,
            () if attachments is None else _load_attachments(attachments),
            () if mentions is None else _json_tuple(mentions),
            () if tags is None else _json_tuple(tags),
            _GATES.get(reply_gate) or _load_gate(reply_gate),
            _QUOTE_POLICY[quote_policy],
            hidden if hidden is False or hidden is True else _flag(hidden),
        )
    except Exception as exc:
        raise row_error("post", row, exc) from exc


# json.loads's own C scanner (the default decoder's), without the wrapper around it.
_scan: Final[Callable[[str, int], tuple[Any, int]]] = json.JSONDecoder().scan_once  # type: ignore[attr-defined]


def _json_tuple(text: str) -> tuple[Any, ...]:
    """Return the items of a stored JSON array (mentions or tags) as a tuple.

    The common case calls the C scanner ``json.loads`` calls, on the whole
    text (what the encoder writes has no surrounding whitespace), at a
    fraction of ``json.loads``'s cost; anything else -- whitespace, trailing
    text, garbage, not text -- goes through :func:`_json_tuple_reference`,
    so the value and the error are ``json.loads``'s.
    """
    try:
        value, end = _scan(text, 0)
    except Exception:  # the reference path raises the error json.loads raises
        return _json_tuple_reference(text)
    if end != len(text) or value.__class__ is not list:
        return _json_tuple_reference(text)
    return tuple(value)


def _json_tuple_reference(text: str) -> tuple[Any, ...]:
    """:func:`_json_tuple` through ``json.loads``: the reference, and the path of odd texts."""
    value = _loads(text)
    if value.__class__ is not list:
        raise TypeError(f"a JSON array was expected, got {_checks.quote(text)}")
    return tuple(value)


def _flag(value: object) -> bool:
    """A stored boolean: a bool (PostgreSQL) or 0 / 1 (SQLite)."""
    if value is True or value is False:
        return value
    if value.__class__ is int and value in (0, 1):
        return bool(value)
    raise TypeError(f"a stored flag must be a boolean or 0 or 1, got {_checks.quote(value)}")


def account_params(account: Account) -> tuple[Any, ...]:
    """Return the ``accounts`` row of an account (id, handle, handle key, ... locked)."""
    return (
        account.id,
        account.handle,
        account.handle.casefold(),
        micros(account.created_at),
        account.display_name,
        account.bio,
        account.kind.value,
        account.verified,
        account.locked,
    )


def account_from_row(row: tuple[Any, ...]) -> Account:
    """Return the account of an ``accounts`` row.

    The columns are ``id, handle, created_at, display_name, bio, kind,
    verified, locked``.
    """
    try:
        return Account(
            id=row[0],
            handle=row[1],
            created_at=instant(row[2]),
            display_name=row[3],
            bio=row[4],
            kind=_KIND[row[5]],
            verified=bool(row[6]),
            locked=bool(row[7]),
        )
    except Exception as exc:
        raise row_error("account", row, exc) from exc


def follow_params(follow: Follow | FollowRequest) -> tuple[Any, ...]:
    """Return the row of a follow or request.

    The columns are ``follower_id, followee_id, created_at, show_reposts,
    notify, languages``, shared by ``follows`` and ``follow_requests``.
    """
    return (
        follow.follower_id,
        follow.followee_id,
        micros(follow.created_at),
        follow.show_reposts,
        follow.notify,
        dump_languages(follow.languages),
    )


_FollowLike = TypeVar("_FollowLike", Follow, FollowRequest)


def _follow_like_from_row(cls: type[_FollowLike], what: str, row: tuple[Any, ...]) -> _FollowLike:
    try:
        return cls(
            follower_id=row[0],
            followee_id=row[1],
            created_at=instant(row[2]),
            show_reposts=bool(row[3]),
            notify=bool(row[4]),
            languages=load_languages(row[5]),
        )
    except Exception as exc:
        raise row_error(what, row, exc) from exc


def follow_from_row(row: tuple[Any, ...]) -> Follow:
    """Return the follow of a row read in that order."""
    return _follow_like_from_row(Follow, "follow", row)


def request_from_row(row: tuple[Any, ...]) -> FollowRequest:
    """Return the follow request of a row read in that order."""
    return _follow_like_from_row(FollowRequest, "follow request", row)


def block_from_row(row: tuple[Any, ...]) -> Block:
    """Return the block of a ``(blocker_id, blocked_id, created_at)`` row."""
    try:
        return Block(blocker_id=row[0], blocked_id=row[1], created_at=instant(row[2]))
    except Exception as exc:
        raise row_error("block", row, exc) from exc


def mute_from_row(row: tuple[Any, ...]) -> Mute:
    """Return the mute of a ``(muter, muted, created_at, expires_at, hide)`` row."""
    try:
        return Mute(
            muter_id=row[0],
            muted_id=row[1],
            created_at=instant(row[2]),
            expires_at=None if row[3] is None else instant(row[3]),
            hide_notifications=bool(row[4]),
        )
    except Exception as exc:
        raise row_error("mute", row, exc) from exc


def like_from_row(row: tuple[Any, ...]) -> Like:
    """Return the like of an ``(account_id, post_id, created_at)`` row."""
    try:
        return Like(account_id=row[0], post_id=row[1], created_at=instant(row[2]))
    except Exception as exc:
        raise row_error("like", row, exc) from exc
