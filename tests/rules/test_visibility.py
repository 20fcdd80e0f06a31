"""The one visibility rule (:class:`~microblog_core.rules.ViewerContext`) on random histories.

"May this viewer see this post, and the original it reposts?" used to be
written four times: in the service, the listings, the home timeline and the
ranked timeline. The rule replaced them, after a first version of these
properties showed it answered as all four did. :func:`reference_visible`
keeps the service's copy, read literally through a unit of work with one
lookup per pair, as the behaviour to hold to; the properties check the rule,
both ways of loading a viewer, and the call sites against it, for every
viewer and every post of a random history.
"""

from datetime import UTC, datetime

from hypothesis import HealthCheck, given, settings

from microblog_core import ManualClock
from microblog_core.errors import NotFoundError
from microblog_core.ids import AccountId
from microblog_core.models import Post
from microblog_core.ports import UnitOfWork
from microblog_core.rules import (
    HomeContext,
    Standing,
    ViewerContext,
    can_see,
    filtered_from_home,
)
from microblog_core.service import Microblog
from microblog_core.testing.strategies import histories, replay
from microblog_core.timelines import home
from microblog_core.timelines.viewers import load_viewer, lookup_viewer

START = datetime(2026, 3, 1, tzinfo=UTC)


def _blocked(uow: UnitOfWork, a: AccountId, b: AccountId) -> bool:
    relations = uow.relations
    return relations.get_block(a, b) is not None or relations.get_block(b, a) is not None


def _standing(uow: UnitOfWork, viewer: AccountId | None, author: AccountId) -> Standing:
    if viewer is None or viewer == author:
        return Standing(viewer_id=viewer)
    return Standing(
        viewer_id=viewer,
        follows_author=uow.relations.get_follow(viewer, author) is not None,
        blocked=_blocked(uow, viewer, author),
    )


def reference_visible(uow: UnitOfWork, post: Post, viewer: AccountId | None) -> bool:
    """The service's rule before the move, kept verbatim as the reference."""
    if not can_see(post, _standing(uow, viewer, post.author_id)):
        return False
    ref = post.repost_of
    if ref is None:
        return True
    root = uow.posts.find(ref.root_id)
    return root is not None and can_see(root, _standing(uow, viewer, root.author_id))


def _played(history: tuple[object, ...]) -> Microblog:
    blog = Microblog.in_memory(clock=ManualClock(START))
    replay(blog, history)  # type: ignore[arg-type]
    return blog


RANDOM_HISTORIES = settings(
    max_examples=60, deadline=None, suppress_health_check=[HealthCheck.too_slow]
)


def _service_shows(blog: Microblog, post: Post, viewer: AccountId | None) -> bool:
    try:
        blog.get_post(post.id, viewer_id=viewer)
    except NotFoundError:
        return False
    return True


@RANDOM_HISTORIES
@given(histories(min_accounts=2, max_accounts=4, max_steps=25))
def test_the_rule_agrees_with_the_reference(history: tuple[object, ...]) -> None:
    blog = _played(history)
    now = blog.now()
    with blog.unit_of_work(readonly=True) as uow:
        posts = list(uow.posts.scan(limit=1000))
        viewers: list[AccountId | None] = [None, *(a.id for a in uow.accounts.page(limit=100))]
        for viewer in viewers:
            eager = load_viewer(uow, viewer, now)
            lazy = lookup_viewer(uow, viewer, now)
            context = None if viewer is None else home.home_context(uow, viewer, now)
            keep = None if context is None else home.home_filter(context, home.RootCache(uow))
            for post in posts:
                ref = post.repost_of
                root = None if ref is None else uow.posts.find(ref.root_id)
                expected = reference_visible(uow, post, viewer)
                assert eager.sees(post, root) is expected
                assert lazy.sees(post, root) is expected
                author = post.author_id
                assert lazy.blocks_or_mutes(author) is eager.blocks_or_mutes(author)
                assert _service_shows(blog, post, viewer) is expected
                if context is not None and keep is not None:
                    assert ViewerContext.from_home(context).sees(post, root) is expected
                    # The home timeline applies the home rules first; past them,
                    # it keeps exactly what the rule lets the viewer see (of the
                    # candidates by the viewer and its followees: others come in
                    # only by a followed hashtag).
                    candidate = author == viewer or author in context.following
                    if candidate and not filtered_from_home(post, context, root=root):
                        assert keep(post) is expected


@RANDOM_HISTORIES
@given(histories(min_accounts=2, max_accounts=4, max_steps=25))
def test_a_context_from_the_home_facts_answers_alike(history: tuple[object, ...]) -> None:
    """The ranked timeline builds its context from the home facts: same answers."""
    blog = _played(history)
    now = blog.now()
    with blog.unit_of_work(readonly=True) as uow:
        posts = list(uow.posts.scan(limit=1000))
        for account in uow.accounts.page(limit=100):
            viewer = account.id
            eager = load_viewer(uow, viewer, now)
            home_facts = HomeContext(
                viewer_id=viewer,
                following=eager.following,
                blocking=eager.blocking,
                blocked_by=eager.blocked_by,
                muting=eager.muting,
            )
            from_home = ViewerContext.from_home(home_facts)
            for post in posts:
                ref = post.repost_of
                root = None if ref is None else uow.posts.find(ref.root_id)
                assert from_home.sees(post, root) is eager.sees(post, root)
