"""measure() and check_text(): the presets' rules, invalid input, parts, properties."""

import unicodedata

import attrs
import pytest
from hypothesis import example, given
from hypothesis import strategies as st

from microblog_core.errors import InvalidTextError, TextTooLongError, ValidationError
from microblog_core.text import (
    BLUESKY,
    MASTODON,
    POLICIES,
    TWITTER_V1,
    TWITTER_V2,
    TWITTER_V3,
    WEIBO,
    WEIBO_LONG,
    EntityKind,
    Flavor,
    LengthPolicy,
    Measurement,
    PartKind,
    Reason,
    Unit,
    WeightedRange,
    check_text,
    extract,
    measure,
    utf16_length,
)
from microblog_core.text._emoji import emoji_re
from tests.text.strategies import any_texts, texts

PRESETS = [TWITTER_V1, TWITTER_V2, TWITTER_V3, WEIBO, WEIBO_LONG, MASTODON, BLUESKY]
PRESET_IDS = [policy.name for policy in PRESETS]


def length(text: str, policy: LengthPolicy = TWITTER_V3, **kwargs: str) -> int:
    return measure(text, policy, **kwargs).length


# --- Twitter ---------------------------------------------------------------------


@pytest.mark.parametrize(
    "emoji",
    [
        "\U0001faf6\U0001f3fd",  # heart hands, medium skin tone (Emoji 14)
        "\U0001f426\u200d\u2b1b",  # black bird (Emoji 15)
        "\U0001f9d1\u200d\U0001f384",  # mx claus (Emoji 13)
        "\U0001f468\u200d\U0001f469\u200d\U0001f467\u200d\U0001f466",  # family
        "\U0001f1ef\U0001f1f5",  # flag: Japan
        "\U0001f3f4\U000e0067\U000e0062\U000e0073\U000e0063\U000e0074\U000e007f",  # Scotland
        "1\ufe0f\u20e3",  # keycap one
        "#\u20e3",  # keycap without the variation selector
        "\u00a9\ufe0f",  # copyright as emoji
        "\u2764\ufe0f",  # red heart
        "\U0001f44b\U0001f3ff",  # waving hand, dark skin tone
    ],
)
def test_every_emoji_sequence_counts_two_under_v3(emoji: str) -> None:
    assert length(emoji) == 2
    assert [part.kind for part in measure(emoji).parts] == [PartKind.EMOJI]


def test_newer_emoji_count_two_not_their_code_points() -> None:
    text = "\U0001faf6\U0001f3fd\U0001f426\u200d\u2b1b\U0001f9d1\u200d\U0001f384"
    assert length(text, TWITTER_V3) == 6
    # v2 weighs each code point: 2+2, 2+1+2, 2+1+2.
    assert length(text, TWITTER_V2) == 14


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("\u00a9", 1),  # bare (c) is text, as in twemoji
        ("\u263a\ufe0e", 4),  # text presentation: two code points of weight 2
        ("\U0001f431\U0001f3fd", 4),  # a skin tone on a cat is not a modifier sequence
        ("\U0001f1ef", 2),  # a lone regional indicator
        ("\U0001f468\u200d", 3),  # a joiner with nothing to join
    ],
)
def test_what_is_not_one_emoji_sequence(text: str, expected: int) -> None:
    assert length(text) == expected


def test_v1_counts_code_points_and_urls_as_23() -> None:
    assert measure("x" * 140, TWITTER_V1).valid
    assert measure("x" * 141, TWITTER_V1).reason is Reason.TOO_LONG
    assert length("see https://example.com/" + "a" * 100, TWITTER_V1) == len("see ") + 23
    assert length("\U0001f600", TWITTER_V1) == 1


def test_v2_weights_cjk_two_and_latin_one() -> None:
    assert length("abc", TWITTER_V2) == 3
    assert length("\u4f60\u597d", TWITTER_V2) == 4
    assert length("\u2014\u2019", TWITTER_V2) == 2  # general punctuation weighs 1
    assert length("\u2038", TWITTER_V2) == 2


