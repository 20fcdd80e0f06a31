"""Accounts and the per-network account policies."""

from datetime import UTC, datetime, timedelta, timezone

import attrs
import pytest
from hypothesis import given
from hypothesis import strategies as st

from microblog_core.errors import (
    InvalidHandleError,
    InvalidIdError,
    NaiveDatetimeError,
    TextTooLongError,
    ValidationError,
)
from microblog_core.models import (
    MASTODON_ACCOUNTS,
    TWITTER_ACCOUNTS,
    WEIBO_ACCOUNTS,
    Account,
    AccountKind,
    AccountPolicy,
    handle_key,
)
from microblog_core.testing.strategies import accounts

T0 = datetime(2026, 1, 1, tzinfo=UTC)


def make(**overrides: object) -> Account:
    fields: dict[str, object] = {"id": 1, "handle": "alice", "created_at": T0, **overrides}
    return Account.create(**fields)  # type: ignore[arg-type]


# --- Account ----------------------------------------------------------------------------


def test_create_fills_defaults() -> None:
    account = make()
    assert (account.display_name, account.bio) == ("", "")
    assert account.kind is AccountKind.PERSONAL
    assert not account.verified
    assert not account.locked
    assert not account.is_organisation


def test_organisation_accounts() -> None:
    bureau = make(handle="police_bureau", kind=AccountKind.ORGANISATION, verified=True)
    assert bureau.is_organisation
    assert bureau.verified


def test_accounts_are_frozen_and_evolve_checks_again() -> None:
    account = make()
    with pytest.raises(attrs.exceptions.FrozenInstanceError):
        account.handle = "bob"  # type: ignore[misc]
    assert attrs.evolve(account, locked=True).locked
    with pytest.raises(InvalidHandleError):
        attrs.evolve(account, handle="has space")


def test_created_at_is_normalised_to_utc() -> None:
    beijing = timezone(timedelta(hours=8))
    account = make(created_at=datetime(2026, 1, 1, 8, 0, tzinfo=beijing))
    assert account.created_at == T0
    assert account.created_at.tzinfo is UTC


def test_naive_created_at_is_refused() -> None:
    with pytest.raises(NaiveDatetimeError) as info:
        make(created_at=datetime(2026, 1, 1))
    assert info.value.field == "created_at"


@pytest.mark.parametrize(
    "handle",
    ["", "has space", "tab\there", "new\nline", "@alice", "al@ice", "a/b", "#tag", "a:b", "x" * 65],
)
def test_handle_shape_is_refused(handle: str) -> None:
    with pytest.raises(InvalidHandleError) as info:
        make(handle=handle)
    assert info.value.field == "handle"
    assert info.value.handle == handle
    assert isinstance(info.value, ValueError)


def test_non_string_handle_is_refused() -> None:
    with pytest.raises(InvalidHandleError) as info:
        make(handle=42)
    assert info.value.handle == "42"


@pytest.mark.parametrize("handle", ["a", "Alice_1", "x" * 64, "新浪微博", "josé", "a.b-c"])
def test_handle_shape_accepts_any_network_style(handle: str) -> None:
    assert make(handle=handle).handle == handle


@pytest.mark.parametrize(
    ("field", "value"),
    [("id", 0), ("id", -1), ("id", True), ("id", "1"), ("id", 1 << 63)],
)
def test_bad_ids_are_refused(field: str, value: object) -> None:
    with pytest.raises(InvalidIdError) as info:
        make(**{field: value})
    assert info.value.field == field


@pytest.mark.parametrize(
    ("field", "value"),
    [
        ("display_name", None),
        ("bio", 5),
        ("kind", "personal"),
        ("verified", 1),
        ("locked", "yes"),
        ("created_at", "2026-01-01"),
    ],
)
def test_fields_of_the_wrong_type_are_refused(field: str, value: object) -> None:
    with pytest.raises(ValidationError) as info:
        make(**{field: value})
    assert info.value.field == field


def test_handle_key_is_casefolded() -> None:
    assert make(handle="Straße").handle_key == "strasse"
    assert handle_key("ALICE") == handle_key("alice")


