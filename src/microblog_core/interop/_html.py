"""Safe HTML to plain text, and plain text to the HTML Mastodon and ActivityPub carry.

:func:`html_to_text` keeps only the text of a fragment: tags, attributes,
comments, scripts and styles are dropped, character references are decoded,
``<br>`` becomes a newline and paragraphs are separated by a blank line.
Nothing is ever evaluated, so any input is safe. :func:`text_to_html` is its
inverse for the text this library stores: one paragraph, ``<br />`` for each
newline, entities linked by :func:`~microblog_core.text.render_html`.
"""

import html
import re
from html.parser import HTMLParser

from microblog_core.text import Flavor, Links, render_html

__all__ = ["html_to_text", "text_to_html"]

_BLOCKS = frozenset({"p", "div", "blockquote", "li", "pre", "h1", "h2", "h3", "h4", "h5", "h6"})
_SKIPPED = frozenset({"script", "style", "template"})


class _TextCollector(HTMLParser):
    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.parts: list[str] = []
        self.skipping = 0
        self.blocks = 0

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        if tag in _SKIPPED:
            self.skipping += 1
        elif tag == "br":
            self.parts.append("\n")
        elif tag in _BLOCKS:
            if self.blocks:
                self.parts.append("\n\n")
            self.blocks += 1

    def handle_startendtag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        if tag == "br":
            self.parts.append("\n")

    def handle_endtag(self, tag: str) -> None:
        if tag in _SKIPPED and self.skipping:
            self.skipping -= 1

    def handle_data(self, data: str) -> None:
        if not self.skipping:
            self.parts.append(data)


# A tag, its attributes quoted or not; alternatives start with different characters,
# so matching is linear. Fragments with anything else (comments, declarations,
# scripts, styles) take the full parser.
_ATTRIBUTES = r"""(?:[^>"']++|"[^"]*+"|'[^']*+')*+>"""
_TAG = re.compile(r"</?[A-Za-z][A-Za-z0-9]*" + _ATTRIBUTES)
_BR = re.compile(r"<br(?![A-Za-z0-9])" + _ATTRIBUTES, re.IGNORECASE | re.ASCII)
_BLOCK = re.compile(
    r"<(?:p|div|blockquote|li|pre|h[1-6])(?![A-Za-z0-9])" + _ATTRIBUTES, re.IGNORECASE | re.ASCII
)
_HARD = re.compile(r"<[!?]|<(?:script|style|template)\b|<(?![A-Za-z/])|</(?![A-Za-z])", re.I)
_MARK = "\x00"  # stands for a block opening between passes; a fragment holding it is parsed


def _simple_to_text(fragment: str) -> str | None:
    """The text of a fragment of plain tags, or None when it needs the full parser.

    Regular-expression passes instead of a loop over tags: ``<br>`` becomes a
    newline, a block opening a mark (a blank line but before the first
    block), and any other tag ``<``, which cannot occur in the text left: it
    splits the text into the pieces between tags, each unescaped on its own
    as the parser does, so a character reference never spans a tag.
    """
    if fragment.count("<") != len(_TAG.findall(fragment)) or _MARK in fragment:
        return None  # a "<" that is not a plain tag: let the full parser decide
    # From here every "<" starts a tag and no tag holds a "<", so each pass
    # below finds the same tags as one scan would.
    text = _TAG.sub("<", _BLOCK.sub(_MARK, _BR.sub("\n", fragment)))
    first = text.find(_MARK)
    if first >= 0:
        text = text[:first] + "<" + text[first + 1 :].replace(_MARK, "\n\n")
    if "&" not in text:
        return text.replace("<", "")
    unescape = html.unescape
    return "".join([unescape(piece) if "&" in piece else piece for piece in text.split("<")])


def html_to_text(fragment: str) -> str:
    r"""Return the plain text of an HTML fragment.

    Args:
        fragment: HTML, such as a Mastodon status's ``content``.

    Returns:
        The text: ``<br>`` is a newline, paragraphs are separated by a blank
        line, and scripts, styles and markup are gone.

    Example:
        >>> html_to_text(
        ...     '<p>Hi <a href="https://x.example/@bo">@<span>bo</span></a><br>&amp; you</p>'
        ... )
        'Hi @bo\n& you'
    """
    if "<" not in fragment and "&" not in fragment:
        return fragment
    if not _HARD.search(fragment):
        simple = _simple_to_text(fragment)
        if simple is not None:
            return simple
    collector = _TextCollector()
    collector.feed(fragment)
    collector.close()
    return "".join(collector.parts)


def text_to_html(text: str, *, base_url: str) -> str:
    """Return ``text`` as one HTML paragraph with links, the way Mastodon renders a status.

    Args:
        text: The plain text.
        base_url: The server whose mention and tag pages the links point to.

    Returns:
        ``<p>...</p>`` (empty text gives an empty string).

    Example:
        >>> text_to_html("hi @bo", base_url="https://x.example")
        '<p>hi @<a href="https://x.example/@bo" rel="nofollow">bo</a></p>'
    """
    if not text:
        return ""
    rendered = render_html(
        text,
        flavor=Flavor.DEFAULT,
        links=Links.mastodon(base_url),
        nofollow=True,
        css_classes=False,
    )
    return "<p>" + rendered.replace("\n", "<br />") + "</p>"
