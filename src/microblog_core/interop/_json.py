"""Path-tracking JSON readers: every error names where in the document it is.

A :class:`Node` wraps one decoded JSON value with its JSONPath-like location
(``$.account.id``, ``$[3].entities.mentions[0]``), the same shape
:mod:`microblog_core.serialization` uses. Readers ask for what they need
(``node.string("id")``); anything else in the document is ignored, so unknown
or extra fields never make an import fail.

:func:`iter_records` streams a file of records, JSON Lines or one JSON
array, in memory bounded by the largest record, not the file.
"""

import itertools
import json
from collections.abc import Callable, Iterable, Iterator
from datetime import UTC, datetime, timedelta
from typing import IO, Any, TypeVar

from microblog_core import _checks
from microblog_core.errors import ValidationError

__all__ = [
    "Node",
    "format_datetime",
    "iter_records",
    "known_legacy_time",
    "parse_datetime",
    "parse_legacy_datetime",
    "quick_id",
]

T = TypeVar("T")

_CHUNK = 1 << 16
_DECODER = json.JSONDecoder()
# The scanner json.loads calls (c_make_scanner): value and end index, or StopIteration.
_SCAN: Callable[[str, int], tuple[Any, int]] = _DECODER.scan_once  # type: ignore[attr-defined]
_WHITESPACE = " \t\r\n"
_MAX_ID = _checks.MAX_ID


def _kind(value: object) -> str:
    if value is None:
        return "null"
    if isinstance(value, bool):
        return "a boolean"
    if isinstance(value, int | float):
        return "a number"
    if isinstance(value, str):
        return "a string"
    if isinstance(value, list):
        return "an array"
    return "an object"


