"""Tests for microblog_core.sim.report: the measures of a run and the report."""

import json
from collections import Counter
from datetime import UTC, datetime

import pytest

from microblog_core.sim import (
    ActivityConfig,
    BehaviourConfig,
    GraphConfig,
    SimulationConfig,
    format_report,
    simulate,
    summarise,
)
from microblog_core.sim.graphs import fit_power_law_csn
from microblog_core.sim.metrics import cascades_from, feed_diversity, gini, in_network_share


@pytest.fixture(scope="module")
def run():
    config = SimulationConfig(
        accounts=120,
        hours=3,
        seed=21,
        start=datetime(2026, 1, 1, 18, tzinfo=UTC),
        graph=GraphConfig(model="holme_kim", m=4),
        activity=ActivityConfig(sessions_per_day=30.0),
        behaviour=BehaviourConfig(like=0.3, repost=0.25, reply=0.1, private_share=0.2),
    )
    result = simulate(config)
    return result, summarise(result, top=3)


def test_sizes_match_the_run(run):
    result, metrics = run
    assert metrics.accounts == 120
    assert metrics.sessions == result.sessions
    assert metrics.impressions == result.impression_count
    assert metrics.posts == result.posts_of_kind("post")
    assert metrics.reposts == result.posts_of_kind("repost")
    assert metrics.replies == result.posts_of_kind("reply")
    assert metrics.likes == result.actions["like"]
    assert metrics.actions_total == sum(result.actions.values())
    assert metrics.follows_start == result.graph.edge_count
    assert metrics.follows_end == result.follow_count
    assert metrics.seed == 21
    assert metrics.feed == "chronological"


def test_exposure_measures(run):
    result, metrics = run
    by_author = Counter(i.root_author_id for i in result.impressions())
    expected = gini([by_author.get(a, 0) for a in result.account_ids])
    assert metrics.exposure_gini_authors == pytest.approx(expected)
    assert sum(metrics.impressions_per_author) == metrics.impressions
    by_post = Counter(i.root_id for i in result.impressions())
    content = [r.id for r in result.posts() if r.kind != "repost"]
    assert metrics.exposure_gini_posts == pytest.approx(gini([by_post.get(p, 0) for p in content]))
    assert metrics.in_network_share == 1.0
    assert 1.0 <= metrics.feed_diversity <= result.config.behaviour.page_size


def test_the_author_gini_is_also_given_over_accounts_that_posted(run):
    result, metrics = run
    by_author = Counter(i.root_author_id for i in result.impressions())
    posted = {r.author_id for r in result.posts() if r.kind != "repost"}
    assert len(posted) < result.account_count  # some never posted
    expected = gini([by_author.get(a, 0) for a in result.account_ids if a in posted])
    assert metrics.exposure_gini_posters == pytest.approx(expected)
    assert metrics.to_dict()["exposure_gini_posters"] == metrics.exposure_gini_posters


def test_authors_per_page_is_the_metrics_definition(run):
    result, metrics = run
    pages: dict[tuple[object, object], set[object]] = {}
    for impression in result.impressions():
        pages.setdefault((impression.viewer_id, impression.time), set()).add(
            impression.root_author_id
        )
    assert metrics.feed_diversity == pytest.approx(feed_diversity(pages.values()))
    flags = [i.in_network for i in result.impressions()]
    assert metrics.in_network_share == in_network_share(flags)


def test_the_follower_tail_is_fitted_the_csn_way(run):
    result, metrics = run
    tail = metrics.follower_tail
    assert tail is not None
    assert tail == fit_power_law_csn(result.graph.in_degrees, samples=0, seed=21)
    assert metrics.degree.in_degree.power_law == tail.fit
    assert tail.p_value is None
    with_p = summarise(result, tail_samples=3).follower_tail
    assert with_p is not None
    assert with_p.samples == 3
    assert with_p.p_value is not None


def test_cascade_measures(run):
    result, metrics = run
    spread = [c for c in cascades_from(result.cascade_records()) if c.size >= 2]
    assert spread
    assert metrics.cascades == len(spread)
    assert metrics.cascade_sizes == tuple(c.size for c in spread)
    assert metrics.mean_cascade_size == pytest.approx(sum(c.size for c in spread) / len(spread))
    assert metrics.max_cascade_depth == max(c.depth for c in spread)
    assert [c.root_id for c in metrics.largest_cascades] == [c.root for c in spread[:3]]
    top = metrics.largest_cascades[0]
    assert top.size == spread[0].size
    assert top.structural_virality == spread[0].structural_virality


def test_top_posts_are_the_most_seen(run):
    _, metrics = run
    seen = [p.impressions for p in metrics.top_posts]
    assert seen == sorted(seen, reverse=True)
    assert len(seen) == 3


def test_engagement_over_time_adds_up(run):
    result, metrics = run
    totals = metrics.engagement.totals()
    assert totals.get("like", 0) == metrics.likes
    assert totals.get("repost", 0) == metrics.reposts
    assert totals.get("post", 0) == metrics.posts
    # A follow of a locked account is a request: it becomes a follow event when
    # approved, so requests still pending at the end are actions without one.
    assert totals.get("follow", 0) <= result.actions["follow"]
    assert totals.get("follow", 0) + 3 >= result.actions["follow"]
    assert len(metrics.engagement.starts) == 3


def test_degree_distribution_is_of_the_starting_graph(run):
    result, metrics = run
    assert metrics.degree.in_degree.mean == pytest.approx(result.graph.edge_count / 120)


def test_refusals_are_listed_by_action_and_reason(run):
    result, metrics = run
    assert metrics.refused_total == result.refused_total
    assert metrics.refused.get("repost: followers_only", 0) == result.refused.get(
        ("repost", "followers_only"), 0
    )


def test_to_dict_is_json(run):
    _, metrics = run
    data = json.loads(json.dumps(metrics.to_dict()))
    assert data["accounts"] == 120
    assert data["largest_cascades"][0]["root_id"].isdigit()
    assert data["degree"]["in"]["mean"] == metrics.degree.in_degree.mean


def test_the_report_reads_well(run):
    _, metrics = run
    text = format_report(metrics, elapsed=2.0, where="memory", exports=["in out/:"])
    for heading in ("Network", "Activity", "Exposure", "Repost cascades", "Most seen posts"):
        assert f"\n{heading}" in text
    assert "120 accounts" in text
    assert f"{metrics.exposure_gini_authors:.3f}" in text
    words = " ".join(text.split())
    assert f"{metrics.exposure_gini_posters:.3f} across accounts that posted" in words
    assert "follower tail (Clauset-Shalizi-Newman)" in text
    assert "100.0% from accounts the viewer follows" in text
    assert "took 2.0 s" in text
    assert text.endswith("\n")
    assert max(len(line) for line in text.splitlines()) <= 100


def test_a_quiet_run_reports_nothing_reposted():
    config = SimulationConfig(
        accounts=10,
        hours=1,
        graph=GraphConfig(model="holme_kim", m=2),
        behaviour=BehaviourConfig(repost=0.0, like=0.0, reply=0.0, post=0.0, block=0.0),
    )
    metrics = summarise(simulate(config))
    text = format_report(metrics)
    assert "nothing was reposted" in text
    assert "no post was shown" in text
    assert "refused by the rules: none" in text
    assert metrics.mean_cascade_size == 0.0
