"""Use cases of posts, replies, reposts, quotes, likes and threads, on both adapters."""

import pytest

from microblog_core.errors import (
    ConflictError,
    DuplicateRepostError,
    InvalidTextError,
    NotFoundError,
    PermissionDeniedError,
    TextTooLongError,
    ValidationError,
)
from microblog_core.models import (
    Media,
    MediaKind,
    PostDeleted,
    PostPublished,
    QuotePolicy,
    ReplyAudience,
    ReplyGate,
    Reposted,
    Visibility,
)
from microblog_core.rules import Placeholder, parse_comment_chain
from tests.service.conftest import tick
from tests.service.snapshot import snapshot


@pytest.fixture
def people(blog):
    return {name: blog.register(name) for name in ("op", "ann", "ben", "cat")}


def test_post_extracts_mentions_and_tags(blog, people):
    post = blog.post(people["op"].id, "Hi @ann and @nobody! #News #news #Weather")
    assert post.mentions == (people["ann"].id,)
    assert post.tags == ("news", "weather")
    assert blog.get_post(post.id) == post


def test_too_long_text_refused_with_measurement(blog, people):
    with pytest.raises(TextTooLongError) as info:
        blog.post(people["op"].id, "x" * 281)
    assert info.value.length == 281
    assert info.value.limit == 280
    assert info.value.measurement is not None


def test_empty_text_refused_unless_media(blog, people):
    with pytest.raises(InvalidTextError):
        blog.post(people["op"].id, "")
    media = Media(kind=MediaKind.IMAGE, url="https://img.example/1.png", description="a cat")
    post = blog.post(people["op"].id, "", attachments=[media])
    assert post.attachments == (media,)


def test_invalid_character_refused(blog, people):
    with pytest.raises(InvalidTextError) as info:
        blog.post(people["op"].id, "bad \ufffe char")
    assert info.value.reason


def test_reply_sets_root_parent_and_counters(blog, people):
    root = blog.post(people["op"].id, "question?")
    first = blog.reply(people["ann"].id, root.id, "answer")
    second = blog.reply(people["ben"].id, first.id, "comment")
    assert (second.reply_to.root_id, second.reply_to.parent_id) == (root.id, first.id)
    assert blog.post_counters(root.id).replies == 1
    assert blog.post_counters(first.id).replies == 1
    assert [p.id for p in blog.replies(root.id)] == [first.id]


def test_reply_to_repost_replies_to_original(blog, people):
    root = blog.post(people["op"].id, "original")
    boost = blog.repost(people["ann"].id, root.id)
    answer = blog.reply(people["ben"].id, boost.id, "to the original")
    assert answer.reply_to.parent_id == root.id
    assert answer.reply_to.parent_author_id == people["op"].id


def test_reply_visibility_defaults_to_narrower_parent(blog, people):
    blog.follow(people["ann"].id, people["op"].id)
    root = blog.post(people["op"].id, "for followers", visibility=Visibility.PRIVATE)
    answer = blog.reply(people["ann"].id, root.id, "ok")
    assert answer.visibility is Visibility.PRIVATE


def test_reply_to_blocked_author_refused(blog, people):
    root = blog.post(people["op"].id, "hello")
    blog.block(people["op"].id, people["ann"].id)
    with pytest.raises(PermissionDeniedError) as info:
        blog.reply(people["ann"].id, root.id, "let me in")
    assert info.value.rule == "blocked"
    with pytest.raises(PermissionDeniedError):
        blog.like(people["ann"].id, root.id)
    with pytest.raises(NotFoundError):
        blog.get_post(root.id, viewer_id=people["ann"].id)


def test_reply_breaking_gate_refused(blog, people):
    root = blog.post(
        people["op"].id,
        "followers only replies",
        reply_gate=ReplyGate(allow=[ReplyAudience.FOLLOWERS]),
    )
    with pytest.raises(PermissionDeniedError) as info:
        blog.reply(people["ann"].id, root.id, "me?")
    assert info.value.rule == "reply_gate"
    blog.follow(people["ann"].id, people["op"].id)
    assert blog.reply(people["ann"].id, root.id, "now I may").reply_to.root_id == root.id
    # The gate covers the whole thread.
    first = blog.reply(people["op"].id, root.id, "thanks")
    with pytest.raises(PermissionDeniedError):
        blog.reply(people["ben"].id, first.id, "deeper")


def test_set_reply_gate_only_by_author_on_roots(blog, people):
    root = blog.post(people["op"].id, "hello")
    with pytest.raises(PermissionDeniedError) as info:
        blog.set_reply_gate(people["ann"].id, root.id, ReplyGate.NOBODY)
    assert info.value.rule == "not_author"
    blog.set_reply_gate(people["op"].id, root.id, ReplyGate.NOBODY)
    with pytest.raises(PermissionDeniedError):
        blog.reply(people["ann"].id, root.id, "closed")
    answer = blog.reply(people["op"].id, root.id, "author still may")
    with pytest.raises(ValidationError):
        blog.set_reply_gate(people["op"].id, answer.id, ReplyGate.ANYONE)


