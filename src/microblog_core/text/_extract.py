"""Entities in post text: URLs, mentions, lists, hashtags, cashtags and topics.

The ``TWITTER`` flavor reproduces twitter-text's extractor (``extract.yml``).
Each scanner is one regex pass whose candidates are then checked with O(1)
lookbehind rules, so extraction is linear in the text. A scan keeps
upstream's regex semantics: a match consumes the character before its sigil,
so that character cannot also precede the next entity.
"""

import enum
import re
from collections.abc import Iterable
from operator import attrgetter
from typing import cast

import attrs
import regex

from microblog_core import _checks
from microblog_core.errors import ValidationError
from microblog_core.text._chars import (
    ASCII_PUNCT,
    DIRECTIONAL,
    HASHTAG_LETTERS,
    HASHTAG_LETTERS_NUMERALS,
    LATIN_ACCENTS,
    SPACES,
)
from microblog_core.text._offsets import codepoint_to_utf8, codepoint_to_utf16
from microblog_core.text._urls import find_urls

__all__ = [
    "Entity",
    "EntityKind",
    "Flavor",
    "extract",
    "fediverse_mentions",
    "is_valid_hashtag",
    "is_valid_list",
    "is_valid_username",
    "kind_set",
    "remove_overlaps",
    "reply_target",
]


class EntityKind(enum.StrEnum):
    """What an :class:`Entity` is."""

    URL = "url"
    """A link, with or without ``http(s)://``."""
    MENTION = "mention"
    """``@user``, or ``@user@domain`` for an account on another server."""
    LIST = "list"
    """``@user/list-slug`` (a Twitter list)."""
    HASHTAG = "hashtag"
    """``#tag``."""
    CASHTAG = "cashtag"
    """``$TICKER``."""
    TOPIC = "topic"
    """``#话题#``: a Weibo topic, closed by a second hash sign."""


class Flavor(enum.StrEnum):
    """Which network's entity syntax :func:`extract` follows."""

    DEFAULT = "default"
    """twitter-text's rules, plus fediverse mentions (``@user@example.social``)
    and Weibo topics written with hashtag characters only (``#话题#``)."""
    TWITTER = "twitter"
    """Exactly twitter-text's rules (its conformance suite passes)."""
    WEIBO = "weibo"
    """Weibo's entities, namely URLs, ``@昵称`` mentions (letters, digits, ``_`` and ``-``, any
    script, up to 30) and ``#话题#`` topics (any text up to 64 characters)."""


def _kind(kind: object) -> EntityKind:
    try:
        return EntityKind(kind)  # type: ignore[arg-type]  # a bad kind is reported below
    except ValueError:
        names = ", ".join(repr(k.value) for k in EntityKind)
        raise ValidationError(
            f"unknown entity kind {_checks.quote(kind)}; use one of {names}",
            field="kind",
            value=kind,
        ) from None


def _check_offset(instance: object, attribute: "attrs.Attribute[int]", value: int) -> None:
    del instance
    if isinstance(value, bool) or not isinstance(value, int) or value < 0:
        raise ValidationError(
            f"entity {attribute.name} must be a non-negative integer, got {_checks.quote(value)}",
            field=attribute.name,
            value=value,
        )


