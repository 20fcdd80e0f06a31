"""ActivityPub / ActivityStreams 2.0 activities, both directions.

A ``Note`` inside ``Create``, and ``Announce``, ``Like``, ``Follow``,
``Undo``, ``Delete`` and ``Block``.

Export turns values into activities as Mastodon sends them. Actors and notes
get Mastodon's numeric ActivityPub ids (``{base}/ap/users/{id}`` and
``{base}/ap/users/{id}/statuses/{post}``). Addressing maps to visibility
exactly as Mastodon maps it:

===========  ================================  ================================
visibility   ``to``                            ``cc``
===========  ================================  ================================
public       ``as:Public``                     followers, mentioned actors
unlisted     followers                         ``as:Public``, mentioned actors
private      followers                         mentioned actors
direct       mentioned actors                  (nobody)
===========  ================================  ================================

Import reads an activity into an :class:`Activity` (URIs as they are, since
a remote server's ids are not ours). :func:`to_value` turns an activity whose
URIs carry numeric ids back into a value; :mod:`microblog_core.interop.importing`
applies activities through the service's use cases, so every domain rule holds.

What ActivityPub notes cannot carry here: polls (Mastodon's ``Question``),
locations, reply gates, quote policies, the hidden flag, a repost's ``via``
and a Weibo-style repost comment (an ``Announce`` has no content).
"""

import re
from collections.abc import Iterator, Mapping
from datetime import UTC, datetime
from typing import IO, TYPE_CHECKING, Any, Literal

from attrs import frozen

from microblog_core.errors import NotFoundError, ValidationError
from microblog_core.ids import AccountId, PostId
from microblog_core.interop._html import html_to_text, text_to_html
from microblog_core.interop._json import Node, format_datetime, iter_records
from microblog_core.interop.importing import Delete, Item, Undo
from microblog_core.models import (
    Account,
    AccountKind,
    Block,
    Follow,
    Like,
    Media,
    MediaKind,
    Post,
    ReplyRef,
    RepostRef,
    Visibility,
)
from microblog_core.rules import reply_ref_for

if TYPE_CHECKING:
    from microblog_core.service import Microblog

__all__ = [
    "ACTIVITY_KINDS",
    "PUBLIC",
    "Activity",
    "ActivityKind",
    "Note",
    "account_from_actor",
    "account_uri",
    "actor_to_json",
    "delete_to_json",
    "note_to_json",
    "outbox",
    "post_uri",
    "read_activities",
    "read_activity",
    "to_activity",
    "to_value",
    "undo_to_json",
    "visibility_of",
]

PUBLIC = "https://www.w3.org/ns/activitystreams#Public"
"""The special collection that means "everyone"."""

_PUBLIC_NAMES = frozenset({PUBLIC, "as:Public", "Public"})
_CONTEXT = "https://www.w3.org/ns/activitystreams"

ActivityKind = Literal["Create", "Announce", "Like", "Follow", "Undo", "Delete", "Block"]
ACTIVITY_KINDS: tuple[str, ...] = (
    "Create",
    "Announce",
    "Like",
    "Follow",
    "Undo",
    "Delete",
    "Block",
)
"""The activity types this module reads and writes."""

_MEDIA_TYPES = {
    MediaKind.IMAGE: "image/jpeg",
    MediaKind.VIDEO: "video/mp4",
    MediaKind.GIFV: "video/mp4",
    MediaKind.AUDIO: "audio/mpeg",
}
_MEDIA_PREFIX = {"image": MediaKind.IMAGE, "video": MediaKind.VIDEO, "audio": MediaKind.AUDIO}


def account_uri(account_id: AccountId, base_url: str) -> str:
    """The actor id of an account: ``{base}/ap/users/{id}``."""
    return f"{base_url.rstrip('/')}/ap/users/{account_id}"


def post_uri(post: Post, base_url: str) -> str:
    """The object id of a post: ``{base}/ap/users/{author}/statuses/{id}``."""
    return f"{account_uri(post.author_id, base_url)}/statuses/{post.id}"


def _post_uri(author_id: AccountId, post_id: PostId, base_url: str) -> str:
    return f"{account_uri(author_id, base_url)}/statuses/{post_id}"


