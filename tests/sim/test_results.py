"""Tests for microblog_core.sim.results: the tables a run records and the records read from them."""

from array import array
from datetime import timedelta
from types import SimpleNamespace

import pytest
from hypothesis import example, given
from hypothesis import strategies as st

import microblog_core.sim
from microblog_core.ids import EPOCH, AccountId, PostId
from microblog_core.models import Visibility
from microblog_core.sim import engine, results
from microblog_core.sim.agents import Population
from microblog_core.sim.config import SimulationConfig
from microblog_core.sim.graphs import FollowGraph
from microblog_core.sim.results import (
    ACTION_KINDS,
    AccountIndex,
    FollowTable,
    Impression,
    PostIndex,
    PostRecord,
    RunTables,
    SimulationResult,
)
from microblog_core.sim.stochastic import StochasticAgent

SETUP_MS = 1_000_000


def at(ms: int):
    return EPOCH + timedelta(milliseconds=ms)


class FakeBlog:
    closed = False

    def close(self) -> None:
        self.closed = True


def three_accounts() -> RunTables:
    """Node 0 posts, node 1 reposts it, node 2 reposts node 1's repost and replies; 2 follows 0."""
    tables = RunTables(3, SETUP_MS)
    tables.ids.extend([AccountId(11), AccountId(12), AccountId(13)])
    tables.handles.extend(["a", "b", "c"])
    tables.index_of.update({AccountId(11): 0, AccountId(12): 1, AccountId(13): 2})
    tables.following.add(1, 0)
    tables.following.add(2, 0)
    tables.following.add(2, 1)
    tables.follow_ms[2 * 3 + 0] = SETUP_MS + 500  # made during the run
    #           id   author kind ref extra time                 visibility
    posts = [
        (101, 0, 0, -1, -1, SETUP_MS + 100, Visibility.PUBLIC, "hello"),
        (102, 1, 2, 0, -1, SETUP_MS + 200, Visibility.PUBLIC, ""),
        (103, 2, 2, 0, 1, SETUP_MS + 300, Visibility.UNLISTED, "//@b:"),
        (104, 2, 1, 0, 0, SETUP_MS + 400, Visibility.PRIVATE, "re"),
    ]
    for index, (pid, author, kind, ref, extra, ms, visibility, text) in enumerate(posts):
        assert tables.post_index.append(pid) == index
        tables.p_author.append(author)
        tables.p_kind.append(kind)
        tables.p_ref.append(ref)
        tables.p_extra.append(extra)
        tables.p_time.append(ms)
        tables.p_visibility.append(list(Visibility).index(visibility))
        tables.p_text.append(text)
        tables.p_appeal.append(1.5)
        tables.p_likes.append(index)
        tables.p_reposts.append(2 if index == 0 else 0)
        tables.p_replies.append(1 if index == 0 else 0)
        tables.p_impressions.append(1 if index == 2 else 0)
    # node 1 sees node 2's repost of node 0's post at rank 1, out of network
    tables.i_post.append(2)
    tables.i_in.append(0)
    tables.end_page(SETUP_MS + 350, 1)
    # node 1 likes post 0; node 2 follows node 0
    for ms, kind, account, post, target in [
        (SETUP_MS + 360, 3, 1, 0, 0),
        (SETUP_MS + 500, 4, 2, -1, 0),
    ]:
        tables.e_time.append(ms)
        tables.e_kind.append(kind)
        tables.e_account.append(account)
        tables.e_post.append(post)
        tables.e_target.append(target)
    return tables


def result_of(tables: RunTables) -> SimulationResult:
    n = len(tables.ids)
    run = SimpleNamespace(
        config=SimulationConfig(),
        feed=SimpleNamespace(name="chronological"),
        graph=FollowGraph(n=n, edges=[(1, 0), (2, 1)]),
        population=Population(rates=(1.0,) * n, shifts=(0,) * n, locked=(False,) * n),
        ids=tables.ids,
        handles=tables.handles,
        actions={"post": 1, "repost": 2, "reply": 1, "read": 1},
        refused={("like", "not_visible"): 2, ("follow", "blocked"): 1},
        setup_refused={},
        session_count=1,
        blog=FakeBlog(),
        tables=tables,
        agent=StochasticAgent(),
    )
    return SimulationResult(run)


