"""twitter-text ``validate.yml``: every case, with the presets and validators."""

from typing import Any

import pytest

from microblog_core.text import (
    TWITTER_V1,
    TWITTER_V2,
    TWITTER_V3,
    LengthPolicy,
    is_valid_hashtag,
    is_valid_list,
    is_valid_url,
    is_valid_username,
    measure,
)
from tests.text.conformance import cases, load

FILE = "validate.yml"
pytestmark = pytest.mark.usefixtures("conformance")


@pytest.mark.parametrize("case", cases(FILE, "tweets"))
def test_tweets_validity_under_v1(case: dict[str, Any]) -> None:
    assert measure(case["text"], TWITTER_V1).valid is case["expected"]


@pytest.mark.parametrize("case", cases(FILE, "usernames"))
def test_usernames(case: dict[str, Any]) -> None:
    assert is_valid_username(case["text"]) is case["expected"]


@pytest.mark.parametrize("case", cases(FILE, "lists"))
def test_lists(case: dict[str, Any]) -> None:
    assert is_valid_list(case["text"]) is case["expected"]


@pytest.mark.parametrize("case", cases(FILE, "hashtags"))
def test_hashtags(case: dict[str, Any]) -> None:
    assert is_valid_hashtag(case["text"]) is case["expected"]


@pytest.mark.parametrize("case", cases(FILE, "urls"))
def test_urls(case: dict[str, Any]) -> None:
    assert is_valid_url(case["text"]) is case["expected"]


@pytest.mark.parametrize("case", cases(FILE, "urls_without_protocol"))
def test_urls_without_protocol(case: dict[str, Any]) -> None:
    assert is_valid_url(case["text"], require_protocol=False) is case["expected"]


def _parse_tweet(text: str, policy: LengthPolicy) -> dict[str, Any]:
    """Our measurement in the shape of twitter-text's ``parseTweet`` result."""
    result = measure(text, policy)
    return {
        "weightedLength": result.length,
        "valid": result.valid,
        "permillage": result.permillage,
        "displayRangeStart": result.display_range[0],
        "displayRangeEnd": result.display_range[1],
        "validRangeStart": result.valid_range[0],
        "validRangeEnd": result.valid_range[1],
    }


@pytest.mark.parametrize("case", cases(FILE, "WeightedTweetsCounterTest"))
def test_weighted_counter_v2(case: dict[str, Any]) -> None:
    assert _parse_tweet(case["text"], TWITTER_V2) == case["expected"]


@pytest.mark.parametrize("case", cases(FILE, "WeightedTweetsWithDiscountedEmojiCounterTest"))
def test_discounted_emoji_counter_v3(case: dict[str, Any]) -> None:
    assert _parse_tweet(case["text"], TWITTER_V3) == case["expected"]


@pytest.mark.parametrize("case", cases(FILE, "UnicodeDirectionalMarkerCounterTest"))
def test_directional_marker_counter_v3(case: dict[str, Any]) -> None:
    assert _parse_tweet(case["text"], TWITTER_V3) == case["expected"]


def test_every_section_is_covered() -> None:
    assert set(load(FILE)) == {
        "tweets",
        "usernames",
        "lists",
        "hashtags",
        "urls",
        "urls_without_protocol",
        "WeightedTweetsCounterTest",
        "WeightedTweetsWithDiscountedEmojiCounterTest",
        "UnicodeDirectionalMarkerCounterTest",
    }