@attrs.frozen
class Entity:
    """One entity found in a text.

    ``start`` and ``end`` are code point offsets into the text (``end``
    exclusive), so ``text[entity.start:entity.end] == entity.text``. Use
    :meth:`utf16_span` for twitter-text/JavaScript offsets and :meth:`utf8_span`
    for Bluesky facets.

    Attributes:
        kind: What the entity is.
        text: The entity as written, sigils included (``"@alice"``, ``"#tag"``).
        start: Code point offset of its first character.
        end: Code point offset just past its last character.
        display_url: For a URL built from API data: the text to show.
        expanded_url: For a URL built from API data: where it really leads.
    """

    kind: EntityKind = attrs.field(converter=_kind)
    text: str
    start: int = attrs.field(validator=_check_offset)
    end: int = attrs.field(validator=_check_offset)
    display_url: str | None = None
    expanded_url: str | None = None

    def __attrs_post_init__(self) -> None:
        if self.end - self.start != len(self.text):
            raise ValidationError(
                f"entity span [{self.start}, {self.end}) does not fit its text "
                f"{_checks.quote(self.text)} "
                f"({len(self.text)} code points)",
                field="end",
                value=self.end,
            )

    @property
    def username(self) -> str | None:
        """The account name of a mention or list, without ``@`` and domain."""
        if self.kind is EntityKind.MENTION:
            return self.text[1:].split("@", 1)[0].split("\uff20", 1)[0]
        if self.kind is EntityKind.LIST:
            return self.text[1:].split("/", 1)[0]
        return None

    @property
    def domain(self) -> str | None:
        """The server of a fediverse mention (``@user@domain``), else None."""
        if self.kind is not EntityKind.MENTION:
            return None
        rest = self.text[1:]
        for at in ("@", "\uff20"):
            if at in rest:
                return rest.split(at, 1)[1]
        return None

    @property
    def slug(self) -> str | None:
        """The list name of a list entity (without ``/``), else None."""
        if self.kind is EntityKind.LIST:
            return self.text.split("/", 1)[1]
        return None

    @property
    def tag(self) -> str | None:
        """The tag of a hashtag, cashtag or topic, without its sigils, else None."""
        if self.kind is EntityKind.TOPIC:
            return self.text[1:-1]
        if self.kind in (EntityKind.HASHTAG, EntityKind.CASHTAG):
            return self.text[1:]
        return None

    @property
    def url(self) -> str | None:
        """The URL of a URL entity (as written), else None."""
        return self.text if self.kind is EntityKind.URL else None

    @property
    def span(self) -> tuple[int, int]:
        """``(start, end)`` in code points."""
        return (self.start, self.end)

    def _check_text(self, text: str) -> None:
        if text[self.start : self.end] != self.text:
            raise ValidationError(
                f"the entity {_checks.quote(self.text)} is not at [{self.start}, "
                f"{self.end}) of the given text",
                field="text",
                value=text,
            )

    def utf16_span(self, text: str) -> tuple[int, int]:
        """The span in UTF-16 code units, as twitter-text's JavaScript counts.

        Args:
            text: The text the entity was extracted from.

        Returns:
            ``(start, end)`` in UTF-16 code units.

        Raises:
            ValidationError: The entity is not at its span in ``text``.
        """
        self._check_text(text)
        start = codepoint_to_utf16(text, self.start)
        return (start, start + codepoint_to_utf16(self.text, len(self.text)))

    def utf8_span(self, text: str) -> tuple[int, int]:
        """The span in UTF-8 bytes, as Bluesky facets (``byteStart``/``byteEnd``) use.

        Args:
            text: The text the entity was extracted from.

        Returns:
            ``(start, end)`` in bytes.

        Raises:
            ValidationError: The entity is not at its span in ``text``.
        """
        self._check_text(text)
        start = codepoint_to_utf8(text, self.start)
        return (start, start + codepoint_to_utf8(self.text, len(self.text)))


_new = object.__new__
_ENTITY_SETTERS = tuple(getattr(Entity, field.name).__set__ for field in attrs.fields(Entity))
"""The setters of an entity's slots, in field order (for :func:`_found`)."""


def _found(kind: EntityKind, text: str, start: int, end: int) -> Entity:
    """Build an :class:`Entity` a scanner found, without running its field checks again.

    A scanner passes an :class:`EntityKind`, non-negative offsets and
    ``text == source[start:end]``, so what the converter, the validators and
    the span check of :class:`Entity` would verify holds by construction;
    skipping them makes extraction about a third cheaper. Only the scanners
    of this module call it (``tests/text/test_extract_fast_paths.py`` checks
    that what they build equals a checked ``Entity``).
    """
    entity = _new(Entity)
    # Each slot's own setter: what object.__setattr__ ends in, without
    # looking the name up on the class first.
    set_kind, set_text, set_start, set_end, set_display, set_expanded = _ENTITY_SETTERS
    set_kind(entity, kind)
    set_text(entity, text)
    set_start(entity, start)
    set_end(entity, end)
    set_display(entity, None)
    set_expanded(entity, None)
    return entity


