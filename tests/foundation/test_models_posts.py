"""Posts, reposts, replies, quotes and their attachments: every invariant and its error."""

from datetime import UTC, datetime, timedelta, timezone

import attrs
import pytest
from hypothesis import given
from hypothesis import strategies as st

from microblog_core.errors import InvalidIdError, NaiveDatetimeError, ValidationError
from microblog_core.models import (
    MAX_MEDIA,
    Location,
    Media,
    MediaKind,
    Poll,
    Post,
    QuotePolicy,
    ReplyAudience,
    ReplyGate,
    ReplyRef,
    RepostRef,
    Visibility,
)
from microblog_core.testing.strategies import locations, media, polls, posts

T0 = datetime(2026, 1, 1, tzinfo=UTC)
IMAGE = Media(kind=MediaKind.IMAGE, url="https://example.com/1.png")
PLACE = Location(latitude=39.9, longitude=116.4, name="Beijing")
POLL = Poll(options=("yes", "no"), expires_at=T0 + timedelta(days=1))


def post(**overrides: object) -> Post:
    fields: dict[str, object] = {
        "id": 10,
        "author_id": 1,
        "created_at": T0,
        "text": "hello",
        **overrides,
    }
    return Post(**fields)  # type: ignore[arg-type]


def reply_ref(root: int = 3, parent: int = 5, author: int = 2, addressee: int = 2) -> ReplyRef:
    return ReplyRef(root_id=root, parent_id=parent, parent_author_id=author, addressee_id=addressee)


def repost(**overrides: object) -> Post:
    fields: dict[str, object] = {
        "text": "",
        "repost_of": RepostRef(root_id=3, root_author_id=2),
        **overrides,
    }
    return post(**fields)


# --- Visibility, ReplyGate, QuotePolicy -------------------------------------------------


def test_visibility_values_are_mastodon_names() -> None:
    assert [v.value for v in Visibility] == ["public", "unlisted", "private", "direct"]
    assert Visibility.FOLLOWERS is Visibility.PRIVATE


def test_visibility_rank_orders_openness() -> None:
    ranks = [Visibility.DIRECT, Visibility.PRIVATE, Visibility.UNLISTED, Visibility.PUBLIC]
    assert [v.rank for v in ranks] == [0, 1, 2, 3]


@given(st.sampled_from(Visibility), st.sampled_from(Visibility))
def test_narrowest_is_the_less_open_and_symmetric(a: Visibility, b: Visibility) -> None:
    narrow = Visibility.narrowest(a, b)
    assert narrow is Visibility.narrowest(b, a)
    assert narrow.rank == min(a.rank, b.rank)


def test_reply_gate_defaults_to_anyone() -> None:
    assert ReplyGate() == ReplyGate.ANYONE
    assert ReplyGate.ANYONE.is_open
    assert ReplyGate.NOBODY.allow == ()
    assert not ReplyGate.NOBODY.is_open


def test_reply_gate_audiences_are_sorted_and_unique() -> None:
    gate = ReplyGate(
        allow=[ReplyAudience.MENTIONED, ReplyAudience.FOLLOWERS, ReplyAudience.MENTIONED]
    )
    assert gate.allow == (ReplyAudience.FOLLOWERS, ReplyAudience.MENTIONED)
    assert gate == ReplyGate(allow=(ReplyAudience.FOLLOWERS, ReplyAudience.MENTIONED))


@pytest.mark.parametrize("allow", ["followers", ["followers"], [1]])
def test_reply_gate_refuses_what_is_not_an_audience(allow: object) -> None:
    with pytest.raises(ValidationError) as info:
        ReplyGate(allow=allow)  # type: ignore[arg-type]
    assert info.value.field == "allow"


def test_quote_policy_values() -> None:
    assert [q.value for q in QuotePolicy] == ["public", "followers", "nobody"]


# --- ReplyRef / RepostRef ---------------------------------------------------------------


def test_reply_ref_parent_may_be_the_root() -> None:
    ref = reply_ref(root=3, parent=3)
    assert ref.root_id == ref.parent_id == 3


