"""Tests for microblog_core.sim.metrics: cascades, Gini, shares, diversity, engagement."""

import itertools
import math
import random
import sys
from collections import Counter, deque
from datetime import UTC, datetime, timedelta, timezone
from fractions import Fraction

import attrs
import pytest
from hypothesis import given
from hypothesis import strategies as st

from microblog_core.errors import NaiveDatetimeError, NotFoundError, ValidationError
from microblog_core.sim.graphs import FollowGraph
from microblog_core.sim.metrics import (
    Cascade,
    cascades_from,
    engagement_over_time,
    exposure_gini,
    feed_diversity,
    gini,
    in_network_share,
    to_networkx,
)

# --------------------------------------------------------------------------- helpers


def brute_force_wiener(size, edges):
    """Sum of BFS distances over all unordered pairs: O(n^2), for checking."""
    nodes = {edges[0][0]} if edges else set()
    neighbours: dict[int, list[int]] = {}
    for parent, child in edges:
        neighbours.setdefault(parent, []).append(child)
        neighbours.setdefault(child, []).append(parent)
        nodes.update((parent, child))
    total = 0
    for start in nodes:
        seen = {start: 0}
        queue = deque([start])
        while queue:
            node = queue.popleft()
            for nxt in neighbours.get(node, ()):
                if nxt not in seen:
                    seen[nxt] = seen[node] + 1
                    queue.append(nxt)
        assert len(seen) == size
        total += sum(seen.values())
    return total // 2


@st.composite
def trees(draw, max_size=30):
    """A random rooted tree as (node_id, parent_id | None) records with arbitrary ids."""
    size = draw(st.integers(1, max_size))
    parents = [None] + [draw(st.integers(0, i - 1)) for i in range(1, size)]
    ids = draw(st.lists(st.integers(-(10**9), 10**9), min_size=size, max_size=size, unique=True))
    return [(ids[i], None if p is None else ids[p]) for i, p in enumerate(parents)]


@st.composite
def forests(draw):
    """Several trees with disjoint ids, records shuffled together."""
    count = draw(st.integers(1, 4))
    records = []
    offset = 0
    for _ in range(count):
        tree = draw(trees(max_size=15))
        records.extend(
            (node + offset, None if parent is None else parent + offset) for node, parent in tree
        )
        offset += 10**10
    return draw(st.permutations(records))


def star(n):
    return [(0, None)] + [(i, 0) for i in range(1, n)]


def chain(n):
    return [(0, None)] + [(i, i - 1) for i in range(1, n)]


# --------------------------------------------------------------------------- cascades


