"""AT Protocol (Bluesky) records, both directions.

* ``app.bsky.feed.post``: text; facets (mentions, links, hashtags) with UTF-8
  byte ranges; reply root and parent refs; a record embed for a quote; langs;
  extra hashtags in ``tags``.
* ``app.bsky.feed.repost`` (with ``via``), ``app.bsky.feed.like``,
  ``app.bsky.graph.follow`` and ``app.bsky.graph.block``.

A record lives in its author's repository at
``at://{did}/{collection}/{rkey}``. Post and repost record keys are the TID
encoding of the post's id (:func:`~microblog_core.ids.encode_tid`), so ids
survive. Account DIDs come from a :class:`DidScheme` (by default
``did:web:u{id}.microblog.example``); give your own to map real DIDs.

Strong refs need a CID: this module derives a well-formed CIDv1 from the
referenced record's URI (:func:`cid_for`), since the record's own bytes are
not at hand; a PDS recomputes real ones.

What a record cannot carry: visibility (every Bluesky post is public), a
content warning (Bluesky has only fixed self-labels), media, polls and
locations (embeds of uploaded blobs), mentions not written in the text, the
reply gate and quote policy (separate threadgate and postgate records), the
hidden flag, and a repost's comment.

Example:
    >>> from datetime import datetime, timezone
    >>> from microblog_core.models import Post
    >>> from microblog_core.interop.atproto import to_record
    >>> t = datetime(2026, 1, 1, tzinfo=timezone.utc)
    >>> post = Post.create(id=99, author_id=7, created_at=t, text="héllo #news", tags=["news"])
    >>> record = to_record(post)
    >>> record.uri
    'at://did:web:u7.microblog.example/app.bsky.feed.post/2222222222255'
    >>> record.value["facets"][0]["index"]
    {'byteStart': 7, 'byteEnd': 12}
"""

import base64
import hashlib
from collections.abc import Iterator, Mapping
from datetime import UTC, datetime
from typing import IO, Any, Protocol

from attrs import frozen

from microblog_core.errors import NotFoundError, ValidationError
from microblog_core.ids import AccountId, PostId, decode_tid, encode_tid, id_at, is_tid
from microblog_core.interop._json import Node, format_datetime, iter_records
from microblog_core.interop.importing import Item
from microblog_core.models import Account, Block, Follow, Like, Post, ReplyRef, RepostRef
from microblog_core.rules import reply_ref_for
from microblog_core.text import EntityKind, extract

__all__ = [
    "BLOCK",
    "FOLLOW",
    "LIKE",
    "POST",
    "PROFILE",
    "REPOST",
    "DidResolver",
    "DidScheme",
    "Record",
    "cid_for",
    "from_record",
    "read_records",
    "to_record",
]

POST = "app.bsky.feed.post"
REPOST = "app.bsky.feed.repost"
LIKE = "app.bsky.feed.like"
FOLLOW = "app.bsky.graph.follow"
BLOCK = "app.bsky.graph.block"
_COLLECTIONS = (POST, REPOST, LIKE, FOLLOW, BLOCK)
_MAX_TAGS = 8
_MAX_LANGS = 3
_FACET = "app.bsky.richtext.facet"
_MENTION_FEATURE = f"{_FACET}#mention"
_TAG_FEATURE = f"{_FACET}#tag"


class DidResolver(Protocol):
    """Maps accounts to DIDs and back."""

    def did(self, account_id: AccountId) -> str:
        """Return the DID of an account."""
        ...

    def account_id(self, did: str, path: str) -> AccountId:
        """Return the account of a DID.

        Raises:
            ValidationError: The DID names no account; the message names ``path``.
        """
        ...


@frozen
class DidScheme:
    """DIDs that carry the account id: ``did:web:u{id}.{domain}``.

    A DID without colons after the method keeps AT-URIs valid for every
    validator (the official SDK refuses ``:`` in a URI's authority).

    Attributes:
        domain: The host part of every DID.
    """

    domain: str = "microblog.example"

    def did(self, account_id: AccountId) -> str:
        """Return the DID of an account."""
        return f"did:web:u{account_id}.{self.domain}"

    def account_id(self, did: str, path: str) -> AccountId:
        """Return the account id a DID of this scheme carries.

        Raises:
            ValidationError: ``did`` is not of this scheme.
        """
        suffix = f".{self.domain}"
        tail = ""
        if did.startswith("did:web:u") and did.endswith(suffix):
            tail = did[len("did:web:u") : -len(suffix)]
        if not (tail.isascii() and tail.isdigit()) or not 0 < int(tail) < 1 << 63:
            raise ValidationError(
                f"{path}: {did!r} is not a DID of the form did:web:u<id>{suffix}",
                field=path,
                value=did,
            )
        return AccountId(int(tail))


