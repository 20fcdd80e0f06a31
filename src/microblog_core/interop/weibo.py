r"""Weibo: repost chains in the text, Weibo status JSON, and DeepHawkes cascade files.

* A Weibo repost's text carries its chain: ``my words//@B:B's words//@C:…``
  (``:`` or the full-width ``：``). :func:`via_handle` names the account a
  repost came through, which gives cascades their parent links.
* :func:`read_statuses` streams Weibo API statuses (``retweeted_status`` is
  the root, as on Weibo) into accounts and posts; each repost's ``via`` is
  the latest earlier repost of the same root by the account its chain names.
* :func:`read_cascades` streams the cascade file format of information
  diffusion research (the DeepHawkes Weibo data set): per line, tab
  separated, the message id, the root user, the publish time (Unix
  seconds), the repost count, then space-separated ``path:offset`` items,
  the first being the root itself (``1:0``). ``1/5/9:3600`` is a repost by
  user 9 that came through user 5 from the root user 1, 3,600 s after the
  original. Nodes of these cascades are users.

What Weibo data does not give: a repost's own visibility, media and polls
(only their ids), and in cascade files anything but who reposted through
whom and when.

Example:
    >>> from microblog_core.interop.weibo import read_cascades, via_handle
    >>> via_handle("转发理由//@小明:说得对//@警方发布:原文")
    '小明'
    >>> import io
    >>> line = "m1\t1\t1500000000\t3\t1:0 1/5:30 1/5/9:3600 1/7:60"
    >>> (record,) = read_cascades(io.StringIO(line))
    >>> record.cascade.size, record.cascade.depth, record.delays[9]
    (4, 2, 3600)
"""

import itertools
from collections.abc import Iterable, Iterator, Mapping
from datetime import UTC, datetime
from typing import IO, Any

from attrs import frozen

from microblog_core.errors import ValidationError
from microblog_core.ids import AccountId, PostId
from microblog_core.interop._html import html_to_text
from microblog_core.interop._json import Node, iter_records, known_legacy_time, quick_id
from microblog_core.interop._seen import SeenAccounts, raw_key
from microblog_core.interop.importing import Item
from microblog_core.interop.twitter import cascades_from_posts
from microblog_core.models import Account, AccountKind, Post, RepostRef, handle_key
from microblog_core.rules import first_comment
from microblog_core.sim.metrics import Cascade

__all__ = [
    "CascadeRecord",
    "account_from_user",
    "cascades_from_posts",
    "read_cascades",
    "read_statuses",
    "via_handle",
]

_ROOT_CACHE = 4096
_DEFAULT_REPOST_TEXT = frozenset({"转发微博", "Repost", "轉發微博"})
# Weibo's verified_type: 0 is a person; 1-7 are government, companies, media,
# schools, websites, apps and groups (institutions such as police bureaux).
_ORGANISATION_TYPES = frozenset(range(1, 8))


def via_handle(text: str) -> str | None:
    """Return the account a repost came through: the first ``//@handle:`` of its chain.

    Returns:
        The handle, or None when the text has no chain (a repost straight from the root).
    """
    if "//@" not in text:
        return None  # most reposts come straight from the root: no chain to parse
    start = len(first_comment(text))  # where the second link, if any, starts
    if start == len(text):
        return None
    # The link pattern matched at ``start``: "//@", a handle holding no colon, then
    # a colon, ASCII or full-width. The handle ends at the first colon after "//@".
    ascii_colon, wide_colon = text.find(":", start + 3), text.find("：", start + 3)
    end = wide_colon if ascii_colon < 0 or 0 <= wide_colon < ascii_colon else ascii_colon
    return text[start + 3 : end]


def account_from_user(data: Mapping[str, Any] | Node, *, seen_at: datetime) -> Account:
    """Read a Weibo user object.

    An institution (``verified_type`` 1 to 7) becomes an organisation account.

    Args:
        data: The user object.
        seen_at: When the account is first seen, used as its creation time
            when the object has none.

    Raises:
        ValidationError: A field is missing or malformed; the message names its path.
    """
    node = data if isinstance(data, Node) else Node(data)
    account_id = AccountId(node.first_ident("idstr", "id"))
    created_at = node.legacy_instant("created_at") if node.has("created_at") else seen_at
    verified_type = node.value.get("verified_type")
    if verified_type is not None and type(verified_type) is not int:
        verified_type = node.get("verified_type").as_int()
    kind = (
        AccountKind.ORGANISATION if verified_type in _ORGANISATION_TYPES else AccountKind.PERSONAL
    )
    handle = node.string("screen_name")
    bio = node.opt_string("description")
    verified = node.opt_bool("verified")
    return node.build(
        lambda: Account._quick(
            id=account_id,
            handle=handle,
            created_at=created_at,
            bio=bio,
            kind=kind,
            verified=verified,
        )
    )


