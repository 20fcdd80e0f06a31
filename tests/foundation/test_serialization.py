"""JSON serialization: every value round-trips; the JSON form; errors that name their path."""

import json
import typing
from collections.abc import Iterator
from datetime import UTC, datetime
from typing import Any

import cattrs
import pytest
from cattrs.preconf.json import make_converter as make_json_converter
from hypothesis import given
from hypothesis import strategies as st

from microblog_core import serialization
from microblog_core.errors import NaiveDatetimeError, ValidationError
from microblog_core.models import (
    VALUE_CLASSES,
    Account,
    AccountCounters,
    AccountList,
    Attachment,
    Block,
    Bookmark,
    Event,
    Filter,
    FilterKeyword,
    Follow,
    Followed,
    FollowRequest,
    Like,
    Liked,
    Location,
    Media,
    MediaKind,
    Mute,
    Notification,
    NotificationGroupHead,
    NotificationPolicy,
    NotificationRequest,
    Pin,
    Poll,
    PollVote,
    Post,
    PostCounters,
    PostVersion,
    Relationship,
    ReplyGate,
    ReplyRef,
    RepostRef,
)
from microblog_core.serialization import configure_converter, from_json, make_converter, to_json
from microblog_core.testing import strategies as mst

T0 = datetime(2026, 1, 1, tzinfo=UTC)
EVENT_CLASSES = typing.get_args(Event)
FOLLOW = Follow(follower_id=1, followee_id=2, created_at=T0)
FOLLOW_JSON = {
    "follower_id": "1",
    "followee_id": "2",
    "created_at": "2026-01-01T00:00:00+00:00",
    "show_reposts": True,
    "notify": False,
    "languages": None,
}

STRATEGIES: dict[type, st.SearchStrategy[Any]] = {
    Account: mst.accounts(),
    Post: mst.posts(),
    ReplyRef: mst.reply_refs(),
    RepostRef: mst.repost_refs(),
    ReplyGate: mst.reply_gates(),
    Media: mst.media(),
    Location: mst.locations(),
    Poll: mst.polls(),
    Follow: mst.follows(),
    FollowRequest: mst.follow_requests(),
    Block: mst.blocks(),
    Mute: mst.mutes(),
    Relationship: mst.relationships(),
    Like: mst.likes(),
    PostCounters: mst.post_counters(),
    AccountCounters: mst.account_counters(),
    Notification: mst.notifications(),
    NotificationGroupHead: mst.notification_group_heads(),
    Pin: mst.pins(),
    PostVersion: mst.post_versions(),
    PollVote: mst.poll_votes(),
    NotificationPolicy: mst.notification_policies(),
    NotificationRequest: mst.notification_requests(),
    Bookmark: mst.bookmarks(),
    Filter: mst.filters(),
    FilterKeyword: mst.filter_keywords(),
    AccountList: mst.account_lists(),
    **{cls: mst.events(types=(cls,)) for cls in EVENT_CLASSES},
}

ID_KEYS = {"mentions", "removed_reposts"}
TIME_KEYS = {"created_at", "occurred_at", "expires_at"}


def test_the_strategy_table_covers_every_value_class() -> None:
    assert set(STRATEGIES) == set(VALUE_CLASSES)
    assert serialization.SERIALIZABLE == VALUE_CLASSES


@pytest.mark.parametrize("cls", VALUE_CLASSES, ids=lambda c: c.__name__)
def test_every_value_class_round_trips_through_json(cls: type) -> None:
    @given(STRATEGIES[cls])
    def round_trip(value: Any) -> None:
        assert type(value) is cls
        text = to_json(value)
        assert from_json(text, cls) == value
        assert from_json(text.encode(), cls) == value
        if cls in EVENT_CLASSES:
            assert from_json(text, Event) == value  # type: ignore[arg-type]

    round_trip()


def _walk(node: Any, key: str = "") -> Iterator[tuple[str, Any]]:
    if isinstance(node, dict):
        for k, v in node.items():
            yield k, v
            yield from _walk(v, k)
    elif isinstance(node, list):
        for item in node:
            yield key, item
            yield from _walk(item, key)


