"""Value strategies: ids, datetimes, accounts, attachments, posts, relations, events.

The public names are re-exported by :mod:`microblog_core.testing.strategies`.
"""

import functools
import re
import typing
from collections.abc import Callable, Collection
from datetime import UTC, datetime, timedelta
from typing import Any, TypeVar, cast

import attrs
from hypothesis import assume
from hypothesis import strategies as st
from hypothesis.errors import InvalidArgument

from microblog_core.errors import (
    InvalidHandleError,
)
from microblog_core.ids import (
    EPOCH,
    MAX_ID,
    AccountId,
    BookmarkId,
    FilterId,
    ListId,
    NotificationId,
    PostId,
    timestamp_of,
)
from microblog_core.models import (
    MASTODON_ACCOUNTS,
    MAX_LIST_TITLE,
    MAX_MEDIA,
    TWITTER_ACCOUNTS,
    WEIBO_ACCOUNTS,
    Account,
    AccountCounters,
    AccountKind,
    AccountList,
    AccountPolicy,
    AccountRegistered,
    Attachment,
    Block,
    Blocked,
    Bookmark,
    Event,
    Filter,
    FilterAction,
    FilterContext,
    FilterKeyword,
    Follow,
    Followed,
    FollowRequest,
    FollowRequestApproved,
    FollowRequested,
    FollowRequestRejected,
    FollowRequestWithdrawn,
    Like,
    Liked,
    ListCreated,
    ListDeleted,
    ListMembersAdded,
    ListMembersRemoved,
    ListUpdated,
    Location,
    Media,
    MediaKind,
    Mute,
    Muted,
    Notification,
    NotificationGroupHead,
    NotificationKind,
    NotificationPolicy,
    NotificationRequest,
    NotificationsRead,
    Pin,
    Pinned,
    PolicyAction,
    Poll,
    PollEnded,
    PollVote,
    Post,
    PostCounters,
    PostDeleted,
    PostEdited,
    PostPublished,
    PostVersion,
    ProfileUpdated,
    QuotePolicy,
    Relationship,
    RepliesPolicy,
    ReplyAudience,
    ReplyGate,
    ReplyGateChanged,
    ReplyHidden,
    ReplyRef,
    Reposted,
    RepostRef,
    TagFollowed,
    TagUnfollowed,
    Unblocked,
    Unfollowed,
    Unliked,
    Unmuted,
    Unpinned,
    Unreposted,
    Visibility,
    Voted,
)

T = TypeVar("T")

KINDS: tuple[str, ...] = ("original", "reply", "quote", "repost")
# Documented where the public facade binds it: microblog_core.testing.strategies.

_EVENT_CLASSES: tuple[type, ...] = typing.get_args(Event)
# id_at(EPOCH) would be 0, which is not an id: the first instant with a valid id is 1 ms later.
_MIN_DATETIME = EPOCH + timedelta(milliseconds=1)
_MAX_DATETIME = timestamp_of(MAX_ID)
_MAX_COUNT = (1 << 63) - 1

# Plain text: letters, digits, punctuation, symbols and ordinary spaces. No
# control characters, no surrogates, nothing a length policy calls invalid.
_PLAIN_CHARACTERS = st.characters(categories=("L", "N", "P", "S", "Zs"), codec="utf-8")
_PLAIN_MAX_SIZE = 40

# A repost is public, unlisted or followers-only; nothing is reposted as a direct message.
_REPOST_VISIBILITIES = (Visibility.PUBLIC, Visibility.UNLISTED, Visibility.PRIVATE)

_LANGUAGE_TAGS = (
    "en",
    "de",
    "es",
    "fr",
    "ja",
    "ko",
    "pt-BR",
    "ru",
    "zh",
    "zh-Hans",
    "zh-Hant",
    "ar",
    "und",
)


# --- argument checks -------------------------------------------------------------------


def _check_strategy(value: object, name: str) -> None:
    if not isinstance(value, st.SearchStrategy):
        hint = " (wrap a single value in st.just(...))" if value is not None else ""
        raise InvalidArgument(
            f"{name}={value!r} must be a Hypothesis strategy, got {type(value).__name__}{hint}"
        )


def _check_id_bounds(min_value: int, max_value: int) -> None:
    for name, value in (("min_value", min_value), ("max_value", max_value)):
        if isinstance(value, bool) or not isinstance(value, int) or not 1 <= value <= MAX_ID:
            raise InvalidArgument(f"{name}={value!r} must be an int id between 1 and {MAX_ID}")
    if min_value > max_value:
        raise InvalidArgument(f"min_value={min_value} is greater than max_value={max_value}")


def _check_instant(value: datetime, name: str) -> datetime:
    if not isinstance(value, datetime) or value.utcoffset() is None:
        raise InvalidArgument(f"{name}={value!r} must be a timezone-aware datetime")
    instant = value.astimezone(UTC)
    if not _MIN_DATETIME <= instant <= _MAX_DATETIME:
        raise InvalidArgument(
            f"{name}={value.isoformat()} is outside the id range "
            f"({_MIN_DATETIME.isoformat()} to {_MAX_DATETIME.isoformat()})"
        )
    return instant


# --- ids and time ----------------------------------------------------------------------


def ids(*, min_value: int = 1, max_value: int = MAX_ID) -> st.SearchStrategy[int]:
    """Generate valid ids: integers in ``[min_value, max_value]``, within ``[1, MAX_ID]``.

    Shrinks toward ``min_value``.

    Args:
        min_value: The smallest id (default 1).
        max_value: The largest id (default :data:`~microblog_core.ids.MAX_ID`).

    Returns:
        A strategy of ints that :func:`~microblog_core.ids.validate_id` accepts.

    Raises:
        InvalidArgument: A bound is not an id, or ``min_value > max_value``.
    """
    _check_id_bounds(min_value, max_value)
    return st.integers(min_value=min_value, max_value=max_value)


def account_ids(*, min_value: int = 1, max_value: int = MAX_ID) -> st.SearchStrategy[AccountId]:
    """Generate account ids; see :func:`ids`. Shrinks toward ``min_value``.

    Raises:
        InvalidArgument: A bound is not an id, or ``min_value > max_value``.
    """
    _check_id_bounds(min_value, max_value)
    return _typed_ids(AccountId, min_value, max_value)


def post_ids(*, min_value: int = 1, max_value: int = MAX_ID) -> st.SearchStrategy[PostId]:
    """Generate post ids; see :func:`ids`. Shrinks toward ``min_value``.

    Raises:
        InvalidArgument: A bound is not an id, or ``min_value > max_value``.
    """
    _check_id_bounds(min_value, max_value)
    return _typed_ids(PostId, min_value, max_value)


@functools.cache
def _typed_ids(kind: Callable[[int], T], min_value: int, max_value: int) -> st.SearchStrategy[T]:
    return st.integers(min_value=min_value, max_value=max_value).map(kind)


