"""The value strategies: valid output, consistent references, argument checks, shrinking."""

import inspect
import re
from datetime import UTC, datetime, timedelta, timezone
from typing import Any

import attrs
import pytest
from hypothesis import Phase, assume, find, given, settings
from hypothesis import strategies as st
from hypothesis.errors import InvalidArgument

from microblog_core.ids import EPOCH, MAX_ID, id_at, timestamp_of, validate_id
from microblog_core.models import (
    MASTODON_ACCOUNTS,
    MAX_MEDIA,
    TWITTER_ACCOUNTS,
    VALUE_CLASSES,
    WEIBO_ACCOUNTS,
    Account,
    AccountPolicy,
    AccountRegistered,
    Followed,
    Liked,
    Location,
    Media,
    Poll,
    Post,
    Relationship,
    ReplyRef,
    RepostRef,
    Visibility,
)
from microblog_core.testing import strategies as mst

FIND = settings(database=None, max_examples=2_000)
# Finding an example without shrinking it: for "can it produce X" questions.
FIND_ANY = settings(database=None, max_examples=2_000, phases=[Phase.generate])
SIMPLEST = settings(database=None, max_examples=1, phases=[Phase.generate])
POLICIES = [TWITTER_ACCOUNTS, MASTODON_ACCOUNTS, WEIBO_ACCOUNTS]
SOME_AUTHORS = st.sampled_from([11, 12, 13])


def kind_of(post: Post) -> str:
    if post.is_repost:
        return "repost"
    if post.is_reply:
        return "reply"
    return "quote" if post.is_quote else "original"


def rebuilt(value: Any) -> Any:
    """Build the value again through its constructor, re-running every check."""
    return attrs.evolve(value)


# --- the module's surface ---------------------------------------------------------------


# The only public callables that take positional arguments: what they act on.
POSITIONAL = {"replies_to": ["post"], "replay": ["blog", "history"], "check_history": ["history"]}


def test_every_public_strategy_is_documented_and_keyword_only() -> None:
    for name in mst.__all__:
        obj = getattr(mst, name)
        if not callable(obj):
            continue
        assert inspect.getdoc(obj), name
        params = inspect.signature(obj).parameters.values()
        positional = [p.name for p in params if p.kind is not inspect.Parameter.KEYWORD_ONLY]
        assert positional == POSITIONAL.get(name, []), name


def test_there_is_a_strategy_for_every_value_class() -> None:
    for cls in VALUE_CLASSES:
        strategy = mst._strategy_for_type(cls)
        assert isinstance(strategy, st.SearchStrategy), cls
    assert mst._strategy_for_type(int) is NotImplemented


# --- ids and datetimes ------------------------------------------------------------------


@given(mst.ids(), mst.account_ids(), mst.post_ids())
def test_ids_are_valid(a: int, b: int, c: int) -> None:
    for value in (a, b, c):
        assert validate_id(value) == value


@given(mst.ids(min_value=10, max_value=20))
def test_ids_respect_bounds(value: int) -> None:
    assert 10 <= value <= 20


@pytest.mark.parametrize(
    "bounds",
    [
        {"min_value": 0},
        {"max_value": MAX_ID + 1},
        {"min_value": 5, "max_value": 4},
        {"min_value": True},
        {"max_value": 2.5},
    ],
)
@pytest.mark.parametrize("strategy", [mst.ids, mst.account_ids, mst.post_ids])
def test_ids_refuse_bad_bounds(strategy: Any, bounds: dict[str, Any]) -> None:
    with pytest.raises(InvalidArgument):
        strategy(**bounds)


@given(mst.datetimes())
def test_datetimes_are_aware_utc_with_valid_ids(instant: datetime) -> None:
    assert instant.tzinfo is UTC
    assert validate_id(id_at(instant)) > 0
    assert timestamp_of(id_at(instant)) <= instant


LOW = datetime(2020, 1, 1, tzinfo=UTC)
HIGH = datetime(2020, 1, 2, tzinfo=UTC)


@given(mst.datetimes(min_value=LOW, max_value=HIGH))
def test_datetimes_respect_bounds(instant: datetime) -> None:
    assert LOW <= instant <= HIGH


@given(mst.datetimes(min_value=datetime(2020, 1, 1, 8, tzinfo=timezone(timedelta(hours=8)))))
def test_datetime_bounds_in_other_zones_mean_the_same_instant(instant: datetime) -> None:
    assert instant >= datetime(2020, 1, 1, tzinfo=UTC)


