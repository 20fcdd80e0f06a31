"""Writers sharing one store, posting in the same milliseconds, never mint the same id."""

import os
import subprocess
import sys
import textwrap
from pathlib import Path
from typing import Any

import pytest

from tests.conftest import ROOT

_POSTER = textwrap.dedent(
    """
    import sys
    from microblog_core.errors import ConflictError
    from microblog_core.service import Microblog

    kind, where, author, count = sys.argv[1], sys.argv[2], int(sys.argv[3]), int(sys.argv[4])
    if kind == "sqlite":
        blog = Microblog.sqlite(where)
    else:
        blog = Microblog.postgres(where, schema=sys.argv[5])
    sys.stdin.readline()  # start together
    refused = 0
    for n in range(count):
        try:
            blog.post(author, f"post {n}")
        except ConflictError:
            refused += 1
    blog.close()
    print(refused)
    """
)
PROCESSES = 3
POSTS = 300


def _race(args: list[str]) -> list[int]:
    env = {**os.environ, "PYTHONPATH": str(ROOT)}
    children = [
        subprocess.Popen(
            [sys.executable, "-c", _POSTER, *args],
            stdin=subprocess.PIPE,
            stdout=subprocess.PIPE,
            stderr=subprocess.PIPE,
            text=True,
            env=env,
        )
        for _ in range(PROCESSES)
    ]
    results = []
    for child in children:  # all are waiting on stdin by now or soon: go
        assert child.stdin is not None
        child.stdin.write("go\n")
        child.stdin.flush()
    for child in children:
        out, err = child.communicate(timeout=600)
        assert child.returncode == 0, err
        results.append(int(out))
    return results


def test_sqlite_writers_in_several_processes_never_collide(tmp_path: Path) -> None:
    from microblog_core.service import Microblog

    path = tmp_path / "shared.db"
    with Microblog.sqlite(path) as blog:
        author = blog.register("author").id
    refused = _race(["sqlite", str(path), str(author), str(POSTS)])
    assert refused == [0] * PROCESSES
    with Microblog.sqlite(path) as blog, blog.unit_of_work(readonly=True) as unit:
        assert unit.posts.count() == PROCESSES * POSTS


def test_postgres_writers_in_several_processes_never_collide(
    postgres_url: str, postgres_pool: Any, schema: str
) -> None:
    pytest.importorskip("psycopg")
    from microblog_core.service import Microblog

    with Microblog.postgres(postgres_url, schema=schema) as blog:
        author = blog.register("author").id
    refused = _race(["postgres", postgres_url, str(author), str(POSTS), schema])
    assert refused == [0] * PROCESSES
    with postgres_pool.connection() as conn:
        stored = conn.execute(f"SELECT count(*) FROM {schema}.posts").fetchone()[0]
    assert stored == PROCESSES * POSTS