_DEFAULT_DIDS = DidScheme()


@frozen
class Record:
    """A record and where it lives.

    Attributes:
        uri: ``at://{did}/{collection}/{rkey}``.
        value: The record, ready for JSON (``$type`` included).
    """

    uri: str
    value: dict[str, Any]

    @property
    def collection(self) -> str:
        """The record's collection NSID, such as ``app.bsky.feed.post``."""
        return self.uri.split("/")[3]

    @property
    def rkey(self) -> str:
        """The record key."""
        return self.uri.split("/")[4]


def cid_for(uri: str) -> str:
    """Return a well-formed CIDv1 (dag-cbor, sha2-256) derived from a record URI.

    Example:
        >>> from microblog_core.interop.atproto import cid_for
        >>> cid_for("at://did:web:u1.x.example/app.bsky.feed.post/2222222222222")[:7]
        'bafyrei'
    """
    digest = hashlib.sha256(uri.encode()).digest()
    raw = bytes((0x01, 0x71, 0x12, 0x20)) + digest
    return "b" + base64.b32encode(raw).decode().lower().rstrip("=")


def _strong_ref(uri: str) -> dict[str, str]:
    return {"uri": uri, "cid": cid_for(uri)}


def _uri(dids: DidResolver, author: AccountId, collection: str, rkey: str) -> str:
    return f"at://{dids.did(author)}/{collection}/{rkey}"


def _post_ref(dids: DidResolver, author: AccountId, post_id: PostId) -> dict[str, str]:
    return _strong_ref(_uri(dids, author, POST, encode_tid(post_id)))


def _author_of(posts: Mapping[PostId, Post], post_id: PostId) -> AccountId:
    post = posts.get(post_id)
    if post is None:
        raise NotFoundError("post", post_id)
    return post.author_id


def _facets(post: Post, dids: DidResolver, handles: Mapping[str, AccountId]) -> list[Any]:
    facets: list[Any] = []
    text = post.text
    wanted = (EntityKind.URL, EntityKind.MENTION, EntityKind.HASHTAG)
    for entity in extract(text, kinds=wanted, urls_without_scheme=False):
        feature: dict[str, str]
        if entity.kind is EntityKind.MENTION:
            if entity.domain is not None or entity.username is None:
                continue
            account = handles.get(entity.username.casefold())
            if account is None:
                continue
            feature = {"$type": f"{_FACET}#mention", "did": dids.did(account)}
        elif entity.kind is EntityKind.URL:
            feature = {"$type": f"{_FACET}#link", "uri": entity.text}
        elif entity.tag and entity.tag.casefold() in post.tags:
            feature = {"$type": f"{_FACET}#tag", "tag": entity.tag}
        else:
            continue  # a hashtag the post does not carry as a tag
        start, end = entity.utf8_span(text)
        facets.append({"index": {"byteStart": start, "byteEnd": end}, "features": [feature]})
    return facets


def to_record(
    value: Post | Like | Follow | Block,
    *,
    dids: DidResolver = _DEFAULT_DIDS,
    posts: Mapping[PostId, Post] | None = None,
    handles: Mapping[AccountId, str] | None = None,
) -> Record:
    """Return the AT Protocol record of a value.

    Args:
        value: A post (original, reply, quote or repost), like, follow or block.
        dids: How accounts map to DIDs.
        posts: Posts referenced whose author the value does not carry: a
            reply's thread root (when not its parent), a quoted post, a liked post.
        handles: Handles of the accounts the post mentions, for mention facets
            (a mention in the text becomes a facet when its handle is here).

    Returns:
        The record and its URI.

    Raises:
        NotFoundError: A referenced post's author is needed and not in ``posts``.
    """
    known = posts or {}
    if isinstance(value, Post):
        return _post_record(value, dids, known, handles or {})
    created = format_datetime(value.created_at)
    if isinstance(value, Like):
        author = _author_of(known, value.post_id)
        return Record(
            uri=_uri(dids, value.account_id, LIKE, _rkey(value.created_at)),
            value={
                "$type": LIKE,
                "subject": _post_ref(dids, author, value.post_id),
                "createdAt": created,
            },
        )
    if isinstance(value, Follow):
        return Record(
            uri=_uri(dids, value.follower_id, FOLLOW, _rkey(value.created_at)),
            value={"$type": FOLLOW, "subject": dids.did(value.followee_id), "createdAt": created},
        )
    return Record(
        uri=_uri(dids, value.blocker_id, BLOCK, _rkey(value.created_at)),
        value={"$type": BLOCK, "subject": dids.did(value.blocked_id), "createdAt": created},
    )


