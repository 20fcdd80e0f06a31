"""``microblog sweep`` and ``microblog calibrate`` on the command line."""

import csv

import pytest

from microblog_core.cli import main

SMALL = ["--accounts", "40", "--hours", "1", "--step", "20"]


def test_sweep_runs_the_grid_and_writes_rows_and_summary(tmp_path, capsys):
    status = main(
        [
            "sweep",
            "--grid",
            "ranker=chronological,for_you",
            "--seeds",
            "2",
            "--workers",
            "1",
            "--out",
            str(tmp_path),
            "--quiet",
            *SMALL,
        ]
    )
    assert status == 0
    out = capsys.readouterr().out.splitlines()
    assert out[0] == "Sweep of 4 runs (2 seeds per combination)"
    assert out[1].split()[:2] == ["ranker", "runs"]
    assert [line.split()[0] for line in out[2:4]] == ["chronological", "for_you"]
    rows = list(csv.DictReader((tmp_path / "runs.csv").read_text().splitlines()))
    assert [(r["ranker"], r["seed"]) for r in rows] == [
        ("chronological", "42"),
        ("chronological", "43"),
        ("for_you", "42"),
        ("for_you", "43"),
    ]
    summary = list(csv.DictReader((tmp_path / "summary.csv").read_text().splitlines()))
    assert [r["runs"] for r in summary] == ["2", "2"]


def test_the_same_sweep_again_resumes_without_running_anything(tmp_path, capsys):
    argv = ["sweep", "--grid", "sessions=3,4", "--workers", "1", "--out", str(tmp_path), *SMALL]
    assert main(argv) == 0
    first = (tmp_path / "runs.csv").read_text()
    capsys.readouterr()
    assert main(argv) == 0
    err = capsys.readouterr().err
    assert "run " not in err  # no run was reported: both were already in runs.jsonl
    assert (tmp_path / "runs.csv").read_text() == first


def test_progress_lines_carry_an_eta_off_a_terminal(tmp_path, capsys):
    assert main(["sweep", "--seeds", "2", "--workers", "1", "--out", str(tmp_path), *SMALL]) == 0
    lines = capsys.readouterr().err.splitlines()
    assert lines[0].startswith("sweep: run 1/2 done (seed 42), ETA ")
    assert lines[1].startswith("sweep: run 2/2 done (seed 43), ETA ")


@pytest.mark.parametrize(
    ("argv", "message"),
    [
        (["--grid", "colour=red"], "unknown sweep parameter 'colour'"),
        (["--grid", "accounts=many"], "accounts needs a whole number, got 'many'"),
        (["--grid", "ranker"], "a grid item is NAME=VALUE"),
        (["--grid", "ranker=nope"], "unknown"),
        (["--seeds", "0"], "--seeds must be a whole number of at least 1"),
        (["--workers", "x"], "--workers must be a whole number of at least 1"),
    ],
)
def test_bad_sweeps_get_one_line(tmp_path, capsys, argv, message):
    assert main(["sweep", "--out", str(tmp_path), "--quiet", *SMALL, *argv]) == 2
    err = capsys.readouterr().err.strip().splitlines()
    assert len(err) == 1
    assert err[0].startswith("microblog: error: ")
    assert message in err[0]


def test_an_unreachable_dask_scheduler_is_one_line(tmp_path, capsys):
    argv = ["sweep", "--dask", "tcp://127.0.0.1:9", "--out", str(tmp_path), "--quiet", *SMALL]
    assert main(argv) == 2
    err = capsys.readouterr().err.strip().splitlines()
    assert len(err) == 1
    assert err[0].startswith(
        "microblog: error: cannot reach the Dask scheduler at tcp://127.0.0.1:9"
    )


def test_calibrate_prints_the_table_beside_real_cascades_and_draws_it(tmp_path, capsys):
    real = tmp_path / "cascades.txt"
    lines = [f"{i}\t{i}\t1500000000\t1\t{i}:0" for i in range(1, 20)]
    lines.append("99\t7\t1500000000\t4\t7:0 7/8:60 7/8/9:120 7/10:200")
    real.write_text("\n".join(lines) + "\n")
    chart = tmp_path / "calibration.svg"
    argv = [
        "calibrate",
        "--accounts",
        "120",
        "--hours",
        "4",
        "--real",
        str(real),
        "--real-format",
        "weibo",
        "--plot",
        str(chart),
        "--quiet",
    ]
    assert main(argv) == 0
    out = capsys.readouterr().out.splitlines()
    assert out[0].startswith("Cascades of 120 accounts over 4 h (feed chronological, seed 42)")
    assert out[1].split()[:4] == ["measure", "this", "run", "real"]
    never = next(line for line in out if line.startswith("never reposted"))
    assert "95.000%" in never  # 19 of the 20 real cascades were never reposted
    assert out[-1] == f"chart in {chart}"
    assert chart.read_text().startswith("<?xml")


def test_calibrate_needs_a_format_for_real_data(tmp_path, capsys):
    assert main(["calibrate", "--real", str(tmp_path / "x.txt"), "--quiet"]) == 2
    assert "--real needs --real-format" in capsys.readouterr().err
