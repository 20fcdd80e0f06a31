"""Conversions between code point, UTF-16 and UTF-8 offsets."""

import pytest
from hypothesis import given
from hypothesis import strategies as st

from microblog_core.errors import ValidationError
from microblog_core.text import (
    OffsetMap,
    codepoint_to_utf8,
    codepoint_to_utf16,
    utf8_length,
    utf8_to_codepoint,
    utf16_length,
    utf16_to_codepoint,
)
from tests.text.strategies import any_texts

TEXT = "a\xe9\u4f60\U0001f600b\ud800c"


def test_lengths() -> None:
    assert utf16_length(TEXT) == 8
    assert utf8_length(TEXT) == 1 + 2 + 3 + 4 + 1 + 3 + 1
    assert (utf16_length(""), utf8_length("")) == (0, 0)


@pytest.mark.parametrize(
    ("index", "utf16", "utf8"),
    [(0, 0, 0), (1, 1, 1), (2, 2, 3), (3, 3, 6), (4, 5, 10), (5, 6, 11), (6, 7, 14), (7, 8, 15)],
)
def test_each_position_converts_both_ways(index: int, utf16: int, utf8: int) -> None:
    assert codepoint_to_utf16(TEXT, index) == utf16
    assert codepoint_to_utf8(TEXT, index) == utf8
    assert utf16_to_codepoint(TEXT, utf16) == index
    assert utf8_to_codepoint(TEXT, utf8) == index
    offsets = OffsetMap(TEXT)
    assert (offsets.to_utf16(index), offsets.to_utf8(index)) == (utf16, utf8)
    assert (offsets.from_utf16(utf16), offsets.from_utf8(utf8)) == (index, index)


@pytest.mark.parametrize(
    ("convert", "offset", "message"),
    [
        (utf16_to_codepoint, 4, "inside a character"),  # between the two halves of U+1F600
        (utf16_to_codepoint, 9, "outside the text"),
        (utf16_to_codepoint, -1, "outside the text"),
        (utf8_to_codepoint, 2, "inside a character"),
        (utf8_to_codepoint, 12, "inside a character"),  # inside the lone surrogate's 3 bytes
        (utf8_to_codepoint, 16, "outside the text"),
        (utf8_to_codepoint, True, "outside the text"),
    ],
)
def test_bad_offsets_raise(convert: object, offset: int, message: str) -> None:
    with pytest.raises(ValidationError, match=message):
        convert(TEXT, offset)  # type: ignore[operator]
    offsets = OffsetMap(TEXT)
    method = offsets.from_utf16 if convert is utf16_to_codepoint else offsets.from_utf8
    with pytest.raises(ValidationError, match=message):
        method(offset)


@pytest.mark.parametrize("index", [-1, 8, 1.5, None])
def test_bad_code_point_indexes_raise(index: object) -> None:
    with pytest.raises(ValidationError, match="offset between 0 and 7"):
        codepoint_to_utf16(TEXT, index)  # type: ignore[arg-type]
    with pytest.raises(ValidationError):
        OffsetMap(TEXT).to_utf8(index)  # type: ignore[arg-type]


def test_adjacent_lone_surrogates_stay_two_code_points() -> None:
    text = "\ud83d\ude00"  # two lone surrogates, not one astral character
    assert utf16_length(text) == 2
    assert utf16_to_codepoint(text, 1) == 1
    assert utf8_to_codepoint(text, 3) == 1


@given(text=any_texts, data=st.data())
def test_every_offset_round_trips(text: str, data: st.DataObject) -> None:
    index = data.draw(st.integers(min_value=0, max_value=len(text)))
    offsets = OffsetMap(text)
    utf16 = codepoint_to_utf16(text, index)
    utf8 = codepoint_to_utf8(text, index)
    assert utf16_to_codepoint(text, utf16) == index
    assert utf8_to_codepoint(text, utf8) == index
    assert (offsets.to_utf16(index), offsets.to_utf8(index)) == (utf16, utf8)
    assert (offsets.from_utf16(utf16), offsets.from_utf8(utf8)) == (index, index)
    assert utf16 == len(text[:index].encode("utf-16-le", "surrogatepass")) // 2
    assert utf8 == len(text[:index].encode("utf-8", "surrogatepass"))
