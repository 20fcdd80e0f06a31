"""Notifications (activity models): the projector's trusted construction."""

from datetime import UTC, timedelta, timezone, tzinfo

import attrs
import pytest
from hypothesis import given
from hypothesis import strategies as st

from microblog_core.errors import ValidationError
from microblog_core.ids import PostId
from microblog_core.models import Notification
from microblog_core.testing.strategies import notifications


@given(
    notifications(),
    st.booleans(),
    st.sampled_from([UTC, timezone(timedelta(hours=5, minutes=30)), timezone(timedelta(0), "Z")]),
    st.booleans(),
)
def test_a_projector_built_notification_equals_the_checked_one(
    notification: Notification, filtered: bool, zone: tzinfo, swap_post: bool
) -> None:
    """Notification._from_service builds what the checked constructor builds, or refuses alike."""
    at = notification.created_at.astimezone(zone)
    post_id = notification.post_id
    if swap_post:  # a kind that disagrees with post_id: both refuse
        post_id = None if post_id is not None else PostId(notification.id)
    fields = {
        "id": notification.id,
        "account_id": notification.account_id,
        "kind": notification.kind,
        "from_account_id": notification.from_account_id,
        "post_id": post_id,
        "created_at": at,
        "filtered": filtered,
    }
    if swap_post:
        with pytest.raises(ValidationError):
            Notification(**fields)  # type: ignore[arg-type]
        with pytest.raises(ValidationError):
            Notification._from_service(**fields)  # type: ignore[arg-type]
        return
    expected = Notification(**fields)  # type: ignore[arg-type]
    built = Notification._from_service(**fields)  # type: ignore[arg-type]
    assert built == expected
    assert type(built) is Notification
    assert hash(built) == hash(expected)
    assert all(
        getattr(built, a.name) == getattr(expected, a.name) for a in attrs.fields(Notification)
    )
    assert built.created_at.tzinfo is expected.created_at.tzinfo
    assert str(built.created_at) == str(expected.created_at)
    with pytest.raises(attrs.exceptions.FrozenInstanceError):
        built.filtered = True  # type: ignore[misc]
