"""Many writers at once on one PostgreSQL store: processes x threads, a kill, ids, feeds."""

import json
import os
import signal
import subprocess
import sys
import textwrap
from pathlib import Path
from typing import Any

import pytest

from tests.conftest import ROOT

pytest.importorskip("psycopg")

PROCESSES = 4
THREADS = 4
OPS = 40


def _python(*args: str, **kwargs: Any) -> subprocess.Popen[str]:
    env = {**os.environ, "PYTHONPATH": str(ROOT) + os.pathsep + os.environ.get("PYTHONPATH", "")}
    return subprocess.Popen([sys.executable, *args], cwd=ROOT, env=env, text=True, **kwargs)


def _set_up(url: str, schema: str) -> tuple[list[int], list[int]]:
    from microblog_core.service import Microblog

    with Microblog.postgres(url, schema=schema) as blog:
        accounts = [blog.register(f"user{n}").id for n in range(1, 7)]
        roots = [blog.post(author, f"root by {author}").id for author in accounts[:3]]
    return accounts, roots


def _check_invariants(pool: Any, schema: str) -> None:
    """Counters equal recounts, uniqueness holds, the graph is consistent."""
    s = schema
    with pool.connection() as conn:
        wrong_posts = conn.execute(
            f"SELECT p.id FROM {s}.posts p WHERE "
            f"p.likes <> (SELECT count(*) FROM {s}.likes l WHERE l.post_id = p.id) OR "
            f"p.reposts <> (SELECT count(*) FROM {s}.posts r WHERE r.repost_root_id = p.id) OR "
            f"p.replies <> (SELECT count(*) FROM {s}.posts r WHERE r.reply_parent_id = p.id) OR "
            f"p.quotes <> (SELECT count(*) FROM {s}.posts r WHERE r.quote_of = p.id)"
        ).fetchall()
        assert wrong_posts == []
        wrong_accounts = conn.execute(
            f"SELECT a.id FROM {s}.accounts a WHERE "
            f"a.followers <> (SELECT count(*) FROM {s}.follows f WHERE f.followee_id = a.id) OR "
            f"a.following <> (SELECT count(*) FROM {s}.follows f WHERE f.follower_id = a.id) OR "
            f"a.posts <> (SELECT count(*) FROM {s}.posts p WHERE p.author_id = a.id)"
        ).fetchall()
        assert wrong_accounts == []
        totals = dict(conn.execute(f"SELECT name, sum(n) FROM {s}.totals GROUP BY name").fetchall())
        assert totals["posts"] == conn.execute(f"SELECT count(*) FROM {s}.posts").fetchone()[0]
        assert (
            totals["accounts"] == conn.execute(f"SELECT count(*) FROM {s}.accounts").fetchone()[0]
        )
        double_reposts = conn.execute(
            f"SELECT author_id, repost_root_id FROM {s}.posts WHERE repost_root_id IS NOT NULL "
            "GROUP BY 1, 2 HAVING count(*) > 1"
        ).fetchall()
        assert double_reposts == []
        follows_across_blocks = conn.execute(
            f"SELECT f.follower_id, f.followee_id FROM {s}.follows f JOIN {s}.blocks b ON "
            "(b.blocker_id = f.follower_id AND b.blocked_id = f.followee_id) OR "
            "(b.blocker_id = f.followee_id AND b.blocked_id = f.follower_id)"
        ).fetchall()
        assert follows_across_blocks == []


def test_processes_and_threads_hammering_one_store_keep_every_invariant(
    postgres_url: str, postgres_pool: Any, schema: str, tmp_path: Path
) -> None:
    accounts, roots = _set_up(postgres_url, schema)
    children = [
        _python(
            "-m",
            "tests.postgres._hammer",
            postgres_url,
            schema,
            str(worker),
            str(THREADS),
            str(OPS),
            "7",
            str(tmp_path / f"report-{worker}.json"),
            ",".join(map(str, roots)),
            ",".join(map(str, accounts)),
            stderr=subprocess.PIPE,
        )
        for worker in range(PROCESSES)
    ]
    for child in children:
        _, err = child.communicate(timeout=600)
        assert child.returncode == 0, err
    reports = [json.loads((tmp_path / f"report-{w}.json").read_text()) for w in range(PROCESSES)]
    assert [r["untyped"] for r in reports] == [[]] * PROCESSES
    _check_invariants(postgres_pool, schema)
    created = {p for r in reports for p in r["posts"]}
    deleted = {p for r in reports for p in r["deleted"]}
    assert created, "no post was written"
    with postgres_pool.connection() as conn:
        stored = {row[0] for row in conn.execute(f"SELECT id FROM {schema}.posts").fetchall()}
        likes = {
            tuple(row) for row in conn.execute(f"SELECT account_id, post_id FROM {schema}.likes")
        }
    # Every post a use case returned is stored, unless a later use case deleted it.
    assert created - deleted <= stored
    assert not (deleted & stored)
    # Every like returned is stored or was undone by an unlike of the same pair (the
    # hammer unlikes too), so at least the pairs stored are pairs someone liked.
    liked = {tuple(x) for r in reports for x in r["likes"]}
    assert likes <= liked


_KILLED_WRITER = textwrap.dedent(
    """
    import sys
    from microblog_core.service import Microblog
    blog = Microblog.postgres(sys.argv[1], schema=sys.argv[2], redis_url=sys.argv[3])
    author = int(sys.argv[4])
    n = 0
    while True:
        created = blog.post(author, f"post {n}")
        print(created.id, flush=True)
        n += 1
    """
)


def test_a_killed_writer_leaves_exactly_its_committed_units_and_feeds_rebuild(
    postgres_url: str, postgres_pool: Any, redis_url: str, schema: str
) -> None:
    from microblog_core.service import Microblog
    from microblog_core.timelines import FanOutOnWrite
    from tests.postgres.conftest import drop_prefix

    try:
        with Microblog.postgres(
            postgres_url, schema=schema, redis_url=redis_url, timeline=FanOutOnWrite()
        ) as blog:
            author = blog.register("writer")
            reader = blog.register("reader")
            blog.follow(reader.id, author.id)
        child = _python(
            "-c",
            _KILLED_WRITER,
            postgres_url,
            schema,
            redis_url,
            str(author.id),
            stdout=subprocess.PIPE,
        )
        assert child.stdout is not None
        reported = [int(child.stdout.readline()) for _ in range(30)]
        child.send_signal(signal.SIGKILL)
        rest = child.stdout.read()
        child.stdout.close()
        child.wait()
        reported += [int(x) for x in rest.split()]
        with postgres_pool.connection() as conn:
            stored = sorted(
                row[0]
                for row in conn.execute(
                    f"SELECT id FROM {schema}.posts WHERE author_id = %s", (author.id,)
                )
            )
        # Every post the writer reported committed is stored; at most the one unit in
        # flight when it died is stored without being reported.
        assert set(reported) <= set(stored)
        assert len(stored) - len(reported) <= 1
        _check_invariants(postgres_pool, schema)
        with Microblog.postgres(
            postgres_url, schema=schema, redis_url=redis_url, timeline=FanOutOnWrite()
        ) as blog:
            feeds = blog._store._external_feeds  # type: ignore[union-attr]
            assert feeds is not None
            # The child was not told about FanOutOnWrite: its posts never reached the feed,
            # as if it crashed between each commit and its feed write.
            assert feeds.rebuild(reader.id) == len(stored)
            page = blog.home_timeline(reader.id, limit=40)
            assert [p.id for p in page.items] == sorted(stored, reverse=True)[:40]
    finally:
        drop_prefix(redis_url, f"{schema}:")
