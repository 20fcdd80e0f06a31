import io
import json

import pytest
from hypothesis import example, given
from hypothesis import strategies as st

from microblog_core import ManualClock, Microblog
from microblog_core.errors import ValidationError
from microblog_core.interop._json import Node
from microblog_core.interop.importing import Importer
from microblog_core.interop.twitter import (
    _quick_ids,
    _quick_strings,
    _tags,
    _v2_mentions,
    account_from_user,
    cascades_from_posts,
    read_tweets,
    tweet_from_v1,
    tweet_from_v2,
)
from microblog_core.models import Account, Post, Visibility

from .helpers import json_values, outcome

ROOT, REPLY, RT, QUOTE = (
    1500000000000000001,
    1500000000000000002,
    1500000000000000003,
    1500000000000000004,
)

V2_RESPONSE = {
    "data": [
        {
            "id": str(REPLY),
            "text": "@ann agreed &amp; more #News",
            "author_id": "2",
            "created_at": "2022-03-05T10:00:00.000Z",
            "conversation_id": str(ROOT),
            "in_reply_to_user_id": "1",
            "referenced_tweets": [{"type": "replied_to", "id": str(ROOT)}],
            "entities": {
                "mentions": [{"start": 0, "end": 4, "username": "ann"}],
                "hashtags": [{"start": 23, "end": 28, "tag": "News"}],
                "annotations": [{"probability": 0.9}],
            },
            "public_metrics": {"retweet_count": 1},
            "lang": "en",
        },
        {
            "id": str(RT),
            "text": "RT @ann: the original",
            "author_id": "3",
            "created_at": "2022-03-05T11:00:00.000Z",
            "referenced_tweets": [{"type": "retweeted", "id": str(ROOT)}],
        },
        {
            "id": str(QUOTE),
            "text": "look at this",
            "author_id": "3",
            "created_at": "2022-03-05T12:00:00.000Z",
            "referenced_tweets": [{"type": "quoted", "id": str(ROOT)}],
        },
    ],
    "includes": {
        "users": [
            {"id": "1", "username": "ann", "name": "Ann", "created_at": "2015-01-01T00:00:00.000Z"},
            {"id": "2", "username": "bob", "name": "Bob", "protected": True},
            {"id": "3", "username": "cat", "verified": True},
        ],
        "tweets": [
            {
                "id": str(ROOT),
                "text": "the original",
                "author_id": "1",
                "created_at": "2022-03-05T09:00:00.000Z",
                "conversation_id": str(ROOT),
            }
        ],
    },
    "meta": {"result_count": 3},
}

V1_USER = {
    "id": 1,
    "id_str": "1",
    "screen_name": "ann",
    "name": "Ann",
    "description": "me &amp; you",
    "created_at": "Wed Oct 10 20:19:24 +0000 2018",
    "verified": False,
    "protected": False,
}
V1_ORIGINAL = {
    "created_at": "Sat Mar 05 09:00:00 +0000 2022",
    "id": ROOT,
    "id_str": str(ROOT),
    "full_text": "the original #Cats",
    "entities": {"hashtags": [{"text": "Cats", "indices": [13, 18]}], "user_mentions": []},
    "user": V1_USER,
    "lang": "en",
}
V1_RETWEET = {
    "created_at": "Sat Mar 05 11:00:00 +0000 2022",
    "id_str": str(RT),
    "text": "RT @ann: the original #Cats",
    "user": {**V1_USER, "id_str": "3", "id": 3, "screen_name": "cat"},
    "retweeted_status": V1_ORIGINAL,
}
V1_REPLY = {
    "created_at": "Sat Mar 05 10:00:00 +0000 2022",
    "id_str": str(REPLY),
    "text": "@ann yes",
    "in_reply_to_status_id_str": str(ROOT),
    "in_reply_to_user_id_str": "1",
    "entities": {"user_mentions": [{"id_str": "1", "screen_name": "ann", "indices": [0, 4]}]},
    "user": {**V1_USER, "id_str": "2", "id": 2, "screen_name": "bob", "protected": True},
}


def _items(records):
    text = "\n".join(json.dumps(r) for r in records) + "\n"
    return list(read_tweets(io.StringIO(text)))


def test_a_v2_response_reads_into_accounts_posts_reposts_quotes_and_threads():
    items = _items([V2_RESPONSE])
    accounts = [i for _, i in items if isinstance(i, Account)]
    posts = {i.id: i for _, i in items if isinstance(i, Post)}
    assert [a.handle for a in accounts] == ["ann", "bob", "cat"]
    assert accounts[1].locked and accounts[2].verified
    reply = posts[REPLY]
    assert reply.text == "@ann agreed & more #News"
    assert (reply.reply_to.root_id, reply.reply_to.parent_id) == (ROOT, ROOT)
    assert reply.mentions == (1,) and reply.tags == ("news",)
    assert reply.visibility is Visibility.PRIVATE  # bob is protected
    assert posts[RT].repost_of.root_id == ROOT and posts[RT].repost_of.root_author_id == 1
    assert posts[QUOTE].quote_of == ROOT


