"""Rendering post text as safe HTML with links for its entities.

The markup follows twitter-text's autolinker (``autolink.yml``): the same
classes, titles and URL shapes, with the ``@`` of a mention outside its link.
Unlike twitter-text, which expects HTML-escaped input, all text taken from
the input is escaped here, so the output never carries markup from the
post. Characters that cannot appear in an HTML document (NUL, lone
surrogates) become U+FFFD.
"""

import html
import re
from collections.abc import Callable, Iterable

import attrs

from microblog_core import _checks
from microblog_core.errors import ValidationError
from microblog_core.text._chars import RTL_RE
from microblog_core.text._extract import (
    Entity,
    EntityKind,
    Flavor,
    extract,
    kind_set,
    remove_overlaps,
)

__all__ = ["Links", "render_html"]

_UNSAFE_RE = re.compile("[\x00\ud800-\udfff]")
_HAS_PROTOCOL_RE = re.compile(r"https?://", re.IGNORECASE | re.ASCII)
_INVISIBLE = "style='position:absolute;left:-9999px;'"


def _twitter_mention(entity: Entity) -> str:
    if entity.domain:
        return f"https://{entity.domain}/@{entity.username}"
    return f"https://twitter.com/{entity.username}"


def _twitter_list(entity: Entity) -> str:
    return f"https://twitter.com/{entity.username}/{entity.slug}"


def _twitter_hashtag(entity: Entity) -> str:
    return f"https://twitter.com/search?q=%23{entity.tag}"


def _twitter_cashtag(entity: Entity) -> str:
    return f"https://twitter.com/search?q=%24{entity.tag}"


def _weibo_topic(entity: Entity) -> str:
    return f"https://s.weibo.com/weibo?q=%23{entity.tag}%23"


@attrs.frozen
class Links:
    """Where rendered entities link to: one URL builder per kind.

    Each builder takes the :class:`Entity` and returns the link target. The
    defaults follow twitter-text (``https://twitter.com/user``,
    ``https://twitter.com/search?q=%23tag``); a fediverse mention links to
    ``https://domain/@user``; a topic links to Weibo's search.

    Example:
        >>> links = Links.mastodon("https://example.social")
        >>> print(render_html("#news", links=links, nofollow=False, css_classes=False))
        <a href="https://example.social/tags/news" title="#news">#news</a>
    """

    mention_url: Callable[[Entity], str] = _twitter_mention
    list_url: Callable[[Entity], str] = _twitter_list
    hashtag_url: Callable[[Entity], str] = _twitter_hashtag
    cashtag_url: Callable[[Entity], str] = _twitter_cashtag
    topic_url: Callable[[Entity], str] = _weibo_topic

    @classmethod
    def mastodon(cls, base_url: str) -> "Links":
        """Links into a Mastodon server: ``base/@user``, ``base/@user@domain``, ``base/tags/tag``.

        Args:
            base_url: The server's address, such as ``"https://mastodon.social"``.

        Returns:
            The link builders.
        """
        base = base_url.rstrip("/")

        def mention(entity: Entity) -> str:
            suffix = f"@{entity.domain}" if entity.domain else ""
            return f"{base}/@{entity.username}{suffix}"

        def tag(entity: Entity) -> str:
            return f"{base}/tags/{entity.tag}"

        return cls(mention_url=mention, hashtag_url=tag, topic_url=tag)

    @classmethod
    def weibo(cls) -> "Links":
        """Links into Weibo: ``https://weibo.com/n/昵称`` and topic search.

        Returns:
            The link builders.
        """

        def mention(entity: Entity) -> str:
            return f"https://weibo.com/n/{entity.username}"

        return cls(mention_url=mention)


def _attr(value: str) -> str:
    return html.escape(value, quote=True)


def _anchor(attributes: list[tuple[str, str]], inner: str) -> str:
    rendered = "".join(f' {name}="{_attr(value)}"' for name, value in attributes)
    return f"<a{rendered}>{inner}</a>"


def _url_text(entity: Entity) -> str:
    """The inside of a URL's link (twitter-text ``linkTextWithEntity``)."""
    display = entity.display_url
    expanded = entity.expanded_url
    if display is None:
        return html.escape(entity.text, quote=False)
    if expanded is None:
        return html.escape(display, quote=False)
    bare = display.replace("\u2026", "")
    index = expanded.find(bare)
    if index < 0:
        return html.escape(display, quote=False)
    before = html.escape(expanded[:index], quote=False)
    after = html.escape(expanded[index + len(bare) :], quote=False)
    leading = "\u2026" if display.startswith("\u2026") else ""
    trailing = "\u2026" if display.endswith("\u2026") else ""
    return (
        f"<span class='tco-ellipsis'>{leading}<span {_INVISIBLE}>&nbsp;</span></span>"
        f"<span {_INVISIBLE}>{before}</span>"
        f"<span class='js-display-url'>{html.escape(bare, quote=False)}</span>"
        f"<span {_INVISIBLE}>{after}</span>"
        f"<span class='tco-ellipsis'><span {_INVISIBLE}>&nbsp;</span>{trailing}</span>"
    )


