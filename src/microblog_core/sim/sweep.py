"""Sweeps: many seeded runs, each in its own process, gathered into one table.

A sweep is a list of :class:`~microblog_core.sim.config.SimulationConfig`
values, usually a grid of parameters times seeds (:func:`grid`). Each run is
submitted to a :class:`concurrent.futures.Executor` (local processes by
default; a Dask ``distributed`` client's ``client.get_executor()`` to go past
one machine), and comes back as one row of scalar metrics. Rows are written
to ``runs.jsonl`` as they finish, so an interrupted sweep resumes where it
stopped and skips the runs it already has.

The result holds every run's row (:attr:`SweepResult.runs`) and a summary per
parameter combination: each metric's mean and 95% Student-t interval across
seeds (:meth:`SweepResult.summary`).

Example:
    >>> from microblog_core.sim import SimulationConfig
    >>> from microblog_core.sim.sweep import grid, sweep
    >>> base = SimulationConfig(accounts=60, hours=2)
    >>> configs = grid(base, {"ranker": ["chronological", "for_you"]}, seeds=2)
    >>> result = sweep(configs, workers=1)
    >>> [(row.params["ranker"], row.seed) for row in result.runs]
    [('chronological', 42), ('chronological', 43), ('for_you', 42), ('for_you', 43)]
    >>> [entry.params["ranker"] for entry in result.summary()]
    ['chronological', 'for_you']
"""

import csv
import hashlib
import io
import itertools
import json
import os
from collections.abc import Callable, Iterable, Mapping, Sequence
from concurrent.futures import Executor, Future, ProcessPoolExecutor, as_completed
from pathlib import Path
from types import MappingProxyType
from typing import Any

import attrs
from attrs import field, frozen

from microblog_core import _checks
from microblog_core.errors import MicroblogError, ValidationError
from microblog_core.sim.config import SimulationConfig
from microblog_core.sim.stats import Interval, mean_interval

__all__ = [
    "PARAMETERS",
    "RunRow",
    "SummaryRow",
    "SweepResult",
    "grid",
    "parse_grid",
    "run_config",
    "sweep",
]

#: Short names a grid may vary, and the dotted config path each sets. Any
#: dotted path into :class:`SimulationConfig` works too (``behaviour.like``).
PARAMETERS: Mapping[str, str] = MappingProxyType(
    {
        "accounts": "accounts",
        "hours": "hours",
        "step": "step_minutes",
        "step_minutes": "step_minutes",
        "seed": "seed",
        "ranker": "ranker",
        "policy": "policy",
        "graph": "graph.model",
        "follows": "graph.m",
        "sessions": "activity.sessions_per_day",
    }
)

_RUNS_FILE = "runs.jsonl"
_KIND = {bool: "true or false", int: "a whole number", float: "a number"}


def _mapping(value: Mapping[str, Any]) -> Mapping[str, Any]:
    return MappingProxyType(dict(value))


def _path_of(name: str) -> tuple[str, ...]:
    """Resolve a grid parameter to a config path, or raise naming the choices."""
    path = tuple(PARAMETERS.get(name, name).split("."))
    cls: Any = SimulationConfig
    for part in path:
        fields = attrs.fields_dict(cls) if attrs.has(cls) else {}
        if part not in fields:
            known = ", ".join(sorted(PARAMETERS))
            raise ValidationError(
                f"unknown sweep parameter {name!r}; use one of {known}, "
                "or a dotted config path such as behaviour.like",
                field="grid",
                value=name,
            )
        cls = fields[part].type
    if attrs.has(cls):
        raise ValidationError(
            f"sweep parameter {name!r} names a whole section; name one of its fields",
            field="grid",
            value=name,
        )
    return path