@given(st.text(min_size=1))
def test_handle_key_is_idempotent(handle: str) -> None:
    assert handle_key(handle_key(handle)) == handle_key(handle)


# --- AccountPolicy presets --------------------------------------------------------------


@pytest.mark.parametrize(
    "handle", ["a", "jack", "Jack_Dorsey", "_", "123", "a" * 15, "ABCDEFGHIJKLMNO"]
)
def test_twitter_accepts(handle: str) -> None:
    assert TWITTER_ACCOUNTS.check_handle(handle) == handle


@pytest.mark.parametrize(
    "handle", ["", "a" * 16, "jack.dorsey", "jack-d", "josé", "新浪", "a b", "@jack", "jack!"]
)
def test_twitter_refuses(handle: str) -> None:
    with pytest.raises(InvalidHandleError, match="Twitter") as info:
        TWITTER_ACCOUNTS.check_handle(handle)
    assert info.value.handle == handle
    assert info.value.field == "handle"


@given(st.from_regex(r"[A-Za-z0-9_]{1,15}", fullmatch=True))
def test_twitter_accepts_its_documented_rule(handle: str) -> None:
    assert TWITTER_ACCOUNTS.check_handle(handle) == handle


@given(st.from_regex(r"[A-Za-z0-9_]{16,40}", fullmatch=True))
def test_twitter_refuses_more_than_15(handle: str) -> None:
    with pytest.raises(InvalidHandleError, match="15"):
        TWITTER_ACCOUNTS.check_handle(handle)


@pytest.mark.parametrize(
    "handle",
    ["gargron", "a", "user_1", "first.last", "first-last", "a.b.c", "a-.b", "x" * 30, "Gargron"],
)
def test_mastodon_accepts(handle: str) -> None:
    assert MASTODON_ACCOUNTS.check_handle(handle) == handle


@pytest.mark.parametrize(
    "handle", ["", ".lead", "trail.", "-lead", "trail-", "x" * 31, "a b", "josé", "a@b", "a..."]
)
def test_mastodon_refuses(handle: str) -> None:
    with pytest.raises(InvalidHandleError, match="Mastodon") as info:
        MASTODON_ACCOUNTS.check_handle(handle)
    assert info.value.handle == handle


@pytest.mark.parametrize(
    "handle",
    [
        "张三",  # 2 CJK = 4 units: the minimum
        "abcd",
        "新浪微博",
        "平安北京",  # a police bureau's account
        "Weibo_用户-1",
        "用" * 15,  # 30 units
        "a" * 30,
        "用" * 14 + "ab",  # 28 + 2
        "東京タワー",  # kana count 2 as well
    ],
)
def test_weibo_accepts(handle: str) -> None:
    assert WEIBO_ACCOUNTS.check_handle(handle) == handle


@pytest.mark.parametrize(
    "handle",
    [
        "张",  # 2 units
        "abc",  # 3 units
        "张a",  # 3 units
        "用" * 16,  # 32 units
        "用" * 15 + "a",  # 31 units
        "a" * 31,
        "新浪 微博",
        "微博@",
        "微博!",
        "",
    ],
)
def test_weibo_refuses(handle: str) -> None:
    with pytest.raises(InvalidHandleError, match="Weibo") as info:
        WEIBO_ACCOUNTS.check_handle(handle)
    assert info.value.handle == handle


def test_weibo_counts_cjk_as_two_units() -> None:
    assert WEIBO_ACCOUNTS.handle_width("张三") == 4
    assert WEIBO_ACCOUNTS.handle_width("ab张") == 4
    assert WEIBO_ACCOUNTS.handle_width("abcd") == 4
    assert TWITTER_ACCOUNTS.handle_width("张三") == 2


def test_width_error_says_the_width_and_the_range() -> None:
    with pytest.raises(InvalidHandleError) as info:
        WEIBO_ACCOUNTS.check_handle("张")
    message = str(info.value)
    assert "2 units wide" in message
    assert "4 to 30" in message


@pytest.mark.parametrize("policy", [TWITTER_ACCOUNTS, MASTODON_ACCOUNTS, WEIBO_ACCOUNTS])
def test_check_handle_refuses_non_strings(policy: AccountPolicy) -> None:
    with pytest.raises(InvalidHandleError):
        policy.check_handle(None)  # type: ignore[arg-type]


