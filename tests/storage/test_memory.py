"""The memory adapter: the full contract suite, plus memory-specific behaviour."""

import itertools
import threading
from datetime import UTC, datetime, timedelta
from typing import Any

import pytest
from hypothesis import given
from hypothesis import strategies as st

from microblog_core.errors import InvalidIdError, MicroblogError, StorageError, ValidationError
from microblog_core.ids import AccountId, PostId, id_at
from microblog_core.models import Account, Follow, Post, ReplyRef, RepostRef, Visibility
from microblog_core.ports import EarlierReposts, offers
from microblog_core.storage import MemoryStore
from microblog_core.storage.memory import MemoryUnitOfWork
from microblog_core.storage.memory._follow_index import FollowIndex
from microblog_core.testing.contracts import (
    EarlierRepostsContract,
    FollowOptionsHintContract,
    StoreContract,
    _apply_write,
    _seed_world,
    _write_ops,
)

T0 = datetime(2026, 1, 1, tzinfo=UTC)
BASE = id_at(T0)


class TestMemoryStoreContract(StoreContract, EarlierRepostsContract, FollowOptionsHintContract):
    def make_store(self) -> MemoryStore:
        return MemoryStore()


def account(n: int) -> Account:
    return Account.create(id=AccountId(n), handle=f"user{n}", created_at=T0)


def post(n: int, author: int = 1) -> Post:
    return Post.create(
        id=PostId(BASE + n),
        author_id=AccountId(author),
        created_at=T0 + timedelta(seconds=n),
        text="hi",
    )


def seeded(*accounts: int, posts: int = 0) -> MemoryStore:
    store = MemoryStore()
    with store.unit_of_work() as uow:
        for n in accounts:
            uow.accounts.add(account(n))
        for n in range(1, posts + 1):
            uow.posts.add(post(n))
        uow.commit()
    return store


# --------------------------------------------------------------------------- atomicity


@given(ops=_write_ops(min_size=20, max_size=150))
def test_rollback_of_a_large_mixed_unit_restores_the_exact_internal_state(ops):
    """Every value, index, counter source and feed is exactly as before the unit."""
    store = MemoryStore()
    _seed_world(store)
    before = store._snapshot()
    with store.unit_of_work() as uow:
        for op in ops:
            _apply_write(uow, op)
        uow.rollback()
        assert uow._log == []
        assert store._snapshot() == before
        for op in ops:
            _apply_write(uow, op)
    assert store._snapshot() == before


@given(ops=_write_ops(max_size=60))
def test_committed_writes_survive_a_later_rollback(ops):
    """Rollback after commit undoes only what came after the commit."""
    store = MemoryStore()
    _seed_world(store)
    with store.unit_of_work() as uow:
        for op in ops:
            _apply_write(uow, op)
        uow.commit()
        committed = store._snapshot()
        for op in ops:
            _apply_write(uow, op)
    assert store._snapshot() == committed


def test_a_unit_that_wrote_nothing_has_nothing_to_undo():
    """Reads leave the undo log empty, so ending the unit costs nothing."""
    store = seeded(1, posts=3)
    with store.unit_of_work() as uow:
        list(uow.posts.by_author(AccountId(1)))
        uow.relations.remove_follow(AccountId(1), AccountId(2))
        uow.feeds.clear(AccountId(1))
        uow.engagement.remove_like(AccountId(1), PostId(BASE + 1))
        assert uow._log == []


def test_values_are_stored_as_given_not_copied():
    """Immutable values come back as the very objects stored."""
    store = seeded(1, 2)
    value = post(1)
    follow = Follow(follower_id=AccountId(1), followee_id=AccountId(2), created_at=T0, notify=True)
    with store.unit_of_work() as uow:
        uow.posts.add(value)
        uow.relations.add_follow(follow)
        assert uow.posts.get(value.id) is value
        assert uow.relations.get_follow(AccountId(1), AccountId(2)) is follow


# --------------------------------------------------------------------------- the lock


def test_a_unit_in_another_thread_waits_until_the_current_one_ends():
    """Units are serialised: a second thread enters only after the first unit exits."""
    store = seeded(1)
    entered = threading.Event()
    seen: list[int] = []

    def other() -> None:
        with store.unit_of_work(readonly=True) as uow:
            entered.set()
            seen.append(uow.accounts.count())

    thread = threading.Thread(target=other)
    with store.unit_of_work() as uow:
        uow.accounts.add(account(2))
        thread.start()
        assert not entered.wait(timeout=0.2)
        uow.commit()
    thread.join(timeout=30)
    assert entered.is_set()
    assert seen == [2]