def _convert(config: SimulationConfig, path: tuple[str, ...], value: Any) -> Any:
    """Turn a grid value given as text into the type of the field it sets."""
    if not isinstance(value, str):
        return value
    target: Any = config
    for part in path[:-1]:
        target = getattr(target, part)
    current = getattr(target, path[-1])
    try:
        if isinstance(current, bool):
            return {"true": True, "false": False}[value.strip().lower()]
        if isinstance(current, int):
            return int(value)
        if isinstance(current, float):
            return float(value)
    except (ValueError, KeyError):
        raise ValidationError(
            f"{'.'.join(path)} needs {_KIND.get(type(current), 'a value')}, "
            f"got {_checks.quote(value)}",
            field="grid",
            value=value,
        ) from None
    return value


def _set(config: SimulationConfig, path: tuple[str, ...], value: Any) -> SimulationConfig:
    value = _convert(config, path, value)
    if len(path) == 1:
        return config.evolve(**{path[0]: value})
    section = getattr(config, path[0])
    return config.evolve(**{path[0]: attrs.evolve(section, **{path[1]: value})})


def parse_grid(items: Iterable[str]) -> dict[str, list[str]]:
    """Parse command-line grid items such as ``"ranker=chronological,for_you"``.

    Raises:
        ValidationError: An item without ``=``, without values, or a repeated name.
    """
    parsed: dict[str, list[str]] = {}
    for item in items:
        name, sep, values = item.partition("=")
        name = name.strip()
        choices = [v.strip() for v in values.split(",") if v.strip()]
        if not sep or not name or not choices:
            raise ValidationError(
                f"a grid item is NAME=VALUE[,VALUE...], got {_checks.quote(item)}",
                field="grid",
                value=item,
            )
        if name in parsed:
            raise ValidationError(f"grid parameter {name!r} is given twice", field="grid")
        parsed[name] = choices
    return parsed


def grid(
    base: SimulationConfig,
    parameters: Mapping[str, Sequence[Any]] | None = None,
    *,
    seeds: int | Sequence[int] = 1,
) -> list[SimulationConfig]:
    """Return the configs of a grid: every combination of ``parameters`` times ``seeds``.

    Args:
        base: The config every run starts from (whatever the grid does not vary).
        parameters: Parameter name (see :data:`PARAMETERS`, or a dotted config
            path) to the values it takes; values may be text, converted to the
            field's type.
        seeds: How many seeds (``base.seed``, ``base.seed + 1``, ...) or the seeds.

    Returns:
        The configs, parameter combinations in the order given, seeds innermost.

    Raises:
        ValidationError: An unknown parameter, a value of the wrong type, a
            value the config refuses, or no seeds.
    """
    _checks.instance(base, SimulationConfig, "base")
    parameters = dict(parameters or {})
    if isinstance(seeds, int) and not isinstance(seeds, bool):
        seed_list = list(range(base.seed, base.seed + _checks.limit(seeds, "seeds")))
    else:
        seed_list = [_checks.count(s, "seeds") for s in _checks.iterable(seeds, "seeds", "seeds")]
        if not seed_list:
            raise ValidationError("a sweep needs at least one seed", field="seeds")
    paths = {name: _path_of(name) for name in parameters}
    values = [list(_checks.iterable(parameters[name], name)) for name in parameters]
    configs: list[SimulationConfig] = []
    for combination in itertools.product(*values):
        config = base
        for name, value in zip(parameters, combination, strict=True):
            config = _set(config, paths[name], value)
        configs.extend(config.evolve(seed=seed) for seed in seed_list)
    return configs


# --------------------------------------------------------------------------- one run


def _key(config_json: str) -> str:
    return hashlib.sha256(config_json.encode()).hexdigest()[:16]


def _scalars(metrics: Any) -> dict[str, float]:
    """Every int or float field of a metrics value, in field order."""
    out: dict[str, float] = {}
    for attribute in attrs.fields(type(metrics)):
        value = getattr(metrics, attribute.name)
        if isinstance(value, int | float) and not isinstance(value, bool):
            out[attribute.name] = value
    out["refused"] = sum(metrics.refused.values())
    return out