def datetimes(
    *, min_value: datetime | None = None, max_value: datetime | None = None
) -> st.SearchStrategy[datetime]:
    """Generate aware UTC datetimes that ids can encode (1970 to the year 6429).

    For every generated instant ``t``, ``id_at(t)`` is a valid id. Shrinks
    toward 2000-01-01T00:00:00Z, or the bound nearest to it.

    Args:
        min_value: The earliest instant (aware; default 1 ms after the Unix epoch).
        max_value: The latest instant (aware; default the last instant an id encodes).

    Returns:
        A strategy of datetimes with ``tzinfo=UTC``.

    Raises:
        InvalidArgument: A bound is naive, outside the id range, or ``min_value > max_value``.
    """
    low = _MIN_DATETIME if min_value is None else _check_instant(min_value, "min_value")
    high = _MAX_DATETIME if max_value is None else _check_instant(max_value, "max_value")
    if low > high:
        raise InvalidArgument(
            f"min_value={low.isoformat()} is later than max_value={high.isoformat()}"
        )
    return _datetimes(low, high)


@functools.cache
def _datetimes(low: datetime, high: datetime) -> st.SearchStrategy[datetime]:
    return st.datetimes(
        min_value=low.replace(tzinfo=None),
        max_value=high.replace(tzinfo=None),
        timezones=st.just(UTC),
    )


@functools.cache
def _sorted_unique_ids(count: int) -> st.SearchStrategy[list[int]]:
    """``count`` distinct ids in increasing order (shrinks toward 1, 2, 3...)."""
    return st.lists(
        st.integers(min_value=1, max_value=MAX_ID), min_size=count, max_size=count, unique=True
    ).map(sorted)


_DAY_MS = 86_400_000


def _later(draw: st.DrawFn, instant: datetime, *, max_days: int = 1000) -> datetime:
    """Draw an instant at or after ``instant``, still inside the id range."""
    room = (_MAX_DATETIME - instant) // timedelta(milliseconds=1)
    step = draw(st.integers(min_value=0, max_value=min(room, max_days * _DAY_MS)))
    return instant + timedelta(milliseconds=step)


def _self_or(
    draw: st.DrawFn, someone: AccountId, others: st.SearchStrategy[AccountId]
) -> AccountId:
    """``someone`` or another account; always the same two draws, shrinking to ``someone``."""
    other = draw(others)
    return other if draw(st.booleans()) else someone


# --- text ------------------------------------------------------------------------------


@functools.cache
def _plain_texts(
    *, min_size: int = 0, max_size: int = _PLAIN_MAX_SIZE, blank: bool = True
) -> st.SearchStrategy[str]:
    """Short printable text; with ``blank=False`` it has a non-space character."""
    text = st.text(_PLAIN_CHARACTERS, min_size=min_size, max_size=max_size)
    return text if blank else text.filter(str.strip)


_LANGUAGES = st.sampled_from(_LANGUAGE_TAGS)
_MAYBE_LANGUAGE = st.none() | _LANGUAGES
_LANGUAGE_FILTERS = st.none() | st.lists(_LANGUAGES, min_size=1, max_size=3, unique=True).map(tuple)


def _texts_or_default(texts: st.SearchStrategy[str] | None) -> st.SearchStrategy[str]:
    if texts is None:
        # Shrinks toward a one-character text; an empty text comes with an attachment.
        return _DEFAULT_TEXTS
    _check_strategy(texts, "texts")
    return texts


_DEFAULT_TEXTS = _plain_texts(min_size=1) | st.just("")


# --- accounts --------------------------------------------------------------------------

_WORD_CHARS = "abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789_"
_TWITTER_PATTERN = TWITTER_ACCOUNTS.handle_pattern
_MASTODON_PATTERN = MASTODON_ACCOUNTS.handle_pattern
_WEIBO_PATTERN = WEIBO_ACCOUNTS.handle_pattern
_WORD_CHAR = st.sampled_from(_WORD_CHARS)
_WEIBO_CHARS = st.one_of(
    st.sampled_from(_WORD_CHARS + "-"),
    st.characters(min_codepoint=0x4E00, max_codepoint=0x9FA5),  # CJK ideographs: 2 units
    st.sampled_from("éüñßøαβγжя"),  # other letters narrower than CJK: 1 unit
    st.sampled_from("あいうアイウ가나"),  # kana and hangul: 2 units
)
_TAGS = st.lists(st.lists(_WORD_CHAR, min_size=1, max_size=20).map("".join), max_size=3)


@st.composite
def _budgeted_handles(
    draw: st.DrawFn, policy: AccountPolicy, characters: st.SearchStrategy[str]
) -> str:
    """Characters up to the policy's width, padded with ``a`` up to its minimum width."""
    chosen: list[str] = []
    width = 0
    for char in draw(st.lists(characters, min_size=1, max_size=policy.max_handle_width)):
        char_width = policy.handle_width(char)
        if width + char_width <= policy.max_handle_width:
            chosen.append(char)
            width += char_width
    padding = max(0, policy.min_handle_width - width)
    return "".join(chosen) + "a" * padding


@functools.cache
def _words(max_size: int) -> st.SearchStrategy[str]:
    """Runs of ASCII word characters, shrinking toward ``"a"``."""
    return st.lists(_WORD_CHAR, min_size=1, max_size=max_size).map("".join)


@st.composite
def _dotted_handles(draw: st.DrawFn, policy: AccountPolicy) -> str:
    """Mastodon-style: word runs joined by ``.`` or ``-``, within the policy's width."""
    limit = policy.max_handle_width
    # The number of draws never depends on drawn values, so shrinking can shorten freely.
    handle = draw(_words(limit))
    runs = draw(
        st.lists(st.tuples(st.sampled_from((".", "-", ".-", "--")), _words(limit)), max_size=3)
    )
    for separator, run in runs:
        if len(handle) + len(separator) + len(run) <= limit:
            handle += separator + run
    return handle + "a" * max(0, policy.min_handle_width - len(handle))


def _follows_policy(policy: AccountPolicy, handle: str) -> bool:
    try:
        policy.check_handle(handle)
    except InvalidHandleError:
        return False
    return len(handle) <= 64 and not any(c.isspace() or c in "@/#:" for c in handle)