@pytest.mark.parametrize(
    "bounds",
    [
        {"min_value": datetime(2020, 1, 1)},
        {"max_value": datetime(2020, 1, 1)},
        {"min_value": EPOCH},  # id_at(EPOCH) is not an id
        {"min_value": HIGH, "max_value": LOW},
        {"max_value": "2020-01-01"},
    ],
)
def test_datetimes_refuse_bad_bounds(bounds: dict[str, Any]) -> None:
    with pytest.raises(InvalidArgument):
        mst.datetimes(**bounds)


def test_datetimes_shrink_toward_2000() -> None:
    assert find(mst.datetimes(), lambda _: True, settings=FIND) == datetime(2000, 1, 1, tzinfo=UTC)


# --- handles and accounts ---------------------------------------------------------------


def _is_account_handle(handle: str) -> bool:
    return bool(re.fullmatch(r"[^\s@/#:]{1,64}", handle))


@pytest.mark.parametrize("policy", POLICIES, ids=lambda p: p.name)
def test_handles_follow_their_policy(policy: AccountPolicy) -> None:
    @given(mst.handles(policy=policy))
    def check(handle: str) -> None:
        assert policy.check_handle(handle) == handle
        assert _is_account_handle(handle)

    check()


@given(mst.handles(policy=WEIBO_ACCOUNTS))
def test_weibo_handles_stay_within_30_units(handle: str) -> None:
    assert 4 <= WEIBO_ACCOUNTS.handle_width(handle) <= 30


def test_weibo_handles_include_cjk_and_mastodon_handles_include_separators() -> None:
    cjk = find(
        mst.handles(policy=WEIBO_ACCOUNTS),
        lambda h: any("\u4e00" <= c <= "\u9fff" for c in h),
        settings=FIND,
    )
    assert WEIBO_ACCOUNTS.handle_width(cjk) == 4  # one ideograph (2 units) and padding
    dotted = find(mst.handles(policy=MASTODON_ACCOUNTS), lambda h: "." in h, settings=FIND)
    assert len(dotted) == 3


@pytest.mark.parametrize(
    ("policy", "shortest"),
    [(TWITTER_ACCOUNTS, "a"), (MASTODON_ACCOUNTS, "a"), (WEIBO_ACCOUNTS, "aaaa")],
    ids=lambda p: getattr(p, "name", p),
)
def test_handles_shrink_toward_short_ascii(policy: AccountPolicy, shortest: str) -> None:
    assert find(mst.handles(policy=policy), lambda _: True, settings=FIND) == shortest
    long_one = find(mst.handles(policy=policy), lambda h: len(h) >= 6, settings=FIND)
    assert len(long_one) == 6
    assert long_one.isascii()


def test_handles_for_a_narrowed_preset_use_its_widths() -> None:
    short = attrs.evolve(TWITTER_ACCOUNTS, name="Short", max_handle_width=3)

    @given(mst.handles(policy=short))
    def check(handle: str) -> None:
        assert short.check_handle(handle) == handle
        assert len(handle) <= 3

    check()


def test_handles_for_a_custom_pattern_come_from_the_regex() -> None:
    custom = AccountPolicy(
        name="Tickets", handle_pattern=r"[a-z]{2}-[0-9]{2,4}", handle_rule="xx-1234"
    )

    @given(mst.handles(policy=custom))
    def check(handle: str) -> None:
        assert custom.check_handle(handle) == handle

    check()


def test_handles_refuse_what_they_cannot_generate() -> None:
    with pytest.raises(InvalidArgument, match="AccountPolicy"):
        mst.handles(policy="twitter")  # type: ignore[arg-type]
    han_only = AccountPolicy(name="Han", handle_pattern=r"\p{Han}+", handle_rule="Han")
    with pytest.raises(InvalidArgument, match="not a Python re pattern"):
        mst.handles(policy=han_only)
    empty = attrs.evolve(TWITTER_ACCOUNTS, min_handle_width=5, max_handle_width=4)
    with pytest.raises(InvalidArgument, match="no handle width"):
        mst.handles(policy=empty)