def run_config(config_json: str) -> dict[str, Any]:
    """Run one simulation from its JSON config and return its metrics (for executors).

    A top-level function of plain data in and out, so any executor can ship
    it to another process or machine. A run that fails returns its error
    instead of raising, so the sweep goes on.

    Args:
        config_json: :meth:`SimulationConfig.to_json` of the run.

    Returns:
        ``{"metrics": {...}}`` or ``{"error": "Type: message"}``.
    """
    from microblog_core.sim.engine import simulate
    from microblog_core.sim.report import summarise

    try:
        result = simulate(SimulationConfig.from_json(config_json))
        try:
            return {"metrics": _scalars(summarise(result))}
        finally:
            result.close()
    except (MicroblogError, OSError, MemoryError, ArithmeticError) as exc:
        return {"error": f"{type(exc).__name__}: {exc}"}


# --------------------------------------------------------------------------- results


@frozen
class RunRow:
    """One finished run of a sweep.

    Attributes:
        index: The run's place in the sweep.
        key: A digest of the run's config (the same config, the same key).
        params: The grid's parameters for this run, as text, ``seed`` excluded.
        seed: The run's seed.
        metrics: Its scalar metrics (empty when it failed).
        error: Why it failed, or None.
    """

    index: int
    key: str
    params: Mapping[str, str] = field(converter=_mapping)
    seed: int
    metrics: Mapping[str, float] = field(converter=_mapping)
    error: str | None = None

    def to_json(self) -> str:
        """One JSON line (keys in a fixed order)."""
        return json.dumps(
            {
                "index": self.index,
                "key": self.key,
                "params": dict(self.params),
                "seed": self.seed,
                "metrics": dict(self.metrics),
                "error": self.error,
            },
            ensure_ascii=False,
        )

    @classmethod
    def from_json(cls, line: str) -> "RunRow":
        """Read a line written by :meth:`to_json`."""
        data = json.loads(line)
        return cls(
            index=data["index"],
            key=data["key"],
            params=data["params"],
            seed=data["seed"],
            metrics=data["metrics"],
            error=data["error"],
        )


@frozen
class SummaryRow:
    """One parameter combination of a sweep, summarised across its seeds.

    Attributes:
        params: The combination.
        runs: How many of its runs finished.
        failed: How many failed.
        metrics: Each metric's mean with its 95% interval across seeds.
    """

    params: Mapping[str, str] = field(converter=_mapping)
    runs: int
    failed: int
    metrics: Mapping[str, Interval] = field(converter=_mapping)


def _text(value: Any) -> str:
    return value if isinstance(value, str) else json.dumps(value)


