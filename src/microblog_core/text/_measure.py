"""Measuring a post under a :class:`~microblog_core.text.LengthPolicy`.

The total comes from whole-string operations (``str.isascii``, regex
substitution counts, one URL scan, one emoji scan) so that measuring is fast
and linear; the per-unit walk that twitter-text's ``parseTweet`` does runs
only when it is needed (a text that is too long or has an invalid character,
a folded Weibo post, or :attr:`Measurement.parts`), and stops at the limit.
"""

import enum
import re
from collections.abc import Iterator, Sequence
from operator import itemgetter
from typing import Final

import attrs
import regex

from microblog_core.errors import InvalidTextError, TextTooLongError, ValidationError
from microblog_core.text._chars import INVALID, INVALID_CHARACTERS, SURROGATES
from microblog_core.text._emoji import emoji_re, may_have_sequences, multi_code_point_emoji
from microblog_core.text._extract import fediverse_mentions
from microblog_core.text._offsets import utf8_length, utf16_length
from microblog_core.text._policy import TWITTER_V3, LengthPolicy, Unit
from microblog_core.text._urls import find_urls

__all__ = ["Measurement", "Part", "PartKind", "Reason", "check_text", "is_valid_text", "measure"]


class PartKind(enum.StrEnum):
    """What a :class:`Part` of a measured text is."""

    TEXT = "text"
    """A run of ordinary text, counted unit by unit."""
    URL = "url"
    """A URL, at the policy's URL price."""
    EMOJI = "emoji"
    """One emoji sequence, at the policy's emoji price."""
    MENTION = "mention"
    """A fediverse ``@user@domain`` counted as ``@user``."""
    CONTENT_WARNING = "content_warning"
    """The content warning, when the policy counts it."""


class Reason(enum.StrEnum):
    """Why a text is invalid."""

    EMPTY = "empty"
    """It has no length at all."""
    INVALID_CHARACTER = "invalid_character"
    """It contains U+FFFE, U+FEFF, U+FFFF or a lone surrogate."""
    TOO_LONG = "too_long"
    """It is longer than the policy's limit."""
    TOO_MANY_BYTES = "too_many_bytes"
    """Its UTF-8 encoding is larger than the policy's byte cap."""


@attrs.frozen
class Part:
    """What one piece of a measured text costs.

    Attributes:
        kind: What the piece is.
        span: ``(start, end)`` code point offsets into :attr:`Measurement.text`
            (into the content warning for a ``CONTENT_WARNING`` part).
        text: The piece itself.
        cost: Its weight in the policy's scaled units; ``cost / policy.scale``
            is its share of the length.
    """

    kind: PartKind
    span: tuple[int, int]
    text: str
    cost: int


_DESCRIBED_PARTS: Final = 50
_INVALID_RE: Final = re.compile(f"[{INVALID}{SURROGATES}]")
_INVALID_CHARS: Final = tuple(sorted(INVALID_CHARACTERS))
_GRAPHEME_RE: Final = regex.compile(r"\X")
_NOT_LATIN1_RE: Final = re.compile("[^\x00-\xff]+")


def _utf16_units(text: str) -> tuple[int, bool]:
    """``text``'s length in UTF-16 units, and whether it holds a lone surrogate.

    A strict UTF-16 encoding fails exactly on a lone surrogate: one pass in C
    answers both in the common case.
    """
    try:
        return len(text.encode("utf-16-le")) // 2, False
    except UnicodeEncodeError:
        return utf16_length(text), True


def _first_invalid(text: str, *, surrogates: bool | None = None) -> int | None:
    """Where ``text``'s first invalid character or lone surrogate is (None: nowhere).

    The answer of ``_INVALID_RE.search``, three times faster on long
    non-ASCII text (a Weibo repost chain): without a lone surrogate (a strict
    encoding tells, or the caller's ``surrogates`` when it knows),
    ``str.find`` looks for the three invalid characters in C.
    """
    if surrogates is None:
        surrogates = _utf16_units(text)[1]
    if surrogates:
        match = _INVALID_RE.search(text)
        return None if match is None else match.start()
    at = [i for i in map(text.find, _INVALID_CHARS) if i >= 0]
    return min(at) if at else None


