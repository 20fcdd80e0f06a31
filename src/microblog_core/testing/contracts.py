"""The storage contract suite: the behaviour every storage adapter must show.

Subclass the contract classes in a pytest module and provide ``make_store``,
which returns a fresh, empty :class:`~microblog_core.ports.Store`::

    from microblog_core.storage.memory import MemoryStore
    from microblog_core.testing.contracts import StoreContract


    class TestMemoryStore(StoreContract):
        def make_store(self) -> MemoryStore:
            return MemoryStore()

pytest then runs every test of the suite against the adapter. The classes do
not start with ``Test``, so pytest never collects them on their own. Mix and
match the per-protocol classes (:class:`AccountRepositoryContract`,
:class:`PostRepositoryContract`, :class:`RelationRepositoryContract`,
:class:`EngagementRepositoryContract`, :class:`FeedRepositoryContract`,
:class:`UnitOfWorkContract`, :class:`ArgumentContract`, :class:`ListRepositoryContract`,
:class:`TagFollowRepositoryContract` and the others) to check an adapter that is still partial;
:class:`StoreContract` is all of them. An adapter that offers an optional
capability adds its contract too (:class:`EarlierRepostsContract`,
:class:`FollowOptionsHintContract`): those are not in :class:`StoreContract`.

Each test gets its store from the ``store`` fixture, which calls
``make_store`` and closes the store afterwards. If the factory needs other
fixtures (``tmp_path`` for a file), override the fixture instead::

    class TestFileStore(StoreContract):
        @pytest.fixture
        def store(self, tmp_path):
            s = MyStore(tmp_path / "db")
            yield s
            s.close()

        def make_store(self):  # used by the property tests
            return MyStore(tempfile.mkdtemp() + "/db")

The property tests (Hypothesis) call ``make_store`` once per example, and
close what they made. They use the Hypothesis profile loaded when this
module is first imported, so load yours in ``conftest.py``.

What the suite checks, beyond the docstrings of :mod:`microblog_core.ports`,
are these shared decisions:

- A bad argument raises exactly the class of its kind
  (:class:`ArgumentContract`, after the table of :mod:`microblog_core._checks`):
  :class:`~microblog_core.errors.InvalidIdError` for an id of the wrong type
  (bools included), an id to store out of range or a bad paging cursor;
  :class:`~microblog_core.errors.NaiveDatetimeError` for a naive instant;
  :class:`~microblog_core.errors.ValidationError` for a ``limit`` or ``cap``
  below 1, a collection, str or value of the wrong type. (``InvalidIdError``
  is a ``ValidationError``, so tests that expect the latter still hold.)
- A write that raises changes nothing, and the unit stays usable.
- ``PostRepository.update`` refuses (``ValidationError``) a change of author
  or of kind (``reply_to``, ``repost_of``, ``quote_of``); the indexes follow
  the other facets (tags, mentions, visibility).
- ``with_tag`` casefolds its argument.
- ``commit`` and ``rollback`` do not end a unit: later writes belong to the
  next transaction, which leaving the ``with`` block rolls back.
- A unit used before ``__enter__`` or after ``__exit__`` raises a
  :class:`~microblog_core.errors.MicroblogError` (``StorageError``); so do
  repositories taken from it, and a unit opened on a closed store.
  ``close`` may be called twice.
- A ``readonly=True`` unit refuses writes with ``StorageError``.
- A unit of one thread never sees another unit's uncommitted writes, and
  concurrent writing units lose no write.

This module imports pytest and Hypothesis: it is for pytest suites only.
"""

import abc
import itertools
import threading
from collections.abc import Callable, Iterator
from contextlib import contextmanager, suppress
from datetime import UTC, datetime, timedelta
from typing import Any, cast

import attrs
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from microblog_core.errors import (
    ConflictError,
    DuplicateHandleError,
    DuplicateRepostError,
    InvalidIdError,
    MicroblogError,
    NaiveDatetimeError,
    NotFoundError,
    StorageError,
    ValidationError,
)
from microblog_core.ids import (
    AccountId,
    BookmarkId,
    FilterId,
    ListId,
    NotificationId,
    PostId,
    id_at,
)
from microblog_core.models import (
    Account,
    AccountCounters,
    AccountKind,
    AccountList,
    Block,
    Bookmark,
    Filter,
    FilterAction,
    FilterContext,
    FilterKeyword,
    Follow,
    FollowRequest,
    Like,
    Location,
    Media,
    MediaKind,
    Mute,
    Notification,
    NotificationKind,
    NotificationPolicy,
    Pin,
    PolicyAction,
    Poll,
    PollVote,
    Post,
    PostCounters,
    PostVersion,
    QuotePolicy,
    RepliesPolicy,
    ReplyAudience,
    ReplyGate,
    ReplyRef,
    RepostRef,
    Visibility,
)
from microblog_core.ports import (
    EarlierReposts,
    FollowOptionsHint,
    Store,
    UnitOfWork,
    offers,
)

__all__ = [
    "AccountRepositoryContract",
    "ArgumentContract",
    "BookmarkRepositoryContract",
    "ContractBase",
    "EarlierRepostsContract",
    "EngagementRepositoryContract",
    "FeedRepositoryContract",
    "FilterRepositoryContract",
    "FollowOptionsHintContract",
    "ListRepositoryContract",
    "NotificationRepositoryContract",
    "PinRepositoryContract",
    "PollRepositoryContract",
    "PostHistoryRepositoryContract",
    "PostRepositoryContract",
    "RelationRepositoryContract",
    "StoreContract",
    "TagFollowRepositoryContract",
    "UnitOfWorkContract",
]

T0 = datetime(2026, 1, 1, tzinfo=UTC)

# One property test runs once per adapter class that subclasses the suite, which
# Hypothesis would otherwise flag as "differing executors". Other settings come
# from the profile loaded when this module is imported (conftest.py loads it first).
_PROPERTY = settings(
    suppress_health_check=[
        *settings().suppress_health_check,
        HealthCheck.differing_executors,
    ]
)
_BASE_ID = id_at(T0)
_CAP = 800


# --------------------------------------------------------------------------- helpers


def _aid(n: int) -> AccountId:
    return AccountId(n)


def _pid(n: int) -> PostId:
    """The n-th post id: ids grow with n (all in one millisecond of T0)."""
    return PostId(_BASE_ID + n)


def _at(seconds: float) -> datetime:
    return T0 + timedelta(seconds=seconds)


def _account(n: int, handle: str | None = None, **kwargs: Any) -> Account:
    return Account.create(id=_aid(n), handle=handle or f"user{n}", created_at=_at(n), **kwargs)


def _post(n: int, author: int, text: str = "hello", **kwargs: Any) -> Post:
    return Post.create(id=_pid(n), author_id=_aid(author), created_at=_at(n), text=text, **kwargs)


def _reply(n: int, author: int, parent: Post, text: str = "a reply", **kwargs: Any) -> Post:
    ref = ReplyRef(
        root_id=parent.thread_root_id,
        parent_id=parent.id,
        parent_author_id=parent.author_id,
        addressee_id=parent.author_id,
    )
    return _post(n, author, text, reply_to=ref, **kwargs)


def _repost(n: int, author: int, of: Post, comment: str = "", **kwargs: Any) -> Post:
    if of.repost_of is None:
        ref = RepostRef(root_id=of.id, root_author_id=of.author_id)
    else:
        ref = RepostRef(
            root_id=of.repost_of.root_id,
            root_author_id=of.repost_of.root_author_id,
            via_id=of.id,
            via_author_id=of.author_id,
        )
    return Post.create_repost(
        id=_pid(n), author_id=_aid(author), created_at=_at(n), of=ref, comment=comment, **kwargs
    )


def _follow(a: int, b: int, at: float = 0, **kwargs: Any) -> Follow:
    return Follow(follower_id=_aid(a), followee_id=_aid(b), created_at=_at(at), **kwargs)


def _like(a: int, post: Post | PostId, at: float = 0) -> Like:
    post_id = post.id if isinstance(post, Post) else post
    return Like(account_id=_aid(a), post_id=post_id, created_at=_at(at))


@contextmanager
def _write(store: Store) -> Iterator[UnitOfWork]:
    """A unit that commits when its block ends without an exception."""
    with store.unit_of_work() as uow:
        yield uow
        uow.commit()


@contextmanager
def _read(store: Store) -> Iterator[UnitOfWork]:
    with store.unit_of_work(readonly=True) as uow:
        yield uow


def _seed(store: Store, *items: object) -> None:
    """Commit accounts, posts, follows, requests, blocks, mutes and likes in one unit."""
    with _write(store) as uow:
        for item in items:
            _store_value(uow, item)


def _store_value(uow: UnitOfWork, item: object) -> None:
    if isinstance(item, Account):
        uow.accounts.add(item)
    elif isinstance(item, Post):
        uow.posts.add(item)
    elif isinstance(item, Follow):
        uow.relations.add_follow(item)
    elif isinstance(item, FollowRequest):
        uow.relations.add_request(item)
    elif isinstance(item, Block):
        uow.relations.add_block(item)
    elif isinstance(item, Mute):
        uow.relations.add_mute(item)
    elif isinstance(item, Like):
        uow.engagement.add_like(item)
    else:  # pragma: no cover - a mistake in a test
        raise TypeError(item)


def _accounts(*ns: int) -> list[Account]:
    return [_account(n) for n in ns]


def _ids(posts: Any) -> list[PostId]:
    return [p.id for p in posts]


def _int_set(values: Any) -> set[int]:
    return {int(v) for v in values}


def _enter_and_count(store: Store) -> int:
    with store.unit_of_work() as uow:
        return uow.accounts.count()


class ContractBase(abc.ABC):
    """What every contract class needs: the store factory and the ``store`` fixture.

    Subclasses must define :meth:`make_store`; a test class that forgets it
    cannot be instantiated, so pytest reports the omission on its first test.
    """

    @abc.abstractmethod
    def make_store(self) -> Store:
        """Return a fresh, empty store (define this in the adapter's test class)."""

    @pytest.fixture
    def store(self) -> Iterator[Store]:
        """A fresh store for one test, closed afterwards."""
        store = self.make_store()
        try:
            yield store
        finally:
            store.close()


# --------------------------------------------------------------------------- accounts


class AccountRepositoryContract(ContractBase):
    """The guarantees of :class:`~microblog_core.ports.AccountRepository`."""

    def test_account_round_trips_every_field(self, store: Store) -> None:
        """An added account reads back equal by id, find, handle, get_many and page."""
        org = _account(
            1,
            "Police_Bureau",
            display_name="City Police 警察",
            bio="Official account.\nCall 110 in an emergency.",
            kind=AccountKind.ORGANISATION,
            verified=True,
            locked=True,
        )
        person = _account(2, "alice")
        _seed(store, org, person)
        with _read(store) as uow:
            assert uow.accounts.get(org.id) == org
            assert uow.accounts.find(person.id) == person
            assert uow.accounts.by_handle("Police_Bureau") == org
            assert uow.accounts.get_many([org.id, person.id]) == {org.id: org, person.id: person}
            assert list(uow.accounts.page()) == [org, person]

    def test_get_of_missing_account_raises_not_found(self, store: Store) -> None:
        """``get`` raises NotFoundError for an unknown id; find and by_handle give None."""
        with _read(store) as uow:
            with pytest.raises(NotFoundError):
                uow.accounts.get(_aid(42))
            assert uow.accounts.find(_aid(42)) is None
            assert uow.accounts.by_handle("nobody") is None

    def test_handle_lookup_ignores_case(self, store: Store) -> None:
        """``by_handle`` matches case-insensitively."""
        alice = _account(1, "Alice_W")
        _seed(store, alice)
        with _read(store) as uow:
            assert uow.accounts.by_handle("alice_w") == alice
            assert uow.accounts.by_handle("ALICE_W") == alice
            assert uow.accounts.by_handle("alice") is None

    def test_handle_lookup_uses_unicode_casefold(self, store: Store) -> None:
        """'STRASSE' finds 'straße' (casefold, not lower)."""
        street = _account(1, "straße")
        _seed(store, street)
        with _read(store) as uow:
            assert uow.accounts.by_handle("STRASSE") == street
            assert uow.accounts.by_handle("Strasse") == street

    @pytest.mark.parametrize(
        ("taken", "wanted"),
        [("alice", "ALICE"), ("Alice", "alice"), ("straße", "STRASSE"), ("STRASSE", "straße")],
    )
    def test_add_with_taken_handle_raises_duplicate_handle(
        self, store: Store, taken: str, wanted: str
    ) -> None:
        """A handle equal to a taken one after casefold is refused and nothing is stored."""
        _seed(store, _account(1, taken))
        with _write(store) as uow:
            with pytest.raises(DuplicateHandleError):
                uow.accounts.add(_account(2, wanted))
            assert uow.accounts.find(_aid(2)) is None
            assert uow.accounts.count() == 1
        with _read(store) as uow:
            assert uow.accounts.count() == 1
            assert uow.accounts.by_handle(wanted) == _account(1, taken)

    def test_add_with_taken_id_raises_conflict(self, store: Store) -> None:
        """A second account with a taken id is refused; the first stays."""
        first = _account(1, "first")
        _seed(store, first)
        with _write(store) as uow:
            with pytest.raises(ConflictError):
                uow.accounts.add(_account(1, "second"))
            assert uow.accounts.get(_aid(1)) == first
            assert uow.accounts.by_handle("second") is None

    def test_update_replaces_the_stored_account(self, store: Store) -> None:
        """``update`` stores the new state, visible after commit."""
        alice = _account(1, "alice")
        _seed(store, alice)
        changed = _account(1, "alice", display_name="Alice", bio="hi", verified=True, locked=True)
        with _write(store) as uow:
            uow.accounts.update(changed)
        with _read(store) as uow:
            assert uow.accounts.get(_aid(1)) == changed
            assert uow.accounts.by_handle("ALICE") == changed

    def test_update_of_missing_account_raises_not_found(self, store: Store) -> None:
        """``update`` of an unknown id raises NotFoundError and stores nothing."""
        with _write(store) as uow:
            with pytest.raises(NotFoundError):
                uow.accounts.update(_account(1))
            assert uow.accounts.count() == 0

    def test_update_to_a_handle_of_another_account_is_refused(self, store: Store) -> None:
        """Renaming to another account's handle (any case) raises DuplicateHandleError."""
        alice, bob = _account(1, "alice"), _account(2, "bob")
        _seed(store, alice, bob)
        with _write(store) as uow:
            with pytest.raises(DuplicateHandleError):
                uow.accounts.update(_account(2, "ALICE"))
            assert uow.accounts.get(_aid(2)) == bob
            assert uow.accounts.by_handle("bob") == bob
            assert uow.accounts.by_handle("alice") == alice

    def test_update_may_change_the_case_of_its_own_handle(self, store: Store) -> None:
        """An account may re-case its own handle."""
        _seed(store, _account(1, "alice"))
        with _write(store) as uow:
            uow.accounts.update(_account(1, "ALICE"))
        with _read(store) as uow:
            assert uow.accounts.get(_aid(1)).handle == "ALICE"
            assert uow.accounts.by_handle("alice") == _account(1, "ALICE")

    def test_rename_frees_the_old_handle(self, store: Store) -> None:
        """After a rename the old handle finds nobody and can be taken by another account."""
        _seed(store, _account(1, "alice"))
        with _write(store) as uow:
            uow.accounts.update(_account(1, "alicia"))
            assert uow.accounts.by_handle("alice") is None
            uow.accounts.add(_account(2, "Alice"))
        with _read(store) as uow:
            assert uow.accounts.by_handle("alice") == _account(2, "Alice")
            assert uow.accounts.by_handle("alicia") == _account(1, "alicia")

    def test_get_many_returns_only_existing_accounts(self, store: Store) -> None:
        """``get_many`` leaves out unknown ids and tolerates repeats."""
        _seed(store, *_accounts(1, 2, 3))
        with _read(store) as uow:
            found = uow.accounts.get_many([_aid(3), _aid(9), _aid(1), _aid(3)])
            assert found == {_aid(1): _account(1), _aid(3): _account(3)}
            assert uow.accounts.get_many([]) == {}

    def test_page_runs_by_id_ascending_after_the_cursor(self, store: Store) -> None:
        """``page`` is id-ascending; ``after`` is exclusive; ``limit`` caps the page."""
        _seed(store, *_accounts(5, 1, 9, 3, 7))
        with _read(store) as uow:
            assert [a.id for a in uow.accounts.page(limit=2)] == [1, 3]
            assert [a.id for a in uow.accounts.page(after=_aid(3), limit=2)] == [5, 7]
            assert [a.id for a in uow.accounts.page(after=_aid(4))] == [5, 7, 9]
            assert list(uow.accounts.page(after=_aid(9))) == []

    def test_count_counts_accounts(self, store: Store) -> None:
        """``count`` moves with every add within the unit and after commit."""
        with _write(store) as uow:
            assert uow.accounts.count() == 0
            uow.accounts.add(_account(1))
            uow.accounts.add(_account(2))
            assert uow.accounts.count() == 2
        with _read(store) as uow:
            assert uow.accounts.count() == 2

    def test_counters_of_unknown_account_are_zero(self, store: Store) -> None:
        """``counters`` of an unknown id are all zero."""
        with _read(store) as uow:
            assert uow.accounts.counters(_aid(77)) == AccountCounters()

    def test_account_counters_follow_posts_and_follows(self, store: Store) -> None:
        """followers, following and posts count what the unit wrote."""
        _seed(store, *_accounts(1, 2, 3))
        with _write(store) as uow:
            uow.relations.add_follow(_follow(1, 2))
            uow.relations.add_follow(_follow(3, 2))
            uow.posts.add(_post(1, 2))
            assert uow.accounts.counters(_aid(2)) == AccountCounters(
                followers=2, following=0, posts=1
            )
        with _read(store) as uow:
            assert uow.accounts.counters(_aid(1)) == AccountCounters(following=1)
            assert uow.accounts.counters(_aid(2)) == AccountCounters(followers=2, posts=1)

    @pytest.mark.parametrize("limit", [0, -1])
    def test_page_limit_below_one_is_refused(self, store: Store, limit: int) -> None:
        """``page(limit < 1)`` raises ValidationError."""
        with _read(store) as uow, pytest.raises(ValidationError):
            uow.accounts.page(limit=limit)

    def test_values_of_the_wrong_type_are_refused(self, store: Store) -> None:
        """Passing something that is not an Account, or a str id, raises ValidationError."""
        with _write(store) as uow:
            with pytest.raises(ValidationError):
                uow.accounts.add("alice")  # type: ignore[arg-type]
            with pytest.raises(ValidationError):
                uow.accounts.update(_post(1, 1))  # type: ignore[arg-type]
            with pytest.raises(ValidationError):
                uow.accounts.get("1")  # type: ignore[arg-type]
            with pytest.raises(ValidationError):
                uow.accounts.find(None)  # type: ignore[arg-type]
            assert uow.accounts.count() == 0


# --------------------------------------------------------------------------- posts


def _rich_original() -> Post:
    return _post(
        1,
        1,
        "Road closed on #Main street, see @user2 #Traffic",
        visibility=Visibility.PUBLIC,
        language="en",
        content_warning="traffic",
        attachments=(
            Media(
                kind=MediaKind.IMAGE,
                url="https://example.org/a.jpg",
                description="a closed road",
                width=640,
                height=480,
            ),
            Media(kind=MediaKind.VIDEO, url="https://example.org/b.mp4"),
            Location(latitude=31.2304, longitude=121.4737, name="上海"),
        ),
        mentions=(_aid(2),),
        tags=("main", "traffic"),
        reply_gate=ReplyGate(allow=(ReplyAudience.FOLLOWERS, ReplyAudience.MENTIONED)),
        quote_policy=QuotePolicy.FOLLOWERS,
    )


