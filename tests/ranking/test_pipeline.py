"""The ranking pipeline: sources, filters, scoring, re-ranking, and keyset cursors."""

import base64
import json
from collections.abc import Iterable, Iterator
from datetime import datetime, timedelta
from typing import Any, ClassVar

import attrs
import pytest
from hypothesis import given, note
from hypothesis import strategies as st

from microblog_core import ManualClock
from microblog_core.errors import NotFoundError, ValidationError
from microblog_core.ids import AccountId
from microblog_core.models import Post, PostCounters, Visibility
from microblog_core.ranking import (
    TWITTER_2023,
    AuthorDiversity,
    Candidate,
    DedupRoots,
    WeightedEngagementScorer,
    rank,
)
from microblog_core.ranking.pipeline import (
    DEFAULT_RANKER,
    CandidateFilter,
    CandidateSource,
    FollowedByFollowees,
    HomeRules,
    InNetwork,
    NotSeen,
    Ranker,
    RankingContext,
    Trending,
    observed_rates,
    ranked_timeline,
)
from microblog_core.rules import filtered_from_home, filtered_from_tags
from microblog_core.service import Microblog
from microblog_core.timelines import FanOutOnRead, FanOutOnWrite, Hybrid, TimelineStrategy
from microblog_core.timelines.home import home_context
from tests.timelines.history import Op, histories, lockstep


def make(adapter: str = "memory", strategy: TimelineStrategy | None = None) -> Microblog:
    clock = ManualClock()
    timeline = strategy or FanOutOnRead()
    if adapter == "memory":
        return Microblog.in_memory(clock=clock, timeline=timeline)
    return Microblog.sqlite(":memory:", clock=clock, timeline=timeline)


@pytest.fixture(
    params=[
        ("memory", FanOutOnRead()),
        ("sqlite", FanOutOnRead()),
        ("memory", FanOutOnWrite()),
        ("sqlite", Hybrid(threshold=1)),
    ],
    ids=["memory-read", "sqlite-read", "memory-write", "sqlite-hybrid"],
)
def blog(request: pytest.FixtureRequest) -> Iterator[Microblog]:
    adapter, strategy = request.param
    service = make(adapter, strategy)
    yield service
    service.close()


def ids(page: Any) -> list[int]:
    return [item.post.id for item in page.items]


def tick(blog: Microblog, seconds: float = 1.0) -> None:
    clock = blog.clock
    assert isinstance(clock, ManualClock)
    clock.advance(timedelta(seconds=seconds))


# -- the default ranker ---------------------------------------------------------


def test_without_engagement_the_feed_is_newest_first(blog: Microblog) -> None:
    ann, bob = blog.register("ann"), blog.register("bob")
    blog.follow(ann.id, bob.id)
    posts = [blog.post(bob.id if i % 2 else ann.id, f"p{i}") for i in range(4)]
    page = blog.ranked_timeline(ann.id, ranker=Ranker(rerankers=[]))
    assert ids(page) == [p.id for p in reversed(posts)]
    assert all(item.in_network and item.source == "in_network" for item in page.items)


def test_engagement_lifts_a_post_and_a_reply_weighs_most(blog: Microblog) -> None:
    ann, bob, cat, dan = (blog.register(h) for h in ("ann", "bob", "cat", "dan"))
    for followee in (bob, cat, dan):
        blog.follow(ann.id, followee.id)
    liked = blog.post(bob.id, "liked")
    replied = blog.post(cat.id, "replied")
    fresh = blog.post(dan.id, "fresh")
    blog.like(dan.id, liked.id)
    blog.reply(bob.id, replied.id, "answer")
    page = blog.ranked_timeline(ann.id)
    order = ids(page)
    assert order.index(replied.id) < order.index(liked.id) < order.index(fresh.id)