# (start, end, kind, cost) of a URL, emoji or mention that has its own price.
_Special = tuple[int, int, PartKind, int]


def _char_class(ranges: list[tuple[int, int]]) -> str:
    return "".join(f"\\U{start:08x}-\\U{end:08x}" for start, end in ranges)


class _Plan:
    """What :func:`measure` precomputes once per policy."""

    __slots__ = (
        "additive",
        "ascii_weight",
        "counters",
        "emoji_single_exact",
        "limit_weight",
        "pieces",
        "policy",
        "weights",
    )

    def __init__(self, policy: LengthPolicy) -> None:
        self.policy = policy
        self.limit_weight = policy.limit * policy.scale
        default = policy.default_weight
        by_weight: dict[int, list[tuple[int, int]]] = {}
        for weighted in policy.ranges:
            if weighted.weight != default:
                by_weight.setdefault(weighted.weight, []).append((weighted.start, weighted.end))
        # Each counter counts the characters of one weight class: by what
        # stripping the class removes, or by what stripping the rest keeps.
        # A regex scan is cheap inside runs it matches and dear at each
        # character it skips, so strip the class the text has most of.
        self.counters = [
            (
                weight - default,
                re.compile(f"[{_char_class(spans)}]+"),
                re.compile(f"[^{_char_class(spans)}]+"),
            )
            for weight, spans in by_weight.items()
        ]
        ascii_weights = {policy.weight_of(chr(code)) for code in range(128)}
        self.ascii_weight = ascii_weights.pop() if len(ascii_weights) == 1 else -1
        self.weights = sorted((r.start, r.end, r.weight) for r in policy.ranges)
        self.emoji_single_exact = self._single_emoji_cost_unchanged()
        # Grapheme clusters are not additive: a cluster may span a boundary.
        self.additive = policy.unit is not Unit.GRAPHEMES
        self.pieces: dict[str, int] = {}

    def _single_emoji_cost_unchanged(self) -> bool:
        """Whether every one-code-point emoji already weighs ``emoji_weight``.

        Then only multi-code-point sequences change the total, and a text
        without any sequence joiner, selector, modifier, regional indicator
        or tag needs no emoji scan at all.
        """
        policy = self.policy
        if policy.emoji_weight is None:
            return True
        if policy.unit is Unit.WEIBO_BYTES or policy.default_weight != policy.emoji_weight:
            return False
        single = regex.compile(r"(?![\xa9\xae])\p{Extended_Pictographic}")
        for start, end, weight in self.weights:
            if weight != policy.emoji_weight:
                chars = "".join(map(chr, range(start, min(end, 0x10FFFF) + 1)))
                if single.search(chars):
                    return False
        return True

    def weight(self, char: str) -> int:
        """The weight of one unit of ordinary text."""
        policy = self.policy
        if policy.unit is Unit.GRAPHEMES:
            return policy.default_weight
        if policy.unit is Unit.WEIBO_BYTES:
            if policy.collapse_crlf and char == "\r\n":
                return 1
            return policy.weight_of(char)
        if policy.unit is Unit.CODE_POINTS:
            return policy.default_weight
        code = ord(char)
        for start, end, weight in self.weights:
            if start <= code <= end:
                return weight
        return policy.default_weight

    def base(self, text: str, *, mostly_default: bool = False, utf16: int = -1) -> int:
        """The weight of ``text`` counted as ordinary text (no URL, emoji or mention prices).

        ``mostly_default`` hints that most characters weigh the default (an
        emoji-heavy text under Twitter's ranges), which picks the faster count.
        ``utf16`` is the text's length in UTF-16 units when the caller knows it.
        """
        policy = self.policy
        unit = policy.unit
        if unit is Unit.WEIGHTED_CODE_POINTS:
            if self.ascii_weight >= 0 and text.isascii():
                return len(text) * self.ascii_weight
            size = len(text)
            total = size * policy.default_weight
            for delta, strip_class, strip_others in self.counters:
                if mostly_default:
                    total += delta * len(strip_others.sub("", text))
                else:
                    total += delta * (size - len(strip_class.sub("", text)))
            return total
        if unit is Unit.CODE_POINTS:
            return len(text) * policy.default_weight
        if unit is Unit.GRAPHEMES:
            if text.isascii():
                # "\r" in text is a fast scan; counting a two-character needle is not.
                clusters = len(text) - (text.count("\r\n") if "\r" in text else 0)
            else:
                clusters = len(_GRAPHEME_RE.findall(text))
            return clusters * policy.default_weight
        # WEIBO_BYTES: Latin-1 code units weigh 1, every other code unit default_weight.
        if text.isascii() or _NOT_LATIN1_RE.search(text) is None:
            latin1 = len(text)
            units = latin1
        else:
            # Encoding drops every code point above U+00FF in C: the Latin-1 count.
            latin1 = len(text.encode("latin-1", "ignore"))
            units = utf16 if utf16 >= 0 else utf16_length(text)
        total = latin1 + (units - latin1) * policy.default_weight
        if policy.collapse_crlf and "\r" in text:
            total -= text.count("\r\n")
        return total

    def piece_base(self, piece: str) -> int:
        """:meth:`base` of a short piece (a URL, an emoji), cached: they repeat."""
        if piece.isascii() and self.ascii_weight >= 0:
            return len(piece) * self.ascii_weight
        weight = self.pieces.get(piece)
        if weight is None:
            if len(self.pieces) >= 4096:
                self.pieces.clear()
            weight = self.pieces[piece] = self.base(piece)
        return weight

    def units(self, text: str, start: int, end: int) -> Iterator[tuple[int, int, int]]:
        """Yield ``(start, end, weight)`` for each unit of ordinary text in ``text[start:end]``."""
        unit = self.policy.unit
        if unit is Unit.GRAPHEMES:
            weight = self.policy.default_weight
            for match in _GRAPHEME_RE.finditer(text, start, end):
                yield match.start(), match.end(), weight
            return
        crlf = unit is Unit.WEIBO_BYTES and self.policy.collapse_crlf
        position = start
        while position < end:
            if crlf and text.startswith("\r\n", position) and position + 1 < end:
                yield position, position + 2, 1
                position += 2
                continue
            yield position, position + 1, self.weight(text[position])
            position += 1


