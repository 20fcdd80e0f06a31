"""Lists: Mastodon's lists of followed accounts, their timelines and their effect on home."""

from collections.abc import Iterator

import pytest
from hypothesis import given
from hypothesis import strategies as st

from microblog_core import ManualClock
from microblog_core.errors import (
    ConflictError,
    NotFoundError,
    PermissionDeniedError,
    ValidationError,
)
from microblog_core.models import (
    MAX_LISTS,
    ListCreated,
    ListDeleted,
    ListMembersAdded,
    ListMembersRemoved,
    RepliesPolicy,
    Visibility,
)
from microblog_core.service import Microblog
from microblog_core.timelines import FanOutOnRead, FanOutOnWrite, Hybrid, TimelineStrategy
from tests.service.conftest import tick

STRATEGIES = {
    "read": FanOutOnRead,
    "write": FanOutOnWrite,
    "hybrid": lambda: Hybrid(threshold=1),
}


@pytest.fixture(params=[(a, s) for a in ("memory", "sqlite") for s in STRATEGIES])
def any_blog(request: pytest.FixtureRequest) -> Iterator[Microblog]:
    """A blog on each adapter with each timeline strategy."""
    adapter, name = request.param
    strategy: TimelineStrategy = STRATEGIES[name]()
    if adapter == "memory":
        service = Microblog.in_memory(clock=ManualClock(), timeline=strategy)
    else:
        service = Microblog.sqlite(":memory:", clock=ManualClock(), timeline=strategy)
    yield service
    service.close()


def _texts(page: object) -> list[str]:
    return [p.text for p in page.items]  # type: ignore[attr-defined]


def test_a_list_holds_followed_accounts_and_its_timeline_their_posts(any_blog: Microblog) -> None:
    blog = any_blog
    owner, ann, bob, cat = (blog.register(h) for h in ("owner", "ann", "bob", "cat"))
    for account in (ann, bob, cat):
        blog.follow(owner.id, account.id)
    friends = blog.create_list(owner.id, "Friends")
    assert blog.add_to_list(owner.id, friends.id, [ann.id, bob.id, ann.id]) == (ann.id, bob.id)
    blog.post(ann.id, "from ann")
    tick(blog)
    blog.post(cat.id, "from cat")
    tick(blog)
    blog.post(bob.id, "from bob")
    tick(blog)
    blog.post(bob.id, "direct from bob", visibility=Visibility.DIRECT)
    assert _texts(blog.list_timeline(owner.id, friends.id)) == ["from bob", "from ann"]
    assert [a.id for a in blog.list_members(owner.id, friends.id).items] == [ann.id, bob.id]
    assert blog.lists(owner.id) == (friends,)
    assert blog.lists_with(owner.id, ann.id) == (friends,)
    assert blog.lists_with(owner.id, cat.id) == ()


def test_adding_a_member_brings_in_its_earlier_posts_and_removing_it_takes_them_out(
    any_blog: Microblog,
) -> None:
    blog = any_blog
    owner, ann = blog.register("owner"), blog.register("ann")
    blog.follow(owner.id, ann.id)
    blog.post(ann.id, "earlier")
    friends = blog.create_list(owner.id, "Friends")
    blog.add_to_list(owner.id, friends.id, [ann.id])
    assert _texts(blog.list_timeline(owner.id, friends.id)) == ["earlier"]
    assert blog.remove_from_list(owner.id, friends.id, [ann.id, ann.id]) == (ann.id,)
    assert blog.remove_from_list(owner.id, friends.id, [ann.id]) == ()
    assert blog.list_timeline(owner.id, friends.id).items == ()


