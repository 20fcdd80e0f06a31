"""Tests for the microblog_core.sim package surface."""

import pytest

import microblog_core.sim as sim
from microblog_core.errors import ValidationError
from microblog_core.sim import graphs, metrics


def test_all_is_sorted_and_complete():
    for module in (sim, graphs, metrics):
        assert list(module.__all__) == sorted(module.__all__)
        for name in module.__all__:
            assert hasattr(module, name), f"{module.__name__} lacks {name}"
    public = (set(graphs.__all__) | set(metrics.__all__)) - {"to_networkx"}
    assert public <= set(sim.__all__)
    assert "to_networkx" in sim.__all__


def test_to_networkx_dispatches_on_the_value():
    graph = sim.FollowGraph(n=3, edges=[(0, 1)])
    assert sorted(sim.to_networkx(graph).nodes) == [0, 1, 2]
    (cascade,) = sim.cascades_from([(7, None), (8, 7)])
    assert list(sim.to_networkx(cascade).edges) == [(7, 8)]


def test_to_networkx_refuses_other_values():
    with pytest.raises(ValidationError, match="FollowGraph or a Cascade"):
        sim.to_networkx([(0, 1)])  # type: ignore[call-overload]
