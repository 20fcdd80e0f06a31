"""Tests for microblog_core.sim.plot: charts through the optional matplotlib."""

import sys
from datetime import UTC, datetime

import pytest

from microblog_core.sim import GraphConfig, SimulationConfig, compare_feeds, simulate, summarise
from microblog_core.sim.plot import plot_exposure, write_plots

CONFIG = SimulationConfig(
    accounts=50,
    hours=2,
    seed=5,
    start=datetime(2026, 1, 1, 18, tzinfo=UTC),
    graph=GraphConfig(model="holme_kim", m=3),
)


@pytest.fixture(scope="module")
def metrics():
    return summarise(simulate(CONFIG))


def test_without_matplotlib_the_error_says_how_to_install_it(metrics, tmp_path, monkeypatch):
    monkeypatch.setitem(sys.modules, "matplotlib", None)
    with pytest.raises(ImportError, match=r"pip install 'microblog-core\[plot\]'"):
        write_plots(metrics, tmp_path)
    assert list(tmp_path.iterdir()) == []


def test_charts_are_written_and_reproducible(metrics, tmp_path):
    first = write_plots(metrics, tmp_path / "a")
    second = write_plots(metrics, tmp_path / "b")
    assert [p.name for p in first] == [
        "degree_distribution.png",
        "cascade_sizes.png",
        "engagement.png",
    ]
    for a, b in zip(first, second, strict=True):
        assert a.read_bytes().startswith(b"\x89PNG")
        assert a.read_bytes() == b.read_bytes()


def test_exposure_chart(tmp_path):
    comparison = compare_feeds(CONFIG, ["chronological", "for_you"])
    path = plot_exposure(comparison.metrics, tmp_path / "exposure.png")
    assert path.read_bytes().startswith(b"\x89PNG")


def test_polarization_chart_of_stance_runs(tmp_path):
    from microblog_core.sim.plot import plot_polarization

    pytest.importorskip("matplotlib")
    runs = compare_feeds(CONFIG.evolve(agent="interest"), ["chronological", "bridging"])
    first = plot_polarization(runs.metrics, tmp_path / "a.png")
    second = plot_polarization(runs.metrics, tmp_path / "b.png")
    assert first.read_bytes().startswith(b"\x89PNG")
    assert first.read_bytes() == second.read_bytes()


def test_polarization_chart_needs_stances(metrics, tmp_path):
    from microblog_core.errors import ValidationError
    from microblog_core.sim.plot import plot_polarization

    with pytest.raises(ValidationError, match="stance"):
        plot_polarization({"chronological": metrics}, tmp_path / "p.png")
    assert not (tmp_path / "p.png").exists()
