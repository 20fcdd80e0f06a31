"""Character classes shared by the scanners, as regex class bodies.

The sets follow twitter-text (``rb/lib/twitter-text/regex.rb`` and the JavaScript
``js/src/regexp/*.js`` of the same release); the comments name the upstream
constant each one mirrors. Every class is written with explicit ASCII ranges
and never compiled with IGNORECASE: Unicode case folding would let KELVIN SIGN
match ``k`` and LONG S match ``s``, which twitter-text does not do.
"""

import regex

__all__ = [
    "ASCII_PUNCT",
    "CTRL",
    "CYRILLIC",
    "DIRECTIONAL",
    "HASHTAG_LETTERS",
    "HASHTAG_LETTERS_NUMERALS",
    "INVALID",
    "INVALID_CHARACTERS",
    "INVALID_OR_SURROGATE_RE",
    "LATIN_ACCENTS",
    "RTL_RE",
    "SPACES",
    "SURROGATES",
    "safe_lower",
]

SPACES = r"\t-\r\x20\x85\xa0\u1680\u180e\u2000-\u200a\u2028\u2029\u202f\u205f\u3000"
"""UNICODE_SPACES: the white space twitter-text breaks entities on."""

DIRECTIONAL = r"\u061c\u200e\u200f\u202a-\u202e\u2066-\u2069"
"""DIRECTIONAL_CHARACTERS: bidi marks, embeddings, overrides and isolates."""

INVALID = r"\ufffe\ufeff\uffff"
"""INVALID_CHARACTERS as a class body: the BOMs and U+FFFF."""

INVALID_CHARACTERS = frozenset("\ufffe\ufeff\uffff")
"""Characters that make a post invalid (lone surrogates are invalid as well)."""

SURROGATES = r"\ud800-\udfff"
"""Surrogate code points: a Python ``str`` holds them only when they are lone."""

ASCII_PUNCT = r"!-/:-@\[-`{-~"
"""PUNCTUATION_CHARS: every printable ASCII character that is not alphanumeric."""

CTRL = r"\x00-\x1f\x7f"
"""CTRL_CHARS: ASCII control characters."""

LATIN_ACCENTS = (
    r"\xc0-\xd6\xd8-\xf6\xf8-\xff\u0100-\u024f\u0253\u0254\u0256\u0257\u0259\u025b"
    r"\u0263\u0268\u026f\u0272\u0289\u028b\u02bb\u0300-\u036f\u1e00-\u1eff"
)
"""LATIN_ACCENTS: accented Latin letters and combining diacritics (not U+00D7, U+00F7)."""

CYRILLIC = r"\u0400-\u04ff"
"""cyrillicLettersAndMarks: the Cyrillic block."""

# HASHTAG_LETTERS_AND_MARKS is \p{L}\p{M} plus code points that were unassigned
# in the Unicode version twitter-text was generated from. Current Unicode makes
# nearly all of them letters or marks; these are the ones that are not (private
# use characters twitter-text lists).
_HASHTAG_EXTRA_LETTERS = r"\uf870-\uf87f\uf882\uf884-\uf89f\uf8b8\uf8c1-\uf8d6"

_HASHTAG_SPECIAL = (
    r"_\u200c\u200d\ua67e\u05be\u05f3\u05f4\uff5e\u301c\u309b\u309c\u30a0\u30fb\u3003"
    r"\u0f0b\u0f0c\xb7"
)
"""HASHTAG_SPECIAL_CHARS: joiners and punctuation that may sit inside a hashtag."""

HASHTAG_LETTERS = rf"\p{{L}}\p{{M}}{_HASHTAG_EXTRA_LETTERS}"
"""The class body of characters that count as a hashtag's letters."""

HASHTAG_LETTERS_NUMERALS = rf"{HASHTAG_LETTERS}\p{{Nd}}{_HASHTAG_SPECIAL}"
"""The class body of every character a hashtag may contain."""

INVALID_OR_SURROGATE_RE = regex.compile(rf"[{INVALID}{SURROGATES}]")
"""Finds the first character that makes a text invalid."""

RTL_RE = regex.compile(r"[\u0600-\u06ff\u0750-\u077f\u0590-\u05ff\ufe70-\ufeff]")
"""RTL_CHARACTERS: a hashtag starting with one of these is rendered right-to-left."""


def _lower_char(char: str) -> str:
    low = char.lower()
    # Keep the length (U+0130 lowers to two code points) and never map a
    # non-ASCII character onto ASCII (U+212A KELVIN SIGN lowers to "k").
    if len(low) != 1 or (low.isascii() and not char.isascii()):
        return char
    return low


def safe_lower(text: str) -> str:
    """Lower-case ``text`` keeping every index, the way JavaScript's ``/i`` compares.

    Args:
        text: Any string.

    Returns:
        A string of the same length whose characters are lower-cased, except
        where lowering would change the length or turn a non-ASCII character
        into an ASCII one.
    """
    low = text.lower()
    if len(low) == len(text) and "\u212a" not in text:
        return low
    return "".join(map(_lower_char, text))
