"""A reusable Hypothesis state machine over :class:`~microblog_core.Microblog`.

Point it at your storage: subclass :class:`MicroblogMachine` and override
:meth:`~MicroblogMachine.make_blogs` to return one or more services built on
your adapter (all sharing the machine's clock). The machine runs random use
cases (including ones that must fail) on every service in lockstep and
checks after each step that:

- every service answered the same (same result, or the same error and rule);
- every counter equals a recount of what is stored;
- no query leaks a post its viewer may not see, on any service;
- every service's storage holds the same things;
- every notification has a committed cause, notification groups and unread
  counts equal recounts, and poll totals equal a recount of the votes;
- no notification shows its recipient a post it may not see;
- bookmarks show only posts their owner may see, and never to another
  account; no item a ``hide`` keyword filter matches appears in its
  owner's home or public timeline;
- every list's timeline shows its owner only what the owner may see, and
  every service's list timelines agree;
- every service's home timelines agree, so services built with different
  timeline strategies (:class:`~microblog_core.timelines.FanOutOnRead`,
  :class:`~microblog_core.timelines.FanOutOnWrite`,
  :class:`~microblog_core.timelines.Hybrid`) are checked against each other.

A single service checks the first four; put the in-memory reference next to
yours to check that your adapter behaves like it.

Example:
    .. code-block:: python

        from microblog_core.service import Microblog
        from microblog_core.testing.machine import MicroblogMachine
        from microblog_core.timelines import FanOutOnWrite


        class MyStoreMachine(MicroblogMachine):
            def make_blogs(self, clock):
                one, two = MyStore(), MyStore()
                return [
                    Microblog.in_memory(clock=clock),  # the reference
                    Microblog(one.unit_of_work, clock=clock, store=one),
                    Microblog(two.unit_of_work, clock=clock, store=two, timeline=FanOutOnWrite()),
                ]


        TestMyStore = MyStoreMachine.TestCase  # collected by pytest or unittest

Needs the ``testing`` extra (Hypothesis); pytest is not needed.
"""

import functools
import re
from collections.abc import Callable, Sequence
from datetime import UTC, datetime, timedelta
from typing import Any

from hypothesis import strategies as st
from hypothesis.stateful import RuleBasedStateMachine, initialize, invariant, rule

from microblog_core.clock import ManualClock
from microblog_core.errors import MicroblogError, NotFoundError
from microblog_core.ids import AccountId, ListId, PostId
from microblog_core.models import (
    FilterAction,
    FilterContext,
    NotificationPolicy,
    PolicyAction,
    Poll,
    Post,
    RepliesPolicy,
    Visibility,
)
from microblog_core.service import Microblog

__all__ = [
    "MicroblogMachine",
    "check_bookmarks_and_filters",
    "check_counters",
    "check_no_leaks",
    "check_notifications",
    "check_polls",
    "snapshot",
]

_TEXTS = (
    "hello world",
    "breaking news #city",
    "cc @u0 and @u1",
    "x" * 300,
    "",
    "weird \ufffe char",
    "你好 #话题",
)


def snapshot(blog: Microblog) -> dict[str, Any]:
    """Read everything a service's store holds into plain, comparable data.

    Meant for small test stores: it reads every pair of accounts.
    """
    with blog.unit_of_work(readonly=True) as uow:
        accounts = list(uow.accounts.page(limit=100_000))
        posts = list(uow.posts.scan(limit=1_000_000))
        ids = [a.id for a in accounts]
        relations = {
            (a, b): (
                uow.relations.get_follow(a, b),
                uow.relations.get_request(a, b),
                uow.relations.get_block(a, b),
                uow.relations.get_mute(a, b),
            )
            for a in ids
            for b in ids
            if a != b
        }
        return {
            "accounts": accounts,
            "account_counters": {a: uow.accounts.counters(a) for a in ids},
            "posts": posts,
            "post_counters": {p.id: uow.posts.counters(p.id) for p in posts},
            "likes": {p.id: list(uow.engagement.likes_of(p.id, limit=100_000)) for p in posts},
            "relations": relations,
            "notifications": {
                a: (
                    list(uow.notifications.page(a, limit=100_000)),
                    list(uow.notifications.groups(a, limit=100_000)),
                    list(uow.notifications.requests(a, limit=100_000)),
                    uow.notifications.read_marker(a),
                )
                for a in ids
            },
            "policies": {a: uow.notifications.policy(a) for a in ids},
            "permits": {
                (a, b): uow.notifications.is_permitted(a, b) for a in ids for b in ids if a != b
            },
            "pins": {a: list(uow.pins.pinned_by(a)) for a in ids},
            "history": {p.id: list(uow.history.versions(p.id)) for p in posts},
            "votes": {p.id: uow.polls.counts(p.id) for p in posts},
            "bookmarks": {a: list(uow.bookmarks.page(a, limit=100_000)) for a in ids},
            "filters": {a: list(uow.filters.of_account(a)) for a in ids},
            "lists": {
                a: [
                    (lst, list(uow.lists.members(lst.id, limit=100_000)))
                    for lst in uow.lists.lists_of(a)
                ]
                for a in ids
            },
            "tag_follows": {a: list(uow.tag_follows.tags_of(a, limit=100_000)) for a in ids},
        }