_PLANS: dict[int, tuple[LengthPolicy, _Plan]] = {}


def _plan(policy: LengthPolicy) -> _Plan:
    # Keyed by identity (hashing a policy hashes all its fields); the entry
    # keeps the policy alive so its id cannot be reused by another object.
    entry = _PLANS.get(id(policy))
    if entry is not None and entry[0] is policy:
        return entry[1]
    if not isinstance(policy, LengthPolicy):
        raise ValidationError(
            f"policy must be a LengthPolicy, got {type(policy).__name__}",
            field="policy",
            value=policy,
        )
    plan = _Plan(policy)
    if len(_PLANS) > 256:
        _PLANS.clear()
    _PLANS[id(policy)] = (policy, plan)
    return plan


def _specials(text: str, plan: _Plan, *, every_emoji: bool) -> list[_Special]:
    """URLs, emoji and mentions with their own price, ordered and non-overlapping.

    Overlaps resolve as in twitter-text's ``parseTweet`` loop: whichever
    starts first wins, and a URL wins over an emoji starting at the same place.
    """
    policy = plan.policy
    found: list[_Special] = []
    kinds = 0
    if policy.url_weight is not None and "." in text:
        cap = policy.url_discount_cap
        url_kind = PartKind.URL
        for start, end, _scheme in find_urls(text, require_protocol=policy.url_requires_scheme):
            cost = policy.url_weight
            if cap is not None:
                cost += max(0, plan.base(text[start:end]) - cap)
            found.append((start, end, url_kind, cost))
        kinds = 1 if found else 0
    emoji = policy.emoji_weight
    if emoji is not None and not text.isascii():
        before = len(found)
        emoji_kind = PartKind.EMOJI
        if every_emoji or not plan.emoji_single_exact:
            found.extend((m.start(), m.end(), emoji_kind, emoji) for m in emoji_re().finditer(text))
        else:
            # A one-code-point emoji already weighs what an emoji costs.
            sequences = multi_code_point_emoji(text) if may_have_sequences(text) else []
            for start, end in sequences:
                found.append((start, end, emoji_kind, emoji))
        if len(found) > before:
            kinds += 1
    if not policy.counts_mention_domain and ("@" in text or "\uff20" in text):
        before = len(found)
        for start, local_end, end in fediverse_mentions(text):
            found.append((start, end, PartKind.MENTION, plan.base(text[start:local_end])))
        if len(found) > before:
            kinds += 1
    if kinds <= 1:
        return found
    # Two pieces of different kinds never start at the same place (a URL
    # starts with "h" or an ASCII domain, a mention with "@", and a keycap's
    # digit is followed by U+FE0F or U+20E3, which no domain holds), so a
    # stable sort by start suffices; a URL would stay first.
    found.sort(key=itemgetter(0))
    kept: list[_Special] = []
    end = 0
    for item in found:
        if item[0] >= end:
            kept.append(item)
            end = item[1]
    return kept


