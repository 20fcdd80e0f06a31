"""Benchmark timelines and ranking, each against a baseline in the same run.

1. Home page of 50 for a viewer following 1,000 accounts with 200 posts
   each (memory adapter, fan-out-on-read), against ``heapq.merge`` over plain
   ``(-id, id)`` tuples of the same streams (the practical limit) and against
   sorting everything. Targets: within 3x the raw merge, at least 50x faster
   than sorting. (The public API caps pages at 40; a page of 50 goes through
   the same code below the argument checks, and the 40-item public call is
   timed too.)
2. Fan-out-on-write of one post to 100,000 followers (memory adapter),
   against a bare loop appending an id to 100,000 Python lists (target:
   within 3x), with authors posting in turn: one author again and again, 2
   and 10 authors with the same, disjoint or overlapping followers; and the
   first post after an author's follower set changed.
3. The same home page through the SQLite adapter with 100,000 and with
   1,000,000 stored posts: time per page and its growth (target: flat,
   index-served). Also timed with the adapter's first stream chunk set to
   one row, to show what the k-way merge pays for the 64-row first chunk.
4. Ranking 10,000 candidates with the weighted-engagement preset plus author
   diversity: candidates per second for ``rank()`` alone and for the whole
   pipeline (sources, filters, features, scorer, re-rankers, page).

    .venv/bin/python benchmarks/bench_timelines.py [--quick] [--only N ...]

``--quick`` shrinks every size tenfold (a smoke run; ratios then mean little).
"""

import argparse
import gc
import heapq
import random
import statistics
import tempfile
import time
from collections.abc import Callable, Iterator
from datetime import UTC, datetime, timedelta
from itertools import chain, cycle, islice
from operator import attrgetter
from pathlib import Path

from microblog_core import ManualClock
from microblog_core.ids import id_at
from microblog_core.models import Account, Follow, Post
from microblog_core.ports import Store
from microblog_core.ranking import TWITTER_2023, AuthorDiversity, Candidate, rank
from microblog_core.ranking.pipeline import InNetwork, Ranker, ranked_timeline
from microblog_core.service import Microblog
from microblog_core.storage.memory import MemoryStore
from microblog_core.storage.sqlite import SqliteStore
from microblog_core.storage.sqlite import _posts as sqlite_posts
from microblog_core.timelines import FanOutOnRead, FanOutOnWrite
from microblog_core.timelines.home import _home_items

T0 = datetime(2026, 1, 1, tzinfo=UTC)
VIEWER = 1


def timed(run: Callable[[], object], repeat: int) -> float:
    """Median seconds per call over ``repeat`` calls (after one warm-up call)."""
    run()
    samples = []
    gc.disable()
    try:
        for _ in range(repeat):
            start = time.perf_counter()
            run()
            samples.append(time.perf_counter() - start)
    finally:
        gc.enable()
    return statistics.median(samples)


def seed_graph(store: Store, followees: int, per_author: int) -> None:
    """The viewer (id 1) follows accounts 2..followees+1; each posts ``per_author`` times.

    Posts interleave across authors, one millisecond apart, in one unit.
    """
    with store.unit_of_work() as unit:
        for account_id in range(1, followees + 2):
            unit.accounts.add(
                Account.create(id=account_id, handle=f"user{account_id}", created_at=T0)
            )
        tick = 0
        for _ in range(per_author):
            for author in range(2, followees + 2):
                at = T0 + timedelta(milliseconds=tick)
                unit.posts.add(Post(id=id_at(at), author_id=author, created_at=at, text="hi"))
                tick += 1
        for author in range(2, followees + 2):
            unit.relations.add_follow(Follow(follower_id=VIEWER, followee_id=author, created_at=T0))
        unit.commit()


def service(store: Store, **options: object) -> Microblog:
    clock = ManualClock(T0 + timedelta(days=60))
    return Microblog(store.unit_of_work, clock=clock, store=store, **options)  # type: ignore[arg-type]


def home_items(blog: Microblog, limit: int) -> list[Post]:
    with blog.unit_of_work(readonly=True) as uow:
        items, _ = _home_items(
            FanOutOnRead(),
            uow,
            VIEWER,
            blog.now(),
            limit=limit,
            max_id=None,
            since_id=None,
            min_id=None,
        )
    return items


