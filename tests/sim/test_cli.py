"""Tests for ``microblog simulate`` (microblog_core.sim.cli)."""

import argparse
import io
import json
import subprocess
import sys

import pytest

from microblog_core.service import Microblog
from microblog_core.sim import SimulationConfig
from microblog_core.sim.cli import add_simulate_parser

SMALL = [
    "--accounts", "40", "--hours", "1", "--step", "15", "--graph", "holme_kim", "--follows", "3",
    "--sessions", "30",
]  # fmt: skip


class Terminal(io.StringIO):
    """A stream that says it is a terminal."""

    def isatty(self) -> bool:
        return True


def run(*argv: str, stderr: io.StringIO | None = None) -> tuple[int, str, str]:
    parser = argparse.ArgumentParser(prog="microblog")
    add_simulate_parser(parser.add_subparsers(dest="command", required=True))
    args = parser.parse_args(["simulate", *argv])
    out = io.StringIO()
    err = stderr if stderr is not None else io.StringIO()
    status = args.run(args, stdout=out, stderr=err)
    return status, out.getvalue(), err.getvalue()


def test_a_run_prints_the_report_and_writes_exports_and_the_database(tmp_path):
    status, out, err = run(*SMALL, "--out", str(tmp_path / "sim"))
    assert status == 0
    assert err == ""  # not a terminal: no progress bar
    assert "Simulated 1 hours of 40 accounts reading the 'chronological' feed" in out
    for heading in ("Network", "Activity", "Exposure", "Repost cascades", "Most seen posts"):
        assert heading in out
    assert "Next: compare feeds" in out
    folder = tmp_path / "sim"
    for name in ("config.json", "summary.json", "posts.csv", "impressions.jsonl", "cascades.csv"):
        assert (folder / name).is_file()
    assert (folder / "simulation.sqlite").is_file()
    with Microblog.sqlite(folder / "simulation.sqlite") as blog:
        assert blog.account_by_handle("u00").handle == "u00"
    config = SimulationConfig.load(folder / "config.json")
    assert config.accounts == 40
    assert config.graph.m == 3
    assert config.activity.sessions_per_day == 30.0


def test_running_again_replaces_the_default_database(tmp_path):
    folder = str(tmp_path / "sim")
    assert run(*SMALL, "--out", folder)[0] == 0
    first = (tmp_path / "sim" / "posts.csv").read_bytes()
    assert run(*SMALL, "--out", folder)[0] == 0
    assert (tmp_path / "sim" / "posts.csv").read_bytes() == first


def test_memory_keeps_no_database(tmp_path):
    status, out, _ = run(*SMALL, "--memory", "--out", str(tmp_path))
    assert status == 0
    assert "data in memory" in out
    assert not (tmp_path / "simulation.sqlite").exists()


def test_an_explicit_database_path(tmp_path):
    db = tmp_path / "mine.db"
    status, out, _ = run(*SMALL, "--db", str(db), "--out", str(tmp_path / "out"))
    assert status == 0
    assert db.is_file()
    assert str(db) in out


def test_a_config_file_reruns_a_simulation_byte_for_byte(tmp_path):
    assert run(*SMALL, "--seed", "9", "--memory", "--out", str(tmp_path / "a"))[0] == 0
    config = str(tmp_path / "a" / "config.json")
    assert run("--config", config, "--memory", "--out", str(tmp_path / "b"))[0] == 0
    for name in ("posts.jsonl", "impressions.csv", "summary.json"):
        assert (tmp_path / "a" / name).read_bytes() == (tmp_path / "b" / name).read_bytes()


def test_a_preset_sets_the_starting_values(tmp_path):
    assert run(*SMALL, "--preset", "uniform-activity", "--memory", "--out", str(tmp_path))[0] == 0
    config = SimulationConfig.load(tmp_path / "config.json")
    assert config.activity.sigma == 1.0
    assert config.behaviour.appeal_sigma == 1.0
    assert config.accounts == 40  # the options given still win
    assert run(*SMALL, "--memory", "--out", str(tmp_path / "default"))[0] == 0
    default = SimulationConfig.load(tmp_path / "default" / "config.json")
    assert default.activity.sigma == SimulationConfig().activity.sigma == 2.1


