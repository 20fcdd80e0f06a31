"""Conversions between code point, UTF-16 and UTF-8 offsets.

Python strings index code points. twitter-text's JavaScript and Java APIs and
the ``validate.yml`` ranges use UTF-16 code units; Bluesky facets use UTF-8
bytes. A lone surrogate is one code point, one UTF-16 unit and three bytes
(``surrogatepass``), so every ``str`` converts without an exception.
"""

import re
from bisect import bisect_left, bisect_right

from microblog_core import _checks
from microblog_core.errors import ValidationError

__all__ = [
    "OffsetMap",
    "codepoint_to_utf8",
    "codepoint_to_utf16",
    "utf8_length",
    "utf8_to_codepoint",
    "utf16_length",
    "utf16_to_codepoint",
]

_ASTRAL_RE = re.compile("[\U00010000-\U0010ffff]")
_NON_ASCII_RE = re.compile("[^\x00-\x7f]")


def utf16_length(text: str) -> int:
    """Length of ``text`` in UTF-16 code units (an astral character counts 2).

    Args:
        text: Any string.

    Returns:
        The number of UTF-16 code units.

    Raises:
        ValidationError: ``text`` is not a str.
    """
    _checks.text(text, "text")
    if text.isascii():
        return len(text)
    return len(text.encode("utf-16-le", "surrogatepass")) // 2


def utf8_length(text: str) -> int:
    """Length of ``text`` in UTF-8 bytes; a lone surrogate counts 3.

    Args:
        text: Any string.

    Returns:
        The number of bytes.

    Raises:
        ValidationError: ``text`` is not a str.
    """
    _checks.text(text, "text")
    if text.isascii():
        return len(text)
    return len(text.encode("utf-8", "surrogatepass"))


def _check_index(text: str, index: int, field: str) -> None:
    _checks.text(text, "text")
    if isinstance(index, bool) or not isinstance(index, int) or not 0 <= index <= len(text):
        raise ValidationError(
            f"{field} must be an offset between 0 and {len(text)}, got {_checks.quote(index)}",
            field=field,
            value=index,
        )


def codepoint_to_utf16(text: str, index: int) -> int:
    """Convert a code point offset into ``text`` to a UTF-16 offset.

    Args:
        text: The text the offset points into.
        index: A code point offset, ``0 <= index <= len(text)``.

    Returns:
        The same position counted in UTF-16 code units.

    Raises:
        ValidationError: ``text`` is not a str, or ``index`` is out of range.
    """
    _check_index(text, index, "index")
    return utf16_length(text[:index])


def codepoint_to_utf8(text: str, index: int) -> int:
    """Convert a code point offset into ``text`` to a UTF-8 byte offset.

    Args:
        text: The text the offset points into.
        index: A code point offset, ``0 <= index <= len(text)``.

    Returns:
        The same position counted in UTF-8 bytes.

    Raises:
        ValidationError: ``text`` is not a str, or ``index`` is out of range.
    """
    _check_index(text, index, "index")
    return utf8_length(text[:index])


def _offset_error(text: str, offset: int, units: str, inside: bool) -> ValidationError:
    if inside:
        message = f"offset {_checks.quote(offset)} falls inside a character of the text ({units})"
    else:
        message = f"offset {_checks.quote(offset)} is outside the text ({units})"
    return ValidationError(message, field="offset", value=offset)


def utf16_to_codepoint(text: str, offset: int) -> int:
    """Convert a UTF-16 offset into ``text`` to a code point offset.

    Args:
        text: The text the offset points into.
        offset: A UTF-16 code unit offset.

    Returns:
        The code point offset of the same position.

    Raises:
        ValidationError: ``offset`` is negative, past the end, or splits a
            surrogate pair.
    """
    _checks.text(text, "text")
    if isinstance(offset, bool) or not isinstance(offset, int) or offset < 0:
        raise _offset_error(text, offset, "UTF-16", inside=False)
    extra = 0
    for match in _ASTRAL_RE.finditer(text):
        unit = match.start() + extra
        if unit >= offset:
            break
        if unit + 1 == offset:
            raise _offset_error(text, offset, "UTF-16", inside=True)
        extra += 1
    index = offset - extra
    if index > len(text):
        raise _offset_error(text, offset, "UTF-16", inside=False)
    return index


