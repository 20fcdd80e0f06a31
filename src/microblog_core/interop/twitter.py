"""Twitter API tweets into values: accounts, posts, reposts, quotes and threads.

Reads API v2 tweets (``entities``, ``referenced_tweets``, ``conversation_id``
and the ``includes.users`` / ``includes.tweets`` expansions) and legacy v1.1
objects (``retweeted_status``, ``quoted_status``, ``in_reply_to_status_id``),
the shape of most research archives. Tweet and user ids are kept as post and
account ids: they are 63-bit and time-ordered, so threads and retweets keep
their links. Text is unescaped (the API sends ``&amp;``, ``&lt;``, ``&gt;``).

What a tweet does not give: a retweet's ``via`` (the API points every
retweet at the original), a reply's addressee in a self-reply chain, media
and polls (only their keys), a content warning.

Example:
    >>> from microblog_core.interop.twitter import tweet_from_v2
    >>> tweet = {
    ...     "id": "1500000000000000002",
    ...     "text": "@ann agreed &amp; more #news",
    ...     "author_id": "2",
    ...     "created_at": "2022-03-05T10:00:00.000Z",
    ...     "conversation_id": "1500000000000000001",
    ...     "in_reply_to_user_id": "1",
    ...     "referenced_tweets": [{"type": "replied_to", "id": "1500000000000000001"}],
    ...     "entities": {
    ...         "mentions": [{"start": 0, "end": 4, "username": "ann", "id": "1"}],
    ...         "hashtags": [{"start": 22, "end": 27, "tag": "news"}],
    ...     },
    ...     "lang": "en",
    ... }
    >>> post = tweet_from_v2(tweet)
    >>> post.text, post.reply_to.parent_id, post.mentions, post.tags
    ('@ann agreed & more #news', 1500000000000000001, (1,), ('news',))
"""

import html
from collections.abc import Iterable, Iterator, Mapping
from datetime import UTC, datetime
from typing import IO, Any

from microblog_core.errors import ValidationError
from microblog_core.ids import AccountId, PostId
from microblog_core.interop._json import Node, iter_records, quick_id
from microblog_core.interop._seen import SeenAccounts
from microblog_core.interop.importing import Item
from microblog_core.models import Account, Post, ReplyRef, RepostRef, Visibility
from microblog_core.sim.metrics import Cascade, cascades_from

__all__ = [
    "account_from_user",
    "cascades_from_posts",
    "read_tweets",
    "tweet_from_v1",
    "tweet_from_v2",
]


def _node(data: Mapping[str, Any] | Node) -> Node:
    return data if isinstance(data, Node) else Node(data)


def _id(node: Node, key: str) -> int:
    """An id from ``key_str`` (v1.1's exact string) or ``key``."""
    return node.first_ident(_STR_KEYS[key], key)


def _opt_id(node: Node, key: str) -> int | None:
    return node.opt_first_ident(_STR_KEYS[key], key)


_STR_KEYS = {
    key: f"{key}_str"
    for key in ("id", "quoted_status_id", "in_reply_to_status_id", "in_reply_to_user_id")
}


def account_from_user(data: Mapping[str, Any] | Node) -> Account:
    """Read a v2 or v1.1 user object.

    ``username`` (v2) or ``screen_name`` (v1.1) is the handle; ``protected``
    makes the account locked.

    Raises:
        ValidationError: A field is missing or malformed; the message names its path.
    """
    node = _node(data)
    account_id = AccountId(_id(node, "id"))
    handle = node.string("username") if node.has("username") else node.string("screen_name")
    created_at = node.legacy_instant("created_at") if node.has("created_at") else _epoch()
    display_name = node.opt_string("name")
    bio = html.unescape(node.opt_string("description"))
    verified = node.opt_bool("verified")
    locked = node.opt_bool("protected")
    return node.build(
        lambda: Account._quick(
            id=account_id,
            handle=handle,
            created_at=created_at,
            display_name=display_name,
            bio=bio,
            verified=verified,
            locked=locked,
        )
    )


