"""Keyword matching as Mastodon's filters v2 match (``CustomFilterKeyword#to_regex``)."""

from datetime import UTC, datetime, timedelta

import pytest
from hypothesis import given
from hypothesis import strategies as st

from microblog_core.models import (
    Filter,
    FilterAction,
    FilterContext,
    FilterKeyword,
    Media,
    MediaKind,
    Poll,
    Post,
    RepostRef,
)
from microblog_core.rules.filters import FilterSet, filterable_text, hides, keyword_pattern

T0 = datetime(2026, 1, 1, tzinfo=UTC)
OWNER = 1


def _matches(keyword: str, text: str, *, whole_word: bool = True) -> bool:
    pattern = keyword_pattern(FilterKeyword(keyword=keyword, whole_word=whole_word))
    return pattern.search(text) is not None


@pytest.mark.parametrize(
    ("keyword", "text", "whole", "expected"),
    [
        ("cat", "a cat sat", True, True),
        ("cat", "Concatenate", True, False),
        ("cat", "Concatenate", False, True),
        ("CAT", "the cat.", True, True),
        ("cat", "cats", True, False),
        ("#tag", "see #tag now", True, True),
        ("#tag", "see a#tag now", True, True),  # no \b before '#': Mastodon's rule
        ("c++", "I like c++!", True, True),
        ("c++", "abc++", True, False),  # \b before 'c' still applies
        ("straße", "STRASSE closed", True, True),  # full case folding
        ("警察", "北京警察局发布", True, True),  # Han: no word boundaries to find
        ("けいさつ", "きょうけいさつがきた", True, True),
        ("경찰", "서울경찰청", True, True),
        ("ตำรวจ", "ข่าวตำรวจวันนี้", True, True),
        ("police警察", "北京police警察局", True, False),  # latin start keeps its \b
        ("police", "north police department", True, True),
    ],
)
def test_keywords_match_like_mastodon_with_cjk_as_substrings(
    keyword: str, text: str, whole: bool, expected: bool
) -> None:
    assert _matches(keyword, text, whole_word=whole) is expected


@given(
    keyword=st.text(alphabet="abcXYZ", min_size=1, max_size=4),
    text=st.text(alphabet="abcXYZ .,!", max_size=30),
)
def test_a_non_whole_word_keyword_is_a_case_insensitive_substring(keyword: str, text: str) -> None:
    assert _matches(keyword, text, whole_word=False) is (keyword.casefold() in text.casefold())


@given(
    keyword=st.text(alphabet="abc", min_size=1, max_size=4),
    words=st.lists(st.text(alphabet="abc", min_size=1, max_size=5), max_size=6),
)
def test_a_whole_word_keyword_matches_exactly_when_a_word_equals_it(
    keyword: str, words: list[str]
) -> None:
    """Over space-separated words of letters, whole-word matching is word equality."""
    text = " ".join(words).upper()
    assert _matches(keyword, text) is (keyword in words)


@given(
    keyword=st.text(alphabet="警察局北京", min_size=1, max_size=3),
    text=st.text(alphabet="警察局北京发布", max_size=20),
)
def test_a_whole_word_han_keyword_is_a_substring(keyword: str, text: str) -> None:
    assert _matches(keyword, text) is (keyword in text)


def _post(pid: int, author: int, text: str = "", **kwargs: object) -> Post:
    return Post.create(id=pid, author_id=author, created_at=T0, text=text, **kwargs)  # type: ignore[arg-type]


def _filter(fid: int = 1, **kwargs: object) -> Filter:
    fields: dict[str, object] = {
        "title": "f",
        "contexts": frozenset({FilterContext.HOME}),
        "created_at": T0,
    }
    fields.update(kwargs)
    return Filter(id=fid, account_id=OWNER, **fields)  # type: ignore[arg-type]


def test_the_content_warning_poll_options_and_alt_text_are_searched() -> None:
    poll = Poll(options=("yes", "nope"), expires_at=T0 + timedelta(days=1))
    media = Media(kind=MediaKind.IMAGE, url="https://x.example/a.png", description="a dog")
    polled = _post(10, 2, "body", content_warning="spoiler", attachments=(poll,))
    pictured = _post(11, 2, "body", attachments=(media,))
    assert filterable_text(polled) == "spoiler\n\nbody\n\nyes\n\nnope"
    assert filterable_text(pictured) == "body\n\na dog"
    for word, post in (("spoiler", polled), ("body", polled), ("nope", polled), ("dog", pictured)):
        flt = _filter(keywords=(FilterKeyword(keyword=word),))
        found = FilterSet([flt], FilterContext.HOME, T0, OWNER).match(post)
        assert [r.keyword_matches for r in found] == [(word,)]


def test_a_repost_matches_on_its_originals_text_and_its_id() -> None:
    original = _post(10, 3, "election results")
    repost = Post.create_repost(
        id=11, author_id=2, created_at=T0, of=RepostRef(root_id=10, root_author_id=3)
    )
    words = _filter(1, keywords=(FilterKeyword(keyword="election"),))
    posts = _filter(2, post_ids=(10,))
    found = FilterSet([words, posts], FilterContext.HOME, T0, OWNER).match(repost, original)
    assert [(r.filter.id, r.keyword_matches, r.status_matches) for r in found] == [
        (1, ("election",), ()),
        (2, (), (10,)),
    ]


def test_expired_filters_other_contexts_other_owners_and_own_posts_never_match() -> None:
    kw = (FilterKeyword(keyword="x"),)
    post = _post(10, 2, "x")
    expired = _filter(1, keywords=kw, expires_at=T0)
    elsewhere = _filter(2, keywords=kw, contexts=frozenset({FilterContext.PUBLIC}))
    live = _filter(3, keywords=kw, expires_at=T0 + timedelta(seconds=1))
    filters = FilterSet([expired, elsewhere, live], FilterContext.HOME, T0, OWNER)
    assert [r.filter.id for r in filters.match(post)] == [3]
    assert filters.match(_post(11, OWNER, "x")) == ()
    assert not FilterSet([live], FilterContext.HOME, T0, 99)  # another owner's filter
    assert not FilterSet([live], FilterContext.HOME, T0 + timedelta(seconds=1), OWNER)


def test_own_means_the_originals_author_for_a_repost() -> None:
    """As Mastodon's web client: a repost of the owner's post is not filtered, the reverse is."""
    kw = (FilterKeyword(keyword="x"),)
    filters = FilterSet([_filter(keywords=kw)], FilterContext.HOME, T0, OWNER)
    mine = _post(10, OWNER, "x")
    theirs = _post(11, 2, "x")
    of_mine = Post.create_repost(
        id=12, author_id=2, created_at=T0, of=RepostRef(root_id=10, root_author_id=OWNER)
    )
    of_theirs = Post.create_repost(
        id=13, author_id=OWNER, created_at=T0, of=RepostRef(root_id=11, root_author_id=2)
    )
    assert filters.match(of_mine, mine) == ()
    assert [r.keyword_matches for r in filters.match(of_theirs, theirs)] == [("x",)]


def test_hides_is_true_when_any_matched_filter_hides() -> None:
    kw = (FilterKeyword(keyword="x"),)
    post = _post(10, 2, "x")
    warn = _filter(1, keywords=kw)
    hide = _filter(2, keywords=kw, action=FilterAction.HIDE)
    assert not hides(FilterSet([warn], FilterContext.HOME, T0, OWNER).match(post))
    assert hides(FilterSet([warn, hide], FilterContext.HOME, T0, OWNER).match(post))
