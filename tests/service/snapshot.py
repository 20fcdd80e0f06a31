"""A full, comparable dump of a Microblog's storage (for atomicity checks)."""

from typing import Any

from microblog_core.service import Microblog
from microblog_core.testing.machine import snapshot as stored


def snapshot(blog: Microblog) -> dict[str, Any]:
    """Everything the store holds (the testing kit's snapshot), plus every home and list feed."""
    data = stored(blog)
    with blog.unit_of_work(readonly=True) as uow:
        data["feeds"] = {a.id: list(uow.feeds.read(a.id, limit=10_000)) for a in data["accounts"]}
        # A list's feed is the feed keyed by the list's id.
        data["list_feeds"] = {
            lst.id: list(uow.feeds.read(lst.id, limit=10_000))  # type: ignore[arg-type]
            for held in data["lists"].values()
            for lst, _ in held
        }
    return data