# --- hashtags and topics ---------------------------------------------------

_LN = HASHTAG_LETTERS_NUMERALS
# A hash sign that may start a hashtag: not a keycap or emoji "#", and not
# followed by white space or ASCII punctuation other than "_".
_HASH_START_RE = re.compile(r"#(?![\ufe0f\u20e3\s!-/:-@\[-^`{-~])")
_LN_RUN_RE = regex.compile(rf"[{_LN}]++")
_LN_RE = regex.compile(rf"[{_LN}]")
_LETTER_RE = regex.compile(rf"[{HASHTAG_LETTERS}]")
# The ASCII characters of the three classes above are [A-Za-z0-9_] and
# [A-Za-z]: a hashtag of ASCII is matched with ``re``, which answers a short
# match several times faster than ``regex`` (``tests/text`` compares).
_ASCII_LN_RUN_RE = re.compile(r"[A-Za-z0-9_]++")
_ASCII_LETTER_RE = re.compile(r"[A-Za-z]")
_MAX_TOPIC = 64


def _hash_boundary_ok(text: str, sign: int, consumed: int) -> bool:
    """Upstream ``hashtagBoundary``: start of text, VS15/VS16, or not a tag character or ``&``."""
    if sign == 0:
        return True
    before = sign - 1
    if before < consumed:
        return False
    char = text[before]
    if char.isascii():  # an ASCII tag character is a letter, a digit or "_"
        return not (char.isalnum() or char == "_") and char != "&"
    return char in "\ufe0e\ufe0f" or _LN_RE.match(char) is None


def _hashtags(text: str, *, topics: bool) -> list[Entity]:
    """Hashtags by twitter-text's rules; with ``topics``, ``#tag#`` is a topic."""
    if "#" not in text and "\uff03" not in text:
        return []
    found: list[Entity] = []
    consumed = 0
    # Search a copy with every full-width sign made "#": a literal is found
    # fastest, and offsets stay the same.
    scan = text.replace("\uff03", "#") if "\uff03" in text else text
    size = len(text)
    for start in _HASH_START_RE.finditer(scan):
        sign = start.start()
        ascii_body = _ASCII_LN_RUN_RE.match(text, sign + 1)
        if ascii_body is not None and (
            ascii_body.end() == size or text[ascii_body.end()].isascii()
        ):
            # The run ends where the full class's run ends: at the text's end
            # or at an ASCII character that is not a tag character.
            end = ascii_body.end()
            has_letter = _ASCII_LETTER_RE.search(text, sign + 1, end) is not None
        else:
            body = _LN_RUN_RE.match(text, sign + 1)
            if body is None:
                continue
            end = body.end()
            has_letter = _LETTER_RE.search(text, sign + 1, end) is not None
        if not _hash_boundary_ok(text, sign, consumed):
            continue
        if not has_letter:
            continue
        if topics and end < len(text) and text[end] in "#\uff03" and end - sign - 1 <= _MAX_TOPIC:
            found.append(_found(EntityKind.TOPIC, text[sign : end + 1], sign, end + 1))
            consumed = end + 1
            continue
        consumed = end
        after = text[end : end + 3]
        if after[:1] in ("#", "\uff03") or after == "://":
            continue
        found.append(_found(EntityKind.HASHTAG, text[sign:end], sign, end))
    return found


_WEIBO_TOPIC_RE = re.compile(rf"[#\uff03]([^#\uff03\r\n]{{1,{_MAX_TOPIC}}}?)[#\uff03]")


def _weibo_topics(text: str) -> list[Entity]:
    found: list[Entity] = []
    position = 0
    while True:
        match = _WEIBO_TOPIC_RE.search(text, position)
        if match is None:
            return found
        if match.group(1).strip():
            found.append(_found(EntityKind.TOPIC, match.group(), match.start(), match.end()))
            position = match.end()
        else:
            position = match.start() + 1


# --- mentions and lists --------------------------------------------------------