def _text(node: Node) -> str:
    text = node.opt_string("raw_text" if node.has("raw_text") else "text")
    return html_to_text(text) if "<" in text or "&" in text else text


def read_statuses(handle: IO[str]) -> Iterator[tuple[str, Item]]:
    """Stream Weibo statuses (JSON Lines or one array) as import items.

    Yields:
        ``(path, item)`` pairs: each author before their post, a reposted
        original (and its author) once, before its first repost. A repost
        whose text is only Weibo's default ``转发微博`` carries no comment.

    Raises:
        ValidationError: A status is malformed; the message names its path.
    """
    latest: dict[tuple[PostId, str], tuple[PostId, AccountId]] = {}
    roots: dict[PostId, tuple[Account, Post]] = {}
    seen = SeenAccounts()
    for node in iter_records(handle):
        items = _quick_status_items(node, latest, roots, seen)
        yield from items if items is not None else _status_items(node, latest, roots, seen)


def _status_items(
    node: Node,
    latest: dict[tuple[PostId, str], tuple[PostId, AccountId]],
    roots: dict[PostId, tuple[Account, Post]],
    seen: SeenAccounts,
) -> list[tuple[str, Item]]:
    created_at = node.legacy_instant("created_at")
    author, new = seen.read(
        node.get("user"), lambda user: account_from_user(user, seen_at=created_at)
    )
    post_id = PostId(_status_id(node))
    text = _text(node)
    items: list[tuple[str, Item]] = [(f"{node.path}.user", author)] if new else []
    root_node = node.opt("retweeted_status")
    if root_node is None:
        post = node.build(
            lambda: Post._quick(id=post_id, author_id=author.id, created_at=created_at, text=text)
        )
        items.append((node.path, post))
        return items
    root_id = PostId(_status_id(root_node))
    cached = roots.get(root_id)
    if cached is None:
        root_time = root_node.legacy_instant("created_at")
        root_author = account_from_user(root_node.get("user"), seen_at=root_time)
        root_text = _text(root_node)
        root = root_node.build(
            lambda: Post._quick(
                id=root_id, author_id=root_author.id, created_at=root_time, text=root_text
            )
        )
        if len(roots) >= _ROOT_CACHE:
            roots.clear()  # bounded memory: a cascade's root is parsed again after a clear
        roots[root_id] = (root_author, root)
        # The original comes before its first repost; later reposts name it by id only.
        items.extend(((f"{root_node.path}.user", root_author), (root_node.path, root)))
    else:
        root_author, root = cached
    through = via_handle(text)
    via = latest.get((root_id, handle_key(through))) if through is not None else None
    if via is not None and via[0] >= post_id:
        via = None
    ref = RepostRef._quick(
        root_id=root_id,
        root_author_id=root_author.id,
        via_id=via[0] if via is not None else None,
        via_author_id=via[1] if via is not None else None,
    )
    comment = "" if text.strip() in _DEFAULT_REPOST_TEXT else text
    repost = node.build(
        lambda: Post._quick(
            id=post_id, author_id=author.id, created_at=created_at, repost_of=ref, text=comment
        )
    )
    items.append((node.path, repost))
    latest[(root_id, author.handle_key)] = (post_id, author.id)
    return items