@pytest.mark.parametrize("policy", POLICIES, ids=lambda p: p.name)
def test_accounts_follow_their_policy(policy: AccountPolicy) -> None:
    @given(mst.accounts(policy=policy))
    def check(account: Account) -> None:
        assert rebuilt(account) == account
        policy.check_handle(account.handle)
        policy.check_profile(display_name=account.display_name, bio=account.bio)
        assert account.created_at == timestamp_of(account.id)

    check()


@given(mst.accounts(ids=st.just(42)))
def test_accounts_take_an_id_strategy(account: Account) -> None:
    assert account.id == 42


def test_accounts_refuse_bad_options() -> None:
    with pytest.raises(InvalidArgument, match=r"st\.just"):
        mst.accounts(ids=42)  # type: ignore[arg-type]
    with pytest.raises(InvalidArgument):
        mst.accounts(policy=None)  # type: ignore[arg-type]


def test_accounts_shrink_toward_a_plain_account() -> None:
    account = find(mst.accounts(), lambda _: True, settings=FIND)
    assert (account.id, account.handle, account.display_name, account.bio) == (1, "a", "", "")
    assert not (account.locked or account.verified or account.is_organisation)


# --- attachments ------------------------------------------------------------------------


@given(mst.attachments())
def test_attachments_are_valid_values(attachment: Media | Location | Poll) -> None:
    assert rebuilt(attachment) == attachment


@pytest.mark.parametrize("cls", [Media, Location, Poll])
def test_attachments_produce_every_kind(cls: type) -> None:
    found = find(mst.attachments(), lambda a: isinstance(a, cls), settings=FIND_ANY)
    assert isinstance(found, cls)


def test_attachment_strategies_shrink_to_simple_values() -> None:
    assert find(mst.media(), lambda _: True, settings=FIND) == Media(
        kind=Media.__attrs_attrs__.kind.type("image"),  # type: ignore[attr-defined]
        url="https://media.example/0",
    )
    assert find(mst.locations(), lambda _: True, settings=FIND) == Location(
        latitude=0.0, longitude=0.0
    )
    poll = find(mst.polls(), lambda _: True, settings=FIND)
    assert len(poll.options) == 2
    assert not poll.multiple


@given(mst.reply_gates())
def test_reply_gates_are_valid(gate: Any) -> None:
    assert rebuilt(gate) == gate


def test_reply_gates_shrink_toward_anyone() -> None:
    assert find(mst.reply_gates(), lambda _: True, settings=FIND).is_open


# --- posts ------------------------------------------------------------------------------


def check_post(post: Post) -> None:
    """Everything a generated post must satisfy."""
    assert rebuilt(post) == post
    assert len([a for a in post.attachments if isinstance(a, Media)]) <= MAX_MEDIA
    if post.repost_of is not None:
        ref = post.repost_of
        assert ref.root_id < post.id
        assert ref.via_id is None or ref.root_id < ref.via_id < post.id
        assert not post.attachments
        assert not post.content_warning
    else:
        assert post.text.strip() or post.attachments
    if post.reply_to is not None:
        ref2 = post.reply_to
        assert ref2.root_id <= ref2.parent_id < post.id
        if ref2.root_id == ref2.parent_id or ref2.parent_author_id != post.author_id:
            assert ref2.addressee_id == ref2.parent_author_id
    else:
        assert not post.hidden
    if post.quote_of is not None:
        assert post.quote_of < post.id


@given(mst.posts())
def test_posts_are_valid_and_consistent(post: Post) -> None:
    check_post(post)
    assert post.created_at == timestamp_of(post.id)


@pytest.mark.parametrize("kind", mst.KINDS)
def test_posts_of_one_kind(kind: str) -> None:
    @given(mst.posts(kinds=(kind,)))
    def check(post: Post) -> None:
        check_post(post)
        assert kind_of(post) == kind

    check()


@pytest.mark.parametrize("kind", mst.KINDS)
def test_posts_produce_every_kind_by_default(kind: str) -> None:
    found = find(mst.posts(), lambda p: kind_of(p) == kind, settings=FIND_ANY)
    assert kind_of(found) == kind