def test_author_diversity_spreads_one_authors_posts(blog: Microblog) -> None:
    ann, bob, cat = blog.register("ann"), blog.register("bob"), blog.register("cat")
    blog.follow(ann.id, bob.id)
    blog.follow(ann.id, cat.id)
    blog.follow(bob.id, cat.id)
    first_bob = blog.post(bob.id, "b1")
    cats = blog.post(cat.id, "c1")
    second_bob = blog.post(bob.id, "b2")
    plain = Ranker(name="plain", rerankers=[])
    assert ids(blog.ranked_timeline(ann.id, ranker=plain)) == [
        second_bob.id,
        cats.id,
        first_bob.id,
    ]
    # fav rates: bob's posts 1 like / (1 follower + 1) = 0.5 each; cat's 1 / 3.
    blog.like(cat.id, first_bob.id)
    blog.like(ann.id, second_bob.id)
    blog.like(ann.id, cats.id)
    assert ids(blog.ranked_timeline(ann.id, ranker=plain)) == [
        second_bob.id,
        first_bob.id,
        cats.id,
    ]
    # Diversity: bob's second item is worth 0.625 of its score, below cat's.
    assert ids(blog.ranked_timeline(ann.id)) == [second_bob.id, cats.id, first_bob.id]


def test_one_item_per_original(blog: Microblog) -> None:
    ann, bob, cat = blog.register("ann"), blog.register("bob"), blog.register("cat")
    blog.follow(ann.id, bob.id)
    blog.follow(ann.id, cat.id)
    original = blog.post(bob.id, "news")
    shared = blog.repost(cat.id, original.id)
    page = blog.ranked_timeline(ann.id)
    assert ids(page) == [shared.id]
    assert page.roots[original.id] == original
    assert page.posts == (shared,)


def test_viewer_must_exist_and_limit_is_checked(blog: Microblog) -> None:
    ann = blog.register("ann")
    with pytest.raises(NotFoundError):
        blog.ranked_timeline(AccountId(31337))
    for bad in (0, 41, "3"):
        with pytest.raises(ValidationError):
            blog.ranked_timeline(ann.id, limit=bad)  # type: ignore[arg-type]
    with pytest.raises(ValidationError):
        blog.ranked_timeline(ann.id, ranker="hot")  # type: ignore[arg-type]


def test_the_service_method_runs_the_pipeline(blog: Microblog) -> None:
    ann = blog.register("ann")
    blog.post(ann.id, "hello")
    assert ranked_timeline(blog, ann.id) == blog.ranked_timeline(ann.id)


def test_the_same_request_gives_the_same_page(blog: Microblog) -> None:
    ann, bob = blog.register("ann"), blog.register("bob")
    blog.follow(ann.id, bob.id)
    for i in range(30):
        post = blog.post(bob.id, f"n{i}")
        if i % 3 == 0:
            blog.like(ann.id, post.id)
    assert blog.ranked_timeline(ann.id, limit=7) == blog.ranked_timeline(ann.id, limit=7)


# -- visibility and filters ---------------------------------------------------------


def test_visibility_holds_even_with_no_filters(blog: Microblog) -> None:
    ann, bob, cat = blog.register("ann"), blog.register("bob"), blog.register("cat")
    blog.follow(ann.id, bob.id)
    blog.post(cat.id, "private", visibility=Visibility.PRIVATE)
    blog.post(cat.id, "direct @bob", visibility=Visibility.DIRECT)
    visible = blog.post(cat.id, "public")
    blocked = blog.post(bob.id, "soon hidden")
    blog.block(bob.id, ann.id)
    everyone = Ranker(
        name="everyone",
        sources=[InNetwork(), _AllPostsOf(cat.id), _AllPostsOf(bob.id)],
        filters=[],
    )
    assert ids(blog.ranked_timeline(ann.id, ranker=everyone)) == [visible.id]
    assert blocked.id not in ids(blog.ranked_timeline(ann.id, ranker=everyone))


