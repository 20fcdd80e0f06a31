"""The fast paths of extraction and measuring answer exactly as the checked slow paths.

``extract`` builds entities without re-running ``Entity``'s checks, resolves
overlaps without re-checking its own list, and takes a frozenset of kinds as
it is; ``fediverse_mentions`` returns at once for a text with fewer than two
at signs; ``measure`` hands the UTF-16 length it already has to the weight
count. Each property compares the fast answer with the slow one.
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
    extract,
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