def test_lock_timeout_refuses_a_unit_while_another_thread_holds_one():
    """With lock_timeout, entering raises StorageError instead of waiting forever."""
    store = MemoryStore(lock_timeout=0.05)
    holding = threading.Event()
    release = threading.Event()

    def holder() -> None:
        with store.unit_of_work():
            holding.set()
            release.wait(timeout=30)

    thread = threading.Thread(target=holder)
    thread.start()
    try:
        assert holding.wait(timeout=30)
        with pytest.raises(StorageError, match="locked"), store.unit_of_work():
            pass
    finally:
        release.set()
        thread.join(timeout=30)
    with store.unit_of_work(readonly=True) as uow:
        assert uow.accounts.count() == 0


@pytest.mark.parametrize("bad", [0, -1.0, "1", True])
def test_lock_timeout_must_be_a_positive_number(bad):
    """A lock_timeout that is not a positive number raises ValidationError."""
    with pytest.raises(ValidationError):
        MemoryStore(lock_timeout=bad)


def test_a_writing_unit_cannot_nest_in_the_same_thread():
    """A nested unit that may write raises StorageError; the outer unit goes on."""
    store = seeded(1)
    with store.unit_of_work() as outer:
        outer.accounts.add(account(2))
        with pytest.raises(StorageError, match="inside another unit"), store.unit_of_work():
            pass
        outer.accounts.add(account(3))
        outer.commit()
    with store.unit_of_work(readonly=True) as uow:
        assert uow.accounts.count() == 3


def test_a_readonly_unit_may_nest_and_sees_the_outer_writes():
    """A nested readonly unit shares the thread's lock and the outer unit's state."""
    store = seeded(1)
    with store.unit_of_work() as outer:
        outer.accounts.add(account(2))
        with store.unit_of_work(readonly=True) as inner:
            assert inner.accounts.count() == 2
        outer.rollback()
    with store.unit_of_work(readonly=True) as uow:
        assert uow.accounts.count() == 1


def test_a_refused_nested_unit_releases_the_lock():
    """After a refused nested unit, other threads can still get the lock."""
    store = seeded(1)
    with store.unit_of_work(readonly=True), pytest.raises(StorageError):
        store.unit_of_work().__enter__()
    counts: list[int] = []

    def other() -> None:
        with store.unit_of_work(readonly=True) as uow:
            counts.append(uow.accounts.count())

    thread = threading.Thread(target=other)
    thread.start()
    thread.join(timeout=30)
    assert counts == [1]


def test_close_inside_a_unit_is_refused():
    """Closing the store from inside one of its units raises StorageError."""
    store = seeded(1)
    with store.unit_of_work(readonly=True), pytest.raises(StorageError):
        store.close()
    with store.unit_of_work(readonly=True) as uow:
        assert uow.accounts.count() == 1


def test_close_drops_the_data():
    """A closed store holds nothing and opens no unit."""
    store = seeded(1, posts=2)
    store.close()
    assert store._snapshot()["posts"] == {}
    with pytest.raises(StorageError, match="closed"):
        store.unit_of_work()


def test_commit_on_a_readonly_unit_is_harmless():
    """commit and rollback on a readonly unit do nothing."""
    store = seeded(1)
    with store.unit_of_work(readonly=True) as uow:
        uow.commit()
        uow.rollback()
        assert uow.readonly
        assert uow.accounts.count() == 1


def test_repr_says_what_the_store_and_unit_hold():
    """Reprs show counts and the unit's phase."""
    store = seeded(1, posts=2)
    assert repr(store) == "<MemoryStore accounts=1 posts=2>"
    unit = store.unit_of_work(readonly=True)
    assert repr(unit) == "<MemoryUnitOfWork new readonly>"
    with unit:
        assert repr(unit) == "<MemoryUnitOfWork open readonly>"
    assert repr(unit) == "<MemoryUnitOfWork ended readonly>"
    store.close()
    assert repr(store) == "<MemoryStore accounts=0 posts=0 closed>"


# --------------------------------------------------------------------------- streams


