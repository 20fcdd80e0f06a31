"""The exception tree of microblog_core.

Every error the library raises on purpose derives from :class:`MicroblogError`.
Each leaf also subclasses the matching built-in exception, so callers that only
know Python's own hierarchy still catch it (``except ValueError`` catches a
:class:`ValidationError`, ``except LookupError`` a :class:`NotFoundError`).
Errors carry the data a caller needs to react, not only a message.

The tree::

    MicroblogError
    ├── ValidationError (ValueError)          bad input: field, value
    │   ├── TextTooLongError                  .length, .limit, .measurement
    │   ├── InvalidTextError                  .reason, .measurement
    │   ├── InvalidHandleError                .handle
    │   ├── NaiveDatetimeError                .value
    │   └── InvalidIdError                    .value
    ├── NotFoundError (LookupError)           .entity, .key
    ├── PermissionDeniedError (PermissionError)  .action, .rule
    ├── ConflictError                         .entity, .key
    │   ├── DuplicateHandleError              .handle
    │   └── DuplicateRepostError              .account_id, .root_id
    └── StorageError (OSError)                adapter failures: corrupt file, lost lock
        └── TransientStorageError             a retry may succeed: serialization failure,
                                              deadlock, busy database, connection lost
"""

from typing import Any

__all__ = [
    "ChatError",
    "ConflictError",
    "DuplicateHandleError",
    "DuplicateRepostError",
    "InvalidHandleError",
    "InvalidIdError",
    "InvalidTextError",
    "MicroblogError",
    "NaiveDatetimeError",
    "NotFoundError",
    "PermissionDeniedError",
    "StorageError",
    "TextTooLongError",
    "TransientStorageError",
    "ValidationError",
]


class MicroblogError(Exception):
    """Root of every error microblog_core raises on purpose."""


class ValidationError(MicroblogError, ValueError):
    """An input broke a rule of the domain.

    Attributes:
        field: The name of the offending field or argument.
        value: The offending value (may be truncated in the message).
    """

    def __init__(self, message: str, *, field: str, value: object = None) -> None:
        super().__init__(message)
        self.field = field
        self.value = value


class TextTooLongError(ValidationError):
    """A text measures more than its policy allows.

    Attributes:
        length: The text's length in the policy's units.
        limit: The policy's limit in the same units.
        measurement: The full :class:`~microblog_core.text.Measurement`.
    """

    def __init__(
        self, *, field: str, length: int, limit: int, measurement: Any = None, units: str = ""
    ) -> None:
        unit_text = f" {units}" if units else ""
        super().__init__(
            f"{field} is {length}{unit_text} long; the limit is {limit}{unit_text}",
            field=field,
            value=length,
        )
        self.length = length
        self.limit = limit
        self.measurement = measurement


class InvalidTextError(ValidationError):
    """A text is invalid for a reason other than its length.

    Attributes:
        reason: A short machine-readable reason (``"empty"``,
            ``"invalid_character"``, ``"too_many_bytes"``).
        measurement: The full measurement, when one was taken.
    """

    def __init__(self, message: str, *, field: str, reason: str, measurement: Any = None) -> None:
        super().__init__(message, field=field, value=reason)
        self.reason = reason
        self.measurement = measurement


class InvalidHandleError(ValidationError):
    """A handle does not follow its network's rules."""

    def __init__(self, message: str, *, handle: str) -> None:
        super().__init__(message, field="handle", value=handle)
        self.handle = handle


class NaiveDatetimeError(ValidationError):
    """A datetime without a time zone was given where an aware UTC one is required."""

    def __init__(self, *, field: str, value: object) -> None:
        super().__init__(
            f"{field} must be a timezone-aware datetime (UTC), got naive {value!r}; "
            "use datetime(..., tzinfo=timezone.utc)",
            field=field,
            value=value,
        )


class InvalidIdError(ValidationError):
    """A value is not a valid id (out of range, wrong type, malformed TID)."""


class NotFoundError(MicroblogError, LookupError):
    """Something looked up by key does not exist.

    Attributes:
        entity: What was looked up (``"account"``, ``"post"``, ``"follow"``...).
        key: The key that was not found.
    """

    def __init__(self, entity: str, key: object, message: str | None = None) -> None:
        super().__init__(message or f"no {entity} with key {key!r}")
        self.entity = entity
        self.key = key

    def __str__(self) -> str:
        # LookupError would otherwise render the message with quotes around it.
        return str(self.args[0])


class PermissionDeniedError(MicroblogError, PermissionError):
    """A domain rule forbids the action.

    Attributes:
        action: The refused action (``"follow"``, ``"repost"``, ``"reply"``...).
        rule: The name of the rule that refused it (``"self_follow"``,
            ``"blocked"``, ``"reply_gate"``...).
    """

    def __init__(self, message: str, *, action: str, rule: str) -> None:
        super().__init__(message)
        self.action = action
        self.rule = rule

    def __str__(self) -> str:
        return str(self.args[0])


class ConflictError(MicroblogError):
    """A write would break a uniqueness rule.

    Attributes:
        entity: What is duplicated.
        key: The duplicated key.
    """

    def __init__(self, message: str, *, entity: str, key: object) -> None:
        super().__init__(message)
        self.entity = entity
        self.key = key


class DuplicateHandleError(ConflictError):
    """A handle is already taken (handles are unique case-insensitively)."""

    def __init__(self, handle: str) -> None:
        super().__init__(
            f"the handle {handle!r} is already taken (handles are compared case-insensitively)",
            entity="account",
            key=handle.casefold(),
        )
        self.handle = handle


class DuplicateRepostError(ConflictError):
    """An account has already reposted this root post."""

    def __init__(self, account_id: int, root_id: int) -> None:
        super().__init__(
            f"account {account_id} has already reposted post {root_id}; "
            "an account reposts a post at most once",
            entity="repost",
            key=(account_id, root_id),
        )
        self.account_id = account_id
        self.root_id = root_id


class StorageError(MicroblogError, OSError):
    """A storage adapter failed for a reason outside the domain (corrupt file, I/O)."""


class ChatError(MicroblogError, OSError):
    """A chat endpoint an LLM agent calls failed (unreachable, an HTTP error, a malformed answer).

    Attributes:
        url: The endpoint.
        status: The HTTP status, when the endpoint answered with an error.
    """

    def __init__(self, message: str, *, url: str, status: int | None = None) -> None:
        super().__init__(message)
        self.url = url
        self.status = status


class TransientStorageError(StorageError):
    """A storage failure that running the same use case again may not meet.

    PostgreSQL's serialization failure (SQLSTATE 40001) and deadlock (40P01),
    a connection lost before the commit, and a SQLite database that stayed
    busy: the unit of work rolled back and changed nothing. The service
    retries the whole use case a bounded number of times on this error and
    raises it when every attempt failed.
    """
