"""safe_lower(): lower-casing that keeps offsets and ASCII apart."""

from hypothesis import given

from microblog_core.text._chars import safe_lower
from tests.text.strategies import any_texts


def test_special_cases() -> None:
    assert safe_lower("ABC") == "abc"
    assert safe_lower("\u0130x") == "\u0130x"  # would lower to two code points
    assert safe_lower("\u212aR") == "\u212ar"  # KELVIN SIGN would lower to "k"
    assert safe_lower("\u0420\u0424") == "\u0440\u0444"


@given(text=any_texts)
def test_lowering_keeps_length_and_ascii(text: str) -> None:
    low = safe_lower(text)
    assert len(low) == len(text)
    for before, after in zip(text, low, strict=True):
        assert before.isascii() == after.isascii()
        if before.isascii():
            assert after == before.lower()
