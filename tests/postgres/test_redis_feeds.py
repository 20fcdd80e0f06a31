"""RedisFeeds beyond the contract suite: layout, buffering, lost writes and rebuilds."""

from collections.abc import Iterator
from typing import Any

import pytest

from microblog_core.errors import StorageError
from microblog_core.service import Microblog
from microblog_core.timelines import FanOutOnRead, FanOutOnWrite
from tests.postgres.conftest import drop_prefix, new_name

redis = pytest.importorskip("redis")

from microblog_core.storage.redis import RedisFeeds  # noqa: E402  # after the skip check


@pytest.fixture
def prefix(redis_url: str) -> Iterator[str]:
    name = new_name("r") + ":"
    yield name
    drop_prefix(redis_url, name)


@pytest.fixture
def blog(postgres_url: str, redis_url: str, schema: str) -> Iterator[Microblog]:
    with Microblog.postgres(
        postgres_url, schema=schema, redis_url=redis_url, timeline=FanOutOnWrite()
    ) as service:
        yield service
    drop_prefix(redis_url, f"{schema}:")


def _feeds(blog: Microblog) -> RedisFeeds:
    feeds = blog._store._external_feeds  # type: ignore[union-attr]
    assert isinstance(feeds, RedisFeeds)
    return feeds


def _fan_out_on_read(blog: Microblog, reader: int) -> list[int]:
    strategy, blog.timeline = blog.timeline, FanOutOnRead()
    try:
        return [p.id for p in blog.home_timeline(reader, limit=40).items]
    finally:
        blog.timeline = strategy


def test_a_bad_url_or_a_server_that_is_down_is_one_storage_error() -> None:
    with pytest.raises(StorageError, match="not a Redis URL"):
        RedisFeeds("http://nowhere")
    with pytest.raises(StorageError, match=r"cannot connect to Redis at 127\.0\.0\.1:1"):
        RedisFeeds("redis://127.0.0.1:1/0", timeout=1)


def test_mastodons_layout_one_sorted_set_per_reader_scored_by_post_id(
    blog: Microblog, redis_url: str
) -> None:
    author, reader = blog.register("author"), blog.register("reader")
    blog.follow(reader.id, author.id)
    post = blog.post(author.id, "hello")
    feeds = _feeds(blog)
    client = redis.Redis.from_url(redis_url)
    members = client.zrange(feeds.key(reader.id), 0, -1, withscores=True)
    client.close()
    assert members == [(f"{post.id:020d}:{author.id}".encode(), float(post.id))]


def test_feed_writes_wait_for_the_commit_and_a_rollback_drops_them(
    blog: Microblog, postgres_url: str
) -> None:
    author, reader = blog.register("author"), blog.register("reader")
    post = blog.post(author.id, "hello")
    feeds = _feeds(blog)
    with blog.unit_of_work() as unit:
        unit.feeds.clear(reader.id)
        unit.feeds.insert([reader.id], post.id, author.id, cap=10)
        assert list(unit.feeds.read(reader.id)) == [post.id]
        assert feeds.size(reader.id) == 0  # not in Redis before the commit
    assert feeds.size(reader.id) == 0  # rolled back: dropped
    with blog.unit_of_work() as unit:
        unit.feeds.insert([reader.id], post.id, author.id, cap=10)
        unit.commit()
    assert feeds.size(reader.id) == 1


def test_a_flushed_redis_is_put_right_by_rebuild(blog: Microblog, redis_url: str) -> None:
    author, other, reader = (blog.register(h) for h in ("author", "other", "reader"))
    blog.follow(reader.id, author.id)
    blog.follow(reader.id, other.id)
    for n in range(5):
        blog.post(author.id, f"a{n}")
        blog.post(other.id, f"o{n}")
    blog.post(reader.id, "mine")
    expected = _fan_out_on_read(blog, reader.id)
    assert [p.id for p in blog.home_timeline(reader.id, limit=40).items] == expected
    drop_prefix(redis_url, _feeds(blog).prefix)  # Redis lost everything
    assert blog.home_timeline(reader.id, limit=40).items == ()
    assert _feeds(blog).rebuild(reader.id) == len(expected)
    assert [p.id for p in blog.home_timeline(reader.id, limit=40).items] == expected


def test_a_crash_between_commit_and_feed_write_is_put_right_by_rebuild(
    blog: Microblog, monkeypatch: pytest.MonkeyPatch
) -> None:
    author, reader = blog.register("author"), blog.register("reader")
    blog.follow(reader.id, author.id)
    first = blog.post(author.id, "before")
    feeds = _feeds(blog)

    def lost(ops: list[Any]) -> None:
        raise StorageError("the process died here (test)")

    monkeypatch.setattr(feeds, "apply", lost)
    second = blog.post(author.id, "after")  # the use case committed: no error
    monkeypatch.undo()
    assert feeds.failed_applies == 1
    assert [p.id for p in blog.home_timeline(reader.id).items] == [first.id]
    feeds.rebuild(reader.id)
    assert [p.id for p in blog.home_timeline(reader.id).items] == [second.id, first.id]


