"""Shared helpers for interop tests: accounts and context for generated posts."""

from collections.abc import Callable
from datetime import UTC, datetime

import attrs
from hypothesis import strategies as st

from microblog_core.errors import ValidationError
from microblog_core.ids import timestamp_of
from microblog_core.models import Account, Location, Post, ReplyGate, ReplyRef

T0 = datetime(2026, 1, 1, tzinfo=UTC)


def account_for(account_id: int) -> Account:
    """A plain account for an id, with a handle derived from it."""
    return Account.create(
        id=account_id, handle=f"u{account_id}", created_at=timestamp_of(account_id)
    )


def accounts_for(*posts: Post) -> dict[int, Account]:
    """Accounts for every id the posts name."""
    ids: set[int] = set()
    for post in posts:
        ids.add(post.author_id)
        ids.update(post.mentions)
        if post.reply_to is not None:
            ids.update((post.reply_to.parent_author_id, post.reply_to.addressee_id))
        if post.repost_of is not None:
            ids.add(post.repost_of.root_author_id)
            if post.repost_of.via_author_id is not None:
                ids.add(post.repost_of.via_author_id)
    return {i: account_for(i) for i in ids}


def parent_of(post: Post) -> Post:
    """A parent post from which ``reply_ref_for`` rebuilds ``post.reply_to`` exactly."""
    ref = post.reply_to
    assert ref is not None
    if ref.parent_id == ref.root_id:
        return Post.create(
            id=ref.parent_id,
            author_id=ref.parent_author_id,
            created_at=timestamp_of(ref.parent_id),
            text="parent",
        )
    up = ReplyRef(
        root_id=ref.root_id,
        parent_id=ref.root_id,
        parent_author_id=ref.addressee_id,
        addressee_id=ref.addressee_id,
    )
    return Post.create(
        id=ref.parent_id,
        author_id=ref.parent_author_id,
        created_at=timestamp_of(ref.parent_id),
        text="parent",
        reply_to=up,
    )


def root_of(post: Post) -> Post:
    """The original a repost shares."""
    ref = post.repost_of
    assert ref is not None
    return Post.create(
        id=ref.root_id,
        author_id=ref.root_author_id,
        created_at=timestamp_of(ref.root_id),
        text="original",
    )


def without(
    post: Post, *, location: bool = True, gate: bool = True, hidden: bool = True, via: bool = True
) -> Post:
    """``post`` without what a format cannot carry."""
    changes: dict[str, object] = {}
    if location:
        changes["attachments"] = tuple(a for a in post.attachments if not isinstance(a, Location))
    if gate:
        changes["reply_gate"] = ReplyGate.ANYONE
    if hidden:
        changes["hidden"] = False
    if via and post.repost_of is not None:
        changes["repost_of"] = attrs.evolve(post.repost_of, via_id=None, via_author_id=None)
    return attrs.evolve(post, **changes)


def representable(post: Post) -> bool:
    """Whether a post without its location still has something to show."""
    return bool(
        post.repost_of
        or post.text.strip()
        or any(not isinstance(a, Location) for a in post.attachments)
    )


def json_values(keys: tuple[str, ...] = ("id", "name", "type")) -> st.SearchStrategy[object]:
    """Decoded JSON values, odd ones included: what a fast path must hand to its checked path."""
    leaves = (
        st.none()
        | st.booleans()
        | st.integers(min_value=-2, max_value=2**64)
        | st.floats(allow_nan=False, allow_infinity=False)
        | st.sampled_from(["", "7", "007", "0", "-1", "x", "1" * 25, "١٢", "a b", "#t"])
        | st.text(max_size=4)
    )
    return st.recursive(
        leaves,
        lambda inner: (
            st.lists(inner, max_size=3) | st.dictionaries(st.sampled_from(keys), inner, max_size=3)
        ),
        max_leaves=8,
    )


def outcome(read: Callable[[], object]) -> tuple[object, ...]:
    """What ``read`` returns, or the ValidationError it raises as (type, message, field)."""
    try:
        return ("value", read())
    except ValidationError as exc:
        return ("error", type(exc), str(exc), exc.field)
