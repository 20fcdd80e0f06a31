"""The example Mastodon API app, served on 127.0.0.1 and driven by Mastodon.py."""

import importlib.util
import threading

import pytest
import uvicorn
from mastodon import Mastodon, MastodonAPIError, MastodonNotFoundError

from microblog_core.interop._html import html_to_text

from .paths import EXAMPLES


def _load_example():
    spec = importlib.util.spec_from_file_location(
        "mastodon_api_example", EXAMPLES / "mastodon_api.py"
    )
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


@pytest.fixture(scope="module")
def served():
    example = _load_example()
    blog = example.demo_blog()
    app = example.MastodonApp(blog, base_url="http://127.0.0.1")
    config = uvicorn.Config(app, host="127.0.0.1", port=0, lifespan="off", log_level="warning")
    server = uvicorn.Server(config)
    thread = threading.Thread(target=server.run, daemon=True)
    thread.start()
    ready = threading.Event()
    for _ in range(500):
        if server.started:
            ready.set()
            break
        threading.Event().wait(0.02)
    assert ready.is_set(), "the server did not start"
    port = server.servers[0].sockets[0].getsockname()[1]
    app.base_url = f"http://127.0.0.1:{port}"
    yield blog, app.base_url
    server.should_exit = True
    thread.join(timeout=10)


def _client(base, token):
    return Mastodon(access_token=token, api_base_url=base, version_check_mode="none")


def _matches(status, post, blog):
    """The client's parsed status is what the library holds."""
    assert str(status.id) == str(post.id)
    assert html_to_text(status.content) == post.text
    assert status.created_at == post.created_at
    assert status.visibility == post.visibility.value
    assert str(status.account.id) == str(post.author_id)
    assert status.account.acct == blog.get_account(post.author_id).handle


def test_post_reply_reblog_favourite_follow_and_context(served):
    blog, base = served
    alice, bob = _client(base, "alice"), _client(base, "bob")
    me = alice.account_verify_credentials()
    assert me.acct == "alice"
    first = alice.status_post("hello #fediverse", spoiler_text="greeting", language="en")
    post = blog.get_post(int(first.id))
    _matches(first, post, blog)
    assert first.spoiler_text == "greeting" and first.tags[0].name == "fediverse"
    reply = bob.status_post("hi alice", in_reply_to_id=first.id, visibility="unlisted")
    _matches(reply, blog.get_post(int(reply.id)), blog)
    assert str(reply.in_reply_to_id) == str(first.id)
    reblog = bob.status_reblog(first.id)
    assert str(reblog.reblog.id) == str(first.id)
    assert blog.get_post(int(reblog.id)).repost_of.root_id == post.id
    faved = bob.status_favourite(first.id)
    assert faved.favourited and faved.favourites_count == 1
    relationship = bob.account_follow(me.id)
    assert relationship.following
    context = alice.status_context(first.id)
    assert [str(s.id) for s in context.descendants] == [str(reply.id)]
    assert [str(s.id) for s in alice.status_context(reply.id).ancestors] == [str(first.id)]
    statuses = alice.account_statuses(me.id)
    assert [str(s.id) for s in statuses] == [str(first.id)]


def test_home_timeline_pages_with_max_since_min_id_and_link_headers(served):
    blog, base = served
    alice = _client(base, "alice")
    bob_id = blog.account_by_handle("bob").id
    alice.account_follow(bob_id)
    made = [blog.post(bob_id, f"post {i}") for i in range(7)]
    page = alice.timeline_home(limit=3)
    expected_page = blog.home_timeline(blog.account_by_handle("alice").id, limit=3)
    assert [str(s.id) for s in page] == [str(p.id) for p in expected_page.items]
    for status, post in zip(page, expected_page.items, strict=True):
        _matches(status, post, blog)
    alice_id = blog.account_by_handle("alice").id
    older = alice.fetch_next(page)  # follows the Link header's rel="next": max_id
    expected_older = blog.home_timeline(alice_id, limit=3, max_id=expected_page.next_max_id)
    assert [str(s.id) for s in older] == [str(p.id) for p in expected_older.items]
    newer = alice.fetch_previous(older)  # rel="prev": min_id
    assert [str(s.id) for s in newer] == [str(s.id) for s in page]
    since = alice.timeline_home(since_id=made[4].id)
    assert [str(s.id) for s in since] == [str(p.id) for p in made[5:][::-1]]
    oldest = alice.timeline_home(max_id=made[1].id, limit=40)
    assert str(made[0].id) in [str(s.id) for s in oldest]
    assert str(made[1].id) not in [str(s.id) for s in oldest]


def test_errors_reach_the_client_as_mastodon_errors(served):
    _, base = served
    alice = _client(base, "alice")
    with pytest.raises(MastodonNotFoundError):
        alice.status(999)
    with pytest.raises(MastodonAPIError):
        alice.status_post("x" * 600)
    with pytest.raises(MastodonAPIError):
        _client(base, "nobody").account_verify_credentials()
