"""PostgreSQL's one-statement home sequence (``Posts.home_sequence``, the ``HomeQuery``
capability) equals the generic path: the home rules and the visibility rule asked in Python."""

import threading
from collections.abc import Iterator
from contextlib import contextmanager
from datetime import UTC, datetime, timedelta
from typing import Any

import pytest
from attrs import evolve
from hypothesis import given, settings
from hypothesis import strategies as st

from microblog_core.errors import NotFoundError, StorageError, TransientStorageError
from microblog_core.ids import AccountId, PostId, id_at
from microblog_core.models import (
    Account,
    AccountList,
    Block,
    Filter,
    Follow,
    Mute,
    Post,
    ReplyRef,
    RepostRef,
    Visibility,
)
from microblog_core.ports import HomeQuery, MergedStreams, UnitOfWork, offers
from microblog_core.service import Microblog
from microblog_core.testing.strategies import filters as filters_
from microblog_core.timelines import FanOutOnRead
from microblog_core.timelines.home import (
    FollowedStreamsSource,
    RootCache,
    home_context,
    home_filter,
    home_page,
)
from microblog_core.timelines.pages import TimelinePage

psycopg = pytest.importorskip("psycopg")
pytest.importorskip("psycopg_pool")

from microblog_core.storage.postgres import PostgresStore, _repositories  # noqa: E402  # after the skip checks

T0 = datetime(2026, 1, 1, tzinfo=UTC)
NOW = T0 + timedelta(days=1)
BASE = id_at(T0)
N = 6  # accounts 1..N
LANGUAGES = (None, "en", "en-GB", "fr", "de")


class _Port:
    """A read port over a store at a fixed instant."""

    def __init__(self, store: PostgresStore) -> None:
        self.store = store

    def unit_of_work(self, *, readonly: bool = False) -> UnitOfWork:
        return self.store.unit_of_work(readonly=readonly)

    def now(self) -> datetime:
        return NOW


class _Generic:
    """Fan-out on read's candidates, without saying they are the followed streams."""

    def candidates(self, *args: Any, **kwargs: Any) -> Iterator[Post]:
        return FanOutOnRead().candidates(*args, **kwargs)


# --------------------------------------------------------------------------- worlds

accounts_ = st.integers(1, N)
follows = st.lists(
    st.tuples(
        accounts_,
        accounts_,
        st.booleans(),
        st.sampled_from([None, (), ("en",), ("fr", "en"), ("de",)]),
    ),
    max_size=20,
)
pairs = st.lists(st.tuples(accounts_, accounts_), max_size=4)
mutes = st.lists(st.tuples(accounts_, accounts_, st.sampled_from([None, -1, 1])), max_size=4)
posts = st.lists(
    st.tuples(
        accounts_,
        st.sampled_from(["original", "reply", "repost"]),
        st.integers(0, 100),  # which earlier post a reply or repost refers to
        st.sampled_from(list(Visibility)),
        st.lists(accounts_, max_size=2, unique=True),  # mentions
        st.sampled_from(LANGUAGES),
    ),
    max_size=40,
)
deleted = st.lists(st.integers(0, 100), max_size=4)
# Followed hashtags, and exclusive lists (owner, members): the statement declines these viewers.
tag_follows = st.lists(st.tuples(accounts_, st.sampled_from(["a", "b"])), max_size=2)
exclusive_lists = st.lists(
    st.tuples(accounts_, st.lists(accounts_, max_size=2, unique=True)), max_size=2
)


def _post(n: int, spec: tuple[Any, ...], made: list[Post]) -> Post | None:
    author, kind, ref, visibility, mentioned, language = spec
    post_id = PostId(BASE + n)
    common = {
        "id": post_id,
        "author_id": AccountId(author),
        "created_at": T0 + timedelta(seconds=n),
        "visibility": visibility,
        "mentions": tuple(AccountId(m) for m in mentioned),
    }
    if kind == "original" or not made:
        return Post.create(text=f"post {n}", language=language, **common)
    target = made[ref % len(made)]
    if kind == "reply":
        reply = ReplyRef(
            root_id=target.thread_root_id,
            parent_id=target.id,
            parent_author_id=target.author_id,
            addressee_id=target.author_id,
        )
        return Post.create(text=f"reply {n}", language=language, reply_to=reply, **common)
    if target.repost_of is not None:
        return None
    of = RepostRef(root_id=target.id, root_author_id=target.author_id)
    return Post.create_repost(of=of, **common)


