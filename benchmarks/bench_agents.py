"""Benchmark: interest agents against the stochastic agent, on one network, in one run.

Runs the same config (memory adapter, fan-out-on-read, chronological feed,
Holme-Kim m=8 with 25% follow-backs: about 10 follows per account) once
with each agent, each in its own process, and prints for each the setup
time, the simulated period's wall and CPU time, actions (feed reads
included) and actions per second; then the ratio of the interest agent's
time per action to the stochastic agent's, measured in this same run. The
interest agent's figure includes its hourly stance measures (variance,
bimodality, assortativity over every follow).

Usage::

    python benchmarks/bench_agents.py                   # 100,000 accounts, 3 simulated hours
    python benchmarks/bench_agents.py --accounts 10000 --hours 24
    python benchmarks/bench_agents.py --ranker bridging --accounts 10000
"""

import argparse
import json
import subprocess
import sys
import time
from datetime import UTC, datetime

from microblog_core.sim import ActivityConfig, GraphConfig, SimulationConfig, simulate
from microblog_core.sim.engine import memory_storage

AGENTS = ("stochastic", "interest")
TARGET = 5_000  # actions per second for interest agents at 100,000 accounts (issue 17)


def config_for(accounts: int, hours: float, agent: str, ranker: str) -> SimulationConfig:
    return SimulationConfig(
        accounts=accounts,
        hours=hours,
        seed=2026,
        start=datetime(2026, 1, 1, 12, tzinfo=UTC),  # daytime: a busy stretch of the profile
        ranker=ranker,
        agent=agent,
        graph=GraphConfig(model="holme_kim", m=8, p=0.5, reciprocity=0.25),
        activity=ActivityConfig(sessions_per_day=6.0),
    )


def one(accounts: int, hours: float, agent: str, ranker: str) -> dict[str, float | str]:
    config = config_for(accounts, hours, agent, ranker)
    marks: dict[str, float] = {}
    started = time.perf_counter()

    def progress(step: object) -> None:
        if getattr(step, "step", None) == 0:
            marks["setup_done"] = time.perf_counter()
            marks["setup_cpu"] = time.process_time()

    result = simulate(config, storage=memory_storage(), progress=progress)
    finished = time.perf_counter()
    finished_cpu = time.process_time()
    actions = result.attempted_total
    day = finished - marks["setup_done"]
    day_cpu = finished_cpu - marks["setup_cpu"]
    snapshots = result.stance_snapshots
    row: dict[str, float | str] = {
        "agent": agent,
        "accounts": accounts,
        "setup_s": marks["setup_done"] - started,
        "day_s": day,
        "day_cpu_s": day_cpu,
        "actions": actions,
        "reads": result.actions["read"],
        "posts": result.post_count,
        "actions_per_s": actions / day,
        "cpu_actions_per_s": actions / day_cpu,
        "us_per_action": 1e6 * day / actions,
        "cpu_us_per_action": 1e6 * day_cpu / actions,
    }
    if snapshots:
        row["variance"] = snapshots[-1].variance
        row["snapshots"] = len(snapshots)
    result.close()
    return row


def spawn(accounts: int, hours: float, agent: str, ranker: str) -> dict[str, float | str]:
    command = [
        sys.executable, __file__, "--one", agent, "--accounts", str(accounts),
        "--hours", str(hours), "--ranker", ranker,
    ]  # fmt: skip
    output = subprocess.run(command, check=True, capture_output=True, text=True).stdout
    return json.loads(output.strip().splitlines()[-1])


def show(row: dict[str, float | str]) -> None:
    print(
        f"{row['agent']:>10}: {row['accounts']:,.0f} accounts, setup {row['setup_s']:.1f} s; "
        f"{row['actions']:,.0f} actions ({row['reads']:,.0f} feed reads, {row['posts']:,.0f} "
        f"posts) in {row['day_s']:.1f} s wall / {row['day_cpu_s']:.1f} s CPU: "
        f"{row['actions_per_s']:,.0f} actions/s wall, {row['cpu_actions_per_s']:,.0f} "
        "actions/s CPU",
        flush=True,
    )


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--accounts", type=int, default=100_000)
    parser.add_argument("--hours", type=float, default=3.0)
    parser.add_argument("--ranker", default="chronological")
    parser.add_argument("--one", help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.one:
        print(json.dumps(one(args.accounts, args.hours, args.one, args.ranker)))
        return
    print(
        f"{args.hours:g} simulated hours from 12:00 UTC, {args.ranker} feed, memory store, "
        "fan-out-on-read"
    )
    rows = {}
    for agent in AGENTS:
        rows[agent] = row = spawn(args.accounts, args.hours, agent, args.ranker)
        show(row)
    base, interest = rows["stochastic"], rows["interest"]
    print(
        f"interest vs stochastic, time per action: "
        f"{float(interest['us_per_action']) / float(base['us_per_action']):.2f}x wall, "
        f"{float(interest['cpu_us_per_action']) / float(base['cpu_us_per_action']):.2f}x CPU"
    )
    verdict = "meets" if float(interest["cpu_actions_per_s"]) >= TARGET else "misses"
    print(
        f"interest agents: {float(interest['cpu_actions_per_s']):,.0f} actions per CPU second "
        f"{verdict} the {TARGET:,} target"
    )


if __name__ == "__main__":
    main()
