"""render_html(): escaping, link targets, options and given entities."""

import re
from html.parser import HTMLParser

import pytest
from hypothesis import given

from microblog_core.errors import ValidationError
from microblog_core.text import Entity, EntityKind, Flavor, Links, extract, render_html
from tests.text.strategies import any_texts


def test_all_input_text_is_escaped() -> None:
    html = render_html("<script>alert(\"x\")</script> & 'q'", nofollow=False)
    assert html == "&lt;script&gt;alert(\"x\")&lt;/script&gt; &amp; 'q'"


def test_default_links_follow_twitter_text() -> None:
    html = render_html("@alice @bob/list #tag $TSLA https://example.com/a?b=1&c=2")
    assert html == (
        '@<a class="tweet-url username" href="https://twitter.com/alice" rel="nofollow">alice</a> '
        '@<a class="tweet-url list-slug" href="https://twitter.com/bob/list" rel="nofollow">'
        "bob/list</a> "
        '<a href="https://twitter.com/search?q=%23tag" title="#tag" class="tweet-url hashtag" '
        'rel="nofollow">#tag</a> '
        '<a href="https://twitter.com/search?q=%24TSLA" title="$TSLA" class="tweet-url cashtag" '
        'rel="nofollow">$TSLA</a> '
        '<a href="https://example.com/a?b=1&amp;c=2" rel="nofollow">'
        "https://example.com/a?b=1&amp;c=2</a>"
    )


def test_fediverse_mentions_and_topics_get_their_own_links() -> None:
    html = render_html("@bob@example.social #话题#", nofollow=False)
    assert '@<a class="tweet-url username" href="https://example.social/@bob">' in html
    assert ">bob@example.social</a>" in html
    assert (
        'href="https://s.weibo.com/weibo?q=%23话题%23" title="#话题#" class="tweet-url topic"'
        in html
    )


def test_mastodon_and_weibo_link_builders() -> None:
    links = Links.mastodon("https://example.social/")
    html = render_html("@a @b@c.de #t", links=links, nofollow=False, css_classes=False)
    assert html == (
        '@<a href="https://example.social/@a">a</a> '
        '@<a href="https://example.social/@b@c.de">b@c.de</a> '
        '<a href="https://example.social/tags/t" title="#t">#t</a>'
    )
    weibo = render_html("@张三 你好", flavor=Flavor.WEIBO, links=Links.weibo(), nofollow=False)
    assert 'href="https://weibo.com/n/张三"' in weibo


def test_custom_builders_are_escaped_in_attributes() -> None:
    links = Links(hashtag_url=lambda e: f'https://x.test/?q="{e.tag}"&x')
    html = render_html("#tag", links=links, nofollow=False)
    assert 'href="https://x.test/?q=&quot;tag&quot;&amp;x"' in html


def test_link_options() -> None:
    html = render_html("see https://example.com", target_blank=True)
    assert '<a href="https://example.com" target="_blank" rel="nofollow noopener">' in html
    assert render_html("example.com", nofollow=False) == "example.com"
    assert render_html("example.com", nofollow=False, link_urls_without_scheme=True) == (
        '<a href="http://example.com">example.com</a>'
    )
    assert render_html("#a @b", kinds=["mention"], nofollow=False).startswith("#a @<a")


def test_rtl_hashtags_get_the_rtl_class() -> None:
    assert 'class="tweet-url hashtag rtl"' in render_html("#\u0641\u0627\u0631\u0633\u06cc")


def test_unencodable_characters_become_replacement_characters() -> None:
    assert render_html("a\x00b\ud800c", nofollow=False) == "a\ufffdb\ufffdc"


def test_rendering_given_entities() -> None:
    text = "read http://t.co/abc now"
    url = Entity(
        EntityKind.URL,
        "http://t.co/abc",
        5,
        20,
        display_url="example.com/long\u2026",
        expanded_url="https://example.com/long/path",
    )
    html = render_html(text, entities=[url], nofollow=False)
    assert 'href="http://t.co/abc" title="https://example.com/long/path"' in html
    assert "<span class='js-display-url'>example.com/long</span>" in html
    assert "&nbsp;</span>\u2026</span></a> now" in html
    plain = Entity(EntityKind.URL, "http://t.co/abc", 5, 20, display_url="shown")
    assert ">shown</a>" in render_html(text, entities=[plain])
    elsewhere = Entity(
        EntityKind.URL,
        "http://t.co/abc",
        5,
        20,
        display_url="pic.x.com/1",
        expanded_url="https://x.com/i/1",
    )
    assert ">pic.x.com/1</a>" in render_html(text, entities=[elsewhere])
    assert render_html(text, entities=[url], kinds=["hashtag"]) == text


def test_given_entities_must_sit_at_their_span() -> None:
    with pytest.raises(ValidationError, match="is not at"):
        render_html("abc", entities=[Entity(EntityKind.HASHTAG, "#x", 0, 2)])
    with pytest.raises(ValidationError, match="is not at"):
        render_html("abc", entities=[Entity(EntityKind.HASHTAG, "#xyz", 2, 6)])
    with pytest.raises(ValidationError, match="Entity values"):
        render_html("abc", entities=["#x"])  # type: ignore[list-item]
    with pytest.raises(ValidationError, match="text must be a str"):
        render_html(b"x")  # type: ignore[arg-type]


def test_overlapping_given_entities_keep_the_first() -> None:
    text = "#abc"
    first = Entity(EntityKind.HASHTAG, "#abc", 0, 4)
    second = Entity(EntityKind.HASHTAG, "#ab", 0, 3)
    assert render_html(text, entities=[first, second], nofollow=False).count("<a ") == 1


_OWN_TAGS = re.compile(r"</?(?:a|span)(?: [^>]*)?>")


class _Text(HTMLParser):
    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.parts: list[str] = []

    def handle_data(self, data: str) -> None:
        self.parts.append(data)


@pytest.mark.parametrize("flavor", list(Flavor))
@given(text=any_texts)
def test_output_carries_no_markup_from_the_input(flavor: Flavor, text: str) -> None:
    html = render_html(text, flavor=flavor)
    assert "<" not in _OWN_TAGS.sub("", html)
    assert not re.search("[\x00\ud800-\udfff]", html)
    # The visible text is the input (with unencodable characters replaced).
    parser = _Text()
    parser.feed(html)
    parser.close()
    visible = re.sub("[\x00\ud800-\udfff]", "\ufffd", text)
    # HTML parsing turns CR LF and lone CR into LF; compare modulo that.
    assert "".join(parser.parts).replace("\r", "\n") == visible.replace("\r", "\n")
    assert html.count("<a ") == len(extract(text, flavor=flavor, urls_without_scheme=False))