def test_posts_produce_nested_replies_self_reply_chains_and_reposts_via_reposts() -> None:
    chain = find(
        mst.posts(kinds=("reply",)),
        lambda p: p.reply_to is not None and p.reply_to.addressee_id != p.reply_to.parent_author_id,
        settings=FIND_ANY,
    )
    assert chain.reply_to is not None
    assert chain.reply_to.parent_author_id == chain.author_id  # only a self-reply chain
    assert chain.reply_to.root_id < chain.reply_to.parent_id
    via = find(mst.posts(kinds=("repost",)), lambda p: p.repost_of.via_id, settings=FIND_ANY)  # type: ignore[union-attr]
    assert via.repost_of is not None
    assert via.repost_of.via_author_id is not None
    hidden = find(mst.posts(), lambda p: p.hidden, settings=FIND_ANY)
    assert hidden.is_reply


@given(mst.posts(author_ids=SOME_AUTHORS))
def test_posts_take_their_people_from_author_ids(post: Post) -> None:
    assert post.author_id in {11, 12, 13}
    if post.reply_to is not None:
        assert post.reply_to.parent_author_id in {11, 12, 13}
        assert post.reply_to.addressee_id in {11, 12, 13}


@given(mst.posts(texts=st.just("hello world"), kinds=("original", "reply", "quote")))
def test_posts_take_their_text_from_texts(post: Post) -> None:
    assert post.text == "hello world"


@given(mst.posts(texts=st.sampled_from(["", " "]), kinds=("original",)))
def test_posts_with_only_blank_texts_still_carry_something(post: Post) -> None:
    check_post(post)
    assert post.attachments


@pytest.mark.parametrize(
    "options",
    [
        {"kinds": ()},
        {"kinds": ("original", "thread")},
        {"kinds": "reply"},
        {"kinds": 5},
        {"author_ids": 7},
        {"texts": "hello"},
    ],
)
def test_posts_refuse_bad_options(options: dict[str, Any]) -> None:
    with pytest.raises(InvalidArgument):
        mst.posts(**options)


def test_posts_shrink_toward_a_small_original() -> None:
    post = find(mst.posts(), lambda _: True, settings=FIND)
    assert kind_of(post) == "original"
    assert (post.id, post.author_id, post.text, post.attachments) == (1, 1, "0", ())
    assert post.visibility is Visibility.PUBLIC


def test_the_simplest_post_is_of_the_first_kind_listed() -> None:
    # Hypothesis tries the simplest example first, and shrinking aims at it.
    post = find(mst.posts(kinds=("repost", "reply")), lambda _: True, settings=SIMPLEST)
    assert kind_of(post) == "repost"
    assert post.repost_of == RepostRef(root_id=1, root_author_id=1)
    assert post.text == ""


def test_a_failing_example_is_small() -> None:
    # A property broken only by replies shrinks to a direct reply between small ids.
    post = find(mst.posts(), lambda p: p.is_reply, settings=FIND)
    assert post.reply_to == ReplyRef(root_id=1, parent_id=1, parent_author_id=1, addressee_id=1)
    assert post.id == 3


# --- replies_to -------------------------------------------------------------------------


def expected_thread(post: Post, replier: int) -> tuple[int, int, int, int]:
    """(root, parent, parent author, addressee) of a reply by ``replier`` to ``post``."""
    if post.repost_of is not None:
        ref = post.repost_of
        return ref.root_id, ref.root_id, ref.root_author_id, ref.root_author_id
    if post.reply_to is not None:
        keeps = replier == post.author_id
        addressee = post.reply_to.addressee_id if keeps else post.author_id
        return post.reply_to.root_id, post.id, post.author_id, addressee
    return post.id, post.id, post.author_id, post.author_id


@given(st.data(), mst.posts(author_ids=SOME_AUTHORS))
def test_replies_to_place_the_reply_in_the_thread(data: st.DataObject, post: Post) -> None:
    assume(post.id < MAX_ID)  # nothing can reply to the last id (see the argument checks)
    reply = data.draw(mst.replies_to(post, author_ids=SOME_AUTHORS))
    check_post(reply)
    assert reply.reply_to is not None
    ref = reply.reply_to
    assert (ref.root_id, ref.parent_id, ref.parent_author_id, ref.addressee_id) == (
        expected_thread(post, reply.author_id)
    )
    assert reply.id > post.id
    assert reply.created_at >= post.created_at
    assert not reply.hidden


@given(st.data(), mst.posts())
def test_replies_to_with_default_authors_are_consistent(data: st.DataObject, post: Post) -> None:
    assume(post.id < MAX_ID)
    reply = data.draw(mst.replies_to(post))
    check_post(reply)
    assert reply.reply_to is not None
    ref = reply.reply_to
    assert (ref.root_id, ref.parent_id, ref.parent_author_id, ref.addressee_id) == (
        expected_thread(post, reply.author_id)
    )


