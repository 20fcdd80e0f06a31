"""Benchmark: a simulated day at scale, and how time per action grows with size.

Runs, each in its own process (so peak memory is per run):

* memory adapter, fan-out-on-read, chronological feed: 10,000 accounts (the
  baseline), 100,000 accounts (about 1,000,000 follows, at least
  1,000,000 actions in the day) and 1,000,000 accounts (about 10,000,000
  follows; ``--no-million`` skips it);
* the largest memory size again with the impression log off
  (``impressions="off"``), for the memory that saves (``--no-log-off`` skips it);
* SQLite, the same 10,000-account day.

For each it prints setup time (registering accounts and making the graph's
follows through the service), simulated-day wall time, actions (feed reads
included) and actions per second, and peak memory (ru_maxrss). Then the
ratios: time per action at 100,000 over 10,000 accounts (flat is 1.0), and
SQLite over memory. Everything goes through the Microblog service.

Usage::

    python benchmarks/bench_sim.py                  # 10k, 100k, 1M memory, 10k SQLite
    python benchmarks/bench_sim.py --no-million     # 10k and 100k only
    python benchmarks/bench_sim.py --sizes 10000,30000 --sqlite 10000
    python benchmarks/bench_sim.py --hours 6        # a shorter day (scaled run)
    python benchmarks/bench_sim.py --default-config # the default graph (directed scale-free)

On a shared machine, read the CPU figures: wall time there measures the
neighbours' load as much as the code.
"""

import argparse
import json
import resource
import subprocess
import sys
import tempfile
import time
from pathlib import Path

from microblog_core.sim import ActivityConfig, GraphConfig, SimulationConfig, simulate
from microblog_core.sim.engine import memory_storage, sqlite_storage


def config_for(
    accounts: int, hours: float, impressions: str = "full", *, default_graph: bool = False
) -> SimulationConfig:
    # Holme-Kim m=8 with 25% follow-backs: about 10 follows per account (1M at 100k);
    # or, with --default-config, the default graph (directed scale-free, about 14).
    # Six sessions per account per day: about 2 actions per session, so >= 1M at 100k.
    graph = (
        GraphConfig()
        if default_graph
        else GraphConfig(model="holme_kim", m=8, p=0.5, reciprocity=0.25)
    )
    return SimulationConfig(
        accounts=accounts,
        hours=hours,
        seed=2026,
        graph=graph,
        activity=ActivityConfig(sessions_per_day=6.0),
        impressions=impressions,
    )


def one(
    accounts: int, storage: str, hours: float, impressions: str, *, default_graph: bool = False
) -> dict[str, float]:
    config = config_for(accounts, hours, impressions, default_graph=default_graph)
    marks: dict[str, float] = {}
    started = time.perf_counter()
    started_cpu = time.process_time()

    def progress(step: object) -> None:
        if getattr(step, "step", None) == 0:
            marks["setup_done"] = time.perf_counter()
            marks["setup_cpu"] = time.process_time()

    with tempfile.TemporaryDirectory() as folder:
        factory = (
            memory_storage(timeline="fan_out_on_read")
            if storage == "memory"
            else sqlite_storage(Path(folder) / "bench.sqlite", timeline="fan_out_on_read")
        )
        result = simulate(config, storage=factory, progress=progress)
        finished = time.perf_counter()
        finished_cpu = time.process_time()
        result.close()
    peak_kib = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss
    setup = marks["setup_done"] - started
    day = finished - marks["setup_done"]
    actions = result.attempted_total
    day_cpu = finished_cpu - marks["setup_cpu"]
    return {
        "accounts": accounts,
        "follows": result.graph.edge_count,
        "setup_s": setup,
        "day_s": day,
        "total_s": finished - started,
        "actions": actions,
        "reads": result.actions["read"],
        "impressions": result.impression_count,
        "posts": result.post_count,
        "actions_per_s": actions / day,
        "cpu_actions_per_s": actions / day_cpu,
        "us_per_action": 1e6 * day / actions,
        "setup_cpu_s": marks["setup_cpu"] - started_cpu,
        "day_cpu_s": day_cpu,
        "cpu_us_per_action": 1e6 * day_cpu / actions,
        "follows_per_s": result.graph.edge_count / setup,
        "peak_mib": peak_kib / 1024,
    }


def spawn(
    accounts: int,
    storage: str,
    hours: float,
    impressions: str = "full",
    *,
    default_graph: bool = False,
) -> dict[str, float]:
    command = [
        sys.executable,
        __file__,
        "--one",
        str(accounts),
        "--storage",
        storage,
        "--hours",
        str(hours),
        "--impressions",
        impressions,
        *(["--default-config"] if default_graph else []),
    ]
    output = subprocess.run(command, check=True, capture_output=True, text=True).stdout
    return json.loads(output.strip().splitlines()[-1])