def test_reply_ref_refuses_a_parent_older_than_the_root() -> None:
    with pytest.raises(ValidationError, match="older than its root") as info:
        reply_ref(root=5, parent=3)
    assert info.value.field == "parent_id"
    assert info.value.value == 3


@pytest.mark.parametrize("field", ["root_id", "parent_id", "parent_author_id", "addressee_id"])
@pytest.mark.parametrize("value", [0, True, "1", None])
def test_reply_ref_refuses_bad_ids(field: str, value: object) -> None:
    fields = {"root_id": 1, "parent_id": 1, "parent_author_id": 1, "addressee_id": 1}
    with pytest.raises(InvalidIdError) as info:
        ReplyRef(**{**fields, field: value})
    assert info.value.field == field


def test_repost_ref_with_and_without_via() -> None:
    plain = RepostRef(root_id=3, root_author_id=2)
    assert (plain.via_id, plain.via_author_id) == (None, None)
    via = RepostRef(root_id=3, root_author_id=2, via_id=4, via_author_id=5)
    assert (via.via_id, via.via_author_id) == (4, 5)


@pytest.mark.parametrize(("via_id", "via_author_id"), [(4, None), (None, 5)])
def test_repost_ref_via_needs_both_parts(via_id: int | None, via_author_id: int | None) -> None:
    with pytest.raises(ValidationError, match="together") as info:
        RepostRef(root_id=3, root_author_id=2, via_id=via_id, via_author_id=via_author_id)
    assert info.value.field == "via_author_id"


@pytest.mark.parametrize("via_id", [3, 2])
def test_repost_ref_via_must_be_newer_than_the_root(via_id: int) -> None:
    with pytest.raises(ValidationError, match="newer than the root") as info:
        RepostRef(root_id=3, root_author_id=2, via_id=via_id, via_author_id=5)
    assert info.value.field == "via_id"


@pytest.mark.parametrize("field", ["root_id", "root_author_id", "via_id", "via_author_id"])
def test_repost_ref_refuses_bad_ids(field: str) -> None:
    fields: dict[str, object] = {
        "root_id": 3,
        "root_author_id": 2,
        "via_id": 4,
        "via_author_id": 5,
        field: -1,
    }
    with pytest.raises(InvalidIdError) as info:
        RepostRef(**fields)  # type: ignore[arg-type]
    assert info.value.field == field


# --- Media, Location, Poll --------------------------------------------------------------


@given(media())
def test_generated_media_are_valid(item: Media) -> None:
    assert item.url.strip()
    assert len(item.description) <= Media.MAX_DESCRIPTION


@pytest.mark.parametrize("url", ["", "   "])
def test_media_needs_a_url(url: str) -> None:
    with pytest.raises(ValidationError, match="needs a url") as info:
        Media(kind=MediaKind.IMAGE, url=url)
    assert info.value.field == "url"


def test_media_alt_text_is_limited_to_1500() -> None:
    Media(kind=MediaKind.VIDEO, url="u", description="d" * 1500)
    with pytest.raises(ValidationError, match="1500") as info:
        Media(kind=MediaKind.VIDEO, url="u", description="d" * 1501)
    assert info.value.field == "description"
    assert info.value.value == 1501


@pytest.mark.parametrize("field", ["width", "height"])
@pytest.mark.parametrize("value", [0, -1, True, 1.5, "10"])
def test_media_sizes_are_positive_integers(field: str, value: object) -> None:
    with pytest.raises(ValidationError, match="positive integer") as info:
        Media(kind=MediaKind.IMAGE, url="u", **{field: value})  # type: ignore[arg-type]
    assert info.value.field == field


@pytest.mark.parametrize(("field", "value"), [("kind", "image"), ("url", None), ("description", 5)])
def test_media_fields_of_the_wrong_type(field: str, value: object) -> None:
    fields: dict[str, object] = {"kind": MediaKind.IMAGE, "url": "u", field: value}
    with pytest.raises(ValidationError) as info:
        Media(**fields)  # type: ignore[arg-type]
    assert info.value.field == field


@given(locations())
def test_generated_locations_are_in_range(place: Location) -> None:
    assert -90 <= place.latitude <= 90
    assert -180 <= place.longitude <= 180


