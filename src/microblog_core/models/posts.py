"""Posts, reposts, replies, quotes and their attachments."""

import enum
from collections.abc import Callable, Iterable
from datetime import datetime
from typing import Any, ClassVar

import attrs
from attrs import field, frozen

from microblog_core import _checks
from microblog_core.errors import ValidationError
from microblog_core.ids import MAX_ID, AccountId, PostId
from microblog_core.models._checks import (
    check_aware,
    check_bool,
    check_id,
    check_ids,
    check_instance,
    check_language,
    check_optional_id,
    check_str,
    is_id,
    is_language,
    is_stored_text,
    is_utc,
    to_tuple,
    to_utc,
)

__all__ = [
    "MAX_MEDIA",
    "Attachment",
    "Location",
    "Media",
    "MediaKind",
    "Poll",
    "Post",
    "QuotePolicy",
    "ReplyAudience",
    "ReplyGate",
    "ReplyRef",
    "RepostRef",
    "Visibility",
]

MAX_MEDIA = 4
"""Media attachments per post (Twitter, Mastodon and Bluesky all allow four images)."""


class Visibility(enum.Enum):
    """Who may see a post. Values are Mastodon's API names."""

    PUBLIC = "public"
    """Everyone, and it appears in public timelines."""
    UNLISTED = "unlisted"
    """Everyone who looks, but kept out of public timelines and hashtag search."""
    PRIVATE = "private"
    """Followers only (and mentioned accounts)."""
    DIRECT = "direct"
    """Mentioned accounts only."""
    FOLLOWERS = "private"  # noqa: PIE796  # an alias: the name people use for PRIVATE

    @property
    def rank(self) -> int:
        """Openness, 0 (direct) to 3 (public); a repost may not widen it."""
        return _VISIBILITY_RANK[self]

    @staticmethod
    def narrowest(a: "Visibility", b: "Visibility") -> "Visibility":
        """Return the more restricted of two visibilities."""
        return a if a.rank <= b.rank else b


_VISIBILITY_RANK = {
    Visibility.DIRECT: 0,
    Visibility.PRIVATE: 1,
    Visibility.UNLISTED: 2,
    Visibility.PUBLIC: 3,
}


class ReplyAudience(enum.Enum):
    """Who a reply gate lets in, besides the author (Bluesky threadgate rules)."""

    FOLLOWERS = "followers"
    """Accounts that follow the author."""
    FOLLOWING = "following"
    """Accounts the author follows."""
    MENTIONED = "mentioned"
    """Accounts mentioned in the post."""


def _to_audiences(value: Iterable[ReplyAudience] | None) -> tuple[ReplyAudience, ...] | None:
    if value is None:
        return None
    if isinstance(value, str):
        return value  # the validator reports it
    try:
        unique = set(value)
    except TypeError:
        return value  # type: ignore[return-value]  # not iterable: the validator reports it
    return tuple(sorted(unique, key=lambda a: a.value if isinstance(a, ReplyAudience) else str(a)))


def _check_audiences(
    instance: object, attribute: object, value: tuple[ReplyAudience, ...] | None
) -> None:
    if value is None:
        return
    if not isinstance(value, tuple) or not all(isinstance(a, ReplyAudience) for a in value):
        raise ValidationError(
            "a reply gate allows a collection of ReplyAudience values, or None for anyone",
            field="allow",
            value=value,
        )


@frozen(kw_only=True)
class ReplyGate:
    """Who may reply to a post.

    ``allow=None`` lets anyone reply; an empty collection lets nobody but the
    author reply; otherwise the union of the listed audiences may reply
    (Bluesky's threadgate; Twitter's "who can reply").

    Attributes:
        allow: The audiences let in, or None for anyone.
    """

    allow: tuple[ReplyAudience, ...] | None = field(
        default=None, converter=_to_audiences, validator=_check_audiences
    )

    ANYONE: ClassVar["ReplyGate"]
    NOBODY: ClassVar["ReplyGate"]

    @property
    def is_open(self) -> bool:
        """Whether anyone may reply."""
        return self.allow is None


ReplyGate.ANYONE = ReplyGate()
ReplyGate.NOBODY = ReplyGate(allow=())


