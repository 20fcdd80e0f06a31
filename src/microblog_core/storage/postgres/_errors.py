"""psycopg's exceptions, translated into the library's error tree.

No psycopg exception leaves the adapter: every public method of a
repository, unit or store runs under :func:`guarded`, which maps what the
adapter did not handle itself. Serialization failures (SQLSTATE ``40001``),
deadlocks (``40P01``) and a connection lost before the commit become
:class:`~microblog_core.errors.TransientStorageError`, which the service
retries; constraint failures become ``ConflictError`` / ``NotFoundError``;
anything else a :class:`~microblog_core.errors.StorageError` naming the cause.
"""

import functools
from collections.abc import Callable
from typing import Final, ParamSpec, TypeVar

import psycopg
import psycopg_pool

from microblog_core._checks import quote
from microblog_core.errors import (
    ConflictError,
    MicroblogError,
    NotFoundError,
    StorageError,
    TransientStorageError,
    ValidationError,
)

__all__ = ["TRANSIENT_STATES", "guarded", "translate"]

_P = ParamSpec("_P")
_R = TypeVar("_R")

TRANSIENT_STATES: Final = frozenset({"40001", "40P01"})
"""SQLSTATEs after which running the whole unit again may succeed."""

_CONNECTION_CLASS: Final = "08"  # SQLSTATE class "connection exception"


def _first_line(exc: BaseException) -> str:
    text = str(exc).strip()
    return text.splitlines()[0] if text else type(exc).__name__


def translate(exc: Exception, where: str = "PostgreSQL") -> MicroblogError:
    """Map a psycopg (or pool) exception the adapter did not expect to a library error."""
    if isinstance(exc, MicroblogError):
        return exc
    if isinstance(exc, psycopg_pool.PoolTimeout):
        return TransientStorageError(
            f"no connection to {where} was free within the pool's timeout ({_first_line(exc)})"
        )
    if isinstance(exc, psycopg_pool.PoolClosed):
        return StorageError(f"the store for {where} is closed")
    if isinstance(exc, psycopg.Error):
        state = exc.sqlstate or ""
        message = _first_line(exc)
        if state in TRANSIENT_STATES:
            return TransientStorageError(
                f"{where} rolled the unit back to keep concurrent units serializable "
                f"(SQLSTATE {state}: {message}); run it again"
            )
        if isinstance(exc, psycopg.errors.UniqueViolation):
            return ConflictError(
                f"a uniqueness rule was broken ({message})", entity="row", key=None
            )
        if isinstance(exc, psycopg.errors.ForeignKeyViolation):
            return NotFoundError("row", None, f"a referenced row does not exist ({message})")
        if isinstance(exc, psycopg.errors.NumericValueOutOfRange):
            return ValidationError(
                f"a number is too large for PostgreSQL's 64-bit integers ({message})",
                field="value",
            )
        if state.startswith(_CONNECTION_CLASS) or isinstance(exc, psycopg.OperationalError):
            return TransientStorageError(
                f"the connection to {where} was lost before the unit committed ({message})"
            )
        if isinstance(exc, psycopg.DataError) and "NUL" in message:
            return ValidationError(
                "text to store cannot hold the NUL character (U+0000): PostgreSQL text "
                "has no room for it",
                field="text",
            )
        return StorageError(f"PostgreSQL failed on {where}: {message}")
    if isinstance(exc, UnicodeEncodeError):
        return ValidationError(
            "text to store must be valid Unicode: PostgreSQL keeps UTF-8, which has no lone "
            f"surrogates ({exc.reason})",
            field="text",
            value=quote(exc.object),
        )
    return StorageError(f"PostgreSQL failed on {where}: {_first_line(exc)}")


def guarded(method: Callable[_P, _R]) -> Callable[_P, _R]:
    """Let no psycopg exception escape ``method``."""

    @functools.wraps(method)
    def wrapper(*args: _P.args, **kwargs: _P.kwargs) -> _R:
        try:
            return method(*args, **kwargs)
        except (psycopg.Error, psycopg_pool.PoolTimeout, UnicodeEncodeError) as exc:
            raise translate(exc) from exc

    return wrapper
