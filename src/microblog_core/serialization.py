"""JSON (and plain-data) serialization of every value, on cattrs.

Serialization is opt-in glue: build a converter with :func:`make_converter`,
or add this library's hooks to your own with :func:`configure_converter`.
Nothing is registered on cattrs' global converter.

The JSON form: ids are strings (JavaScript-safe), datetimes ISO-8601 in UTC,
enums by value, attachments and events tagged with a ``"type"`` field.

Example:
    >>> from datetime import datetime, timezone
    >>> from microblog_core.models import Follow
    >>> follow = Follow(
    ...     follower_id=1, followee_id=2, created_at=datetime(2026, 1, 1, tzinfo=timezone.utc)
    ... )
    >>> text = to_json(follow)
    >>> import json
    >>> json.loads(text)["follower_id"], json.loads(text)["created_at"]
    ('1', '2026-01-01T00:00:00+00:00')
    >>> from_json(text, Follow) == follow
    True
"""

import json
import re
import typing
from datetime import datetime
from typing import Any, Final, TypeVar

import cattrs
from cattrs.strategies import configure_tagged_union

from microblog_core import _checks
from microblog_core.clock import ensure_utc
from microblog_core.errors import ValidationError
from microblog_core.ids import (
    AccountId,
    BookmarkId,
    FilterId,
    ListId,
    NotificationId,
    PostId,
    validate_id,
)
from microblog_core.models import VALUE_CLASSES, Attachment, Event, FilterContext

__all__ = [
    "MAX_JSON_CHARS",
    "MAX_JSON_DEPTH",
    "MAX_JSON_DIGITS",
    "configure_converter",
    "from_json",
    "load_json",
    "make_converter",
    "to_json",
]

MAX_JSON_CHARS: Final = 16 * 1024 * 1024
"""The longest JSON document :func:`from_json` reads, in characters (or bytes)."""

MAX_JSON_DEPTH: Final = 100
"""The deepest nesting of arrays and objects :func:`from_json` reads."""

MAX_JSON_DIGITS: Final = 4300
"""The most digits of an integer in a JSON document (Python's own ``int`` limit)."""

T = TypeVar("T")


def _unstructure_id(value: int) -> str:
    return str(value)


def _structure_id(value: object, _: type) -> int:
    if isinstance(value, str) and value.isascii() and value.isdigit():
        return validate_id(int(value))
    if isinstance(value, int) and not isinstance(value, bool):
        return validate_id(value)
    raise ValidationError(
        f"an id must be a string of digits, got {_checks.quote(value)}", field="id", value=value
    )


def _unstructure_datetime(value: datetime) -> str:
    return ensure_utc(value).isoformat()


def _structure_datetime(value: object, _: type) -> datetime:
    if not isinstance(value, str):
        raise ValidationError(
            f"a datetime must be an ISO-8601 string, got {_checks.quote(value)}",
            field="datetime",
            value=value,
        )
    try:
        parsed = datetime.fromisoformat(value)
    except ValueError:
        raise ValidationError(
            f"{_checks.quote(value)} is not an ISO-8601 datetime", field="datetime", value=value
        ) from None
    return ensure_utc(parsed)


def _name(cls: object) -> str:
    if cls is Event:
        return "Event"
    if cls is Attachment:
        return "Attachment"
    return str(getattr(cls, "__name__", cls))


def _strict(kind: type, accept: tuple[type, ...]) -> Any:
    """Return a structure hook that takes ``accept`` types as they are and refuses the rest.

    cattrs' default hooks coerce (``bool("false")`` is True); JSON input is not coerced.
    """

    def structure(value: object, _: type) -> Any:
        if isinstance(value, bool) and bool not in accept:
            raise ValidationError(
                f"expected {kind.__name__}, got a boolean", field=kind.__name__, value=value
            )
        if not isinstance(value, accept):
            raise ValidationError(
                f"expected {kind.__name__}, got {type(value).__name__} {_checks.quote(value)}",
                field=kind.__name__,
                value=value,
            )
        return float(value) if kind is float else value  # type: ignore[arg-type]  # checked above

    return structure


def _tag(cls: type) -> str:
    return cls.__name__


