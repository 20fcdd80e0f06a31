"""Hypothesis strategies for post text that reach every scanner."""

from hypothesis import strategies as st

PIECES = (
    "http://",
    "https://",
    "HTTPS://",
    "www.",
    "example",
    ".com",
    ".co",
    ".jp",
    ".みんな",
    "t.co/",
    "/path",
    "(x)",
    "?q=1",
    "#tag",
    "＃タグ",
    "#話題#",
    "@user",
    "@user@example.social",
    "@user/list",
    "RT @",
    "$CASH",
    "😷",
    "👨\u200d👩\u200d👧\u200d👦",
    "🐦\u200d⬛",
    "🫶🏽",
    "🇯🇵",
    "🏴\U000e0067\U000e0062\U000e0073\U000e0063\U000e0074\U000e007f",
    "🏽",
    "\u200d",
    "\ufe0f",
    "\ufe0e",
    "1\u20e3",
    "©",
    "e\u0301",
    "\ufb2c",
    "你好",
    "한국",
    "\r\n",
    "\n",
    " ",
    "\u3000",
    ".",
    "-",
    "_",
    "&",
    "<",
    ">",
    '"',
    "\ufffe",
    "\ufeff",
    "\uffff",
    "\ud83d",
    "\x00",
    "\u202a",
    "\u2066",
    "\u0600",
    "à",
    "x",
)

characters = st.one_of(
    st.sampled_from(PIECES),
    st.characters(exclude_categories=()),
    st.characters(categories=["Cs"]),
)
"""A piece of text: a fragment that triggers a scanner, or any code point (surrogates too)."""

texts = st.lists(characters, max_size=40).map("".join)
"""Short texts built from :data:`characters`."""

long_texts = st.tuples(texts, st.integers(min_value=1, max_value=40)).map(lambda t: t[0] * t[1])
"""Texts repeated so that they often cross a length limit."""

any_texts = st.one_of(texts, long_texts, st.text())
"""Everything above, plus Hypothesis' own text strategy."""