def test_every_result_name_keeps_its_old_import_paths():
    for name in results.__all__:
        assert getattr(engine, name) is getattr(results, name)
        assert name in engine.__all__
    for name in ("Impression", "PostRecord", "SimulationResult"):
        assert getattr(microblog_core.sim, name) is getattr(results, name)


_account_ops = st.lists(
    st.one_of(
        st.tuples(st.just("number"), st.integers(0, 30), st.integers(0, 4)),
        st.tuples(st.just("set"), st.integers(0, 40), st.integers(0, 40)),
        st.tuples(st.just("del"), st.integers(0, 40), st.just(0)),
    ),
    max_size=30,
)


@given(ops=_account_ops, probes=st.lists(st.integers(-5, 60), max_size=10))
def test_account_index_answers_as_a_dict(ops, probes):
    index = AccountIndex()
    reference: dict[int, int] = {}
    for op, account_id, size in ops:
        if op == "number":
            ids = list(range(account_id, account_id + size))
            if any(i in reference for i in ids):
                continue  # numbering gives new accounts new nodes
            index.number(ids)
            reference.update(zip(ids, range(len(reference), len(reference) + size), strict=True))
        elif op == "set":
            index[account_id] = size
            reference[account_id] = size
        elif account_id in reference:
            del index[account_id]
            del reference[account_id]
        else:
            with pytest.raises(KeyError):
                del index[account_id]
        assert list(index.items()) == list(reference.items())
        assert len(index) == len(reference)
    for probe in [*probes, *reference]:
        assert index.get(probe) == reference.get(probe)
        assert index.get(probe, -1) == reference.get(probe, -1)
        assert (probe in index) == (probe in reference)
        if probe not in reference:
            with pytest.raises(KeyError):
                index[probe]


def test_account_index_keeps_consecutive_ids_as_a_range():
    index = AccountIndex()
    index.number(range(1_000, 1_500))
    index.number([1_500])
    assert (index._first, index._count, index._rest) == (1_000, 501, {})
    assert index[1_250] == 250
    assert "1250" not in index
    index.number([7])  # not the next id: kept apart, the range stays
    assert index[7] == 501
    assert index._count == 501
    assert len(index) == 502


# Post ids as the service mints them: ms << 16 | sequence, increasing; gaps of
# nothing to days, so buckets fill, empty and widen.
_id_steps = st.lists(
    st.one_of(
        st.integers(1, 3),
        st.integers(1, 1 << 24),
        st.integers(1, 1 << 36),
    ),
    max_size=300,
)


def _ids_from(first: int, steps: list[int]) -> list[int]:
    ids = [first]
    for step in steps:
        ids.append(ids[-1] + step)
    return ids


@given(
    first=st.integers(0, 1 << 62),
    steps=_id_steps,
    probes=st.lists(st.integers(-(1 << 20), 1 << 63), max_size=50),
    recent=st.sampled_from([0, 1, 5, 1 << 15]),
)
def test_post_index_answers_as_a_dict_of_ids_to_rows(first, steps, probes, recent):
    post_ids = _ids_from(first, steps)
    with pytest.MonkeyPatch.context() as patch:
        # Few recent posts in the dict: the searches in the id column answer the rest.
        patch.setattr(results, "_RECENT_POSTS", recent)
        index = PostIndex(array("q"))
        rows = {}
        for post_id in post_ids:
            rows[post_id] = index.append(post_id)
    assert len(index.newest) == min(recent, len(post_ids))
    assert all(rows[post_id] == row for post_id, row in index.newest.items())
    assert rows == {post_id: row for row, post_id in enumerate(post_ids)}
    assert len(index) == len(rows)
    assert list(index) == post_ids
    near = [post_id + delta for post_id in post_ids[::7] for delta in (-1, 0, 1)]
    for probe in [*post_ids, *near, *probes]:
        assert index.get(probe) == rows.get(probe)
        assert (probe in index) == (probe in rows)
        assert index.find(probe) == rows.get(probe, -1)
        if probe in rows:
            assert index.rows([probe, post_ids[0], probe]) == [rows[probe], 0, rows[probe]]
        else:
            with pytest.raises(KeyError):
                index.rows([post_ids[0], probe])
        if probe in rows:
            assert index[probe] == rows[probe]
        else:
            with pytest.raises(KeyError):
                index[probe]


