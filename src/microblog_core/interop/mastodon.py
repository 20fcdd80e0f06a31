"""Mastodon REST API entities: ``Account`` and ``Status`` JSON, both directions.

Export builds the JSON a Mastodon client (Mastodon.py, Ivory, Tusky...)
reads; import reads the JSON a Mastodon server returns into values. Status
content is HTML: exported through :func:`~microblog_core.text.render_html`
(one paragraph, ``<br />`` per newline) and imported through a safe
HTML-to-text step, so plain text survives the round trip.

What the Mastodon entities cannot carry (lost on export, defaults on import):
an account's kind and verified flag; a post's location, reply gate and
hidden flag; a repost's ``via`` (Mastodon flattens reblogs of reblogs); a
reply's thread root and addressee (rebuilt from the parent when the importer
knows it, else the parent is taken as the root).

Example:
    >>> from datetime import datetime, timezone
    >>> from microblog_core.models import Account, Post
    >>> from microblog_core.interop.mastodon import status_from_json, status_to_json
    >>> t = datetime(2026, 1, 1, tzinfo=timezone.utc)
    >>> alice = Account.create(id=7, handle="alice", created_at=t)
    >>> post = Post.create(id=9, author_id=7, created_at=t, text="hello #news", tags=["news"])
    >>> data = status_to_json(post, accounts={7: alice}, base_url="https://x.example")
    >>> print(data["content"])
    <p>hello <a href="https://x.example/tags/news" title="#news" rel="nofollow">#news</a></p>
    >>> data["tags"][0]["name"], data["account"]["acct"]
    ('news', 'alice')
    >>> status_from_json(data).post == post
    True
"""

from collections.abc import Iterator, Mapping
from typing import IO, Any

from attrs import frozen

from microblog_core.errors import NotFoundError
from microblog_core.ids import AccountId, PostId
from microblog_core.interop._html import html_to_text, text_to_html
from microblog_core.interop._json import Node, format_datetime, iter_records, quick_id
from microblog_core.interop.importing import Item
from microblog_core.models import (
    Account,
    AccountCounters,
    Attachment,
    Media,
    MediaKind,
    Poll,
    Post,
    PostCounters,
    QuotePolicy,
    ReplyRef,
    RepostRef,
    Visibility,
)
from microblog_core.rules import reply_ref_for

__all__ = [
    "DEFAULT_BASE_URL",
    "Status",
    "account_from_json",
    "account_to_json",
    "read_statuses",
    "status_from_json",
    "status_to_json",
]

DEFAULT_BASE_URL = "https://microblog.example"
"""The server address used in URLs when none is given."""

_VISIBILITIES = {v.value: v for v in Visibility}
_MEDIA_KINDS = {k.value: k for k in MediaKind}
_QUOTE_APPROVAL = {
    QuotePolicy.ANYONE: ["public"],
    QuotePolicy.FOLLOWERS: ["followers"],
    QuotePolicy.NOBODY: [],
}


@frozen(kw_only=True)
class Status:
    """A status read from Mastodon JSON: the post and the accounts and posts it embeds.

    Attributes:
        post: The status as a post (a repost when it is a reblog).
        account: Its author.
        reblog: For a reblog, the status it shares.
        mentioned: ``(id, username)`` of each mentioned account, in order.
    """

    post: Post
    account: Account
    reblog: "Status | None" = None
    mentioned: tuple[tuple[AccountId, str], ...] = ()

    @property
    def posts(self) -> tuple[Post, ...]:
        """Every post in the status, oldest first (a reblogged status before the reblog)."""
        inner = self.reblog.posts if self.reblog is not None else ()
        return (*inner, self.post)

    @property
    def accounts(self) -> tuple[Account, ...]:
        """Every full account in the status (authors), in order of appearance."""
        inner = self.reblog.accounts if self.reblog is not None else ()
        return (self.account, *inner)


def _node(data: Mapping[str, Any] | Node) -> Node:
    return data if isinstance(data, Node) else Node(data)


def _account_url(account: Account, base: str) -> str:
    return f"{base}/@{account.handle}"