def test_only_followed_accounts_may_join_and_a_failed_add_changes_nothing(blog: Microblog) -> None:
    owner, ann, bob = (blog.register(h) for h in ("owner", "ann", "bob"))
    blog.follow(owner.id, ann.id)
    friends = blog.create_list(owner.id, "Friends")
    with pytest.raises(ValidationError, match="does not follow"):
        blog.add_to_list(owner.id, friends.id, [ann.id, bob.id])
    assert blog.list_members(owner.id, friends.id).items == ()  # all or none
    blog.add_to_list(owner.id, friends.id, [ann.id])
    with pytest.raises(ConflictError):
        blog.add_to_list(owner.id, friends.id, [ann.id])
    with pytest.raises(ValidationError):
        blog.add_to_list(owner.id, friends.id, [])
    with pytest.raises(ValidationError):
        blog.add_to_list(owner.id, friends.id, [owner.id])  # one does not follow oneself
    with pytest.raises(NotFoundError):
        blog.add_to_list(owner.id, friends.id, [123456789])


def test_a_locked_accounts_pending_request_is_not_a_follow(blog: Microblog) -> None:
    owner, shy = blog.register("owner"), blog.register("shy", locked=True)
    blog.follow(owner.id, shy.id)
    friends = blog.create_list(owner.id, "Friends")
    with pytest.raises(ValidationError):
        blog.add_to_list(owner.id, friends.id, [shy.id])
    blog.approve_follow(shy.id, owner.id)
    assert blog.add_to_list(owner.id, friends.id, [shy.id]) == (shy.id,)


def test_unfollowing_or_blocking_takes_the_account_off_every_list(blog: Microblog) -> None:
    owner, ann, bob = (blog.register(h) for h in ("owner", "ann", "bob"))
    blog.follow(owner.id, ann.id)
    blog.follow(owner.id, bob.id)
    one, two = blog.create_list(owner.id, "One"), blog.create_list(owner.id, "Two")
    blog.add_to_list(owner.id, one.id, [ann.id, bob.id])
    blog.add_to_list(owner.id, two.id, [ann.id])
    events: list[object] = []
    blog.subscribe(events.append)
    blog.unfollow(owner.id, ann.id)
    assert [a.id for a in blog.list_members(owner.id, one.id).items] == [bob.id]
    assert blog.list_members(owner.id, two.id).items == ()
    removed = [e for e in events if isinstance(e, ListMembersRemoved)]
    assert [(e.account_list.id, e.account_ids) for e in removed] == [
        (one.id, (ann.id,)),
        (two.id, (ann.id,)),
    ]
    blog.block(bob.id, owner.id)  # the member blocks the owner: the follow goes, and the list seat
    assert blog.list_members(owner.id, one.id).items == ()


def test_lists_are_private_to_their_owner(blog: Microblog) -> None:
    owner, other = blog.register("owner"), blog.register("other")
    friends = blog.create_list(owner.id, "Friends")
    with pytest.raises(NotFoundError):
        blog.list_timeline(other.id, friends.id)
    with pytest.raises(NotFoundError):
        blog.list_members(other.id, friends.id)
    with pytest.raises(NotFoundError):
        blog.update_list(other.id, friends.id, title="mine now")
    with pytest.raises(NotFoundError):
        blog.delete_list(other.id, friends.id)
    with pytest.raises(NotFoundError):
        blog.add_to_list(other.id, friends.id, [owner.id])
    assert blog.lists(other.id) == ()


def test_updating_and_deleting_a_list(blog: Microblog) -> None:
    owner, ann = blog.register("owner"), blog.register("ann")
    blog.follow(owner.id, ann.id)
    events: list[object] = []
    blog.subscribe(events.append)
    friends = blog.create_list(owner.id, "Friends")
    blog.add_to_list(owner.id, friends.id, [ann.id])
    updated = blog.update_list(owner.id, friends.id, replies_policy="none", exclusive=True)
    assert (updated.title, updated.replies_policy, updated.exclusive) == (
        "Friends",
        RepliesPolicy.NONE,
        True,
    )
    assert blog.update_list(owner.id, friends.id, title="Close").title == "Close"
    assert blog.get_list(owner.id, friends.id).title == "Close"
    deleted = blog.delete_list(owner.id, friends.id)
    assert deleted.id == friends.id
    assert blog.lists(owner.id) == ()
    assert blog.lists_with(owner.id, ann.id) == ()
    with pytest.raises(NotFoundError):
        blog.list_timeline(owner.id, friends.id)
    kinds = [type(e) for e in events]
    assert kinds[0] is ListCreated
    assert ListMembersAdded in kinds
    assert kinds[-1] is ListDeleted