class QuotePolicy(enum.Enum):
    """Who may quote a post (Mastodon's quote approval policy; Bluesky's postgate)."""

    ANYONE = "public"
    """Anyone who can see the post."""
    FOLLOWERS = "followers"
    """The author's followers."""
    NOBODY = "nobody"
    """Only the author."""


@frozen(kw_only=True)
class ReplyRef:
    """Where a reply sits in its thread.

    Attributes:
        root_id: The thread's first post (never itself a reply).
        parent_id: The post replied to (the root for a direct reply).
        parent_author_id: The author of the parent.
        addressee_id: The account the reply addresses: the parent's author,
            except that a self-reply chain keeps addressing the original person.
    """

    root_id: PostId = field(validator=check_id)
    parent_id: PostId = field(validator=check_id)
    parent_author_id: AccountId = field(validator=check_id)
    addressee_id: AccountId = field(validator=check_id)

    @classmethod
    def _quick(
        cls,
        *,
        root_id: PostId,
        parent_id: PostId,
        parent_author_id: AccountId,
        addressee_id: AccountId,
    ) -> "ReplyRef":
        """Build ``ReplyRef(**fields)`` with the ids checked inline: what readers build.

        Private to the library's readers (:mod:`microblog_core.interop` and the
        SQL row readers), like :meth:`Post._quick`: an id the quick check does
        not vouch for goes through the checked constructor, which refuses it
        with its own error.
        """
        if not (
            is_id(root_id) and is_id(parent_id) and is_id(parent_author_id) and is_id(addressee_id)
        ):
            return cls(
                root_id=root_id,
                parent_id=parent_id,
                parent_author_id=parent_author_id,
                addressee_id=addressee_id,
            )
        ref: ReplyRef = _new(cls)
        _set(ref, "root_id", root_id)
        _set(ref, "parent_id", parent_id)
        _set(ref, "parent_author_id", parent_author_id)
        _set(ref, "addressee_id", addressee_id)
        ref.__attrs_post_init__()
        return ref

    def __attrs_post_init__(self) -> None:
        if self.parent_id < self.root_id:
            raise ValidationError(
                f"a reply's parent ({self.parent_id}) cannot be older than its root "
                f"({self.root_id})",
                field="parent_id",
                value=self.parent_id,
            )


@frozen(kw_only=True)
class RepostRef:
    """What a repost shares.

    A repost of a repost is a repost of the root; ``via`` keeps the repost it
    came through, so that cascades keep their parent links.

    Attributes:
        root_id: The original post shared.
        root_author_id: The original post's author.
        via_id: The repost this one came through, or None when straight from the root.
        via_author_id: The author of ``via_id``.
    """

    root_id: PostId = field(validator=check_id)
    root_author_id: AccountId = field(validator=check_id)
    via_id: PostId | None = field(default=None, validator=check_optional_id)
    via_author_id: AccountId | None = field(default=None, validator=check_optional_id)

    @classmethod
    def _quick(
        cls,
        *,
        root_id: PostId,
        root_author_id: AccountId,
        via_id: PostId | None = None,
        via_author_id: AccountId | None = None,
    ) -> "RepostRef":
        """Build ``RepostRef(**fields)`` with the ids checked inline: what readers build.

        Private to the library's readers (:mod:`microblog_core.interop` and the
        SQL row readers), like :meth:`Post._quick`: an id the quick check does
        not vouch for goes through the checked constructor, which refuses it
        with its own error.
        """
        if not (
            is_id(root_id)
            and is_id(root_author_id)
            and (via_id is None or is_id(via_id))
            and (via_author_id is None or is_id(via_author_id))
        ):
            return cls(
                root_id=root_id,
                root_author_id=root_author_id,
                via_id=via_id,
                via_author_id=via_author_id,
            )
        ref: RepostRef = _new(cls)
        _set(ref, "root_id", root_id)
        _set(ref, "root_author_id", root_author_id)
        _set(ref, "via_id", via_id)
        _set(ref, "via_author_id", via_author_id)
        ref.__attrs_post_init__()
        return ref

    def __attrs_post_init__(self) -> None:
        if (self.via_id is None) != (self.via_author_id is None):
            raise ValidationError(
                "via_id and via_author_id are given together or not at all",
                field="via_author_id",
                value=self.via_author_id,
            )
        if self.via_id is not None and self.via_id <= self.root_id:
            raise ValidationError(
                f"the repost a repost came through ({self.via_id}) must be newer than the root "
                f"({self.root_id})",
                field="via_id",
                value=self.via_id,
            )