def handles(*, policy: AccountPolicy = TWITTER_ACCOUNTS) -> st.SearchStrategy[str]:
    """Generate handles that ``policy.check_handle`` accepts.

    The three presets (and any policy sharing a preset's ``handle_pattern``, with
    its own widths) have dedicated generators: Twitter-style ASCII word
    characters; Mastodon-style word runs joined by inner ``.`` or ``-``;
    Weibo-style nicknames mixing ASCII, CJK ideographs, kana and other letters,
    CJK counting 2 units. Any other policy is served by
    :func:`~hypothesis.strategies.from_regex` on its pattern, filtered by the
    policy. Shrinks toward the shortest all-ASCII handle (``"a"`` on Twitter and
    Mastodon, ``"aaaa"`` on Weibo).

    Args:
        policy: The network rules the handles must follow.

    Returns:
        A strategy of handle strings.

    Raises:
        InvalidArgument: ``policy`` is not an AccountPolicy, or its pattern is not
            one Python's ``re`` can generate from.
    """
    if not isinstance(policy, AccountPolicy):
        raise InvalidArgument(f"policy={policy!r} must be an AccountPolicy")
    if policy.max_handle_width < max(1, policy.min_handle_width):
        raise InvalidArgument(f"policy={policy.name!r} admits no handle width")
    return _handles(policy)


@functools.cache
def _handles(policy: AccountPolicy) -> st.SearchStrategy[str]:
    if policy.handle_pattern == _TWITTER_PATTERN:
        return _budgeted_handles(policy, _WORD_CHAR)
    if policy.handle_pattern == _MASTODON_PATTERN:
        return _dotted_handles(policy)
    if policy.handle_pattern == _WEIBO_PATTERN:
        return _budgeted_handles(policy, _WEIBO_CHARS)
    try:
        pattern = re.compile(policy.handle_pattern)
    except re.error as exc:
        raise InvalidArgument(
            f"cannot generate handles for {policy.name!r}: its pattern {policy.handle_pattern!r} "
            f"is not a Python re pattern ({exc})"
        ) from None
    return st.from_regex(pattern, fullmatch=True).filter(lambda h: _follows_policy(policy, h))


@st.composite
def _accounts(
    draw: st.DrawFn,
    id_strategy: st.SearchStrategy[AccountId],
    handle_strategy: st.SearchStrategy[str],
    display_names: st.SearchStrategy[str],
    bios: st.SearchStrategy[str],
) -> Account:
    account_id = draw(id_strategy)
    return Account.create(
        id=account_id,
        handle=draw(handle_strategy),
        created_at=timestamp_of(account_id),
        display_name=draw(display_names),
        bio=draw(bios),
        kind=draw(st.sampled_from(AccountKind)),
        verified=draw(st.booleans()),
        locked=draw(st.booleans()),
    )


def accounts(
    *,
    policy: AccountPolicy = TWITTER_ACCOUNTS,
    ids: st.SearchStrategy[AccountId] | None = None,
) -> st.SearchStrategy[Account]:
    """Generate accounts whose handle and profile follow ``policy``.

    ``created_at`` is the instant encoded in the id. Shrinks toward a personal,
    unverified, unlocked account with id 1, the shortest handle and an empty
    profile. To make handles unique in a list, use
    ``st.lists(accounts(), unique_by=lambda a: a.handle_key)``.

    Args:
        policy: The network rules for the handle, display name and bio.
        ids: A strategy for the account id (default :func:`account_ids`).

    Returns:
        A strategy of :class:`~microblog_core.models.Account`.

    Raises:
        InvalidArgument: ``policy`` is not an AccountPolicy or ``ids`` not a strategy.
    """
    handle_strategy = handles(policy=policy)
    if ids is not None:
        _check_strategy(ids, "ids")
    return _accounts(
        account_ids() if ids is None else ids,
        handle_strategy,
        _plain_texts(max_size=policy.max_display_name),
        _plain_texts(max_size=policy.max_bio),
    )


# --- attachments -----------------------------------------------------------------------


def media() -> st.SearchStrategy[Media]:
    """Generate media attachments: any kind, a URL, optional alt text and size.

    Shrinks toward an image at ``https://media.example/0`` with no alt text or size.
    """
    return _MEDIA


def locations() -> st.SearchStrategy[Location]:
    """Generate places: latitude in [-90, 90], longitude in [-180, 180], a name.

    Shrinks toward (0.0, 0.0) without a name.
    """
    return _LOCATIONS


def polls() -> st.SearchStrategy[Poll]:
    """Generate polls: 2 to 4 distinct, non-blank options of at most 50 characters.

    Shrinks toward a single-choice poll with two one-character options.
    """
    return _POLLS


def attachments() -> st.SearchStrategy[Attachment]:
    """Generate one attachment: a :class:`Media`, a :class:`Location` or a :class:`Poll`.

    Shrinks toward a media attachment (see :func:`media`).
    """
    return _ATTACHMENTS


_SIZES = st.none() | st.integers(min_value=1, max_value=20_000)
_MEDIA: st.SearchStrategy[Media] = st.builds(
    Media,
    kind=st.sampled_from(MediaKind),
    url=st.integers(min_value=0).map("https://media.example/{}".format),
    description=_plain_texts(max_size=Media.MAX_DESCRIPTION),
    width=_SIZES,
    height=_SIZES,
)
_LOCATIONS: st.SearchStrategy[Location] = st.builds(
    Location,
    latitude=st.floats(min_value=-90.0, max_value=90.0, allow_nan=False),
    longitude=st.floats(min_value=-180.0, max_value=180.0, allow_nan=False),
    name=_plain_texts(),
)
_POLLS: st.SearchStrategy[Poll] = st.builds(
    Poll,
    options=st.lists(
        _plain_texts(min_size=1, max_size=Poll.MAX_OPTION_LENGTH, blank=False),
        min_size=2,
        max_size=Poll.MAX_OPTIONS,
        unique=True,
    ).map(tuple),
    expires_at=_datetimes(_MIN_DATETIME, _MAX_DATETIME),
    multiple=st.booleans(),
)
_ATTACHMENTS: st.SearchStrategy[Attachment] = st.one_of(_MEDIA, _LOCATIONS, _POLLS)
_MEDIA_LISTS = (
    st.lists(_MEDIA, max_size=MAX_MEDIA),
    st.lists(_MEDIA, min_size=1, max_size=MAX_MEDIA),
)


def _attachment_set(draw: st.DrawFn, *, required: bool) -> tuple[Attachment, ...]:
    """What one post may carry: up to 4 media or one poll, and at most one location.

    With ``required`` there is at least one attachment. The draws are the same
    either way, so that shrinking can move between the two.
    """
    carried: list[Attachment] = []
    if draw(st.booleans()):
        carried.append(draw(_POLLS))
    else:
        carried.extend(draw(_MEDIA_LISTS[required]))
    if draw(st.booleans()):
        carried.append(draw(_LOCATIONS))
    return tuple(carried)


# --- posts -----------------------------------------------------------------------------


def reply_gates() -> st.SearchStrategy[ReplyGate]:
    """Generate reply gates: open to anyone, or a set of audiences (maybe none).

    Shrinks toward ``ReplyGate.ANYONE``.
    """
    return _REPLY_GATES


