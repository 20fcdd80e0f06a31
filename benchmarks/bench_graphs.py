"""Benchmark the pure-Python graph generators of microblog_core.sim.graphs.

Times Barabási-Albert and Holme-Kim at 100,000 nodes with m = 10 (about a
million follows each), plus the directed scale-free and configuration
models, and, when networkx is installed, networkx.barabasi_albert_graph and
networkx.powerlaw_cluster_graph with the same sizes in the same run, printing
the ratio (networkx time / ours: above 1 means we are faster).

    .venv/bin/python benchmarks/bench_graphs.py [--nodes 100000] [--m 10] [--repeat 1]
"""

import argparse
import random
import time
from collections.abc import Callable

from microblog_core.sim.graphs import (
    FollowGraph,
    barabasi_albert,
    configuration_model,
    directed_scale_free,
    holme_kim,
)


def best_of(repeat: int, make: Callable[[], object]) -> tuple[float, object]:
    best = float("inf")
    result: object = None
    for _ in range(repeat):
        start = time.perf_counter()
        result = make()
        best = min(best, time.perf_counter() - start)
    return best, result


def edges_of(result: object) -> int:
    if isinstance(result, FollowGraph):
        return result.edge_count
    return int(result.number_of_edges())  # type: ignore[attr-defined]


def report(name: str, seconds: float, edges: int, baseline: float | None = None) -> None:
    line = f"{name:<44} {seconds:8.3f} s  {edges:>10,} edges  {edges / seconds:>12,.0f} edges/s"
    if baseline is not None:
        line += f"  networkx/ours = {baseline / seconds:5.2f}x"
    print(line)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--nodes", type=int, default=100_000)
    parser.add_argument("--m", type=int, default=10)
    parser.add_argument("--p", type=float, default=0.5, help="Holme-Kim triad probability")
    parser.add_argument("--repeat", type=int, default=1, help="best of this many runs")
    args = parser.parse_args()
    n, m, p, repeat = args.nodes, args.m, args.p, args.repeat

    try:
        import networkx as nx
    except ImportError:
        nx = None
        print("networkx not installed: no baseline (pip install 'microblog-core[networkx]')")

    print(f"n = {n:,}, m = {m}, p = {p}, best of {repeat}")

    ours_ba, graph = best_of(repeat, lambda: barabasi_albert(n, m, rng=random.Random(1)))
    ours_ba_edges = edges_of(graph)
    ours_hk, graph = best_of(repeat, lambda: holme_kim(n, m, p, rng=random.Random(1)))
    ours_hk_edges = edges_of(graph)

    nx_ba = nx_hk = None
    if nx is not None:
        nx_ba, nx_graph = best_of(repeat, lambda: nx.barabasi_albert_graph(n, m, seed=1))
        report("networkx.barabasi_albert_graph", nx_ba, edges_of(nx_graph))
        nx_hk, nx_graph = best_of(repeat, lambda: nx.powerlaw_cluster_graph(n, m, p, seed=1))
        report("networkx.powerlaw_cluster_graph", nx_hk, edges_of(nx_graph))

    report("sim.graphs.barabasi_albert", ours_ba, ours_ba_edges, nx_ba)
    report("sim.graphs.holme_kim", ours_hk, ours_hk_edges, nx_hk)

    seconds, graph = best_of(repeat, lambda: directed_scale_free(n, rng=random.Random(1)))
    report("sim.graphs.directed_scale_free", seconds, edges_of(graph))
    if nx is not None:
        nx_seconds, nx_graph = best_of(repeat, lambda: nx.scale_free_graph(n, seed=1))
        print(
            f"{'networkx.scale_free_graph (multigraph)':<44} {nx_seconds:8.3f} s  "
            f"{edges_of(nx_graph):>10,} edges  networkx/ours = {nx_seconds / seconds:5.2f}x"
        )

    assert isinstance(graph, FollowGraph)
    ins, outs = graph.in_degrees, graph.out_degrees
    seconds, graph = best_of(repeat, lambda: configuration_model(ins, outs, rng=random.Random(1)))
    report("sim.graphs.configuration_model (DSF degrees)", seconds, edges_of(graph))

    ba = barabasi_albert(n, m, rng=random.Random(1))
    start = time.perf_counter()
    ba.degree_distribution(k_min=m)
    report("FollowGraph.degree_distribution (BA)", time.perf_counter() - start, ba.edge_count)


if __name__ == "__main__":
    main()