def test_v2_normalizes_to_nfc_first() -> None:
    decomposed = "e\u0301" * 280
    result = measure(decomposed, TWITTER_V2)
    assert result.text == unicodedata.normalize("NFC", decomposed)
    assert result.length == 280
    assert result.valid
    # The ranges stay those of the original text.
    assert result.display_range == (0, 559)


def test_urls_with_and_without_scheme_cost_23_under_twitter() -> None:
    assert length("example.com") == 23
    assert length("https://example.com/" + "p" * 200) == 23
    assert length("t.co") == 23


def test_too_long_text_has_a_valid_range_up_to_the_limit() -> None:
    result = measure("\u4f60" * 200)
    assert result.reason is Reason.TOO_LONG
    assert result.length == 400
    assert result.valid_range == (0, 139)
    assert result.display_range == (0, 199)


def test_text_that_fits_exactly_is_valid() -> None:
    assert measure("x" * 280).valid
    assert measure("x" * 281).reason is Reason.TOO_LONG


# --- invalid and unusual input -----------------------------------------------------


@pytest.mark.parametrize("bad", ["\ufffe", "\ufeff", "\uffff", chr(0xD800), chr(0xDFFF)])
@pytest.mark.parametrize("policy", PRESETS, ids=PRESET_IDS)
def test_invalid_characters_make_text_invalid_without_raising(
    bad: str, policy: LengthPolicy
) -> None:
    result = measure(f"ok {bad} ok", policy)
    assert not result.valid
    assert result.reason is Reason.INVALID_CHARACTER
    assert result.invalid_at == 3
    assert result.valid_range == (0, 2)


@pytest.mark.parametrize(
    "text", ["a\x00b", "\u200e\u200f\u202a\u202e\u2066\u2069 rtl", "\u061c\u05d0\u05d1"]
)
@pytest.mark.parametrize("policy", PRESETS, ids=PRESET_IDS)
def test_nul_and_direction_marks_are_valid(text: str, policy: LengthPolicy) -> None:
    assert measure(text, policy).valid


@pytest.mark.parametrize("policy", PRESETS, ids=PRESET_IDS)
def test_empty_text_is_invalid(policy: LengthPolicy) -> None:
    result = measure("", policy)
    assert result.reason is Reason.EMPTY
    assert (result.length, result.display_range, result.valid_range) == (0, (0, 0), (0, 0))


@pytest.mark.parametrize("policy", PRESETS, ids=PRESET_IDS)
def test_a_megabyte_is_measured(policy: LengthPolicy) -> None:
    text = ("lorem ipsum \u4f60\u597d \U0001f600 http://example.com/x #tag @user\n" * 20_000)[
        :1_000_000
    ]
    result = measure(text, policy)
    assert result.reason is Reason.TOO_LONG
    assert result.display_range == (0, utf16_length(text) - 1)


def test_arguments_of_the_wrong_type_give_validation_errors() -> None:
    with pytest.raises(ValidationError, match="text must be a str"):
        measure(b"bytes")  # type: ignore[arg-type]
    with pytest.raises(ValidationError, match="content_warning must be a str"):
        measure("x", MASTODON, content_warning=None)  # type: ignore[arg-type]
    with pytest.raises(ValidationError, match="policy must be a LengthPolicy"):
        measure("x", "twitter")  # type: ignore[arg-type]


# --- Weibo ----------------------------------------------------------------------


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("\u4f60\u597d", 2),  # two CJK characters: 4 bytes
        ("abc", 2),  # 3 bytes round up to 2
        ("ab", 1),
        ("\xe9", 1),  # Latin-1 is one byte
        ("\u0100", 1),  # above U+00FF: two bytes
        ("\U0001f600", 2),  # an astral character is two units of two bytes
        ("a\r\nb", 2),  # CRLF counts as LF: 3 bytes
        ("http://t.cn/abcdefg", 10),  # an http(s) URL costs 20 bytes
        ("example.com", 6),  # without a scheme it is text: 11 bytes
    ],
)
def test_weibo_counts_bytes_then_halves(text: str, expected: int) -> None:
    assert length(text, WEIBO) == expected


def test_weibo_long_url_costs_its_bytes_beyond_140() -> None:
    url = "https://example.com/" + "p" * 180  # 200 bytes
    result = measure(url, WEIBO)
    assert result.weight == 200 - 140 + 20
    assert [(p.kind, p.cost) for p in result.parts] == [(PartKind.URL, 80)]


