"""twitter-text ``autolink.yml``: every case, comparing parsed HTML.

Upstream runners pass ``suppress_no_follow`` (so ``nofollow=False`` here) and
link one kind per section (``autoLinkHashtags`` for ``hashtags``...);
attribute order and quoting do not matter, so both sides are parsed.
"""

import json
from html.parser import HTMLParser
from typing import Any

import pytest

from microblog_core.text import Entity, EntityKind, Flavor, render_html
from tests.text.conformance import cases, load

FILE = "autolink.yml"
pytestmark = pytest.mark.usefixtures("conformance")
SECTION_KINDS = {
    "usernames": [EntityKind.MENTION, EntityKind.LIST],
    "lists": [EntityKind.MENTION, EntityKind.LIST],
    "hashtags": [EntityKind.HASHTAG],
    "urls": [EntityKind.URL],
    "cashtags": [EntityKind.CASHTAG],
    "all": None,
}


class _Events(HTMLParser):
    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.events: list[tuple[Any, ...]] = []

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        self.events.append(("start", tag, tuple(sorted(attrs))))

    def handle_endtag(self, tag: str) -> None:
        self.events.append(("end", tag))

    def handle_data(self, data: str) -> None:
        if self.events and self.events[-1][0] == "data":
            self.events[-1] = ("data", self.events[-1][1] + data)
        else:
            self.events.append(("data", data))


def parsed(markup: str) -> list[tuple[Any, ...]]:
    parser = _Events()
    parser.feed(markup)
    parser.close()
    return parser.events


@pytest.mark.parametrize(
    ("section", "case"),
    [
        pytest.param(section, param.values[0], id=param.id, marks=param.marks)
        for section in SECTION_KINDS
        for param in cases(FILE, section)
    ],
)
def test_autolink(section: str, case: dict[str, Any]) -> None:
    html = render_html(
        case["text"], flavor=Flavor.TWITTER, kinds=SECTION_KINDS[section], nofollow=False
    )
    assert parsed(html) == parsed(case["expected"])


def _entities(text: str, api: dict[str, Any]) -> list[Entity]:
    """Entities from a Twitter API ``entities`` object (code point indices)."""
    found = []
    for mention in api.get("user_mentions", []):
        start, end = mention["indices"]
        found.append(Entity(EntityKind.MENTION, text[start:end], start, end))
    for tag in api.get("hashtags", []):
        start, end = tag["indices"]
        found.append(Entity(EntityKind.HASHTAG, text[start:end], start, end))
    for url in api.get("urls", []):
        start, end = url["indices"]
        found.append(
            Entity(
                EntityKind.URL,
                text[start:end],
                start,
                end,
                display_url=url.get("display_url"),
                expanded_url=url.get("expanded_url"),
            )
        )
    return found


@pytest.mark.parametrize("case", cases(FILE, "json"))
def test_autolink_from_given_entities(case: dict[str, Any]) -> None:
    entities = _entities(case["text"], json.loads(case["json"]))
    html = render_html(case["text"], entities=entities, nofollow=False)
    assert parsed(html) == parsed(case["expected"])


def test_every_section_is_covered() -> None:
    assert set(load(FILE)) == {*SECTION_KINDS, "json"}
