"""Calibration: a run's repost cascades beside the stylized facts of real ones.

Goel, Anderson, Hofman & Watts, "The structural virality of online
diffusion", *Management Science* 62(1), 2016, studied about a billion
diffusion events on Twitter. Three of their findings are stylized facts any
feed simulation should be checked against:

1. **Almost nothing spreads.** Well over 90% of posts are never reposted
   (their cascade has size 1); Goel, Watts & Goldstein (EC 2012) put it at
   about 95%. The reference band used here is 90–99%.
2. **A heavy but very thin tail.** Cascades of 100 or more are rare: about
   0.025% of original posts (Goel et al. 2016).
3. **Structural virality is typically low, and barely grows with size**:
   popularity comes mostly from the largest broadcast, not from long
   person-to-person chains. Measured here as the Spearman rank correlation
   between size and structural virality over cascades of size 10 or more
   (below that, virality rises with size by construction: a star of n posts
   has virality 2(n - 1)/n), and the median structural virality there.

:func:`cascade_facts` computes these from any cascades (a simulation's, or
real ones read by :mod:`microblog_core.interop`); :func:`calibrate` puts a
run beside the published facts, and optionally beside real cascades.

Example:
    >>> from microblog_core.sim.metrics import Cascade
    >>> from microblog_core.sim.calibrate import cascade_facts
    >>> cascades = [Cascade(1), Cascade(2), Cascade(3, ((3, 4), (4, 5)))]
    >>> facts = cascade_facts(cascades)
    >>> round(facts.share_size_one, 3), facts.largest
    (0.667, 3)
"""

import math
import statistics
from collections.abc import Iterable, Sequence
from typing import cast

from attrs import frozen

from microblog_core import _checks
from microblog_core.errors import ValidationError
from microblog_core.sim.metrics import Cascade, cascades_from

__all__ = [
    "BRANCHING_SIZE",
    "GOEL_2016",
    "Calibration",
    "CascadeFacts",
    "Reference",
    "calibrate",
    "cascade_facts",
    "spearman",
]


BRANCHING_SIZE = 10
"""The smallest cascade size the virality measures look at."""


def _ranks(values: Sequence[float]) -> list[float]:
    """Ranks from 1, ties sharing their mean rank."""
    order = sorted(range(len(values)), key=values.__getitem__)
    ranks = [0.0] * len(values)
    start = 0
    while start < len(order):
        end = start
        while end + 1 < len(order) and values[order[end + 1]] == values[order[start]]:
            end += 1
        mean_rank = (start + end) / 2.0 + 1.0
        for position in range(start, end + 1):
            ranks[order[position]] = mean_rank
        start = end + 1
    return ranks


def spearman(xs: Sequence[float], ys: Sequence[float]) -> float | None:
    """Return Spearman's rank correlation of two equal-length samples.

    Returns:
        The correlation in [-1, 1], or None with fewer than 3 pairs or when
        either sample is constant.

    Raises:
        ValidationError: The samples differ in length.
    """
    if len(xs) != len(ys):
        raise ValidationError(
            f"spearman() needs pairs, got {len(xs)} and {len(ys)} values", field="ys"
        )
    if len(xs) < 3:
        return None
    rx, ry = _ranks(xs), _ranks(ys)
    mx, my = statistics.fmean(rx), statistics.fmean(ry)
    sxy = math.fsum((a - mx) * (b - my) for a, b in zip(rx, ry, strict=True))
    sxx = math.fsum((a - mx) ** 2 for a in rx)
    syy = math.fsum((b - my) ** 2 for b in ry)
    if sxx == 0 or syy == 0:
        return None
    return sxy / math.sqrt(sxx * syy)


@frozen
class CascadeFacts:
    """The calibration measures of a set of cascades.

    Attributes:
        cascades: How many cascades (original posts), size 1 included.
        share_size_one: Share never reposted.
        share_size_10: Share of size 10 or more.
        share_size_100: Share of size 100 or more.
        largest: The largest size.
        mean_size: Mean size.
        median_virality: Median structural virality of cascades of size
            :data:`BRANCHING_SIZE` or more (None when there are none).
        size_virality_spearman: Rank correlation of size and structural
            virality over those cascades (None below 3 of them).
    """

    cascades: int
    share_size_one: float
    share_size_10: float
    share_size_100: float
    largest: int
    mean_size: float
    median_virality: float | None
    size_virality_spearman: float | None