def _poll_post() -> Post:
    return _post(
        2,
        2,
        "Which way?",
        visibility=Visibility.UNLISTED,
        language="zh-Hans",
        attachments=(
            Poll(options=("left", "right", "向前"), expires_at=_at(3600), multiple=True),
            Location(latitude=-33.5, longitude=-70.25),
        ),
        reply_gate=ReplyGate.NOBODY,
        quote_policy=QuotePolicy.NOBODY,
    )


class PostRepositoryContract(ContractBase):
    """The guarantees of :class:`~microblog_core.ports.PostRepository`."""

    def test_every_kind_of_post_round_trips(self, store: Store) -> None:
        """Originals, polls, replies, quotes, reposts and direct posts read back equal."""
        original = _rich_original()
        poll = _poll_post()
        reply = _reply(
            3, 2, original, "@user1 thanks", mentions=(_aid(1),), tags=("Thanks",), language="en"
        )
        hidden_reply = Post(
            id=_pid(4),
            author_id=_aid(3),
            created_at=_at(4),
            text="spam",
            reply_to=reply.reply_to,
            hidden=True,
        )
        quote = _post(5, 3, "look at this", quote_of=original.id, visibility=Visibility.PRIVATE)
        repost = _repost(6, 2, original, comment="must read//@user1: road closed")
        repost_via = _repost(7, 3, repost, mentions=(_aid(2),), tags=("relay",))
        direct = _post(8, 1, "@user3 secret", visibility=Visibility.DIRECT, mentions=(_aid(3),))
        posts = [original, poll, reply, hidden_reply, quote, repost, repost_via, direct]
        _seed(store, *_accounts(1, 2, 3), *posts)
        with _read(store) as uow:
            for post in posts:
                assert uow.posts.get(post.id) == post
                assert uow.posts.find(post.id) == post
            assert uow.posts.get_many([p.id for p in posts]) == {p.id: p for p in posts}
            assert list(uow.posts.scan()) == posts
            assert uow.posts.count() == len(posts)

    def test_get_of_missing_post_raises_not_found(self, store: Store) -> None:
        """``get`` raises NotFoundError; ``find`` gives None; ``get_many`` leaves it out."""
        _seed(store, _account(1), _post(1, 1))
        with _read(store) as uow:
            with pytest.raises(NotFoundError):
                uow.posts.get(_pid(2))
            assert uow.posts.find(_pid(2)) is None
            assert uow.posts.get_many([_pid(1), _pid(2), _pid(1)]) == {_pid(1): _post(1, 1)}

    def test_add_with_taken_id_raises_conflict(self, store: Store) -> None:
        """A second post with a taken id is refused; the first stays and no counter moves."""
        _seed(store, *_accounts(1, 2), _post(1, 1, "first"))
        with _write(store) as uow:
            with pytest.raises(ConflictError):
                uow.posts.add(_post(1, 2, "second", tags=("x",)))
            assert uow.posts.get(_pid(1)).text == "first"
            assert uow.accounts.counters(_aid(2)).posts == 0
            assert list(uow.posts.with_tag("x")) == []
            assert list(uow.posts.by_author(_aid(2))) == []

    def test_add_for_missing_author_raises_not_found(self, store: Store) -> None:
        """A post by an unknown account is refused and leaves no trace in any index."""
        _seed(store, _account(1), _post(1, 1))
        orphan = _reply(2, 9, _post(1, 1), tags=("t",), mentions=(_aid(1),))
        with _write(store) as uow:
            with pytest.raises(NotFoundError):
                uow.posts.add(orphan)
            assert uow.posts.find(orphan.id) is None
            assert uow.posts.count() == 1
            assert list(uow.posts.replies_to(_pid(1))) == []
            assert list(uow.posts.with_tag("t")) == []
            assert list(uow.posts.mentioning(_aid(1))) == []
            assert uow.posts.counters(_pid(1)) == PostCounters()

    def test_second_repost_of_a_root_by_one_account_is_refused(self, store: Store) -> None:
        """One repost per (account, root), also when the second goes through another repost."""
        root = _post(1, 1)
        first = _repost(2, 2, root)
        relay = _repost(3, 3, root)
        _seed(store, *_accounts(1, 2, 3), root, first, relay)
        with _write(store) as uow:
            with pytest.raises(DuplicateRepostError):
                uow.posts.add(_repost(4, 2, root))
            with pytest.raises(DuplicateRepostError):
                uow.posts.add(_repost(5, 2, relay))
            assert uow.posts.counters(root.id).reposts == 2
            assert uow.accounts.counters(_aid(2)).posts == 1
            assert uow.posts.find(_pid(4)) is None

    def test_repost_is_allowed_again_after_unrepost(self, store: Store) -> None:
        """Removing a repost frees the (account, root) slot."""
        root = _post(1, 1)
        _seed(store, *_accounts(1, 2), root, _repost(2, 2, root))
        with _write(store) as uow:
            uow.posts.remove(_pid(2))
            assert uow.posts.repost_by(_aid(2), root.id) is None
            uow.posts.add(_repost(3, 2, root))
        with _read(store) as uow:
            assert uow.posts.repost_by(_aid(2), root.id) == _repost(3, 2, root)
            assert uow.posts.counters(root.id).reposts == 1

    def test_repost_by_finds_the_accounts_repost(self, store: Store) -> None:
        """``repost_by`` returns the repost of the root, including one made via a repost."""
        root = _post(1, 1)
        other = _post(2, 1)
        first = _repost(3, 2, root)
        via = _repost(4, 3, first)
        _seed(store, *_accounts(1, 2, 3), root, other, first, via)
        with _read(store) as uow:
            assert uow.posts.repost_by(_aid(2), root.id) == first
            assert uow.posts.repost_by(_aid(3), root.id) == via
            assert uow.posts.repost_by(_aid(3), first.id) is None
            assert uow.posts.repost_by(_aid(2), other.id) is None
            assert uow.posts.repost_by(_aid(1), root.id) is None

    def test_by_author_pages_newest_first_with_exclusive_bounds(self, store: Store) -> None:
        """``by_author`` holds reposts, runs newest first, and honours max_id, min_id, limit."""
        elsewhere = _post(1, 2)
        mine = [_post(n, 1) for n in (2, 3, 5, 6, 8)]
        repost = _repost(9, 1, elsewhere)
        _seed(store, *_accounts(1, 2), elsewhere, *mine, repost, _post(10, 2))
        with _read(store) as uow:
            by_author = uow.posts.by_author
            assert _ids(by_author(_aid(1))) == [_pid(n) for n in (9, 8, 6, 5, 3, 2)]
            assert _ids(by_author(_aid(1), limit=2)) == [_pid(9), _pid(8)]
            assert _ids(by_author(_aid(1), max_id=_pid(8), limit=2)) == [_pid(6), _pid(5)]
            assert _ids(by_author(_aid(1), min_id=_pid(5))) == [_pid(9), _pid(8), _pid(6)]
            assert _ids(by_author(_aid(1), min_id=_pid(3), limit=1)) == [_pid(9)]
            assert _ids(by_author(_aid(1), max_id=_pid(8), min_id=_pid(3))) == [_pid(6), _pid(5)]
            assert _ids(by_author(_aid(1), max_id=_pid(2))) == []
            assert _ids(by_author(_aid(1), max_id=_pid(6), min_id=_pid(5))) == []
            assert _ids(by_author(_aid(3))) == []

    def test_back_filled_posts_take_their_place_in_id_order(self, store: Store) -> None:
        """Posts added out of id order are still read in id order."""
        order = [7, 3, 9, 1, 5, 4, 8, 2, 6]
        _seed(store, _account(1), *[_post(n, 1) for n in order])
        with _read(store) as uow:
            assert _ids(uow.posts.by_author(_aid(1))) == [_pid(n) for n in range(9, 0, -1)]
            assert _ids(uow.posts.stream(_aid(1), ascending=True)) == [
                _pid(n) for n in range(1, 10)
            ]
            assert _ids(uow.posts.scan()) == [_pid(n) for n in range(1, 10)]

    def test_stream_runs_both_ways_within_bounds(self, store: Store) -> None:
        """``stream`` goes newest first, or oldest first with ascending=True, inside the bounds."""
        _seed(store, *_accounts(1, 2), *[_post(n, 1 + n % 2) for n in range(1, 13)])
        odd = [_pid(n) for n in range(1, 13, 2)]
        with _read(store) as uow:
            assert _ids(uow.posts.stream(_aid(2))) == odd[::-1]
            assert _ids(uow.posts.stream(_aid(2), ascending=True)) == odd
            assert _ids(uow.posts.stream(_aid(2), max_id=_pid(7), min_id=_pid(1))) == [
                _pid(5),
                _pid(3),
            ]
            assert _ids(
                uow.posts.stream(_aid(2), max_id=_pid(9), min_id=_pid(3), ascending=True)
            ) == [_pid(5), _pid(7)]
            assert _ids(uow.posts.stream(_aid(2), min_id=_pid(11))) == []
            assert _ids(uow.posts.stream(_aid(9))) == []

    def test_stream_is_a_lazy_iterator(self, store: Store) -> None:
        """``stream`` returns an iterator that can be read a few items at a time."""
        _seed(store, _account(1), *[_post(n, 1) for n in range(1, 301)])
        with _read(store) as uow:
            stream = uow.posts.stream(_aid(1))
            assert iter(stream) is stream
            assert _ids(itertools.islice(stream, 3)) == [_pid(300), _pid(299), _pid(298)]
            assert next(stream).id == _pid(297)
            rising = uow.posts.stream(_aid(1), min_id=_pid(100), ascending=True)
            assert _ids(itertools.islice(rising, 2)) == [_pid(101), _pid(102)]

    def test_replies_to_lists_direct_replies_oldest_first(self, store: Store) -> None:
        """``replies_to`` holds direct replies only, oldest first, up to ``limit``."""
        root = _post(1, 1)
        first = _reply(2, 2, root)
        nested = _reply(3, 1, first)
        second = _reply(4, 3, root)
        third = _reply(5, 2, root)
        _seed(store, *_accounts(1, 2, 3), root, third, first, nested, second)
        with _read(store) as uow:
            assert list(uow.posts.replies_to(root.id)) == [first, second, third]
            assert list(uow.posts.replies_to(root.id, limit=2)) == [first, second]
            assert list(uow.posts.replies_to(first.id)) == [nested]
            assert list(uow.posts.replies_to(nested.id)) == []

    def test_in_thread_lists_every_reply_under_the_root(self, store: Store) -> None:
        """``in_thread`` holds all replies with that root at any depth, oldest first."""
        root = _post(1, 1)
        other_root = _post(2, 2)
        first = _reply(3, 2, root)
        nested = _reply(4, 1, first)
        deeper = _reply(5, 3, nested)
        elsewhere = _reply(6, 1, other_root)
        _seed(store, *_accounts(1, 2, 3), root, other_root, deeper, first, nested, elsewhere)
        with _read(store) as uow:
            assert list(uow.posts.in_thread(root.id)) == [first, nested, deeper]
            assert list(uow.posts.in_thread(other_root.id)) == [elsewhere]
            assert list(uow.posts.in_thread(first.id)) == []

    def test_reposts_of_lists_reposts_of_the_root_oldest_first(self, store: Store) -> None:
        """``reposts_of`` holds reposts of the root, via reposts included, up to ``limit``."""
        root = _post(1, 1)
        first = _repost(2, 2, root)
        via = _repost(3, 3, first)
        last = _repost(4, 4, root)
        _seed(store, *_accounts(1, 2, 3, 4), root, last, via, first)
        with _read(store) as uow:
            assert list(uow.posts.reposts_of(root.id)) == [first, via, last]
            assert list(uow.posts.reposts_of(root.id, limit=1)) == [first]
            assert list(uow.posts.reposts_of(first.id)) == []

    def test_quotes_of_lists_quoting_posts_oldest_first(self, store: Store) -> None:
        """``quotes_of`` holds the posts quoting a post, oldest first, up to ``limit``."""
        quoted = _post(1, 1)
        quotes = [_post(n, 2, quote_of=quoted.id) for n in (2, 3, 4)]
        _seed(store, *_accounts(1, 2), quoted, *reversed(quotes), _post(5, 2))
        with _read(store) as uow:
            assert list(uow.posts.quotes_of(quoted.id)) == quotes
            assert list(uow.posts.quotes_of(quoted.id, limit=2)) == quotes[:2]
            assert list(uow.posts.quotes_of(_pid(5))) == []

    @pytest.mark.parametrize("limit", [0, -3])
    def test_list_limits_below_one_are_refused(self, store: Store, limit: int) -> None:
        """A ``limit`` below 1 raises ValidationError for every paged or limited query."""
        _seed(store, _account(1), _post(1, 1))
        with _read(store) as uow:
            posts = uow.posts
            calls: list[Callable[[], object]] = [
                lambda: posts.by_author(_aid(1), limit=limit),
                lambda: posts.replies_to(_pid(1), limit=limit),
                lambda: posts.reposts_of(_pid(1), limit=limit),
                lambda: posts.quotes_of(_pid(1), limit=limit),
                lambda: posts.with_tag("x", limit=limit),
                lambda: posts.mentioning(_aid(1), limit=limit),
                lambda: posts.public(limit=limit),
                lambda: posts.scan(limit=limit),
            ]
            for call in calls:
                with pytest.raises(ValidationError):
                    call()

    def test_with_tag_pages_newest_first_and_casefolds(self, store: Store) -> None:
        """``with_tag`` finds posts by casefolded tag, newest first, within bounds."""
        tagged = [_post(n, 1 + n % 2, tags=("Python", "py")) for n in (1, 2, 4, 5)]
        _seed(store, *_accounts(1, 2), *tagged, _post(3, 1, tags=("rust",)))
        with _read(store) as uow:
            assert _ids(uow.posts.with_tag("python")) == [_pid(5), _pid(4), _pid(2), _pid(1)]
            assert _ids(uow.posts.with_tag("PYTHON", limit=2)) == [_pid(5), _pid(4)]
            assert _ids(uow.posts.with_tag("py", max_id=_pid(5), min_id=_pid(1))) == [
                _pid(4),
                _pid(2),
            ]
            assert _ids(uow.posts.with_tag("rust")) == [_pid(3)]
            assert _ids(uow.posts.with_tag("go")) == []

    def test_mentioning_pages_newest_first(self, store: Store) -> None:
        """``mentioning`` finds posts whose mentions hold the account, within bounds."""
        posts = [
            _post(1, 1, mentions=(_aid(2),)),
            _post(2, 1, mentions=(_aid(3), _aid(2))),
            _post(3, 3, mentions=(_aid(1),)),
            _repost(4, 3, _post(1, 1), mentions=(_aid(2),)),
        ]
        _seed(store, *_accounts(1, 2, 3), *posts)
        with _read(store) as uow:
            assert _ids(uow.posts.mentioning(_aid(2))) == [_pid(4), _pid(2), _pid(1)]
            assert _ids(uow.posts.mentioning(_aid(2), max_id=_pid(4), limit=1)) == [_pid(2)]
            assert _ids(uow.posts.mentioning(_aid(2), min_id=_pid(2))) == [_pid(4)]
            assert _ids(uow.posts.mentioning(_aid(3))) == [_pid(2)]
            assert _ids(uow.posts.mentioning(_aid(4))) == []

    def test_public_leaves_out_replies_reposts_and_restricted_posts(self, store: Store) -> None:
        """``public`` holds public posts, and replies or reposts only when asked."""
        original = _post(1, 1)
        unlisted = _post(2, 1, visibility=Visibility.UNLISTED)
        private = _post(3, 1, visibility=Visibility.PRIVATE)
        direct = _post(4, 1, visibility=Visibility.DIRECT, mentions=(_aid(2),))
        reply = _reply(5, 2, original)
        repost = _repost(6, 2, original)
        quote = _post(7, 2, quote_of=original.id)
        private_reply = _reply(8, 2, original, visibility=Visibility.PRIVATE)
        _seed(store, *_accounts(1, 2), original, unlisted, private, direct, reply, repost, quote)
        _seed(store, private_reply)  # a second unit: indexes survive commits
        with _read(store) as uow:
            public = uow.posts.public
            assert _ids(public()) == [_pid(7), _pid(1)]
            assert _ids(public(include_replies=True)) == [_pid(7), _pid(5), _pid(1)]
            assert _ids(public(include_reposts=True)) == [_pid(7), _pid(6), _pid(1)]
            assert _ids(public(include_replies=True, include_reposts=True)) == [
                _pid(7),
                _pid(6),
                _pid(5),
                _pid(1),
            ]
            assert _ids(public(include_replies=True, include_reposts=True, limit=2)) == [
                _pid(7),
                _pid(6),
            ]
            assert _ids(
                public(include_replies=True, include_reposts=True, max_id=_pid(7), min_id=_pid(1))
            ) == [_pid(6), _pid(5)]

    def test_scan_runs_ascending_after_the_cursor(self, store: Store) -> None:
        """``scan`` returns every post by id ascending, ``after`` exclusive, up to ``limit``."""
        _seed(store, *_accounts(1, 2), *[_post(n, 1 + n % 2) for n in (4, 1, 3, 2, 5)])
        with _read(store) as uow:
            assert _ids(uow.posts.scan(limit=2)) == [_pid(1), _pid(2)]
            assert _ids(uow.posts.scan(after=_pid(2), limit=2)) == [_pid(3), _pid(4)]
            assert _ids(uow.posts.scan(after=_pid(4))) == [_pid(5)]
            assert _ids(uow.posts.scan(after=_pid(5))) == []

    def test_counters_move_on_add_and_remove(self, store: Store) -> None:
        """Author posts, parent replies, root reposts, quoted quotes and likes all move."""
        root = _post(1, 1)
        _seed(store, *_accounts(1, 2, 3), root)
        reply = _reply(2, 2, root)
        nested = _reply(3, 3, reply)
        repost = _repost(4, 2, root)
        via = _repost(5, 3, repost)
        quote = _post(6, 3, quote_of=root.id)
        with _write(store) as uow:
            for post in (reply, nested, repost, via, quote):
                uow.posts.add(post)
            uow.engagement.add_like(_like(2, root))
            uow.engagement.add_like(_like(3, root))
            uow.engagement.add_like(_like(1, reply))
        with _read(store) as uow:
            assert uow.posts.counters(root.id) == PostCounters(
                replies=1, reposts=2, quotes=1, likes=2
            )
            assert uow.posts.counters(reply.id) == PostCounters(replies=1, likes=1)
            assert uow.posts.counters(repost.id) == PostCounters()
            assert uow.accounts.counters(_aid(1)).posts == 1
            assert uow.accounts.counters(_aid(2)).posts == 2
            assert uow.accounts.counters(_aid(3)).posts == 3
        with _write(store) as uow:
            for post_id in (nested.id, via.id, quote.id):
                uow.posts.remove(post_id)
            uow.engagement.remove_like(_aid(3), root.id)
        with _read(store) as uow:
            assert uow.posts.counters(root.id) == PostCounters(replies=1, reposts=1, likes=1)
            assert uow.posts.counters(reply.id) == PostCounters(likes=1)
            assert uow.accounts.counters(_aid(3)).posts == 0
            assert uow.accounts.counters(_aid(2)).posts == 2

    def test_counters_of_unknown_post_are_zero(self, store: Store) -> None:
        """``counters`` of an unknown post id are all zero."""
        with _read(store) as uow:
            assert uow.posts.counters(_pid(5)) == PostCounters()

    def test_remove_returns_the_post_and_drops_it_from_every_index(self, store: Store) -> None:
        """A removed post is gone from get, streams, threads, tags, mentions, public and scan."""
        root = _post(1, 1)
        reply = _reply(2, 2, root, tags=("tag",), mentions=(_aid(1),))
        repost = _repost(3, 2, root)
        quote = _post(4, 2, quote_of=root.id, tags=("tag",))
        _seed(store, *_accounts(1, 2), root, reply, repost, quote)
        with _write(store) as uow:
            assert uow.posts.remove(reply.id) == reply
            assert uow.posts.remove(repost.id) == repost
            assert uow.posts.remove(quote.id) == quote
        with _read(store) as uow:
            for post in (reply, repost, quote):
                assert uow.posts.find(post.id) is None
                with pytest.raises(NotFoundError):
                    uow.posts.get(post.id)
            assert _ids(uow.posts.by_author(_aid(2))) == []
            assert _ids(uow.posts.stream(_aid(2))) == []
            assert list(uow.posts.replies_to(root.id)) == []
            assert list(uow.posts.in_thread(root.id)) == []
            assert list(uow.posts.reposts_of(root.id)) == []
            assert uow.posts.repost_by(_aid(2), root.id) is None
            assert list(uow.posts.quotes_of(root.id)) == []
            assert list(uow.posts.with_tag("tag")) == []
            assert list(uow.posts.mentioning(_aid(1))) == []
            assert _ids(uow.posts.public(include_replies=True, include_reposts=True)) == [root.id]
            assert _ids(uow.posts.scan()) == [root.id]
            assert uow.posts.count() == 1
            assert uow.posts.counters(root.id) == PostCounters()

    def test_remove_deletes_the_posts_likes(self, store: Store) -> None:
        """Removing a post removes its likes."""
        post = _post(1, 1)
        _seed(store, *_accounts(1, 2, 3), post, _like(2, post), _like(3, post))
        with _write(store) as uow:
            uow.posts.remove(post.id)
            assert uow.engagement.get_like(_aid(2), post.id) is None
            assert list(uow.engagement.likes_of(post.id)) == []
        with _read(store) as uow:
            assert uow.engagement.get_like(_aid(3), post.id) is None
            assert list(uow.engagement.likes_of(post.id)) == []
            assert uow.posts.counters(post.id) == PostCounters()

    def test_replies_stay_when_their_parent_is_removed(self, store: Store) -> None:
        """Removing a post leaves its replies stored and still listed under it."""
        root = _post(1, 1)
        reply = _reply(2, 2, root)
        _seed(store, *_accounts(1, 2), root, reply)
        with _write(store) as uow:
            uow.posts.remove(root.id)
        with _read(store) as uow:
            assert uow.posts.get(reply.id) == reply
            assert list(uow.posts.replies_to(root.id)) == [reply]
            assert list(uow.posts.in_thread(root.id)) == [reply]
            assert uow.accounts.counters(_aid(2)).posts == 1

    def test_remove_of_missing_post_raises_not_found(self, store: Store) -> None:
        """``remove`` of an unknown id raises NotFoundError."""
        with _write(store) as uow, pytest.raises(NotFoundError):
            uow.posts.remove(_pid(1))

    def test_update_replaces_mutable_facets_and_reindexes(self, store: Store) -> None:
        """``update`` stores the new state; tags, mentions and public follow; counters stay."""
        root = _post(1, 1, tags=("old",), mentions=(_aid(2),))
        reply = _reply(2, 2, root)
        _seed(store, *_accounts(1, 2, 3), root, reply, _like(2, root))
        new_root = Post.create(
            id=root.id,
            author_id=root.author_id,
            created_at=root.created_at,
            text="edited",
            visibility=Visibility.UNLISTED,
            tags=("new",),
            mentions=(_aid(3),),
            reply_gate=ReplyGate(allow=(ReplyAudience.FOLLOWING,)),
            quote_policy=QuotePolicy.NOBODY,
        )
        hidden = Post(
            id=reply.id,
            author_id=reply.author_id,
            created_at=reply.created_at,
            text=reply.text,
            reply_to=reply.reply_to,
            hidden=True,
        )
        with _write(store) as uow:
            uow.posts.update(new_root)
            uow.posts.update(hidden)
        with _read(store) as uow:
            assert uow.posts.get(root.id) == new_root
            assert uow.posts.get(reply.id) == hidden
            assert list(uow.posts.with_tag("old")) == []
            assert list(uow.posts.with_tag("new")) == [new_root]
            assert list(uow.posts.mentioning(_aid(2))) == []
            assert list(uow.posts.mentioning(_aid(3))) == [new_root]
            assert list(uow.posts.public()) == []
            assert list(uow.posts.by_author(_aid(1))) == [new_root]
            assert list(uow.posts.replies_to(root.id)) == [hidden]
            assert uow.posts.counters(root.id) == PostCounters(replies=1, likes=1)
            assert uow.accounts.counters(_aid(1)).posts == 1

    def test_update_of_missing_post_raises_not_found(self, store: Store) -> None:
        """``update`` of an unknown id raises NotFoundError and stores nothing."""
        _seed(store, _account(1))
        with _write(store) as uow:
            with pytest.raises(NotFoundError):
                uow.posts.update(_post(1, 1))
            assert uow.posts.count() == 0

    def test_update_cannot_change_author_or_kind(self, store: Store) -> None:
        """Changing author, reply_to, repost_of or quote_of raises ValidationError."""
        root = _post(1, 1)
        post = _post(2, 1)
        _seed(store, *_accounts(1, 2), root, post)
        changes = [
            _post(2, 2),
            _reply(2, 1, root),
            _repost(2, 1, root),
            _post(2, 1, quote_of=root.id),
        ]
        with _write(store) as uow:
            for changed in changes:
                with pytest.raises(ValidationError):
                    uow.posts.update(changed)
            assert uow.posts.get(post.id) == post
            assert uow.accounts.counters(_aid(2)).posts == 0

    def test_values_of_the_wrong_type_are_refused(self, store: Store) -> None:
        """Passing something that is not a Post, or a str id, raises ValidationError."""
        _seed(store, _account(1))
        with _write(store) as uow:
            with pytest.raises(ValidationError):
                uow.posts.add(_account(2))  # type: ignore[arg-type]
            with pytest.raises(ValidationError):
                uow.posts.update("post")  # type: ignore[arg-type]
            with pytest.raises(ValidationError):
                uow.posts.get("1")  # type: ignore[arg-type]
            with pytest.raises(ValidationError):
                uow.posts.by_author("1")  # type: ignore[arg-type]
            with pytest.raises(ValidationError):
                uow.posts.remove(1.5)  # type: ignore[arg-type]
            assert uow.posts.count() == 0

    @_PROPERTY
    @given(
        ns=st.sets(st.integers(1, 60), max_size=25),
        max_n=st.none() | st.integers(0, 62),
        min_n=st.none() | st.integers(0, 62),
        limit=st.integers(1, 30),
    )
    def test_author_pages_match_a_sorted_model(
        self, ns: set[int], max_n: int | None, min_n: int | None, limit: int
    ) -> None:
        """For any posts added in any order and any bounds, pages equal a sorted model."""
        max_id = None if max_n is None else _pid(max_n)
        min_id = None if min_n is None else _pid(min_n)
        inside = sorted(
            (
                _pid(n)
                for n in ns
                if (max_id is None or _pid(n) < max_id) and (min_id is None or _pid(n) > min_id)
            ),
            reverse=True,
        )
        store = self.make_store()
        try:
            _seed(store, *_accounts(1, 2), *[_post(n, 1, tags=("t",)) for n in ns])
            with _read(store) as uow:
                posts = uow.posts
                lo, hi = min_id, max_id
                assert (
                    _ids(posts.by_author(_aid(1), max_id=hi, min_id=lo, limit=limit))
                    == (inside[:limit])
                )
                assert (
                    _ids(posts.with_tag("t", max_id=hi, min_id=lo, limit=limit)) == (inside[:limit])
                )
                assert _ids(posts.public(max_id=hi, min_id=lo, limit=limit)) == inside[:limit]
                assert _ids(posts.stream(_aid(1), max_id=hi, min_id=lo)) == inside
                assert (
                    _ids(posts.stream(_aid(1), max_id=hi, min_id=lo, ascending=True))
                    == (inside[::-1])
                )
                assert _ids(posts.by_author(_aid(2), max_id=hi, min_id=lo, limit=limit)) == []
        finally:
            store.close()


