"""Benchmark: rank 10,000 candidates with TWITTER_2023 + author diversity.

Compares, in the same run, against a baseline of sorting 10,000 plain
``(float, int)`` tuples by a precomputed float, and prints candidates per
second for each and the ratio. Also times the stages (scoring alone, rank
without re-rankers) so a regression can be located.

Run: ``.venv/bin/python benchmarks/bench_ranking.py [--n 10000] [--repeat 15]``
"""

import argparse
import random
import timeit
from datetime import UTC, datetime, timedelta
from operator import itemgetter

from microblog_core.ranking import (
    TWITTER_2023,
    TWITTER_2023_WEIGHTS,
    AuthorDiversity,
    Candidate,
    rank,
)

NOW = datetime(2026, 1, 1, tzinfo=UTC)


def make_candidates(n: int, seed: int = 2023) -> list[Candidate]:
    rng = random.Random(seed)
    names = sorted(TWITTER_2023_WEIGHTS)
    authors = max(1, n // 20)
    out = []
    for post_id in range(1, n + 1):
        signals = {name: rng.random() * (0.05 if name == "report" else 0.3) for name in names}
        out.append(
            Candidate(
                post_id=post_id,
                author_id=rng.randrange(authors),
                created_at=NOW - timedelta(seconds=rng.randrange(86_400)),
                likes=rng.randrange(1000),
                reposts=rng.randrange(100),
                in_network=rng.random() < 0.5,
                signals=signals,
            )
        )
    rng.shuffle(out)
    return out


def best_of(stmt, repeat: int) -> float:
    return min(timeit.repeat(stmt, number=1, repeat=repeat))


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--n", type=int, default=10_000)
    parser.add_argument("--repeat", type=int, default=15)
    args = parser.parse_args()
    n, repeat = args.n, args.repeat

    candidates = make_candidates(n)
    diversity = AuthorDiversity()
    rng = random.Random(1)
    pairs = [(rng.random(), i) for i in range(n)]
    key = itemgetter(0)

    baseline = best_of(lambda: sorted(pairs, key=key, reverse=True), repeat)
    scoring = best_of(lambda: TWITTER_2023.score_many(candidates, NOW), repeat)
    plain = best_of(lambda: rank(candidates, TWITTER_2023, NOW), repeat)
    full = best_of(lambda: rank(candidates, TWITTER_2023, NOW, rerankers=[diversity]), repeat)

    print(f"{n} candidates, best of {repeat} runs")
    rows = [
        ("baseline: sort (float, int) tuples", baseline),
        ("TWITTER_2023.score_many only", scoring),
        ("rank(TWITTER_2023)", plain),
        ("rank(TWITTER_2023, [AuthorDiversity()])", full),
    ]
    for label, seconds in rows:
        print(
            f"  {label:<42} {seconds * 1e3:8.2f} ms  {n / seconds:>12,.0f} candidates/s"
            f"  x{seconds / baseline:6.1f} baseline"
        )


if __name__ == "__main__":
    main()