class CountingDict(dict[int, Post]):
    """A dict that counts lookups, to see how much of a stream was read."""

    reads = 0

    def __getitem__(self, key: int) -> Post:
        self.reads += 1
        return super().__getitem__(key)


def test_stream_reads_only_what_is_consumed():
    """Taking three items of a 20,000-post stream looks up three posts."""
    store = seeded(1, posts=20_000)
    state = store._state
    counting = CountingDict(state.posts)
    state.posts = counting
    with store.unit_of_work(readonly=True) as uow:
        stream = uow.posts.stream(AccountId(1))
        assert counting.reads == 0
        first = list(itertools.islice(stream, 3))
        assert [p.id for p in first] == [BASE + 20_000, BASE + 19_999, BASE + 19_998]
        assert counting.reads == 3


def test_stream_refuses_to_go_on_after_the_unit_ended():
    """A stream kept past its unit raises StorageError on the next item."""
    store = seeded(1, posts=5)
    with store.unit_of_work(readonly=True) as uow:
        stream = uow.posts.stream(AccountId(1))
        next(stream)
    with pytest.raises(StorageError):
        next(stream)


@pytest.mark.parametrize("ascending", [False, True])
def test_stream_stays_consistent_while_posts_change(ascending):
    """Writes during iteration never repeat an item or yield a removed one."""
    store = seeded(1)
    with store.unit_of_work() as uow:
        for n in range(2, 40, 2):
            uow.posts.add(post(n))
        stream = uow.posts.stream(AccountId(1), ascending=ascending)
        seen = [next(stream).id for _ in range(3)]
        for n in range(1, 40, 2):
            uow.posts.add(post(n))
        uow.posts.remove(PostId(seen[-1] + (2 if ascending else -2)))
        rest = [p.id for p in stream]
        ids = seen + rest
        assert len(ids) == len(set(ids))
        assert ids == sorted(ids, reverse=not ascending)
        assert PostId(seen[-1] + (2 if ascending else -2)) not in ids
        stored = {p.id for p in uow.posts.stream(AccountId(1))}
        assert set(rest) <= stored


# --------------------------------------------------------------------------- follows


def test_followers_added_in_any_order_page_in_id_order():
    """A big follower list built in random order pages ascending, and removals work."""
    count = 500
    store = seeded(*range(1, count + 2))
    order = list(range(2, count + 2))
    order.sort(key=lambda n: (n * 7919) % count)
    with store.unit_of_work() as uow:
        for n in order:
            uow.relations.add_follow(
                Follow(follower_id=AccountId(n), followee_id=AccountId(1), created_at=T0)
            )
        for n in order[:50]:
            assert uow.relations.remove_follow(AccountId(n), AccountId(1)) is not None
        uow.commit()
    kept = sorted(order[50:])
    with store.unit_of_work(readonly=True) as uow:
        paged = []
        after = None
        while page := uow.relations.followers_of(AccountId(1), after=after, limit=64):
            paged.extend(f.follower_id for f in page)
            after = page[-1].follower_id
        assert paged == kept
        assert sorted(uow.relations.follower_ids(AccountId(1))) == kept
        assert uow.accounts.counters(AccountId(1)).followers == len(kept)


edges = st.lists(
    st.tuples(st.sampled_from(["add", "remove"]), st.integers(1, 6), st.integers(1, 6)),
    max_size=80,
)


@given(ops=edges, after=st.none() | st.integers(0, 7), limit=st.integers(1, 7))
def test_follow_graph_matches_a_dict_model(ops, after, limit):
    """FollowIndex answers every query as a dict of edges would."""
    graph = FollowIndex()
    for node in range(1, 7):
        graph.add_node(node)
    model: dict[tuple[int, int], int] = {}
    for step, (kind, a, b) in enumerate(ops):
        if a == b:
            continue
        if kind == "add":
            assert graph.add(a, b, step) == model.get((a, b))
            model[a, b] = step
        else:
            assert graph.remove(a, b) == model.pop((a, b), None)
    for node in range(1, 7):
        sources = sorted(a for a, b in model if b == node)
        targets = sorted((b, t) for (a, b), t in model.items() if a == node)
        assert graph.in_degree(node) == len(sources)
        assert graph.out_degree(node) == len(targets)
        assert sorted(graph.source_ids(node)) == sources
        assert list(graph.target_ids(node)) == [b for b, _ in targets]
        cut = [a for a in sources if after is None or a > after][:limit]
        assert graph.sources(node, after=after, limit=limit) == cut
        cut_targets = [(b, t) for b, t in targets if after is None or b > after][:limit]
        assert graph.targets(node, after=after, limit=limit) == cut_targets
        for other in range(1, 7):
            assert graph.time(node, other) == model.get((node, other))
    assert graph.time(99, 1) is None
    assert graph.remove(99, 1) is None
    assert graph.sources(99, after=None, limit=5) == []
    assert graph.targets(99, after=None, limit=5) == []
    assert 99 not in graph
    assert graph.in_degree(99) == graph.out_degree(99) == 0


