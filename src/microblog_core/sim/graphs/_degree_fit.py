"""Degree distributions and a discrete power-law fit (Clauset, Shalizi & Newman 2009).

The public names are re-exported by :mod:`microblog_core.sim.graphs`.
"""

import math
import random
from bisect import bisect_left
from collections import Counter
from collections.abc import Callable, Iterable, Sequence

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


# --------------------------------------------------------------------------- CSN


GOODNESS_SAMPLES = 100
"""Bootstrap samples :func:`fit_power_law_csn` draws for its goodness-of-fit p-value by default.

Clauset, Shalizi & Newman (2009, section 4.1) ask for about 2,500 samples for
a p-value accurate to 0.01; 100 give it to about 0.05, enough to tell a
plausible power law (p > 0.1) from a rejected one in a report.
"""


@attrs.frozen
class LikelihoodRatio:
    """Vuong's likelihood-ratio test of the power law against another tail.

    Attributes:
        alternative: ``"lognormal"`` or ``"exponential"``.
        ratio: ``R = Σ ln p_pl(k_i) - ln p_alt(k_i)`` over the tail: positive
            favours the power law.
        normalised: ``R / (sqrt(n) σ)``, ``σ`` the standard deviation of the
            pointwise log ratios; asymptotically standard normal.
        p_value: ``erfc(|normalised| / sqrt(2))``: the chance of a ratio this far
            from 0 if both fitted equally well. Small: the sign of ``ratio`` is
            meaningful; large: the data cannot tell the two apart.
    """

    alternative: str
    ratio: float
    normalised: float
    p_value: float


@attrs.frozen
class PowerLawTest:
    """A full Clauset-Shalizi-Newman analysis (see :func:`fit_power_law_csn`).

    Attributes:
        fit: The power-law fit at the chosen ``k_min``.
        ks_distance: The Kolmogorov-Smirnov distance between the tail and the fit.
        p_value: The bootstrap goodness-of-fit p-value, or ``None`` when no
            samples were asked for.
        samples: The number of bootstrap samples behind ``p_value``.
        lognormal: The comparison with a lognormal tail, or ``None``.
        exponential: The comparison with an exponential tail, or ``None``.
    """

    fit: PowerLawFit
    ks_distance: float
    p_value: float | None
    samples: int
    lognormal: LikelihoodRatio | None
    exponential: LikelihoodRatio | None

    @property
    def k_min(self) -> int:
        """The chosen lower cut-off."""
        return self.fit.k_min

    @property
    def exponent(self) -> float | None:
        """The fitted exponent."""
        return self.fit.exponent

    @property
    def stderr(self) -> float | None:
        """The exponent's standard error."""
        return self.fit.stderr


def _check_values(values: Iterable[int]) -> list[int]:
    checked = []
    for value in values:
        if isinstance(value, bool) or not isinstance(value, int) or value < 0:
            raise ValidationError(
                f"power-law values must be non-negative ints, got {_checks.quote(value)}",
                field="values",
                value=value,
            )
        checked.append(value)
    return checked


def _ks_distance(tail: Sequence[int], fit: PowerLawFit, give_up: float = math.inf) -> float:
    """Return ``max |S(k) - P(k)|`` over the tail's distinct values, with CDFs ``P(X < k)``.

    ``tail`` is sorted and ``>= fit.k_min``; this is the distance the
    ``powerlaw`` package computes for a discrete fit. Both CDFs rise to 1, so
    once both exceed ``1 - distance`` no later value can add to the distance
    and the walk stops; it also stops once the distance reaches ``give_up``
    (the caller has a better fit already), returning a value ``>= give_up``.
    """
    alpha = fit.exponent
    assert alpha is not None  # noqa: S101  (callers pass a finite fit)
    n = len(tail)
    log_norm = _log_hurwitz_zeta(alpha, fit.k_min)
    distance = 0.0
    index = 0
    while index < n:
        value = tail[index]
        empirical = index / n
        model = 1.0 - math.exp(_log_hurwitz_zeta(alpha, value) - log_norm)
        distance = max(distance, abs(model - empirical))
        if distance >= give_up or 1.0 - min(model, empirical) <= distance:
            break
        index = bisect_left(tail, value + 1, lo=index)
    return distance


