"""``microblog simulate``: run a feed simulation from the command line.

With no options it simulates a day of 2,000 accounts reading a chronological
home timeline, on an SQLite database in ``./simulation/``, prints a report
and writes the exports (CSV and JSON Lines) next to the database. Options
change the size, the graph, the time, the seed and the feed; several
``--ranker`` options run the same seed under each feed and print the
measures side by side. Add the command to an ``argparse`` program with
:func:`add_simulate_parser`.

Bad input (an unknown ranker or graph model, impossible sizes, a size
that cannot fit in this machine's memory, an unwritable folder, a corrupt
database) gives one line on stderr and exit status 2, never a traceback.
"""

import argparse
import contextlib
import math
import os
import sys
import time
from collections.abc import Callable, Sequence
from datetime import UTC, datetime
from pathlib import Path
from typing import IO, Any

import attrs

from microblog_core import _checks
from microblog_core.errors import MicroblogError, ValidationError

__all__ = ["add_simulate_parser", "run_simulate"]

_DEFAULT_OUT = "simulation"
_DB_NAME = "simulation.sqlite"
_BAR_WIDTH = 28


def add_simulate_parser(subparsers: Any) -> argparse.ArgumentParser:
    """Add the ``simulate`` command to an ``argparse`` sub-command group.

    Args:
        subparsers: What ``ArgumentParser.add_subparsers()`` returned.

    Returns:
        The new sub-parser (its ``run`` default is :func:`run_simulate`).
    """
    parser: argparse.ArgumentParser = subparsers.add_parser(
        "simulate",
        help="simulate accounts posting, reposting and reading a feed; report and export",
        description=(
            "Simulate a micro-blog: a follower graph of accounts that post, reply, repost, "
            "like and follow while reading a feed, all through the library's rules. Prints a "
            "report (network, activity, exposure, repost cascades, top posts) and writes CSV "
            "and JSON Lines exports. The same options and seed give the same bytes."
        ),
    )
    size = parser.add_argument_group("what to simulate")
    size.add_argument("--accounts", metavar="N", help="number of accounts (default 2000)")
    size.add_argument(
        "--graph",
        metavar="MODEL",
        help="follower graph: directed_scale_free (default), holme_kim, barabasi_albert, "
        "configuration (needs --degrees) or edge_list (needs --edges)",
    )
    size.add_argument(
        "--follows",
        metavar="M",
        help="follows each new account makes (m of holme_kim and barabasi_albert; default 8)",
    )
    size.add_argument(
        "--edges", metavar="PATH", help="edge-list file ('follower followee' per line)"
    )
    size.add_argument(
        "--degrees", metavar="PATH", help="degree file ('in out' per line, one per account)"
    )
    size.add_argument("--hours", metavar="H", help="simulated hours (default 24)")
    size.add_argument("--step", metavar="MINUTES", help="time step in minutes (default 10)")
    size.add_argument(
        "--sessions", metavar="N", help="mean sessions per account per day (default 5)"
    )
    size.add_argument("--seed", metavar="N", help="random seed (default 42)")
    size.add_argument(
        "--preset",
        metavar="NAME",
        help="starting defaults: twitter-2019 (default; activity, follower graph and "
        "reposting calibrated to Twitter) or uniform-activity (the Holme-Kim graph and more "
        "even activity of earlier versions)",
    )
    size.add_argument(
        "--start",
        metavar="WHEN",
        help="when the run begins, ISO 8601 such as 2026-01-05T09:00 or 2026-01-05T09:00+01:00 "
        "(no offset means UTC; default 2026-01-01T00:00Z, midnight UTC)",
    )
    size.add_argument(
        "--ranker",
        metavar="NAME",
        action="append",
        help="the feed accounts read: chronological (default), engagement, hot, hacker_news, "
        "for_you, bridging; repeat (or separate with commas) to compare feeds side by side",
    )
    size.add_argument("--policy", metavar="NAME", help="length policy (default twitter)")
    size.add_argument(
        "--agent",
        metavar="KIND",
        help="who decides what accounts do: stochastic (default), interest (topics and "
        "stances, bounded confidence) or llm (needs --llm-url and --llm-model)",
    )
    size.add_argument(
        "--llm-url",
        metavar="URL",
        help="OpenAI-compatible endpoint for --agent llm, e.g. http://127.0.0.1:8080/v1",
    )
    size.add_argument("--llm-model", metavar="NAME", help="model name for --agent llm")
    size.add_argument(
        "--mention-reply-rate",
        metavar="P",
        help="chance that an account replies to each new mention it reads in its "
        "notifications (default 0: sessions do not read notifications)",
    )
    size.add_argument(
        "--impressions",
        metavar="LOG",
        help="full (default: log every item shown) or off (per-post counts only; less memory)",
    )
    size.add_argument(
        "--config", metavar="PATH", help="start from a config.json (options given here win)"
    )
    where = parser.add_argument_group("where")
    where.add_argument(
        "--db",
        metavar="PATH",
        help=f"SQLite database to create (default OUT/{_DB_NAME}; must hold no accounts)",
    )
    where.add_argument(
        "--memory", action="store_true", help="keep everything in memory (fastest; not kept)"
    )
    where.add_argument(
        "--postgres",
        metavar="URL",
        help="run on PostgreSQL (a new schema sim_<time>; needs the 'postgres' extra)",
    )
    where.add_argument("--redis", metavar="URL", help="with --postgres: keep home feeds in Redis")
    where.add_argument(
        "--timeline",
        metavar="STRATEGY",
        default="fan_out_on_read",
        help="home timeline strategy: fan_out_on_read (default), fan_out_on_write, hybrid",
    )
    where.add_argument(
        "--out",
        metavar="DIR",
        default=_DEFAULT_OUT,
        help=f"output folder (default ./{_DEFAULT_OUT})",
    )
    where.add_argument(
        "--format",
        metavar="FORMATS",
        default="csv,jsonl",
        help="export formats: csv, jsonl, both (default), or none",
    )
    where.add_argument(
        "--plot",
        action="store_true",
        help="also write PNG charts (needs matplotlib: pip install 'microblog-core[plot]')",
    )
    where.add_argument(
        "--plot-format",
        metavar="FORMAT",
        default="png",
        help="chart format with --plot: png (default), svg or pdf",
    )
    where.add_argument(
        "--plot-dpi",
        metavar="DPI",
        help="chart resolution with --plot, 50 to 1200 dots per inch (default 100)",
    )
    where.add_argument("--top", metavar="K", default="5", help="rows in the report's lists")
    where.add_argument(
        "--no-memory-check",
        action="store_true",
        help="run even when the size looks too large for this machine's memory",
    )
    where.add_argument("--quiet", action="store_true", help="no progress bar")
    parser.set_defaults(run=run_simulate)
    return parser