def visibility_of(to: tuple[str, ...], cc: tuple[str, ...], followers: str | None) -> Visibility:
    """Return the visibility an addressing means, as Mastodon reads it.

    Args:
        to: The ``to`` audience.
        cc: The ``cc`` audience.
        followers: The author's followers collection, if known; without it any
            audience ending in ``/followers`` counts.

    Returns:
        Public when ``as:Public`` is in ``to``, unlisted when it is in ``cc``,
        followers-only when the followers collection is addressed, else direct.
    """
    if not _PUBLIC_NAMES.isdisjoint(to):
        return Visibility.PUBLIC
    if not _PUBLIC_NAMES.isdisjoint(cc):
        return Visibility.UNLISTED
    for audience in (*to, *cc):
        if audience == followers or (followers is None and audience.endswith("/followers")):
            return Visibility.PRIVATE
    return Visibility.DIRECT


def _addressing(
    visibility: Visibility, followers: str, mentioned: list[str]
) -> tuple[list[str], list[str]]:
    if visibility is Visibility.PUBLIC:
        return [PUBLIC], [followers, *mentioned]
    if visibility is Visibility.UNLISTED:
        return [followers], [PUBLIC, *mentioned]
    if visibility is Visibility.PRIVATE:
        return [followers], list(mentioned)
    return list(mentioned), []


def actor_to_json(account: Account, *, base_url: str) -> dict[str, Any]:
    """Return the ``Person`` (or ``Organization``) actor document of an account.

    Args:
        account: The account.
        base_url: The server it lives on.

    Returns:
        A JSON-ready dict.
    """
    uri = account_uri(account.id, base_url)
    return {
        "@context": _CONTEXT,
        "id": uri,
        "type": "Organization" if account.is_organisation else "Person",
        "preferredUsername": account.handle,
        "name": account.display_name,
        "summary": text_to_html(account.bio, base_url=base_url),
        "published": format_datetime(account.created_at),
        "manuallyApprovesFollowers": account.locked,
        "inbox": f"{uri}/inbox",
        "outbox": f"{uri}/outbox",
        "followers": f"{uri}/followers",
        "following": f"{uri}/following",
        "url": f"{base_url.rstrip('/')}/@{account.handle}",
    }


def account_from_actor(data: Mapping[str, Any] | Node) -> Account:
    """Read an actor document back into an account.

    The actor's id must end in a numeric account id, as :func:`actor_to_json` writes it.

    Raises:
        ValidationError: The id is not numeric, or a field is missing or
            malformed; the message names the path.
    """
    node = data if isinstance(data, Node) else Node(data)
    account_id = AccountId(_numeric(node.string("id"), "the actor", f"{node.path}.id"))
    published = node.opt("published")
    seen_at = published.as_datetime() if published is not None else _EPOCH_FALLBACK
    return _actor_account(node, account_id, seen_at)


def _account(accounts: Mapping[AccountId, Account], account_id: AccountId) -> Account:
    account = accounts.get(account_id)
    if account is None:
        raise NotFoundError("account", account_id)
    return account


def note_to_json(
    post: Post, *, accounts: Mapping[AccountId, Account], base_url: str
) -> dict[str, Any]:
    """Return the ``Note`` object of an original, a reply or a quote.

    Args:
        post: The post (not a repost: that is an ``Announce``).
        accounts: The accounts it names (author and mentioned).
        base_url: The server it lives on.

    Returns:
        A JSON-ready dict.

    Raises:
        NotFoundError: An account it names is not in ``accounts``.
        ValidationError: ``post`` is a repost.
    """
    if post.repost_of is not None:
        raise ValidationError("a repost is an Announce, not a Note", field="post", value=post.id)
    author = account_uri(post.author_id, base_url)
    mentioned = [account_uri(_account(accounts, m).id, base_url) for m in post.mentions]
    to, cc = _addressing(post.visibility, f"{author}/followers", mentioned)
    base = base_url.rstrip("/")
    tags: list[dict[str, Any]] = [
        {"type": "Mention", "href": uri, "name": f"@{accounts[m].handle}"}
        for m, uri in zip(post.mentions, mentioned, strict=True)
    ]
    tags.extend(
        {"type": "Hashtag", "href": f"{base}/tags/{tag}", "name": f"#{tag}"} for tag in post.tags
    )
    attachments = []
    for item in post.attachments:
        if isinstance(item, Media):
            document: dict[str, Any] = {
                "type": "Document",
                "mediaType": _MEDIA_TYPES[item.kind],
                "url": item.url,
                "name": item.description or None,
            }
            if item.kind is MediaKind.GIFV:
                document["type"] = "Video"
                document["microblogKind"] = "gifv"
            if item.width is not None:
                document["width"] = item.width
            if item.height is not None:
                document["height"] = item.height
            attachments.append(document)
    content = text_to_html(post.text, base_url=base)
    reply = post.reply_to
    note: dict[str, Any] = {
        "id": post_uri(post, base),
        "type": "Note",
        "attributedTo": author,
        "published": format_datetime(post.created_at),
        "to": to,
        "cc": cc,
        "content": content,
        "summary": post.content_warning or None,
        "sensitive": bool(post.content_warning),
        "inReplyTo": _post_uri(reply.parent_author_id, reply.parent_id, base) if reply else None,
        "tag": tags,
        "attachment": attachments,
        "url": f"{base}/@{_account(accounts, post.author_id).handle}/{post.id}",
    }
    if post.language is not None:
        note["contentMap"] = {post.language: content}
    if post.quote_of is not None:
        # FEP-044f ("quote") and the older quoteUrl (Misskey, Akkoma) name the quoted post.
        # The quoted post's author is not part of the value: the id alone names it.
        note["quote"] = note["quoteUrl"] = f"{base}/ap/statuses/{post.quote_of}"
    return note


