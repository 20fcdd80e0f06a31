from hypothesis import example, given
from hypothesis import strategies as st

from microblog_core.interop._html import (
    _simple_to_text,
    _TextCollector,
    html_to_text,
    text_to_html,
)

PIECES = st.sampled_from(
    [
        "<p>",
        "</p>",
        "<br>",
        "<br />",
        '<a href="https://x.example/a?b=1&amp;c=2">',
        "</a>",
        '<span class="invisible">',
        "</span>",
        "<a title='x>y'>",
        "<div>",
        "</div>",
        "<b>",
        "&amp;",
        "&lt;",
        "&#x1F600;",
        "&nbsp;",
        "a",
        "日本",
        " ",
        "\n",
        "<",
        "&",
        ">",
        '"',
        "'",
        "<script>alert(1)</script>",
        "<!-- c -->",
        "<style>p{}</style>",
        "< p>",
        "</ p>",
        # Upper case, near-miss names and headings: which tags break lines.
        "<BR/>",
        "<P class='x'>",
        "<brx>",
        "<pre>",
        "<h2>",
        "<h7>",
        "<LI>",
        # Character references cut by a tag are not decoded across it.
        "&am",
        "p;",
        "&amp",
        ";",
        "&#",
        "12",
        "x26;",
        "\x00",
        # Self-closing blocks open nothing; quotes, tabs and "<" inside tags.
        "<p/>",
        '<p class="x"/>',
        "<p class=a/>",
        "</br>",
        "<a\thref=x>",
        '<a title="a<b">',
        '<a title="a>b">',
        "<a b=\"x\" c='y'>",
        '<a b="x"y"z">',
        "<p\n>",
        "<Script>x</Script>",
        "<script-x>",
        "<h1/>",
        "<3",
    ]
)


def _full(fragment):
    collector = _TextCollector()
    collector.feed(fragment)
    collector.close()
    return "".join(collector.parts)


@given(st.lists(PIECES, max_size=20).map("".join))
@example("<p>a<a title='x>y'>b</a></p>")
@example("&am<b>p;<p>&#<br>38;</p><p>x&amp<i>;</i></p>")
@example("<p>a</p>\x00<p>b</p>")
@example("<p>a</p><p/>b")
def test_the_fast_path_reads_like_the_full_parser(fragment):
    assert html_to_text(fragment) == _full(fragment)


@given(st.text(alphabet=st.characters(categories=("L", "N", "P", "S", "Zs")), max_size=60))
def test_text_survives_html_and_back(text):
    assert html_to_text(text_to_html(text, base_url="https://x.example")) == text


@given(st.text(max_size=200))
def test_html_to_text_never_fails(fragment):
    assert isinstance(html_to_text(fragment), str)


@given(st.text(alphabet="<>/abprhs1 \"'=&;#x\t\n\r!-?", max_size=40))
@example("<br;>")
@example('<p;>a<p>b<br"x">')
def test_tags_are_named_as_the_parser_names_them(fragment):
    """A name runs to a space, "/" or ">": ``<br;>`` is no line break, ``<p;>`` no block."""
    assert html_to_text(fragment) == _full(fragment)


@given(st.text(alphabet=st.characters(categories=("L", "N", "P", "S", "Zs")), max_size=60))
def test_mastodon_html_takes_the_fast_path(text):
    """What :func:`text_to_html` writes is read without the full parser."""
    assert _simple_to_text(text_to_html(text, base_url="https://x.example")) is not None
