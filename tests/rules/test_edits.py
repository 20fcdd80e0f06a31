"""Edit and pin limits as pure decisions."""

from datetime import UTC, datetime, timedelta

import pytest

from microblog_core.errors import PermissionDeniedError, ValidationError
from microblog_core.models import Post, RepostRef, Visibility
from microblog_core.rules.edits import (
    MASTODON_EDITS,
    TWITTER_EDITS,
    EditPolicy,
    check_edit,
    check_pin,
)

T0 = datetime(2026, 1, 1, tzinfo=UTC)
POST = Post(id=10, author_id=1, created_at=T0, text="hello")


def rule_of(call: object) -> str:
    with pytest.raises(PermissionDeniedError) as refused:
        call()  # type: ignore[operator]
    return refused.value.rule


def test_mastodon_allows_any_number_of_edits_at_any_time() -> None:
    check_edit(POST, 1, edits_so_far=10_000, now=T0 + timedelta(days=900), policy=MASTODON_EDITS)


def test_twitter_allows_five_edits_within_an_hour() -> None:
    check_edit(POST, 1, edits_so_far=4, now=T0 + timedelta(hours=1), policy=TWITTER_EDITS)
    late = T0 + timedelta(hours=1, microseconds=1)
    assert rule_of(lambda: check_edit(POST, 1, edits_so_far=5, now=T0, policy=TWITTER_EDITS)) == (
        "edit_limit"
    )
    assert rule_of(lambda: check_edit(POST, 1, edits_so_far=0, now=late, policy=TWITTER_EDITS)) == (
        "edit_window"
    )


def test_only_the_author_edits_and_never_a_repost() -> None:
    repost = Post(
        id=11, author_id=1, created_at=T0, repost_of=RepostRef(root_id=5, root_author_id=2)
    )
    assert rule_of(lambda: check_edit(POST, 2, edits_so_far=0, now=T0, policy=MASTODON_EDITS)) == (
        "not_author"
    )
    assert (
        rule_of(lambda: check_edit(repost, 1, edits_so_far=0, now=T0, policy=MASTODON_EDITS))
        == "repost"
    )
    assert (
        rule_of(lambda: check_edit(POST, 1, edits_so_far=0, now=T0, policy=EditPolicy(allow=False)))
        == "edits_disabled"
    )


def test_an_edit_policy_refuses_bad_limits() -> None:
    with pytest.raises(ValidationError):
        EditPolicy(max_edits=0)
    with pytest.raises(ValidationError):
        EditPolicy(window=timedelta(0))


def test_pins_are_own_public_or_unlisted_posts_up_to_the_limit() -> None:
    check_pin(POST, 1, pinned=4, max_pins=5)
    unlisted = Post(id=12, author_id=1, created_at=T0, text="x", visibility=Visibility.UNLISTED)
    check_pin(unlisted, 1, pinned=0, max_pins=5)
    private = Post(id=13, author_id=1, created_at=T0, text="x", visibility=Visibility.PRIVATE)
    assert rule_of(lambda: check_pin(private, 1, pinned=0, max_pins=5)) == "visibility"
    assert rule_of(lambda: check_pin(POST, 2, pinned=0, max_pins=5)) == "not_author"
    assert rule_of(lambda: check_pin(POST, 1, pinned=5, max_pins=5)) == "pin_limit"