class MediaKind(enum.Enum):
    """The kind of a media attachment."""

    IMAGE = "image"
    VIDEO = "video"
    GIFV = "gifv"
    AUDIO = "audio"


def _check_positive_optional(instance: Any, attribute: Any, value: Any) -> None:
    if value is not None and (isinstance(value, bool) or not isinstance(value, int) or value <= 0):
        name = getattr(attribute, "name", "value")
        raise ValidationError(f"{name} must be a positive integer", field=name, value=value)


@frozen(kw_only=True)
class Media:
    """An image, video, GIF or audio file attached to a post.

    Attributes:
        kind: The kind of media.
        url: Where the file is.
        description: Alt text (at most 1,500 characters, as Mastodon allows).
        width: Pixels across, if known.
        height: Pixels down, if known.
    """

    MAX_DESCRIPTION: ClassVar[int] = 1500

    kind: MediaKind = field(validator=check_instance(MediaKind))
    url: str = field(validator=check_str)
    description: str = field(default="", validator=check_str)
    width: int | None = field(default=None, validator=_check_positive_optional)
    height: int | None = field(default=None, validator=_check_positive_optional)

    def __attrs_post_init__(self) -> None:
        if not self.url.strip():
            raise ValidationError("a media attachment needs a url", field="url", value=self.url)
        if len(self.description) > self.MAX_DESCRIPTION:
            raise ValidationError(
                f"alt text is {len(self.description)} characters; the limit is "
                f"{self.MAX_DESCRIPTION}",
                field="description",
                value=len(self.description),
            )


def _check_coordinate(limit: float) -> Callable[[Any, Any, Any], None]:
    def check(instance: Any, attribute: Any, value: Any) -> None:
        name = getattr(attribute, "name", "coordinate")
        if (
            isinstance(value, bool)
            or not isinstance(value, int | float)
            or not -limit <= value <= limit
        ):
            raise ValidationError(
                f"{name} must be a number between {-limit} and {limit}", field=name, value=value
            )

    return check


@frozen(kw_only=True)
class Location:
    """A place attached to a post.

    Attributes:
        latitude: Degrees north, -90 to 90.
        longitude: Degrees east, -180 to 180.
        name: A human-readable place name.
    """

    latitude: float = field(validator=_check_coordinate(90.0))
    longitude: float = field(validator=_check_coordinate(180.0))
    name: str = field(default="", validator=check_str)


@frozen(kw_only=True)
class Poll:
    """A poll attached to a post (Mastodon's limits: 2 to 4 options of at most 50 characters).

    Attributes:
        options: The choices, in order; unique and non-blank.
        expires_at: When voting closes (aware UTC).
        multiple: Whether a voter may choose several options.
        hide_totals: Whether the counts stay hidden until the poll ends
            (Mastodon's ``hide_totals``; the author always sees them).
    """

    MAX_OPTIONS: ClassVar[int] = 4
    MAX_OPTION_LENGTH: ClassVar[int] = 50

    options: tuple[str, ...] = field(converter=to_tuple)
    expires_at: datetime = field(converter=to_utc, validator=check_aware)
    multiple: bool = field(default=False, validator=check_bool)
    hide_totals: bool = field(default=False, validator=check_bool)

    def __attrs_post_init__(self) -> None:
        options = self.options
        if not isinstance(options, tuple) or not all(isinstance(o, str) for o in options):
            raise ValidationError("poll options must be strings", field="options", value=options)
        if not 2 <= len(options) <= self.MAX_OPTIONS:
            raise ValidationError(
                f"a poll has 2 to {self.MAX_OPTIONS} options, got {len(options)}",
                field="options",
                value=options,
            )
        for option in options:
            if not option.strip() or len(option) > self.MAX_OPTION_LENGTH:
                raise ValidationError(
                    f"each poll option must be 1 to {self.MAX_OPTION_LENGTH} characters and not "
                    f"blank, got {_checks.quote(option)}",
                    field="options",
                    value=option,
                )
        if len(set(options)) != len(options):
            raise ValidationError("poll options must differ", field="options", value=options)


