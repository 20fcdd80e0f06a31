"""``texts()``: valid and just-invalid texts for every length policy, built to exercise counting."""

import string
from collections.abc import Callable

import pytest
from hypothesis import Phase, find, given, settings
from hypothesis import strategies as st
from hypothesis.errors import InvalidArgument

from microblog_core import ManualClock
from microblog_core.errors import InvalidTextError, TextTooLongError
from microblog_core.service import Microblog
from microblog_core.testing import strategies as mst
from microblog_core.testing.strategies import MAX_OVERSHOOT, texts
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
    LengthPolicy,
    PartKind,
    Reason,
    Unit,
    extract,
    measure,
)

PRESETS = [TWITTER_V1, TWITTER_V2, TWITTER_V3, WEIBO, WEIBO_LONG, MASTODON, BLUESKY]
IDS = [p.name for p in PRESETS]
# Shrinking without the explain phase, which replays a shrunk example many times.
FIND = settings(
    database=None, max_examples=2_000, derandomize=True, phases=[Phase.generate, Phase.shrink]
)
FIND_ANY = settings(database=None, max_examples=2_000, derandomize=True, phases=[Phase.generate])


def test_every_preset_is_covered() -> None:
    assert set(PRESETS) == set(POLICIES.values())


# --- what is generated passes the library's own validation ------------------------------


@pytest.mark.parametrize("policy", PRESETS, ids=IDS)
def test_valid_texts_are_valid_under_their_policy(policy: LengthPolicy) -> None:
    @given(texts(policy=policy))
    def check(text: str) -> None:
        measured = measure(text, policy)
        assert measured.valid, measured.describe()
        assert text.strip(), "a valid text is never blank"

    check()


@pytest.mark.parametrize("policy", PRESETS, ids=IDS)
def test_invalid_texts_are_just_outside_their_policy(policy: LengthPolicy) -> None:
    @given(texts(policy=policy, valid=False))
    def check(text: str) -> None:
        measured = measure(text, policy)
        assert not measured.valid
        if measured.reason is Reason.TOO_MANY_BYTES:
            assert policy.max_bytes is not None
            assert measured.length <= policy.limit
        else:
            assert measured.reason is Reason.TOO_LONG, measured.describe()
            assert policy.limit < measured.length <= policy.limit + MAX_OVERSHOOT

    check()


@pytest.mark.parametrize("policy", PRESETS, ids=IDS)
def test_the_service_accepts_valid_texts_and_refuses_invalid_ones(policy: LengthPolicy) -> None:
    blog = Microblog.in_memory(clock=ManualClock(), policy=policy)
    author = blog.register("author").id

    @settings(max_examples=25)
    @given(texts(policy=policy), texts(policy=policy, valid=False))
    def check(good: str, bad: str) -> None:
        assert blog.post(author, good).text == good
        too_long = measure(bad, policy).reason is Reason.TOO_LONG
        with pytest.raises(TextTooLongError if too_long else InvalidTextError):
            blog.post(author, bad)

    check()


def test_a_text_over_bluesky_byte_cap_is_refused_as_invalid_not_too_long() -> None:
    # Found by Hypothesis: within 300 graphemes, over 3,000 bytes.
    text = "、 " + "👨\u200d👩\u200d👧\u200d👦" * 120
    assert measure(text, BLUESKY).reason is Reason.TOO_MANY_BYTES
    blog = Microblog.in_memory(clock=ManualClock(), policy=BLUESKY)
    with pytest.raises(InvalidTextError):
        blog.post(blog.register("author").id, text)


@given(st.data())
def test_texts_work_as_the_text_of_generated_posts(data: st.DataObject) -> None:
    policy = data.draw(st.sampled_from(PRESETS))
    post = data.draw(mst.posts(kinds=("original", "reply", "quote"), texts=texts(policy=policy)))
    assert measure(post.text, policy).valid


# --- the texts exercise the counting rules ----------------------------------------------


