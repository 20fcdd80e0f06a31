"""Timelines read through the narrow ReadPort, not through the service."""

from datetime import UTC, datetime

import pytest

import microblog_core.ranking.pipeline as old_pipeline
import microblog_core.timelines.strategies as old_strategies
from microblog_core import ManualClock
from microblog_core.ports import ReadPort, Store, UnitOfWork
from microblog_core.service import Microblog
from microblog_core.timelines import (
    FanOutOnRead,
    account_timeline,
    fanout,
    hashtag_timeline,
    home_page,
    public_timeline,
    ranked,
)

START = datetime(2026, 3, 1, tzinfo=UTC)


class _Replica:
    """A ReadPort that is not the service: a store and a fixed instant."""

    def __init__(self, store: Store) -> None:
        self._store = store

    def unit_of_work(self, *, readonly: bool = False) -> UnitOfWork:
        return self._store.unit_of_work(readonly=readonly)

    def now(self) -> datetime:
        return START


@pytest.fixture
def written() -> tuple[Microblog, _Replica]:
    blog = Microblog.in_memory(clock=ManualClock(START))
    assert blog._store is not None
    return blog, _Replica(blog._store)


def test_timelines_read_through_any_read_port(written: tuple[Microblog, _Replica]) -> None:
    blog, replica = written
    ann, bob = blog.register("ann"), blog.register("bob")
    blog.follow(ann.id, bob.id)
    first = blog.post(bob.id, "first #news")
    blog.repost(ann.id, first.id)
    assert account_timeline(replica, bob.id) == blog.account_timeline(bob.id)
    assert hashtag_timeline(replica, "news") == blog.hashtag_timeline("news")
    assert public_timeline(replica) == blog.public_timeline()
    home = home_page(
        FanOutOnRead(), replica, ann.id, limit=20, max_id=None, since_id=None, min_id=None
    )
    assert home == blog.home_timeline(ann.id)
    assert ranked.ranked_timeline(replica, ann.id) == blog.ranked_timeline(ann.id)


def test_the_service_is_a_read_port(written: tuple[Microblog, _Replica]) -> None:
    blog, replica = written
    port: ReadPort = blog
    assert port.now() == replica.now()


def test_the_old_module_paths_still_import() -> None:
    assert old_strategies.FanOutOnWrite is fanout.FanOutOnWrite
    assert old_strategies.TimelineStrategy is fanout.TimelineStrategy
    for name in old_pipeline.__all__:
        assert getattr(old_pipeline, name) is getattr(ranked, name)
    assert "Ranker" in dir(old_pipeline)
    with pytest.raises(AttributeError):
        old_pipeline.NoSuchName  # noqa: B018
