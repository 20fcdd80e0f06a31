"""The shared checks for numeric parameters and names (integer, probability, ...).

They check simulation configs and graph generators; every refusal is a
ValidationError naming the field, with a size-safe quote of the value.
"""

import itertools
import math
from array import array

import pytest
from hypothesis import given
from hypothesis import strategies as st

from microblog_core import _checks
from microblog_core.errors import ValidationError

NOT_NUMBERS = [True, False, "1", None, [1], 1j]


@given(st.integers(-1000, 1000), st.integers(-1000, 1000))
def test_integer_accepts_exactly_the_ints_at_or_above_the_minimum(value, minimum):
    if value >= minimum:
        assert _checks.integer(value, "n", minimum=minimum) == value
    else:
        with pytest.raises(ValidationError, match=f"n must be at least {minimum}") as info:
            _checks.integer(value, "n", minimum=minimum)
        assert info.value.field == "n"


@given(st.integers(-50, 50), st.integers(-20, 20), st.integers(0, 20))
def test_integer_with_a_maximum_accepts_exactly_the_range(value, low, width):
    high = low + width
    if low <= value <= high:
        assert _checks.integer(value, "size", minimum=low, maximum=high) == value
    else:
        with pytest.raises(ValidationError, match=f"size must be an integer from {low} to {high}"):
            _checks.integer(value, "size", minimum=low, maximum=high)


@pytest.mark.parametrize("value", [*NOT_NUMBERS, 1.0, math.nan])
def test_integer_refuses_non_ints_and_bools(value):
    with pytest.raises(ValidationError, match="seed must be an integer, got"):
        _checks.integer(value, "seed", minimum=0)


def test_integer_names_the_hint_below_the_minimum():
    with pytest.raises(ValidationError, match=r"got 2 \(starts from a cycle\)"):
        _checks.integer(2, "n", minimum=3, hint="starts from a cycle")


def test_integer_quotes_huge_values_safely():
    with pytest.raises(ValidationError, match="an integer of 16610 bits"):
        _checks.integer(-(10**5000), "n", minimum=1)


@given(st.floats(allow_nan=True) | st.integers(-5, 5))
def test_probability_accepts_exactly_the_numbers_from_0_to_1(value):
    if 0 <= value <= 1:
        result = _checks.probability(value, "p")
        assert result == value
        assert type(result) is float
    else:
        with pytest.raises(ValidationError, match="p must be a probability from 0 to 1"):
            _checks.probability(value, "p")


@pytest.mark.parametrize("value", NOT_NUMBERS)
def test_probability_refuses_non_numbers(value):
    with pytest.raises(ValidationError, match="like must be a probability"):
        _checks.probability(value, "like")


@given(st.floats(allow_nan=True) | st.integers())
def test_non_negative_and_positive_accept_finite_numbers_above_their_bound(value):
    finite = not (isinstance(value, float) and not math.isfinite(value))
    if finite and value >= 0:
        assert _checks.non_negative(value, "sigma") == float(value)
    else:
        with pytest.raises(ValidationError, match="sigma must be"):
            _checks.non_negative(value, "sigma")
    if finite and value > 0:
        assert _checks.positive(value, "hours") == float(value)
    else:
        with pytest.raises(ValidationError, match="hours must be"):
            _checks.positive(value, "hours")


@pytest.mark.parametrize(
    ("check", "needle"),
    [
        (_checks.non_negative, "x must be 0 or more"),
        (_checks.positive, "x must be greater than 0"),
    ],
)
def test_sign_checks_say_which_bound(check, needle):
    with pytest.raises(ValidationError, match=needle):
        check(-1, "x")


@pytest.mark.parametrize("check", [_checks.non_negative, _checks.positive])
@pytest.mark.parametrize("value", [math.inf, math.nan, 10**400])
def test_sign_checks_refuse_values_that_are_not_finite(check, value):
    with pytest.raises(ValidationError, match="x must be finite"):
        check(value, "x")


@given(st.lists(st.integers(0, 100)))
def test_non_negative_ints_returns_the_values_as_a_tuple(values):
    assert _checks.non_negative_ints(values, "degrees") == tuple(values)
    assert _checks.non_negative_ints(iter(values), "degrees") == tuple(values)


@pytest.mark.parametrize(
    ("value", "needle"),
    [
        ("12", "degrees must be a sequence of non-negative ints, got str"),
        (5, "degrees must be a sequence of non-negative ints, got int"),
        ([0, -1], r"degrees\[1\] must be a non-negative int, got -1"),
        ([1.0], r"degrees\[0\] must be a non-negative int, got 1\.0"),
        ([0, 0, True], r"degrees\[2\] must be a non-negative int, got True"),
    ],
)
def test_non_negative_ints_names_the_bad_item(value, needle):
    with pytest.raises(ValidationError, match=needle):
        _checks.non_negative_ints(value, "degrees")


def test_one_of_returns_a_listed_name():
    assert _checks.one_of("hot", "ranker", ("chronological", "hot"), "ranker") == "hot"


@pytest.mark.parametrize("value", ["cold", "", None, 3, "x" * 10_000])
def test_one_of_refuses_anything_else_and_lists_the_choices(value):
    with pytest.raises(ValidationError, match=r"unknown ranker .*; choose one of a, b") as info:
        _checks.one_of(value, "ranker", ("a", "b"), "ranker")
    assert len(str(info.value)) < 200  # a huge value is quoted short


@given(
    n=st.integers(0, 6),
    pairs=st.lists(st.tuples(st.integers(-2, 7), st.integers(-2, 7)), max_size=12),
    sort=st.booleans(),
    typecode=st.sampled_from("bhiq"),
)
def test_plain_follow_columns(
    n: int, pairs: list[tuple[int, int]], sort: bool, typecode: str
) -> None:
    """Plain exactly when in range, loop-free and strictly ascending; never for non-arrays."""
    if sort:
        pairs = sorted(pairs)
    sources = array(typecode, [a for a, _ in pairs])
    targets = array(typecode, [b for _, b in pairs])
    expected = all(0 <= a < n and 0 <= b < n and a != b for a, b in pairs) and all(
        x < y for x, y in itertools.pairwise(pairs)
    )
    assert _checks.plain_follow_columns(sources, targets, n) == expected
    assert not _checks.plain_follow_columns(list(sources), list(targets), n) or not pairs
    assert not _checks.plain_follow_columns(sources, targets[:-1], n) or not pairs
