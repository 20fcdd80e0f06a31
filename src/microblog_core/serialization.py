"""JSON (and plain-data) serialization of every value, on cattrs.

Serialization is opt-in glue: build a converter with :func:`make_converter`,
or add this library's hooks to your own with :func:`configure_converter`.
Nothing is registered on cattrs' global converter.

The JSON form: ids are strings (JavaScript-safe), datetimes ISO-8601 in UTC,
enums by value, attachments and events tagged with a ``"type"`` field.

Example:
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
import typing
from datetime import datetime
from typing import Any, TypeVar

import cattrs
from cattrs.strategies import configure_tagged_union

from microblog_core.clock import ensure_utc
from microblog_core.errors import ValidationError
from microblog_core.ids import AccountId, NotificationId, PostId, validate_id
from microblog_core.models import VALUE_CLASSES, Attachment, Event

__all__ = ["configure_converter", "from_json", "make_converter", "to_json"]

T = TypeVar("T")


def _unstructure_id(value: int) -> str:
    return str(value)


def _structure_id(value: object, _: type) -> int:
    if isinstance(value, str) and value.isascii() and value.isdigit():
        return validate_id(int(value))
    if isinstance(value, int) and not isinstance(value, bool):
        return validate_id(value)
    raise ValidationError(
        f"an id must be a string of digits, got {value!r}", field="id", value=value
    )


def _unstructure_datetime(value: datetime) -> str:
    return ensure_utc(value).isoformat()


def _structure_datetime(value: object, _: type) -> datetime:
    if not isinstance(value, str):
        raise ValidationError(
            f"a datetime must be an ISO-8601 string, got {value!r}", field="datetime", value=value
        )
    try:
        parsed = datetime.fromisoformat(value)
    except ValueError:
        raise ValidationError(
            f"{value!r} is not an ISO-8601 datetime", field="datetime", value=value
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
                f"expected {kind.__name__}, got {type(value).__name__} {value!r}",
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
    for id_type in (AccountId, PostId, NotificationId):
        converter.register_unstructure_hook(id_type, _unstructure_id)
        converter.register_structure_hook(id_type, _structure_id)
    converter.register_unstructure_hook(datetime, _unstructure_datetime)
    converter.register_structure_hook(datetime, _structure_datetime)
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
    """
    conv = converter or _default()
    if isinstance(value, _EVENT_CLASSES):
        # Events always carry their "type" tag, so a log of mixed events reads back.
        return json.dumps(conv.unstructure(value, unstructure_as=Event), ensure_ascii=False)
    return json.dumps(conv.unstructure(value), ensure_ascii=False)


def _describe(exc: Exception) -> tuple[str, str]:
    messages = cattrs.transform_error(exc, path="$")
    first = messages[0] if messages else str(exc)
    path = first.split(" @ ", 1)[1] if " @ " in first else "$"
    return "; ".join(messages), path


def from_json(text: str | bytes, cls: type[T], *, converter: cattrs.Converter | None = None) -> T:
    """Parse a JSON document into a value of type ``cls``.

    Args:
        text: The JSON document.
        cls: The value class (or the ``Event`` / ``Attachment`` union) to build.
        converter: The converter to use (default: one from :func:`make_converter`).

    Raises:
        ValidationError: The text is not JSON, a field is missing, unknown or of the
            wrong type (the message names its path), or the value breaks an invariant.
    """
    try:
        data: Any = json.loads(text)
    except (json.JSONDecodeError, UnicodeDecodeError) as exc:
        raise ValidationError(f"not a JSON document: {exc}", field="$", value=text) from None
    conv = converter or _default()
    target: Any = Event if cls in _EVENT_CLASSES else cls
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
            f"expected a {_name(cls)} event, got {type(value).__name__}",
            field="$.type",
            value=data,
        )
    return value  # type: ignore[no-any-return]


def _check_tag(data: Any, union: Any) -> None:
    tags = sorted(_tag(member) for member in typing.get_args(union))
    tag = data.get("type") if isinstance(data, dict) else None
    if tag not in tags:
        found = "no type" if tag is None else f"type {tag!r}"
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

SERIALIZABLE: tuple[type, ...] = VALUE_CLASSES
"""The classes that round-trip through :func:`to_json` and :func:`from_json`."""