def configure_converter(converter: cattrs.Converter) -> cattrs.Converter:
    """Register this library's hooks on ``converter`` and return it.

    Registers id, datetime and tagged-union hooks. Use it to add microblog_core
    values to a converter you already have.

    Args:
        converter: A cattrs converter (a ``Converter``, not a ``BaseConverter``).

    Returns:
        The same converter.
    """
    for id_type in (AccountId, PostId, NotificationId, BookmarkId, FilterId, ListId):
        converter.register_unstructure_hook(id_type, _unstructure_id)
        converter.register_structure_hook(id_type, _structure_id)
    converter.register_unstructure_hook(datetime, _unstructure_datetime)
    converter.register_structure_hook(datetime, _structure_datetime)
    # A filter's contexts are a set: written as a sorted list, so the JSON is stable.
    converter.register_unstructure_hook_func(
        lambda kind: kind == frozenset[FilterContext],
        lambda contexts: sorted(c.value for c in contexts),
    )
    converter.register_structure_hook(bool, _strict(bool, (bool,)))
    converter.register_structure_hook(int, _strict(int, (int,)))
    converter.register_structure_hook(float, _strict(float, (int, float)))
    converter.register_structure_hook(str, _strict(str, (str,)))
    configure_tagged_union(Attachment, converter, tag_generator=_tag, tag_name="type")
    configure_tagged_union(Event, converter, tag_generator=_tag, tag_name="type")
    return converter


def make_converter() -> cattrs.Converter:
    """Return a new converter for every microblog_core value.

    It validates in detail and forbids unknown keys, so a malformed document
    fails with an error naming the path of each problem.
    """
    return configure_converter(cattrs.Converter(detailed_validation=True, forbid_extra_keys=True))


_DEFAULT: cattrs.Converter | None = None


def _default() -> cattrs.Converter:
    global _DEFAULT  # noqa: PLW0603  # one lazily built converter for the helpers
    if _DEFAULT is None:
        _DEFAULT = make_converter()
    return _DEFAULT


def to_json(value: object, *, converter: cattrs.Converter | None = None) -> str:
    """Serialize a value (or an event) to a JSON string.

    Args:
        value: An instance of any value class in :mod:`microblog_core.models`.
        converter: The converter to use (default: one from :func:`make_converter`).

    Events and attachments carry their ``"type"`` tag, so they read back as
    the ``Event`` or ``Attachment`` union too.

    Raises:
        ValidationError: ``value`` cannot be written as JSON (it is not a value
            the converter knows, or holds an int of more than 4,300 digits).
    """
    conv = converter or _default()
    try:
        if isinstance(value, _EVENT_CLASSES):
            # Events always carry their "type" tag, so a log of mixed events reads back.
            return json.dumps(conv.unstructure(value, unstructure_as=Event), ensure_ascii=False)
        if isinstance(value, _ATTACHMENT_CLASSES):
            # So do attachments: from_json(to_json(media), Attachment) reads it back.
            data = conv.unstructure(value, unstructure_as=Attachment)
            return json.dumps(data, ensure_ascii=False)
        return json.dumps(conv.unstructure(value), ensure_ascii=False)
    except (TypeError, ValueError, RecursionError) as exc:  # not a value, or a huge int in it
        raise ValidationError(
            f"cannot write {type(value).__name__} {_checks.quote(value)} as JSON: "
            f"{_checks.quote(str(exc), width=200)}",
            field="$",
            value=value,
        ) from None


def _describe(exc: Exception) -> tuple[str, str]:
    messages = cattrs.transform_error(exc, path="$")
    first = messages[0] if messages else str(exc)
    path = first.split(" @ ", 1)[1] if " @ " in first else "$"
    return "; ".join(messages), path


# A JSON string (its escapes included), and a bracket outside strings.
_JSON_STRING = re.compile(r'"[^"\\]*(?:\\.[^"\\]*)*"', re.DOTALL)
_JSON_BRACKET = re.compile(r"[\[\]{}]")


def _json_limit(message: str, text: object) -> ValidationError:
    return ValidationError(f"not a JSON document {message}", field="$", value=text)


def _bounded_int(digits: str) -> int:
    if len(digits.lstrip("-")) > MAX_JSON_DIGITS:
        raise _json_limit(
            f"this library reads: a number has {len(digits)} digits; "
            f"the limit is {MAX_JSON_DIGITS} (MAX_JSON_DIGITS)",
            digits,
        )
    return int(digits)


