"""The default agent keeps the simulator's exports byte for byte."""

import hashlib
from pathlib import Path

import pytest

from microblog_core.sim import SimulationConfig, simulate, summarise, write_exports
from microblog_core.sim.agent import Agent
from microblog_core.sim.stochastic import StochasticAgent

# sha256 over (file name, bytes) of every export of these runs, summary.json and
# config.json included, taken before agents became a protocol (commit 02f660a).
# A change here changes every user's results.
PINNED = {
    "engagement": (
        SimulationConfig(accounts=120, hours=3, seed=5, ranker="engagement"),
        "6ab3fcb6addd6439a0c1900a008828438b9ee399920a0f1a69c48b20c559106d",
    ),
    "default": (
        SimulationConfig(accounts=150, hours=4, seed=42),
        "10935bc8f228cd77c1932036f00fb6c1655c68eb05abdec501e7fbda4282a391",
    ),
}
CONFIG = PINNED["engagement"][0]


def export_digest(config: SimulationConfig, folder: Path, **kwargs: object) -> str:
    run = simulate(config, **kwargs)  # type: ignore[arg-type]
    digest = hashlib.sha256()
    paths = write_exports(run, folder, metrics=summarise(run))
    for path in sorted(paths, key=lambda p: p.name):
        digest.update(path.name.encode())
        digest.update(path.read_bytes())
    run.close()
    return digest.hexdigest()


@pytest.mark.parametrize("name", sorted(PINNED))
def test_default_run_exports_are_pinned(tmp_path: Path, name: str) -> None:
    config, pinned = PINNED[name]
    assert export_digest(config, tmp_path) == pinned


def test_an_explicit_stochastic_agent_gives_the_pinned_exports(tmp_path: Path) -> None:
    config, pinned = PINNED["engagement"]
    assert export_digest(config, tmp_path, agent=StochasticAgent()) == pinned


def test_stochastic_agent_is_an_agent() -> None:
    agent = StochasticAgent()
    assert isinstance(agent, Agent)
    assert agent.name == "stochastic"


def test_an_agent_reused_for_a_second_run_starts_afresh() -> None:
    agent = StochasticAgent()
    first = simulate(CONFIG, agent=agent)
    second = simulate(CONFIG, agent=agent)
    assert first.actions == second.actions
    assert list(first.posts()) == list(second.posts())