def test_weibo_limit_is_140_characters_of_two_bytes() -> None:
    assert measure("\u4f60" * 140, WEIBO).valid
    assert measure("\u4f60" * 141, WEIBO).reason is Reason.TOO_LONG
    assert measure("x" * 280, WEIBO).valid


def test_weibo_long_folds_after_140() -> None:
    short = measure("\u4f60" * 140, WEIBO_LONG)
    assert (short.folded, short.fold_at) == (False, None)
    long = measure("\u4f60" * 150 + "x" * 10, WEIBO_LONG)
    assert long.valid
    assert long.folded
    assert long.fold_at == 140
    assert measure("\u4f60" * 2001, WEIBO_LONG).reason is Reason.TOO_LONG


def test_weibo_fold_never_splits_a_url() -> None:
    text = "x" * 270 + " http://t.cn/abcdefg"
    result = measure(text, WEIBO_LONG)
    assert result.folded
    assert result.fold_at == 271


# --- Mastodon and Bluesky --------------------------------------------------------


def test_mastodon_counts_graphemes_of_warning_and_text() -> None:
    family = "\U0001f468\u200d\U0001f469\u200d\U0001f467\u200d\U0001f466"
    assert length(family, MASTODON) == 1
    assert length("e\u0301", MASTODON) == 1
    result = measure("x" * 490, MASTODON, content_warning="spoilers!!!")
    assert result.length == 501
    assert result.content_warning_weight == 11
    assert result.reason is Reason.TOO_LONG
    assert result.parts[0].kind is PartKind.CONTENT_WARNING
    assert measure("x" * 490, MASTODON, content_warning="cw").valid


def test_mastodon_prices_urls_with_a_scheme_only() -> None:
    assert length("https://example.com/" + "a" * 100, MASTODON) == 23
    assert length("example.com", MASTODON) == 11


def test_mastodon_counts_a_remote_mention_as_the_local_part() -> None:
    assert length("@alice@example.social", MASTODON) == len("@alice")
    parts = measure("hi @alice@example.social", MASTODON).parts
    assert [(p.kind, p.cost) for p in parts] == [(PartKind.TEXT, 3), (PartKind.MENTION, 6)]
    assert length("@alice", MASTODON) == 6


def test_the_content_warning_counts_only_where_the_policy_says() -> None:
    assert measure("x", TWITTER_V3, content_warning="w" * 500).valid
    assert measure("x", MASTODON, content_warning="\ufffe").reason is Reason.INVALID_CHARACTER


def test_bluesky_has_a_grapheme_limit_and_a_byte_cap() -> None:
    assert measure("a" * 300, BLUESKY).valid
    assert measure("a" * 301, BLUESKY).reason is Reason.TOO_LONG
    family = "\U0001f468\u200d\U0001f469\u200d\U0001f467\u200d\U0001f466"  # 25 bytes
    result = measure(family * 130, BLUESKY)
    assert result.length == 130
    assert result.reason is Reason.TOO_MANY_BYTES
    assert result.byte_length == 3250
    # The valid prefix stops at the last whole family within 3,000 bytes.
    assert result.valid_range == (0, 120 * 11 - 1)


def test_bluesky_counts_urls_as_text() -> None:
    assert length("https://example.com", BLUESKY) == 19


# --- parts and describe -------------------------------------------------------------


def test_parts_say_what_each_piece_costs() -> None:
    result = measure("Hi @bob \U0001f426\u200d\u2b1b https://example.com/x!")
    assert [(p.kind, p.text, p.cost) for p in result.parts] == [
        (PartKind.TEXT, "Hi @bob ", 800),
        (PartKind.EMOJI, "\U0001f426\u200d\u2b1b", 200),
        (PartKind.TEXT, " ", 100),
        (PartKind.URL, "https://example.com/x", 2300),
        (PartKind.TEXT, "!", 100),
    ]
    assert result.parts[3].span == (12, 33)


