"""The emoji sequence regex and the hint that lets measure() skip it."""

import pytest
from hypothesis import given

from microblog_core.text._emoji import MULTI_CODE_POINT_HINT_RE, emoji_re
from tests.text.strategies import any_texts


@pytest.mark.parametrize(
    ("text", "sequences"),
    [
        ("a\U0001f600b", ["\U0001f600"]),
        ("\U0001f44d\U0001f3fd\U0001f44d", ["\U0001f44d\U0001f3fd", "\U0001f44d"]),
        ("\U0001f1ef\U0001f1f5\U0001f1fa", ["\U0001f1ef\U0001f1f5"]),
        ("\u263a\ufe0e \u263a", ["\u263a"]),
        ("\u00a9 \u00ae\ufe0f", ["\u00ae\ufe0f"]),
        ("#\ufe0f\u20e3 #", ["#\ufe0f\u20e3"]),
        ("\U0001f468\u200d\U0001f4bb\u200d", ["\U0001f468\u200d\U0001f4bb"]),
    ],
)
def test_sequences(text: str, sequences: list[str]) -> None:
    assert [m.group() for m in emoji_re().finditer(text)] == sequences


@given(text=any_texts)
def test_every_multi_code_point_sequence_contains_a_hint(text: str) -> None:
    for match in emoji_re().finditer(text):
        if len(match.group()) > 1:
            assert MULTI_CODE_POINT_HINT_RE.search(match.group())