class EarlierRepostsContract(ContractBase):
    """The guarantees of :class:`~microblog_core.ports.EarlierReposts`, an optional capability.

    Mix it into the test class of an adapter whose post repository offers the
    capability (it is not part of :class:`StoreContract`, which every adapter
    must pass): the answer must be the lowest id among :meth:`PostRepository.reposts_of
    <microblog_core.ports.PostRepository.reposts_of>` below an id by the
    accounts asked about, since a home page trusts it to stop reading ahead.
    """

    def test_the_post_repository_offers_the_capability(self, store: Store) -> None:
        """A store checked against this contract offers it, so the home timeline uses it."""
        with _read(store) as uow:
            assert offers(uow.posts, EarlierReposts)

    def test_earliest_repost_by_is_the_lowest_below_the_bound_by_those_accounts(
        self, store: Store
    ) -> None:
        """Only reposts below ``before_id`` by the accounts named; via reposts count."""
        root = _post(1, 1)
        first = _repost(2, 2, root)
        via = _repost(3, 3, first)
        last = _repost(5, 4, root)
        _seed(store, *_accounts(1, 2, 3, 4), root, last, via, first, _post(4, 2))
        with _read(store) as uow:
            posts = cast("EarlierReposts", uow.posts)
            assert posts.earliest_repost_by(root.id, last.id, {_aid(2), _aid(3)}) == first.id
            assert posts.earliest_repost_by(root.id, last.id, {_aid(3), _aid(4)}) == via.id
            assert posts.earliest_repost_by(root.id, _pid(9), [_aid(4)]) == last.id
            assert posts.earliest_repost_by(root.id, last.id, {_aid(4)}) is None
            assert posts.earliest_repost_by(root.id, first.id, {_aid(2)}) is None
            assert posts.earliest_repost_by(root.id, _pid(9), set()) is None
            assert posts.earliest_repost_by(first.id, _pid(9), {_aid(3)}) is None
            assert posts.earliest_repost_by(_pid(99), _pid(100), {_aid(2)}) is None

    def test_members_that_are_not_account_ids_match_nothing(self, store: Store) -> None:
        """Members equal to no account id match nothing, however the store looks."""
        root = _post(1, 1)
        reposts = [_repost(n, n, root) for n in (2, 3, 4)]
        _seed(store, *_accounts(1, 2, 3, 4), root, *reposts)
        with _read(store) as uow:
            posts = cast("EarlierReposts", uow.posts)
            odd: list[Any] = ["2", None, 2.5, -2, 0, float("nan")]
            assert posts.earliest_repost_by(root.id, _pid(9), odd) is None
            assert posts.earliest_repost_by(root.id, _pid(9), [*odd, _aid(3)]) == reposts[1].id
            assert posts.earliest_repost_by(root.id, _pid(9), {*odd, _aid(4)}) == reposts[2].id

    def test_earliest_repost_by_leaves_out_removed_reposts(self, store: Store) -> None:
        """A removed repost is gone from the answer in the same unit and after it."""
        root = _post(1, 1)
        first, second = _repost(2, 2, root), _repost(3, 3, root)
        _seed(store, *_accounts(1, 2, 3), root, first, second)
        who = {_aid(2), _aid(3)}
        with _write(store) as uow:
            uow.posts.remove(first.id)
            posts = cast("EarlierReposts", uow.posts)
            assert posts.earliest_repost_by(root.id, _pid(9), who) == second.id
        with _read(store) as uow:
            posts = cast("EarlierReposts", uow.posts)
            assert posts.earliest_repost_by(root.id, _pid(9), who) == second.id

    @pytest.mark.parametrize(
        ("root_id", "before_id", "authors"),
        [("1", 2, {2}), (1, None, {2}), (True, 2, {2}), (1, 2, None), (1, 2, 5), (1, 2, "23")],
    )
    def test_bad_arguments_are_refused(
        self, store: Store, root_id: object, before_id: object, authors: object
    ) -> None:
        """A bad id, or authors not a collection, raises ValidationError, nothing from inside."""
        with _read(store) as uow:
            posts = cast("EarlierReposts", uow.posts)
            with pytest.raises(ValidationError):
                posts.earliest_repost_by(root_id, before_id, authors)  # type: ignore[arg-type]

    @_PROPERTY
    @given(
        reposters=st.lists(st.integers(2, 9), unique=True, max_size=8),
        before_n=st.integers(1, 40),
        asked=st.sets(st.integers(1, 12), max_size=10),
    )
    def test_earliest_repost_by_equals_reposts_of_filtered(
        self, reposters: list[int], before_n: int, asked: set[int]
    ) -> None:
        """For any reposts, bound and accounts: the lowest of ``reposts_of`` that qualify."""
        root = _post(1, 1)
        reposts = [_repost(10 + 3 * i, a, root) for i, a in enumerate(reposters)]
        store = self.make_store()
        try:
            _seed(store, *_accounts(1, *range(2, 10)), root, *reversed(reposts))
            with _read(store) as uow:
                qualifying = [
                    p.id
                    for p in uow.posts.reposts_of(root.id)
                    if p.id < _pid(before_n) and p.author_id in asked
                ]
                answer = cast("EarlierReposts", uow.posts).earliest_repost_by(
                    root.id, _pid(before_n), {_aid(a) for a in asked}
                )
                assert answer == (min(qualifying) if qualifying else None)
        finally:
            store.close()


# --------------------------------------------------------------------------- relations


class RelationRepositoryContract(ContractBase):
    """The guarantees of :class:`~microblog_core.ports.RelationRepository`."""

    def test_follows_round_trip_with_their_options(self, store: Store) -> None:
        """A follow reads back equal from get_follow, followers_of and following_of."""
        plain = _follow(1, 2, at=5)
        choosy = _follow(1, 3, at=6, show_reposts=False, notify=True, languages=("pt", "en"))
        _seed(store, *_accounts(1, 2, 3), plain, choosy)
        with _read(store) as uow:
            assert uow.relations.get_follow(_aid(1), _aid(2)) == plain
            assert uow.relations.get_follow(_aid(1), _aid(3)) == choosy
            assert uow.relations.get_follow(_aid(2), _aid(1)) is None
            assert list(uow.relations.following_of(_aid(1))) == [plain, choosy]
            assert list(uow.relations.followers_of(_aid(3))) == [choosy]

    def test_refollow_replaces_options_without_moving_counters(self, store: Store) -> None:
        """Adding an existing follow replaces it; follower and following counts stay."""
        _seed(store, *_accounts(1, 2), _follow(1, 2, at=1))
        again = _follow(1, 2, at=9, show_reposts=False, languages=("de",))
        with _write(store) as uow:
            uow.relations.add_follow(again)
            assert uow.relations.get_follow(_aid(1), _aid(2)) == again
        with _read(store) as uow:
            assert uow.relations.get_follow(_aid(1), _aid(2)) == again
            assert list(uow.relations.followers_of(_aid(2))) == [again]
            assert uow.accounts.counters(_aid(1)) == AccountCounters(following=1)
            assert uow.accounts.counters(_aid(2)) == AccountCounters(followers=1)
        with _write(store) as uow:
            uow.relations.add_follow(_follow(1, 2, at=10))
        with _read(store) as uow:
            assert uow.relations.get_follow(_aid(1), _aid(2)) == _follow(1, 2, at=10)

    def test_follow_counters_move_on_add_and_remove(self, store: Store) -> None:
        """add_follow and remove_follow move both accounts' counters."""
        _seed(store, *_accounts(1, 2, 3))
        with _write(store) as uow:
            uow.relations.add_follow(_follow(1, 2))
            uow.relations.add_follow(_follow(3, 2))
            uow.relations.add_follow(_follow(2, 1))
        with _read(store) as uow:
            assert uow.accounts.counters(_aid(1)) == AccountCounters(followers=1, following=1)
            assert uow.accounts.counters(_aid(2)) == AccountCounters(followers=2, following=1)
            assert uow.accounts.counters(_aid(3)) == AccountCounters(following=1)
        with _write(store) as uow:
            assert uow.relations.remove_follow(_aid(3), _aid(2)) == _follow(3, 2)
            assert uow.relations.remove_follow(_aid(3), _aid(2)) is None
            assert uow.relations.remove_follow(_aid(1), _aid(3)) is None
        with _read(store) as uow:
            assert uow.accounts.counters(_aid(2)) == AccountCounters(followers=1, following=1)
            assert uow.accounts.counters(_aid(3)) == AccountCounters()
            assert uow.relations.get_follow(_aid(3), _aid(2)) is None

    def test_follow_pages_run_by_account_id_after_the_cursor(self, store: Store) -> None:
        """followers_of and following_of are id-ascending with an exclusive ``after``."""
        others = (9, 3, 7, 5, 4)
        _seed(
            store,
            *_accounts(1, *others),
            *[_follow(n, 1) for n in others],
            *[_follow(1, n) for n in others],
        )
        with _read(store) as uow:
            rel = uow.relations
            assert [f.follower_id for f in rel.followers_of(_aid(1))] == [3, 4, 5, 7, 9]
            assert [f.follower_id for f in rel.followers_of(_aid(1), limit=2)] == [3, 4]
            assert [f.follower_id for f in rel.followers_of(_aid(1), after=_aid(4), limit=2)] == [
                5,
                7,
            ]
            assert list(rel.followers_of(_aid(1), after=_aid(9))) == []
            assert [f.followee_id for f in rel.following_of(_aid(1), after=_aid(5))] == [7, 9]
            assert [f.followee_id for f in rel.following_of(_aid(1), limit=1)] == [3]
            assert _int_set(rel.follower_ids(_aid(1))) == set(others)
            assert _int_set(rel.following_ids(_aid(1))) == set(others)
            assert len(rel.follower_ids(_aid(1))) == len(others)
            assert _int_set(rel.follower_ids(_aid(3))) == {1}
            assert _int_set(rel.following_ids(_aid(8))) == set()

    def test_relations_need_both_accounts(self, store: Store) -> None:
        """Adding a follow, request, block or mute with a missing account raises NotFoundError."""
        _seed(store, _account(1))
        values: list[Follow | FollowRequest | Block | Mute] = [
            _follow(1, 2),
            _follow(2, 1),
            FollowRequest(follower_id=_aid(1), followee_id=_aid(2), created_at=T0),
            FollowRequest(follower_id=_aid(2), followee_id=_aid(1), created_at=T0),
            Block(blocker_id=_aid(1), blocked_id=_aid(2), created_at=T0),
            Block(blocker_id=_aid(2), blocked_id=_aid(1), created_at=T0),
            Mute(muter_id=_aid(1), muted_id=_aid(2), created_at=T0),
            Mute(muter_id=_aid(2), muted_id=_aid(1), created_at=T0),
        ]
        with _write(store) as uow:
            for value in values:
                with pytest.raises(NotFoundError):
                    _store_value(uow, value)
            assert uow.accounts.counters(_aid(1)) == AccountCounters()
            assert list(uow.relations.followers_of(_aid(1))) == []
            assert list(uow.relations.following_of(_aid(1))) == []
            assert list(uow.relations.requests_for(_aid(1))) == []
            assert _int_set(uow.relations.blocked_ids(_aid(1))) == set()
            assert _int_set(uow.relations.blocker_ids(_aid(1))) == set()
            assert _int_set(uow.relations.muted_ids(_aid(1), at=T0)) == set()

    def test_follow_requests_round_trip_and_page(self, store: Store) -> None:
        """Requests read back equal, replace, page by requester id, and move no counter."""
        requests = [
            FollowRequest(
                follower_id=_aid(n), followee_id=_aid(1), created_at=_at(n), notify=n == 3
            )
            for n in (4, 2, 3)
        ]
        _seed(store, *_accounts(1, 2, 3, 4), *requests)
        with _read(store) as uow:
            rel = uow.relations
            assert rel.get_request(_aid(3), _aid(1)) == requests[2]
            assert rel.get_request(_aid(1), _aid(3)) is None
            assert list(rel.requests_for(_aid(1))) == [requests[1], requests[2], requests[0]]
            assert list(rel.requests_for(_aid(1), after=_aid(2), limit=1)) == [requests[2]]
            assert list(rel.requests_for(_aid(2))) == []
            assert uow.accounts.counters(_aid(1)) == AccountCounters()
        again = FollowRequest(
            follower_id=_aid(2), followee_id=_aid(1), created_at=_at(50), languages=("ja",)
        )
        with _write(store) as uow:
            uow.relations.add_request(again)
            assert uow.relations.remove_request(_aid(4), _aid(1)) == requests[0]
            assert uow.relations.remove_request(_aid(4), _aid(1)) is None
        with _read(store) as uow:
            assert list(uow.relations.requests_for(_aid(1))) == [again, requests[2]]

    def test_blocks_round_trip_both_directions(self, store: Store) -> None:
        """Blocks read back, replace, and are listed from both ends."""
        blocks = [
            Block(blocker_id=_aid(1), blocked_id=_aid(2), created_at=_at(1)),
            Block(blocker_id=_aid(1), blocked_id=_aid(3), created_at=_at(2)),
            Block(blocker_id=_aid(3), blocked_id=_aid(2), created_at=_at(3)),
        ]
        _seed(store, *_accounts(1, 2, 3), *blocks)
        with _read(store) as uow:
            rel = uow.relations
            assert rel.get_block(_aid(1), _aid(2)) == blocks[0]
            assert rel.get_block(_aid(2), _aid(1)) is None
            assert _int_set(rel.blocked_ids(_aid(1))) == {2, 3}
            assert _int_set(rel.blocker_ids(_aid(2))) == {1, 3}
            assert _int_set(rel.blocker_ids(_aid(1))) == set()
        again = Block(blocker_id=_aid(1), blocked_id=_aid(2), created_at=_at(9))
        with _write(store) as uow:
            uow.relations.add_block(again)
            assert uow.relations.remove_block(_aid(3), _aid(2)) == blocks[2]
            assert uow.relations.remove_block(_aid(3), _aid(2)) is None
        with _read(store) as uow:
            assert uow.relations.get_block(_aid(1), _aid(2)) == again
            assert _int_set(uow.relations.blocker_ids(_aid(2))) == {1}
            assert _int_set(uow.relations.blocked_ids(_aid(3))) == set()

    def test_mutes_round_trip_with_expiry_and_notification_flag(self, store: Store) -> None:
        """A mute reads back equal with its expiry and hide_notifications."""
        timed = Mute(
            muter_id=_aid(1),
            muted_id=_aid(2),
            created_at=_at(0),
            expires_at=_at(100),
            hide_notifications=True,
        )
        forever = Mute(muter_id=_aid(1), muted_id=_aid(3), created_at=_at(5))
        _seed(store, *_accounts(1, 2, 3), timed, forever)
        with _read(store) as uow:
            assert uow.relations.get_mute(_aid(1), _aid(2)) == timed
            assert uow.relations.get_mute(_aid(1), _aid(3)) == forever
            assert uow.relations.get_mute(_aid(2), _aid(1)) is None

    def test_expired_mutes_are_left_out_at_a_given_time(self, store: Store) -> None:
        """With ``at``, a mute counts until (not including) its expiry; without, always."""
        timed = Mute(muter_id=_aid(1), muted_id=_aid(2), created_at=_at(0), expires_at=_at(100))
        forever = Mute(muter_id=_aid(1), muted_id=_aid(3), created_at=_at(0))
        _seed(store, *_accounts(1, 2, 3), timed, forever)
        with _read(store) as uow:
            rel = uow.relations
            assert rel.get_mute(_aid(1), _aid(2), at=_at(99)) == timed
            assert rel.get_mute(_aid(1), _aid(2), at=_at(100)) is None
            assert rel.get_mute(_aid(1), _aid(2), at=_at(101)) is None
            assert rel.get_mute(_aid(1), _aid(2)) == timed
            assert rel.get_mute(_aid(1), _aid(3), at=_at(10**6)) == forever
            assert _int_set(rel.muted_ids(_aid(1), at=_at(50))) == {2, 3}
            assert _int_set(rel.muted_ids(_aid(1), at=_at(100))) == {3}
            assert _int_set(rel.muted_ids(_aid(2), at=_at(50))) == set()

    def test_mutes_replace_and_remove(self, store: Store) -> None:
        """A second mute replaces the first (extending it); remove_mute returns it."""
        first = Mute(muter_id=_aid(1), muted_id=_aid(2), created_at=_at(0), expires_at=_at(10))
        longer = Mute(muter_id=_aid(1), muted_id=_aid(2), created_at=_at(5), expires_at=_at(99))
        _seed(store, *_accounts(1, 2), first)
        with _write(store) as uow:
            uow.relations.add_mute(longer)
        with _read(store) as uow:
            assert uow.relations.get_mute(_aid(1), _aid(2), at=_at(50)) == longer
            assert _int_set(uow.relations.muted_ids(_aid(1), at=_at(50))) == {2}
        with _write(store) as uow:
            assert uow.relations.remove_mute(_aid(1), _aid(2)) == longer
            assert uow.relations.remove_mute(_aid(1), _aid(2)) is None
        with _read(store) as uow:
            assert uow.relations.get_mute(_aid(1), _aid(2)) is None
            assert _int_set(uow.relations.muted_ids(_aid(1), at=_at(0))) == set()

    def test_values_of_the_wrong_type_are_refused(self, store: Store) -> None:
        """Passing the wrong relation value or a str id raises ValidationError."""
        _seed(store, *_accounts(1, 2))
        block = Block(blocker_id=_aid(1), blocked_id=_aid(2), created_at=T0)
        with _write(store) as uow:
            with pytest.raises(ValidationError):
                uow.relations.add_follow(block)  # type: ignore[arg-type]
            with pytest.raises(ValidationError):
                uow.relations.add_block(_follow(1, 2))  # type: ignore[arg-type]
            with pytest.raises(ValidationError):
                uow.relations.add_mute(block)  # type: ignore[arg-type]
            with pytest.raises(ValidationError):
                uow.relations.add_request(_follow(1, 2))  # type: ignore[arg-type]
            with pytest.raises(ValidationError):
                uow.relations.get_follow("1", _aid(2))  # type: ignore[arg-type]
            with pytest.raises(ValidationError):
                uow.relations.followers_of(_aid(1), limit=0)
            assert uow.accounts.counters(_aid(1)) == AccountCounters()
            assert uow.relations.get_block(_aid(1), _aid(2)) is None