@given(st.one_of([STRATEGIES[cls] for cls in VALUE_CLASSES]))
def test_json_form_of_ids_and_times(value: Any) -> None:
    document = json.loads(to_json(value))
    for key, item in _walk(document):
        if isinstance(item, list | dict):
            continue
        if (key == "id" or key.endswith("_id") or key in ID_KEYS) and item is not None:
            assert isinstance(item, str), (key, item)
            assert item.isascii()
            assert item.isdigit()
        if key in TIME_KEYS and item is not None:
            assert isinstance(item, str)
            assert item.endswith("+00:00")
            assert datetime.fromisoformat(item).utcoffset() is not None


def test_json_form_of_a_follow() -> None:
    assert json.loads(to_json(FOLLOW)) == FOLLOW_JSON


def test_large_ids_are_strings_so_javascript_keeps_them_exact() -> None:
    big = (1 << 62) + 1
    follow = Follow(follower_id=big, followee_id=2, created_at=T0)
    assert json.loads(to_json(follow))["follower_id"] == str(big)


def test_enums_are_written_by_value() -> None:
    post = Post.create(
        id=5,
        author_id=1,
        created_at=T0,
        text="",
        attachments=[Media(kind=MediaKind.GIFV, url="u")],
    )
    document = json.loads(to_json(post))
    assert document["visibility"] == "public"
    assert document["quote_policy"] == "public"
    assert document["attachments"][0]["kind"] == "gifv"


@given(mst.posts(), mst.accounts())
def test_every_enum_is_written_by_its_value(post: Post, account: Account) -> None:
    document = json.loads(to_json(post))
    assert document["visibility"] == post.visibility.value
    assert document["quote_policy"] == post.quote_policy.value
    allow = post.reply_gate.allow
    assert document["reply_gate"]["allow"] == (None if allow is None else [a.value for a in allow])
    media_kinds = [a.kind.value for a in post.attachments if isinstance(a, Media)]
    assert [a["kind"] for a in document["attachments"] if a["type"] == "Media"] == media_kinds
    assert json.loads(to_json(account))["kind"] == account.kind.value


def test_attachments_are_tagged_with_their_type() -> None:
    post = Post.create(
        id=5,
        author_id=1,
        created_at=T0,
        text="vote",
        attachments=[
            Poll(options=("a", "b"), expires_at=T0),
            Location(latitude=1.5, longitude=2.5),
        ],
    )
    kinds = [a["type"] for a in json.loads(to_json(post))["attachments"]]
    assert kinds == ["Poll", "Location"]


def test_an_attachment_reads_back_through_the_union() -> None:
    text = json.dumps({"latitude": 1.5, "longitude": 2.5, "name": "", "type": "Location"})
    assert from_json(text, Attachment) == Location(latitude=1.5, longitude=2.5)  # type: ignore[arg-type]


def test_text_is_written_without_escaping_cjk() -> None:
    post = Post.create(id=5, author_id=1, created_at=T0, text="你好")
    assert '"你好"' in to_json(post)


@given(mst.events())
def test_events_carry_a_type_tag_and_read_back_through_the_union(event: Event) -> None:
    document = json.loads(to_json(event))
    assert document["type"] == type(event).__name__
    assert from_json(to_json(event), Event) == event  # type: ignore[arg-type]


def test_an_event_of_another_type_is_refused() -> None:
    text = to_json(Followed(follow=FOLLOW, occurred_at=T0))
    with pytest.raises(ValidationError, match="expected a Liked event, got Followed") as info:
        from_json(text, Liked)
    assert info.value.field == "$.type"


@pytest.mark.parametrize("tag", [None, "Nope"])
def test_a_missing_or_unknown_event_tag_names_the_type_field(tag: str | None) -> None:
    document = json.loads(to_json(Followed(follow=FOLLOW, occurred_at=T0)))
    if tag is None:
        del document["type"]
    else:
        document["type"] = tag
    with pytest.raises(ValidationError) as info:
        from_json(json.dumps(document), Event)  # type: ignore[arg-type]
    assert info.value.field == "$.type"