def test_several_rankers_print_a_side_by_side_table(tmp_path):
    status, out, _ = run(
        *SMALL, "--ranker", "chronological", "--ranker", "for_you,hot", "--out", str(tmp_path)
    )
    assert status == 0
    assert "Compared 3 feeds on one network" in out
    header = next(line for line in out.splitlines() if "chronological" in line and "hot" in line)
    assert header.split() == ["chronological", "for_you", "hot"]
    assert "in-network share" in out
    for ranker in ("chronological", "for_you", "hot"):
        assert (tmp_path / ranker / "summary.json").is_file()
        assert (tmp_path / ranker / "simulation.sqlite").is_file()
    summary = json.loads((tmp_path / "for_you" / "summary.json").read_text())
    assert summary["in_network_share"] < 1.0


def test_format_none_writes_only_the_config_and_summary(tmp_path):
    assert run(*SMALL, "--memory", "--format", "none", "--out", str(tmp_path))[0] == 0
    assert sorted(p.name for p in tmp_path.iterdir()) == ["config.json", "summary.json"]


def test_a_terminal_gets_a_progress_bar(tmp_path):
    terminal = Terminal()
    status, _, err = run(*SMALL, "--memory", "--out", str(tmp_path), stderr=terminal)
    assert status == 0
    assert "█" in err
    assert "simulated" in err
    quiet = Terminal()
    run(*SMALL, "--memory", "--quiet", "--out", str(tmp_path), stderr=quiet)
    assert quiet.getvalue() == ""


def test_edge_list_and_degree_files(tmp_path):
    edges = tmp_path / "edges.txt"
    edges.write_text("".join(f"{a} {(a * 5 + 2) % 25}\n" for a in range(25)))
    status, out, _ = run("--edges", str(edges), "--hours", "1", "--memory", "--out", str(tmp_path))
    assert status == 0
    assert "25 accounts" in out
    degrees = tmp_path / "degrees.txt"
    degrees.write_text("".join("2 2\n" for _ in range(30)))
    status, out, _ = run(
        "--degrees", str(degrees), "--hours", "1", "--memory", "--out", str(tmp_path)
    )
    assert status == 0
    assert "30 accounts" in out


def check_refused(argv, needle, tmp_path):
    status, out, err = run(*argv)
    assert status == 2
    assert out == ""
    lines = err.splitlines()
    assert len(lines) == 1, err
    assert lines[0].startswith("microblog: error: ")
    assert needle in lines[0]
    assert "Traceback" not in err


@pytest.mark.parametrize(
    ("argv", "needle"),
    [
        (["--ranker", "latest"], "unknown ranker 'latest'"),
        (["--graph", "small_world"], "unknown graph model 'small_world'"),
        (["--accounts", "0"], "--accounts must be at least 2"),
        (["--accounts", "many"], "--accounts must be a whole number"),
        (
            ["--graph", "holme_kim", "--accounts", "5", "--follows", "5"],
            "5 accounts cannot each follow m=5",
        ),
        (["--follows", "5"], "--follows sets m of the holme_kim and barabasi_albert"),
        (["--hours", "-3"], "--hours must be a number above 0"),
        (["--hours", "1", "--step", "120"], "must not exceed"),
        (["--policy", "myspace"], "unknown length policy"),
        (["--timeline", "sideways"], "unknown timeline strategy"),
        (["--format", "xml"], "unknown export format 'xml'"),
        (["--graph", "edge_list"], "needs --edges"),
        (["--graph", "configuration"], "needs --degrees"),
        (["--edges", "/no/such/edges.txt"], "no such file: /no/such/edges.txt"),
        (["--config", "/no/such/config.json"], "no such file"),
        (["--db", "x.sqlite"], "--db PATH or --memory, not both"),
        (["--top", "0"], "--top must be at least 1"),
        (["--preset", "myspace-2006"], "unknown preset 'myspace-2006'"),
        (["--preset", "uniform-activity", "--config", "c.json"], "--preset and --config"),
    ],
)
def test_bad_input_gives_one_clear_line(argv, needle, tmp_path):
    check_refused([*argv, "--memory", "--out", str(tmp_path)], needle, tmp_path)
    assert not any(tmp_path.iterdir())  # refused before anything was written


