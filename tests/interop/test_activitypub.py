import json

import attrs
import pytest
from hypothesis import assume, example, given
from hypothesis import strategies as st

from microblog_core.errors import NotFoundError, ValidationError
from microblog_core.interop._json import Node
from microblog_core.interop.activitypub import (
    PUBLIC,
    Note,
    _audience,
    _plain_tags,
    _tags,
    _uri_of,
    account_from_actor,
    actor_to_json,
    delete_to_json,
    read_activity,
    to_activity,
    to_value,
    undo_to_json,
    visibility_of,
)
from microblog_core.models import (
    MASTODON_ACCOUNTS,
    Block,
    Follow,
    Like,
    Media,
    Post,
    QuotePolicy,
    Visibility,
)
from microblog_core.testing.strategies import accounts, blocks, follows, likes, posts

from .helpers import (
    T0,
    account_for,
    accounts_for,
    json_values,
    outcome,
    parent_of,
    root_of,
    without,
)

BASE = "https://ap.example"
FOLLOWERS = f"{BASE}/ap/users/1/followers"


def _carried(post: Post) -> Post:
    media = tuple(a for a in post.attachments if isinstance(a, Media))
    assume(post.repost_of or post.text.strip() or media)
    post = attrs.evolve(without(post), attachments=media, quote_policy=QuotePolicy.ANYONE)
    if post.repost_of is not None:
        post = attrs.evolve(post, text="", mentions=(), tags=())
    return post


def _round_trip(value, context, known=None):
    data = json.loads(json.dumps(to_activity(value, accounts=context, base_url=BASE)))
    return to_value(read_activity(data), known=known)


@given(posts())
def test_a_post_survives_create_or_announce_for_what_activitypub_carries(post):
    expected = _carried(post)
    context = accounts_for(post)
    known = {}
    if post.reply_to is not None:
        parent = parent_of(post)
        known[parent.id] = parent
    if post.repost_of is not None:
        root = root_of(post)
        known[root.id] = root
    assert _round_trip(expected, context, known) == expected


@given(likes())
def test_a_like_survives(like):
    assert _round_trip(like, {}) == like


@given(follows())
def test_a_follow_survives_without_its_options(follow):
    expected = attrs.evolve(follow, show_reposts=True, notify=False, languages=None)
    assert _round_trip(expected, {}) == expected


@given(blocks())
def test_a_block_survives(block):
    assert _round_trip(block, {}) == block


@pytest.mark.parametrize("visibility", list(Visibility))
def test_addressing_maps_to_visibility_as_mastodon_does(visibility):
    mentioned = account_for(2)
    post = Post.create(
        id=10, author_id=1, created_at=T0, text="hi @u2", visibility=visibility, mentions=[2]
    )
    activity = to_activity(post, accounts={1: account_for(1), 2: mentioned}, base_url=BASE)
    to, cc = activity["to"], activity["cc"]
    expected = {
        Visibility.PUBLIC: ([PUBLIC], [FOLLOWERS, f"{BASE}/ap/users/2"]),
        Visibility.UNLISTED: ([FOLLOWERS], [PUBLIC, f"{BASE}/ap/users/2"]),
        Visibility.PRIVATE: ([FOLLOWERS], [f"{BASE}/ap/users/2"]),
        Visibility.DIRECT: ([f"{BASE}/ap/users/2"], []),
    }[visibility]
    assert (to, cc) == expected
    assert visibility_of(tuple(to), tuple(cc), FOLLOWERS) is visibility


def test_as_public_short_forms_count_as_public():
    assert visibility_of(("as:Public",), (), None) is Visibility.PUBLIC
    assert visibility_of((), ("Public",), None) is Visibility.UNLISTED