@pytest.mark.parametrize(
    ("title", "policy", "exclusive"),
    [
        ("", "list", False),
        ("   ", "list", False),
        ("x" * 257, "list", False),
        ("ok", "everyone", False),
        ("ok", "list", "yes"),
        (5, "list", False),
        ("a\x00b", "list", False),
    ],
)
def test_bad_list_arguments_are_refused(
    blog: Microblog, title: object, policy: object, exclusive: object
) -> None:
    owner = blog.register("owner")
    with pytest.raises(ValidationError):
        blog.create_list(owner.id, title, replies_policy=policy, exclusive=exclusive)  # type: ignore[arg-type]
    assert blog.lists(owner.id) == ()


def test_an_account_owns_at_most_fifty_lists(blog: Microblog) -> None:
    owner = blog.register("owner")
    for n in range(MAX_LISTS):
        blog.create_list(owner.id, f"list {n}")
    with pytest.raises(PermissionDeniedError) as caught:
        blog.create_list(owner.id, "one too many")
    assert caught.value.rule == "list_limit"
    assert len(blog.lists(owner.id)) == MAX_LISTS == 50


def test_replies_policy_follows_mastodons_filter_from_list(any_blog: Microblog) -> None:
    """followed: replies to followed accounts; list: to members; none: self-replies and owner's."""
    blog = any_blog
    owner, ann, bob, cat, dan = (blog.register(h) for h in ("owner", "ann", "bob", "cat", "dan"))
    for account in (ann, bob, cat):
        blog.follow(owner.id, account.id)
    lists = {
        policy: blog.create_list(owner.id, policy.value, replies_policy=policy)
        for policy in RepliesPolicy
    }
    for account_list in lists.values():
        blog.add_to_list(owner.id, account_list.id, [ann.id, bob.id])
    to_bob = blog.post(bob.id, "bob says")
    to_cat = blog.post(cat.id, "cat says")
    to_dan = blog.post(dan.id, "dan says")
    to_owner = blog.post(owner.id, "owner says")
    own = blog.post(ann.id, "ann says")
    for parent, text in (
        (to_bob, "re member"),
        (to_cat, "re followed"),
        (to_dan, "re stranger"),
        (to_owner, "re owner"),
        (own, "re self"),
    ):
        tick(blog)
        blog.reply(ann.id, parent.id, text)

    def replies(policy: RepliesPolicy) -> set[str]:
        page = blog.list_timeline(owner.id, lists[policy].id, limit=40)
        return {p.text for p in page.items if p.text.startswith("re ")}

    assert replies(RepliesPolicy.FOLLOWED) == {"re member", "re followed", "re owner", "re self"}
    assert replies(RepliesPolicy.LIST) == {"re member", "re owner", "re self"}
    assert replies(RepliesPolicy.NONE) == {"re owner", "re self"}


def test_members_of_an_exclusive_list_leave_the_home_timeline(any_blog: Microblog) -> None:
    blog = any_blog
    owner, ann, bob = (blog.register(h) for h in ("owner", "ann", "bob"))
    blog.follow(owner.id, ann.id)
    blog.follow(owner.id, bob.id)
    news = blog.create_list(owner.id, "News", exclusive=True)
    blog.add_to_list(owner.id, news.id, [ann.id])
    blog.post(ann.id, "ann's news")
    blog.post(bob.id, "bob's chat")
    mine = blog.post(owner.id, "my own")
    blog.repost(ann.id, mine.id)
    assert _texts(blog.home_timeline(owner.id)) == ["my own", "bob's chat"]
    assert _texts(blog.list_timeline(owner.id, news.id)) == ["", "ann's news"]
    blog.update_list(owner.id, news.id, exclusive=False)
    # Ann's repost is back, and dropped as home drops a repost of a root it shows.
    assert _texts(blog.home_timeline(owner.id)) == ["my own", "bob's chat", "ann's news"]
    blog.unfollow(owner.id, bob.id)
    blog.delete_post(owner.id, mine.id)
    assert _texts(blog.home_timeline(owner.id)) == ["ann's news"]


