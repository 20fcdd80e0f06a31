"""Candidate, Scored and ranked_order."""

import pickle
from datetime import UTC, datetime, timedelta, timezone
from random import Random

import attrs
import pytest
from hypothesis import given
from hypothesis import strategies as st

from microblog_core.errors import InvalidIdError, NaiveDatetimeError, ValidationError
from microblog_core.ranking import Candidate, Scored, ranked_order
from tests.ranking.strategies import NOW, candidates, scored_lists


def make(**overrides: object) -> Candidate:
    fields: dict[str, object] = {"post_id": 10, "author_id": 1, "created_at": NOW}
    fields.update(overrides)
    return Candidate(**fields)  # type: ignore[arg-type]


class TestDefaults:
    def test_root_defaults_to_the_post_itself(self) -> None:
        assert make(post_id=42).root_id == 42

    def test_root_can_name_the_reposted_original(self) -> None:
        assert make(post_id=42, root_id=7).root_id == 7

    def test_votes_default_to_likes_up_and_zero_down(self) -> None:
        candidate = make(likes=12)
        assert (candidate.upvotes, candidate.downvotes) == (None, None)
        assert (candidate.ups, candidate.downs) == (12, 0)

    def test_explicit_votes_override_the_mapping(self) -> None:
        candidate = make(likes=12, upvotes=3, downvotes=4)
        assert (candidate.ups, candidate.downs) == (3, 4)

    def test_flags_and_language_defaults(self) -> None:
        candidate = make()
        assert candidate.in_network is True
        assert candidate.is_reply is False
        assert candidate.language is None
        assert dict(candidate.signals) == {}

    def test_fields_are_keyword_only(self) -> None:
        with pytest.raises(TypeError):
            Candidate(1, 2, created_at=NOW)  # type: ignore[call-arg]


class TestTime:
    def test_created_at_is_stored_in_utc_keeping_the_instant(self) -> None:
        tokyo = timezone(timedelta(hours=9))
        candidate = make(created_at=datetime(2026, 1, 1, 9, tzinfo=tokyo))
        assert candidate.created_at.tzinfo is UTC
        assert candidate.created_at == NOW

    def test_naive_created_at_is_refused(self) -> None:
        with pytest.raises(NaiveDatetimeError) as info:
            make(created_at=datetime(2026, 1, 1))
        assert info.value.field == "created_at"

    def test_created_at_must_be_a_datetime(self) -> None:
        with pytest.raises(ValidationError):
            make(created_at="2026-01-01")


class TestValidation:
    @pytest.mark.parametrize(
        "field", ["likes", "reposts", "replies", "quotes", "upvotes", "downvotes"]
    )
    def test_negative_counts_are_refused(self, field: str) -> None:
        with pytest.raises(ValidationError) as info:
            make(**{field: -1})
        assert info.value.field == field

    @pytest.mark.parametrize("value", [1.5, "3", True, None])
    def test_counts_must_be_ints(self, value: object) -> None:
        with pytest.raises(ValidationError):
            make(likes=value)

    def test_counts_are_capped_at_64_bits(self) -> None:
        make(likes=2**63 - 1)
        with pytest.raises(ValidationError):
            make(likes=2**63)

    @pytest.mark.parametrize("field", ["post_id", "author_id", "root_id"])
    @pytest.mark.parametrize("value", [-1, "1", 1.0, False])
    def test_ids_must_be_non_negative_ints(self, field: str, value: object) -> None:
        with pytest.raises(InvalidIdError) as info:
            make(**{field: value})
        assert info.value.field == field

    @pytest.mark.parametrize("field", ["in_network", "is_reply"])
    def test_flags_must_be_bools(self, field: str) -> None:
        with pytest.raises(ValidationError):
            make(**{field: 1})

    @pytest.mark.parametrize("value", ["", 3])
    def test_language_must_be_a_non_empty_str(self, value: object) -> None:
        with pytest.raises(ValidationError):
            make(language=value)

    @pytest.mark.parametrize(
        "signals",
        [
            {"fav": -0.1},
            {"fav": float("nan")},
            {"fav": float("inf")},
            {"": 0.5},
            {1: 0.5},
            {"fav": "0.5"},
            {"fav": True},
            [("fav", 0.5)],
        ],
    )
    def test_bad_signals_are_refused(self, signals: object) -> None:
        with pytest.raises(ValidationError):
            make(signals=signals)

    def test_errors_are_value_errors_too(self) -> None:
        with pytest.raises(ValueError, match="likes must be >= 0"):
            make(likes=-5)


class TestSignals:
    def test_signals_are_copied_as_floats(self) -> None:
        source = {"fav": 1}
        candidate = make(signals=source)
        source["fav"] = 0
        assert candidate.signals == {"fav": 1.0}
        assert isinstance(candidate.signals["fav"], float)

    def test_signals_are_read_only(self) -> None:
        candidate = make(signals={"fav": 0.5})
        with pytest.raises(TypeError):
            candidate.signals["fav"] = 0.9  # type: ignore[index]
        with pytest.raises(TypeError):
            candidate.signals.update(fav=0.9)  # type: ignore[attr-defined]
        assert candidate.signals == {"fav": 0.5}

    def test_evolve_replaces_signals(self) -> None:
        candidate = make(signals={"fav": 0.5})
        changed = attrs.evolve(candidate, signals={"fav": 0.7})
        assert changed.signals == {"fav": 0.7}
        assert candidate.signals == {"fav": 0.5}


class TestValueSemantics:
    def test_candidates_are_frozen(self) -> None:
        with pytest.raises(attrs.exceptions.FrozenInstanceError):
            make().likes = 3  # type: ignore[misc]

    @given(candidates())
    def test_equal_candidates_hash_equal_and_pickle(self, candidate: Candidate) -> None:
        twin = attrs.evolve(candidate)
        assert twin == candidate
        assert hash(twin) == hash(candidate)
        assert pickle.loads(pickle.dumps(candidate)) == candidate  # noqa: S301 (own data)

    def test_signals_take_part_in_equality(self) -> None:
        assert make(signals={"fav": 0.5}) != make(signals={"fav": 0.6})

    def test_scored_exposes_the_post_id(self) -> None:
        assert Scored(make(post_id=99), 1.0).post_id == 99


class TestRankedOrder:
    def test_score_descending_then_post_id_descending(self) -> None:
        items = [Scored(make(post_id=p), s) for p, s in [(1, 2.0), (2, 3.0), (3, 2.0), (4, -1.0)]]
        assert [i.post_id for i in ranked_order(items)] == [2, 3, 1, 4]

    @given(scored_lists())
    def test_is_a_sorted_permutation(self, items: list[Scored]) -> None:
        ordered = ranked_order(items)
        assert sorted(map(id, ordered)) == sorted(map(id, items))
        keys = [(i.score, i.post_id) for i in ordered]
        assert keys == sorted(keys, reverse=True)

    @given(scored_lists(), st.randoms(use_true_random=False))
    def test_does_not_depend_on_input_order(self, items: list[Scored], rnd: Random) -> None:
        shuffled = list(items)
        rnd.shuffle(shuffled)
        assert ranked_order(shuffled) == ranked_order(items)
