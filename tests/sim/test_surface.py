"""The public surface of the simulation modules: complete, sorted ``__all__``."""

import importlib
import subprocess
import sys

import pytest

import microblog_core.sim as sim

MODULES = (
    "agent",
    "agents",
    "bridging",
    "cli",
    "compare",
    "config",
    "engine",
    "export",
    "feeds",
    "interest",
    "llm",
    "plot",
    "polarization",
    "report",
    "stochastic",
)


@pytest.mark.parametrize("name", MODULES)
def test_every_module_has_a_complete_all(name):
    module = importlib.import_module(f"microblog_core.sim.{name}")
    assert module.__all__
    assert len(set(module.__all__)) == len(module.__all__)
    for attribute in module.__all__:
        assert hasattr(module, attribute), f"{module.__name__} lacks {attribute}"


def test_the_package_re_exports_the_main_entry_points():
    for name in (
        "SimulationConfig",
        "GraphConfig",
        "simulate",
        "summarise",
        "format_report",
        "compare_feeds",
        "write_exports",
        "FeedSource",
        "RankedFeed",
    ):
        assert name in sim.__all__
        assert hasattr(sim, name)
    assert list(sim.__all__) == sorted(sim.__all__)


def test_importing_the_command_does_not_load_the_engine():
    code = (
        "import sys, microblog_core.sim.cli; "
        "print(sorted(m for m in ('microblog_core.sim.engine', 'microblog_core.sim.report') "
        "if m in sys.modules))"
    )
    out = subprocess.run(
        [sys.executable, "-c", code], capture_output=True, text=True, check=True, timeout=60
    )
    assert out.stdout.strip() == "[]"


def test_names_load_on_first_use():
    assert "simulate" in dir(sim)
    assert sim.simulate is importlib.import_module("microblog_core.sim.engine").simulate
    with pytest.raises(AttributeError, match="no attribute 'nothing'"):
        _ = sim.nothing