# Searched in a copy where every full-width at sign is "@" (a literal is
# found fastest; the offsets are the same).
_MENTION_CANDIDATE_RE = re.compile(r"@([A-Za-z0-9_]{1,20})(/[A-Za-z][A-Za-z0-9_\-]{0,24})?")
_MENTION_BAD_BEFORE = frozenset(
    "abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789_!#$%&*@\uff20"
)
_RT_BAD_BEFORE = frozenset("abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789_+~.-")
_END_MENTION_RE = re.compile(rf"[@\uff20{LATIN_ACCENTS}]|://")
_DOMAIN_LABEL = r"[\p{L}\p{N}](?:[\p{L}\p{N}\-]{0,61}[\p{L}\p{N}])?"
_FEDIVERSE_RE = regex.compile(
    rf"[@\uff20]([A-Za-z0-9_](?:[A-Za-z0-9_.\-]{{0,62}}[A-Za-z0-9_])?)"
    rf"[@\uff20]({_DOMAIN_LABEL}(?:\.{_DOMAIN_LABEL})++)"
)
_AFTER_DOMAIN_RE = regex.compile(
    rf"[\p{{L}}\p{{N}}\-_@\uff20{LATIN_ACCENTS}]|\.[\p{{L}}\p{{N}}]|://"
)


def _mention_preceding_ok(text: str, at: int, consumed: int) -> bool:
    """Upstream ``validMentionPrecedingChars``, including the ``RT:`` forms."""
    if at == 0:
        return True
    if at - 1 >= consumed and text[at - 1] not in _MENTION_BAD_BEFORE:
        return True
    for width in (3, 2):
        start = at - width
        if start < consumed or start < 0:
            continue
        if width == 3 and text[at - 1] != ":":
            continue
        if text[start : start + 2] not in ("RT", "rt", "Rt", "rT"):
            continue
        if start == 0 or (start - 1 >= consumed and text[start - 1] not in _RT_BAD_BEFORE):
            return True
    return False


def _mentions(text: str, *, fediverse: bool) -> list[Entity]:
    if "@" not in text and "\uff20" not in text:
        return []
    found: list[Entity] = []
    consumed = 0
    position = 0
    scan = text.replace("\uff20", "@") if "\uff20" in text else text
    # A fediverse mention holds two at signs: with fewer, none can match.
    fediverse = fediverse and scan.count("@") >= 2
    while True:
        candidate = _MENTION_CANDIDATE_RE.search(scan, position)
        if candidate is None:
            return found
        at, end = candidate.span()
        position = end
        if not _mention_preceding_ok(text, at, consumed):
            continue
        if fediverse:
            remote = _FEDIVERSE_RE.match(text, at)
            if remote and _AFTER_DOMAIN_RE.match(text, remote.end()) is None:
                found.append(_found(EntityKind.MENTION, remote.group(), at, remote.end()))
                consumed = position = remote.end()
                continue
        consumed = end
        if _END_MENTION_RE.match(text, end):
            continue
        kind = EntityKind.LIST if candidate.group(2) else EntityKind.MENTION
        found.append(_found(kind, text[at:end], at, end))


_WEIBO_MENTION_RE = regex.compile(r"(?<![\p{L}\p{M}\p{N}_])[@\uff20][\p{L}\p{M}\p{N}_\-]{1,30}+")
_WEIBO_NAME_CHAR_RE = regex.compile(r"[\p{L}\p{M}\p{N}_\-]")


def _weibo_mentions(text: str) -> list[Entity]:
    return [
        _found(EntityKind.MENTION, match.group(), match.start(), match.end())
        for match in _WEIBO_MENTION_RE.finditer(text)
        if _WEIBO_NAME_CHAR_RE.match(text, match.end()) is None
    ]


def fediverse_mentions(text: str) -> list[tuple[int, int, int]]:
    """The ``@user@domain`` mentions of ``text`` (default flavor).

    Returns:
        ``(start, local_end, end)`` for each: ``text[start:local_end]`` is the
        ``@user`` part, ``text[start:end]`` the whole mention.
    """
    spans: list[tuple[int, int, int]] = []
    if text.count("@") + text.count("\uff20") < 2:
        return spans  # each of them has two at signs
    for entity in _mentions(text, fediverse=True):
        if entity.kind is EntityKind.MENTION and entity.domain is not None:
            local_end = entity.start + 1 + len(entity.username or "")
            spans.append((entity.start, local_end, entity.end))
    return spans