def _epoch() -> datetime:
    # Twitter's own epoch (2010-11-04): the earliest a snowflake-era account can be.
    return datetime(2010, 11, 4, 1, 42, 54, 657000, tzinfo=UTC)


def _tags(entities: Node | None, key: str, name: str) -> tuple[str, ...]:
    if entities is None:
        return ()
    return tuple(item.string(name) for item in entities.array(key))


def _v2_mentions(entities: Node | None, users: Mapping[str, AccountId] | None) -> list[AccountId]:
    """The accounts a v2 tweet's ``entities.mentions`` name (by ``id``, else by username)."""
    mentions: list[AccountId] = []
    for mention in entities.array("mentions") if entities is not None else ():
        if mention.has("id"):
            mentions.append(AccountId(mention.ident("id")))
        else:
            found = (users or {}).get(mention.string("username").casefold())
            if found is not None:
                mentions.append(found)
    return mentions


def _quick_ids(entities: Any, key: str) -> list[AccountId] | None:
    """The ``id`` of each entry of ``entities[key]`` when every one has a plain id, else None.

    None sends the caller to its checked reading (which also looks a mention
    up by username when it has no id).
    """
    if entities is None:
        return []
    items = entities.get(key) if entities.__class__ is dict else ()
    if items is None:
        return []
    if items.__class__ is not list:
        return None
    found: list[AccountId] = []
    for item in items:
        value = quick_id(item.get("id")) if item.__class__ is dict else None
        if value is None:
            return None
        found.append(AccountId(value))
    return found


def _quick_strings(entities: Any, key: str, name: str) -> tuple[str, ...] | None:
    """:func:`_tags` of entities whose entries each have a string ``name``, else None."""
    if entities is None:
        return ()
    items = entities.get(key) if entities.__class__ is dict else ()
    if items is None:
        return ()
    if items.__class__ is not list:
        return None
    found: list[str] = []
    for item in items:
        value = item.get(name) if item.__class__ is dict else None
        if value.__class__ is not str:
            return None
        found.append(value)
    return tuple(found)


def tweet_from_v2(
    data: Mapping[str, Any] | Node,
    *,
    users: Mapping[str, AccountId] | None = None,
    tweets: Mapping[PostId, AccountId] | None = None,
    protected: bool = False,
) -> Post:
    """Read an API v2 tweet into a post.

    A retweet becomes a repost of the original; ``replied_to`` a reply whose
    thread root is ``conversation_id``; ``quoted`` a quote.

    Args:
        data: The tweet.
        users: Account ids by casefolded username, from ``includes.users``, for
            mentions that lack an ``id``.
        tweets: Authors of referenced tweets (from ``includes.tweets``), for a
            retweet's original; without it the retweet's ``RT @user`` mention names it.
        protected: The author is protected: the tweet is followers-only.

    Raises:
        ValidationError: A field is missing or malformed; the message names its path.
    """
    node = _node(data)
    post_id = PostId(node.ident("id"))
    author = AccountId(node.ident("author_id"))
    created_at = node.instant("created_at")
    raw = node.value  # an object: node.ident read it
    entities_raw = raw.get("entities")
    entities = node.opt("entities") if entities_raw is not None else None
    mentions = _quick_ids(entities_raw, "mentions")
    if mentions is None:
        mentions = _v2_mentions(entities, users)
    tags = _quick_strings(entities_raw, "hashtags", "tag")
    if tags is None:
        tags = _tags(entities, "hashtags", "tag")
    visibility = Visibility.PRIVATE if protected else Visibility.PUBLIC
    parent = quoted = shared = None
    references = node.array("referenced_tweets") if raw.get("referenced_tweets") is not None else ()
    for reference in references:
        kind = reference.string("type")
        target = PostId(reference.ident("id"))
        if kind == "replied_to":
            parent = (target, reference)
        elif kind == "quoted":
            quoted = target
        elif kind == "retweeted":
            shared = (target, reference)
    if shared is not None:
        root_id, reference = shared
        root_author = (tweets or {}).get(root_id) or (mentions[0] if mentions else None)
        if root_author is None:
            raise reference.error(
                "the retweeted tweet's author is unknown: request the "
                "referenced_tweets.id expansion",
                "id",
            )
        ref = RepostRef._quick(root_id=root_id, root_author_id=root_author)
        return node.build(
            lambda: Post._quick(
                id=post_id,
                author_id=author,
                created_at=created_at,
                repost_of=ref,
                visibility=visibility,
            )
        )
    reply_to = None
    if parent is not None:
        parent_id, reference = parent
        parent_author = node.opt_ident("in_reply_to_user_id")
        if parent_author is None:
            raise node.error("a reply needs in_reply_to_user_id", "in_reply_to_user_id")
        conversation = node.opt_ident("conversation_id")
        root = PostId(conversation) if conversation is not None else parent_id
        reply_to = node.build(
            lambda: ReplyRef._quick(
                root_id=min(root, parent_id),
                parent_id=parent_id,
                parent_author_id=AccountId(parent_author),
                addressee_id=AccountId(parent_author),
            )
        )
    text = html.unescape(node.opt_string("text"))
    language = node.opt_string("lang") or None
    return node.build(
        lambda: Post._quick(
            id=post_id,
            author_id=author,
            created_at=created_at,
            text=text,
            visibility=visibility,
            reply_to=reply_to,
            quote_of=quoted,
            language=language,
            mentions=mentions,
            tags=tags,
        )
    )