def _rkey(at: datetime) -> str:
    return encode_tid(id_at(at))


def _post_record(
    post: Post, dids: DidResolver, known: Mapping[PostId, Post], handles: Mapping[AccountId, str]
) -> Record:
    created = format_datetime(post.created_at)
    rkey = encode_tid(post.id)
    ref = post.repost_of
    if ref is not None:
        repost: dict[str, Any] = {
            "$type": REPOST,
            "subject": _post_ref(dids, ref.root_author_id, ref.root_id),
            "createdAt": created,
        }
        if ref.via_id is not None and ref.via_author_id is not None:
            repost["via"] = _strong_ref(
                _uri(dids, ref.via_author_id, REPOST, encode_tid(ref.via_id))
            )
        return Record(uri=_uri(dids, post.author_id, REPOST, rkey), value=repost)
    mentioned = {handles[m].casefold(): m for m in post.mentions if m in handles}
    record: dict[str, Any] = {"$type": POST, "text": post.text, "createdAt": created}
    facets = _facets(post, dids, mentioned)
    if facets:
        record["facets"] = facets
    if post.language is not None:
        record["langs"] = [post.language]
    if post.tags:
        record["tags"] = list(post.tags[:_MAX_TAGS])
    reply = post.reply_to
    if reply is not None:
        root_author = (
            reply.parent_author_id
            if reply.root_id == reply.parent_id
            else _author_of(known, reply.root_id)
        )
        record["reply"] = {
            "root": _post_ref(dids, root_author, reply.root_id),
            "parent": _post_ref(dids, reply.parent_author_id, reply.parent_id),
        }
    if post.quote_of is not None:
        record["embed"] = {
            "$type": "app.bsky.embed.record",
            "record": _post_ref(dids, _author_of(known, post.quote_of), post.quote_of),
        }
    return Record(uri=_uri(dids, post.author_id, POST, rkey), value=record)


# --------------------------------------------------------------------------- import


def _split_uri(uri: str, path: str) -> tuple[str, str, str]:
    parts = uri.split("/")
    if len(parts) != 5 or parts[0] != "at:" or parts[1] != "" or not parts[2].startswith("did:"):
        raise ValidationError(
            f"{path}: expected at://<did>/<collection>/<rkey>, got {uri!r}", field=path, value=uri
        )
    return parts[2], parts[3], parts[4]


def _tid_id(rkey: str, path: str) -> int:
    if not is_tid(rkey):
        raise ValidationError(f"{path}: the record key {rkey!r} is not a TID", field=path)
    value = decode_tid(rkey)
    if value == 0:
        raise ValidationError(f"{path}: the record key encodes id 0", field=path, value=rkey)
    return value


def _ref_target(node: Node, dids: DidResolver) -> tuple[AccountId, PostId]:
    uri_node = node.get("uri")
    did, _, rkey = _split_uri(uri_node.as_str(), uri_node.path)
    node.get("cid").as_str()
    return dids.account_id(did, uri_node.path), PostId(_tid_id(rkey, uri_node.path))


def from_record(
    uri: str,
    record: Mapping[str, Any] | Node,
    *,
    dids: DidResolver = _DEFAULT_DIDS,
    known: Mapping[PostId, Post] | None = None,
) -> Post | Like | Follow | Block:
    """Read a record into a value.

    Args:
        uri: Where the record lives (``at://{did}/{collection}/{rkey}``): its
            author, and for a post or repost its id (the TID record key).
        record: The record's JSON.
        dids: How DIDs map to accounts.
        known: Posts already read: a reply's addressee comes from its parent
            when the parent is here (else it is the parent's author).

    Returns:
        The post, like, follow or block.

    Raises:
        ValidationError: An unknown ``$type``, a malformed field, or a broken
            invariant; the message names the path.
    """
    node = record if isinstance(record, Node) else Node(record)
    did, collection, rkey = _split_uri(uri, "uri")
    kind = node.string("$type")
    if kind not in _COLLECTIONS:
        raise node.error(f"expected one of {', '.join(_COLLECTIONS)}, got {kind!r}", "$type")
    if kind != collection:
        raise node.error(f"a {kind} record cannot live in {collection}", "$type")
    author = dids.account_id(did, "uri")
    created_at = node.instant("createdAt")
    if kind == POST:
        return _post_from(node, author, PostId(_tid_id(rkey, "uri")), created_at, dids, known)
    if kind == REPOST:
        root_author, root_id = _ref_target(node.get("subject"), dids)
        via_node = node.opt("via")
        via_author, via_id = _ref_target(via_node, dids) if via_node is not None else (None, None)
        ref = node.build(
            lambda: RepostRef._quick(
                root_id=root_id,
                root_author_id=root_author,
                via_id=via_id,
                via_author_id=via_author,
            )
        )
        post_id = PostId(_tid_id(rkey, "uri"))
        return node.build(
            lambda: Post._quick(id=post_id, author_id=author, created_at=created_at, repost_of=ref)
        )
    if kind == LIKE:
        _, liked = _ref_target(node.get("subject"), dids)
        return node.build(lambda: Like(account_id=author, post_id=liked, created_at=created_at))
    subject = node.get("subject")
    other = dids.account_id(subject.as_str(), subject.path)
    if kind == FOLLOW:
        return node.build(
            lambda: Follow(follower_id=author, followee_id=other, created_at=created_at)
        )
    return node.build(lambda: Block(blocker_id=author, blocked_id=other, created_at=created_at))


