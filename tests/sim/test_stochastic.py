"""The default agent keeps the simulator's exports byte for byte."""

import hashlib
from pathlib import Path

from microblog_core.sim import SimulationConfig, simulate, write_exports
from microblog_core.sim.agent import Agent
from microblog_core.sim.stochastic import StochasticAgent

# sha256 over (file name, bytes) of every export of this run, taken before agents
# became a protocol (commit 02f660a). A change here changes every user's results.
PINNED = "feaa567cb64ed4c28b801e0dfeda88fabbbfeb20681d121ea6ac2e95f1031fdb"
CONFIG = SimulationConfig(accounts=120, hours=3, seed=5, ranker="engagement")


def export_digest(tmp_path: Path, **kwargs: object) -> str:
    run = simulate(CONFIG, **kwargs)  # type: ignore[arg-type]
    digest = hashlib.sha256()
    for path in sorted(write_exports(run, tmp_path), key=lambda p: p.name):
        digest.update(path.name.encode())
        digest.update(path.read_bytes())
    run.close()
    return digest.hexdigest()


def test_default_run_exports_are_pinned(tmp_path: Path) -> None:
    assert export_digest(tmp_path) == PINNED


def test_an_explicit_stochastic_agent_gives_the_pinned_exports(tmp_path: Path) -> None:
    assert export_digest(tmp_path, agent=StochasticAgent()) == PINNED


def test_stochastic_agent_is_an_agent() -> None:
    agent = StochasticAgent()
    assert isinstance(agent, Agent)
    assert agent.name == "stochastic"


def test_an_agent_reused_for_a_second_run_starts_afresh(tmp_path: Path) -> None:
    agent = StochasticAgent()
    first = simulate(CONFIG, agent=agent)
    second = simulate(CONFIG, agent=agent)
    assert first.actions == second.actions
    assert list(first.posts()) == list(second.posts())
