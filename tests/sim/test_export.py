"""Tests for microblog_core.sim.export: byte-identical tables and networkx graphs."""

import csv
import json
import os
import subprocess
import sys
from datetime import UTC, datetime

import pytest

from microblog_core.errors import ValidationError
from microblog_core.sim import (
    ActivityConfig,
    BehaviourConfig,
    GraphConfig,
    SimulationConfig,
    cascade_digraph,
    follow_digraph,
    simulate,
    sqlite_storage,
    summarise,
    write_exports,
)
from microblog_core.sim.export import EXPORT_FORMATS, TABLES, table_rows
from microblog_core.sim.metrics import cascades_from

CONFIG = SimulationConfig(
    accounts=80,
    hours=2,
    seed=31,
    start=datetime(2026, 1, 1, 19, tzinfo=UTC),
    graph=GraphConfig(model="holme_kim", m=4),
    activity=ActivityConfig(sessions_per_day=40.0),
    behaviour=BehaviourConfig(like=0.3, repost=0.3, reply=0.1, comment=0.5, block=0.01),
)


def export(folder, **options):
    result = simulate(CONFIG, **options)
    try:
        return write_exports(result, folder, metrics=summarise(result))
    finally:
        result.close()


def contents(paths):
    return {path.name: path.read_bytes() for path in paths}


def test_the_same_config_and_seed_give_byte_identical_exports(tmp_path):
    first = contents(export(tmp_path / "one"))
    second = contents(export(tmp_path / "two"))
    expected = {"config.json", "summary.json"} | {
        f"{table}.{fmt}" for table in TABLES for fmt in EXPORT_FORMATS
    }
    assert set(first) == expected
    for name, data in first.items():
        assert data == second[name], name
    assert all(data for data in first.values())


def test_sqlite_and_memory_runs_export_the_same_bytes(tmp_path):
    in_memory = contents(export(tmp_path / "memory"))
    on_disk = contents(export(tmp_path / "disk", storage=sqlite_storage(tmp_path / "run.sqlite")))
    assert in_memory == on_disk


EXPORT_SCRIPT = """
import sys
from microblog_core.sim import SimulationConfig, GraphConfig, simulate, summarise, write_exports
config = SimulationConfig(accounts=30, hours=1, seed=3, graph=GraphConfig(model="holme_kim", m=3))
result = simulate(config)
write_exports(result, sys.argv[1], metrics=summarise(result))
"""


def test_exports_do_not_depend_on_hash_randomisation(tmp_path):
    folders = []
    for seed in ("1", "2"):
        folder = tmp_path / seed
        subprocess.run(
            [sys.executable, "-c", EXPORT_SCRIPT, str(folder)],
            check=True,
            env={**os.environ, "PYTHONHASHSEED": seed},
            timeout=120,
        )
        folders.append(folder)
    first, second = (
        {path.name: path.read_bytes() for path in folder.iterdir()} for folder in folders
    )
    assert first == second
    assert len(first) == 2 + 2 * len(TABLES)


@pytest.fixture(scope="module")
def result():
    return simulate(CONFIG)


@pytest.fixture(scope="module")
def written(result, tmp_path_factory):
    folder = tmp_path_factory.mktemp("exports")
    write_exports(result, folder)
    return folder


@pytest.mark.parametrize("table", TABLES)
def test_csv_and_jsonl_hold_the_same_rows(written, table):
    with (written / f"{table}.csv").open(encoding="utf-8", newline="") as stream:
        rows = list(csv.DictReader(stream))
    records = [json.loads(line) for line in (written / f"{table}.jsonl").read_text().splitlines()]
    assert len(rows) == len(records)
    assert rows
    for row, record in zip(rows, records, strict=True):
        assert list(row) == list(record)
        for name, value in record.items():
            cell = row[name]
            if value is None:
                assert cell == ""
            elif isinstance(value, bool):
                assert cell == ("true" if value else "false")
            else:
                assert cell == str(value)


def test_ids_are_strings_in_json_and_times_are_utc(written):
    record = json.loads((written / "impressions.jsonl").read_text().splitlines()[0])
    for name in ("viewer_id", "post_id", "author_id", "root_id", "root_author_id"):
        assert isinstance(record[name], str)
        assert record[name].isdigit()
    assert isinstance(record["rank"], int)
    assert record["time"].endswith("Z")
    assert datetime.fromisoformat(record["time"]).tzinfo is not None


def test_tables_match_the_result(result):
    columns, rows = table_rows(result, "impressions")
    impressions = list(result.impressions())
    rows = list(rows)
    assert len(rows) == len(impressions)
    for row, impression in zip(rows, impressions, strict=True):
        record = dict(zip(columns, row, strict=True))
        assert record["post_id"] == impression.post_id
        assert record["root_author_id"] == impression.root_author_id
        assert record["rank"] == impression.rank
        assert record["in_network"] == impression.in_network
    columns, rows = table_rows(result, "posts")
    assert [dict(zip(columns, row, strict=True))["id"] for row in rows] == [
        p.id for p in result.posts()
    ]
    _, follows = table_rows(result, "follows")
    assert len(list(follows)) == result.follow_count
    _, cascades = table_rows(result, "cascades")
    spread = [c for c in cascades_from(result.cascade_records()) if c.size >= 2]
    assert [row[0] for row in cascades] == [c.root for c in spread]
    _, edges = table_rows(result, "cascade_edges")
    assert len(list(edges)) == sum(c.size - 1 for c in spread)
    _, accounts = table_rows(result, "accounts")
    assert len(list(accounts)) == result.account_count


def test_engagements_follow_the_actions(result):
    _, rows = table_rows(result, "engagements")
    kinds = [row[1] for row in rows]
    assert kinds.count("like") == result.actions["like"]
    assert kinds.count("repost") == result.actions["repost"]
    assert kinds.count("post") == result.actions["post"]
    # A follow of a locked account waits for its approval, which then logs the follow.
    assert kinds.count("follow") <= result.actions["follow"] + result.actions["approve"]
    assert kinds.count("follow") > 0


def test_unknown_formats_and_tables_are_refused(result, tmp_path):
    with pytest.raises(ValidationError, match="unknown export format 'xml'"):
        write_exports(result, tmp_path, formats=["xml"])
    with pytest.raises(ValidationError, match="unknown table 'votes'"):
        write_exports(result, tmp_path, tables=["votes"])
    with pytest.raises(ValidationError, match="unknown table"):
        table_rows(result, "votes")


def test_a_subset_of_tables_and_formats(result, tmp_path):
    paths = write_exports(result, tmp_path, formats=["csv"], tables=["posts"])
    assert [p.name for p in paths] == ["config.json", "posts.csv"]
    assert SimulationConfig.load(tmp_path / "config.json") == CONFIG


def test_follow_digraph(result):
    graph = follow_digraph(result)
    assert graph.number_of_nodes() == result.account_count
    assert set(graph.edges) == {(a, b) for a, b, _, _ in result.follows()}
    node = result.account_ids[0]
    assert graph.nodes[node]["handle"] == result.handles[0]
    start = follow_digraph(result, final=False)
    assert start.number_of_edges() == result.graph.edge_count


def test_cascade_digraph(result):
    cascade = cascades_from(result.cascade_records())[0]
    graph = cascade_digraph(result, cascade)
    assert set(graph.edges) == set(cascade.edges)
    assert graph.nodes[cascade.root]["kind"] != "repost"
    from microblog_core.sim.metrics import Cascade

    with pytest.raises(ValidationError, match="not made in this run"):
        cascade_digraph(result, Cascade(root=1, edges=[(1, 2)]))
