"""``microblog sweep`` and ``microblog calibrate``: many runs, and runs against real data.

``microblog sweep --grid ranker=chronological,for_you --grid sessions=3,5
--seeds 20 --workers 4 --out sweep/`` runs every combination of the grid
times the seeds, each in its own process (or on a Dask cluster with
``--dask ADDRESS``), shows a progress bar with an ETA, writes each run's row
as it finishes (so running the same command again resumes), and prints each
metric's mean and 95% interval per combination.

``microblog calibrate`` runs one simulation and prints its repost cascades
beside the stylized facts of Goel et al. (2016), and beside real cascades
with ``--real FILE --real-format weibo|twitter``.

Both take ``simulate``'s options for what to simulate (``--accounts``,
``--hours``, ``--graph``...); a grid parameter overrides its option.
"""

import argparse
import sys
import time
from collections.abc import Callable
from pathlib import Path
from typing import IO, Any

from microblog_core.errors import MicroblogError, ValidationError

__all__ = ["add_sweep_parsers"]

_WHAT = "what to simulate"
_BAR_WIDTH = 24


def _add_what_options(parser: argparse.ArgumentParser, title: str) -> None:
    """Give ``parser`` the options of ``simulate``'s "what to simulate" group.

    They are taken from the simulate parser itself, so the two commands can
    never disagree on an option's name, help or meaning.
    """
    from microblog_core.sim.cli import add_simulate_parser

    scratch = argparse.ArgumentParser(add_help=False).add_subparsers()
    simulate = add_simulate_parser(scratch)
    group = parser.add_argument_group(title)
    source = next(g for g in simulate._action_groups if g.title == _WHAT)
    for action in source._group_actions:
        if action.dest != "ranker":
            group._add_action(action)
    group.add_argument("--ranker", metavar="NAME", help="the feed accounts read")


def _config(args: argparse.Namespace) -> Any:
    from microblog_core.sim import cli as simulate_cli

    config = simulate_cli._config(args)
    if args.ranker:
        config = config.evolve(ranker=args.ranker.strip())
    return config


def _positive(text: str, option: str) -> int:
    try:
        value = int(text)
    except ValueError:
        value = 0
    if value < 1:
        raise ValidationError(
            f"{option} must be a whole number of at least 1, got {text!r}", field=option
        )
    return value


def _duration(seconds: float) -> str:
    seconds = int(seconds)
    if seconds >= 3600:
        return f"{seconds // 3600}h{seconds % 3600 // 60:02d}m"
    if seconds >= 60:
        return f"{seconds // 60}m{seconds % 60:02d}s"
    return f"{seconds}s"


class _Progress:
    """A one-line progress bar with an ETA on a terminal; a line per run elsewhere."""

    def __init__(self, stream: IO[str], *, quiet: bool) -> None:
        self.stream = stream
        self.tty = stream.isatty()
        self.quiet = quiet
        self.start = time.monotonic()
        self.first: int | None = None

    def __call__(self, done: int, total: int, row: Any) -> None:
        if self.quiet:
            return
        if self.first is None:
            self.first = done - 1  # runs resumed from an earlier sweep took no time here
        elapsed = time.monotonic() - self.start
        fresh = done - self.first
        eta = elapsed / fresh * (total - done) if fresh else 0.0
        status = "failed" if row.error else "done"
        if self.tty:
            filled = round(done / total * _BAR_WIDTH)
            bar = "█" * filled + "░" * (_BAR_WIDTH - filled)
            self.stream.write(
                f"\r\x1b[2Ksweep {bar} {done}/{total} runs, {_duration(elapsed)} elapsed, "
                f"ETA {_duration(eta)}"
            )
            if done == total:
                self.stream.write("\r\x1b[2K")
        else:
            self.stream.write(
                f"sweep: run {done}/{total} {status} (seed {row.seed}), ETA {_duration(eta)}\n"
            )
        self.stream.flush()


def _executor(args: argparse.Namespace) -> tuple[Any, Callable[[], None]]:
    """The Dask executor for ``--dask ADDRESS``, and how to close it."""
    if not args.dask:
        return None, lambda: None
    try:
        import distributed
    except ImportError:
        raise ImportError(
            "--dask needs dask's distributed scheduler: pip install 'microblog-core[dask]'"
        ) from None
    try:
        client: Any = distributed.Client(args.dask, timeout="10s")  # type: ignore[no-untyped-call]
    except (OSError, TimeoutError, ValueError) as exc:
        reason = " ".join(str(exc).split()) or type(exc).__name__
        raise ValidationError(
            f"cannot reach the Dask scheduler at {args.dask}: {reason}", field="dask"
        ) from None
    return client.get_executor(), client.close


