"""Tests for microblog_core.sim.engine: seeded agents acting through the service."""

from datetime import UTC, datetime

import pytest
from hypothesis import given
from hypothesis import strategies as st

from microblog_core.errors import StorageError, ValidationError
from microblog_core.models import Visibility
from microblog_core.service import Microblog
from microblog_core.sim import (
    ActivityConfig,
    BehaviourConfig,
    FeedRegistry,
    GraphConfig,
    SimulationConfig,
    memory_storage,
    simulate,
    sqlite_storage,
)
from microblog_core.sim.engine import ACTION_KINDS, SimulationResult
from microblog_core.sim.feeds import DEFAULT_FEEDS

EVENING = datetime(2026, 1, 1, 18, tzinfo=UTC)


def tiny(seed: int = 1, **changes) -> SimulationConfig:
    """A run of a few dozen busy accounts over two evening hours."""
    options = {
        "accounts": 40,
        "hours": 2.0,
        "step_minutes": 20.0,
        "seed": seed,
        "start": EVENING,
        "graph": GraphConfig(model="holme_kim", m=4),
        "activity": ActivityConfig(sessions_per_day=40.0),
        "behaviour": BehaviourConfig(like=0.3, repost=0.2, reply=0.1, follow=0.2, block=0.01),
    }
    options.update(changes)
    return SimulationConfig(**options)


def snapshot(result: SimulationResult) -> tuple:
    return (
        tuple(result.impressions()),
        tuple(result.posts()),
        tuple(result.follows()),
        tuple(result.engagements()),
        dict(result.actions),
        dict(result.refused),
    )


seeds = st.integers(0, 2**32 - 1)


@given(seeds)
def test_the_same_config_and_seed_give_the_same_run(seed):
    config = tiny(seed, accounts=20, hours=0.5, step_minutes=10.0)
    assert snapshot(simulate(config)) == snapshot(simulate(config))


def test_different_seeds_give_different_runs():
    assert snapshot(simulate(tiny(1))) != snapshot(simulate(tiny(2)))


def check_invariants(result: SimulationResult) -> None:
    """Cascade links, ranks, counters and the follow mirror agree with the service."""
    page_size = result.config.behaviour.page_size
    posts = {record.id: record for record in result.posts()}
    # Every cascade edge points to an existing, earlier post of the same cascade.
    for record in posts.values():
        if record.kind == "repost":
            parent = posts[record.cascade_parent_id]
            assert parent.id < record.id
            assert parent.created_at <= record.created_at
            root = posts[record.repost_of_id]
            assert root.kind != "repost"
            if record.via_id is not None:
                assert posts[record.via_id].repost_of_id == record.repost_of_id
        if record.kind == "reply":
            assert posts[record.reply_to_id].id < record.id
    for _post_id, parent_id in result.cascade_records():
        assert parent_id is None or parent_id in posts
    # Ranks run 1, 2, ... on every page, never above the page size.
    previous = 0
    for impression in result.impressions():
        assert 1 <= impression.rank <= page_size
        assert impression.rank in {1, previous + 1}
        previous = impression.rank
        assert impression.post_id in posts
    # Counters the engine tallied equal the service's.
    blog = result.blog
    for record in posts.values():
        counters = blog.post_counters(record.id)
        assert (counters.likes, counters.reposts, counters.replies) == (
            record.likes,
            record.reposts,
            record.replies,
        )
    ids = result.account_ids
    followers = dict.fromkeys(ids, 0)
    following = dict.fromkeys(ids, 0)
    for follower, followee, _, _ in result.follows():
        followers[followee] += 1
        following[follower] += 1
    for account in ids:
        counters = blog.account_counters(account)
        assert (counters.followers, counters.following) == (followers[account], following[account])
    # Impressions per post add up.
    assert sum(record.impressions for record in posts.values()) == result.impression_count


@given(seeds)
def test_run_invariants_hold_for_any_seed(seed):
    check_invariants(simulate(tiny(seed, accounts=20, hours=0.75, step_minutes=15.0)))


def test_run_invariants_hold_for_a_ranked_out_of_network_feed():
    check_invariants(simulate(tiny(4, ranker="for_you")))


def test_actions_and_counts_add_up():
    result = simulate(tiny(3))
    assert set(result.actions) == set(ACTION_KINDS)
    assert result.actions["read"] + result.refused_count("read") == result.sessions
    assert result.attempted_total == sum(result.actions.values()) + result.refused_total
    assert result.posts_of_kind("post") == result.actions["post"]
    assert result.posts_of_kind("repost") == result.actions["repost"]
    assert result.posts_of_kind("reply") >= result.actions["reply"]
    assert result.impression_count == len(list(result.impressions()))
    assert result.post_count == len(list(result.posts()))
    assert result.follow_count == len(list(result.follows()))


def test_setup_registers_every_account_and_makes_the_graph_follows():
    config = tiny(5, behaviour=BehaviourConfig(locked_share=0.25, follow=0.0, block=0.0))
    result = simulate(config, progress=None)
    blog = result.blog
    assert result.account_count == config.accounts
    assert len(set(result.account_ids)) == config.accounts
    for node, account_id in enumerate(result.account_ids):
        account = blog.get_account(account_id)
        assert account.handle == result.handles[node]
        assert account.locked == result.population.locked[node]
    starting = {(a, b) for a, b, _, from_graph in result.follows() if from_graph}
    ids = result.account_ids
    assert starting == {(ids[a], ids[b]) for a, b in result.graph.edges}


def test_chronological_feeds_show_only_the_network():
    result = simulate(tiny(6))
    assert result.impression_count > 0
    assert all(impression.in_network for impression in result.impressions())