Attachment = Media | Location | Poll
"""What a post may carry besides its text."""


def _check_attachments(instance: Any, attribute: Any, value: Any) -> None:
    if value.__class__ is tuple and not value:
        return  # most posts carry nothing: no rule to check
    if not isinstance(value, tuple) or not all(
        isinstance(a, Media | Location | Poll) for a in value
    ):
        raise ValidationError(
            "attachments must be Media, Location or Poll values", field="attachments", value=value
        )
    media = sum(isinstance(a, Media) for a in value)
    polls = sum(isinstance(a, Poll) for a in value)
    places = sum(isinstance(a, Location) for a in value)
    if media > MAX_MEDIA:
        raise ValidationError(
            f"a post carries at most {MAX_MEDIA} media, got {media}",
            field="attachments",
            value=media,
        )
    if polls > 1 or places > 1:
        raise ValidationError(
            "a post carries at most one poll and one location", field="attachments", value=value
        )
    if polls and media:
        raise ValidationError(
            "a post carries either a poll or media, not both", field="attachments", value=value
        )


def _to_tags(value: Any) -> Any:
    if isinstance(value, str):
        return value  # the validator reports it
    seen: dict[str, None] = {}
    try:
        for tag in value:
            seen.setdefault(tag.casefold() if isinstance(tag, str) else tag, None)
    except TypeError:
        return value  # not iterable, or unhashable items: the validator reports it
    return tuple(seen)


def _check_tags(instance: Any, attribute: Any, value: Any) -> None:
    if not isinstance(value, tuple) or not all(isinstance(t, str) and t for t in value):
        raise ValidationError(
            "tags must be non-empty strings (without '#')", field="tags", value=value
        )


_check_visibility = check_instance(Visibility)
_check_reply_gate = check_instance(ReplyGate)
_check_quote_policy = check_instance(QuotePolicy)
_new = object.__new__
_set = object.__setattr__


