"""A whole history moves from one service to another through ActivityPub."""

import io
import json

from hypothesis import given, settings

from microblog_core import ManualClock, Microblog
from microblog_core.interop.activitypub import outbox, read_activities
from microblog_core.interop.importing import Importer
from microblog_core.models import MASTODON_ACCOUNTS
from microblog_core.testing.strategies import histories, replay
from microblog_core.text import MASTODON

from .helpers import T0

BASE = "https://a.example"


def _shape(blog):
    with blog.unit_of_work(readonly=True) as uow:
        accounts = list(uow.accounts.page(limit=100))
        handles = {a.id: a.handle for a in accounts}
        posts = sorted(uow.posts.scan(limit=1000), key=lambda p: p.id)
        likes = sorted(
            (handles[like.account_id], like.post_id)
            for p in posts
            for like in uow.engagement.likes_of(p.id, limit=100)
        )
        follows = sorted(
            (handles[f.follower_id], handles[f.followee_id])
            for a in accounts
            for f in uow.relations.following_of(a.id, limit=100)
        )
        blocks = sorted(
            (handles[a.id], handles[b]) for a in accounts for b in uow.relations.blocked_ids(a.id)
        )
    order = {p.id: i for i, p in enumerate(posts)}
    shaped = [
        (
            handles[p.author_id],
            p.text if p.repost_of is None else "",
            p.visibility,
            order.get(p.reply_to.parent_id) if p.reply_to else None,
            order.get(p.repost_of.root_id) if p.repost_of else None,
            order.get(p.quote_of) if p.quote_of else None,
            # An Announce carries no comment: a repost's words, mentions and tags stay behind.
            tuple(sorted(handles[m] for m in p.mentions)) if p.repost_of is None else (),
            p.tags if p.repost_of is None else (),
        )
        for p in posts
    ]
    liked = sorted((who, order[post]) for who, post in likes)
    return sorted(handles.values()), shaped, liked, follows, blocks


def _service():
    clock = ManualClock(T0)
    return Microblog.in_memory(
        clock=clock, account_policy=MASTODON_ACCOUNTS, policy=MASTODON
    ), clock


@settings(max_examples=15)
@given(histories(policy=MASTODON_ACCOUNTS, max_steps=15))
def test_a_history_exported_as_activities_imports_into_an_equal_service(history):
    source, _ = _service()
    replay(source, history)
    lines = "\n".join(json.dumps(a) for a in outbox(source, base_url=BASE))
    target, clock = _service()
    Importer(target, clock=clock, batch_size=7).run(read_activities(io.StringIO(lines)))
    assert _shape(target) == _shape(source)
