"""The memory store: a factory of units of work over one :class:`State`, behind one lock."""

from __future__ import annotations

import threading

from microblog_core.errors import StorageError, ValidationError
from microblog_core.storage.memory._state import State
from microblog_core.storage.memory._unit import MemoryUnitOfWork

__all__ = ["MemoryStore"]


class MemoryStore:
    """An in-memory store: fast, serializable, atomic, and gone when the process ends.

    Args:
        lock_timeout: Seconds a unit waits for the store's lock before
            ``__enter__`` raises :class:`~microblog_core.errors.StorageError`;
            None (the default) waits as long as it takes.

    Raises:
        ValidationError: ``lock_timeout`` is not a positive number or None.
    """

    def __init__(self, *, lock_timeout: float | None = None) -> None:
        if lock_timeout is not None and (
            isinstance(lock_timeout, bool)
            or not isinstance(lock_timeout, int | float)
            or lock_timeout <= 0
        ):
            raise ValidationError(
                "lock_timeout must be a positive number of seconds or None",
                field="lock_timeout",
                value=lock_timeout,
            )
        self._lock = threading.RLock()
        self._timeout = -1.0 if lock_timeout is None else float(lock_timeout)
        self._state = State()
        self._closed = False
        self._depth = 0

    def unit_of_work(self, *, readonly: bool = False) -> MemoryUnitOfWork:
        """Return a new, not yet entered, unit of work.

        Args:
            readonly: Whether the unit refuses writes (it still takes the lock,
                so that it never reads another unit's uncommitted writes).

        Raises:
            StorageError: The store is closed.
        """
        if self._closed:
            raise StorageError("the store is closed")
        return MemoryUnitOfWork(self, self._state, readonly=bool(readonly))

    def close(self) -> None:
        """Drop every stored value; later units raise StorageError. Closing twice is fine.

        Raises:
            StorageError: Called inside a unit of this store in the same thread.
        """
        with self._lock:
            if self._depth:
                raise StorageError("a store cannot be closed inside one of its units of work")
            self._closed = True
            self._state = State()

    def _enter(self, unit: MemoryUnitOfWork) -> None:
        if not self._lock.acquire(timeout=self._timeout):
            raise StorageError(
                f"the store stayed locked by another unit of work for {self._timeout} s"
            )
        if self._closed:
            self._lock.release()
            raise StorageError("the store is closed")
        if self._depth and not unit.readonly:
            self._lock.release()
            raise StorageError(
                "a unit of work that writes cannot be opened inside another unit of the "
                "same thread; finish the outer unit first, or open this one readonly=True"
            )
        self._depth += 1

    def _leave(self) -> None:
        self._depth -= 1
        self._lock.release()

    def _snapshot(self) -> dict[str, object]:
        """Return a comparable copy of every value and index (for tests)."""
        with self._lock:
            return self._state.snapshot()

    def __repr__(self) -> str:
        state = self._state
        return (
            f"<MemoryStore accounts={len(state.accounts)} posts={len(state.posts)}"
            f"{' closed' if self._closed else ''}>"
        )
