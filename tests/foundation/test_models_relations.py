"""Follows, follow requests, blocks, mutes, relationships; likes and counters (engagement)."""

from datetime import UTC, datetime, timedelta

import attrs
import pytest
from hypothesis import given
from hypothesis import strategies as st

from microblog_core.errors import InvalidIdError, NaiveDatetimeError, ValidationError
from microblog_core.models import (
    AccountCounters,
    Block,
    Follow,
    FollowRequest,
    Like,
    Mute,
    PostCounters,
    Relationship,
)
from microblog_core.testing.strategies import follow_requests, follows, mutes

T0 = datetime(2026, 1, 1, tzinfo=UTC)


def test_follow_defaults() -> None:
    follow = Follow(follower_id=1, followee_id=2, created_at=T0)
    assert follow.show_reposts
    assert not follow.notify
    assert follow.languages is None


@pytest.mark.parametrize(
    ("cls", "first", "second", "verb"),
    [
        (Follow, "follower_id", "followee_id", "follow"),
        (FollowRequest, "follower_id", "followee_id", "follow"),
        (Block, "blocker_id", "blocked_id", "block"),
        (Mute, "muter_id", "muted_id", "mute"),
    ],
)
def test_an_account_cannot_relate_to_itself(cls: type, first: str, second: str, verb: str) -> None:
    with pytest.raises(ValidationError, match=f"cannot {verb} itself") as info:
        cls(**{first: 7, second: 7, "created_at": T0})
    assert info.value.field == second
    assert info.value.value == 7


@pytest.mark.parametrize(
    ("cls", "first", "second"),
    [
        (Follow, "follower_id", "followee_id"),
        (FollowRequest, "follower_id", "followee_id"),
        (Block, "blocker_id", "blocked_id"),
        (Mute, "muter_id", "muted_id"),
    ],
)
@pytest.mark.parametrize("bad", [0, -1, True, "2", None])
def test_relations_refuse_bad_ids(cls: type, first: str, second: str, bad: object) -> None:
    with pytest.raises(InvalidIdError) as info:
        cls(**{first: 1, second: bad, "created_at": T0})
    assert info.value.field == second


@pytest.mark.parametrize("cls", [Follow, FollowRequest, Block, Mute])
def test_relations_refuse_naive_times(cls: type) -> None:
    names = [a.name for a in attrs.fields(cls)][:2]
    with pytest.raises(NaiveDatetimeError) as info:
        cls(**{names[0]: 1, names[1]: 2, "created_at": datetime(2026, 1, 1)})
    assert info.value.field == "created_at"


@pytest.mark.parametrize("field", ["show_reposts", "notify"])
def test_follow_options_must_be_bools(field: str) -> None:
    with pytest.raises(ValidationError, match="must be a bool") as info:
        Follow(follower_id=1, followee_id=2, created_at=T0, **{field: "yes"})  # type: ignore[arg-type]
    assert info.value.field == field


def test_follow_languages_are_sorted_and_unique() -> None:
    follow = Follow(follower_id=1, followee_id=2, created_at=T0, languages=["ja", "en", "ja"])
    assert follow.languages == ("en", "ja")


@pytest.mark.parametrize("languages", ["en", ["EN"], ["english"], [""]])
def test_follow_languages_must_be_tags(languages: object) -> None:
    with pytest.raises(ValidationError, match="language") as info:
        Follow(follower_id=1, followee_id=2, created_at=T0, languages=languages)  # type: ignore[arg-type]
    assert info.value.field == "languages"


@pytest.mark.parametrize("languages", [5, ["en", 1]])
def test_follow_languages_of_the_wrong_shape_give_a_validation_error(languages: object) -> None:
    with pytest.raises(ValidationError):
        Follow(follower_id=1, followee_id=2, created_at=T0, languages=languages)  # type: ignore[arg-type]


def test_accepts_language() -> None:
    everything = Follow(follower_id=1, followee_id=2, created_at=T0)
    assert everything.accepts_language("de")
    assert everything.accepts_language(None)
    chosen = attrs.evolve(everything, languages=("en", "zh"))
    assert chosen.accepts_language("en")
    assert chosen.accepts_language("zh-Hans")  # the primary subtag matches
    assert chosen.accepts_language(None)  # posts without a language always pass
    assert not chosen.accepts_language("ja")
    regional = attrs.evolve(everything, languages=("pt-BR",))
    assert regional.accepts_language("pt-BR")
    assert not regional.accepts_language("pt")


@given(follow_requests(), st.timedeltas(min_value=timedelta(0), max_value=timedelta(days=30)))
def test_approving_a_request_makes_a_follow_with_its_options(
    pending: FollowRequest, wait: timedelta
) -> None:
    at = pending.created_at + wait
    follow = pending.approve(at)
    assert follow == Follow(
        follower_id=pending.follower_id,
        followee_id=pending.followee_id,
        created_at=at,
        show_reposts=pending.show_reposts,
        notify=pending.notify,
        languages=pending.languages,
    )


