"""One hammering process of the concurrency test: threads running random use cases.

Run as ``python -m tests.postgres._hammer URL SCHEMA WORKER THREADS OPS SEED OUT``; it
writes a JSON report to OUT: what each use case returned, and anything it raised that
is not a MicroblogError.
"""

import json
import random
import sys
import threading
import traceback
from typing import Any

from microblog_core.errors import MicroblogError
from microblog_core.service import Microblog


def run(
    blog: Microblog, roots: list[int], ops: int, rng: random.Random, out: dict[str, Any]
) -> None:
    mine: list[tuple[int, int]] = []
    for _ in range(ops):
        kind = rng.choice(("like", "unlike", "repost", "unrepost", "graph", "post", "delete"))
        a = rng.choice(out["accounts"])
        try:
            if kind == "like":
                like = blog.like(a, rng.choice(roots))
                out["likes"].append([like.account_id, like.post_id])
            elif kind == "unlike":
                blog.unlike(a, rng.choice(roots))
            elif kind == "repost":
                shared = blog.repost(a, rng.choice(roots))
                out["reposts"].append(shared.id)
            elif kind == "unrepost":
                blog.unrepost(a, rng.choice(roots))
            elif kind == "graph":
                b = rng.choice([x for x in out["accounts"] if x != a])
                action = rng.choice(("follow", "follow", "unfollow", "block", "unblock"))
                getattr(blog, action)(a, b)
            elif kind == "post":
                created = blog.post(a, f"hello from {a}")
                mine.append((created.id, created.author_id))
                out["posts"].append(created.id)
            elif mine:
                victim, author = mine.pop(rng.randrange(len(mine)))
                deleted = blog.delete_post(author, victim)
                out["deleted"].append(deleted.id)
        except MicroblogError as exc:
            out["typed"][type(exc).__name__] = out["typed"].get(type(exc).__name__, 0) + 1
        except BaseException:
            out["untyped"].append(traceback.format_exc())


def main() -> None:
    url, schema = sys.argv[1], sys.argv[2]
    worker, threads, ops, seed = (int(x) for x in sys.argv[3:7])
    path = sys.argv[7]
    roots = [int(x) for x in sys.argv[8].split(",")]
    accounts = [int(x) for x in sys.argv[9].split(",")]
    blog = Microblog.postgres(url, schema=schema)
    reports = []
    workers = []
    for t in range(threads):
        out: dict[str, Any] = {
            "accounts": accounts,
            "likes": [],
            "reposts": [],
            "posts": [],
            "deleted": [],
            "typed": {},
            "untyped": [],
        }
        reports.append(out)
        rng = random.Random(seed * 1000 + worker * 10 + t)
        workers.append(threading.Thread(target=run, args=(blog, roots, ops, rng, out)))
    for thread in workers:
        thread.start()
    for thread in workers:
        thread.join()
    merged: dict[str, Any] = {
        "likes": [x for r in reports for x in r["likes"]],
        "reposts": [x for r in reports for x in r["reposts"]],
        "posts": [x for r in reports for x in r["posts"]],
        "deleted": [x for r in reports for x in r["deleted"]],
        "untyped": [x for r in reports for x in r["untyped"]],
        "typed": {},
        "retries": blog.retry_stats.retries,
        "exhausted": blog.retry_stats.exhausted,
    }
    for r in reports:
        for name, n in r["typed"].items():
            merged["typed"][name] = merged["typed"].get(name, 0) + n
    blog.close()
    with open(path, "w", encoding="utf-8") as handle:
        json.dump(merged, handle)


if __name__ == "__main__":
    main()