def _run_sweep(args: argparse.Namespace, out: IO[str], err: IO[str]) -> int:
    from microblog_core.sim.sweep import grid, parse_grid, sweep

    seeds = _positive(args.seeds, "--seeds")
    workers = None if args.workers is None else _positive(args.workers, "--workers")
    configs = grid(_config(args), parse_grid(args.grid or []), seeds=seeds)
    folder = Path(args.out)
    executor, close = _executor(args)
    try:
        result = sweep(
            configs,
            executor=executor,
            workers=workers,
            out=folder,
            progress=_Progress(err, quiet=args.quiet),
        )
    finally:
        close()
    (folder / "runs.csv").write_text(result.runs_csv(), encoding="utf-8")
    (folder / "summary.csv").write_text(result.summary_csv(), encoding="utf-8")
    print(f"Sweep of {len(result.runs)} runs ({seeds} seeds per combination)", file=out)
    print(result.table(), file=out)
    for row in result.failed:
        print(f"failed: run {row.index} (seed {row.seed}): {row.error}", file=out)
    print(f"rows in {folder / 'runs.csv'}, summary in {folder / 'summary.csv'}", file=out)
    return 1 if result.failed else 0


def _run_calibrate(args: argparse.Namespace, out: IO[str], err: IO[str]) -> int:
    from microblog_core.sim.calibrate import calibrate
    from microblog_core.sim.engine import simulate
    from microblog_core.sim.metrics import cascades_from

    real = None
    if args.real:
        if not args.real_format:
            raise ValidationError("--real needs --real-format weibo or twitter", field="real")
        from microblog_core.interop.cli import real_cascades

        real = [cascade for cascade, _, _ in real_cascades(args.real, args.real_format)]
    config = _config(args)
    if not args.quiet:
        print(f"calibrate: simulating {config.accounts:,} accounts…", file=err, flush=True)
    result = simulate(config)
    try:
        cascades = cascades_from(result.cascade_records())
    finally:
        result.close()
    calibration = calibrate(cascades, real=real)
    print(
        f"Cascades of {config.accounts:,} accounts over {config.hours:g} h "
        f"(feed {config.ranker}, seed {config.seed}) beside Goel et al. (2016)",
        file=out,
    )
    print(calibration.table(), file=out)
    if args.plot:
        from microblog_core.sim.plot import ChartStyle, plot_calibration

        details = (
            f"{config.accounts:,} accounts · {config.hours:g} h · feed {config.ranker} · "
            f"seed {config.seed}"
        )
        path = plot_calibration(
            calibration, args.plot, cascades=cascades, real=real, style=ChartStyle(details=details)
        )
        print(f"chart in {path}", file=out)
    return 0


def _guarded(run: Callable[[argparse.Namespace, IO[str], IO[str]], int]) -> Callable[..., int]:
    def command(
        args: argparse.Namespace, *, stdout: IO[str] | None = None, stderr: IO[str] | None = None
    ) -> int:
        err = sys.stderr if stderr is None else stderr
        try:
            return run(args, sys.stdout if stdout is None else stdout, err)
        except (MicroblogError, OSError, ImportError) as exc:
            message = " ".join(str(exc).split()) or type(exc).__name__
            print(f"microblog: error: {message}", file=err)
            return 2

    return command


def add_sweep_parsers(subparsers: Any) -> None:
    """Add ``sweep`` and ``calibrate`` to an ``argparse`` sub-command group.

    Args:
        subparsers: What ``ArgumentParser.add_subparsers()`` returned.
    """
    sweep = subparsers.add_parser(
        "sweep",
        help="many seeded runs over a grid of parameters, in parallel; means with 95%% intervals",
        description=(
            "Run every combination of the --grid values times --seeds seeds, each run in its "
            "own process (or on a Dask cluster), and print each metric's mean and 95% interval "
            "per combination. Rows are written to OUT/runs.jsonl as runs finish: the same "
            "command again resumes and skips finished runs."
        ),
    )
    sweep.add_argument(
        "--grid",
        metavar="NAME=V1,V2",
        action="append",
        help="a parameter and its values (repeat): ranker, sessions, accounts, hours, follows, "
        "graph, policy, step, or a config path such as behaviour.like",
    )
    sweep.add_argument("--seeds", metavar="N", default="1", help="seeds per combination")
    sweep.add_argument("--workers", metavar="N", help="local processes (default: CPU count)")
    sweep.add_argument("--dask", metavar="ADDRESS", help="a Dask scheduler, e.g. tcp://host:8786")
    sweep.add_argument("--out", metavar="DIR", default="sweep", help="output folder (./sweep)")
    sweep.add_argument("--quiet", action="store_true", help="no progress bar")
    _add_what_options(sweep, "what to simulate (for whatever the grid does not vary)")
    sweep.set_defaults(run=_guarded(_run_sweep))

    calibrate = subparsers.add_parser(
        "calibrate",
        help="a run's repost cascades beside Goel et al. (2016) and real cascades",
        description=(
            "Run one simulation (in memory) and compare its repost cascades with the stylized "
            "facts of Goel, Anderson, Hofman & Watts (2016), and with real cascades read from a "
            "Weibo or Twitter file."
        ),
    )
    calibrate.add_argument("--real", metavar="FILE", help="real cascades to compare with")
    calibrate.add_argument(
        "--real-format", choices=("weibo", "twitter"), help="the format of --real"
    )
    calibrate.add_argument("--plot", metavar="PATH", help="also draw the comparison (PNG/SVG/PDF)")
    calibrate.add_argument("--quiet", action="store_true", help="no progress line")
    _add_what_options(calibrate, "what to simulate")
    calibrate.set_defaults(run=_guarded(_run_calibrate))