def test_location_accepts_the_extremes_and_integers() -> None:
    Location(latitude=-90, longitude=180)
    Location(latitude=90.0, longitude=-180.0)


@pytest.mark.parametrize(
    ("latitude", "longitude", "field"),
    [
        (90.5, 0, "latitude"),
        (-91, 0, "latitude"),
        (0, 180.01, "longitude"),
        (0, -181, "longitude"),
        (float("nan"), 0, "latitude"),
        (0, float("inf"), "longitude"),
        (True, 0, "latitude"),
        ("1", 0, "latitude"),
    ],
)
def test_location_refuses_bad_coordinates(latitude: object, longitude: object, field: str) -> None:
    with pytest.raises(ValidationError, match="between") as info:
        Location(latitude=latitude, longitude=longitude)  # type: ignore[arg-type]
    assert info.value.field == field


@given(polls())
def test_generated_polls_follow_the_rules(poll: Poll) -> None:
    assert 2 <= len(poll.options) <= Poll.MAX_OPTIONS
    assert len(set(poll.options)) == len(poll.options)


def test_poll_options_become_a_tuple() -> None:
    poll = Poll(options=["a", "b", "c", "d"], expires_at=T0, multiple=True)
    assert poll.options == ("a", "b", "c", "d")
    assert poll.multiple


@pytest.mark.parametrize(
    ("options", "match"),
    [
        (["only"], "2 to 4 options"),
        ([], "2 to 4 options"),
        (["a", "b", "c", "d", "e"], "2 to 4 options"),
        (["a", ""], "1 to 50 characters"),
        (["a", "   "], "1 to 50 characters"),
        (["a", "x" * 51], "1 to 50 characters"),
        (["same", "same"], "must differ"),
        (["a", 2], "must be strings"),
        ("ab", "must be strings"),
    ],
)
def test_poll_option_rules(options: object, match: str) -> None:
    with pytest.raises(ValidationError, match=match) as info:
        Poll(options=options, expires_at=T0)  # type: ignore[arg-type]
    assert info.value.field == "options"


def test_poll_option_of_exactly_50_characters_is_fine() -> None:
    Poll(options=("x" * 50, "y"), expires_at=T0)


def test_poll_refuses_naive_expiry() -> None:
    with pytest.raises(NaiveDatetimeError) as info:
        Poll(options=("a", "b"), expires_at=datetime(2026, 1, 1))
    assert info.value.field == "expires_at"


def test_poll_refuses_non_bool_multiple() -> None:
    with pytest.raises(ValidationError) as info:
        Poll(options=("a", "b"), expires_at=T0, multiple=1)  # type: ignore[arg-type]
    assert info.value.field == "multiple"


# --- Post: originals and attachments ----------------------------------------------------


def test_create_builds_an_original() -> None:
    made = Post.create(id=10, author_id=1, created_at=T0, text="hi", tags=["Python", "python"])
    assert not made.is_reply
    assert not made.is_repost
    assert not made.is_quote
    assert made.root_id == made.thread_root_id == 10
    assert made.visibility is Visibility.PUBLIC
    assert made.reply_gate is ReplyGate.ANYONE
    assert made.quote_policy is QuotePolicy.ANYONE
    assert made.tags == ("python",)


@pytest.mark.parametrize("text", ["", "   ", "\n\t"])
def test_a_post_needs_text_or_an_attachment(text: str) -> None:
    with pytest.raises(ValidationError, match="needs text or an attachment") as info:
        post(text=text)
    assert info.value.field == "text"
    assert isinstance(info.value, ValueError)


def test_a_content_warning_alone_is_not_enough() -> None:
    with pytest.raises(ValidationError) as info:
        post(text="", content_warning="spoiler")
    assert info.value.field == "text"


@pytest.mark.parametrize("attachment", [IMAGE, PLACE, POLL])
def test_an_attachment_alone_is_enough(attachment: Media | Location | Poll) -> None:
    assert post(text="", attachments=[attachment]).attachments == (attachment,)


