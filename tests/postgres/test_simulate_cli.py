"""``microblog simulate --postgres URL [--redis URL]``."""

import re
from pathlib import Path
from typing import Any

import pytest

from tests.postgres.conftest import drop_prefix, drop_schema
from tests.sim.test_cli import run


def test_a_run_on_postgres_and_redis_reports_its_schema(
    postgres_url: str, redis_url: str, postgres_pool: Any, tmp_path: Path
) -> None:
    status, out, err = run(
        "--accounts", "30", "--hours", "1", "--format", "none", "--out", str(tmp_path),
        "--timeline", "fan_out_on_write", "--postgres", postgres_url, "--redis", redis_url,
    )  # fmt: skip
    found = re.search(r"PostgreSQL schema (sim_\w+) with feeds in Redis", out)
    assert found, out
    schema = found.group(1)
    drop_schema(postgres_pool, schema)
    drop_prefix(redis_url, f"{schema}:")
    assert status == 0, err
    assert "Simulated 1 hours of 30 accounts" in out


@pytest.mark.parametrize(
    ("argv", "needle"),
    [
        (["--postgres", "postgresql://x", "--memory"], "--postgres URL or --db PATH"),
        (["--redis", "redis://x"], "--redis goes with --postgres URL"),
    ],
)
def test_bad_combinations_give_one_clear_line(argv: list[str], needle: str) -> None:
    status, out, err = run(*argv)
    assert status == 2
    assert out == ""
    assert len(err.splitlines()) == 1, err
    assert needle in err
