"""Repost flattening and Weibo comment chains."""

import pytest
from hypothesis import given
from hypothesis import strategies as st

from microblog_core.rules import (
    ChainLink,
    build_comment_chain,
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


_words = st.text(alphabet=st.characters(blacklist_characters="/@:："), max_size=12)
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
