"""Rules of access: seeing, reposting, quoting, replying, following, liking."""

import attrs
import pytest
from hypothesis import given
from hypothesis import strategies as st

from microblog_core.errors import PermissionDeniedError
from microblog_core.models import Post, QuotePolicy, ReplyAudience, ReplyGate, Visibility
from microblog_core.rules import (
    FOLLOW_LIMIT,
    Standing,
    ViewerContext,
    can_see,
    check_follow,
    check_like,
    check_quote,
    check_reply,
    check_repost,
    may_reply_under_gate,
    repost_visibility,
)
from microblog_core.testing.strategies import posts
from tests.rules.helpers import original, reply

AUTHOR, VIEWER, OTHER = 1, 2, 3


@pytest.mark.parametrize(
    ("visibility", "follows", "mentioned", "expected"),
    [
        (Visibility.PUBLIC, False, False, True),
        (Visibility.UNLISTED, False, False, True),
        (Visibility.PRIVATE, False, False, False),
        (Visibility.PRIVATE, True, False, True),
        (Visibility.PRIVATE, False, True, True),
        (Visibility.DIRECT, True, False, False),
        (Visibility.DIRECT, False, True, True),
    ],
)
def test_visibility_decides_who_sees(visibility, follows, mentioned, expected):
    post = original(10, AUTHOR, visibility=visibility, mentions=(VIEWER,) if mentioned else ())
    standing = Standing(viewer_id=VIEWER, follows_author=follows)
    assert can_see(post, standing) is expected


@pytest.mark.parametrize("visibility", list(Visibility))
def test_author_always_sees_own_post(visibility):
    post = original(10, AUTHOR, visibility=visibility)
    assert can_see(post, Standing(viewer_id=AUTHOR, blocked=True))


@pytest.mark.parametrize("visibility", [Visibility.PUBLIC, Visibility.UNLISTED])
def test_block_hides_even_public_posts(visibility):
    post = original(10, AUTHOR, visibility=visibility)
    assert not can_see(post, Standing(viewer_id=VIEWER, blocked=True))


def test_logged_out_viewer_sees_only_public_and_unlisted():
    seen = {
        v
        for v in Visibility
        if can_see(original(10, AUTHOR, visibility=v), Standing(viewer_id=None))
    }
    assert seen == {Visibility.PUBLIC, Visibility.UNLISTED}


@given(st.sampled_from(list(Visibility)), st.booleans(), st.booleans(), st.booleans())
def test_block_never_leaks(visibility, follows, mentioned, blocked):
    post = original(10, AUTHOR, visibility=visibility, mentions=(VIEWER,) if mentioned else ())
    seen = can_see(post, Standing(viewer_id=VIEWER, follows_author=follows, blocked=blocked))
    if blocked:
        assert not seen
    if visibility is Visibility.DIRECT and not mentioned:
        assert not seen


def test_repost_inherits_restricted_visibility():
    assert repost_visibility(original(10, AUTHOR)) is Visibility.PUBLIC
    assert (
        repost_visibility(original(10, AUTHOR, visibility=Visibility.UNLISTED))
        is Visibility.UNLISTED
    )
    assert (
        repost_visibility(original(10, AUTHOR, visibility=Visibility.PRIVATE)) is Visibility.PRIVATE
    )


def test_direct_post_cannot_be_reposted():
    with pytest.raises(PermissionDeniedError) as info:
        check_repost(original(10, AUTHOR, visibility=Visibility.DIRECT), AUTHOR, blocked=False)
    assert info.value.rule == "direct"
    assert info.value.action == "repost"


def test_followers_only_post_reposted_only_by_author():
    post = original(10, AUTHOR, visibility=Visibility.PRIVATE)
    check_repost(post, AUTHOR, blocked=False)
    with pytest.raises(PermissionDeniedError) as info:
        check_repost(post, VIEWER, blocked=False)
    assert info.value.rule == "followers_only"


def test_repost_across_block_refused():
    with pytest.raises(PermissionDeniedError) as info:
        check_repost(original(10, AUTHOR), VIEWER, blocked=True)
    assert info.value.rule == "blocked"