def to_activity(
    value: Post | Like | Follow | Block,
    *,
    accounts: Mapping[AccountId, Account],
    base_url: str,
) -> dict[str, Any]:
    """Return the activity that publishes a value.

    An original, reply or quote is a ``Create`` of its ``Note``; a repost is an
    ``Announce`` of its original; a like, follow and block are ``Like``,
    ``Follow`` and ``Block``.

    Args:
        value: What to publish.
        accounts: The accounts it names.
        base_url: The server it happens on.

    Returns:
        A JSON-ready dict with ``@context``.

    Raises:
        NotFoundError: An account it names is not in ``accounts``.
    """
    base = base_url.rstrip("/")
    if isinstance(value, Post):
        actor = account_uri(value.author_id, base)
        ref = value.repost_of
        if ref is not None:
            to, cc = _addressing(value.visibility, f"{actor}/followers", [])
            cc.append(account_uri(ref.root_author_id, base))
            return {
                "@context": _CONTEXT,
                "id": f"{actor}/statuses/{value.id}/activity",
                "type": "Announce",
                "actor": actor,
                "published": format_datetime(value.created_at),
                "to": to,
                "cc": cc,
                "object": _post_uri(ref.root_author_id, ref.root_id, base),
            }
        note = note_to_json(value, accounts=accounts, base_url=base)
        return {
            "@context": _CONTEXT,
            "id": f"{note['id']}/activity",
            "type": "Create",
            "actor": actor,
            "published": note["published"],
            "to": note["to"],
            "cc": note["cc"],
            "object": note,
        }
    if isinstance(value, Like):
        actor = account_uri(value.account_id, base)
        return {
            "@context": _CONTEXT,
            "id": f"{actor}#likes/{value.post_id}",
            "type": "Like",
            "actor": actor,
            "published": format_datetime(value.created_at),
            "object": f"{base}/ap/statuses/{value.post_id}",
        }
    if isinstance(value, Follow):
        actor = account_uri(value.follower_id, base)
        return {
            "@context": _CONTEXT,
            "id": f"{actor}#follows/{value.followee_id}",
            "type": "Follow",
            "actor": actor,
            "published": format_datetime(value.created_at),
            "object": account_uri(value.followee_id, base),
        }
    actor = account_uri(value.blocker_id, base)
    return {
        "@context": _CONTEXT,
        "id": f"{actor}#blocks/{value.blocked_id}",
        "type": "Block",
        "actor": actor,
        "published": format_datetime(value.created_at),
        "object": account_uri(value.blocked_id, base),
    }


def outbox(blog: "Microblog", *, base_url: str) -> Iterator[dict[str, Any]]:
    """Every account of a service as an actor, then everything that happened, as activities.

    Posts, follows, blocks and likes come in the order they happened (see
    :func:`~microblog_core.interop.exporting.history_of`), so
    :func:`read_activities` and an :class:`~microblog_core.interop.importing.Importer`
    replay them into another service under the same rules.

    Args:
        blog: The service read.
        base_url: The server named in ids.

    Yields:
        JSON-ready dicts: ``Person``/``Organization`` actors, then ``Create``,
        ``Announce``, ``Follow``, ``Block`` and ``Like`` activities.
    """
    from microblog_core.interop.exporting import accounts_of, history_of

    accounts = {account.id: account for account in accounts_of(blog)}
    for value in history_of(blog):
        if isinstance(value, Account):
            yield actor_to_json(value, base_url=base_url)
        else:
            yield to_activity(value, accounts=accounts, base_url=base_url)