@given(first=st.integers(0, 1 << 62), steps=_id_steps)
def test_post_index_of_an_existing_column_equals_one_built_by_appends(first, steps):
    post_ids = _ids_from(first, steps)
    built = PostIndex(array("q"))
    for post_id in post_ids:
        built.append(post_id)
    column = array("q", post_ids)
    loaded = PostIndex(column)
    assert column == array("q", post_ids)
    assert [loaded.find(post_id) for post_id in post_ids] == list(range(len(post_ids)))
    assert repr(loaded) == repr(built)


def test_post_index_buckets_cost_at_most_one_per_post_and_a_spare_thousand():
    index = PostIndex(array("q"))
    # One post a (simulated) day for a year: 365 posts over 10**5 buckets of 256 ms each.
    for day in range(365):
        index.append(((1_700_000_000_000 + day * 86_400_000) << 16) + day)
    assert len(index._starts) - 1 <= len(index) + 1024
    assert index[(1_700_000_000_000 + 200 * 86_400_000) << 16 | 200] == 200


def test_post_index_refuses_an_id_out_of_order_and_misses_other_keys():
    column = array("q")
    index = PostIndex(column)
    assert index.append(500 << 16) == 0
    with pytest.raises(ValueError, match="increase"):
        index.append(500 << 16)
    with pytest.raises(ValueError, match="increase"):
        index.append(499 << 16)
    assert list(column) == [500 << 16]
    with pytest.raises(KeyError):
        index[(500 << 16) + 1]
    with pytest.raises(KeyError):
        index["a post"]  # type: ignore[index]
    assert "a post" not in index
    assert index.get(-5) is None
    with pytest.raises(ValueError, match="increase"):
        PostIndex(array("q", [3, 2]))


def test_run_tables_index_posts_by_id():
    tables = three_accounts()
    assert dict(tables.post_index) == {101: 0, 102: 1, 103: 2, 104: 3}
    assert tables.post_index[103] == 2
    assert 105 not in tables.post_index


def test_counts_cover_every_action_kind_and_sum_refusals():
    result = result_of(three_accounts())
    assert tuple(result.actions) == ACTION_KINDS
    assert result.actions["like"] == 0
    assert result.refused_total == 3
    assert result.refused_count("like") == 2
    assert result.attempted_total == 5 + 3
    assert (result.account_count, result.post_count, result.impression_count) == (3, 4, 1)
    assert result.follow_count == 3
    assert result.posts_of_kind("repost") == 2


def test_impressions_name_the_repost_and_its_root():
    (impression,) = result_of(three_accounts()).impressions()
    assert impression == Impression(
        time=at(SETUP_MS + 350),
        viewer_id=AccountId(12),
        post_id=PostId(103),
        author_id=AccountId(13),
        root_id=PostId(101),
        root_author_id=AccountId(11),
        rank=1,
        in_network=False,
    )


def test_post_records_read_each_kind_s_references():
    original, repost, via_repost, reply = result_of(three_accounts()).posts()
    assert original.kind == "post"
    assert original.reply_to_id is original.repost_of_id is original.cascade_parent_id is None
    assert (original.likes, original.reposts, original.replies) == (0, 2, 1)
    assert repost.repost_of_id == PostId(101)
    assert repost.cascade_parent_id == PostId(101)
    assert via_repost.via_id == PostId(102)
    assert via_repost.cascade_parent_id == PostId(102)
    assert via_repost.visibility == "unlisted"
    assert reply == PostRecord(
        id=PostId(104),
        author_id=AccountId(13),
        created_at=at(SETUP_MS + 400),
        kind="reply",
        visibility="private",
        text="re",
        reply_to_id=PostId(101),
        thread_root_id=PostId(101),
        repost_of_id=None,
        via_id=None,
        likes=3,
        reposts=0,
        replies=0,
        impressions=0,
        appeal=1.5,
    )


