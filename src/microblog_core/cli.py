"""The ``microblog`` command.

Subcommands:

- ``microblog simulate``: a seeded feed simulation with a report and exports
  (by default 2,000 accounts for a simulated day on SQLite).
- ``microblog measure TEXT --policy NAME``: measure a text under a length policy.
- ``microblog demo``: a short tour of the service at work.
- ``microblog import``, ``export`` and ``cascades``: real data in and out
  (see :mod:`microblog_core.interop.cli`).

Bad input gives one clear line on stderr and a non-zero exit, never a traceback.
"""

import argparse
import sys
from collections.abc import Sequence

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
    parser = argparse.ArgumentParser(
        prog="microblog",
        description="Micro-blog domain logic: length rules, timelines, simulations.",
        epilog=_EXAMPLES,
        formatter_class=argparse.RawDescriptionHelpFormatter,
    )
    parser.add_argument("--version", action="version", version=f"%(prog)s {__version__}")
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

    Args:
        argv: The arguments (default: ``sys.argv[1:]``).
    """
    parser = _parser()
    args = parser.parse_args(argv)
    try:
        status: int = args.run(args)
    except MicroblogError as exc:
        print(f"microblog: error: {exc}", file=sys.stderr)
        return 2
    except KeyboardInterrupt:
        print("microblog: interrupted", file=sys.stderr)
        return 130
    return status
