"""The error tree: every leaf is a MicroblogError and the matching built-in, and carries data."""

import pytest

from microblog_core import errors
from microblog_core.errors import (
    ChatError,
    ConflictError,
    DuplicateHandleError,
    DuplicateRepostError,
    InvalidHandleError,
    InvalidIdError,
    InvalidTextError,
    MicroblogError,
    NaiveDatetimeError,
    NotFoundError,
    PermissionDeniedError,
    StorageError,
    TextTooLongError,
    TransientStorageError,
    ValidationError,
)

EXAMPLES: list[tuple[MicroblogError, tuple[type[BaseException], ...]]] = [
    (ValidationError("bad", field="f", value=1), (ValidationError, ValueError)),
    (
        TextTooLongError(field="text", length=300, limit=280, units="weighted characters"),
        (ValidationError, ValueError),
    ),
    (InvalidTextError("empty", field="text", reason="empty"), (ValidationError, ValueError)),
    (InvalidHandleError("no", handle="a b"), (ValidationError, ValueError)),
    (NaiveDatetimeError(field="created_at", value=None), (ValidationError, ValueError)),
    (InvalidIdError("bad id", field="id", value=-1), (ValidationError, ValueError)),
    (NotFoundError("post", 7), (LookupError,)),
    (PermissionDeniedError("no", action="follow", rule="blocked"), (PermissionError, OSError)),
    (ConflictError("dup", entity="account", key="x"), ()),
    (DuplicateHandleError("Alice"), (ConflictError,)),
    (DuplicateRepostError(1, 2), (ConflictError,)),
    (StorageError("disk on fire"), (OSError,)),
    (ChatError("model down", url="http://127.0.0.1:8080/v1", status=503), (OSError,)),
    (TransientStorageError("serialization failure"), (StorageError, OSError)),
]


@pytest.mark.parametrize(("error", "bases"), EXAMPLES, ids=lambda e: type(e).__name__)
def test_every_error_is_a_microblog_error_and_its_builtin(
    error: MicroblogError, bases: tuple[type[BaseException], ...]
) -> None:
    assert isinstance(error, MicroblogError)
    for base in bases:
        assert isinstance(error, base)
    with pytest.raises(MicroblogError):
        raise error


def test_every_public_error_is_covered_by_the_examples() -> None:
    covered = {type(error) for error, _ in EXAMPLES} | {MicroblogError}
    assert covered == {getattr(errors, name) for name in errors.__all__}


def test_validation_error_is_caught_as_value_error() -> None:
    with pytest.raises(ValueError, match="bad"):
        raise ValidationError("bad", field="f")


def test_validation_error_carries_field_and_value() -> None:
    error = ValidationError("handle is empty", field="handle", value="")
    assert (error.field, error.value, str(error)) == ("handle", "", "handle is empty")


def test_validation_error_value_defaults_to_none() -> None:
    assert ValidationError("x", field="f").value is None


def test_text_too_long_carries_length_limit_and_measurement() -> None:
    error = TextTooLongError(
        field="text", length=300, limit=280, measurement="m", units="weighted characters"
    )
    assert (error.field, error.length, error.limit, error.measurement) == ("text", 300, 280, "m")
    assert error.value == 300
    assert (
        str(error) == "text is 300 weighted characters long; the limit is 280 weighted characters"
    )


def test_text_too_long_without_units_says_bare_numbers() -> None:
    assert str(TextTooLongError(field="bio", length=161, limit=160)) == (
        "bio is 161 long; the limit is 160"
    )


def test_invalid_text_carries_reason() -> None:
    error = InvalidTextError("text is empty", field="text", reason="empty", measurement=3)
    assert (error.field, error.reason, error.value, error.measurement) == (
        "text",
        "empty",
        "empty",
        3,
    )


def test_invalid_handle_carries_the_handle() -> None:
    error = InvalidHandleError("'a b' has a space", handle="a b")
    assert (error.field, error.handle, error.value) == ("handle", "a b", "a b")


def test_naive_datetime_message_says_what_to_do() -> None:
    error = NaiveDatetimeError(field="created_at", value="2026")
    assert (error.field, error.value) == ("created_at", "2026")
    assert "created_at" in str(error)
    assert "timezone-aware" in str(error)
    assert "tzinfo=timezone.utc" in str(error)


def test_not_found_carries_entity_and_key_and_reads_plainly() -> None:
    error = NotFoundError("post", 42)
    assert (error.entity, error.key) == ("post", 42)
    assert str(error) == "no post with key 42"  # no quotes, unlike KeyError


def test_not_found_takes_a_custom_message() -> None:
    assert str(NotFoundError("account", "bob", "no account @bob")) == "no account @bob"


def test_permission_denied_carries_action_and_rule() -> None:
    error = PermissionDeniedError("you are blocked", action="reply", rule="blocked")
    assert (error.action, error.rule, str(error)) == ("reply", "blocked", "you are blocked")


def test_conflict_carries_entity_and_key() -> None:
    error = ConflictError("taken", entity="account", key="bob")
    assert (error.entity, error.key, str(error)) == ("account", "bob", "taken")


def test_duplicate_handle_keys_case_insensitively_and_says_so() -> None:
    error = DuplicateHandleError("Alice")
    assert (error.handle, error.entity, error.key) == ("Alice", "account", "alice")
    assert "'Alice'" in str(error)
    assert "case-insensitively" in str(error)


def test_duplicate_repost_carries_account_and_root() -> None:
    error = DuplicateRepostError(3, 9)
    assert (error.account_id, error.root_id, error.entity, error.key) == (3, 9, "repost", (3, 9))
    assert "3" in str(error)
    assert "9" in str(error)
    assert "at most once" in str(error)


def test_storage_error_is_an_os_error() -> None:
    with pytest.raises(OSError, match="corrupt"):
        raise StorageError("corrupt file")


def test_chat_error_carries_the_endpoint_and_status() -> None:
    error = ChatError("the model is down", url="http://127.0.0.1:8080/v1", status=503)
    assert error.url == "http://127.0.0.1:8080/v1"
    assert error.status == 503
    assert str(error) == "the model is down"
    assert ChatError("unreachable", url="http://x").status is None