def test_v1_objects_read_retweets_and_replies():
    accounts, posts = tweet_from_v1(V1_RETWEET)
    assert [p.id for p in posts] == [ROOT, RT]
    assert posts[0].tags == ("cats",) and posts[1].repost_of.root_id == ROOT
    assert accounts[0].handle == "cat" and accounts[1].bio == "me & you"
    _, (reply,) = tweet_from_v1(V1_REPLY)
    assert reply.reply_to.parent_author_id == 1 and reply.mentions == (1,)
    assert reply.visibility is Visibility.PRIVATE


def test_an_archive_file_with_its_prefix_reads():
    text = "window.YTD.tweets.part0 = " + json.dumps([{"tweet": V1_ORIGINAL}, {"tweet": V1_REPLY}])
    items = list(read_tweets(io.StringIO(text)))
    assert [p.id for _, p in items if isinstance(p, Post)] == [ROOT, REPLY]
    assert items[0][0] == "$[0].tweet"


@pytest.mark.parametrize(
    ("record", "path"),
    [
        ({"id": "x", "author_id": "1", "created_at": "2022-01-01T00:00:00Z"}, "$[0].id"),
        ({"data": {"id": "5", "created_at": "2022-01-01T00:00:00Z"}}, "$[0].data.author_id"),
        ({**V1_ORIGINAL, "created_at": "tuesday"}, "$[0].created_at"),
        ({**V1_ORIGINAL, "user": {"id_str": "1"}}, "$[0].user.screen_name"),
        ({"hello": 1}, "$[0]"),
        (
            {
                "id": "9",
                "author_id": "1",
                "created_at": "2022-01-01T00:00:00Z",
                "referenced_tweets": [{"type": "retweeted", "id": "5"}],
            },
            "$[0].referenced_tweets[0].id",
        ),
    ],
)
def test_a_malformed_tweet_names_its_path(record, path):
    with pytest.raises(ValidationError) as info:
        _items([record])
    assert info.value.field == path


def test_a_v2_response_imports_through_the_service():
    clock = ManualClock()
    blog = Microblog.in_memory(clock=clock)
    importer = Importer(blog, clock=clock)
    report = importer.run(_items([V2_RESPONSE]))
    assert (report.accounts, report.posts, report.reposts) == (3, 3, 1)
    reply = blog.get_post(importer.post_ids[REPLY], viewer_id=importer.account_ids[2])
    assert reply.reply_to.parent_id == importer.post_ids[ROOT]
    assert reply.created_at.hour == 10


def test_twitter_cascades_are_retweets_and_quotes_under_their_original():
    (cascade,) = cascades_from_posts(_items([V2_RESPONSE]))
    assert (cascade.root, cascade.size, cascade.depth) == (ROOT, 3, 1)


def test_a_v2_user_without_a_creation_time_still_reads():
    assert account_from_user({"id": "5", "username": "x"}).handle == "x"
    assert tweet_from_v2(V2_RESPONSE["includes"]["tweets"][0]).text == "the original"


_ENTRY = json_values(("id", "username", "tag")) | st.fixed_dictionaries(
    {"id": st.sampled_from([5, "5", "05", "0", "x", 2**63, None]), "username": json_values()},
    optional={"tag": json_values()},
)
_ENTITIES = st.one_of(
    st.none(),
    json_values(("mentions", "hashtags")),
    st.fixed_dictionaries(
        {},
        optional={
            "mentions": st.none() | _ENTRY | st.lists(_ENTRY, max_size=3),
            "hashtags": st.none() | _ENTRY | st.lists(_ENTRY, max_size=3),
        },
    ),
)


@given(_ENTITIES)
@example({"mentions": [{"id": "5", "username": "a"}], "hashtags": [{"tag": "x"}]})
def test_entities_read_off_the_lists_as_the_checked_accessors_read_them(entities):
    """Mentions with plain ids and hashtags read fast give the checked readings, or None."""
    node = Node({"entities": entities})
    member = node.opt("entities") if entities is not None else None
    users = {"a": 11}
    fast_mentions = outcome(lambda: _quick_ids(entities, "mentions"))
    assert fast_mentions in (outcome(lambda: _v2_mentions(member, users)), ("value", None))
    fast_tags = outcome(lambda: _quick_strings(entities, "hashtags", "tag"))
    assert fast_tags in (outcome(lambda: _tags(member, "hashtags", "tag")), ("value", None))


_TWEET_FIELDS = ("id", "author_id", "created_at", "entities", "referenced_tweets", "text", "lang")


@given(st.sampled_from(_TWEET_FIELDS), json_values(_TWEET_FIELDS))
def test_any_member_of_a_v2_tweet_reads_to_a_post_or_a_validation_error(key, value):
    tweet = {
        "id": "20",
        "author_id": "5",
        "created_at": "2024-01-01T00:00:00Z",
        "text": "hi @ann #x",
        "entities": {"mentions": [{"id": "6", "username": "ann"}], "hashtags": [{"tag": "x"}]},
    }
    tweet[key] = value
    result = outcome(lambda: tweet_from_v2(tweet))
    assert result[0] == "value" or result[3] is not None
