"""Random histories of use cases, played on several services in lockstep.

A history is a list of operations on a few accounts (some locked): follow
(with options), approve, unfollow, post (every visibility, mentions,
languages, hashtags), reply, repost, unrepost, delete, block, unblock, mute
(with and without expiry), unmute, clock ticks, and lists (create with a
replies policy and exclusivity, update, add and remove members) and followed
hashtags (follow, unfollow). :class:`Lockstep` plays
each operation on every service and checks they all answer alike, so the
services hold the same data with the same ids.

:func:`home_by_definition` computes a home timeline from the store with the
definition of :mod:`microblog_core.timelines.home`, read literally and
eagerly, with none of the code under test; :func:`list_by_definition` does
the same for a list's timeline (:mod:`microblog_core.timelines.lists`).
"""

from collections.abc import Callable, Iterator
from contextlib import suppress
from datetime import UTC, datetime, timedelta
from typing import Any

from hypothesis import strategies as st

from microblog_core import ManualClock
from microblog_core.errors import MicroblogError
from microblog_core.ids import AccountId
from microblog_core.models import AccountList, Follow, Post, RepliesPolicy, Visibility
from microblog_core.rules import (
    HomeContext,
    filtered_from_home,
    filtered_from_list,
    filtered_from_tags,
)
from microblog_core.service import Microblog
from microblog_core.timelines import FanOutOnRead, FanOutOnWrite, Hybrid, TimelineStrategy
from tests.timelines.helpers import shown_by_definition

START = datetime(2026, 3, 1, tzinfo=UTC)
ACCOUNTS = 3

STRATEGIES: dict[str, Callable[[], TimelineStrategy]] = {
    "read": FanOutOnRead,
    "write": FanOutOnWrite,
    "hybrid": lambda: Hybrid(threshold=2),
}


def make_blog(adapter: str, strategy: TimelineStrategy) -> Microblog:
    clock = ManualClock(START)
    if adapter == "memory":
        return Microblog.in_memory(clock=clock, timeline=strategy)
    return Microblog.sqlite(":memory:", clock=clock, timeline=strategy)


people = st.integers(0, ACCOUNTS - 1)
post_refs = st.integers(0, 10_000)
visibilities = st.sampled_from(
    [
        Visibility.PUBLIC,
        Visibility.PUBLIC,
        Visibility.UNLISTED,
        Visibility.PRIVATE,
        Visibility.DIRECT,
    ]
)

_ARGUMENTS: dict[str, st.SearchStrategy[tuple[Any, ...]]] = {
    "follow": st.tuples(people, people, st.booleans()),
    "follow_languages": st.tuples(people, people),
    "approve": st.tuples(people, people),
    "unfollow": st.tuples(people, people),
    "post": st.tuples(people, visibilities, st.none() | people, st.booleans()),
    "reply": st.tuples(people, post_refs, st.none() | visibilities),
    "repost": st.tuples(people, post_refs),
    "unrepost": st.tuples(people, post_refs),
    "delete": st.tuples(post_refs),
    "block": st.tuples(people, people),
    "unblock": st.tuples(people, people),
    "mute": st.tuples(people, people, st.none() | st.integers(1, 120)),
    "unmute": st.tuples(people, people),
    "tick": st.tuples(st.integers(1, 90)),
    "create_list": st.tuples(people, st.sampled_from(list(RepliesPolicy)), st.booleans()),
    "update_list": st.tuples(
        st.integers(0, 5), st.sampled_from(list(RepliesPolicy)), st.booleans()
    ),
    "add_to_list": st.tuples(st.integers(0, 5), people),
    "follow_into_list": st.tuples(st.integers(0, 5), people),
    "remove_from_list": st.tuples(st.integers(0, 5), people),
    "follow_tag": st.tuples(people, st.integers(0, 2)),
    "unfollow_tag": st.tuples(people, st.integers(0, 2)),
}
# Weights: the use cases that fill timelines come up most.
_KINDS = [
    *["follow"] * 6,
    *["post"] * 8,
    *["repost"] * 4,
    *["reply"] * 3,
    *["unfollow"] * 3,
    *["approve"] * 2,
    *["block"] * 2,
    *["mute"] * 2,
    *["unrepost"] * 2,
    *["delete"] * 2,
    "follow_languages",
    "unblock",
    "unmute",
    "tick",
    *["create_list"] * 2,
    "add_to_list",
    *["follow_into_list"] * 4,
    "remove_from_list",
    "update_list",
    *["follow_tag"] * 3,
    "unfollow_tag",
]

operations = st.sampled_from(_KINDS).flatmap(
    lambda kind: _ARGUMENTS[kind].map(lambda args: (kind, *args))
)

histories = st.tuples(
    st.lists(st.booleans(), min_size=ACCOUNTS, max_size=ACCOUNTS),
    st.lists(operations, min_size=25, max_size=80),
)