class FollowOptionsHintContract(ContractBase):
    """The guarantees of :class:`~microblog_core.ports.FollowOptionsHint`, an optional capability.

    Mix it into the test class of an adapter whose relation repository offers
    the capability. ``False`` is a promise (every follow by the account has
    the default options, as the unit sees it), so a home page that trusts it
    asks no follow; ``True`` may be conservative.
    """

    def test_the_relation_repository_offers_the_capability(self, store: Store) -> None:
        """A store checked against this contract offers it, so the home timeline uses it."""
        with _read(store) as uow:
            assert offers(uow.relations, FollowOptionsHint)

    def test_plain_follows_and_unknown_accounts_have_no_options(self, store: Store) -> None:
        """Only default follows, or none at all: False."""
        _seed(store, *_accounts(1, 2, 3), _follow(1, 2), _follow(1, 3))
        with _read(store) as uow:
            relations = cast("FollowOptionsHint", uow.relations)
            assert not relations.has_follow_options(_aid(1))
            assert not relations.has_follow_options(_aid(2))
            assert not relations.has_follow_options(_aid(77))

    @pytest.mark.parametrize(
        "option",
        [{"show_reposts": False}, {"notify": True}, {"languages": ("de",)}],
        ids=["reposts hidden", "notify", "languages"],
    )
    def test_one_follow_with_an_option_is_reported(
        self, store: Store, option: dict[str, Any]
    ) -> None:
        """Any option other than the default, on any one follow: True, for that follower only."""
        _seed(store, *_accounts(1, 2, 3), _follow(1, 2), _follow(1, 3, **option), _follow(2, 3))
        with _read(store) as uow:
            relations = cast("FollowOptionsHint", uow.relations)
            assert relations.has_follow_options(_aid(1))
            assert not relations.has_follow_options(_aid(2))

    def test_the_answer_follows_writes_in_the_unit_and_rollbacks(self, store: Store) -> None:
        """Refollowing with defaults, unfollowing and rolling back keep the promise."""
        _seed(store, *_accounts(1, 2), _follow(1, 2, languages=("pt",)))
        with store.unit_of_work() as uow:
            uow.relations.add_follow(_follow(1, 2, at=3))
            assert not cast("FollowOptionsHint", uow.relations).has_follow_options(_aid(1))
            uow.rollback()
        with _read(store) as uow:
            assert cast("FollowOptionsHint", uow.relations).has_follow_options(_aid(1))
        with _write(store) as uow:
            uow.relations.remove_follow(_aid(1), _aid(2))
        with _read(store) as uow:
            assert not cast("FollowOptionsHint", uow.relations).has_follow_options(_aid(1))

    @_PROPERTY
    @given(
        follows=st.lists(
            st.tuples(
                st.integers(2, 6),
                st.booleans(),
                st.booleans(),
                st.sampled_from([(), ("en",), ("de", "pt")]),
                st.booleans(),
            ),
            max_size=12,
        )
    )
    def test_false_only_when_every_follow_has_the_defaults(
        self, follows: list[tuple[int, bool, bool, tuple[str, ...], bool]]
    ) -> None:
        """For any follows, refollows and unfollows: False means every follow left is plain."""
        store = self.make_store()
        try:
            _seed(store, *_accounts(1, 2, 3, 4, 5, 6))
            for at, (followee, show_reposts, notify, languages, keep) in enumerate(follows, 1):
                with _write(store) as uow:
                    uow.relations.add_follow(
                        _follow(
                            1,
                            followee,
                            at=at,
                            show_reposts=show_reposts,
                            notify=notify,
                            languages=languages,
                        )
                    )
                    if not keep:
                        uow.relations.remove_follow(_aid(1), _aid(followee))
            with _read(store) as uow:
                plain = all(
                    f.show_reposts and not f.notify and not f.languages
                    for f in uow.relations.following_of(_aid(1), limit=100)
                )
                if not cast("FollowOptionsHint", uow.relations).has_follow_options(_aid(1)):
                    assert plain
        finally:
            store.close()


# --------------------------------------------------------------------------- engagement


class EngagementRepositoryContract(ContractBase):
    """The guarantees of :class:`~microblog_core.ports.EngagementRepository`."""

    def test_likes_round_trip_and_page_by_account(self, store: Store) -> None:
        """Likes read back equal; likes_of runs by account id ascending after the cursor."""
        post = _post(1, 1)
        likes = [_like(n, post, at=n) for n in (5, 2, 4, 3)]
        _seed(store, *_accounts(1, 2, 3, 4, 5), post, *likes)
        by_account = sorted(likes, key=lambda like: like.account_id)
        with _read(store) as uow:
            eng = uow.engagement
            assert eng.get_like(_aid(4), post.id) == likes[2]
            assert eng.get_like(_aid(1), post.id) is None
            assert list(eng.likes_of(post.id)) == by_account
            assert list(eng.likes_of(post.id, limit=2)) == by_account[:2]
            assert list(eng.likes_of(post.id, after=_aid(3))) == by_account[2:]
            assert list(eng.likes_of(post.id, after=_aid(5))) == []
            assert list(eng.likes_of(_pid(9))) == []
            assert uow.posts.counters(post.id).likes == 4

    def test_second_like_raises_conflict(self, store: Store) -> None:
        """One like per (account, post); the second is refused and the count stays."""
        post = _post(1, 1)
        _seed(store, *_accounts(1, 2), post, _like(2, post, at=1))
        with _write(store) as uow:
            with pytest.raises(ConflictError):
                uow.engagement.add_like(_like(2, post, at=2))
            assert uow.engagement.get_like(_aid(2), post.id) == _like(2, post, at=1)
            assert uow.posts.counters(post.id).likes == 1

    def test_like_needs_account_and_post(self, store: Store) -> None:
        """A like by a missing account or of a missing post raises NotFoundError."""
        post = _post(1, 1)
        _seed(store, _account(1), post)
        with _write(store) as uow:
            with pytest.raises(NotFoundError):
                uow.engagement.add_like(_like(2, post))
            with pytest.raises(NotFoundError):
                uow.engagement.add_like(_like(1, _pid(2)))
            assert list(uow.engagement.likes_of(post.id)) == []
            assert uow.posts.counters(post.id).likes == 0

    def test_remove_like_returns_it_and_moves_the_counter(self, store: Store) -> None:
        """remove_like returns the like (or None) and keeps ``likes`` in step."""
        post = _post(1, 1)
        _seed(store, *_accounts(1, 2, 3), post, _like(2, post), _like(3, post))
        with _write(store) as uow:
            assert uow.engagement.remove_like(_aid(2), post.id) == _like(2, post)
            assert uow.engagement.remove_like(_aid(2), post.id) is None
            assert uow.engagement.remove_like(_aid(1), _pid(7)) is None
            assert uow.posts.counters(post.id).likes == 1
        with _read(store) as uow:
            assert uow.posts.counters(post.id).likes == 1
            assert list(uow.engagement.likes_of(post.id)) == [_like(3, post)]

    def test_a_removed_like_can_be_given_again(self, store: Store) -> None:
        """After remove_like the same account may like the post again."""
        post = _post(1, 1)
        _seed(store, *_accounts(1, 2), post, _like(2, post, at=1))
        with _write(store) as uow:
            uow.engagement.remove_like(_aid(2), post.id)
            uow.engagement.add_like(_like(2, post, at=5))
        with _read(store) as uow:
            assert uow.engagement.get_like(_aid(2), post.id) == _like(2, post, at=5)
            assert uow.posts.counters(post.id).likes == 1

    def test_values_of_the_wrong_type_are_refused(self, store: Store) -> None:
        """A non-Like value, a str id or a limit below 1 raises ValidationError."""
        post = _post(1, 1)
        _seed(store, *_accounts(1, 2), post)
        with _write(store) as uow:
            with pytest.raises(ValidationError):
                uow.engagement.add_like(_follow(2, 1))  # type: ignore[arg-type]
            with pytest.raises(ValidationError):
                uow.engagement.get_like(_aid(2), "1")  # type: ignore[arg-type]
            with pytest.raises(ValidationError):
                uow.engagement.likes_of(post.id, limit=0)
            assert uow.posts.counters(post.id).likes == 0


# --------------------------------------------------------------------------- feeds


def _feed_ids(*ns: int) -> list[PostId]:
    return [_pid(n) for n in ns]


class FeedRepositoryContract(ContractBase):
    """The guarantees of :class:`~microblog_core.ports.FeedRepository`."""

    def test_insert_fans_one_post_out_to_every_reader(self, store: Store) -> None:
        """``insert`` adds the post to each reader's feed; feeds read newest first."""
        with _write(store) as uow:
            uow.feeds.insert([_aid(1), _aid(2)], _pid(1), _aid(9), cap=_CAP)
            uow.feeds.insert([_aid(2), _aid(3)], _pid(3), _aid(9), cap=_CAP)
            uow.feeds.insert([_aid(2)], _pid(2), _aid(8), cap=_CAP)
        with _read(store) as uow:
            assert list(uow.feeds.read(_aid(1))) == _feed_ids(1)
            assert list(uow.feeds.read(_aid(2))) == _feed_ids(3, 2, 1)
            assert list(uow.feeds.read(_aid(3))) == _feed_ids(3)
            assert list(uow.feeds.read(_aid(4))) == []
            assert uow.feeds.size(_aid(2)) == 3
            assert uow.feeds.size(_aid(4)) == 0

    def test_a_post_appears_once_per_feed(self, store: Store) -> None:
        """Inserting or merging a post already in the feed keeps a single entry."""
        with _write(store) as uow:
            uow.feeds.insert([_aid(1)], _pid(1), _aid(9), cap=_CAP)
            uow.feeds.insert([_aid(1), _aid(1)], _pid(1), _aid(9), cap=_CAP)
            uow.feeds.merge(_aid(1), [(_pid(1), _aid(9)), (_pid(2), _aid(9))], cap=_CAP)
            uow.feeds.merge(_aid(1), [(_pid(2), _aid(9)), (_pid(2), _aid(9))], cap=_CAP)
        with _read(store) as uow:
            assert list(uow.feeds.read(_aid(1))) == _feed_ids(2, 1)
            assert uow.feeds.size(_aid(1)) == 2

    def test_insert_beyond_the_cap_drops_the_oldest(self, store: Store) -> None:
        """A feed keeps the newest ``cap`` entries; an older newcomer is not kept."""
        with _write(store) as uow:
            for n in (2, 4, 6):
                uow.feeds.insert([_aid(1)], _pid(n), _aid(9), cap=3)
            uow.feeds.insert([_aid(1)], _pid(7), _aid(9), cap=3)
            assert list(uow.feeds.read(_aid(1))) == _feed_ids(7, 6, 4)
            uow.feeds.insert([_aid(1)], _pid(5), _aid(9), cap=3)
            assert list(uow.feeds.read(_aid(1))) == _feed_ids(7, 6, 5)
            uow.feeds.insert([_aid(1)], _pid(1), _aid(9), cap=3)
        with _read(store) as uow:
            assert list(uow.feeds.read(_aid(1))) == _feed_ids(7, 6, 5)
            assert uow.feeds.size(_aid(1)) == 3

    def test_a_smaller_cap_trims_the_feed(self, store: Store) -> None:
        """The cap of the last write wins: a smaller cap trims older entries."""
        with _write(store) as uow:
            uow.feeds.merge(_aid(1), [(_pid(n), _aid(9)) for n in range(1, 11)], cap=_CAP)
            assert uow.feeds.size(_aid(1)) == 10
            uow.feeds.insert([_aid(1)], _pid(11), _aid(9), cap=4)
        with _read(store) as uow:
            assert list(uow.feeds.read(_aid(1))) == _feed_ids(11, 10, 9, 8)

    def test_merge_adds_many_entries_and_trims(self, store: Store) -> None:
        """``merge`` interleaves entries by id with the feed and keeps the newest ``cap``."""
        with _write(store) as uow:
            uow.feeds.insert([_aid(1)], _pid(5), _aid(8), cap=_CAP)
            uow.feeds.merge(_aid(1), [(_pid(n), _aid(9)) for n in (9, 1, 7, 3, 6, 2)], cap=5)
        with _read(store) as uow:
            assert list(uow.feeds.read(_aid(1))) == _feed_ids(9, 7, 6, 5, 3)
            assert list(uow.feeds.read(_aid(2))) == []

    def test_remove_posts_drops_them_from_the_given_readers(self, store: Store) -> None:
        """``remove_posts`` affects only the readers named."""
        with _write(store) as uow:
            for n in (1, 2, 3):
                uow.feeds.insert([_aid(1), _aid(2), _aid(3)], _pid(n), _aid(9), cap=_CAP)
            uow.feeds.remove_posts([_aid(1), _aid(2)], [_pid(2), _pid(3), _pid(7)])
            uow.feeds.remove_posts([_aid(4)], [_pid(1)])
        with _read(store) as uow:
            assert list(uow.feeds.read(_aid(1))) == _feed_ids(1)
            assert list(uow.feeds.read(_aid(2))) == _feed_ids(1)
            assert list(uow.feeds.read(_aid(3))) == _feed_ids(3, 2, 1)

    def test_remove_author_drops_every_entry_by_that_author(self, store: Store) -> None:
        """``remove_author`` drops one author's entries from one reader's feed."""
        with _write(store) as uow:
            for n in range(1, 7):
                uow.feeds.insert([_aid(1), _aid(2)], _pid(n), _aid(10 + n % 2), cap=_CAP)
            uow.feeds.remove_author(_aid(1), _aid(11))
            uow.feeds.remove_author(_aid(1), _aid(99))
        with _read(store) as uow:
            assert list(uow.feeds.read(_aid(1))) == _feed_ids(6, 4, 2)
            assert list(uow.feeds.read(_aid(2))) == _feed_ids(6, 5, 4, 3, 2, 1)
            assert uow.feeds.size(_aid(1)) == 3

    def test_read_honours_bounds_limit_and_direction(self, store: Store) -> None:
        """``read`` pages newest first or oldest first, with exclusive max_id and min_id."""
        with _write(store) as uow:
            uow.feeds.merge(_aid(1), [(_pid(n), _aid(9)) for n in range(1, 11)], cap=_CAP)
        with _read(store) as uow:
            read = uow.feeds.read
            assert list(read(_aid(1), limit=3)) == _feed_ids(10, 9, 8)
            assert list(read(_aid(1), max_id=_pid(8), limit=3)) == _feed_ids(7, 6, 5)
            assert list(read(_aid(1), min_id=_pid(7))) == _feed_ids(10, 9, 8)
            assert list(read(_aid(1), min_id=_pid(3), limit=2)) == _feed_ids(10, 9)
            assert list(read(_aid(1), min_id=_pid(3), limit=2, ascending=True)) == _feed_ids(4, 5)
            assert list(read(_aid(1), ascending=True, limit=3)) == _feed_ids(1, 2, 3)
            assert list(read(_aid(1), max_id=_pid(6), min_id=_pid(2))) == _feed_ids(5, 4, 3)
            assert list(read(_aid(1), max_id=_pid(6), min_id=_pid(2), ascending=True)) == (
                _feed_ids(3, 4, 5)
            )
            assert list(read(_aid(1), max_id=_pid(1))) == []
            assert list(read(_aid(1), min_id=_pid(10))) == []

    def test_clear_empties_one_feed(self, store: Store) -> None:
        """``clear`` empties the reader's feed and no other."""
        with _write(store) as uow:
            uow.feeds.insert([_aid(1), _aid(2)], _pid(1), _aid(9), cap=_CAP)
            uow.feeds.clear(_aid(1))
            uow.feeds.clear(_aid(3))
        with _read(store) as uow:
            assert list(uow.feeds.read(_aid(1))) == []
            assert uow.feeds.size(_aid(1)) == 0
            assert list(uow.feeds.read(_aid(2))) == _feed_ids(1)
        with _write(store) as uow:
            uow.feeds.insert([_aid(1)], _pid(2), _aid(9), cap=_CAP)
        with _read(store) as uow:
            assert list(uow.feeds.read(_aid(1))) == _feed_ids(2)

    @pytest.mark.parametrize("bad", [0, -5])
    def test_caps_and_limits_below_one_are_refused(self, store: Store, bad: int) -> None:
        """A cap or limit below 1 raises ValidationError and writes nothing."""
        with _write(store) as uow:
            with pytest.raises(ValidationError):
                uow.feeds.insert([_aid(1)], _pid(1), _aid(9), cap=bad)
            with pytest.raises(ValidationError):
                uow.feeds.merge(_aid(1), [(_pid(1), _aid(9))], cap=bad)
            with pytest.raises(ValidationError):
                uow.feeds.read(_aid(1), limit=bad)
            assert uow.feeds.size(_aid(1)) == 0

    def test_values_of_the_wrong_type_are_refused(self, store: Store) -> None:
        """Str ids raise ValidationError and write nothing."""
        with _write(store) as uow:
            with pytest.raises(ValidationError):
                uow.feeds.insert(["1"], _pid(1), _aid(9), cap=_CAP)  # type: ignore[list-item]
            with pytest.raises(ValidationError):
                uow.feeds.insert([_aid(1)], "1", _aid(9), cap=_CAP)  # type: ignore[arg-type]
            with pytest.raises(ValidationError):
                uow.feeds.read("1")  # type: ignore[arg-type]
            assert uow.feeds.size(_aid(1)) == 0

    @_PROPERTY
    @given(
        ops=st.lists(
            st.tuples(
                st.integers(0, 4),
                st.integers(1, 3),
                st.lists(st.integers(1, 40), min_size=1, max_size=6),
                st.integers(1, 8),
            ),
            max_size=25,
        )
    )
    def test_feeds_match_a_simple_model(self, ops: list[tuple[int, int, list[int], int]]) -> None:
        """For any sequence of feed writes, every feed equals a dict-based model."""
        model: dict[int, dict[int, int]] = {1: {}, 2: {}, 3: {}}

        def author(n: int) -> int:
            return n % 3 + 1

        store = self.make_store()
        try:
            with _write(store) as uow:
                for kind, reader, numbers, cap in ops:
                    feed = model[reader]
                    if kind == 0:
                        uow.feeds.insert(
                            [_aid(reader)], _pid(numbers[0]), _aid(author(numbers[0])), cap=cap
                        )
                        feed.setdefault(numbers[0], author(numbers[0]))
                    elif kind == 1:
                        uow.feeds.merge(
                            _aid(reader), [(_pid(n), _aid(author(n))) for n in numbers], cap=cap
                        )
                        for n in numbers:
                            feed.setdefault(n, author(n))
                    elif kind == 2:
                        uow.feeds.remove_posts([_aid(reader)], [_pid(n) for n in numbers])
                        for n in numbers:
                            feed.pop(n, None)
                    elif kind == 3:
                        uow.feeds.remove_author(_aid(reader), _aid(author(cap)))
                        for n in [n for n, a in feed.items() if a == author(cap)]:
                            del feed[n]
                    else:
                        uow.feeds.clear(_aid(reader))
                        feed.clear()
                    if kind in (0, 1):
                        for n in sorted(feed)[: max(0, len(feed) - cap)]:
                            del feed[n]
            with _read(store) as uow:
                for reader, feed in model.items():
                    expected = sorted(feed, reverse=True)
                    assert list(uow.feeds.read(_aid(reader), limit=100)) == _feed_ids(*expected)
                    assert uow.feeds.size(_aid(reader)) == len(expected)
        finally:
            store.close()


