"""Emoji sequences, recognised from current Unicode data.

twitter-text v3 counts each emoji its ``twemoji-parser`` recognises as one
unit, from a regex generated from a frozen emoji list (Emoji 12/13), so newer
sequences such as 🐦‍⬛ (Emoji 15) split into pieces and over-count
(twitter-text issue #369). Here a sequence follows the grammar of Unicode
Technical Standard #51 over the character properties the ``regex`` module
ships, so every emoji Unicode defines, and every future one built from
Extended_Pictographic code points, counts once:

* keycap: ``[#*0-9]``, optional U+FE0F, U+20E3;
* flag: two regional indicators;
* element: an Emoji_Modifier_Base with a skin tone, or an
  Extended_Pictographic character with an optional U+FE0F (not followed by
  the text-style selector U+FE0E), optionally followed by tag characters and
  a cancel tag (subdivision flags such as 🏴󠁧󠁢󠁳󠁣󠁴󠁿);
* ZWJ sequence: elements joined by U+200D.

Like twemoji, © and ® are emoji only with U+FE0F: bare, they are text.

The property classes are read from ``regex`` once, on first use, and the
sequence pattern is compiled with the standard ``re`` engine, which scans
such a pattern several times faster than ``regex``.
"""

import array
import functools
import re

import regex

__all__ = ["MULTI_CODE_POINT_HINT_RE", "emoji_re", "may_have_sequences", "multi_code_point_emoji"]

MULTI_CODE_POINT_HINT_RE = re.compile(
    "[\ufe0f\u200d\u20e3\U0001f1e6-\U0001f1ff\U0001f3fb-\U0001f3ff\U000e0020-\U000e007f]"
)
"""A text without these characters has no emoji sequence longer than one code point."""

# Extended_Pictographic and the emoji modifier properties live in the BMP and
# the Supplementary Multilingual Plane (UTS #51, emoji-data.txt).
_PLANES_END = 0x20000


def _class_of(prop: str, everything: str, *, without: str = "") -> str:
    """A ``re`` character class of the code points that have the ``regex`` property ``prop``."""
    chosen = regex.sub(rf"\P{{{prop}}}++", "", everything)
    spans: list[list[int]] = []
    for char in chosen:
        code = ord(char)
        if spans and spans[-1][1] == code - 1:
            spans[-1][1] = code
        else:
            spans.append([code, code])
    body = "".join(f"\\U{start:08x}-\\U{end:08x}" for start, end in spans)
    if without:
        return f"(?![{without}])[{body}]"
    return f"[{body}]"


@functools.cache
def emoji_re() -> re.Pattern[str]:
    """The compiled pattern matching one emoji sequence (built on first use)."""
    everything = array.array("I", range(_PLANES_END)).tobytes().decode("utf-32-le", "surrogatepass")
    pictographic = _class_of("Extended_Pictographic", everything, without="\xa9\xae")
    modifier_base = _class_of("Emoji_Modifier_Base", everything)
    modifier = _class_of("Emoji_Modifier", everything)
    regional = _class_of("Regional_Indicator", everything)
    element = (
        f"(?:{modifier_base}{modifier}"
        "|[\xa9\xae]\ufe0f"
        f"|{pictographic}(?:\ufe0f|(?!\ufe0e)))"
        "(?:[\U000e0020-\U000e007e]++\U000e007f)?"
    )
    return re.compile(f"[#*0-9]\ufe0f?\u20e3|{regional}{{2}}|{element}(?:\u200d{element})*+")


def may_have_sequences(text: str) -> bool:
    """Whether ``text`` may hold an emoji sequence of more than one code point.

    A cheap test: the variation selector, the joiners and the keycap mark are
    looked for with ``in`` (fast), the astral hints (regional indicators,
    skin tones, tags) with one character-class search.
    """
    return (
        "\ufe0f" in text
        or "\u200d" in text
        or "\u20e3" in text
        or _ASTRAL_HINT_RE.search(text) is not None
    )


_ASTRAL_HINT_RE = re.compile("[\U0001f1e6-\U0001f1ff\U0001f3fb-\U0001f3ff\U000e0020-\U000e007f]")


def multi_code_point_emoji(text: str) -> list[tuple[int, int]]:
    """The spans of the emoji sequences of more than one code point in ``text``.

    Every such sequence holds one of :data:`MULTI_CODE_POINT_HINT_RE`'s
    characters at its first or second code point (a flag starts with a
    regional indicator; a keycap, modifier, presentation or tag sequence and
    a ZWJ sequence have one second), so the pattern is tried only just
    before and at those characters, in order, which gives the same sequences
    as scanning the whole text.

    Returns:
        ``(start, end)`` code point spans, in order.
    """
    pattern = emoji_re()
    found: list[tuple[int, int]] = []
    scanned = 0
    for hint in MULTI_CODE_POINT_HINT_RE.finditer(text):
        position = hint.start()
        if position < scanned:
            continue
        for start in (position - 1, position):
            if start < scanned:
                continue
            match = pattern.match(text, start)
            if match is None:
                continue
            scanned = match.end()
            if scanned - start > 1:
                found.append((start, scanned))
            if scanned > position:
                break
    return found