Op = tuple[Any, ...]


class Lockstep:
    """Several services fed the same use cases; they must answer alike."""

    def __init__(self, blogs: dict[str, Microblog]) -> None:
        self.blogs = blogs
        self.accounts: list[AccountId] = []
        self.posts: list[Post] = []
        self.lists: list[AccountList] = []

    def close(self) -> None:
        for blog in self.blogs.values():
            blog.close()

    def __iter__(self) -> Iterator[tuple[str, Microblog]]:
        return iter(self.blogs.items())

    @property
    def first(self) -> Microblog:
        return next(iter(self.blogs.values()))

    def each(self, call: Callable[[Microblog], Any]) -> Any:
        """Run ``call`` on every service; all must return equal values or raise alike."""
        outcomes = []
        for blog in self.blogs.values():
            try:
                outcomes.append(("ok", call(blog)))
            except MicroblogError as exc:
                outcomes.append(("error", type(exc)))
        assert all(o == outcomes[0] for o in outcomes), outcomes
        kind, value = outcomes[0]
        return value if kind == "ok" else None

    def register(self, locked: list[bool]) -> None:
        for index, lock in enumerate(locked):
            account = self.each(lambda b, i=index, k=lock: b.register(f"u{i}", locked=k))
            self.accounts.append(account.id)

    def tick(self, seconds: float) -> None:
        for blog in self.blogs.values():
            clock = blog.clock
            assert isinstance(clock, ManualClock)
            clock.advance(timedelta(seconds=seconds))

    def post_ref(self, ref: int) -> Post | None:
        return self.posts[ref % len(self.posts)] if self.posts else None

    def apply(self, op: Op) -> None:  # one branch per use case
        a = self.accounts
        kind = op[0]
        result: Any = None
        if kind == "follow":
            _, x, y, show = op
            self.each(lambda b: b.follow(a[x], a[y], show_reposts=show))
        elif kind == "follow_languages":
            _, x, y = op
            self.each(lambda b: b.follow(a[x], a[y], languages=["en"]))
        elif kind == "approve":
            _, x, y = op
            self.each(lambda b: b.approve_follow(a[y], a[x]))
        elif kind == "unfollow":
            _, x, y = op
            self.each(lambda b: b.unfollow(a[x], a[y]))
        elif kind == "post":
            _, x, visibility, mention, english = op
            text = f"note {len(self.posts)} #tag{len(self.posts) % 2}"
            if mention is not None:
                text += f" @u{mention}"
            result = self.each(
                lambda b: b.post(
                    a[x], text, visibility=visibility, language="en" if english else "fr"
                )
            )
        elif kind == "reply":
            _, x, ref, visibility = op
            parent = self.post_ref(ref)
            if parent is not None:
                result = self.each(
                    lambda b: b.reply(
                        a[x], parent.id, f"re {len(self.posts)}", visibility=visibility
                    )
                )
        elif kind == "repost":
            _, x, ref = op
            target = self.post_ref(ref)
            if target is not None:
                result = self.each(lambda b: b.repost(a[x], target.id))
        elif kind == "unrepost":
            _, x, ref = op
            target = self.post_ref(ref)
            if target is not None:
                self.each(lambda b: b.unrepost(a[x], target.id))
        elif kind == "delete":
            target = self.post_ref(op[1])
            if target is not None:
                self.each(lambda b: b.delete_post(target.author_id, target.id))
        elif kind in ("block", "unblock", "unmute"):
            _, x, y = op
            self.each(lambda b: getattr(b, kind)(a[x], a[y]))
        elif kind == "mute":
            _, x, y, seconds = op
            self.each(
                lambda b: b.mute(
                    a[x],
                    a[y],
                    expires_at=None if seconds is None else b.now() + timedelta(seconds=seconds),
                    hide_notifications=seconds is None,
                )
            )
        elif kind == "tick":
            self.tick(op[1])
        elif kind == "create_list":
            _, x, policy, exclusive = op
            made = self.each(
                lambda b: b.create_list(a[x], "list", replies_policy=policy, exclusive=exclusive)
            )
            if made is not None:
                self.lists.append(made)
        elif (
            kind in ("update_list", "add_to_list", "follow_into_list", "remove_from_list")
            and self.lists
        ):
            chosen = self.lists[op[1] % len(self.lists)]
            owner, list_id = chosen.owner_id, chosen.id
            if kind == "follow_into_list":
                # Follow first (a locked account only gets a request), then add.
                self.each(lambda b: b.follow(owner, a[op[2]]))
                self.each(lambda b: b.add_to_list(owner, list_id, [a[op[2]]]))
            elif kind == "update_list":
                self.each(
                    lambda b: b.update_list(owner, list_id, replies_policy=op[2], exclusive=op[3])
                )
            else:
                self.each(lambda b: getattr(b, kind)(owner, list_id, [a[op[2]]]))
        elif kind in ("follow_tag", "unfollow_tag"):
            _, x, tag = op
            self.each(lambda b: getattr(b, kind)(a[x], f"#Tag{tag}"))
        if isinstance(result, Post):
            self.posts.append(result)
        self.tick(0.001)

    def play(self, locked: list[bool], ops: list[Op]) -> None:
        self.register(locked)
        for op in ops:
            self.apply(op)


