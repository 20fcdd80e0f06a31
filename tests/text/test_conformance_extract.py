"""twitter-text ``extract.yml``: every case, with the Twitter flavor.

The default flavor differs from twitter-text in one case of this file
(``@test@example.com`` is a fediverse mention there); see test_extract.py.
"""

from typing import Any

import pytest

from microblog_core.text import EntityKind, Flavor, extract, reply_target
from tests.text.conformance import cases, load

FILE = "extract.yml"
pytestmark = pytest.mark.usefixtures("conformance")
K = EntityKind


def _twitter(text: str, *kinds: EntityKind) -> list[Any]:
    return list(extract(text, flavor=Flavor.TWITTER, kinds=kinds))


@pytest.mark.parametrize("case", cases(FILE, "mentions"))
def test_mentions(case: dict[str, Any]) -> None:
    assert [e.username for e in _twitter(case["text"], K.MENTION)] == case["expected"]


@pytest.mark.parametrize("case", cases(FILE, "mentions_with_indices"))
def test_mentions_with_indices(case: dict[str, Any]) -> None:
    got = [
        {"screen_name": e.username, "indices": [e.start, e.end]}
        for e in _twitter(case["text"], K.MENTION)
    ]
    assert got == case["expected"]


@pytest.mark.parametrize("case", cases(FILE, "mentions_or_lists_with_indices"))
def test_mentions_or_lists_with_indices(case: dict[str, Any]) -> None:
    got = [
        {
            "screen_name": e.username,
            "list_slug": f"/{e.slug}" if e.slug else "",
            "indices": [e.start, e.end],
        }
        for e in _twitter(case["text"], K.MENTION, K.LIST)
    ]
    assert got == case["expected"]


@pytest.mark.parametrize("case", cases(FILE, "replies"))
def test_replies(case: dict[str, Any]) -> None:
    assert reply_target(case["text"], flavor=Flavor.TWITTER) == case["expected"]


@pytest.mark.parametrize("case", cases(FILE, "urls") + cases(FILE, "tco_urls_with_params"))
def test_urls(case: dict[str, Any]) -> None:
    assert [e.url for e in _twitter(case["text"], K.URL)] == case["expected"]


@pytest.mark.parametrize(
    "case", cases(FILE, "urls_with_indices") + cases(FILE, "urls_with_directional_markers")
)
def test_urls_with_indices(case: dict[str, Any]) -> None:
    got = [{"url": e.url, "indices": [e.start, e.end]} for e in _twitter(case["text"], K.URL)]
    assert got == case["expected"]


@pytest.mark.parametrize("case", cases(FILE, "hashtags") + cases(FILE, "hashtags_from_astral"))
def test_hashtags(case: dict[str, Any]) -> None:
    assert [e.tag for e in _twitter(case["text"], K.HASHTAG)] == case["expected"]


@pytest.mark.parametrize("case", cases(FILE, "hashtags_with_indices"))
def test_hashtags_with_indices(case: dict[str, Any]) -> None:
    got = [
        {"hashtag": e.tag, "indices": [e.start, e.end]} for e in _twitter(case["text"], K.HASHTAG)
    ]
    assert got == case["expected"]


@pytest.mark.parametrize("case", cases(FILE, "cashtags"))
def test_cashtags(case: dict[str, Any]) -> None:
    assert [e.tag for e in _twitter(case["text"], K.CASHTAG)] == case["expected"]


@pytest.mark.parametrize("case", cases(FILE, "cashtags_with_indices"))
def test_cashtags_with_indices(case: dict[str, Any]) -> None:
    got = [
        {"cashtag": e.tag, "indices": [e.start, e.end]} for e in _twitter(case["text"], K.CASHTAG)
    ]
    assert got == case["expected"]


def test_every_section_is_covered() -> None:
    covered = {
        "mentions",
        "mentions_with_indices",
        "mentions_or_lists_with_indices",
        "replies",
        "urls",
        "urls_with_indices",
        "urls_with_directional_markers",
        "tco_urls_with_params",
        "hashtags",
        "hashtags_from_astral",
        "hashtags_with_indices",
        "cashtags",
        "cashtags_with_indices",
    }
    assert set(load(FILE)) == covered