@given(follows())
def test_generated_follows_are_between_two_accounts(follow: Follow) -> None:
    assert follow.follower_id != follow.followee_id


# --- mutes ------------------------------------------------------------------------------


def test_a_mute_without_expiry_is_always_active() -> None:
    mute = Mute(muter_id=1, muted_id=2, created_at=T0)
    assert mute.active_at(T0 + timedelta(days=10_000))
    assert not mute.hide_notifications


def test_a_mute_is_active_until_it_expires() -> None:
    end = T0 + timedelta(hours=1)
    mute = Mute(muter_id=1, muted_id=2, created_at=T0, expires_at=end)
    assert mute.active_at(T0)
    assert mute.active_at(end - timedelta(microseconds=1))
    assert not mute.active_at(end)


@pytest.mark.parametrize("offset", [timedelta(0), timedelta(seconds=-1)])
def test_a_mute_must_expire_after_it_starts(offset: timedelta) -> None:
    with pytest.raises(ValidationError, match="expire after it starts") as info:
        Mute(muter_id=1, muted_id=2, created_at=T0, expires_at=T0 + offset)
    assert info.value.field == "expires_at"


def test_a_mute_refuses_a_naive_expiry() -> None:
    with pytest.raises(NaiveDatetimeError) as info:
        Mute(muter_id=1, muted_id=2, created_at=T0, expires_at=datetime(2027, 1, 1))
    assert info.value.field == "expires_at"


@given(mutes())
def test_generated_mutes_expire_after_they_start(mute: Mute) -> None:
    assert mute.expires_at is None or mute.expires_at > mute.created_at
    assert mute.active_at(mute.created_at)


# --- relationships ----------------------------------------------------------------------


def test_relationship_defaults_to_no_relation() -> None:
    rel = Relationship(account_id=1, target_id=2)
    flags = [getattr(rel, a.name) for a in attrs.fields(Relationship)][2:-1]
    assert flags
    assert not any(flags)
    assert rel.languages is None


# --- engagement: likes and counters -----------------------------------------------------


def test_a_like() -> None:
    like = Like(account_id=1, post_id=2, created_at=T0)
    assert (like.account_id, like.post_id) == (1, 2)


def test_an_account_may_like_its_own_post_id_equal_to_its_account_id() -> None:
    # Account and post ids are separate spaces: the same number is no self-like.
    assert Like(account_id=5, post_id=5, created_at=T0).post_id == 5


@pytest.mark.parametrize("field", ["account_id", "post_id"])
def test_a_like_refuses_bad_ids(field: str) -> None:
    fields: dict[str, object] = {"account_id": 1, "post_id": 2, "created_at": T0, field: 0}
    with pytest.raises(InvalidIdError) as info:
        Like(**fields)  # type: ignore[arg-type]
    assert info.value.field == field


def test_a_like_refuses_a_naive_time() -> None:
    with pytest.raises(NaiveDatetimeError):
        Like(account_id=1, post_id=2, created_at=datetime(2026, 1, 1))


def test_counters_start_at_zero() -> None:
    assert PostCounters() == PostCounters(replies=0, reposts=0, quotes=0, likes=0)
    assert AccountCounters() == AccountCounters(followers=0, following=0, posts=0)


@pytest.mark.parametrize(
    ("cls", "field"),
    [
        (PostCounters, "replies"),
        (PostCounters, "reposts"),
        (PostCounters, "quotes"),
        (PostCounters, "likes"),
        (AccountCounters, "followers"),
        (AccountCounters, "following"),
        (AccountCounters, "posts"),
    ],
)
@pytest.mark.parametrize("value", [-1, True, 1.0, "3", None])
def test_counters_refuse_negative_or_non_integer_counts(
    cls: type, field: str, value: object
) -> None:
    with pytest.raises(ValidationError, match="non-negative integer") as info:
        cls(**{field: value})
    assert info.value.field == field
    assert info.value.value == value


@given(st.integers(min_value=0))
def test_counters_accept_any_non_negative_count(count: int) -> None:
    assert PostCounters(likes=count).likes == count
    assert AccountCounters(followers=count).followers == count


@given(follows())
def test_a_store_built_follow_equals_the_checked_one(follow: Follow) -> None:
    """Follow._from_store builds what the checked constructor builds from a stored edge."""
    built = Follow._from_store(follow.follower_id, follow.followee_id, follow.created_at)
    expected = Follow(
        follower_id=follow.follower_id,
        followee_id=follow.followee_id,
        created_at=follow.created_at,
    )
    assert built == expected
    assert type(built) is Follow
    assert hash(built) == hash(expected)
    assert all(getattr(built, a.name) == getattr(expected, a.name) for a in attrs.fields(Follow))
    with pytest.raises(attrs.exceptions.FrozenInstanceError):
        built.notify = True  # type: ignore[misc]