# --------------------------------------------------------------------------- parsing


def _int(value: str, option: str, *, minimum: int) -> int:
    try:
        number = int(value.replace("_", "").replace(",", ""))
    except ValueError:
        raise ValidationError(
            f"{option} must be a whole number, got {_checks.quote(value)}",
            field=option,
            value=value,
        ) from None
    if number < minimum:
        raise ValidationError(
            f"{option} must be at least {minimum}, got {number}", field=option, value=value
        )
    return number


def _rate(value: str, option: str) -> float:
    try:
        number = float(value)
    except ValueError:
        number = math.nan
    if not 0.0 <= number <= 1.0:
        raise ValidationError(
            f"{option} must be a probability from 0 to 1, got {_checks.quote(value)}",
            field=option,
            value=value,
        )
    return number


def _float(value: str, option: str) -> float:
    try:
        number = float(value)
    except ValueError:
        raise ValidationError(
            f"{option} must be a number, got {_checks.quote(value)}", field=option, value=value
        ) from None
    if not math.isfinite(number) or number <= 0:
        raise ValidationError(
            f"{option} must be a number above 0, got {_checks.quote(value)}",
            field=option,
            value=value,
        )
    return number


def _is_count(field: str) -> bool:
    """A degree: ASCII digits, at most 18 (so it fits any store's 64-bit counters)."""
    return field.isascii() and field.isdigit() and len(field) <= 18


