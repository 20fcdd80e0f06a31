"""Re-rankers: author diversity, out-of-network and reply discounts, root dedup."""

from collections import Counter
from random import Random

import pytest
from hypothesis import given
from hypothesis import strategies as st

from microblog_core.errors import ValidationError
from microblog_core.ranking import (
    AuthorDiversity,
    Candidate,
    DedupRoots,
    OutOfNetworkDiscount,
    ReplyDiscount,
    Reranker,
    Scored,
    penalize,
    ranked_order,
)
from tests.ranking.strategies import NOW, scored_lists


def item(post_id: int, score: float, **fields: object) -> Scored:
    values: dict[str, object] = {"post_id": post_id, "author_id": 1, "created_at": NOW}
    values.update(fields)
    return Scored(Candidate(**values), score)  # type: ignore[arg-type]


def view(items: list[Scored]) -> list[tuple[int, float]]:
    return [(i.post_id, i.score) for i in items]


RERANKERS: list[Reranker] = [
    AuthorDiversity(),
    AuthorDiversity(decay=0.0, floor=1.0),
    OutOfNetworkDiscount(),
    ReplyDiscount(multiplier=0.5),
    DedupRoots(),
    DedupRoots(prefer_original=True),
]


class TestPenalize:
    def test_multiplies_non_negative_and_divides_negative(self) -> None:
        assert penalize(8.0, 0.5) == 4.0
        assert penalize(0.0, 0.5) == 0.0
        assert penalize(-8.0, 0.5) == -16.0

    @given(st.floats(-1e300, 1e300), st.floats(0.001, 1.0))
    def test_never_raises_a_score(self, score: float, multiplier: float) -> None:
        assert penalize(score, multiplier) <= score


class TestAuthorDiversity:
    def test_multipliers_by_position(self) -> None:
        # (1 - 0.25) * 0.5^k + 0.25: 1, 0.625, 0.4375, 0.34375, 0.296875
        assert [AuthorDiversity().multiplier(k) for k in range(5)] == [
            1.0,
            0.625,
            0.4375,
            0.34375,
            0.296875,
        ]

    def test_discounts_an_authors_later_items(self) -> None:
        items = [
            item(1, 4.0, author_id=1),
            item(2, 8.0, author_id=1),
            item(3, 2.0, author_id=1),
            item(4, 5.0, author_id=2),
        ]
        # author 1 by score: 8 (k=0) x1 = 8; 4 (k=1) x0.625 = 2.5; 2 (k=2) x0.4375 = 0.875
        # author 2: 5 (k=0) stays
        assert view(AuthorDiversity().rerank(items)) == [(2, 8.0), (4, 5.0), (1, 2.5), (3, 0.875)]

    def test_ties_within_an_author_go_to_the_newer_post(self) -> None:
        items = [item(1, 4.0), item(2, 4.0)]
        # post 2 wins the tie, keeps 4.0; post 1 gets 4 * 0.625 = 2.5
        assert view(AuthorDiversity().rerank(items)) == [(2, 4.0), (1, 2.5)]

    def test_negative_scores_fall_further(self) -> None:
        items = [item(1, -2.0), item(2, -4.0)]
        # -2 is the author's best (k=0), stays; -4 / 0.625 = -6.4
        assert view(AuthorDiversity().rerank(items)) == [(1, -2.0), (2, -6.4)]

    def test_custom_decay_and_floor(self) -> None:
        diversity = AuthorDiversity(decay=0.0, floor=0.5)
        # k >= 1: (1 - 0.5) * 0 + 0.5 = 0.5
        assert view(diversity.rerank([item(1, 2.0), item(2, 3.0)])) == [(2, 3.0), (1, 1.0)]

    @pytest.mark.parametrize(
        "kwargs", [{"decay": -0.1}, {"decay": 1.5}, {"floor": 0.0}, {"floor": 1.1}, {"floor": "x"}]
    )
    def test_parameters_are_checked(self, kwargs: dict[str, object]) -> None:
        with pytest.raises(ValidationError):
            AuthorDiversity(**kwargs)

    def test_multiplier_position_must_be_a_count(self) -> None:
        with pytest.raises(ValidationError):
            AuthorDiversity().multiplier(-1)

    @given(scored_lists())
    def test_never_raises_a_score(self, items: list[Scored]) -> None:
        before = {i.post_id: i.score for i in items}
        for after in AuthorDiversity().rerank(items):
            assert after.score <= before[after.post_id]

    @given(scored_lists())
    def test_keeps_each_authors_best_item_unchanged(self, items: list[Scored]) -> None:
        best: dict[int, Scored] = {}
        for i in ranked_order(items):
            best.setdefault(i.candidate.author_id, i)
        out = {i.post_id: i.score for i in AuthorDiversity().rerank(items)}
        for top in best.values():
            assert out[top.post_id] == top.score

    @given(scored_lists(max_size=15), st.floats(0.0, 1.0), st.floats(0.01, 1.0))
    def test_one_pass_equals_the_iterative_re_sort(
        self, items: list[Scored], decay: float, floor: float
    ) -> None:
        diversity = AuthorDiversity(decay=decay, floor=floor)
        # Naive form: repeatedly pick the best current score, then discount the
        # rest of that author's items by their new position; O(n^2).
        picked: Counter[int] = Counter()
        remaining = list(items)
        expected: list[tuple[int, float]] = []
        while remaining:
            current = [
                (
                    penalize(i.score, diversity.multiplier(picked[i.candidate.author_id]))
                    if picked[i.candidate.author_id]
                    else i.score,
                    i,
                )
                for i in remaining
            ]
            score, best = max(current, key=lambda pair: (pair[0], pair[1].post_id))
            expected.append((best.post_id, score))
            picked[best.candidate.author_id] += 1
            remaining.remove(best)
        assert view(diversity.rerank(items)) == expected