@frozen
class SweepResult:
    """Every run of a sweep, in sweep order, and their summary.

    Attributes:
        runs: One row per run.
        parameters: The parameter names the grid varied (``seed`` excluded).
    """

    runs: tuple[RunRow, ...]
    parameters: tuple[str, ...]

    @property
    def failed(self) -> tuple[RunRow, ...]:
        """The runs that failed, with their errors."""
        return tuple(row for row in self.runs if row.error is not None)

    def metric_names(self) -> tuple[str, ...]:
        """The metrics the finished runs report, in their order."""
        names: dict[str, None] = {}
        for row in self.runs:
            names.update(dict.fromkeys(row.metrics))
        return tuple(names)

    def summary(self, *, level: float = 0.95) -> tuple[SummaryRow, ...]:
        """Group runs by their parameters and give each metric's mean and interval."""
        groups: dict[tuple[str, ...], list[RunRow]] = {}
        for row in self.runs:
            groups.setdefault(tuple(row.params[p] for p in self.parameters), []).append(row)
        names = self.metric_names()
        out = []
        for values, rows in groups.items():
            finished = [row for row in rows if row.error is None]
            metrics = {
                name: mean_interval(
                    [row.metrics[name] for row in finished if name in row.metrics], level=level
                )
                for name in names
            }
            out.append(
                SummaryRow(
                    params=dict(zip(self.parameters, values, strict=True)),
                    runs=len(finished),
                    failed=len(rows) - len(finished),
                    metrics=metrics,
                )
            )
        return tuple(out)

    def runs_csv(self) -> str:
        """Every run as CSV: parameters, seed, each metric, error."""
        names = self.metric_names()
        buffer = io.StringIO()
        writer = csv.writer(buffer, lineterminator="\n")
        writer.writerow([*self.parameters, "seed", *names, "error"])
        for row in self.runs:
            writer.writerow(
                [
                    *(row.params[p] for p in self.parameters),
                    row.seed,
                    *(repr(row.metrics[n]) if n in row.metrics else "" for n in names),
                    row.error or "",
                ]
            )
        return buffer.getvalue()

    def summary_csv(self) -> str:
        """The summary as CSV: per metric, its mean, low and high ends, and n."""
        names = self.metric_names()
        buffer = io.StringIO()
        writer = csv.writer(buffer, lineterminator="\n")
        header = [*self.parameters, "runs", "failed"]
        for name in names:
            header += [f"{name}_mean", f"{name}_low", f"{name}_high"]
        writer.writerow(header)
        for entry in self.summary():
            cells: list[Any] = [*entry.params.values(), entry.runs, entry.failed]
            for name in names:
                interval = entry.metrics[name]
                cells += [repr(interval.mean), repr(interval.low), repr(interval.high)]
            writer.writerow(cells)
        return buffer.getvalue()

    def table(self, metrics: Sequence[str] | None = None) -> str:
        """A text table of the summary: each metric's mean [95% interval]."""
        names = list(metrics or ("posts", "reposts", "exposure_gini_authors", "in_network_share"))
        names = [n for n in names if n in self.metric_names()]
        header = [*self.parameters, "runs", *names]
        rows = [
            [
                *entry.params.values(),
                f"{entry.runs}" + (f" ({entry.failed} failed)" if entry.failed else ""),
                *(entry.metrics[n].format(".3f" if _fractional(n) else ".1f") for n in names),
            ]
            for entry in self.summary()
        ]
        widths = [max(len(str(c)) for c in column) for column in zip(header, *rows, strict=True)]
        lines = [
            "  ".join(str(c).ljust(w) for c, w in zip(line, widths, strict=True)).rstrip()
            for line in [header, *rows]
        ]
        return "\n".join(lines)


def _fractional(metric: str) -> bool:
    return any(word in metric for word in ("gini", "share", "diversity", "virality", "mean"))


# --------------------------------------------------------------------------- running


def _load_done(path: Path) -> dict[str, RunRow]:
    done: dict[str, RunRow] = {}
    if not path.exists():
        return done
    with path.open(encoding="utf-8") as lines:
        for line in lines:
            if not line.strip():
                continue
            try:
                row = RunRow.from_json(line)
            except (ValueError, KeyError, TypeError):
                continue  # a line cut short by an interruption: run it again
            done[row.key] = row
    return done