@pytest.mark.parametrize("tag", [None, "Nope"])
def test_a_missing_or_unknown_event_tag_is_a_validation_error(tag: str | None) -> None:
    document = json.loads(to_json(Followed(follow=FOLLOW, occurred_at=T0)))
    if tag is None:
        del document["type"]
    else:
        document["type"] = tag
    with pytest.raises(ValidationError):
        from_json(json.dumps(document), Followed)


# --- errors -----------------------------------------------------------------------------


def test_an_unknown_field_is_refused_naming_it_and_its_place() -> None:
    with pytest.raises(ValidationError, match=r"extra fields found \(colour\) @ \$") as info:
        from_json(json.dumps({**FOLLOW_JSON, "colour": "red"}), Follow)
    assert info.value.field == "$"


@pytest.mark.parametrize("missing", ["follower_id", "created_at"])
def test_a_missing_field_is_refused_naming_its_path(missing: str) -> None:
    document = {k: v for k, v in FOLLOW_JSON.items() if k != missing}
    with pytest.raises(ValidationError, match="required field missing") as info:
        from_json(json.dumps(document), Follow)
    assert info.value.field == f"$.{missing}"


def _reply() -> Post:
    ref = ReplyRef(root_id=1, parent_id=2, parent_author_id=3, addressee_id=3)
    return Post.create(id=5, author_id=1, created_at=T0, text="x", reply_to=ref)


def test_nested_errors_name_the_nested_path() -> None:
    document = json.loads(to_json(_reply()))
    document["reply_to"]["colour"] = "red"
    with pytest.raises(ValidationError) as info:
        from_json(json.dumps(document), Post)
    assert info.value.field == "$.reply_to"
    document = json.loads(to_json(_reply()))
    del document["reply_to"]["root_id"]
    with pytest.raises(ValidationError) as info:
        from_json(json.dumps(document), Post)
    assert info.value.field == "$.reply_to.root_id"


def test_an_unknown_enum_value_names_its_path() -> None:
    document = json.loads(to_json(_reply()))
    document["visibility"] = "everyone"
    with pytest.raises(ValidationError, match="Visibility") as info:
        from_json(json.dumps(document), Post)
    assert info.value.field == "$.visibility"


@pytest.mark.parametrize("text", ["{", "", "not json", b"\xff\xfe\x00", "[1, 2"])
def test_malformed_json_is_a_validation_error(text: str | bytes) -> None:
    with pytest.raises(ValidationError, match="not a JSON document") as info:
        from_json(text, Follow)
    assert info.value.field == "$"


@pytest.mark.parametrize("text", ["[]", "null", "5", '"follow"'])
def test_json_of_the_wrong_shape_is_a_validation_error(text: str) -> None:
    with pytest.raises(ValidationError) as info:
        from_json(text, Follow)
    assert info.value.field.startswith("$")


def test_a_naive_datetime_in_json_is_refused() -> None:
    document = {**FOLLOW_JSON, "created_at": "2026-01-01T00:00:00"}
    with pytest.raises(NaiveDatetimeError) as info:
        from_json(json.dumps(document), Follow)
    assert any("$.created_at" in note for note in info.value.__notes__)


@pytest.mark.parametrize("value", ["yesterday", "2026-13-01T00:00:00+00:00", 1767225600, None])
def test_a_malformed_datetime_in_json_is_refused(value: object) -> None:
    document = {**FOLLOW_JSON, "created_at": value}
    with pytest.raises(ValidationError):
        from_json(json.dumps(document), Follow)


def test_datetimes_in_other_zones_are_read_as_utc() -> None:
    document = {**FOLLOW_JSON, "created_at": "2026-01-01T08:00:00+08:00"}
    follow = from_json(json.dumps(document), Follow)
    assert follow.created_at == T0
    assert follow.created_at.tzinfo is UTC


def test_integer_ids_are_accepted_on_input() -> None:
    document = {**FOLLOW_JSON, "follower_id": 1}
    assert from_json(json.dumps(document), Follow) == FOLLOW


