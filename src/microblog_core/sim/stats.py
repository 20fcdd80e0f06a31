"""Small statistics for comparing runs across seeds: means with Student-t intervals.

Pure Python (no SciPy): the Student t quantile comes from the regularised
incomplete beta function, evaluated by Lentz's continued fraction
(Numerical Recipes, 3rd ed., §6.4), and inverted by bisection.

Example:
    >>> from microblog_core.sim.stats import mean_interval, t_quantile
    >>> round(t_quantile(0.975, 9), 4)
    2.2622
    >>> interval = mean_interval([1.0, 2.0, 3.0, 4.0])
    >>> interval.mean, round(interval.low, 3), round(interval.high, 3)
    (2.5, 0.446, 4.554)
"""

import math
from collections.abc import Iterable

from attrs import frozen

from microblog_core import _checks
from microblog_core.errors import ValidationError

__all__ = ["Interval", "mean_interval", "paired_difference", "t_quantile"]

_EPS = 1e-15
_TINY = 1e-300


def _beta_fraction(a: float, b: float, x: float) -> float:
    """The continued fraction of the incomplete beta function (modified Lentz)."""
    qab, qap, qam = a + b, a + 1.0, a - 1.0
    c, d = 1.0, 1.0 - qab * x / qap
    d = 1.0 / (d if abs(d) > _TINY else _TINY)
    h = d
    for m in range(1, 400):
        m2 = 2 * m
        aa = m * (b - m) * x / ((qam + m2) * (a + m2))
        d = 1.0 + aa * d
        d = 1.0 / (d if abs(d) > _TINY else _TINY)
        c = 1.0 + aa / c
        c = c if abs(c) > _TINY else _TINY
        h *= d * c
        aa = -(a + m) * (qab + m) * x / ((a + m2) * (qap + m2))
        d = 1.0 + aa * d
        d = 1.0 / (d if abs(d) > _TINY else _TINY)
        c = 1.0 + aa / c
        c = c if abs(c) > _TINY else _TINY
        step = d * c
        h *= step
        if abs(step - 1.0) < _EPS:
            break
    return h


def _incomplete_beta(a: float, b: float, x: float) -> float:
    """The regularised incomplete beta function I_x(a, b)."""
    if x <= 0.0:
        return 0.0
    if x >= 1.0:
        return 1.0
    log_front = (
        math.lgamma(a + b) - math.lgamma(a) - math.lgamma(b) + a * math.log(x) + b * math.log1p(-x)
    )
    front = math.exp(log_front)
    if x < (a + 1.0) / (a + b + 2.0):
        return front * _beta_fraction(a, b, x) / a
    return 1.0 - front * _beta_fraction(b, a, 1.0 - x) / b


def _t_cdf(t: float, df: float) -> float:
    tail = 0.5 * _incomplete_beta(df / 2.0, 0.5, df / (df + t * t))
    return 1.0 - tail if t >= 0 else tail


def t_quantile(p: float, df: float) -> float:
    """Return the ``p`` quantile of Student's t distribution with ``df`` degrees of freedom.

    Args:
        p: A probability strictly between 0 and 1.
        df: Degrees of freedom, above 0.

    Returns:
        ``t`` with ``P(T <= t) = p``, to about 1e-10.

    Raises:
        ValidationError: ``p`` or ``df`` is out of range.
    """
    p = _checks.real(p, "p")
    df = _checks.real(df, "df")
    if not 0.0 < p < 1.0:
        raise ValidationError(f"p must lie strictly between 0 and 1, got {p}", field="p")
    if df <= 0.0:
        raise ValidationError(f"df must be above 0, got {df}", field="df")
    if p < 0.5:
        return -t_quantile(1.0 - p, df)
    low, high = 0.0, 1.0
    while _t_cdf(high, df) < p:
        high *= 2.0
    for _ in range(200):
        mid = (low + high) / 2.0
        if _t_cdf(mid, df) < p:
            low = mid
        else:
            high = mid
        if high - low < 1e-12 * max(1.0, high):
            break
    return (low + high) / 2.0


@frozen
class Interval:
    """A mean with its two-sided confidence interval.

    Attributes:
        mean: The sample mean (``nan`` for no values).
        low: The interval's lower end (equal to ``mean`` for one value).
        high: Its upper end.
        n: How many values.
        level: The confidence level, 0.95 by default.
    """

    mean: float
    low: float
    high: float
    n: int
    level: float = 0.95

    @property
    def half_width(self) -> float:
        """Half the interval's width (0.0 for fewer than two values)."""
        return (self.high - self.low) / 2.0

    def format(self, spec: str = ".3f") -> str:
        """Render as ``"mean [low, high]"``, or ``"n/a"`` with no values."""
        if self.n == 0:
            return "n/a"
        if self.n == 1:
            return format(self.mean, spec)
        return f"{self.mean:{spec}} [{self.low:{spec}}, {self.high:{spec}}]"


def mean_interval(values: Iterable[float], *, level: float = 0.95) -> Interval:
    """Return the mean of ``values`` and its Student-t confidence interval.

    Args:
        values: Finite numbers, one per seed.
        level: The confidence level, strictly between 0 and 1.

    Returns:
        The interval; for a single value, a zero-width one; for none, ``nan``.

    Raises:
        ValidationError: A value is not a finite number, or ``level`` is out of range.
    """
    numbers = [_checks.real(v, "values") for v in _checks.iterable(values, "values", "numbers")]
    level = _checks.real(level, "level")
    if not 0.0 < level < 1.0:
        raise ValidationError(
            f"level must lie strictly between 0 and 1, got {level}", field="level"
        )
    n = len(numbers)
    if n == 0:
        return Interval(math.nan, math.nan, math.nan, 0, level)
    mean = math.fsum(numbers) / n
    if n == 1:
        return Interval(mean, mean, mean, 1, level)
    variance = math.fsum((x - mean) ** 2 for x in numbers) / (n - 1)
    half = t_quantile(0.5 + level / 2.0, n - 1) * math.sqrt(variance / n)
    return Interval(mean, mean - half, mean + half, n, level)


def paired_difference(
    first: Iterable[float], second: Iterable[float], *, level: float = 0.95
) -> Interval:
    """Return the mean of ``first[i] - second[i]`` with its paired-t interval.

    Pairing (the same seed for both) removes the seed-to-seed variation both
    share, so the interval is narrower than the difference of two separate ones.

    Raises:
        ValidationError: The sequences differ in length, or hold a non-number.
    """
    a = _checks.iterable(first, "first", "numbers")
    b = _checks.iterable(second, "second", "numbers")
    if len(a) != len(b):
        raise ValidationError(
            f"paired values must match one for one, got {len(a)} and {len(b)}", field="second"
        )
    return mean_interval(
        [_checks.real(x, "first") - _checks.real(y, "second") for x, y in zip(a, b, strict=True)],
        level=level,
    )
