"""Repost flattening and Weibo comment chains."""

import pytest
from hypothesis import example, given
from hypothesis import strategies as st

from microblog_core.rules import (
    ChainLink,
    build_comment_chain,
    first_comment,
    flatten_repost,
    format_chain,
    parse_comment_chain,
)
from tests.rules.helpers import original, repost


def test_repost_of_original_has_no_via():
    root = original(10, 1)
    ref = flatten_repost(root)
    assert (ref.root_id, ref.root_author_id, ref.via_id, ref.via_author_id) == (10, 1, None, None)


def test_repost_of_repost_flattens_to_root_and_keeps_via():
    root = original(10, 1)
    hop1 = repost(11, 2, root)
    hop2 = repost(12, 3, hop1)
    ref = flatten_repost(hop2)
    assert (ref.root_id, ref.root_author_id, ref.via_id, ref.via_author_id) == (10, 1, 12, 3)
    assert hop2.repost_of.root_id == 10
    assert hop2.repost_of.via_id == 11


def test_parse_chain_with_ascii_and_fullwidth_colons():
    links = parse_comment_chain("me too//@B:so true//@C：hello")
    assert links == (ChainLink(None, "me too"), ChainLink("B", "so true"), ChainLink("C", "hello"))


def test_parse_plain_text_is_one_link():
    assert parse_comment_chain("no chain here") == (ChainLink(None, "no chain here"),)


def test_parse_keeps_double_slash_without_mention():
    assert parse_comment_chain("see http://x.com//@notes") == (
        ChainLink(None, "see http://x.com//@notes"),
    )


def test_build_chain_appends_via_text():
    via = repost(11, 2, original(10, 1), comment="so true//@C:hello")
    assert build_comment_chain("me too", via, "B") == "me too//@B:so true//@C:hello"


def test_build_chain_without_via_text_is_just_the_comment():
    via = repost(11, 2, original(10, 1))
    assert build_comment_chain("mine", via, "B") == "mine"
    assert build_comment_chain("mine", None, None) == "mine"


def test_build_chain_drops_oldest_links_to_fit():
    via = repost(11, 2, original(10, 1), comment="b" * 5 + "//@C:" + "c" * 50)
    text = build_comment_chain("a" * 5, via, "B", fits=lambda t: len(t) <= 20)
    assert text == "aaaaa//@B:bbbbb"


def test_build_chain_keeps_own_words_even_if_too_long():
    via = repost(11, 2, original(10, 1), comment="b")
    assert build_comment_chain("a" * 30, via, "B", fits=lambda t: len(t) <= 20) == "a" * 30


# A post holds no lone surrogate (Post refuses one), so the words hold none either.
_words = st.text(
    alphabet=st.characters(blacklist_categories=("Cs",), blacklist_characters="/@:："), max_size=12
)
_handles = st.text(alphabet="abcdefgXYZ_0123456789", min_size=1, max_size=8)


@given(_words, st.lists(st.tuples(_handles, _words), max_size=5))
def test_parse_inverts_format(head, tail):
    links = [ChainLink(None, head), *(ChainLink(h, w) for h, w in tail)]
    assert list(parse_comment_chain(format_chain(links))) == links


@given(_words, _words, _handles)
def test_chain_grows_by_one_link_per_hop(mine, theirs, handle):
    via = repost(11, 2, original(10, 1), comment=theirs or "x")
    chain = build_comment_chain(mine, via, handle)
    parsed = parse_comment_chain(chain)
    assert parsed[0].text == mine
    assert parsed[1].handle == handle


@pytest.mark.parametrize("sep", [":", "："])
def test_both_separators_parse(sep):
    assert parse_comment_chain(f"x//@Bob{sep}y")[1] == ChainLink("Bob", "y")


def _reference_chain(comment, via, via_handle, fits):
    """The chain as the rule states it: parse, re-join, drop the oldest link until it fits."""
    if via is None or not via.text or via_handle is None:
        return comment
    parsed = parse_comment_chain(via.text)
    links = [ChainLink(None, comment), ChainLink(via_handle, parsed[0].text), *parsed[1:]]
    text = format_chain(links)
    while len(links) > 1 and not fits(text):
        links.pop()
        text = format_chain(links)
    return text


_chain_texts = st.lists(st.tuples(_handles, _words, st.sampled_from([":", "："])), max_size=6).map(
    lambda tail: "".join(f"//@{h}{sep}{w}" for h, w, sep in tail)
)


# Raw text with stray slashes, at signs and colons around real links.
_messy = st.lists(
    st.sampled_from(["/", "@", ":", "：", "a", "中", " ", "//@b:", "//@c：", "///@d:", "//@"]),
    max_size=12,
).map("".join)


@given(
    st.one_of(_words, _messy),
    st.one_of(_words, _messy),
    st.one_of(_chain_texts, _messy),
    _handles,
    st.integers(0, 80),
    st.booleans(),
)
@example("m", "a//@ b", "//@c:d", "B", 8, True)  # a "//@" that starts no link is no cut
@example("m", "a", "//@c：d", "B", 80, False)  # full-width separators come out ASCII
def test_built_chain_equals_the_parse_and_pop_rule(mine, theirs, older, handle, limit, cut):
    """Cutting at link starts gives what parsing, re-joining and popping links gives."""
    via = repost(11, 2, original(10, 1), comment=(theirs + older) or "x")
    fits = (lambda t: len(t) <= limit) if cut else None
    expected = _reference_chain(mine, via, handle, fits or (lambda t: True))
    assert build_comment_chain(mine, via, handle, fits=fits) == expected


@given(st.one_of(_words, _messy), st.one_of(_chain_texts, _messy, st.text(max_size=40)))
@example("me too", "//@B:so true//@C：hello")
@example("", "//@B:x")  # a chain that opens with a link: no words of one's own
@example("a//@ b", "")  # a "//@" that starts no link is part of the words
def test_first_comment_equals_the_parsed_first_link(head, rest):
    """Reading only the first link gives the first link of the whole parse."""
    text = head + rest
    assert first_comment(text) == parse_comment_chain(text)[0].text
