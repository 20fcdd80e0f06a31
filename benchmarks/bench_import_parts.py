"""Benchmark the import's per-record fast paths against the slow paths they replace.

Each pair computes the same value (the tests prove it over Hypothesis
strategies); both run in the same process, in turn, round after round, and
each keeps its best round in CPU time (``time.process_time``):

* the first words of a Weibo comment chain: ``first_comment`` against
  ``parse_comment_chain(text)[0].text``, on a chain of 3,000 characters (an
  archived repost of a long cascade) and on a short one;
* an AT Protocol TID decoded (twice per imported record): ``decode_tid``
  against the per-character decode (five bits a character);
* a notification built by the projector: ``Notification._quick`` against the
  checked constructor.

    .venv/bin/python benchmarks/bench_import_parts.py [--number 20000] [--repeat 5]
"""

import argparse
import time
from collections.abc import Callable
from datetime import UTC, datetime

from microblog_core.ids import decode_tid, encode_tid, is_tid
from microblog_core.models import Notification, NotificationKind
from microblog_core.rules import first_comment, parse_comment_chain

TID_INDEX = {c: i for i, c in enumerate("234567abcdefghijklmnopqrstuvwxyz")}
T0 = datetime(2026, 1, 1, tzinfo=UTC)


def reference_decode(text: str) -> int:
    """The per-character decode ``decode_tid`` replaced (validation included)."""
    if not is_tid(text):
        raise ValueError(text)
    value = 0
    for char in text:
        value = (value << 5) | TID_INDEX[char]
    return value


def _chain(links: int) -> str:
    return "转发一下" + "".join(f"//@用户{i:05d}:说得对，转发{i}" for i in range(links))


def _best(repeat: int, number: int, runs: tuple[Callable[[], object], ...]) -> list[float]:
    best = [float("inf")] * len(runs)
    for _ in range(repeat):
        for index, run in enumerate(runs):
            start = time.process_time()
            for _ in range(number):
                run()
            best[index] = min(best[index], (time.process_time() - start) / number)
    return best


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--number", type=int, default=20_000)
    parser.add_argument("--repeat", type=int, default=5)
    args = parser.parse_args()
    long_chain, short_chain = _chain(200)[:3000], _chain(1)
    tid = encode_tid(0x1234_5678_9ABC_DEF)
    fields = {
        "id": 7_000_000,
        "account_id": 2,
        "kind": NotificationKind.MENTION,
        "from_account_id": 3,
        "post_id": 1_000_000,
        "created_at": T0,
        "filtered": False,
    }
    pairs: list[tuple[str, Callable[[], object], Callable[[], object]]] = [
        (
            f"chain words ({len(long_chain):,} chars)",
            lambda: first_comment(long_chain),
            lambda: parse_comment_chain(long_chain)[0].text,
        ),
        (
            f"chain words ({len(short_chain)} chars)",
            lambda: first_comment(short_chain),
            lambda: parse_comment_chain(short_chain)[0].text,
        ),
        ("decode_tid", lambda: decode_tid(tid), lambda: reference_decode(tid)),
        (
            "notification",
            lambda: Notification._quick(**fields),  # type: ignore[arg-type]
            lambda: Notification(**fields),  # type: ignore[arg-type]
        ),
    ]
    print(f"best of {args.repeat} rounds of {args.number:,} calls, CPU time per call")
    print(f"{'path':<26} {'fast':>10} {'slow':>10} {'fast/slow':>10}")
    for name, fast, slow in pairs:
        assert fast() == slow(), name
        fast_s, slow_s = _best(args.repeat, args.number, (fast, slow))
        print(f"{name:<26} {fast_s * 1e6:>8.2f}us {slow_s * 1e6:>8.2f}us {fast_s / slow_s:>9.3f}x")


if __name__ == "__main__":
    main()