def account_to_json(
    account: Account,
    *,
    base_url: str = DEFAULT_BASE_URL,
    counters: AccountCounters | None = None,
) -> dict[str, Any]:
    """Return the Mastodon ``Account`` entity for an account.

    Args:
        account: The account.
        base_url: The server the account lives on.
        counters: Its followers, following and posts counts (zeros when not given).

    Returns:
        A JSON-ready dict.
    """
    base = base_url.rstrip("/")
    counts = counters or AccountCounters()
    created = format_datetime(account.created_at)
    return {
        "id": str(account.id),
        "username": account.handle,
        "acct": account.handle,
        "display_name": account.display_name,
        "locked": account.locked,
        "bot": False,
        "discoverable": True,
        "group": False,
        "created_at": created,
        "note": text_to_html(account.bio, base_url=base),
        "url": _account_url(account, base),
        "uri": f"{base}/users/{account.handle}",
        "avatar": f"{base}/avatars/original/missing.png",
        "avatar_static": f"{base}/avatars/original/missing.png",
        "header": f"{base}/headers/original/missing.png",
        "header_static": f"{base}/headers/original/missing.png",
        "followers_count": counts.followers,
        "following_count": counts.following,
        "statuses_count": counts.posts,
        "last_status_at": None,
        "emojis": [],
        "fields": [],
    }


def account_from_json(data: Mapping[str, Any] | Node) -> Account:
    """Read a Mastodon ``Account`` entity.

    The handle is ``username`` (the part of ``acct`` before any ``@domain``);
    the bio is the text of ``note``. Unknown fields are ignored.

    Raises:
        ValidationError: A field is missing or malformed; the message names its path.
    """
    node = _node(data)
    account_id = AccountId(node.ident("id"))
    handle = node.string("username")
    created_at = node.instant("created_at")
    display_name = node.opt_string("display_name")
    bio = html_to_text(node.opt_string("note"))
    locked = node.opt_bool("locked")
    return node.build(
        lambda: Account._quick(
            id=account_id,
            handle=handle,
            created_at=created_at,
            display_name=display_name,
            bio=bio,
            locked=locked,
        )
    )


def _media_json(post: Post, index: int, media: Media) -> dict[str, Any]:
    original: dict[str, Any] = {}
    if media.width is not None:
        original["width"] = media.width
    if media.height is not None:
        original["height"] = media.height
    return {
        "id": f"{post.id}{index:02d}",
        "type": media.kind.value,
        "url": media.url,
        "preview_url": media.url,
        "remote_url": None,
        "description": media.description or None,
        "blurhash": None,
        "meta": {"original": original} if original else {},
    }


def _poll_json(post: Post, poll: Poll) -> dict[str, Any]:
    return {
        "id": str(post.id),
        "expires_at": format_datetime(poll.expires_at),
        "expired": False,
        "multiple": poll.multiple,
        "votes_count": 0,
        "voters_count": 0,
        "options": [{"title": option, "votes_count": 0} for option in poll.options],
        "emojis": [],
        "voted": False,
        "own_votes": [],
    }


def _lookup(accounts: Mapping[AccountId, Account], account_id: AccountId) -> Account:
    account = accounts.get(account_id)
    if account is None:
        raise NotFoundError("account", account_id)
    return account