class TestCascadeByHand:
    def test_star_of_five(self):
        # Each of the 4 edges has 1 node below it: s(n - s) = 1 * 4 = 4, W = 16.
        # C(5, 2) = 10, so nu = 16 / 10 = 1.6 = 2 (n - 1) / n.
        (cascade,) = cascades_from(star(5))
        assert cascade.wiener_index == 16
        assert cascade.structural_virality == 1.6
        assert cascade.structural_virality == 2 * 4 / 5
        assert (cascade.size, cascade.depth, cascade.max_breadth) == (5, 1, 4)
        assert cascade.breadths == (1, 4)

    def test_chain_of_four(self):
        # Edges below nodes 1, 2, 3 have 3, 2, 1 nodes under them:
        # 3*1 + 2*2 + 1*3 = 10 = the distances 1+2+3+1+2+1. nu = 10 / 6 = 5/3 = (4 + 1)/3.
        (cascade,) = cascades_from(chain(4))
        assert cascade.wiener_index == 10
        assert cascade.structural_virality == pytest.approx(5 / 3)
        assert (cascade.size, cascade.depth, cascade.max_breadth) == (4, 3, 1)

    def test_lone_root(self):
        (cascade,) = cascades_from([(42, None)])
        assert (cascade.size, cascade.depth, cascade.max_breadth) == (1, 0, 1)
        assert cascade.structural_virality == 0.0
        assert cascade.wiener_index == 0
        assert cascade.nodes == (42,)
        assert cascade.edges == ()

    def test_mixed_tree(self):
        # 1 -> 2, 3, 4; 2 -> 5; 5 -> 6. Subtree sizes below each edge:
        # 2: {2,5,6}=3 -> 3*3=9; 3: 1*5=5; 4: 1*5=5; 5: {5,6}=2 -> 2*4=8; 6: 1*5=5.
        # W = 32, C(6, 2) = 15, nu = 32/15. Depths: 1 | 2,3,4 | 5 | 6.
        records = [(6, 5), (5, 2), (4, 1), (3, 1), (2, 1), (1, None)]
        (cascade,) = cascades_from(records)
        assert cascade.wiener_index == 32
        assert cascade.structural_virality == pytest.approx(32 / 15)
        assert cascade.breadths == (1, 3, 1, 1)
        assert (cascade.depth, cascade.max_breadth, cascade.size) == (3, 3, 6)
        assert cascade.edges == ((1, 2), (1, 3), (1, 4), (2, 5), (5, 6))
        assert cascade.nodes == (1, 2, 3, 4, 5, 6)
        assert repr(cascade) == (
            "Cascade(root=1, size=6, depth=3, max_breadth=3, structural_virality=2.1333)"
        )

    def test_order_of_cascades(self):
        records = [(10, None), (11, 10), (5, None), (6, 5), (1, None), (2, None), (3, 2)]
        result = cascades_from(records)
        # sizes: 10 -> 2, 5 -> 2, 1 -> 1, 2 -> 2: size desc, then root id asc
        assert [(c.root, c.size) for c in result] == [(2, 2), (5, 2), (10, 2), (1, 1)]

    def test_empty_input(self):
        assert cascades_from([]) == ()

    def test_deep_chain_needs_no_recursion(self):
        n = 100_000
        records = chain(n)
        random.Random(0).shuffle(records)
        (cascade,) = cascades_from(records)
        assert cascade.depth == n - 1
        # sum_{s=1}^{n-1} s (n - s) = n (n^2 - 1) / 6; nu = (n + 1) / 3
        assert cascade.wiener_index == n * (n * n - 1) // 6
        assert cascade.structural_virality == pytest.approx((n + 1) / 3, rel=1e-12)

    def test_wide_star(self):
        (cascade,) = cascades_from(star(50_000))
        assert cascade.max_breadth == 49_999
        assert cascade.structural_virality == pytest.approx(2 * 49_999 / 50_000)


class TestCascadeInput:
    def test_missing_parent_is_an_error_by_default(self):
        with pytest.raises(ValidationError, match=r"e\.g\. \[7\]"):
            cascades_from([(1, None), (2, 7)])

    def test_missing_parent_as_root(self):
        # 2's parent 7 is missing: 2 roots its own cascade with its child 3.
        result = cascades_from([(1, None), (2, 7), (3, 2)], missing_parents="as_root")
        assert [(c.root, c.size) for c in result] == [(2, 2), (1, 1)]

    def test_bad_mode(self):
        with pytest.raises(ValidationError, match="missing_parents"):
            cascades_from([], missing_parents="attach")  # type: ignore[arg-type]

    @pytest.mark.parametrize(
        ("records", "needle"),
        [
            ([(1, None), (1, None)], "two records"),
            ([(1, 1)], "itself"),
            ([(1, None), (2, 3), (3, 2)], "cycle"),
            ([("a", None)], "must be an int"),
            ([(True, None)], "must be an int"),
            ([(1, None), (2, 1.0)], "parent id"),
            ([(1,)], "pair"),
            (["ab"], "pair"),
            ([5], "pair"),
        ],
    )
    def test_invalid_records(self, records, needle):
        with pytest.raises(ValidationError, match=needle):
            cascades_from(records)

    def test_constructor_canonicalises_edges(self):
        a = Cascade(root=1, edges=((2, 4), (1, 3), (1, 2)))
        b = Cascade(root=1, edges=[(1, 2), (2, 4), (1, 3)])
        assert a == b
        assert a.edges == ((1, 2), (1, 3), (2, 4))
        assert (a.size, a.depth, a.wiener_index) == (4, 2, 1 * 3 + 2 * 2 + 1 * 3)
        assert Cascade(root=9) == cascades_from([(9, None)])[0]

    @pytest.mark.parametrize(
        ("edges", "needle"),
        [
            (((1, 2), (3, 2)), "more than one parent"),
            (((2, 1),), "more than one parent"),  # the root cannot be a child
            (((1, 2), (5, 6)), "not connected"),
            (((1, 2, 3),), "pair"),
            (((1, "x"),), "must be an int"),
        ],
    )
    def test_constructor_rejects_non_trees(self, edges, needle):
        with pytest.raises(ValidationError, match=needle):
            Cascade(root=1, edges=edges)

    def test_cascade_is_frozen(self):
        (cascade,) = cascades_from(star(3))
        with pytest.raises(attrs.exceptions.FrozenInstanceError):
            cascade.root = 5  # type: ignore[misc]