def _weigh(
    text: str,
    plan: _Plan,
    specials: list[_Special],
    *,
    mostly_default: bool = False,
    utf16: int = -1,
) -> int:
    if not specials:
        return plan.base(text, mostly_default=mostly_default, utf16=utf16)
    if plan.additive:
        # Weights of code points (and Weibo's code units) add up, so swap each
        # piece's own weight for its price.
        total = plan.base(text, mostly_default=mostly_default, utf16=utf16)
        for start, end, _kind, cost in specials:
            total += cost - plan.piece_base(text[start:end])
        return total
    total = 0
    position = 0
    for start, end, _kind, cost in specials:
        if start > position:
            total += plan.base(text[position:start])
        total += cost
        position = end
    if position < len(text):
        total += plan.base(text[position:])
    return total


def _walk(text: str, plan: _Plan, specials: list[_Special]) -> Iterator[tuple[int, int, int]]:
    """Every unit of ``text`` in order: ``(start, end, weight)``."""
    position = 0
    for start, end, _kind, cost in specials:
        if start > position:
            yield from plan.units(text, position, start)
        yield start, end, cost
        position = end
    if position < len(text):
        yield from plan.units(text, position, len(text))


@attrs.frozen
class Measurement:
    """The length of a text under a policy, and whether it may be posted.

    Attributes:
        text: The text that was measured: the input after the policy's
            normalization (NFC for Twitter). Part spans point into it.
        policy: The policy it was measured with.
        weight: The total weight in scaled units (content warning included).
        length: The length in the policy's units: ``ceil(weight / scale)``.
        limit: The policy's limit.
        valid: Whether the text may be posted as it is.
        reason: Why not, or None when valid.
        permillage: ``length / limit`` in thousandths, rounded down.
        display_range: twitter-text's ``displayRange``: inclusive UTF-16
            offsets of the whole original text.
        folded: Whether the post folds (a Weibo long post over 140).
        invalid_at: Offset into ``text`` of the first invalid character, or None.
        content_warning: The content warning that was measured with the text.
        content_warning_weight: Its weight, when the policy counts it.
    """

    text: str = attrs.field(repr=False)
    policy: LengthPolicy = attrs.field(repr=lambda p: p.name)
    weight: int
    length: int
    limit: int
    valid: bool
    reason: Reason | None
    permillage: int
    display_range: tuple[int, int]
    folded: bool = False
    invalid_at: int | None = None
    content_warning: str = attrs.field(default="", repr=False)
    content_warning_weight: int = 0
    # What measure() found, kept so the ranges can be walked on demand.
    _specials: Sequence[_Special] = attrs.field(default=(), repr=False, eq=False)
    _shift: int = attrs.field(default=0, repr=False, eq=False)
    _warning_invalid: bool = attrs.field(default=False, repr=False, eq=False)
    _cache: dict[str, tuple[int, int | None]] = attrs.field(
        factory=dict, init=False, repr=False, eq=False
    )

    def _prefix_walk(self) -> tuple[int, int | None]:
        cached = self._cache.get("walk")
        if cached is None:
            cached = _prefixes(
                self.text,
                _plan(self.policy),
                list(self._specials),
                self.content_warning_weight,
                need_valid=self.reason is not None,
                folded=self.folded,
                invalid=self.invalid_at,
                valid=not self._warning_invalid,
            )
            self._cache["walk"] = cached
        return cached

    @property
    def valid_range(self) -> tuple[int, int]:
        """twitter-text's ``validRange``: inclusive UTF-16 offsets of the part that fits.

        It is the longest prefix within the limit, stopping before the first
        invalid character, counted in the original text. For a normalizing
        policy the end is shifted by the change in length that normalization
        made, as twitter-text does. Computed on first access.
        """
        display_end = self.display_range[1]
        if self.reason is None:
            return (0, display_end)
        last_valid = self._prefix_walk()[0]
        return (0, min(max(last_valid + self._shift, 0), display_end))

    @property
    def fold_at(self) -> int | None:
        """Where a folded post folds (the shown prefix is ``text[:fold_at]``), else None.

        Computed on first access.
        """
        if not self.folded:
            return None
        return self._prefix_walk()[1]

    @property
    def parts(self) -> tuple[Part, ...]:
        """What each URL, emoji sequence, mention and run of text costs, in order.

        Computed on access. The costs add up to :attr:`weight`.
        """
        plan = _plan(self.policy)
        result: list[Part] = []
        if self.content_warning_weight or (
            self.content_warning and self.policy.counts_content_warning
        ):
            warning = self.policy.normalize(self.content_warning)
            result.append(
                Part(
                    PartKind.CONTENT_WARNING,
                    (0, len(warning)),
                    warning,
                    self.content_warning_weight,
                )
            )
        text = self.text
        position = 0
        for start, end, kind, cost in _specials(text, plan, every_emoji=True):
            if start > position:
                result.append(
                    Part(
                        PartKind.TEXT,
                        (position, start),
                        text[position:start],
                        plan.base(text[position:start]),
                    )
                )
            result.append(Part(kind, (start, end), text[start:end], cost))
            position = end
        if position < len(text):
            rest = text[position:]
            result.append(Part(PartKind.TEXT, (position, len(text)), rest, plan.base(rest)))
        return tuple(result)

    @property
    def byte_length(self) -> int:
        """The UTF-8 size of :attr:`text` (a lone surrogate counts 3 bytes)."""
        return utf8_length(self.text)

    def describe(self) -> str:
        """A multi-line, human-readable account of the measurement.

        Returns:
            The length against the limit, whether the text is valid and why
            not, then one line per part with its cost.
        """
        scale = self.policy.scale
        status = "valid" if self.valid else f"invalid: {self.reason}"
        head = (
            f"{self.policy.name}: {self.length}/{self.limit} ({status}; "
            f"{self.permillage}\u2030 of the limit, rounded down)"
        )
        lines = [head]
        if self.folded and self.fold_at is not None:
            lines.append(f"folds after code point {self.fold_at}")
        if self.invalid_at is not None:
            char = self.text[self.invalid_at]
            lines.append(f"invalid character U+{ord(char):04X} at offset {self.invalid_at}")
        parts = self.parts
        for part in parts[:_DESCRIBED_PARTS]:
            cost = _format_cost(part.cost, scale)
            snippet = part.text if len(part.text) <= 40 else part.text[:37] + "..."
            lines.append(f"  {part.kind.value:<16} {cost:>8}  {_printable(snippet)}")
        if len(parts) > _DESCRIBED_PARTS:
            lines.append(f"  ... and {len(parts) - _DESCRIBED_PARTS} more parts")
        return "\n".join(lines)


