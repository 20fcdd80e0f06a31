import io
import json

import pytest
from hypothesis import assume, example, given
from hypothesis import strategies as st

from microblog_core.errors import NotFoundError, ValidationError
from microblog_core.interop._json import Node
from microblog_core.interop.mastodon import (
    _mentioned,
    _quote_policy,
    _tags,
    account_from_json,
    account_to_json,
    read_statuses,
    status_from_json,
    status_to_json,
)
from microblog_core.models import MASTODON_ACCOUNTS, AccountKind, Post, QuotePolicy, Visibility
from microblog_core.testing.strategies import accounts, posts

from .helpers import (
    T0,
    account_for,
    accounts_for,
    json_values,
    outcome,
    parent_of,
    representable,
    root_of,
    without,
)


@given(accounts(policy=MASTODON_ACCOUNTS))
def test_an_account_survives_a_round_trip_but_kind_and_verified(account):
    data = json.loads(json.dumps(account_to_json(account)))
    back = account_from_json(data)
    assert back.id == account.id and back.handle == account.handle
    assert back.created_at == account.created_at
    assert (back.display_name, back.bio, back.locked) == (
        account.display_name,
        account.bio,
        account.locked,
    )
    assert back.kind is AccountKind.PERSONAL and back.verified is False


@given(posts())
def test_a_post_survives_a_round_trip_for_what_mastodon_carries(post):
    assume(representable(post))
    expected = without(post)
    context = accounts_for(post)
    known = {}
    related = {}
    if post.reply_to is not None:
        parent = parent_of(post)
        known[parent.id] = parent
    if post.repost_of is not None:
        root = root_of(post)
        related[root.id] = root
        context.update(accounts_for(root))
    data = json.loads(json.dumps(status_to_json(expected, accounts=context, posts=related)))
    status = status_from_json(data, known=known)
    assert status.post == expected
    assert status.account == context[post.author_id]
    if post.repost_of is not None:
        assert status.reblog is not None and status.reblog.post == related[post.repost_of.root_id]
        assert status.posts == (related[post.repost_of.root_id], expected)


def test_a_reply_to_an_unknown_parent_takes_the_parent_as_its_root():
    parent = Post.create(id=10, author_id=1, created_at=T0, text="q")
    reply = Post.create(
        id=20, author_id=2, created_at=T0, text="a", reply_to=parent_of_ref(parent, 2)
    )
    data = status_to_json(reply, accounts={1: account_for(1), 2: account_for(2)})
    ref = status_from_json(data).post.reply_to
    assert ref is not None and (ref.root_id, ref.parent_id, ref.addressee_id) == (10, 10, 1)


def parent_of_ref(parent, author):
    from microblog_core.rules import reply_ref_for

    return reply_ref_for(parent, author)


def test_content_html_from_a_real_server_becomes_text():
    data = {
        "id": "109",
        "created_at": "2022-11-01T12:00:00.000Z",
        "visibility": "unlisted",
        "content": '<p>Hi <span class="h-card">'
        '<a href="https://m.example/@bo" class="u-url mention">'
        "@<span>bo</span></a></span> see "
        '<a href="https://example.com/a/very/long/path"><span class="invisible">https://</span>'
        '<span class="ellipsis">example.com/a/very</span><span class="invisible">/long/path</span>'
        "</a></p><p>two &amp; more<br />lines<script>alert(1)</script></p>",
        "account": {
            "id": "1",
            "username": "al",
            "acct": "al",
            "created_at": "2022-01-01T00:00:00Z",
        },
        "mentions": [{"id": "2", "username": "bo", "acct": "bo@m.example", "url": "u"}],
        "some_future_field": {"nested": [1, 2]},
    }
    post = status_from_json(data).post
    assert post.text == "Hi @bo see https://example.com/a/very/long/path\n\ntwo & more\nlines"
    assert post.visibility is Visibility.UNLISTED
    assert post.mentions == (2,)


@pytest.mark.parametrize(
    ("change", "path"),
    [
        ({"id": "abc"}, "$.id"),
        ({"account": {"id": "1"}}, "$.account.username"),
        ({"created_at": "yesterday"}, "$.created_at"),
        ({"visibility": "secret"}, "$.visibility"),
        ({"mentions": [{"id": "x", "username": "b"}]}, "$.mentions[0].id"),
        ({"poll": {"options": [{"title": "a"}], "expires_at": "2030-01-01T00:00:00Z"}}, "$.poll"),
        ({"content": "", "media_attachments": []}, "$"),
    ],
)
def test_a_malformed_status_names_the_json_path(change, path):
    base = status_to_json(
        Post.create(id=10, author_id=1, created_at=T0, text="hi"), accounts={1: account_for(1)}
    )
    base.update(change)
    with pytest.raises(ValidationError) as info:
        status_from_json(base)
    assert info.value.field == path
    assert path in str(info.value)