def test_describe_is_a_readable_breakdown() -> None:
    text = measure("Hi http://test.co", TWITTER_V3).describe()
    assert text.splitlines() == [
        "twitter_v3: 26/280 (valid; 92\u2030 of the limit, rounded down)",
        '  text                    3  "Hi "',
        '  url                    23  "http://test.co"',
    ]
    broken = measure("ab\ufffe", WEIBO).describe()
    assert "invalid: invalid_character" in broken
    assert "U+FFFE at offset 2" in broken
    assert "0.5" in measure("a", WEIBO).describe()
    assert "folds after code point 140" in measure("\u4f60" * 141, WEIBO_LONG).describe()
    many = measure("\U0001f600 " * 100).describe().splitlines()
    assert len(many) == 1 + 50 + 1
    assert many[-1] == "  ... and 150 more parts"


# --- check_text ------------------------------------------------------------------------


def test_check_text_returns_the_measurement_of_a_valid_text() -> None:
    assert isinstance(check_text("hello"), Measurement)


def test_check_text_raises_too_long_with_the_numbers() -> None:
    with pytest.raises(TextTooLongError) as caught:
        check_text("\u4f60" * 150, WEIBO, field="body")
    error = caught.value
    assert (error.length, error.limit, error.field) == (150, 140, "body")
    assert isinstance(error.measurement, Measurement)
    assert isinstance(error, ValueError)
    assert "body is 150 characters long; the limit is 140 characters" in str(error)


@pytest.mark.parametrize(
    ("text", "policy", "reason"),
    [
        ("", TWITTER_V3, "empty"),
        ("a\uffffb", TWITTER_V3, "invalid_character"),
        (
            "\U0001f468\u200d\U0001f469\u200d\U0001f467\u200d\U0001f466" * 130,
            BLUESKY,
            "too_many_bytes",
        ),
    ],
)
def test_check_text_raises_invalid_text_with_the_reason(
    text: str, policy: LengthPolicy, reason: str
) -> None:
    with pytest.raises(InvalidTextError) as caught:
        check_text(text, policy)
    assert caught.value.reason == reason
    assert caught.value.measurement.reason == reason


def test_check_text_names_an_invalid_character_in_the_warning() -> None:
    with pytest.raises(InvalidTextError, match="content warning"):
        check_text("x", MASTODON, content_warning="\ufeff")


# --- custom policies --------------------------------------------------------------------


def test_a_user_built_policy_is_honoured() -> None:
    cheap_emoji = attrs.evolve(TWITTER_V3, name="cheap", emoji_weight=100)
    assert measure("\U0001f600", cheap_emoji).length == 1
    assert measure("\U0001f468\u200d\U0001f469", cheap_emoji).length == 1
    ranged = LengthPolicy(
        name="ranged",
        limit=10,
        scale=10,
        default_weight=10,
        ranges=(WeightedRange(0x1F600, 0x1F64F, 5),),
        emoji_weight=10,
    )
    # The range makes a single smiley cheaper than an emoji: emoji price wins.
    assert measure("\U0001f600", ranged).weight == 10
    assert measure("\U0001f600", attrs.evolve(ranged, emoji_weight=None)).weight == 5


def test_code_point_and_grapheme_units_use_the_default_weight() -> None:
    doubled = LengthPolicy(name="double", limit=10, unit=Unit.CODE_POINTS, default_weight=2)
    assert measure("abc", doubled).length == 6
    graphemes = LengthPolicy(name="g", limit=10, unit=Unit.GRAPHEMES, scale=2, default_weight=1)
    assert measure("e\u0301\u4f60x", graphemes).length == 2


# --- properties ---------------------------------------------------------------------------


