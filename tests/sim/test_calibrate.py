"""Calibration against the stylized facts of Goel et al. (2016)."""

import math

import pytest
from hypothesis import given
from hypothesis import strategies as st

from microblog_core.errors import ValidationError
from microblog_core.sim import SimulationConfig, simulate
from microblog_core.sim.calibrate import (
    GOEL_2016,
    Reference,
    calibrate,
    cascade_facts,
    spearman,
)
from microblog_core.sim.metrics import Cascade, cascades_from


def star(root, n):
    return Cascade(root, tuple((root, root + i) for i in range(1, n)))


def chain(root, n):
    return Cascade(root, tuple((root + i, root + i + 1) for i in range(n - 1)))


def test_spearman_by_hand_with_ties():
    # ranks x: 1, 2.5, 2.5, 4; y: 1, 2, 3, 4 -> Pearson of the ranks
    rx, ry = [1, 2.5, 2.5, 4], [1, 2, 3, 4]
    mx, my = sum(rx) / 4, sum(ry) / 4
    num = sum((a - mx) * (b - my) for a, b in zip(rx, ry, strict=True))
    den = math.sqrt(sum((a - mx) ** 2 for a in rx) * sum((b - my) ** 2 for b in ry))
    assert spearman([1, 2, 2, 3], [10, 20, 30, 40]) == pytest.approx(num / den)


def test_spearman_is_none_when_it_means_nothing():
    assert spearman([1, 2], [1, 2]) is None
    assert spearman([1, 1, 1], [1, 2, 3]) is None
    with pytest.raises(ValidationError):
        spearman([1, 2, 3], [1, 2])


@given(
    st.lists(st.tuples(st.integers(-1000, 1000), st.integers(-1000, 1000)), min_size=3, max_size=40)
)
def test_spearman_is_bounded_symmetric_and_rank_invariant(pairs):
    xs, ys = [p[0] for p in pairs], [p[1] for p in pairs]
    rho = spearman(xs, ys)
    if rho is None:
        return
    assert -1 - 1e-9 <= rho <= 1 + 1e-9
    assert spearman(ys, xs) == pytest.approx(rho)
    assert spearman([2 * x + 7 for x in xs], ys) == pytest.approx(rho)  # monotone transform


def test_cascade_facts_count_every_original():
    cascades = [Cascade(i) for i in range(1, 91)]
    cascades += [star(1000 + 100 * i, 12) for i in range(5)]
    cascades += [chain(5000 + 100 * i, 10 + i) for i in range(5)]
    facts = cascade_facts(cascades)
    assert facts.cascades == 100
    assert facts.share_size_one == pytest.approx(0.90)
    assert facts.share_size_10 == pytest.approx(0.10)
    assert facts.share_size_100 == 0.0
    assert facts.largest == 14
    # stars of 12 have virality 2*11/12; chains are far more viral
    assert facts.median_virality is not None
    assert facts.median_virality > 2 * 11 / 12
    assert facts.size_virality_spearman is not None


def test_cascade_facts_refuse_nothing_or_non_cascades():
    with pytest.raises(ValidationError):
        cascade_facts([])
    with pytest.raises(ValidationError):
        cascade_facts([Cascade(1), "cascade"])  # type: ignore[list-item]


def test_reference_bands():
    band = Reference("share_size_one", 0.9, 0.99, "")
    assert band.holds(0.95) is True
    assert band.holds(0.5) is False
    assert band.holds(None) is None
    assert Reference("x", None, 1.0, "").holds(-5.0) is True


def test_calibrating_a_run_equals_calibrating_its_cascades():
    result = simulate(SimulationConfig(accounts=150, hours=6, seed=5))
    try:
        from_result = calibrate(result)
        from_cascades = calibrate(cascades_from(result.cascade_records()))
    finally:
        result.close()
    assert from_result == from_cascades
    assert from_result.run.cascades == result.posts_of_kind("post") + result.posts_of_kind("reply")
    table = from_result.table().splitlines()
    assert table[0].split() == ["measure", "this", "run", "Goel", "et", "al.", "2016", "in", "band"]
    assert set(from_result.checks()) == {ref.measure for ref in GOEL_2016}


def test_real_cascades_get_their_own_column():
    real = [Cascade(i) for i in range(1, 20)] + [star(100, 30)]
    calibration = calibrate([Cascade(1), star(10, 3)], real=real)
    assert calibration.real is not None
    assert calibration.real.cascades == 20
    assert "real data" in calibration.table().splitlines()[0]