def _format_cost(cost: int, scale: int) -> str:
    whole, rest = divmod(cost, scale)
    if not rest:
        return str(whole)
    return f"{cost / scale:.2f}".rstrip("0")


def _printable(text: str) -> str:
    """Quote ``text``, escaping only what would not show (newlines, joiners, surrogates)."""
    shown = "".join(
        char if char.isprintable() else char.encode("unicode_escape", "backslashreplace").decode()
        for char in text
    )
    return f'"{shown}"'


def _check_str(value: object, field: str) -> str:
    if not isinstance(value, str):
        raise ValidationError(
            f"{field} must be a str, got {type(value).__name__}", field=field, value=value
        )
    return value


def measure(
    text: str, policy: LengthPolicy = TWITTER_V3, *, content_warning: str = ""
) -> Measurement:
    """Measure ``text`` under ``policy``.

    Any string is accepted: lone surrogates, NUL, U+FFFE and megabyte inputs
    give a measurement (invalid where they must be), never an exception. The
    time is linear in the length of the text.

    Args:
        text: The post text.
        policy: The length policy; TWITTER_V3 by default.
        content_warning: The post's content warning (spoiler text); it counts
            only under policies that say so (Mastodon).

    Returns:
        The :class:`Measurement`.

    Raises:
        ValidationError: ``text`` or ``content_warning`` is not a string, or
            ``policy`` is not a :class:`LengthPolicy`.

    Example:
        >>> m = measure("Hi http://test.co")
        >>> m.length, m.valid, m.permillage, m.valid_range
        (26, True, 92, (0, 16))
    """
    _check_str(text, "text")
    _check_str(content_warning, "content_warning")
    plan = _plan(policy)
    (
        measured,
        measured16,
        specials,
        text_weight,
        warning_weight,
        warning_invalid,
        invalid_at,
        reason,
    ) = _assess(text, plan, content_warning)
    weight = text_weight + warning_weight
    scale = policy.scale
    length = -(-weight // scale)
    original16 = measured16 if measured is text else utf16_length(text)
    fold = policy.fold_length
    return Measurement(
        text=measured,
        policy=policy,
        weight=weight,
        length=length,
        limit=policy.limit,
        valid=reason is None,
        reason=reason,
        permillage=weight * 1000 // plan.limit_weight,
        display_range=(0, max(original16 - 1, 0)),
        folded=fold is not None and weight > fold * scale,
        invalid_at=invalid_at,
        content_warning=content_warning,
        content_warning_weight=warning_weight,
        specials=specials,
        shift=original16 - measured16,
        warning_invalid=warning_invalid,
    )


_Assessment = tuple[str, int, list[_Special], int, int, bool, int | None, Reason | None]


def _assess(text: str, plan: _Plan, content_warning: str) -> _Assessment:
    """What :func:`measure` finds before it builds the :class:`Measurement`.

    Returns:
        The measured (normalized) text, its UTF-16 length, its specials, the
        text's and the content warning's weights, whether the warning holds
        an invalid character, where the text's first one is, and the reason
        the text may not be posted (None: it may).
    """
    policy = plan.policy
    ascii_text = text.isascii()
    # ASCII is in every normalization form already.
    measured = policy.normalize(text) if policy.normalization and not ascii_text else text
    measured16, surrogates = (len(measured), False) if ascii_text else _utf16_units(measured)
    specials = _specials(measured, plan, every_emoji=False)
    # More astral than BMP characters: an emoji-heavy text.
    text_weight = _weigh(
        measured,
        plan,
        specials,
        mostly_default=measured16 > 1.5 * len(measured),
        utf16=measured16,
    )
    warning_weight = 0
    warning_invalid = False
    if policy.counts_content_warning and content_warning:
        warning = policy.normalize(content_warning)
        warning_weight = _weigh(warning, plan, _specials(warning, plan, every_emoji=False))
        warning_invalid = not warning.isascii() and _first_invalid(warning) is not None
    weight = text_weight + warning_weight
    # The invalid characters are in the BMP: a text of astral characters only
    # (an emoji-only post) has none.
    invalid_at = (
        None
        if ascii_text or measured16 == 2 * len(measured)
        else _first_invalid(measured, surrogates=surrogates)
    )
    over_bytes = policy.max_bytes is not None and utf8_length(measured) > policy.max_bytes
    reason: Reason | None = None
    if text_weight == 0:
        reason = Reason.EMPTY
    elif invalid_at is not None or warning_invalid:
        reason = Reason.INVALID_CHARACTER
    elif weight > plan.limit_weight:
        reason = Reason.TOO_LONG
    elif over_bytes:
        reason = Reason.TOO_MANY_BYTES
    return (
        measured,
        measured16,
        specials,
        text_weight,
        warning_weight,
        warning_invalid,
        invalid_at,
        reason,
    )


def is_valid_text(
    text: str, policy: LengthPolicy = TWITTER_V3, *, content_warning: str = ""
) -> bool:
    """Whether ``text`` may be posted under ``policy``: ``measure(...).valid``.

    The same answer without building the :class:`Measurement`, for a caller
    that only asks (a Weibo comment chain tries its longest form first and
    drops links until it fits).

    Raises:
        ValidationError: ``text`` or ``content_warning`` is not a string, or
            ``policy`` is not a :class:`LengthPolicy`.

    Example:
        >>> is_valid_text("x" * 280), is_valid_text("x" * 281), is_valid_text("")
        (True, False, False)
    """
    _check_str(text, "text")
    _check_str(content_warning, "content_warning")
    return _assess(text, _plan(policy), content_warning)[7] is None


def _prefixes(
    text: str,
    plan: _Plan,
    specials: list[_Special],
    start_weight: int,
    *,
    need_valid: bool,
    folded: bool,
    invalid: int | None,
    valid: bool,
) -> tuple[int, int | None]:
    """Walk the units as ``parseTweet`` does, stopping as soon as nothing can change.

    Returns:
        The inclusive UTF-16 offset (into ``text``) of the last unit of the
        longest valid prefix (0 if there is none), and where the post folds.
    """
    policy = plan.policy
    limit = plan.limit_weight
    fold_limit = (policy.fold_length or 0) * policy.scale
    max_bytes = policy.max_bytes
    total = start_weight
    size = 0
    position16 = 0
    last_valid = 0
    fold_at: int | None = 0 if folded else None
    valid_done = not need_valid
    fold_done = not folded
    for start, end, weight in _walk(text, plan, specials):
        piece = text[start:end]
        total += weight
        width16 = len(piece) if piece.isascii() else utf16_length(piece)
        if not valid_done:
            if valid and invalid is not None and start <= invalid < end:
                valid = False
            if max_bytes is not None:
                size += utf8_length(piece)
            if valid and total <= limit and (max_bytes is None or size <= max_bytes):
                last_valid = position16 + width16 - 1
            else:
                valid_done = True
        if not fold_done:
            if total <= fold_limit:
                fold_at = end
            else:
                fold_done = True
        if valid_done and fold_done:
            break
        position16 += width16
    return last_valid, fold_at


def check_text(
    text: str,
    policy: LengthPolicy = TWITTER_V3,
    *,
    content_warning: str = "",
    field: str = "text",
) -> Measurement:
    """Measure ``text`` and raise if it may not be posted.

    Args:
        text: The post text.
        policy: The length policy.
        content_warning: The content warning, for policies that count it.
        field: The field name to put in the error.

    Returns:
        The measurement of a valid text.

    Raises:
        TextTooLongError: The text is longer than the limit (``.length``,
            ``.limit`` and ``.measurement`` say by how much).
        InvalidTextError: The text is empty, has an invalid character or too
            many bytes (``.reason`` is the :class:`Reason` value).
        ValidationError: An argument has the wrong type.

    Example:
        >>> check_text("x" * 300)  # doctest: +ELLIPSIS
        Traceback (most recent call last):
        ...
        microblog_core.errors.TextTooLongError: text is 300 characters long; the limit is 280 ...
    """
    result = measure(text, policy, content_warning=content_warning)
    reason = result.reason
    if reason is None:
        return result
    if reason is Reason.TOO_LONG:
        raise TextTooLongError(
            field=field,
            length=result.length,
            limit=result.limit,
            measurement=result,
            units="characters",
        )
    if reason is Reason.EMPTY:
        message = f"{field} is empty; write at least one character"
    elif reason is Reason.INVALID_CHARACTER:
        if result.invalid_at is not None:
            char = result.text[result.invalid_at]
            where = f"U+{ord(char):04X} at offset {result.invalid_at}"
        else:
            where = "in the content warning"
        message = (
            f"{field} contains an invalid character ({where}); remove U+FFFE, U+FEFF, "
            "U+FFFF and unpaired surrogates"
        )
    else:
        message = (
            f"{field} is {result.byte_length} bytes in UTF-8; the limit is {policy.max_bytes} bytes"
        )
    raise InvalidTextError(message, field=field, reason=reason.value, measurement=result)