def test_undo_and_delete_wrap_what_they_undo():
    like = Like(account_id=1, post_id=10, created_at=T0)
    undo = read_activity(undo_to_json(to_activity(like, accounts={}, base_url=BASE), at=T0))
    assert undo.kind == "Undo" and undo.object.kind == "Like"
    post = Post.create(id=10, author_id=1, created_at=T0, text="x")
    deleted = read_activity(delete_to_json(post, base_url=BASE, at=T0))
    assert deleted.kind == "Delete" and deleted.object == f"{BASE}/ap/users/1/statuses/10"
    with pytest.raises(ValidationError, match="not a value"):
        to_value(undo)


def test_a_mastodon_create_with_extra_fields_reads():
    data = {
        "@context": [
            "https://www.w3.org/ns/activitystreams",
            {"toot": "http://joinmastodon.org/ns#"},
        ],
        "id": "https://m.example/users/al/statuses/1/activity",
        "type": "Create",
        "actor": "https://m.example/users/al",
        "published": "2023-01-01T00:00:00Z",
        "to": ["https://www.w3.org/ns/activitystreams#Public"],
        "cc": ["https://m.example/users/al/followers"],
        "object": {
            "id": "https://m.example/users/al/statuses/1",
            "type": "Note",
            "attributedTo": "https://m.example/users/al",
            "published": "2023-01-01T00:00:00Z",
            "to": ["https://m.example/users/al/followers"],
            "cc": [],
            "content": "<p>secret &lt;3</p>",
            "tag": {"type": "Hashtag", "name": "#Cats", "href": "https://m.example/tags/cats"},
            "attachment": [
                {
                    "type": "Document",
                    "mediaType": "image/png",
                    "url": "https://f/a.png",
                    "name": None,
                    "blurhash": "x",
                    "focalPoint": [0, 0],
                }
            ],
            "atomUri": "ignored",
            "replies": {"type": "Collection"},
        },
    }
    activity = read_activity(data)
    note = activity.object
    assert isinstance(note, Note)
    assert note.visibility is Visibility.PRIVATE
    assert note.text == "secret <3"
    assert note.tags == ("Cats",)
    assert note.attachments[0].url == "https://f/a.png"


@pytest.mark.parametrize(
    ("data", "path"),
    [
        ({"type": "Like", "actor": "a"}, "$.object"),
        ({"type": "Move", "actor": "a", "object": "b"}, "$.type"),
        (
            {"type": "Create", "actor": "a", "object": {"type": "Note", "id": "n"}},
            "$.object.attributedTo",
        ),
        ({"type": "Create", "actor": "a", "object": {"type": "Image"}}, "$.object.type"),
        ({"type": "Like", "actor": "a", "object": "b", "published": "noon"}, "$.published"),
    ],
)
def test_a_malformed_activity_names_the_path(data, path):
    with pytest.raises(ValidationError) as info:
        read_activity(data)
    assert info.value.field == path


def test_to_value_needs_numeric_ids_and_a_known_original():
    foreign = read_activity(
        {
            "type": "Like",
            "actor": "https://m.example/users/al",
            "object": "x/1",
            "published": "2023-01-01T00:00:00Z",
        }
    )
    with pytest.raises(ValidationError, match="numeric id") as info:
        to_value(foreign)
    assert info.value.field == "$.actor"
    announce = read_activity(
        {
            "type": "Announce",
            "id": f"{BASE}/ap/users/1/statuses/20/activity",
            "actor": f"{BASE}/ap/users/1",
            "object": f"{BASE}/ap/users/2/statuses/10",
            "published": "2023-01-01T00:00:00Z",
            "to": [PUBLIC],
        }
    )
    with pytest.raises(NotFoundError):
        to_value(announce)
    assert isinstance(Block, type) and isinstance(Follow, type)