def test_an_unwritable_output_folder_gives_one_line(tmp_path):
    blocker = tmp_path / "a-file"
    blocker.write_text("not a folder")
    check_refused(
        [*SMALL, "--out", str(blocker / "out")], "cannot create the output folder", tmp_path
    )


def test_a_corrupt_database_gives_one_line(tmp_path):
    db = tmp_path / "corrupt.sqlite"
    db.write_bytes(b"definitely not SQLite " * 200)
    check_refused(
        [*SMALL, "--db", str(db), "--out", str(tmp_path / "out")],
        f"cannot open {db}: it is not a SQLite database or it is corrupt",
        tmp_path,
    )


@pytest.mark.parametrize("under", ["", "sub"])
def test_a_database_under_a_file_says_so_in_words(tmp_path, under):
    blocker = tmp_path / "a-file"
    blocker.write_text("not a folder")
    db = blocker / under / "x.sqlite"
    check_refused(
        [*SMALL, "--db", str(db), "--out", str(tmp_path / "out")],
        f"cannot create the database {db}: {blocker} is a file, not a folder",
        tmp_path,
    )
    assert not (tmp_path / "out").exists()  # refused before anything was written


def test_a_size_that_cannot_fit_is_refused_up_front(tmp_path):
    check_refused(
        ["--accounts", "1000000000000", "--out", str(tmp_path / "out")],
        "1,000,000,000,000 accounts with up to 20 follows each need about",
        tmp_path,
    )
    _, _, err = run("--accounts", "1000000000000", "--out", str(tmp_path / "out"))
    assert "TB of memory and this machine has" in err
    assert "--no-memory-check" in err
    assert not any(tmp_path.iterdir())


def test_the_memory_estimate_grows_with_accounts_and_follows(tmp_path, monkeypatch):
    import microblog_core.sim.cli as cli

    # A machine just too small for 40 accounts following 3 each.
    needed = 40 * cli._BYTES_PER_ACCOUNT + 40 * 3 * cli._BYTES_PER_FOLLOW
    monkeypatch.setattr(cli, "_machine_memory", lambda: needed - 1)
    check_refused(
        [*SMALL, "--memory", "--out", str(tmp_path)], "40 accounts with 3 follows", tmp_path
    )
    fewer = [*SMALL, "--follows", "2", "--memory", "--format", "none", "--out", str(tmp_path)]
    assert run(*fewer)[0] == 0


def test_no_memory_check_runs_anyway(tmp_path, monkeypatch):
    import microblog_core.sim.cli as cli

    monkeypatch.setattr(cli, "_machine_memory", lambda: 1)
    argv = [*SMALL, "--memory", "--format", "none", "--out", str(tmp_path)]
    check_refused(argv, "--no-memory-check", tmp_path)
    status, out, _ = run(*argv, "--no-memory-check")
    assert status == 0
    assert "Repost cascades" in out


def test_a_machine_whose_memory_cannot_be_read_is_not_checked(tmp_path, monkeypatch):
    import microblog_core.sim.cli as cli

    monkeypatch.delattr(cli.os, "sysconf")  # as on Windows
    assert cli._machine_memory() is None
    assert run(*SMALL, "--memory", "--format", "none", "--out", str(tmp_path))[0] == 0


def test_a_database_with_accounts_gives_one_line(tmp_path):
    db = tmp_path / "used.sqlite"
    with Microblog.sqlite(db) as blog:
        blog.register("someone")
    check_refused(
        [*SMALL, "--db", str(db), "--out", str(tmp_path / "out")],
        "already holds 1 accounts",
        tmp_path,
    )


