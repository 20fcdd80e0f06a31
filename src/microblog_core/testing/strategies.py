"""Hypothesis strategies for microblog_core's values, texts, threads, graphs and histories.

- Values: :func:`accounts`, :func:`posts`, :func:`replies_to`,
  :func:`reposts`, :func:`follows`, :func:`blocks`, :func:`mutes`,
  :func:`likes`, :func:`events` and the rest, one for every value class.
- Texts: :func:`texts` makes post texts valid under a length policy (or just
  too long for it) that mix the scripts, emoji and entities the networks
  count differently.
- Structures: :func:`threads` (a root and its replies, as a :class:`Thread`),
  :func:`follow_graphs` (:class:`~microblog_core.sim.graphs.FollowGraph`)
  and :func:`histories` (sequences of use cases, with :func:`replay` to run
  them on a :class:`~microblog_core.service.Microblog`).

Every strategy here generates values that are *valid by default*: building
them passes every invariant of the value class, and values that refer to
each other are consistent (a reply is newer than its parent, a repost newer
than what it shares, a handle follows its network's rules). Options are
keyword-only and narrow what is generated; options that vary per example
take strategies, never plain values (wrap a value in :func:`~hypothesis.strategies.just`).
Bad options raise :class:`hypothesis.errors.InvalidArgument`.

Ids and times agree as the service's :class:`~microblog_core.ids.IdGenerator`
would make them: a generated account or post has
``created_at == timestamp_of(id)``, so id order is time order.

Shrinking: ids shrink toward 1, datetimes toward 2000-01-01 (Hypothesis'
default), texts toward short ASCII, optional parts toward absent, enums
toward their first member, and :func:`posts` toward an original post. A
failing example is therefore usually a small original post by account 1.
Threads shrink toward fewer replies, graphs toward fewer nodes and edges,
histories toward fewer steps: each draws its shape first, as a list of
small values, so that Hypothesis can delete parts of it.

The default text of the value strategies is deliberately plain (short
strings of letters, digits, punctuation, symbols and spaces, at most a few
dozen characters), so it fits every length policy. Strategies that take
``texts=`` accept any strategy of strings, for example
``texts(policy=MASTODON)``.

Hypothesis finds these strategies without an import: the plugin registered
through the ``hypothesis`` entry point makes ``st.from_type(Post)`` (and every
other class in :data:`~microblog_core.models.VALUE_CLASSES`) use them.

Example:
    >>> from hypothesis import given
    >>> from microblog_core.testing.strategies import posts
    >>> @given(posts(kinds=("reply",)))
    ... def test_reply_is_newer_than_parent(post):
    ...     assert post.reply_to.parent_id < post.id
    >>> test_reply_is_newer_than_parent()
"""

import functools
import re
import typing
from collections.abc import Callable, Collection, Iterable
from datetime import UTC, datetime, timedelta
from typing import TYPE_CHECKING, Any, TypeVar, cast

import attrs
import regex
from hypothesis import assume
from hypothesis import strategies as st
from hypothesis.errors import InvalidArgument

from microblog_core.errors import (
    ConflictError,
    InvalidHandleError,
    NotFoundError,
    PermissionDeniedError,
    ValidationError,
)
from microblog_core.ids import EPOCH, MAX_ID, AccountId, PostId, timestamp_of
from microblog_core.models import (
    MASTODON_ACCOUNTS,
    MAX_MEDIA,
    TWITTER_ACCOUNTS,
    WEIBO_ACCOUNTS,
    Account,
    AccountCounters,
    AccountKind,
    AccountPolicy,
    AccountRegistered,
    Attachment,
    Block,
    Blocked,
    Event,
    Follow,
    Followed,
    FollowRequest,
    FollowRequestApproved,
    FollowRequested,
    FollowRequestRejected,
    Like,
    Liked,
    Location,
    Media,
    MediaKind,
    Mute,
    Muted,
    Poll,
    Post,
    PostCounters,
    PostDeleted,
    PostPublished,
    ProfileUpdated,
    QuotePolicy,
    Relationship,
    ReplyAudience,
    ReplyGate,
    ReplyGateChanged,
    ReplyHidden,
    ReplyRef,
    Reposted,
    RepostRef,
    Unblocked,
    Unfollowed,
    Unliked,
    Unmuted,
    Unreposted,
    Visibility,
)
from microblog_core.text import TWITTER_V3, LengthPolicy, Reason, measure

if TYPE_CHECKING:
    from microblog_core.service import Microblog
    from microblog_core.sim.graphs import FollowGraph

__all__ = [
    "KINDS",
    "MAX_OVERSHOOT",
    "STEP_TYPES",
    "ApproveStep",
    "BlockStep",
    "DeleteStep",
    "FollowStep",
    "LikeStep",
    "MuteStep",
    "PostStep",
    "QuoteStep",
    "RegisterStep",
    "RejectStep",
    "Replay",
    "ReplyStep",
    "RepostStep",
    "Step",
    "Thread",
    "UnblockStep",
    "UnfollowStep",
    "UnlikeStep",
    "UnmuteStep",
    "UnrepostStep",
    "account_counters",
    "account_ids",
    "accounts",
    "attachments",
    "blocks",
    "check_history",
    "datetimes",
    "events",
    "follow_graphs",
    "follow_requests",
    "follows",
    "handles",
    "histories",
    "ids",
    "likes",
    "locations",
    "media",
    "mutes",
    "polls",
    "post_counters",
    "post_ids",
    "posts",
    "relationships",
    "replay",
    "replies_to",
    "reply_gates",
    "reply_refs",
    "repost_refs",
    "reposts",
    "texts",
    "threads",
]

T = TypeVar("T")

KINDS: tuple[str, ...] = ("original", "reply", "quote", "repost")
"""The kinds of post :func:`posts` can generate, in shrinking order."""

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


# --- texts under a length policy -------------------------------------------------------

MAX_OVERSHOOT = 12
"""How far past its limit a text from ``texts(valid=False)`` may be, in length units.

An invalid text is as short as a too-long text can be made by cutting it at a
grapheme boundary; the last grapheme (an emoji sequence, a URL that the cut
completes) can cost up to this much.
"""