def check_counters(blog: Microblog) -> None:
    """Assert that every stored counter equals a recount of the stored facts."""
    with blog.unit_of_work(readonly=True) as uow:
        accounts = list(uow.accounts.page(limit=100_000))
        posts = list(uow.posts.scan(limit=1_000_000))
        for account in accounts:
            counters = uow.accounts.counters(account.id)
            assert counters.followers == len(uow.relations.follower_ids(account.id)), account
            assert counters.following == len(uow.relations.following_ids(account.id)), account
            assert counters.posts == sum(p.author_id == account.id for p in posts), account
        for post in posts:
            post_counters = uow.posts.counters(post.id)
            replies = sum(p.reply_to is not None and p.reply_to.parent_id == post.id for p in posts)
            reposts = sum(p.repost_of is not None and p.repost_of.root_id == post.id for p in posts)
            quotes = sum(p.quote_of == post.id for p in posts)
            likes = len(uow.engagement.likes_of(post.id, limit=100_000))
            assert (
                post_counters.replies,
                post_counters.reposts,
                post_counters.quotes,
                post_counters.likes,
            ) == (
                replies,
                reposts,
                quotes,
                likes,
            ), post


def _may_see(post: Post, viewer: int, follows: Callable[[int, int], bool], blocked: bool) -> bool:
    """Visibility computed from first principles (independently of the rules module)."""
    if post.author_id == viewer:
        return True
    if blocked:
        return False
    if post.visibility in (Visibility.PUBLIC, Visibility.UNLISTED):
        return True
    if post.visibility is Visibility.PRIVATE:
        return follows(viewer, post.author_id) or viewer in post.mentions
    return viewer in post.mentions


def check_no_leaks(blog: Microblog) -> None:
    """Assert that no viewer is shown a post they may not see, in any query."""
    with blog.unit_of_work(readonly=True) as uow:
        accounts = [a.id for a in uow.accounts.page(limit=100_000)]
        posts = {p.id: p for p in uow.posts.scan(limit=1_000_000)}
        follows = {(a, b) for a in accounts for b in uow.relations.following_ids(a)}
        blocks = {(a, b) for a in accounts for b in uow.relations.blocked_ids(a)}

    def blocked(a: int, b: int) -> bool:
        return (a, b) in blocks or (b, a) in blocks

    def visible(post: Post, viewer: int) -> bool:
        def follows_author(x: int, y: int) -> bool:
            return (x, y) in follows

        if not _may_see(post, viewer, follows_author, blocked(viewer, post.author_id)):
            return False
        ref = post.repost_of
        if ref is None:
            return True
        root = posts.get(ref.root_id)
        return root is not None and _may_see(
            root, viewer, follows_author, blocked(viewer, root.author_id)
        )

    for viewer in accounts:
        for author in accounts:
            for post in blog.posts_by(author, viewer_id=viewer, limit=40).items:
                assert visible(post, viewer), (viewer, post)
        for post in _home_posts(blog, viewer):
            assert visible(post, viewer), ("home", viewer, post)
        for account_list in blog.lists(viewer):
            for post in _list_posts(blog, viewer, account_list.id):
                assert visible(post, viewer), ("list", viewer, post)
        for post_id, post in posts.items():
            try:
                shown = blog.get_post(post_id, viewer_id=viewer)
            except NotFoundError:
                assert not visible(post, viewer), (viewer, post)
            else:
                assert visible(shown, viewer), (viewer, post)


