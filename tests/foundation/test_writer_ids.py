"""Writer ids: a writer part in the low bits, so writers sharing a store never collide."""

import subprocess
import sys
import textwrap
from datetime import UTC, datetime, timedelta
from pathlib import Path

import pytest
from hypothesis import given
from hypothesis import strategies as st

from microblog_core.clock import ManualClock
from microblog_core.errors import InvalidIdError, StorageError
from microblog_core.ids import id_at, timestamp_of
from microblog_core.writer_ids import (
    WRITER_SLOTS,
    WriterIdGenerator,
    lease_file_writer,
)

T0 = datetime(2026, 1, 1, tzinfo=UTC)


@given(
    writers=st.lists(st.integers(0, WRITER_SLOTS - 1), min_size=2, max_size=5, unique=True),
    steps=st.lists(st.tuples(st.integers(0, 4), st.integers(0, 3)), max_size=300),
)
def test_writers_never_mint_the_same_id_and_ids_stay_time_sorted(
    writers: list[int], steps: list[tuple[int, int]]
) -> None:
    clock = ManualClock(T0)
    generators = [WriterIdGenerator(clock, writer=w) for w in writers]
    minted: dict[int, list[int]] = {w: [] for w in writers}
    seen: set[int] = set()
    for which, advance in steps:
        clock.advance(timedelta(milliseconds=advance))
        generator = generators[which % len(generators)]
        new = generator.next_id()
        assert new not in seen
        seen.add(new)
        assert (new >> 10) & (WRITER_SLOTS - 1) == generator.writer
        assert timestamp_of(new) >= clock.now() - timedelta(seconds=1)
        minted[generator.writer].append(new)
    for ids in minted.values():
        assert ids == sorted(ids)
        assert len(set(ids)) == len(ids)


def test_more_than_a_millisecond_of_ids_spills_into_the_next_millisecond() -> None:
    generator = WriterIdGenerator(ManualClock(T0), writer=WRITER_SLOTS - 1)
    ids = [generator.next_id() for _ in range(3000)]
    assert ids == sorted(ids)
    assert len(set(ids)) == 3000
    assert ids[0] >= id_at(T0)
    assert {(i >> 10) & (WRITER_SLOTS - 1) for i in ids} == {WRITER_SLOTS - 1}


@pytest.mark.parametrize("writer", [-1, WRITER_SLOTS, True, "1"])
def test_a_bad_writer_number_is_refused(writer: object) -> None:
    with pytest.raises((InvalidIdError, ValueError)):
        WriterIdGenerator(ManualClock(T0), writer=writer)  # type: ignore[arg-type]


def test_file_leases_hand_each_process_its_own_writer_number(tmp_path: Path) -> None:
    database = tmp_path / "db.sqlite"
    held = textwrap.dedent(
        """
        import sys, time
        from microblog_core.writer_ids import lease_file_writer
        lease = lease_file_writer(sys.argv[1])
        print(lease.writer, flush=True)
        sys.stdin.read()
        """
    )
    children = [
        subprocess.Popen(
            [sys.executable, "-c", held, str(database)],
            stdin=subprocess.PIPE,
            stdout=subprocess.PIPE,
            text=True,
        )
        for _ in range(3)
    ]
    try:
        numbers = [int(child.stdout.readline()) for child in children]  # type: ignore[union-attr]
        assert len(set(numbers)) == 3
        mine = lease_file_writer(database)
        assert mine.writer not in numbers
        mine.release()
    finally:
        for child in children:
            child.communicate("")
    # The dead processes' numbers are free again.
    again = lease_file_writer(database)
    assert again.writer == 0
    again.release()


def test_a_lock_file_that_cannot_be_opened_is_a_storage_error(tmp_path: Path) -> None:
    with pytest.raises(StorageError):
        lease_file_writer(tmp_path / "missing" / "db.sqlite")