_GRAPHEME = regex.compile(r"\X")
_ZWJ = "\u200d"
_VS16 = "\ufe0f"
_SKIN_TONES = tuple(chr(c) for c in range(0x1F3FB, 0x1F400))
_COUNTRIES = ("JP", "CN", "US", "DE", "FR", "BR", "KR", "GB", "TW", "IN", "UA", "NG")
_PEOPLE = ("👨", "👩", "👧", "👦", "🧑")
_EMOJI_SINGLES = st.sampled_from(
    ("😀", "🎉", "❤️", "✨", "🐼", "🀄", "☕", "🔥", "👀", "✔️", "☺", "🫠")
)
_EMOJI_SEQUENCES = st.one_of(
    _EMOJI_SINGLES,
    # Skin tone modifier sequences.
    st.tuples(st.sampled_from(("👍", "👋", "🙌", "👩", "🧑")), st.sampled_from(_SKIN_TONES)).map(
        "".join
    ),
    # ZWJ sequences: families of 2 to 4 people, and fixed ones (profession, flag, heart).
    st.lists(st.sampled_from(_PEOPLE), min_size=2, max_size=4).map(_ZWJ.join),
    st.sampled_from(("👩🏽‍💻", "🏳️‍🌈", "🧑‍🤝‍🧑", "❤️‍🔥", "👁️‍🗨️", "🐻‍❄️")),
    # Flags: pairs of regional indicators.
    st.sampled_from(_COUNTRIES).map(lambda c: "".join(chr(0x1F1E6 + ord(x) - 65) for x in c)),
    # Keycaps.
    st.sampled_from("0123456789#*").map(lambda k: f"{k}{_VS16}\u20e3"),
    # Tag sequences (England, Scotland, Wales).
    st.sampled_from(
        (
            "🏴\U000e0067\U000e0062\U000e0065\U000e006e\U000e0067\U000e007f",
            "🏴\U000e0067\U000e0062\U000e0073\U000e0063\U000e0074\U000e007f",
            "🏴\U000e0067\U000e0062\U000e0077\U000e006c\U000e0073\U000e007f",
        )
    ),
)


def _letters(first: int, last: int) -> st.SearchStrategy[str]:
    """Assigned letters between two code points (inclusive)."""
    return st.characters(min_codepoint=first, max_codepoint=last, categories=["L"])


_ASCII_ALNUM = "abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789"
_ASCII_WORDS = st.tuples(
    st.text(_ASCII_ALNUM, min_size=1, max_size=12), st.sampled_from(("", ".", ",", "!", "?", ":"))
).map("".join)
# Latin-1, Latin Extended, Greek and Cyrillic weigh 1 on Twitter but are two Weibo
# bytes above U+00FF; the typographic punctuation tests Twitter's narrow ranges
# (U+2010-U+201F and U+2032-U+2037 weigh 1, "…" U+2026 too, "※" U+203B weighs 2);
# "e" + U+0301 is NFC-normalised by Twitter and one grapheme on Mastodon.
_OTHER_WORDS = st.one_of(
    st.text(_letters(0xC0, 0x24F), min_size=1, max_size=8),  # Latin-1 and Latin Extended
    st.text(_letters(0x391, 0x3C9), min_size=1, max_size=8),  # Greek
    st.text(_letters(0x410, 0x44F), min_size=1, max_size=8),  # Cyrillic
    st.sampled_from(
        ("café", "cafe\u0301", "naïve", "Straße", "—", "“quoted”", "‘x’", "…", "′″", "※", "€5")
    ),
)
_CJK_CHARS = st.one_of(
    _letters(0x4E00, 0x9FFF),  # CJK ideographs
    _letters(0x3041, 0x30FA),  # kana
    _letters(0xAC00, 0xD7A3),  # hangul syllables
    st.sampled_from("，。！？：；「」（）、〜"),  # full-width punctuation
)
_CJK_RUNS = st.text(_CJK_CHARS, min_size=1, max_size=12)
_LABELS = st.text("abcdefghijklmnopqrstuvwxyz0123456789", min_size=1, max_size=12)
_TLDS = st.sampled_from(("com", "org", "net", "co", "io", "jp", "cn", "de", "social", "co.uk"))
_PATH_CHARS = _ASCII_ALNUM + "-_.~"


_URL_PATHS = st.one_of(
    st.just(""),
    st.text(_PATH_CHARS, max_size=30).map("/{}".format),
    # Long enough to pass Weibo's 140 bytes, past which a URL costs more than 20.
    st.tuples(st.sampled_from(_PATH_CHARS), st.integers(min_value=120, max_value=200)).map(
        lambda pair: "/" + pair[0] * pair[1]
    ),
)


@st.composite
def _urls(draw: st.DrawFn) -> str:
    """A URL with or without a scheme, sometimes with a long path (Weibo's 140-byte rule)."""
    scheme = draw(st.sampled_from(("https://", "http://", "", "www.")))
    host = f"{draw(_LABELS)}.{draw(_TLDS)}"
    path = draw(_URL_PATHS)
    query = draw(st.sampled_from(("", "?q=1", "?lang=zh&page=2", "#top")))
    return f"{scheme}{host}{path}{query}"


_HANDLE_TEXT = st.text(_WORD_CHARS, min_size=1, max_size=15)
_MENTIONS = st.tuples(
    _HANDLE_TEXT, st.one_of(st.just(""), st.tuples(_LABELS, _TLDS).map("@{0[0]}.{0[1]}".format))
).map("@{0[0]}{0[1]}".format)
_HASHTAGS = st.one_of(
    st.text(_WORD_CHARS, min_size=1, max_size=15).map("#{}".format),
    _CJK_RUNS.map("#{}".format),
    st.text(_letters(0x4E00, 0x9FFF), min_size=1, max_size=8).map(
        "#{}#".format  # a Weibo topic
    ),
    st.text("ABCDEFGHIJKLMNOPQRSTUVWXYZ", min_size=1, max_size=5).map("${}".format),  # cashtag
)
# Separators between pieces; "" glues pieces together, so entities meet other text.
_SEPARATORS = st.sampled_from((" ", "", "\n", "\r\n", ", ", "\u3000", "  "))
# One grapheme repeated: the quick way to reach a policy's limit. The family emoji
# is 25 UTF-8 bytes in one grapheme, and "a" with three marks is 7: they reach
# Bluesky's byte cap before its grapheme limit.
_FILLERS = (
    "a",
    "汉",
    "😀",
    "é",
    "👨‍👩‍👧‍👦",
    "a\u0301\u0302\u0303",
    "🇯🇵",
)