# --------------------------------------------------------------------------- argument checks

# The classes every adapter raises for a bad argument, by the kind of argument
# (the table of ``microblog_core._checks``). Each entry: what the bad value is,
# the value, and the exact class expected.
_NAIVE = datetime(2026, 1, 1)  # a naive datetime: the point of the case
_BAD_ID = (
    ("a str", "1", InvalidIdError),
    ("a bool", True, InvalidIdError),
    ("a float", 1.0, InvalidIdError),
    ("None", None, InvalidIdError),
)
_BAD_VALUES: dict[str, tuple[tuple[str, object, type[MicroblogError]], ...]] = {
    "id": _BAD_ID,
    "stored_id": (
        *_BAD_ID,
        ("zero", 0, InvalidIdError),
        ("negative", -1, InvalidIdError),
        ("above 2**63 - 1", 1 << 63, InvalidIdError),
    ),
    "cursor": (
        ("a str", "1", InvalidIdError),
        ("a bool", True, InvalidIdError),
        ("a float", 1.0, InvalidIdError),
    ),
    "limit": (
        ("zero", 0, ValidationError),
        ("negative", -3, ValidationError),
        ("a bool", True, ValidationError),
        ("a float", 2.0, ValidationError),
        ("a str", "5", ValidationError),
        ("None", None, ValidationError),
    ),
    "optional_limit": (
        ("zero", 0, ValidationError),
        ("a bool", True, ValidationError),
        ("a str", "5", ValidationError),
    ),
    "ids": (
        ("an int", 5, ValidationError),
        ("a str", "12", ValidationError),
        ("None", None, ValidationError),
        ("a str id inside", ["1"], InvalidIdError),
        ("a bool id inside", [True], InvalidIdError),
    ),
    "stored_ids": (
        ("an int", 5, ValidationError),
        ("a str", "12", ValidationError),
        ("None", None, ValidationError),
        ("a str id inside", ["1"], InvalidIdError),
        ("a bool id inside", [True], InvalidIdError),
        ("a zero id inside", [0], InvalidIdError),
    ),
    "text": (
        ("an int", 5, ValidationError),
        ("None", None, ValidationError),
        ("bytes", b"x", ValidationError),
    ),
    "value": (
        ("a str", "x", ValidationError),
        ("None", None, ValidationError),
        ("a dict", {"id": 1}, ValidationError),
    ),
    "instant": (
        ("a naive datetime", _NAIVE, NaiveDatetimeError),
        ("a str", "2026-01-01", ValidationError),
    ),
    "entries": (
        ("an int", 5, ValidationError),
        ("a str", "12", ValidationError),
        ("not a pair", [(1,)], ValidationError),
        ("a str post id", [("1", 1)], InvalidIdError),
        ("a zero post id", [(0, 1)], InvalidIdError),
        ("a bool author id", [(1, True)], InvalidIdError),
    ),
}

# Each method: (repository, method, writes?, parameters). A parameter is
# (name, kind, a valid value); a name starting with "*" is keyword-only.
_Param = tuple[str, str, object]


def _pair(first: str, second: str) -> tuple[_Param, ...]:
    return ((first, "id", 1), (second, "id", 2))


_PAGE_PARAMS: tuple[_Param, ...] = (
    ("*max_id", "cursor", None),
    ("*min_id", "cursor", None),
    ("*limit", "limit", 5),
)
_LISTING: tuple[_Param, ...] = (
    ("account_id", "id", 1),
    ("*after", "cursor", None),
    ("*limit", "limit", 5),
)
_METHODS: tuple[tuple[str, str, bool, tuple[_Param, ...]], ...] = (
    ("accounts", "add", True, (("account", "value", None),)),
    ("accounts", "update", True, (("account", "value", None),)),
    ("accounts", "get", False, (("account_id", "id", 1),)),
    ("accounts", "find", False, (("account_id", "id", 1),)),
    ("accounts", "by_handle", False, (("handle", "text", "a"),)),
    ("accounts", "get_many", False, (("account_ids", "ids", [1]),)),
    ("accounts", "page", False, (("*after", "cursor", None), ("*limit", "limit", 5))),
    ("accounts", "counters", False, (("account_id", "id", 1),)),
    ("posts", "add", True, (("post", "value", None),)),
    ("posts", "update", True, (("post", "value", None),)),
    ("posts", "remove", True, (("post_id", "id", 1),)),
    ("posts", "get", False, (("post_id", "id", 1),)),
    ("posts", "find", False, (("post_id", "id", 1),)),
    ("posts", "get_many", False, (("post_ids", "ids", [1]),)),
    *(
        ("posts", name, False, ((key, kind, valid), *_PAGE_PARAMS))
        for name, key, kind, valid in (
            ("by_author", "author_id", "id", 1),
            ("with_tag", "tag", "text", "x"),
            ("mentioning", "account_id", "id", 1),
        )
    ),
    (
        "posts",
        "stream",
        False,
        (("author_id", "id", 1), ("*max_id", "cursor", None), ("*min_id", "cursor", None)),
    ),
    ("posts", "replies_to", False, (("post_id", "id", 1), ("*limit", "optional_limit", None))),
    ("posts", "in_thread", False, (("root_id", "id", 1),)),
    ("posts", "reposts_of", False, (("root_id", "id", 1), ("*limit", "optional_limit", None))),
    ("posts", "repost_by", False, (("account_id", "id", 1), ("root_id", "id", 1))),
    ("posts", "quotes_of", False, (("post_id", "id", 1), ("*limit", "optional_limit", None))),
    ("posts", "public", False, _PAGE_PARAMS),
    ("posts", "scan", False, (("*after", "cursor", None), ("*limit", "limit", 5))),
    ("posts", "counters", False, (("post_id", "id", 1),)),
    ("relations", "add_follow", True, (("follow", "value", None),)),
    ("relations", "remove_follow", True, _pair("follower_id", "followee_id")),
    ("relations", "get_follow", False, _pair("follower_id", "followee_id")),
    ("relations", "followers_of", False, _LISTING),
    ("relations", "following_of", False, _LISTING),
    ("relations", "follower_ids", False, (("account_id", "id", 1),)),
    ("relations", "following_ids", False, (("account_id", "id", 1),)),
    ("relations", "add_request", True, (("request", "value", None),)),
    ("relations", "remove_request", True, _pair("follower_id", "followee_id")),
    ("relations", "get_request", False, _pair("follower_id", "followee_id")),
    ("relations", "requests_for", False, _LISTING),
    ("relations", "add_block", True, (("block", "value", None),)),
    ("relations", "remove_block", True, _pair("blocker_id", "blocked_id")),
    ("relations", "get_block", False, _pair("blocker_id", "blocked_id")),
    ("relations", "blocked_ids", False, (("blocker_id", "id", 1),)),
    ("relations", "blocker_ids", False, (("blocked_id", "id", 1),)),
    ("relations", "add_mute", True, (("mute", "value", None),)),
    ("relations", "remove_mute", True, _pair("muter_id", "muted_id")),
    (
        "relations",
        "get_mute",
        False,
        (*_pair("muter_id", "muted_id"), ("*at", "instant", None)),
    ),
    ("relations", "muted_ids", False, (("muter_id", "id", 1), ("*at", "instant", T0))),
    ("engagement", "add_like", True, (("like", "value", None),)),
    ("engagement", "remove_like", True, _pair("account_id", "post_id")),
    ("engagement", "get_like", False, _pair("account_id", "post_id")),
    ("engagement", "likes_of", False, (("post_id", "id", 1), *_LISTING[1:])),
    (
        "feeds",
        "insert",
        True,
        (
            ("reader_ids", "stored_ids", [1]),
            ("post_id", "stored_id", 1),
            ("author_id", "stored_id", 1),
            ("*cap", "limit", 5),
        ),
    ),
    (
        "feeds",
        "merge",
        True,
        (("reader_id", "stored_id", 1), ("entries", "entries", [(1, 1)]), ("*cap", "limit", 5)),
    ),
    ("feeds", "remove_posts", True, (("reader_ids", "ids", [1]), ("post_ids", "ids", [1]))),
    ("feeds", "remove_author", True, _pair("reader_id", "author_id")),
    ("feeds", "read", False, (("reader_id", "id", 1), *_PAGE_PARAMS)),
    ("feeds", "size", False, (("reader_id", "id", 1),)),
    ("feeds", "clear", True, (("reader_id", "id", 1),)),
    ("bookmarks", "add", True, (("bookmark", "value", None),)),
    ("bookmarks", "remove", True, _pair("account_id", "post_id")),
    ("bookmarks", "find", False, _pair("account_id", "post_id")),
    ("bookmarks", "page", False, (("account_id", "id", 1), *_PAGE_PARAMS)),
    ("bookmarks", "remove_post", True, (("post_id", "id", 1),)),
    ("filters", "add", True, (("filter_", "value", None),)),
    ("filters", "update", True, (("filter_", "value", None),)),
    ("filters", "find", False, (("filter_id", "id", 1),)),
    ("filters", "remove", True, _pair("account_id", "filter_id")),
    ("filters", "of_account", False, (("account_id", "id", 1),)),
    ("filters", "remove_post", True, (("post_id", "id", 1),)),
)


def _argument_cases() -> list[Any]:
    """One pytest param per (method, parameter, bad value), named for all three."""
    cases = []
    for repository, method, writes, params in _METHODS:
        for position, (name, kind, _) in enumerate(params):
            for what, bad, expected in _BAD_VALUES[kind]:
                case = (repository, method, writes, params, position, bad, expected)
                label = f"{repository}.{method}-{name.lstrip('*')}-{what}"
                cases.append(pytest.param(case, id=label))
    return cases


def _call_with(uow: UnitOfWork, case: tuple[Any, ...]) -> None:
    repository, method, _, params, position, bad, _ = case
    args: list[object] = []
    kwargs: dict[str, object] = {}
    for index, (name, _kind, valid) in enumerate(params):
        value = bad if index == position else valid
        if name.startswith("*"):
            kwargs[name[1:]] = value
        else:
            args.append(value)
    result = getattr(getattr(uow, repository), method)(*args, **kwargs)
    if isinstance(result, Iterator):  # a lazy stream may check on its first step
        next(result, None)


class ArgumentContract(ContractBase):
    """Each bad argument of each repository method raises exactly the class of its kind.

    The classes are those of :mod:`microblog_core._checks` (its docstring has
    the table): an id of the wrong type, a bool id, an id to store outside
    ``1..2**63 - 1`` or a bad paging cursor raise
    :class:`~microblog_core.errors.InvalidIdError`; a naive instant
    :class:`~microblog_core.errors.NaiveDatetimeError`; a bad limit, cap,
    collection, str or value :class:`~microblog_core.errors.ValidationError`.
    The class must be exactly that one (``type(error) is``), not a subclass,
    so every adapter answers a mistake alike.
    """

    @pytest.mark.parametrize("case", _argument_cases())
    def test_a_bad_argument_raises_exactly_the_class_of_its_kind(
        self, store: Store, case: tuple[Any, ...]
    ) -> None:
        """The call raises exactly the expected class, and a write changes nothing."""
        expected: type[MicroblogError] = case[-1]
        _seed(store, _account(1))
        with store.unit_of_work(readonly=not case[2]) as uow:
            try:
                _call_with(uow, case)
            except Exception as error:  # any class: the assertion names the wrong one
                raised: BaseException | None = error
            else:
                raised = None
            assert type(raised) is expected, (
                f"expected exactly {expected.__name__}, got "
                f"{'nothing' if raised is None else type(raised).__name__}: {raised}"
            )
            assert uow.accounts.count() == 1


# --------------------------------------------------------------------------- unit of work

_HANDLES = ("new", "NEW", "user1", "Straße", "strasse")
_TAGS = ("x", "y")
_MUTE_AT = _at(50)


def _seed_world(store: Store) -> dict[str, Post]:
    """Commit a small world of every value kind; return its posts by name."""
    root = _post(1, 1, tags=("x",), mentions=(_aid(2),))
    reply = _reply(2, 2, root, tags=("y",))
    repost = _repost(3, 3, root)
    quote = _post(4, 4, quote_of=root.id, visibility=Visibility.UNLISTED)
    posts = {"root": root, "reply": reply, "repost": repost, "quote": quote}
    _seed(
        store,
        *_accounts(1, 2, 3, 4, 5),
        _account(6, "locked", locked=True),
        *posts.values(),
        _follow(1, 2),
        _follow(2, 1, show_reposts=False),
        _follow(3, 1),
        _like(2, root),
        _like(1, reply),
        Mute(muter_id=_aid(1), muted_id=_aid(3), created_at=T0, expires_at=_at(100)),
        Block(blocker_id=_aid(5), blocked_id=_aid(6), created_at=T0),
        FollowRequest(follower_id=_aid(4), followee_id=_aid(6), created_at=T0),
    )
    with _write(store) as uow:
        uow.feeds.merge(
            _aid(1), [(reply.id, reply.author_id), (repost.id, repost.author_id)], cap=5
        )
        uow.feeds.insert([_aid(2), _aid(3)], root.id, root.author_id, cap=5)
    return posts


_OP_KINDS = (
    "account",
    "rename",
    "post",
    "remove_post",
    "update_post",
    "follow",
    "unfollow",
    "request",
    "unrequest",
    "block",
    "unblock",
    "mute",
    "unmute",
    "like",
    "unlike",
    "feed_insert",
    "feed_merge",
    "feed_remove_posts",
    "feed_remove_author",
    "feed_clear",
)

_Op = tuple[str, int, int, int, int]


def _write_ops(*, min_size: int = 0, max_size: int = 30) -> st.SearchStrategy[list[_Op]]:
    """Random write batches over the world of :func:`_seed_world` (for atomicity tests)."""
    op = st.tuples(
        st.sampled_from(_OP_KINDS),
        st.integers(1, 7),
        st.integers(1, 7),
        st.integers(0, 12),
        st.integers(0, 4),
    )
    return st.lists(op, min_size=min_size, max_size=max_size)


def _post_number(n: int) -> int:
    """Map an op's number to a post number: 1-4 are seeded posts, 5-12 new ones."""
    return n if n <= 4 else 100 + n


def _apply_write(uow: UnitOfWork, op: _Op) -> None:
    """Apply one random write; a domain error is expected and leaves no trace."""
    with suppress(MicroblogError):
        _apply_write_unchecked(uow, op)


