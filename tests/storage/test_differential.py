"""Differential test: the memory and SQLite adapters answer every query the same way.

A Hypothesis state machine applies one random sequence of operations to a
``MemoryStore`` and a ``SqliteStore(":memory:")`` at once: accounts, posts of
every kind (with back-filled ids, replies to missing or removed posts,
re-added posts), reposts, follows with their options, requests, blocks, mutes
that expire, likes, feed writes, commits, rollbacks and units that end
without a commit, including operations that must fail, and any repository
method called with the fuzz suite's bad values
(:func:`microblog_core.testing.fuzz.bad_values`). Each operation must
succeed on both with the same answer or fail on both with the same error,
and after every step every query (gets, pages with bounds, streams, counters,
relation pages, feeds) must answer the same on both.
"""

import inspect
from collections.abc import Callable, Collection, Iterator, Sequence
from datetime import UTC, datetime, timedelta
from typing import Any

import attrs
from hypothesis import settings
from hypothesis import strategies as st
from hypothesis.stateful import (
    RuleBasedStateMachine,
    initialize,
    invariant,
    precondition,
    rule,
)

from microblog_core.errors import MicroblogError, ValidationError
from microblog_core.ids import id_at
from microblog_core.models import (
    Account,
    Block,
    Follow,
    FollowRequest,
    Like,
    Mute,
    Post,
    QuotePolicy,
    ReplyAudience,
    ReplyGate,
    ReplyRef,
    RepostRef,
    Visibility,
)
from microblog_core.ports import UnitOfWork
from microblog_core.storage.memory import MemoryStore
from microblog_core.storage.sqlite import SqliteStore
from microblog_core.testing.fuzz import bad_values

T0 = datetime(2026, 1, 1, tzinfo=UTC)
BASE = id_at(T0)
ACCOUNTS = range(1, 6)  # ids that may exist; 6 never does
LOOKUP_ACCOUNTS = (0, 1, 2, 3, 4, 5, 6, -3, 2**70)  # lookups also try impossible ids
HANDLES = ("ada", "ADA", "bob", "Bob", "straße", "STRASSE", "o'hara;--")
TAGS = ("news", "café", "x")
TAG_QUERIES = ("news", "NEWS", "CAFÉ", "x", "none")
MISSING_POST = BASE - 7  # below every id the machine allocates
MUTE_TIMES = (T0, T0 + timedelta(seconds=50), T0 + timedelta(seconds=500))
LANGUAGES = (None, (), ("en",), ("en", "zh"))
KINDS = ("original", "reply", "repost", "quote", "backfill")
GATES = (ReplyGate.ANYONE, ReplyGate.NOBODY, ReplyGate(allow=[ReplyAudience.FOLLOWERS]))

Outcome = tuple[Any, ...]
REPOSITORIES = ("accounts", "engagement", "feeds", "posts", "relations")


def _methods(repository: object) -> list[str]:
    return sorted(
        name
        for name in dir(repository)
        if not name.startswith("_") and callable(getattr(repository, name))
    )


def _normal(value: object) -> object:
    """A comparable form of an answer: lists for sequences, sorted lists for sets."""
    if isinstance(value, Iterator):
        return [_normal(v) for v in value]
    if isinstance(value, dict):
        return {k: _normal(v) for k, v in value.items()}
    if isinstance(value, Sequence) and not isinstance(value, str):
        return [_normal(v) for v in value]
    if isinstance(value, Collection) and not isinstance(value, str) and not attrs.has(type(value)):
        return sorted(value)  # type: ignore[type-var]
    return value


def _kind(error: MicroblogError) -> str:
    """The error's class, with the leaves of ValidationError folded into it.

    The ports specify ValidationError for bad input; one adapter may say more
    precisely what was wrong (InvalidIdError, NaiveDatetimeError). Conflicts
    keep their leaves: DuplicateHandleError and DuplicateRepostError are part
    of the protocols.
    """
    if isinstance(error, ValidationError):
        return "ValidationError"
    return type(error).__name__


def _outcome(call: Callable[[UnitOfWork], object], unit: UnitOfWork) -> Outcome:
    try:
        return ("ok", _normal(call(unit)))
    except MicroblogError as error:
        return ("error", _kind(error), getattr(error, "entity", None), getattr(error, "key", None))