class Node:
    """A decoded JSON value and the path it was found at.

    Attributes:
        value: The decoded value (dict, list, str, int, float, bool or None).
        path: Where it is, such as ``$.reblog.account.id``.
    """

    __slots__ = ("path", "value")

    def __init__(self, value: Any, path: str = "$") -> None:
        self.value = value
        self.path = path

    def error(self, message: str, key: str | None = None) -> ValidationError:
        """Return a :class:`ValidationError` for this node (or its ``key``) naming the path."""
        path = self.path if key is None else f"{self.path}.{key}"
        return ValidationError(f"{path}: {message}", field=path, value=self.value)

    def members(self) -> dict[str, Any]:
        """This object's members, the decoded dict itself, for a reader's fast path.

        Raises:
            ValidationError: This is not an object.
        """
        return self.value if self.value.__class__ is dict else self._object()

    def _object(self) -> dict[str, Any]:
        value = self.value
        if type(value) is dict:
            return value
        if not isinstance(value, dict):
            raise ValidationError(
                f"{self.path}: expected an object, got {_kind(value)}",
                field=self.path,
                value=_checks.quote(value),
            )
        return value

    def build(self, factory: Callable[[], T]) -> T:
        """Call ``factory`` (which builds a value); a broken invariant names this node's path.

        Raises:
            ValidationError: ``factory`` raised one; the message and ``field`` give the path.
        """
        try:
            return factory()
        except ValidationError as exc:
            raise ValidationError(f"{self.path}: {exc}", field=self.path, value=exc.value) from None

    def has(self, key: str) -> bool:
        """Whether the object has ``key`` with a value other than null."""
        return self._object().get(key) is not None

    def get(self, key: str) -> "Node":
        """Return the required member ``key``.

        Raises:
            ValidationError: This is not an object, or ``key`` is missing or null.
        """
        value = (self.value if type(self.value) is dict else self._object()).get(key)
        if value is None:
            raise ValidationError(
                f"{self.path}.{key}: a required field is missing",
                field=f"{self.path}.{key}",
                value=None,
            )
        return Node(value, f"{self.path}.{key}")

    def opt(self, key: str) -> "Node | None":
        """Return the member ``key``, or None when it is missing or null."""
        value = (self.value if type(self.value) is dict else self._object()).get(key)
        return None if value is None else Node(value, f"{self.path}.{key}")

    def _typed(self, kind: type | tuple[type, ...], name: str) -> Any:
        value = self.value
        if not isinstance(value, kind) or (isinstance(value, bool) and bool not in (kind,)):
            raise ValidationError(
                f"{self.path}: expected {name}, got {_kind(value)} {_checks.quote(value)}",
                field=self.path,
                value=_checks.quote(value),
            )
        return value

    def as_str(self) -> str:
        """This value as a string.

        Raises:
            ValidationError: It is not a string.
        """
        value: str = self._typed(str, "a string")
        return value

    def as_bool(self) -> bool:
        """This value as a boolean.

        Raises:
            ValidationError: It is not a boolean.
        """
        value: bool = self._typed(bool, "a boolean")
        return value

    def as_int(self) -> int:
        """This value as an integer; a string of digits is accepted (ids are strings in JSON).

        Raises:
            ValidationError: It is neither an integer nor a string of decimal digits.
        """
        value = self.value
        if isinstance(value, str) and value.isascii() and value.isdigit() and len(value) < 40:
            return int(value)
        result: int = self._typed(int, "an integer")
        return result

    def as_id(self) -> int:
        """This value as an id: a positive 63-bit integer, or its decimal string.

        Raises:
            ValidationError: It is not one.
        """
        value = self.as_int()
        if not 1 <= value <= _checks.MAX_ID:
            raise ValidationError(
                f"{self.path}: expected an id from 1 to {_checks.MAX_ID}, got {value}",
                field=self.path,
                value=value,
            )
        return value

    def as_datetime(self) -> datetime:
        """This value as an aware UTC datetime from an ISO 8601 string.

        Raises:
            ValidationError: It is not an ISO 8601 string with a time zone.
        """
        return parse_datetime(self.as_str(), self.path)

    def items(self) -> list["Node"]:
        """The elements of this array, each with its own path.

        Raises:
            ValidationError: It is not an array.
        """
        value: list[Any] = self.value if type(self.value) is list else self._typed(list, "an array")
        path = self.path
        return [Node(item, f"{path}[{index}]") for index, item in enumerate(value)]

    # The members below read the dict directly on the common path (a hot loop
    # over millions of records) and build a Node only to report a problem.

    def string(self, key: str) -> str:
        """The required string member ``key``."""
        value = (self.value if type(self.value) is dict else self._object()).get(key)
        if type(value) is str:
            return value
        return self.get(key).as_str()

    def opt_string(self, key: str, default: str = "") -> str:
        """The optional string member ``key`` (``default`` when missing or null)."""
        value = (self.value if type(self.value) is dict else self._object()).get(key)
        if value is None:
            return default
        if type(value) is str:
            return value
        return Node(value, f"{self.path}.{key}").as_str()

    def opt_bool(self, key: str, *, default: bool = False) -> bool:
        """The optional boolean member ``key`` (``default`` when missing or null)."""
        value = (self.value if type(self.value) is dict else self._object()).get(key)
        if value is None:
            return default
        if type(value) is bool:
            return value
        return Node(value, f"{self.path}.{key}").as_bool()

    def ident(self, key: str) -> int:
        """The required id member ``key`` (an integer or its decimal string)."""
        found = quick_id((self.value if type(self.value) is dict else self._object()).get(key))
        return found if found is not None else self.get(key).as_id()

    def opt_ident(self, key: str) -> int | None:
        """The optional id member ``key``."""
        value = (self.value if type(self.value) is dict else self._object()).get(key)
        if value is None:
            return None
        found = quick_id(value)
        return found if found is not None else Node(value, f"{self.path}.{key}").as_id()

    def first_ident(self, *keys: str) -> int:
        """The id of the first of ``keys`` present (not null); with none, the last is required.

        ``node.first_ident("id_str", "id")`` reads as ``node.opt("id_str")``, else
        ``node.ident("id")``, without a node per member.
        """
        found = self.opt_first_ident(*keys)
        return found if found is not None else self.get(keys[-1]).as_id()

    def opt_first_ident(self, *keys: str) -> int | None:
        """The id of the first of ``keys`` present (not null), or None when none is."""
        value = self.value if type(self.value) is dict else self._object()
        for key in keys:
            raw = value.get(key)
            if raw is not None:
                found = quick_id(raw)
                return found if found is not None else Node(raw, f"{self.path}.{key}").as_id()
        return None

    def instant(self, key: str) -> datetime:
        """The required ISO 8601 time member ``key`` (see :meth:`as_datetime`)."""
        value = (self.value if self.value.__class__ is dict else self._object()).get(key)
        if value.__class__ is str:
            found = _ISO_TIMES.get(value)
            if found is None:
                found = _iso_instant(value)
                if found is None:
                    return self.get(key).as_datetime()  # raises, naming the path
                if len(_ISO_TIMES) >= _TIMES_LIMIT:
                    _ISO_TIMES.clear()
                _ISO_TIMES[value] = found
            return found
        return self.get(key).as_datetime()

    def legacy_instant(self, key: str) -> datetime:
        """The required member ``key``: a time as :func:`parse_legacy_datetime` reads it."""
        value = (self.value if type(self.value) is dict else self._object()).get(key)
        if type(value) is str:
            found = _LEGACY_TIMES.get(value)
            if found is not None:
                return found
        node = self.get(key)
        return parse_legacy_datetime(node.as_str(), node.path)

    def array(self, key: str) -> list["Node"]:
        """The optional array member ``key`` (empty when missing or null)."""
        value = (self.value if type(self.value) is dict else self._object()).get(key)
        if value is None:
            return []
        path = f"{self.path}.{key}"
        if type(value) is not list:
            return Node(value, path).items()  # raises: not an array
        return [Node(item, f"{path}[{index}]") for index, item in enumerate(value)]

    def strings(self, key: str) -> list[str]:
        """The optional array of strings member ``key`` (empty when missing or null)."""
        value = (self.value if type(self.value) is dict else self._object()).get(key)
        if value is None:
            return []
        if type(value) is list and all(type(item) is str for item in value):
            return list(value)
        return [item.as_str() for item in self.array(key)]


