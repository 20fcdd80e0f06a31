"""Degree distributions and a discrete power-law fit (Clauset, Shalizi & Newman 2009).

The public names are re-exported by :mod:`microblog_core.sim.graphs`.
"""

import math
from bisect import bisect_left
from collections import Counter
from collections.abc import Iterable, Sequence

import attrs

from microblog_core import _checks
from microblog_core.errors import ValidationError

# Bernoulli numbers B2, B4, ... B12 for the Euler-Maclaurin tail of the zeta sum.
_BERNOULLI = (1 / 6, -1 / 30, 1 / 42, -1 / 30, 5 / 66, -691 / 2730)


def _log_hurwitz_zeta(s: float, q: int) -> float:
    """Return ``ln ζ(s, q) = ln Σ_{k>=0} (k + q)^-s`` for ``s > 1`` and ``q >= 1``.

    The first terms are summed directly and the rest by Euler-Maclaurin, all
    scaled by ``q^s`` so that nothing underflows for large ``s``.
    """
    start = q + 10 + 2 * math.ceil(s)  # far enough out for the series to converge fast
    log_q = math.log(q)
    total = 0.0
    for x in range(q, start):
        total += math.exp(s * (log_q - math.log(x)))
    big_x = float(start)
    scale = math.exp(s * (log_q - math.log(big_x)))
    tail = big_x / (s - 1.0) + 0.5
    rising = s  # s (s + 1) ... (s + 2j - 2)
    factorial = 2.0  # (2j)!
    power = 1.0 / big_x  # X^(1 - 2j)
    for j, bernoulli in enumerate(_BERNOULLI, start=1):
        tail += bernoulli / factorial * rising * power
        rising *= (s + 2 * j - 1) * (s + 2 * j)
        factorial *= (2 * j + 1) * (2 * j + 2)
        power /= big_x * big_x
    return -s * log_q + math.log(total + scale * tail)


_ALPHA_FLOOR = 1.0 + 1e-9
_ALPHA_CEILING = 1024.0


@attrs.frozen
class PowerLawFit:
    """A discrete power-law fit ``P(k) = k^-exponent / ζ(exponent, k_min)`` for ``k >= k_min``.

    Attributes:
        k_min: The smallest value included in the fit (values below it are ignored).
        tail_size: How many values were ``>= k_min``.
        exponent: The maximum-likelihood exponent, or ``None`` when it does not
            exist (fewer than two values in the tail, or all of them equal to
            ``k_min``: the likelihood then grows without bound).
        stderr: The exponent's asymptotic standard error
            ``1 / sqrt(tail_size · d²/dα² ln ζ(α, k_min))``, or ``None``.
    """

    k_min: int
    tail_size: int
    exponent: float | None
    stderr: float | None