def status_to_json(
    post: Post,
    *,
    accounts: Mapping[AccountId, Account],
    posts: Mapping[PostId, Post] | None = None,
    base_url: str = DEFAULT_BASE_URL,
    counters: Mapping[PostId, PostCounters] | None = None,
) -> dict[str, Any]:
    """Return the Mastodon ``Status`` entity for a post.

    Args:
        post: The post; a repost becomes a reblog wrapping its original.
        accounts: The accounts the post names (author, mentioned, replied to).
        posts: Posts it refers to: a repost's original must be here.
        base_url: The server the post lives on.
        counters: Replies, reblogs and favourites counts per post (zeros when missing).

    Returns:
        A JSON-ready dict.

    Raises:
        NotFoundError: An account or a reposted original is not in ``accounts``/``posts``.
    """
    base = base_url.rstrip("/")
    author = _lookup(accounts, post.author_id)
    counts = (counters or {}).get(post.id) or PostCounters()
    reblog = None
    if post.repost_of is not None:
        original = (posts or {}).get(post.repost_of.root_id)
        if original is None:
            raise NotFoundError("post", post.repost_of.root_id)
        reblog = status_to_json(
            original, accounts=accounts, posts=posts, base_url=base, counters=counters
        )
    mentions = []
    for mentioned_id in post.mentions:
        mentioned = _lookup(accounts, mentioned_id)
        mentions.append(
            {
                "id": str(mentioned.id),
                "username": mentioned.handle,
                "acct": mentioned.handle,
                "url": _account_url(mentioned, base),
            }
        )
    media = [a for a in post.attachments if isinstance(a, Media)]
    poll = next((a for a in post.attachments if isinstance(a, Poll)), None)
    reply = post.reply_to
    url = f"{base}/@{author.handle}/{post.id}"
    return {
        "id": str(post.id),
        "uri": f"{base}/users/{author.handle}/statuses/{post.id}",
        "url": None if reblog is not None else url,
        "created_at": format_datetime(post.created_at),
        "account": account_to_json(author, base_url=base),
        "content": text_to_html(post.text, base_url=base),
        "visibility": post.visibility.value,
        "sensitive": bool(post.content_warning),
        "spoiler_text": post.content_warning,
        "media_attachments": [_media_json(post, i, m) for i, m in enumerate(media)],
        "application": None,
        "mentions": mentions,
        "tags": [{"name": tag, "url": f"{base}/tags/{tag}"} for tag in post.tags],
        "emojis": [],
        "reblogs_count": counts.reposts,
        "favourites_count": counts.likes,
        "replies_count": counts.replies,
        "in_reply_to_id": str(reply.parent_id) if reply else None,
        "in_reply_to_account_id": str(reply.parent_author_id) if reply else None,
        "reblog": reblog,
        "poll": _poll_json(post, poll) if poll is not None else None,
        "card": None,
        "language": post.language,
        "text": None,
        "edited_at": None,
        "quote": (
            {"state": "accepted", "quoted_status_id": str(post.quote_of)}
            if post.quote_of is not None
            else None
        ),
        "quote_approval": {
            "automatic": _QUOTE_APPROVAL[post.quote_policy],
            "manual": [],
            "current_user": "automatic",
        },
        "favourited": False,
        "reblogged": False,
        "muted": False,
        "bookmarked": False,
        "pinned": False,
    }


def _media_from(node: Node) -> Media | None:
    kind = _MEDIA_KINDS.get(node.opt_string("type"))
    if kind is None:
        return None  # "unknown" media (a remote file the server could not fetch)
    meta = node.opt("meta")
    original = meta.opt("original") if meta is not None else None
    width = original.opt("width") if original is not None else None
    height = original.opt("height") if original is not None else None
    url = node.string("url")
    description = node.opt_string("description")
    w = width.as_int() if width is not None else None
    h = height.as_int() if height is not None else None
    return node.build(lambda: Media(kind=kind, url=url, description=description, width=w, height=h))


def _poll_from(node: Node) -> Poll:
    options = tuple(option.string("title") for option in node.array("options"))
    expires_at = node.instant("expires_at")
    multiple = node.opt_bool("multiple")
    return node.build(lambda: Poll(options=options, expires_at=expires_at, multiple=multiple))


def _quote_policy(node: Node) -> QuotePolicy:
    value = node.value.get("quote_approval") if node.value.__class__ is dict else None
    if value.__class__ is dict:
        raw = value.get("automatic")
    else:
        approval = node.opt("quote_approval")
        if approval is None:
            return QuotePolicy.ANYONE
        raw = None  # not an object: the checked path below reports it
    if raw.__class__ is list and set(map(type, raw)) <= _ONLY_STR:
        automatic = set(raw)  # the common case, read without a node per item
    else:
        automatic = {item.as_str() for item in node.get("quote_approval").array("automatic")}
    if "public" in automatic:
        return QuotePolicy.ANYONE
    if "followers" in automatic:
        return QuotePolicy.FOLLOWERS
    return QuotePolicy.NOBODY


def _quoted_id(node: Node) -> PostId | None:
    quote = node.opt("quote")
    if quote is None:
        legacy = node.opt_ident("quote_id")
        return PostId(legacy) if legacy is not None else None
    if quote.has("quoted_status_id"):
        return PostId(quote.ident("quoted_status_id"))
    if quote.has("quoted_status"):
        return PostId(quote.get("quoted_status").ident("id"))
    return None


def _visibility(node: Node) -> Visibility:
    name = node.opt_string("visibility", "public")
    visibility = _VISIBILITIES.get(name)
    if visibility is None:
        raise node.error(
            f"visibility must be one of {sorted(_VISIBILITIES)}, got {name!r}", "visibility"
        )
    return visibility