def test_export_needs_the_accounts_and_the_reposted_original():
    post = Post.create(id=10, author_id=1, created_at=T0, text="hi")
    with pytest.raises(NotFoundError):
        status_to_json(post, accounts={})
    repost = Post.create_repost(id=11, author_id=1, created_at=T0, of=_ref(10, 1))
    with pytest.raises(NotFoundError):
        status_to_json(repost, accounts={1: account_for(1)})


def _ref(root, author):
    from microblog_core.models import RepostRef

    return RepostRef(root_id=root, root_author_id=author)


@given(st.text(max_size=200))
def test_html_to_text_never_fails(fragment):
    from microblog_core.interop._html import html_to_text

    assert isinstance(html_to_text(fragment), str)


_AUTHOR_CHANGES = st.sampled_from(
    [
        {},
        {"display_name": "Another name"},
        {"note": "<p>a bio &amp; more</p>"},
        {"locked": True},
        {"id": 1},  # the same id as a number, not a string
        {"id": True},  # refused: True == 1 must not find the account read for id 1
        {"locked": 1},  # refused: 1 == True must not find a locked account
        {"username": "other"},
        {"created_at": "2020-01-01T00:00:00+02:00"},
    ]
)


@given(st.lists(_AUTHOR_CHANGES, min_size=1, max_size=6))
def test_a_stream_reads_each_author_object_as_account_from_json_does(changes):
    """Authors read once per stream are the accounts account_from_json reads, or its error."""
    statuses = []
    for index, change in enumerate(changes):
        post = Post.create(id=10 + index, author_id=1, created_at=T0, text="hi")
        status = status_to_json(post, accounts={1: account_for(1)})
        status["account"].update(change)
        statuses.append(status)
    text = "".join(json.dumps(status) + "\n" for status in statuses)
    expected = []
    for status in statuses:
        try:
            expected.append(account_from_json(status["account"]))
        except ValidationError:
            with pytest.raises(ValidationError):
                list(read_statuses(io.StringIO(text)))
            return
    read = [item for path, item in read_statuses(io.StringIO(text)) if path.endswith(".account")]
    assert read == expected


_ENTRY = json_values(("id", "username", "name", "acct"))


@given(st.one_of(st.none(), _ENTRY, st.lists(_ENTRY, max_size=3)))
@example([{"id": "7", "username": "ann"}, {"id": 8, "username": "bo"}])
@example([{"id": "0", "username": "ann"}])
def test_mentions_read_off_the_list_as_the_checked_accessors_read_them(mentions):
    """The fast read of ``mentions`` gives what the checked accessors give, or their error."""
    node = Node({"mentions": mentions})
    assert outcome(lambda: _mentioned(node, mentions)) == outcome(lambda: _mentioned(node, ()))


@given(st.one_of(st.none(), _ENTRY, st.lists(_ENTRY, max_size=3)))
@example([{"name": "news"}, {"name": "Tech"}])
def test_tags_read_off_the_list_as_the_checked_accessors_read_them(tags):
    node = Node({"tags": tags})
    assert outcome(lambda: _tags(node, tags)) == outcome(lambda: _tags(node, ()))


_FIELDS = (
    "id",
    "account",
    "created_at",
    "visibility",
    "content",
    "media_attachments",
    "poll",
    "in_reply_to_id",
    "language",
    "quote",
    "quote_id",
    "quote_approval",
    "spoiler_text",
    "reblog",
)


@given(st.sampled_from(_FIELDS), json_values(_FIELDS))
def test_any_member_reads_to_a_status_or_a_validation_error(key, value):
    """Whatever a member holds, a stream reads the status or raises a ValidationError."""
    account = account_for(7)
    post = Post.create(id=9, author_id=7, created_at=T0, text="hi @u7", mentions=[7])
    data = status_to_json(post, accounts={7: account})
    data[key] = value
    result = outcome(lambda: list(read_statuses(io.StringIO(json.dumps(data)))))
    assert result[0] == "value" or str(result[3]).startswith("$[0]")


@given(json_values(("automatic", "manual")))
@example({"automatic": ["public"], "manual": []})
@example({"automatic": ["followers", 1]})
def test_a_quote_policy_reads_as_each_audience_read_on_its_own(approval):
    node = Node({"quote_approval": approval})

    def each_on_its_own():
        if approval is None:
            return QuotePolicy.ANYONE
        automatic = {i.as_str() for i in node.get("quote_approval").array("automatic")}
        if "public" in automatic:
            return QuotePolicy.ANYONE
        return QuotePolicy.FOLLOWERS if "followers" in automatic else QuotePolicy.NOBODY

    assert outcome(lambda: _quote_policy(node)) == outcome(each_on_its_own)