def tweet_from_v1(data: Mapping[str, Any] | Node) -> tuple[tuple[Account, ...], tuple[Post, ...]]:
    """Read a v1.1 tweet object: its users and its posts.

    A retweet yields the original (from ``retweeted_status``) before the
    repost; a quote yields the quoted tweet (from ``quoted_status``) first
    when it is embedded. A reply's thread root is taken to be its parent:
    v1.1 does not say where a thread began.

    Returns:
        ``(accounts, posts)``, oldest first.

    Raises:
        ValidationError: A field is missing or malformed; the message names its path.
    """
    node = _node(data)
    accounts: list[Account] = []
    posts: list[Post] = []
    user = account_from_user(node.get("user"))
    post_id = PostId(_id(node, "id"))
    created_at = node.legacy_instant("created_at")
    visibility = Visibility.PRIVATE if user.locked else Visibility.PUBLIC
    shared_node = node.opt("retweeted_status")
    if shared_node is not None:
        inner_accounts, inner_posts = tweet_from_v1(shared_node)
        original = inner_posts[-1]
        ref = RepostRef._quick(root_id=original.id, root_author_id=original.author_id)
        repost = node.build(
            lambda: Post._quick(
                id=post_id,
                author_id=user.id,
                created_at=created_at,
                repost_of=ref,
                visibility=Visibility.narrowest(visibility, original.visibility),
            )
        )
        return (user, *inner_accounts), (*inner_posts, repost)
    quoted_node = node.opt("quoted_status")
    if quoted_node is not None:
        inner_accounts, inner_posts = tweet_from_v1(quoted_node)
        accounts.extend(inner_accounts)
        posts.extend(inner_posts)
    quote_of = _opt_id(node, "quoted_status_id")
    extended = node.opt("extended_tweet")
    source = extended if extended is not None else node
    text = html.unescape(
        source.opt_string("full_text") if source.has("full_text") else source.opt_string("text")
    )
    entities = source.opt("entities")
    mentions = [
        AccountId(_id(m, "id")) for m in (entities.array("user_mentions") if entities else ())
    ]
    tags = _tags(entities, "hashtags", "text")
    parent_id = _opt_id(node, "in_reply_to_status_id")
    reply_to = None
    if parent_id is not None:
        parent_author = _opt_id(node, "in_reply_to_user_id")
        if parent_author is None:
            raise node.error("a reply needs in_reply_to_user_id", "in_reply_to_user_id")
        reply_to = node.build(
            lambda: ReplyRef._quick(
                root_id=PostId(parent_id),
                parent_id=PostId(parent_id),
                parent_author_id=AccountId(parent_author),
                addressee_id=AccountId(parent_author),
            )
        )
    language = node.opt_string("lang") or None
    post = node.build(
        lambda: Post._quick(
            id=post_id,
            author_id=user.id,
            created_at=created_at,
            text=text,
            visibility=visibility,
            reply_to=reply_to,
            quote_of=PostId(quote_of) if quote_of is not None else None,
            language=language,
            mentions=mentions,
            tags=tags,
        )
    )
    return (user, *accounts), (*posts, post)