def undo_to_json(activity: Mapping[str, Any], *, at: datetime) -> dict[str, Any]:
    """Return the ``Undo`` of an activity (an unlike, unfollow, unblock or unrepost).

    Args:
        activity: The activity undone, as :func:`to_activity` made it.
        at: When it is undone.
    """
    inner = {k: v for k, v in activity.items() if k != "@context"}
    return {
        "@context": _CONTEXT,
        "id": f"{activity['id']}/undo",
        "type": "Undo",
        "actor": activity["actor"],
        "published": format_datetime(at),
        "object": inner,
    }


def delete_to_json(post: Post, *, base_url: str, at: datetime) -> dict[str, Any]:
    """Return the ``Delete`` of a post, with a ``Tombstone`` as Mastodon sends it.

    Args:
        post: The post deleted.
        base_url: The server it lived on.
        at: When it was deleted.
    """
    uri = post_uri(post, base_url)
    return {
        "@context": _CONTEXT,
        "id": f"{uri}#delete",
        "type": "Delete",
        "actor": account_uri(post.author_id, base_url),
        "published": format_datetime(at),
        "to": [PUBLIC],
        "object": {"id": uri, "type": "Tombstone"},
    }


# --------------------------------------------------------------------------- import


@frozen(kw_only=True)
class Note:
    """A ``Note`` read from ActivityPub, its references still URIs.

    Attributes:
        uri: The note's id.
        actor: Its author's actor id.
        published: When it was published.
        text: The content as plain text.
        visibility: What its addressing means.
        in_reply_to: The note it replies to, if any.
        quote: The note it quotes, if any.
        content_warning: The ``summary``.
        language: The language of its ``contentMap``, if one.
        attachments: Its media.
        mentions: The actor ids of its ``Mention`` tags.
        tags: The names of its ``Hashtag`` tags, without ``#``.
    """

    uri: str
    actor: str
    published: datetime
    text: str
    visibility: Visibility
    in_reply_to: str | None = None
    quote: str | None = None
    content_warning: str = ""
    language: str | None = None
    attachments: tuple[Media, ...] = ()
    mentions: tuple[str, ...] = ()
    tags: tuple[str, ...] = ()


@frozen(kw_only=True)
class Activity:
    """An activity read from ActivityPub, its references still URIs.

    Attributes:
        kind: ``Create``, ``Announce``, ``Like``, ``Follow``, ``Undo``, ``Delete`` or ``Block``.
        uri: The activity's id.
        actor: Who acts.
        published: When (None when the activity does not say).
        object: What it acts on: a :class:`Note` (Create), an :class:`Activity`
            (Undo), or a URI.
        visibility: For an ``Announce``, what its addressing means.
        path: Where in the input it was read (for error messages).
    """

    kind: ActivityKind
    uri: str
    actor: str
    published: datetime | None
    object: "Note | Activity | str"
    visibility: Visibility = Visibility.PUBLIC
    path: str = "$"


def _uri_of(node: Node) -> str:
    value = node.value
    if isinstance(value, dict):
        return node.string("id")
    return node.as_str()


def _audience(node: Node, key: str) -> tuple[str, ...]:
    raw = node.members()
    value = raw.get(key)
    if value is None:
        return ()
    if isinstance(value, str):
        return (value,)
    if value.__class__ is list and set(map(type, value)) <= _ONLY_STR:
        return tuple(value)  # the common shape: plain URIs, nothing to check
    return tuple(_uri_of(item) for item in node.get(key).items())


_ONLY_STR = frozenset({str})


def _media(node: Node) -> Media | None:
    media_type = node.opt_string("mediaType")
    if node.opt_string("microblogKind") == "gifv":
        kind = MediaKind.GIFV
    else:
        kind_found = _MEDIA_PREFIX.get(media_type.split("/", 1)[0]) if media_type else None
        if kind_found is None:
            return None  # a link or an unknown kind of document
        kind = kind_found
    url_node = node.get("url")
    url = url_node.as_str() if isinstance(url_node.value, str) else _first_href(url_node)
    description = node.opt_string("name")
    width = node.opt("width")
    height = node.opt("height")
    w = width.as_int() if width is not None else None
    h = height.as_int() if height is not None else None
    return node.build(lambda: Media(kind=kind, url=url, description=description, width=w, height=h))


