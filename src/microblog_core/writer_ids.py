"""Ids that writers sharing one store never mint twice: a writer part in the low bits.

:class:`~microblog_core.ids.IdGenerator` makes ids ``ms << 16 | sequence``;
two processes writing one store in the same millisecond would mint the same
id. :class:`WriterIdGenerator` keeps the layout (milliseconds in the high 48
bits, so ids stay time-sortable and ``id_at`` still bounds them) and splits
the low 16 bits into a *writer* part handed out by the store and a per-writer
sequence, as Twitter's Snowflake splits its low bits into worker and sequence::

    | 48 bits: ms since 1970 | 6 bits: writer | 10 bits: sequence |

so up to 64 writers at once, each minting up to 1,024 ids a millisecond
(more spill into the next millisecond, as the plain generator does).

The stores hand writer numbers out as leases that end with the holder:

- :class:`~microblog_core.storage.postgres.PostgresStore` takes a
  session-level advisory lock per writer number on a connection it keeps
  open; PostgreSQL releases it when the process or the connection dies;
- :class:`~microblog_core.storage.sqlite.SqliteStore` files lock one byte
  per writer number of a ``<database>-writers`` file beside the database;
  the operating system releases it when the process dies.
"""

import contextlib
import os
import threading
from pathlib import Path
from typing import IO, Final

from microblog_core import _checks
from microblog_core.clock import Clock
from microblog_core.errors import InvalidIdError, StorageError
from microblog_core.ids import MAX_ID, SEQUENCE_BITS, IdGenerator

__all__ = [
    "WRITER_BITS",
    "WRITER_SLOTS",
    "FileWriterLease",
    "WriterIdGenerator",
    "lease_file_writer",
    "writer_generator",
]

WRITER_BITS: Final = 6
"""Bits of the id's low 16 that name the writer."""

WRITER_SLOTS: Final = 1 << WRITER_BITS
"""How many writers can share one store at once."""

_COUNTER_BITS: Final = SEQUENCE_BITS - WRITER_BITS
_COUNTER_LIMIT: Final = 1 << _COUNTER_BITS


class WriterIdGenerator(IdGenerator):
    """An id generator whose ids carry a writer number, so writers never collide.

    Args:
        clock: Where time comes from.
        writer: This writer's number, from 0 to ``WRITER_SLOTS - 1`` (a lease
            from the store; two live writers never hold the same one).
        last_id: Ids will be greater than this.
        lease: The lease of ``writer`` to keep alive with the generator.

    Example:
        >>> from microblog_core.clock import ManualClock
        >>> from microblog_core.writer_ids import WriterIdGenerator
        >>> a = WriterIdGenerator(ManualClock(), writer=1)
        >>> b = WriterIdGenerator(ManualClock(), writer=2)
        >>> first_a, first_b = a.next_id(), b.next_id()
        >>> first_a != first_b, first_a >> 16 == first_b >> 16
        (True, True)
        >>> (first_a >> 10) & 63, (first_b >> 10) & 63
        (1, 2)
    """

    __slots__ = ("_lease", "_lock", "_writer")

    def __init__(
        self,
        clock: Clock,
        *,
        writer: int,
        last_id: int = 0,
        lease: "FileWriterLease | None" = None,
    ) -> None:
        super().__init__(clock, last_id=last_id)
        self._lease = lease  # kept alive with the generator: the writer number stays ours
        self._lock = threading.Lock()
        number = _checks.count(writer, "writer")
        if number >= WRITER_SLOTS:
            raise InvalidIdError(
                f"writer must be from 0 to {WRITER_SLOTS - 1}, got {number}",
                field="writer",
                value=writer,
            )
        self._writer = number

    @property
    def writer(self) -> int:
        """This writer's number."""
        return self._writer

    def next_id(self) -> int:
        """Return a new id with this writer's number, greater than every id returned before.

        Thread-safe: the threads of one process can share a generator (and a service).

        Raises:
            InvalidIdError: The clock is outside the id range, or ids are exhausted.
        """
        with self._lock:
            return self._next()

    def _next(self) -> int:
        floor = super().next_id()  # the plain candidate: max(ms << 16, last + 1)
        ms, low = floor >> SEQUENCE_BITS, floor & ((1 << SEQUENCE_BITS) - 1)
        writer, counter = low >> _COUNTER_BITS, low & (_COUNTER_LIMIT - 1)
        if writer > self._writer:
            ms, counter = ms + 1, 0  # this millisecond's slots of this writer are used up
        elif writer < self._writer:
            counter = 0
        candidate = (ms << SEQUENCE_BITS) | (self._writer << _COUNTER_BITS) | counter
        if candidate > MAX_ID:
            raise InvalidIdError("no ids are left", field="id", value=candidate)
        self._last = candidate
        return candidate

    def release(self) -> None:
        """Give the writer number's lease back (when the generator has one). Harmless twice."""
        lease, self._lease = self._lease, None
        if lease is not None:
            lease.release()

    def __repr__(self) -> str:
        return f"WriterIdGenerator({self._clock!r}, writer={self._writer}, last_id={self._last})"


class FileWriterLease:
    """A writer number held as a lock on one byte of a file (released when the process dies)."""

    def __init__(self, handle: IO[bytes], writer: int) -> None:
        self._handle: IO[bytes] | None = handle
        self.writer = writer

    def release(self) -> None:
        """Give the writer number back. Releasing twice is harmless."""
        handle, self._handle = self._handle, None
        if handle is not None:
            handle.close()  # closing drops the process's locks on the file


def lease_file_writer(database: str | os.PathLike[str]) -> FileWriterLease:
    """Lease a free writer number for a database file, from ``<database>-writers``.

    Raises:
        StorageError: Every writer number is taken, or the lock file cannot be used.
    """
    import fcntl

    path = Path(f"{Path(database)}-writers")
    try:
        handle = path.open("a+b")
    except OSError as exc:
        raise StorageError(f"cannot open the writer lock file {path}: {exc}") from exc
    for writer in range(WRITER_SLOTS):
        try:
            fcntl.lockf(handle, fcntl.LOCK_EX | fcntl.LOCK_NB, 1, writer)
        except OSError:
            continue
        return FileWriterLease(handle, writer)
    with contextlib.suppress(OSError):
        handle.close()
    raise StorageError(
        f"all {WRITER_SLOTS} writer numbers of {database} are held by live processes; "
        "no more writers can share this database"
    )


def writer_generator(clock: Clock | None, lease: FileWriterLease) -> WriterIdGenerator:
    """Return a generator using ``lease``'s writer number; it holds the lease while alive."""
    from microblog_core.clock import SystemClock

    return WriterIdGenerator(clock or SystemClock(), writer=lease.writer, lease=lease)
