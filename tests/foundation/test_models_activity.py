"""Notification._quick, the projector's constructor: the checked constructor's result or error."""

from datetime import UTC, datetime, timedelta, timezone

import attrs
import pytest
from hypothesis import given
from hypothesis import strategies as st

from microblog_core.errors import ValidationError
from microblog_core.ids import MAX_ID
from microblog_core.models import Notification, NotificationKind
from microblog_core.testing.strategies import notifications

T0 = datetime(2026, 1, 1, tzinfo=UTC)


def _fields(value: Notification) -> dict[str, object]:
    return {a.name: getattr(value, a.name) for a in attrs.fields(Notification)}


def _outcome(fields: dict[str, object], *, quick: bool) -> object:
    try:
        if quick:
            return Notification._quick(**fields)  # type: ignore[arg-type]
        return Notification(**fields)  # type: ignore[arg-type]
    except ValidationError as exc:
        return (type(exc), str(exc), exc.field, exc.value)


@given(notifications())
def test_quick_builds_the_notification_the_checked_constructor_builds(
    value: Notification,
) -> None:
    """Notification._quick(**fields) equals Notification(**fields) for every valid notification."""
    fields = _fields(value)
    built = Notification._quick(**fields)  # type: ignore[arg-type]
    assert built == Notification(**fields)  # type: ignore[arg-type]
    assert built == value
    assert _fields(built) == fields
    assert built.group_key == value.group_key


class _Id(int):
    """An int subclass: the checked constructor takes it, the quick check hands it over."""


# Values each field may be swapped for: bad ones, and good ones the quick checks do not vouch for.
_ODD_FIELDS: dict[str, list[object]] = {
    "id": [0, -1, MAX_ID + 1, True, 1.5, "5", None, _Id(7), 12],
    "account_id": [0, True, "1", None, _Id(3), 2],
    "kind": ["mention", None, 3, *NotificationKind],
    "from_account_id": [0, False, 2.0, _Id(4), 5],
    "post_id": [None, 0, True, "9", _Id(9), 9, MAX_ID],
    "created_at": [
        datetime(2026, 1, 1),  # naive
        datetime(2026, 1, 1, 3, tzinfo=timezone(timedelta(hours=3))),  # converted to UTC
        datetime(2026, 1, 1, tzinfo=timezone(timedelta(0))),  # UTC, another object
        "2026-01-01",
        None,
        T0,
    ],
    "filtered": [0, 1, None, "yes", True, False],
}


@given(
    notifications(),
    st.dictionaries(
        st.sampled_from(sorted(_ODD_FIELDS)), st.integers(min_value=0, max_value=20), max_size=3
    ),
)
def test_quick_refuses_what_the_checked_constructor_refuses(
    value: Notification, changes: dict[str, int]
) -> None:
    """With fields swapped for odd ones, _quick and the constructor agree: same value or error."""
    fields = _fields(value)
    for name, index in changes.items():
        pool = _ODD_FIELDS[name]
        fields[name] = pool[index % len(pool)]
    quick, checked = _outcome(fields, quick=True), _outcome(fields, quick=False)
    assert quick == checked
    assert type(quick) is type(checked)
    if isinstance(quick, Notification):
        assert _fields(quick) == _fields(checked)  # type: ignore[arg-type]


@pytest.mark.parametrize(
    ("kind", "post_id"),
    [
        (NotificationKind.FOLLOW, 5),
        (NotificationKind.FOLLOW_REQUEST, 5),
        (NotificationKind.LIKE, None),
    ],
)
def test_quick_refuses_a_kind_that_does_not_match_its_post(
    kind: NotificationKind, post_id: int | None
) -> None:
    fields: dict[str, object] = {
        "id": 1,
        "account_id": 2,
        "kind": kind,
        "from_account_id": 3,
        "post_id": post_id,
        "created_at": T0,
        "filtered": False,
    }
    with pytest.raises(ValidationError) as quick:
        Notification._quick(**fields)  # type: ignore[arg-type]
    with pytest.raises(ValidationError) as checked:
        Notification(**fields)  # type: ignore[arg-type]
    assert (str(quick.value), quick.value.field) == (str(checked.value), checked.value.field)
    assert quick.value.field == "post_id"
