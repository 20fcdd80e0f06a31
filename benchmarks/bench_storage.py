"""Benchmark the storage adapters, each against a baseline in the same run.

1. Bulk insert: 200,000 posts written through ``SqliteStore`` in one unit of
   work, against raw ``sqlite3.executemany`` of the same rows into the same
   schema (target: the adapter keeps at least 0.5 of raw throughput).
2. Newest 50 posts of one author among 1,000,000 stored posts, through the
   SQLite adapter and through the memory adapter.
3. Memory per stored follow edge in the memory adapter against a
   ``networkx.DiGraph`` of the same edges, by ``tracemalloc`` (target: at
   most a quarter of networkx's bytes per edge).

    .venv/bin/python benchmarks/bench_storage.py [--bulk 200000] [--stored 1000000]
        [--edges 200000] [--quick]

What the bulk baseline does, to be fair: both runs start from the same new
file (same schema, indexes, pragmas, the 1,000 authors already stored) and
end with the same database, checked row for row by a digest. The raw run is
handed ready-made row tuples (building them from ``Post`` values is not
timed) and in one transaction does ``executemany`` into ``posts``,
``post_tags`` and ``post_mentions``, then sets the counters the posts move
(authors' ``posts``, the parents' ``replies``, the roots' ``reposts``, the
quoted posts' ``quotes``, the row totals) with one ``executemany`` of
precomputed deltas each. The adapter run times everything from ``Post``
values to ``COMMIT``, as a bulk load would.
"""

import argparse
import gc
import hashlib
import random
import sqlite3
import statistics
import tempfile
import time
import tracemalloc
from collections import Counter
from collections.abc import Callable, Iterable
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any

from microblog_core.ids import id_at
from microblog_core.models import Account, Follow, Post, ReplyRef, RepostRef
from microblog_core.ports import Store
from microblog_core.storage.sqlite import SqliteStore
from microblog_core.storage.sqlite import _rows as sqlite_rows
from microblog_core.storage.sqlite import _sql as sqlite_sql

T0 = datetime(2026, 1, 1, tzinfo=UTC)
AUTHORS = 1_000


def accounts(n: int) -> list[Account]:
    return [Account.create(id=i, handle=f"user{i}", created_at=T0) for i in range(1, n + 1)]


def seed_accounts(store: Store, people: Iterable[Account]) -> None:
    with store.unit_of_work() as unit:
        for person in people:
            unit.accounts.add(person)
        unit.commit()


def mixed_posts(n: int, rng: random.Random) -> list[Post]:
    """Posts by 1,000 authors: 80% originals, 10% replies, 5% reposts, 5% quotes.

    One post in ten carries a hashtag, one in twenty a mention.
    """
    posts: list[Post] = []
    originals: list[Post] = []
    reposted: set[tuple[int, int]] = set()
    for i in range(n):
        at = T0 + timedelta(milliseconds=i)
        author = rng.randrange(1, AUTHORS + 1)
        tags = (f"tag{rng.randrange(50)}",) if rng.random() < 0.1 else ()
        mentions = (rng.randrange(1, AUTHORS + 1),) if rng.random() < 0.05 else ()
        kind = rng.random() if originals else 0.0
        target = rng.choice(originals) if originals else None
        base: dict[str, Any] = {"id": id_at(at), "author_id": author, "created_at": at}
        if target is not None and kind > 0.95 and (author, target.id) not in reposted:
            reposted.add((author, target.id))
            ref = RepostRef(root_id=target.id, root_author_id=target.author_id)
            posts.append(Post.create_repost(of=ref, **base))
            continue
        extra: dict[str, Any] = {}
        if target is not None and 0.80 < kind <= 0.90:
            extra["reply_to"] = ReplyRef(
                root_id=target.id,
                parent_id=target.id,
                parent_author_id=target.author_id,
                addressee_id=target.author_id,
            )
        elif target is not None and 0.90 < kind <= 0.95:
            extra["quote_of"] = target.id
        post = Post.create(
            text=f"post {i} about something #{tags[0]}" if tags else f"post {i} about something",
            tags=tags,
            mentions=mentions,
            **base,
            **extra,
        )
        posts.append(post)
        if not extra:
            originals.append(post)
    return posts


def fresh_database(directory: Path, name: str) -> Path:
    path = directory / name
    with SqliteStore(path) as store:
        seed_accounts(store, accounts(AUTHORS))
    return path


def raw_connection(path: Path) -> sqlite3.Connection:
    conn = sqlite3.connect(path, isolation_level=None)
    conn.execute("PRAGMA foreign_keys = ON")
    conn.execute("PRAGMA synchronous = NORMAL")
    conn.execute("PRAGMA cache_size = -32768")
    return conn