def status_from_json(
    data: Mapping[str, Any] | Node, *, known: Mapping[PostId, Post] | None = None
) -> Status:
    """Read a Mastodon ``Status`` entity into values.

    Args:
        data: The decoded JSON (or a :class:`~microblog_core.interop._json.Node`).
        known: Posts already read, by id: a reply to one of them gets its
            thread root and addressee from it; otherwise its parent is taken as the root.

    Returns:
        The status, with its post, author, and for a reblog the reblogged status.

    Raises:
        ValidationError: A field is missing or malformed, or the post breaks an
            invariant; the message names the path.
    """
    return _status(_node(data), known, None)


_ONLY_STR = frozenset({str})

# A user object repeats in every status its account wrote; a stream reads each once.
_SEEN_LIMIT = 100_000


def _account_of(node: Node, seen: dict[tuple[object, ...], Account] | None) -> Account:
    """The status's author, read once per stream for each distinct user object."""
    raw = node.value
    if seen is None or raw.__class__ is not dict:
        return account_from_json(node)
    # Exactly what account_from_json reads: equal keys read to equal accounts.
    key = (
        raw.get("id"),
        raw.get("username"),
        raw.get("created_at"),
        raw.get("display_name"),
        raw.get("note"),
        raw.get("locked"),
    )
    account_id, username, created_at, display_name, note, locked = key
    # Only plain types make a key: True == 1 == 1.0, so an odd type could find another's account.
    if not (
        (account_id.__class__ is str or account_id.__class__ is int)
        and username.__class__ is str
        and created_at.__class__ is str
        and (display_name is None or display_name.__class__ is str)
        and (note is None or note.__class__ is str)
        and (locked is None or locked.__class__ is bool)
    ):
        return account_from_json(node)  # read it, keep nothing
    account = seen.get(key)
    if account is None:
        account = account_from_json(node)
        if len(seen) >= _SEEN_LIMIT:
            seen.clear()
        seen[key] = account
    return account


def _mentioned(node: Node, raw: Any) -> tuple[tuple[AccountId, str], ...]:
    """``(id, username)`` of each entry of ``mentions``."""
    if raw is None:
        return ()
    if raw.__class__ is list:
        mentioned = []
        for item in raw:
            if item.__class__ is not dict:
                break
            account_id = quick_id(item.get("id"))
            username = item.get("username")
            if account_id is None or username.__class__ is not str:
                break
            mentioned.append((AccountId(account_id), username))
        else:
            return tuple(mentioned)
    # Something to report, or an id to check: read each through the checked accessors.
    return tuple((AccountId(m.ident("id")), m.string("username")) for m in node.array("mentions"))


def _tags(node: Node, raw: Any) -> tuple[str, ...]:
    """The ``name`` of each entry of ``tags``."""
    if raw is None:
        return ()
    if raw.__class__ is list:
        names = []
        for item in raw:
            name = item.get("name") if item.__class__ is dict else None
            if name.__class__ is not str:
                break
            names.append(name)
        else:
            return tuple(names)
    return tuple(t.string("name") for t in node.array("tags"))