def _build(store: PostgresStore, world: dict[str, Any]) -> None:
    with store.unit_of_work() as uow:
        for n in range(1, N + 1):
            uow.accounts.add(Account.create(id=AccountId(n), handle=f"user{n}", created_at=T0))
        for a, b, show, languages in world["follows"]:
            if a != b:
                uow.relations.add_follow(
                    Follow(
                        follower_id=AccountId(a),
                        followee_id=AccountId(b),
                        created_at=T0,
                        show_reposts=show,
                        languages=languages,
                    )
                )
        for a, b in world["blocks"]:
            if a != b:
                uow.relations.add_block(
                    Block(blocker_id=AccountId(a), blocked_id=AccountId(b), created_at=T0)
                )
        for a, b, expiry in world["mutes"]:
            if a != b:
                expires = None if expiry is None else NOW + timedelta(hours=expiry)
                uow.relations.add_mute(
                    Mute(
                        muter_id=AccountId(a),
                        muted_id=AccountId(b),
                        created_at=T0,
                        expires_at=expires,
                    )
                )
        made: list[Post] = []
        reposted: set[tuple[int, int]] = set()
        for n, spec in enumerate(world["posts"]):
            post = _post(n, spec, made)
            if post is None:
                continue
            if post.repost_of is not None:
                key = (post.author_id, post.repost_of.root_id)
                if key in reposted:
                    continue
                reposted.add(key)
            uow.posts.add(post)
            made.append(post)
        gone = {made[i % len(made)].id for i in world["deleted"]} if made else set()
        for post_id in gone:
            uow.posts.remove(post_id)
        for a, tag in world.get("tag_follows", ()):
            uow.tag_follows.add(AccountId(a), tag)
        for n, (owner, members) in enumerate(world.get("exclusive_lists", ())):
            made_list = AccountList(
                id=1000 + n, owner_id=AccountId(owner), title=f"list {n}", exclusive=True
            )
            uow.lists.add(made_list)
            for member in members:
                uow.lists.add_member(made_list.id, AccountId(member))
        uow.commit()


def _declined(world: dict[str, Any], viewer: int) -> bool:
    """Whether the statement must decline ``viewer``: unknown, a followed hashtag, or an
    exclusive list with members."""
    return (
        not 1 <= viewer <= N
        or any(a == viewer for a, _ in world.get("tag_follows", ()))
        or any(o == viewer and m for o, m in world.get("exclusive_lists", ()))
    )


worlds = st.fixed_dictionaries(
    {"follows": follows, "blocks": pairs, "mutes": mutes, "posts": posts, "deleted": deleted},
    optional={"tag_follows": tag_follows, "exclusive_lists": exclusive_lists},
)


@contextmanager
def _store(pool: Any) -> Iterator[PostgresStore]:
    from tests.postgres.conftest import drop_schema, new_name

    store = PostgresStore(pool, schema=new_name("home"))
    try:
        yield store
    finally:
        store.close()
        drop_schema(pool, store.schema)


# --------------------------------------------------------------------------- the property


def _generic_sequence(uow: UnitOfWork, viewer: AccountId) -> list[tuple[Post, Post | None]]:
    context = home_context(uow, viewer, NOW)
    roots = RootCache(uow)
    keep = home_filter(context, roots)
    candidates = FanOutOnRead().candidates(uow, viewer, context.following)
    return [
        (p, None if p.repost_of is None else roots.get(p.repost_of.root_id))
        for p in candidates
        if keep(p)
    ]


def _pages(port: _Port, source: Any, viewer: AccountId, limit: int) -> list[TimelinePage]:
    """Every page of the timeline, walking ``max_id`` down; and a ``since_id`` page."""
    pages = []
    max_id = None
    while True:
        page = home_page(
            source, port, viewer, limit=limit, max_id=max_id, since_id=None, min_id=None
        )
        pages.append(page)
        if not page.items:
            break
        max_id = page.next_max_id
    first = pages[0]
    if len(first.items) > 1:
        since = first.items[-1].id
        pages.append(
            home_page(source, port, viewer, limit=limit, max_id=None, since_id=since, min_id=None)
        )
    return pages