def _read_degrees(path: str) -> tuple[tuple[int, ...], tuple[int, ...]]:
    ins: list[int] = []
    outs: list[int] = []
    try:
        with Path(path).open(encoding="utf-8") as stream:
            lines = list(stream)
    except UnicodeDecodeError as exc:  # a binary or latin-1 file
        raise ValidationError(
            f"{path} must be UTF-8 text; byte {exc.start} is not ({exc.reason})",
            field="degrees",
            value=path,
        ) from None
    for number, raw in enumerate(lines, start=1):
        line = raw.split("#", 1)[0].strip()
        if not line:
            continue
        fields = line.replace(",", " ").split()
        if len(fields) != 2 or not all(_is_count(f) for f in fields):
            raise ValidationError(
                f"{path}, line {number}: expected 'in_degree out_degree', got "
                f"{_checks.quote(raw.strip())}",
                field="degrees",
                value=number,
            )
        ins.append(int(fields[0]))
        outs.append(int(fields[1]))
    if not ins:
        raise ValidationError(f"{path} holds no degrees", field="degrees", value=path)
    return tuple(ins), tuple(outs)


def _rankers(values: Sequence[str] | None, default: str) -> list[str]:
    if not values:
        return [default]
    names = [name.strip() for value in values for name in value.split(",") if name.strip()]
    if not names:
        raise ValidationError("--ranker needs a name", field="ranker", value=values)
    return list(dict.fromkeys(names))


def _config(args: argparse.Namespace) -> Any:
    from microblog_core.sim.config import SimulationConfig

    if args.config and args.preset:
        raise ValidationError(
            "--preset and --config both set the starting values; give one",
            field="preset",
            value=args.preset,
        )
    if args.config:
        base = SimulationConfig.load(args.config)
    else:
        base = SimulationConfig.preset((args.preset or "twitter-2019").strip())
    changes: dict[str, Any] = {}
    if args.accounts is not None:
        changes["accounts"] = _int(args.accounts, "--accounts", minimum=2)
    if args.hours is not None:
        changes["hours"] = _float(args.hours, "--hours")
    if args.step is not None:
        changes["step_minutes"] = _float(args.step, "--step")
    if args.seed is not None:
        changes["seed"] = _int(args.seed, "--seed", minimum=0)
    if args.policy is not None:
        changes["policy"] = args.policy
    if args.start is not None:
        changes["start"] = _start(args.start)
    graph_changes: dict[str, Any] = {}
    if args.graph is not None:
        graph_changes["model"] = args.graph
    if args.follows is not None:
        graph_changes["m"] = _int(args.follows, "--follows", minimum=1)
    if args.edges is not None:
        graph_changes["path"] = args.edges
        graph_changes.setdefault("model", "edge_list")
    if args.degrees is not None:
        ins, outs = _read_degrees(args.degrees)
        graph_changes.update(in_degrees=ins, out_degrees=outs)
        graph_changes.setdefault("model", "configuration")
        changes.setdefault("accounts", len(ins))
    model = graph_changes.get("model", base.graph.model)
    if "m" in graph_changes and model not in {"holme_kim", "barabasi_albert"}:
        raise ValidationError(
            f"--follows sets m of the holme_kim and barabasi_albert graphs, not of "
            f"{model}; add --graph holme_kim (or barabasi_albert)",
            field="follows",
            value=graph_changes["m"],
        )
    if model == "edge_list" and "path" not in graph_changes and not base.graph.path:
        raise ValidationError(
            "--graph edge_list needs --edges PATH (a 'follower followee' file)",
            field="edges",
            value=None,
        )
    if model == "configuration" and "in_degrees" not in graph_changes and not base.graph.in_degrees:
        raise ValidationError(
            "--graph configuration needs --degrees PATH (an 'in out' line per account)",
            field="degrees",
            value=None,
        )
    if graph_changes:
        changes["graph"] = attrs.evolve(base.graph, **graph_changes)
    if args.sessions is not None:
        sessions = _float(args.sessions, "--sessions")
        changes["activity"] = attrs.evolve(base.activity, sessions_per_day=sessions)
    if getattr(args, "mention_reply_rate", None) is not None:
        rate = _rate(args.mention_reply_rate, "--mention-reply-rate")
        changes["behaviour"] = attrs.evolve(base.behaviour, mention_reply_rate=rate)
    if getattr(args, "impressions", None) is not None:
        changes["impressions"] = args.impressions.strip()
    if args.agent is not None:
        changes["agent"] = args.agent.strip()
    llm_changes: dict[str, Any] = {}
    if args.llm_url is not None:
        llm_changes["url"] = args.llm_url
    if args.llm_model is not None:
        llm_changes["model"] = args.llm_model
    if llm_changes:
        if changes.get("agent", base.agent) != "llm":
            raise ValidationError(
                "--llm-url and --llm-model go with --agent llm", field="agent", value=args.agent
            )
        changes["llm"] = attrs.evolve(base.llm, **llm_changes)
    return base.evolve(**changes) if changes else base


