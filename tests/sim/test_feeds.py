"""Tests for microblog_core.sim.feeds: feed sources and their registry."""

import pytest

from microblog_core import ManualClock
from microblog_core.errors import ValidationError
from microblog_core.ranking import BlueskyHotScorer
from microblog_core.ranking.pipeline import Ranker
from microblog_core.service import Microblog
from microblog_core.sim.feeds import (
    DEFAULT_FEEDS,
    ChronologicalFeed,
    FeedRegistry,
    FeedSource,
    RankedFeed,
    builtin_rankers,
)


def test_the_built_in_feeds():
    assert DEFAULT_FEEDS.names == (
        "bridging",
        "chronological",
        "engagement",
        "for_you",
        "hacker_news",
        "hot",
    )
    assert all(isinstance(DEFAULT_FEEDS.get(name), FeedSource) for name in DEFAULT_FEEDS.names)
    assert [r.name for r in builtin_rankers()] == ["engagement", "hot", "hacker_news", "for_you"]
    assert "chronological" in DEFAULT_FEEDS
    assert "nope" not in DEFAULT_FEEDS


def test_an_unknown_name_lists_the_known_ones():
    with pytest.raises(
        ValidationError, match="unknown ranker 'newest'; choose one of bridging, chrono"
    ):
        DEFAULT_FEEDS.get("newest")


def test_with_feed_returns_a_new_registry():
    hot = RankedFeed(Ranker(name="very_hot", scorer=BlueskyHotScorer(gravity=2.5)))
    extended = DEFAULT_FEEDS.with_feed(hot)
    assert extended.get("very_hot") is hot
    assert "very_hot" not in DEFAULT_FEEDS
    renamed = extended.with_feed(ChronologicalFeed(), name="latest")
    assert renamed.get("latest").name == "chronological"


def test_a_registry_refuses_what_is_not_a_feed():
    with pytest.raises(ValidationError, match="must have a name and read"):
        FeedRegistry({"x": object()})  # type: ignore[dict-item]
    with pytest.raises(ValidationError, match="non-empty"):
        FeedRegistry({"": ChronologicalFeed()})
    with pytest.raises(ValidationError, match="Ranker"):
        RankedFeed("engagement")  # type: ignore[arg-type]


@pytest.fixture
def blog():
    blog = Microblog.in_memory(clock=ManualClock())
    ann, bob, cat = (blog.register(h) for h in ("ann", "bob", "cat"))
    blog.follow(ann.id, bob.id)
    first = blog.post(bob.id, "first")
    blog.clock.advance(60)
    blog.post(cat.id, "not followed")
    blog.clock.advance(60)
    blog.post(bob.id, "second")
    blog.clock.advance(60)
    blog.like(cat.id, first.id)
    return blog, ann


def test_chronological_feed_reads_the_home_timeline_newest_first(blog):
    service, ann = blog
    page = ChronologicalFeed().read(service, ann.id, limit=20)
    assert [p.text for p in page] == ["second", "first"]
    assert [p.text for p in ChronologicalFeed().read(service, ann.id, limit=1)] == ["second"]


def test_ranked_feed_reads_the_ranked_timeline(blog):
    service, ann = blog
    hot = RankedFeed(Ranker(name="hot", scorer=BlueskyHotScorer()))
    assert hot.name == "hot"
    assert [p.text for p in hot.read(service, ann.id, limit=20)] == ["first", "second"]


def test_for_you_brings_posts_from_outside_the_network(blog):
    service, ann = blog
    texts = [p.text for p in DEFAULT_FEEDS.get("for_you").read(service, ann.id, limit=20)]
    assert "not followed" in texts