def _quick_status_items(
    node: Node,
    latest: dict[tuple[PostId, str], tuple[PostId, AccountId]],
    roots: dict[PostId, tuple[Account, Post]],
    seen: SeenAccounts,
) -> list[tuple[str, Item]] | None:
    """:func:`_status_items` for a status of the common shape, read straight off its dicts.

    None sends the status to :func:`_status_items`, which reads it through
    the checked accessors and names the path of what is wrong: this returns
    None, having changed no state, whenever a member is missing, of another
    type, or a value refuses to build. Otherwise the items, and the state
    left behind, are exactly those of :func:`_status_items`
    (``tests/interop/test_weibo.py`` proves it).
    """
    raw = node.value
    if raw.__class__ is not dict:
        return None
    head = _quick_head(raw)
    if head is None:
        return None
    created_at, user, post_id, text = head
    key = raw_key(user)
    author = seen.accounts.get(key) if key is not None else None
    new_author = author is None
    if author is None:
        author = _quick_user(user, created_at)
        if author is None:
            return None
    root_raw = raw.get("retweeted_status")
    path = node.path
    items: list[tuple[str, Item]] = [(f"{path}.user", author)] if new_author else []
    try:
        if root_raw is None:
            post = Post._quick(
                id=PostId(post_id), author_id=author.id, created_at=created_at, text=text
            )
            root_items = None
        elif root_raw.__class__ is not dict:
            return None
        else:
            root_id = _quick_status_id(root_raw)
            if root_id is None:
                return None
            cached = roots.get(PostId(root_id))
            if cached is None:
                root_items = _quick_root(root_raw)
                if root_items is None:
                    return None
                root_author, root = root_items
            else:
                root_items = None
                root_author, root = cached
            through = via_handle(text)
            via = latest.get((root.id, handle_key(through))) if through is not None else None
            if via is not None and via[0] >= post_id:
                via = None
            ref = RepostRef._quick(
                root_id=root.id,
                root_author_id=root_author.id,
                via_id=via[0] if via is not None else None,
                via_author_id=via[1] if via is not None else None,
            )
            comment = "" if text.strip() in _DEFAULT_REPOST_TEXT else text
            post = Post._quick(
                id=PostId(post_id),
                author_id=author.id,
                created_at=created_at,
                repost_of=ref,
                text=comment,
            )
    except ValidationError:
        return None  # the checked path raises it, naming the path
    # Nothing can fail from here: record what _status_items records, in its order.
    if new_author:
        seen.add(author)
    if root_items is not None:
        if len(roots) >= _ROOT_CACHE:
            roots.clear()
        roots[root.id] = root_items
        root_path = f"{path}.retweeted_status"
        items.extend(((f"{root_path}.user", root_author), (root_path, root)))
    if root_raw is not None:
        latest[(root.id, author.handle_key)] = (post.id, author.id)
    items.append((path, post))
    return items


def _quick_root(raw: dict[str, Any]) -> tuple[Account, Post] | None:
    """A reposted original and its author read straight off its dict, or None (see above)."""
    head = _quick_head(raw)
    if head is None:
        return None
    created_at, user, root_id, text = head
    author = _quick_user(user, created_at)
    if author is None:
        return None
    root = Post._quick(id=PostId(root_id), author_id=author.id, created_at=created_at, text=text)
    return author, root


def _quick_head(raw: dict[str, Any]) -> tuple[datetime, dict[str, Any], int, str] | None:
    """A status's time, user, id and text when each is of the common shape, else None."""
    created_text = raw.get("created_at")
    created_at = known_legacy_time(created_text) if created_text.__class__ is str else None
    user = raw.get("user")
    status_id = _quick_status_id(raw)
    text = _quick_text(raw)
    if created_at is None or user.__class__ is not dict or status_id is None or text is None:
        return None
    return created_at, user, status_id, text


def _quick_status_id(raw: dict[str, Any]) -> int | None:
    """:func:`_status_id` of a status whose id needs no checking, else None."""
    value = raw.get("idstr")
    if value is None:
        value = raw.get("mid")
        if value is None:
            value = raw.get("id")
    return quick_id(value)


def _quick_text(raw: dict[str, Any]) -> str | None:
    """:func:`_text` of a status whose text is a string or missing, else None."""
    value = raw.get("raw_text")
    if value is None:
        value = raw.get("text")
        if value is None:
            return ""
    if value.__class__ is not str:
        return None
    return html_to_text(value) if "<" in value or "&" in value else value


