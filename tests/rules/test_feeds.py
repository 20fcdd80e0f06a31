"""Mastodon's filter_from_home, as a pure rule."""

import attrs
from hypothesis import given
from hypothesis import strategies as st

from microblog_core.models import AccountList, RepliesPolicy, Visibility
from microblog_core.rules import (
    HomeContext,
    filtered_from_home,
    filtered_from_list,
    filtered_from_tags,
)
from tests.rules.helpers import original, reply, repost

VIEWER, ALICE, BOB, CAROL = 1, 2, 3, 4


def ctx(**kwargs):
    return HomeContext(viewer_id=VIEWER, following=frozenset({ALICE, BOB}), **kwargs)


def test_followee_post_passes():
    assert not filtered_from_home(original(10, ALICE), ctx())


def test_own_posts_always_pass_even_direct():
    assert not filtered_from_home(original(10, VIEWER, visibility=Visibility.DIRECT), ctx())


def test_own_repost_of_blocking_or_deleted_original_dropped():
    root = original(10, CAROL)
    own = repost(11, VIEWER, root)
    assert not filtered_from_home(own, ctx(), root=root)
    assert filtered_from_home(own, ctx(blocked_by=frozenset({CAROL})), root=root)
    assert filtered_from_home(own, ctx(), root=None)


def test_direct_posts_of_others_never_in_home():
    post = original(10, ALICE, visibility=Visibility.DIRECT, mentions=(VIEWER,))
    assert filtered_from_home(post, ctx())


def test_private_post_needs_follow():
    post = original(10, CAROL, visibility=Visibility.PRIVATE)
    assert filtered_from_home(post, ctx())
    assert not filtered_from_home(original(10, ALICE, visibility=Visibility.PRIVATE), ctx())


def test_blocked_muted_or_blocking_author_dropped():
    post = original(10, ALICE)
    assert filtered_from_home(post, ctx(blocking=frozenset({ALICE})))
    assert filtered_from_home(post, ctx(muting=frozenset({ALICE})))
    assert filtered_from_home(post, ctx(blocked_by=frozenset({ALICE})))


def test_mentioned_blocked_or_muted_account_drops_post():
    post = original(10, ALICE, mentions=(CAROL,))
    assert filtered_from_home(post, ctx(blocking=frozenset({CAROL})))
    assert filtered_from_home(post, ctx(muting=frozenset({CAROL})))
    assert not filtered_from_home(post, ctx())


def test_reply_needs_follow_of_person_replied_to():
    to_carol = reply(11, ALICE, original(10, CAROL))
    assert filtered_from_home(to_carol, ctx())
    to_bob = reply(11, ALICE, original(10, BOB))
    assert not filtered_from_home(to_bob, ctx())


def test_reply_to_viewer_and_self_reply_pass():
    assert not filtered_from_home(reply(11, ALICE, original(10, VIEWER)), ctx())
    assert not filtered_from_home(reply(11, ALICE, original(10, ALICE)), ctx())


def test_repost_rules():
    root = original(10, CAROL)
    boost = repost(11, ALICE, root)
    assert not filtered_from_home(boost, ctx(), root=root)
    assert filtered_from_home(boost, ctx(hiding_reposts=frozenset({ALICE})), root=root)
    assert filtered_from_home(boost, ctx(blocking=frozenset({CAROL})), root=root)
    assert filtered_from_home(boost, ctx(muting=frozenset({CAROL})), root=root)
    assert filtered_from_home(boost, ctx(blocked_by=frozenset({CAROL})), root=root)
    assert filtered_from_home(boost, ctx(), root=None)


def test_repost_of_post_mentioning_blocked_account_dropped():
    root = original(10, CAROL, mentions=(BOB,))
    assert filtered_from_home(repost(11, ALICE, root), ctx(blocking=frozenset({BOB})), root=root)


