"""Post texts under a length policy: valid, or just too long for it.

The public names are re-exported by :mod:`microblog_core.testing.strategies`.
"""

import functools

import regex
from hypothesis import strategies as st
from hypothesis.errors import InvalidArgument

from microblog_core.testing._values import _WORD_CHARS
from microblog_core.text import TWITTER_V3, LengthPolicy, Reason, measure

# --- texts under a length policy -------------------------------------------------------

MAX_OVERSHOOT = 12
# Documented where the public facade binds it: microblog_core.testing.strategies.

_GRAPHEME = regex.compile(r"\X")
_ZWJ = "\u200d"
_VS16 = "\ufe0f"
_SKIN_TONES = tuple(chr(c) for c in range(0x1F3FB, 0x1F400))
_COUNTRIES = ("JP", "CN", "US", "DE", "FR", "BR", "KR", "GB", "TW", "IN", "UA", "NG")
_PEOPLE = ("👨", "👩", "👧", "👦", "🧑")
_EMOJI_SINGLES = st.sampled_from(
    ("😀", "🎉", "❤️", "✨", "🐼", "🀄", "☕", "🔥", "👀", "✔️", "☺", "🫠")
)
_EMOJI_SEQUENCES = st.one_of(
    _EMOJI_SINGLES,
    # Skin tone modifier sequences.
    st.tuples(st.sampled_from(("👍", "👋", "🙌", "👩", "🧑")), st.sampled_from(_SKIN_TONES)).map(
        "".join
    ),
    # ZWJ sequences: families of 2 to 4 people, and fixed ones (profession, flag, heart).
    st.lists(st.sampled_from(_PEOPLE), min_size=2, max_size=4).map(_ZWJ.join),
    st.sampled_from(("👩🏽‍💻", "🏳️‍🌈", "🧑‍🤝‍🧑", "❤️‍🔥", "👁️‍🗨️", "🐻‍❄️")),
    # Flags: pairs of regional indicators.
    st.sampled_from(_COUNTRIES).map(lambda c: "".join(chr(0x1F1E6 + ord(x) - 65) for x in c)),
    # Keycaps.
    st.sampled_from("0123456789#*").map(lambda k: f"{k}{_VS16}\u20e3"),
    # Tag sequences (England, Scotland, Wales).
    st.sampled_from(
        (
            "🏴\U000e0067\U000e0062\U000e0065\U000e006e\U000e0067\U000e007f",
            "🏴\U000e0067\U000e0062\U000e0073\U000e0063\U000e0074\U000e007f",
            "🏴\U000e0067\U000e0062\U000e0077\U000e006c\U000e0073\U000e007f",
        )
    ),
)


def _letters(first: int, last: int) -> st.SearchStrategy[str]:
    """Assigned letters between two code points (inclusive)."""
    return st.characters(min_codepoint=first, max_codepoint=last, categories=["L"])


_ASCII_ALNUM = "abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789"
_ASCII_WORDS = st.tuples(
    st.text(_ASCII_ALNUM, min_size=1, max_size=12), st.sampled_from(("", ".", ",", "!", "?", ":"))
).map("".join)
# Latin-1, Latin Extended, Greek and Cyrillic weigh 1 on Twitter but are two Weibo
# bytes above U+00FF; the typographic punctuation tests Twitter's narrow ranges
# (U+2010-U+201F and U+2032-U+2037 weigh 1, "…" U+2026 too, "※" U+203B weighs 2);
# "e" + U+0301 is NFC-normalised by Twitter and one grapheme on Mastodon.
_OTHER_WORDS = st.one_of(
    st.text(_letters(0xC0, 0x24F), min_size=1, max_size=8),  # Latin-1 and Latin Extended
    st.text(_letters(0x391, 0x3C9), min_size=1, max_size=8),  # Greek
    st.text(_letters(0x410, 0x44F), min_size=1, max_size=8),  # Cyrillic
    st.sampled_from(
        ("café", "cafe\u0301", "naïve", "Straße", "—", "“quoted”", "‘x’", "…", "′″", "※", "€5")
    ),
)
_CJK_CHARS = st.one_of(
    _letters(0x4E00, 0x9FFF),  # CJK ideographs
    _letters(0x3041, 0x30FA),  # kana
    _letters(0xAC00, 0xD7A3),  # hangul syllables
    st.sampled_from("，。！？：；「」（）、〜"),  # full-width punctuation
)
_CJK_RUNS = st.text(_CJK_CHARS, min_size=1, max_size=12)
_LABELS = st.text("abcdefghijklmnopqrstuvwxyz0123456789", min_size=1, max_size=12)
_TLDS = st.sampled_from(("com", "org", "net", "co", "io", "jp", "cn", "de", "social", "co.uk"))
_PATH_CHARS = _ASCII_ALNUM + "-_.~"