def _first_href(node: Node) -> str:
    links = node.items() if isinstance(node.value, list) else [node]
    if not links:
        raise node.error("a media url is needed")
    return links[0].string("href")


def _many(node: Node, key: str) -> list[Node]:
    """A member that ActivityStreams allows as one object or an array of them."""
    member = node.opt(key)
    if member is None:
        return []
    return member.items() if isinstance(member.value, list) else [member]


def _note(node: Node) -> Note:
    # Members are read straight off the dict when they have the common type, else
    # through the checked accessors, which read them alike or name their path in an error.
    raw = node.members()
    kind = raw.get("type")
    if kind.__class__ is not str:
        kind = node.string("type")
    if kind not in ("Note", "Article", "Page"):
        raise node.error(f"expected a Note, got {kind!r}", "type")
    actor = raw.get("attributedTo")
    if actor.__class__ is not str:
        actor_node = node.get("attributedTo")
        if isinstance(actor_node.value, list):
            authors = actor_node.items()
            if not authors:
                raise actor_node.error("a note needs an author")
            actor = _uri_of(authors[0])
        else:
            actor = _uri_of(actor_node)
    to, cc = _audience(node, "to"), _audience(node, "cc")
    content_map = raw.get("contentMap")
    language = None
    if isinstance(content_map, dict) and content_map:
        language = next(iter(content_map))
    found = _plain_tags(raw.get("tag"))
    mentions, tags = found if found is not None else _tags(node)
    media = []
    attachments = raw.get("attachment")
    if attachments is not None and (attachments.__class__ is not list or attachments):
        for item in _many(node, "attachment"):
            found_media = _media(item)
            if found_media is not None:
                media.append(found_media)
    uri = raw.get("id")
    uri = uri if uri.__class__ is str else node.string("id")
    published = node.instant("published")
    content = raw.get("content")
    text = html_to_text(content if content.__class__ is str else node.opt_string("content"))
    reply = raw.get("inReplyTo")
    if reply is not None and reply.__class__ is not str:
        reply = _uri_of(node.get("inReplyTo"))
    quote = None
    if raw.get("quote") is not None or raw.get("quoteUrl") is not None:
        quote = _uri_of(node.opt("quote") or node.get("quoteUrl"))
    elif raw.get("_misskey_quote") is not None:
        quote = _uri_of(node.get("_misskey_quote"))
    summary = raw.get("summary")
    return Note(
        uri=uri,
        actor=actor,
        published=published,
        text=text,
        visibility=visibility_of(to, cc, None),
        in_reply_to=reply,
        quote=quote,
        content_warning=summary if summary.__class__ is str else node.opt_string("summary"),
        language=language,
        attachments=tuple(media),
        mentions=tuple(dict.fromkeys(mentions)),
        tags=tuple(dict.fromkeys(tags)),
    )


def _plain_tags(value: Any) -> tuple[list[str], list[str]] | None:
    """:func:`_tags` of a ``tag`` member of the common shape, else None."""
    if value is None:
        return [], []
    if value.__class__ is not list:
        return None
    mentions: list[str] = []
    tags: list[str] = []
    for tag in value:
        if tag.__class__ is not dict:
            return None
        tag_type = tag.get("type")
        if tag_type == "Mention":
            href = tag.get("href")
            if href.__class__ is not str:
                return None
            mentions.append(href)
        elif tag_type == "Hashtag":
            name = tag.get("name")
            if name.__class__ is not str:
                return None
            tags.append(name.lstrip("#"))
        elif tag_type is not None and tag_type.__class__ is not str:
            return None
    return mentions, tags


def _tags(node: Node) -> tuple[list[str], list[str]]:
    """The actor ids of a note's ``Mention`` tags and the names of its ``Hashtag`` tags."""
    mentions: list[str] = []
    tags: list[str] = []
    for tag in _many(node, "tag"):
        tag_type = tag.opt_string("type")
        if tag_type == "Mention":
            mentions.append(tag.string("href"))
        elif tag_type == "Hashtag":
            tags.append(tag.string("name").lstrip("#"))
    return mentions, tags


