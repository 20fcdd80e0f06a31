"""Timeline pages: cursors as Mastodon's Link header, originals of reposts, paging checks."""

import pytest
from hypothesis import given
from hypothesis import strategies as st

from microblog_core.errors import InvalidIdError, NotFoundError, ValidationError
from microblog_core.timelines import TimelinePage
from microblog_core.timelines.pages import check_limit, check_page_id
from tests.timelines.helpers import original, repost


def test_cursors_are_the_oldest_and_newest_ids() -> None:
    page = TimelinePage.of([original(9), original(7), original(3)])
    assert (page.next_max_id, page.prev_min_id) == (3, 9)
    assert len(page) == 3


def test_an_empty_page_has_no_cursors() -> None:
    page = TimelinePage.of([])
    assert (page.next_max_id, page.prev_min_id) == (None, None)


def test_a_page_keeps_only_the_originals_its_reposts_need() -> None:
    root, other = original(1), original(2)
    shared = repost(5, 1)
    page = TimelinePage.of([shared], {1: root, 2: other})
    assert dict(page.roots) == {1: root}
    assert page.original(shared) is root
    assert page.original(root) is root


def test_a_repost_without_its_original_is_refused() -> None:
    with pytest.raises(ValidationError):
        TimelinePage.of([repost(5, 1)], {})


def test_original_of_a_repost_from_another_page_is_not_found() -> None:
    page = TimelinePage.of([original(2)])
    with pytest.raises(NotFoundError):
        page.original(repost(5, 1))


def test_roots_are_read_only() -> None:
    page = TimelinePage.of([repost(5, 1)], {1: original(1)})
    with pytest.raises(TypeError):
        page.roots[3] = original(3)  # type: ignore[index]


def test_pages_compare_by_value() -> None:
    assert TimelinePage.of([original(2)]) == TimelinePage.of([original(2)])
    assert hash(TimelinePage.of([original(2)])) == hash(TimelinePage.of([original(2)]))


@given(st.integers(1, 40))
def test_limits_from_1_to_40_pass(limit: int) -> None:
    assert check_limit(limit) == limit


@pytest.mark.parametrize("limit", [0, 41, -1, 2.0, "20", True, None])
def test_other_limits_are_refused(limit: object) -> None:
    with pytest.raises(ValidationError) as info:
        check_limit(limit)
    assert info.value.field == "limit"


@pytest.mark.parametrize("value", [-1, "5", 1.5, True])
def test_bad_paging_ids_are_refused(value: object) -> None:
    with pytest.raises(InvalidIdError) as info:
        check_page_id(value, "max_id")
    assert info.value.field == "max_id"


@pytest.mark.parametrize("value", [None, 0, 1, 2**70])
def test_paging_ids_may_be_none_zero_or_large(value: int | None) -> None:
    assert check_page_id(value, "min_id") == value