_REPLY_GATES: st.SearchStrategy[ReplyGate] = st.builds(
    ReplyGate, allow=st.none() | st.lists(st.sampled_from(ReplyAudience), unique=True).map(tuple)
)


@st.composite
def _reply_refs(draw: st.DrawFn) -> ReplyRef:
    root, parent = draw(_sorted_unique_ids(2))
    direct = not draw(st.booleans())
    parent_author = draw(account_ids())
    # Only a reply deeper in a thread may address someone other than the parent's author.
    other = draw(account_ids())
    addressee = parent_author if direct or not draw(st.booleans()) else other
    return ReplyRef(
        root_id=PostId(root),
        parent_id=PostId(root if direct else parent),
        parent_author_id=parent_author,
        addressee_id=addressee,
    )


def reply_refs() -> st.SearchStrategy[ReplyRef]:
    """Generate thread positions: a root, a parent no older than it, and the authors.

    For a reply with its own id, use ``posts(kinds=("reply",))`` or
    :func:`replies_to`. Shrinks toward a direct reply to post 1 by account 1.
    """
    return _REPLY_REFS


_REPLY_REFS = _reply_refs()


@st.composite
def _repost_refs(draw: st.DrawFn) -> RepostRef:
    return _free_repost_ref(draw, account_ids())[0]


def repost_refs() -> st.SearchStrategy[RepostRef]:
    """Generate what a repost shares: a root and, maybe, a newer repost it came through.

    Shrinks toward a straight repost of post 1 by account 1 (no ``via``).
    """
    return _REPOST_REFS


def _free_repost_ref(
    draw: st.DrawFn, people: st.SearchStrategy[AccountId]
) -> tuple[RepostRef, int]:
    """A repost ref drawn freely (maybe with ``via``), and an id newer than all it names."""
    root, via, newest = draw(_sorted_unique_ids(3))
    with_via = draw(st.booleans())
    root_author = draw(account_ids())
    via_author = draw(people)
    ref = RepostRef(
        root_id=PostId(root),
        root_author_id=root_author,
        via_id=PostId(via) if with_via else None,
        via_author_id=via_author if with_via else None,
    )
    return ref, newest


_REPOST_REFS = _repost_refs()


@st.composite
def _post_bodies(
    draw: st.DrawFn, texts: st.SearchStrategy[str], mention_ids: st.SearchStrategy[AccountId]
) -> dict[str, Any]:
    """The parts of an original, reply or quote; it has text or an attachment."""
    text = draw(texts)
    # A blank text makes an attachment required, with the same draws either way
    # (an extra draw only for blank texts would keep the shrinker from removing it).
    carried = _attachment_set(draw, required=not text.strip())
    return {
        "text": text,
        "attachments": carried,
        "visibility": draw(st.sampled_from(Visibility)),
        "language": draw(_MAYBE_LANGUAGE),
        "content_warning": draw(_plain_texts(max_size=20)),
        "mentions": draw(st.lists(mention_ids, max_size=3, unique=True)),
        "tags": draw(_TAGS),
        "reply_gate": draw(_REPLY_GATES),
        "quote_policy": draw(st.sampled_from(QuotePolicy)),
    }


def _build_post(
    post_id: int, author_id: AccountId, created_at: datetime, body: dict[str, Any], **refs: Any
) -> Post:
    return Post.create(
        id=PostId(post_id), author_id=author_id, created_at=created_at, **body, **refs
    )


@st.composite
def _posts(
    draw: st.DrawFn,
    author_ids: st.SearchStrategy[AccountId],
    kinds: st.SearchStrategy[str],
    bodies: st.SearchStrategy[dict[str, Any]],
    comments: st.SearchStrategy[str],
) -> Post:
    # Every kind makes the same draws, in the same order, and uses what it needs.
    # The kind can then shrink on its own, without changing what the other draws
    # mean, so shrinking reaches the first kind listed (an original by default).
    kind = draw(kinds)
    author = draw(author_ids)
    body = draw(bodies)
    first, middle, post_id = draw(_sorted_unique_ids(3))
    deeper = draw(st.booleans())  # a reply to a reply; a repost through another repost
    someone = _self_or(draw, author, author_ids)
    someone_else = _self_or(draw, author, author_ids)
    hidden = draw(st.booleans())
    comment = draw(comments)
    created_at = timestamp_of(post_id)
    if kind == "original":
        return _build_post(first, author, timestamp_of(first), body)
    if kind == "quote":
        return _build_post(post_id, author, created_at, body, quote_of=PostId(first))
    if kind == "repost":
        visibility = body["visibility"]
        shared = RepostRef(
            root_id=PostId(first),
            root_author_id=someone,
            via_id=PostId(middle) if deeper else None,
            via_author_id=someone_else if deeper else None,
        )
        return Post.create_repost(
            id=PostId(post_id),
            author_id=author,
            created_at=created_at,
            of=shared,
            visibility=Visibility.PRIVATE if visibility is Visibility.DIRECT else visibility,
            comment=comment,
            mentions=body["mentions"],
            tags=body["tags"],
        )
    # A self-reply chain keeps addressing the person the thread was answering.
    self_chain = deeper and someone == author
    ref = ReplyRef(
        root_id=PostId(first),
        parent_id=PostId(middle if deeper else first),
        parent_author_id=someone,
        addressee_id=someone_else if self_chain else someone,
    )
    post = _build_post(post_id, author, created_at, body, reply_to=ref)
    # Only a reply can be hidden (by the thread's author); ``create`` never hides.
    return attrs.evolve(post, hidden=True) if hidden else post


def posts(
    *,
    author_ids: st.SearchStrategy[AccountId] | None = None,
    kinds: Collection[str] = KINDS,
    texts: st.SearchStrategy[str] | None = None,
) -> st.SearchStrategy[Post]:
    """Generate posts of the given kinds: originals, replies, quotes and reposts.

    Every post is valid and its references are ordered: a reply's root is no
    newer than its parent, which is older than the reply; a quote is newer
    than what it quotes; a repost is newer than its root and its ``via``.
    A reply's addressee is its parent's author, except in a self-reply chain,
    which keeps addressing the original person. Replies may be hidden.
    Reposts are public, unlisted or followers-only, never direct.
    ``created_at`` is the instant encoded in the post's id. Shrinks toward an
    original post (or the first of ``kinds``) with id 1 by the smallest
    author, a one-character text and nothing else.

    Args:
        author_ids: A strategy for authors (default :func:`account_ids`); reply
            parents and addressees are drawn from it too, so self-replies occur.
        kinds: A non-empty collection of ``"original"``, ``"reply"``, ``"quote"``
            and ``"repost"``; the first one listed is the shrink target.
        texts: A strategy for the text of originals, replies and quotes, and for
            repost comments (default short plain text, sometimes empty). A post
            whose text is blank always gets at least one attachment, so ``texts``
            may produce blank strings.

    Returns:
        A strategy of :class:`~microblog_core.models.Post`.

    Raises:
        InvalidArgument: ``kinds`` is empty or names an unknown kind, or an
            option that should be a strategy is not one.
    """
    if isinstance(kinds, str) or not isinstance(kinds, Collection):
        raise InvalidArgument(f"kinds={kinds!r} must be a collection of kinds such as {KINDS}")
    chosen = tuple(dict.fromkeys(kinds))
    unknown = [k for k in chosen if k not in KINDS]
    if not chosen or unknown:
        raise InvalidArgument(f"kinds={kinds!r} must be a non-empty subset of {KINDS}")
    if author_ids is not None:
        _check_strategy(author_ids, "author_ids")
    people = account_ids() if author_ids is None else author_ids
    text_strategy = _texts_or_default(texts)
    return _posts(
        people,
        st.sampled_from(chosen),
        _post_bodies(text_strategy, account_ids()),
        st.just("") | text_strategy,
    )


