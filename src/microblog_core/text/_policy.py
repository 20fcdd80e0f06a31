"""Length policies: how a network counts a post, as data.

A :class:`LengthPolicy` says what one unit of text is (a code point, a
grapheme cluster, a Weibo byte), what each weighs, what URLs, emoji and
fediverse mentions cost instead, and the limits. :func:`measure` interprets
it; there is no code path per network.
"""

import enum
import itertools
import unicodedata
from collections.abc import Mapping
from types import MappingProxyType
from typing import Any

import attrs

from microblog_core import _checks
from microblog_core.errors import ValidationError

__all__ = [
    "BLUESKY",
    "MASTODON",
    "POLICIES",
    "TWITTER_V1",
    "TWITTER_V2",
    "TWITTER_V3",
    "WEIBO",
    "WEIBO_LONG",
    "LengthPolicy",
    "Unit",
    "WeightedRange",
    "policy_named",
]

_NORMALIZATIONS = ("NFC", "NFD", "NFKC", "NFKD")


class Unit(enum.StrEnum):
    """What a :class:`LengthPolicy` counts."""

    CODE_POINTS = "code_points"
    """Every code point weighs ``default_weight`` (twitter-text v1)."""
    WEIGHTED_CODE_POINTS = "weighted_code_points"
    """A code point weighs its range's weight, else ``default_weight`` (v2, v3)."""
    GRAPHEMES = "graphemes"
    """Every extended grapheme cluster (what a reader sees as one character)
    weighs ``default_weight`` (Mastodon, Bluesky)."""
    WEIBO_BYTES = "weibo_bytes"
    """Every UTF-16 code unit in U+0000–U+00FF weighs 1, any other unit
    ``default_weight`` (Weibo: 2, so a CJK character is 2 and an emoji 4)."""


def _non_negative(instance: object, attribute: "attrs.Attribute[int]", value: int) -> None:
    del instance
    if isinstance(value, bool) or not isinstance(value, int) or value < 0:
        raise ValidationError(
            f"{attribute.name} must be a non-negative integer, got {_checks.quote(value)}",
            field=attribute.name,
            value=value,
        )


def _positive(instance: object, attribute: "attrs.Attribute[int]", value: int) -> None:
    del instance
    if isinstance(value, bool) or not isinstance(value, int) or value < 1:
        raise ValidationError(
            f"{attribute.name} must be a positive integer, got {_checks.quote(value)}",
            field=attribute.name,
            value=value,
        )


def _optional(
    check: Any,
) -> Any:
    def validate(instance: object, attribute: "attrs.Attribute[Any]", value: Any) -> None:
        if value is not None:
            check(instance, attribute, value)

    return validate


@attrs.frozen
class WeightedRange:
    """Code points ``start`` to ``end`` (inclusive) weigh ``weight``.

    Example:
        >>> WeightedRange(0x0000, 0x10FF, 100)
        WeightedRange(start=0, end=4351, weight=100)
    """

    start: int = attrs.field(validator=_non_negative)
    end: int = attrs.field(validator=_non_negative)
    weight: int = attrs.field(validator=_non_negative)

    def __attrs_post_init__(self) -> None:
        if not self.start <= self.end <= 0x10FFFF:
            raise ValidationError(
                f"a weighted range needs start <= end <= 0x10FFFF, got "
                f"{self.start:#x}..{self.end:#x}",
                field="end",
                value=self.end,
            )


def _to_ranges(value: Any) -> tuple[WeightedRange, ...]:
    return tuple(value)


def _to_unit(value: Any) -> Unit:
    try:
        return Unit(value)
    except ValueError:
        names = ", ".join(repr(unit.value) for unit in Unit)
        raise ValidationError(
            f"unknown unit {_checks.quote(value)}; use one of {names}", field="unit", value=value
        ) from None