def _start(value: str) -> datetime:
    """Read ``--start``: an ISO 8601 date or date-time; without an offset, UTC."""
    try:
        when = datetime.fromisoformat(value.strip())
    except ValueError:
        raise ValidationError(
            f"--start must be an ISO 8601 date-time such as 2026-01-05T09:00, "
            f"got {_checks.quote(value)}",
            field="start",
            value=value,
        ) from None
    if when.tzinfo is None:
        when = when.replace(tzinfo=UTC)
    return when.astimezone(UTC)


def _style(args: argparse.Namespace) -> Any:
    from microblog_core.sim.plot import ChartStyle

    options: dict[str, Any] = {"format": args.plot_format.strip().lower()}
    if args.plot_dpi is not None:
        options["dpi"] = _int(args.plot_dpi, "--plot-dpi", minimum=1)
    return ChartStyle(**options)


def _check_agent(config: Any) -> None:
    """Fail before any run when the config's agent cannot be built."""
    if config.agent != "llm":
        return
    from microblog_core.sim.agent import agent_for

    agent = agent_for(config)
    close = getattr(agent, "close", None)
    if callable(close):
        close()


def _formats(value: str) -> tuple[str, ...]:
    from microblog_core.sim.export import EXPORT_FORMATS

    text = value.strip().lower()
    if text == "none":
        return ()
    if text == "both":
        return EXPORT_FORMATS
    names = tuple(dict.fromkeys(part.strip() for part in text.split(",") if part.strip()))
    for name in names:
        if name not in EXPORT_FORMATS:
            raise ValidationError(
                f"unknown export format {_checks.quote(name)}; use csv, jsonl, both or none",
                field="format",
                value=name,
            )
    return names


# --------------------------------------------------------------------------- progress