def test_unit_of_work_type_is_exported():
    """MemoryStore.unit_of_work returns a MemoryUnitOfWork."""
    assert isinstance(MemoryStore().unit_of_work(), MemoryUnitOfWork)


# --------------------------------------------------------------------------- merged streams


def _seeded_store(author_posts: list[list[int]]):
    store = MemoryStore()
    when = datetime(2026, 1, 1, tzinfo=UTC)
    with store.unit_of_work() as uow:
        for author in range(1, len(author_posts) + 1):
            uow.accounts.add(Account(id=author, handle=f"a{author}", created_at=when))
        for author, ids in enumerate(author_posts, start=1):
            for post_id in ids:
                uow.posts.add(Post(id=post_id, author_id=author, created_at=when, text="x"))
        uow.commit()
    return store


@given(
    st.lists(st.lists(st.integers(10, 400), max_size=8, unique=True), min_size=1, max_size=6),
    st.none() | st.integers(1, 420),
    st.data(),
)
def test_merged_streams_equal_merging_each_authors_stream(author_posts, max_id, data):
    used: set[int] = set()
    disjoint = []
    for ids in author_posts:
        mine = [i for i in ids if i not in used]
        used.update(mine)
        disjoint.append(mine)
    store = _seeded_store(disjoint)
    authors = data.draw(st.lists(st.integers(1, len(disjoint)), max_size=8))
    with store.unit_of_work(readonly=True) as uow:
        fast = [p.id for p in uow.posts.merged_streams(authors, max_id=max_id)]
        slow = sorted(
            {p.id for a in set(authors) for p in uow.posts.stream(a, max_id=max_id)}, reverse=True
        )
    assert fast == slow


def test_merged_streams_survive_a_write_in_the_same_unit():
    store = _seeded_store([[10, 30, 50], [20, 40]])
    with store.unit_of_work() as uow:
        merged = uow.posts.merged_streams([1, 2])
        assert [next(merged).id, next(merged).id] == [50, 40]
        uow.posts.add(
            Post(id=35, author_id=2, created_at=datetime(2026, 1, 1, tzinfo=UTC), text="y")
        )
        assert [p.id for p in merged] == [35, 30, 20, 10]


def test_merged_streams_refuse_after_the_unit_ended():
    store = _seeded_store([[10, 20]])
    with store.unit_of_work(readonly=True) as uow:
        merged = uow.posts.merged_streams([1])
        next(merged)
    with pytest.raises(MicroblogError):
        next(merged)


def test_merged_streams_survive_a_removal_in_the_same_unit():
    store = _seeded_store([[10, 30, 50], [20, 40]])
    with store.unit_of_work() as uow:
        merged = uow.posts.merged_streams([1, 2])
        assert next(merged).id == 50
        uow.posts.remove(30)
        uow.posts.remove(10)
        assert [p.id for p in merged] == [40, 20]


# --------------------------------------------------------------------------- fan-out cache


def _feed_store(readers: int):
    store = MemoryStore()
    with store.unit_of_work() as uow:
        for account in range(1, readers + 2):
            uow.accounts.add(
                Account(
                    id=account, handle=f"r{account}", created_at=datetime(2026, 1, 1, tzinfo=UTC)
                )
            )
        uow.commit()
    return store


def _feeds(store, readers):
    with store.unit_of_work(readonly=True) as uow:
        return {r: list(uow.feeds.read(r, limit=100)) for r in readers}


