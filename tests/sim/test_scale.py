"""The impression-log option and the bulk set-up keep runs what they were."""

import json
from pathlib import Path

import pytest

from microblog_core.errors import ValidationError
from microblog_core.sim import SimulationConfig, simulate
from microblog_core.sim.engine import memory_storage

from .test_cli import SMALL, run

CONFIG = SimulationConfig(accounts=150, hours=4, seed=42)


def test_the_default_config_json_does_not_name_the_impression_log() -> None:
    assert "impressions" not in json.loads(CONFIG.to_json())
    off = CONFIG.evolve(impressions="off")
    assert json.loads(off.to_json())["impressions"] == "off"
    assert SimulationConfig.from_json(off.to_json()) == off


def test_an_unknown_impression_log_is_refused() -> None:
    with pytest.raises(ValidationError) as caught:
        SimulationConfig(impressions="sometimes")
    assert caught.value.field == "impressions"


def test_turning_the_log_off_keeps_everything_else() -> None:
    full = simulate(CONFIG)
    off = simulate(CONFIG.evolve(impressions="off"))
    assert full.impression_count > 0
    assert off.impression_count == 0
    assert list(off.posts()) == list(full.posts())  # per-post impression counts included
    assert list(off.engagements()) == list(full.engagements())
    assert sum(off.tables.p_impressions) == full.impression_count
    full.close()
    off.close()


def test_a_service_that_keeps_feeds_gets_the_same_run_one_call_at_a_time() -> None:
    bulk = simulate(CONFIG)
    one_by_one = simulate(CONFIG, storage=memory_storage(timeline="fan_out_on_write"))
    assert list(one_by_one.follows()) == list(bulk.follows())
    assert list(one_by_one.posts()) == list(bulk.posts())
    assert list(one_by_one.impressions()) == list(bulk.impressions())
    bulk.close()
    one_by_one.close()


def test_the_cli_turns_the_log_off(tmp_path: Path) -> None:
    status, _out, _err = run(*SMALL, "--impressions", "off", "--out", str(tmp_path / "sim"))
    assert status == 0
    config = SimulationConfig.load(tmp_path / "sim" / "config.json")
    assert config.impressions == "off"
    status, _out, err = run(*SMALL, "--impressions", "maybe")
    assert status != 0
    assert "impression log" in err