def quick_id(value: object) -> int | None:
    """An id read without ceremony, or None to take the checking path.

    A reader's fast path calls it on a raw member (an int, or a string of
    ASCII digits); None means the checked accessor must read the member,
    and report it if it is wrong.
    """
    if value.__class__ is int:
        return value if 0 < value <= _MAX_ID else None
    if value.__class__ is str and len(value) < 20 and value.isdigit() and value.isascii():
        number = int(value)
        return number if 0 < number <= _MAX_ID else None
    return None


def parse_datetime(text: str, path: str = "$") -> datetime:
    """Parse an ISO 8601 instant with a time zone (``Z`` allowed) into aware UTC.

    Raises:
        ValidationError: ``text`` is not such an instant; the error names ``path``.
    """
    value = _iso_instant(text)
    if value is None:
        raise ValidationError(
            f"{path}: expected an ISO 8601 time with a time zone, got {_checks.quote(text)}",
            field=path,
            value=_checks.quote(text),
        )
    return value


def _iso_instant(text: str) -> datetime | None:
    """An ISO 8601 instant with a time zone, in UTC, or None when ``text`` is not one."""
    try:
        value = datetime.fromisoformat(text)
    except ValueError:
        return None
    if value.tzinfo is None:
        return None
    return value.astimezone(UTC)


_MONTHS = {
    m: i
    for i, m in enumerate(
        ["Jan", "Feb", "Mar", "Apr", "May", "Jun", "Jul", "Aug", "Sep", "Oct", "Nov", "Dec"], 1
    )
}


# Legacy times already read: the format is slow to parse, and a cascade's reposts
# (Weibo, Twitter v1.1) come in bursts that share their second.
_LEGACY_LIMIT = 4096
_LEGACY_TIMES: dict[str, datetime] = {}
# ISO 8601 times already read: an activity and the note it creates, or a status
# and its author, often give the same one.
_TIMES_LIMIT = 4096
_ISO_TIMES: dict[str, datetime] = {}
known_legacy_time: Callable[[str], datetime | None] = _LEGACY_TIMES.get
"""The instant of a legacy time string already parsed in this process, or None (a fast path)."""


def parse_legacy_datetime(text: str, path: str = "$") -> datetime:
    """Parse Twitter v1.1's and Weibo's ``Wed Oct 10 20:19:24 +0800 2018``, or ISO 8601.

    Raises:
        ValidationError: ``text`` is neither; the error names ``path``.
    """
    found = _LEGACY_TIMES.get(text)
    if found is not None:
        return found
    parts = text.split(" ")
    if len(parts) == 6 and parts[1] in _MONTHS and len(parts[4]) == 5:
        try:
            hours, minutes, seconds = (int(x) for x in parts[3].split(":"))
            sign = -1 if parts[4][0] == "-" else 1
            offset = sign * (int(parts[4][1:3]) * 60 + int(parts[4][3:5]))
            local = datetime(
                int(parts[5]), _MONTHS[parts[1]], int(parts[2]), hours, minutes, seconds
            )
            found = (local - timedelta(minutes=offset)).replace(tzinfo=UTC)
        except (ValueError, OverflowError):  # overflow: an offset past year 1 or 9999
            pass
        else:
            if len(_LEGACY_TIMES) >= _LEGACY_LIMIT:
                _LEGACY_TIMES.clear()  # bounded memory; a repost burst shares its seconds
            _LEGACY_TIMES[text] = found
            return found
    return parse_datetime(text, path)