def test_repeated_fan_out_to_the_same_readers_reuses_nothing_stale():
    from array import array

    store = _feed_store(5)
    readers = array("q", [2, 3, 4])
    with store.unit_of_work() as uow:
        uow.feeds.insert(readers, 100, 1, cap=10)
        uow.commit()
    with store.unit_of_work() as uow:
        uow.feeds.clear(3)  # drops reader 3's feed object
        uow.feeds.insert(readers, 101, 1, cap=10)
        uow.feeds.insert(readers, 102, 1, cap=10)
        uow.commit()
    assert _feeds(store, [2, 3, 4]) == {2: [102, 101, 100], 3: [102, 101], 4: [102, 101, 100]}


def test_fan_out_after_a_rollback_sees_the_restored_feeds():
    from array import array

    store = _feed_store(5)
    readers = array("q", [2, 3, 4, 5])
    with store.unit_of_work() as uow:
        uow.feeds.insert(array("q", [2]), 100, 1, cap=10)
        uow.commit()
    with store.unit_of_work() as uow:
        uow.feeds.insert(readers, 101, 1, cap=10)  # creates feeds 3, 4, 5, then rolls back
    with store.unit_of_work() as uow:
        uow.feeds.insert(readers, 102, 1, cap=10)
        uow.feeds.insert(readers, 103, 1, cap=10)
        uow.commit()
    assert _feeds(store, [2, 3, 4, 5]) == {
        2: [103, 102, 100],
        3: [103, 102],
        4: [103, 102],
        5: [103, 102],
    }


def test_a_contract_class_without_make_store_cannot_run():
    from microblog_core.testing.contracts import StoreContract

    class Forgot(StoreContract):
        pass

    with pytest.raises(TypeError, match="make_store"):
        Forgot()


# --------------------------------------------------------------------------- fan-out layout


def _fan_out_world() -> MemoryStore:
    store = seeded(*range(1, 10))
    with store.unit_of_work() as uow:
        for follower in range(4, 10):
            uow.relations.add_follow(
                Follow(follower_id=AccountId(follower), followee_id=AccountId(1), created_at=T0)
            )
        uow.commit()
    return store


_FAN_OUT_OPS = st.lists(
    st.tuples(
        st.sampled_from(["post", "follow", "unfollow", "rolled back", "stale", "clear"]),
        st.integers(1, 3),
        st.integers(2, 9),
    ),
    max_size=30,
)


@given(ops=_FAN_OUT_OPS, cap=st.integers(1, 6))
def test_fan_out_through_the_follower_index_equals_the_general_path(ops, cap):
    """Handing follower_ids back to insert (indexed followers' feeds) gives what a list gives.

    The index of followers' feeds is kept by follows, unfollows and rollbacks;
    a follower_ids value read before a follow change is not used for it.
    """
    from unittest import mock

    from microblog_core.storage.memory import _feeds as feed_layout

    indexed, listed = _fan_out_world(), _fan_out_world()
    with mock.patch.object(feed_layout, "FANS_MIN", 1):
        for number, (kind, author, other) in enumerate(ops, start=1):
            for store, as_given in ((indexed, True), (listed, False)):
                with store.unit_of_work() as uow:
                    followers = uow.relations.follower_ids(AccountId(author))
                    readers = followers if as_given else list(followers)
                    edge = {"follower_id": AccountId(other), "followee_id": AccountId(author)}
                    if kind == "follow" and other != author:
                        uow.relations.add_follow(Follow(**edge, created_at=T0))
                    elif kind == "unfollow":
                        uow.relations.remove_follow(**edge)
                    elif kind == "clear":
                        uow.feeds.clear(AccountId(other))
                    elif kind == "stale" and other != author:
                        uow.relations.add_follow(Follow(**edge, created_at=T0))
                        uow.feeds.insert(readers, PostId(BASE + number), author, cap=cap)
                    elif kind in {"post", "rolled back"}:
                        uow.feeds.insert(readers, PostId(BASE + number), author, cap=cap)
                    if kind != "rolled back":
                        uow.commit()
            assert indexed._snapshot() == listed._snapshot()