@functools.cache
def _pieces(run_max: int) -> st.SearchStrategy[str]:
    runs = st.tuples(st.sampled_from(_FILLERS), st.integers(min_value=1, max_value=run_max)).map(
        lambda pair: pair[0] * pair[1]
    )
    return st.one_of(
        _ASCII_WORDS,
        _CJK_RUNS,
        _EMOJI_SEQUENCES,
        _urls(),
        _MENTIONS,
        _HASHTAGS,
        _OTHER_WORDS,
        runs,
    )


def _boundaries(text: str) -> list[int]:
    """The code point offsets that end each grapheme cluster of ``text``."""
    return [match.end() for match in _GRAPHEME.finditer(text)]


def _longest_valid_prefix(text: str, policy: LengthPolicy) -> tuple[str, str]:
    """Cut ``text`` at grapheme boundaries: its longest valid prefix, and the next one.

    ``text`` must be invalid and its first grapheme valid; validity is not
    monotone in the prefix (a URL may be cheaper than its beginning), so this
    finds *a* boundary where a valid prefix meets an invalid one by bisection.
    """
    ends = _boundaries(text)
    low, high = 0, len(ends) - 1  # ends[low] is valid, ends[high] is invalid
    while high - low > 1:
        middle = (low + high) // 2
        if measure(text[: ends[middle]], policy).valid:
            low = middle
        else:
            high = middle
    return text[: ends[low]], text[: ends[high]]