def _apply_write_unchecked(uow: UnitOfWork, op: _Op) -> None:
    kind, a, b, n, extra = op
    rel, posts, feeds = uow.relations, uow.posts, uow.feeds
    target = _pid(_post_number(n))
    if kind == "account":
        uow.accounts.add(_account(6 + a, _HANDLES[extra]))
    elif kind == "rename":
        uow.accounts.update(_account(a, _HANDLES[extra], bio=f"bio {b}"))
    elif kind == "post":
        number = 100 + n + 20 * extra
        parent = posts.find(_pid(_post_number(b)))
        if extra == 1 and parent is not None and not parent.is_repost:
            posts.add(_reply(number, a, parent, tags=_TAGS[: b % 3]))
        elif extra == 2 and parent is not None:
            posts.add(_repost(number, a, parent))
        elif extra == 3 and parent is not None:
            posts.add(_post(number, a, quote_of=parent.id, mentions=(_aid(b),)))
        else:
            posts.add(_post(number, a, tags=_TAGS[b % 2 :], mentions=(_aid(b),)))
    elif kind == "remove_post":
        posts.remove(target)
    elif kind == "update_post":
        old = posts.get(target)
        if not old.is_repost:
            visibility = (Visibility.PUBLIC, Visibility.UNLISTED, Visibility.PRIVATE)[extra % 3]
            posts.update(
                Post(
                    id=old.id,
                    author_id=old.author_id,
                    created_at=old.created_at,
                    text=f"edited {a}",
                    reply_to=old.reply_to,
                    quote_of=old.quote_of,
                    visibility=visibility,
                    tags=_TAGS[extra % 2 :],
                    mentions=(_aid(b),),
                )
            )
    elif kind == "follow":
        rel.add_follow(_follow(a, b, at=extra, show_reposts=extra != 2, notify=extra == 3))
    elif kind == "unfollow":
        rel.remove_follow(_aid(a), _aid(b))
    elif kind == "request":
        rel.add_request(FollowRequest(follower_id=_aid(a), followee_id=_aid(b), created_at=T0))
    elif kind == "unrequest":
        rel.remove_request(_aid(a), _aid(b))
    elif kind == "block":
        rel.add_block(Block(blocker_id=_aid(a), blocked_id=_aid(b), created_at=_at(extra)))
    elif kind == "unblock":
        rel.remove_block(_aid(a), _aid(b))
    elif kind == "mute":
        expires = None if extra == 0 else _at(25 * extra)
        rel.add_mute(
            Mute(
                muter_id=_aid(a),
                muted_id=_aid(b),
                created_at=T0,
                expires_at=expires,
                hide_notifications=extra % 2 == 1,
            )
        )
    elif kind == "unmute":
        rel.remove_mute(_aid(a), _aid(b))
    elif kind == "like":
        uow.engagement.add_like(_like(a, target, at=extra))
    elif kind == "unlike":
        uow.engagement.remove_like(_aid(a), target)
    elif kind == "feed_insert":
        feeds.insert([_aid(a), _aid(b)], target, _aid(extra + 1), cap=2 + extra)
    elif kind == "feed_merge":
        entries = [(_pid(_post_number(m)), _aid(m % 3 + 1)) for m in range(n, n + extra + 1)]
        feeds.merge(_aid(a), entries, cap=1 + b)
    elif kind == "feed_remove_posts":
        feeds.remove_posts([_aid(a)], [target, _pid(_post_number(b))])
    elif kind == "feed_remove_author":
        feeds.remove_author(_aid(a), _aid(b))
    else:
        feeds.clear(_aid(a))


_ALL_ACCOUNTS = [_aid(n) for n in range(1, 15)]
_ALL_POSTS = [_pid(_post_number(n)) for n in range(1, 13)] + [
    _pid(100 + n + 20 * e) for n in range(13) for e in range(5)
]


def _observe(uow: UnitOfWork) -> dict[str, object]:
    """Everything the world of :func:`_seed_world` shows through the ports."""
    accounts, posts, rel, eng, feeds = (
        uow.accounts,
        uow.posts,
        uow.relations,
        uow.engagement,
        uow.feeds,
    )
    seen: dict[str, object] = {
        "accounts": list(accounts.page(limit=1000)),
        "account_count": accounts.count(),
        "handles": {h: accounts.by_handle(h) for h in (*_HANDLES, "user2", "locked")},
        "posts": list(posts.scan(limit=1000)),
        "post_count": posts.count(),
        "public": list(posts.public(limit=1000, include_replies=True, include_reposts=True)),
        "public_originals": list(posts.public(limit=1000)),
        "tags": {t: list(posts.with_tag(t, limit=1000)) for t in _TAGS},
    }
    for account_id in _ALL_ACCOUNTS:
        seen[f"account {account_id}"] = (
            accounts.counters(account_id),
            list(posts.by_author(account_id, limit=1000)),
            list(posts.stream(account_id, ascending=True)),
            list(posts.mentioning(account_id, limit=1000)),
            list(rel.followers_of(account_id, limit=1000)),
            list(rel.following_of(account_id, limit=1000)),
            sorted(rel.follower_ids(account_id)),
            sorted(rel.following_ids(account_id)),
            list(rel.requests_for(account_id, limit=1000)),
            sorted(rel.blocked_ids(account_id)),
            sorted(rel.blocker_ids(account_id)),
            sorted(rel.muted_ids(account_id, at=_MUTE_AT)),
            [rel.get_mute(account_id, other) for other in _ALL_ACCOUNTS],
            list(feeds.read(account_id, limit=1000)),
            feeds.size(account_id),
        )
    for post_id in _ALL_POSTS:
        seen[f"post {post_id}"] = (
            posts.find(post_id),
            posts.counters(post_id),
            list(posts.replies_to(post_id)),
            list(posts.in_thread(post_id)),
            list(posts.reposts_of(post_id)),
            list(posts.quotes_of(post_id)),
            list(eng.likes_of(post_id, limit=1000)),
            [posts.repost_by(account_id, post_id) for account_id in _ALL_ACCOUNTS[:8]],
        )
    return seen


def _recount_problems(uow: UnitOfWork) -> list[str]:
    """Compare every stored counter with a recount; return the differences."""
    problems = []
    stored = list(uow.posts.scan(limit=1000))
    for account_id in _ALL_ACCOUNTS:
        expected = AccountCounters(
            followers=len(uow.relations.follower_ids(account_id)),
            following=len(uow.relations.following_ids(account_id)),
            posts=sum(1 for p in stored if p.author_id == account_id),
        )
        if uow.accounts.counters(account_id) != expected:
            problems.append(f"account {account_id}: {uow.accounts.counters(account_id)}")
    for post in stored:
        expected_post = PostCounters(
            replies=sum(1 for p in stored if p.reply_to and p.reply_to.parent_id == post.id),
            reposts=sum(1 for p in stored if p.repost_of and p.repost_of.root_id == post.id),
            quotes=sum(1 for p in stored if p.quote_of == post.id),
            likes=len(uow.engagement.likes_of(post.id, limit=1000)),
        )
        if uow.posts.counters(post.id) != expected_post:
            problems.append(f"post {post.id}: {uow.posts.counters(post.id)} != {expected_post}")
    return problems


class UnitOfWorkContract(ContractBase):
    """The guarantees of :class:`~microblog_core.ports.UnitOfWork` and ``Store``."""

    def test_writes_are_visible_inside_the_unit(self, store: Store) -> None:
        """A unit reads its own writes before it commits."""
        with store.unit_of_work() as uow:
            uow.accounts.add(_account(1))
            uow.posts.add(_post(1, 1))
            assert uow.accounts.get(_aid(1)) == _account(1)
            assert _ids(uow.posts.by_author(_aid(1))) == [_pid(1)]

    def test_commit_makes_every_write_visible_to_a_new_unit(self, store: Store) -> None:
        """After commit a new unit sees every write of every repository."""
        posts = _seed_world(store)
        with _read(store) as uow:
            assert uow.accounts.count() == 6
            assert uow.posts.count() == 4
            assert uow.posts.get(posts["reply"].id) == posts["reply"]
            assert uow.relations.get_follow(_aid(2), _aid(1)) == _follow(2, 1, show_reposts=False)
            assert uow.engagement.get_like(_aid(2), posts["root"].id) == _like(2, posts["root"])
            assert _int_set(uow.relations.blocked_ids(_aid(5))) == {6}
            assert list(uow.feeds.read(_aid(1))) == [posts["repost"].id, posts["reply"].id]

    def test_leaving_without_commit_leaves_nothing(self, store: Store) -> None:
        """A unit that ends without commit rolls back every write."""
        with store.unit_of_work() as uow:
            uow.accounts.add(_account(1))
            uow.posts.add(_post(1, 1))
            uow.feeds.insert([_aid(1)], _pid(1), _aid(1), cap=_CAP)
        with _read(store) as uow:
            assert uow.accounts.count() == 0
            assert uow.posts.count() == 0
            assert uow.feeds.size(_aid(1)) == 0
            assert uow.accounts.by_handle("user1") is None

    def test_an_exception_inside_the_unit_leaves_nothing(self, store: Store) -> None:
        """An exception escaping the block rolls back the unit and propagates."""

        class BoomError(Exception):
            pass

        def work() -> None:
            with store.unit_of_work() as uow:
                uow.accounts.add(_account(1))
                uow.posts.add(_post(1, 1))
                raise BoomError

        with pytest.raises(BoomError):
            work()
        with _read(store) as uow:
            assert uow.accounts.count() == 0
            assert uow.posts.count() == 0

    def test_rollback_restores_counters_and_feeds_exactly(self, store: Store) -> None:
        """An explicit rollback undoes a mixed unit: values, indexes, counters and feeds."""
        posts = _seed_world(store)
        with _read(store) as uow:
            before = _observe(uow)
        root = posts["root"]
        with store.unit_of_work() as uow:
            uow.accounts.add(_account(7, "seven"))
            uow.accounts.update(_account(2, "renamed"))
            uow.relations.add_follow(_follow(4, 1))
            uow.relations.add_follow(_follow(2, 1, at=9))
            uow.relations.remove_follow(_aid(1), _aid(2))
            uow.relations.remove_mute(_aid(1), _aid(3))
            uow.relations.add_block(Block(blocker_id=_aid(6), blocked_id=_aid(5), created_at=T0))
            uow.relations.remove_request(_aid(4), _aid(6))
            uow.posts.add(_reply(10, 4, root, tags=("x",)))
            uow.posts.add(_repost(11, 2, root))
            uow.posts.remove(posts["quote"].id)
            uow.posts.remove(posts["reply"].id)
            uow.engagement.add_like(_like(3, root))
            uow.engagement.remove_like(_aid(2), root.id)
            uow.feeds.insert([_aid(1), _aid(4)], _pid(10), _aid(4), cap=2)
            uow.feeds.clear(_aid(2))
            uow.feeds.remove_author(_aid(3), _aid(1))
            uow.rollback()
            assert _observe(uow) == before
        with _read(store) as uow:
            assert _observe(uow) == before

    def test_writes_after_commit_belong_to_the_next_transaction(self, store: Store) -> None:
        """Commit does not end the unit; later writes roll back unless committed again."""
        with store.unit_of_work() as uow:
            uow.accounts.add(_account(1))
            uow.commit()
            uow.accounts.add(_account(2))
            assert uow.accounts.count() == 2
        with _read(store) as uow:
            assert [a.id for a in uow.accounts.page()] == [1]

    def test_writes_after_rollback_can_be_committed(self, store: Store) -> None:
        """Rollback does not end the unit; later writes can still be committed."""
        with store.unit_of_work() as uow:
            uow.accounts.add(_account(1))
            uow.rollback()
            assert uow.accounts.count() == 0
            uow.accounts.add(_account(2))
            uow.commit()
        with _read(store) as uow:
            assert [a.id for a in uow.accounts.page()] == [2]

    def test_a_failed_write_changes_nothing_and_the_unit_goes_on(self, store: Store) -> None:
        """After a refused write the unit still works and commits its other writes."""
        root = _post(1, 1)
        _seed(store, *_accounts(1, 2), root, _repost(2, 2, root))
        with _write(store) as uow:
            uow.accounts.add(_account(3))
            with pytest.raises(DuplicateRepostError):
                uow.posts.add(_repost(3, 2, root))
            with pytest.raises(NotFoundError):
                uow.engagement.add_like(_like(9, root))
            uow.posts.add(_repost(4, 3, root))
        with _read(store) as uow:
            assert uow.accounts.count() == 3
            assert _ids(uow.posts.reposts_of(root.id)) == [_pid(2), _pid(4)]
            assert uow.posts.counters(root.id) == PostCounters(reposts=2)

    def test_a_unit_cannot_be_used_before_it_is_entered(self, store: Store) -> None:
        """Using a unit outside ``with`` raises a MicroblogError."""
        uow = store.unit_of_work()
        with pytest.raises(MicroblogError):
            uow.accounts.count()
        with pytest.raises(MicroblogError):
            uow.accounts.add(_account(1))
        assert _enter_and_count(store) == 0

    def test_a_unit_cannot_be_used_after_it_ended(self, store: Store) -> None:
        """A unit, and repositories taken from it, refuse work after the block ends."""
        with store.unit_of_work() as uow:
            accounts = uow.accounts
            feeds = uow.feeds
            accounts.add(_account(1))
            uow.commit()
        with pytest.raises(MicroblogError):
            accounts.count()
        with pytest.raises(MicroblogError):
            accounts.add(_account(2))
        with pytest.raises(MicroblogError):
            feeds.size(_aid(1))
        with pytest.raises(MicroblogError):
            uow.accounts.get(_aid(1))
        with pytest.raises(MicroblogError):
            uow.commit()
        with pytest.raises(MicroblogError), uow:
            pass
        assert _enter_and_count(store) == 1

    def test_a_readonly_unit_reads_but_refuses_writes(self, store: Store) -> None:
        """``readonly=True`` units read committed data; writes raise StorageError."""
        _seed(store, _account(1))
        with store.unit_of_work(readonly=True) as uow:
            assert uow.accounts.get(_aid(1)) == _account(1)
            with pytest.raises(StorageError):
                uow.accounts.add(_account(2))
            with pytest.raises(StorageError):
                uow.feeds.insert([_aid(1)], _pid(1), _aid(1), cap=_CAP)
            assert uow.accounts.count() == 1
        assert _enter_and_count(store) == 1

    def test_uncommitted_writes_are_invisible_to_other_threads(self, store: Store) -> None:
        """A unit in another thread never sees writes that were rolled back."""
        seen: list[int] = []
        errors: list[BaseException] = []

        def reader() -> None:
            try:
                with store.unit_of_work(readonly=True) as other:
                    seen.append(other.accounts.count())
            except BaseException as error:
                errors.append(error)

        thread = threading.Thread(target=reader)
        with store.unit_of_work() as uow:
            uow.accounts.add(_account(1))
            thread.start()
            thread.join(timeout=0.2)
            uow.rollback()
        thread.join(timeout=60)
        assert not thread.is_alive()
        assert errors == []
        assert seen == [0]

    def test_concurrent_writers_lose_no_write(self, store: Store) -> None:
        """Units from two threads, each adding accounts, all land."""
        errors: list[BaseException] = []

        def writer(start: int) -> None:
            try:
                for n in range(start, start + 15):
                    with _write(store) as uow:
                        uow.accounts.add(_account(n))
            except BaseException as error:
                errors.append(error)

        threads = [threading.Thread(target=writer, args=(s,)) for s in (1, 101)]
        for thread in threads:
            thread.start()
        for thread in threads:
            thread.join(timeout=120)
        assert errors == []
        assert _enter_and_count(store) == 30

    def test_a_closed_store_opens_no_unit(self, store: Store) -> None:
        """After ``close`` (which may be repeated) a unit raises a MicroblogError."""
        _seed(store, _account(1))
        store.close()
        store.close()
        with pytest.raises(MicroblogError):
            _enter_and_count(store)

    @_PROPERTY
    @given(ops=_write_ops())
    def test_rollback_of_any_batch_restores_everything(self, ops: list[_Op]) -> None:
        """For any batch of writes, rollback leaves every query answering as before."""
        store = self.make_store()
        try:
            _seed_world(store)
            with _read(store) as uow:
                before = _observe(uow)
            with store.unit_of_work() as uow:
                for op in ops:
                    _apply_write(uow, op)
                uow.rollback()
                inside = _observe(uow)
            with _read(store) as uow:
                after = _observe(uow)
        finally:
            store.close()
        assert inside == before
        assert after == before

    @_PROPERTY
    @given(ops=_write_ops())
    def test_counters_equal_a_recount_after_any_batch(self, ops: list[_Op]) -> None:
        """For any committed batch of writes, every counter equals a recount."""
        store = self.make_store()
        try:
            _seed_world(store)
            with _write(store) as uow:
                for op in ops:
                    _apply_write(uow, op)
                assert _recount_problems(uow) == []
            with _read(store) as uow:
                assert _recount_problems(uow) == []
        finally:
            store.close()


# --------------------------------------------------------------------------- notifications, pins

_NK = NotificationKind


def _notification(  # noqa: PLR0917  # a notification's fields, in their order
    n: int, recipient: int, kind: NotificationKind, sender: int, post: int | None, at: float = 0
) -> Notification:
    return Notification(
        id=NotificationId(_BASE_ID + n),
        account_id=_aid(recipient),
        kind=kind,
        from_account_id=_aid(sender),
        post_id=None if post is None else _pid(post),
        created_at=_at(at),
    )


def _group_recount(uow: UnitOfWork, account: int) -> dict[str, tuple[int, int]]:
    """Each group's (newest id, size), recounted from every stored notification."""
    groups: dict[str, tuple[int, int]] = {}
    for n in uow.notifications.page(_aid(account), limit=10**6):
        latest, size = groups.get(n.group_key, (0, 0))
        groups[n.group_key] = (max(latest, n.id), size + 1)
    return groups


