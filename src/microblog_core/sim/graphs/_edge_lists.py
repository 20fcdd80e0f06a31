"""Edge lists in and out of a :class:`FollowGraph`: loading real data, exporting to networkx.

The public names are re-exported by :mod:`microblog_core.sim.graphs`.
"""

import os
from collections.abc import Hashable, Iterable, Sequence
from pathlib import Path
from typing import TYPE_CHECKING, Any, Literal, TextIO

import attrs

from microblog_core import _checks
from microblog_core.errors import NotFoundError, ValidationError
from microblog_core.sim.graphs._graph import Edge, FollowGraph, _from_codes

if TYPE_CHECKING:
    import networkx as nx


OnInvalid = Literal["drop", "raise"]


@attrs.frozen(repr=False)
class LoadedGraph:
    """A graph read from labelled edges, with its labels and what was dropped.

    Attributes:
        graph: The graph; node ``i`` is ``labels[i]``.
        labels: The original labels in order of first appearance.
        self_loops_dropped: Edges ``(x, x)`` left out.
        duplicates_dropped: Repeated edges left out (the first one is kept).
    """

    graph: FollowGraph
    labels: tuple[Hashable, ...]
    self_loops_dropped: int = 0
    duplicates_dropped: int = 0
    _index: dict[Hashable, int] | None = attrs.field(default=None, init=False, eq=False, hash=False)

    def node_of(self, label: Hashable) -> int:
        """Return the node number of ``label``.

        Raises:
            NotFoundError: the label did not occur.
        """
        index = self._index
        if index is None:
            index = {name: node for node, name in enumerate(self.labels)}
            object.__setattr__(self, "_index", index)
        try:
            return index[label]
        except KeyError:
            raise NotFoundError("label", label) from None

    def __repr__(self) -> str:
        return (
            f"LoadedGraph(graph={self.graph!r}, labels=<{len(self.labels)} labels>, "
            f"self_loops_dropped={self.self_loops_dropped}, "
            f"duplicates_dropped={self.duplicates_dropped})"
        )


class _EdgeCollector:
    """Maps labels to dense ints and gathers edges, dropping or refusing bad ones."""

    def __init__(self, on_invalid: str) -> None:
        if on_invalid not in {"drop", "raise"}:
            raise ValidationError(
                f"on_invalid must be 'drop' or 'raise', got {_checks.quote(on_invalid)}",
                field="on_invalid",
                value=on_invalid,
            )
        self.raise_on_invalid = on_invalid == "raise"
        self.index: dict[Hashable, int] = {}
        self.edges: list[Edge] = []
        self.seen: set[Edge] = set()
        self.self_loops = 0
        self.duplicates = 0

    def node(self, label: Hashable) -> int:
        index = self.index
        node = index.get(label)
        if node is None:
            node = index[label] = len(index)
        return node

    def add(self, follower: int, followee: int) -> str | None:
        """Record a follow between nodes; return why it was refused, if it was."""
        if follower == followee:
            if self.raise_on_invalid:
                return "self-loop"
            self.self_loops += 1
            return None
        edge = (follower, followee)
        seen = self.seen
        if edge in seen:
            if self.raise_on_invalid:
                return "duplicate edge"
            self.duplicates += 1
            return None
        seen.add(edge)
        self.edges.append(edge)
        return None

    @staticmethod
    def refusal(
        problem: str, where: str, follower: Hashable, followee: Hashable
    ) -> ValidationError:
        why = (
            "nobody follows themselves (pass on_invalid='drop' to skip such edges)"
            if problem == "self-loop"
            else "a follow is made once (pass on_invalid='drop' to keep only the first)"
        )
        return ValidationError(
            f"{where}: {problem} {_checks.quote(follower)} -> {_checks.quote(followee)}; {why}",
            field="edges",
            value=(follower, followee),
        )

    def result(self) -> LoadedGraph:
        n = len(self.index)
        if n == 0:
            raise ValidationError(
                "the edge list is empty: a graph needs at least one node",
                field="edges",
                value=None,
            )
        return LoadedGraph(
            graph=_from_codes(n, [a * n + b for a, b in self.edges]),
            labels=tuple(self.index),
            self_loops_dropped=self.self_loops,
            duplicates_dropped=self.duplicates,
        )


def from_edge_pairs(
    pairs: Iterable[tuple[Hashable, Hashable]], *, on_invalid: OnInvalid = "drop"
) -> LoadedGraph:
    """Build a graph from ``(follower, followee)`` pairs of arbitrary labels.

    Labels (ints, strings, any hashable) become the nodes ``0, 1, 2 ...`` in
    order of first appearance, reading each pair left to right; an int label
    is mapped like any other, so ``[(10, 20)]`` gives nodes 0 and 1 with
    ``labels == (10, 20)``. A label seen only in a dropped self-loop is still
    a node.

    Args:
        pairs: The follows.
        on_invalid: ``"drop"`` self-loops and repeated pairs, counting them,
            or ``"raise"`` on the first one.

    Returns:
        The graph with its labels and drop counts.

    Raises:
        ValidationError: an item is not a pair, there are no pairs, or (with
            ``on_invalid="raise"``) a self-loop or duplicate occurs.

    Example:
        >>> from microblog_core.sim.graphs import from_edge_pairs
        >>> loaded = from_edge_pairs([("ann", "bob"), ("bob", "ann"), ("ann", "bob")])
        >>> loaded.graph.edges, loaded.labels, loaded.duplicates_dropped
        (((0, 1), (1, 0)), ('ann', 'bob'), 1)
    """
    collector = _EdgeCollector(on_invalid)
    index = collector.index
    add = collector.add
    for position, pair in enumerate(pairs):
        if (
            len(pair) != 2
            if type(pair) is tuple
            else isinstance(pair, str | bytes) or not isinstance(pair, Sequence) or len(pair) != 2
        ):
            raise ValidationError(
                f"pair {position}: expected a (follower, followee) pair, got {_checks.quote(pair)}",
                field="pairs",
                value=pair,
            )
        follower, followee = pair
        a = index.get(follower)
        if a is None:
            a = index[follower] = len(index)
        b = index.get(followee)
        if b is None:
            b = index[followee] = len(index)
        problem = add(a, b)
        if problem:
            raise collector.refusal(problem, f"pair {position}", follower, followee)
    return collector.result()