def test_repost_flattens_and_keeps_via_and_counts_root(blog, people):
    root = blog.post(people["op"].id, "news")
    first = blog.repost(people["ann"].id, root.id)
    second = blog.repost(people["ben"].id, first.id)
    assert second.repost_of.root_id == root.id
    assert second.repost_of.via_id == first.id
    assert second.repost_of.via_author_id == people["ann"].id
    assert blog.post_counters(root.id).reposts == 2
    assert [p.id for p in blog.reposts(root.id)] == [first.id, second.id]


def test_duplicate_repost_refused(blog, people):
    root = blog.post(people["op"].id, "news")
    first = blog.repost(people["ann"].id, root.id)
    with pytest.raises(DuplicateRepostError):
        blog.repost(people["ann"].id, root.id)
    other = blog.repost(people["ben"].id, root.id)
    with pytest.raises(DuplicateRepostError):
        blog.repost(people["ann"].id, other.id)
    assert first.id


def test_repost_of_followers_only_post_by_someone_else_refused(blog, people):
    blog.follow(people["ann"].id, people["op"].id)
    root = blog.post(people["op"].id, "friends only", visibility=Visibility.PRIVATE)
    with pytest.raises(PermissionDeniedError) as info:
        blog.repost(people["ann"].id, root.id)
    assert info.value.rule == "followers_only"
    own = blog.repost(people["op"].id, root.id)
    assert own.visibility is Visibility.PRIVATE


def test_repost_of_invisible_post_is_not_found(blog, people):
    root = blog.post(people["op"].id, "psst @ann", visibility=Visibility.DIRECT)
    with pytest.raises(NotFoundError):
        blog.repost(people["ben"].id, root.id)
    with pytest.raises(PermissionDeniedError) as info:
        blog.repost(people["ann"].id, root.id)
    assert info.value.rule == "direct"


def test_repost_across_block_refused(blog, people):
    root = blog.post(people["op"].id, "news")
    first = blog.repost(people["ann"].id, root.id)
    blog.block(people["ann"].id, people["ben"].id)
    with pytest.raises(PermissionDeniedError) as info:
        blog.repost(people["ben"].id, first.id)
    assert info.value.rule == "blocked"


def test_weibo_comment_chain(blog, people):
    root = blog.post(people["op"].id, "news")
    first = blog.repost(people["ann"].id, root.id, comment="so true")
    second = blog.repost(people["ben"].id, first.id, comment="me too")
    assert second.text == "me too//@ann:so true"
    links = parse_comment_chain(second.text)
    assert [(link.handle, link.text) for link in links] == [(None, "me too"), ("ann", "so true")]
    assert second.mentions == (people["ann"].id,)


def test_repost_comment_measured(blog, people):
    root = blog.post(people["op"].id, "news")
    with pytest.raises(TextTooLongError):
        blog.repost(people["ann"].id, root.id, comment="x" * 281)


def test_also_comment_replies_to_the_original(blog, people):
    root = blog.post(people["op"].id, "news")
    events = []
    blog.subscribe(events.append)
    blog.repost(people["ann"].id, root.id, comment="worth reading", also_comment=True)
    assert [type(e) for e in events] == [Reposted, PostPublished]
    assert blog.post_counters(root.id).replies == 1
    assert blog.replies(root.id)[0].text == "worth reading"
    with pytest.raises(ValidationError):
        blog.repost(people["ben"].id, root.id, also_comment=True)


def test_also_comment_breaking_gate_fails_whole_repost(blog, people):
    root = blog.post(people["op"].id, "news", reply_gate=ReplyGate.NOBODY)
    before = snapshot(blog)
    with pytest.raises(PermissionDeniedError):
        blog.repost(people["ann"].id, root.id, comment="hm", also_comment=True)
    assert snapshot(blog) == before


def test_unrepost(blog, people):
    root = blog.post(people["op"].id, "news")
    blog.repost(people["ann"].id, root.id)
    assert blog.unrepost(people["ann"].id, root.id)
    assert not blog.unrepost(people["ann"].id, root.id)
    assert blog.post_counters(root.id).reposts == 0


def test_quote_and_quote_policy(blog, people):
    root = blog.post(people["op"].id, "quotable")
    quote = blog.post(people["ann"].id, "look at this", quote_of=root.id)
    assert quote.quote_of == root.id
    assert blog.post_counters(root.id).quotes == 1
    closed = blog.post(people["op"].id, "not quotable", quote_policy=QuotePolicy.NOBODY)
    with pytest.raises(PermissionDeniedError) as info:
        blog.post(people["ann"].id, "quoting anyway", quote_of=closed.id)
    assert info.value.rule == "quote_policy"


def test_quoting_a_repost_quotes_the_original(blog, people):
    root = blog.post(people["op"].id, "original")
    boost = blog.repost(people["ann"].id, root.id)
    quote = blog.post(people["ben"].id, "see", quote_of=boost.id)
    assert quote.quote_of == root.id