# --- cashtags -------------------------------------------------------------------

_CASHTAG_RE = re.compile(
    rf"(?:^|(?<=[{SPACES}{DIRECTIONAL}]))\$[A-Za-z]{{1,6}}(?:[._][A-Za-z]{{1,2}})?"
    rf"(?=\Z|\s|[{ASCII_PUNCT}])"
)


def _cashtags(text: str) -> list[Entity]:
    if "$" not in text:
        return []
    return [
        _found(EntityKind.CASHTAG, match.group(), match.start(), match.end())
        for match in _CASHTAG_RE.finditer(text)
    ]


# --- URLs and the whole extraction ---------------------------------------------------


def _urls(text: str, *, require_protocol: bool) -> list[Entity]:
    return [
        _found(EntityKind.URL, text[start:end], start, end)
        for start, end, _scheme in find_urls(text, require_protocol=require_protocol)
    ]


def remove_overlaps(entities: Iterable[Entity]) -> tuple[Entity, ...]:
    """Sort entities by start and drop each one that overlaps an earlier kept one.

    This is upstream's ``removeOverlappingEntities``.

    Args:
        entities: Entities of one text, in any order.

    Returns:
        The kept entities, ordered by ``start``.

    Raises:
        ValidationError: ``entities`` is not a collection of entities.
    """
    items = _checks.iterable(entities, "entities", "entities")
    for item in items:
        _checks.instance(item, Entity, "entities")
    return _without_overlaps(cast("list[Entity]", list(items)))


_START = attrgetter("start")


def _without_overlaps(entities: list[Entity]) -> tuple[Entity, ...]:
    """:func:`remove_overlaps` of entities the scanners built (no argument checks)."""
    if len(entities) < 2:
        return tuple(entities)
    kept: list[Entity] = []
    end = 0
    for entity in sorted(entities, key=_START):
        if entity.start >= end:
            kept.append(entity)
            end = entity.end
    return tuple(kept)


def extract(
    text: str,
    *,
    flavor: Flavor | str = Flavor.DEFAULT,
    kinds: Iterable[EntityKind | str] | None = None,
    urls_without_scheme: bool = True,
) -> tuple[Entity, ...]:
    """Find the entities of ``text``, ordered by position and never overlapping.

    Runs in time linear in ``len(text)`` for any input.

    Args:
        text: The post text.
        flavor: Whose syntax to follow; see :class:`Flavor`. Use
            ``Flavor.TWITTER`` for exact twitter-text behaviour.
        kinds: Only return these kinds (overlaps are resolved among all kinds
            first, as twitter-text's ``extractEntitiesWithIndices`` does).
        urls_without_scheme: Also find URLs without ``http(s)://`` such as
            ``example.com/path`` (twitter-text does; its autolinker does not).

    Returns:
        The entities, sorted by ``start``.

    Raises:
        ValidationError: ``text`` is not a string, or ``flavor`` or a kind is unknown.

    Example:
        >>> [(e.kind.value, e.text) for e in extract("hi @bob, see #news at example.com")]
        [('mention', '@bob'), ('hashtag', '#news'), ('url', 'example.com')]
    """
    if not isinstance(text, str):
        raise ValidationError(
            f"text must be a str, got {type(text).__name__}", field="text", value=text
        )
    chosen = flavor if flavor.__class__ is Flavor else _flavor(flavor)
    wanted = None if kinds is None else kind_set(kinds)
    found = _urls(text, require_protocol=not urls_without_scheme)
    if chosen is Flavor.WEIBO:
        found += _weibo_topics(text)
        found += _weibo_mentions(text)
    else:
        found += _hashtags(text, topics=chosen is Flavor.DEFAULT)
        found += _mentions(text, fediverse=chosen is Flavor.DEFAULT)
        found += _cashtags(text)
    entities = _without_overlaps(found)
    if wanted is not None:
        entities = tuple(entity for entity in entities if entity.kind in wanted)
    return entities


