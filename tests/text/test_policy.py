"""LengthPolicy values, the presets and their names."""

from pathlib import Path

import attrs
import pytest

from microblog_core.errors import ValidationError
from microblog_core.text import (
    BLUESKY,
    MASTODON,
    POLICIES,
    TWITTER_V1,
    TWITTER_V2,
    TWITTER_V3,
    WEIBO,
    WEIBO_LONG,
    LengthPolicy,
    Unit,
    WeightedRange,
    policy_named,
)


def test_presets_follow_the_design_table() -> None:
    assert (TWITTER_V1.limit, TWITTER_V1.unit, TWITTER_V1.url_weight) == (140, Unit.CODE_POINTS, 23)
    assert (TWITTER_V2.limit, TWITTER_V2.scale, TWITTER_V2.default_weight) == (280, 100, 200)
    assert TWITTER_V2.url_weight == 2300
    assert TWITTER_V2.normalization == "NFC"
    assert [(r.start, r.end, r.weight) for r in TWITTER_V2.ranges] == [
        (0x0000, 0x10FF, 100),
        (0x2000, 0x200D, 100),
        (0x2010, 0x201F, 100),
        (0x2032, 0x2037, 100),
    ]
    assert TWITTER_V2.emoji_weight is None
    assert attrs.evolve(TWITTER_V3, name="twitter_v2", emoji_weight=None) == TWITTER_V2
    assert TWITTER_V3.emoji_weight == 200
    assert (WEIBO.limit, WEIBO.unit, WEIBO.scale, WEIBO.url_weight) == (
        140,
        Unit.WEIBO_BYTES,
        2,
        20,
    )
    assert (WEIBO.url_discount_cap, WEIBO.url_requires_scheme, WEIBO.collapse_crlf) == (
        140,
        True,
        True,
    )
    assert (WEIBO_LONG.limit, WEIBO_LONG.fold_length) == (2000, 140)
    assert (MASTODON.limit, MASTODON.unit, MASTODON.url_weight) == (500, Unit.GRAPHEMES, 23)
    assert MASTODON.counts_content_warning
    assert not MASTODON.counts_mention_domain
    assert (BLUESKY.limit, BLUESKY.unit, BLUESKY.max_bytes) == (300, Unit.GRAPHEMES, 3000)


def test_the_ranges_match_twitter_texts_v2_config(conformance: Path) -> None:
    import json

    config = json.loads((conformance / "config" / "v2.json").read_text(encoding="utf-8"))
    assert [(r.start, r.end, r.weight) for r in TWITTER_V2.ranges] == [
        (r["start"], r["end"], r["weight"]) for r in config["ranges"]
    ]
    assert TWITTER_V2.limit == config["maxWeightedTweetLength"]
    assert TWITTER_V2.scale == config["scale"]
    assert TWITTER_V2.default_weight == config["defaultWeight"]
    assert TWITTER_V2.url_weight == config["transformedURLLength"] * config["scale"]


def test_policies_by_name() -> None:
    assert set(POLICIES) == {
        "twitter_v1",
        "twitter_v2",
        "twitter_v3",
        "twitter",
        "weibo",
        "weibo_long",
        "mastodon",
        "bluesky",
    }
    assert POLICIES["twitter"] is TWITTER_V3
    for name, policy in POLICIES.items():
        assert policy_named(name) is policy
        if name != "twitter":
            assert policy.name == name
    assert policy_named(" Weibo-Long ") is WEIBO_LONG
    with pytest.raises(TypeError):
        POLICIES["x"] = TWITTER_V1  # type: ignore[index]


def test_an_unknown_name_lists_the_valid_ones() -> None:
    with pytest.raises(ValidationError, match=r"valid names: twitter_v1, .*bluesky") as caught:
        policy_named("myspace")
    assert caught.value.field == "policy"
    with pytest.raises(ValidationError):
        policy_named(None)  # type: ignore[arg-type]


@pytest.mark.parametrize(
    ("changes", "field"),
    [
        ({"limit": 0}, "limit"),
        ({"scale": 0}, "scale"),
        ({"default_weight": -1}, "default_weight"),
        ({"url_weight": -5}, "url_weight"),
        ({"max_bytes": 0}, "max_bytes"),
        ({"fold_length": 0}, "fold_length"),
        ({"normalization": "NFX"}, "normalization"),
        ({"unit": Unit.GRAPHEMES, "ranges": (WeightedRange(0, 10, 1),)}, "ranges"),
        ({"ranges": (WeightedRange(0, 10, 1), WeightedRange(5, 20, 1))}, "ranges"),
        ({"url_discount_cap": 10}, "url_discount_cap"),
        ({"limit": True}, "limit"),
    ],
)
def test_invalid_policies_are_refused(changes: dict[str, object], field: str) -> None:
    with pytest.raises(ValidationError) as caught:
        LengthPolicy(name="bad", **{"limit": 10, **changes})  # type: ignore[arg-type]
    assert caught.value.field == field


def test_unknown_unit_is_refused() -> None:
    with pytest.raises(ValidationError, match="unknown unit 'bytes'; use one of"):
        LengthPolicy(name="bad", limit=10, unit="bytes")
    assert LengthPolicy(name="ok", limit=10, unit="graphemes").unit is Unit.GRAPHEMES


def test_weighted_range_bounds() -> None:
    with pytest.raises(ValidationError, match="start <= end"):
        WeightedRange(10, 5, 1)
    with pytest.raises(ValidationError):
        WeightedRange(0, 0x110000, 1)
    with pytest.raises(ValidationError):
        WeightedRange(-1, 5, 1)


def test_policies_are_frozen_and_hashable() -> None:
    with pytest.raises(attrs.exceptions.FrozenInstanceError):
        TWITTER_V3.limit = 1  # type: ignore[misc]
    assert len({TWITTER_V2, TWITTER_V3, attrs.evolve(TWITTER_V3)}) == 2


def test_weight_of_and_normalize() -> None:
    assert TWITTER_V2.weight_of("a") == 100
    assert TWITTER_V2.weight_of("\u4f60") == 200
    assert WEIBO.weight_of("\xe9") == 1
    assert WEIBO.weight_of("\U0001f600") == 4
    assert TWITTER_V2.normalize("e\u0301") == "\xe9"
    assert BLUESKY.normalize("e\u0301") == "e\u0301"