def _v2_response(node: Node, seen: SeenAccounts) -> Iterator[tuple[str, Item]]:
    includes = node.opt("includes")
    users: dict[str, AccountId] = {}
    protected: set[AccountId] = set()
    authors: dict[PostId, AccountId] = {}
    included: list[Node] = []
    if includes is not None:
        users_raw = includes.value.get("users") if includes.value.__class__ is dict else None
        if users_raw.__class__ is not list:
            includes.array("users")  # raises, naming the path, unless users is missing or null
            users_raw = []
        # A user read before needs no node: most records repeat their authors.
        for index, user in enumerate(users_raw):
            account = seen.known(user)
            if account is None:
                user_node = Node(user, f"{includes.path}.users[{index}]")
                account, new = seen.read(user_node, account_from_user)
                if new:
                    yield user_node.path, account
            users[account.handle.casefold()] = account.id
            if account.locked:
                protected.add(account.id)
        if includes.value.get("tweets") is not None:  # an object: includes.array read it
            included = includes.array("tweets")
        for tweet in included:
            authors[PostId(tweet.ident("id"))] = AccountId(tweet.ident("author_id"))
    data = node.get("data")
    tweets = data.items() if isinstance(data.value, list) else [data]
    for tweet in (*included, *tweets):
        author = AccountId(tweet.ident("author_id"))
        post = tweet_from_v2(
            tweet, users=users, tweets=authors, protected=bool(protected) and author in protected
        )
        yield tweet.path, post


def read_tweets(handle: IO[str]) -> Iterator[tuple[str, Item]]:
    """Stream a file of tweets as import items, in memory bounded by the largest record.

    Each record may be a v2 response (``{"data": ..., "includes": ...}``), a
    single v2 tweet, a v1.1 tweet, or a Twitter archive entry (``{"tweet": ...}``);
    the file is JSON Lines or one JSON array (an archive's
    ``window.YTD.tweets.part0 =`` prefix is skipped).

    Yields:
        ``(path, item)`` pairs: accounts before the posts that name them,
        originals before their retweets.

    Raises:
        ValidationError: A record is malformed; the message names its path.
    """
    seen = SeenAccounts()
    for node in iter_records(handle):
        if node.has("data"):
            yield from _v2_response(node, seen)
            continue
        record = node.get("tweet") if node.has("tweet") else node
        if record.has("user"):
            accounts, posts = tweet_from_v1(record)
            for account in accounts:
                yield record.path, account
            for post in posts:
                yield record.path, post
        elif record.has("author_id"):
            yield record.path, tweet_from_v2(record)
        else:
            raise ValidationError(
                f"{record.path}: not a tweet: expected 'data', 'user' or 'author_id'",
                field=record.path,
            )


def cascades_from_posts(items: Iterable[tuple[str, Item]]) -> tuple[Cascade, ...]:
    """Group the posts of an item stream into repost cascades with parents.

    A retweet's parent is the original it shares (Twitter's API flattens
    retweets of retweets); a quote's parent is the tweet it quotes. Replies
    are not diffusion and stay out. A parent missing from the data makes its
    child the root of a cascade of its own.

    Returns:
        The cascades, largest first.
    """
    records: list[tuple[int, int | None]] = []
    seen: set[int] = set()
    for _, item in items:
        if not isinstance(item, Post) or item.id in seen or item.reply_to is not None:
            continue
        seen.add(item.id)
        if item.repost_of is not None:
            ref = item.repost_of
            records.append((item.id, ref.via_id or ref.root_id))
        else:
            records.append((item.id, item.quote_of))
    return cascades_from(records, missing_parents="as_root")