def test_a_bad_config_file_gives_one_line(tmp_path):
    config = tmp_path / "config.json"
    config.write_text('{"accounts": 10, "colour": "blue"}')
    check_refused(["--config", str(config), "--memory", "--out", str(tmp_path)], "colour", tmp_path)


def test_plot_without_matplotlib_gives_one_line(tmp_path, monkeypatch):
    monkeypatch.setitem(sys.modules, "matplotlib", None)  # import fails
    check_refused([*SMALL, "--plot", "--memory", "--out", str(tmp_path)], "matplotlib", tmp_path)
    assert not (tmp_path / "posts.csv").exists()


def test_plot_writes_charts(tmp_path):
    status, _, _ = run(*SMALL, "--plot", "--memory", "--out", str(tmp_path))
    assert status == 0
    for name in ("degree_distribution.png", "cascade_sizes.png", "engagement.png"):
        assert (tmp_path / name).read_bytes().startswith(b"\x89PNG")


def test_the_microblog_command_runs_simulate(tmp_path):
    completed = subprocess.run(
        [sys.executable, "-m", "microblog_core", "simulate", *SMALL, "--memory"],
        cwd=tmp_path,
        capture_output=True,
        text=True,
        check=False,
        timeout=120,
    )
    assert completed.returncode == 0, completed.stderr
    assert "Repost cascades" in completed.stdout
    assert (tmp_path / "simulation" / "posts.csv").is_file()
    bad = subprocess.run(
        [sys.executable, "-m", "microblog_core", "simulate", "--ranker", "nope", "--memory"],
        cwd=tmp_path,
        capture_output=True,
        text=True,
        check=False,
        timeout=120,
    )
    assert bad.returncode == 2
    assert bad.stderr.count("\n") == 1
    assert "unknown ranker 'nope'" in bad.stderr


def test_start_chooses_when_the_run_begins(tmp_path):
    assert run(*SMALL, "--memory", "--start", "2026-01-05T09:30", "--out", str(tmp_path))[0] == 0
    config = SimulationConfig.load(tmp_path / "config.json")
    assert config.start.isoformat() == "2026-01-05T09:30:00+00:00"  # no offset: UTC
    assert config.start != SimulationConfig().start
    run(*SMALL, "--memory", "--start", "2026-01-05T09:30+01:00", "--out", str(tmp_path))
    assert SimulationConfig.load(tmp_path / "config.json").start.hour == 8  # kept in UTC


@pytest.mark.parametrize(
    ("argv", "needle"),
    [
        (["--start", "tomorrow"], "--start must be an ISO 8601 date-time"),
        (["--start", "1900-01-01"], "start must lie between 1980 and 5000"),
        (["--plot-format", "gif"], "unknown chart format 'gif'"),
        (["--plot-dpi", "20"], "dpi must be from 50 to 1200"),
        (["--plot-dpi", "high"], "--plot-dpi must be a whole number"),
    ],
)
def test_bad_start_or_chart_options_give_one_line(argv, needle, tmp_path):
    check_refused([*argv, "--memory", "--out", str(tmp_path)], needle, tmp_path)
    assert not any(tmp_path.iterdir())


def test_the_progress_line_names_the_set_up(tmp_path):
    terminal = Terminal()
    run(*SMALL, "--memory", "--out", str(tmp_path), stderr=terminal)
    assert "simulating: building a network of 40 accounts…" in terminal.getvalue()


def test_plot_format_and_dpi_reach_the_charts(tmp_path):
    status, _, _ = run(*SMALL, "--plot", "--plot-format", "svg", "--memory", "--out", str(tmp_path))
    assert status == 0
    for name in ("degree_distribution.svg", "cascade_sizes.svg", "engagement.svg"):
        assert (tmp_path / name).read_text().lstrip().startswith("<?xml")
    assert not (tmp_path / "engagement.png").exists()
    assert (
        "40 accounts · 1 h · feed chronological · seed 42"
        in (tmp_path / "engagement.svg").read_text()
    )
    sizes = {}
    for dpi in ("60", "120"):
        folder = tmp_path / dpi
        run(
            *SMALL,
            "--plot",
            "--plot-dpi",
            dpi,
            "--memory",
            "--format",
            "none",
            "--out",
            str(folder),
        )
        sizes[dpi] = (folder / "engagement.png").read_bytes()[16:24]  # IHDR width, height
    assert int.from_bytes(sizes["120"][:4], "big") == 2 * int.from_bytes(sizes["60"][:4], "big")