def test_home_rules_drop_muted_accounts_and_hidden_reposts(blog: Microblog) -> None:
    ann, bob, cat = blog.register("ann"), blog.register("bob"), blog.register("cat")
    blog.follow(ann.id, bob.id, show_reposts=False)
    blog.follow(ann.id, cat.id)
    blog.repost(bob.id, blog.post(cat.id, "cat's").id)
    kept = blog.post(bob.id, "bob's")
    blog.mute(ann.id, cat.id)
    assert ids(blog.ranked_timeline(ann.id)) == [kept.id]


def test_not_seen_drops_seen_posts_and_reposts_of_seen_originals(blog: Microblog) -> None:
    ann, bob, cat = blog.register("ann"), blog.register("bob"), blog.register("cat")
    blog.follow(ann.id, bob.id)
    blog.follow(ann.id, cat.id)
    seen = blog.post(cat.id, "seen")
    blog.repost(bob.id, seen.id)
    fresh = blog.post(bob.id, "fresh")
    ranker = Ranker(name="unseen", filters=[HomeRules(), NotSeen({seen.id})])
    assert ids(blog.ranked_timeline(ann.id, ranker=ranker)) == [fresh.id]


@pytest.mark.parametrize("bad", ["12", 5, [1.5], [True]])
def test_not_seen_wants_post_ids(bad: Any) -> None:
    with pytest.raises(ValidationError):
        NotSeen(bad)


# -- sources -----------------------------------------------------------------------


def test_trending_brings_engaged_public_posts_from_outside(blog: Microblog) -> None:
    ann, bob, cat, dan = (blog.register(h) for h in ("ann", "bob", "cat", "dan"))
    blog.follow(ann.id, bob.id)
    mine = blog.post(bob.id, "in network")
    hot = blog.post(cat.id, "hot take")
    blog.post(dan.id, "ignored")
    blog.post(cat.id, "unlisted", visibility=Visibility.UNLISTED)
    for fan in (ann, bob, dan):
        blog.like(fan.id, hot.id)
    ranker = Ranker(name="mixed", sources=[InNetwork(), Trending(max_candidates=1)])
    page = blog.ranked_timeline(ann.id, ranker=ranker)
    assert ids(page) == [hot.id, mine.id]
    item = page.items[0]
    assert (item.source, item.in_network) == ("trending", False)


def test_trending_looks_only_within_its_window(blog: Microblog) -> None:
    ann, cat = blog.register("ann"), blog.register("cat")
    old = blog.post(cat.id, "old")
    blog.like(ann.id, old.id)
    tick(blog, 3 * 3600)
    new = blog.post(cat.id, "new")
    ranker = Ranker(name="recent", sources=[Trending(window=timedelta(hours=1))])
    assert ids(blog.ranked_timeline(ann.id, ranker=ranker)) == [new.id]
    with pytest.raises(ValidationError):
        Trending(window=timedelta(0))


def test_followed_by_followees_brings_second_hop_posts(blog: Microblog) -> None:
    ann, bob, cat, dan = (blog.register(h) for h in ("ann", "bob", "cat", "dan"))
    blog.follow(ann.id, bob.id)
    blog.follow(bob.id, cat.id)
    blog.follow(bob.id, ann.id)
    second_hop = blog.post(cat.id, "friend of a friend")
    blog.post(dan.id, "stranger")
    ranker = Ranker(name="hop", sources=[FollowedByFollowees()])
    page = blog.ranked_timeline(ann.id, ranker=ranker)
    assert ids(page) == [second_hop.id]
    assert page.items[0].source == "followed_by_followees"


@pytest.mark.parametrize(
    "make_bad",
    [
        lambda: InNetwork(max_candidates=0),
        lambda: Trending(scan_limit=-1),
        lambda: FollowedByFollowees(per_account=True),
    ],
)
def test_sources_refuse_bad_sizes(make_bad: Any) -> None:
    with pytest.raises(ValidationError):
        make_bad()


# -- pluggability ----------------------------------------------------------------


@attrs.frozen
class _AllPostsOf:
    """A user-written source: every post of one account."""

    account: AccountId
    name: ClassVar[str] = "all_posts_of"

    def candidates(self, context: RankingContext) -> Iterable[Post]:
        return list(context.uow.posts.stream(self.account, max_id=context.max_id))