@pytest.mark.parametrize(
    ("policy", "display_name", "bio"),
    [(TWITTER_ACCOUNTS, 50, 160), (MASTODON_ACCOUNTS, 30, 500), (WEIBO_ACCOUNTS, 30, 70)],
)
def test_profile_limits(policy: AccountPolicy, display_name: int, bio: int) -> None:
    assert (policy.max_display_name, policy.max_bio) == (display_name, bio)
    policy.check_profile(display_name="n" * display_name, bio="b" * bio)
    with pytest.raises(TextTooLongError) as info:
        policy.check_profile(display_name="n" * (display_name + 1), bio="")
    assert (info.value.field, info.value.length, info.value.limit) == (
        "display_name",
        display_name + 1,
        display_name,
    )
    with pytest.raises(TextTooLongError) as info:
        policy.check_profile(display_name="", bio="b" * (bio + 1))
    assert (info.value.field, info.value.length, info.value.limit) == ("bio", bio + 1, bio)
    assert "characters" in str(info.value)


def test_profile_limits_count_characters_not_bytes() -> None:
    WEIBO_ACCOUNTS.check_profile(display_name="微" * 30, bio="博" * 70)


@pytest.mark.parametrize("bad", ["\x00", "\ufffe", "\uffff"])
@pytest.mark.parametrize("field", ["display_name", "bio"])
def test_profile_refuses_invalid_characters(field: str, bad: str) -> None:
    values = {"display_name": "ok", "bio": "ok", field: f"a{bad}b"}
    with pytest.raises(ValidationError, match="must not contain") as info:
        TWITTER_ACCOUNTS.check_profile(**values)
    assert info.value.field == field


@pytest.mark.parametrize("field", ["display_name", "bio"])
def test_profile_refuses_non_strings(field: str) -> None:
    values: dict[str, object] = {"display_name": "ok", "bio": "ok", field: None}
    with pytest.raises(ValidationError, match="must be a str") as info:
        TWITTER_ACCOUNTS.check_profile(**values)  # type: ignore[arg-type]
    assert info.value.field == field


def test_a_custom_policy_uses_its_own_rules() -> None:
    policy = attrs.evolve(TWITTER_ACCOUNTS, name="Short", max_handle_width=4)
    assert policy.check_handle("abcd") == "abcd"
    with pytest.raises(InvalidHandleError, match="Short"):
        policy.check_handle("abcde")


def _one_by_one(ids: list[object], handles: list[object], created_at: object) -> object:
    """What Account.create gives for each pair, or the type of the first error."""
    try:
        return tuple(
            Account.create(id=i, handle=h, created_at=created_at)  # type: ignore[arg-type]
            for i, h in zip(ids, handles, strict=True)
        )
    except ValidationError as exc:
        return type(exc)


ids_or_not = st.one_of(
    st.integers(1, 2**63 - 1),
    st.integers(-3, 0),
    st.just(2**63),
    st.booleans(),
    st.text(max_size=2),
)
handles_or_not = st.one_of(st.text(max_size=66), st.from_regex(r"[a-z0-9_]{1,15}", fullmatch=True))


@given(
    pairs=st.lists(st.tuples(ids_or_not, handles_or_not), max_size=8),
    created_at=st.sampled_from(
        [T0, T0.astimezone(timezone(timedelta(hours=8))), T0.replace(tzinfo=None)]
    ),
)
def test_create_many_equals_create_one_by_one(
    pairs: list[tuple[object, object]], created_at: datetime
) -> None:
    """The same accounts as Account.create for each pair, or the same kind of error."""
    ids = [i for i, _ in pairs]
    handles = [h for _, h in pairs]
    expected = _one_by_one(ids, handles, created_at)
    try:
        made: object = Account.create_many(ids=ids, handles=handles, created_at=created_at)  # type: ignore[arg-type]
    except ValidationError as exc:
        made = type(exc)
    assert made == expected
    if isinstance(made, tuple):
        for account, one in zip(made, expected, strict=True):  # type: ignore[arg-type]
            assert attrs.asdict(account) == attrs.asdict(one)
            assert account.created_at.tzinfo is UTC