@attrs.frozen(kw_only=True)
class LengthPolicy:
    r"""How one network counts the length of a post.

    Weights are in *scaled* units: the length is ``ceil(total weight / scale)``
    and the text is too long when that exceeds ``limit``. twitter-text's v2
    configuration, for instance, is ``scale=100``, ``default_weight=200`` and
    ranges weighing 100, so a Latin letter counts 1 and a CJK character 2.

    Attributes:
        name: A short lower-case name, used by :data:`POLICIES`.
        limit: The longest valid length, in length units.
        unit: What a unit of text is; see :class:`Unit`.
        scale: Weight units per length unit.
        default_weight: The weight of a unit no range covers.
        ranges: Code point ranges with their own weight (weighted code points only).
        url_weight: What a URL costs instead of its text; None counts URLs as text.
        url_discount_cap: If set, a URL whose own weight is above this costs
            ``url_weight`` plus the excess (Weibo: a URL of more than 140
            bytes costs its bytes − 140 + 20).
        url_requires_scheme: Only URLs written with ``http(s)://`` get the URL price.
        emoji_weight: What each emoji sequence (ZWJ, skin tone, flag, keycap,
            tag sequence, or a single emoji) costs; None counts its code points.
        normalization: Unicode normalization applied before counting ("NFC").
        max_bytes: A cap on the UTF-8 size of the text (Bluesky: 3,000).
        fold_length: Where a long post folds behind "read more" (Weibo: 140).
        counts_content_warning: The content warning counts toward the limit.
        counts_mention_domain: False when ``@user@domain`` costs only ``@user``.
        collapse_crlf: ``"\\r\\n"`` costs what ``"\\n"`` costs.
    """

    name: str
    limit: int = attrs.field(validator=_positive)
    unit: Unit = attrs.field(default=Unit.WEIGHTED_CODE_POINTS, converter=_to_unit)
    scale: int = attrs.field(default=1, validator=_positive)
    default_weight: int = attrs.field(default=1, validator=_non_negative)
    ranges: tuple[WeightedRange, ...] = attrs.field(default=(), converter=_to_ranges)
    url_weight: int | None = attrs.field(default=None, validator=_optional(_non_negative))
    url_discount_cap: int | None = attrs.field(default=None, validator=_optional(_non_negative))
    url_requires_scheme: bool = False
    emoji_weight: int | None = attrs.field(default=None, validator=_optional(_non_negative))
    normalization: str | None = None
    max_bytes: int | None = attrs.field(default=None, validator=_optional(_positive))
    fold_length: int | None = attrs.field(default=None, validator=_optional(_positive))
    counts_content_warning: bool = False
    counts_mention_domain: bool = True
    collapse_crlf: bool = False

    def __attrs_post_init__(self) -> None:
        if self.normalization is not None and self.normalization not in _NORMALIZATIONS:
            raise ValidationError(
                f"normalization must be None or one of {', '.join(_NORMALIZATIONS)}, "
                f"got {_checks.quote(self.normalization)}",
                field="normalization",
                value=self.normalization,
            )
        if self.ranges and self.unit is not Unit.WEIGHTED_CODE_POINTS:
            raise ValidationError(
                f"weighted ranges need unit {Unit.WEIGHTED_CODE_POINTS.value!r}, "
                f"not {self.unit.value!r}",
                field="ranges",
                value=self.ranges,
            )
        ordered = sorted(self.ranges, key=lambda r: r.start)
        for previous, current in itertools.pairwise(ordered):
            if current.start <= previous.end:
                raise ValidationError(
                    f"weighted ranges overlap: {previous} and {current}",
                    field="ranges",
                    value=self.ranges,
                )
        if self.url_discount_cap is not None and self.url_weight is None:
            raise ValidationError(
                "url_discount_cap needs a url_weight", field="url_discount_cap", value=None
            )

    def weight_of(self, char: str) -> int:
        """The weight of one code point under this policy (ignoring URLs and emoji).

        Args:
            char: A one-character string.

        Returns:
            Its weight in scaled units (for ``WEIBO_BYTES``, per UTF-16 unit summed).
        """
        code = ord(char)
        if self.unit is Unit.WEIBO_BYTES:
            per_unit = 1 if code <= 0xFF else self.default_weight
            return per_unit * (2 if code > 0xFFFF else 1)
        for weighted in self.ranges:
            if weighted.start <= code <= weighted.end:
                return weighted.weight
        return self.default_weight

    def normalize(self, text: str) -> str:
        """Apply the policy's normalization (NFC for Twitter) to ``text``."""
        form = self.normalization
        if form is None or unicodedata.is_normalized(form, text):  # type: ignore[arg-type]
            return text
        return unicodedata.normalize(form, text)  # type: ignore[arg-type]