@frozen(kw_only=True)
class Post:
    """A post: an original, a reply, a quote, or a repost (with an optional comment).

    Attributes:
        id: The post's id (time-sortable).
        author_id: Who wrote or reposted it.
        created_at: When (aware UTC).
        text: The text; for a repost, its comment (Weibo repost-with-comment), else empty.
        visibility: Who may see it.
        reply_to: Where it sits in a thread, for a reply.
        repost_of: What it shares, for a repost.
        quote_of: The post it embeds, for a quote.
        language: A language tag such as ``en`` or ``zh``.
        content_warning: Text shown before the post (Mastodon's spoiler text).
        attachments: Media, a poll, a location.
        mentions: Accounts mentioned in the text, in order of first mention.
        tags: Hashtags in the text, casefolded, without ``#``, in order of first use.
        reply_gate: Who may reply.
        quote_policy: Who may quote.
        hidden: Whether the thread's author hid this reply.
    """

    id: PostId = field(validator=check_id)
    author_id: AccountId = field(validator=check_id)
    created_at: datetime = field(converter=to_utc, validator=check_aware)
    text: str = field(default="", validator=check_str)
    visibility: Visibility = field(default=Visibility.PUBLIC, validator=_check_visibility)
    reply_to: ReplyRef | None = field(
        default=None, validator=check_instance((ReplyRef, type(None)))
    )
    repost_of: RepostRef | None = field(
        default=None, validator=check_instance((RepostRef, type(None)))
    )
    quote_of: PostId | None = field(default=None, validator=check_optional_id)
    language: str | None = field(default=None, validator=check_language)
    content_warning: str = field(default="", validator=check_str)
    attachments: tuple[Attachment, ...] = field(
        default=(), converter=to_tuple, validator=_check_attachments
    )
    mentions: tuple[AccountId, ...] = field(default=(), converter=to_tuple, validator=check_ids)
    tags: tuple[str, ...] = field(default=(), converter=_to_tags, validator=_check_tags)
    reply_gate: ReplyGate = field(default=ReplyGate.ANYONE, validator=_check_reply_gate)
    quote_policy: QuotePolicy = field(default=QuotePolicy.ANYONE, validator=_check_quote_policy)
    hidden: bool = field(default=False, validator=check_bool)

    def __attrs_post_init__(self) -> None:
        if self.repost_of is not None:
            self._check_repost(self.repost_of)
        elif not self.text.strip() and not self.attachments:
            raise ValidationError(
                "a post needs text or an attachment", field="text", value=self.text
            )
        if self.reply_to is not None and self.reply_to.parent_id >= self.id:
            raise ValidationError(
                f"a reply ({self.id}) must be newer than its parent ({self.reply_to.parent_id})",
                field="reply_to",
                value=self.reply_to,
            )
        if self.quote_of is not None and self.quote_of >= self.id:
            raise ValidationError(
                f"a quote ({self.id}) must be newer than the post it quotes ({self.quote_of})",
                field="quote_of",
                value=self.quote_of,
            )
        if self.hidden and self.reply_to is None:
            raise ValidationError(
                "only a reply can be hidden by a thread's author", field="hidden", value=True
            )

    def _check_repost(self, ref: RepostRef) -> None:
        if self.reply_to is not None or self.quote_of is not None:
            raise ValidationError(
                "a repost is neither a reply nor a quote; to comment and reply at once, "
                "repost with also_comment",
                field="repost_of",
                value=ref,
            )
        if self.attachments or self.content_warning:
            raise ValidationError(
                "a repost carries only a comment, not attachments or a content warning",
                field="attachments" if self.attachments else "content_warning",
                value=self.attachments or self.content_warning,
            )
        if ref.root_id >= self.id or (ref.via_id is not None and ref.via_id >= self.id):
            raise ValidationError(
                f"a repost ({self.id}) must be newer than what it shares ({ref.root_id})",
                field="repost_of",
                value=ref,
            )

    @classmethod
    def create(
        cls,
        *,
        id: PostId,
        author_id: AccountId,
        created_at: datetime,
        text: str,
        visibility: Visibility = Visibility.PUBLIC,
        reply_to: ReplyRef | None = None,
        quote_of: PostId | None = None,
        language: str | None = None,
        content_warning: str = "",
        attachments: Iterable[Attachment] = (),
        mentions: Iterable[AccountId] = (),
        tags: Iterable[str] = (),
        reply_gate: ReplyGate = ReplyGate.ANYONE,
        quote_policy: QuotePolicy = QuotePolicy.ANYONE,
    ) -> "Post":
        """Build an original post, a reply or a quote.

        Raises:
            ValidationError: An invariant is broken (no text and no attachment, a
                reply older than its parent, too many media...).
        """
        return cls(
            id=id,
            author_id=author_id,
            created_at=created_at,
            text=text,
            visibility=visibility,
            reply_to=reply_to,
            quote_of=quote_of,
            language=language,
            content_warning=content_warning,
            attachments=tuple(attachments),
            mentions=tuple(mentions),
            tags=tuple(tags),
            reply_gate=reply_gate,
            quote_policy=quote_policy,
        )

    @classmethod
    def create_repost(
        cls,
        *,
        id: PostId,
        author_id: AccountId,
        created_at: datetime,
        of: RepostRef,
        visibility: Visibility = Visibility.PUBLIC,
        comment: str = "",
        mentions: Iterable[AccountId] = (),
        tags: Iterable[str] = (),
    ) -> "Post":
        """Build a repost of ``of.root_id``, with an optional Weibo-style comment.

        Raises:
            ValidationError: An invariant is broken.
        """
        return cls(
            id=id,
            author_id=author_id,
            created_at=created_at,
            text=comment,
            visibility=visibility,
            repost_of=of,
            mentions=tuple(mentions),
            tags=tuple(tags),
        )

    @classmethod
    def _quick(
        cls,
        *,
        id: PostId,
        author_id: AccountId,
        created_at: datetime,
        text: str = "",
        visibility: Visibility = Visibility.PUBLIC,
        reply_to: ReplyRef | None = None,
        repost_of: RepostRef | None = None,
        quote_of: PostId | None = None,
        language: str | None = None,
        content_warning: str = "",
        attachments: Iterable[Attachment] = (),
        mentions: Iterable[AccountId] = (),
        tags: Iterable[str] = (),
        reply_gate: ReplyGate = ReplyGate.ANYONE,
        quote_policy: QuotePolicy = QuotePolicy.ANYONE,
    ) -> "Post":
        """Build ``Post(**fields)`` with the common case checked inline: what readers build.

        Private to :mod:`microblog_core.interop` (its readers build every post
        here, millions per archive). Nothing is trusted: each field passes a
        quick check that implies its validator (and converter) would accept it
        unchanged, then the invariants between fields
        (``__attrs_post_init__``) run. A field the quick checks do not vouch
        for sends the whole call through the checked constructor, so a bad
        value is refused with the very error ``Post(**fields)`` raises
        (``tests/foundation/test_models_posts.py`` proves both).
        """
        media = attachments if attachments.__class__ is tuple else to_tuple(attachments)
        named = mentions if mentions.__class__ is tuple else to_tuple(mentions)
        folded = () if tags == () else _to_tags(tags)
        if not (
            is_id(id)
            and is_id(author_id)
            and is_utc(created_at)
            and is_stored_text(text)
            and visibility.__class__ is Visibility
            and (reply_to is None or reply_to.__class__ is ReplyRef)
            and (repost_of is None or repost_of.__class__ is RepostRef)
            and (quote_of is None or is_id(quote_of))
            and is_language(language)
            and (content_warning == "" or is_stored_text(content_warning))
            and reply_gate.__class__ is ReplyGate
            and quote_policy.__class__ is QuotePolicy
            and (media == () or _passes(_check_attachments, media))
            and (named == () or _are_ids(named))
            and (folded == () or _passes(_check_tags, folded))
        ):
            return cls(
                id=id,
                author_id=author_id,
                created_at=created_at,
                text=text,
                visibility=visibility,
                reply_to=reply_to,
                repost_of=repost_of,
                quote_of=quote_of,
                language=language,
                content_warning=content_warning,
                attachments=media,
                mentions=named,
                tags=folded,
                reply_gate=reply_gate,
                quote_policy=quote_policy,
            )
        post: Post = _new(cls)
        return _fill(
            post,
            id,
            author_id,
            created_at,
            text,
            visibility,
            reply_to,
            repost_of,
            quote_of,
            language,
            content_warning,
            media,
            named,
            folded,
            reply_gate,
            quote_policy,
            False,
        )

    @classmethod
    def _from_service(
        cls,
        *,
        id: PostId,
        author_id: AccountId,
        created_at: datetime,
        text: str,
        mentions: tuple[AccountId, ...],
        tags: tuple[str, ...],
        visibility: Visibility = Visibility.PUBLIC,
        reply_to: ReplyRef | None = None,
        repost_of: RepostRef | None = None,
        quote_of: PostId | None = None,
        language: str | None = None,
        content_warning: str = "",
        attachments: Iterable[Attachment] = (),
        reply_gate: ReplyGate = ReplyGate.ANYONE,
        quote_policy: QuotePolicy = QuotePolicy.ANYONE,
    ) -> "Post":
        """Build a post the service assembled, checking again only what its caller gave.

        Private to :class:`~microblog_core.service.Microblog` (its import path
        builds every post here). The service made ``id`` (its generator),
        ``author_id`` (a loaded account), ``created_at`` (its clock, through
        :func:`~microblog_core.clock.ensure_utc`), ``text`` (measured valid:
        a str with no lone surrogate), ``mentions`` (loaded accounts, no
        repeats), ``tags`` (casefolded, non-empty, no repeats) and the
        references (built from loaded posts); their converters and validators
        would only confirm that, so they are skipped. Every other field runs
        its converter and validator, and the invariants between fields
        (``__attrs_post_init__``) are checked: the result equals
        ``Post(**fields)``, and what ``Post(**fields)`` refuses among the
        caller's fields is refused alike (``tests/foundation/test_models_posts.py``).
        """
        post: Post = _new(cls)
        named = _FIELDS
        _check_visibility(post, named.visibility, visibility)
        check_language(post, named.language, language)
        check_str(post, named.content_warning, content_warning)
        media = attachments if attachments.__class__ is tuple else to_tuple(attachments)
        _check_attachments(post, named.attachments, media)
        _check_reply_gate(post, named.reply_gate, reply_gate)
        _check_quote_policy(post, named.quote_policy, quote_policy)
        return _fill(
            post,
            id,
            author_id,
            created_at,
            text,
            visibility,
            reply_to,
            repost_of,
            quote_of,
            language,
            content_warning,
            media,
            mentions,
            tags,
            reply_gate,
            quote_policy,
            False,
        )

    @classmethod
    def _from_store(  # noqa: PLR0917  # one positional parameter per field, in field order
        cls,
        id: PostId,
        author_id: AccountId,
        created_at: datetime,
        text: str,
        visibility: Visibility,
        reply_to: ReplyRef | None,
        repost_of: RepostRef | None,
        quote_of: PostId | None,
        language: str | None,
        content_warning: str,
        attachments: tuple[Attachment, ...],
        mentions: tuple[AccountId, ...],
        tags: tuple[str, ...],
        reply_gate: ReplyGate,
        quote_policy: QuotePolicy,
        hidden: bool,
    ) -> "Post":
        """Build a post read back from a store's row, checking only what the reader did not make.

        Private to the storage adapters' row conversion
        (:func:`microblog_core.storage._rows.post_from_row`), which makes
        ``created_at`` (aware UTC, from integer microseconds), ``visibility``,
        ``quote_policy`` and ``reply_gate`` (looked up from stored values),
        ``reply_to`` and ``repost_of`` (as their checked constructors build them),
        ``attachments`` (a tuple of checked values), ``mentions`` and ``tags``
        (tuples) and ``hidden`` (a bool); their converters and validators
        would only confirm that, so they are skipped. Everything a stored
        value could still get wrong is checked as ``Post(**fields)`` checks it
        -- ids in range, valid text, the language tag, mentions, tags (and
        their canonical form), attachments -- and so are the invariants
        between fields: the result equals ``Post(**fields)``, and what that
        refuses is refused alike (``tests/storage/test_rows.py``).

        Raises:
            ValidationError: A field or an invariant is wrong.
        """
        post: Post = _new(cls)
        named = _FIELDS
        # Inline the common case of each check; the validator itself raises otherwise.
        if id.__class__ is not int or not 0 < id <= MAX_ID:
            check_id(post, named.id, id)
        if author_id.__class__ is not int or not 0 < author_id <= MAX_ID:
            check_id(post, named.author_id, author_id)
        if quote_of is not None:
            check_id(post, named.quote_of, quote_of)
        if text.__class__ is not str or not text.isascii():
            check_str(post, named.text, text)
        if content_warning.__class__ is not str or not content_warning.isascii():
            check_str(post, named.content_warning, content_warning)
        if language is not None:
            check_language(post, named.language, language)
        if attachments:
            _check_attachments(post, named.attachments, attachments)
        if mentions:
            check_ids(post, named.mentions, mentions)
        if tags:
            # Canonical already, as the service stores them (a tuple of non-empty casefolded
            # strings, none repeated): the converter would return them unchanged and the
            # validator pass them. Otherwise both run.
            canonical = tags.__class__ is tuple
            if canonical:
                for tag in tags:
                    if tag.__class__ is not str or not tag or tag.casefold() != tag:
                        canonical = False
                        break
                else:
                    canonical = len(tags) == 1 or len(set(tags)) == len(tags)
            if not canonical:
                tags = _to_tags(tags)
                _check_tags(post, named.tags, tags)
        return _fill(
            post,
            id,
            author_id,
            created_at,
            text,
            visibility,
            reply_to,
            repost_of,
            quote_of,
            language,
            content_warning,
            attachments,
            mentions,
            tags,
            reply_gate,
            quote_policy,
            hidden,
        )

    @property
    def is_reply(self) -> bool:
        """Whether the post replies to another."""
        return self.reply_to is not None

    @property
    def is_repost(self) -> bool:
        """Whether the post shares another."""
        return self.repost_of is not None

    @property
    def is_quote(self) -> bool:
        """Whether the post embeds another."""
        return self.quote_of is not None

    @property
    def root_id(self) -> PostId:
        """The post a timeline shows (the shared original for a repost, else the post itself)."""
        ref = self.repost_of
        return self.id if ref is None else ref.root_id

    @property
    def thread_root_id(self) -> PostId:
        """The first post of the thread this post belongs to (itself when not a reply)."""
        ref = self.reply_to
        return self.id if ref is None else ref.root_id