def _post_from(  # noqa: PLR0917  # a private helper of from_record, called once
    node: Node,
    author: AccountId,
    post_id: PostId,
    created_at: datetime,
    dids: DidResolver,
    known: Mapping[PostId, Post] | None,
) -> Post:
    text = node.opt_string("text")
    tags = node.strings("tags")
    raw = node.value  # an object: node.opt_string read it
    mentions = _quick_facets(raw.get("facets"), node.path, dids, tags)
    if mentions is None:
        tags = node.strings("tags")
        mentions = _read_facets(node, dids, tags)
    langs = raw.get("langs")
    if langs.__class__ is list and (not langs or langs[0].__class__ is str):
        language = langs[0] if langs else None  # only the first is read
    else:
        lang_nodes = node.array("langs")
        language = lang_nodes[0].as_str() if lang_nodes else None
    reply_to = None
    reply = node.opt("reply") if raw.get("reply") is not None else None
    if reply is not None:
        _, root_id = _ref_target(reply.get("root"), dids)
        parent_author, parent_id = _ref_target(reply.get("parent"), dids)
        parent = (known or {}).get(parent_id)
        if parent is not None and parent.repost_of is None:
            reply_to = reply.build(lambda: reply_ref_for(parent, author))
        else:
            reply_to = reply.build(
                lambda: ReplyRef._quick(
                    root_id=root_id,
                    parent_id=parent_id,
                    parent_author_id=parent_author,
                    addressee_id=parent_author,
                )
            )
    quote_of = None
    embed = node.opt("embed") if raw.get("embed") is not None else None
    if embed is not None:
        embed_type = embed.opt_string("$type")
        if embed_type == "app.bsky.embed.record":
            _, quote_of = _ref_target(embed.get("record"), dids)
        elif embed_type == "app.bsky.embed.recordWithMedia":
            _, quote_of = _ref_target(embed.get("record").get("record"), dids)
    return node.build(
        lambda: Post._quick(
            id=post_id,
            author_id=author,
            created_at=created_at,
            text=text,
            reply_to=reply_to,
            quote_of=quote_of,
            language=language,
            mentions=tuple(dict.fromkeys(mentions)),
            tags=tags,
        )
    )


def _read_facets(node: Node, dids: DidResolver, tags: list[str]) -> list[AccountId]:
    """The accounts a post's facets mention; the tags they name are added to ``tags``."""
    mentions: list[AccountId] = []
    for facet in node.array("facets"):
        for feature in facet.array("features"):
            feature_type = feature.opt_string("$type")
            if feature_type == _MENTION_FEATURE:
                did_node = feature.get("did")
                mentions.append(dids.account_id(did_node.as_str(), did_node.path))
            elif feature_type == _TAG_FEATURE:
                tags.append(feature.string("tag"))
    return mentions