def check_notifications(blog: Microblog) -> None:
    """Assert that notifications have committed causes and their counts equal recounts.

    Each like, repost, follow, follow request, mention, reply and quote
    notification has its like, repost, follow, pending request or post still
    stored; each group's size and newest id, and each
    account's unread count, equal a recount of the stored notifications; no
    notification shows its recipient a post it may not see.
    """
    with blog.unit_of_work(readonly=True) as uow:
        accounts = [a.id for a in uow.accounts.page(limit=100_000)]
        posts = {p.id: p for p in uow.posts.scan(limit=1_000_000)}
        for account in accounts:
            stored = list(uow.notifications.page(account, limit=100_000))
            held = [
                n
                for r in uow.notifications.requests(account, limit=100_000)
                for n in uow.notifications.filtered_from(account, r.from_account_id, limit=100_000)
            ]
            for n in (*stored, *held):
                _check_cause(uow, posts, n)
            recount: dict[str, tuple[int, int]] = {}
            for n in stored:
                latest, size = recount.get(n.group_key, (0, 0))
                recount[n.group_key] = (max(latest, n.id), size + 1)
            heads = uow.notifications.groups(account, limit=100_000)
            assert {h.group_key: (h.latest_id, h.count) for h in heads} == recount, account
            marker = uow.notifications.read_marker(account)
            unread = sum(marker is None or n.id > marker for n in stored)
            assert blog.unread_notifications(account) == min(unread, 1000), account
    for account in accounts:
        for n in blog.notifications(account, limit=80).items:
            if n.post_id is not None:
                shown = blog.get_post(n.post_id, viewer_id=account)  # raises if it leaks
                assert shown.id == n.post_id


def _check_cause(uow: Any, posts: dict[PostId, Post], n: Any) -> None:
    kind = n.kind.value
    post = posts.get(n.post_id) if n.post_id is not None else None
    if kind == "follow":
        assert uow.relations.get_follow(n.from_account_id, n.account_id) is not None, n
    elif kind == "follow_request":
        assert uow.relations.get_request(n.from_account_id, n.account_id) is not None, n
    elif kind == "favourite":
        assert uow.engagement.get_like(n.from_account_id, n.post_id) is not None, n
    elif kind == "reblog":
        assert uow.posts.repost_by(n.from_account_id, n.post_id) is not None, n
    elif kind in ("mention", "reply", "quote", "status", "update", "poll"):
        assert post is not None, n
        if kind in ("mention", "reply", "status", "quote"):
            # An edit may drop a mention; the notification stays, as in Mastodon.
            assert post.author_id == n.from_account_id, n


def check_polls(blog: Microblog) -> None:
    """Assert that every poll's totals equal a recount of the votes cast in it."""
    with blog.unit_of_work(readonly=True) as uow:
        accounts = [a.id for a in uow.accounts.page(limit=100_000)]
        for post in uow.posts.scan(limit=1_000_000):
            votes = [uow.polls.get_vote(a, post.id) for a in accounts]
            cast = [v for v in votes if v is not None]
            recount: dict[int, int] = {}
            for vote in cast:
                for choice in vote.choices:
                    recount[choice] = recount.get(choice, 0) + 1
            assert uow.polls.counts(post.id) == recount, post
            assert uow.polls.voter_count(post.id) == len(cast), post


_FILTER_WORDS = ("hello", "news", "city", "话题")


def _hidden_by(text: str, keywords: Sequence[str]) -> bool:
    """Whether a hide filter with these whole-word keywords matches ``text``, from first principles.

    Latin keywords match a whole word (a run of word characters), casefolded;
    Han ones anywhere.
    """
    words = set(re.findall(r"\w+", text.casefold()))
    return any(k in text if not k.isascii() else k.casefold() in words for k in keywords)