def digest(path: Path) -> str:
    """A digest of every row of every table, to check two loads made the same database."""
    conn = sqlite3.connect(path)
    try:
        tables = [
            row[0]
            for row in conn.execute(
                "SELECT name FROM sqlite_schema WHERE type = 'table'"
                " AND name NOT LIKE 'sqlite%' ORDER BY name"
            )
        ]
        sha = hashlib.sha256()
        for table in tables:
            sha.update(table.encode())
            for row in sorted(conn.execute(f'SELECT * FROM "{table}"')):
                sha.update(repr(row).encode())
        return sha.hexdigest()[:16]
    finally:
        conn.close()


def bench_bulk_insert(n: int, directory: Path) -> None:
    print(f"\n1. Bulk insert of {n:,} posts in one unit (file database, WAL, synchronous=NORMAL)")
    posts = mixed_posts(n, random.Random(7))
    kinds = Counter(
        "reply"
        if p.reply_to
        else "repost"
        if p.repost_of
        else "quote"
        if p.quote_of
        else "original"
        for p in posts
    )
    print("   mix: " + ", ".join(f"{k} {v:,}" for k, v in sorted(kinds.items())))

    # The raw baseline's inputs, built outside its timer.
    rows = [sqlite_rows.post_params(p) for p in posts]
    tag_rows = [(tag, p.id) for p in posts for tag in p.tags]
    mention_rows = [(account, p.id) for p in posts for account in p.mentions]
    by_author = Counter(p.author_id for p in posts)
    replies = Counter(p.reply_to.parent_id for p in posts if p.reply_to)
    reposts = Counter(p.repost_of.root_id for p in posts if p.repost_of)
    quotes = Counter(p.quote_of for p in posts if p.quote_of)

    raw_path = fresh_database(directory, "raw.db")
    conn = raw_connection(raw_path)
    start = time.perf_counter()
    conn.execute("BEGIN IMMEDIATE")
    conn.executemany(sqlite_sql.INSERT_POST, rows)
    conn.executemany(sqlite_sql.INSERT_TAG, tag_rows)
    conn.executemany(sqlite_sql.INSERT_MENTION, mention_rows)
    conn.executemany(sqlite_sql.MOVE_ACCOUNT_COUNTERS, [(0, 0, c, a) for a, c in by_author.items()])
    conn.executemany(sqlite_sql.MOVE_REPLIES, [(c, p) for p, c in replies.items()])
    conn.executemany(sqlite_sql.MOVE_REPOSTS, [(c, p) for p, c in reposts.items()])
    conn.executemany(sqlite_sql.MOVE_QUOTES, [(c, p) for p, c in quotes.items()])
    conn.execute(sqlite_sql.MOVE_TOTAL, (n, "posts"))
    conn.execute("COMMIT")
    raw_seconds = time.perf_counter() - start
    conn.close()

    adapter_path = fresh_database(directory, "adapter.db")
    with SqliteStore(adapter_path) as store:
        start = time.perf_counter()
        with store.unit_of_work() as unit:
            add = unit.posts.add
            for post in posts:
                add(post)
            unit.commit()
        adapter_seconds = time.perf_counter() - start

    same = digest(raw_path) == digest(adapter_path)
    raw_rate, adapter_rate = n / raw_seconds, n / adapter_seconds
    print(f"   raw executemany      {raw_seconds:7.2f} s  {raw_rate:>10,.0f} posts/s")
    print(f"   SqliteStore.posts.add {adapter_seconds:6.2f} s  {adapter_rate:>10,.0f} posts/s")
    verdict = "meets" if adapter_rate / raw_rate >= 0.5 else "MISSES"
    print(
        f"   adapter / raw throughput = {adapter_rate / raw_rate:.2f}  "
        f"({verdict} the 0.5 target; same database: {same})"
    )


def originals(n: int) -> list[Post]:
    """``n`` original posts, author ``i % AUTHORS + 1``: 1,000 authors with n / 1,000 each."""
    step = timedelta(milliseconds=1)
    return [
        Post.create(
            id=id_at(T0 + i * step),
            author_id=i % AUTHORS + 1,
            created_at=T0 + i * step,
            text=f"stored post {i}",
        )
        for i in range(n)
    ]


def time_reads(store: Store, authors: list[int], limit: int) -> list[float]:
    timings = []
    with store.unit_of_work(readonly=True) as unit:
        by_author = unit.posts.by_author
        for author in authors:
            start = time.perf_counter()
            page = by_author(author, limit=limit)
            timings.append(time.perf_counter() - start)
            assert len(page) == limit
    return timings


def describe(name: str, timings: list[float]) -> float:
    median = statistics.median(timings)
    p95 = statistics.quantiles(timings, n=20)[-1]
    print(f"   {name:<28} median {median * 1e6:8.1f} us   p95 {p95 * 1e6:8.1f} us")
    return median