def test_up_to_four_media() -> None:
    assert len(post(attachments=[IMAGE] * MAX_MEDIA).attachments) == 4


def test_more_than_four_media_is_refused() -> None:
    with pytest.raises(ValidationError, match="at most 4 media") as info:
        post(attachments=[IMAGE] * 5)
    assert info.value.field == "attachments"
    assert info.value.value == 5


def test_a_poll_and_media_together_are_refused() -> None:
    with pytest.raises(ValidationError, match="either a poll or media") as info:
        post(attachments=[POLL, IMAGE])
    assert info.value.field == "attachments"


@pytest.mark.parametrize("pair", [[POLL, POLL], [PLACE, PLACE]])
def test_two_polls_or_two_places_are_refused(pair: list[Poll | Location]) -> None:
    with pytest.raises(ValidationError, match="at most one poll and one location") as info:
        post(attachments=pair)
    assert info.value.field == "attachments"


def test_media_and_a_place_or_a_poll_and_a_place_are_fine() -> None:
    post(attachments=[IMAGE, IMAGE, PLACE])
    post(attachments=[POLL, PLACE])


@pytest.mark.parametrize("attachments", [["text"], [None], "abc"])
def test_attachments_must_be_attachment_values(attachments: object) -> None:
    with pytest.raises(ValidationError, match="Media, Location or Poll") as info:
        post(attachments=attachments)
    assert info.value.field == "attachments"


@pytest.mark.parametrize("language", ["en", "zh", "zh-Hans", "pt-BR", "yue", "sr-Latn-RS", None])
def test_language_tags_accepted(language: str | None) -> None:
    assert post(language=language).language == language


@pytest.mark.parametrize(
    "language", ["", "e", "EN", "english", "en_US", "en-", "-en", "en-toolongsubtag", 5]
)
def test_bad_language_tags_refused(language: object) -> None:
    with pytest.raises(ValidationError, match="language tag") as info:
        post(language=language)
    assert info.value.field == "language"


def test_mentions_must_be_unique_valid_ids() -> None:
    assert post(mentions=[3, 2]).mentions == (3, 2)
    with pytest.raises(ValidationError, match="must not repeat") as info:
        post(mentions=[2, 2])
    assert info.value.field == "mentions"
    with pytest.raises(InvalidIdError) as bad:
        post(mentions=[0])
    assert bad.value.field == "mentions"


def test_tags_are_casefolded_and_deduplicated_in_order() -> None:
    assert post(tags=["Weibo", "ß", "WEIBO", "ss"]).tags == ("weibo", "ss")


@pytest.mark.parametrize("tags", [[""], [5], "tag"])
def test_bad_tags_refused(tags: object) -> None:
    with pytest.raises(ValidationError, match="tags") as info:
        post(tags=tags)
    assert info.value.field == "tags"


@pytest.mark.parametrize(
    ("field", "value"),
    [
        ("id", 0),
        ("author_id", -3),
        ("id", True),
        ("quote_of", 0),
    ],
)
def test_bad_ids_refused(field: str, value: object) -> None:
    with pytest.raises(InvalidIdError) as info:
        post(**{field: value})
    assert info.value.field == field


@pytest.mark.parametrize(
    ("field", "value"),
    [
        ("text", None),
        ("content_warning", 5),
        ("visibility", "public"),
        ("reply_to", 5),
        ("repost_of", (3, 2)),
        ("reply_gate", None),
        ("quote_policy", "public"),
        ("hidden", 0),
        ("created_at", "2026-01-01T00:00:00Z"),
    ],
)
def test_fields_of_the_wrong_type_refused(field: str, value: object) -> None:
    with pytest.raises(ValidationError) as info:
        post(**{field: value})
    assert info.value.field == field


def test_naive_created_at_refused() -> None:
    with pytest.raises(NaiveDatetimeError) as info:
        post(created_at=datetime(2026, 1, 1))
    assert info.value.field == "created_at"