def _flavor(flavor: Flavor | str) -> Flavor:
    try:
        return Flavor(flavor)
    except ValueError:
        names = ", ".join(repr(f.value) for f in Flavor)
        raise ValidationError(
            f"unknown flavor {_checks.quote(flavor)}; use one of {names}",
            field="flavor",
            value=flavor,
        ) from None


def kind_set(kinds: Iterable[EntityKind | str]) -> frozenset[EntityKind]:
    """The entity kinds named by ``kinds``.

    Raises:
        ValidationError: ``kinds`` is not a collection, or a name is not an
            :class:`EntityKind`.
    """
    if kinds.__class__ is frozenset:
        # Callers pass the same few constant sets on every call: remember the
        # ones made of kinds only (at most one per subset of EntityKind). A
        # set found equal to one is answered with the one remembered.
        known = _KIND_SETS.get(kinds)
        if known is not None:
            return known
        if all(kind.__class__ is EntityKind for kind in kinds):
            checked = cast("frozenset[EntityKind]", kinds)
            _KIND_SETS[checked] = checked
            return checked
    return frozenset(map(_kind, _checks.iterable(kinds, "kinds", "entity kinds")))


_KIND_SETS: dict[frozenset[object], frozenset[EntityKind]] = {}
"""The frozensets :func:`kind_set` has found to hold kinds only, each by itself."""


# --- reply target and validators ---------------------------------------------------

_REPLY_RE = re.compile(rf"[{SPACES}{DIRECTIONAL}]*+[@\uff20]([A-Za-z0-9_]{{1,20}})")


def reply_target(text: str, *, flavor: Flavor | str = Flavor.DEFAULT) -> str | None:
    """The account a post replies to: its leading mention, as twitter-text defines it.

    Args:
        text: The post text.
        flavor: With the default flavor a leading ``@user@domain`` gives
            ``"user@domain"``; ``Flavor.TWITTER`` follows twitter-text exactly.

    Returns:
        The username (without ``@``), or None when the text does not start
        (after white space and direction marks) with a mention.

    Example:
        >>> reply_target("  @alice thanks!"), reply_target("thanks @alice")
        ('alice', None)
    """
    if not isinstance(text, str):
        raise ValidationError(
            f"text must be a str, got {type(text).__name__}", field="text", value=text
        )
    match = _REPLY_RE.match(text)
    if match is None:
        return None
    if _flavor(flavor) is not Flavor.TWITTER:
        remote = _FEDIVERSE_RE.match(text, match.start(1) - 1)
        if remote and _AFTER_DOMAIN_RE.match(text, remote.end()) is None:
            return f"{remote.group(1)}@{remote.group(2)}"
    if _END_MENTION_RE.match(text, match.end()):
        return None
    return match.group(1)


def is_valid_username(text: str) -> bool:
    """Whether ``text`` is exactly one ``@username`` (twitter-text ``isValidUsername``).

    Example:
        >>> is_valid_username("@alice_1"), is_valid_username("@alice-1")
        (True, False)
    """
    if not isinstance(text, str) or not text:
        return False
    found = extract(text, flavor=Flavor.TWITTER, kinds=[EntityKind.MENTION])
    return len(found) == 1 and found[0].text == text


_LIST_RE = re.compile(r"[@\uff20][A-Za-z0-9_]{1,20}/[A-Za-z][A-Za-z0-9_\-]{0,24}")


def is_valid_list(text: str) -> bool:
    """Whether ``text`` is exactly one ``@user/list`` (twitter-text ``isValidList``).

    Example:
        >>> is_valid_list("@alice/friends"), is_valid_list("@alice/")
        (True, False)
    """
    return isinstance(text, str) and _LIST_RE.fullmatch(text) is not None


def is_valid_hashtag(text: str) -> bool:
    """Whether ``text`` is exactly one ``#hashtag`` (twitter-text ``isValidHashtag``).

    Example:
        >>> is_valid_hashtag("#1st"), is_valid_hashtag("#12345")
        (True, False)
    """
    if not isinstance(text, str) or not text:
        return False
    found = extract(text, flavor=Flavor.TWITTER, kinds=[EntityKind.HASHTAG])
    return len(found) == 1 and found[0].text == text