def bench_author_reads(n: int, directory: Path) -> None:
    from microblog_core.storage.memory import MemoryStore

    print(f"\n2. Newest 50 posts of one author among {n:,} stored posts ({AUTHORS:,} authors)")
    start = time.perf_counter()
    posts = originals(n)
    print(f"   (built {n:,} Post values in {time.perf_counter() - start:.1f} s)")

    path = fresh_database(directory, "million.db")
    conn = raw_connection(path)
    start = time.perf_counter()
    conn.execute("BEGIN IMMEDIATE")
    conn.executemany(sqlite_sql.INSERT_POST, map(sqlite_rows.post_params, posts))
    conn.executemany(
        sqlite_sql.MOVE_ACCOUNT_COUNTERS,
        [(0, 0, c, a) for a, c in Counter(p.author_id for p in posts).items()],
    )
    conn.execute(sqlite_sql.MOVE_TOTAL, (n, "posts"))
    conn.execute("COMMIT")
    conn.close()
    print(f"   (loaded SQLite with executemany in {time.perf_counter() - start:.1f} s)")

    memory = MemoryStore()
    start = time.perf_counter()
    seed_accounts(memory, accounts(AUTHORS))
    with memory.unit_of_work() as unit:
        add = unit.posts.add
        for post in posts:
            add(post)
        unit.commit()
    print(f"   (loaded MemoryStore in {time.perf_counter() - start:.1f} s)")
    del posts

    rng = random.Random(3)
    authors = [rng.randrange(1, AUTHORS + 1) for _ in range(300)]
    with SqliteStore(path) as store:
        time_reads(store, authors[:20], 50)  # warm the page cache
        sqlite_median = describe("SqliteStore by_author", time_reads(store, authors, 50))
        with store.unit_of_work(readonly=True) as unit:
            assert unit.posts.count() == n
    memory_median = describe("MemoryStore by_author", time_reads(memory, authors, 50))
    memory.close()
    print(f"   SQLite / memory time = {sqlite_median / memory_median:.1f}x")


def traced_bytes(build: Callable[[], object]) -> tuple[int, object]:
    """Bytes still allocated after ``build()`` returns (what its result keeps)."""
    gc.collect()
    tracemalloc.start()
    try:
        before = tracemalloc.get_traced_memory()[0]
        kept = build()
        gc.collect()
        after = tracemalloc.get_traced_memory()[0]
    finally:
        tracemalloc.stop()
    return after - before, kept


def bench_edge_memory(edges: int) -> None:
    from microblog_core.storage.memory import MemoryStore

    nodes = max(edges // 10, 2)
    print(f"\n3. Memory per follow edge: {edges:,} edges among {nodes:,} accounts (tracemalloc)")
    rng = random.Random(11)
    pairs: set[tuple[int, int]] = set()
    while len(pairs) < edges:
        a, b = rng.randrange(1, nodes + 1), rng.randrange(1, nodes + 1)
        if a != b:
            pairs.add((a, b))
    ordered = sorted(pairs, key=lambda _: rng.random())

    store = MemoryStore()
    seed_accounts(store, accounts(nodes))

    def follow_all() -> None:
        # The Follow values are made here and dropped: what stays is what the store keeps.
        with store.unit_of_work() as unit:
            add = unit.relations.add_follow
            for a, b in ordered:
                add(Follow(follower_id=a, followee_id=b, created_at=T0))
            unit.commit()

    store_bytes, _ = traced_bytes(follow_all)
    with store.unit_of_work(readonly=True) as unit:
        assert sum(unit.accounts.counters(a).following for a in range(1, nodes + 1)) == edges
    ours = store_bytes / edges
    print(f"   MemoryStore relations      {ours:8.1f} bytes/edge")

    try:
        import networkx as nx
    except ImportError:
        print("   networkx is not installed: no baseline (pip install 'microblog-core[networkx]')")
        return
    graph = nx.DiGraph()
    graph.add_nodes_from(range(1, nodes + 1))
    nx_bytes, _ = traced_bytes(lambda: graph.add_edges_from(ordered))
    assert graph.number_of_edges() == edges
    theirs = nx_bytes / edges
    print(f"   networkx.DiGraph (no attrs) {theirs:7.1f} bytes/edge")
    verdict = "meets" if ours <= theirs / 4 else "MISSES"
    print(f"   MemoryStore / networkx = {ours / theirs:.2f}  ({verdict} the 0.25 target)")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--bulk", type=int, default=200_000, help="posts in the bulk insert")
    parser.add_argument("--stored", type=int, default=1_000_000, help="posts stored for reads")
    parser.add_argument("--edges", type=int, default=200_000, help="follow edges")
    parser.add_argument("--quick", action="store_true", help="a tenth of every size")
    args = parser.parse_args()
    scale = 10 if args.quick else 1
    print(f"SQLite {sqlite3.sqlite_version}")
    with tempfile.TemporaryDirectory(prefix="bench-storage-") as tmp:
        directory = Path(tmp)
        bench_bulk_insert(args.bulk // scale, directory)
        try:
            bench_author_reads(args.stored // scale, directory)
            bench_edge_memory(args.edges // scale)
        except ImportError as missing:
            print(f"\nthe memory adapter is not available ({missing}): parts 2 and 3 skipped")


if __name__ == "__main__":
    main()