def test_create_many_takes_ranges_and_refuses_unequal_lengths() -> None:
    made = Account.create_many(ids=range(5, 8), handles=["a", "b", "c"], created_at=T0)
    assert [(a.id, a.handle) for a in made] == [(5, "a"), (6, "b"), (7, "c")]
    with pytest.raises(ValidationError, match="2 ids but 3 handles"):
        Account.create_many(ids=[1, 2], handles=["a", "b", "c"], created_at=T0)


@given(
    handles=st.lists(handles_or_not, max_size=6),
    policy=st.sampled_from([TWITTER_ACCOUNTS, MASTODON_ACCOUNTS, WEIBO_ACCOUNTS]),
)
def test_check_handles_equals_check_handle_one_by_one(
    handles: list[str], policy: AccountPolicy
) -> None:
    """A column of handles passes exactly when each passes, and the first bad one is named."""
    expected: object = None
    for handle in handles:
        try:
            policy.check_handle(handle)
        except InvalidHandleError as exc:
            expected = str(exc)
            break
    try:
        policy.check_handles(handles)
        got: object = None
    except InvalidHandleError as exc:
        got = str(exc)
    assert got == expected


# --- Account._quick: the readers' constructor ---------------------------------------------


@given(
    st.sampled_from([TWITTER_ACCOUNTS, MASTODON_ACCOUNTS, WEIBO_ACCOUNTS]).flatmap(
        lambda policy: accounts(policy=policy)
    )
)
def test_quick_builds_the_account_the_checked_constructor_builds(value: Account) -> None:
    """Account._quick(**fields) equals Account(**fields) for every valid account."""
    fields = attrs.asdict(value, recurse=False)
    built = Account._quick(**fields)
    assert built == Account(**fields)
    assert type(built) is Account
    with pytest.raises(attrs.exceptions.FrozenInstanceError):
        built.handle = "changed"  # type: ignore[misc]


class _Text(str):
    """A str subclass: the quick checks do not vouch for it, the checked path decides."""


_ODD_FIELDS: dict[str, list[object]] = {
    "id": [0, -1, True, "10", 1 << 63, 10.0, 10**6],
    "handle": ["", "a b", "a@b", "x" * 65, 5, None, _Text("bo"), "警方发布", "ok_name"],
    "created_at": [
        T0.replace(tzinfo=None),
        T0.astimezone(timezone(timedelta(hours=8))),
        "2026-01-01",
        T0,
    ],
    "display_name": ["\ud800", None, 5, "Zoë", _Text("x"), ""],
    "bio": ["\ud800", None, "中文", ""],
    "kind": ["personal", None, AccountKind.ORGANISATION],
    "verified": [1, None, "yes", True],
    "locked": [0, None, True, False],
}


def _outcome(fields: dict[str, object], build: object) -> object:
    try:
        return build(**fields)  # type: ignore[operator]
    except ValidationError as exc:
        return (type(exc), str(exc), exc.field)


@given(
    accounts(),
    st.dictionaries(
        st.sampled_from(sorted(_ODD_FIELDS)), st.integers(min_value=0, max_value=20), max_size=3
    ),
)
def test_quick_refuses_what_the_checked_constructor_refuses(
    value: Account, changes: dict[str, int]
) -> None:
    """With fields swapped for odd ones, _quick and Account() agree: same value or same error."""
    fields = attrs.asdict(value, recurse=False)
    for name, index in changes.items():
        pool = _ODD_FIELDS[name]
        fields[name] = pool[index % len(pool)]
    quick, checked = _outcome(fields, Account._quick), _outcome(fields, Account)
    assert quick == checked
    assert type(quick) is type(checked)


@given(
    st.text(alphabet=st.sampled_from(["a", "Z", "_", "9", "\u2e7f", "\u2e80", "张", "\U0001f600"]))
)
def test_a_handle_width_counts_each_character_above_u2e7f_twice(handle):
    """handle_width's count in C equals the per-character definition."""
    assert WEIBO_ACCOUNTS.handle_width(handle) == sum(2 if ord(c) > 0x2E7F else 1 for c in handle)
    assert TWITTER_ACCOUNTS.handle_width(handle) == len(handle)