def test_a_list_timeline_applies_the_owners_blocks_and_mutes(any_blog: Microblog) -> None:
    blog = any_blog
    owner, ann, troll = (blog.register(h) for h in ("owner", "ann", "troll"))
    blog.follow(owner.id, ann.id)
    friends = blog.create_list(owner.id, "Friends")
    blog.add_to_list(owner.id, friends.id, [ann.id])
    bad = blog.post(troll.id, "troll post")
    blog.post(ann.id, "hi @troll")
    blog.repost(ann.id, bad.id)
    blog.post(ann.id, "plain")
    blog.mute(owner.id, troll.id)
    assert _texts(blog.list_timeline(owner.id, friends.id)) == ["plain"]
    blog.unmute(owner.id, troll.id)
    assert len(blog.list_timeline(owner.id, friends.id).items) == 3


def test_list_paging_follows_mastodon(any_blog: Microblog) -> None:
    blog = any_blog
    owner, ann = blog.register("owner"), blog.register("ann")
    blog.follow(owner.id, ann.id)
    friends = blog.create_list(owner.id, "Friends")
    blog.add_to_list(owner.id, friends.id, [ann.id])
    posts = []
    for n in range(7):
        tick(blog)
        posts.append(blog.post(ann.id, f"p{n}"))
    first = blog.list_timeline(owner.id, friends.id, limit=3)
    assert _texts(first) == ["p6", "p5", "p4"]
    older = blog.list_timeline(owner.id, friends.id, limit=3, max_id=first.next_max_id)
    assert _texts(older) == ["p3", "p2", "p1"]
    assert _texts(blog.list_timeline(owner.id, friends.id, limit=2, min_id=posts[1].id)) == [
        "p3",
        "p2",
    ]
    assert _texts(blog.list_timeline(owner.id, friends.id, limit=2, since_id=posts[1].id)) == [
        "p6",
        "p5",
    ]
    with pytest.raises(ValidationError):
        blog.list_timeline(owner.id, friends.id, limit=41)


def test_rebuilding_a_list_feed_restores_its_timeline() -> None:
    strategy = FanOutOnWrite(cap=8)
    blog = Microblog.in_memory(clock=ManualClock(), timeline=strategy)
    owner, ann = blog.register("owner"), blog.register("ann")
    blog.follow(owner.id, ann.id)
    friends = blog.create_list(owner.id, "Friends")
    blog.add_to_list(owner.id, friends.id, [ann.id])
    for n in range(5):
        blog.post(ann.id, f"p{n}")
    before = _texts(blog.list_timeline(owner.id, friends.id))
    with blog.unit_of_work() as unit:
        unit.feeds.clear(friends.id)  # type: ignore[arg-type]  # a list's feed key is its id
        unit.commit()
    assert blog.list_timeline(owner.id, friends.id).items == ()
    assert strategy.rebuild_list(blog, owner.id, friends.id) == 5
    assert _texts(blog.list_timeline(owner.id, friends.id)) == before
    with pytest.raises(NotFoundError):
        strategy.rebuild_list(blog, ann.id, friends.id)
    blog.close()


@given(st.lists(st.tuples(st.booleans(), st.integers(0, 3)), max_size=20))
def test_list_members_always_are_followed_accounts(moves: list[tuple[bool, int]]) -> None:
    """Whatever the follows, unfollows and adds, every member is followed by the owner."""
    blog = Microblog.in_memory(clock=ManualClock())
    try:
        owner = blog.register("owner")
        others = [blog.register(f"u{n}") for n in range(4)]
        friends = blog.create_list(owner.id, "Friends")
        for follow, n in moves:
            target = others[n].id
            if follow:
                blog.follow(owner.id, target)
                if not blog.lists_with(owner.id, target):
                    blog.add_to_list(owner.id, friends.id, [target])
            else:
                blog.unfollow(owner.id, target)
        following = {a.id for a in blog.following(owner.id).items}
        members = {a.id for a in blog.list_members(owner.id, friends.id).items}
        assert members <= following
    finally:
        blog.close()