@attrs.frozen
class _FewestLikesFirst:
    """A user-written scorer: the least liked first."""

    name: ClassVar[str] = "fewest_likes_first"

    def score(self, candidate: Candidate, now: datetime) -> float:
        return -float(candidate.likes)


@attrs.frozen
class _EvenTexts:
    name: ClassVar[str] = "even_texts"

    def keep(self, post: Post, root: Post | None, context: RankingContext) -> bool:
        return len(post.text) % 2 == 0


def test_users_plug_in_sources_scorers_and_filters(blog: Microblog) -> None:
    ann, bob = blog.register("ann"), blog.register("bob")
    posts = {t: blog.post(bob.id, t) for t in ("ab", "abcdef", "abcd", "abc")}
    blog.like(ann.id, posts["ab"].id)
    assert isinstance(_AllPostsOf(bob.id), CandidateSource)
    assert isinstance(_EvenTexts(), CandidateFilter)
    ranker = Ranker(
        name="quiet",
        sources=[_AllPostsOf(bob.id)],
        filters=[_EvenTexts()],
        scorer=_FewestLikesFirst(),
        rerankers=[],
    )
    page = blog.ranked_timeline(ann.id, ranker=ranker)
    assert ids(page) == [posts["abcd"].id, posts["abcdef"].id, posts["ab"].id]
    assert [item.score for item in page.items] == [0.0, 0.0, -1.0]
    assert [item.source for item in page.items] == ["all_posts_of"] * 3
    assert not any(item.in_network for item in page.items)


def test_users_plug_in_their_own_signals(blog: Microblog) -> None:
    ann, bob = blog.register("ann"), blog.register("bob")
    blog.follow(ann.id, bob.id)
    quoted = blog.post(bob.id, "quote me")
    liked = blog.post(bob.id, "like me")
    blog.like(ann.id, liked.id)
    blog.post(ann.id, "look", quote_of=quoted.id)

    def quotes(counters: PostCounters, followers: int) -> dict[str, float]:
        return {"quotes": float(counters.quotes)}

    ranker = Ranker(
        name="quotes",
        scorer=WeightedEngagementScorer({"quotes": 1.0}),
        rerankers=[],
        signals=quotes,
    )
    assert ids(blog.ranked_timeline(ann.id, ranker=ranker))[0] == quoted.id


@pytest.mark.parametrize(
    "kwargs",
    [
        {"sources": [object()]},
        {"filters": [InNetwork()]},
        {"rerankers": [TWITTER_2023]},
        {"scorer": AuthorDiversity()},
        {"name": ""},
        {"signals": 3},
        {"sources": "in_network"},
    ],
)
def test_rankers_refuse_stages_of_the_wrong_kind(kwargs: dict[str, Any]) -> None:
    with pytest.raises(ValidationError):
        Ranker(**kwargs)


def test_default_ranker_is_in_network_weighted_engagement_with_diversity() -> None:
    assert [type(s) for s in DEFAULT_RANKER.sources] == [InNetwork]
    assert [type(f) for f in DEFAULT_RANKER.filters] == [HomeRules]
    assert DEFAULT_RANKER.scorer is TWITTER_2023
    assert [type(r) for r in DEFAULT_RANKER.rerankers] == [DedupRoots, AuthorDiversity]
    assert DEFAULT_RANKER.signals is observed_rates


# -- signals -------------------------------------------------------------------------


@given(st.integers(0, 10**6), st.integers(0, 10**6), st.integers(0, 10**6), st.integers(0, 10**7))
def test_observed_rates_are_probabilities(
    likes: int, reposts: int, replies: int, fans: int
) -> None:
    rates = observed_rates(PostCounters(likes=likes, reposts=reposts, replies=replies), fans)
    assert set(rates) == {"fav", "retweet", "reply"}
    assert all(0.0 <= value <= 1.0 for value in rates.values())
    assert rates["fav"] == min(1.0, likes / (fans + 1))