def _link(entity: Entity, links: Links, *, css: bool, extra: list[tuple[str, str]]) -> str:
    kind = entity.kind
    if kind is EntityKind.URL:
        href = entity.text if _HAS_PROTOCOL_RE.match(entity.text) else f"http://{entity.text}"
        attributes = [("href", href)]
        if entity.display_url is not None and entity.expanded_url is not None:
            attributes.append(("title", entity.expanded_url))
        return _anchor(attributes + extra, _url_text(entity))
    if kind in (EntityKind.MENTION, EntityKind.LIST):
        symbol = html.escape(entity.text[0], quote=False)
        if kind is EntityKind.MENTION:
            css_class = "tweet-url username"
            href = links.mention_url(entity)
        else:
            css_class = "tweet-url list-slug"
            href = links.list_url(entity)
        attributes = [("class", css_class)] if css else []
        attributes.append(("href", href))
        return symbol + _anchor(attributes + extra, html.escape(entity.text[1:], quote=False))
    tag = entity.tag or ""
    if kind is EntityKind.HASHTAG:
        href, title, css_class = links.hashtag_url(entity), f"#{tag}", "tweet-url hashtag"
        if RTL_RE.match(tag):
            css_class += " rtl"
    elif kind is EntityKind.CASHTAG:
        href, title, css_class = links.cashtag_url(entity), f"${tag}", "tweet-url cashtag"
    else:
        href, title, css_class = links.topic_url(entity), f"#{tag}#", "tweet-url topic"
    attributes = [("href", href), ("title", title)]
    if css:
        attributes.append(("class", css_class))
    return _anchor(attributes + extra, html.escape(entity.text, quote=False))


def _given(text: str, entities: Iterable[Entity]) -> tuple[Entity, ...]:
    checked = []
    for entity in _checks.iterable(entities, "entities", "entities"):
        if not isinstance(entity, Entity):
            raise ValidationError(
                f"entities must be Entity values, got {type(entity).__name__}",
                field="entities",
                value=entity,
            )
        if entity.end > len(text) or text[entity.start : entity.end] != entity.text:
            raise ValidationError(
                f"the entity {_checks.quote(entity.text)} is not at [{entity.start}, {entity.end}) "
                "of the text being rendered",
                field="entities",
                value=entity,
            )
        checked.append(entity)
    return remove_overlaps(checked)


def render_html(
    text: str,
    *,
    entities: Iterable[Entity] | None = None,
    flavor: Flavor | str = Flavor.DEFAULT,
    kinds: Iterable[EntityKind | str] | None = None,
    links: Links | None = None,
    nofollow: bool = True,
    target_blank: bool = False,
    css_classes: bool = True,
    link_urls_without_scheme: bool = False,
) -> str:
    """Render ``text`` as HTML, linking its URLs, mentions, lists, hashtags, cashtags and topics.

    Every character taken from ``text`` is HTML-escaped; only the links'
    own markup is HTML. Runs in time linear in the text.

    Args:
        text: The post text (plain text, not HTML).
        entities: Link exactly these (for example built from an API's
            entity offsets, with ``display_url``/``expanded_url`` for t.co
            links); by default they are extracted with ``flavor``.
        flavor: The entity syntax to extract with; see :class:`Flavor`.
        kinds: Link only entities of these kinds (all by default).
        links: Where each kind of entity links to; twitter-text's targets by default.
        nofollow: Add ``rel="nofollow"`` to every link (twitter-text's default).
        target_blank: Open links in a new tab (adds ``rel="noopener"`` too).
        css_classes: Add twitter-text's classes (``tweet-url hashtag``...).
        link_urls_without_scheme: Also link ``example.com``; twitter-text's
            autolinker links only URLs written with ``http(s)://``.

    Returns:
        The HTML fragment.

    Raises:
        ValidationError: ``text`` is not a string, or a given entity is not at
            its span of ``text``.

    Example:
        >>> print(render_html("<b>hi</b> @alice", nofollow=False))
        &lt;b&gt;hi&lt;/b&gt; @<a class="tweet-url username" href="https://twitter.com/alice">alice</a>
    """
    if not isinstance(text, str):
        raise ValidationError(
            f"text must be a str, got {type(text).__name__}", field="text", value=text
        )
    if entities is None:
        chosen = extract(
            text, flavor=flavor, kinds=kinds, urls_without_scheme=link_urls_without_scheme
        )
    else:
        chosen = _given(text, entities)
        if kinds is not None:
            wanted = kind_set(kinds)
            chosen = tuple(entity for entity in chosen if entity.kind in wanted)
    if links is not None:
        _checks.instance(links, Links, "links")
    targets = links if links is not None else Links()
    rel = []
    if nofollow:
        rel.append("nofollow")
    extra: list[tuple[str, str]] = []
    if target_blank:
        rel.append("noopener")
        extra.append(("target", "_blank"))
    if rel:
        extra.append(("rel", " ".join(rel)))
    pieces = []
    position = 0
    for entity in chosen:
        pieces.append(html.escape(text[position : entity.start], quote=False))
        pieces.append(_link(entity, targets, css=css_classes, extra=extra))
        position = entity.end
    pieces.append(html.escape(text[position:], quote=False))
    return _UNSAFE_RE.sub("\ufffd", "".join(pieces))
