"""The fast paths of extraction and measuring answer exactly as the checked slow paths.

``extract`` builds entities without re-running ``Entity``'s checks, resolves
overlaps without re-checking its own list, and takes a frozenset of kinds as
it is; ``fediverse_mentions`` returns at once for a text with fewer than two
at signs (and ``_mentions`` skips the fediverse pattern then); hashtags of
ASCII are matched with ``re`` rather than ``regex``; ``measure`` hands the
UTF-16 length it already has to the weight count. Each property compares the
fast answer with the slow one.
"""

from hypothesis import example, given
from hypothesis import strategies as st

from microblog_core.text import (
    BLUESKY,
    MASTODON,
    TWITTER_V1,
    TWITTER_V3,
    WEIBO,
    WEIBO_LONG,
    Entity,
    EntityKind,
    Flavor,
    _extract,
    extract,
    is_valid_text,
    measure,
    remove_overlaps,
)
from microblog_core.text._extract import _mentions, fediverse_mentions
from microblog_core.text._measure import _INVALID_RE, _first_invalid, _plan, _utf16_units
from microblog_core.text._offsets import utf16_length
from tests.text.strategies import any_texts

FLAVORS = st.sampled_from(list(Flavor))
POLICIES = st.sampled_from([TWITTER_V1, TWITTER_V3, WEIBO, WEIBO_LONG, MASTODON, BLUESKY])


@given(any_texts, FLAVORS)
@example("@a@b.social #t https://x.co $AB", Flavor.DEFAULT)
@example("#话题# @用户 http://t.cn/x", Flavor.WEIBO)
def test_extracted_entities_equal_checked_entities(text: str, flavor: Flavor) -> None:
    """Every entity extract() builds unchecked equals an Entity built with every check."""
    for entity in extract(text, flavor=flavor):
        checked = Entity(entity.kind, entity.text, entity.start, entity.end)
        assert entity == checked
        assert type(entity) is Entity
        assert type(entity.kind) is EntityKind
        assert text[entity.start : entity.end] == entity.text
        assert (entity.display_url, entity.expanded_url) == (None, None)


@given(any_texts, FLAVORS)
def test_extract_resolves_overlaps_as_remove_overlaps(text: str, flavor: Flavor) -> None:
    """extract()'s unchecked overlap pass keeps what the public, checked one keeps."""
    found = extract(text, flavor=flavor)
    assert remove_overlaps(found) == found


@given(any_texts, st.sets(st.sampled_from(list(EntityKind))))
def test_a_frozenset_of_kinds_filters_as_any_other_collection(
    text: str, kinds: set[EntityKind]
) -> None:
    """kinds=frozenset(...) (taken as it is) filters as a list of the same kinds does."""
    by_list = extract(text, kinds=list(kinds))
    assert extract(text, kinds=frozenset(kinds)) == by_list
    assert extract(text, kinds=[kind.value for kind in kinds]) == by_list


@given(any_texts)
@example("@a@b")
@example("\uff20a\uff20b.social")
@example("@a@b.social")
def test_fediverse_mentions_fast_path_agrees_with_the_scan(text: str) -> None:
    """With or without the two-at-signs shortcut, the same fediverse mentions are found."""
    slow = [
        (entity.start, entity.start + 1 + len(entity.username or ""), entity.end)
        for entity in _mentions(text, fediverse=True)
        if entity.kind is EntityKind.MENTION and entity.domain is not None
    ]
    assert fediverse_mentions(text) == slow


@given(any_texts, POLICIES)
@example("转发//@用户:好" * 50, WEIBO_LONG)
def test_base_weight_with_a_known_utf16_length_is_the_same(text: str, policy: object) -> None:
    """Handing base() the UTF-16 length measure() already has changes no weight."""
    plan = _plan(policy)  # type: ignore[arg-type]
    assert plan.base(text, utf16=utf16_length(text)) == plan.base(text)


