import json

import attrs
import pytest
from atproto import models
from atproto_client.models.utils import get_or_create
from hypothesis import assume, example, given
from hypothesis import strategies as st

from microblog_core.errors import NotFoundError, ValidationError
from microblog_core.interop._json import Node
from microblog_core.interop.atproto import (
    BLOCK,
    FOLLOW,
    LIKE,
    POST,
    REPOST,
    DidScheme,
    Record,
    _quick_facets,
    _read_facets,
    from_record,
    to_record,
)
from microblog_core.models import Follow, Like, Post, QuotePolicy, RepostRef, Visibility
from microblog_core.testing.strategies import blocks, follows, likes, posts

from .helpers import T0, json_values, outcome, parent_of

SDK_MODELS = {
    POST: models.AppBskyFeedPost.Record,
    REPOST: models.AppBskyFeedRepost.Record,
    LIKE: models.AppBskyFeedLike.Record,
    FOLLOW: models.AppBskyGraphFollow.Record,
    BLOCK: models.AppBskyGraphBlock.Record,
}


def validate_with_sdk(record: Record) -> None:
    """The official SDK's models accept the record, string formats included."""
    sdk_model = SDK_MODELS[record.collection]
    parsed = get_or_create(
        json.loads(json.dumps(record.value)), sdk_model, strict_string_format=True
    )
    assert isinstance(parsed, sdk_model)


def _carried(post: Post) -> Post:
    """What a record carries of a post."""
    if post.repost_of is not None:
        return attrs.evolve(post, text="", mentions=(), tags=(), visibility=Visibility.PUBLIC)
    assume(post.text.strip())
    return Post.create(
        id=post.id,
        author_id=post.author_id,
        created_at=post.created_at,
        text=post.text,
        reply_to=post.reply_to,
        quote_of=post.quote_of,
        language=post.language,
        tags=post.tags[:8],
        quote_policy=QuotePolicy.ANYONE,
    )


@given(posts())
def test_a_post_survives_and_the_sdk_accepts_its_record(post):
    expected = _carried(post)
    context = {}
    known = {}
    if post.reply_to is not None:
        parent = parent_of(post)
        known[parent.id] = parent
        context[post.reply_to.root_id] = Post.create(
            id=post.reply_to.root_id,
            author_id=post.reply_to.addressee_id,
            created_at=T0,
            text="root",
        )
    if post.quote_of is not None:
        context[post.quote_of] = Post.create(id=post.quote_of, author_id=5, created_at=T0, text="q")
    record = to_record(expected, posts=context)
    validate_with_sdk(record)
    assert from_record(record.uri, json.loads(json.dumps(record.value)), known=known) == expected


@given(likes())
def test_a_like_survives(like):
    liked = {like.post_id: Post.create(id=like.post_id, author_id=3, created_at=T0, text="x")}
    record = to_record(like, posts=liked)
    validate_with_sdk(record)
    assert from_record(record.uri, record.value) == like


@given(follows())
def test_a_follow_survives_without_its_options(follow):
    expected = Follow(
        follower_id=follow.follower_id, followee_id=follow.followee_id, created_at=follow.created_at
    )
    record = to_record(expected)
    validate_with_sdk(record)
    assert from_record(record.uri, record.value) == expected


@given(blocks())
def test_a_block_survives(block):
    record = to_record(block)
    validate_with_sdk(record)
    assert from_record(record.uri, record.value) == block


def test_facets_use_utf8_byte_ranges():
    text = "日本 @bo see https://example.com #タグ"
    post = Post.create(id=100, author_id=1, created_at=T0, text=text, mentions=[2], tags=["タグ"])
    record = to_record(post, handles={2: "bo"})
    validate_with_sdk(record)
    encoded = text.encode()
    spans = [
        encoded[f["index"]["byteStart"] : f["index"]["byteEnd"]].decode()
        for f in record.value["facets"]
    ]
    assert spans == ["@bo", "https://example.com", "#タグ"]
    assert record.value["facets"][0]["features"][0]["did"] == DidScheme().did(2)
    assert from_record(record.uri, record.value).mentions == (2,)


def test_a_repost_keeps_via():
    ref = RepostRef(root_id=10, root_author_id=1, via_id=20, via_author_id=2)
    repost = Post.create_repost(id=30, author_id=3, created_at=T0, of=ref)
    record = to_record(repost)
    assert record.value["via"]["uri"].endswith(f"/{REPOST}/" + record.value["via"]["uri"][-13:])
    assert from_record(record.uri, record.value).repost_of == ref