def _scan(data: Sequence[int]) -> tuple[PowerLawFit, float] | None:
    """Fit every candidate ``k_min`` and keep the fit nearest its tail in KS distance.

    The candidates are the distinct positive values but the largest; ``data`` is sorted.
    """
    distinct = sorted({value for value in data if value >= 1})
    best: tuple[PowerLawFit, float] | None = None
    for k_min in distinct[:-1]:
        tail = data[bisect_left(data, k_min) :]
        fit = fit_power_law(tail, k_min=k_min)
        if fit.exponent is None:
            continue
        distance = _ks_distance(tail, fit, math.inf if best is None else best[1])
        if best is None or distance < best[1]:
            best = (fit, distance)
    return best


def _power_law_sample(n: int, fit: PowerLawFit, rng: random.Random) -> list[int]:
    # Clauset et al. (2009), appendix D: the continuous approximation
    # floor((k_min - 1/2) (1 - r)^(-1/(α - 1)) + 1/2), within 1% of exact for k_min >= 2.
    alpha = fit.exponent
    assert alpha is not None  # noqa: S101
    shift = fit.k_min - 0.5
    power = -1.0 / (alpha - 1.0)
    rnd = rng.random
    cap = 2**62  # a draw of r near 1 must not overflow int()
    return [min(cap, int(shift * (1.0 - rnd()) ** power + 0.5)) for _ in range(n)]


def _goodness(
    data: Sequence[int], fit: PowerLawFit, distance: float, samples: int, seed: int
) -> float:
    """The share of synthetic data sets whose own best fit is at least as far as ours."""
    rng = random.Random(seed)
    n = len(data)
    below = data[: bisect_left(data, fit.k_min)]
    p_tail = fit.tail_size / n
    worse = 0
    for _ in range(samples):
        tail_count = sum(1 for _ in range(n) if rng.random() < p_tail)
        synthetic = _power_law_sample(tail_count, fit, rng)
        if below:
            synthetic += [below[int(rng.random() * len(below))] for _ in range(n - tail_count)]
        synthetic.sort()
        best = _scan(synthetic)
        if best is None or best[1] >= distance:
            worse += 1
    return worse / samples


def _log_power_law(tail: Sequence[int], fit: PowerLawFit) -> list[float]:
    alpha = fit.exponent
    assert alpha is not None  # noqa: S101
    log_norm = _log_hurwitz_zeta(alpha, fit.k_min)
    return [-alpha * math.log(k) - log_norm for k in tail]


def _log_exponential(tail: Sequence[int], k_min: int) -> list[float] | None:
    # Discrete exponential p(k) = (1 - e^-λ) e^(-λ (k - k_min)); MLE λ = ln(1 + 1 / (mean - k_min)).
    excess = sum(tail) / len(tail) - k_min
    if excess <= 0.0:
        return None
    rate = math.log1p(1.0 / excess)
    log_norm = math.log(-math.expm1(-rate))
    return [log_norm - rate * (k - k_min) for k in tail]


def _log_normal_cdf_upper(z: float) -> float:
    """``ln P(Z > z)`` for a standard normal ``Z``, stable far in both tails."""
    if z < 5.0:
        return math.log(0.5 * math.erfc(z / math.sqrt(2.0)))
    # Asymptotic series of the Mills ratio.
    inverse = 1.0 / (z * z)
    series = 1.0 - inverse + 3.0 * inverse * inverse - 15.0 * inverse**3
    return -0.5 * z * z - math.log(z * math.sqrt(2.0 * math.pi)) + math.log(series)