def load_json(text: str | bytes) -> Any:
    """Parse a JSON document into plain data, within this library's limits.

    The limits keep a hostile document from exhausting memory or the stack:
    at most :data:`MAX_JSON_CHARS` characters, :data:`MAX_JSON_DEPTH` levels of
    nesting and :data:`MAX_JSON_DIGITS` digits in an integer.

    Args:
        text: The JSON document (bytes are decoded as JSON's UTF-8, -16 or -32).

    Returns:
        The parsed data (dicts, lists, strs, ints, floats, bools, None).

    Raises:
        ValidationError: The text is not JSON, or breaks a limit (the message
            names it).

    Example:
        >>> load_json('{"a": [1, 2]}')
        {'a': [1, 2]}
        >>> from microblog_core.errors import ValidationError
        >>> try:
        ...     load_json("[" * 1000)
        ... except ValidationError as error:
        ...     print(error)
        not a JSON document this library reads: it nests deeper than 100 levels (MAX_JSON_DEPTH)
    """
    if not isinstance(text, str | bytes | bytearray):
        raise ValidationError(
            f"a JSON document must be a str or bytes, got {type(text).__name__}",
            field="$",
            value=text,
        )
    if len(text) > MAX_JSON_CHARS:
        raise _json_limit(
            f"this library reads: it is {len(text)} long; "
            f"the limit is {MAX_JSON_CHARS} (MAX_JSON_CHARS)",
            text,
        )
    try:
        document = text if isinstance(text, str) else text.decode(json.detect_encoding(text))
    except UnicodeDecodeError as exc:
        raise _json_limit(f"(not valid Unicode: {exc})", text) from None
    depth = 0
    for bracket in _JSON_BRACKET.finditer(_JSON_STRING.sub("", document)):
        if bracket.group() in "[{":
            depth += 1
            if depth > MAX_JSON_DEPTH:
                raise _json_limit(
                    f"this library reads: it nests deeper than {MAX_JSON_DEPTH} levels "
                    "(MAX_JSON_DEPTH)",
                    text,
                )
        else:
            depth -= 1
    try:
        return json.loads(document, parse_int=_bounded_int)
    except json.JSONDecodeError as exc:
        raise _json_limit(f"({exc})", text) from None
    except RecursionError:  # a nesting the scan above did not see; never expected
        raise _json_limit("(it nests too deep)", text) from None


def from_json(text: str | bytes, cls: type[T], *, converter: cattrs.Converter | None = None) -> T:
    """Parse a JSON document into a value of type ``cls``.

    Args:
        text: The JSON document.
        cls: The value class (or the ``Event`` / ``Attachment`` union) to build.
        converter: The converter to use (default: one from :func:`make_converter`).

    Raises:
        ValidationError: The text is not JSON or breaks a limit of :func:`load_json`,
            a field is missing, unknown or of the wrong type (the message names its
            path), or the value breaks an invariant.
    """
    data = load_json(text)
    conv = converter or _default()
    target: Any = (
        Event if cls in _EVENT_CLASSES else Attachment if cls in _ATTACHMENT_CLASSES else cls
    )
    if target is Event or target is Attachment:
        _check_tag(data, target)
    try:
        value = conv.structure(data, target)
    except ValidationError:
        raise
    except (cattrs.BaseValidationError, cattrs.StructureHandlerNotFoundError) as exc:
        message, path = _describe(exc)
        invariant = _find_invariant_error(exc)
        if invariant is not None:
            invariant.add_note(f"while reading {_name(cls)} from JSON, at {path}")
            raise invariant from None
        raise ValidationError(
            f"cannot read {_name(cls)} from JSON: {message}",
            field=path,
            value=data,
        ) from None
    except (TypeError, ValueError, KeyError, AttributeError) as exc:
        raise ValidationError(
            f"cannot read {_name(cls)} from JSON: {exc}", field="$", value=data
        ) from None
    if target is not cls and not isinstance(value, cls):
        raise ValidationError(
            f"expected a {_name(cls)} {'event' if target is Event else 'attachment'}, "
            f"got {type(value).__name__}",
            field="$.type",
            value=data,
        )
    return value  # type: ignore[no-any-return]


def _check_tag(data: Any, union: Any) -> None:
    tags = sorted(_tag(member) for member in typing.get_args(union))
    tag = data.get("type") if isinstance(data, dict) else None
    if tag not in tags:
        found = "no type" if tag is None else f"type {_checks.quote(tag)}"
        raise ValidationError(
            f"cannot read {_name(union)} from JSON: {found} at $.type; "
            f"expected one of {', '.join(tags)}",
            field="$.type",
            value=data,
        )


def _find_invariant_error(exc: BaseException) -> ValidationError | None:
    """Return the first ValidationError of ours nested in a cattrs error group."""
    if isinstance(exc, ValidationError):
        return exc
    if isinstance(exc, BaseExceptionGroup):
        for inner in exc.exceptions:
            found = _find_invariant_error(inner)
            if found is not None:
                return found
    return None


_EVENT_CLASSES: tuple[type, ...] = tuple(typing.get_args(Event))
_ATTACHMENT_CLASSES: tuple[type, ...] = tuple(typing.get_args(Attachment))

SERIALIZABLE: tuple[type, ...] = VALUE_CLASSES
"""The classes that round-trip through :func:`to_json` and :func:`from_json`."""
