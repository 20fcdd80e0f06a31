"""Ids: Snowflake layout, a strictly increasing generator, and the AT Protocol TID codec."""

import itertools
from datetime import UTC, datetime, timedelta

import pytest
from hypothesis import example, given
from hypothesis import strategies as st

from microblog_core.clock import ManualClock
from microblog_core.errors import InvalidIdError, NaiveDatetimeError, ValidationError
from microblog_core.ids import (
    EPOCH,
    MAX_ID,
    SEQUENCE_BITS,
    IdGenerator,
    decode_tid,
    encode_tid,
    id_at,
    is_tid,
    tid_at,
    tid_timestamp,
    timestamp_of,
    validate_id,
)
from microblog_core.testing.strategies import datetimes

START = datetime(2026, 1, 1, tzinfo=UTC)
LAST_INSTANT = EPOCH + timedelta(milliseconds=(1 << 47) - 1)
LAST_TID_INSTANT = EPOCH + timedelta(microseconds=(1 << 53) - 1)
TID_CHARS = "234567abcdefghijklmnopqrstuvwxyz"


def _ms(instant: datetime) -> datetime:
    """Truncate to the millisecond, as ids do."""
    return instant.replace(microsecond=instant.microsecond // 1000 * 1000)


# --- validate_id ------------------------------------------------------------------------


@given(st.integers(min_value=1, max_value=MAX_ID))
def test_validate_id_returns_valid_ids(value: int) -> None:
    assert validate_id(value) == value


@pytest.mark.parametrize("value", [0, -1, MAX_ID + 1, 1 << 64])
def test_validate_id_refuses_out_of_range(value: int) -> None:
    with pytest.raises(InvalidIdError, match="between 1 and") as info:
        validate_id(value, field="post_id")
    assert info.value.field == "post_id"
    assert info.value.value == value
    assert isinstance(info.value, ValueError)


@pytest.mark.parametrize("value", [True, False, 1.0, "1", None])
def test_validate_id_refuses_non_integers_and_bools(value: object) -> None:
    with pytest.raises(InvalidIdError, match="must be an integer id") as info:
        validate_id(value)
    assert info.value.field == "id"


# --- id_at / timestamp_of ---------------------------------------------------------------


def test_id_layout_is_milliseconds_above_a_16_bit_sequence() -> None:
    assert SEQUENCE_BITS == 16
    assert id_at(EPOCH + timedelta(milliseconds=1)) == 1 << 16
    assert id_at(EPOCH + timedelta(milliseconds=1), 5) == (1 << 16) + 5
    assert id_at(START) == 1767225600000 << 16
    assert id_at(LAST_INSTANT, 0xFFFF) == MAX_ID


@given(datetimes(), st.integers(min_value=0, max_value=0xFFFF))
def test_timestamp_of_id_at_round_trips_to_the_millisecond(instant: datetime, seq: int) -> None:
    id_ = id_at(instant, seq)
    assert timestamp_of(id_) == _ms(instant)
    assert id_ & 0xFFFF == seq


@given(datetimes(), datetimes())
def test_id_order_is_time_order(a: datetime, b: datetime) -> None:
    if _ms(a) < _ms(b):
        assert id_at(a, 0xFFFF) < id_at(b)
    if a <= b:
        assert id_at(a) <= id_at(b)


@given(datetimes())
def test_id_at_is_the_smallest_id_at_or_after_its_instant(instant: datetime) -> None:
    id_ = id_at(_ms(instant))
    assert timestamp_of(id_) == _ms(instant)
    if id_ > 1:
        assert timestamp_of(id_ - 1) < _ms(instant)


def test_id_at_never_returns_an_invalid_id() -> None:
    try:
        id_ = id_at(EPOCH)
    except InvalidIdError:
        return  # refusing the epoch is a fine fix too
    assert validate_id(id_) == id_


def test_id_at_accepts_other_zones() -> None:
    from datetime import timezone

    tokyo = START.astimezone(timezone(timedelta(hours=9)))
    assert id_at(tokyo) == id_at(START)


def test_id_at_refuses_naive_timestamps() -> None:
    with pytest.raises(NaiveDatetimeError) as info:
        id_at(datetime(2026, 1, 1))
    assert info.value.field == "timestamp"


@pytest.mark.parametrize(
    "instant", [EPOCH - timedelta(milliseconds=1), LAST_INSTANT + timedelta(milliseconds=1)]
)
def test_id_at_refuses_instants_outside_the_id_range(instant: datetime) -> None:
    with pytest.raises(InvalidIdError, match="outside the id range") as info:
        id_at(instant)
    assert info.value.field == "timestamp"


@pytest.mark.parametrize("sequence", [-1, 0x10000])
def test_id_at_refuses_sequences_out_of_range(sequence: int) -> None:
    with pytest.raises(InvalidIdError, match="between 0 and 65535") as info:
        id_at(START, sequence)
    assert info.value.field == "sequence"


@pytest.mark.parametrize("sequence", [True, 1.0, "1"])
def test_id_at_refuses_non_integer_sequences(sequence: object) -> None:
    with pytest.raises(InvalidIdError) as info:
        id_at(START, sequence)  # type: ignore[arg-type]
    assert info.value.field == "sequence"


@pytest.mark.parametrize("value", [0, -5, MAX_ID + 1, True])
def test_timestamp_of_refuses_invalid_ids(value: int) -> None:
    with pytest.raises(InvalidIdError):
        timestamp_of(value)


# --- IdGenerator ------------------------------------------------------------------------


def test_generator_uses_the_clock_time() -> None:
    gen = IdGenerator(ManualClock(START))
    assert gen.next_id() == id_at(START)
    assert gen.last_id == id_at(START)


def test_generator_counts_up_the_sequence_when_the_clock_stalls() -> None:
    gen = IdGenerator(ManualClock(START))
    got = [gen.next_id() for _ in range(5)]
    assert got == [id_at(START, s) for s in range(5)]


def test_generator_jumps_to_the_clock_when_it_moves_on() -> None:
    clock = ManualClock(START)
    gen = IdGenerator(clock)
    gen.next_id()
    gen.next_id()
    clock.advance(timedelta(milliseconds=1))
    assert gen.next_id() == id_at(START + timedelta(milliseconds=1))


def test_generator_keeps_increasing_when_the_clock_goes_backwards() -> None:
    clock = ManualClock(START)
    gen = IdGenerator(clock)
    first = gen.next_id()
    clock.set(START - timedelta(days=365))
    assert gen.next_id() == first + 1


def test_sequence_overflow_spills_into_the_next_millisecond() -> None:
    gen = IdGenerator(ManualClock(START))
    got = [gen.next_id() for _ in range(65_536 + 10)]
    assert all(a < b for a, b in itertools.pairwise(got))
    assert got[65_535] == id_at(START, 0xFFFF)
    assert got[65_536] == id_at(START + timedelta(milliseconds=1), 0)
    assert timestamp_of(got[-1]) == START + timedelta(milliseconds=1)


@given(
    st.lists(
        st.tuples(
            st.integers(min_value=-5_000, max_value=5_000),  # clock step in ms (may go back)
            st.integers(min_value=1, max_value=5),  # ids taken after the step
        ),
        max_size=40,
    )
)
@example([(0, 5), (0, 5), (-1, 3), (-1000, 2), (1, 1)])
def test_generator_is_strictly_monotonic_whatever_the_clock_does(
    steps: list[tuple[int, int]],
) -> None:
    clock = ManualClock(START)
    gen = IdGenerator(clock)
    got = [gen.next_id()]
    for step_ms, count in steps:
        clock.advance(timedelta(milliseconds=step_ms))
        for _ in range(count):
            id_ = gen.next_id()
            # Never behind the clock: an id is at or after the time it was taken.
            assert id_ >= id_at(clock.now())
            got.append(id_)
    assert all(a < b for a, b in itertools.pairwise(got))
    assert gen.last_id == got[-1]


def test_generator_starts_above_last_id() -> None:
    floor = id_at(START + timedelta(days=1))
    gen = IdGenerator(ManualClock(START), last_id=floor)
    assert gen.next_id() == floor + 1


def test_observe_raises_the_floor_but_never_lowers_it() -> None:
    gen = IdGenerator(ManualClock(START))
    high = id_at(START + timedelta(hours=1))
    gen.observe(high)
    gen.observe(5)
    assert gen.last_id == high
    assert gen.next_id() == high + 1


def test_generator_at_the_epoch_never_hands_out_zero() -> None:
    assert IdGenerator(ManualClock(EPOCH)).next_id() == 1


def test_generator_refuses_a_clock_before_the_epoch() -> None:
    gen = IdGenerator(ManualClock(EPOCH - timedelta(seconds=1)))
    with pytest.raises(InvalidIdError, match="outside the id range") as info:
        gen.next_id()
    assert info.value.field == "clock time"


def test_generator_reports_exhausted_ids() -> None:
    gen = IdGenerator(ManualClock(START), last_id=MAX_ID)
    with pytest.raises(InvalidIdError, match="no ids are left"):
        gen.next_id()


def test_generator_never_hands_out_an_invalid_id_after_a_negative_floor() -> None:
    try:
        gen = IdGenerator(ManualClock(EPOCH), last_id=-5)
    except ValidationError:
        return  # refusing the floor is the proposed fix
    id_ = gen.next_id()
    assert validate_id(id_) == id_


def test_generator_repr_names_clock_and_floor() -> None:
    assert repr(IdGenerator(ManualClock(START), last_id=7)) == (
        "IdGenerator(ManualClock('2026-01-01T00:00:00+00:00'), last_id=7)"
    )


# --- TIDs -------------------------------------------------------------------------------


def test_tid_examples() -> None:
    assert encode_tid(0) == "2222222222222"
    assert encode_tid(31) == "222222222222z"
    assert encode_tid(MAX_ID) == "bzzzzzzzzzzzz"
    assert decode_tid("2222222222223") == 1


@given(st.integers(min_value=0, max_value=MAX_ID))
def test_tid_round_trips(value: int) -> None:
    tid = encode_tid(value)
    assert len(tid) == 13
    assert is_tid(tid)
    assert decode_tid(tid) == value


@given(st.integers(min_value=0, max_value=MAX_ID), st.integers(min_value=0, max_value=MAX_ID))
def test_tid_order_is_id_order(a: int, b: int) -> None:
    assert (encode_tid(a) < encode_tid(b)) == (a < b)


@pytest.mark.parametrize("value", [-1, MAX_ID + 1, True, 1.5, "5"])
def test_encode_tid_refuses_values_it_cannot_encode(value: object) -> None:
    with pytest.raises(InvalidIdError) as info:
        encode_tid(value)  # type: ignore[arg-type]
    assert info.value.field == "tid"


@pytest.mark.parametrize(
    "text",
    [
        "",
        "222222222222",  # 12 characters
        "22222222222222",  # 14 characters
        "k222222222222",  # first character beyond j: the 64-bit value would overflow
        "z222222222222",
        "2222222222221",  # 1 is not in the alphabet
        "222222222222A",  # upper case is not either
        "22222222222-2",
        "٢٢٢٢٢٢٢٢٢٢٢٢٢",  # digits of another script
    ],
)
def test_decode_tid_refuses_malformed_tids(text: str) -> None:
    assert not is_tid(text)
    with pytest.raises(InvalidIdError, match="not a TID") as info:
        decode_tid(text)
    assert info.value.field == "tid"
    assert info.value.value == text


def _reference_decode(text: str) -> int:
    """A TID decoded as the spec states it: five bits per character, most significant first."""
    value = 0
    for char in text:
        value = (value << 5) | TID_CHARS.index(char)
    return value


@given(
    st.one_of(
        st.text(alphabet=TID_CHARS, min_size=13, max_size=13),
        st.text(alphabet=TID_CHARS + "01AZ-٢ \n", min_size=12, max_size=14),
        st.text(max_size=14),
    )
)
@example("bzzzzzzzzzzzz")
@example("2222222222222\n")  # a trailing newline is no TID
@example("٢٢٢٢٢٢٢٢٢٢٢٢٢")  # digits int() would read, if asked
def test_decode_tid_equals_the_bitwise_reference(text: str) -> None:
    """The one-call decode gives the per-character value, and refuses exactly what is no TID."""
    if is_tid(text):
        assert decode_tid(text) == _reference_decode(text)
    else:
        with pytest.raises(InvalidIdError, match="not a TID") as info:
            decode_tid(text)
        assert info.value.field == "tid"
        assert info.value.value == text


def test_is_tid_is_false_for_non_strings() -> None:
    assert not is_tid(123)  # type: ignore[arg-type]
    assert not is_tid(None)  # type: ignore[arg-type]


@given(st.text(alphabet=TID_CHARS, min_size=13, max_size=13))
@example("c222222222222")
def test_every_valid_tid_round_trips(text: str) -> None:
    if is_tid(text):
        assert encode_tid(decode_tid(text)) == text


@given(
    datetimes(max_value=LAST_TID_INSTANT),
    st.integers(min_value=0, max_value=1023),
)
def test_tid_at_round_trips_to_the_microsecond(instant: datetime, clock_id: int) -> None:
    tid = tid_at(instant, clock_id)
    assert is_tid(tid)
    assert tid_timestamp(tid) == instant
    assert decode_tid(tid) & 1023 == clock_id


@given(datetimes(max_value=LAST_TID_INSTANT), datetimes(max_value=LAST_TID_INSTANT))
def test_tid_at_order_is_time_order(a: datetime, b: datetime) -> None:
    if a < b:
        assert tid_at(a, 1023) < tid_at(b, 0)


def test_tid_at_example() -> None:
    tid = tid_at(START)
    assert decode_tid(tid) == (1767225600 * 1_000_000) << 10


@pytest.mark.parametrize("clock_id", [-1, 1024, True, 1.0])
def test_tid_at_refuses_bad_clock_ids(clock_id: object) -> None:
    with pytest.raises(InvalidIdError) as info:
        tid_at(START, clock_id)  # type: ignore[arg-type]
    assert info.value.field == "clock_id"


@pytest.mark.parametrize(
    "instant", [EPOCH - timedelta(microseconds=1), LAST_TID_INSTANT + timedelta(microseconds=1)]
)
def test_tid_at_refuses_times_outside_the_tid_range(instant: datetime) -> None:
    with pytest.raises(InvalidIdError, match="outside the TID range") as info:
        tid_at(instant)
    assert info.value.field == "timestamp"


def test_tid_at_accepts_the_last_instant() -> None:
    assert tid_timestamp(tid_at(LAST_TID_INSTANT)) == LAST_TID_INSTANT


def test_tid_at_refuses_naive_timestamps() -> None:
    with pytest.raises(NaiveDatetimeError):
        tid_at(datetime(2026, 1, 1))


def test_tid_timestamp_refuses_malformed_tids() -> None:
    with pytest.raises(InvalidIdError):
        tid_timestamp("not-a-tid")


@given(before=st.integers(0, 5), count=st.integers(0, 70_000), tick=st.integers(0, 2))
def test_next_ids_equals_next_id_while_the_clock_stands_still(
    before: int, count: int, tick: int
) -> None:
    """Ids taken at once are the ones taken one by one at that instant, and later ids follow."""
    one, bulk = IdGenerator(ManualClock()), IdGenerator(ManualClock())
    for generator in (one, bulk):
        for _ in range(before):
            generator.next_id()
        generator._clock.advance(timedelta(milliseconds=tick))  # type: ignore[attr-defined]
    expected = [one.next_id() for _ in range(count)]
    assert list(bulk.next_ids(count)) == expected
    assert bulk.last_id == one.last_id
    assert bulk.next_id() == one.next_id()


def test_next_ids_refuses_past_the_last_id_and_keeps_the_generator() -> None:
    generator = IdGenerator(ManualClock(), last_id=MAX_ID - 3)
    with pytest.raises(InvalidIdError):
        generator.next_ids(4)
    assert generator.last_id == MAX_ID - 3
    assert list(generator.next_ids(3)) == [MAX_ID - 2, MAX_ID - 1, MAX_ID]


def test_next_ids_of_a_subclass_comes_one_by_one() -> None:
    class Odd(IdGenerator):
        def next_id(self) -> int:
            value = super().next_id()
            return value if value % 2 else super().next_id()

    assert all(value % 2 for value in Odd(ManualClock()).next_ids(5))