def fit_power_law(values: Iterable[int], *, k_min: int = 1) -> PowerLawFit:
    """Fit a discrete power law to ``values >= k_min`` by maximum likelihood.

    This is the discrete estimator of Clauset, Shalizi & Newman, "Power-law
    distributions in empirical data", SIAM Review 51(4), 2009, section 3.1:
    the exponent maximises ``L(α) = -n ln ζ(α, k_min) - α Σ ln k_i`` over the ``n``
    values ``k_i >= k_min``, where ``ζ`` is the Hurwitz zeta function. ``L`` is
    concave, so a golden-section search finds the maximum (to about 1e-9).
    The paper's closed-form approximation
    ``1 + n / Σ ln(k_i / (k_min - 1/2))`` agrees within about 1% for
    ``k_min >= 6``. ``k_min`` is given, not chosen: the paper picks it by
    minimising a Kolmogorov-Smirnov distance, which this function does not do.

    Args:
        values: Non-negative integers, such as degrees.
        k_min: The lower cut-off of the tail, at least 1.

    Returns:
        The fit; its ``exponent`` is ``None`` when no finite maximum exists.

    Raises:
        ValidationError: ``k_min < 1`` or a value is not a non-negative int.

    Example:
        >>> from microblog_core.sim.graphs import fit_power_law
        >>> fit = fit_power_law([1, 1, 1, 1, 2, 2, 3, 5, 9], k_min=1)
        >>> round(fit.exponent, 3), fit.tail_size
        (1.874, 9)
    """
    k_min = _checks.integer(k_min, "k_min", minimum=1)
    tail_size = 0
    log_sum = 0.0
    above = False
    for value in values:
        if isinstance(value, bool) or not isinstance(value, int) or value < 0:
            raise ValidationError(
                f"power-law values must be non-negative ints, got {_checks.quote(value)}",
                field="values",
                value=value,
            )
        if value >= k_min:
            tail_size += 1
            log_sum += math.log(value)
            above = above or value > k_min
    if tail_size < 2 or not above:
        return PowerLawFit(k_min=k_min, tail_size=tail_size, exponent=None, stderr=None)
    mean_log = log_sum / tail_size

    def log_likelihood(alpha: float) -> float:  # per value
        return -alpha * mean_log - _log_hurwitz_zeta(alpha, k_min)

    low, high = _ALPHA_FLOOR, 2.0
    while log_likelihood(high + 1e-6) > log_likelihood(high):  # still rising: widen
        if high >= _ALPHA_CEILING:
            return PowerLawFit(k_min=k_min, tail_size=tail_size, exponent=None, stderr=None)
        low, high = high, high * 2.0
    ratio = (math.sqrt(5.0) - 1.0) / 2.0
    a, b = low, high
    c, d = b - ratio * (b - a), a + ratio * (b - a)
    fc, fd = log_likelihood(c), log_likelihood(d)
    while b - a > 1e-10:
        if fc >= fd:
            b, d, fd = d, c, fc
            c = b - ratio * (b - a)
            fc = log_likelihood(c)
        else:
            a, c, fc = c, d, fd
            d = a + ratio * (b - a)
            fd = log_likelihood(d)
    alpha = (a + b) / 2.0
    step = min(1e-4, (alpha - 1.0) / 2.0)
    curvature = (
        _log_hurwitz_zeta(alpha + step, k_min)
        - 2.0 * _log_hurwitz_zeta(alpha, k_min)
        + _log_hurwitz_zeta(alpha - step, k_min)
    ) / (step * step)
    stderr = 1.0 / math.sqrt(tail_size * curvature) if curvature > 0.0 else None
    return PowerLawFit(k_min=k_min, tail_size=tail_size, exponent=alpha, stderr=stderr)


@attrs.frozen
class DegreeSummary:
    """The distribution of one kind of degree (in or out) over all nodes.

    Attributes:
        histogram: ``(degree, count)`` pairs for every degree that occurs,
            ascending by degree; zero-degree nodes are included.
        mean: Mean degree over all ``n`` nodes (``edge_count / n``).
        max: The largest degree.
        power_law: A discrete power-law fit of the degrees ``>= k_min``
            (see :func:`fit_power_law`).
    """

    histogram: tuple[tuple[int, int], ...]
    mean: float
    max: int
    power_law: PowerLawFit

    def count(self, degree: int) -> int:
        """Return how many nodes have exactly ``degree``."""
        index = bisect_left(self.histogram, (degree, 0))
        if index < len(self.histogram) and self.histogram[index][0] == degree:
            return self.histogram[index][1]
        return 0


@attrs.frozen
class DegreeDistribution:
    """In- and out-degree distributions of a :class:`FollowGraph`.

    Attributes:
        in_degree: Followers per node.
        out_degree: Followees per node.
    """

    in_degree: DegreeSummary
    out_degree: DegreeSummary


def _summarise(degrees: Sequence[int], k_min: int) -> DegreeSummary:
    histogram = tuple(sorted(Counter(degrees).items()))
    n = len(degrees)
    return DegreeSummary(
        histogram=histogram,
        mean=sum(degrees) / n,
        max=max(degrees),
        power_law=fit_power_law(degrees, k_min=k_min),
    )
