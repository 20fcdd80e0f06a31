"""Tests for loading edge lists and exporting to networkx (microblog_core.sim.graphs)."""

import io
import sys
from collections import Counter

import pytest
from hypothesis import given
from hypothesis import strategies as st

from microblog_core.errors import NotFoundError, ValidationError
from microblog_core.sim.graphs import (
    FollowGraph,
    from_edge_pairs,
    read_edge_list,
    to_networkx,
)

# --------------------------------------------------------------------------- loading


class TestLoading:
    def test_labels_in_order_of_first_appearance(self):
        loaded = from_edge_pairs([(10, 20), (30, 10), (20, 30)])
        assert loaded.labels == (10, 20, 30)
        assert loaded.graph.edges == ((0, 1), (1, 2), (2, 0))
        assert loaded.node_of(30) == 2
        with pytest.raises(NotFoundError):
            loaded.node_of(40)

    def test_drops_loops_and_duplicates_with_counts(self):
        loaded = from_edge_pairs([("a", "b"), ("a", "a"), ("a", "b"), ("c", "c"), ("b", "a")])
        assert loaded.graph.edges == ((0, 1), (1, 0))
        assert loaded.labels == ("a", "b", "c")  # c occurs only in a dropped loop
        assert loaded.graph.n == 3
        assert loaded.self_loops_dropped == 2
        assert loaded.duplicates_dropped == 1
        assert "labels=<3 labels>" in repr(loaded)

    def test_raise_mode(self):
        with pytest.raises(ValidationError, match="pair 1: self-loop"):
            from_edge_pairs([("a", "b"), ("a", "a")], on_invalid="raise")
        with pytest.raises(ValidationError, match="pair 2: duplicate"):
            from_edge_pairs([("a", "b"), ("b", "a"), ("a", "b")], on_invalid="raise")
        with pytest.raises(ValidationError, match="on_invalid"):
            from_edge_pairs([("a", "b")], on_invalid="ignore")  # type: ignore[arg-type]

    @pytest.mark.parametrize("pairs", [[("a",)], [("a", "b", "c")], ["ab"], [3]])
    def test_refuses_non_pairs(self, pairs):
        with pytest.raises(ValidationError, match="pair 0"):
            from_edge_pairs(pairs)

    def test_refuses_empty_input(self):
        with pytest.raises(ValidationError, match="empty"):
            from_edge_pairs([])
        with pytest.raises(ValidationError, match="empty"):
            read_edge_list(io.StringIO("# nothing here\n\n"))

    def test_reads_text_with_comments_ints_and_strings(self):
        text = "# header\n\n0 1\n1\t2   # trailing comment\n  2 0\nalice 0\n007 alice\n"
        loaded = read_edge_list(io.StringIO(text))
        assert loaded.labels == (0, 1, 2, "alice", 7)
        assert loaded.graph.edges == ((0, 1), (1, 2), (2, 0), (3, 0), (4, 3))

    def test_delimiter(self):
        loaded = read_edge_list(io.StringIO("a, b\nb,c\n"), delimiter=",")
        assert loaded.labels == ("a", "b", "c")
        assert loaded.graph.edges == ((0, 1), (1, 2))

    def test_reads_a_path_and_leaves_streams_open(self, tmp_path):
        path = tmp_path / "edges.txt"
        path.write_text("1 2\n2 1\n1 2\n", encoding="utf-8")
        for source in (path, str(path)):
            loaded = read_edge_list(source)
            assert loaded.graph.edges == ((0, 1), (1, 0))
            assert loaded.duplicates_dropped == 1
        stream = io.StringIO("1 2\n")
        read_edge_list(stream)
        assert not stream.closed

    @pytest.mark.parametrize(
        ("text", "needle"),
        [
            ("1 2\n3\n", "line 2: expected two labels"),
            ("1 2\n\n1 2 0.5\n", "line 3: expected two labels"),
            ("1 2\n2 2\n", "line 2: self-loop"),
            ("1 2\n# x\n1 2\n", "line 3: duplicate"),
        ],
    )
    def test_text_errors_name_the_line(self, text, needle):
        with pytest.raises(ValidationError, match=needle):
            read_edge_list(io.StringIO(text), on_invalid="raise")

    def test_missing_file_is_an_os_error(self, tmp_path):
        with pytest.raises(OSError, match="no-such-file"):
            read_edge_list(tmp_path / "no-such-file.txt")

    @given(
        edges=st.lists(st.tuples(st.integers(0, 30), st.integers(0, 30)), min_size=1, max_size=60)
    )
    def test_text_round_trip_keeps_the_edge_set(self, edges):
        text = "".join(f"{a} {b}\n" for a, b in edges)
        loaded = read_edge_list(io.StringIO(text))
        labels = loaded.labels
        rebuilt = {(labels[a], labels[b]) for a, b in loaded.graph.edges}
        assert rebuilt == {(a, b) for a, b in edges if a != b}
        assert loaded.self_loops_dropped == sum(1 for a, b in edges if a == b)
        distinct = Counter((a, b) for a, b in edges if a != b)
        assert loaded.duplicates_dropped == sum(c - 1 for c in distinct.values())
        assert loaded == from_edge_pairs(edges)


# --------------------------------------------------------------------------- networkx


def test_to_networkx_keeps_nodes_and_direction():
    import networkx as nx

    graph = FollowGraph(n=4, edges=[(0, 1), (2, 1)])
    digraph = to_networkx(graph)
    assert isinstance(digraph, nx.DiGraph)
    assert sorted(digraph.nodes) == [0, 1, 2, 3]  # isolated node 3 included
    assert sorted(digraph.edges) == [(0, 1), (2, 1)]
    assert digraph.in_degree(1) == 2


def test_to_networkx_without_networkx_says_how_to_install(monkeypatch):
    monkeypatch.setitem(sys.modules, "networkx", None)  # makes `import networkx` fail
    with pytest.raises(ImportError, match=r"microblog-core\[networkx\]"):
        to_networkx(FollowGraph(n=2, edges=[(0, 1)]))