def test_an_unknown_agent_is_one_line_and_status_2(tmp_path):
    status, out, err = run(*SMALL, "--memory", "--agent", "oracle", "--out", str(tmp_path))
    assert status == 2
    assert out == ""
    assert err.strip().splitlines() == [
        "microblog: error: unknown agent 'oracle'; choose one of interest, llm, stochastic"
    ]


def test_llm_options_without_the_llm_agent_are_refused(tmp_path):
    status, _, err = run(*SMALL, "--memory", "--llm-model", "tiny", "--out", str(tmp_path))
    assert status == 2
    assert "go with --agent llm" in err


def test_the_llm_agent_without_an_endpoint_is_refused_before_running(tmp_path):
    status, _, err = run(*SMALL, "--memory", "--agent", "llm", "--out", str(tmp_path))
    assert status == 2
    assert len(err.strip().splitlines()) == 1
    assert "--llm-url" in err


def test_interest_agents_report_their_stances_and_record_the_agent(tmp_path):
    status, out, _ = run(*SMALL, "--memory", "--agent", "interest", "--out", str(tmp_path))
    assert status == 0
    assert "Stances (interest agent), start -> end" in out
    config = SimulationConfig.load(tmp_path / "config.json")
    assert config.agent == "interest"
    summary = json.loads((tmp_path / "summary.json").read_text(encoding="utf-8"))
    assert summary["agent"] == "interest"
    assert summary["stance"][0]["time"] == config.start.isoformat()


def test_a_stochastic_run_has_no_agent_or_stance_in_its_files(tmp_path):
    assert run(*SMALL, "--memory", "--out", str(tmp_path))[0] == 0
    summary = json.loads((tmp_path / "summary.json").read_text(encoding="utf-8"))
    assert "agent" not in summary
    assert "stance" not in summary
    assert '"agent"' not in (tmp_path / "config.json").read_text(encoding="utf-8")


def test_mention_reply_rate_sets_the_behaviour_and_counts_the_answers(tmp_path):
    from microblog_core.sim.config import ActivityConfig, BehaviourConfig

    chatty = SimulationConfig(
        accounts=40,
        hours=3,
        activity=ActivityConfig(sigma=1.0, sessions_per_day=48),
        behaviour=BehaviourConfig(mention=0.8, post=0.6),
    )
    (tmp_path / "chatty.json").write_text(chatty.to_json())
    argv = ["--config", str(tmp_path / "chatty.json"), "--memory", "--format", "none"]
    status, out, _ = run(*argv, "--out", str(tmp_path / "run"), "--mention-reply-rate", "1")
    assert status == 0
    config = SimulationConfig.load(tmp_path / "run" / "config.json")
    assert config.behaviour.mention_reply_rate == 1.0
    assert config.behaviour.mention == 0.8  # the file's values stay
    answered = json.loads((tmp_path / "run" / "summary.json").read_text())["actions"]
    assert answered["mention_reply"] > 0
    assert f"({answered['mention_reply']:,} answering mentions)" in out


@pytest.mark.parametrize("rate", ["1.5", "-1", "often"])
def test_a_mention_reply_rate_outside_0_to_1_is_refused(tmp_path, rate):
    err = io.StringIO()
    argv = [*SMALL, "--memory", "--out", str(tmp_path), "--mention-reply-rate", rate]
    status, _, _ = run(*argv, stderr=err)
    assert status != 0
    assert "--mention-reply-rate must be a probability" in err.getvalue()