@st.composite
def _replies_to(
    draw: st.DrawFn,
    post: Post,
    repliers: st.SearchStrategy[AccountId],
    bodies: st.SearchStrategy[dict[str, Any]],
) -> Post:
    if post.repost_of is not None:
        # Replying to a repost replies to the original it shares.
        shared = post.repost_of
        root = parent = shared.root_id
        parent_author = addressee = shared.root_author_id
    elif post.reply_to is not None:
        root, parent, parent_author = post.reply_to.root_id, post.id, post.author_id
        addressee = post.author_id
    else:
        root = parent = post.id
        parent_author = addressee = post.author_id
    author = draw(repliers)
    if post.reply_to is not None and post.repost_of is None and author == post.author_id:
        addressee = post.reply_to.addressee_id
    post_id = draw(st.integers(min_value=post.id + 1, max_value=MAX_ID))
    ref = ReplyRef(
        root_id=root, parent_id=parent, parent_author_id=parent_author, addressee_id=addressee
    )
    created_at = max(timestamp_of(post_id), post.created_at)
    return _build_post(post_id, author, created_at, draw(bodies), reply_to=ref)


def replies_to(
    post: Post,
    *,
    author_ids: st.SearchStrategy[AccountId] | None = None,
    texts: st.SearchStrategy[str] | None = None,
) -> st.SearchStrategy[Post]:
    """Generate replies to ``post``, placed in its thread as the service would.

    - Replying to an original or a quote starts a thread: root and parent are
      ``post``, the addressee its author.
    - Replying to a reply keeps its root; the parent is ``post``. The addressee
      is ``post``'s author, except when the replier is that author (a
      self-reply chain), who keeps addressing ``post``'s own addressee.
    - Replying to a repost replies to the original it shares (root and
      parent are the repost's root; the shared original is taken to start
      its thread: to reply to a reposted reply, pass the reply itself).

    The reply's id is greater than ``post.id`` and it is no older than
    ``post``. Shrinks toward a reply by the parent's author (a self-reply)
    with the smallest id after ``post.id``.

    Args:
        post: The post replied to. Its id must be below ``MAX_ID``.
        author_ids: A strategy for the replier (default: the parent's author or
            any account).
        texts: A strategy for the reply's text (see :func:`posts`).

    Returns:
        A strategy of reply :class:`~microblog_core.models.Post` values.

    Raises:
        InvalidArgument: ``post`` is not a Post, its id is ``MAX_ID``, or an option
            is not a strategy.
    """
    if not isinstance(post, Post):
        raise InvalidArgument(f"post={post!r} must be a Post")
    if post.id >= MAX_ID:
        raise InvalidArgument(f"post.id={post.id} leaves no id for a reply")
    if author_ids is None:
        parent_author = post.author_id if post.repost_of is None else post.repost_of.root_author_id
        repliers = st.just(parent_author) | account_ids()
    else:
        _check_strategy(author_ids, "author_ids")
        repliers = author_ids
    return _replies_to(post, repliers, _post_bodies(_texts_or_default(texts), account_ids()))


@st.composite
def _reposts(
    draw: st.DrawFn,
    of: st.SearchStrategy[Post] | None,
    people: st.SearchStrategy[AccountId],
    comments: st.SearchStrategy[str],
) -> Post:
    visibility = draw(st.sampled_from(_REPOST_VISIBILITIES))
    if of is None:
        ref, post_id = _free_repost_ref(draw, people)
        author = draw(people)
        created_at = timestamp_of(post_id)
    else:
        shared = draw(of)
        # Nobody reposts a direct message; hypothesis discards such examples.
        assume(shared.visibility is not Visibility.DIRECT and shared.id < MAX_ID)
        if shared.repost_of is not None:
            # A repost of a repost is a repost of the root, through ``via``.
            ref = RepostRef(
                root_id=shared.repost_of.root_id,
                root_author_id=shared.repost_of.root_author_id,
                via_id=shared.id,
                via_author_id=shared.author_id,
            )
        else:
            ref = RepostRef(root_id=shared.id, root_author_id=shared.author_id)
        # Only the author reposts a followers-only post; a repost never widens visibility.
        drawn_author = draw(people)
        private = shared.visibility is Visibility.PRIVATE
        author = shared.author_id if private else drawn_author
        visibility = Visibility.narrowest(visibility, shared.visibility)
        post_id = draw(st.integers(min_value=shared.id + 1, max_value=MAX_ID))
        created_at = max(timestamp_of(post_id), shared.created_at)
    return Post.create_repost(
        id=PostId(post_id),
        author_id=author,
        created_at=created_at,
        of=ref,
        visibility=visibility,
        comment=draw(comments),
        mentions=draw(st.lists(account_ids(), max_size=2, unique=True)),
        tags=draw(_TAGS),
    )


def reposts(
    *,
    of: st.SearchStrategy[Post] | None = None,
    author_ids: st.SearchStrategy[AccountId] | None = None,
    comments: st.SearchStrategy[str] | None = None,
) -> st.SearchStrategy[Post]:
    """Generate reposts, with an optional Weibo-style comment.

    Without ``of``, the :class:`~microblog_core.models.RepostRef` is drawn
    freely (sometimes with ``via``). With ``of``, each repost shares a post
    drawn from it: a repost of a repost shares the root ``via`` that repost;
    the repost's visibility is never wider than the shared post's; a
    followers-only post is reposted only by its author; direct posts are
    never reposted (Hypothesis discards them, so ``of`` must not produce only
    direct posts). A repost itself is public, unlisted or followers-only,
    never direct. The repost is newer than what it shares. Shrinks toward a
    public, straight repost with no comment, mentions or tags.

    Args:
        of: A strategy of posts to repost (``st.just(post)`` for one post).
        author_ids: A strategy for the reposter (default :func:`account_ids`).
        comments: A strategy for the comment (default short plain text, often empty).

    Returns:
        A strategy of repost :class:`~microblog_core.models.Post` values.

    Raises:
        InvalidArgument: An option is not a strategy.
    """
    if of is not None:
        _check_strategy(of, "of")
    if author_ids is not None:
        _check_strategy(author_ids, "author_ids")
    if comments is not None:
        _check_strategy(comments, "comments")
    return _reposts(
        of,
        account_ids() if author_ids is None else author_ids,
        _plain_texts() if comments is None else comments,
    )