def cascade_facts(cascades: Iterable[Cascade]) -> CascadeFacts:
    """Compute the calibration measures of ``cascades`` (size-1 cascades included).

    Raises:
        ValidationError: An item is not a :class:`Cascade`, or there are none.
    """
    sizes: list[int] = []
    branching: list[tuple[int, float]] = []
    for item in _checks.iterable(cascades, "cascades", "cascades"):
        _checks.instance(item, Cascade, "cascades")
        cascade = cast("Cascade", item)
        sizes.append(cascade.size)
        if cascade.size >= BRANCHING_SIZE:
            branching.append((cascade.size, cascade.structural_virality))
    if not sizes:
        raise ValidationError("calibration needs at least one cascade", field="cascades")
    n = len(sizes)
    return CascadeFacts(
        cascades=n,
        share_size_one=sum(1 for s in sizes if s == 1) / n,
        share_size_10=sum(1 for s in sizes if s >= 10) / n,
        share_size_100=sum(1 for s in sizes if s >= 100) / n,
        largest=max(sizes),
        mean_size=math.fsum(sizes) / n,
        median_virality=statistics.median(v for _, v in branching) if branching else None,
        size_virality_spearman=spearman(
            [float(s) for s, _ in branching], [v for _, v in branching]
        ),
    )


@frozen
class Reference:
    """A published value or band for one measure.

    Attributes:
        measure: The :class:`CascadeFacts` attribute it concerns.
        low: The band's lower end (inclusive), or None.
        high: Its upper end (inclusive), or None.
        text: How the source states it.
    """

    measure: str
    low: float | None
    high: float | None
    text: str

    def holds(self, value: float | None) -> bool | None:
        """Whether ``value`` lies in the band (None when there is no value)."""
        if value is None:
            return None
        return (self.low is None or value >= self.low) and (self.high is None or value <= self.high)


#: The stylized facts of Goel et al. (2016), as bands a run is checked against.
GOEL_2016: tuple[Reference, ...] = (
    Reference("share_size_one", 0.90, 0.99, "well over 90% never reposted (≈95%)"),
    Reference("share_size_100", None, 0.001, "size ≥ 100 is rare (≈0.025%)"),
    Reference("size_virality_spearman", None, 0.5, "virality barely grows with size"),
    Reference("median_virality", None, 4.0, "structural virality typically low"),
)

_LABELS = {
    "cascades": "cascades (original posts)",
    "share_size_one": "never reposted (size 1)",
    "share_size_10": "size ≥ 10",
    "share_size_100": "size ≥ 100",
    "largest": "largest cascade",
    "mean_size": "mean size",
    "median_virality": "median virality (size ≥ 10)",
    "size_virality_spearman": "Spearman(size, virality)",
}


def _cell(measure: str, value: float | None) -> str:
    if value is None:
        return "n/a"
    if measure.startswith("share"):
        return f"{100 * value:.3f}%"
    if measure in {"cascades", "largest"}:
        return f"{int(value):,}"
    return f"{value:.3f}"


@frozen
class Calibration:
    """A run's cascade facts beside the published ones (and real data, if given).

    Attributes:
        run: The simulated cascades' facts.
        real: Real cascades' facts, or None.
        references: The published bands.
    """

    run: CascadeFacts
    real: CascadeFacts | None
    references: tuple[Reference, ...] = GOEL_2016

    def checks(self) -> dict[str, bool | None]:
        """Each referenced measure: whether the run lies in its band."""
        return {ref.measure: ref.holds(getattr(self.run, ref.measure)) for ref in self.references}

    def table(self) -> str:
        """A side-by-side text table."""
        refs = {ref.measure: ref for ref in self.references}
        header = ["measure", "this run", "Goel et al. 2016", "in band"]
        if self.real is not None:
            header.insert(2, "real data")
        rows = [header]
        for measure, label in _LABELS.items():
            ref = refs.get(measure)
            value = getattr(self.run, measure)
            row = [label, _cell(measure, value)]
            if self.real is not None:
                row.append(_cell(measure, getattr(self.real, measure)))
            verdict = None if ref is None else ref.holds(value)
            row += [
                "" if ref is None else ref.text,
                {True: "yes", False: "NO", None: ""}[verdict],
            ]
            rows.append(row)
        widths = [max(len(row[i]) for row in rows) for i in range(len(header))]
        return "\n".join(
            "  ".join(cell.ljust(width) for cell, width in zip(row, widths, strict=True)).rstrip()
            for row in rows
        )


def calibrate(
    simulated: Iterable[Cascade] | object,
    *,
    real: Iterable[Cascade] | None = None,
    references: Sequence[Reference] = GOEL_2016,
) -> Calibration:
    """Compare simulated cascades with the stylized facts (and real cascades).

    Args:
        simulated: A :class:`~microblog_core.sim.engine.SimulationResult`, or
            its cascades.
        real: Real cascades (read with :mod:`microblog_core.interop`), if any.
        references: The bands to check (default :data:`GOEL_2016`).

    Returns:
        The calibration; print its :meth:`~Calibration.table`.

    Raises:
        ValidationError: No cascades, or items that are not cascades.
    """
    records = getattr(simulated, "cascade_records", None)
    cascades = cascades_from(records()) if callable(records) else simulated
    run = cascade_facts(cascades)  # type: ignore[arg-type]  # checked inside
    other = None if real is None else cascade_facts(real)
    return Calibration(run=run, real=other, references=tuple(references))
