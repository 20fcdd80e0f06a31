"""Benchmark interop import throughput against a bare ``json.loads`` of the same file.

Writes a file of realistic records per format (Mastodon statuses with a
mention, a tag and a link; Twitter v2 responses; AT Protocol records;
ActivityPub Create activities; Weibo statuses with repost chains, as a
cascade of the usual shape and, as ``weibo-chain``, the worst case of one
chain as deep as the file), then in
the same run times:

* ``json.loads`` of every line (the floor: decoding only),
* the format's reader (file -> values, the import's parsing half),
* the import's writing half alone: the reader's items, read beforehand
  (untimed), applied by an :class:`Importer` through the service on the
  memory store, in atomic batches of 1,000,
* a full import through the service on the memory store (the headline
  figure), in atomic batches of 1,000.

Prints, per format, records per second of each and the ratio to
``json.loads`` of the same file in the same run (target >= 0.2x for the full
import). The four are timed in turn, round after round, and each keeps its
best round (CPU time, ``time.process_time``), so a machine shared with other
work slows all alike.

    .venv/bin/python benchmarks/bench_interop.py [--records 20000] [--repeat 3]

With ``--opcodes`` it counts the Python bytecodes each record of the reader
and of the writing half executes instead (slow: use a few hundred records),
a figure the machine's load cannot move.
"""

import argparse
import functools
import io
import json
import random
import sys
import time
from collections.abc import Callable, Iterator
from datetime import UTC, datetime, timedelta
from types import FrameType

from microblog_core import ManualClock, Microblog
from microblog_core.interop import activitypub, atproto, mastodon, twitter, weibo
from microblog_core.interop.importing import Importer
from microblog_core.models import MASTODON_ACCOUNTS, WEIBO_ACCOUNTS, Account, Post
from microblog_core.text import BLUESKY, MASTODON, TWITTER_V3, WEIBO_LONG

T0 = datetime(2024, 1, 1, tzinfo=UTC)
BASE = "https://bench.example"


def _accounts(n: int) -> list[Account]:
    return [Account.create(id=i, handle=f"user{i}", created_at=T0) for i in range(1, n + 1)]


def _posts(count: int) -> Iterator[Post]:
    for i in range(count):
        author = 1 + i % 50
        yield Post.create(
            id=1_000_000 + i,
            author_id=author,
            created_at=T0 + timedelta(seconds=i),
            text=f"post {i} for @user{1 + (i + 1) % 50} about #topic{i % 7} https://example.com/{i}",
            mentions=[1 + (i + 1) % 50],
            tags=[f"topic{i % 7}"],
            language="en",
        )


def mastodon_file(count: int) -> str:
    accounts = {a.id: a for a in _accounts(50)}
    return "".join(
        json.dumps(mastodon.status_to_json(p, accounts=accounts, base_url=BASE)) + "\n"
        for p in _posts(count)
    )


def activitypub_file(count: int) -> str:
    accounts = {a.id: a for a in _accounts(50)}
    actors = [
        json.dumps(activitypub.actor_to_json(a, base_url=BASE)) + "\n" for a in accounts.values()
    ]
    return "".join(actors) + "".join(
        json.dumps(activitypub.to_activity(p, accounts=accounts, base_url=BASE)) + "\n"
        for p in _posts(count)
    )


def atproto_file(count: int) -> str:
    handles = {a.id: a.handle for a in _accounts(50)}
    lines = []
    for post in _posts(count):
        record = atproto.to_record(post, handles=handles)
        lines.append(
            json.dumps(
                {"uri": record.uri, "cid": atproto.cid_for(record.uri), "value": record.value}
            )
            + "\n"
        )
    return "".join(lines)


def twitter_file(count: int) -> str:
    lines = []
    for post in _posts(count):
        tweet = {
            "data": {
                "id": str(post.id),
                "text": post.text,
                "author_id": str(post.author_id),
                "created_at": post.created_at.isoformat().replace("+00:00", "Z"),
                "lang": "en",
                "entities": {
                    "mentions": [
                        {
                            "start": 15,
                            "end": 22,
                            "username": f"user{post.mentions[0]}",
                            "id": str(post.mentions[0]),
                        }
                    ],
                    "hashtags": [{"start": 29, "end": 37, "tag": post.tags[0]}],
                },
                "public_metrics": {"retweet_count": 0, "like_count": 3},
            },
            "includes": {
                "users": [
                    {"id": str(post.author_id), "username": f"user{post.author_id}", "name": "U"}
                ]
            },
        }
        lines.append(json.dumps(tweet) + "\n")
    return "".join(lines)


def weibo_file(count: int, *, chain: bool = False) -> str:
    """Weibo statuses reposting one original, each with its comment chain in its text.

    By default a cascade shaped as real ones are (Goel et al. 2016: most
    reposts come straight from the original, few are deep): each repost
    comes from the original with probability 0.7, else through an earlier
    repost drawn at random, and its text is a comment then
    ``//@author:comment`` for the repost it came through. ``chain=True`` is
    the worst case instead: every repost comes through the one before it, a
    chain ``count`` hops deep, so the service rebuilds a text as long as
    the length limit allows for every record.
    """
    root = {
        "id": 4_000_000,
        "created_at": "Mon Jan 01 08:00:00 +0800 2024",
        "text": "原微博 #话题#",
        "user": {"id": 1, "screen_name": "原作者一号", "verified_type": 1},
    }
    rng = random.Random(7)
    lines = [json.dumps(root, ensure_ascii=False) + "\n"]
    for i in range(1, count):
        # The status it came through: 0 is the original.
        through = 0 if i == 1 or rng.random() < 0.7 else rng.randrange(1, i)
        parent = i - 1 if chain else through
        status = {
            "id": 4_000_000 + i,
            "created_at": "Mon Jan 01 09:00:00 +0800 2024",
            "text": f"转发第{i}条//@用户{parent:05d}:好" if parent else "转发微博",
            "user": {"id": 10 + i, "screen_name": f"用户{i:05d}"},
            "retweeted_status": root,
        }
        lines.append(json.dumps(status, ensure_ascii=False) + "\n")
    return "".join(lines)