def _fill(  # noqa: PLR0917  # one positional parameter per field, in field order
    post: Post,
    id: PostId,
    author_id: AccountId,
    created_at: datetime,
    text: str,
    visibility: Visibility,
    reply_to: ReplyRef | None,
    repost_of: RepostRef | None,
    quote_of: PostId | None,
    language: str | None,
    content_warning: str,
    attachments: tuple[Attachment, ...],
    mentions: tuple[AccountId, ...],
    tags: tuple[str, ...],
    reply_gate: ReplyGate,
    quote_policy: QuotePolicy,
    hidden: bool,
) -> Post:
    """Set every field of an unset ``post`` whose fields were checked, then its invariants.

    The one place the trusted constructors (``Post._quick``,
    ``Post._from_service``, ``Post._from_store``) write a post's fields, in
    field order; the checks between fields still run. Each field is written
    through its slot's own descriptor, which is what ``object.__setattr__``
    finds after looking the name up (a home page builds dozens of posts).
    """
    _set_id(post, id)
    _set_author_id(post, author_id)
    _set_created_at(post, created_at)
    _set_text(post, text)
    _set_visibility(post, visibility)
    _set_reply_to(post, reply_to)
    _set_repost_of(post, repost_of)
    _set_quote_of(post, quote_of)
    _set_language(post, language)
    _set_content_warning(post, content_warning)
    _set_attachments(post, attachments)
    _set_mentions(post, mentions)
    _set_tags(post, tags)
    _set_reply_gate(post, reply_gate)
    _set_quote_policy(post, quote_policy)
    _set_hidden(post, hidden)
    post.__attrs_post_init__()
    return post