# --- relations and engagement ----------------------------------------------------------


def _people(account_ids_: st.SearchStrategy[AccountId] | None) -> st.SearchStrategy[AccountId]:
    if account_ids_ is None:
        return account_ids()
    _check_strategy(account_ids_, "account_ids")
    return account_ids_


@functools.cache
def _pairs(people: st.SearchStrategy[AccountId]) -> st.SearchStrategy[list[AccountId]]:
    """Two different accounts (shrinks toward accounts 1 and 2)."""
    return st.lists(people, min_size=2, max_size=2, unique=True)


_ANY_TIME = _datetimes(_MIN_DATETIME, _MAX_DATETIME)


@st.composite
def _follow_like(draw: st.DrawFn, cls: Callable[..., T], people: st.SearchStrategy[AccountId]) -> T:
    follower, followee = draw(_pairs(people))
    return cls(
        follower_id=follower,
        followee_id=followee,
        created_at=draw(_ANY_TIME),
        show_reposts=draw(st.booleans()),
        notify=draw(st.booleans()),
        languages=draw(_LANGUAGE_FILTERS),
    )


def follows(
    *, account_ids: st.SearchStrategy[AccountId] | None = None
) -> st.SearchStrategy[Follow]:
    """Generate follows between two different accounts, with any options.

    Shrinks toward account 1 following account 2 with no language filter.

    Args:
        account_ids: A strategy for both accounts (default :func:`account_ids`);
            it must be able to produce two different ids.

    Raises:
        InvalidArgument: ``account_ids`` is not a strategy.
    """
    return _follow_like(Follow, _people(account_ids))


def follow_requests(
    *, account_ids: st.SearchStrategy[AccountId] | None = None
) -> st.SearchStrategy[FollowRequest]:
    """Generate pending follow requests between two different accounts.

    Shrinks like :func:`follows`.

    Args:
        account_ids: A strategy for both accounts (default :func:`account_ids`).

    Raises:
        InvalidArgument: ``account_ids`` is not a strategy.
    """
    return _follow_like(FollowRequest, _people(account_ids))


@st.composite
def _blocks(draw: st.DrawFn, people: st.SearchStrategy[AccountId]) -> Block:
    blocker, blocked = draw(_pairs(people))
    return Block(blocker_id=blocker, blocked_id=blocked, created_at=draw(_ANY_TIME))


def blocks(*, account_ids: st.SearchStrategy[AccountId] | None = None) -> st.SearchStrategy[Block]:
    """Generate blocks between two different accounts. Shrinks toward 1 blocking 2.

    Args:
        account_ids: A strategy for both accounts (default :func:`account_ids`).

    Raises:
        InvalidArgument: ``account_ids`` is not a strategy.
    """
    return _blocks(_people(account_ids))


_MUTE_STARTS = _datetimes(_MIN_DATETIME, _MAX_DATETIME - timedelta(milliseconds=1))


@st.composite
def _mutes(draw: st.DrawFn, people: st.SearchStrategy[AccountId]) -> Mute:
    muter, muted = draw(_pairs(people))
    created_at = draw(_MUTE_STARTS)
    expiry = _later(draw, created_at + timedelta(milliseconds=1))
    return Mute(
        muter_id=muter,
        muted_id=muted,
        created_at=created_at,
        expires_at=expiry if draw(st.booleans()) else None,
        hide_notifications=draw(st.booleans()),
    )


def mutes(*, account_ids: st.SearchStrategy[AccountId] | None = None) -> st.SearchStrategy[Mute]:
    """Generate mutes between two different accounts, maybe expiring after they start.

    Shrinks toward a permanent mute of account 2 by account 1.

    Args:
        account_ids: A strategy for both accounts (default :func:`account_ids`).

    Raises:
        InvalidArgument: ``account_ids`` is not a strategy.
    """
    return _mutes(_people(account_ids))


def likes(
    *,
    account_ids: st.SearchStrategy[AccountId] | None = None,
    post_ids: st.SearchStrategy[PostId] | None = None,
) -> st.SearchStrategy[Like]:
    """Generate likes. Shrinks toward account 1 liking post 1.

    Args:
        account_ids: A strategy for who likes (default :func:`account_ids`).
        post_ids: A strategy for the post liked (default :func:`post_ids`).

    Raises:
        InvalidArgument: An option is not a strategy.
    """
    if post_ids is not None:
        _check_strategy(post_ids, "post_ids")
    return st.builds(
        Like,
        account_id=_people(account_ids),
        post_id=_typed_ids(PostId, 1, MAX_ID) if post_ids is None else post_ids,
        created_at=_ANY_TIME,
    )


_COUNTS = st.integers(min_value=0, max_value=_MAX_COUNT)
_POST_COUNTERS = st.builds(
    PostCounters, replies=_COUNTS, reposts=_COUNTS, quotes=_COUNTS, likes=_COUNTS
)
_ACCOUNT_COUNTERS = st.builds(AccountCounters, followers=_COUNTS, following=_COUNTS, posts=_COUNTS)


def post_counters() -> st.SearchStrategy[PostCounters]:
    """Generate post counters: any non-negative 64-bit counts. Shrinks toward all zero."""
    return _POST_COUNTERS


def account_counters() -> st.SearchStrategy[AccountCounters]:
    """Generate account counters: any non-negative 64-bit counts. Shrinks toward all zero."""
    return _ACCOUNT_COUNTERS


@st.composite
def _relationships(draw: st.DrawFn, people: st.SearchStrategy[AccountId]) -> Relationship:
    account, target = draw(_pairs(people))
    following, requested, muting, muting_notifications, showing_reposts, notifying = (
        draw(st.booleans()) for _ in range(6)
    )
    languages = draw(_LANGUAGE_FILTERS)
    return Relationship(
        account_id=account,
        target_id=target,
        following=following,
        followed_by=draw(st.booleans()),
        requested=requested and not following,
        requested_by=draw(st.booleans()),
        blocking=draw(st.booleans()),
        blocked_by=draw(st.booleans()),
        muting=muting,
        muting_notifications=muting and muting_notifications,
        showing_reposts=following and showing_reposts,
        notifying=following and notifying,
        languages=languages if following else None,
    )