def _label(token: str) -> int | str:
    body = token[1:] if token[:1] in {"-", "+"} else token
    if body.isascii() and body.isdigit():
        return int(token)
    return token


def read_edge_list(
    source: str | os.PathLike[str] | TextIO,
    *,
    on_invalid: OnInvalid = "drop",
    delimiter: str | None = None,
) -> LoadedGraph:
    r"""Read a graph from a text edge list: one ``follower followee`` pair per line.

    ``#`` starts a comment (whole line or trailing); blank lines are skipped.
    Fields are split on whitespace, or on ``delimiter`` (such as ``","``) when
    given, and stripped. A field made of ASCII digits (with an optional sign)
    is the int label it spells (so ``007`` and ``7`` are the same label);
    any other field is a string label. Labels become nodes in order of first
    appearance, as in :func:`from_edge_pairs` (SNAP-style files with ids
    ``0 .. n - 1`` listed in order keep their numbers).

    Args:
        source: A path, or an open text stream (read, not closed).
        on_invalid: ``"drop"`` self-loops and repeated edges, counting them,
            or ``"raise"`` on the first one.
        delimiter: Field separator; ``None`` splits on runs of whitespace.

    Returns:
        The graph with its labels and drop counts.

    Raises:
        ValidationError: the file is not UTF-8 text, a line does not have
            exactly two fields, the file has no edge, or (with
            ``on_invalid="raise"``) a self-loop or duplicate occurs; the message
            gives the line number.
        OSError: the path cannot be read.

    Example:
        >>> import io
        >>> from microblog_core.sim.graphs import read_edge_list
        >>> text = "# who follows whom\nalice bob\nbob carol  # mutual later\ncarol carol\n"
        >>> loaded = read_edge_list(io.StringIO(text))
        >>> loaded.graph.edges, loaded.self_loops_dropped
        (((0, 1), (1, 2)), 1)
    """
    collector = _EdgeCollector(on_invalid)
    try:
        if isinstance(source, str | os.PathLike):
            with Path(source).open(encoding="utf-8") as stream:
                _read_lines(stream, collector, delimiter)
        else:
            _read_lines(source, collector, delimiter)
    except UnicodeDecodeError as exc:  # a binary or latin-1 file
        raise ValidationError(
            f"an edge list must be UTF-8 text; byte {exc.start} is not ({exc.reason})",
            field="source",
            value=_checks.quote(source),
        ) from None
    return collector.result()


def _read_lines(stream: Iterable[str], collector: _EdgeCollector, delimiter: str | None) -> None:
    nodes: dict[str, int] = {}  # token -> node: each distinct token is parsed once
    add = collector.add
    for number, raw in enumerate(stream, start=1):
        line = raw[: raw.index("#")] if "#" in raw else raw
        fields = line.split(delimiter)
        if delimiter is not None:
            if not line.strip():
                continue
            fields = [field.strip() for field in fields]
        elif not fields:
            continue
        if len(fields) != 2 or not fields[0] or not fields[1]:
            raise ValidationError(
                f"line {number}: expected two labels ('follower followee'), got "
                f"{_checks.quote(raw.rstrip())}",
                field="line",
                value=number,
            )
        first, second = fields
        follower = nodes.get(first)
        if follower is None:
            follower = nodes[first] = collector.node(_label(first))
        followee = nodes.get(second)
        if followee is None:
            followee = nodes[second] = collector.node(_label(second))
        problem = add(follower, followee)
        if problem:
            raise collector.refusal(problem, f"line {number}", _label(first), _label(second))


def _networkx() -> Any:
    try:
        import networkx as nx
    except ImportError as error:
        raise ImportError(
            "to_networkx() needs the optional networkx package: "
            "pip install 'microblog-core[networkx]'"
        ) from error
    return nx


def to_networkx(graph: FollowGraph) -> "nx.DiGraph":
    """Export a follower graph as a ``networkx.DiGraph`` (edge ``a -> b``: a follows b).

    networkx is an optional dependency, imported only here.

    Args:
        graph: The graph; all ``n`` nodes are added, isolated ones too.

    Returns:
        A new ``networkx.DiGraph``.

    Raises:
        ImportError: networkx is not installed.
    """
    digraph = _networkx().DiGraph()
    digraph.add_nodes_from(range(graph.n))
    digraph.add_edges_from(graph.edges)
    return digraph