def _lognormal_log_likelihoods(
    values: Sequence[int], k_min: int, mu: float, sigma: float
) -> list[float]:
    """Log-probabilities of a lognormal discretised by rounding, above ``k_min``.

    ``p(k) = P(k - 1/2 < X < k + 1/2) / P(X > k_min - 1/2)`` for a lognormal
    ``X``: the ``powerlaw`` package's discrete lognormal.
    """
    root2 = math.sqrt(2.0) * sigma
    log_norm = _log_normal_cdf_upper((math.log(k_min - 0.5) - mu) / sigma)
    out = []
    for k in values:
        low = (math.log(k - 0.5) - mu) / root2
        high = (math.log(k + 0.5) - mu) / root2
        mass = 0.5 * (math.erfc(low) - math.erfc(high))
        if mass > 1e-300:
            out.append(math.log(mass) - log_norm)
        else:  # far in the tail: the density at k times the unit width
            z = (math.log(k) - mu) / sigma
            out.append(-0.5 * z * z - math.log(k * sigma * math.sqrt(2.0 * math.pi)) - log_norm)
    return out


def _nelder_mead(
    objective: Callable[[tuple[float, float]], float], start: tuple[float, float]
) -> tuple[float, float]:
    """Minimise a function of two variables by the Nelder-Mead simplex."""
    simplex = [start, (start[0] + 0.5, start[1]), (start[0], start[1] * 1.5)]
    scores = [objective(point) for point in simplex]
    for _ in range(600):
        order = sorted(range(3), key=scores.__getitem__)
        simplex = [simplex[i] for i in order]
        scores = [scores[i] for i in order]
        # Converged when the simplex's values agree to 1e-11 (relative): a flat
        # ridge (the lognormal turning into a power law) need not pin the point.
        if scores[2] - scores[0] <= 1e-11 * (1.0 + abs(scores[0])):
            break
        centre = ((simplex[0][0] + simplex[1][0]) / 2, (simplex[0][1] + simplex[1][1]) / 2)
        worst = simplex[2]

        def towards(
            t: float, centre: tuple[float, float] = centre, worst: tuple[float, float] = worst
        ) -> tuple[float, float]:
            return (centre[0] + t * (worst[0] - centre[0]), centre[1] + t * (worst[1] - centre[1]))

        reflected = towards(-1.0)
        score = objective(reflected)
        if score < scores[0]:
            expanded = towards(-2.0)
            expanded_score = objective(expanded)
            simplex[2], scores[2] = (
                (expanded, expanded_score) if expanded_score < score else (reflected, score)
            )
        elif score < scores[1]:
            simplex[2], scores[2] = reflected, score
        else:
            contracted = towards(0.5 if score >= scores[2] else -0.5)
            contracted_score = objective(contracted)
            if contracted_score < min(score, scores[2]):
                simplex[2], scores[2] = contracted, contracted_score
            else:
                best = simplex[0]
                for i in (1, 2):
                    point = simplex[i]
                    simplex[i] = ((best[0] + point[0]) / 2, (best[1] + point[1]) / 2)
                    scores[i] = objective(simplex[i])
    return simplex[min(range(3), key=scores.__getitem__)]


def _log_lognormal(tail: Sequence[int], k_min: int) -> list[float] | None:
    counts = sorted(Counter(tail).items())
    distinct = [k for k, _ in counts]
    weights = [c for _, c in counts]
    logs = [math.log(k) for k in tail]
    n = len(logs)  # the moments of ln k start the search
    mean = sum(logs) / n
    spread = math.sqrt(sum((y - mean) ** 2 for y in logs) / n)
    if spread <= 0.0:
        return None

    def negative(point: tuple[float, float]) -> float:
        mu, sigma = point
        if sigma <= 1e-6:
            return math.inf
        each = _lognormal_log_likelihoods(distinct, k_min, mu, sigma)
        return -math.fsum(w * v for w, v in zip(weights, each, strict=True))

    mu, sigma = _nelder_mead(negative, (mean, spread))
    by_value = dict(
        zip(distinct, _lognormal_log_likelihoods(distinct, k_min, mu, sigma), strict=True)
    )
    return [by_value[k] for k in tail]