def test_out_of_network_impressions_are_flagged():
    result = simulate(tiny(6, ranker="for_you"))
    flags = {impression.in_network for impression in result.impressions()}
    assert flags == {True, False}
    for impression in result.impressions():
        if not impression.in_network:
            assert impression.viewer_id != impression.author_id


def test_refused_actions_are_counted_not_raised():
    # Every original is followers-only: only its author may repost it (Mastodon).
    config = tiny(7, behaviour=BehaviourConfig(private_share=1.0, repost=0.5, like=0.0, reply=0.0))
    result = simulate(config)
    assert result.refused[("repost", "followers_only")] > 0
    assert result.actions["repost"] == 0
    assert all(record.visibility == Visibility.PRIVATE.value for record in result.posts())


def test_repost_comments_build_weibo_chains():
    behaviour = BehaviourConfig(repost=1.0, like=0.0, reply=0.0, comment=1.0, also_comment=1.0)
    result = simulate(tiny(8, behaviour=behaviour))
    reposts = [r for r in result.posts() if r.kind == "repost"]
    assert reposts
    assert all(r.text for r in reposts)
    chained = [r for r in reposts if r.via_id is not None]
    assert chained
    assert all("//@" in r.text for r in chained)
    # also_comment posts each comment as a reply to the original too.
    assert result.posts_of_kind("reply") >= len(reposts)


def test_locked_accounts_approve_the_requests_they_get():
    behaviour = BehaviourConfig(locked_share=0.5, follow=1.0, triadic=1.0)
    result = simulate(tiny(9, hours=3.0, behaviour=behaviour))
    assert result.actions["approve"] > 0


def test_progress_is_reported_after_setup_and_each_step():
    seen = []
    config = tiny(10)
    simulate(config, progress=seen.append)
    assert [p.step for p in seen] == list(range(config.steps + 1))
    assert seen[0].fraction == 0.0
    assert seen[-1].fraction == 1.0
    assert seen[-1].now == config.end
    assert [p.actions for p in seen] == sorted(p.actions for p in seen)


def test_memory_and_sqlite_give_the_same_run(tmp_path):
    config = tiny(11)
    in_memory = simulate(config)
    on_disk = simulate(config, storage=sqlite_storage(tmp_path / "run.sqlite"))
    try:
        assert snapshot(on_disk) == snapshot(in_memory)
    finally:
        on_disk.close()


@pytest.mark.parametrize("timeline", ["fan_out_on_write", "hybrid"])
def test_every_timeline_strategy_gives_the_same_run(timeline):
    config = tiny(12)
    assert snapshot(simulate(config, storage=memory_storage(timeline=timeline))) == snapshot(
        simulate(config)
    )


def test_an_unknown_timeline_strategy_is_refused():
    with pytest.raises(ValidationError, match="unknown timeline strategy"):
        memory_storage(timeline="fan_out_on_lunch")


def test_an_unknown_ranker_is_refused_before_any_storage_is_made(tmp_path):
    path = tmp_path / "never.sqlite"
    with pytest.raises(ValidationError, match=r"unknown ranker 'latest'.*chronological"):
        simulate(tiny(ranker="latest"), storage=sqlite_storage(path))
    assert not path.exists()


def test_an_unknown_policy_is_refused():
    with pytest.raises(ValidationError, match="policy"):
        simulate(tiny(policy="myspace"))


def test_a_database_that_holds_accounts_is_refused(tmp_path):
    path = tmp_path / "used.sqlite"
    with Microblog.sqlite(path) as blog:
        blog.register("someone")
    with pytest.raises(ValidationError, match="already holds 1 accounts"):
        simulate(tiny(), storage=sqlite_storage(path))


def test_a_corrupt_database_is_a_storage_error(tmp_path):
    path = tmp_path / "corrupt.sqlite"
    path.write_bytes(b"this is not a database" * 100)
    with pytest.raises(StorageError):
        simulate(tiny(), storage=sqlite_storage(path))


def test_simulate_needs_a_config():
    with pytest.raises(ValidationError, match="SimulationConfig"):
        simulate({"accounts": 10})  # type: ignore[arg-type]


def test_user_supplied_feeds_are_read():
    class Newest:
        name = "public"

        def read(self, blog, viewer_id, *, limit):
            return blog.public_timeline(viewer_id=viewer_id, limit=limit).items

    feeds = DEFAULT_FEEDS.with_feed(Newest())
    result = simulate(tiny(13, ranker="public"), feeds=feeds)
    assert result.feed == "public"
    assert result.impression_count > 0
    assert any(not impression.in_network for impression in result.impressions())


def test_a_registry_without_the_ranker_refuses_it():
    with pytest.raises(ValidationError, match="unknown ranker"):
        simulate(tiny(), feeds=FeedRegistry())


def test_graph_models_by_name(tmp_path):
    edges = tmp_path / "edges.txt"
    edges.write_text("".join(f"{a} {(a * 7 + 1) % 30}\n" for a in range(30)))
    for graph in (
        GraphConfig(model="barabasi_albert", m=2),
        GraphConfig(model="directed_scale_free"),
        GraphConfig(model="edge_list", path=str(edges)),
    ):
        result = simulate(tiny(14, accounts=30, graph=graph))
        assert result.account_count == result.graph.n
        assert result.graph.n == 30


def test_final_graph_holds_the_follows_at_the_end():
    result = simulate(tiny(15))
    final = result.final_graph()
    ids = result.account_ids
    assert {(ids[a], ids[b]) for a, b in final.edges} == {(a, b) for a, b, _, _ in result.follows()}
    assert "SimulationResult(feed='chronological'" in repr(result)
