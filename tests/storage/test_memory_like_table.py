"""The memory store's like table answers as a dict of likes per post would."""

from datetime import UTC, datetime, timedelta

from hypothesis import given
from hypothesis import strategies as st

from microblog_core.models import Like
from microblog_core.storage.memory._like_table import LikeTable

T0 = datetime(2026, 1, 1, tzinfo=UTC)

_like = st.builds(
    lambda account, post, us: Like(
        account_id=account, post_id=post, created_at=T0 + timedelta(microseconds=us)
    ),
    st.integers(1, 12),
    st.integers(1, 3),
    st.integers(-(10**15), 10**15),
)

# Each step adds a like (when its liker does not like the post yet), or drops the i-th one,
# or takes a post's likes away and puts them back.
_steps = st.lists(
    st.one_of(_like, st.integers(0, 40), st.tuples(st.just("pop"), st.integers(1, 3))),
    max_size=80,
)


def _check(table: LikeTable, want: dict[int, dict[int, Like]]) -> None:
    assert table.snapshot() == want
    assert len(table) == len(want)
    for post in (1, 2, 3):
        likes = want.get(post, {})
        assert table.count(post) == len(likes)
        in_order = [likes[a] for a in sorted(likes)]
        assert table.page(post, None, 100) == in_order
        for after in range(13):
            assert table.page(post, after, 2) == [x for x in in_order if x.account_id > after][:2]
        for account in range(1, 13):
            assert table.get(post, account) == likes.get(account)


@given(steps=_steps)
def test_the_table_holds_what_dicts_would(steps: list[object]) -> None:
    table = LikeTable()
    want: dict[int, dict[int, Like]] = {}
    for step in steps:
        if isinstance(step, Like):
            if step.account_id not in want.get(step.post_id, {}):
                table.put(step)
                want.setdefault(step.post_id, {})[step.account_id] = step
        elif isinstance(step, tuple):
            post = step[1]
            taken = table.pop_post(post)
            _check(table, {k: v for k, v in want.items() if k != post})
            table.restore_post(post, taken)
        else:
            held = sorted((p, a) for p, likes in want.items() for a in likes)
            if held:
                post, account = held[step % len(held)]  # type: ignore[operator]
                table.drop(post, account)
                del want[post][account]
                if not want[post]:
                    del want[post]
        _check(table, want)


@given(steps=_steps)
def test_add_is_get_then_put_in_one_search(steps: list[object]) -> None:
    """``add`` writes a like only when its liker has none on the post, and says whether it did."""
    table = LikeTable()
    want: dict[int, dict[int, Like]] = {}
    for step in steps:
        if not isinstance(step, Like):
            continue
        new = step.account_id not in want.get(step.post_id, {})
        assert table.add(step) is new
        if new:
            want.setdefault(step.post_id, {})[step.account_id] = step
        _check(table, want)
    for post, likes in list(want.items()):  # drop undoes add
        for account in list(likes):
            table.drop(post, account)
            del likes[account]
            _check(table, {k: v for k, v in want.items() if v})
    assert len(table) == 0