class NotificationRepositoryContract(ContractBase):
    """The guarantees of :class:`~microblog_core.ports.NotificationRepository`."""

    def test_pages_run_newest_first_within_exclusive_bounds(self, store: Store) -> None:
        """``page`` is id-ordered per recipient, with exclusive ``max_id`` / ``min_id``."""
        _seed(store, *_accounts(1, 2, 3))
        with _write(store) as uow:
            for n in range(1, 8):
                uow.notifications.add(_notification(n, 1 + n % 2, _NK.MENTION, 3, n))
        with _read(store) as uow:
            page = uow.notifications.page(_aid(2), limit=10)
            assert [n.id - _BASE_ID for n in page] == [7, 5, 3, 1]
            bounded = uow.notifications.page(_aid(2), max_id=_BASE_ID + 7, min_id=_BASE_ID + 1)
            assert [n.id - _BASE_ID for n in bounded] == [5, 3]
            oldest = uow.notifications.page(_aid(2), limit=2, ascending=True)
            assert [n.id - _BASE_ID for n in oldest] == [1, 3]
            assert uow.notifications.count(_aid(2)) == 4
            assert uow.notifications.count(_aid(2), min_id=_BASE_ID + 3) == 2
            assert uow.notifications.find(_BASE_ID + 4) == _notification(4, 1, _NK.MENTION, 3, 4)
            assert uow.notifications.find(_BASE_ID + 99) is None
            assert uow.notifications.last_id() == _BASE_ID + 7

    def test_a_taken_id_or_a_missing_recipient_is_refused(self, store: Store) -> None:
        """``add`` raises ConflictError for a taken id, NotFoundError for an unknown recipient."""
        _seed(store, *_accounts(1, 2))
        with store.unit_of_work() as uow:
            uow.notifications.add(_notification(1, 1, _NK.FOLLOW, 2, None))
            with pytest.raises(ConflictError):
                uow.notifications.add(_notification(1, 2, _NK.FOLLOW, 1, None))
            with pytest.raises(NotFoundError):
                uow.notifications.add(_notification(2, 9, _NK.FOLLOW, 1, None))
            assert uow.notifications.count(_aid(1)) == 1
            assert uow.notifications.count(_aid(2)) == 0

    def test_likes_reposts_and_follows_group_mentions_never(self, store: Store) -> None:
        """Groups hold one target and kind; their size and newest id equal a recount."""
        _seed(store, *_accounts(1, 2, 3, 4))
        with _write(store) as uow:
            uow.notifications.add(_notification(1, 1, _NK.LIKE, 2, 50))
            uow.notifications.add(_notification(2, 1, _NK.LIKE, 3, 50))
            uow.notifications.add(_notification(3, 1, _NK.MENTION, 2, 51))
            uow.notifications.add(_notification(4, 1, _NK.MENTION, 3, 51))
            uow.notifications.add(_notification(5, 1, _NK.LIKE, 4, 52))
            uow.notifications.add(_notification(6, 1, _NK.FOLLOW, 2, None))
            uow.notifications.add(_notification(7, 1, _NK.FOLLOW, 3, None))
            uow.notifications.add(_notification(8, 1, _NK.LIKE, 4, 50))
        with _read(store) as uow:
            heads = uow.notifications.groups(_aid(1))
            assert [(h.latest_id - _BASE_ID, h.count) for h in heads] == [
                (8, 3),
                (7, 2),
                (5, 1),
                (4, 1),
                (3, 1),
            ]
            assert {h.group_key: (h.latest_id, h.count) for h in heads} == _group_recount(uow, 1)
            likes = uow.notifications.in_group(_aid(1), heads[0].group_key, limit=2)
            assert [n.from_account_id for n in likes] == [_aid(4), _aid(3)]
            older = uow.notifications.groups(_aid(1), max_id=_BASE_ID + 7, limit=2)
            assert [h.latest_id - _BASE_ID for h in older] == [5, 4]
            newer = uow.notifications.groups(_aid(1), min_id=_BASE_ID + 4, ascending=True)
            assert [h.latest_id - _BASE_ID for h in newer] == [5, 7, 8]

    def test_removals_delete_what_they_match_and_shrink_groups(self, store: Store) -> None:
        """``remove_caused``, ``remove_about`` and ``remove_between`` keep groups exact."""
        _seed(store, *_accounts(1, 2, 3))
        with _write(store) as uow:
            uow.notifications.add(_notification(1, 1, _NK.LIKE, 2, 50))
            uow.notifications.add(_notification(2, 1, _NK.LIKE, 3, 50))
            uow.notifications.add(_notification(3, 1, _NK.REPOST, 2, 50))
            uow.notifications.add(_notification(4, 1, _NK.FOLLOW, 2, None))
            uow.notifications.add(_notification(5, 2, _NK.FOLLOW, 1, None))
            uow.notifications.add(_notification(6, 3, _NK.MENTION, 1, 60))
        with _write(store) as uow:
            removed = uow.notifications.remove_caused(_aid(1), _NK.LIKE, _aid(3), _pid(50))
            assert [n.id - _BASE_ID for n in removed] == [2]
            assert uow.notifications.remove_caused(_aid(1), _NK.LIKE, _aid(3), _pid(50)) == []
            assert [h.count for h in uow.notifications.groups(_aid(1))][-1] == 1
            follows = uow.notifications.remove_caused(_aid(1), _NK.FOLLOW, _aid(2), None)
            assert [n.id - _BASE_ID for n in follows] == [4]
            about = uow.notifications.remove_about(_pid(50))
            assert sorted(n.id - _BASE_ID for n in about) == [1, 3]
            between = uow.notifications.remove_between(_aid(2), _aid(1))
            assert [n.id - _BASE_ID for n in between] == [5]
        with _read(store) as uow:
            assert uow.notifications.groups(_aid(1)) == []
            assert uow.notifications.count(_aid(1)) == 0
            assert [n.id - _BASE_ID for n in uow.notifications.page(_aid(3))] == [6]

    def test_caused_lists_what_remove_caused_would_delete(self, store: Store) -> None:
        """``caused`` reads, oldest first and held-back ones included, without deleting."""
        _seed(store, *_accounts(1, 2, 3))
        held = attrs.evolve(_notification(3, 1, _NK.MENTION, 2, 60), filtered=True)
        with _write(store) as uow:
            uow.notifications.add(_notification(2, 1, _NK.MENTION, 2, 60))
            uow.notifications.add(_notification(1, 1, _NK.MENTION, 3, 60))
            uow.notifications.add(held)
            uow.notifications.add(_notification(4, 1, _NK.MENTION, 2, 61))
            uow.notifications.add(_notification(5, 1, _NK.FOLLOW, 2, None))
        with _read(store) as uow:
            found = uow.notifications.caused(_aid(1), _NK.MENTION, _aid(2), _pid(60))
            assert [(n.id - _BASE_ID, n.filtered) for n in found] == [(2, False), (3, True)]
            follows = uow.notifications.caused(_aid(1), _NK.FOLLOW, _aid(2), None)
            assert [n.id - _BASE_ID for n in follows] == [5]
            assert uow.notifications.caused(_aid(1), _NK.LIKE, _aid(2), _pid(60)) == []
            assert uow.notifications.caused(_aid(9), _NK.MENTION, _aid(2), _pid(60)) == []
        with _write(store) as uow:
            removed = uow.notifications.remove_caused(_aid(1), _NK.MENTION, _aid(2), _pid(60))
            assert removed == found
            assert uow.notifications.caused(_aid(1), _NK.MENTION, _aid(2), _pid(60)) == []

    def test_the_read_marker_is_one_id_per_account(self, store: Store) -> None:
        """The marker is None until set; setting it again replaces it; rollback restores it."""
        _seed(store, *_accounts(1, 2))
        with _write(store) as uow:
            assert uow.notifications.read_marker(_aid(1)) is None
            uow.notifications.set_read_marker(_aid(1), 10)
            uow.notifications.set_read_marker(_aid(1), 12)
            with pytest.raises(NotFoundError):
                uow.notifications.set_read_marker(_aid(9), 12)
        with store.unit_of_work() as uow:
            assert uow.notifications.read_marker(_aid(1)) == 12
            assert uow.notifications.read_marker(_aid(2)) is None
            uow.notifications.set_read_marker(_aid(1), 20)
        with _read(store) as uow:
            assert uow.notifications.read_marker(_aid(1)) == 12

    def test_held_back_notifications_wait_as_requests(self, store: Store) -> None:
        """Filtered notifications stay out of pages, groups and counts, listed per sender."""
        _seed(store, *_accounts(1, 2, 3))
        with _write(store) as uow:
            uow.notifications.add(_notification(1, 1, _NK.LIKE, 2, 50))
            uow.notifications.add(attrs.evolve(_notification(2, 1, _NK.LIKE, 3, 50), filtered=True))
            uow.notifications.add(
                attrs.evolve(_notification(3, 1, _NK.MENTION, 3, 51), filtered=True)
            )
            uow.notifications.add(
                attrs.evolve(_notification(4, 1, _NK.FOLLOW, 2, None), filtered=True)
            )
        with _write(store) as uow:
            assert [n.id - _BASE_ID for n in uow.notifications.page(_aid(1))] == [1]
            assert uow.notifications.count(_aid(1)) == 1
            assert [
                (h.latest_id - _BASE_ID, h.count) for h in uow.notifications.groups(_aid(1))
            ] == [(1, 1)]
            requests = uow.notifications.requests(_aid(1))
            assert [(r.from_account_id, r.count, r.latest_id - _BASE_ID) for r in requests] == [
                (_aid(2), 1, 4),
                (_aid(3), 2, 3),
            ]
            held = uow.notifications.filtered_from(_aid(1), _aid(3))
            assert [n.id - _BASE_ID for n in held] == [3, 2]
            assert all(n.filtered for n in held)
            removed = uow.notifications.remove_filtered(_aid(1), _aid(3))
            assert [n.id - _BASE_ID for n in removed] == [2, 3]
            assert [
                n.id - _BASE_ID for n in uow.notifications.remove_between(_aid(1), _aid(2))
            ] == [
                1,
                4,
            ]
        with _read(store) as uow:
            assert list(uow.notifications.requests(_aid(1))) == []

    def test_subscribers_are_the_followers_with_notify(self, store: Store) -> None:
        """``subscribers`` follows every follow write: add, re-follow, unfollow, rollback."""
        _seed(store, *_accounts(1, 2, 3, 4))
        with _write(store) as uow:
            uow.relations.add_follow(_follow(2, 1, notify=True))
            uow.relations.add_follow(_follow(3, 1))
            uow.relations.add_follow(_follow(4, 1, notify=True))
            uow.relations.add_follow(_follow(1, 2, notify=True))
        with _write(store) as uow:
            assert list(uow.notifications.subscribers(_aid(1))) == [_aid(2), _aid(4)]
            uow.relations.add_follow(_follow(4, 1, notify=False))
            uow.relations.add_follow(_follow(3, 1, notify=True))
            uow.relations.remove_follow(_aid(2), _aid(1))
            assert list(uow.notifications.subscribers(_aid(1))) == [_aid(3)]
        with store.unit_of_work() as uow:
            uow.relations.remove_follow(_aid(3), _aid(1))
            assert list(uow.notifications.subscribers(_aid(1))) == []
        with _read(store) as uow:
            assert list(uow.notifications.subscribers(_aid(1))) == [_aid(3)]
            assert list(uow.notifications.subscribers(_aid(2))) == [_aid(1)]
            assert list(uow.notifications.subscribers(_aid(3))) == []

    def test_policies_and_permits_are_kept_per_account(self, store: Store) -> None:
        """``set_policy`` replaces the policy; ``permit`` is remembered per sender."""
        _seed(store, *_accounts(1, 2))
        policy = NotificationPolicy(
            for_not_following=PolicyAction.FILTER, for_new_accounts=PolicyAction.DROP
        )
        with _write(store) as uow:
            assert uow.notifications.policy(_aid(1)) is None
            uow.notifications.set_policy(_aid(1), NotificationPolicy())
            uow.notifications.set_policy(_aid(1), policy)
            uow.notifications.permit(_aid(1), _aid(2))
            uow.notifications.permit(_aid(1), _aid(2))
            with pytest.raises(NotFoundError):
                uow.notifications.set_policy(_aid(9), policy)
        with _read(store) as uow:
            assert uow.notifications.policy(_aid(1)) == policy
            assert uow.notifications.policy(_aid(2)) is None
            assert uow.notifications.is_permitted(_aid(1), _aid(2)) is True
            assert uow.notifications.is_permitted(_aid(2), _aid(1)) is False

    def test_bad_arguments_are_refused(self, store: Store) -> None:
        """Wrong types raise ValidationError, as every repository does."""
        with _read(store) as uow:
            with pytest.raises(ValidationError):
                uow.notifications.page("1")  # type: ignore[arg-type]
            with pytest.raises(ValidationError):
                uow.notifications.page(_aid(1), limit=0)
            with pytest.raises(ValidationError):
                uow.notifications.groups(_aid(1), max_id="x")  # type: ignore[arg-type]
        with store.unit_of_work() as uow, pytest.raises(ValidationError):
            uow.notifications.add("not a notification")  # type: ignore[arg-type]

    @_PROPERTY
    @given(
        ops=st.lists(
            st.tuples(
                st.integers(0, 3),
                st.sampled_from([_NK.LIKE, _NK.REPOST, _NK.FOLLOW, _NK.MENTION]),
                st.integers(2, 4),
                st.integers(1, 3),
            ),
            max_size=30,
        )
    )
    def test_groups_equal_a_recount_after_any_writes(
        self, ops: list[tuple[int, NotificationKind, int, int]]
    ) -> None:
        """For any adds and removals, groups equal a recount, and rollback restores them."""
        store = self.make_store()
        try:
            _seed(store, *_accounts(1, 2, 3, 4))
            with _write(store) as uow:
                for n, (op, kind, sender, post) in enumerate(ops, start=1):
                    about = None if kind is _NK.FOLLOW else post
                    if op < 2:
                        uow.notifications.add(_notification(n, 1, kind, sender, about, at=n * 600))
                    elif op == 2:
                        uow.notifications.remove_caused(
                            _aid(1), kind, _aid(sender), None if about is None else _pid(about)
                        )
                    else:
                        uow.notifications.remove_about(_pid(post))
            with _read(store) as uow:
                before = _group_recount(uow, 1)
                heads = uow.notifications.groups(_aid(1), limit=10**6)
                assert {h.group_key: (h.latest_id, h.count) for h in heads} == before
                assert [h.latest_id for h in heads] == sorted(
                    (h.latest_id for h in heads), reverse=True
                )
            with store.unit_of_work() as uow:
                uow.notifications.remove_between(_aid(1), _aid(2))
                uow.notifications.add(_notification(999, 1, _NK.LIKE, 3, 1))
            with _read(store) as uow:
                heads = uow.notifications.groups(_aid(1), limit=10**6)
                assert {h.group_key: (h.latest_id, h.count) for h in heads} == before
        finally:
            store.close()


class PinRepositoryContract(ContractBase):
    """The guarantees of :class:`~microblog_core.ports.PinRepository`."""

    def test_pins_are_listed_newest_first_and_removed_once(self, store: Store) -> None:
        """``pinned_by`` runs newest pin first; ``remove`` returns the pin once."""
        _seed(store, *_accounts(1, 2), _post(1, 1), _post(2, 1), _post(3, 2))
        with _write(store) as uow:
            uow.pins.add(Pin(account_id=_aid(1), post_id=_pid(1), created_at=_at(10)))
            uow.pins.add(Pin(account_id=_aid(1), post_id=_pid(2), created_at=_at(5)))
            uow.pins.add(Pin(account_id=_aid(2), post_id=_pid(3), created_at=_at(1)))
        with _write(store) as uow:
            assert [p.post_id for p in uow.pins.pinned_by(_aid(1))] == [_pid(1), _pid(2)]
            removed = uow.pins.remove(_aid(1), _pid(1))
            assert removed == Pin(account_id=_aid(1), post_id=_pid(1), created_at=_at(10))
            assert uow.pins.remove(_aid(1), _pid(1)) is None
        with _read(store) as uow:
            assert [p.post_id for p in uow.pins.pinned_by(_aid(1))] == [_pid(2)]
            assert [p.post_id for p in uow.pins.pinned_by(_aid(2))] == [_pid(3)]
            assert list(uow.pins.pinned_by(_aid(3))) == []

    def test_a_second_pin_or_a_missing_post_is_refused(self, store: Store) -> None:
        """A duplicate pin raises ConflictError; an unknown account or post NotFoundError."""
        _seed(store, *_accounts(1), _post(1, 1))
        pin = Pin(account_id=_aid(1), post_id=_pid(1), created_at=_at(1))
        with store.unit_of_work() as uow:
            uow.pins.add(pin)
            with pytest.raises(ConflictError):
                uow.pins.add(pin)
            with pytest.raises(NotFoundError):
                uow.pins.add(Pin(account_id=_aid(1), post_id=_pid(9), created_at=_at(1)))
            with pytest.raises(NotFoundError):
                uow.pins.add(Pin(account_id=_aid(9), post_id=_pid(1), created_at=_at(1)))
            assert list(uow.pins.pinned_by(_aid(1))) == [pin]


class PostHistoryRepositoryContract(ContractBase):
    """The guarantees of :class:`~microblog_core.ports.PostHistoryRepository`."""

    def test_versions_keep_the_order_they_were_added(self, store: Store) -> None:
        """``versions`` returns a post's versions oldest first; ``remove_all`` counts them."""
        _seed(store, *_accounts(1), _post(1, 1), _post(2, 1))
        first = PostVersion(post_id=_pid(1), text="a", written_at=_at(1), replaced_at=_at(5))
        second = PostVersion(
            post_id=_pid(1), text="b", content_warning="cw", written_at=_at(5), replaced_at=_at(5)
        )
        with _write(store) as uow:
            uow.history.add(first)
            uow.history.add(second)
            with pytest.raises(NotFoundError):
                uow.history.add(attrs.evolve(first, post_id=_pid(9)))
        with store.unit_of_work() as uow:
            assert tuple(uow.history.versions(_pid(1))) == (first, second)
            assert tuple(uow.history.versions(_pid(2))) == ()
            assert uow.history.remove_all(_pid(1)) == 2
            assert tuple(uow.history.versions(_pid(1))) == ()
        with _read(store) as uow:
            assert tuple(uow.history.versions(_pid(1))) == (first, second)


class PollRepositoryContract(ContractBase):
    """The guarantees of :class:`~microblog_core.ports.PollRepository`."""

    def test_votes_are_counted_once_per_account(self, store: Store) -> None:
        """Counts follow the votes; a second vote raises ConflictError and changes nothing."""
        _seed(store, *_accounts(1, 2, 3), _post(1, 1))
        with _write(store) as uow:
            uow.polls.add_vote(
                PollVote(account_id=_aid(2), post_id=_pid(1), choices=(0, 2), created_at=_at(1))
            )
            uow.polls.add_vote(
                PollVote(account_id=_aid(3), post_id=_pid(1), choices=(2,), created_at=_at(2))
            )
            with pytest.raises(ConflictError):
                uow.polls.add_vote(
                    PollVote(account_id=_aid(3), post_id=_pid(1), choices=(1,), created_at=_at(3))
                )
            with pytest.raises(NotFoundError):
                uow.polls.add_vote(
                    PollVote(account_id=_aid(3), post_id=_pid(9), choices=(1,), created_at=_at(3))
                )
            with pytest.raises(NotFoundError):
                uow.polls.add_vote(
                    PollVote(account_id=_aid(9), post_id=_pid(1), choices=(1,), created_at=_at(3))
                )
        with _read(store) as uow:
            assert uow.polls.counts(_pid(1)) == {0: 1, 2: 2}
            assert uow.polls.voter_count(_pid(1)) == 2
            assert list(uow.polls.voters(_pid(1))) == [_aid(2), _aid(3)]
            assert list(uow.polls.voters(_pid(1), after=_aid(2), limit=1)) == [_aid(3)]
            vote = uow.polls.get_vote(_aid(2), _pid(1))
            assert vote is not None
            assert vote.choices == (0, 2)
            assert uow.polls.get_vote(_aid(1), _pid(1)) is None

    def test_open_polls_come_due_by_expiry_and_close_once(self, store: Store) -> None:
        """``due`` lists expired open polls soonest first; ``close`` and ``remove_all`` end them."""
        _seed(store, *_accounts(1, 2), _post(1, 1), _post(2, 1), _post(3, 1))
        with _write(store) as uow:
            uow.polls.open(_pid(1), _at(100))
            uow.polls.open(_pid(2), _at(50))
            uow.polls.open(_pid(3), _at(500))
            uow.polls.add_vote(
                PollVote(account_id=_aid(2), post_id=_pid(3), choices=(0,), created_at=_at(1))
            )
            with pytest.raises(NotFoundError):
                uow.polls.open(_pid(9), _at(1))
        with _write(store) as uow:
            assert list(uow.polls.due(_at(10))) == []
            assert list(uow.polls.due(_at(100))) == [_pid(2), _pid(1)]
            assert list(uow.polls.due(_at(100), limit=1)) == [_pid(2)]
            assert uow.polls.close(_pid(2)) is True
            assert uow.polls.close(_pid(2)) is False
            assert uow.polls.remove_all(_pid(3)) == 1
        with store.unit_of_work() as uow:
            assert list(uow.polls.due(_at(1000))) == [_pid(1)]
            assert uow.polls.counts(_pid(3)) == {}
            uow.polls.close(_pid(1))
        with _read(store) as uow:
            assert list(uow.polls.due(_at(1000))) == [_pid(1)]


# --------------------------------------------------------------------------- bookmarks, filters


def _bookmark(bid: int, account: int, post: int, at: float = 0) -> Bookmark:
    return Bookmark(
        id=BookmarkId(_BASE_ID + bid),
        account_id=_aid(account),
        post_id=_pid(post),
        created_at=_at(at),
    )


def _filter(fid: int, account: int, **kwargs: Any) -> Filter:
    fields: dict[str, Any] = {
        "title": "spoilers",
        "contexts": frozenset({FilterContext.HOME}),
        "created_at": _at(0),
    }
    fields.update(kwargs)
    return Filter(id=FilterId(_BASE_ID + fid), account_id=_aid(account), **fields)