def _reference_parse_tweet(text: str, policy: LengthPolicy) -> tuple[int, bool, int, int]:
    """twitter-text's parseTweet loop, step by step over UTF-16 code units."""
    normalized = unicodedata.normalize("NFC", text)
    units = normalized.encode("utf-16-le", "surrogatepass")
    urls = {
        e.start: e.end for e in extract(normalized, flavor=Flavor.TWITTER, kinds=[EntityKind.URL])
    }
    emoji: dict[int, int] = {}
    if policy.emoji_weight is not None:
        emoji = {m.start(): m.end() for m in emoji_re().finditer(normalized)}
    to16 = [0]
    for char in normalized:
        to16.append(to16[-1] + (2 if char > "\uffff" else 1))
    weight = 0
    last_valid = 0
    valid = True
    index = 0
    while index < len(normalized):
        if index in urls:
            end = urls[index]
            weight += policy.url_weight or 0
        elif index in emoji:
            end = emoji[index]
            weight += policy.emoji_weight or 0
        else:
            end = index + 1
            weight += policy.weight_of(normalized[index])
        last_unit = units[2 * (to16[end] - 1) : 2 * to16[end]].decode("utf-16-le", "surrogatepass")
        piece = normalized[index:end]
        if valid and (
            last_unit in "\ufffe\ufeff\uffff" or any("\ud800" <= c <= "\udfff" for c in piece)
        ):
            valid = False
        if valid and weight <= policy.limit * policy.scale:
            last_valid = to16[end] - 1
        index = end
    valid_end = last_valid + utf16_length(text) - utf16_length(normalized)
    length = -(-weight // policy.scale)
    ok = valid and 0 < weight <= policy.limit * policy.scale
    return length, ok, weight * 1000 // (policy.limit * policy.scale), valid_end


@pytest.mark.parametrize("policy", [TWITTER_V1, TWITTER_V2, TWITTER_V3], ids=lambda p: p.name)
@given(text=any_texts)
@example(text="\ufb2c\ufb2c" * 150)
@example(text="\U0001f637" * 141)
def test_matches_a_step_by_step_parse_tweet(policy: LengthPolicy, text: str) -> None:
    result = measure(text, policy)
    expected_length, expected_valid, permillage, valid_end = _reference_parse_tweet(text, policy)
    assert (result.length, result.valid, result.permillage) == (
        expected_length,
        expected_valid,
        permillage,
    )
    if result.reason is Reason.EMPTY:
        assert result.valid_range == (0, 0)
    else:
        assert result.valid_range == (0, min(max(valid_end, 0), result.display_range[1]))


@pytest.mark.parametrize("policy", list(POLICIES.values()), ids=list(POLICIES))
@given(text=any_texts, warning=texts)
def test_measure_is_deterministic_total_and_consistent(
    policy: LengthPolicy, text: str, warning: str
) -> None:
    result = measure(text, policy, content_warning=warning)
    assert result == measure(text, policy, content_warning=warning)
    assert sum(part.cost for part in result.parts) == result.weight
    assert result.length == -(-result.weight // policy.scale)
    assert result.valid is (result.reason is None)
    assert result.permillage == result.weight * 1000 // (policy.limit * policy.scale)
    assert result.display_range == (0, max(utf16_length(text) - 1, 0))
    assert 0 <= result.valid_range[1] <= result.display_range[1]
    for part in result.parts:
        if part.kind is not PartKind.CONTENT_WARNING:
            assert result.text[part.span[0] : part.span[1]] == part.text
    if result.fold_at is not None:
        assert 0 <= result.fold_at <= len(result.text)


@pytest.mark.parametrize("policy", list(POLICIES.values()), ids=list(POLICIES))
@given(head=any_texts, separator=st.sampled_from([" ", "\n", "\u3000"]), tail=texts)
def test_appending_after_white_space_never_shortens(
    policy: LengthPolicy, head: str, separator: str, tail: str
) -> None:
    assert measure(head + separator + tail, policy).length >= measure(head, policy).length


@given(head=any_texts, tail=texts)
def test_appending_never_shortens_a_grapheme_count(head: str, tail: str) -> None:
    assert measure(head + tail, BLUESKY).length >= measure(head, BLUESKY).length


@pytest.mark.parametrize(
    ("head", "tail", "policy"),
    [
        ("a" * 40 + ".c", "om", TWITTER_V3),  # the text becomes a URL: 23
        ("\U0001f468\u200d", "\U0001f469", TWITTER_V3),  # a ZWJ sequence completes: 2
        ("http://" + "a" * 40 + ".c", "om", MASTODON),
    ],
)
def test_appending_can_shorten_where_urls_and_emoji_are_discounted(
    head: str, tail: str, policy: LengthPolicy
) -> None:
    # Why the append property above needs white space: this is the rule.
    assert measure(head + tail, policy).length < measure(head, policy).length