@pytest.mark.parametrize("value", ["x", "-1", "0", "1.0", "+1", "١", True, 1.5, None, "9" * 30])
def test_bad_ids_in_json_are_refused(value: object) -> None:
    document = {**FOLLOW_JSON, "follower_id": value}
    with pytest.raises(ValidationError) as info:
        from_json(json.dumps(document), Follow)
    assert any("$.follower_id" in note for note in getattr(info.value, "__notes__", [])) or (
        info.value.field == "$.follower_id"
    )


def test_a_broken_invariant_in_json_raises_the_domain_error() -> None:
    document = {**FOLLOW_JSON, "followee_id": "1"}
    with pytest.raises(ValidationError, match="cannot follow itself") as info:
        from_json(json.dumps(document), Follow)
    assert info.value.field == "followee_id"


@pytest.mark.parametrize(
    ("cls", "document"),
    [
        (Follow, {**FOLLOW_JSON, "show_reposts": "false"}),
        (Follow, {**FOLLOW_JSON, "notify": 1}),
        (PostCounters, {"replies": "5", "reposts": 0, "quotes": 0, "likes": 0}),
        (PostCounters, {"replies": 2.9, "reposts": 0, "quotes": 0, "likes": 0}),
        (Location, {"latitude": "1.5", "longitude": 0.0, "name": ""}),
        (Location, {"latitude": 1.5, "longitude": 0.0, "name": 5}),
    ],
)
def test_json_scalars_of_the_wrong_type_are_refused(cls: type, document: dict[str, Any]) -> None:
    with pytest.raises(ValidationError):
        from_json(json.dumps(document), cls)


# --- converters -------------------------------------------------------------------------


def test_make_converter_returns_a_fresh_strict_converter() -> None:
    first, second = make_converter(), make_converter()
    assert first is not second
    assert first.forbid_extra_keys
    assert first.unstructure(FOLLOW) == FOLLOW_JSON


def test_to_json_and_from_json_take_a_converter() -> None:
    conv = make_converter()
    assert from_json(to_json(FOLLOW, converter=conv), Follow, converter=conv) == FOLLOW


def test_configure_converter_works_on_a_users_own_converter() -> None:
    conv = cattrs.Converter()
    assert configure_converter(conv) is conv
    assert conv.unstructure(FOLLOW) == FOLLOW_JSON
    assert conv.structure(FOLLOW_JSON, Follow) == FOLLOW
    # A plain converter is lenient about extra keys: that stays the user's choice.
    assert conv.structure({**FOLLOW_JSON, "colour": "red"}, Follow) == FOLLOW
    assert from_json(to_json(FOLLOW, converter=conv), Follow, converter=conv) == FOLLOW


JSON_PRECONF = make_json_converter()
configure_converter(JSON_PRECONF)


@given(mst.events())
def test_configure_converter_works_on_cattrs_json_preconf(event: Event) -> None:
    conv = JSON_PRECONF
    text = conv.dumps(event, unstructure_as=Event)
    assert conv.loads(text, Event) == event  # type: ignore[arg-type]
    assert json.loads(text) == json.loads(to_json(event))


def test_the_global_cattrs_converter_is_untouched() -> None:
    make_converter()
    to_json(FOLLOW)
    plain = cattrs.unstructure(FOLLOW)
    assert plain["follower_id"] == 1  # not "1"
    assert plain["created_at"] == T0  # not a string
    with pytest.raises(cattrs.BaseValidationError):
        cattrs.structure(FOLLOW_JSON, Follow)  # no datetime hook there: the string stays a str


def test_the_global_converter_stays_untouched_in_a_fresh_interpreter() -> None:
    import subprocess
    import sys

    script = (
        "import cattrs, datetime\n"
        "from microblog_core.models import Follow\n"
        "from microblog_core.serialization import to_json, from_json\n"
        "f = Follow(follower_id=1, followee_id=2, created_at=datetime.datetime(2026, 1, 1,"
        " tzinfo=datetime.timezone.utc))\n"
        "assert from_json(to_json(f), Follow) == f\n"
        "assert cattrs.unstructure(f)['follower_id'] == 1\n"
        "print('ok')\n"
    )
    result = subprocess.run(
        [sys.executable, "-c", script], capture_output=True, text=True, check=False, timeout=60
    )
    assert result.returncode == 0, result.stderr
    assert result.stdout.strip() == "ok"