_FIELDS = attrs.fields(Post)

# The slots' descriptors' setters, for _fill (a frozen class's own __setattr__ refuses).
_set_id: Callable[[Post, Any], None] = Post.__dict__["id"].__set__
_set_author_id: Callable[[Post, Any], None] = Post.__dict__["author_id"].__set__
_set_created_at: Callable[[Post, Any], None] = Post.__dict__["created_at"].__set__
_set_text: Callable[[Post, Any], None] = Post.__dict__["text"].__set__
_set_visibility: Callable[[Post, Any], None] = Post.__dict__["visibility"].__set__
_set_reply_to: Callable[[Post, Any], None] = Post.__dict__["reply_to"].__set__
_set_repost_of: Callable[[Post, Any], None] = Post.__dict__["repost_of"].__set__
_set_quote_of: Callable[[Post, Any], None] = Post.__dict__["quote_of"].__set__
_set_language: Callable[[Post, Any], None] = Post.__dict__["language"].__set__
_set_content_warning: Callable[[Post, Any], None] = Post.__dict__["content_warning"].__set__
_set_attachments: Callable[[Post, Any], None] = Post.__dict__["attachments"].__set__
_set_mentions: Callable[[Post, Any], None] = Post.__dict__["mentions"].__set__
_set_tags: Callable[[Post, Any], None] = Post.__dict__["tags"].__set__
_set_reply_gate: Callable[[Post, Any], None] = Post.__dict__["reply_gate"].__set__
_set_quote_policy: Callable[[Post, Any], None] = Post.__dict__["quote_policy"].__set__
_set_hidden: Callable[[Post, Any], None] = Post.__dict__["hidden"].__set__


def _passes(check: Callable[[Any, Any, Any], None], value: object) -> bool:
    try:
        check(None, None, value)
    except ValidationError:
        return False
    return True


def _are_ids(value: tuple[object, ...]) -> bool:
    # Not a tuple (the converter leaves what it cannot convert): the checked
    # constructor refuses it with its own error.
    return (
        value.__class__ is tuple
        and all(is_id(item) for item in value)
        and len(set(value)) == len(value)
    )
