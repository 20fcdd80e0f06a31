"""The report reads as English: singular and plural, and n/a where nothing is averaged."""

import attrs
import pytest

from microblog_core.sim import SimulationConfig, format_report, simulate, summarise


@pytest.fixture(scope="module")
def metrics():
    result = simulate(SimulationConfig(accounts=60, hours=2, seed=1))
    try:
        return summarise(result)
    finally:
        result.close()


def line_with(report: str, start: str) -> str:
    return next(line.strip() for line in report.splitlines() if line.strip().startswith(start))


def test_one_of_each_is_singular(metrics):
    one = attrs.evolve(
        metrics,
        posts=1,
        replies=1,
        reposts=1,
        commented_reposts=0,
        likes=1,
        actions={**metrics.actions, "follow": 1, "block": 1},
        sessions=1,
        cascades=1,
        cascade_sizes=(2,),
        mean_cascade_size=2.0,
    )
    report = format_report(one)
    assert line_with(report, "made ") == (
        "made 1 post, 1 reply, 1 repost (0 with a comment), 1 like, 1 follow, 1 block"
    )
    assert line_with(report, "1 session,").startswith("1 session, each reading a page")
    assert line_with(report, "1 post was reposted").startswith("1 post was reposted; mean")


def test_several_are_plural(metrics):
    two = attrs.evolve(
        metrics,
        posts=2,
        replies=2,
        reposts=2,
        likes=2,
        actions={**metrics.actions, "follow": 2},
        cascades=2,
        cascade_sizes=(3, 2),
        mean_cascade_size=2.5,
        mean_structural_virality=1.33,
    )
    report = format_report(two)
    assert line_with(report, "made ").startswith("made 2 posts, 2 replies, 2 reposts")
    assert "2 likes, 2 follows" in line_with(report, "made ")
    assert line_with(report, "2 posts were reposted").startswith("2 posts were reposted;")
    assert line_with(report, "structural virality:") == (
        "structural virality: mean 1.33 over 1 cascade of 3+"
    )


def test_nothing_to_average_says_n_a(metrics):
    small = attrs.evolve(metrics, cascades=1, cascade_sizes=(2,), mean_structural_virality=0.0)
    report = format_report(small)
    assert line_with(report, "structural virality:") == (
        "structural virality: n/a (no cascade of 3 or more)"
    )
    assert "mean 0.00" not in report
    silent = attrs.evolve(metrics, impressions=0, feed_diversity=0.0, in_network_share=0.0)
    exposure = format_report(silent).split("Exposure\n", 1)[1].split("\n\n", 1)[0]
    assert exposure.strip() == "no impressions: n/a for authors per page, in-network share and Gini"


def test_in_network_share_says_own_posts_count(metrics):
    shown = attrs.evolve(metrics, impressions=10, in_network_share=1.0)
    assert line_with(format_report(shown), "100.0%") == (
        "100.0% from accounts the viewer follows (own posts included)"
    )