def test_cascade_records_link_reposts_through_via():
    assert list(result_of(three_accounts()).cascade_records()) == [
        (101, None),
        (102, 101),
        (103, 102),
        (104, None),
    ]


def test_follows_tell_graph_follows_from_run_follows():
    follows = list(result_of(three_accounts()).follows())
    assert follows == [
        (AccountId(12), AccountId(11), at(SETUP_MS), True),
        (AccountId(13), AccountId(11), at(SETUP_MS + 500), False),
        (AccountId(13), AccountId(12), at(SETUP_MS), True),
    ]


def test_engagements_name_posts_or_followed_accounts():
    like, follow = result_of(three_accounts()).engagements()
    assert like == (at(SETUP_MS + 360), "like", AccountId(12), PostId(101), 101)
    assert follow == (at(SETUP_MS + 500), "follow", AccountId(13), None, AccountId(11))


def test_final_graph_is_the_follow_mirror():
    assert result_of(three_accounts()).final_graph().edges == ((1, 0), (2, 0), (2, 1))


def test_root_of_maps_a_repost_to_its_original():
    tables = three_accounts()
    assert [tables.root_of(index) for index in range(4)] == [0, 0, 0, 3]


def test_close_closes_the_blog_and_repr_is_short():
    result = result_of(three_accounts())
    result.close()
    assert result.blog.closed
    assert repr(result) == (
        "SimulationResult(feed='chronological', accounts=3, posts=4, impressions=1)"
    )


@pytest.mark.parametrize("kind", ["post", "reply", "repost"])
def test_posts_of_kind_matches_the_records(kind):
    result = result_of(three_accounts())
    assert result.posts_of_kind(kind) == sum(record.kind == kind for record in result.posts())


# --------------------------------------------------------------------------- FollowTable

_ops = st.lists(st.tuples(st.booleans(), st.integers(0, 5), st.integers(0, 5)), max_size=30)
_start = st.sets(st.tuples(st.integers(0, 5), st.integers(0, 5)).filter(lambda e: e[0] != e[1]))


def _loaded(n: int, start: set[tuple[int, int]]) -> tuple[FollowTable, list[set[int]]]:
    """A table of ``n`` nodes loaded with the ``start`` edges, and the sets it stands for."""
    edges = sorted(start)
    table = FollowTable(n)
    table.load(array("i", [a for a, _ in edges]), array("i", [b for _, b in edges]))
    sets: list[set[int]] = [set() for _ in range(n)]
    for a, b in edges:
        sets[a].add(b)
    return table, sets


@given(start=_start, ops=_ops)
def test_a_follow_table_answers_as_a_set_and_a_list_per_node(
    start: set[tuple[int, int]], ops: list[tuple[bool, int, int]]
) -> None:
    """The column-wise table behaves as the list of sets and lists the engine used to keep."""
    n = 6
    table, sets = _loaded(n, start)
    lists: list[list[int]] = [[] for _ in range(n)]
    for a, b in sorted(start):
        lists[a].append(b)
    views = [table[node] for node in range(n)]  # taken before the changes: they stay live
    for follow, a, b in ops:
        if follow:
            assert table.add(a, b) == (b not in sets[a])
            if b not in sets[a]:
                sets[a].add(b)
                lists[a].append(b)
        else:
            assert table.discard(a, b) == (b in sets[a])
            if b in sets[a]:
                sets[a].discard(b)
                lists[a].remove(b)
    assert len(table) == n
    for node in range(n):
        assert list(views[node]) == list(sets[node])  # same iteration order as the set
        assert len(table[node]) == len(sets[node])
        assert all((other in table[node]) == (other in sets[node]) for other in range(n))
        assert list(table.followees[node]) == lists[node]
        assert len(table.followees[node]) == len(lists[node])
        size = len(lists[node])
        followees = table.followees[node]
        assert [followees[i] for i in range(-size, size)] == lists[node] * 2
        for outside in (size, -size - 1):
            with pytest.raises(IndexError):
                followees[outside]
    assert [set(view) for view in table] == sets
    assert table[-1] == sets[-1]