def test_an_activity_stream_applies_through_the_service_and_its_rules():
    import io

    from microblog_core import ManualClock, Microblog
    from microblog_core.interop.activitypub import actor_to_json, read_activities
    from microblog_core.interop.importing import Importer
    from microblog_core.models import MASTODON_ACCOUNTS

    ann, bob = account_for(1), account_for(2)
    accounts = {1: ann, 2: bob}
    root = Post.create(id=10, author_id=1, created_at=T0, text="hello")
    block = Block(blocker_id=1, blocked_id=2, created_at=T0)
    reply = Post.create(
        id=20, author_id=2, created_at=T0, text="let me in", reply_to=parent_of_ref(root, 2)
    )
    lines = [
        actor_to_json(ann, base_url=BASE),
        actor_to_json(bob, base_url=BASE),
        to_activity(root, accounts=accounts, base_url=BASE),
        to_activity(block, accounts=accounts, base_url=BASE),
        to_activity(reply, accounts=accounts, base_url=BASE),
    ]
    stream = io.StringIO("\n".join(json.dumps(line) for line in lines))
    clock = ManualClock()
    blog = Microblog.in_memory(clock=clock, account_policy=MASTODON_ACCOUNTS)
    with pytest.raises(ValidationError, match=r"\$\[4\]: .*block"):
        Importer(blog, clock=clock, batch_size=2).run(read_activities(stream))
    local_ann = blog.account_by_handle("u1")
    assert [p.text for p in blog.posts_by(local_ann.id).items] == ["hello"]
    assert blog.relationship(local_ann.id, blog.account_by_handle("u2").id).blocking


def parent_of_ref(parent, author):
    from microblog_core.rules import reply_ref_for

    return reply_ref_for(parent, author)


@given(accounts(policy=MASTODON_ACCOUNTS))
def test_an_account_survives_as_an_actor_but_its_verified_flag(account):
    data = json.loads(json.dumps(actor_to_json(account, base_url=BASE)))
    assert account_from_actor(data) == attrs.evolve(account, verified=False)


_TAG = json_values(("type", "href", "name")) | st.fixed_dictionaries(
    {
        "type": st.sampled_from(["Mention", "Hashtag", "Emoji", 3]),
        "href": json_values(),
        "name": json_values(),
    }
)


@given(st.one_of(st.none(), _TAG, st.lists(_TAG, max_size=3)))
@example([{"type": "Mention", "href": f"{BASE}/ap/users/2"}, {"type": "Hashtag", "name": "#x"}])
def test_note_tags_read_off_the_list_as_the_checked_accessors_read_them(tags):
    """The fast read of a note's ``tag`` gives what the checked accessors give, or their error."""
    node = Node({"tag": tags})
    fast = outcome(lambda: _plain_tags(tags))
    checked = outcome(lambda: _tags(node))
    assert fast == checked or fast == ("value", None)  # None: the caller reads it checked


@given(st.one_of(json_values(("id", "type")), st.lists(json_values(("id",)), max_size=3)))
@example([PUBLIC, f"{BASE}/ap/users/1/followers"])
def test_an_audience_reads_as_each_uri_read_on_its_own(audience):
    node = Node({"to": audience})

    def each_uri_on_its_own():
        if audience is None:
            return ()
        if isinstance(audience, str):
            return (audience,)
        return tuple(_uri_of(item) for item in node.get("to").items())

    assert outcome(lambda: _audience(node, "to")) == outcome(each_uri_on_its_own)


_NOTE_FIELDS = (
    "type",
    "attributedTo",
    "to",
    "cc",
    "contentMap",
    "tag",
    "attachment",
    "inReplyTo",
    "quote",
    "quoteUrl",
    "_misskey_quote",
    "id",
    "published",
    "content",
    "summary",
)


@given(st.sampled_from(_NOTE_FIELDS), json_values(_NOTE_FIELDS))
def test_any_member_of_a_note_reads_to_an_activity_or_a_validation_error(key, value):
    """Whatever a note's member holds, it reads or raises a ValidationError naming a path."""
    account = account_for(7)
    post = Post.create(id=9, author_id=7, created_at=T0, text="hi @u7 #x", mentions=[7], tags=["x"])
    data = to_activity(post, accounts={7: account}, base_url=BASE)
    data["object"][key] = value
    result = outcome(lambda: read_activity(data))
    assert result[0] == "value" or str(result[3]).startswith("$")