def test_delete_removes_reposts_fixes_counters_keeps_replies(blog, people):
    root = blog.post(people["op"].id, "to be deleted")
    blog.repost(people["ann"].id, root.id)
    blog.repost(people["ben"].id, root.id)
    answer = blog.reply(people["cat"].id, root.id, "answer")
    blog.like(people["cat"].id, root.id)
    events = []
    blog.subscribe(events.append)
    with pytest.raises(PermissionDeniedError) as info:
        blog.delete_post(people["ann"].id, root.id)
    assert info.value.rule == "not_author"
    blog.delete_post(people["op"].id, root.id)
    assert isinstance(events[-1], PostDeleted)
    assert len(events[-1].removed_reposts) == 2
    with pytest.raises(NotFoundError):
        blog.get_post(root.id)
    assert blog.account_counters(people["ann"].id).posts == 0
    assert blog.get_post(answer.id).reply_to.parent_id == root.id
    view = blog.thread(answer.id)
    assert view.ancestors[0].placeholder is Placeholder.DELETED


def test_like_unlike(blog, people):
    root = blog.post(people["op"].id, "like me")
    boost = blog.repost(people["ann"].id, root.id)
    like = blog.like(people["ben"].id, boost.id)
    assert like.post_id == root.id
    with pytest.raises(ConflictError):
        blog.like(people["ben"].id, root.id)
    assert blog.post_counters(root.id).likes == 1
    assert [a.id for a in blog.likes(root.id).items] == [people["ben"].id]
    assert blog.unlike(people["ben"].id, root.id)
    assert not blog.unlike(people["ben"].id, root.id)
    assert blog.post_counters(root.id).likes == 0


def test_visibility_never_leaks_in_queries(blog, people):
    op, ann, ben = people["op"], people["ann"], people["ben"]
    blog.follow(ann.id, op.id)
    private = blog.post(op.id, "followers", visibility=Visibility.PRIVATE)
    direct = blog.post(op.id, "hi @ben", visibility=Visibility.DIRECT)
    public = blog.post(op.id, "everyone")
    assert blog.get_post(private.id, viewer_id=ann.id) == private
    with pytest.raises(NotFoundError):
        blog.get_post(private.id, viewer_id=ben.id)
    with pytest.raises(NotFoundError):
        blog.get_post(direct.id, viewer_id=ann.id)
    assert blog.get_post(direct.id, viewer_id=ben.id) == direct
    assert [p.id for p in blog.posts_by(op.id, viewer_id=ben.id).items] == [public.id, direct.id]
    assert [p.id for p in blog.posts_by(op.id, viewer_id=ann.id).items] == [public.id, private.id]
    assert [p.id for p in blog.posts_by(op.id).items] == [public.id]
    blog.block(op.id, ben.id)
    assert blog.posts_by(op.id, viewer_id=ben.id).items == ()
    with pytest.raises(NotFoundError):
        blog.get_post(public.id, viewer_id=ben.id)


def test_posts_by_paging(blog, people):
    posts = []
    for i in range(5):
        tick(blog)
        posts.append(blog.post(people["op"].id, f"post {i}"))
    page = blog.posts_by(people["op"].id, limit=2)
    assert [p.id for p in page.items] == [posts[4].id, posts[3].id]
    older = blog.posts_by(people["op"].id, max_id=page.next_max_id, limit=2)
    assert [p.id for p in older.items] == [posts[2].id, posts[1].id]


def test_thread_view_hides_blocked_and_muted_as_placeholders(blog, people):
    op, ann, ben, cat = people["op"], people["ann"], people["ben"], people["cat"]
    root = blog.post(op.id, "thread")
    a = blog.reply(ann.id, root.id, "from ann")
    blog.reply(ben.id, a.id, "from ben under ann")
    blog.reply(op.id, root.id, "op continues")
    blog.mute(cat.id, ann.id)
    view = blog.thread(root.id, viewer_id=cat.id)
    flat = view.flatten()
    kinds = [(n.post.text if n.post else n.placeholder) for n in flat]
    assert kinds == ["thread", "op continues", Placeholder.MUTED, "from ben under ann"]


def test_hide_reply(blog, people):
    root = blog.post(people["op"].id, "thread")
    rude = blog.reply(people["ann"].id, root.id, "rude")
    with pytest.raises(PermissionDeniedError):
        blog.hide_reply(people["ben"].id, rude.id)
    blog.hide_reply(people["op"].id, rude.id)
    view = blog.thread(root.id, viewer_id=people["ben"].id)
    assert view.flatten()[1].placeholder is Placeholder.HIDDEN
    own_view = blog.thread(root.id, viewer_id=people["ann"].id)
    assert own_view.flatten()[1].post is not None


def test_thread_of_invisible_post_not_found(blog, people):
    root = blog.post(people["op"].id, "secret @ann", visibility=Visibility.DIRECT)
    with pytest.raises(NotFoundError):
        blog.thread(root.id, viewer_id=people["ben"].id)


def test_unknown_ids(blog, people):
    with pytest.raises(NotFoundError):
        blog.post(99999, "who am I")
    with pytest.raises(NotFoundError):
        blog.reply(people["op"].id, 99999, "to nothing")
    with pytest.raises(NotFoundError):
        blog.repost(people["op"].id, 99999)
    with pytest.raises(NotFoundError):
        blog.like(people["op"].id, 99999)