def sweep(
    configs: Iterable[SimulationConfig],
    *,
    executor: Executor | None = None,
    workers: int | None = None,
    out: str | os.PathLike[str] | None = None,
    progress: Callable[[int, int, RunRow], None] | None = None,
) -> SweepResult:
    """Run every config, each in its own process, and gather one table.

    Args:
        configs: The runs (see :func:`grid`).
        executor: Where runs go (any :class:`concurrent.futures.Executor`: a
            Dask client's ``get_executor()``, say). Default: a process pool of
            ``workers`` processes, or the calling process when ``workers == 1``.
        workers: Processes for the default pool (default: the CPU count).
        out: A folder to keep ``runs.jsonl`` in: each run's row is appended as
            it finishes, and runs already there are skipped (resume).
        progress: Called after each run with (finished, total, row).

    Returns:
        The result, runs in the order of ``configs``.

    Raises:
        ValidationError: No config, a value that is not a config, or a bad ``workers``.
    """
    plan: list[SimulationConfig] = []
    for config in _checks.iterable(configs, "configs", "configs"):
        _checks.instance(config, SimulationConfig, "configs")
        plan.append(config)  # type: ignore[arg-type]  # checked just above
    if not plan:
        raise ValidationError("a sweep needs at least one config", field="configs")
    workers = _checks.optional_limit(workers, "workers")
    _check_names(plan)
    jsons = [config.to_json() for config in plan]
    keys = [_key(text) for text in jsons]
    varied = _varied(plan)
    parameters = tuple(name for name, _ in varied)
    params = [{name: _text(_get(config, path)) for name, path in varied} for config in plan]

    runs_path = None if out is None else Path(out) / _RUNS_FILE
    done = {} if runs_path is None else _load_done(runs_path)
    rows: dict[int, RunRow] = {}
    for index, key in enumerate(keys):
        if key in done:
            old = done[key]
            rows[index] = attrs.evolve(old, index=index, params=params[index])
    todo = [i for i in range(len(plan)) if i not in rows]
    total, finished = len(plan), len(rows)

    sink = None
    if runs_path is not None:
        runs_path.parent.mkdir(parents=True, exist_ok=True)
        sink = runs_path.open("a", encoding="utf-8")

    def record(index: int, outcome: Mapping[str, Any]) -> None:
        nonlocal finished
        row = RunRow(
            index=index,
            key=keys[index],
            params=params[index],
            seed=plan[index].seed,
            metrics=outcome.get("metrics", {}),
            error=outcome.get("error"),
        )
        rows[index] = row
        finished += 1
        if sink is not None:
            sink.write(row.to_json() + "\n")
            sink.flush()
        if progress is not None:
            progress(finished, total, row)

    try:
        if todo and executor is None and workers == 1:
            for index in todo:
                record(index, run_config(jsons[index]))
        elif todo:
            own = executor is None
            pool = executor or ProcessPoolExecutor(max_workers=workers or os.cpu_count() or 1)
            try:
                futures: dict[Future[dict[str, Any]], int] = {
                    pool.submit(run_config, jsons[index]): index for index in todo
                }
                for future in as_completed(futures):
                    index = futures[future]
                    try:
                        outcome = future.result()
                    except Exception as exc:  # a worker that died: record it and go on
                        outcome = {"error": f"{type(exc).__name__}: {exc}"}
                    record(index, outcome)
            finally:
                if own:
                    pool.shutdown(cancel_futures=True)
    finally:
        if sink is not None:
            sink.close()
    ordered = tuple(rows[i] for i in range(len(plan)))
    return SweepResult(runs=ordered, parameters=parameters)


def _check_names(plan: Sequence[SimulationConfig]) -> None:
    """Refuse an unknown feed or length policy before any run starts."""
    from microblog_core.sim.feeds import DEFAULT_FEEDS
    from microblog_core.text import policy_named

    for ranker in sorted({config.ranker for config in plan}):
        DEFAULT_FEEDS.get(ranker)
    for policy in sorted({config.policy for config in plan}):
        policy_named(policy)


def _get(config: SimulationConfig, dotted: str) -> Any:
    value: Any = config
    for part in dotted.split("."):
        value = getattr(value, part)
    return value


def _flat(config: SimulationConfig) -> dict[str, Any]:
    data = config.to_dict()
    flat: dict[str, Any] = {}
    for name, value in data.items():
        if isinstance(value, dict):
            flat.update({f"{name}.{inner}": v for inner, v in value.items()})
        else:
            flat[name] = value
    return flat


def _varied(configs: Sequence[Any]) -> list[tuple[str, str]]:
    """The config paths (seed excluded) whose value differs between runs, with short names."""
    flats = [_flat(c) for c in configs]
    first = flats[0]
    varied = [
        name
        for name in first
        if name != "seed" and any(json.dumps(f[name]) != json.dumps(first[name]) for f in flats)
    ]
    short = {path: name for name, path in PARAMETERS.items() if name != "step"}
    return [(short.get(path, path), path) for path in varied]
