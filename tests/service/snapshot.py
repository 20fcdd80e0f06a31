"""A full, comparable dump of a Microblog's storage (for atomicity checks)."""

from typing import Any

from microblog_core.service import Microblog


def snapshot(blog: Microblog) -> dict[str, Any]:
    """Read everything the store holds, through the ports, into plain comparable data."""
    with blog.unit_of_work(readonly=True) as uow:
        accounts = list(uow.accounts.page(limit=10_000))
        posts = list(uow.posts.scan(limit=100_000))
        ids = [a.id for a in accounts]
        relations = {}
        for a in ids:
            for b in ids:
                if a == b:
                    continue
                relations[(a, b)] = (
                    uow.relations.get_follow(a, b),
                    uow.relations.get_request(a, b),
                    uow.relations.get_block(a, b),
                    uow.relations.get_mute(a, b),
                )
        return {
            "accounts": accounts,
            "account_counters": {a: uow.accounts.counters(a) for a in ids},
            "posts": posts,
            "post_counters": {p.id: uow.posts.counters(p.id) for p in posts},
            "likes": {p.id: list(uow.engagement.likes_of(p.id, limit=10_000)) for p in posts},
            "relations": relations,
            "feeds": {a: list(uow.feeds.read(a, limit=10_000)) for a in ids},
        }