def test_rebuild_needs_a_store(redis_url: str, prefix: str) -> None:
    feeds = RedisFeeds(redis_url, prefix=prefix)
    with pytest.raises(StorageError, match="belong to no store"):
        feeds.rebuild(1)
    feeds.close()


def test_ranges_are_exact_although_scores_round(blog: Microblog, prefix: str) -> None:
    """Ids beyond 2**53 share scores; reads still bound and order by the exact id."""
    base = (1 << 60) + 1
    ids = [base + n for n in range(40)]
    feeds = _feeds(blog)
    with blog.unit_of_work() as unit:
        unit.feeds.merge(7, [(i, 3) for i in ids], cap=100)
        unit.commit()
    with blog.unit_of_work(readonly=True) as unit:
        assert list(unit.feeds.read(7, limit=100)) == ids[::-1]
        assert list(unit.feeds.read(7, max_id=ids[20], min_id=ids[10], limit=100)) == ids[19:10:-1]
        assert list(unit.feeds.read(7, min_id=ids[30], ascending=True, limit=5)) == ids[31:36]
    with blog.unit_of_work() as unit:
        unit.feeds.remove_posts([7], [ids[5]])
        unit.commit()
    assert feeds.size(7) == 39
    with blog.unit_of_work(readonly=True) as unit:
        assert ids[5] not in unit.feeds.read(7, limit=100)


def _list_on_read(blog: Microblog, owner: int, list_id: int) -> list[int]:
    strategy, blog.timeline = blog.timeline, FanOutOnRead()
    try:
        return [p.id for p in blog.list_timeline(owner, list_id, limit=40).items]
    finally:
        blog.timeline = strategy


def test_a_list_feed_is_one_sorted_set_keyed_by_the_list_and_rebuilt_from_the_database(
    blog: Microblog, redis_url: str
) -> None:
    owner, member, other = (blog.register(h) for h in ("owner", "member", "other"))
    blog.follow(owner.id, member.id)
    blog.follow(owner.id, other.id)
    friends = blog.create_list(owner.id, "friends")
    blog.add_to_list(owner.id, friends.id, [member.id])
    posts = [blog.post(member.id, f"m{n}") for n in range(4)]
    blog.post(other.id, "not on the list")
    feeds = _feeds(blog)
    assert feeds.entries(friends.id) == {p.id: member.id for p in posts}
    expected = _list_on_read(blog, owner.id, friends.id)
    assert expected == [p.id for p in reversed(posts)]
    drop_prefix(redis_url, feeds.prefix)  # Redis lost everything
    assert blog.list_timeline(owner.id, friends.id).items == ()
    assert feeds.rebuild_list(friends.id) == len(expected)
    assert [p.id for p in blog.list_timeline(owner.id, friends.id, limit=40).items] == expected


def test_rebuild_brings_back_the_posts_of_followed_hashtags(
    blog: Microblog, redis_url: str
) -> None:
    reader, stranger = blog.register("reader"), blog.register("stranger")
    blog.follow_tag(reader.id, "#Cats")
    tagged = blog.post(stranger.id, "a #cats picture")
    blog.post(stranger.id, "untagged")
    assert [p.id for p in blog.home_timeline(reader.id).items] == [tagged.id]
    drop_prefix(redis_url, _feeds(blog).prefix)
    assert _feeds(blog).rebuild(reader.id) == 1
    assert [p.id for p in blog.home_timeline(reader.id).items] == [tagged.id]


def test_rebuild_list_refuses_an_unknown_list(blog: Microblog) -> None:
    from microblog_core.errors import NotFoundError

    with pytest.raises(NotFoundError):
        _feeds(blog).rebuild_list(12345)


def _open_sockets(feeds: RedisFeeds) -> int:
    pool = feeds._client.connection_pool
    connections = [*pool._available_connections, *pool._in_use_connections]
    return sum(connection._sock is not None for connection in connections)


def test_closing_a_service_closes_the_feeds_it_was_built_with(
    postgres_url: str, redis_url: str, schema: str
) -> None:
    # Microblog.postgres(redis_url=...) makes the RedisFeeds itself: nothing else can close it.
    service = Microblog.postgres(postgres_url, schema=schema, redis_url=redis_url)
    try:
        ann, bob = service.register("ann"), service.register("bob")
        service.follow(bob.id, ann.id)
        service.post(ann.id, "hello")
        feeds = _feeds(service)
        assert _open_sockets(feeds) > 0
    finally:
        service.close()
        drop_prefix(redis_url, f"{schema}:")
    assert _open_sockets(feeds) == 0


def test_closing_an_sqlite_store_closes_its_redis_feeds(redis_url: str, prefix: str) -> None:
    from microblog_core.storage.sqlite import SqliteStore

    feeds = RedisFeeds(redis_url, prefix=prefix)
    store = SqliteStore(":memory:", feeds=feeds)
    service = Microblog(store.unit_of_work, store=store)
    ann, bob = service.register("ann"), service.register("bob")
    service.follow(bob.id, ann.id)
    service.post(ann.id, "hello")
    assert _open_sockets(feeds) > 0
    store.close()
    assert _open_sockets(feeds) == 0