class TestCascadeProperties:
    @given(trees())
    def test_linear_wiener_index_equals_brute_force(self, records):
        (cascade,) = cascades_from(records)
        assert cascade.wiener_index == brute_force_wiener(cascade.size, cascade.edges)

    @given(trees())
    def test_virality_lies_between_star_and_chain(self, records):
        (cascade,) = cascades_from(records)
        n = cascade.size
        if n == 1:
            assert cascade.structural_virality == 0.0
            return
        # star (n-1)^2 <= W <= chain n (n^2 - 1) / 6, i.e. 2(n-1)/n <= nu <= (n+1)/3
        assert (n - 1) ** 2 <= cascade.wiener_index <= n * (n * n - 1) // 6
        nu = cascade.structural_virality
        assert 2 * (n - 1) / n - 1e-12 <= nu <= (n + 1) / 3 + 1e-12
        assert 0 < nu <= n - 1

    @given(trees())
    def test_depth_and_breadth_match_a_bfs(self, records):
        (cascade,) = cascades_from(records)
        parent_of = dict(records)
        depths = {}
        for node in parent_of:
            depth, cur = 0, node
            while parent_of[cur] is not None:
                cur = parent_of[cur]
                depth += 1
            depths[node] = depth
        per_level = [0] * (max(depths.values()) + 1)
        for depth in depths.values():
            per_level[depth] += 1
        assert cascade.depth == max(depths.values())
        assert cascade.breadths == tuple(per_level)
        assert cascade.max_breadth == max(per_level)
        assert sum(cascade.breadths) == cascade.size == len(records)

    @given(forests(), st.randoms(use_true_random=False))
    def test_each_record_lands_in_one_cascade_whatever_the_order(self, records, rnd):
        result = cascades_from(records)
        shuffled = list(records)
        rnd.shuffle(shuffled)
        assert cascades_from(shuffled) == result
        roots = [node for node, parent in records if parent is None]
        assert sorted(c.root for c in result) == sorted(roots)
        assert sum(c.size for c in result) == len(records)
        all_nodes = [node for c in result for node in c.nodes]
        assert sorted(all_nodes) == sorted(node for node, _ in records)
        keys = [(-c.size, c.root) for c in result]
        assert keys == sorted(keys)
        # size per root equals the number of records whose parent chain ends there
        parent_of = dict(records)

        def root_of(node):
            while parent_of[node] is not None:
                node = parent_of[node]
            return node

        per_root = Counter(root_of(node) for node, _ in records)
        assert {c.root: c.size for c in result} == per_root

    @given(trees())
    def test_constructor_round_trip(self, records):
        (cascade,) = cascades_from(records)
        rebuilt = Cascade(root=cascade.root, edges=tuple(reversed(cascade.edges)))
        assert rebuilt == cascade
        assert (rebuilt.size, rebuilt.breadths, rebuilt.wiener_index) == (
            cascade.size,
            cascade.breadths,
            cascade.wiener_index,
        )


def test_cascade_to_networkx():
    import networkx as nx

    (cascade,) = cascades_from([(1, None), (2, 1), (3, 2)])
    digraph = to_networkx(cascade)
    assert sorted(digraph.edges) == [(1, 2), (2, 3)]
    # networkx agrees on the mean pairwise distance
    assert nx.average_shortest_path_length(digraph.to_undirected()) == pytest.approx(
        cascade.structural_virality
    )
    assert list(to_networkx(Cascade(root=5)).nodes) == [5]