FORMATS: dict[
    str, tuple[Callable[[int], str], Callable[..., Iterator[object]], Callable[[], Microblog]]
] = {}


def _blog(policy: object, accounts: object) -> Callable[[], Microblog]:
    return lambda: Microblog.in_memory(clock=ManualClock(), policy=policy, account_policy=accounts)  # type: ignore[arg-type]


FORMATS = {
    "mastodon": (mastodon_file, mastodon.read_statuses, _blog(MASTODON, MASTODON_ACCOUNTS)),
    "activitypub": (
        activitypub_file,
        activitypub.read_activities,
        _blog(MASTODON, MASTODON_ACCOUNTS),
    ),
    "atproto": (atproto_file, atproto.read_records, _blog(BLUESKY, MASTODON_ACCOUNTS)),
    "twitter": (twitter_file, twitter.read_tweets, _blog(TWITTER_V3, MASTODON_ACCOUNTS)),
    "weibo": (weibo_file, weibo.read_statuses, _blog(WEIBO_LONG, WEIBO_ACCOUNTS)),
    "weibo-chain": (
        functools.partial(weibo_file, chain=True),
        weibo.read_statuses,
        _blog(WEIBO_LONG, WEIBO_ACCOUNTS),
    ),
}


def best_of(repeat: int, run: Callable[[], object]) -> float:
    best = float("inf")
    for _ in range(repeat):
        start = time.process_time()
        run()
        best = min(best, time.process_time() - start)
    return best


def _runs(
    text: str, reader: Callable[..., Iterator[object]], blog: Callable[[], Microblog]
) -> tuple[Callable[[], None], ...]:
    items = list(reader(io.StringIO(text)))

    def decode() -> None:
        for line in io.StringIO(text):
            json.loads(line)

    def read() -> None:
        for _ in reader(io.StringIO(text)):
            pass

    def write() -> None:
        service = blog()
        Importer(service, clock=service.clock, batch_size=1000).run(items)  # type: ignore[arg-type]

    def load() -> None:
        service = blog()
        Importer(service, clock=service.clock, batch_size=1000).run(reader(io.StringIO(text)))  # type: ignore[arg-type]

    return decode, read, write, load


def _best_interleaved(repeat: int, runs: tuple[Callable[[], None], ...]) -> list[float]:
    best = [float("inf")] * len(runs)
    for _ in range(repeat):
        for index, run in enumerate(runs):
            start = time.process_time()
            run()
            best[index] = min(best[index], time.process_time() - start)
    return best


def _opcodes(run: Callable[[], None]) -> int:
    """Python bytecodes executed by ``run`` (C work such as a regex counts nothing).

    ``run`` runs once untraced first, so that first-use work (lazy imports,
    compiled patterns, cached plans) is not counted.
    """
    run()
    count = 0

    def trace(frame: FrameType, event: str, _arg: object) -> Callable[..., object]:
        nonlocal count
        frame.f_trace_opcodes = True
        if event == "opcode":
            count += 1
        return trace

    sys.settrace(trace)
    try:
        run()
    finally:
        sys.settrace(None)
    return count


def opcodes_report(records: int, formats: list[str]) -> None:
    """Print the Python bytecodes per record of the reader and of the writing half.

    A count that the machine's load cannot move, for comparing two versions
    of the code on a busy machine; it leaves out work done in C.
    """
    print(f"{records:,} records per format; Python bytecodes executed per record")
    print(f"{'format':<12} {'read':>10} {'write':>10}")
    for name in formats:
        make, reader, blog = FORMATS[name]
        text = make(records)
        lines = text.count("\n")
        _decode, read, write, _load = _runs(text, reader, blog)
        print(f"{name:<12} {_opcodes(read) / lines:>10,.0f} {_opcodes(write) / lines:>10,.0f}")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--records", type=int, default=20_000)
    parser.add_argument("--repeat", type=int, default=3)
    parser.add_argument("--formats", default=",".join(FORMATS))
    parser.add_argument(
        "--opcodes",
        action="store_true",
        help="count Python bytecodes per record instead of timing (load-independent)",
    )
    args = parser.parse_args()
    if args.opcodes:
        opcodes_report(args.records, args.formats.split(","))
        return
    print(f"{args.records:,} records per format, best of {args.repeat} interleaved rounds")
    print("write: the Importer alone over items read beforehand; import: read + write")
    print("both through Microblog.in_memory() (memory store), batches of 1,000")
    print(
        f"{'format':<12} {'json.loads':>14} {'read':>14} {'ratio':>7}"
        f" {'write':>14} {'ratio':>7} {'import':>14} {'ratio':>7}"
    )
    for name in args.formats.split(","):
        make, reader, blog = FORMATS[name]
        text = make(args.records)
        lines = text.count("\n")
        decode_s, read_s, write_s, load_s = _best_interleaved(
            args.repeat, _runs(text, reader, blog)
        )
        floor, reading = lines / decode_s, lines / read_s
        writing, importing = lines / write_s, lines / load_s
        print(
            f"{name:<12} {floor:>10,.0f} r/s {reading:>10,.0f} r/s {reading / floor:>6.2f}x"
            f" {writing:>10,.0f} r/s {writing / floor:>6.2f}x"
            f" {importing:>10,.0f} r/s {importing / floor:>6.2f}x"
        )


if __name__ == "__main__":
    main()