@given(any_texts)  # its pieces hold the invalid characters and lone surrogates
@example("转发//@用户:好" * 50 + "\ufeff")
@example("好\udfff" + "\ufffe")
@example("\uffff好\ufeff")
def test_the_first_invalid_character_is_where_the_regex_finds_it(text: str) -> None:
    """measure() finds invalid characters and lone surrogates without the regex: same place."""
    match = _INVALID_RE.search(text)
    expected = None if match is None else match.start()
    assert _first_invalid(text) == expected
    units, surrogates = _utf16_units(text)
    assert units == utf16_length(text)
    assert surrogates is any("\ud800" <= char <= "\udfff" for char in text)
    assert _first_invalid(text, surrogates=surrogates) == expected


def _regex_hashtags(text: str, *, topics: bool) -> list[Entity]:
    """The hashtag scan with every class matched by ``regex`` (before its ASCII fast path)."""
    if "#" not in text and "\uff03" not in text:
        return []
    found: list[Entity] = []
    consumed = 0
    scan = text.replace("\uff03", "#") if "\uff03" in text else text
    for start in _extract._HASH_START_RE.finditer(scan):
        sign = start.start()
        body = _extract._LN_RUN_RE.match(text, sign + 1)
        if body is None:
            continue
        end = body.end()
        if sign > 0:
            before = sign - 1
            if before < consumed:
                continue
            char = text[before]
            if not (
                char in "\ufe0e\ufe0f" or (char != "&" and _extract._LN_RE.match(char) is None)
            ):
                continue
        if _extract._LETTER_RE.search(text, sign + 1, end) is None:
            continue
        if topics and end < len(text) and text[end] in "#\uff03" and end - sign - 1 <= 64:
            found.append(Entity(EntityKind.TOPIC, text[sign : end + 1], sign, end + 1))
            consumed = end + 1
            continue
        consumed = end
        after = text[end : end + 3]
        if after[:1] in ("#", "\uff03") or after == "://":
            continue
        found.append(Entity(EntityKind.HASHTAG, text[sign:end], sign, end))
    return found


_HASHTAG_PIECES = st.lists(
    st.sampled_from(["#", "\uff03", "a", "Z", "9", "_", "&", " ", "é", "é", "话", "\u0301"])
    | st.sampled_from(["\ufe0f", "\u200c", "·", "://", "#a#", "x#", "#1", "\U0001f600", "-"]),
    max_size=12,
).map("".join)


@given(any_texts | _HASHTAG_PIECES, st.booleans())
@example("#abc", True)
@example("#abcé and #9_x#", True)
@example("x#tag &#tag é#tag #123 #_ 话#话题", False)
@example("#a\u0301b #ab\u0301", True)
def test_ascii_hashtags_are_found_as_the_full_classes_find_them(text: str, topics: bool) -> None:
    """The ``re`` fast path for ASCII hashtags finds what the ``regex`` classes find."""
    assert _extract._hashtags(text, topics=topics) == _regex_hashtags(text, topics=topics)


@given(any_texts | _HASHTAG_PIECES.map(lambda t: t.replace("#", "@")))
@example("@alice \uff20bob.example.social")
@example("@a.b-c_d.example")
def test_below_two_at_signs_no_fediverse_mention_can_match(text: str) -> None:
    """The shortcut of ``_mentions``: the fediverse pattern needs two at signs to match."""
    if text.count("@") + text.count("\uff20") < 2:
        assert _extract._FEDIVERSE_RE.search(text) is None


@given(any_texts, POLICIES, any_texts | st.just(""))
@example("转发//@用户:好" * 300, WEIBO_LONG, "")
@example("", MASTODON, "cw")
@example("x\ufffe", TWITTER_V3, "")
@example("x", MASTODON, "\ufffe")
def test_is_valid_text_answers_as_the_measurement(text: str, policy, warning: str) -> None:
    """is_valid_text, which builds no Measurement, says what measure(...).valid says."""
    assert (
        is_valid_text(text, policy, content_warning=warning)
        is measure(text, policy, content_warning=warning).valid
    )
