"""Polarization measures over a stance axis: spread, bimodality, exposure, assortativity.

All functions are pure and linear in their input.

* :func:`stance_variance` -- the population variance of stances on [-1, 1]
  (0: consensus; 1: two equal camps at -1 and +1);
* :func:`bimodality_coefficient` -- Sarle's bimodality coefficient, as
  recommended by Pfister et al. ("Good things peak in pairs", *Frontiers in
  Psychology* 4:700, 2013): above 5/9 suggests two modes;
* :func:`cross_cutting_share` -- the share of exposures whose content lies
  on the other side of the axis from the viewer (Bakshy, Messing & Adamic,
  "Exposure to ideologically diverse news and opinion on Facebook",
  *Science* 348, 2015);
* :func:`stance_assortativity` -- Newman's scalar assortativity (*Phys. Rev.
  E* 67, 026126, 2003) of the follow network by stance: the Pearson
  correlation of the follower's and the followee's stance over follows
  (positive: people follow those who think alike).

:class:`StanceSnapshot` holds them at one instant; a simulation with a
stance agent records one at the start, every simulated hour and at the end.

Example:
    >>> from microblog_core.sim.polarization import bimodality_coefficient, stance_variance
    >>> camps = [-0.9, -0.8, -0.7, 0.7, 0.8, 0.9] * 3
    >>> round(stance_variance(camps), 4), bimodality_coefficient(camps) > 5 / 9
    (0.6467, True)
    >>> bimodality_coefficient([-0.2, -0.1, 0.0, 0.0, 0.1, 0.2, 0.0, 0.05, -0.05]) < 5 / 9
    True
"""

import math
from collections.abc import Iterable, Sequence, Set
from datetime import datetime

from attrs import frozen

__all__ = [
    "BIMODAL_THRESHOLD",
    "StanceSnapshot",
    "bimodality_coefficient",
    "cross_cutting_share",
    "stance_assortativity",
    "stance_variance",
]

BIMODAL_THRESHOLD = 5 / 9
"""The bimodality coefficient of a uniform distribution; above it suggests two modes."""


def stance_variance(stances: Sequence[float]) -> float:
    """Return the population variance of ``stances`` (0.0 for none)."""
    n = len(stances)
    if not n:
        return 0.0
    mean = math.fsum(stances) / n
    return math.fsum((x - mean) ** 2 for x in stances) / n


def bimodality_coefficient(stances: Sequence[float]) -> float:
    """Return Sarle's bimodality coefficient of ``stances``.

    ``BC = (G1**2 + 1) / (G2 + 3 (n - 1)**2 / ((n - 2)(n - 3)))`` with ``G1``
    the sample skewness and ``G2`` the sample excess kurtosis, both corrected
    for sample size (Pfister et al. 2013, eq. 1). A uniform distribution
    gives 5/9, a normal one 1/3, two separated camps approach 1.

    Returns:
        The coefficient; 0.0 for fewer than 4 values or no spread at all.
    """
    n = len(stances)
    if n < 4:
        return 0.0
    if min(stances) == max(stances):
        # No spread. Tested first: the mean of equal values can be off by a
        # rounding, and moments of that rounding are noise, not a shape.
        return 0.0
    mean = math.fsum(stances) / n
    m2 = math.fsum((x - mean) ** 2 for x in stances) / n
    if m2 <= 1e-300:
        return 0.0
    m3 = math.fsum((x - mean) ** 3 for x in stances) / n
    m4 = math.fsum((x - mean) ** 4 for x in stances) / n
    g1 = m3 / (m2 * math.sqrt(m2))
    g2 = m4 / (m2 * m2) - 3.0
    skew = g1 * math.sqrt(n * (n - 1)) / (n - 2)
    kurt = ((n + 1) * g2 + 6.0) * (n - 1) / ((n - 2) * (n - 3))
    return (skew * skew + 1.0) / (kurt + 3.0 * (n - 1) ** 2 / ((n - 2) * (n - 3)))


def cross_cutting_share(pairs: Iterable[tuple[float, float]]) -> float:
    """Return the share of ``(viewer_stance, content_stance)`` exposures that cut across.

    An exposure is cross-cutting when the two stances have opposite signs; a
    stance of exactly 0 is on neither side. Exposures whose content has no
    stance (NaN) are left out.

    Returns:
        The share, 0.0 when there is no exposure.
    """
    cross = total = 0
    for viewer, content in pairs:
        if math.isnan(content):  # no stance
            continue
        total += 1
        if viewer * content < 0.0:
            cross += 1
    return cross / total if total else 0.0


def stance_assortativity(stances: Sequence[float], following: Sequence[Set[int]]) -> float:
    """Return the follow network's assortativity by stance (Newman 2003, directed).

    The Pearson correlation between the stance at the follower end and at
    the followee end, over all follows: +1 when everyone follows only those
    of the same stance, near 0 for follows blind to stance.

    Args:
        stances: Each node's stance.
        following: For each node, the nodes it follows.

    Returns:
        The coefficient in [-1, 1]; 0.0 with no follows or no spread at either end.
    """
    m = 0
    sx = sy = sxx = syy = sxy = 0.0
    get = stances.__getitem__
    squares = [x * x for x in stances]
    get_square = squares.__getitem__
    for follower, followees in enumerate(following):
        k = len(followees)
        if not k:
            continue
        x = stances[follower]
        total = sum(map(get, followees))
        m += k
        sx += k * x
        sxx += k * squares[follower]
        sy += total
        syy += sum(map(get_square, followees))
        sxy += x * total
    if not m:
        return 0.0
    var_x = sxx / m - (sx / m) ** 2
    var_y = syy / m - (sy / m) ** 2
    if var_x <= 1e-12 or var_y <= 1e-12:
        return 0.0
    r = (sxy / m - (sx / m) * (sy / m)) / math.sqrt(var_x * var_y)
    return max(-1.0, min(1.0, r))


@frozen
class StanceSnapshot:
    """The stance measures at one instant of a run.

    Attributes:
        time: When they were taken.
        mean: The mean stance.
        variance: :func:`stance_variance`.
        bimodality: :func:`bimodality_coefficient`.
        assortativity: :func:`stance_assortativity` of the follows at that time.
        cross_cutting: Cross-cutting exposures since the previous snapshot.
        exposures: Exposures to content with a stance since the previous snapshot.
    """

    time: datetime
    mean: float
    variance: float
    bimodality: float
    assortativity: float
    cross_cutting: int
    exposures: int

    @property
    def cross_cutting_share(self) -> float:
        """The share of this interval's exposures that were cross-cutting (0.0 for none)."""
        return self.cross_cutting / self.exposures if self.exposures else 0.0

    @classmethod
    def measure(
        cls,
        time: datetime,
        stances: Sequence[float],
        following: Sequence[Set[int]],
        *,
        cross_cutting: int = 0,
        exposures: int = 0,
    ) -> "StanceSnapshot":
        """Take the measures of ``stances`` and the follows in ``following`` at ``time``."""
        n = len(stances)
        return cls(
            time=time,
            mean=math.fsum(stances) / n if n else 0.0,
            variance=stance_variance(stances),
            bimodality=bimodality_coefficient(stances),
            assortativity=stance_assortativity(stances, following),
            cross_cutting=cross_cutting,
            exposures=exposures,
        )