def read_activity(data: Mapping[str, Any] | Node) -> Activity:
    """Read one activity.

    Args:
        data: The decoded JSON of a ``Create``, ``Announce``, ``Like``,
            ``Follow``, ``Undo``, ``Delete`` or ``Block`` activity.

    Returns:
        The activity, with a :class:`Note` for ``Create`` and the inner
        activity for ``Undo``.

    Raises:
        ValidationError: Another type, or a field is missing or malformed;
            the message names the path.
    """
    node = data if isinstance(data, Node) else Node(data)
    kind = node.string("type")
    if kind not in ACTIVITY_KINDS:
        raise node.error(f"expected one of {', '.join(ACTIVITY_KINDS)}, got {kind!r}", "type")
    raw = node.value  # an object: node.string read it
    published = node.instant("published") if raw.get("published") is not None else None
    target = node.get("object")
    inner: Note | Activity | str
    if kind == "Create":
        inner = _note(target)
    elif kind == "Undo" and isinstance(target.value, dict):
        inner = read_activity(target)
    else:
        inner = _uri_of(target)
    visibility = Visibility.PUBLIC
    if kind == "Announce":
        visibility = visibility_of(_audience(node, "to"), _audience(node, "cc"), None)
    uri = raw.get("id")
    if uri is None:
        uri = ""
    elif uri.__class__ is not str:
        uri = node.string("id")
    actor = raw.get("actor")
    return Activity(
        kind=kind,  # type: ignore[arg-type]  # checked against ACTIVITY_KINDS above
        uri=uri,
        actor=actor if actor.__class__ is str else _uri_of(node.get("actor")),
        published=published,
        object=inner,
        visibility=visibility,
        path=node.path,
    )


def _numeric(uri: str, what: str, path: str) -> int:
    tail = uri.rstrip("/").rsplit("/", 1)[-1]
    if not (tail.isascii() and tail.isdigit()) or not 0 < int(tail) < 1 << 63:
        raise ValidationError(
            f"{path}: {what} {uri!r} does not end in a numeric id", field=path, value=uri
        )
    return int(tail)


def _when(activity: Activity) -> datetime:
    if activity.published is None:
        raise ValidationError(
            f"{activity.path}: the activity has no published time",
            field=f"{activity.path}.published",
        )
    return activity.published


def to_value(
    activity: Activity, *, known: Mapping[PostId, Post] | None = None
) -> Post | Like | Follow | Block:
    """Turn an activity whose URIs end in numeric ids back into a value.

    This reads what :func:`to_activity` writes (and any server using numeric
    ids). A reply's thread root and addressee come from its parent when
    ``known`` holds it; otherwise the parent is taken as the root. An
    ``Announce`` needs its original in ``known``.

    Args:
        activity: A ``Create``, ``Announce``, ``Like``, ``Follow`` or ``Block``.
        known: Posts already read, by id.

    Returns:
        The post, like, follow or block.

    Raises:
        ValidationError: An ``Undo`` or ``Delete``, a URI without a numeric id,
            or a value that breaks an invariant; the message names the path.
        NotFoundError: An ``Announce`` of a post not in ``known``.
    """
    path = activity.path
    actor = AccountId(_numeric(activity.actor, "the actor", f"{path}.actor"))
    at = _when(activity)
    target = activity.object
    node = Node(None, path)
    if activity.kind == "Create" and isinstance(target, Note):
        return _post_from_note(target, actor, known or {}, node)
    if not isinstance(target, str) or activity.kind in ("Undo", "Delete", "Create"):
        raise ValidationError(
            f"{path}: a {activity.kind} is not a value; apply it to a service instead",
            field=f"{path}.type",
            value=activity.kind,
        )
    object_id = _numeric(target, "the object", f"{path}.object")
    if activity.kind == "Announce":
        root = (known or {}).get(PostId(object_id))
        if root is None:
            raise NotFoundError("post", object_id)
        repost_id = PostId(_numeric(activity.uri.removesuffix("/activity"), "the id", path))
        ref = RepostRef._quick(root_id=root.id, root_author_id=root.author_id)
        return node.build(
            lambda: Post._quick(
                id=repost_id,
                author_id=actor,
                created_at=at,
                repost_of=ref,
                visibility=activity.visibility,
            )
        )
    if activity.kind == "Like":
        return node.build(lambda: Like(account_id=actor, post_id=PostId(object_id), created_at=at))
    if activity.kind == "Follow":
        return node.build(
            lambda: Follow(follower_id=actor, followee_id=AccountId(object_id), created_at=at)
        )
    return node.build(
        lambda: Block(blocker_id=actor, blocked_id=AccountId(object_id), created_at=at)
    )


