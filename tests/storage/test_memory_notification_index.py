"""The memory store's compact notification indexes answer as plain lists per key would."""

from collections import defaultdict
from datetime import UTC, datetime, timedelta

from hypothesis import given
from hypothesis import strategies as st

from microblog_core.models import Notification, NotificationKind
from microblog_core.models.activity import _NO_POST_KINDS
from microblog_core.storage.memory._activity_state import ActivityState, ids_of

T0 = datetime(2026, 1, 1, tzinfo=UTC)

_notification = st.builds(
    lambda nid, account, kind, sender, post, hours, filtered: Notification(
        id=nid,
        account_id=account,
        kind=kind,
        from_account_id=sender,
        post_id=None if kind in _NO_POST_KINDS else post,
        created_at=T0 + timedelta(hours=hours),
        filtered=filtered,
    ),
    st.integers(1, 60),
    st.integers(1, 3),
    st.sampled_from(NotificationKind),
    st.integers(1, 3),
    st.integers(1, 3),
    st.integers(0, 30),
    st.booleans(),
)


def _reference(live: list[Notification]) -> dict[str, object]:
    """What each index held as a list per key (the representation before the compact one)."""
    by_post: dict[int, list[int]] = defaultdict(list)
    by_pair: dict[tuple[int, int], list[int]] = defaultdict(list)
    groups: dict[tuple[int, str], list[int]] = defaultdict(list)
    for n in sorted(live, key=lambda n: n.id):
        if n.post_id is not None:
            by_post[n.post_id].append(n.id)
        by_pair[n.account_id, n.from_account_id].append(n.id)
        if not n.filtered:
            groups[n.account_id, n.group_key].append(n.id)
    heads: dict[int, list[int]] = defaultdict(list)
    for (account, _), ids in groups.items():
        heads[account].append(ids[-1])
    return {
        "by_post": dict(by_post),
        "by_pair": dict(by_pair),
        "groups": dict(groups),
        "heads": {account: sorted(ids) for account, ids in heads.items()},
    }


def _read(state: ActivityState, asked: list[Notification]) -> dict[str, object]:
    groups = {}
    for n in asked:  # every key any notification had, held back or dropped ones too
        groups[n.account_id, n.group_key] = list(state.group_members(n.account_id, n.group_key))
    return {
        "by_post": {k: list(ids_of(v)) for k, v in state.by_post.items()},
        "by_pair": {divmod(k, 1 << 64): list(ids_of(v)) for k, v in state.by_pair.items()},
        "groups": {k: v for k, v in groups.items() if v},
        "heads": {k: list(v) for k, v in state.heads.items()},
    }


@given(
    notifications=st.lists(_notification, max_size=30, unique_by=lambda n: n.id),
    drops=st.lists(st.integers(0, 29), max_size=30),
)
def test_the_compact_indexes_equal_lists_per_key(notifications, drops) -> None:
    state = ActivityState()
    live = list(notifications)
    for n in notifications:
        state.add_notification(n)
    for index in drops:
        if index < len(live):
            state.drop_notification(live.pop(index))
        want = _reference(live)
        assert _read(state, notifications) == want
        # every group's key reads back from its newest member, whatever its kind
        for (account, key), ids in want["groups"].items():  # type: ignore[attr-defined]
            assert state.notifications[ids[-1]].group_key == key
            assert list(state.group_members(account, key)) == ids
    want = _reference(live)
    assert _read(state, notifications) == want
    for n in live:  # a key naming no group of that account reads as empty
        assert state.group_members(n.account_id + 10, n.group_key) == ()
        assert state.group_members(n.account_id, f"ungrouped-0{n.id}") == ()
    assert state.group_members(1, "ungrouped-x") == ()
    assert state.group_members(1, "ungrouped-") == ()