class _Bar:
    """A one-line progress bar on a terminal; silent otherwise."""

    def __init__(self, stream: IO[str], *, enabled: bool) -> None:
        self.stream = stream
        self.enabled = enabled
        self.shown = False

    def say(self, text: str) -> None:
        if self.enabled:
            self.stream.write(f"\r\x1b[2K{text}")
            self.stream.flush()
            self.shown = True

    def update(self, label: str, progress: Any, hours: float) -> None:
        if not self.enabled:
            return
        done = round(progress.fraction * _BAR_WIDTH)
        bar = "█" * done + "░" * (_BAR_WIDTH - done)
        simulated = progress.fraction * hours
        self.say(
            f"{label} {bar} {100 * progress.fraction:5.1f}%  "
            f"{simulated:,.1f} of {hours:g} h simulated, {progress.actions:,} actions"
        )

    def reporter(self, label: str, hours: float) -> Callable[[Any], None]:
        def report(progress: Any) -> None:
            self.update(label, progress, hours)

        return report

    def done(self) -> None:
        if self.enabled and self.shown:
            self.stream.write("\r\x1b[2K")
            self.stream.flush()
            self.shown = False


# --------------------------------------------------------------------------- running


def _remove_database(path: Path) -> None:
    for suffix in ("", "-wal", "-shm", "-journal"):
        with contextlib.suppress(FileNotFoundError):
            Path(f"{path}{suffix}").unlink()


def _prepare_out(out: Path) -> None:
    try:
        out.mkdir(parents=True, exist_ok=True)
    except OSError as exc:
        reason = exc.strerror or type(exc).__name__
        raise OSError(f"cannot create the output folder {out}: {reason}") from None
    if not out.is_dir() or not os.access(out, os.W_OK | os.X_OK):
        raise OSError(f"cannot write to the output folder {out}")


# Rough resident bytes per account and per follow of a simulation, from the
# peak memory of one-day runs on the memory store at 500 and 4,000 accounts
# (about 6 KB per account with 8 follows; 32 follows add about 200 bytes each).
_BYTES_PER_ACCOUNT = 5_000
_BYTES_PER_FOLLOW = 250


def _machine_memory() -> int | None:
    """This machine's physical memory in bytes, or None where it cannot be read."""
    try:
        return os.sysconf("SC_PAGE_SIZE") * os.sysconf("SC_PHYS_PAGES")
    except (AttributeError, ValueError, OSError):
        return None


def _bytes(amount: float) -> str:
    for unit in ("bytes", "KB", "MB", "GB", "TB"):
        if amount < 1000 or unit == "TB":
            return f"{amount:,.0f} {unit}"
        amount /= 1000
    raise AssertionError  # pragma: no cover - the loop returns at TB


def _follows_per_account(graph: Any, accounts: int) -> tuple[float, str]:
    """Follows per account the graph will make, and ``"up to "`` where that is a bound."""
    if graph.model == "directed_scale_free":
        # One node per 1 / (alpha + gamma) steps and one edge a step; repeated
        # edges collapse, so the realised mean is lower (about half by default).
        return 1 / (graph.alpha + graph.gamma), "up to "
    if graph.model == "configuration" and graph.out_degrees:
        return sum(graph.out_degrees) / max(accounts, 1), ""
    return float(graph.m), ""


def _check_memory(config: Any) -> None:
    """Refuse up front a size whose estimated memory exceeds the machine's."""
    available = _machine_memory()
    if available is None:
        return
    per_account, bound = _follows_per_account(config.graph, config.accounts)
    follows = config.accounts * per_account
    needed = config.accounts * _BYTES_PER_ACCOUNT + follows * _BYTES_PER_FOLLOW
    if needed > available:
        raise ValidationError(
            f"{config.accounts:,} accounts with {bound}{per_account:,.4g} follows each need about "
            f"{_bytes(needed)} of memory and this machine has {_bytes(available)}; "
            "use fewer --accounts or --follows, or --no-memory-check to run anyway",
            field="accounts",
            value=config.accounts,
        )


def _check_db_folder(path: Path) -> None:
    """Refuse a ``--db`` path under a regular file, saying so in words."""
    for folder in path.parents:
        if folder.exists():
            if not folder.is_dir():
                raise OSError(
                    f"cannot create the database {path}: {folder} is a file, not a folder"
                )
            return