def _post_from_note(note: Note, actor: AccountId, known: Mapping[PostId, Post], node: Node) -> Post:
    path = f"{node.path}.object"
    post_id = PostId(_numeric(note.uri, "the note id", f"{path}.id"))
    reply_to = None
    if note.in_reply_to is not None:
        parent_id = PostId(_numeric(note.in_reply_to, "inReplyTo", f"{path}.inReplyTo"))
        parent = known.get(parent_id)
        if parent is not None and parent.repost_of is None:
            reply_to = reply_ref_for(parent, actor)
        else:
            parent_author = AccountId(
                _numeric(note.in_reply_to.rsplit("/statuses/", 1)[0], "inReplyTo", path)
            )
            reply_to = ReplyRef._quick(
                root_id=parent_id,
                parent_id=parent_id,
                parent_author_id=parent_author,
                addressee_id=parent_author,
            )
    mentions = [AccountId(_numeric(m, "a mention", f"{path}.tag")) for m in note.mentions]
    quote_of = PostId(_numeric(note.quote, "the quote", f"{path}.quote")) if note.quote else None
    return Node(None, path).build(
        lambda: Post._quick(
            id=post_id,
            author_id=actor,
            created_at=note.published,
            text=note.text,
            visibility=note.visibility,
            reply_to=reply_to,
            quote_of=quote_of,
            language=note.language,
            content_warning=note.content_warning,
            attachments=note.attachments,
            mentions=mentions,
            tags=note.tags,
        )
    )


# --------------------------------------------------------------------------- streams

_ACTOR_TYPES = frozenset({"Person", "Organization", "Service", "Group", "Application"})
_EPOCH_FALLBACK = datetime(2016, 3, 16, tzinfo=UTC)  # Mastodon's first release


class _Interner:
    """Gives each URI an int id in order of first sight, so references come before referrers."""

    def __init__(self) -> None:
        self.ids: dict[str, int] = {}

    def __call__(self, uri: str) -> int:
        found = self.ids.get(uri)
        if found is None:
            found = self.ids[uri] = len(self.ids) + 1
        return found


def _handle_from_uri(uri: str, fallback: int) -> str:
    tail = uri.rstrip("/").rsplit("/", 1)[-1].lstrip("@")
    word = tail.replace("_", "a")
    if 0 < len(tail) <= 30 and word.isascii() and word.isalnum() and not tail.isdigit():
        return tail
    return f"user{fallback}"


def _actor_account(node: Node, account_id: AccountId, seen_at: datetime) -> Account:
    handle = node.string("preferredUsername")
    published = node.opt("published")
    created_at = published.as_datetime() if published is not None else seen_at
    kind = (
        AccountKind.ORGANISATION if node.string("type") == "Organization" else AccountKind.PERSONAL
    )
    display_name = node.opt_string("name")
    bio = html_to_text(node.opt_string("summary"))
    locked = node.opt_bool("manuallyApprovesFollowers")
    return node.build(
        lambda: Account._quick(
            id=account_id,
            handle=handle,
            created_at=created_at,
            display_name=display_name,
            bio=bio,
            kind=kind,
            locked=locked,
        )
    )


def _status_key(uri: str) -> str:
    """One key per status: Mastodon names a status by host and numeric id in several URI forms."""
    match = _STATUS_URI.fullmatch(uri)
    return f"{match.group(1)}#status/{match.group(2)}" if match else uri


_STATUS_URI = re.compile(r"(https?://[^/]+)/(?:.*/)?statuses/(\d+)/?")