def test_language_filter_of_follow():
    post = original(10, ALICE, language="de")
    assert filtered_from_home(post, ctx(languages={ALICE: ("en",)}))
    assert not filtered_from_home(post, ctx(languages={ALICE: ("de", "en")}))
    assert not filtered_from_home(
        original(10, ALICE, language="en-GB"), ctx(languages={ALICE: ("en",)})
    )
    assert not filtered_from_home(original(10, ALICE), ctx(languages={ALICE: ("en",)}))


@given(
    st.sampled_from([ALICE, BOB, CAROL]),
    st.sets(st.sampled_from([ALICE, BOB, CAROL])),
    st.sets(st.sampled_from([ALICE, BOB, CAROL])),
    st.sampled_from(list(Visibility)),
)
def test_blocked_or_muted_authors_never_pass(author, blocking, muting, visibility):
    post = original(10, author, visibility=visibility)
    context = ctx(blocking=frozenset(blocking), muting=frozenset(muting))
    if author in blocking or author in muting:
        assert filtered_from_home(post, context)


def test_context_is_a_value():
    assert attrs.evolve(ctx(), muting=frozenset({2})).muting == frozenset({2})


# --------------------------------------------------------------------------- lists and hashtags


def _tagged(post_id, author, *tags, **kwargs):
    return attrs.evolve(original(post_id, author, **kwargs), tags=tags)


def test_exclusive_list_members_leave_home_but_the_viewers_own_posts_stay():
    context = ctx(exclusive=frozenset({ALICE, VIEWER}))
    assert filtered_from_home(original(10, ALICE), context)
    assert not filtered_from_home(original(10, BOB), context)
    assert not filtered_from_home(original(10, VIEWER), context)


def test_the_tag_path_takes_public_originals_with_a_followed_tag():
    context = ctx(followed_tags=frozenset({"cats"}))
    assert not filtered_from_tags(_tagged(10, CAROL, "cats"), context)
    assert filtered_from_tags(_tagged(10, CAROL, "dogs"), context)
    assert filtered_from_tags(_tagged(10, VIEWER, "cats"), context)  # own posts come by home
    for visibility in (Visibility.UNLISTED, Visibility.PRIVATE, Visibility.DIRECT):
        assert filtered_from_tags(_tagged(10, CAROL, "cats", visibility=visibility), context)
    assert filtered_from_tags(repost(11, CAROL, _tagged(10, BOB, "cats")), context)
    assert filtered_from_tags(_tagged(10, CAROL, "cats"), ctx())  # no followed tag


@given(
    blocking=st.booleans(), muting=st.booleans(), blocked_by=st.booleans(), mention=st.booleans()
)
def test_the_tag_path_drops_blocked_muted_and_blocking_authors_and_mentions(
    blocking, muting, blocked_by, mention
):
    """Mastodon's filter_from_tags?: author or mentions blocked or muted, author blocking."""
    other = CAROL + 1
    post = _tagged(10, CAROL, "cats", mentions=(other,) if mention else ())
    who = other if mention else CAROL
    context = ctx(
        followed_tags=frozenset({"cats"}),
        blocking=frozenset({who}) if blocking else frozenset(),
        muting=frozenset({who}) if muting else frozenset(),
        blocked_by=frozenset({CAROL}) if blocked_by else frozenset(),
    )
    assert filtered_from_tags(post, context) is (blocking or muting or blocked_by)


@given(
    policy=st.sampled_from(list(RepliesPolicy)),
    to=st.sampled_from(["member", "followed", "owner", "self"]),
)
def test_a_lists_replies_policy_is_mastodons_filter_from_list(policy, to):
    owner, member, other_member, followed = VIEWER, ALICE, BOB, CAROL
    account_list = AccountList(id=500, owner_id=owner, title="l", replies_policy=policy)
    members = frozenset({member, other_member})
    parent_author = {"member": other_member, "followed": followed, "owner": owner, "self": member}[
        to
    ]
    post = reply(11, member, original(10, parent_author))
    expected_kept = (
        to in ("owner", "self")
        or policy is RepliesPolicy.FOLLOWED
        or (policy is RepliesPolicy.LIST and to == "member")
    )
    assert filtered_from_list(post, account_list, members) is not expected_kept
    assert not filtered_from_list(original(12, member), account_list, members)