@pytest.mark.parametrize(
    "build",
    [
        lambda: post(mentions=5),
        lambda: post(tags=5),
        lambda: post(attachments=None),
        lambda: ReplyGate(allow=5),  # type: ignore[arg-type]
        lambda: Poll(options=None, expires_at=T0),  # type: ignore[arg-type]
    ],
    ids=["mentions", "tags", "attachments", "reply_gate", "poll_options"],
)
def test_non_collections_give_a_validation_error(build: object) -> None:
    with pytest.raises(ValidationError):
        build()  # type: ignore[operator]


# --- replies and quotes -----------------------------------------------------------------


def test_a_reply() -> None:
    reply = post(reply_to=reply_ref())
    assert reply.is_reply
    assert reply.thread_root_id == 3
    assert reply.root_id == 10


@pytest.mark.parametrize("parent", [10, 11])
def test_a_reply_must_be_newer_than_its_parent(parent: int) -> None:
    with pytest.raises(ValidationError, match="newer than its parent") as info:
        post(reply_to=reply_ref(root=3, parent=parent))
    assert info.value.field == "reply_to"


def test_a_quote() -> None:
    quote = post(quote_of=4)
    assert quote.is_quote
    assert quote.root_id == 10


@pytest.mark.parametrize("quoted", [10, 12])
def test_a_quote_must_be_newer_than_what_it_quotes(quoted: int) -> None:
    with pytest.raises(ValidationError, match="newer than the post it quotes") as info:
        post(quote_of=quoted)
    assert info.value.field == "quote_of"


def test_a_reply_may_quote() -> None:
    both = post(reply_to=reply_ref(), quote_of=7)
    assert both.is_reply
    assert both.is_quote


def test_only_a_reply_can_be_hidden() -> None:
    assert post(reply_to=reply_ref(), hidden=True).hidden
    with pytest.raises(ValidationError, match="only a reply") as info:
        post(hidden=True)
    assert info.value.field == "hidden"


# --- reposts ----------------------------------------------------------------------------


def test_create_repost() -> None:
    ref = RepostRef(root_id=3, root_author_id=2, via_id=5, via_author_id=4)
    made = Post.create_repost(id=10, author_id=1, created_at=T0, of=ref, comment="//@B: wow")
    assert made.is_repost
    assert made.root_id == 3
    assert made.thread_root_id == 10
    assert made.text == "//@B: wow"


def test_a_repost_needs_no_text() -> None:
    assert repost().text == ""


@pytest.mark.parametrize(
    ("overrides", "field"),
    [
        ({"attachments": [IMAGE]}, "attachments"),
        ({"content_warning": "cw"}, "content_warning"),
        ({"reply_to": reply_ref()}, "repost_of"),
        ({"quote_of": 4}, "repost_of"),
    ],
)
def test_a_repost_carries_only_a_comment(overrides: dict[str, object], field: str) -> None:
    with pytest.raises(ValidationError) as info:
        repost(**overrides)
    assert info.value.field == field


@pytest.mark.parametrize(
    "ref",
    [
        RepostRef(root_id=10, root_author_id=2),
        RepostRef(root_id=11, root_author_id=2),
        RepostRef(root_id=3, root_author_id=2, via_id=10, via_author_id=4),
        RepostRef(root_id=3, root_author_id=2, via_id=12, via_author_id=4),
    ],
)
def test_a_repost_must_be_newer_than_what_it_shares(ref: RepostRef) -> None:
    with pytest.raises(ValidationError, match="must be newer than what it shares") as info:
        repost(repost_of=ref)
    assert info.value.field == "repost_of"


def test_a_repost_cannot_be_hidden() -> None:
    with pytest.raises(ValidationError) as info:
        repost(hidden=True)
    assert info.value.field == "hidden"


# --- properties over generated posts ----------------------------------------------------


@given(posts())
def test_evolve_to_itself_is_equal(value: Post) -> None:
    assert attrs.evolve(value) == value
    assert hash(attrs.evolve(value)) == hash(value)


@given(posts())
def test_root_id_and_thread_root_id(value: Post) -> None:
    if value.repost_of is not None:
        assert value.root_id == value.repost_of.root_id < value.id
    else:
        assert value.root_id == value.id
    if value.reply_to is not None:
        assert value.thread_root_id == value.reply_to.root_id < value.id
    else:
        assert value.thread_root_id == value.id