@pytest.mark.parametrize("plan", ["chosen", "dense", "sparse"])
@settings(max_examples=10)
@given(
    world=worlds,
    limit=st.integers(1, 5),
    hint=st.integers(1, 3),
    start=st.sampled_from(["lean", "full", "begun"]),
)
def test_the_one_query_home_equals_the_generic_path(
    postgres_pool: Any, plan: str, world: dict[str, Any], limit: int, hint: int, start: str
) -> None:
    """Every statement of each plan. A unit's first read runs outside a transaction: the
    lean statement first (``lean``; the statement with the filters when the viewer blocks,
    mutes or is blocked), or the one with the filters (``full``: the viewer's last page
    found it not lean). ``begun``: the statement in a transaction begun before. The
    generic path's reads then run in the transaction, which re-runs the first statement."""
    bias = {"chosen": 1.0, "dense": 1e18, "sparse": 0.0}[plan]
    patch = pytest.MonkeyPatch()
    patch.setattr(_repositories, "_HOME_PLAN_BIAS", bias)
    try:
        with _store(postgres_pool) as store:
            _build(store, world)
            port = _Port(store)
            for n in range(1, N + 2):  # and an unknown viewer
                viewer = AccountId(n)
                if n > N:
                    for source in (FanOutOnRead(), _Generic()):
                        with pytest.raises(NotFoundError):
                            _pages(port, source, viewer, limit)
                with store.unit_of_work(readonly=True) as uow:
                    query = uow.posts
                    assert offers(query, HomeQuery)
                    if start == "begun":
                        uow._reader()  # type: ignore[attr-defined]
                    elif start == "lean":
                        store._home_plans.pop(n, None)  # (its last page not a long one)
                    else:
                        store._home_plans[n] = _repositories._HOME_FULL
                    sequence = query.home_sequence(viewer, at=NOW, size_hint=hint)  # type: ignore[attr-defined]
                    if _declined(world, n):
                        assert sequence is None
                        if n > N:
                            continue
                    else:
                        expected = _generic_sequence(uow, viewer)
                        assert sequence is not None
                        assert list(sequence) == expected
                    # A bound inside the sequence: the rest of it.
                    if sequence is not None and expected:
                        middle = expected[len(expected) // 2][0].id
                        rest = query.home_sequence(viewer, at=NOW, max_id=middle)  # type: ignore[attr-defined]
                        assert list(rest) == [e for e in expected if e[0].id < middle]
                assert _pages(port, FanOutOnRead(), viewer, limit) == _pages(
                    port, _Generic(), viewer, limit
                )
    finally:
        patch.undo()


# --------------------------------------------------------------------------- examples


@pytest.fixture
def store(postgres_pool: Any) -> Iterator[PostgresStore]:
    with _store(postgres_pool) as made:
        yield made


def test_fan_out_on_read_declares_its_candidates_and_postgres_offers_the_query(
    store: PostgresStore,
) -> None:
    assert offers(FanOutOnRead(), FollowedStreamsSource)
    assert not offers(_Generic(), FollowedStreamsSource)
    with store.unit_of_work(readonly=True) as uow:
        assert offers(uow.posts, HomeQuery)
        assert offers(uow.posts, MergedStreams)


def _counting(store: PostgresStore) -> tuple[list[str], pytest.MonkeyPatch]:
    """Record the name of every statement the store's connections run (raw cursors too)."""
    statements: list[str] = []
    sql = store._sql
    execute = psycopg.Cursor.execute

    def counting(self: Any, query: Any, *args: Any, **kwargs: Any) -> Any:
        # Names looked up at each call: the sized home statements are made on first use.
        names = {text: name for name, text in sql.items()}
        names["SET jit = off"] = "jit off"  # once per connection, before its first page
        statements.append(names.get(query, str(query).split()[0]))
        return execute(self, query, *args, **kwargs)

    pipeline = psycopg.Connection.pipeline

    @contextmanager
    def marking(self: Any) -> Iterator[Any]:
        # Statements sent in pipeline mode share one round trip: marked "(" to ")".
        statements.append("(")
        with pipeline(self) as sent:
            yield sent
        statements.append(")")

    patch = pytest.MonkeyPatch()
    patch.setattr(psycopg.Cursor, "execute", counting)
    patch.setattr(psycopg.Connection, "pipeline", marking)
    return statements, patch


def _trips(statements: list[str]) -> list[str]:
    """The statements but a pooled connection's first ``SET jit = off`` (once per session)."""
    return [s for s in statements if s != "jit off"]


def _first_page(store: PostgresStore, viewer: int = 1) -> TimelinePage:
    return home_page(
        FanOutOnRead(),
        _Port(store),
        AccountId(viewer),
        limit=20,
        max_id=None,
        since_id=None,
        min_id=None,
    )


_SMALL_WORLD: dict[str, Any] = {
    "follows": [(1, 2, True, None), (1, 3, False, None)],
    "blocks": [(1, 4)],
    "mutes": [(1, 5, None)],
    "posts": [(2, "original", 0, Visibility.PUBLIC, [], None)] * 30
    + [(3, "repost", 0, Visibility.PUBLIC, [], None)],
    "deleted": [],
}


def test_a_page_reads_through_one_statement(store: PostgresStore) -> None:
    """A home page runs one statement, outside any transaction (one statement sees one
    snapshot): the home statement, which also reads the viewer (whether it exists, follows
    hashtags, keeps exclusive lists), with the viewer's filters."""
    _build(store, _SMALL_WORLD)
    statements, patch = _counting(store)
    try:
        first = _first_page(store)
        learnt = statements[:]
        statements.clear()
        page = _first_page(store)
    finally:
        patch.undo()
    assert page == first
    assert len(page.items) == 20
    # The viewer's first page guesses the dense plan; the statement says the sparse one is
    # the plan (2 followees of 6 accounts) and walks nothing, and the sparse one runs. A
    # connection's first page turns JIT off for its session (no SET LOCAL without BEGIN).
    assert learnt[0] == "jit off"
    # The lean statement first: viewer 1 blocks and mutes, so the one with the filters runs.
    assert learnt[1:] == ["home_dense+lean:21", "home_sparse+filters:21"]
    # The next page, in one round trip: no BEGIN, no COMMIT; the statement with the filters
    # (20 items and a look-ahead row, in the statement whose LIMIT is 21).
    assert _trips(statements) == ["home_sparse+filters:21"]


def test_a_viewer_whose_plan_changed_gets_the_other_statement(store: PostgresStore) -> None:
    """The remembered plan only decides which statement runs first: when the choice moved
    (here forced by the bias), the other statement runs and the page is the same."""
    _build(store, _SMALL_WORLD)
    expected = _first_page_generic(store)
    patch = pytest.MonkeyPatch()
    try:
        for bias in (0.0, 1e18, 0.0):
            patch.setattr(_repositories, "_HOME_PLAN_BIAS", bias)
            assert _first_page(store) == expected
            assert store._home_plans[1] & _repositories._HOME_DENSE == (bias > 1)
    finally:
        patch.undo()


@pytest.mark.parametrize("kind", ["tag", "exclusive list"])
def test_a_viewer_the_statement_cannot_answer_for_takes_the_generic_path(
    store: PostgresStore, kind: str
) -> None:
    """A viewer who follows a hashtag or keeps an exclusive list: the statement declines
    (its page columns stay empty), and the generic path reads the viewer and builds the page."""
    _build(store, _SMALL_WORLD)
    with store.unit_of_work() as uow:
        if kind == "tag":
            uow.tag_follows.add(AccountId(1), "python")
        else:
            made = AccountList(id=500, owner_id=AccountId(1), title="close", exclusive=True)
            uow.lists.add(made)
            uow.lists.add_member(made.id, AccountId(6))
        uow.commit()
    with store.unit_of_work(readonly=True) as uow:
        assert uow.posts.home_sequence(AccountId(1), at=NOW) is None  # type: ignore[attr-defined]
        assert uow.posts.home_sequence(AccountId(2), at=NOW) is not None  # type: ignore[attr-defined]
    statements, patch = _counting(store)
    try:
        page = _first_page(store)
    finally:
        patch.undo()
    # The statement declines; the generic path begins the transaction, the filters with it.
    assert _trips(statements)[:7] == [
        "home_dense+lean:21",
        "(",
        "BEGIN",
        "SET",
        "account_by_id",
        "filters_of",
        ")",
    ]
    assert page == _first_page_generic(store)


def _first_page_generic(store: PostgresStore) -> TimelinePage:
    return home_page(
        _Generic(), _Port(store), AccountId(1), limit=20, max_id=None, since_id=None, min_id=None
    )


def test_an_unknown_viewer_is_declined_and_not_found(store: PostgresStore) -> None:
    """The statement declines an unknown viewer; the generic path then raises NotFoundError."""
    _build(store, _SMALL_WORLD)
    with store.unit_of_work(readonly=True) as uow:
        assert uow.posts.home_sequence(AccountId(99), at=NOW) is None  # type: ignore[attr-defined]
    with pytest.raises(NotFoundError):
        _first_page(store, viewer=99)


def test_a_connection_keeps_the_prepared_home_statement_across_pages(postgres_url: str) -> None:
    """A read-only unit ends with COMMIT, so psycopg keeps the connection's prepared
    statements (a ROLLBACK makes it forget them all) and PostgreSQL its cached plan."""
    from tests.postgres.conftest import drop_schema, new_name

    store = PostgresStore(postgres_url, schema=new_name("prep"), pool_size=1)
    try:
        _build(
            store,
            {
                "follows": [(1, 2, True, None)],
                "blocks": [],
                "mutes": [],
                "posts": [(2, "original", 0, Visibility.PUBLIC, [], None)] * 3,
                "deleted": [],
            },
        )
        port = _Port(store)
        for _ in range(3):
            page = home_page(
                FanOutOnRead(),
                port,
                AccountId(1),
                limit=20,
                max_id=None,
                since_id=None,
                min_id=None,
            )
            assert len(page.items) == 3
        with store.unit_of_work(readonly=True) as uow:
            rows = (
                uow._reader()
                .execute(  # type: ignore[attr-defined]
                    "SELECT statement FROM pg_prepared_statements WHERE statement LIKE %s",
                    (f"%{store.schema}.totals%",),
                )
                .fetchall()
            )
        # Each plan's statement prepared once (the first page's guess, dense, and the
        # viewer's plan, sparse), and still there.
        assert len(rows) == 2
        with store.unit_of_work(readonly=True) as uow:
            uow.posts.home_sequence(AccountId(1), at=NOW)  # type: ignore[attr-defined]
            assert uow._conn.execute("SHOW jit").fetchone() == ("off",)  # type: ignore[attr-defined]
    finally:
        store.close()
        from psycopg_pool import ConnectionPool

        with ConnectionPool(postgres_url, min_size=1, max_size=1) as pool:
            drop_schema(pool, store.schema)


# --------------------------------------------------------------------------- filters sent ahead


def _filters_of(store: PostgresStore, viewer: int) -> list[Filter]:
    with store.unit_of_work(readonly=True) as uow:
        return list(uow.filters.of_account(AccountId(viewer)))


@settings(max_examples=10)
@given(
    made=st.lists(filters_(), max_size=4, unique_by=lambda f: f.id),
    owners=st.lists(st.integers(1, 2), min_size=4, max_size=4),
)
def test_filters_sent_with_the_home_page_are_the_ones_read_alone(
    postgres_pool: Any, made: list[Filter], owners: list[int]
) -> None:
    """A home page sends the viewer's filters read in its first round trip; the unit's read
    of them then takes those rows, and they equal the read made alone, whatever filters
    the viewer and another account keep."""
    with _store(postgres_pool) as store:
        _build(store, _SMALL_WORLD)
        with store.unit_of_work() as uow:
            for f, owner in zip(made, owners, strict=False):
                uow.filters.add(evolve(f, account_id=AccountId(owner), post_ids=()))
            uow.commit()
        alone = {viewer: _filters_of(store, viewer) for viewer in (1, 2)}
        for viewer in (1, 2):
            with store.unit_of_work(readonly=True) as uow:
                sequence = uow.posts.home_sequence(AccountId(viewer), at=NOW)  # type: ignore[attr-defined]
                assert sequence is not None
                assert uow._prefetched  # type: ignore[attr-defined]
                assert list(uow.filters.of_account(AccountId(viewer))) == alone[viewer]
                assert not uow._prefetched  # type: ignore[attr-defined]  # taken once
                assert list(uow.filters.of_account(AccountId(viewer))) == alone[viewer]


def test_filters_sent_ahead_are_dropped_by_a_write_and_not_sent_in_a_writing_unit(
    store: PostgresStore,
) -> None:
    """Only a read-only unit's first read carries them; a write drops them (a write unit
    whose reads were sent ahead must read what it wrote)."""
    _build(store, _SMALL_WORLD)
    statements, patch = _counting(store)
    try:
        with store.unit_of_work() as uow:
            assert uow.posts.home_sequence(AccountId(1), at=NOW) is not None  # type: ignore[attr-defined]
            assert not uow._prefetched  # type: ignore[attr-defined]
            assert "filters_of" not in statements
    finally:
        patch.undo()
    with store.unit_of_work(readonly=True) as uow:
        uow._ride("filters_of", (1,))  # type: ignore[attr-defined]
        uow.accounts.get(AccountId(1))
        assert uow._prefetched  # type: ignore[attr-defined]
        with pytest.raises(StorageError):  # what every write asks first (refused here)
            uow._writer()  # type: ignore[attr-defined]
        assert not uow._prefetched  # type: ignore[attr-defined]


def test_a_service_home_page_is_filtered_through_the_filters_sent_ahead(
    store: PostgresStore,
) -> None:
    """Through the service: a hide filter of the home context leaves its posts out of the
    page, and the page with its filters (keywords included) is one statement."""
    _build(store, _SMALL_WORLD)
    blog = Microblog(store.unit_of_work, store=store)
    hidden = blog.post(AccountId(2), "a word to hide").id
    shown = blog.post(AccountId(2), "a word to keep").id
    blog.create_filter(AccountId(1), "no", contexts=["home"], action="hide", keywords=["hide"])
    statements, patch = _counting(store)
    try:
        ids = [p.id for p in blog.home_timeline(AccountId(1), limit=5).items]
    finally:
        patch.undo()
    assert shown in ids
    assert hidden not in ids
    # The viewer's first page: the dense plan guessed, the sparse one run, each statement
    # with the filters; no transaction, and no read of the filters of their own.
    assert _trips(statements) == ["home_dense+lean:21", "home_sparse+filters:21"]
    # The filter's keywords came in its row: no read of them one filter at a time.
    assert "filter_keywords" not in statements
    assert "filter_posts" not in statements


# --------------------------------------------------------------------------- one round trip


def _long_world() -> dict[str, Any]:
    """Viewer 1 follows 2, who wrote 30 posts: a sequence read by size_hint 1 takes two chunks."""
    return {**_SMALL_WORLD, "follows": [(1, 2, True, None)], "blocks": [], "mutes": []}


def test_a_page_that_reads_past_its_first_chunk_checks_it_in_its_transaction(
    store: PostgresStore,
) -> None:
    """The first chunk ran outside a transaction; the second begins one, runs the first
    statement again in it (the rows must be the same) with the second chunk, in one round
    trip. The viewer's next page then begins its transaction at once, and a page that
    stays in its first chunk makes the one after run outside a transaction again."""
    _build(store, _long_world())
    with store.unit_of_work(readonly=True) as uow:
        expected = _generic_sequence(uow, AccountId(1))
    assert len(expected) == 30
    store._home_plans[1] = 0  # the plan known (sparse): one statement a chunk
    statements, patch = _counting(store)

    def sequence(take: int | None = None) -> list[tuple[Post, Post | None]]:
        with store.unit_of_work(readonly=True) as uow:
            pairs = uow.posts.home_sequence(AccountId(1), at=NOW, size_hint=1)  # type: ignore[attr-defined]
            return list(pairs)[:take] if take is None else [next(pairs) for _ in range(take)]

    try:
        assert sequence() == expected
        long_page = _trips(statements)
        statements.clear()
        assert sequence(5) == expected[:5]
        begun = _trips(statements)
        statements.clear()
        assert sequence(5) == expected[:5]
        again = _trips(statements)
    finally:
        patch.undo()
    assert long_page == [
        "home_sparse+lean:21",
        "(", "BEGIN", "SET", "home_sparse+lean:21", "home_sparse:41", ")",
        "COMMIT",
    ]  # fmt: skip
    assert begun == ["(", "BEGIN", "SET", "home_sparse:21", "filters_of", ")", "COMMIT"]
    assert again == ["home_sparse+lean:21"]


@pytest.mark.parametrize("where", ["followed", "elsewhere"])
def test_a_change_before_the_transaction_began_is_a_transient_error(
    store: PostgresStore, where: str
) -> None:
    """A write between the statement run outside the transaction and the unit's next read:
    if it changed that statement's rows, the unit cannot answer from one snapshot and raises
    TransientStorageError; a write elsewhere (even one that moves the plan choice's totals)
    changes nothing, and the sequence goes on in the transaction."""
    _build(store, _long_world())
    with store.unit_of_work(readonly=True) as uow:
        expected = _generic_sequence(uow, AccountId(1))
    author = AccountId(2 if where == "followed" else 6)
    with store.unit_of_work(readonly=True) as uow:
        pairs = uow.posts.home_sequence(AccountId(1), at=NOW, size_hint=1)  # type: ignore[attr-defined]
        assert [next(pairs) for _ in range(21)] == expected[:21]

        def write() -> None:  # another thread: one writing unit per thread
            with store.unit_of_work() as writer:
                writer.posts.add(
                    Post.create(
                        id=PostId(BASE + 1000), author_id=author, created_at=NOW, text="news"
                    )
                )
                writer.commit()

        thread = threading.Thread(target=write)
        thread.start()
        thread.join()
        if where == "followed":
            with pytest.raises(TransientStorageError):
                next(pairs)
        else:
            assert list(pairs) == expected[21:]


def test_the_service_runs_a_home_page_again_on_a_transient_error(store: PostgresStore) -> None:
    _build(store, _long_world())
    blog = Microblog(store.unit_of_work, store=store)
    expected = blog.home_timeline(AccountId(1), limit=5)
    calls = []
    home_sequence = _repositories.Posts.home_sequence

    def failing_once(self: Any, *args: Any, **kwargs: Any) -> Any:
        calls.append(1)
        if len(calls) == 1:
            raise TransientStorageError("changed under the page")
        return home_sequence(self, *args, **kwargs)

    patch = pytest.MonkeyPatch()
    patch.setattr(_repositories.Posts, "home_sequence", failing_once)
    try:
        assert blog.home_timeline(AccountId(1), limit=5) == expected
    finally:
        patch.undo()
    assert len(calls) == 2
    assert blog.retry_stats.retries == 1


def test_a_lean_viewer_who_blocks_or_filters_gets_the_full_statement(store: PostgresStore) -> None:
    """A viewer with no block, mute or filter gets the lean statement; once it blocks (or
    keeps a filter) the lean one walks nothing and the full one, with the filters, runs;
    the next page remembers that, and goes back to the lean one when they are gone."""
    _build(store, _long_world())
    blog = Microblog(store.unit_of_work, store=store)
    store._home_plans[1] = 0  # sparse, lean
    statements, patch = _counting(store)

    def page() -> tuple[list[PostId], list[str]]:
        statements.clear()
        ids = [p.id for p in blog.home_timeline(AccountId(1), limit=5).items]
        return ids, _trips(statements)

    try:
        ids, lean = page()
        blog.block(AccountId(1), AccountId(6))
        assert page() == (ids, ["home_sparse+lean:21", "home_sparse+filters:21"])
        assert page() == (ids, ["home_sparse+filters:21"])
        blog.unblock(AccountId(1), AccountId(6))
        assert page() == (ids, ["home_sparse+filters:21"])
        assert page() == (ids, ["home_sparse+lean:21"])
        made = blog.create_filter(AccountId(1), "x", contexts=["home"], keywords=["zzz"])
        assert page() == (ids, ["home_sparse+lean:21", "home_sparse+filters:21"])
        blog.delete_filter(AccountId(1), made.id)
        assert page() == (ids, ["home_sparse+filters:21"])
    finally:
        patch.undo()
    assert lean == ["home_sparse+lean:21"]