_URL_PATHS = st.one_of(
    st.just(""),
    st.text(_PATH_CHARS, max_size=30).map("/{}".format),
    # Long enough to pass Weibo's 140 bytes, past which a URL costs more than 20.
    st.tuples(st.sampled_from(_PATH_CHARS), st.integers(min_value=120, max_value=200)).map(
        lambda pair: "/" + pair[0] * pair[1]
    ),
)


@st.composite
def _urls(draw: st.DrawFn) -> str:
    """A URL with or without a scheme, sometimes with a long path (Weibo's 140-byte rule)."""
    scheme = draw(st.sampled_from(("https://", "http://", "", "www.")))
    host = f"{draw(_LABELS)}.{draw(_TLDS)}"
    path = draw(_URL_PATHS)
    query = draw(st.sampled_from(("", "?q=1", "?lang=zh&page=2", "#top")))
    return f"{scheme}{host}{path}{query}"


_HANDLE_TEXT = st.text(_WORD_CHARS, min_size=1, max_size=15)
_MENTIONS = st.tuples(
    _HANDLE_TEXT, st.one_of(st.just(""), st.tuples(_LABELS, _TLDS).map("@{0[0]}.{0[1]}".format))
).map("@{0[0]}{0[1]}".format)
_HASHTAGS = st.one_of(
    st.text(_WORD_CHARS, min_size=1, max_size=15).map("#{}".format),
    _CJK_RUNS.map("#{}".format),
    st.text(_letters(0x4E00, 0x9FFF), min_size=1, max_size=8).map(
        "#{}#".format  # a Weibo topic
    ),
    st.text("ABCDEFGHIJKLMNOPQRSTUVWXYZ", min_size=1, max_size=5).map("${}".format),  # cashtag
)
# Separators between pieces; "" glues pieces together, so entities meet other text.
_SEPARATORS = st.sampled_from((" ", "", "\n", "\r\n", ", ", "\u3000", "  "))
# One grapheme repeated: the quick way to reach a policy's limit. The family emoji
# is 25 UTF-8 bytes in one grapheme, and "a" with three marks is 7: they reach
# Bluesky's byte cap before its grapheme limit.
_FILLERS = (
    "a",
    "汉",
    "😀",
    "é",
    "👨‍👩‍👧‍👦",
    "a\u0301\u0302\u0303",
    "🇯🇵",
)


@functools.cache
def _pieces(run_max: int) -> st.SearchStrategy[str]:
    runs = st.tuples(st.sampled_from(_FILLERS), st.integers(min_value=1, max_value=run_max)).map(
        lambda pair: pair[0] * pair[1]
    )
    return st.one_of(
        _ASCII_WORDS,
        _CJK_RUNS,
        _EMOJI_SEQUENCES,
        _urls(),
        _MENTIONS,
        _HASHTAGS,
        _OTHER_WORDS,
        runs,
    )


def _boundaries(text: str) -> list[int]:
    """The code point offsets that end each grapheme cluster of ``text``."""
    return [match.end() for match in _GRAPHEME.finditer(text)]


def _longest_valid_prefix(text: str, policy: LengthPolicy) -> tuple[str, str]:
    """Cut ``text`` at grapheme boundaries: its longest valid prefix, and the next one.

    ``text`` must be invalid and its first grapheme valid; validity is not
    monotone in the prefix (a URL may be cheaper than its beginning), so this
    finds *a* boundary where a valid prefix meets an invalid one by bisection.
    """
    ends = _boundaries(text)
    low, high = 0, len(ends) - 1  # ends[low] is valid, ends[high] is invalid
    while high - low > 1:
        middle = (low + high) // 2
        if measure(text[: ends[middle]], policy).valid:
            low = middle
        else:
            high = middle
    return text[: ends[low]], text[: ends[high]]


