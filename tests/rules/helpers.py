"""Small builders for rule tests: posts with fixed times and ids."""

from datetime import UTC, datetime

from microblog_core.models import Post, ReplyGate, RepostRef, Visibility
from microblog_core.rules import flatten_repost, reply_ref_for

T0 = datetime(2026, 1, 1, tzinfo=UTC)


def original(
    post_id: int,
    author: int,
    *,
    visibility: Visibility = Visibility.PUBLIC,
    mentions: tuple[int, ...] = (),
    gate: ReplyGate = ReplyGate.ANYONE,
    text: str = "hello",
    language: str | None = None,
) -> Post:
    return Post.create(
        id=post_id,
        author_id=author,
        created_at=T0,
        text=text,
        visibility=visibility,
        mentions=mentions,
        reply_gate=gate,
        language=language,
    )


def reply(post_id: int, author: int, parent: Post, *, text: str = "re") -> Post:
    return Post.create(
        id=post_id,
        author_id=author,
        created_at=T0,
        text=text,
        reply_to=reply_ref_for(parent, author),
    )


def repost(post_id: int, author: int, target: Post, *, comment: str = "") -> Post:
    ref: RepostRef = flatten_repost(target)
    return Post.create_repost(id=post_id, author_id=author, created_at=T0, of=ref, comment=comment)