def check_bookmarks_and_filters(blog: Microblog) -> None:
    """Assert bookmarks never leak and hide filters leave no matched item in home timelines.

    Each account's bookmarks are its own and hold only posts it may see (the
    visibility is judged as :func:`check_no_leaks` judges it); no item a
    live ``hide`` filter matches appears in its owner's home or public
    timeline when the filter has that context; the owner's own posts (and
    reposts of them) always may.
    """
    with blog.unit_of_work(readonly=True) as uow:
        accounts = [a.id for a in uow.accounts.page(limit=100_000)]
        for account in accounts:
            assert all(b.account_id == account for b in uow.bookmarks.page(account, limit=1000))
        filters = {a: list(uow.filters.of_account(a)) for a in accounts}
    now = blog.now()
    for account in accounts:
        for post in blog.bookmarks(account, limit=40).items:
            shown = blog.get_post(post.id, viewer_id=account)  # raises if it leaks
            assert shown.id == post.id
        for context, timeline in (
            (FilterContext.HOME, blog.home_timeline),
            (
                FilterContext.PUBLIC,
                lambda viewer, limit: blog.public_timeline(viewer_id=viewer, limit=limit),
            ),
        ):
            hiding = [
                k.keyword
                for f in filters[account]
                if f.action is FilterAction.HIDE and context in f.contexts and f.active_at(now)
                for k in f.keywords
            ]
            if not hiding:
                continue
            page = timeline(account, limit=40)
            for item in page.items:
                original = page.original(item)
                if original.author_id == account:
                    continue
                text = f"{original.content_warning}\n\n{original.text}"
                assert not _hidden_by(text, hiding), ("hidden item shown", context, account, item)


def _home_posts(blog: Microblog, viewer: int) -> list[Post]:
    page = blog.home_timeline(viewer, limit=40)  # type: ignore[arg-type]
    return list(page.items)


def _list_posts(blog: Microblog, owner: int, list_id: int) -> list[Post]:
    page = blog.list_timeline(owner, list_id, limit=40)  # type: ignore[arg-type]
    return list(page.items)


def _list_ids(blog: Microblog, owner: int, list_id: int) -> list[int]:
    return [p.id for p in _list_posts(blog, owner, list_id)]


def _register(blog: Microblog, *, handle: str, locked: bool) -> Any:
    return blog.register(handle, locked=locked)


def _outcome(call: Callable[[], Any]) -> tuple[str, Any]:
    try:
        result = call()
    except MicroblogError as error:
        return "error", (type(error).__name__, getattr(error, "rule", None))
    return "ok", result