def show(label: str, row: dict[str, float]) -> None:
    print(
        f"{label} {row['accounts']:,.0f} accounts, {row['follows']:,.0f} follows: "
        f"setup {row['setup_s']:.1f} s wall / {row['setup_cpu_s']:.1f} s CPU "
        f"({row['follows_per_s']:,.0f} follows/s)\n"
        f"    day: {row['actions']:,.0f} actions ({row['reads']:,.0f} feed reads, "
        f"{row['impressions']:,.0f} impressions, {row['posts']:,.0f} posts) in "
        f"{row['day_s']:.1f} s wall / {row['day_cpu_s']:.1f} s CPU: "
        f"{row['actions_per_s']:,.0f} actions/s wall, {row['cpu_actions_per_s']:,.0f} actions/s "
        f"CPU, {row['us_per_action']:.0f} us/action wall, "
        f"{row['cpu_us_per_action']:.0f} us/action CPU\n"
        f"    total {row['total_s']:.1f} s wall; peak memory {row['peak_mib']:,.0f} MiB "
        "(ru_maxrss)",
        flush=True,
    )


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--sizes", default="10000,100000", help="memory-adapter sizes")
    parser.add_argument(
        "--million",
        action=argparse.BooleanOptionalAction,
        default=True,
        help="also 1,000,000 accounts (default on; about 10 minutes of CPU)",
    )
    parser.add_argument(
        "--log-off",
        action=argparse.BooleanOptionalAction,
        default=True,
        help="also the largest size with the impression log off (default on)",
    )
    parser.add_argument("--sqlite", default="10000", help="SQLite sizes ('' for none)")
    parser.add_argument("--hours", type=float, default=24.0)
    parser.add_argument(
        "--default-config",
        action="store_true",
        help="the default graph (directed scale-free) instead of Holme-Kim m=8, for every run",
    )
    parser.add_argument("--one", type=int, help=argparse.SUPPRESS)
    parser.add_argument("--storage", default="memory", help=argparse.SUPPRESS)
    parser.add_argument("--impressions", default="full", help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.one:
        row = one(
            args.one, args.storage, args.hours, args.impressions, default_graph=args.default_config
        )
        print(json.dumps(row))
        return
    sizes = [int(s) for s in args.sizes.split(",") if s]
    if args.million and 1_000_000 not in sizes:
        sizes.append(1_000_000)
    sqlite_sizes = [int(s) for s in args.sqlite.split(",") if s]
    graph = config_for(10, 1.0, default_graph=args.default_config).graph.describe()
    print(f"simulated day: {args.hours:g} h; chronological feed, fan-out-on-read; graph: {graph}")
    default_graph = args.default_config
    memory_rows = {}
    for size in sizes:
        memory_rows[size] = row = spawn(size, "memory", args.hours, default_graph=default_graph)
        show("memory", row)
        base = memory_rows[sizes[0]]
        if size != sizes[0]:
            print(
                f"    per action vs {sizes[0]:,} accounts: "
                f"{row['cpu_us_per_action'] / base['cpu_us_per_action']:.2f}x CPU, "
                f"{row['us_per_action'] / base['us_per_action']:.2f}x wall",
                flush=True,
            )
    if args.log_off and sizes:
        row = spawn(sizes[-1], "memory", args.hours, "off", default_graph=default_graph)
        show("memory, impression log off:", row)
        full = memory_rows[sizes[-1]]
        print(
            f"    peak memory with the log off: {row['peak_mib']:,.0f} MiB against "
            f"{full['peak_mib']:,.0f} MiB with it ({full['impressions']:,.0f} impressions)"
        )
    sqlite_rows = {}
    for size in sqlite_sizes:
        sqlite_rows[size] = row = spawn(size, "sqlite", args.hours, default_graph=default_graph)
        show("sqlite", row)
    if len(sizes) >= 2:
        base, top = memory_rows[sizes[0]], memory_rows[sizes[-1]]
        per_follow = top["setup_cpu_s"] / top["follows"]
        setup_cpu_ratio = per_follow / (base["setup_cpu_s"] / base["follows"])
        print(
            f"time per action, {sizes[-1]:,} vs {sizes[0]:,} accounts (memory): "
            f"{top['us_per_action'] / base['us_per_action']:.2f}x wall "
            f"({base['us_per_action']:.0f} -> {top['us_per_action']:.0f} us), "
            f"{top['cpu_us_per_action'] / base['cpu_us_per_action']:.2f}x CPU "
            f"({base['cpu_us_per_action']:.0f} -> {top['cpu_us_per_action']:.0f} us); "
            f"setup time per follow: {base['follows_per_s'] / top['follows_per_s']:.2f}x wall, "
            f"{setup_cpu_ratio:.2f}x CPU"
        )
    for size in sqlite_sizes:
        if size in memory_rows:
            wall = sqlite_rows[size]["us_per_action"] / memory_rows[size]["us_per_action"]
            cpu = sqlite_rows[size]["cpu_us_per_action"] / memory_rows[size]["cpu_us_per_action"]
            print(
                f"SQLite vs memory at {size:,} accounts, time per action: "
                f"{wall:.2f}x wall, {cpu:.2f}x CPU"
            )


if __name__ == "__main__":
    main()