def format_datetime(value: datetime) -> str:
    """Format an aware instant as ISO 8601 UTC with ``Z``: milliseconds, or microseconds if any."""
    utc = value.astimezone(UTC)
    spec = "milliseconds" if utc.microsecond % 1000 == 0 else "microseconds"
    return utc.replace(tzinfo=None).isoformat(timespec=spec) + "Z"


def _decode_error(path: str, exc: json.JSONDecodeError) -> ValidationError:
    return ValidationError(
        f"{path}: not valid JSON ({exc.msg} at column {exc.colno})", field=path, value=None
    )


def _json_lines(lines: Iterable[str]) -> Iterator[Node]:
    index = 0
    # json.loads is the scanner behind two Python-level calls and two whitespace
    # matches: call the scanner itself, and leave anything it does not take
    # whole (leading space, a BOM, extra data, a syntax error) to json.loads,
    # which reads it or raises its own error.
    scan = _SCAN
    for line in lines:
        try:
            value, end = scan(line, 0)
        except (StopIteration, json.JSONDecodeError):
            end = -1
        # The common line: one value, then the newline (or the end of the file).
        if end < 0 or end != len(line) - 1 or line[end] != "\n":
            if not line or line.isspace():
                continue
            if end != len(line) and (end < 0 or line[end:].strip(_WHITESPACE)):
                try:
                    value = json.loads(line)
                except json.JSONDecodeError as exc:
                    raise _decode_error(f"$[{index}]", exc) from None
        yield Node(value, f"$[{index}]")
        index += 1


def _json_array(handle: IO[str], buffer: str) -> Iterator[Node]:
    # The buffer holds the unread text after "["; it grows only until one record decodes.
    index = 0
    position = 0
    expect_value = True
    eof = False
    while True:
        while position < len(buffer) and buffer[position] in _WHITESPACE:
            position += 1
        if position >= len(buffer):
            if eof:
                raise ValidationError(
                    "$: the JSON array is not closed", field=f"$[{index}]", value=None
                )
            chunk = handle.read(_CHUNK)
            eof = not chunk
            buffer = buffer[position:] + chunk
            position = 0
            continue
        char = buffer[position]
        if char == "]" and (index == 0 or not expect_value):
            return
        if not expect_value:
            if char != ",":
                raise ValidationError(
                    f"$: expected ',' or ']' after record {index - 1}", field=f"$[{index}]"
                )
            position += 1
            expect_value = True
            continue
        try:
            value, end = _DECODER.raw_decode(buffer, position)
        except json.JSONDecodeError as exc:
            if eof:
                raise _decode_error(f"$[{index}]", exc) from None
            chunk = handle.read(_CHUNK)
            eof = not chunk
            buffer = buffer[position:] + chunk
            position = 0
            continue
        if end == len(buffer) and not eof and not isinstance(value, dict | list | str):
            # A bare number may continue in the next chunk: read on before trusting it.
            chunk = handle.read(_CHUNK)
            eof = not chunk
            buffer = buffer[position:] + chunk
            position = 0
            continue
        yield Node(value, f"$[{index}]")
        index += 1
        expect_value = False
        buffer = buffer[end:]
        position = 0


def iter_records(handle: IO[str]) -> Iterator[Node]:
    """Stream the records of a JSON Lines file or of one JSON array, one :class:`Node` each.

    Memory stays bounded by the largest record, whatever the file's size.
    Record ``i`` has the path ``$[i]`` (for JSON Lines, ``i`` counts non-blank lines).
    A Twitter archive's ``window.YTD.tweets.part0 = [...]`` prefix is skipped.

    Args:
        handle: A text file open for reading.

    Yields:
        Each record.

    Raises:
        ValidationError: A record is not valid JSON, or the array is not closed.
    """
    head = handle.read(_CHUNK)
    stripped = head.lstrip()
    if stripped.startswith("window."):
        bracket = stripped.find("[")
        stripped = stripped[bracket:] if bracket >= 0 else ""
    if stripped.startswith("["):
        yield from _json_array(handle, stripped[1:])
        return
    newline = head.rfind("\n")
    if newline < 0:
        # The first line is longer than the look-ahead: read on to its end only.
        head += handle.readline()
        newline = head.rfind("\n")
        if newline < 0:
            yield from _json_lines((head,))  # the file is one line
            return
    lines = head[:newline].split("\n")  # not splitlines(): U+2028 may sit inside a JSON string
    tail = head[newline + 1 :]
    first_line = tail + handle.readline() if tail else handle.readline()

    rest = [first_line] if first_line else []
    yield from _json_lines(itertools.chain(lines, rest, handle))