def _database_for(args: argparse.Namespace, out: Path, ranker: str, several: bool) -> Path:
    if args.db:
        path = Path(args.db)
        if several:
            path = path.with_name(f"{path.stem}-{ranker}{path.suffix}")
        return path
    folder = out / ranker if several else out
    path = folder / _DB_NAME
    _remove_database(path)  # the default database is ours: start afresh
    return path


def _check_plot() -> None:
    try:
        import matplotlib as mpl  # noqa: F401
    except ImportError:
        raise ImportError(
            "--plot needs matplotlib, the optional 'plot' extra: pip install 'microblog-core[plot]'"
        ) from None


def _execute(args: argparse.Namespace, out_stream: IO[str], err_stream: IO[str]) -> int:
    from microblog_core.sim.compare import Comparison
    from microblog_core.sim.engine import (
        memory_storage,
        postgres_storage,
        simulate,
        sqlite_storage,
    )
    from microblog_core.sim.export import write_exports
    from microblog_core.sim.feeds import DEFAULT_FEEDS
    from microblog_core.sim.report import SimulationMetrics, format_report, summarise
    from microblog_core.text import policy_named

    if args.db and args.memory:
        raise ValidationError("choose --db PATH or --memory, not both", field="db", value=args.db)
    if args.postgres and (args.db or args.memory):
        raise ValidationError(
            "choose --postgres URL or --db PATH / --memory, not both",
            field="postgres",
            value=args.postgres,
        )
    if args.redis and not args.postgres:
        raise ValidationError("--redis goes with --postgres URL", field="redis", value=args.redis)
    run_name = time.strftime("sim_%Y%m%d_%H%M%S")
    config = _config(args)
    rankers = _rankers(args.ranker, config.ranker)
    for name in rankers:
        DEFAULT_FEEDS.get(name)
    policy_named(config.policy)
    _check_agent(config)
    memory_storage(timeline=args.timeline)
    formats = _formats(args.format)
    top = _int(args.top, "--top", minimum=1)
    if not args.no_memory_check:
        _check_memory(config)
    if args.db:
        _check_db_folder(Path(args.db))
    style = _style(args)
    if args.plot:
        _check_plot()
    out = Path(args.out)
    _prepare_out(out)
    several = len(rankers) > 1
    bar = _Bar(err_stream, enabled=not args.quiet and err_stream.isatty())
    hours = config.hours
    collected: dict[str, SimulationMetrics] = {}
    written: dict[str, list[Path]] = {}
    places: dict[str, str] = {}
    elapsed: dict[str, float] = {}
    try:
        for ranker in rankers:
            folder = out / ranker if several else out
            if args.memory:
                storage = memory_storage(timeline=args.timeline)
                places[ranker] = "memory (not kept)"
            elif args.postgres:
                schema = f"{run_name}_{ranker}" if several else run_name
                storage = postgres_storage(
                    args.postgres, redis_url=args.redis, schema=schema, timeline=args.timeline
                )
                places[ranker] = f"PostgreSQL schema {schema}" + (
                    " with feeds in Redis" if args.redis else ""
                )
            else:
                database = _database_for(args, out, ranker, several)
                database.parent.mkdir(parents=True, exist_ok=True)
                storage = sqlite_storage(database, timeline=args.timeline)
                places[ranker] = str(database)
            label = f"{ranker}:" if several else "simulating:"
            bar.say(f"{label} building a network of {config.accounts:,} accounts…")
            started = time.perf_counter()
            result = simulate(
                config.evolve(ranker=ranker), storage=storage, progress=bar.reporter(label, hours)
            )
            try:
                elapsed[ranker] = time.perf_counter() - started
                bar.say(f"{label} measuring and writing the exports…")
                metrics = summarise(result, top=top)
                collected[ranker] = metrics
                paths = list(write_exports(result, folder, formats=formats, metrics=metrics))
                if args.plot:
                    from microblog_core.sim.plot import write_plots

                    paths.extend(write_plots(metrics, folder, hours=hours, style=style))
                written[ranker] = paths
            finally:
                result.close()
    finally:
        bar.done()
    if not several:
        (ranker,) = rankers
        metrics = collected[ranker]
        print(
            format_report(
                metrics,
                title=_title(config, ranker),
                elapsed=elapsed[ranker],
                where=places[ranker],
                exports=_listing(written[ranker], out),
            ),
            end="",
            file=out_stream,
        )
        print(
            "\nNext: compare feeds on the same network, side by side:\n"
            "  microblog simulate --ranker chronological --ranker for_you",
            file=out_stream,
        )
        return 0
    comparison = Comparison(config=config, metrics=collected)
    if args.plot:
        from microblog_core.sim.plot import plot_exposure

        chart = out / f"exposure.{style.format}"
        written.setdefault("_", []).append(plot_exposure(collected, chart, style=style))
    head = (
        f"Compared {len(rankers)} feeds on one network: {config.accounts:,} accounts, "
        f"{config.hours:g} simulated hours, seed {config.seed}"
    )
    print(head, file=out_stream)
    print("=" * min(len(head), 78), file=out_stream)
    for ranker in rankers:
        print(
            f"  {ranker}: {elapsed[ranker]:.1f} s, data in {places[ranker]}, exports in "
            f"{out / ranker}",
            file=out_stream,
        )
    print("", file=out_stream)
    print(comparison.table(), end="", file=out_stream)
    print(
        "\nGini: 0 means every author is seen equally, 1 that one author takes every "
        "impression.\nIn-network share: impressions from accounts the viewer follows.",
        file=out_stream,
    )
    if "_" in written:
        print(f"\nChart: {written['_'][0]}", file=out_stream)
    return 0