def parts_of(policy: LengthPolicy) -> Callable[[str], set[PartKind]]:
    return lambda text: {part.kind for part in measure(text, policy).parts}


@pytest.mark.parametrize(
    ("policy", "kind"),
    [
        (TWITTER_V1, PartKind.URL),
        (TWITTER_V2, PartKind.URL),
        (TWITTER_V3, PartKind.URL),
        (TWITTER_V3, PartKind.EMOJI),
        (WEIBO, PartKind.URL),
        (WEIBO_LONG, PartKind.URL),
        (MASTODON, PartKind.URL),
        (MASTODON, PartKind.MENTION),
    ],
    ids=lambda v: getattr(v, "name", str(v)),
)
def test_valid_texts_contain_what_each_policy_prices_specially(
    policy: LengthPolicy, kind: PartKind
) -> None:
    kinds = parts_of(policy)
    find(texts(policy=policy), lambda t: kind in kinds(t), settings=FIND_ANY)


@pytest.mark.parametrize(
    "has",
    [
        pytest.param(lambda t: any("\u4e00" <= c <= "\u9fff" for c in t), id="cjk"),
        pytest.param(lambda t: "\u200d" in t, id="zwj-sequence"),
        pytest.param(lambda t: any(0x1F3FB <= ord(c) <= 0x1F3FF for c in t), id="skin-tone"),
        pytest.param(lambda t: any(0x1F1E6 <= ord(c) <= 0x1F1FF for c in t), id="flag"),
        pytest.param(lambda t: "\u20e3" in t, id="keycap"),
        pytest.param(lambda t: "\U000e007f" in t, id="tag-sequence"),
        pytest.param(lambda t: "\u0301" in t, id="combining-mark"),
        pytest.param(lambda t: "\r\n" in t, id="crlf"),
        pytest.param(lambda t: any(e.kind is EntityKind.HASHTAG for e in extract(t)), id="hashtag"),
        pytest.param(lambda t: any(e.kind is EntityKind.MENTION for e in extract(t)), id="mention"),
        pytest.param(lambda t: any(e.kind is EntityKind.URL for e in extract(t)), id="url"),
        pytest.param(
            lambda t: any(e.kind is EntityKind.URL and "://" not in e.text for e in extract(t)),
            id="url-without-scheme",
        ),
    ],
)
def test_valid_texts_mix_scripts_emoji_and_entities(has: Callable[[str], bool]) -> None:
    find(texts(), has, settings=FIND_ANY)


@pytest.mark.parametrize("policy", [WEIBO, WEIBO_LONG], ids=lambda p: p.name)
def test_weibo_texts_include_urls_past_the_140_byte_discount(policy: LengthPolicy) -> None:
    def long_url(text: str) -> bool:
        return any(p.kind is PartKind.URL and p.cost > 20 for p in measure(text, policy).parts)

    find(texts(policy=policy), long_url, settings=FIND_ANY)


@pytest.mark.parametrize("policy", PRESETS, ids=IDS)
def test_valid_texts_reach_the_limit_exactly(policy: LengthPolicy) -> None:
    text = find(
        texts(policy=policy), lambda t: measure(t, policy).length == policy.limit, settings=FIND_ANY
    )
    assert measure(text, policy).valid


@pytest.mark.parametrize("policy", PRESETS, ids=IDS)
def test_invalid_texts_include_one_unit_over_the_limit(policy: LengthPolicy) -> None:
    find(
        texts(policy=policy, valid=False),
        lambda t: measure(t, policy).length == policy.limit + 1,
        settings=FIND_ANY,
    )


@pytest.mark.parametrize("reason", [Reason.TOO_LONG, Reason.TOO_MANY_BYTES])
def test_bluesky_invalid_texts_break_either_limit(reason: Reason) -> None:
    find(
        texts(policy=BLUESKY, valid=False),
        lambda t: measure(t, BLUESKY).reason is reason,
        settings=FIND_ANY,
    )