@pytest.mark.parametrize(
    ("policy", "follows", "allowed"),
    [
        (QuotePolicy.ANYONE, False, True),
        (QuotePolicy.FOLLOWERS, True, True),
        (QuotePolicy.FOLLOWERS, False, False),
        (QuotePolicy.NOBODY, True, False),
    ],
)
def test_quote_policy(policy, follows, allowed):
    post = attrs.evolve(original(10, AUTHOR), quote_policy=policy)
    if allowed:
        check_quote(post, VIEWER, follows_author=follows, blocked=False)
    else:
        with pytest.raises(PermissionDeniedError) as info:
            check_quote(post, VIEWER, follows_author=follows, blocked=False)
        assert info.value.rule == "quote_policy"


def test_author_may_always_quote_self():
    post = original(10, AUTHOR, visibility=Visibility.PRIVATE)
    check_quote(post, AUTHOR, follows_author=False, blocked=False)


def test_quote_of_private_post_refused():
    with pytest.raises(PermissionDeniedError) as info:
        check_quote(
            original(10, AUTHOR, visibility=Visibility.PRIVATE),
            VIEWER,
            follows_author=True,
            blocked=False,
        )
    assert info.value.rule == "visibility"


def test_quote_across_block_refused():
    with pytest.raises(PermissionDeniedError) as info:
        check_quote(original(10, AUTHOR), VIEWER, follows_author=True, blocked=True)
    assert info.value.rule == "blocked"


def _gate_allows(gate, *, follows=False, followed=False, mentioned=()):
    return may_reply_under_gate(
        gate,
        replier_id=VIEWER,
        root_author_id=AUTHOR,
        replier_follows_root_author=follows,
        root_author_follows_replier=followed,
        mentioned=mentioned,
    )


def test_open_gate_lets_anyone_reply():
    assert _gate_allows(ReplyGate.ANYONE)


def test_closed_gate_lets_only_author_reply():
    assert not _gate_allows(ReplyGate.NOBODY, follows=True, followed=True, mentioned=(VIEWER,))
    assert may_reply_under_gate(
        ReplyGate.NOBODY,
        replier_id=AUTHOR,
        root_author_id=AUTHOR,
        replier_follows_root_author=False,
        root_author_follows_replier=False,
        mentioned=(),
    )


@pytest.mark.parametrize(
    ("audience", "kwargs"),
    [
        (ReplyAudience.FOLLOWERS, {"follows": True}),
        (ReplyAudience.FOLLOWING, {"followed": True}),
        (ReplyAudience.MENTIONED, {"mentioned": (VIEWER,)}),
    ],
)
def test_gate_audiences(audience, kwargs):
    gate = ReplyGate(allow=[audience])
    assert _gate_allows(gate, **kwargs)
    assert not _gate_allows(gate)


@given(st.sets(st.sampled_from(list(ReplyAudience))), st.booleans(), st.booleans(), st.booleans())
def test_gate_is_union_of_audiences(audiences, follows, followed, mentioned):
    gate = ReplyGate(allow=audiences)
    expected = (
        (ReplyAudience.FOLLOWERS in audiences and follows)
        or (ReplyAudience.FOLLOWING in audiences and followed)
        or (ReplyAudience.MENTIONED in audiences and mentioned)
    )
    got = _gate_allows(
        gate, follows=follows, followed=followed, mentioned=(VIEWER,) if mentioned else ()
    )
    assert got == expected


def test_reply_breaking_gate_refused():
    root = original(10, AUTHOR, gate=ReplyGate(allow=[ReplyAudience.FOLLOWERS]))
    with pytest.raises(PermissionDeniedError) as info:
        check_reply(
            root,
            root,
            VIEWER,
            blocked_with_parent_author=False,
            blocked_with_root_author=False,
            replier_follows_root_author=False,
            root_author_follows_replier=False,
        )
    assert info.value.rule == "reply_gate"
    assert "followers" in str(info.value)


def test_reply_to_blocked_author_refused():
    root = original(10, AUTHOR)
    parent = reply(11, OTHER, root)
    for parent_block, root_block in ((True, False), (False, True)):
        with pytest.raises(PermissionDeniedError) as info:
            check_reply(
                parent,
                root,
                VIEWER,
                blocked_with_parent_author=parent_block,
                blocked_with_root_author=root_block,
                replier_follows_root_author=True,
                root_author_follows_replier=True,
            )
        assert info.value.rule == "blocked"


def test_deleted_root_imposes_no_gate():
    parent = reply(11, OTHER, original(10, AUTHOR, gate=ReplyGate.NOBODY))
    check_reply(
        parent,
        None,
        VIEWER,
        blocked_with_parent_author=False,
        blocked_with_root_author=False,
        replier_follows_root_author=False,
        root_author_follows_replier=False,
    )


