"""Domain events: frozen values with an aware ``occurred_at``, all members of ``Event``."""

import typing
from datetime import UTC, datetime, timedelta, timezone

import attrs
import pytest
from hypothesis import given

from microblog_core import models
from microblog_core.errors import NaiveDatetimeError, ValidationError
from microblog_core.models import (
    VALUE_CLASSES,
    Event,
    Follow,
    Followed,
    FollowRequest,
    FollowRequestApproved,
    Post,
    PostDeleted,
    PostPublished,
    ReplyGate,
    ReplyGateChanged,
    ReplyHidden,
    Unfollowed,
)
from microblog_core.testing.strategies import events

T0 = datetime(2026, 1, 1, tzinfo=UTC)
EVENT_CLASSES = typing.get_args(Event)


def test_event_union_has_every_event_class() -> None:
    from microblog_core.models import events as module

    declared = {getattr(module, name) for name in module.__all__ if name != "Event"}
    assert set(EVENT_CLASSES) == declared
    assert len(EVENT_CLASSES) == len(declared)  # no class twice
    assert all(attrs.has(cls) for cls in EVENT_CLASSES)


def test_value_classes_lists_every_public_attrs_class_once() -> None:
    public = {
        obj
        for name in models.__all__
        if isinstance(obj := getattr(models, name), type) and attrs.has(obj)
    }
    assert len(VALUE_CLASSES) == len(set(VALUE_CLASSES))
    assert set(VALUE_CLASSES) == public - {models.AccountPolicy}
    assert set(EVENT_CLASSES) <= set(VALUE_CLASSES)


@pytest.mark.parametrize("cls", EVENT_CLASSES, ids=lambda c: c.__name__)
def test_every_event_ends_with_a_keyword_only_occurred_at(cls: type) -> None:
    names = [a.name for a in attrs.fields(cls)]
    assert names[-1] == "occurred_at"
    assert attrs.fields(cls).occurred_at.kw_only


def test_an_event_carries_its_payload() -> None:
    follow = Follow(follower_id=1, followee_id=2, created_at=T0)
    event = Followed(follow=follow, occurred_at=T0)
    assert event.follow is follow
    with pytest.raises(attrs.exceptions.FrozenInstanceError):
        event.occurred_at = T0  # type: ignore[misc]


def test_occurred_at_is_normalised_to_utc() -> None:
    paris = datetime(2026, 1, 1, 1, 0, tzinfo=timezone(timedelta(hours=1)))
    event = Unfollowed(follower_id=1, followee_id=2, occurred_at=paris)
    assert event.occurred_at == T0
    assert event.occurred_at.tzinfo is UTC


@pytest.mark.parametrize(
    "build",
    [
        lambda at: Unfollowed(follower_id=1, followee_id=2, occurred_at=at),
        lambda at: ReplyHidden(post_id=5, hidden=True, occurred_at=at),
        lambda at: ReplyGateChanged(post_id=5, gate=ReplyGate.NOBODY, occurred_at=at),
    ],
)
def test_naive_occurred_at_is_refused(build: typing.Callable[[datetime], object]) -> None:
    with pytest.raises(NaiveDatetimeError) as info:
        build(datetime(2026, 1, 1))
    assert info.value.field == "occurred_at"


def test_occurred_at_must_be_a_datetime() -> None:
    with pytest.raises(ValidationError) as info:
        ReplyHidden(post_id=5, hidden=True, occurred_at="now")  # type: ignore[arg-type]
    assert info.value.field == "occurred_at"


def test_post_deleted_lists_removed_reposts() -> None:
    post = Post.create(id=10, author_id=1, created_at=T0, text="bye")
    event = PostDeleted(post=post, removed_reposts=(11, 12), occurred_at=T0)
    assert event.removed_reposts == (11, 12)
    assert PostDeleted(post=post, occurred_at=T0).removed_reposts == ()


def test_request_events_carry_the_request() -> None:
    request = FollowRequest(follower_id=1, followee_id=2, created_at=T0)
    approved = FollowRequestApproved(request=request, occurred_at=T0 + timedelta(hours=1))
    assert approved.request.approve(approved.occurred_at).created_at == approved.occurred_at


def test_published_event_holds_the_post() -> None:
    post = Post.create(id=10, author_id=1, created_at=T0, text="hi")
    assert PostPublished(post=post, occurred_at=T0).post == post


@given(events())
def test_generated_events_are_events_with_aware_times(event: Event) -> None:
    assert isinstance(event, EVENT_CLASSES)
    assert event.occurred_at.tzinfo is UTC
    assert attrs.evolve(event) == event


@given(events())
def test_generated_events_happen_no_earlier_than_their_payload(event: Event) -> None:
    payload = next(
        (
            getattr(event, a.name)
            for a in attrs.fields(type(event))
            if hasattr(getattr(event, a.name), "created_at")
        ),
        None,
    )
    if payload is not None:
        assert event.occurred_at >= payload.created_at