def test_observed_rates_count_quotes_as_reposts() -> None:
    assert observed_rates(PostCounters(reposts=1, quotes=3), 3)["retweet"] == 1.0


# -- cursors -------------------------------------------------------------------------


def _walk(blog: Microblog, viewer: AccountId, limit: int, **kwargs: Any) -> list[int]:
    seen: list[int] = []
    cursor = None
    while True:
        page = blog.ranked_timeline(viewer, limit=limit, cursor=cursor, **kwargs)
        seen.extend(ids(page))
        cursor = page.next_cursor
        if cursor is None:
            return seen
        assert page.items, "a page with a next cursor has items"


def test_cursor_pages_through_the_ranking(blog: Microblog) -> None:
    ann, bob, cat = blog.register("ann"), blog.register("bob"), blog.register("cat")
    blog.follow(ann.id, bob.id)
    blog.follow(ann.id, cat.id)
    for i in range(25):
        post = blog.post(bob.id if i % 3 else cat.id, f"n{i}")
        if i % 4 == 0:
            blog.like(ann.id, post.id)
    everything = ids(blog.ranked_timeline(ann.id, limit=40))
    assert len(everything) == 25
    for limit in (1, 4, 7, 25):
        assert _walk(blog, ann.id, limit) == everything


def test_the_last_page_has_no_cursor(blog: Microblog) -> None:
    ann = blog.register("ann")
    blog.post(ann.id, "only")
    page = blog.ranked_timeline(ann.id, limit=1)
    assert page.next_cursor is None
    assert blog.ranked_timeline(blog.register("bob").id).items == ()


def _cursor_of(blog: Microblog, ranker: Ranker | None = None) -> tuple[AccountId, str]:
    ann = blog.register("ann")
    for i in range(3):
        blog.post(ann.id, f"n{i}")
    cursor = blog.ranked_timeline(ann.id, limit=1, ranker=ranker).next_cursor
    assert cursor is not None
    return ann.id, cursor


def _tamper(cursor: str, **changes: Any) -> str:
    payload = json.loads(base64.urlsafe_b64decode(cursor + "=" * (-len(cursor) % 4)))
    payload.update(changes)
    raw = json.dumps(payload).encode()
    return base64.urlsafe_b64encode(raw).rstrip(b"=").decode()


@pytest.mark.parametrize(
    "mangle",
    [
        lambda c: "",
        lambda c: "not base64 at all!",
        lambda c: c[:-3],
        lambda c: base64.urlsafe_b64encode(b"[1, 2]").decode(),
        lambda c: _tamper(c, v=2),
        lambda c: _tamper(c, r="other"),
        lambda c: _tamper(c, b="12"),
        lambda c: _tamper(c, s="nan"),
        lambda c: _tamper(c, s="not a float"),
        lambda c: _tamper(c, i=-4),
        lambda c: _tamper(c, t=10**30),
        lambda c: _tamper(c, extra=1),
        lambda c: "A" * 5000,
    ],
)
def test_invalid_cursors_are_refused(blog: Microblog, mangle: Any) -> None:
    viewer, cursor = _cursor_of(blog)
    with pytest.raises(ValidationError) as info:
        blog.ranked_timeline(viewer, cursor=mangle(cursor))
    assert info.value.field == "cursor"


def test_a_cursor_belongs_to_its_ranker(blog: Microblog) -> None:
    viewer, cursor = _cursor_of(blog, Ranker(name="a"))
    with pytest.raises(ValidationError):
        blog.ranked_timeline(viewer, cursor=cursor, ranker=Ranker(name="b"))
    assert blog.ranked_timeline(viewer, cursor=cursor, ranker=Ranker(name="a")).items
    with pytest.raises(ValidationError):
        blog.ranked_timeline(viewer, cursor=123)  # type: ignore[arg-type]


# -- properties ---------------------------------------------------------------------


