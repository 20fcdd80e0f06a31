"""Safe HTML to plain text, and plain text to the HTML Mastodon and ActivityPub carry.

:func:`html_to_text` keeps only the text of a fragment: tags, attributes,
comments, scripts and styles are dropped, character references are decoded,
``<br>`` becomes a newline and paragraphs are separated by a blank line.
Nothing is ever evaluated, so any input is safe. :func:`text_to_html` is its
inverse for the text this library stores: one paragraph, ``<br />`` for each
newline, entities linked by :func:`~microblog_core.text.render_html`.
"""

import html
import itertools
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


# What a tag does to the text, by its name (lower case): a line break, a block
# opening (a blank line before all but the first), or nothing. Scripts, styles
# and templates hide their content: the full parser reads fragments holding them.
_REMOVED, _LINE, _BLOCK, _HARD = 0, 1, 2, 3
# A tag's name as html.parser reads it: a letter, then anything up to a space, "/" or ">".
_NAME = re.compile(r"(/?)([a-zA-Z][^\t\n\r\f />\x00]*)")
# The kind of each tag head (the tag up to its first space) met so far, and
# apart (a head need not pass the checks a whole tag does) of each short whole
# tag that passed them; both bounded.
_HEADS: dict[str, int] = {}
_TAGS: dict[str, int] = {}
_SHORT_TAG = 32
_KINDS_LIMIT = 4096


def _head_kind(head: str) -> int:
    """What a tag starting with ``head`` does: a plain tag's kind, or ``_HARD``."""
    kind = _HEADS.get(head)
    if kind is None:
        match = _NAME.match(head)
        if match is None:
            kind = _HARD  # "<!", "<?", "< p", "</ p": only the parser knows
        else:
            name = match.group(2).lower()
            if name in _SKIPPED or name.startswith(("script", "style", "template")):
                kind = _HARD
            elif match.group(1):
                kind = _REMOVED  # an end tag
            elif name == "br":
                kind = _LINE
            elif name in _BLOCKS:
                kind = _BLOCK
            else:
                kind = _REMOVED
        if len(_HEADS) >= _KINDS_LIMIT:
            _HEADS.clear()
        _HEADS[head] = kind
    return kind


def _simple_to_text(fragment: str) -> str | None:
    """The text of a fragment of plain tags, or None when it needs the full parser.

    One split at each ``<``: every piece must be a plain tag (a name, then
    attributes holding no ``'``, an even number of ``"`` and no ``<``, so
    the first ``>`` ends it) and the text up to the next tag. The text
    pieces are unescaped on their own, as the parser does, so a character
    reference never spans a tag. Anything else (a comment, a script, a
    ``<`` that starts no tag, a self-closing block) is left to the parser.
    """
    pieces = fragment.split("<")
    first = pieces[0]
    parts = [html.unescape(first) if "&" in first else first]
    blocks = 0
    known = _TAGS
    for piece in itertools.islice(pieces, 1, None):
        tag, closed, text = piece.partition(">")
        if not closed:
            return None
        kind = known.get(tag)  # a short tag met before, checked then
        if kind is None:
            if "'" in tag or tag.count('"') & 1:
                return None
            head = tag.partition(" ")[0]
            kind = _HEADS.get(head)
            if kind is None:
                kind = _head_kind(head)
            if len(tag) <= _SHORT_TAG:
                if len(known) >= _KINDS_LIMIT:
                    known.clear()
                known[tag] = kind  # "p", "/a", "span class=\"invisible\"" come again and again
        if kind:
            if kind == _LINE:
                parts.append("\n")
            elif kind == _HARD or tag.rstrip().endswith("/"):
                return None  # a self-closing block opens nothing, as the parser reads it
            else:
                if blocks:
                    parts.append("\n\n")
                blocks += 1
        if text:
            parts.append(html.unescape(text) if "&" in text else text)
    return "".join(parts)


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