def test_a_fan_out_reaches_a_new_follower_and_not_a_former_one():
    """After a follow and an unfollow, the next fan-out goes to the new follower set."""
    from unittest import mock

    from microblog_core.storage.memory import _feeds as feed_layout

    store = _fan_out_world()
    with mock.patch.object(feed_layout, "FANS_MIN", 1), store.unit_of_work() as uow:
        uow.feeds.insert(uow.relations.follower_ids(AccountId(1)), BASE + 1, 1, cap=10)
        new = Follow(follower_id=AccountId(2), followee_id=AccountId(1), created_at=T0)
        uow.relations.add_follow(new)
        uow.relations.remove_follow(AccountId(4), AccountId(1))
        uow.feeds.insert(uow.relations.follower_ids(AccountId(1)), BASE + 2, 1, cap=10)
        uow.commit()
    assert _feeds(store, [2, 4, 5]) == {2: [BASE + 2], 4: [BASE + 1], 5: [BASE + 2, BASE + 1]}
    assert set(store._state.feeds.fans[1]) == {2, *range(5, 10)}  # the index served, exactly


@pytest.mark.parametrize(
    ("authors", "expected"),
    [(5, ValidationError), (None, ValidationError), (["1"], InvalidIdError)],
)
def test_merged_streams_refuse_bad_author_ids_with_the_shared_classes(authors, expected):
    store = seeded(1)
    with store.unit_of_work(readonly=True) as uow:
        with pytest.raises(ValidationError) as info:
            next(uow.posts.merged_streams(authors), None)
        assert type(info.value) is expected


# --------------------------------------------------------------------------- follow options hint

_FOLLOW_OPS = st.lists(
    st.tuples(
        st.sampled_from(["follow", "unfollow"]),
        st.integers(1, 4),
        st.integers(1, 4),
        st.booleans(),  # show_reposts
        st.booleans(),  # notify
        st.sampled_from([None, ("en",), ("de", "fr")]),  # languages
        st.booleans(),  # commit (else the unit rolls back)
    ),
    max_size=30,
)


def _has_options_slowly(uow: MemoryUnitOfWork, follower: int) -> bool:
    return any(
        not f.show_reposts or f.notify or f.languages is not None
        for f in uow.relations.following_of(AccountId(follower), limit=500)
    )


def _check_hint(uow: MemoryUnitOfWork) -> None:
    for follower in range(1, 6):  # 5: an account with no follows
        assert uow.relations.has_follow_options(AccountId(follower)) == _has_options_slowly(
            uow, follower
        )


@given(ops=_FOLLOW_OPS)
def test_follow_options_hint_equals_reading_every_follow(
    ops: list[tuple[str, int, int, bool, bool, tuple[str, ...] | None, bool]],
) -> None:
    # The count behind has_follow_options follows every follow write, inside
    # the writing unit, after a commit and after a rollback.
    store = seeded(1, 2, 3, 4, 5)
    for n, (kind, a, b, show_reposts, notify, languages, commit) in enumerate(ops):
        if a == b:
            continue  # no one follows themselves
        with store.unit_of_work() as uow:
            if kind == "follow":
                uow.relations.add_follow(
                    Follow(
                        follower_id=AccountId(a),
                        followee_id=AccountId(b),
                        created_at=T0 + timedelta(seconds=n),
                        show_reposts=show_reposts,
                        notify=notify,
                        languages=languages,
                    )
                )
            else:
                uow.relations.remove_follow(AccountId(a), AccountId(b))
            _check_hint(uow)
            if commit:
                uow.commit()
        with store.unit_of_work(readonly=True) as uow:
            _check_hint(uow)


# --------------------------------------------------------------------------- earlier reposts


@given(
    reposters=st.lists(st.integers(2, 9), unique=True, max_size=8),
    before=st.integers(0, 12),
    asked=st.lists(st.one_of(st.integers(-1, 11), st.just("2")), max_size=12),
    as_set=st.booleans(),
)
def test_earliest_repost_by_walks_or_looks_up_to_the_same_answer(
    reposters: list[int], before: int, asked: list[object], as_set: bool
) -> None:
    # The EarlierReposts capability: the lowest repost below an id by the
    # accounts asked about. The store walks the reposts when they are fewer
    # than the accounts and looks each account up otherwise; both must give
    # the answer of filtering reposts_of.
    store = seeded(*range(1, 10), posts=1)
    root = PostId(BASE + 1)
    with store.unit_of_work() as uow:
        for n, author in enumerate(reposters, 2):
            uow.posts.add(
                Post.create_repost(
                    id=PostId(BASE + n),
                    author_id=AccountId(author),
                    created_at=T0 + timedelta(seconds=n),
                    of=RepostRef(root_id=root, root_author_id=AccountId(1)),
                )
            )
        uow.commit()
    authors: Any = set(asked) if as_set else asked
    with store.unit_of_work(readonly=True) as uow:
        below = [p for p in uow.posts.reposts_of(root) if p.id < BASE + before]
        qualifying = [p.id for p in below if p.author_id in asked]
        answer = uow.posts.earliest_repost_by(root, PostId(BASE + before), authors)
        assert answer == (min(qualifying) if qualifying else None)
        assert uow.posts.earliest_repost_by(PostId(BASE + 99), PostId(BASE + 99), authors) is None


