"""extract(), Entity and the validators beyond twitter-text's own cases."""

import pytest
from hypothesis import given
from hypothesis import strategies as st

from microblog_core.errors import ValidationError
from microblog_core.text import (
    Entity,
    EntityKind,
    Flavor,
    OffsetMap,
    extract,
    is_valid_hashtag,
    is_valid_list,
    is_valid_username,
    remove_overlaps,
    reply_target,
    utf8_to_codepoint,
    utf16_to_codepoint,
)
from tests.text.strategies import any_texts

K = EntityKind


def kinds_and_texts(text: str, **options: object) -> list[tuple[str, str]]:
    return [(e.kind.value, e.text) for e in extract(text, **options)]  # type: ignore[arg-type]


def test_the_default_flavor_finds_every_kind() -> None:
    text = (
        "RT @alice: #news from @bob@example.social on $TSLA @carol/friends https://x.com/a #话题#"
    )
    assert kinds_and_texts(text) == [
        ("mention", "@alice"),
        ("hashtag", "#news"),
        ("mention", "@bob@example.social"),
        ("cashtag", "$TSLA"),
        ("list", "@carol/friends"),
        ("url", "https://x.com/a"),
        ("topic", "#话题#"),
    ]


def test_fediverse_mentions_are_the_default_flavors_addition() -> None:
    text = "cc @test@example.com and @first.last@misskey.io."
    default = extract(text)
    assert [(e.username, e.domain) for e in default] == [
        ("test", "example.com"),
        ("first.last", "misskey.io"),
    ]
    # twitter-text refuses "@test" (it is followed by "@"), never starts a URL
    # after "@", and ends a mention at ".".
    assert kinds_and_texts(text, flavor=Flavor.TWITTER) == [("mention", "@first")]


@pytest.mark.parametrize(
    "text",
    [
        "@user@localhost",  # no dot in the domain
        "@user@-bad.example",  # a label starting with "-"
        "@user@example.com://x",
    ],
)
def test_what_is_not_a_fediverse_mention(text: str) -> None:
    assert all(e.domain is None for e in extract(text))


def test_topics_need_hashtag_characters_in_the_default_flavor() -> None:
    assert kinds_and_texts("#新冠肺炎# 今天") == [("topic", "#新冠肺炎#")]
    assert kinds_and_texts("#中国·北京#") == [("topic", "#中国·北京#")]
    # twitter-text's cases keep working: a space or "/" ends a hashtag.
    assert kinds_and_texts("#a and #b") == [("hashtag", "#a"), ("hashtag", "#b")]
    assert kinds_and_texts("#dodge/#answer") == [("hashtag", "#dodge"), ("hashtag", "#answer")]
    assert kinds_and_texts("#123#") == []
    assert extract("#话题#")[0].tag == "话题"
    assert kinds_and_texts("#话题#", flavor=Flavor.TWITTER) == []


def test_the_weibo_flavor() -> None:
    text = "转发 //@张三:好消息 #Taylor Swift# # #话题# http://t.cn/abc email a@b.cn"
    assert kinds_and_texts(text, flavor=Flavor.WEIBO) == [
        ("mention", "@张三"),
        ("topic", "#Taylor Swift#"),
        ("topic", "#话题#"),
        ("url", "http://t.cn/abc"),
    ]
    assert extract("@张三", flavor="weibo")[0].username == "张三"
    assert extract("@" + "名" * 31, flavor=Flavor.WEIBO) == ()


def test_entity_properties() -> None:
    mention, remote, listed, tag, cash, url, topic = extract(
        "@a @b@c.de @e/f #g $H http://i.jp #j#"
    )
    assert (mention.username, mention.domain, mention.slug, mention.tag) == ("a", None, None, None)
    assert (remote.username, remote.domain) == ("b", "c.de")
    assert (listed.username, listed.slug, listed.domain) == ("e", "f", None)
    assert (tag.tag, cash.tag, topic.tag) == ("g", "H", "j")
    assert (url.url, url.username, mention.url) == ("http://i.jp", None, None)
    assert tag.span == (16, 18)


def test_full_width_signs() -> None:
    remote = extract("\uff20b\uff20c.de")[0]
    assert (remote.username, remote.domain) == ("b", "c.de")


def test_offsets_in_utf16_and_utf8() -> None:
    text = "\U0001f600 caf\xe9 #tag"
    (tag,) = extract(text)
    assert tag.span == (7, 11)
    assert tag.utf16_span(text) == (8, 12)
    assert tag.utf8_span(text) == (11, 15)
    with pytest.raises(ValidationError, match="not at"):
        tag.utf16_span("other text")