@given(posts(kinds=("original", "reply", "quote")))
def test_removing_text_and_attachments_is_refused(value: Post) -> None:
    with pytest.raises(ValidationError):
        attrs.evolve(value, text=" ", attachments=())


# -- Post._from_service: the service's constructor ---------------------------


def _service_fields(value: Post) -> dict[str, object]:
    fields = attrs.asdict(value, recurse=False)
    del fields["hidden"]  # the service never builds a hidden post
    return fields


@given(posts())
def test_from_service_builds_the_post_the_checked_constructor_builds(value: Post) -> None:
    """Post._from_service(**fields) equals Post(**fields) for every valid post it is given."""
    value = attrs.evolve(value, hidden=False)
    fields = _service_fields(value)
    built = Post._from_service(**fields)  # type: ignore[arg-type]
    assert built == Post(**fields)  # type: ignore[arg-type]
    assert type(built) is Post
    assert all(hasattr(built, a.name) for a in attrs.fields(Post))
    with pytest.raises(attrs.exceptions.FrozenInstanceError):
        built.text = "changed"  # type: ignore[misc]


CALLER_FIELD_ERRORS = [
    {"visibility": "public"},
    {"language": "English!"},
    {"language": 7},
    {"content_warning": "\ud800"},
    {"content_warning": None},
    {"attachments": ("not media",)},
    {"attachments": (IMAGE,) * (MAX_MEDIA + 1)},
    {"attachments": (POLL, IMAGE)},
    {"reply_gate": "anyone"},
    {"quote_policy": None},
    {"text": " ", "attachments": ()},
    {"quote_of": 11},
    {"reply_to": ReplyRef(root_id=10, parent_id=10, parent_author_id=1, addressee_id=1)},
]


@pytest.mark.parametrize("bad", CALLER_FIELD_ERRORS)
def test_from_service_refuses_what_the_checked_constructor_refuses(
    bad: dict[str, object],
) -> None:
    """The caller's fields and the cross-field invariants are still checked, with the same error."""
    fields: dict[str, object] = {
        "id": 10,
        "author_id": 1,
        "created_at": T0,
        "text": "hello",
        "mentions": (),
        "tags": (),
        **bad,
    }
    with pytest.raises(ValidationError) as checked:
        Post(**fields)  # type: ignore[arg-type]
    with pytest.raises(ValidationError) as trusted:
        Post._from_service(**fields)  # type: ignore[arg-type]
    assert type(trusted.value) is type(checked.value)
    assert trusted.value.field == checked.value.field


# -- Post._from_store: the storage adapters' constructor ----------------------


@given(posts())
def test_from_store_builds_the_post_the_checked_constructor_builds(value: Post) -> None:
    """Post._from_store(*fields) equals Post(**fields) for every valid post it is given."""
    fields = attrs.asdict(value, recurse=False)
    built = Post._from_store(*fields.values())
    assert built == Post(**fields) == value
    assert type(built) is Post
    assert all(hasattr(built, a.name) for a in attrs.fields(Post))
    with pytest.raises(attrs.exceptions.FrozenInstanceError):
        built.text = "changed"  # type: ignore[misc]


# -- Post._quick: the readers' constructor -----------------------------------


def _quick_fields(value: Post) -> dict[str, object]:
    fields = attrs.asdict(value, recurse=False)
    del fields["hidden"]  # a reader never builds a hidden post
    return fields


@given(posts())
def test_quick_builds_the_post_the_checked_constructor_builds(value: Post) -> None:
    """Post._quick(**fields) equals Post(**fields) for every valid post."""
    fields = _quick_fields(attrs.evolve(value, hidden=False))
    built = Post._quick(**fields)  # type: ignore[arg-type]
    assert built == Post(**fields)  # type: ignore[arg-type]
    assert type(built) is Post
    assert all(hasattr(built, a.name) for a in attrs.fields(Post))
    with pytest.raises(attrs.exceptions.FrozenInstanceError):
        built.text = "changed"  # type: ignore[misc]