def test_replies_to_default_authors_give_self_replies_and_others() -> None:
    root = Post.create(id=10, author_id=7, created_at=EPOCH, text="hi")
    find(mst.replies_to(root), lambda r: r.author_id == 7, settings=FIND_ANY)
    find(mst.replies_to(root), lambda r: r.author_id != 7, settings=FIND_ANY)


def test_a_self_reply_chain_keeps_addressing_the_original_person() -> None:
    alice, bob = 1, 2
    root = Post.create(id=10, author_id=alice, created_at=EPOCH, text="question")
    answer = find(mst.replies_to(root, author_ids=st.just(bob)), bool, settings=FIND_ANY)
    follow_up = find(mst.replies_to(answer, author_ids=st.just(bob)), bool, settings=FIND_ANY)
    assert answer.reply_to == ReplyRef(
        root_id=10, parent_id=10, parent_author_id=alice, addressee_id=alice
    )
    assert follow_up.reply_to == ReplyRef(
        root_id=10, parent_id=answer.id, parent_author_id=bob, addressee_id=alice
    )
    third = find(mst.replies_to(follow_up, author_ids=st.just(alice)), bool, settings=FIND_ANY)
    assert third.reply_to is not None
    assert third.reply_to.addressee_id == bob  # someone else answers: addressed to bob


def test_replying_to_a_repost_replies_to_its_original() -> None:
    ref = RepostRef(root_id=5, root_author_id=3, via_id=8, via_author_id=4)
    shared = Post.create_repost(id=9, author_id=6, created_at=EPOCH, of=ref)
    reply = find(mst.replies_to(shared), bool, settings=FIND_ANY)
    assert reply.reply_to == ReplyRef(root_id=5, parent_id=5, parent_author_id=3, addressee_id=3)
    assert reply.id > shared.id


def test_replies_to_shrink_toward_a_self_reply_right_after_the_post() -> None:
    root = Post.create(id=100, author_id=7, created_at=EPOCH, text="hi")
    reply = find(mst.replies_to(root), lambda _: True, settings=FIND)
    assert (reply.id, reply.author_id) == (101, 7)


def test_replies_to_refuse_bad_arguments() -> None:
    with pytest.raises(InvalidArgument, match="must be a Post"):
        mst.replies_to(5)  # type: ignore[arg-type]
    last = Post.create(id=MAX_ID, author_id=1, created_at=EPOCH, text="the end")
    with pytest.raises(InvalidArgument, match="leaves no id"):
        mst.replies_to(last)
    with pytest.raises(InvalidArgument):
        mst.replies_to(last, author_ids=[1])  # type: ignore[arg-type]


# --- reposts ----------------------------------------------------------------------------


@given(mst.reposts())
def test_reposts_are_valid(post: Post) -> None:
    check_post(post)
    assert post.is_repost
    assert post.visibility is not Visibility.DIRECT


@given(st.data(), mst.posts())
def test_reposts_of_a_post_share_its_root_via_it(data: st.DataObject, shared: Post) -> None:
    if shared.visibility is Visibility.DIRECT or shared.id == MAX_ID:
        return  # nobody reposts a direct post; covered by its own test
    repost = data.draw(mst.reposts(of=st.just(shared)))
    check_post(repost)
    ref = repost.repost_of
    assert ref is not None
    if shared.repost_of is not None:
        assert (ref.root_id, ref.root_author_id) == (
            shared.repost_of.root_id,
            shared.repost_of.root_author_id,
        )
        assert (ref.via_id, ref.via_author_id) == (shared.id, shared.author_id)
    else:
        assert ref == RepostRef(root_id=shared.id, root_author_id=shared.author_id)
    assert repost.id > shared.id
    assert repost.created_at >= shared.created_at
    assert repost.visibility.rank <= shared.visibility.rank
    if shared.visibility is Visibility.PRIVATE:
        assert repost.author_id == shared.author_id


@given(mst.reposts(of=mst.posts(), author_ids=SOME_AUTHORS, comments=st.just("//@B: so true")))
def test_reposts_take_authors_and_comments(post: Post) -> None:
    assert post.text == "//@B: so true"
    assert post.repost_of is not None


