"""Benchmark the notifications page: flat from 10,000 to 100,000 notifications.

One account (a police bureau) receives N notifications, one a minute: likes
and reposts of its 1,000 posts, follows, and mentions in posts of 100 other
accounts (so groups of every size form, in 12-hour windows). The timed calls
are the first grouped page of 40 (Mastodon 4.3) and the first ungrouped page
of 40, through ``Microblog.notifications``, on the memory, the SQLite and the
PostgreSQL adapters, at N = 10,000 and N = 100,000. The figure is the ratio
of the two times per adapter: flat means close to 1 (a page reads at most 40
groups, whatever N).

    .venv/bin/python benchmarks/bench_notifications.py [--quick] [--no-postgres]

``--quick`` runs N = 1,000 and 10,000 (a smoke run). PostgreSQL is at
``MICROBLOG_POSTGRES_URL`` (the test default); when it cannot be reached the
run says why and measures the other two. Each PostgreSQL store lives in a
schema of its own, dropped at the end.
"""

import argparse
import gc
import os
import statistics
import tempfile
import time
import uuid
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from datetime import UTC, datetime, timedelta
from pathlib import Path

from microblog_core import ManualClock, bootstrap
from microblog_core.ids import id_at
from microblog_core.models import Account, Notification, NotificationKind, Post
from microblog_core.ports import Store

T0 = datetime(2026, 1, 1, tzinfo=UTC)
POSTGRES_URL = os.environ.get("MICROBLOG_POSTGRES_URL", "postgresql://postgres@127.0.0.1:5432/test")
POLICE = 1
OTHERS = 100
OWN_POSTS = 1000


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


def seed(store: Store, count: int) -> None:
    """Store the accounts, posts and ``count`` notifications of the police account."""
    kinds = (
        NotificationKind.LIKE,
        NotificationKind.LIKE,
        NotificationKind.REPOST,
        NotificationKind.FOLLOW,
        NotificationKind.MENTION,
    )
    with store.unit_of_work() as uow:
        for account_id in range(1, OTHERS + 2):
            uow.accounts.add(Account.create(id=account_id, handle=f"a{account_id}", created_at=T0))
        own = [
            Post.create(id=id_at(T0, n), author_id=POLICE, created_at=T0, text=f"notice {n}")
            for n in range(OWN_POSTS)
        ]
        theirs = [
            Post.create(
                id=id_at(T0, OWN_POSTS + n),
                author_id=2 + n,
                created_at=T0,
                text="@a1 hello",
                mentions=(POLICE,),
            )
            for n in range(OTHERS)
        ]
        for post in (*own, *theirs):
            uow.posts.add(post)
        for n in range(count):
            at = T0 + timedelta(minutes=n + 1)
            kind = kinds[n % len(kinds)]
            sender = 2 + (n * 7) % OTHERS
            if kind is NotificationKind.FOLLOW:
                post_id = None
            elif kind is NotificationKind.MENTION:
                post_id = theirs[sender - 2].id
            else:
                post_id = own[(n // len(kinds)) % OWN_POSTS].id
            uow.notifications.add(
                Notification(
                    id=id_at(at),
                    account_id=POLICE,
                    kind=kind,
                    from_account_id=sender,
                    post_id=post_id,
                    created_at=at,
                )
            )
        uow.commit()


def measure(
    make_store: Callable[[], Store],
    count: int,
    repeat: int,
    settle: Callable[[], None] | None = None,
) -> tuple[float, float]:
    """Seconds for the grouped and the ungrouped first page of 40 over ``count`` notifications."""
    store = make_store()
    seed(store, count)
    if settle is not None:
        settle()
    blog = bootstrap.build(store, clock=ManualClock(T0 + timedelta(days=400)))
    try:
        grouped = timed(lambda: blog.notifications(POLICE, grouped=True, limit=40), repeat)
        plain = timed(lambda: blog.notifications(POLICE, limit=40), repeat)
        page = blog.notifications(POLICE, grouped=True, limit=40)
        assert len(page.groups) == 40
    finally:
        blog.close()
    return grouped, plain


@contextmanager
def postgres_stores(
    skip: bool,
) -> Iterator[tuple[Callable[[], Store], Callable[[], None]] | None]:
    """A maker of PostgreSQL stores in fresh schemas (dropped on exit) and a settler, or None.

    The settler runs ``ANALYZE`` on the newest store's notification tables: the
    seed is one transaction, and a live server's autovacuum analyzes a table
    after such a load. Without statistics the planner takes the group table
    for empty and sorts every group of the account for a page of 40 (a
    bitmap scan: 66 ms at 100,000 notifications, against an index scan).
    """
    if skip:
        print("postgres: skipped (--no-postgres)")
        yield None
        return
    try:
        import psycopg

        psycopg.connect(POSTGRES_URL, connect_timeout=3).close()
    except ImportError:
        print("postgres: skipped (psycopg is not installed: the 'postgres' extra)")
        yield None
        return
    except psycopg.Error as error:
        reason = str(error).strip().splitlines()[0] if str(error).strip() else type(error).__name__
        print(f"postgres: skipped ({POSTGRES_URL} cannot be reached: {reason})")
        yield None
        return
    run = uuid.uuid4().hex[:8]
    made: list[str] = []

    def make() -> Store:
        made.append(f"bench_notifications_{run}_{len(made)}")
        return bootstrap.postgres_store(POSTGRES_URL, schema=made[-1])

    def settle() -> None:
        with psycopg.connect(POSTGRES_URL, autocommit=True) as conn:
            for table in ("notifications", "notification_groups", "posts", "accounts"):
                conn.execute(f"ANALYZE {made[-1]}.{table}")

    try:
        yield make, settle
    finally:
        with psycopg.connect(POSTGRES_URL, autocommit=True) as conn:
            for name in made:
                conn.execute(f"DROP SCHEMA IF EXISTS {name} CASCADE")


def main() -> None:
    """Run the benchmark and print times and same-run ratios."""
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--quick", action="store_true", help="N = 1,000 and 10,000")
    parser.add_argument("--no-postgres", action="store_true", help="memory and SQLite only")
    args = parser.parse_args()
    small, large = (1_000, 10_000) if args.quick else (10_000, 100_000)
    repeat = 50
    with tempfile.TemporaryDirectory() as folder, postgres_stores(args.no_postgres) as postgres:
        adapters: dict[str, tuple[Callable[[], Store], Callable[[], None] | None]] = {
            "memory": (bootstrap.memory_store, None),
            "sqlite": (
                lambda: bootstrap.sqlite_store(Path(folder) / f"n{time.monotonic_ns()}.db"),
                None,
            ),
        }
        if postgres is not None:
            adapters["postgres"] = postgres
        print(f"page of 40, {small:,} vs {large:,} notifications (median of {repeat} calls)")
        for name, (make, settle) in adapters.items():
            g_small, p_small = measure(make, small, repeat, settle)
            g_large, p_large = measure(make, large, repeat, settle)
            print(
                f"  {name:8s} grouped   {g_small * 1e3:7.3f} ms -> {g_large * 1e3:7.3f} ms"
                f"  ratio {g_large / g_small:5.2f}"
            )
            print(
                f"  {name:8s} ungrouped {p_small * 1e3:7.3f} ms -> {p_large * 1e3:7.3f} ms"
                f"  ratio {p_large / p_small:5.2f}"
            )


if __name__ == "__main__":
    main()