STORED_FIELD_ERRORS = [
    # Not visibility, reply_gate or quote_policy: the row reader looks those up.
    *CALLER_FIELD_ERRORS[1:8],
    *CALLER_FIELD_ERRORS[10:],
    {"id": 0},
    {"id": "10"},
    {"author_id": -1},
    {"author_id": 2**63},
    {"quote_of": 0},
    {"text": 7},
    {"text": "caf\u00e9 \ud800"},
    {"content_warning": 7},
    {"mentions": (1, 1)},
    {"mentions": ("1",)},
    {"tags": ("",)},
    {"tags": (7,)},
    {"hidden": True},
    {"attachments": (POLL,), "text": "", "repost_of": RepostRef(root_id=5, root_author_id=2)},
]


@pytest.mark.parametrize("bad", STORED_FIELD_ERRORS)
def test_from_store_refuses_what_the_checked_constructor_refuses(
    bad: dict[str, object],
) -> None:
    """What a stored value could get wrong is checked, with the same error as Post(**fields)."""
    fields: dict[str, object] = {
        "id": 10,
        "author_id": 1,
        "created_at": T0,
        "text": "hello",
        "visibility": Visibility.PUBLIC,
        "reply_to": None,
        "repost_of": None,
        "quote_of": None,
        "language": None,
        "content_warning": "",
        "attachments": (),
        "mentions": (),
        "tags": (),
        "reply_gate": ReplyGate.ANYONE,
        "quote_policy": QuotePolicy.ANYONE,
        "hidden": False,
        **bad,
    }
    with pytest.raises(ValidationError) as checked:
        Post(**fields)  # type: ignore[arg-type]
    with pytest.raises(ValidationError) as trusted:
        Post._from_store(*fields.values())  # type: ignore[arg-type]
    assert type(trusted.value) is type(checked.value)
    assert trusted.value.field == checked.value.field


def test_from_store_keeps_tags_in_their_canonical_form() -> None:
    """Stored tags that are not casefolded or repeat come out as Post(**fields) makes them."""
    fields = attrs.asdict(post(tags=("a",)), recurse=False)
    fields["tags"] = ("A", "a", "B")
    assert Post._from_store(*fields.values()).tags == Post(**fields).tags == ("a", "b")


STORED_TAGS = st.one_of(
    st.lists(
        st.one_of(
            st.sampled_from(["a", "A", "b", "\u00df", "ss", "SS", "\u0130", "\u03a3", "", " "]),
            st.text(max_size=3),
            st.integers(),
            st.none(),
            st.lists(st.text(max_size=1), max_size=1),
        ),
        min_size=1,
        max_size=4,
    ).flatmap(lambda items: st.sampled_from([tuple(items), items])),
    st.sampled_from(["abc", "a", b"ab", 5]),
)


@given(tags=STORED_TAGS)
def test_from_store_reads_any_stored_tags_as_the_checked_constructor(tags: object) -> None:
    """Canonical tags skip the converter and validator: any tags, canonical or not, give the
    post Post(**fields) gives, or its error (a reader passes no empty tags: it skips them)."""
    fields = attrs.asdict(post(), recurse=False)
    fields["tags"] = tags
    try:
        expected: object = Post(**fields)
    except ValidationError as exc:
        expected = (type(exc), exc.field, str(exc))
    try:
        built: object = Post._from_store(*fields.values())
    except ValidationError as exc:
        built = (type(exc), exc.field, str(exc))
    assert built == expected
    if isinstance(built, Post):
        assert type(built.tags) is tuple


class _Text(str):
    """A str subclass: the quick checks do not vouch for it, the checked path decides."""


