"""Tests for microblog_core.sim.streams: independent random streams from one seed."""

import hashlib
import random

import pytest
from hypothesis import given
from hypothesis import strategies as st

from microblog_core.errors import ValidationError
from microblog_core.sim.streams import STREAMS, stream


def test_the_scheme_is_the_documented_hash():
    digest = hashlib.sha256(b"42:schedule").digest()
    expected = random.Random(int.from_bytes(digest[:8], "big"))
    assert stream(42, "schedule").random() == expected.random()


@given(st.integers(min_value=0, max_value=2**64))
def test_streams_of_one_seed_differ_and_repeat(seed):
    firsts = [stream(seed, name).random() for name in STREAMS]
    assert len(set(firsts)) == len(STREAMS)
    assert firsts == [stream(seed, name).random() for name in STREAMS]


def test_neighbouring_seeds_give_unrelated_streams():
    assert stream(1, "agents").random() != stream(2, "agents").random()


@pytest.mark.parametrize(("seed", "name"), [(-1, "graph"), (True, "graph"), (1, "feed"), (1, 3)])
def test_bad_arguments_are_validation_errors(seed, name):
    with pytest.raises(ValidationError):
        stream(seed, name)