def _quick_facets(
    value: Any, path: str, dids: DidResolver, tags: list[str]
) -> list[AccountId] | None:
    """:func:`_read_facets` of facets of the common shape read off the list, else None.

    On None, ``tags`` may hold some of the facets' tags: the caller reads
    them again. A mentioned DID is resolved as :func:`_read_facets` resolves it
    (resolving is repeatable: the same DID gives the same account).
    """
    if value is None:
        return []
    if value.__class__ is not list:
        return None
    mentions: list[AccountId] = []
    for index, facet in enumerate(value):
        if facet.__class__ is not dict:
            return None
        features = facet.get("features")
        if features is None:
            continue
        if features.__class__ is not list:
            return None
        for inner, feature in enumerate(features):
            if feature.__class__ is not dict:
                return None
            feature_type = feature.get("$type")
            if feature_type == _MENTION_FEATURE:
                did = feature.get("did")
                if did.__class__ is not str:
                    return None
                mentions.append(
                    dids.account_id(did, f"{path}.facets[{index}].features[{inner}].did")
                )
            elif feature_type == _TAG_FEATURE:
                tag = feature.get("tag")
                if tag.__class__ is not str:
                    return None
                tags.append(tag)
            elif feature_type is not None and feature_type.__class__ is not str:
                return None
    return mentions


# --------------------------------------------------------------------------- streams

PROFILE = "app.bsky.actor.profile"


class _InterningDids:
    """Any DID to an account id: this scheme's ids as they are, others in order of first sight."""

    def __init__(self, scheme: DidResolver) -> None:
        self.scheme = scheme
        self.ids: dict[str, AccountId] = {}
        self.dids: dict[AccountId, str] = {}

    def did(self, account_id: AccountId) -> str:
        return self.dids.get(account_id) or self.scheme.did(account_id)

    def account_id(self, did: str, path: str) -> AccountId:
        found = self.ids.get(did)
        if found is None:
            try:
                found = self.scheme.account_id(did, path)
            except ValidationError:
                # A DID of another scheme: ids above 2**62 keep clear of this scheme's.
                found = AccountId((1 << 62) + len(self.ids) + 1)
            self.ids[did] = found
            self.dids[found] = did
        return found


def _handle_from_did(did: str, account_id: AccountId) -> str:
    tail = did.rsplit(":", 1)[-1].split(".", 1)[0]
    word = tail.replace("-", "a").replace("_", "a")
    if 0 < len(tail) <= 30 and word.isascii() and word.isalnum() and not tail.isdigit():
        return tail
    return f"user{account_id}"


def read_records(
    handle: IO[str], *, dids: DidResolver = _DEFAULT_DIDS
) -> Iterator[tuple[str, Item]]:
    """Stream repository records as import items.

    Each record is ``{"uri", "cid", "value"}``, as ``com.atproto.repo.listRecords``
    returns them, one per line or in one array.

    Each repository's owner becomes an account the first time a DID is
    seen, its handle taken from the DID; an ``app.bsky.actor.profile``
    record gives it a display name and bio. DIDs outside ``dids`` get ids of
    their own. Collections other than posts, reposts, likes, follows, blocks
    and profiles are left out.

    Yields:
        ``(path, item)`` pairs for :class:`~microblog_core.interop.importing.Importer`.

    Raises:
        ValidationError: A record is malformed; the message names its path.
    """
    resolver = _InterningDids(dids)
    known: set[AccountId] = set()
    for node in iter_records(handle):
        uri_node = node.get("uri")
        uri = uri_node.value if uri_node.value.__class__ is str else uri_node.as_str()
        did, collection, _ = _split_uri(uri, uri_node.path)
        value = node.get("value")
        author = resolver.account_id(did, uri_node.path)
        at = value.instant("createdAt") if value.has("createdAt") else _FALLBACK_TIME
        if collection == PROFILE:
            account = _profile(value, did, author, at)
            known.add(author)
            yield node.path, account
            continue
        if collection not in _COLLECTIONS:
            continue
        for account_id in _named(value, author, resolver, collection):
            if account_id not in known:
                known.add(account_id)
                named = _handle_from_did(resolver.did(account_id), account_id)
                yield node.path, Account._quick(id=account_id, handle=named, created_at=at)
        yield node.path, from_record(uri, value, dids=resolver)


_FALLBACK_TIME = datetime(2023, 2, 1, tzinfo=UTC)  # Bluesky's first public beta


def _profile(value: Node, did: str, author: AccountId, at: datetime) -> Account:
    display_name = value.opt_string("displayName")
    bio = value.opt_string("description")
    return value.build(
        lambda: Account._quick(
            id=author,
            handle=_handle_from_did(did, author),
            created_at=at,
            display_name=display_name,
            bio=bio,
        )
    )


def _named(value: Node, author: AccountId, dids: DidResolver, collection: str) -> list[AccountId]:
    """The accounts a record names: its author, and the subject of a follow or block."""
    named = [author]
    if collection in (FOLLOW, BLOCK):
        subject = value.get("subject")
        named.append(dids.account_id(subject.as_str(), subject.path))
    return named