@given(
    start=st.sets(st.tuples(st.integers(0, 3), st.integers(0, 63)), max_size=40),
    ops=st.lists(st.tuples(st.booleans(), st.integers(0, 3), st.integers(0, 63)), max_size=80),
)
# Once 40 goes, this set iterates 1, 34, 3, 2, 13, 29; set([34, 29, 13, 3, 2, 1]) would not.
@example(
    start=set(),
    ops=[(True, 0, b) for b in (34, 29, 13, 3, 2, 1, 40)] + [(False, 0, 40)],
)
def test_a_follow_table_iterates_as_sets_that_followed_and_unfollowed(
    start: set[tuple[int, int]], ops: list[tuple[bool, int, int]]
) -> None:
    """Colliding ids, growth and unfollows' dummies: the order is still the engine sets' order."""
    table, sets = _loaded(64, start)
    for follow, a, b in ops:
        if follow:
            assert table.add(a, b) == (b not in sets[a])
            sets[a].add(b)
        else:
            assert table.discard(a, b) == (b in sets[a])
            sets[a].discard(b)
        assert list(table[a]) == list(sets[a])
        assert (b in table[a]) == (b in sets[a])
    assert [list(view) for view in table] == [list(followed) for followed in sets]


def test_a_follow_table_refuses_a_node_outside_it() -> None:
    table = FollowTable(2)
    with pytest.raises(IndexError):
        table[2]
    with pytest.raises(IndexError):
        table.followees[-3]
    with pytest.raises(TypeError):
        table["0"]  # type: ignore[call-overload]


_pages = st.lists(
    st.tuples(
        st.integers(0, 2**40),
        st.integers(0, 1000),
        st.lists(st.tuples(st.integers(0, 500), st.booleans()), max_size=6),
    ),
    max_size=12,
)


@given(pages=_pages)
def test_the_page_wise_impression_log_reads_as_the_full_columns(pages) -> None:
    # The reference: one row per item, every column in full, as the log was kept before.
    tables = RunTables(3)
    full: dict[str, list[int]] = {"time": [], "viewer": [], "post": [], "rank": [], "in": []}
    for time_ms, viewer, items in pages:
        for rank, (post, inside) in enumerate(items, 1):
            for name, value in zip(full, (time_ms, viewer, post, rank, inside), strict=True):
                full[name].append(value)
            tables.i_post.append(post)
            tables.i_in.append(inside)
        tables.end_page(time_ms, viewer)
    assert len(tables.page_end) == sum(1 for _, _, items in pages if items)  # no empty pages
    columns = {
        "time": tables.i_time,
        "viewer": tables.i_viewer,
        "post": tables.i_post,
        "rank": tables.i_rank,
        "in": [bool(x) for x in tables.i_in],
    }
    for name, column in columns.items():
        assert list(column) == full[name], name
        assert len(column) == len(full[name])
        assert [column[i] for i in range(len(column))] == full[name]
        assert [column[i] for i in range(-len(column), 0)] == full[name]
        assert list(column[1:-1:2]) == full[name][1:-1:2]
    for view in (tables.i_time, tables.i_viewer, tables.i_rank):
        with pytest.raises(IndexError):
            view[len(full["time"])]
        with pytest.raises(TypeError):
            view["0"]  # type: ignore[index]


def test_an_empty_page_leaves_no_row() -> None:
    tables = RunTables(2)
    tables.end_page(SETUP_MS, 1)
    assert (len(tables.i_time), len(tables.page_end), list(tables.i_rank)) == (0, 0, [])
