"""The memory store's column-wise notification table answers as a dict of notifications would."""

from datetime import UTC, datetime, timedelta

import pytest
from hypothesis import given
from hypothesis import strategies as st

from microblog_core.ids import MAX_ID
from microblog_core.models import Notification, NotificationKind
from microblog_core.models.activity import _NO_POST_KINDS
from microblog_core.storage.memory._notification_table import NotificationTable

T0 = datetime(2026, 1, 1, tzinfo=UTC)

_notification = st.builds(
    lambda nid, account, kind, sender, post, us, filtered: Notification(
        id=nid,
        account_id=account,
        kind=kind,
        from_account_id=sender,
        post_id=None if kind in _NO_POST_KINDS else post,
        created_at=T0 + timedelta(microseconds=us),
        filtered=filtered,
    ),
    st.integers(1, 200),
    st.sampled_from([1, 2, MAX_ID]),
    st.sampled_from(NotificationKind),
    st.integers(1, 3),
    st.sampled_from([1, 7, MAX_ID]),
    st.integers(-(10**15), 10**15),
    st.booleans(),
)

# Each step adds a notification (when its id is not held) or drops the i-th held one.
_steps = st.lists(st.one_of(_notification, st.integers(0, 200)), max_size=120)


def _check(table: NotificationTable, want: dict[int, Notification]) -> None:
    assert len(table) == len(want)
    assert list(table) == sorted(want)
    assert dict(table) == want
    assert table.last_id() == max(want, default=None)
    for nid, n in want.items():
        assert nid in table
        got = table[nid]
        assert got == n
        assert got.created_at.tzinfo is UTC
        assert table.kind_of(nid) is n.kind
        assert table.post_of(nid) == n.post_id


@given(steps=_steps)
def test_the_table_holds_what_a_dict_would(steps: list[Notification | int]) -> None:
    table = NotificationTable()
    want: dict[int, Notification] = {}
    for step in steps:
        if isinstance(step, Notification):
            if step.id not in want:
                table.add(step)
                want[step.id] = step
        elif want:
            nid = sorted(want)[step % len(want)]
            table.drop(nid)
            del want[nid]
        _check(table, want)
    for nid in list(want):  # emptied, whatever the order of removal
        table.drop(nid)
        del want[nid]
    _check(table, want)


def test_a_dropped_notification_put_back_reads_as_before() -> None:
    table = NotificationTable()
    made = [
        Notification(
            id=nid,
            account_id=1,
            kind=NotificationKind.FOLLOW,
            from_account_id=2,
            created_at=T0 + timedelta(seconds=nid),
        )
        for nid in range(1, 200)
    ]
    for n in made:
        table.add(n)
    for n in made[:150]:  # most rows become tombstones, then the table compacts
        table.drop(n.id)
    for n in made[:10]:
        table.add(n)
    assert dict(table) == {n.id: n for n in made[:10] + made[150:]}


def test_missing_ids_are_refused() -> None:
    table = NotificationTable()
    assert 5 not in table
    assert "5" not in table
    assert table.get(5) is None
    with pytest.raises(KeyError):
        table[5]
    with pytest.raises(KeyError):
        table.drop(5)