class TestDiscounts:
    def test_out_of_network_items_are_discounted(self) -> None:
        items = [item(1, 10.0, in_network=False), item(2, 8.0), item(3, -3.0, in_network=False)]
        # 10 * 0.75 = 7.5; 8 stays; -3 / 0.75 = -4
        assert view(OutOfNetworkDiscount().rerank(items)) == [(2, 8.0), (1, 7.5), (3, -4.0)]

    def test_replies_are_discounted(self) -> None:
        items = [item(1, 10.0, is_reply=True), item(2, 8.0)]
        assert view(ReplyDiscount().rerank(items)) == [(2, 8.0), (1, 7.5)]
        assert view(ReplyDiscount(multiplier=0.5).rerank(items)) == [(2, 8.0), (1, 5.0)]

    @pytest.mark.parametrize("cls", [OutOfNetworkDiscount, ReplyDiscount])
    @pytest.mark.parametrize("value", [0.0, -0.5, 1.5, float("nan")])
    def test_multiplier_must_be_in_unit_interval(self, cls: type, value: float) -> None:
        with pytest.raises(ValidationError):
            cls(multiplier=value)

    @pytest.mark.parametrize("reranker", [OutOfNetworkDiscount(), ReplyDiscount()], ids=str)
    @given(items=scored_lists())
    def test_discounts_touch_only_their_items(
        self, reranker: Reranker, items: list[Scored]
    ) -> None:
        before = {i.post_id: i for i in items}
        for after in reranker.rerank(items):
            original = before[after.post_id]
            hit = (
                not original.candidate.in_network
                if isinstance(reranker, OutOfNetworkDiscount)
                else original.candidate.is_reply
            )
            assert after.score <= original.score
            if not hit:
                assert after is original


class TestDedupRoots:
    def test_keeps_the_best_item_per_root(self) -> None:
        items = [
            item(1, 3.0),
            item(2, 5.0, root_id=1),
            item(3, 5.0, root_id=1),
            item(4, 1.0),
        ]
        # root 1: scores 3, 5, 5 -> the tie goes to post 3; root 4 is alone
        assert view(DedupRoots().rerank(items)) == [(3, 5.0), (4, 1.0)]

    def test_prefer_original_keeps_the_original_over_a_higher_repost(self) -> None:
        items = [
            item(1, 3.0),
            item(2, 5.0, root_id=1),
            item(3, 4.0, root_id=9),  # reposts of a root that is not a candidate
            item(4, 6.0, root_id=9),
        ]
        # root 1: the original (post 1) stays although its repost scores 5 > 3
        # root 9: no original among the candidates, so the best repost (post 4) stays
        kept = DedupRoots(prefer_original=True).rerank(items)
        assert view(kept) == [(4, 6.0), (1, 3.0)]

    @given(scored_lists())
    def test_prefer_original_leaves_unique_roots_and_keeps_every_original(
        self, items: list[Scored]
    ) -> None:
        kept = DedupRoots(prefer_original=True).rerank(items)
        roots = [i.candidate.root_id for i in kept]
        assert len(roots) == len(set(roots))
        assert set(roots) == {i.candidate.root_id for i in items}
        originals = {i.post_id for i in items if i.post_id == i.candidate.root_id}
        assert originals <= {i.post_id for i in kept}

    @given(scored_lists())
    def test_leaves_unique_roots_and_loses_none(self, items: list[Scored]) -> None:
        kept = DedupRoots().rerank(items)
        roots = [i.candidate.root_id for i in kept]
        assert len(roots) == len(set(roots))
        assert set(roots) == {i.candidate.root_id for i in items}
        for i in kept:
            rivals = [j for j in items if j.candidate.root_id == i.candidate.root_id]
            assert (i.score, i.post_id) == max((j.score, j.post_id) for j in rivals)


class TestEveryReranker:
    @pytest.mark.parametrize("reranker", RERANKERS, ids=str)
    def test_fits_the_protocol(self, reranker: Reranker) -> None:
        assert isinstance(reranker, Reranker)
        assert reranker.name

    @pytest.mark.parametrize("reranker", RERANKERS, ids=str)
    def test_empty_in_empty_out(self, reranker: Reranker) -> None:
        assert reranker.rerank([]) == []

    @pytest.mark.parametrize("reranker", RERANKERS, ids=str)
    @given(items=scored_lists(), rnd=st.randoms(use_true_random=False))
    def test_output_is_ranked_subset_independent_of_input_order(
        self, reranker: Reranker, items: list[Scored], rnd: Random
    ) -> None:
        out = reranker.rerank(items)
        assert out == ranked_order(out)
        candidates = Counter(i.candidate.post_id for i in items)
        assert not Counter(i.candidate.post_id for i in out) - candidates
        if not isinstance(reranker, DedupRoots):  # the only one that drops items
            assert Counter(i.candidate.post_id for i in out) == candidates
        shuffled = list(items)
        rnd.shuffle(shuffled)
        assert reranker.rerank(shuffled) == out

    @pytest.mark.parametrize("reranker", RERANKERS, ids=str)
    @given(items=scored_lists())
    def test_input_is_not_modified(self, reranker: Reranker, items: list[Scored]) -> None:
        snapshot = list(items)
        reranker.rerank(items)
        assert items == snapshot