def _expected_ranking(blog: Microblog, viewer: AccountId) -> list[int]:
    """The default ranker, rebuilt from its documented parts on the whole store."""
    with blog.unit_of_work(readonly=True) as uow:
        context = home_context(uow, viewer, blog.now())
        following = frozenset(uow.relations.following_ids(viewer))
        blocks = frozenset(uow.relations.blocked_ids(viewer)) | frozenset(
            uow.relations.blocker_ids(viewer)
        )
        candidates = []
        for post in uow.posts.scan(limit=100_000):
            # In network: the viewer's and followees' posts, and followed hashtags' posts.
            tagged = not filtered_from_tags(post, context)
            if post.author_id != viewer and post.author_id not in following and not tagged:
                continue
            root = None if post.repost_of is None else uow.posts.find(post.repost_of.root_id)
            if filtered_from_home(post, context, root=root):
                continue
            if root is not None and root.author_id != viewer and root.author_id in blocks:
                continue
            original = root or post
            counters = uow.posts.counters(original.id)
            fans = uow.accounts.counters(original.author_id).followers
            candidates.append(
                Candidate(
                    post_id=post.id,
                    author_id=post.author_id,
                    root_id=original.id,
                    created_at=post.created_at,
                    likes=counters.likes,
                    reposts=counters.reposts,
                    replies=counters.replies,
                    quotes=counters.quotes,
                    is_reply=post.reply_to is not None,
                    signals=observed_rates(counters, fans),
                )
            )
    ranked = rank(candidates, TWITTER_2023, blog.now(), rerankers=[DedupRoots(), AuthorDiversity()])
    return [s.post_id for s in ranked]


likes = st.lists(st.tuples(st.integers(0, 2), st.integers(0, 10_000)), max_size=25)


def _like_all(blogs: Any, pairs: list[tuple[int, int]]) -> None:
    for who, ref in pairs:
        target = blogs.post_ref(ref)
        if target is not None:
            blogs.each(lambda b, w=who, t=target: b.like(blogs.accounts[w], t.id))


@given(histories, likes, st.integers(1, 6))
def test_paging_walks_the_defined_ranking_on_every_adapter_and_strategy(
    history: tuple[list[bool], list[Op]], pairs: list[tuple[int, int]], limit: int
) -> None:
    locked, ops = history
    note(f"operations: {ops}")
    blogs = lockstep(("memory", "sqlite"), ("read", "write", "hybrid"))
    try:
        blogs.play(locked, ops)
        _like_all(blogs, pairs)
        for viewer in blogs.accounts:
            expected = _expected_ranking(blogs.first, viewer)
            for name, blog in blogs:
                assert _walk(blog, viewer, limit) == expected, name
    finally:
        blogs.close()


@given(histories, st.integers(1, 5), st.lists(st.integers(0, 2), min_size=1, max_size=8))
def test_cursors_are_stable_while_new_posts_arrive(
    history: tuple[list[bool], list[Op]], limit: int, arrivals: list[int]
) -> None:
    locked, ops = history
    note(f"operations: {ops}")
    blogs = lockstep(("memory", "sqlite"), ("read",))
    try:
        blogs.play(locked, ops)
        viewer = blogs.accounts[0]
        for name, blog in blogs:
            expected = _expected_ranking(blog, viewer)
            queue = list(arrivals)
            seen: list[int] = []
            cursor = None
            while True:
                page = blog.ranked_timeline(viewer, limit=limit, cursor=cursor)
                seen.extend(ids(page))
                cursor = page.next_cursor
                if cursor is None:
                    break
                if queue:
                    # New posts only: reposts and replies are also engagement,
                    # which moves scores (see the module docs of the pipeline).
                    author = queue.pop()
                    blogs.apply(("post", author, Visibility.PUBLIC, None, True))
                    blogs.apply(("post", author, Visibility.PRIVATE, None, True))
            assert seen == expected, name
    finally:
        blogs.close()


def test_docstring_examples() -> None:
    import doctest

    import microblog_core.timelines.ranked as pipeline

    globs = {"PostCounters": PostCounters}
    result = doctest.testmod(pipeline, extraglobs=globs)
    assert result.attempted > 0
    assert result.failed == 0
