"""The ``microblog`` command.

Subcommands:

- ``microblog simulate``: a seeded feed simulation with a report and exports
  (by default 2,000 accounts for a simulated day on SQLite).
- ``microblog measure TEXT --policy NAME``: measure a text under a length policy.
- ``microblog demo``: a short tour of the service at work.
- ``microblog import``, ``export`` and ``cascades``: real data in and out
  (see :mod:`microblog_core.interop.cli`).

Bad input gives one clear line on stderr and a non-zero exit, never a
traceback (``--debug`` shows the traceback, for a bug report). Output that the
terminal's encoding cannot show is spelt out (``‰`` as ``per mille``) or
escaped, never an error.
"""

import argparse
import codecs
import contextlib
import io
import os
import sys
from collections.abc import Iterator, Sequence
from typing import NoReturn

from microblog_core._version import __version__
from microblog_core.errors import MicroblogError

__all__ = ["main"]


def _measure(args: argparse.Namespace) -> int:
    from microblog_core.text import measure, policy_named

    policy = policy_named(args.policy)
    result = measure(args.text, policy, content_warning=args.content_warning)
    print(result.describe())
    return 0 if result.valid else 1


def _demo(args: argparse.Namespace) -> int:
    from microblog_core._demo import run_demo

    run_demo(sys.stdout)
    return 0


class _Parser(argparse.ArgumentParser):
    """An argument parser whose usage errors are one line on stderr (status 2)."""

    def error(self, message: str) -> NoReturn:
        self.exit(2, f"microblog: error: {message} (see '{self.prog} --help')\n")


_ERRORS = "microblog_core.cli"
_SPELT_OUT = {"\u2030": " per mille", "\u2026": "...", "\u2588": "#", "\u2591": "-"}


def _spell_out(error: UnicodeError) -> tuple[str, int]:
    """Codec error handler: spell out what the stream's encoding cannot show."""
    if not isinstance(error, UnicodeEncodeError):
        raise error
    bad = error.object[error.start : error.end]
    shown = "".join(
        _SPELT_OUT.get(char) or char.encode("ascii", "backslashreplace").decode("ascii")
        for char in bad
    )
    return shown, error.end


codecs.register_error(_ERRORS, _spell_out)


@contextlib.contextmanager
def _tolerant_streams() -> Iterator[None]:
    """Let stdout and stderr write what their encoding cannot show (see :func:`_spell_out`)."""
    saved = []
    for stream in (sys.stdout, sys.stderr):
        if isinstance(stream, io.TextIOWrapper) and stream.errors == "strict":
            with contextlib.suppress(OSError, ValueError):
                stream.reconfigure(errors=_ERRORS)
                saved.append(stream)
    try:
        yield
    finally:
        for stream in saved:
            with contextlib.suppress(OSError, ValueError):
                stream.reconfigure(errors="strict")


def _flush_stdout() -> OSError | None:
    """Flush stdout; on a failure (a full disk, a closed pipe) silence it and return the error.

    Later writes, and the flush at interpreter exit, then go to the null device,
    so Python prints no "Exception ignored" message of its own.
    """
    try:
        sys.stdout.flush()
    except OSError as exc:
        with contextlib.suppress(OSError, ValueError, AttributeError, io.UnsupportedOperation):
            null = os.open(os.devnull, os.O_WRONLY)
            os.dup2(null, sys.stdout.fileno())
            os.close(null)
        return exc
    return None


_EXAMPLES = """\
examples:
  microblog simulate                                  2,000 accounts for a day, report and exports
  microblog simulate --ranker chronological --ranker for_you   feeds side by side
  microblog measure "你好，世界 https://example.com" --policy weibo
  microblog demo                                      a short tour of the service
  microblog sweep --grid ranker=chronological,for_you --seeds 10   many runs, 95% intervals
  microblog calibrate --accounts 5000                 cascades beside Goel et al. (2016)

exit status: 0 success, 1 an invalid text (measure), 2 bad input or a failure, 130 interrupted
"""


def _parser() -> argparse.ArgumentParser:
    parser = _Parser(
        prog="microblog",
        description="Micro-blog domain logic: length rules, timelines, simulations.",
        epilog=_EXAMPLES,
        formatter_class=argparse.RawDescriptionHelpFormatter,
    )
    parser.add_argument("--version", action="version", version=f"%(prog)s {__version__}")
    parser.add_argument(
        "--debug", action="store_true", help="show the traceback of an error (for a bug report)"
    )
    commands = parser.add_subparsers(dest="command", required=True, metavar="COMMAND")
    demo = commands.add_parser("demo", help="a short tour of the library at work")
    demo.set_defaults(run=_demo)
    measure = commands.add_parser("measure", help="measure a text under a length policy")
    measure.add_argument("text", help="the text to measure")
    measure.add_argument(
        "--policy",
        default="twitter",
        help="twitter (v3), twitter_v1, twitter_v2, weibo, weibo_long, mastodon, bluesky",
    )
    measure.add_argument("--content-warning", default="", help="a content warning (Mastodon)")
    measure.set_defaults(run=_measure)
    from microblog_core.sim.cli import add_simulate_parser

    add_simulate_parser(commands)
    from microblog_core.interop.cli import add_interop_parsers

    add_interop_parsers(commands)
    from microblog_core.sim.sweep_cli import add_sweep_parsers

    add_sweep_parsers(commands)
    return parser


def main(argv: Sequence[str] | None = None) -> int:
    """Run the command line; return the exit status.

    Every failure is one line on stderr (``microblog: error: ...``) and a
    non-zero status: 2 for bad input, a storage or file error, or output that
    cannot be written; 3 for a bug (run again with ``--debug`` for its
    traceback); 130 when interrupted. A usage error exits (``SystemExit``)
    with status 2, also after one line.

    Args:
        argv: The arguments (default: ``sys.argv[1:]``).
    """
    with _tolerant_streams():
        parser = _parser()
        args = parser.parse_args(argv)
        status = _run(args)
        failure = _flush_stdout()
        if failure is not None and status in (0, 1):
            _report(f"cannot write the output: {_one_line(failure)}")
            status = 2
        return status


def _one_line(exc: BaseException) -> str:
    return " ".join(str(exc).split()) or type(exc).__name__


def _report(message: str) -> None:
    with contextlib.suppress(OSError, ValueError):
        print(f"microblog: error: {message}", file=sys.stderr)


def _run(args: argparse.Namespace) -> int:
    try:
        status: int = args.run(args)
    except KeyboardInterrupt:
        _report("interrupted")
        return 130
    except (MicroblogError, OSError) as exc:
        if args.debug:
            raise
        _report(_one_line(exc))
        return 2
    except Exception as exc:  # a bug: one line, and the traceback with --debug
        if args.debug:
            raise
        _report(
            f"internal error ({type(exc).__name__}: {_one_line(exc)[:200]}); "
            "run again with --debug and report the traceback"
        )
        return 3
    return status
