"""Charts a researcher can put in a paper: formats, resolution, run details, labels, legends."""

import struct

import pytest

from microblog_core.errors import ValidationError
from microblog_core.sim import SimulationConfig, simulate, summarise
from microblog_core.sim import plot as charts
from microblog_core.sim.plot import ChartStyle, plot_cascade_sizes, run_details, write_plots


@pytest.fixture(scope="module")
def metrics():
    result = simulate(SimulationConfig(accounts=120, hours=6, seed=2))
    try:
        return summarise(result)
    finally:
        result.close()


MAGIC = {"png": b"\x89PNG", "svg": b"<?xml", "pdf": b"%PDF"}


@pytest.mark.parametrize("fmt", ["png", "svg", "pdf"])
def test_each_format_is_written_and_reproducible(metrics, tmp_path, fmt):
    first = write_plots(metrics, tmp_path / "a", hours=6, style=ChartStyle(format=fmt))
    second = write_plots(metrics, tmp_path / "b", hours=6, style=ChartStyle(format=fmt))
    assert [p.suffix for p in first] == [f".{fmt}"] * 3
    for a, b in zip(first, second, strict=True):
        assert a.read_bytes().startswith(MAGIC[fmt])
        assert a.read_bytes() == b.read_bytes()


def png_size(path):
    width, height = struct.unpack(">II", path.read_bytes()[16:24])
    return width, height


def test_dpi_sets_the_resolution(metrics, tmp_path):
    low = plot_cascade_sizes(metrics.cascade_sizes, tmp_path / "low.png", style=ChartStyle(dpi=50))
    high = plot_cascade_sizes(
        metrics.cascade_sizes, tmp_path / "high.png", style=ChartStyle(dpi=200)
    )
    assert png_size(high)[0] == pytest.approx(4 * png_size(low)[0], rel=0.02)


@pytest.mark.parametrize(
    ("changes", "field"),
    [
        ({"format": "gif"}, "format"),
        ({"dpi": 10}, "dpi"),
        ({"dpi": 5000}, "dpi"),
        ({"dpi": "300"}, "dpi"),
    ],
)
def test_bad_styles_are_refused(changes, field):
    with pytest.raises(ValidationError) as info:
        ChartStyle(**changes)
    assert info.value.field == field


def test_every_chart_names_the_run_and_labels_its_axes(metrics, tmp_path):
    paths = write_plots(metrics, tmp_path, hours=6, style=ChartStyle(format="svg"))
    details = run_details(metrics, 6)
    assert details == "120 accounts · 6 h · feed chronological · seed 2"
    for path in paths:
        svg = path.read_text()
        assert details in svg
    degree = paths[0].read_text()
    assert "share of accounts with degree ≥ k" in degree
    assert "degree k" in degree
    if metrics.degree.in_degree.power_law.exponent is not None:
        assert f"k_min = {metrics.degree.in_degree.power_law.k_min}" in degree
    assert "share of cascades with size ≥ s" in paths[1].read_text()
    assert "hours since the start" in paths[2].read_text()


def test_no_legend_covers_the_data(metrics, tmp_path, monkeypatch):
    checked = []
    original = charts._save

    def keep(figure, path, style):
        figure.canvas.draw()
        renderer = figure.canvas.get_renderer()
        plot_area = figure.axes[0].get_window_extent(renderer)
        assert figure.axes[0].get_legend() is None
        checked.append(
            [leg.get_window_extent(renderer).overlaps(plot_area) for leg in figure.legends]
        )
        return original(figure, path, style)

    monkeypatch.setattr(charts, "_save", keep)
    write_plots(metrics, tmp_path, hours=6)
    assert len(checked) == 3
    assert checked[0] == [False]  # the degree chart has a legend, below the plot
    assert not any(overlap for chart in checked for overlap in chart)


def test_the_engagement_chart_spans_the_whole_run(metrics, tmp_path, monkeypatch):
    limits = []
    original = charts._save
    monkeypatch.setattr(
        charts, "_save", lambda f, p, s: (limits.append(f.axes[0].get_xlim()), original(f, p, s))[1]
    )
    charts.plot_engagement(metrics, tmp_path / "e.png", hours=6)
    assert limits == [(0.0, 6.0)]