def _just_over(prefix: str, policy: LengthPolicy) -> str:
    """Extend a valid ``prefix`` with a space and ``a``s until it is just too long."""
    base = measure(prefix + " ", policy)
    if not base.valid:
        return prefix + " "
    per_a = measure("a", policy).weight
    missing = policy.limit * policy.scale - base.weight  # weight still allowed
    count = max(1, missing // max(per_a, 1))
    candidate = prefix + " " + "a" * count
    while measure(candidate, policy).valid:  # a step or two at most
        candidate += "a"
    return candidate


def _is_just_over(text: str, policy: LengthPolicy) -> bool:
    measured = measure(text, policy)
    if measured.reason is Reason.TOO_MANY_BYTES:
        return True
    return measured.reason is Reason.TOO_LONG and measured.length <= policy.limit + MAX_OVERSHOOT


@st.composite
def _texts(draw: st.DrawFn, policy: LengthPolicy, valid: bool, run_max: int) -> str:
    pieces = draw(st.lists(st.tuples(_SEPARATORS, _pieces(run_max)), min_size=1, max_size=12))
    text = pieces[0][1] + "".join(separator + piece for separator, piece in pieces[1:])
    # Every piece starts with a visible grapheme, but under a tiny custom limit one
    # grapheme may already be too long: then "a" (checked valid) leads.
    first = text[: _boundaries(text)[0]]
    if not measure(first, policy).valid:
        text = "a " + text
    measured = measure(text, policy)
    if valid:
        return text if measured.valid else _longest_valid_prefix(text, policy)[0]
    filler = draw(st.sampled_from(_FILLERS))
    if measured.valid:
        # Pad past the limit with a filler, then cut back to just over it.
        per_filler = max(1, measure(filler, policy).weight)
        room = policy.limit * policy.scale - measured.weight
        text = f"{text} {filler * (room // per_filler + 2)}"
    prefix, over = _longest_valid_prefix(text, policy)
    if _is_just_over(over, policy):
        return over
    return _just_over(prefix, policy)


def texts(*, policy: LengthPolicy = TWITTER_V3, valid: bool = True) -> st.SearchStrategy[str]:
    r"""Generate post texts that are valid under ``policy`` (or, with ``valid=False``, just not).

    Texts are built from pieces that the counting rules treat differently:
    ASCII words; Latin, Greek and Cyrillic letters (one Twitter unit, two
    Weibo bytes above U+00FF) and typographic punctuation from Twitter's
    narrow weight ranges; runs of CJK ideographs, kana, hangul and full-width
    punctuation; emoji sequences (single, skin tone, ZWJ, flag, keycap and
    tag sequences); URLs with and without a scheme, some longer than 140 bytes;
    ``@mentions`` and fediverse ``@user@domain``; ``#hashtags``, Weibo
    ``#话题#`` topics and ``$CASHTAGS``; and one grapheme repeated many
    times, to reach the limit. Pieces are joined by spaces, newlines,
    ``\r\n``, an ideographic space or nothing (so entities also touch other
    text). :func:`~microblog_core.text.measure` then decides: a text over the
    limit is cut back at a grapheme boundary, so long texts end right at
    the limit.

    - ``valid=True`` (the default): ``measure(text, policy).valid`` holds.
      Texts range from one grapheme to the limit, and are never blank.
    - ``valid=False``: the text is invalid only for its size, and only just:
      either too long by at most :data:`MAX_OVERSHOOT` length units
      (``policy.limit < length <= policy.limit + MAX_OVERSHOOT``), or, under
      a policy with a byte cap (Bluesky), within the length limit but over
      the cap by its last grapheme.

    Nothing is filtered or rejected, so generation stays fast: every draw
    gives a text. Shrinking removes pieces, shortens them and simplifies
    them toward ASCII, so a failing valid text shrinks to a few characters
    (the smallest text that still fails), and a failing invalid one toward
    a run of ``a`` just past the limit.

    Args:
        policy: The length policy (default :data:`~microblog_core.text.TWITTER_V3`);
            the presets or any :class:`~microblog_core.text.LengthPolicy` under
            which ``"a"`` is valid.
        valid: Whether to generate valid texts or texts just too long.

    Returns:
        A strategy of strings.

    Raises:
        InvalidArgument: ``policy`` is not a LengthPolicy, admits no ``"a"``,
            or ``valid`` is not a bool.

    Example:
        >>> from hypothesis import given
        >>> from microblog_core.testing.strategies import texts
        >>> from microblog_core.text import WEIBO, measure
        >>> @given(texts(policy=WEIBO), texts(policy=WEIBO, valid=False))
        ... def test_weibo_counts(good, bad):
        ...     assert measure(good, WEIBO).valid and not measure(bad, WEIBO).valid
        >>> test_weibo_counts()
    """
    if not isinstance(policy, LengthPolicy):
        raise InvalidArgument(f"policy={policy!r} must be a LengthPolicy")
    if not isinstance(valid, bool):
        raise InvalidArgument(f"valid={valid!r} must be a bool")
    if not measure("a", policy).valid:
        raise InvalidArgument(f"policy={policy.name!r} does not even admit the text 'a'")
    return _policy_texts(policy, valid)


@functools.cache
def _policy_texts(policy: LengthPolicy, valid: bool) -> st.SearchStrategy[str]:
    # Enough repeats of the lightest grapheme (a Weibo "a" is half a unit) to pass the limit.
    return _texts(policy, valid, 2 * policy.limit + 2)


# --- threads ---------------------------------------------------------------------------


@attrs.frozen(kw_only=True)
class Thread:
    """A conversation: a root post and replies under it, as :func:`threads` makes them.

    Attributes:
        root: The original post that starts the thread.
        replies: The replies, oldest (smallest id) first; each reply's parent is
            the root or an earlier reply.
    """

    root: Post
    replies: tuple[Post, ...] = ()

    @property
    def posts(self) -> tuple[Post, ...]:
        """The root, then the replies in id order."""
        return (self.root, *self.replies)

    @property
    def depth(self) -> int:
        """The number of replies on the longest path down from the root (0 without replies)."""
        depths = self.depths()
        return max(depths.values())

    def depths(self) -> dict[PostId, int]:
        """Each post's distance below the root (the root is 0, a direct reply 1)."""
        depth: dict[PostId, int] = {self.root.id: 0}
        for reply in self.replies:
            assert reply.reply_to is not None  # every reply of a thread is a reply
            depth[reply.id] = depth[reply.reply_to.parent_id] + 1
        return depth


_MAX_THREAD_GAP = 3_600_000
_THREAD_GAPS = st.integers(min_value=1, max_value=_MAX_THREAD_GAP)
_MAX_THREAD_SIZE = 1_000


@st.composite
def _threads(
    draw: st.DrawFn,
    max_depth: int,
    max_size: int,
    people: st.SearchStrategy[AccountId],
    bodies: st.SearchStrategy[dict[str, Any]],
) -> Thread:
    from microblog_core.rules.threads import reply_ref_for

    # The root's id leaves room for ``max_size`` later ids in increasing order.
    root_id = draw(st.integers(min_value=1, max_value=MAX_ID - max_size * _MAX_THREAD_GAP))
    # Where each reply goes is drawn first, as a list of small values, then the
    # authors and times, then the bodies: shrinking deletes replies easily this
    # way (it gets stuck on a list of wide elements). ``back`` picks a parent among
    # the posts still open to replies: 0 is the root (the shrink target), 1 the
    # newest open post, 2 the one before...; a chain is then ``back == 1``
    # throughout, whatever is deleted around it.
    backs = draw(st.lists(st.integers(0, max_size), max_size=max_size if max_depth > 0 else 0))
    shape = [(back, draw(people), draw(_THREAD_GAPS)) for back in backs]
    root = _build_post(root_id, draw(people), timestamp_of(root_id), draw(bodies))
    posts = [root]
    depth = [0]
    open_to_replies = [0]  # indices of posts less than max_depth down; the root first
    for back, author, gap in shape:
        parent_index = open_to_replies[-back % len(open_to_replies)]
        parent = posts[parent_index]
        post_id = posts[-1].id + gap
        reply_to = reply_ref_for(parent, author)
        reply = _build_post(post_id, author, timestamp_of(post_id), draw(bodies), reply_to=reply_to)
        posts.append(reply)
        depth.append(depth[parent_index] + 1)
        if depth[-1] < max_depth:
            open_to_replies.append(len(posts) - 1)
    return Thread(root=root, replies=tuple(posts[1:]))


def _check_size(value: object, name: str, *, minimum: int = 0) -> int:
    if isinstance(value, bool) or not isinstance(value, int) or value < minimum:
        raise InvalidArgument(f"{name}={value!r} must be an int of at least {minimum}")
    return value


def threads(
    *,
    max_depth: int = 4,
    max_size: int = 10,
    author_ids: st.SearchStrategy[AccountId] | None = None,
    texts: st.SearchStrategy[str] | None = None,
) -> st.SearchStrategy[Thread]:
    """Generate conversations: a root post and up to ``max_size`` replies under it.

    Each reply answers the root or an earlier reply that is less than
    ``max_depth`` levels down, and carries the
    :class:`~microblog_core.models.ReplyRef` the service would give it
    (:func:`~microblog_core.rules.threads.reply_ref_for`): the thread's root,
    its parent, the parent's author, and the addressee (a self-reply chain
    keeps addressing the original person). Ids increase in reply order, so
    a parent is always older than its replies, and ``created_at`` is the
    instant in each id. Authors come from a small pool by default, so
    conversations go back and forth and self-replies occur. Replies are not
    hidden.

    Shrinks toward a root with no replies; a thread that must have depth
    ``d`` shrinks to a single chain of ``d`` replies.

    Args:
        max_depth: How many levels of replies at most (0 means no replies).
        max_size: How many replies at most.
        author_ids: A strategy for the authors (default accounts 1 to 4).
        texts: A strategy for the texts (default short plain text, see :func:`posts`).

    Returns:
        A strategy of :class:`Thread` values.

    Raises:
        InvalidArgument: A bound is not a non-negative int, or an option is not a strategy.
    """
    _check_size(max_depth, "max_depth")
    _check_size(max_size, "max_size")
    if max_size > _MAX_THREAD_SIZE:
        raise InvalidArgument(f"max_size={max_size} is above {_MAX_THREAD_SIZE} replies")
    if author_ids is not None:
        _check_strategy(author_ids, "author_ids")
    people = account_ids(max_value=4) if author_ids is None else author_ids
    return _threads(
        max_depth, max_size, people, _post_bodies(_texts_or_default(texts), account_ids())
    )


# ``st.from_type(Thread)`` gives consistent threads (once this module is imported).
st.register_type_strategy(Thread, threads())


# --- follow graphs ---------------------------------------------------------------------


@st.composite
def _follow_graphs(
    draw: st.DrawFn, min_nodes: int, max_nodes: int, max_edges: int | None
) -> "FollowGraph":
    from microblog_core.sim.graphs import FollowGraph

    n = draw(st.integers(min_value=min_nodes, max_value=max_nodes))
    possible = n * (n - 1)
    most = possible if max_edges is None else min(max_edges, possible)
    if most == 0:
        return FollowGraph(n=n, edges=())
    # Each end shrinks on its own toward node 0; a drawn self-loop (a, a) becomes
    # (a, a + 1 mod n), so every draw is an edge and nothing is rejected.
    edges = draw(
        st.lists(
            st.tuples(st.integers(0, n - 1), st.integers(0, n - 1)).map(
                lambda pair: pair if pair[0] != pair[1] else (pair[0], (pair[0] + 1) % n)
            ),
            max_size=most,
            unique=True,
        )
    )
    return FollowGraph(n=n, edges=edges)


def follow_graphs(
    *,
    n: int | None = None,
    min_nodes: int = 1,
    max_nodes: int = 12,
    max_edges: int | None = None,
) -> st.SearchStrategy["FollowGraph"]:
    """Generate follower graphs (:class:`~microblog_core.sim.graphs.FollowGraph`).

    A graph has nodes ``0 .. n - 1`` and directed edges ``(a, b)``, "a
    follows b", with no self-follow and no duplicate, so every generated
    graph is one the constructor accepts. The node count is drawn first,
    then the edges as a list of distinct pairs.

    Shrinks toward fewer nodes and fewer edges: a graph that must, say, give
    one node three followers shrinks to four nodes and those three edges.

    Args:
        n: Exactly this many nodes (overrides ``min_nodes`` and ``max_nodes``).
        min_nodes: The fewest nodes (at least 1).
        max_nodes: The most nodes.
        max_edges: The most edges (default: any number up to ``n * (n - 1)``).

    Returns:
        A strategy of :class:`~microblog_core.sim.graphs.FollowGraph`.

    Raises:
        InvalidArgument: A bound is not an int, ``n`` or ``min_nodes`` is below 1,
            ``min_nodes > max_nodes``, or ``max_edges`` is negative.
    """
    if n is not None:
        min_nodes = max_nodes = _check_size(n, "n", minimum=1)
    _check_size(min_nodes, "min_nodes", minimum=1)
    _check_size(max_nodes, "max_nodes", minimum=1)
    if min_nodes > max_nodes:
        raise InvalidArgument(f"min_nodes={min_nodes} is greater than max_nodes={max_nodes}")
    if max_edges is not None:
        _check_size(max_edges, "max_edges")
    return _follow_graphs(min_nodes, max_nodes, max_edges)


# --- histories of use cases ------------------------------------------------------------
#
# A step names accounts and posts by *index*: account ``i`` is the one the i-th
# RegisterStep made, post ``j`` the one the j-th post-making step (PostStep,
# ReplyStep, QuoteStep, RepostStep) made. Indices do not depend on storage or
# on the ids a service hands out, so one history replays on any service.


@attrs.frozen(kw_only=True)
class RegisterStep:
    """Register an account (it becomes the next account index)."""

    handle: str
    locked: bool = False


@attrs.frozen(kw_only=True)
class FollowStep:
    """Account ``follower`` follows ``followee`` (or asks to, if it is locked)."""

    follower: int
    followee: int
    show_reposts: bool = True


@attrs.frozen(kw_only=True)
class UnfollowStep:
    """Account ``follower`` stops following ``followee``."""

    follower: int
    followee: int


@attrs.frozen(kw_only=True)
class ApproveStep:
    """Account ``account`` approves the follow request of ``follower``."""

    account: int
    follower: int


@attrs.frozen(kw_only=True)
class RejectStep:
    """Account ``account`` rejects the follow request of ``follower``."""

    account: int
    follower: int


@attrs.frozen(kw_only=True)
class BlockStep:
    """Account ``blocker`` blocks ``blocked``."""

    blocker: int
    blocked: int


@attrs.frozen(kw_only=True)
class UnblockStep:
    """Account ``blocker`` lifts its block of ``blocked``."""

    blocker: int
    blocked: int


@attrs.frozen(kw_only=True)
class MuteStep:
    """Account ``muter`` mutes ``muted``, for ``seconds`` from the step's time or for good."""

    muter: int
    muted: int
    seconds: int | None = None


@attrs.frozen(kw_only=True)
class UnmuteStep:
    """Account ``muter`` unmutes ``muted``."""

    muter: int
    muted: int


@attrs.frozen(kw_only=True)
class PostStep:
    """Account ``author`` publishes ``text`` (makes the next post index)."""

    author: int
    text: str
    visibility: Visibility = Visibility.PUBLIC


@attrs.frozen(kw_only=True)
class ReplyStep:
    """Account ``author`` replies to post ``post`` (makes the next post index)."""

    author: int
    post: int
    text: str


@attrs.frozen(kw_only=True)
class QuoteStep:
    """Account ``author`` quotes post ``post`` (makes the next post index)."""

    author: int
    post: int
    text: str


@attrs.frozen(kw_only=True)
class RepostStep:
    """Account ``account`` reposts post ``post``, maybe with a comment (makes the next post index).

    With a comment and ``also_comment``, the comment is also a reply (Weibo's ``is_comment``).
    """

    account: int
    post: int
    comment: str = ""
    also_comment: bool = False


@attrs.frozen(kw_only=True)
class UnrepostStep:
    """Account ``account`` withdraws its repost of post ``post``."""

    account: int
    post: int


@attrs.frozen(kw_only=True)
class LikeStep:
    """Account ``account`` likes post ``post``."""

    account: int
    post: int


@attrs.frozen(kw_only=True)
class UnlikeStep:
    """Account ``account`` withdraws its like of post ``post``."""

    account: int
    post: int


@attrs.frozen(kw_only=True)
class DeleteStep:
    """The author of post ``post`` deletes it."""

    post: int


Step = (
    RegisterStep
    | FollowStep
    | UnfollowStep
    | ApproveStep
    | RejectStep
    | BlockStep
    | UnblockStep
    | MuteStep
    | UnmuteStep
    | PostStep
    | ReplyStep
    | QuoteStep
    | RepostStep
    | UnrepostStep
    | LikeStep
    | UnlikeStep
    | DeleteStep
)
"""One use case of a history (any of the ``...Step`` classes).

:meta hide-value:
"""

STEP_TYPES: tuple[type, ...] = typing.get_args(Step)
"""Every step class (the members of :data:`Step`).

:meta hide-value:
"""

_POST_MAKING = (PostStep, ReplyStep, QuoteStep, RepostStep)
# The kinds a step is drawn as, in shrinking order; kinds that need a post fall
# back to a PostStep while there is none, and "register" to a post once every
# account exists.
_STEP_KINDS = (
    "post",
    "follow",
    "like",
    "reply",
    "repost",
    "quote",
    "unfollow",
    "approve",
    "reject",
    "block",
    "unblock",
    "mute",
    "unmute",
    "unlike",
    "unrepost",
    "delete",
    "register",
)
_NEEDS_A_POST = frozenset(("like", "reply", "repost", "quote", "unlike", "unrepost", "delete"))
_MUTE_SECONDS = st.none() | st.integers(min_value=1, max_value=600)


def _step(kind: str, *, a: int, b: int, p: int, text: str, flags: tuple[bool, bool]) -> Step:
    """Build a step of ``kind`` (not a registration, mute or post) from the shared draws."""
    flag, also = flags
    match kind:
        case "follow":
            return FollowStep(follower=a, followee=b, show_reposts=flag)
        case "unfollow":
            return UnfollowStep(follower=a, followee=b)
        case "approve":
            return ApproveStep(account=a, follower=b)
        case "reject":
            return RejectStep(account=a, follower=b)
        case "block":
            return BlockStep(blocker=a, blocked=b)
        case "unblock":
            return UnblockStep(blocker=a, blocked=b)
        case "unmute":
            return UnmuteStep(muter=a, muted=b)
        case "reply":
            return ReplyStep(author=a, post=p, text=text)
        case "quote":
            return QuoteStep(author=a, post=p, text=text)
        case "repost":
            return RepostStep(
                account=a, post=p, comment=text if flag else "", also_comment=flag and also
            )
        case "unrepost":
            return UnrepostStep(account=a, post=p)
        case "like":
            return LikeStep(account=a, post=p)
        case "unlike":
            return UnlikeStep(account=a, post=p)
        case _:
            return DeleteStep(post=p)


@st.composite
def _histories(
    draw: st.DrawFn,
    *,
    min_accounts: int,
    max_accounts: int,
    max_steps: int,
    policy: AccountPolicy,
    text_strategy: st.SearchStrategy[str],
    mentions: bool,
) -> tuple[Step, ...]:
    total = draw(st.integers(min_value=min_accounts, max_value=max_accounts))
    names = draw(
        st.lists(handles(policy=policy), min_size=total, max_size=total, unique_by=str.casefold)
    )
    locked = draw(st.lists(st.booleans(), min_size=total, max_size=total))
    steps: list[Step] = [
        RegisterStep(handle=names[i], locked=locked[i]) for i in range(min_accounts)
    ]
    # What kind each step is comes first, as a list of small values, then each
    # step's details, then its text: shrinking deletes whole steps easily this way
    # (it gets stuck on a list of wide elements). Indices are drawn raw and
    # reduced modulo what exists when the step comes: a step stays well-formed,
    # and mostly keeps its meaning, when steps before it are deleted.
    kinds = draw(st.lists(st.sampled_from(_STEP_KINDS), max_size=max_steps))
    accounts = min_accounts
    posts = 0
    for kind in kinds:
        a_raw, b_raw, p_raw, mention, visibility, flags, seconds = draw(
            st.tuples(
                st.integers(0, max_accounts - 1),  # the acting account
                st.integers(0, max_accounts - 2),  # another account
                st.integers(0, max_steps),  # a post
                st.integers(0, max_accounts),  # a mention: 0 for none
                st.sampled_from(Visibility),
                st.tuples(st.booleans(), st.booleans()),
                _MUTE_SECONDS,
            )
        )
        words = draw(text_strategy)
        a = a_raw % accounts
        b = b_raw % (accounts - 1)
        b += b >= a  # another account: nobody follows, blocks or mutes themselves
        p = p_raw % max(posts, 1)
        text = f"{words} @{names[(mention - 1) % accounts]}" if mention and mentions else words
        if kind == "register" and accounts < total:
            steps.append(RegisterStep(handle=names[accounts], locked=locked[accounts]))
            accounts += 1
            continue
        if kind == "mute":
            steps.append(MuteStep(muter=a, muted=b, seconds=seconds))
            continue
        if kind in ("post", "register") or (kind in _NEEDS_A_POST and posts == 0):
            step: Step = PostStep(author=a, text=text, visibility=visibility)
        else:
            step = _step(kind, a=a, b=b, p=p, text=text, flags=flags)
        steps.append(step)
        posts += isinstance(step, _POST_MAKING)
    return tuple(steps)


def histories(
    *,
    min_accounts: int = 2,
    max_accounts: int = 5,
    max_steps: int = 30,
    policy: AccountPolicy = TWITTER_ACCOUNTS,
    texts: st.SearchStrategy[str] | None = None,
) -> st.SearchStrategy[tuple[Step, ...]]:
    """Generate histories: well-formed sequences of use cases to :func:`replay` on a service.

    A history starts by registering ``min_accounts`` accounts, then takes up
    to ``max_steps`` steps among follows and their requests, blocks, mutes,
    posts, replies, quotes, reposts, likes, their withdrawals, deletions
    and further registrations (up to ``max_accounts``). Steps name accounts
    and posts by index (see :class:`RegisterStep` and :class:`PostStep`),
    and a history is *well-formed*: every index names an account or a post
    made by an earlier step, handles are unique (casefolded) and follow
    ``policy``, no step relates an account to itself, and texts come from
    ``texts`` (by default short plain text, valid under every length
    preset, sometimes followed by an ``@mention`` of an account of the
    history, which lets direct posts reach someone).

    Whether a step is *allowed* depends on what happened before (a block, a
    locked account, a deleted post, a followers-only post), so a history may
    hold steps the service refuses; :func:`replay` applies it and counts
    them. Every registration and every plain post is accepted.

    Shrinks toward fewer steps, each a public post by account 0, and toward
    ``min_accounts`` unlocked accounts with the shortest handles.

    Args:
        min_accounts: Accounts registered before the first step (at least 2).
        max_accounts: The most accounts a history registers.
        max_steps: The most steps after the first registrations.
        policy: The handle rules of the service the history is for.
        texts: A strategy for the texts of posts, replies, quotes and repost
            comments; it must give texts valid under the service's length
            policy (for example :func:`texts`).

    Returns:
        A strategy of tuples of steps (see :data:`Step`).

    Raises:
        InvalidArgument: A bound is not an int, ``min_accounts`` is below 2 or
            above ``max_accounts``, ``policy`` is not an AccountPolicy, or
            ``texts`` is not a strategy.
    """
    _check_size(min_accounts, "min_accounts", minimum=2)
    _check_size(max_accounts, "max_accounts", minimum=2)
    _check_size(max_steps, "max_steps")
    if min_accounts > max_accounts:
        raise InvalidArgument(
            f"min_accounts={min_accounts} is greater than max_accounts={max_accounts}"
        )
    if texts is not None:
        _check_strategy(texts, "texts")
    text_strategy = _plain_texts(min_size=1, max_size=20, blank=False) if texts is None else texts
    handles(policy=policy)  # checks the policy
    return _histories(
        min_accounts=min_accounts,
        max_accounts=max_accounts,
        max_steps=max_steps,
        policy=policy,
        text_strategy=text_strategy,
        mentions=texts is None,
    )


@attrs.frozen(kw_only=True)
class Replay:
    """What :func:`replay` did with a history.

    Attributes:
        accounts: The id of each account index (None if its registration was refused).
        posts: The id of each post index (None if the step that makes it was
            refused or skipped).
        applied: How many steps the service carried out.
        refused: ``(step index, error class name)`` for each step the service refused.
        skipped: The indices of steps that named an account or post an earlier
            refused step would have made; they were not attempted.
    """

    accounts: tuple[AccountId | None, ...]
    posts: tuple[PostId | None, ...]
    applied: int
    refused: tuple[tuple[int, str], ...]
    skipped: tuple[int, ...]


class _Skip(Exception):  # noqa: N818  # control flow, never raised to callers
    """A step names something a refused step would have made."""


_ACCOUNT_FIELDS: dict[type, tuple[str, ...]] = {
    cls: tuple(f.name for f in attrs.fields(cls) if f.type is int and f.name != "post")
    for cls in STEP_TYPES
}


def check_history(history: Iterable[Step]) -> tuple[Step, ...]:
    """Check that a history is well-formed, and return it as a tuple.

    Well-formed: every item is a step, and every account or post index it
    names is made by an earlier step. (Whether the service *allows* a step
    is for :func:`replay` to find out.)

    Args:
        history: The steps.

    Returns:
        The steps, as a tuple.

    Raises:
        ValidationError: ``history`` is not an iterable of steps, or a step names
            an index that no earlier step makes.
    """
    if isinstance(history, str | bytes) or not isinstance(history, Iterable):
        raise ValidationError(
            f"a history is an iterable of steps, got {type(history).__name__}",
            field="history",
            value=history,
        )
    steps = tuple(history)
    accounts = posts = 0
    for index, step in enumerate(steps):
        if not isinstance(step, STEP_TYPES):
            raise ValidationError(
                f"step {index} is {step!r}, not a step of microblog_core.testing.strategies",
                field="history",
                value=step,
            )
        named = [(name, getattr(step, name), accounts) for name in _ACCOUNT_FIELDS[type(step)]]
        if hasattr(step, "post"):
            named.append(("post", getattr(step, "post"), posts))  # noqa: B009
        for name, position, made in named:
            is_index = isinstance(position, int) and not isinstance(position, bool)
            if not is_index or not 0 <= position < made:
                what = "posts are made" if name == "post" else "accounts are registered"
                raise ValidationError(
                    f"step {index} ({type(step).__name__}) has {name}={position!r}, but only "
                    f"{made} {what} before it",
                    field=name,
                    value=position,
                )
        accounts += isinstance(step, RegisterStep)
        posts += isinstance(step, _POST_MAKING)
    return steps


# What the rules raise to refuse a use case; anything else (StorageError, a
# crash) is a bug and propagates.
_REFUSALS = (ValidationError, NotFoundError, PermissionDeniedError, ConflictError)


def replay(
    blog: "Microblog", history: Iterable[Step], *, tick: timedelta = timedelta(seconds=1)
) -> Replay:
    """Apply a history's steps to ``blog`` in order, skipping what the rules refuse.

    Each step runs one use case. When the service refuses it (a
    :class:`~microblog_core.errors.ValidationError`,
    :class:`~microblog_core.errors.NotFoundError`,
    :class:`~microblog_core.errors.PermissionDeniedError` or
    :class:`~microblog_core.errors.ConflictError`), the step is counted as
    refused and the history goes on; later steps that name what it would
    have made are skipped. Any other error propagates. A
    :class:`DeleteStep` is carried out by the post's author. If the
    service's clock is a :class:`~microblog_core.clock.ManualClock`, it moves
    ``tick`` forward before each step, so steps happen at distinct times and
    timed mutes can expire.

    Args:
        blog: The service, with no accounts whose handles the history uses.
        history: The steps, as :func:`histories` makes them.
        tick: How far a manual clock moves per step (zero to keep it still).

    Returns:
        What was applied, refused and skipped, and the ids made.

    Raises:
        ValidationError: ``history`` is not well-formed (see :func:`check_history`);
            nothing is applied then.

    Example:
        Bob is locked, so Ann's follow is only a request and she cannot see
        his followers-only post: her reply is refused, and Bob's like of
        that reply is skipped.

        >>> from microblog_core import ManualClock
        >>> from microblog_core.models import Visibility
        >>> from microblog_core.service import Microblog
        >>> from microblog_core.testing.strategies import (
        ...     DeleteStep,
        ...     FollowStep,
        ...     LikeStep,
        ...     PostStep,
        ...     RegisterStep,
        ...     ReplyStep,
        ...     replay,
        ... )
        >>> history = (
        ...     RegisterStep(handle="ann"),
        ...     RegisterStep(handle="bob", locked=True),
        ...     FollowStep(follower=0, followee=1),
        ...     PostStep(author=1, text="for followers", visibility=Visibility.PRIVATE),
        ...     ReplyStep(author=0, post=0, text="let me in"),
        ...     LikeStep(account=1, post=1),
        ...     DeleteStep(post=0),
        ... )
        >>> result = replay(Microblog.in_memory(clock=ManualClock()), history)
        >>> result.applied, result.refused, result.skipped
        (5, ((4, 'NotFoundError'),), (5,))
    """
    from microblog_core.clock import ManualClock

    if not isinstance(tick, timedelta):
        raise ValidationError(f"tick must be a timedelta, got {tick!r}", field="tick", value=tick)
    manual = blog.clock if isinstance(blog.clock, ManualClock) else None
    accounts: list[AccountId | None] = []
    posts: list[tuple[PostId, AccountId] | None] = []
    applied = 0
    refused: list[tuple[int, str]] = []
    skipped: list[int] = []
    for index, step in enumerate(check_history(history)):
        if manual is not None and tick:
            manual.advance(tick)
        makes_post = isinstance(step, _POST_MAKING)
        try:
            made = _apply(blog, step, accounts, posts)
        except _Skip:
            skipped.append(index)
            made = None
        except _REFUSALS as error:
            refused.append((index, type(error).__name__))
            made = None
        else:
            applied += 1
        if isinstance(step, RegisterStep):
            accounts.append(cast("AccountId | None", made))
        elif makes_post:
            posts.append(cast("tuple[PostId, AccountId] | None", made))
    return Replay(
        accounts=tuple(accounts),
        posts=tuple(None if p is None else p[0] for p in posts),
        applied=applied,
        refused=tuple(refused),
        skipped=tuple(skipped),
    )


def _apply(
    blog: "Microblog",
    step: Step,
    accounts: list[AccountId | None],
    posts: list[tuple[PostId, AccountId] | None],
) -> object:
    """Run one (checked) step; return the account id or (post id, author) it made, if any."""

    def account(name: str) -> AccountId:
        found: AccountId | None = accounts[getattr(step, name)]
        if found is None:
            raise _Skip
        return found

    def post() -> tuple[PostId, AccountId]:
        found: tuple[PostId, AccountId] | None = posts[getattr(step, "post")]  # noqa: B009
        if found is None:
            raise _Skip
        return found

    match step:
        case RegisterStep():
            return blog.register(step.handle, locked=step.locked).id
        case FollowStep():
            return blog.follow(
                account("follower"), account("followee"), show_reposts=step.show_reposts
            )
        case UnfollowStep():
            return blog.unfollow(account("follower"), account("followee"))
        case ApproveStep():
            return blog.approve_follow(account("account"), account("follower"))
        case RejectStep():
            return blog.reject_follow(account("account"), account("follower"))
        case BlockStep():
            return blog.block(account("blocker"), account("blocked"))
        case UnblockStep():
            return blog.unblock(account("blocker"), account("blocked"))
        case MuteStep():
            until = None if step.seconds is None else blog.now() + timedelta(seconds=step.seconds)
            return blog.mute(account("muter"), account("muted"), expires_at=until)
        case UnmuteStep():
            return blog.unmute(account("muter"), account("muted"))
        case PostStep():
            author = account("author")
            return blog.post(author, step.text, visibility=step.visibility).id, author
        case ReplyStep():
            author = account("author")
            return blog.reply(author, post()[0], step.text).id, author
        case QuoteStep():
            author = account("author")
            return blog.post(author, step.text, quote_of=post()[0]).id, author
        case RepostStep():
            author = account("account")
            shared = blog.repost(
                author, post()[0], comment=step.comment or None, also_comment=step.also_comment
            )
            return shared.id, author
        case UnrepostStep():
            return blog.unrepost(account("account"), post()[0])
        case LikeStep():
            return blog.like(account("account"), post()[0])
        case UnlikeStep():
            return blog.unlike(account("account"), post()[0])
        case _:
            post_id, author = post()
            return blog.delete_post(author, post_id)


# --- type registration -----------------------------------------------------------------


def _strategy_for_type(cls: Any) -> Any:
    """Return the strategy the Hypothesis plugin registers for ``cls``, or NotImplemented."""
    table: dict[Any, Callable[[], st.SearchStrategy[Any]]] = {
        Account: accounts,
        Post: posts,
        ReplyRef: reply_refs,
        RepostRef: repost_refs,
        ReplyGate: reply_gates,
        Media: media,
        Location: locations,
        Poll: polls,
        Follow: follows,
        FollowRequest: follow_requests,
        Block: blocks,
        Mute: mutes,
        Relationship: relationships,
        Like: likes,
        PostCounters: post_counters,
        AccountCounters: account_counters,
        AccountId: account_ids,
        PostId: post_ids,
    }
    factory = table.get(cls)
    if factory is not None:
        return factory()
    if cls in _EVENT_CLASSES:
        return events(types=(cls,))
    return NotImplemented