def _quick_user(raw: dict[str, Any], seen_at: datetime) -> Account | None:
    """:func:`account_from_user` of a user object of the common shape, else None."""
    value = raw.get("idstr")
    account_id = quick_id(value if value is not None else raw.get("id"))
    created_text = raw.get("created_at")
    if created_text is None:
        created_at: datetime | None = seen_at
    else:
        created_at = known_legacy_time(created_text) if created_text.__class__ is str else None
    verified_type = raw.get("verified_type")
    handle = raw.get("screen_name")
    bio = raw.get("description")
    verified = raw.get("verified")
    if (
        account_id is None
        or created_at is None
        or (verified_type is not None and verified_type.__class__ is not int)
        or handle.__class__ is not str
        or (bio is not None and bio.__class__ is not str)
        or (verified is not None and verified.__class__ is not bool)
    ):
        return None
    try:
        return Account._quick(
            id=AccountId(account_id),
            handle=handle,
            created_at=created_at,
            bio=bio or "",
            kind=(
                AccountKind.ORGANISATION
                if verified_type in _ORGANISATION_TYPES
                else AccountKind.PERSONAL
            ),
            verified=verified or False,
        )
    except ValidationError:
        return None


def _status_id(node: Node) -> int:
    return node.first_ident("idstr", "mid", "id")


@frozen(kw_only=True)
class CascadeRecord:
    """One line of a cascade file: a message and the tree of users who reposted it.

    Attributes:
        message_id: The message's id, as written.
        root_user: Who posted the original.
        published_at: When the original was posted.
        repost_count: The repost count the line states.
        cascade: The tree of users, rooted at ``root_user``, edges parent -> child.
        delays: Seconds from the original to each user's repost (0 for the root).
        duplicates: ``path:offset`` items naming a user already in the tree (left out).
    """

    message_id: str
    root_user: int
    published_at: datetime
    repost_count: int
    cascade: Cascade
    delays: Mapping[int, int]
    duplicates: int = 0


def _field_int(value: str, line: int, name: str) -> int:
    if not (value.isascii() and value.lstrip("-").isdigit()) or len(value) > 20:
        raise ValidationError(
            f"line {line}: the {name} must be an integer, got {value[:40]!r}",
            field=f"line {line}: {name}",
            value=value[:40],
        )
    return int(value)


def _parse_line(text: str, line: int) -> CascadeRecord:
    fields = text.rstrip("\r\n").split("\t")
    if len(fields) not in (4, 5):
        raise ValidationError(
            f"line {line}: expected 5 tab-separated fields (message id, root user, "
            f"publish time, repost count, paths), got {len(fields)}",
            field=f"line {line}",
            value=len(fields),
        )
    message_id = fields[0]
    root = _field_int(fields[1], line, "root user")
    published = _field_int(fields[2], line, "publish time")
    count = _field_int(fields[3], line, "repost count")
    parent_of: dict[int, int] = {}
    delays = {root: 0}
    duplicates = 0
    for item in (fields[4] if len(fields) == 5 else "").split():
        path, colon, offset_text = item.rpartition(":")
        if not colon or not path:
            raise ValidationError(
                f"line {line}: expected path:offset, got {item[:40]!r}",
                field=f"line {line}: paths",
                value=item[:40],
            )
        offset = _field_int(offset_text, line, "repost offset")
        users = [_field_int(u, line, "user id in a path") for u in path.split("/")]
        if users[0] != root:
            raise ValidationError(
                f"line {line}: the path {path[:40]!r} does not start at the root user {root}",
                field=f"line {line}: paths",
                value=path[:40],
            )
        if len(users) == 1:
            continue
        if users[-1] in delays:
            duplicates += 1
            continue
        for parent, child in itertools.pairwise(users):
            if child not in delays:
                parent_of[child] = parent
                delays[child] = offset
    try:
        cascade = Cascade(root, tuple((p, c) for c, p in parent_of.items()))
    except ValidationError as exc:
        raise ValidationError(f"line {line}: {exc}", field=f"line {line}: paths") from None
    return CascadeRecord(
        message_id=message_id,
        root_user=root,
        published_at=datetime.fromtimestamp(published, UTC),
        repost_count=count,
        cascade=cascade,
        delays=delays,
        duplicates=duplicates,
    )


def read_cascades(handle: Iterable[str]) -> Iterator[CascadeRecord]:
    """Stream a DeepHawkes-style cascade file, one record per non-blank line.

    A user named twice is kept where first seen (counted in ``duplicates``);
    a path through users not listed on their own adds them, since the path
    says whom they reposted from.

    Args:
        handle: The file's lines (an open text file).

    Yields:
        One :class:`CascadeRecord` per line.

    Raises:
        ValidationError: A line is malformed; the message names the line.
    """
    for number, text in enumerate(handle, start=1):
        if text.strip():
            yield _parse_line(text, number)