def interleaved(
    runs: dict[str, Callable[[], object]], rounds: int, repeat: int
) -> dict[str, float]:
    """Median seconds per call of each run, measured in alternating rounds.

    On a shared machine the load drifts; alternating keeps every ratio to
    conditions both sides saw.
    """
    samples: dict[str, list[float]] = {name: [] for name in runs}
    for _ in range(rounds):
        for name, run in runs.items():
            samples[name].append(timed(run, repeat))
    return {name: statistics.median(values) for name, values in samples.items()}


def bench_home_memory(followees: int, per_author: int) -> None:
    print(f"\n1. Home page of 50: {followees:,} followees x {per_author} posts, memory adapter")
    store = MemoryStore()
    seed_graph(store, followees, per_author)
    blog = service(store)
    authors = range(2, followees + 2)
    with store.unit_of_work(readonly=True) as unit:
        streams = [[(-p.id, p.id) for p in unit.posts.stream(author)] for author in authors]

    def raw_merge() -> list[tuple[int, int]]:
        return list(islice(heapq.merge(*map(iter, streams)), 50))

    def sort_tuples() -> list[tuple[int, int]]:
        return sorted(chain.from_iterable(streams))[:50]

    def sort_posts() -> list[Post]:
        # The naive home timeline: read every followee's posts, sort by id.
        with store.unit_of_work(readonly=True) as unit:
            stream = unit.posts.stream
            everything = [post for author in authors for post in stream(author)]
        everything.sort(key=attrgetter("id"), reverse=True)
        return everything[:50]

    def heads() -> list[Post]:
        with store.unit_of_work(readonly=True) as unit:
            stream = unit.posts.stream
            return [next(stream(author)) for author in authors]

    assert [p.id for p in home_items(blog, 50)] == [i for _, i in raw_merge()]
    assert [p.id for p in sort_posts()] == [i for _, i in sort_tuples()]
    times = interleaved(
        {
            "ours": lambda: home_items(blog, 50),
            "public": lambda: blog.home_timeline(VIEWER, limit=40),
            "merge": raw_merge,
            "heads": heads,
        },
        rounds=9,
        repeat=40,
    )
    sorts = interleaved({"tuples": sort_tuples, "posts": sort_posts}, rounds=3, repeat=3)
    ours = times["ours"]
    print(f"   fan-out-on-read page of 50             {ours * 1e3:8.3f} ms")
    print(f"   public home_timeline(limit=40)         {times['public'] * 1e3:8.3f} ms")
    print(f"   raw heapq.merge of (-id, id) tuples    {times['merge'] * 1e3:8.3f} ms")
    print(f"   sort everything: the (-id, id) tuples  {sorts['tuples'] * 1e3:8.3f} ms")
    print(f"   sort everything: read all posts, sort  {sorts['posts'] * 1e3:8.3f} ms")
    print(f"   ratio to raw merge: {ours / times['merge']:5.2f}x (target <= 3)")
    print(
        f"   faster than sorting: {sorts['tuples'] / ours:5.1f}x the tuples, "
        f"{sorts['posts'] / ours:6.1f}x the posts (target >= 50)"
    )
    print(
        f"   of which opening the {followees:,} adapter streams and reading their heads: "
        f"{times['heads'] * 1e3:.3f} ms ({times['heads'] / times['merge']:.2f}x the raw merge)"
    )


def fan_out_blog(authors: int, followers: int, *, stride: int) -> tuple[Microblog, list[int]]:
    """A fan-out-on-write service whose ``authors`` accounts each have ``followers`` followers.

    Author ``k`` (0-based) is followed by the readers ``k * stride`` to
    ``k * stride + followers - 1`` of a pool: ``stride=0`` gives every author
    the same followers, ``stride=followers`` disjoint ones, anything between
    overlapping windows.
    """
    store = MemoryStore()
    pool = followers + stride * (authors - 1)
    author_ids = list(range(1, authors + 1))
    first_reader = authors + 1
    with store.unit_of_work() as unit:
        for account_id in range(1, first_reader + pool):
            unit.accounts.add(
                Account.create(id=account_id, handle=f"user{account_id}", created_at=T0)
            )
        for k, author in enumerate(author_ids):
            start = first_reader + k * stride
            for follower in range(start, start + followers):
                unit.relations.add_follow(
                    Follow(follower_id=follower, followee_id=author, created_at=T0)
                )
        unit.commit()
    return service(store, timeline=FanOutOnWrite()), author_ids


