"""Sweeps: grids of configs times seeds, run in processes, resumable, one table."""

import json
from concurrent.futures import ThreadPoolExecutor

import pytest

from microblog_core.errors import ValidationError
from microblog_core.sim import SimulationConfig
from microblog_core.sim.config import GraphConfig
from microblog_core.sim.stats import mean_interval
from microblog_core.sim.sweep import grid, parse_grid, run_config, sweep

BASE = SimulationConfig(accounts=40, hours=1, step_minutes=20)


def small_grid(seeds=2):
    return grid(BASE, {"ranker": ["chronological", "for_you"], "sessions": ["3", "5"]}, seeds=seeds)


def test_grid_is_every_combination_times_seeds_with_typed_values():
    configs = small_grid()
    assert len(configs) == 8
    assert [c.seed for c in configs[:2]] == [42, 43]
    assert {c.activity.sessions_per_day for c in configs} == {3.0, 5.0}
    assert {c.ranker for c in configs} == {"chronological", "for_you"}
    assert configs[0].accounts == 40  # what the grid does not vary comes from the base


def test_grid_takes_explicit_seeds_and_dotted_paths():
    configs = grid(BASE, {"behaviour.like": [0.1, 0.2]}, seeds=[7, 9])
    assert [(c.behaviour.like, c.seed) for c in configs] == [(0.1, 7), (0.1, 9), (0.2, 7), (0.2, 9)]


@pytest.mark.parametrize(
    ("parameters", "message"),
    [
        ({"colour": ["red"]}, "unknown sweep parameter 'colour'"),
        ({"behaviour": ["x"]}, "names a whole section"),
        ({"accounts": ["many"]}, "accounts needs a whole number"),
        ({"behaviour.like": ["2.0"]}, "like"),
    ],
)
def test_grid_refuses_bad_parameters_in_one_line(parameters, message):
    with pytest.raises(ValidationError, match=message) as info:
        grid(BASE, parameters)
    assert "\n" not in str(info.value)


def test_parse_grid_reads_command_line_items():
    assert parse_grid(["ranker=chronological, for_you", "sessions=3,5"]) == {
        "ranker": ["chronological", "for_you"],
        "sessions": ["3", "5"],
    }
    for bad in (["ranker"], ["ranker="], ["=1"], ["a=1", "a=2"]):
        with pytest.raises(ValidationError):
            parse_grid(bad)


def test_a_serial_sweep_gives_one_row_per_run_in_order():
    result = sweep(small_grid(), workers=1)
    assert result.parameters == ("ranker", "sessions")
    assert [(r.params["ranker"], r.params["sessions"], r.seed) for r in result.runs][:3] == [
        ("chronological", "3.0", 42),
        ("chronological", "3.0", 43),
        ("chronological", "5.0", 42),
    ]
    assert all(r.error is None and r.metrics["sessions"] > 0 for r in result.runs)
    assert result.runs_csv().splitlines()[0].startswith("ranker,sessions,seed,")


def test_the_summary_is_the_mean_and_interval_across_seeds():
    result = sweep(small_grid(seeds=3), workers=1)
    first = result.summary()[0]
    assert dict(first.params) == {"ranker": "chronological", "sessions": "3.0"}
    posts = [r.metrics["posts"] for r in result.runs[:3]]
    assert first.metrics["posts"] == mean_interval(posts)
    assert first.runs == 3
    assert "chronological" in result.table()


def test_processes_give_the_same_table_as_serial_byte_for_byte():
    serial = sweep(small_grid(seeds=1), workers=1)
    pooled = sweep(small_grid(seeds=1), workers=2)
    assert pooled.runs_csv() == serial.runs_csv()
    assert pooled.summary_csv() == serial.summary_csv()


def test_any_executor_works():
    serial = sweep(small_grid(seeds=1), workers=1)
    with ThreadPoolExecutor(2) as pool:
        threaded = sweep(small_grid(seeds=1), executor=pool)
    assert threaded.runs_csv() == serial.runs_csv()


def test_an_interrupted_sweep_resumes_and_skips_finished_runs(tmp_path):
    configs = small_grid(seeds=1)
    seen = []
    sweep(configs[:2], workers=1, out=tmp_path)
    lines = (tmp_path / "runs.jsonl").read_text().splitlines()
    assert len(lines) == 2
    (tmp_path / "runs.jsonl").write_text("\n".join(lines) + '\n{"index": 3, "key"')  # cut short
    result = sweep(configs, workers=1, out=tmp_path, progress=lambda d, t, row: seen.append(row))
    assert len(seen) == 2  # only the two runs not yet finished ran
    assert result.runs_csv() == sweep(configs, workers=1).runs_csv()


def test_a_failing_run_is_recorded_and_the_sweep_goes_on(tmp_path):
    broken = BASE.evolve(graph=GraphConfig(model="edge_list", path=str(tmp_path / "missing.txt")))
    result = sweep([BASE, broken, BASE.evolve(seed=1)], workers=1)
    assert [r.error is None for r in result.runs] == [True, False, True]
    assert "missing.txt" in (result.failed[0].error or "")
    assert [entry.failed for entry in result.summary()] == [0, 1]


def test_run_config_is_plain_data_in_and_out():
    outcome = run_config(BASE.to_json())
    assert json.loads(json.dumps(outcome)) == outcome
    assert outcome["metrics"]["accounts"] == 40


def test_sweep_refuses_an_empty_plan_and_non_configs():
    with pytest.raises(ValidationError):
        sweep([])
    with pytest.raises(ValidationError):
        sweep([BASE, "config"])  # type: ignore[list-item]
    with pytest.raises(ValidationError):
        sweep([BASE], workers=0)


@pytest.mark.slow
def test_a_dask_local_cluster_equals_the_serial_sweep_byte_for_byte():
    import distributed

    configs = small_grid(seeds=1)
    serial = sweep(configs, workers=1)
    with (
        distributed.LocalCluster(
            n_workers=2, threads_per_worker=1, processes=True, dashboard_address=None
        ) as cluster,
        distributed.Client(cluster) as client,
    ):
        clustered = sweep(configs, executor=client.get_executor())
    assert clustered.runs_csv() == serial.runs_csv()
    assert clustered.summary_csv() == serial.summary_csv()
