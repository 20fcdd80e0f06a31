"""Clocks: ensure_utc is the gate for datetimes; ManualClock moves only when told."""

from datetime import UTC, datetime, timedelta, timezone
from zoneinfo import ZoneInfo

import pytest
from hypothesis import given
from hypothesis import strategies as st

from microblog_core.clock import Clock, ManualClock, SystemClock, ensure_utc
from microblog_core.errors import NaiveDatetimeError, ValidationError

START = datetime(2026, 1, 1, tzinfo=UTC)


def test_ensure_utc_refuses_naive_datetimes_naming_the_field() -> None:
    naive = datetime(2026, 1, 1, 12, 0)
    with pytest.raises(NaiveDatetimeError) as info:
        ensure_utc(naive, field="created_at")
    assert info.value.field == "created_at"
    assert info.value.value == naive
    assert isinstance(info.value, ValueError)


def test_ensure_utc_default_field_name() -> None:
    with pytest.raises(NaiveDatetimeError) as info:
        ensure_utc(datetime(2026, 1, 1))
    assert info.value.field == "datetime"


@pytest.mark.parametrize("value", ["2026-01-01T00:00:00Z", 1767225600, None, START.date()])
def test_ensure_utc_refuses_what_is_not_a_datetime(value: object) -> None:
    with pytest.raises(ValidationError, match="must be a datetime") as info:
        ensure_utc(value, field="at")  # type: ignore[arg-type]
    assert info.value.field == "at"
    assert not isinstance(info.value, NaiveDatetimeError)


def test_ensure_utc_returns_a_utc_datetime_unchanged() -> None:
    assert ensure_utc(START) is START


@given(
    st.datetimes(
        min_value=datetime(1900, 1, 2),
        max_value=datetime(9000, 1, 1),
        timezones=st.timezones(),
        allow_imaginary=False,
    )
)
def test_ensure_utc_converts_other_zones_keeping_the_instant(value: datetime) -> None:
    converted = ensure_utc(value)
    assert converted.tzinfo is UTC
    # The same instant: local wall time minus the zone's offset. (Comparing with ==
    # would not do: Python calls an ambiguous local time unequal to every UTC time.)
    offset = value.utcoffset()
    assert offset is not None
    assert converted.replace(tzinfo=None) == value.replace(tzinfo=None) - offset


def test_ensure_utc_converts_a_fixed_offset() -> None:
    tokyo = datetime(2026, 1, 1, 9, 0, tzinfo=timezone(timedelta(hours=9)))
    assert ensure_utc(tokyo) == START
    assert ensure_utc(tokyo).tzinfo is UTC
    assert ensure_utc(tokyo).hour == 0


def test_ensure_utc_converts_a_zoneinfo_utc_to_the_utc_singleton() -> None:
    value = datetime(2026, 1, 1, tzinfo=ZoneInfo("UTC"))
    assert ensure_utc(value).tzinfo is UTC


def test_manual_clock_starts_at_2026_by_default() -> None:
    assert ManualClock().now() == START


def test_manual_clock_start_is_normalised_to_utc() -> None:
    clock = ManualClock(datetime(2026, 1, 1, 1, 0, tzinfo=timezone(timedelta(hours=1))))
    assert clock.now() == START
    assert clock.now().tzinfo is UTC


def test_manual_clock_refuses_a_naive_start() -> None:
    with pytest.raises(NaiveDatetimeError) as info:
        ManualClock(datetime(2026, 1, 1))
    assert info.value.field == "start"


def test_manual_clock_stands_still_until_moved() -> None:
    clock = ManualClock(START)
    assert clock.now() == clock.now() == START


def test_manual_clock_set_moves_forward_and_backward() -> None:
    clock = ManualClock(START)
    later = START + timedelta(days=3)
    assert clock.set(later) == later
    assert clock.now() == later
    assert clock.set(START - timedelta(days=1)) == START - timedelta(days=1)
    assert clock.now() == START - timedelta(days=1)


def test_manual_clock_set_refuses_naive() -> None:
    clock = ManualClock(START)
    with pytest.raises(NaiveDatetimeError) as info:
        clock.set(datetime(2026, 2, 1))
    assert info.value.field == "instant"
    assert clock.now() == START


@given(st.lists(st.integers(min_value=-(10**9), max_value=10**9), max_size=20))
def test_manual_clock_advance_accumulates_steps(steps_ms: list[int]) -> None:
    clock = ManualClock(START)
    for step in steps_ms:
        clock.advance(timedelta(milliseconds=step))
    assert clock.now() == START + timedelta(milliseconds=sum(steps_ms))


def test_manual_clock_advance_takes_timedelta_int_and_float_seconds() -> None:
    clock = ManualClock(START)
    assert clock.advance(timedelta(minutes=1)) == START + timedelta(minutes=1)
    assert clock.advance(30) == START + timedelta(seconds=90)
    assert clock.advance(0.5) == START + timedelta(seconds=90.5)
    assert clock.advance(-90.5) == START


@pytest.mark.parametrize("delta", ["5", None, True, False, [1], START])
def test_manual_clock_advance_refuses_bad_types(delta: object) -> None:
    clock = ManualClock(START)
    with pytest.raises(ValidationError, match="timedelta or a number") as info:
        clock.advance(delta)  # type: ignore[arg-type]
    assert info.value.field == "delta"
    assert clock.now() == START


@pytest.mark.parametrize("delta", [float("nan"), float("inf"), 1e300])
def test_manual_clock_advance_refuses_non_finite_seconds(delta: float) -> None:
    clock = ManualClock(START)
    with pytest.raises(ValidationError) as info:
        clock.advance(delta)
    assert info.value.field == "delta"


def test_manual_clock_repr_shows_the_instant() -> None:
    assert repr(ManualClock(START)) == "ManualClock('2026-01-01T00:00:00+00:00')"


def test_system_clock_returns_aware_utc() -> None:
    now = SystemClock().now()
    assert now.tzinfo is UTC
    assert repr(SystemClock()) == "SystemClock()"


def test_both_clocks_satisfy_the_clock_protocol() -> None:
    assert isinstance(ManualClock(), Clock)
    assert isinstance(SystemClock(), Clock)
    assert not isinstance(object(), Clock)
