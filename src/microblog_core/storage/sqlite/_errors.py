"""How :mod:`sqlite3` exceptions become library errors: :func:`translate` and :func:`guarded`.

No :mod:`sqlite3` exception leaves the adapter: constraint failures the
repositories did not expect become :class:`~microblog_core.errors.ConflictError`
or :class:`~microblog_core.errors.NotFoundError`, everything else
:class:`~microblog_core.errors.StorageError`.
"""

import functools
import sqlite3
from collections.abc import Callable
from typing import Final, ParamSpec, TypeVar

from microblog_core.errors import (
    ConflictError,
    MicroblogError,
    NotFoundError,
    StorageError,
    TransientStorageError,
    ValidationError,
)

_P = ParamSpec("_P")
_R = TypeVar("_R")

BUSY_CODES: Final = frozenset({5, 6})  # SQLITE_BUSY, SQLITE_LOCKED (primary codes)
BROKEN_FILE_CODES: Final = frozenset({11, 26})  # SQLITE_CORRUPT, SQLITE_NOTADB
PK: Final = "SQLITE_CONSTRAINT_PRIMARYKEY"
UNIQUE: Final = "SQLITE_CONSTRAINT_UNIQUE"
FK: Final = "SQLITE_CONSTRAINT_FOREIGNKEY"


def primary_code(exc: sqlite3.Error) -> int:
    return int(getattr(exc, "sqlite_errorcode", 0) or 0) & 0xFF


def translate(exc: sqlite3.Error, where: str = "the database") -> MicroblogError:
    """Map an :mod:`sqlite3` exception the adapter did not expect to a library error."""
    name = getattr(exc, "sqlite_errorname", "") or ""
    if isinstance(exc, sqlite3.IntegrityError):
        if name == FK:
            return NotFoundError("row", None, f"a referenced row does not exist ({exc})")
        if name in (PK, UNIQUE):
            return ConflictError(f"a uniqueness rule was broken ({exc})", entity="row", key=None)
        return StorageError(f"{where} refused a write: {exc}")
    code = primary_code(exc)
    if code in BUSY_CODES:
        return TransientStorageError(
            f"{where} is locked by another connection and stayed locked past the busy timeout"
            f" ({exc})"
        )
    if code in BROKEN_FILE_CODES:
        return StorageError(f"{where} is corrupt or not a SQLite database ({exc})")
    if isinstance(exc, sqlite3.ProgrammingError) and "closed" in str(exc):
        return StorageError(f"{where} is closed")
    return StorageError(f"SQLite failed on {where}: {exc}")


def guarded(method: Callable[_P, _R]) -> Callable[_P, _R]:
    """Let no :mod:`sqlite3` exception escape ``method``."""

    @functools.wraps(method)
    def wrapper(*args: _P.args, **kwargs: _P.kwargs) -> _R:
        try:
            return method(*args, **kwargs)
        except sqlite3.Error as exc:
            raise translate(exc) from exc
        except UnicodeEncodeError as exc:
            raise ValidationError(
                "text to store must be valid Unicode: SQLite keeps UTF-8, which has no lone "
                f"surrogates ({exc})",
                field="text",
                value=exc.object,
            ) from exc
        except OverflowError as exc:
            raise ValidationError(
                f"a number is too large for SQLite's 64-bit integers ({exc})",
                field="value",
                value=None,
            ) from exc

    return wrapper