def _status(
    node: Node,
    known: Mapping[PostId, Post] | None,
    seen: dict[tuple[object, ...], Account] | None,
) -> Status:
    # Each member is read straight off the dict when it has the expected type, else
    # through the checked accessor, which reads it alike or names its path in an error.
    raw = node.members()
    found_id = quick_id(raw.get("id"))
    post_id = PostId(found_id if found_id is not None else node.ident("id"))
    account_raw = raw.get("account")
    account = _account_of(
        Node(account_raw, f"{node.path}.account")
        if account_raw is not None
        else node.get("account"),
        seen,
    )
    created_at = node.instant("created_at")
    name = raw.get("visibility")
    found_visibility = _VISIBILITIES.get(name) if name.__class__ is str else None
    visibility = found_visibility if found_visibility is not None else _visibility(node)
    content = raw.get("content")
    text = html_to_text(content if content.__class__ is str else node.opt_string("content"))
    mentioned = _mentioned(node, raw.get("mentions"))
    mentions = tuple([m for m, _ in mentioned])
    tags = _tags(node, raw.get("tags"))
    if raw.get("reblog") is not None:
        reblog = _status(node.get("reblog"), known, seen)
        ref = RepostRef._quick(root_id=reblog.post.id, root_author_id=reblog.post.author_id)
        post = node.build(
            lambda: Post._quick(
                id=post_id,
                author_id=account.id,
                created_at=created_at,
                repost_of=ref,
                visibility=visibility,
                text=text,
                mentions=mentions,
                tags=tags,
            )
        )
        return Status(post=post, account=account, reblog=reblog, mentioned=mentioned)
    attachments: list[Attachment] = []
    media_raw = raw.get("media_attachments")
    if media_raw is not None and (media_raw.__class__ is not list or media_raw):
        for media_node in node.array("media_attachments"):
            media = _media_from(media_node)
            if media is not None:
                attachments.append(media)
    if raw.get("poll") is not None:
        attachments.append(_poll_from(node.get("poll")))
    reply_to = (
        _reply_ref(node, account.id, known) if raw.get("in_reply_to_id") is not None else None
    )
    quote_of = (
        _quoted_id(node)
        if raw.get("quote") is not None or raw.get("quote_id") is not None
        else None
    )
    quote_policy = _quote_policy(node)
    warning = raw.get("spoiler_text")
    content_warning = warning if warning.__class__ is str else node.opt_string("spoiler_text")
    language = raw.get("language")
    if language is not None and language.__class__ is not str:
        language = node.get("language").as_str()
    post = node.build(
        lambda: Post._quick(
            id=post_id,
            author_id=account.id,
            created_at=created_at,
            text=text,
            visibility=visibility,
            reply_to=reply_to,
            quote_of=quote_of,
            language=language,
            content_warning=content_warning,
            attachments=tuple(attachments),
            mentions=mentions,
            tags=tags,
            quote_policy=quote_policy,
        )
    )
    return Status(post=post, account=account, mentioned=mentioned)


def _reply_ref(
    node: Node, author_id: AccountId, known: Mapping[PostId, Post] | None
) -> ReplyRef | None:
    parent_id = node.opt_ident("in_reply_to_id")
    if parent_id is None:
        return None
    parent = (known or {}).get(PostId(parent_id))
    if parent is not None and parent.repost_of is None:
        return node.build(lambda: reply_ref_for(parent, author_id))
    parent_author = node.opt_ident("in_reply_to_account_id")
    if parent_author is None:
        raise node.error("a reply needs in_reply_to_account_id", "in_reply_to_account_id")
    return node.build(
        lambda: ReplyRef._quick(
            root_id=PostId(parent_id),
            parent_id=PostId(parent_id),
            parent_author_id=AccountId(parent_author),
            addressee_id=AccountId(parent_author),
        )
    )


def read_statuses(handle: IO[str]) -> Iterator[tuple[str, Item]]:
    """Stream a file of Mastodon statuses (JSON Lines or one array) as import items.

    Each status yields its authors' accounts, then its posts (a reblogged
    status before the reblog), each with the JSON path it came from. Memory
    stays bounded by the largest status.

    Args:
        handle: A text file open for reading.

    Yields:
        ``(path, item)`` pairs for :class:`~microblog_core.interop.importing.Importer`.

    Raises:
        ValidationError: A status is malformed; the message names its path.
    """
    seen: dict[tuple[object, ...], Account] = {}
    for node in iter_records(handle):
        status = _status(node, None, seen)
        path = node.path
        reblog = status.reblog
        if reblog is None:
            yield from _accounts_in(status, path)
            yield path, status.post
            continue
        reblog_path = f"{path}.reblog"
        yield from _accounts_in(reblog, reblog_path)
        yield from _accounts_in(status, path)
        yield reblog_path, reblog.post
        yield path, status.post


def _accounts_in(status: Status, path: str) -> list[tuple[str, Item]]:
    """The author of one layer of a status, then each account it mentions."""
    items: list[tuple[str, Item]] = [(f"{path}.account", status.account)]
    if status.mentioned:
        created_at = status.post.created_at
        # A mention names an account by id and handle only; a fuller record may follow.
        items.extend(
            (
                f"{path}.mentions[{index}]",
                Account._quick(id=account_id, handle=username, created_at=created_at),
            )
            for index, (account_id, username) in enumerate(status.mentioned)
        )
    return items