class _Stream:
    """State of one activity stream: URI ids, known actors and note authors."""

    def __init__(self) -> None:
        self.accounts = _Interner()
        self.post_keys = _Interner()
        self.known_actors: set[str] = set()
        self.note_authors: dict[int, AccountId] = {}
        self.last_time = _EPOCH_FALLBACK

    def posts(self, uri: str) -> int:
        return self.post_keys(_status_key(uri))

    def actor(self, uri: str, path: str, at: datetime) -> list[tuple[str, Item]]:
        if uri in self.known_actors:
            return []
        self.known_actors.add(uri)
        account_id = AccountId(self.accounts(uri))
        handle = _handle_from_uri(uri, account_id)
        return [(path, Account._quick(id=account_id, handle=handle, created_at=at))]

    def value(self, activity: Activity, at: datetime) -> Item | None:
        actor = AccountId(self.accounts(activity.actor))
        target = activity.object
        node = Node(None, activity.path)
        if activity.kind == "Create" and isinstance(target, Note):
            return self._post(target, actor, node)
        if isinstance(target, Activity):
            inner = self.value(target, at)
            if activity.kind != "Undo" or not isinstance(inner, Like | Follow | Block | Post):
                return None
            return Undo(inner)
        if not isinstance(target, str):
            return None
        if activity.kind == "Announce":
            root_id = self.posts(target)
            root_author = self.note_authors.get(root_id)
            if root_author is None:
                return None  # the original never appeared in the stream: nothing to repost
            post_id = PostId(self.posts(activity.uri or f"{activity.path}#announce"))
            ref = RepostRef._quick(root_id=PostId(root_id), root_author_id=root_author)
            return node.build(
                lambda: Post._quick(
                    id=post_id,
                    author_id=actor,
                    created_at=at,
                    repost_of=ref,
                    visibility=activity.visibility,
                )
            )
        if activity.kind == "Like":
            return Like(account_id=actor, post_id=PostId(self.posts(target)), created_at=at)
        if activity.kind == "Delete":
            return Delete(actor_id=actor, post_id=PostId(self.posts(target)))
        other = AccountId(self.accounts(target))
        if other == actor:
            return None
        if activity.kind == "Follow":
            return Follow(follower_id=actor, followee_id=other, created_at=at)
        return Block(blocker_id=actor, blocked_id=other, created_at=at)

    def _post(self, note: Note, actor: AccountId, node: Node) -> Post:
        parent = self.posts(note.in_reply_to) if note.in_reply_to is not None else None
        quoted = self.posts(note.quote) if note.quote is not None else None
        post_id = PostId(self.posts(note.uri))
        reply_to = None
        if parent is not None:
            parent_author = self.note_authors.get(parent, actor)
            reply_to = ReplyRef._quick(
                root_id=PostId(parent),
                parent_id=PostId(parent),
                parent_author_id=parent_author,
                addressee_id=parent_author,
            )
        mentions = [AccountId(self.accounts(m)) for m in note.mentions if m in self.known_actors]
        self.note_authors[post_id] = actor
        return node.build(
            lambda: Post._quick(
                id=post_id,
                author_id=actor,
                created_at=note.published,
                text=note.text,
                visibility=note.visibility,
                reply_to=reply_to,
                quote_of=PostId(quoted) if quoted is not None else None,
                language=note.language,
                content_warning=note.content_warning,
                attachments=note.attachments,
                mentions=mentions,
                tags=note.tags,
            )
        )


def read_activities(handle: IO[str]) -> Iterator[tuple[str, Item]]:
    """Stream actor documents and activities (JSON Lines or one array) as import items.

    Actors (``Person``, ``Organization``...) become accounts; an actor seen
    only in an activity gets a handle from its URI. Each URI gets an id in
    order of first sight. An ``Announce`` of a note that never appeared is
    left out; an activity without ``published`` takes the time of the one before.

    Yields:
        ``(path, item)`` pairs for :class:`~microblog_core.interop.importing.Importer`.

    Raises:
        ValidationError: A record is malformed; the message names its path.
    """
    stream = _Stream()
    for node in iter_records(handle):
        kind = node.string("type")
        if kind in _ACTOR_TYPES:
            uri = node.string("id")
            if uri in stream.known_actors:
                continue
            stream.known_actors.add(uri)
            account_id = AccountId(stream.accounts(uri))
            yield node.path, _actor_account(node, account_id, stream.last_time)
            continue
        activity = read_activity(node)
        at = activity.published or (
            activity.object.published if isinstance(activity.object, Note) else stream.last_time
        )
        stream.last_time = at
        if activity.actor not in stream.known_actors:
            yield from stream.actor(activity.actor, f"{node.path}.actor", at)
        if activity.kind in ("Follow", "Block") and isinstance(activity.object, str):
            yield from stream.actor(activity.object, f"{node.path}.object", at)
        item = stream.value(activity, at)
        if item is not None:
            yield node.path, item