def _vuong(alternative: str, ours: Sequence[float], theirs: Sequence[float]) -> LikelihoodRatio:
    differences = [a - b for a, b in zip(ours, theirs, strict=True)]
    n = len(differences)
    ratio = math.fsum(differences)
    mean = ratio / n
    deviation = math.sqrt(math.fsum((d - mean) ** 2 for d in differences) / n)
    if deviation == 0.0:
        return LikelihoodRatio(alternative, ratio, 0.0, 1.0)
    normalised = ratio / (math.sqrt(n) * deviation)
    return LikelihoodRatio(
        alternative, ratio, normalised, math.erfc(abs(normalised) / math.sqrt(2.0))
    )


def fit_power_law_csn(
    values: Iterable[int], *, samples: int = GOODNESS_SAMPLES, seed: int = 0
) -> PowerLawTest | None:
    """Fit a discrete power law the way Clauset, Shalizi & Newman (2009) do.

    1. ``k_min`` is the candidate (each distinct positive value but the
       largest) whose maximum-likelihood fit (:func:`fit_power_law`) has the
       smallest Kolmogorov-Smirnov distance to the values ``>= k_min``
       (section 3.3).
    2. The goodness-of-fit p-value (section 4.1) is the share of ``samples``
       synthetic data sets -- the tail drawn from the fitted law, the values
       below ``k_min`` resampled from the data, each data set fitted the same
       way, ``k_min`` included -- whose KS distance is at least the data's.
       The samples draw from ``random.Random(seed)``, so the p-value is
       reproducible. A p-value below 0.1 rules the power law out.
    3. The tail is compared with a lognormal (discretised by rounding and
       truncated at ``k_min``, fitted by maximum likelihood with a
       Nelder-Mead search) and with a discrete exponential by Vuong's test
       (section 5): the log-likelihood ratio, its normalised value and its
       two-sided p-value.

    The results agree with the ``powerlaw`` package
    (``powerlaw.Fit(values, discrete=True, estimate_discrete=False)``) on
    ``k_min``, the exponent, the KS distance and the likelihood ratios; the
    standard error here is the likelihood's curvature (see :class:`PowerLawFit`).

    Args:
        values: Non-negative integers, such as in-degrees.
        samples: Bootstrap samples for the p-value (0 skips it); 100 by
            default (``GOODNESS_SAMPLES``): the p-value to about 0.05.
        seed: Seeds the bootstrap.

    Returns:
        The analysis, or ``None`` when no candidate ``k_min`` gives a finite fit
        (fewer than two distinct positive values).

    Raises:
        ValidationError: A value is not a non-negative int, or ``samples``
            or ``seed`` is negative.

    Example:
        >>> from microblog_core.sim.graphs import fit_power_law_csn
        >>> values = [1] * 50 + [2] * 20 + [3] * 9 + [4] * 6 + [6] * 3 + [9, 14, 30]
        >>> test = fit_power_law_csn(values, samples=0)
        >>> test.k_min, round(test.exponent, 2), test.p_value is None
        (2, 2.55, True)
    """
    data = sorted(_check_values(values))
    samples = _checks.integer(samples, "samples", minimum=0)
    seed = _checks.integer(seed, "seed", minimum=0)
    best = _scan(data)
    if best is None:
        return None
    fit, distance = best
    tail = data[bisect_left(data, fit.k_min) :]
    ours = _log_power_law(tail, fit)
    exponential = _log_exponential(tail, fit.k_min)
    lognormal = _log_lognormal(tail, fit.k_min)
    return PowerLawTest(
        fit=fit,
        ks_distance=distance,
        p_value=_goodness(data, fit, distance, samples, seed) if samples else None,
        samples=samples,
        lognormal=None if lognormal is None else _vuong("lognormal", ours, lognormal),
        exponential=None if exponential is None else _vuong("exponential", ours, exponential),
    )