def _just_over(prefix: str, policy: LengthPolicy) -> str:
    """Extend a valid ``prefix`` with a space and ``a``s until it is just too long."""
    base = measure(prefix + " ", policy)
    if not base.valid:
        return prefix + " "
    per_a = measure("a", policy).weight
    missing = policy.limit * policy.scale - base.weight  # weight still allowed
    count = max(1, missing // max(per_a, 1))
    candidate = prefix + " " + "a" * count
    while measure(candidate, policy).valid:  # a step or two at most
        candidate += "a"
    return candidate


def _is_just_over(text: str, policy: LengthPolicy) -> bool:
    measured = measure(text, policy)
    if measured.reason is Reason.TOO_MANY_BYTES:
        return True
    return measured.reason is Reason.TOO_LONG and measured.length <= policy.limit + MAX_OVERSHOOT


@st.composite
def _texts(draw: st.DrawFn, policy: LengthPolicy, valid: bool, run_max: int) -> str:
    pieces = draw(st.lists(st.tuples(_SEPARATORS, _pieces(run_max)), min_size=1, max_size=12))
    text = pieces[0][1] + "".join(separator + piece for separator, piece in pieces[1:])
    # Every piece starts with a visible grapheme, but under a tiny custom limit one
    # grapheme may already be too long: then "a" (checked valid) leads.
    first = text[: _boundaries(text)[0]]
    if not measure(first, policy).valid:
        text = "a " + text
    measured = measure(text, policy)
    if valid:
        return text if measured.valid else _longest_valid_prefix(text, policy)[0]
    filler = draw(st.sampled_from(_FILLERS))
    if measured.valid:
        # Pad past the limit with a filler, then cut back to just over it.
        per_filler = max(1, measure(filler, policy).weight)
        room = policy.limit * policy.scale - measured.weight
        text = f"{text} {filler * (room // per_filler + 2)}"
    prefix, over = _longest_valid_prefix(text, policy)
    if _is_just_over(over, policy):
        return over
    return _just_over(prefix, policy)


def texts(*, policy: LengthPolicy = TWITTER_V3, valid: bool = True) -> st.SearchStrategy[str]:
    r"""Generate post texts that are valid under ``policy`` (or, with ``valid=False``, just not).

    Texts are built from pieces that the counting rules treat differently:
    ASCII words; Latin, Greek and Cyrillic letters (one Twitter unit, two
    Weibo bytes above U+00FF) and typographic punctuation from Twitter's
    narrow weight ranges; runs of CJK ideographs, kana, hangul and full-width
    punctuation; emoji sequences (single, skin tone, ZWJ, flag, keycap and
    tag sequences); URLs with and without a scheme, some longer than 140 bytes;
    ``@mentions`` and fediverse ``@user@domain``; ``#hashtags``, Weibo
    ``#话题#`` topics and ``$CASHTAGS``; and one grapheme repeated many
    times, to reach the limit. Pieces are joined by spaces, newlines,
    ``\r\n``, an ideographic space or nothing (so entities also touch other
    text). :func:`~microblog_core.text.measure` then decides: a text over the
    limit is cut back at a grapheme boundary, so long texts end right at
    the limit.

    - ``valid=True`` (the default): ``measure(text, policy).valid`` holds.
      Texts range from one grapheme to the limit, and are never blank.
    - ``valid=False``: the text is invalid only for its size, and only just:
      either too long by at most :data:`MAX_OVERSHOOT` length units
      (``policy.limit < length <= policy.limit + MAX_OVERSHOOT``), or, under
      a policy with a byte cap (Bluesky), within the length limit but over
      the cap by its last grapheme.

    Nothing is filtered or rejected, so generation stays fast: every draw
    gives a text. Shrinking removes pieces, shortens them and simplifies
    them toward ASCII, so a failing valid text shrinks to a few characters
    (the smallest text that still fails), and a failing invalid one toward
    a run of ``a`` just past the limit.

    Args:
        policy: The length policy (default :data:`~microblog_core.text.TWITTER_V3`);
            the presets or any :class:`~microblog_core.text.LengthPolicy` under
            which ``"a"`` is valid.
        valid: Whether to generate valid texts or texts just too long.

    Returns:
        A strategy of strings.

    Raises:
        InvalidArgument: ``policy`` is not a LengthPolicy, admits no ``"a"``,
            or ``valid`` is not a bool.

    Example:
        >>> from hypothesis import given
        >>> from microblog_core.testing.strategies import texts
        >>> from microblog_core.text import WEIBO, measure
        >>> @given(texts(policy=WEIBO), texts(policy=WEIBO, valid=False))
        ... def test_weibo_counts(good, bad):
        ...     assert measure(good, WEIBO).valid and not measure(bad, WEIBO).valid
        >>> test_weibo_counts()
    """
    if not isinstance(policy, LengthPolicy):
        raise InvalidArgument(f"policy={policy!r} must be a LengthPolicy")
    if not isinstance(valid, bool):
        raise InvalidArgument(f"valid={valid!r} must be a bool")
    if not measure("a", policy).valid:
        raise InvalidArgument(f"policy={policy.name!r} does not even admit the text 'a'")
    return _policy_texts(policy, valid)


@functools.cache
def _policy_texts(policy: LengthPolicy, valid: bool) -> st.SearchStrategy[str]:
    # Enough repeats of the lightest grapheme (a Weibo "a" is half a unit) to pass the limit.
    return _texts(policy, valid, 2 * policy.limit + 2)