# Values each field may take instead of a valid post's own: bad ones, odd ones
# (a str subclass, a list for a tuple, another time zone) and good ones.
_ODD_FIELDS: dict[str, list[object]] = {
    "id": [0, -1, True, "10", 1 << 63, 10.0, 10**6],
    "author_id": [0, True, "1", None, 7],
    "created_at": [
        T0.replace(tzinfo=None),
        T0.astimezone(timezone(timedelta(hours=8))),
        "2026-01-01",
        T0,
    ],
    "text": ["\ud800", None, 5, " ", "", "ß und 中文", _Text("sub"), "hello"],
    "visibility": ["public", None, Visibility.DIRECT],
    "reply_to": [
        "x",
        reply_ref(),
        ReplyRef(root_id=1, parent_id=1, parent_author_id=1, addressee_id=1),
    ],
    "repost_of": ["x", RepostRef(root_id=1, root_author_id=2)],
    "quote_of": [0, True, 11, 2, None],
    "language": ["English!", 7, "", "en", "zh-Hans", _Text("en"), None],
    "content_warning": ["\ud800", None, "cw", "ß", ""],
    "attachments": [
        ("not media",),
        (IMAGE,) * (MAX_MEDIA + 1),
        (POLL, IMAGE),
        [IMAGE],
        (PLACE, POLL),
        "x",
        7,
        (),
    ],
    "mentions": [(1, 1), (0,), [2, 3], ("2",), (True,), "12", 5, ()],
    "tags": [("",), ("A", "a"), ["X", "y"], (None,), "abc", 5, ([],), ("ß",), ()],
    "reply_gate": ["anyone", ReplyGate.NOBODY, None],
    "quote_policy": [None, QuotePolicy.NOBODY, "public"],
}


def _outcome(build: object, fields: dict[str, object]) -> object:
    try:
        return build(**fields)  # type: ignore[operator]
    except ValidationError as exc:
        return (type(exc), str(exc), exc.field)


@given(
    posts(),
    st.dictionaries(
        st.sampled_from(sorted(_ODD_FIELDS)), st.integers(min_value=0, max_value=20), max_size=3
    ),
)
def test_quick_refuses_what_the_checked_constructor_refuses(
    value: Post, changes: dict[str, int]
) -> None:
    """With any fields swapped for odd ones, _quick and Post() agree: same post or same error."""
    fields = _quick_fields(attrs.evolve(value, hidden=False))
    for name, index in changes.items():
        pool = _ODD_FIELDS[name]
        fields[name] = pool[index % len(pool)]
    quick, checked = _outcome(Post._quick, fields), _outcome(Post, fields)
    assert quick == checked
    assert type(quick) is type(checked)


@pytest.mark.parametrize("bad", CALLER_FIELD_ERRORS)
def test_quick_refuses_each_caller_field_error_alike(bad: dict[str, object]) -> None:
    """Each bad field the service's constructor is tested with is refused alike by _quick."""
    fields: dict[str, object] = {"id": 10, "author_id": 1, "created_at": T0, "text": "hello"}
    fields.update(bad)
    with pytest.raises(ValidationError) as checked:
        Post(**fields)  # type: ignore[arg-type]
    with pytest.raises(ValidationError) as quick:
        Post._quick(**fields)  # type: ignore[arg-type]
    assert (type(quick.value), str(quick.value), quick.value.field) == (
        type(checked.value),
        str(checked.value),
        checked.value.field,
    )


_ODD_IDS: list[object] = [0, -1, True, "3", 1 << 63, 3.0, None, 1, 2, 3, 5, 9]


@given(st.lists(st.sampled_from(_ODD_IDS), min_size=4, max_size=4))
def test_reply_ref_quick_agrees_with_the_checked_constructor(ids: list[object]) -> None:
    """ReplyRef._quick and ReplyRef() agree on any ids: the same value or the same error."""
    fields = dict(
        zip(("root_id", "parent_id", "parent_author_id", "addressee_id"), ids, strict=True)
    )
    assert _outcome(ReplyRef._quick, fields) == _outcome(ReplyRef, fields)


@given(st.lists(st.sampled_from(_ODD_IDS), min_size=4, max_size=4))
def test_repost_ref_quick_agrees_with_the_checked_constructor(ids: list[object]) -> None:
    """RepostRef._quick and RepostRef() agree on any ids: the same value or the same error."""
    fields = dict(zip(("root_id", "root_author_id", "via_id", "via_author_id"), ids, strict=True))
    quick, checked = _outcome(RepostRef._quick, fields), _outcome(RepostRef, fields)
    assert quick == checked
    assert type(quick) is type(checked)