def utf8_to_codepoint(text: str, offset: int) -> int:
    """Convert a UTF-8 byte offset into ``text`` to a code point offset.

    Args:
        text: The text the offset points into.
        offset: A byte offset into ``text.encode("utf-8", "surrogatepass")``.

    Returns:
        The code point offset of the same position.

    Raises:
        ValidationError: ``offset`` is negative, past the end, or falls inside
            a multi-byte character.
    """
    _checks.text(text, "text")
    if isinstance(offset, bool) or not isinstance(offset, int) or offset < 0:
        raise _offset_error(text, offset, "UTF-8", inside=False)
    extra = 0
    for match in _NON_ASCII_RE.finditer(text):
        byte = match.start() + extra
        if byte >= offset:
            break
        width = utf8_length(match.group())
        if offset < byte + width:
            raise _offset_error(text, offset, "UTF-8", inside=True)
        extra += width - 1
    index = offset - extra
    if index > len(text):
        raise _offset_error(text, offset, "UTF-8", inside=False)
    return index


class OffsetMap:
    """Converts many offsets of one text in O(log n) each.

    Building the map is linear in the number of non-ASCII characters; the
    single-offset functions above rescan the text on every call.

    Example:
        >>> m = OffsetMap("a😀b")
        >>> m.to_utf16(2), m.to_utf8(2), m.from_utf16(3), m.from_utf8(5)
        (3, 5, 2, 2)
    """

    __slots__ = ("_positions", "_text", "_u8", "_u16")

    def __init__(self, text: str) -> None:
        self._text = _checks.text(text, "text")
        positions: list[int] = []
        u16: list[int] = []  # UTF-16 offset of each non-ASCII character
        u8: list[int] = []  # UTF-8 offset of each non-ASCII character
        extra16 = 0
        extra8 = 0
        for match in _NON_ASCII_RE.finditer(text):
            index = match.start()
            char = match.group()
            positions.append(index)
            u16.append(index + extra16)
            u8.append(index + extra8)
            if char >= "\U00010000":
                extra16 += 1
            extra8 += utf8_length(char) - 1
        self._positions = positions
        self._u16 = u16
        self._u8 = u8

    def _width16(self, k: int) -> int:
        return 2 if self._text[self._positions[k]] >= "\U00010000" else 1

    def _width8(self, k: int) -> int:
        return utf8_length(self._text[self._positions[k]])

    def to_utf16(self, index: int) -> int:
        """UTF-16 offset of the code point offset ``index``.

        Raises:
            ValidationError: ``text`` is not a str, or ``index`` is out of range.
        """
        _check_index(self._text, index, "index")
        k = bisect_left(self._positions, index)
        if k == 0:
            return index
        last = k - 1
        return self._u16[last] + self._width16(last) + (index - self._positions[last] - 1)

    def to_utf8(self, index: int) -> int:
        """UTF-8 offset of the code point offset ``index``.

        Raises:
            ValidationError: ``text`` is not a str, or ``index`` is out of range.
        """
        _check_index(self._text, index, "index")
        k = bisect_left(self._positions, index)
        if k == 0:
            return index
        last = k - 1
        return self._u8[last] + self._width8(last) + (index - self._positions[last] - 1)

    def _from(self, offset: int, starts: list[int], width: int, units: str) -> int:
        if isinstance(offset, bool) or not isinstance(offset, int) or offset < 0:
            raise _offset_error(self._text, offset, units, inside=False)
        k = bisect_right(starts, offset) - 1
        if k < 0:
            index = offset
        else:
            char_width = self._width16(k) if width == 16 else self._width8(k)
            if offset < starts[k] + char_width:
                if offset != starts[k]:
                    raise _offset_error(self._text, offset, units, inside=True)
                return self._positions[k]
            index = self._positions[k] + 1 + (offset - starts[k] - char_width)
        if index > len(self._text):
            raise _offset_error(self._text, offset, units, inside=False)
        return index

    def from_utf16(self, offset: int) -> int:
        """Code point offset of the UTF-16 offset ``offset``.

        Raises:
            ValidationError: ``offset`` is out of range or splits a surrogate pair.
        """
        return self._from(offset, self._u16, 16, "UTF-16")

    def from_utf8(self, offset: int) -> int:
        """Code point offset of the UTF-8 offset ``offset``.

        Raises:
            ValidationError: ``offset`` is out of range or inside a character.
        """
        return self._from(offset, self._u8, 8, "UTF-8")