def test_cascade_to_networkx_without_networkx(monkeypatch):
    monkeypatch.setitem(sys.modules, "networkx", None)
    with pytest.raises(ImportError, match="networkx"):
        to_networkx(Cascade(root=5))


# --------------------------------------------------------------------------- gini


class TestGini:
    def test_by_hand(self):
        # [1,2,3,4]: sum i*x_i = 1+4+9+16 = 30, sum = 10, n = 4:
        # 2*30/(4*10) - 5/4 = 1.5 - 1.25 = 0.25. Check: sum |xi - xj| over ordered
        # pairs = 2*(1+2+3+1+2+1) = 20; 20 / (2 n^2 mean) = 20 / (2*16*2.5) = 0.25.
        assert gini([4, 1, 3, 2]) == 0.25
        # floats [0.5, 1.5]: 2*(0.5 + 3)/(2*2) - 3/2 = 1.75 - 1.5 = 0.25
        assert gini([1.5, 0.5]) == pytest.approx(0.25)

    def test_equal_and_monopoly(self):
        assert gini([5, 5, 5]) == 0.0
        assert gini([0.1] * 10) == 0.0
        assert gini([0, 0, 0, 12]) == 0.75  # (n - 1) / n
        assert gini([0] * 99 + [1]) == 0.99

    def test_degenerate_inputs(self):
        assert gini([]) == 0.0
        assert gini([0, 0, 0]) == 0.0
        assert gini([0.0]) == 0.0
        assert gini([7]) == 0.0
        assert gini(iter([1, 3])) == gini([1, 3])

    @pytest.mark.parametrize("bad", [-1, -0.5, math.nan, math.inf, "3", None, True])
    def test_rejects_bad_amounts(self, bad):
        with pytest.raises(ValidationError, match="gini"):
            gini([1, bad])

    @given(st.lists(st.integers(0, 10**6), max_size=60))
    def test_equals_mean_absolute_difference_exactly(self, values):
        n = len(values)
        total = sum(values)
        if total == 0:
            assert gini(values) == 0.0
            return
        expected = Fraction(
            sum(abs(a - b) for a, b in itertools.product(values, repeat=2)), 2 * n * total
        )
        assert gini(values) == float(expected)

    @given(st.lists(st.integers(0, 10**6), min_size=1, max_size=60), st.randoms())
    def test_bounds_and_permutation_invariance(self, values, rnd):
        g = gini(values)
        n = len(values)
        assert 0.0 <= g <= (n - 1) / n < 1.0
        shuffled = list(values)
        rnd.shuffle(shuffled)
        assert gini(shuffled) == g

    @given(st.lists(st.integers(0, 10**6), min_size=1, max_size=60), st.integers(1, 10**6))
    def test_scale_invariance_exact_for_ints(self, values, factor):
        assert gini([v * factor for v in values]) == gini(values)

    @given(
        st.lists(st.floats(0, 1e6, allow_nan=False), min_size=1, max_size=60),
        st.floats(1e-3, 1e3),
    )
    def test_scale_invariance_for_floats(self, values, factor):
        g = gini(values)
        assert 0.0 <= g < 1.0
        assert gini([v * factor for v in values]) == pytest.approx(g, abs=1e-9)

    def test_exposure_gini_by_hand(self):
        # counts a=3, b=1, c=0, d=0 -> sorted [0, 0, 1, 3]: sum i*x = 3*1 + 4*3 = 15,
        # sum = 4: 2*15/(4*4) - 5/4 = 1.875 - 1.25 = 0.625
        keys = ["a", "b", "a", "a"]
        assert exposure_gini(keys, population=["a", "b", "c", "d"]) == 0.625
        # without the population only a and b count: [1, 3] -> 2*7/(2*4) - 3/2 = 0.25
        assert exposure_gini(keys) == 0.25
        assert exposure_gini([]) == 0.0


# --------------------------------------------------------------------------- in-network share


@attrs.frozen
class Impression:
    author: int
    in_network: bool