def test_a_real_bluesky_post_with_unknown_fields_reads():
    dids = DidScheme()
    record = {
        "$type": POST,
        "text": "hello",
        "createdAt": "2024-05-01T10:00:00.000Z",
        "langs": ["en", "ja"],
        "embed": {"$type": "app.bsky.embed.images", "images": []},
        "labels": {"$type": "com.atproto.label.defs#selfLabels", "values": []},
        "someFutureField": 1,
    }
    post = from_record(f"at://{dids.did(4)}/{POST}/3kq2tlgzw7c2a", record)
    assert (post.text, post.language, post.author_id) == ("hello", "en", 4)


@pytest.mark.parametrize(
    ("uri", "record", "path"),
    [
        (
            "at://did:web:u1.microblog.example/app.bsky.feed.post/3kq2tlgzw7c2a",
            {"$type": POST, "text": "x"},
            "$.createdAt",
        ),
        (
            "at://did:web:u1.microblog.example/app.bsky.feed.like/3kq2tlgzw7c2a",
            {
                "$type": LIKE,
                "createdAt": "2024-01-01T00:00:00Z",
                "subject": {"uri": "nope", "cid": "b"},
            },
            "$.subject.uri",
        ),
        (
            "at://did:web:u1.microblog.example/app.bsky.feed.post/3kq2tlgzw7c2a",
            {"$type": "app.bsky.feed.generator"},
            "$.$type",
        ),
        (
            "at://did:plc:abc/app.bsky.graph.follow/3kq2tlgzw7c2a",
            {"$type": FOLLOW, "createdAt": "2024-01-01T00:00:00Z", "subject": "did:plc:x"},
            "uri",
        ),
        (
            "at://did:web:u1.microblog.example/app.bsky.feed.post/not-a-tid",
            {"$type": POST, "text": "x", "createdAt": "2024-01-01T00:00:00Z"},
            "uri",
        ),
    ],
)
def test_a_malformed_record_names_the_path(uri, record, path):
    with pytest.raises(ValidationError) as info:
        from_record(uri, record)
    assert info.value.field == path


def test_export_needs_the_author_of_a_liked_or_quoted_post():
    with pytest.raises(NotFoundError):
        to_record(Like(account_id=1, post_id=5, created_at=T0))
    quote = Post.create(id=10, author_id=1, created_at=T0, text="q", quote_of=5)
    with pytest.raises(NotFoundError):
        to_record(quote)


_MENTION = "app.bsky.richtext.facet#mention"
_TAG = "app.bsky.richtext.facet#tag"
_FEATURE = json_values(("$type", "did", "tag")) | st.fixed_dictionaries(
    {
        "$type": st.sampled_from([_MENTION, _TAG, "app.bsky.richtext.facet#link", 5]),
        "did": st.sampled_from(["did:web:u3.microblog.example", "did:plc:abc", "nope", 3]),
        "tag": json_values(),
    }
)
_FACET = json_values(("features", "index")) | st.fixed_dictionaries(
    {"features": st.none() | _FEATURE | st.lists(_FEATURE, max_size=3)}
)


@given(st.one_of(st.none(), _FACET, st.lists(_FACET, max_size=3)))
@example([{"features": [{"$type": _MENTION, "did": "did:web:u3.microblog.example"}]}])
@example([{"features": [{"$type": _TAG, "tag": "x"}]}, {"index": {}}])
def test_facets_read_off_the_list_as_the_checked_accessors_read_them(facets):
    """Facets read fast give the checked accessors' mentions and tags, or their error."""
    node = Node({"facets": facets})
    dids = DidScheme()

    def fast():
        tags = ["t"]
        found = _quick_facets(facets, "$", dids, tags)
        return None if found is None else (found, tags)

    def checked():
        tags = ["t"]
        return _read_facets(node, dids, tags), tags

    assert outcome(fast) in (outcome(checked), ("value", None))


_POST_FIELDS = ("$type", "text", "createdAt", "facets", "langs", "tags", "reply", "embed")


@given(st.sampled_from(_POST_FIELDS), json_values(_POST_FIELDS))
def test_any_member_of_a_post_reads_to_a_post_or_a_validation_error(key, value):
    """Whatever a post record's member holds, it reads or raises a ValidationError naming a path."""
    post = Post.create(id=9, author_id=7, created_at=T0, text="hi @u7 #x", tags=["x"])
    record = to_record(post, handles={7: "u7"})
    data = dict(record.value)
    data[key] = value
    result = outcome(lambda: from_record(record.uri, data))
    assert result[0] == "value" or result[3] is not None