def _post_id(n: int) -> int:
    return BASE + 10 * n


def _ghost_id(n: int) -> int:
    """An id between two allocated ones: never used unless a post is back-filled there."""
    return BASE + 10 * n + 5


class StoresAgree(RuleBasedStateMachine):
    """Drive both adapters with the same operations; every answer must agree."""

    def __init__(self) -> None:
        super().__init__()
        self.memory = MemoryStore()
        self.sqlite = SqliteStore(":memory:")
        self.units: tuple[UnitOfWork, UnitOfWork] = self._open()
        self.values: dict[int, Post] = {}  # every post value offered, by id
        self.allocated = 0
        self.tick = 0

    # -- plumbing

    def _open(self) -> tuple[UnitOfWork, UnitOfWork]:
        memory_unit = self.memory.unit_of_work().__enter__()
        sqlite_unit = self.sqlite.unit_of_work().__enter__()
        return memory_unit, sqlite_unit

    def _close_units(self) -> None:
        for unit in self.units:
            unit.__exit__(None, None, None)

    def teardown(self) -> None:
        self._close_units()
        self.memory.close()
        self.sqlite.close()

    def both(self, call: Callable[[UnitOfWork], object]) -> Outcome:
        """Run ``call`` on both units; the outcomes must be equal."""
        memory_outcome = _outcome(call, self.units[0])
        sqlite_outcome = _outcome(call, self.units[1])
        assert memory_outcome == sqlite_outcome, (memory_outcome, sqlite_outcome)
        return memory_outcome

    def _at(self) -> datetime:
        self.tick += 1
        return T0 + timedelta(seconds=self.tick)

    def _post_ids(self) -> list[int]:
        ids = {*self.values, *(_ghost_id(n) for n in range(self.allocated))}
        return sorted(ids)

    def _stored_ids(self) -> list[int]:
        """Ids stored now (read from the memory store, the reference)."""
        return [p.id for p in self.units[0].posts.scan(limit=10_000)]

    def _some_post_id(self, data: st.DataObject, *extra: int) -> int:
        """Mostly a stored post; sometimes any id the machine knows, or ``extra``."""
        stored = self._stored_ids()
        if stored and data.draw(st.integers(0, 3), label="pick stored") > 0:
            return data.draw(st.sampled_from(stored), label="stored post")
        return data.draw(st.sampled_from([*extra, *self._post_ids()]), label="post id")

    def _bounds(self) -> tuple[int, int]:
        ids = self._post_ids() or [MISSING_POST]
        return ids[len(ids) // 3], ids[(2 * len(ids)) // 3]

    @initialize(
        data=st.data(),
        handles=st.permutations(("ada", "bob", "straße", "o'hara;--", "eve")),
        locked=st.lists(st.booleans(), min_size=5, max_size=5),
        posts=st.integers(1, 6),
    )
    def world_exists(
        self, data: st.DataObject, handles: list[str], locked: list[bool], posts: int
    ) -> None:
        """Start with accounts 1 to 5 (6 stays missing) and a few posts, committed."""
        for n, handle, lock in zip(ACCOUNTS, handles, locked, strict=True):
            account = Account.create(id=n, handle=handle, created_at=T0, locked=lock)
            self.both(lambda u, a=account: u.accounts.add(a))
        for _ in range(posts):
            self._add_post(data, data.draw(st.sampled_from(KINDS), label="kind"))
        self.commit()

    # -- units

    @rule()
    def commit(self) -> None:
        for unit in self.units:
            unit.commit()

    @rule()
    def rollback(self) -> None:
        for unit in self.units:
            unit.rollback()

    @rule(commit=st.booleans())
    def end_unit(self, commit: bool) -> None:
        """Leave both units (committing first, or not) and continue in fresh ones."""
        if commit:
            self.commit()
        self._close_units()
        self.units = self._open()

    # -- accounts

    @rule(n=st.integers(1, 6), handle=st.sampled_from(HANDLES), locked=st.booleans())
    def add_account(self, n: int, handle: str, locked: bool) -> None:
        account = Account.create(id=n, handle=handle, created_at=self._at(), locked=locked)
        self.both(lambda u: u.accounts.add(account))

    @rule(n=st.integers(1, 6), handle=st.sampled_from(HANDLES), bio=st.sampled_from(("", "b")))
    def update_account(self, n: int, handle: str, bio: str) -> None:
        account = Account.create(id=n, handle=handle, created_at=T0, bio=bio, verified=True)
        self.both(lambda u: u.accounts.update(account))

    # -- posts

    def _add_post(self, data: st.DataObject, kind: str) -> None:
        """Offer a new post of ``kind`` to both stores (its target may be missing or removed)."""
        if kind == "backfill":
            free = [
                g for g in (_ghost_id(n) for n in range(self.allocated)) if g not in self.values
            ]
            if not free:
                return
            post_id = data.draw(st.sampled_from(free), label="back-filled id")
        else:
            post_id = _post_id(self.allocated)
            self.allocated += 1
        targets = [t for t in self._post_ids() if t < post_id]
        target = data.draw(st.sampled_from(targets), label="target") if targets else None
        known = None if target is None else self.values.get(target)
        common: dict[str, Any] = {
            "id": post_id,
            "author_id": data.draw(st.integers(1, 6), label="author"),
            "created_at": self._at(),
            "visibility": data.draw(st.sampled_from(list(Visibility)), label="visibility"),
            "mentions": data.draw(st.lists(st.integers(1, 6), max_size=2, unique=True)),
            "tags": data.draw(st.lists(st.sampled_from(TAGS), max_size=2, unique=True)),
        }
        if kind == "repost" and target is not None:
            if known is not None and known.repost_of is not None:
                ref = RepostRef(
                    root_id=known.repost_of.root_id,
                    root_author_id=known.repost_of.root_author_id,
                    via_id=known.id,
                    via_author_id=known.author_id,
                )
            else:
                root_author = 1 if known is None else known.author_id
                ref = RepostRef(root_id=target, root_author_id=root_author)
            comment = data.draw(st.sampled_from(("", "me too")), label="comment")
            post = Post.create_repost(of=ref, comment=comment, **common)
        elif kind == "reply" and target is not None and (known is None or not known.is_repost):
            parent_author = 2 if known is None else known.author_id
            ref_reply = ReplyRef(
                root_id=target if known is None else known.thread_root_id,
                parent_id=target,
                parent_author_id=parent_author,
                addressee_id=parent_author,
            )
            gate = data.draw(st.sampled_from(GATES), label="reply gate")
            post = Post.create(text="a reply", reply_to=ref_reply, reply_gate=gate, **common)
        elif kind == "quote" and target is not None:
            post = Post.create(
                text="quoting", quote_of=target, quote_policy=QuotePolicy.FOLLOWERS, **common
            )
        else:
            post = Post.create(text=f"post {post_id}", language="en", **common)
        self.values.setdefault(post.id, post)
        self.both(lambda u: u.posts.add(post))

    @rule(data=st.data())
    def add_original(self, data: st.DataObject) -> None:
        self._add_post(data, "original")

    @rule(data=st.data())
    def add_reply(self, data: st.DataObject) -> None:
        self._add_post(data, "reply")

    @rule(data=st.data())
    def add_repost(self, data: st.DataObject) -> None:
        self._add_post(data, "repost")

    @rule(data=st.data())
    def add_quote(self, data: st.DataObject) -> None:
        self._add_post(data, "quote")

    @rule(data=st.data())
    def backfill_post(self, data: st.DataObject) -> None:
        self._add_post(data, "backfill")

    @precondition(lambda self: self.values)
    @rule(data=st.data())
    def readd_post(self, data: st.DataObject) -> None:
        """Offer a known post value again: mostly one not stored now (a re-add)."""
        stored = set(self._stored_ids())
        gone = [p for p in sorted(self.values.values(), key=lambda p: p.id) if p.id not in stored]
        if gone and data.draw(st.booleans(), label="pick a removed one"):
            post = data.draw(st.sampled_from(gone))
        else:
            post = data.draw(st.sampled_from(sorted(self.values.values(), key=lambda p: p.id)))
        self.both(lambda u: u.posts.add(post))

    @rule(data=st.data())
    def remove_post(self, data: st.DataObject) -> None:
        post_id = self._some_post_id(data, 0)
        self.both(lambda u: u.posts.remove(post_id))

    @precondition(lambda self: self.values)
    @rule(
        data=st.data(),
        text=st.sampled_from(("edited", "'; DROP TABLE posts; --")),
        visibility=st.sampled_from(list(Visibility)),
        tags=st.lists(st.sampled_from(TAGS), max_size=2, unique=True),
        mentions=st.lists(st.integers(1, 6), max_size=2, unique=True),
        hide=st.booleans(),
        change_author=st.booleans(),
    )
    def update_post(
        self,
        data: st.DataObject,
        text: str,
        visibility: Visibility,
        tags: list[str],
        mentions: list[int],
        hide: bool,
        change_author: bool,
    ) -> None:
        current = data.draw(st.sampled_from(sorted(self.values.values(), key=lambda p: p.id)))
        changes: dict[str, Any] = {
            "text": text,
            "visibility": visibility,
            "tags": tuple(tags),
            "mentions": tuple(mentions),
            "hidden": hide and current.is_reply,
            "quote_policy": QuotePolicy.NOBODY,
        }
        if change_author:
            changes["author_id"] = current.author_id % 5 + 1  # refused by both
        updated = attrs.evolve(current, **changes)
        if self.both(lambda u: u.posts.update(updated))[0] == "ok":
            self.values[updated.id] = updated

    # -- relations

    @rule(
        a=st.integers(1, 6),
        b=st.integers(1, 6),
        show_reposts=st.booleans(),
        notify=st.booleans(),
        languages=st.sampled_from(LANGUAGES),
    )
    def follow(
        self,
        a: int,
        b: int,
        show_reposts: bool,
        notify: bool,
        languages: tuple[str, ...] | None,
    ) -> None:
        if a == b:
            return
        follow = Follow(
            follower_id=a,
            followee_id=b,
            created_at=self._at(),
            show_reposts=show_reposts,
            notify=notify,
            languages=languages,
        )
        self.both(lambda u: u.relations.add_follow(follow))

    @rule(a=st.integers(0, 6), b=st.integers(0, 6))
    def unfollow(self, a: int, b: int) -> None:
        self.both(lambda u: u.relations.remove_follow(a, b))

    @rule(a=st.integers(1, 6), b=st.integers(1, 6), notify=st.booleans())
    def request(self, a: int, b: int, notify: bool) -> None:
        if a == b:
            return
        request = FollowRequest(follower_id=a, followee_id=b, created_at=self._at(), notify=notify)
        self.both(lambda u: u.relations.add_request(request))

    @rule(a=st.integers(0, 6), b=st.integers(0, 6))
    def unrequest(self, a: int, b: int) -> None:
        self.both(lambda u: u.relations.remove_request(a, b))

    @rule(a=st.integers(1, 6), b=st.integers(1, 6))
    def block(self, a: int, b: int) -> None:
        if a == b:
            return
        block = Block(blocker_id=a, blocked_id=b, created_at=self._at())
        self.both(lambda u: u.relations.add_block(block))

    @rule(a=st.integers(0, 6), b=st.integers(0, 6))
    def unblock(self, a: int, b: int) -> None:
        self.both(lambda u: u.relations.remove_block(a, b))

    @rule(
        a=st.integers(1, 6),
        b=st.integers(1, 6),
        lasts=st.sampled_from((None, 10, 100, 1000)),
        hide=st.booleans(),
    )
    def mute(self, a: int, b: int, lasts: int | None, hide: bool) -> None:
        if a == b:
            return
        start = self._at()
        expires = None if lasts is None else start + timedelta(seconds=lasts)
        mute = Mute(
            muter_id=a, muted_id=b, created_at=start, expires_at=expires, hide_notifications=hide
        )
        self.both(lambda u: u.relations.add_mute(mute))

    @rule(a=st.integers(0, 6), b=st.integers(0, 6))
    def unmute(self, a: int, b: int) -> None:
        self.both(lambda u: u.relations.remove_mute(a, b))

    # -- likes

    @rule(data=st.data(), a=st.integers(1, 6))
    def like(self, data: st.DataObject, a: int) -> None:
        post_id = self._some_post_id(data, MISSING_POST)
        like = Like(account_id=a, post_id=post_id, created_at=self._at())
        self.both(lambda u: u.engagement.add_like(like))

    @rule(data=st.data(), a=st.integers(0, 6))
    def unlike(self, data: st.DataObject, a: int) -> None:
        post_id = self._some_post_id(data, 0)
        self.both(lambda u: u.engagement.remove_like(a, post_id))

    # -- feeds

    @rule(
        data=st.data(),
        readers=st.lists(st.integers(1, 6), max_size=3),
        author=st.integers(1, 6),
        cap=st.integers(0, 5),
    )
    def feed_insert(self, data: st.DataObject, readers: list[int], author: int, cap: int) -> None:
        post_id = data.draw(st.sampled_from([*self._post_ids(), MISSING_POST]), label="post id")
        self.both(lambda u: u.feeds.insert(readers, post_id, author, cap=cap))

    @rule(data=st.data(), reader=st.integers(1, 6), cap=st.integers(1, 6))
    def feed_merge(self, data: st.DataObject, reader: int, cap: int) -> None:
        ids = [*self._post_ids(), MISSING_POST]
        entries = data.draw(
            st.lists(st.tuples(st.sampled_from(ids), st.integers(1, 6)), max_size=6),
            label="entries",
        )
        self.both(lambda u: u.feeds.merge(reader, entries, cap=cap))

    @rule(data=st.data(), readers=st.lists(st.integers(0, 6), max_size=3))
    def feed_remove_posts(self, data: st.DataObject, readers: list[int]) -> None:
        ids = [0, *self._post_ids()]
        posts = data.draw(st.lists(st.sampled_from(ids), max_size=3), label="posts")
        self.both(lambda u: u.feeds.remove_posts(readers, posts))

    @rule(reader=st.integers(0, 6), author=st.integers(0, 6))
    def feed_remove_author(self, reader: int, author: int) -> None:
        self.both(lambda u: u.feeds.remove_author(reader, author))

    @rule(reader=st.integers(0, 6))
    def feed_clear(self, reader: int) -> None:
        self.both(lambda u: u.feeds.clear(reader))

    # -- bad calls

    @rule(
        which=st.sampled_from(
            (
                lambda u: u.accounts.page(limit=0),
                lambda u: u.posts.by_author(1, limit=-1),
                lambda u: u.posts.replies_to(MISSING_POST, limit=0),
                lambda u: u.relations.followers_of("1"),
                lambda u: u.accounts.add("ada"),
                lambda u: u.posts.add(None),
                lambda u: u.engagement.likes_of(MISSING_POST, limit=0),
                lambda u: u.feeds.read(1, limit=0),
                lambda u: u.feeds.merge(1, [(MISSING_POST, 1, 2)], cap=3),
                lambda u: u.accounts.by_handle(7),
                lambda u: u.posts.with_tag(None),
                lambda u: u.relations.muted_ids(1, at=datetime(2026, 1, 1)),
            )
        )
    )
    def bad_call(self, which: Callable[[UnitOfWork], object]) -> None:
        outcome = self.both(which)
        assert outcome[0] == "error", outcome

    @rule(data=st.data())
    def fuzzed_call(self, data: st.DataObject) -> None:
        """Any repository method, its arguments drawn from the fuzz suite's bad values.

        Both adapters must answer alike: the same result, or the same error
        class (and no untyped error on either).
        """
        repository = data.draw(st.sampled_from(REPOSITORIES), label="repository")
        # Methods both adapters have: an adapter's own extras (the memory
        # store's merged_streams) are no part of the port.
        methods = sorted(
            set(_methods(getattr(self.units[0], repository)))
            & set(_methods(getattr(self.units[1], repository)))
        )
        name = data.draw(st.sampled_from(methods), label="method")
        parameters = inspect.signature(getattr(getattr(self.units[0], repository), name))
        args: list[object] = []
        kwargs: dict[str, object] = {}
        for parameter, spec in parameters.parameters.items():
            if spec.default is not inspect.Parameter.empty:
                continue
            value = data.draw(bad_values(), label=parameter)
            if spec.kind is inspect.Parameter.KEYWORD_ONLY:
                kwargs[parameter] = value
            else:
                args.append(value)
        self.both(lambda u: getattr(getattr(u, repository), name)(*args, **kwargs))

    # -- every query

    @invariant()
    def every_query_agrees(self) -> None:
        low, high = self._bounds()
        post_ids = self._post_ids()
        checks: list[Callable[[UnitOfWork], object]] = [
            lambda u: u.accounts.page(limit=100),
            lambda u: u.accounts.page(after=2, limit=2),
            lambda u: u.accounts.count(),
            lambda u: [u.accounts.by_handle(h) for h in (*HANDLES, "nobody")],
            lambda u: u.accounts.get_many(LOOKUP_ACCOUNTS),
            lambda u: u.posts.count(),
            lambda u: u.posts.scan(limit=1000),
            lambda u: u.posts.scan(after=low, limit=2),
            lambda u: u.posts.get_many([0, *post_ids]),
            lambda u: [
                u.posts.public(limit=100, include_replies=r, include_reposts=s)
                for r in (False, True)
                for s in (False, True)
            ],
            lambda u: u.posts.public(max_id=high, min_id=low, limit=2, include_replies=True),
            lambda u: [u.posts.with_tag(t, limit=100) for t in TAG_QUERIES],
            lambda u: u.posts.with_tag("news", max_id=high, limit=1),
        ]
        for a in LOOKUP_ACCOUNTS:
            checks.append(
                lambda u, a=a: (
                    u.accounts.find(a),
                    u.accounts.counters(a),
                    u.posts.by_author(a, limit=100),
                    u.posts.by_author(a, max_id=high, min_id=low, limit=2),
                    list(u.posts.stream(a)),
                    list(u.posts.stream(a, min_id=low, ascending=True)),
                    list(u.posts.stream(a, max_id=high)),
                    u.posts.mentioning(a, limit=100),
                    u.posts.mentioning(a, min_id=low, limit=1),
                    u.relations.followers_of(a, limit=100),
                    u.relations.followers_of(a, after=2, limit=2),
                    u.relations.following_of(a, limit=100),
                    u.relations.following_of(a, after=1, limit=1),
                    sorted(u.relations.follower_ids(a)),
                    sorted(u.relations.following_ids(a)),
                    u.relations.requests_for(a, limit=100),
                    sorted(u.relations.blocked_ids(a)),
                    sorted(u.relations.blocker_ids(a)),
                    [sorted(u.relations.muted_ids(a, at=t)) for t in MUTE_TIMES],
                    u.feeds.read(a, limit=100),
                    u.feeds.read(a, min_id=low, limit=2, ascending=True),
                    u.feeds.read(a, max_id=high, limit=3),
                    u.feeds.size(a),
                )
            )
        for a in range(1, 7):
            checks.append(
                lambda u, a=a: [
                    (
                        u.relations.get_follow(a, b),
                        u.relations.get_request(a, b),
                        u.relations.get_block(a, b),
                        u.relations.get_mute(a, b),
                        [u.relations.get_mute(a, b, at=t) for t in MUTE_TIMES[1:]],
                    )
                    for b in range(1, 7)
                ]
            )
        for post_id in (0, *post_ids):
            checks.append(
                lambda u, p=post_id: (
                    u.posts.find(p),
                    u.posts.counters(p),
                    u.posts.replies_to(p),
                    u.posts.replies_to(p, limit=1),
                    u.posts.in_thread(p),
                    u.posts.reposts_of(p),
                    u.posts.quotes_of(p, limit=2),
                    u.engagement.likes_of(p, limit=100),
                    u.engagement.likes_of(p, after=2, limit=1),
                    [u.posts.repost_by(a, p) for a in range(1, 7)],
                    [u.engagement.get_like(a, p) for a in range(1, 7)],
                )
            )
        for check in checks:
            self.both(check)


StoresAgree.TestCase.settings = settings(max_examples=50, stateful_step_count=30, deadline=None)
TestStoresAgree = StoresAgree.TestCase