def lockstep(adapters: tuple[str, ...], strategies: tuple[str, ...]) -> Lockstep:
    return Lockstep(
        {
            f"{adapter}-{name}": make_blog(adapter, STRATEGIES[name]())
            for adapter in adapters
            for name in strategies
        }
    )


def _all_follows(blog: Microblog, viewer: AccountId) -> list[Follow]:
    with blog.unit_of_work(readonly=True) as uow:
        return list(uow.relations.following_of(viewer, limit=10_000))


def _context(blog: Microblog, viewer: AccountId, *, lists: bool = False) -> HomeContext:
    follows = _all_follows(blog, viewer)
    with blog.unit_of_work(readonly=True) as uow:
        relations = uow.relations
        exclusive: set[AccountId] = set()
        for owned in uow.lists.lists_of(viewer):
            if owned.exclusive and not lists:
                exclusive.update(uow.lists.member_ids(owned.id))
        return HomeContext(
            viewer_id=viewer,
            following=frozenset(f.followee_id for f in follows),
            blocking=frozenset(relations.blocked_ids(viewer)),
            blocked_by=frozenset(relations.blocker_ids(viewer)),
            muting=frozenset(relations.muted_ids(viewer, at=blog.now())),
            hiding_reposts=frozenset(f.followee_id for f in follows if not f.show_reposts),
            languages={f.followee_id: f.languages for f in follows if f.languages is not None},
            exclusive=frozenset(exclusive),
            followed_tags=frozenset(() if lists else uow.tag_follows.tags_of(viewer, limit=10_000)),
        )


def _passes(blog: Microblog, viewer: AccountId, context: HomeContext, post: Post) -> bool:
    """The home rules and the access rules, for a post by the viewer or a followee."""
    with blog.unit_of_work(readonly=True) as uow:
        relations = uow.relations
        root = None
        if post.repost_of is not None:
            root = uow.posts.find(post.repost_of.root_id)
        if filtered_from_home(post, context, root=root):
            return False
        if root is not None and root.author_id != viewer:
            # The access rules hide an original across a block, even in one's own repost.
            author = root.author_id
            if relations.get_block(author, viewer) or relations.get_block(viewer, author):
                return False
    return True


def _everything(blog: Microblog) -> list[Post]:
    with blog.unit_of_work(readonly=True) as uow:
        return sorted(uow.posts.scan(limit=100_000), key=lambda p: p.id, reverse=True)


def home_by_definition(blog: Microblog, viewer: AccountId) -> list[Post]:
    """The whole home timeline of ``viewer``, newest first, by the definition.

    A post by the viewer or a followee passes the home rules or the
    followed-hashtag path; any other post only the followed-hashtag path.
    """
    context = _context(blog, viewer)
    authors = {viewer} | set(context.following)
    filtered = []
    for post in _everything(blog):
        by_tags = not filtered_from_tags(post, context)
        if post.author_id in authors:
            if by_tags or _passes(blog, viewer, context, post):
                filtered.append(post)
        elif by_tags:
            filtered.append(post)
    return shown_by_definition(filtered)


def list_by_definition(blog: Microblog, account_list: AccountList) -> list[Post]:
    """The whole timeline of a list, newest first, by the definition."""
    owner = account_list.owner_id
    with blog.unit_of_work(readonly=True) as uow:
        members = frozenset(uow.lists.member_ids(account_list.id))
    context = _context(blog, owner, lists=True)
    filtered = [
        post
        for post in _everything(blog)
        if post.author_id in members
        and not filtered_from_list(post, account_list, members)
        and _passes(blog, owner, context, post)
    ]
    return shown_by_definition(filtered)


def walk(
    read: Callable[..., Any],
    limit: int,
    *,
    start: int | None = None,
    pause: Callable[[], None] | None = None,
) -> list[Post]:
    """Page through a timeline by ``max_id`` until an empty page; return every item."""
    items: list[Post] = []
    max_id = start
    while True:
        page = read(limit=limit, max_id=max_id)
        if not page.items:
            return items
        items.extend(page.items)
        max_id = page.next_max_id
        if pause is not None:
            pause()


def silently(call: Callable[[], Any]) -> None:
    with suppress(MicroblogError):
        call()