_TWITTER_RANGES = (
    WeightedRange(0x0000, 0x10FF, 100),
    WeightedRange(0x2000, 0x200D, 100),
    WeightedRange(0x2010, 0x201F, 100),
    WeightedRange(0x2032, 0x2037, 100),
)

TWITTER_V1 = LengthPolicy(
    name="twitter_v1",
    limit=140,
    unit=Unit.CODE_POINTS,
    url_weight=23,
    normalization="NFC",
)
"""Twitter before 2017: 140 code points, each URL 23 (twitter-text ``config/v1.json``)."""

TWITTER_V2 = LengthPolicy(
    name="twitter_v2",
    limit=280,
    scale=100,
    default_weight=200,
    ranges=_TWITTER_RANGES,
    url_weight=23 * 100,
    normalization="NFC",
)
"""Twitter 2017: 280 weighted; Latin and punctuation ranges weigh 1, the rest 2 (``v2.json``)."""

TWITTER_V3 = attrs.evolve(TWITTER_V2, name="twitter_v3", emoji_weight=200)
"""Twitter 2018 (the default): v2, and each emoji sequence weighs 2 (``v3.json``)."""

WEIBO = LengthPolicy(
    name="weibo",
    limit=140,
    unit=Unit.WEIBO_BYTES,
    scale=2,
    default_weight=2,
    url_weight=20,
    url_discount_cap=140,
    url_requires_scheme=True,
    collapse_crlf=True,
)
"""Sina Weibo: 140 characters of two bytes; Latin-1 is one byte, an http(s) URL 20 bytes."""

WEIBO_LONG = attrs.evolve(WEIBO, name="weibo_long", limit=2000, fold_length=140)
"""Weibo long posts: up to 2,000 characters, folded after 140."""

MASTODON = LengthPolicy(
    name="mastodon",
    limit=500,
    unit=Unit.GRAPHEMES,
    url_weight=23,
    url_requires_scheme=True,
    counts_content_warning=True,
    counts_mention_domain=False,
)
"""Mastodon: 500 characters of content warning and text; a URL 23, ``@user@domain`` as ``@user``."""

BLUESKY = LengthPolicy(name="bluesky", limit=300, unit=Unit.GRAPHEMES, max_bytes=3000)
"""Bluesky: 300 grapheme clusters and at most 3,000 UTF-8 bytes."""

POLICIES: Mapping[str, LengthPolicy] = MappingProxyType(
    {
        "twitter_v1": TWITTER_V1,
        "twitter_v2": TWITTER_V2,
        "twitter_v3": TWITTER_V3,
        "twitter": TWITTER_V3,
        "weibo": WEIBO,
        "weibo_long": WEIBO_LONG,
        "mastodon": MASTODON,
        "bluesky": BLUESKY,
    }
)
"""The presets by lower-case name; ``"twitter"`` is ``TWITTER_V3``."""


def policy_named(name: str) -> LengthPolicy:
    """Look a preset up by name (case-insensitive; ``-`` and ``_`` are the same).

    Args:
        name: For example ``"twitter"``, ``"weibo-long"`` or ``"Mastodon"``.

    Returns:
        The preset.

    Raises:
        ValidationError: No preset has that name; the message lists the names.

    Example:
        >>> policy_named("Weibo-Long").limit
        2000
    """
    key = name.strip().lower().replace("-", "_") if isinstance(name, str) else ""
    try:
        return POLICIES[key]
    except KeyError:
        raise ValidationError(
            f"unknown length policy {_checks.quote(name)}; valid names: {', '.join(POLICIES)}",
            field="policy",
            value=name,
        ) from None