def relationships(
    *, account_ids: st.SearchStrategy[AccountId] | None = None
) -> st.SearchStrategy[Relationship]:
    """Generate relationships between two different accounts.

    Follow options (reposts shown, notifications, languages) are set only when
    ``following``, a request only when not following, and
    ``muting_notifications`` only when ``muting``. Shrinks toward no relation.

    Args:
        account_ids: A strategy for both accounts (default :func:`account_ids`).

    Raises:
        InvalidArgument: ``account_ids`` is not a strategy.
    """
    return _relationships(_people(account_ids))


# --- events ----------------------------------------------------------------------------


@st.composite
def _happening_at_creation(
    draw: st.DrawFn, cls: Callable[..., T], name: str, payloads: st.SearchStrategy[Any]
) -> T:
    """An event that happens when its payload is created (a follow takes effect...)."""
    payload = draw(payloads)
    return cls(**{name: payload}, occurred_at=payload.created_at)


@st.composite
def _happening_later(
    draw: st.DrawFn, cls: Callable[..., T], name: str, payloads: st.SearchStrategy[Any]
) -> T:
    """An event that happens some time after its payload was created (an approval...)."""
    payload = draw(payloads)
    return cls(**{name: payload}, occurred_at=_later(draw, payload.created_at))


@st.composite
def _post_deleted(draw: st.DrawFn, deletable: st.SearchStrategy[Post]) -> PostDeleted:
    post = draw(deletable)
    removed = draw(st.lists(st.integers(min_value=1, max_value=MAX_ID), max_size=3, unique=True))
    # The reposts removed with a post are newer than it.
    newer = sorted({post.id + r for r in removed if post.id + r <= MAX_ID})
    return PostDeleted(
        post=post,
        removed_reposts=tuple(PostId(r) for r in newer),
        occurred_at=_later(draw, post.created_at),
    )


@st.composite
def _pair_event(draw: st.DrawFn, cls: Callable[..., T], first: str, second: str) -> T:
    a, b = draw(_pairs(account_ids()))
    return cls(**{first: a, second: b}, occurred_at=draw(_ANY_TIME))


@st.composite
def _post_edited(draw: st.DrawFn, editable: st.SearchStrategy[Post]) -> PostEdited:
    post = draw(editable)
    at = _later(draw, post.created_at)
    previous = PostVersion(
        post_id=post.id,
        text=draw(_plain_texts(max_size=40)),
        written_at=post.created_at,
        replaced_at=at,
    )
    return PostEdited(post=post, previous=previous, occurred_at=at)


@st.composite
def _pins(draw: st.DrawFn) -> Pin:
    return Pin(account_id=draw(account_ids()), post_id=draw(post_ids()), created_at=draw(_ANY_TIME))


def pins() -> st.SearchStrategy[Pin]:
    """Generate pins: any account, any post, any time. Shrinks toward small ids."""
    return _pins()


@st.composite
def _bookmarks(draw: st.DrawFn) -> Bookmark:
    return Bookmark(
        id=BookmarkId(draw(ids())),
        account_id=draw(account_ids()),
        post_id=draw(post_ids()),
        created_at=draw(_ANY_TIME),
    )


def bookmarks() -> st.SearchStrategy[Bookmark]:
    """Generate bookmarks: any id, account, post and time. Shrinks toward small ids."""
    return _bookmarks()


def filter_keywords() -> st.SearchStrategy[FilterKeyword]:
    """Generate filter keywords: short non-blank text, whole-word or not."""
    return st.builds(
        FilterKeyword,
        keyword=_plain_texts(min_size=1, max_size=20, blank=False),
        whole_word=st.booleans(),
    )


@st.composite
def _filters(draw: st.DrawFn) -> Filter:
    keywords = draw(
        st.lists(filter_keywords(), max_size=4, unique_by=lambda k: k.keyword.casefold())
    )
    created = draw(_ANY_TIME)
    expires = draw(st.none() | _ANY_TIME)
    return Filter(
        id=FilterId(draw(ids())),
        account_id=draw(account_ids()),
        title=draw(_plain_texts(min_size=1, max_size=30, blank=False)),
        contexts=draw(st.frozensets(st.sampled_from(FilterContext), min_size=1)),
        action=draw(st.sampled_from(FilterAction)),
        expires_at=expires,
        keywords=tuple(keywords),
        post_ids=tuple(draw(st.lists(post_ids(), max_size=3, unique=True))),
        created_at=created,
    )


def filters() -> st.SearchStrategy[Filter]:
    """Generate keyword filters: one or more contexts, up to four keywords and three posts.

    Shrinks toward one context, no keywords, no posts and no expiry.
    """
    return _filters()


@st.composite
def _notifications(draw: st.DrawFn) -> Notification:
    kind = draw(st.sampled_from(NotificationKind))
    about_post = kind not in (NotificationKind.FOLLOW, NotificationKind.FOLLOW_REQUEST)
    recipient, sender = draw(_pairs(account_ids()))
    return Notification(
        id=NotificationId(draw(ids())),
        account_id=recipient,
        kind=kind,
        from_account_id=sender,
        post_id=draw(post_ids()) if about_post else None,
        created_at=draw(_ANY_TIME),
    )


def notifications() -> st.SearchStrategy[Notification]:
    """Generate notifications of every kind (about a post unless a follow or request).

    Shrinks toward a mention between small ids.
    """
    return _notifications()


def notification_group_heads() -> st.SearchStrategy[NotificationGroupHead]:
    """Generate notification group heads (a key, a newest id, a size of at least 1)."""
    return st.builds(
        NotificationGroupHead,
        group_key=_plain_texts(min_size=1, max_size=30, blank=False),
        latest_id=ids(),
        count=st.integers(min_value=1, max_value=10**6),
    )


@st.composite
def _post_versions(draw: st.DrawFn) -> PostVersion:
    written = draw(_ANY_TIME)
    return PostVersion(
        post_id=draw(post_ids()),
        text=draw(_plain_texts(max_size=40)),
        content_warning=draw(_plain_texts(max_size=10)),
        written_at=written,
        replaced_at=_later(draw, written),
    )


@st.composite
def _poll_votes(draw: st.DrawFn) -> PollVote:
    choices = draw(st.lists(st.integers(0, 3), min_size=1, max_size=4, unique=True))
    return PollVote(
        account_id=draw(account_ids()),
        post_id=draw(post_ids()),
        choices=tuple(sorted(choices)),
        created_at=draw(_ANY_TIME),
    )


