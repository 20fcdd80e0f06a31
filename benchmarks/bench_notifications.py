"""Benchmark the notifications page: flat from 10,000 to 100,000 notifications.

One account (a police bureau) receives N notifications, one a minute: likes
and reposts of its 1,000 posts, follows, and mentions in posts of 100 other
accounts (so groups of every size form, in 12-hour windows). The timed calls
are the first grouped page of 40 (Mastodon 4.3) and the first ungrouped page
of 40, through ``Microblog.notifications``, on the memory and the SQLite
adapters, at N = 10,000 and N = 100,000. The figure is the ratio of the two
times per adapter: flat means close to 1 (a page reads at most 40 groups,
whatever N).

    .venv/bin/python benchmarks/bench_notifications.py [--quick]

``--quick`` runs N = 1,000 and 10,000 (a smoke run).
"""

import argparse
import gc
import statistics
import tempfile
import time
from collections.abc import Callable
from datetime import UTC, datetime, timedelta
from pathlib import Path

from microblog_core import ManualClock, bootstrap
from microblog_core.ids import id_at
from microblog_core.models import Account, Notification, NotificationKind, Post
from microblog_core.ports import Store

T0 = datetime(2026, 1, 1, tzinfo=UTC)
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


def measure(make_store: Callable[[], Store], count: int, repeat: int) -> tuple[float, float]:
    """Seconds for the grouped and the ungrouped first page of 40 over ``count`` notifications."""
    store = make_store()
    seed(store, count)
    blog = bootstrap.build(store, clock=ManualClock(T0 + timedelta(days=400)))
    try:
        grouped = timed(lambda: blog.notifications(POLICE, grouped=True, limit=40), repeat)
        plain = timed(lambda: blog.notifications(POLICE, limit=40), repeat)
        page = blog.notifications(POLICE, grouped=True, limit=40)
        assert len(page.groups) == 40
    finally:
        blog.close()
    return grouped, plain


def main() -> None:
    """Run the benchmark and print times and same-run ratios."""
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--quick", action="store_true", help="N = 1,000 and 10,000")
    args = parser.parse_args()
    small, large = (1_000, 10_000) if args.quick else (10_000, 100_000)
    repeat = 50
    with tempfile.TemporaryDirectory() as folder:
        adapters: dict[str, Callable[[], Store]] = {
            "memory": bootstrap.memory_store,
            "sqlite": lambda: bootstrap.sqlite_store(Path(folder) / f"n{time.monotonic_ns()}.db"),
        }
        print(f"page of 40, {small:,} vs {large:,} notifications (median of {repeat} calls)")
        for name, make in adapters.items():
            g_small, p_small = measure(make, small, repeat)
            g_large, p_large = measure(make, large, repeat)
            print(
                f"  {name:6s} grouped   {g_small * 1e3:7.3f} ms -> {g_large * 1e3:7.3f} ms"
                f"  ratio {g_large / g_small:5.2f}"
            )
            print(
                f"  {name:6s} ungrouped {p_small * 1e3:7.3f} ms -> {p_large * 1e3:7.3f} ms"
                f"  ratio {p_large / p_small:5.2f}"
            )


if __name__ == "__main__":
    main()