def test_self_follow_refused():
    with pytest.raises(PermissionDeniedError) as info:
        check_follow(1, 1, blocked=False, following_count=0, followers_count=0)
    assert info.value.rule == "self_follow"


def test_follow_across_block_refused():
    with pytest.raises(PermissionDeniedError) as info:
        check_follow(1, 2, blocked=True, following_count=0, followers_count=0)
    assert info.value.rule == "blocked"


def test_follow_limit_mastodon_ratio():
    # 7,500 follows and 100 followers: 7,500 >= 110, so the limit holds.
    with pytest.raises(PermissionDeniedError) as info:
        check_follow(1, 2, blocked=False, following_count=FOLLOW_LIMIT, followers_count=100)
    assert info.value.rule == "follow_limit"
    # Below 7,500 anyone may follow.
    check_follow(1, 2, blocked=False, following_count=FOLLOW_LIMIT - 1, followers_count=0)
    # 8,000 follows and 10,000 followers: 8,000 < 11,000, so more are allowed.
    check_follow(1, 2, blocked=False, following_count=8000, followers_count=10000)
    # 11,000 follows with 10,000 followers: 11,000 >= 11,000: refused.
    with pytest.raises(PermissionDeniedError):
        check_follow(1, 2, blocked=False, following_count=11000, followers_count=10000)


def test_updating_existing_follow_ignores_limit():
    check_follow(
        1, 2, blocked=False, following_count=FOLLOW_LIMIT, followers_count=0, already_following=True
    )


def test_like_across_block_refused():
    with pytest.raises(PermissionDeniedError) as info:
        check_like(original(10, AUTHOR), VIEWER, blocked=True)
    assert info.value.rule == "blocked"
    check_like(original(10, AUTHOR), VIEWER, blocked=False)


_SOME_IDS = st.frozensets(st.integers(1, 6), max_size=4)


@given(
    posts(author_ids=st.integers(1, 6)),
    posts(author_ids=st.integers(1, 6), kinds=("original",)),
    st.none() | st.integers(1, 6),
    _SOME_IDS,
    _SOME_IDS,
    _SOME_IDS,
)
def test_viewer_context_sees_as_can_see_with_its_standing(
    post: Post,
    root: Post,
    viewer: int | None,
    following: frozenset[int],
    blocking: frozenset[int],
    blocked_by: frozenset[int],
) -> None:
    """ViewerContext.sees is can_see with the viewer's standing, for a post and its original."""
    context = ViewerContext(
        viewer_id=viewer, following=following, blocking=blocking, blocked_by=blocked_by
    )
    sees_post = can_see(post, context.standing(post.author_id))
    sees_root = can_see(root, context.standing(root.author_id))
    if post.repost_of is None:
        assert context.sees(post) is sees_post
    else:
        assert context.sees(post, None) is False
        assert context.sees(post, root) is (sees_post and sees_root)


class _Unasked:
    """A relation that must not be looked up (its lookup is a store read)."""

    def __contains__(self, account: object) -> bool:
        raise AssertionError(f"the rule asked about {account}")


@pytest.mark.parametrize("visibility", [Visibility.PUBLIC, Visibility.UNLISTED, Visibility.DIRECT])
def test_only_a_followers_only_post_asks_whether_the_viewer_follows(visibility):
    post = original(10, AUTHOR, visibility=visibility)
    viewer = ViewerContext(viewer_id=VIEWER, following=_Unasked())
    assert viewer.sees(post) is (visibility is not Visibility.DIRECT)


@given(posts(), st.booleans(), st.booleans(), st.booleans())
def test_a_viewer_context_sees_what_can_see_allows(post, follows, blocks, blocked_by):
    """ViewerContext.sees, which looks the follow up only when it matters, agrees with can_see."""
    viewer = ViewerContext(
        viewer_id=VIEWER,
        following={post.author_id} if follows else set(),
        blocking={post.author_id} if blocks else set(),
        blocked_by={post.author_id} if blocked_by else set(),
    )
    standing = Standing(
        viewer_id=VIEWER,
        follows_author=follows and post.author_id != VIEWER,
        blocked=(blocks or blocked_by) and post.author_id != VIEWER,
    )
    if post.repost_of is None:
        assert viewer.sees(post) is can_see(post, standing)