class BookmarkRepositoryContract(ContractBase):
    """The guarantees of :class:`~microblog_core.ports.BookmarkRepository`."""

    def test_bookmarks_page_by_bookmark_id_and_belong_to_their_owner(self, store: Store) -> None:
        """Pages run newest bookmark first (not post order), within bounds, one owner's only."""
        _seed(store, *_accounts(1, 2), *[_post(n, 2) for n in range(1, 6)])
        # Bookmark ids run in another order than the posts' ids.
        mine = [_bookmark(1, 1, 3), _bookmark(2, 1, 1), _bookmark(3, 1, 5), _bookmark(4, 1, 2)]
        with _write(store) as uow:
            for b in mine:
                uow.bookmarks.add(b)
            uow.bookmarks.add(_bookmark(5, 2, 1))
        with _read(store) as uow:
            bookmarks = uow.bookmarks
            assert list(bookmarks.page(_aid(1))) == mine[::-1]
            assert list(bookmarks.page(_aid(1), limit=2)) == [mine[3], mine[2]]
            assert list(bookmarks.page(_aid(1), max_id=mine[2].id)) == [mine[1], mine[0]]
            assert list(bookmarks.page(_aid(1), min_id=mine[0].id, limit=2, ascending=True)) == [
                mine[1],
                mine[2],
            ]
            assert list(bookmarks.page(_aid(1), min_id=mine[0].id, max_id=mine[3].id)) == [
                mine[2],
                mine[1],
            ]
            assert list(bookmarks.page(_aid(2))) == [_bookmark(5, 2, 1)]
            assert list(bookmarks.page(_aid(3))) == []
            assert bookmarks.find(_aid(1), _pid(5)) == mine[2]
            assert bookmarks.find(_aid(2), _pid(5)) is None

    def test_a_second_bookmark_or_a_missing_account_or_post_is_refused(self, store: Store) -> None:
        """A repeat raises ConflictError, an unknown account or post NotFoundError."""
        _seed(store, *_accounts(1), _post(1, 1))
        first = _bookmark(1, 1, 1)
        with store.unit_of_work() as uow:
            uow.bookmarks.add(first)
            with pytest.raises(ConflictError):
                uow.bookmarks.add(_bookmark(2, 1, 1))
            with pytest.raises(ConflictError):
                uow.bookmarks.add(first)
            with pytest.raises(NotFoundError):
                uow.bookmarks.add(_bookmark(3, 1, 9))
            with pytest.raises(NotFoundError):
                uow.bookmarks.add(_bookmark(4, 9, 1))
            assert list(uow.bookmarks.page(_aid(1))) == [first]
            assert list(uow.bookmarks.page(_aid(9))) == []

    def test_remove_returns_once_and_remove_post_clears_every_owner(self, store: Store) -> None:
        """``remove`` returns the bookmark once; ``remove_post`` deletes all of a post's."""
        _seed(store, *_accounts(1, 2), _post(1, 1), _post(2, 1))
        with _write(store) as uow:
            for b in (_bookmark(1, 1, 1), _bookmark(2, 2, 1), _bookmark(3, 1, 2)):
                uow.bookmarks.add(b)
        with store.unit_of_work() as uow:
            assert uow.bookmarks.remove(_aid(1), _pid(2)) == _bookmark(3, 1, 2)
            assert uow.bookmarks.remove(_aid(1), _pid(2)) is None
            assert uow.bookmarks.remove_post(_pid(1)) == 2
            assert uow.bookmarks.remove_post(_pid(1)) == 0
            assert list(uow.bookmarks.page(_aid(1))) == []
            assert list(uow.bookmarks.page(_aid(2))) == []
        with _read(store) as uow:  # not committed: all three are back
            assert [b.post_id for b in uow.bookmarks.page(_aid(1))] == [_pid(2), _pid(1)]
            assert uow.bookmarks.find(_aid(2), _pid(1)) == _bookmark(2, 2, 1)

    @_PROPERTY
    @given(
        picks=st.lists(st.tuples(st.integers(1, 2), st.integers(1, 12)), unique=True, max_size=20),
        limit=st.integers(1, 6),
    )
    def test_walking_pages_with_max_id_lists_each_bookmark_once(
        self, picks: list[tuple[int, int]], limit: int
    ) -> None:
        """For any bookmarks, pages chained by ``max_id`` list the owner's, newest first, once."""
        store = self.make_store()
        try:
            _seed(store, *_accounts(1, 2), *[_post(n, 1) for n in range(1, 13)])
            with _write(store) as uow:
                for n, (account, post) in enumerate(picks, start=1):
                    uow.bookmarks.add(_bookmark(n, account, post))
            with _read(store) as uow:
                for account in (1, 2):
                    expected = [
                        _BASE_ID + n for n, (a, _) in enumerate(picks, start=1) if a == account
                    ][::-1]
                    seen: list[int] = []
                    cursor: int | None = None
                    while True:
                        page = list(uow.bookmarks.page(_aid(account), max_id=cursor, limit=limit))
                        seen += [b.id for b in page]
                        assert all(b.account_id == account for b in page)
                        if len(page) < limit:
                            break
                        cursor = page[-1].id
                    assert seen == expected
        finally:
            store.close()


# --------------------------------------------------------------------------- lists and tags


def _list(n: int, owner: int, **kwargs: Any) -> AccountList:
    return AccountList(id=ListId(_BASE_ID + 1_000_000 + n), owner_id=_aid(owner), **kwargs)


class ListRepositoryContract(ContractBase):
    """The guarantees of :class:`~microblog_core.ports.ListRepository`."""

    def test_lists_round_trip_and_are_listed_by_owner(self, store: Store) -> None:
        """An added list reads back equal; ``lists_of`` runs by id; ``update`` keeps the owner."""
        _seed(store, *_accounts(1, 2))
        first = _list(1, 1, title="Family", replies_policy=RepliesPolicy.NONE, exclusive=True)
        second = _list(2, 1, title="Work")
        other = _list(3, 2, title="Elsewhere")
        with _write(store) as uow:
            for account_list in (second, first, other):
                uow.lists.add(account_list)
            with pytest.raises(ConflictError):
                uow.lists.add(first)
            with pytest.raises(NotFoundError):
                uow.lists.add(_list(4, 9, title="nobody's"))
        renamed = attrs.evolve(second, title="Office", replies_policy=RepliesPolicy.FOLLOWED)
        with _write(store) as uow:
            uow.lists.update(renamed)
            with pytest.raises(ValidationError):
                uow.lists.update(attrs.evolve(second, owner_id=_aid(2)))
            with pytest.raises(NotFoundError):
                uow.lists.update(_list(9, 1, title="missing"))
        with _read(store) as uow:
            assert list(uow.lists.lists_of(_aid(1))) == [first, renamed]
            assert list(uow.lists.lists_of(_aid(2))) == [other]
            assert list(uow.lists.lists_of(_aid(3))) == []
            assert uow.lists.find(first.id) == first
            assert uow.lists.find(ListId(_BASE_ID + 5_000_000)) is None

    def test_members_are_unique_paged_and_indexed_by_account(self, store: Store) -> None:
        """Members page by id after a cursor; ``containing`` and ``exclusive_members`` agree."""
        _seed(store, *_accounts(1, 2, 3, 4, 5))
        family = _list(1, 1, title="Family", exclusive=True)
        work = _list(2, 1, title="Work")
        theirs = _list(3, 2, title="Theirs", exclusive=True)
        with _write(store) as uow:
            for account_list in (family, work, theirs):
                uow.lists.add(account_list)
            for list_id, member in ((family.id, 4), (family.id, 3), (work.id, 3), (theirs.id, 5)):
                uow.lists.add_member(list_id, _aid(member))
            with pytest.raises(ConflictError):
                uow.lists.add_member(family.id, _aid(3))
            with pytest.raises(NotFoundError):
                uow.lists.add_member(family.id, _aid(9))
            with pytest.raises(NotFoundError):
                uow.lists.add_member(ListId(_BASE_ID + 5_000_000), _aid(3))
        with _read(store) as uow:
            assert list(uow.lists.members(family.id)) == [_aid(3), _aid(4)]
            assert list(uow.lists.members(family.id, after=_aid(3), limit=5)) == [_aid(4)]
            assert list(uow.lists.members(family.id, limit=1)) == [_aid(3)]
            assert _int_set(uow.lists.member_ids(work.id)) == {3}
            assert list(uow.lists.containing(_aid(3))) == [family, work]
            assert list(uow.lists.containing(_aid(5))) == [theirs]
            assert list(uow.lists.containing(_aid(5), owner_id=_aid(1))) == []
            assert _int_set(uow.lists.exclusive_members(_aid(1))) == {3, 4}
            assert _int_set(uow.lists.exclusive_members(_aid(3))) == set()

    def test_removing_a_member_or_a_list_changes_only_what_it_names(self, store: Store) -> None:
        """``remove_member`` says whether it removed; ``remove`` takes the memberships along."""
        _seed(store, *_accounts(1, 2, 3))
        family, work = _list(1, 1, title="Family"), _list(2, 1, title="Work")
        with _write(store) as uow:
            uow.lists.add(family)
            uow.lists.add(work)
            uow.lists.add_member(family.id, _aid(2))
            uow.lists.add_member(work.id, _aid(2))
            uow.lists.add_member(work.id, _aid(3))
        with _write(store) as uow:
            assert uow.lists.remove_member(family.id, _aid(2)) is True
            assert uow.lists.remove_member(family.id, _aid(2)) is False
            assert uow.lists.remove(work.id) == work
            assert uow.lists.remove(work.id) is None
        with store.unit_of_work() as uow:
            assert list(uow.lists.lists_of(_aid(1))) == [family]
            assert list(uow.lists.containing(_aid(2))) == []
            assert list(uow.lists.members(work.id)) == []
            uow.lists.remove(family.id)
        with _read(store) as uow:  # the last unit rolled back
            assert list(uow.lists.lists_of(_aid(1))) == [family]

    @_PROPERTY
    @given(
        st.lists(
            st.tuples(
                st.sampled_from(("add", "remove", "drop")), st.integers(1, 3), st.integers(2, 6)
            ),
            max_size=25,
        )
    )
    def test_memberships_equal_a_model_of_them(self, ops: list[tuple[str, int, int]]) -> None:
        """After any writes, members, ``containing`` and ``exclusive_members`` equal a model."""
        store = self.make_store()
        try:
            _seed(store, *_accounts(1, 2, 3, 4, 5, 6))
            lists = {n: _list(n, 1, title=f"l{n}", exclusive=n == 1) for n in (1, 2, 3)}
            model: dict[int, set[int]] = {n: set() for n in lists}
            with _write(store) as uow:
                for account_list in lists.values():
                    uow.lists.add(account_list)
            with _write(store) as uow:
                for kind, n, member in ops:
                    list_id = lists[n].id
                    if n not in model:
                        continue
                    if kind == "add":
                        if member in model[n]:
                            with pytest.raises(ConflictError):
                                uow.lists.add_member(list_id, _aid(member))
                        else:
                            uow.lists.add_member(list_id, _aid(member))
                            model[n].add(member)
                    elif kind == "remove":
                        assert uow.lists.remove_member(list_id, _aid(member)) is (
                            member in model[n]
                        )
                        model[n].discard(member)
                    elif n != 1:  # keep the exclusive list
                        assert uow.lists.remove(list_id) == lists[n]
                        del model[n]
            with _read(store) as uow:
                for n, members in model.items():
                    assert list(uow.lists.members(lists[n].id)) == sorted(members)
                for member in range(2, 7):
                    holding = [lists[n] for n in sorted(model) if member in model[n]]
                    assert list(uow.lists.containing(_aid(member))) == holding
                assert _int_set(uow.lists.exclusive_members(_aid(1))) == model.get(1, set())
        finally:
            store.close()


class FilterRepositoryContract(ContractBase):
    """The guarantees of :class:`~microblog_core.ports.FilterRepository`."""

    def test_a_filter_reads_back_whole_and_updates_whole(self, store: Store) -> None:
        """Keywords and posts keep their order; contexts, action and expiry round-trip."""
        _seed(store, *_accounts(1, 2), _post(1, 2), _post(2, 2), _post(3, 2))
        full = _filter(
            1,
            1,
            title="Election",
            contexts=frozenset({FilterContext.HOME, FilterContext.THREAD}),
            action=FilterAction.HIDE,
            expires_at=_at(3600),
            keywords=(
                FilterKeyword(keyword="vote"),
                FilterKeyword(keyword="Ballot", whole_word=False),
                FilterKeyword(keyword="选举"),
            ),
            post_ids=(_pid(3), _pid(1)),
        )
        bare = _filter(2, 1)
        other = _filter(3, 2, keywords=(FilterKeyword(keyword="x"),))
        with _write(store) as uow:
            uow.filters.add(full)
            uow.filters.add(bare)
            uow.filters.add(other)
        with _read(store) as uow:
            assert uow.filters.find(full.id) == full
            assert list(uow.filters.of_account(_aid(1))) == [full, bare]
            assert list(uow.filters.of_account(_aid(2))) == [other]
            assert list(uow.filters.of_account(_aid(3))) == []
            assert uow.filters.find(_BASE_ID + 99) is None
        changed = attrs.evolve(
            full,
            title="Vote",
            contexts=frozenset({FilterContext.PUBLIC}),
            action=FilterAction.WARN,
            expires_at=None,
            keywords=(FilterKeyword(keyword="poll", whole_word=False),),
            post_ids=(_pid(2),),
        )
        with _write(store) as uow:
            uow.filters.update(changed)
        with _read(store) as uow:
            assert uow.filters.find(full.id) == changed

    def test_missing_owners_posts_or_filters_and_taken_ids_are_refused(self, store: Store) -> None:
        """``add`` refuses taken ids, unknown accounts and posts; ``update`` unknown filters."""
        _seed(store, *_accounts(1, 2), _post(1, 1))
        first = _filter(1, 1, post_ids=(_pid(1),))
        with store.unit_of_work() as uow:
            uow.filters.add(first)
            with pytest.raises(ConflictError):
                uow.filters.add(attrs.evolve(first, title="again"))
            with pytest.raises(NotFoundError):
                uow.filters.add(_filter(2, 9))
            with pytest.raises(NotFoundError):
                uow.filters.add(_filter(3, 1, post_ids=(_pid(1), _pid(9))))
            with pytest.raises(NotFoundError):
                uow.filters.update(_filter(4, 1))
            with pytest.raises(NotFoundError):  # another owner's filter is not theirs to change
                uow.filters.update(attrs.evolve(first, account_id=_aid(2)))
            with pytest.raises(NotFoundError):
                uow.filters.update(attrs.evolve(first, post_ids=(_pid(9),)))
            assert list(uow.filters.of_account(_aid(1))) == [first]
            assert uow.filters.find(_BASE_ID + 3) is None

    def test_remove_is_the_owners_and_remove_post_keeps_the_filters(self, store: Store) -> None:
        """Only the owner removes a filter; a deleted post leaves every filter naming it."""
        _seed(store, *_accounts(1, 2), _post(1, 1), _post(2, 1))
        a = _filter(1, 1, post_ids=(_pid(1), _pid(2)), keywords=(FilterKeyword(keyword="k"),))
        b = _filter(2, 2, post_ids=(_pid(1),))
        with _write(store) as uow:
            uow.filters.add(a)
            uow.filters.add(b)
        with store.unit_of_work() as uow:
            assert uow.filters.remove(_aid(2), a.id) is None
            assert uow.filters.remove_post(_pid(1)) == 2
            assert uow.filters.find(a.id) == attrs.evolve(a, post_ids=(_pid(2),))
            assert uow.filters.find(b.id) == attrs.evolve(b, post_ids=())
            assert uow.filters.remove(_aid(1), a.id) == attrs.evolve(a, post_ids=(_pid(2),))
            assert uow.filters.remove(_aid(1), a.id) is None
            assert list(uow.filters.of_account(_aid(1))) == []
        with _read(store) as uow:  # rolled back
            assert list(uow.filters.of_account(_aid(1))) == [a]
            assert uow.filters.find(b.id) == b


class TagFollowRepositoryContract(ContractBase):
    """The guarantees of :class:`~microblog_core.ports.TagFollowRepository`."""

    def test_tags_are_followed_once_normalised_and_paged(self, store: Store) -> None:
        """``add`` is idempotent; tags compare casefolded without ``#``; ``tags_of`` pages."""
        _seed(store, *_accounts(1, 2))
        with _write(store) as uow:
            assert uow.tag_follows.add(_aid(1), "#Cats") is True
            assert uow.tag_follows.add(_aid(1), "cats") is False
            assert uow.tag_follows.add(_aid(1), "dogs") is True
            assert uow.tag_follows.add(_aid(1), "Ärger") is True
            assert uow.tag_follows.add(_aid(2), "cats") is True
            with pytest.raises(NotFoundError):
                uow.tag_follows.add(_aid(9), "cats")
            with pytest.raises(ValidationError):
                uow.tag_follows.add(_aid(1), "#")
        with _read(store) as uow:
            assert list(uow.tag_follows.tags_of(_aid(1))) == ["cats", "dogs", "ärger"]
            assert list(uow.tag_follows.tags_of(_aid(1), after="cats", limit=1)) == ["dogs"]
            assert uow.tag_follows.follows(_aid(1), "CATS") is True
            assert uow.tag_follows.follows(_aid(2), "dogs") is False
            assert _int_set(uow.tag_follows.followers_of("#cats")) == {1, 2}
            assert uow.tag_follows.follower_count("cats") == 2
            assert uow.tag_follows.follower_count("birds") == 0

    def test_unfollowing_a_tag_says_whether_it_was_followed(self, store: Store) -> None:
        """``remove`` returns True once; a rollback keeps the follow."""
        _seed(store, *_accounts(1))
        with _write(store) as uow:
            uow.tag_follows.add(_aid(1), "cats")
        with store.unit_of_work() as uow:
            assert uow.tag_follows.remove(_aid(1), "#CATS") is True
            assert uow.tag_follows.remove(_aid(1), "cats") is False
            assert list(uow.tag_follows.tags_of(_aid(1))) == []
        with _read(store) as uow:
            assert list(uow.tag_follows.tags_of(_aid(1))) == ["cats"]

    @_PROPERTY
    @given(
        st.lists(
            st.tuples(st.booleans(), st.integers(1, 3), st.sampled_from(("a", "B", "#c", "ä"))),
            max_size=25,
        )
    )
    def test_tag_follows_equal_a_model_of_them(self, ops: list[tuple[bool, int, str]]) -> None:
        """After any follows and unfollows, every query equals a model of the writes."""
        store = self.make_store()
        try:
            _seed(store, *_accounts(1, 2, 3))
            model: set[tuple[int, str]] = set()
            with _write(store) as uow:
                for follow, account, raw in ops:
                    tag = raw.removeprefix("#").casefold()
                    key = (account, tag)
                    if follow:
                        assert uow.tag_follows.add(_aid(account), raw) is (key not in model)
                        model.add(key)
                    else:
                        assert uow.tag_follows.remove(_aid(account), raw) is (key in model)
                        model.discard(key)
            with _read(store) as uow:
                for account in (1, 2, 3):
                    expected = sorted(t for a, t in model if a == account)
                    assert list(uow.tag_follows.tags_of(_aid(account))) == expected
                for tag in ("a", "b", "c", "ä"):
                    followers = {a for a, t in model if t == tag}
                    assert _int_set(uow.tag_follows.followers_of(tag)) == followers
                    assert uow.tag_follows.follower_count(tag) == len(followers)
        finally:
            store.close()


class StoreContract(
    AccountRepositoryContract,
    ArgumentContract,
    PostRepositoryContract,
    RelationRepositoryContract,
    EngagementRepositoryContract,
    FeedRepositoryContract,
    UnitOfWorkContract,
    NotificationRepositoryContract,
    PinRepositoryContract,
    PostHistoryRepositoryContract,
    PollRepositoryContract,
    BookmarkRepositoryContract,
    FilterRepositoryContract,
    ListRepositoryContract,
    TagFollowRepositoryContract,
):
    """Every contract: subclass it and define ``make_store`` to check a whole adapter."""