SECRET = Post.create(id=5, author_id=1, created_at=EPOCH, text="psst", visibility=Visibility.DIRECT)
PUBLIC = Post.create(id=6, author_id=1, created_at=EPOCH, text="hear ye")


@given(mst.reposts(of=st.sampled_from([SECRET, PUBLIC])))
def test_direct_posts_are_never_reposted(repost: Post) -> None:
    assert repost.repost_of == RepostRef(root_id=6, root_author_id=1)


@given(mst.posts(kinds=("repost",)))
def test_no_repost_is_direct(repost: Post) -> None:
    assert repost.visibility is not Visibility.DIRECT


def test_reposts_refuse_plain_values() -> None:
    post = Post.create(id=5, author_id=1, created_at=EPOCH, text="hi")
    with pytest.raises(InvalidArgument, match=r"st\.just"):
        mst.reposts(of=post)  # type: ignore[arg-type]
    with pytest.raises(InvalidArgument):
        mst.reposts(comments="hi")  # type: ignore[arg-type]
    with pytest.raises(InvalidArgument):
        mst.reposts(author_ids=1)  # type: ignore[arg-type]


def test_reposts_shrink_toward_a_plain_repost() -> None:
    repost = find(mst.reposts(), lambda _: True, settings=FIND)
    assert repost.repost_of == RepostRef(root_id=1, root_author_id=1)
    assert (repost.text, repost.mentions, repost.tags) == ("", (), ())


@given(mst.reply_refs(), mst.repost_refs())
def test_refs_are_valid(reply: ReplyRef, repost: RepostRef) -> None:
    assert rebuilt(reply) == reply
    assert rebuilt(repost) == repost
    if reply.root_id == reply.parent_id:
        assert reply.addressee_id == reply.parent_author_id


# --- relations, engagement, events ------------------------------------------------------


@given(
    st.tuples(
        mst.follows(account_ids=SOME_AUTHORS),
        mst.follow_requests(account_ids=SOME_AUTHORS),
        mst.blocks(account_ids=SOME_AUTHORS),
        mst.mutes(account_ids=SOME_AUTHORS),
    )
)
def test_relations_are_valid_and_use_the_given_accounts(relations: tuple[Any, ...]) -> None:
    for relation in relations:
        assert rebuilt(relation) == relation
        ids = {v for k, v in attrs.asdict(relation).items() if k.endswith("_id")}
        assert len(ids) == 2
        assert ids <= {11, 12, 13}


@given(mst.likes(account_ids=st.just(3), post_ids=st.just(4)))
def test_likes_use_the_given_ids(like: Any) -> None:
    assert (like.account_id, like.post_id) == (3, 4)
    assert rebuilt(like) == like


@given(mst.post_counters(), mst.account_counters())
def test_counters_are_valid(posts: Any, accounts: Any) -> None:
    assert rebuilt(posts) == posts
    assert rebuilt(accounts) == accounts


@given(mst.relationships())
def test_relationships_are_plausible(rel: Relationship) -> None:
    assert rel.account_id != rel.target_id
    if not rel.following:
        assert not (rel.showing_reposts or rel.notifying or rel.languages)
    else:
        assert not rel.requested
    if not rel.muting:
        assert not rel.muting_notifications


@pytest.mark.parametrize(
    "strategy", [mst.follows, mst.follow_requests, mst.blocks, mst.mutes, mst.relationships]
)
def test_relation_strategies_refuse_plain_ids(strategy: Any) -> None:
    with pytest.raises(InvalidArgument, match=r"st\.just"):
        strategy(account_ids=5)


def test_likes_refuse_plain_post_ids() -> None:
    with pytest.raises(InvalidArgument):
        mst.likes(post_ids=5)  # type: ignore[arg-type]


@given(mst.events())
def test_events_are_valid(event: Any) -> None:
    assert rebuilt(event) == event


@given(mst.events(types=(Followed, Liked)))
def test_events_of_chosen_types(event: Any) -> None:
    assert isinstance(event, Followed | Liked)


@pytest.mark.parametrize("types", [(), (Post,), [int], "Followed"])
def test_events_refuse_non_event_types(types: Any) -> None:
    with pytest.raises(InvalidArgument):
        mst.events(types=types)


def test_events_shrink_toward_account_registered() -> None:
    event = find(mst.events(), lambda _: True, settings=FIND)
    assert isinstance(event, AccountRegistered)
    assert event.occurred_at == event.account.created_at