def account_lists() -> st.SearchStrategy[AccountList]:
    """Generate account lists: any owner, a short non-blank title, any policy and exclusivity.

    Shrinks toward small ids, the title ``"0"``, ``replies_policy="followed"`` and not exclusive.
    """
    titles = st.text(
        st.characters(codec="utf-8", exclude_characters="\x00"), min_size=1, max_size=30
    ).filter(str.strip)
    return st.builds(
        AccountList,
        id=_typed_ids(ListId, 1, MAX_ID),
        owner_id=account_ids(),
        title=titles | st.just("x" * MAX_LIST_TITLE),
        replies_policy=st.sampled_from(RepliesPolicy),
        exclusive=st.booleans(),
    )


def _list_members(kind: type[Any]) -> st.SearchStrategy[Any]:
    return st.builds(
        kind,
        account_list=account_lists(),
        account_ids=st.lists(account_ids(), min_size=1, max_size=5, unique=True).map(tuple),
        occurred_at=_ANY_TIME,
    )


def _tag_event(kind: type[Any]) -> st.SearchStrategy[Any]:
    tags = st.from_regex(r"[a-z0-9_]{1,20}", fullmatch=True) | st.sampled_from(["话题", "ärger"])
    return st.builds(kind, account_id=account_ids(), tag=tags, occurred_at=_ANY_TIME)


def poll_votes() -> st.SearchStrategy[PollVote]:
    """Generate poll votes: one to four distinct option indexes, ascending."""
    return _poll_votes()


def notification_policies() -> st.SearchStrategy[NotificationPolicy]:
    """Generate notification policies: any action per condition, 1 to 90 days for "new"."""
    actions = st.sampled_from(PolicyAction)
    return st.builds(
        NotificationPolicy,
        for_not_following=actions,
        for_not_followers=actions,
        for_new_accounts=actions,
        for_private_mentions=actions,
        new_account_days=st.integers(1, 90),
    )


def notification_requests() -> st.SearchStrategy[NotificationRequest]:
    """Generate notification requests (a recipient, a sender, a count, a newest id)."""
    return st.builds(
        NotificationRequest,
        account_id=account_ids(),
        from_account_id=account_ids(),
        count=st.integers(1, 10**6),
        latest_id=ids(),
    )


def post_versions() -> st.SearchStrategy[PostVersion]:
    """Generate earlier versions of posts, each replaced no earlier than it was written."""
    return _post_versions()


@functools.cache
def _event_strategies() -> dict[type, st.SearchStrategy[Any]]:
    published = posts(kinds=("original", "reply", "quote"))
    shared = reposts()
    requests = follow_requests()
    return {
        AccountRegistered: _happening_at_creation(AccountRegistered, "account", accounts()),
        ProfileUpdated: _happening_later(ProfileUpdated, "account", accounts()),
        PostPublished: _happening_at_creation(PostPublished, "post", published),
        Reposted: _happening_at_creation(Reposted, "repost", shared),
        Unreposted: _happening_later(Unreposted, "repost", shared),
        PostDeleted: _post_deleted(published),
        Liked: _happening_later(Liked, "like", likes()),
        Unliked: _happening_later(Unliked, "like", likes()),
        Followed: _happening_at_creation(Followed, "follow", follows()),
        FollowRequested: _happening_at_creation(FollowRequested, "request", requests),
        FollowRequestApproved: _happening_later(FollowRequestApproved, "request", requests),
        FollowRequestRejected: _happening_later(FollowRequestRejected, "request", requests),
        FollowRequestWithdrawn: _happening_later(FollowRequestWithdrawn, "request", requests),
        Unfollowed: _pair_event(Unfollowed, "follower_id", "followee_id"),
        Blocked: _happening_at_creation(Blocked, "block", blocks()),
        Unblocked: _pair_event(Unblocked, "blocker_id", "blocked_id"),
        Muted: _happening_at_creation(Muted, "mute", mutes()),
        Unmuted: _pair_event(Unmuted, "muter_id", "muted_id"),
        ReplyGateChanged: st.builds(
            ReplyGateChanged,
            post_id=_typed_ids(PostId, 1, MAX_ID),
            gate=_REPLY_GATES,
            occurred_at=_ANY_TIME,
        ),
        ReplyHidden: st.builds(
            ReplyHidden,
            post_id=_typed_ids(PostId, 1, MAX_ID),
            hidden=st.booleans(),
            occurred_at=_ANY_TIME,
        ),
        PostEdited: _post_edited(published),
        Pinned: _happening_at_creation(Pinned, "pin", _pins()),
        Unpinned: _happening_later(Unpinned, "pin", _pins()),
        Voted: _happening_at_creation(Voted, "vote", _poll_votes()),
        PollEnded: st.builds(
            PollEnded,
            post_id=_typed_ids(PostId, 1, MAX_ID),
            author_id=account_ids(),
            occurred_at=_ANY_TIME,
        ),
        NotificationsRead: st.builds(
            NotificationsRead,
            account_id=account_ids(),
            last_read_id=ids(),
            occurred_at=_ANY_TIME,
        ),
        ListCreated: st.builds(ListCreated, account_list=account_lists(), occurred_at=_ANY_TIME),
        ListUpdated: st.builds(ListUpdated, account_list=account_lists(), occurred_at=_ANY_TIME),
        ListDeleted: st.builds(ListDeleted, account_list=account_lists(), occurred_at=_ANY_TIME),
        ListMembersAdded: _list_members(ListMembersAdded),
        ListMembersRemoved: _list_members(ListMembersRemoved),
        TagFollowed: _tag_event(TagFollowed),
        TagUnfollowed: _tag_event(TagUnfollowed),
    }


def events(*, types: Collection[type] | None = None) -> st.SearchStrategy[Event]:
    """Generate domain events of the given types (default: any event).

    Each event's payload is valid and its ``occurred_at`` is no earlier than
    the payload's own time (a publication happens when the post is created,
    a withdrawal some time after). Shrinks toward the first type listed
    (:class:`~microblog_core.models.AccountRegistered` by default).

    Args:
        types: Event classes to draw from, in shrinking order.

    Returns:
        A strategy of events (members of the ``microblog_core.models.Event`` union).

    Raises:
        InvalidArgument: ``types`` is empty or holds something that is not an event class.
    """
    table = _event_strategies()
    if isinstance(types, str) or (types is not None and not isinstance(types, Collection)):
        raise InvalidArgument(f"types={types!r} must be a collection of event classes")
    chosen = tuple(table) if types is None else tuple(dict.fromkeys(types))
    unknown = [t for t in chosen if t not in table]
    if not chosen or unknown:
        names = ", ".join(t.__name__ for t in table)
        raise InvalidArgument(f"types={types!r} must be a non-empty collection of: {names}")
    return cast("st.SearchStrategy[Event]", st.one_of([table[t] for t in chosen]))


def _check_size(value: object, name: str, *, minimum: int = 0) -> int:
    if isinstance(value, bool) or not isinstance(value, int) or value < minimum:
        raise InvalidArgument(f"{name}={value!r} must be an int of at least {minimum}")
    return value