class TestInNetworkShare:
    def test_bools(self):
        assert in_network_share([True, False, True, True]) == 0.75

    def test_attribute(self):
        impressions = [Impression(1, True), Impression(2, False)]
        assert in_network_share(impressions) == 0.5

    def test_key(self):
        pairs = [("a", True), ("b", False), ("c", False), ("d", False)]
        assert in_network_share(pairs, key=lambda item: item[1]) == 0.25

    def test_graph_pairs(self):
        # 0 follows 1; impressions (viewer, author): (0,1) in, (0,2) out, (1,0) out,
        # (2,2) own post counts as in: 2 of 4.
        graph = FollowGraph(n=3, edges=[(0, 1)])
        assert in_network_share([(0, 1), (0, 2), (1, 0), (2, 2)], graph=graph) == 0.5

    def test_empty(self):
        assert in_network_share([]) == 0.0

    @pytest.mark.parametrize("item", [1, "yes", None, Impression(1, 1)])  # type: ignore[arg-type]
    def test_rejects_items_without_a_flag(self, item):
        with pytest.raises(ValidationError, match="in_network"):
            in_network_share([True, item])

    def test_rejects_a_key_returning_non_bool(self):
        with pytest.raises(ValidationError):
            in_network_share([1], key=lambda item: item)  # type: ignore[arg-type,return-value]

    def test_rejects_both_forms_and_bad_pairs(self):
        graph = FollowGraph(n=2, edges=[(0, 1)])
        with pytest.raises(ValidationError, match="not both"):
            in_network_share([], key=bool, graph=graph)
        with pytest.raises(ValidationError, match="pair"):
            in_network_share([(0, 1, 2)], graph=graph)
        with pytest.raises(NotFoundError):
            in_network_share([(0, 5)], graph=graph)

    @given(st.lists(st.booleans()))
    def test_share_is_the_fraction_of_trues(self, flags):
        share = in_network_share(flags)
        assert 0.0 <= share <= 1.0
        assert share == (sum(flags) / len(flags) if flags else 0.0)


# --------------------------------------------------------------------------- feed diversity


class TestFeedDiversity:
    def test_by_hand(self):
        # pages: {a, b} -> 2, {c} -> 1; the empty page is not a page shown: 3 / 2
        assert feed_diversity([["a", "a", "b"], ["c", "c", "c"], []]) == 1.5
        # {1, 2, 3} -> 3, {1} -> 1: mean 2.0
        assert feed_diversity([(1, 2, 3), (1, 1)]) == 2.0

    def test_no_pages(self):
        assert feed_diversity([]) == 0.0
        assert feed_diversity([[], ()]) == 0.0

    @pytest.mark.parametrize(("page", "needle"), [("abc", "not str"), (3, "not int")])
    def test_rejects_pages_that_are_not_sequences(self, page, needle):
        with pytest.raises(ValidationError, match=needle):
            feed_diversity([page])

    @given(st.lists(st.lists(st.integers(0, 5), max_size=10), min_size=1, max_size=10))
    def test_bounded_by_page_length(self, pages):
        value = feed_diversity(pages)
        shown = [p for p in pages if p]
        assert 0.0 <= value <= max(len(p) for p in pages)
        assert value == (feed_diversity(shown) if shown else 0.0)
        if shown:
            assert 1.0 <= value <= sum(len(p) for p in shown) / len(shown)


# --------------------------------------------------------------------------- engagement


T0 = datetime(2026, 1, 1, 9, 10, tzinfo=UTC)