def test_entities_check_their_span() -> None:
    with pytest.raises(ValidationError, match="does not fit"):
        Entity(K.HASHTAG, "#tag", 0, 3)
    with pytest.raises(ValidationError, match="non-negative"):
        Entity(K.HASHTAG, "#tag", -1, 3)
    with pytest.raises(ValidationError, match="unknown entity kind 'thing'"):
        Entity("thing", "x", 0, 1)
    assert Entity("url", "a.b", 0, 3).kind is K.URL


def test_kinds_and_scheme_options() -> None:
    text = "#a example.com http://b.org"
    assert kinds_and_texts(text, kinds=["url"]) == [("url", "example.com"), ("url", "http://b.org")]
    assert kinds_and_texts(text, kinds=[K.URL], urls_without_scheme=False) == [
        ("url", "http://b.org")
    ]
    with pytest.raises(ValidationError, match="unknown entity kind 'link'"):
        extract(text, kinds=["link"])
    with pytest.raises(ValidationError, match="unknown flavor 'bsky'"):
        extract(text, flavor="bsky")
    with pytest.raises(ValidationError, match="text must be a str"):
        extract(None)  # type: ignore[arg-type]


def test_overlaps_resolve_to_the_first_entity() -> None:
    a = Entity(K.URL, "ab", 0, 2)
    b = Entity(K.HASHTAG, "bc", 1, 3)
    c = Entity(K.MENTION, "cd", 2, 4)
    assert remove_overlaps([c, b, a]) == (a, c)
    # A hashtag inside a URL is part of the URL.
    assert kinds_and_texts("http://twitter.com/#hashtag") == [
        ("url", "http://twitter.com/#hashtag")
    ]


def test_reply_target() -> None:
    assert reply_target("\u200f @alice hi") == "alice"
    assert reply_target("@alice@example.social hi") == "alice@example.social"
    assert reply_target("@alice@example.social hi", flavor=Flavor.TWITTER) is None
    assert reply_target(".@alice") is None
    with pytest.raises(ValidationError):
        reply_target(3)  # type: ignore[arg-type]


@pytest.mark.parametrize(
    ("check", "text", "expected"),
    [
        (is_valid_username, "@" + "a" * 20, True),
        (is_valid_username, "@" + "a" * 21, False),
        (is_valid_username, "", False),
        (is_valid_username, None, False),
        (is_valid_list, "@a/" + "b" * 25, True),
        (is_valid_list, "@a/" + "b" * 26, False),
        (is_valid_list, 5, False),
        (is_valid_hashtag, "#日本語", True),
        (is_valid_hashtag, "#a b", False),
        (is_valid_hashtag, "", False),
    ],
)
def test_validators(check: object, text: object, expected: bool) -> None:
    assert check(text) is expected  # type: ignore[operator]


@pytest.mark.parametrize("flavor", list(Flavor))
@given(text=any_texts)
def test_entities_are_ordered_disjoint_and_slice_back(flavor: Flavor, text: str) -> None:
    entities = extract(text, flavor=flavor)
    end = 0
    offsets = OffsetMap(text)
    for entity in entities:
        assert end <= entity.start < entity.end <= len(text)
        assert text[entity.start : entity.end] == entity.text
        end = entity.end
        start16, end16 = entity.utf16_span(text)
        assert (utf16_to_codepoint(text, start16), utf16_to_codepoint(text, end16)) == entity.span
        start8, end8 = entity.utf8_span(text)
        assert (utf8_to_codepoint(text, start8), utf8_to_codepoint(text, end8)) == entity.span
        assert (offsets.to_utf16(entity.start), offsets.to_utf8(entity.end)) == (start16, end8)


@given(text=any_texts, kinds=st.sets(st.sampled_from(list(EntityKind))))
def test_the_kinds_filter_keeps_a_subsequence(text: str, kinds: set[EntityKind]) -> None:
    every = extract(text)
    assert extract(text, kinds=kinds) == tuple(e for e in every if e.kind in kinds)


@given(st.sets(st.sampled_from(list(EntityKind))), st.booleans(), st.booleans())
def test_kind_set_answers_kinds_whatever_was_asked_before(
    kinds: set[EntityKind], by_name: bool, first_the_other: bool
) -> None:
    # kind_set remembers the frozensets of kinds it has checked; a frozenset
    # of names equal to one of them must still come back as kinds.
    from microblog_core.text._extract import kind_set

    names = frozenset(str(kind.value) for kind in kinds)
    as_kinds = frozenset(kinds)
    if first_the_other:
        kind_set(names if by_name else as_kinds)
        kind_set(as_kinds if by_name else names)
    answer = kind_set(names if by_name else as_kinds)
    assert answer == as_kinds
    assert all(kind.__class__ is EntityKind for kind in answer)
    with pytest.raises(ValidationError):
        kind_set(names | {"not a kind"})