def test_earliest_repost_by_reads_an_iterator_of_authors_once() -> None:
    # Outside the typed contract (a Collection), but no crash from inside:
    # the memory store reads any other iterable of ids once.
    store = seeded(*range(1, 5), posts=1)
    root = PostId(BASE + 1)
    with store.unit_of_work() as uow:
        for n in (2, 3):
            uow.posts.add(
                Post.create_repost(
                    id=PostId(BASE + n),
                    author_id=AccountId(n),
                    created_at=T0 + timedelta(seconds=n),
                    of=RepostRef(root_id=root, root_author_id=AccountId(1)),
                )
            )
        uow.commit()
    with store.unit_of_work(readonly=True) as uow:
        authors = iter([AccountId(3), AccountId(2)])
        assert uow.posts.earliest_repost_by(root, PostId(BASE + 9), authors) == BASE + 2  # type: ignore[arg-type]


def test_the_memory_posts_offer_earlier_reposts() -> None:
    with MemoryStore().unit_of_work(readonly=True) as uow:
        assert offers(uow.posts, EarlierReposts)


# --------------------------------------------------------------------------- index order

_post_specs = st.lists(
    st.tuples(
        st.integers(1, 3),  # author
        st.sampled_from(["original", "reply", "repost", "quote"]),
        st.sampled_from(list(Visibility)),
        st.lists(st.sampled_from(["a", "b", "c"]), unique=True, max_size=2),  # tags
        st.lists(st.integers(1, 3), unique=True, max_size=2),  # mentions
        st.integers(1, 3),  # the thread, original or quoted post it refers to
    ),
    min_size=1,
    max_size=25,
)


def _spec_post(n: int, spec: tuple[int, str, Visibility, list[str], list[int], int]) -> Post:
    author, kind, visibility, tags, mentions, target = spec
    ids = {"id": PostId(BASE + 1_000 + n), "author_id": AccountId(author)}
    at = T0 + timedelta(seconds=n)
    if kind == "repost":  # each repost shares an original of its own: no duplicate repost
        of = RepostRef(root_id=PostId(BASE + 100 + n), root_author_id=AccountId(1))
        return Post.create_repost(**ids, created_at=at, of=of, visibility=visibility)
    reply = None
    if kind == "reply":
        reply = ReplyRef(
            root_id=PostId(BASE + target),
            parent_id=PostId(BASE + target),
            parent_author_id=AccountId(1),
            addressee_id=AccountId(1),
        )
    return Post.create(
        **ids,
        created_at=at,
        text="hi",
        visibility=visibility,
        reply_to=reply,
        quote_of=PostId(BASE + target) if kind == "quote" else None,
        tags=tags,
        mentions=[AccountId(m) for m in mentions],
    )


@given(specs=_post_specs, data=st.data())
def test_posts_added_in_any_order_index_as_added_in_id_order(specs, data):
    """Every index holds the same ascending ids whatever order posts come in.

    Adding the newest post appends to each id list; an older one goes in place.
    Removing them all, in any order, leaves the store as it was.
    """
    posts = [_spec_post(n, spec) for n, spec in enumerate(specs)]
    in_order, shuffled = seeded(1, 2, 3), seeded(1, 2, 3)
    empty = shuffled._snapshot()
    with in_order.unit_of_work() as uow:
        for item in posts:
            uow.posts.add(item)
        uow.commit()
    with shuffled.unit_of_work() as uow:
        for item in data.draw(st.permutations(posts), label="added"):
            uow.posts.add(item)
        uow.commit()
    assert shuffled._snapshot() == in_order._snapshot()
    with shuffled.unit_of_work() as uow:
        for item in data.draw(st.permutations(posts), label="removed"):
            uow.posts.remove(item.id)
        uow.commit()
    assert shuffled._snapshot() == empty