class MicroblogMachine(RuleBasedStateMachine):
    """Random use cases on several services in lockstep, with domain invariants checked.

    Override :meth:`make_blogs` to test your own adapter or strategy. The
    default runs the in-memory and the SQLite adapters side by side.
    """

    ACCOUNTS = 4

    def __init__(self) -> None:
        super().__init__()
        self.clock = ManualClock(datetime(2026, 1, 1, tzinfo=UTC))
        self.blogs: Sequence[Microblog] = self.make_blogs(self.clock)
        self.users: list[AccountId] = []
        self.posts: list[PostId] = []
        self.lists: list[tuple[AccountId, ListId]] = []

    def make_blogs(self, clock: ManualClock) -> Sequence[Microblog]:
        """Return the services to drive in lockstep; they must share ``clock``."""
        return [
            Microblog.in_memory(clock=clock),
            Microblog.sqlite(":memory:", clock=clock),
        ]

    def teardown(self) -> None:
        """Close every service."""
        for blog in self.blogs:
            blog.close()

    def _all(self, action: Callable[[Microblog], Any]) -> tuple[str, Any]:
        self.clock.advance(timedelta(seconds=1))
        outcomes = [_outcome(functools.partial(action, blog)) for blog in self.blogs]
        first = outcomes[0]
        for other in outcomes[1:]:
            assert other == first, (first, other)
        return first

    def _user(self, index: int) -> AccountId:
        return self.users[index % len(self.users)]

    def _post(self, index: int) -> PostId:
        return self.posts[index % len(self.posts)] if self.posts else PostId(999_999)

    @initialize(locked=st.lists(st.booleans(), min_size=ACCOUNTS, max_size=ACCOUNTS))
    def register(self, locked: list[bool]) -> None:
        """Register the accounts (some locked)."""
        for flag in locked:
            name = f"u{len(self.users)}"
            status, account = self._all(functools.partial(_register, handle=name, locked=flag))
            assert status == "ok", account
            self.users.append(account.id)

    @rule(a=st.integers(0, 9), b=st.integers(0, 9), show_reposts=st.booleans())
    def follow(self, a: int, b: int, show_reposts: bool) -> None:
        """Follow (or request to)."""
        self._all(lambda blog: blog.follow(self._user(a), self._user(b), show_reposts=show_reposts))

    @rule(a=st.integers(0, 9), b=st.integers(0, 9))
    def unfollow(self, a: int, b: int) -> None:
        """Unfollow."""
        self._all(lambda blog: blog.unfollow(self._user(a), self._user(b)))

    @rule(a=st.integers(0, 9), b=st.integers(0, 9), approve=st.booleans())
    def answer_request(self, a: int, b: int, approve: bool) -> None:
        """Approve or reject a follow request."""
        if approve:
            self._all(lambda blog: blog.approve_follow(self._user(a), self._user(b)))
        else:
            self._all(lambda blog: blog.reject_follow(self._user(a), self._user(b)))

    @rule(a=st.integers(0, 9), b=st.integers(0, 9), undo=st.booleans())
    def block(self, a: int, b: int, undo: bool) -> None:
        """Block or unblock."""
        if undo:
            self._all(lambda blog: blog.unblock(self._user(a), self._user(b)))
        else:
            self._all(lambda blog: blog.block(self._user(a), self._user(b)))

    @rule(a=st.integers(0, 9), b=st.integers(0, 9), minutes=st.none() | st.integers(1, 5))
    def mute(self, a: int, b: int, minutes: int | None) -> None:
        """Mute, forever or for a few minutes."""
        expires = None if minutes is None else self.clock.now() + timedelta(minutes=minutes)
        self._all(lambda blog: blog.mute(self._user(a), self._user(b), expires_at=expires))

    @rule(a=st.integers(0, 9), b=st.integers(0, 9))
    def unmute(self, a: int, b: int) -> None:
        """Unmute."""
        self._all(lambda blog: blog.unmute(self._user(a), self._user(b)))

    @rule(minutes=st.integers(1, 10))
    def pass_time(self, minutes: int) -> None:
        """Let time pass, so that timed mutes expire (with no event) mid-run."""
        self.clock.advance(timedelta(minutes=minutes))

    @rule(
        a=st.integers(0, 9),
        text=st.sampled_from(_TEXTS),
        visibility=st.sampled_from(list(Visibility)),
    )
    def post(self, a: int, text: str, visibility: Visibility) -> None:
        """Publish a post (some texts are refused)."""
        status, post = self._all(lambda blog: blog.post(self._user(a), text, visibility=visibility))
        if status == "ok":
            self.posts.append(post.id)

    @rule(a=st.integers(0, 9), p=st.integers(0, 99), text=st.sampled_from(_TEXTS))
    def reply(self, a: int, p: int, text: str) -> None:
        """Reply to a post (or a repost)."""
        status, post = self._all(lambda blog: blog.reply(self._user(a), self._post(p), text))
        if status == "ok":
            self.posts.append(post.id)

    @rule(
        a=st.integers(0, 9),
        p=st.integers(0, 99),
        comment=st.sampled_from([None, "so true", "x" * 300]),
        also=st.booleans(),
    )
    def repost(self, a: int, p: int, comment: str | None, also: bool) -> None:
        """Repost, maybe with a comment, maybe also replying."""
        status, post = self._all(
            lambda blog: blog.repost(
                self._user(a), self._post(p), comment=comment, also_comment=also
            )
        )
        if status == "ok":
            self.posts.append(post.id)

    @rule(a=st.integers(0, 9), p=st.integers(0, 99))
    def quote(self, a: int, p: int) -> None:
        """Quote a post."""
        status, post = self._all(
            lambda blog: blog.post(self._user(a), "look", quote_of=self._post(p))
        )
        if status == "ok":
            self.posts.append(post.id)

    @rule(a=st.integers(0, 9), p=st.integers(0, 99), undo=st.booleans())
    def like(self, a: int, p: int, undo: bool) -> None:
        """Like or unlike."""
        if undo:
            self._all(lambda blog: blog.unlike(self._user(a), self._post(p)))
        else:
            self._all(lambda blog: blog.like(self._user(a), self._post(p)))

    @rule(a=st.integers(0, 9), p=st.integers(0, 99))
    def unrepost(self, a: int, p: int) -> None:
        """Withdraw a repost."""
        self._all(lambda blog: blog.unrepost(self._user(a), self._post(p)))

    @rule(a=st.integers(0, 9), p=st.integers(0, 99))
    def delete(self, a: int, p: int) -> None:
        """Delete a post (only its author may)."""
        self._all(lambda blog: blog.delete_post(self._user(a), self._post(p)))

    @rule(a=st.integers(0, 9), p=st.integers(0, 99), text=st.sampled_from(_TEXTS))
    def edit(self, a: int, p: int, text: str) -> None:
        """Edit a post (only its author may; some texts are refused)."""
        self._all(lambda blog: blog.edit_post(self._user(a), self._post(p), text))

    @rule(a=st.integers(0, 9), p=st.integers(0, 99), undo=st.booleans())
    def pin(self, a: int, p: int, undo: bool) -> None:
        """Pin or unpin a post."""
        if undo:
            self._all(lambda blog: blog.unpin(self._user(a), self._post(p)))
        else:
            self._all(lambda blog: blog.pin(self._user(a), self._post(p)))

    @rule(a=st.integers(0, 9), multiple=st.booleans(), hide=st.booleans())
    def post_poll(self, a: int, multiple: bool, hide: bool) -> None:
        """Publish a poll that ends in ten minutes."""
        poll = Poll(
            options=("yes", "no", "maybe"),
            expires_at=self.clock.now() + timedelta(minutes=10),
            multiple=multiple,
            hide_totals=hide,
        )
        status, post = self._all(lambda blog: blog.post(self._user(a), "vote?", attachments=[poll]))
        if status == "ok":
            self.posts.append(post.id)

    @rule(
        a=st.integers(0, 9),
        p=st.integers(0, 99),
        choices=st.lists(st.integers(0, 3), min_size=0, max_size=3),
    )
    def vote(self, a: int, p: int, choices: list[int]) -> None:
        """Vote in a poll (many votes must fail: no poll, own poll, expired, bad choices)."""
        self._all(lambda blog: blog.vote(self._user(a), self._post(p), choices))

    @rule()
    def close_polls(self) -> None:
        """Announce the end of every expired poll."""
        self._all(lambda blog: blog.close_expired_polls())

    @rule(a=st.integers(0, 9), b=st.integers(0, 9))
    def follow_with_notify(self, a: int, b: int) -> None:
        """Follow and be notified of each new post."""
        self._all(lambda blog: blog.follow(self._user(a), self._user(b), notify=True))

    @rule(a=st.integers(0, 9), back=st.integers(0, 5))
    def mark_read(self, a: int, back: int) -> None:
        """Move the read marker to one of the newest notifications."""
        items = self.blogs[0].notifications(self._user(a), limit=10).items
        if items:
            upto = items[min(back, len(items) - 1)].id
            self._all(lambda blog: blog.mark_notifications_read(self._user(a), upto))

    @rule(a=st.integers(0, 9), action=st.sampled_from(list(PolicyAction)))
    def set_policy(self, a: int, action: PolicyAction) -> None:
        """Hold back or drop notifications from accounts the recipient does not follow."""
        policy = NotificationPolicy(for_not_following=action)
        self._all(lambda blog: blog.set_notification_policy(self._user(a), policy))

    @rule(a=st.integers(0, 9), b=st.integers(0, 9), accept=st.booleans())
    def answer_notification_request(self, a: int, b: int, accept: bool) -> None:
        """Accept or dismiss the notifications held back from one sender."""
        if accept:
            self._all(lambda blog: blog.accept_notification_request(self._user(a), self._user(b)))
        else:
            self._all(lambda blog: blog.dismiss_notification_request(self._user(a), self._user(b)))

    @invariant()
    def notifications_and_polls_equal_recounts(self) -> None:
        """Notifications have causes and their counts, like poll totals, equal recounts."""
        for blog in self.blogs:
            check_notifications(blog)
            check_polls(blog)

    @invariant()
    def counters_equal_recounts(self) -> None:
        """Every counter equals a recount, on every service."""
        for blog in self.blogs:
            check_counters(blog)

    @invariant()
    def stores_agree(self) -> None:
        """Every service holds the same things."""
        first = snapshot(self.blogs[0])
        for blog in self.blogs[1:]:
            assert snapshot(blog) == first

    @invariant()
    def nothing_leaks(self) -> None:
        """No query shows a viewer a post they may not see, on any service."""
        for blog in self.blogs:
            check_no_leaks(blog)

    @invariant()
    def home_timelines_agree(self) -> None:
        """Every service shows every viewer the same home timeline."""
        for viewer in self.users:
            first = [p.id for p in _home_posts(self.blogs[0], viewer)]
            for blog in self.blogs[1:]:
                assert [p.id for p in _home_posts(blog, viewer)] == first, viewer

    @rule(a=st.integers(0, 9), p=st.integers(0, 99), undo=st.booleans())
    def bookmark(self, a: int, p: int, undo: bool) -> None:
        """Bookmark or unbookmark a post (bookmarking one the account cannot see fails)."""
        if undo:
            self._all(lambda blog: blog.unbookmark(self._user(a), self._post(p)))
        else:
            self._all(lambda blog: blog.bookmark(self._user(a), self._post(p)))

    @rule(
        a=st.integers(0, 9),
        words=st.lists(st.sampled_from(_FILTER_WORDS), min_size=1, max_size=2, unique=True),
        hide=st.booleans(),
        minutes=st.none() | st.integers(1, 5),
    )
    def create_filter(self, a: int, words: list[str], hide: bool, minutes: int | None) -> None:
        """Create a keyword filter of home, public and thread, maybe expiring in minutes."""
        self._all(
            lambda blog: blog.create_filter(
                self._user(a),
                "filter",
                contexts=("home", "public", "thread"),
                action="hide" if hide else "warn",
                keywords=words,
                expires_in=None if minutes is None else minutes * 60,
            )
        )

    @rule(a=st.integers(0, 9), n=st.integers(0, 3))
    def delete_filter(self, a: int, n: int) -> None:
        """Delete one of the account's filters (or, when it has none, nothing)."""
        owned = self.blogs[0].filters(self._user(a))
        if owned:
            chosen = owned[n % len(owned)].id
            self._all(lambda blog: blog.delete_filter(self._user(a), chosen))

    @invariant()
    def bookmarks_and_filters_hold(self) -> None:
        """Bookmarks never leak, and hidden items never appear, on any service."""
        for blog in self.blogs:
            check_bookmarks_and_filters(blog)

    @invariant()
    def list_timelines_agree(self) -> None:
        """Every service shows every list's owner the same list timeline."""
        for owner, list_id in self.lists:
            first = _outcome(functools.partial(_list_ids, self.blogs[0], owner, list_id))
            for blog in self.blogs[1:]:
                again = _outcome(functools.partial(_list_ids, blog, owner, list_id))
                assert again == first, (owner, list_id)

    # -- lists and followed hashtags

    @rule(
        a=st.integers(0, 9),
        policy=st.sampled_from(list(RepliesPolicy)),
        exclusive=st.booleans(),
    )
    def create_list(self, a: int, policy: RepliesPolicy, exclusive: bool) -> None:
        """Make a list with a replies policy, exclusive or not."""
        owner = self._user(a)
        status, made = self._all(
            lambda blog: blog.create_list(owner, "list", replies_policy=policy, exclusive=exclusive)
        )
        if status == "ok":
            self.lists.append((owner, made.id))

    def _list(self, index: int) -> tuple[AccountId, ListId]:
        return self.lists[index % len(self.lists)] if self.lists else (self._user(0), ListId(1))

    @rule(l=st.integers(0, 9), b=st.integers(0, 9), follow_first=st.booleans())
    def add_to_list(self, l: int, b: int, follow_first: bool) -> None:  # noqa: E741
        """Put an account on a list (following it first, or not, which must then fail)."""
        owner, list_id = self._list(l)
        member = self._user(b)
        if follow_first:
            self._all(lambda blog: blog.follow(owner, member))
        self._all(lambda blog: blog.add_to_list(owner, list_id, [member]))

    @rule(l=st.integers(0, 9), b=st.integers(0, 9), delete=st.booleans())
    def remove_from_list(self, l: int, b: int, delete: bool) -> None:  # noqa: E741
        """Take an account off a list, or now and then delete the whole list."""
        owner, list_id = self._list(l)
        if delete:
            self._all(lambda blog: blog.delete_list(owner, list_id))
        else:
            self._all(lambda blog: blog.remove_from_list(owner, list_id, [self._user(b)]))

    @rule(a=st.integers(0, 9), tag=st.sampled_from(("#city", "话题", "NEWS")))
    def follow_tag(self, a: int, tag: str) -> None:
        """Follow a hashtag."""
        self._all(lambda blog: blog.follow_tag(self._user(a), tag))

    @rule(a=st.integers(0, 9), tag=st.sampled_from(("city", "#话题", "news")))
    def unfollow_tag(self, a: int, tag: str) -> None:
        """Stop following a hashtag."""
        self._all(lambda blog: blog.unfollow_tag(self._user(a), tag))