def bench_fan_out(followers: int) -> None:
    print(f"\n2. Fan-out-on-write of one post to {followers:,} followers, memory adapter")
    lists: list[list[int]] = [[] for _ in range(followers)]

    def bare_loop() -> None:
        for feed in lists:
            feed.append(12345)

    quiet = service(MemoryStore())
    lonely = quiet.register("lonely")
    patterns = {
        "1 author posting again and again": (1, 0),
        "2 authors in turn, same followers": (2, 0),
        "2 authors in turn, disjoint followers": (2, followers),
        "10 authors in turn, same followers": (10, 0),
        "10 authors in turn, windows 10% apart": (10, followers // 10),
    }
    runs: dict[str, Callable[[], object]] = {
        "bare": bare_loop,
        "bare_post": lambda: quiet.post(lonely.id, "to nobody"),
    }
    blogs = {}
    for name, (authors, stride) in patterns.items():
        blog, author_ids = fan_out_blog(authors, followers, stride=stride)
        blogs[name] = blog
        turn = cycle(author_ids)

        def publish(blog: Microblog = blog, turn: Iterator[int] = turn) -> None:
            blog.post(next(turn), "to everyone")
            blog.clock.advance(1)  # type: ignore[attr-defined]

        runs[name] = publish
    times = interleaved(runs, rounds=5, repeat=3)
    bare, bare_post = times["bare"], times["bare_post"]
    print(f"   bare loop appending to {followers:,} lists   {bare * 1e3:8.2f} ms")
    print(f"   post use case, no followers             {bare_post * 1e3:8.2f} ms")
    print("   fan-out alone (post minus the bare post), and its ratio to the bare loop:")
    for name in patterns:
        fan_out = times[name] - bare_post
        print(f"   {name:<40} {fan_out * 1e3:8.2f} ms  {fan_out / bare:5.2f}x (target <= 3)")
    del blogs

    # The first post after the author's follower set changed: one new follower.
    blog, (author,) = fan_out_blog(1, followers, stride=0)
    newcomers = iter(range(followers + 2, followers + 10_000))

    def after_change() -> float:
        newcomer = blog.register(f"new{next(newcomers)}").id
        blog.follow(newcomer, author)
        blog.clock.advance(1)  # type: ignore[attr-defined]
        start = time.perf_counter()
        blog.post(author, "to everyone, and one more")
        elapsed = time.perf_counter() - start
        blog.clock.advance(1)  # type: ignore[attr-defined]
        return elapsed

    blog.post(author, "warm-up")
    blog.clock.advance(1)  # type: ignore[attr-defined]
    firsts, bares = [], []
    gc.disable()
    try:
        for _ in range(9):  # alternate with the bare loop: the load on the machine drifts
            bares.append(timed(bare_loop, 3))
            firsts.append(after_change())
    finally:
        gc.enable()
    fan_out = statistics.median(firsts) - bare_post
    bare = statistics.median(bares)
    print(
        f"   first post after a new follower          {fan_out * 1e3:8.2f} ms  "
        f"{fan_out / bare:5.2f}x (bare loop meanwhile {bare * 1e3:.2f} ms)"
    )
    # The adapter's general path: readers given as a plain list (no follower index).
    with blog.unit_of_work() as writer:
        readers = list(range(2, followers + 2))
        newest = writer.feeds.read(author, limit=1)[0]
        start = time.perf_counter()
        writer.feeds.insert(readers, newest + 1, author, cap=800)
        general = time.perf_counter() - start
    print(
        f"   FeedRepository.insert given a list of ids {general * 1e3:8.2f} ms  "
        f"{general / bare:5.2f}x (the general path: a dict lookup per reader)"
    )


def bench_home_sqlite(followees: int, sizes: list[int]) -> None:
    print(f"\n3. Home page through SQLite, {followees:,} followees")
    with tempfile.TemporaryDirectory() as folder:
        blogs: dict[int, Microblog] = {}
        for per_author in sizes:
            store = SqliteStore(Path(folder) / f"home-{per_author}.db")
            start = time.perf_counter()
            seed_graph(store, followees, per_author)
            print(
                f"   loaded {followees * per_author:>9,} posts in "
                f"{time.perf_counter() - start:5.1f} s"
            )
            blogs[followees * per_author] = service(store)
        default_chunk = sqlite_posts._STREAM_FIRST_CHUNK

        def one_row(blog: Microblog) -> list[Post]:
            sqlite_posts._STREAM_FIRST_CHUNK = 1  # type: ignore[misc]
            try:
                return home_items(blog, 50)
            finally:
                sqlite_posts._STREAM_FIRST_CHUNK = default_chunk  # type: ignore[misc]

        runs: dict[str, Callable[[], object]] = {}
        for stored, blog in blogs.items():
            runs[f"page {stored}"] = lambda b=blog: home_items(b, 50)
            runs[f"public {stored}"] = lambda b=blog: b.home_timeline(VIEWER, limit=40)
            runs[f"one-row {stored}"] = lambda b=blog: one_row(b)
        times = interleaved(runs, rounds=5, repeat=3)
        for stored in blogs:
            print(
                f"   {stored:>9,} posts: page of 50 {times[f'page {stored}'] * 1e3:8.2f} ms, "
                f"limit=40 {times[f'public {stored}'] * 1e3:8.2f} ms; "
                f"first chunk of 1 row: {times[f'one-row {stored}'] * 1e3:7.2f} ms"
            )
        small, big = min(blogs), max(blogs)
        if small != big:
            growth = times[f"page {big}"] / times[f"page {small}"]
            one_row_growth = times[f"one-row {big}"] / times[f"one-row {small}"]
            print(
                f"   growth from {small:,} to {big:,} posts: {growth:4.2f}x "
                f"(first chunk of 1 row: {one_row_growth:4.2f}x; target: flat)"
            )
        for blog in blogs.values():
            blog.close()


def bench_ranking(count: int) -> None:
    print(
        f"\n4. Ranking {count:,} candidates: weighted engagement (TWITTER_2023) + author diversity"
    )
    rng = random.Random(7)
    now = T0 + timedelta(days=1)
    candidates = [
        Candidate(
            post_id=i + 1,
            author_id=rng.randrange(1, 500),
            created_at=T0 + timedelta(seconds=i),
            signals={
                "fav": rng.random() / 10,
                "retweet": rng.random() / 50,
                "reply": rng.random() / 100,
            },
        )
        for i in range(count)
    ]
    alone = timed(lambda: rank(candidates, TWITTER_2023, now, rerankers=[AuthorDiversity()]), 7)
    print(f"   rank() alone: {alone * 1e3:8.2f} ms  = {count / alone:12,.0f} candidates/s")

    followees = 500
    store = MemoryStore()
    seed_graph(store, followees, max(1, count // followees))
    blog = service(store)
    ranker = Ranker(name="bench", sources=[InNetwork(max_candidates=count)])
    page = ranked_timeline(blog, VIEWER, ranker=ranker, limit=40)
    assert len(page.items) == 40
    whole = timed(lambda: ranked_timeline(blog, VIEWER, ranker=ranker, limit=40), 5)
    print(f"   whole pipeline: {whole * 1e3:8.2f} ms = {count / whole:12,.0f} candidates/s")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--quick", action="store_true", help="ten times smaller (smoke run)")
    parser.add_argument(
        "--only", type=int, choices=range(1, 5), action="append", help="run only these parts"
    )
    args = parser.parse_args()
    scale = 10 if args.quick else 1
    parts = set(args.only or range(1, 5))
    if 1 in parts:
        bench_home_memory(1000 // scale, 200)
    if 2 in parts:
        bench_fan_out(100_000 // scale)
    if 3 in parts:
        bench_home_sqlite(1000 // scale, [100, 1000])
    if 4 in parts:
        bench_ranking(10_000 // scale)


if __name__ == "__main__":
    main()