@pytest.mark.parametrize("valid", [True, False])
def test_texts_follow_a_custom_policy_with_a_tiny_limit(valid: bool) -> None:
    tiny = LengthPolicy(name="tiny", limit=3, unit=Unit.GRAPHEMES)

    @given(texts(policy=tiny, valid=valid))
    def check(text: str) -> None:
        measured = measure(text, tiny)
        assert measured.valid is valid
        assert measured.length <= 3 + (0 if valid else MAX_OVERSHOOT)

    check()


def test_a_first_grapheme_too_heavy_for_the_limit_gives_way_to_a() -> None:
    # Under a limit of 1 on the Twitter v2 weights, a CJK character (2) never fits.
    narrow = LengthPolicy(
        name="narrow", limit=1, scale=100, default_weight=200, ranges=TWITTER_V2.ranges
    )

    @given(texts(policy=narrow))
    def check(text: str) -> None:
        assert measure(text, narrow).valid

    check()
    assert find(texts(policy=narrow), lambda t: True, settings=FIND) == "0"
    assert find(texts(policy=narrow), lambda t: t == "a", settings=FIND_ANY) == "a"


# --- shrinking --------------------------------------------------------------------------


@pytest.mark.parametrize("policy", PRESETS, ids=IDS)
def test_a_failing_text_shrinks_to_a_short_one(policy: LengthPolicy) -> None:
    # "Fails when the text holds an emoji or a CJK character": the minimal text is one.
    def wide(text: str) -> bool:
        return any(ord(c) >= 0x3000 for c in text)

    shrunk = find(texts(policy=policy), wide, settings=FIND)
    assert len(shrunk) <= 2, repr(shrunk)
    assert find(texts(policy=policy), lambda t: True, settings=FIND) == "0"


@pytest.mark.parametrize("policy", [TWITTER_V3, WEIBO, MASTODON], ids=lambda p: p.name)
def test_a_text_failing_from_some_length_shrinks_to_that_length(policy: LengthPolicy) -> None:
    shrunk = find(texts(policy=policy), lambda t: measure(t, policy).length >= 30, settings=FIND)
    assert measure(shrunk, policy).length <= 31, repr(shrunk)
    assert len(shrunk) <= 60, repr(shrunk)


@pytest.mark.parametrize("policy", PRESETS, ids=IDS)
def test_an_invalid_text_shrinks_to_one_unit_over_the_limit(policy: LengthPolicy) -> None:
    shrunk = find(texts(policy=policy, valid=False), lambda t: True, settings=FIND)
    assert measure(shrunk, policy).length == policy.limit + 1, repr(shrunk)
    assert set(shrunk[-policy.limit // 2 :]) <= set(string.ascii_letters + string.digits + " ")


# --- arguments --------------------------------------------------------------------------


@pytest.mark.parametrize(
    "options",
    [
        {"policy": "twitter"},
        {"policy": None},
        {"valid": 1},
        {"valid": "yes"},
        {"policy": LengthPolicy(name="heavy", limit=1, default_weight=5)},
    ],
)
def test_texts_refuse_bad_options(options: dict[str, object]) -> None:
    with pytest.raises(InvalidArgument):
        texts(**options)  # type: ignore[arg-type]


def test_texts_are_keyword_only() -> None:
    with pytest.raises(TypeError):
        texts(TWITTER_V3)  # type: ignore[misc]


def test_invalid_characters_never_appear() -> None:
    @given(texts(policy=TWITTER_V3), texts(policy=MASTODON, valid=False))
    def check(a: str, b: str) -> None:
        for text in (a, b):
            assert not any(c in "\ufffe\ufeff\uffff" for c in text)
            assert measure(text).reason is not Reason.INVALID_CHARACTER

    check()
    with pytest.raises(InvalidTextError):
        Microblog.in_memory(clock=ManualClock()).post(1, "\ufffe")  # type: ignore[arg-type]