def _title(config: Any, ranker: str) -> str:
    return (
        f"Simulated {config.hours:g} hours of {config.accounts:,} accounts reading the "
        f"{ranker!r} feed (seed {config.seed})"
    )


def _listing(paths: Sequence[Path], out: Path) -> list[str]:
    """Group exports by table: ``posts (.csv, .jsonl)``."""
    if not paths:
        return []
    suffixes: dict[str, list[str]] = {}
    for path in paths:
        suffixes.setdefault(path.stem, []).append(path.suffix)
    parts = [f"{stem} ({', '.join(found)})" for stem, found in suffixes.items()]
    lines = [f"in {out}/:"]
    line = " "
    for part in parts:
        if len(line) + len(part) > 76:
            lines.append(line.rstrip(","))
            line = " "
        line += f" {part},"
    lines.append(line.rstrip(","))
    return lines


def run_simulate(
    args: argparse.Namespace, *, stdout: IO[str] | None = None, stderr: IO[str] | None = None
) -> int:
    """Run ``microblog simulate`` with parsed arguments; return the exit status.

    Errors are reported as one line on stderr (``microblog: error: ...``) with
    status 2; an interrupt gives status 130.

    Args:
        args: The namespace :func:`add_simulate_parser`'s parser produced.
        stdout: Where the report goes (default ``sys.stdout``).
        stderr: Where progress and errors go (default ``sys.stderr``).

    Returns:
        0 on success, 2 on bad input or a storage or file error.
    """
    out_stream = sys.stdout if stdout is None else stdout
    err_stream = sys.stderr if stderr is None else stderr
    try:
        return _execute(args, out_stream, err_stream)
    except (MicroblogError, OSError, ImportError) as exc:
        if getattr(args, "debug", False):
            raise
        message = " ".join(str(exc).split()) or type(exc).__name__
        if isinstance(exc, FileNotFoundError) and exc.filename:
            message = f"no such file: {exc.filename}"
        err_stream.write("\r\x1b[2K" if err_stream.isatty() else "")
        print(f"microblog: error: {message}", file=err_stream)
        return 2