class TestEngagementOverTime:
    def test_by_hand_with_empty_buckets(self):
        events = [
            (T0, "like"),  # 09:10 -> bucket 09:00
            (T0 + timedelta(minutes=45), "reply"),  # 09:55 -> 09:00
            (T0 + timedelta(hours=3), "like"),  # 12:10 -> 12:00
            (T0 + timedelta(minutes=50), "like"),  # 10:00 exactly -> 10:00
        ]
        series = engagement_over_time(events, bucket=timedelta(hours=1))
        assert series.kinds == ("like", "reply")
        assert [s.hour for s in series.starts] == [9, 10, 11, 12]
        assert series.counts == ((1, 1), (1, 0), (0, 0), (1, 0))
        assert series.series("like") == (1, 1, 0, 1)
        assert series.series("repost") == (0, 0, 0, 0)
        assert series.totals() == {"like": 3, "reply": 1}
        assert "buckets=4" in repr(series)

    def test_origin_shifts_the_boundaries(self):
        origin = datetime(2026, 1, 1, 0, 30, tzinfo=UTC)
        series = engagement_over_time([(T0, "like")], bucket=timedelta(hours=1), origin=origin)
        assert series.starts == (datetime(2026, 1, 1, 8, 30, tzinfo=UTC),)

    def test_other_time_zones_are_converted(self):
        plus_two = timezone(timedelta(hours=2))
        local = datetime(2026, 1, 1, 11, 10, tzinfo=plus_two)  # = 09:10 UTC
        series = engagement_over_time([(local, "like")], bucket=timedelta(hours=1))
        assert series.starts == (datetime(2026, 1, 1, 9, tzinfo=UTC),)
        assert series.starts[0].tzinfo is UTC

    def test_no_events(self):
        series = engagement_over_time([], bucket=timedelta(minutes=5))
        assert (series.kinds, series.starts, series.counts) == ((), (), ())
        assert series.totals() == {}

    @pytest.mark.parametrize("bucket", [timedelta(0), timedelta(seconds=-1), 60, None])
    def test_rejects_bad_buckets(self, bucket):
        with pytest.raises(ValidationError, match="bucket"):
            engagement_over_time([(T0, "like")], bucket=bucket)

    def test_rejects_naive_times(self):
        with pytest.raises(NaiveDatetimeError):
            engagement_over_time([(datetime(2026, 1, 1), "like")], bucket=timedelta(hours=1))
        with pytest.raises(NaiveDatetimeError):
            engagement_over_time([], bucket=timedelta(hours=1), origin=datetime(2026, 1, 1))

    @pytest.mark.parametrize(
        "event", [(T0,), (T0, "like", 1), ("2026-01-01", "like"), (T0, 3), "xy"]
    )
    def test_rejects_bad_events(self, event):
        with pytest.raises(ValidationError, match="event"):
            engagement_over_time([event], bucket=timedelta(hours=1))

    @given(
        offsets=st.lists(st.integers(0, 10**7), min_size=1, max_size=50),
        kinds=st.lists(st.sampled_from(["like", "repost", "reply"]), min_size=50, max_size=50),
        width=st.integers(10**4, 10**7),  # at most 1,001 buckets
    )
    def test_every_event_counted_once_in_its_bucket(self, offsets, kinds, width):
        bucket = timedelta(milliseconds=width)
        events = [(T0 + timedelta(milliseconds=o), k) for o, k in zip(offsets, kinds, strict=False)]
        series = engagement_over_time(events, bucket=bucket)
        assert sum(map(sum, series.counts)) == len(events)
        expected = Counter(((t - series.starts[0]) // bucket, k) for t, k in events)
        for index, row in enumerate(series.counts):
            assert row == tuple(expected[index, kind] for kind in series.kinds)
        for start, following in itertools.pairwise(series.starts):
            assert following - start == bucket
        for timestamp, kind in events:
            index = (timestamp - series.starts[0]) // bucket
            start = series.starts[index]
            assert start <= timestamp < start + bucket
            assert series.counts[index][series.kinds.index(kind)] >= 1
        assert series.starts[0] <= min(t for t, _ in events) < series.starts[0] + bucket
        assert series.starts[-1] <= max(t for t, _ in events) < series.starts[-1] + bucket


@given(
    st.lists(st.tuples(st.integers(0, 12), st.one_of(st.none(), st.integers(0, 12))), max_size=20),
    st.sampled_from(["raise", "as_root"]),
)
def test_arbitrary_parent_links_give_cascades_or_a_typed_error(records, mode):
    """Duplicates, cycles, self-parents and missing parents: never a crash."""
    try:
        result = cascades_from(records, missing_parents=mode)
    except ValidationError:
        return
    assert sum(c.size for c in result) == len(records)
    for cascade in result:
        assert cascade.wiener_index == brute_force_wiener(cascade.size, cascade.edges)
