"""Polls you vote in: one vote per account, limits, hidden totals, the end announced."""

from datetime import timedelta

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from microblog_core import ManualClock
from microblog_core.errors import (
    ConflictError,
    NotFoundError,
    PermissionDeniedError,
    ValidationError,
)
from microblog_core.models import NotificationKind, Poll
from microblog_core.service import Microblog
from tests.service.conftest import tick


def _poll(blog: Microblog, *, multiple: bool = False, hide_totals: bool = False) -> Poll:
    return Poll(
        options=("yes", "no", "maybe"),
        expires_at=blog.now() + timedelta(hours=1),
        multiple=multiple,
        hide_totals=hide_totals,
    )


def test_votes_are_counted_once_per_account(blog: Microblog) -> None:
    police = blog.register("police")
    ann, bob = blog.register("ann"), blog.register("bob")
    survey = blog.post(police.id, "Should the road reopen?", attachments=[_poll(blog)])
    blog.vote(ann.id, survey.id, [0])
    blog.vote(bob.id, survey.id, [2])
    with pytest.raises(ConflictError):
        blog.vote(ann.id, survey.id, [1])
    results = blog.poll_results(survey.id, viewer_id=ann.id)
    assert (results.counts, results.voters, results.own_choices) == ((1, 0, 1), 2, (0,))
    assert results.expired is False


def test_several_choices_only_in_a_multiple_choice_poll(blog: Microblog) -> None:
    police = blog.register("police")
    ann = blog.register("ann")
    single = blog.post(police.id, "one", attachments=[_poll(blog)])
    several = blog.post(police.id, "many", attachments=[_poll(blog, multiple=True)])
    for bad in ([0, 1], [], [3], [0, 0], ["0"]):
        with pytest.raises(ValidationError):
            blog.vote(ann.id, single.id, bad)  # type: ignore[list-item]
    blog.vote(ann.id, several.id, [2, 0])
    assert blog.poll_results(several.id).counts == (1, 0, 1)
    assert blog.poll_results(several.id).voters == 1


def test_no_vote_on_your_own_poll_after_expiry_or_without_a_poll(blog: Microblog) -> None:
    police = blog.register("police")
    ann = blog.register("ann")
    survey = blog.post(police.id, "Vote", attachments=[_poll(blog)])
    plain = blog.post(police.id, "No poll here")
    with pytest.raises(PermissionDeniedError) as own:
        blog.vote(police.id, survey.id, [0])
    assert own.value.rule == "own_poll"
    with pytest.raises(NotFoundError):
        blog.vote(ann.id, plain.id, [0])
    tick(blog, 3600)
    with pytest.raises(PermissionDeniedError) as late:
        blog.vote(ann.id, survey.id, [0])
    assert late.value.rule == "poll_expired"
    assert blog.poll_results(survey.id).voters == 0


def test_hidden_totals_show_to_the_author_and_after_the_end(blog: Microblog) -> None:
    police = blog.register("police")
    ann = blog.register("ann")
    survey = blog.post(police.id, "Vote", attachments=[_poll(blog, hide_totals=True)])
    blog.vote(ann.id, survey.id, [1])
    assert blog.poll_results(survey.id, viewer_id=ann.id).counts is None
    assert blog.poll_results(survey.id, viewer_id=ann.id).own_choices == (1,)
    assert blog.poll_results(survey.id, viewer_id=police.id).counts == (0, 1, 0)
    tick(blog, 3600)
    assert blog.poll_results(survey.id).counts == (0, 1, 0)


def test_closing_expired_polls_notifies_voters_and_the_author_once(blog: Microblog) -> None:
    police = blog.register("police")
    ann, bob = blog.register("ann"), blog.register("bob")
    survey = blog.post(police.id, "Vote", attachments=[_poll(blog)])
    later = blog.post(
        police.id,
        "Later vote",
        attachments=[Poll(options=("a", "b"), expires_at=blog.now() + timedelta(days=1))],
    )
    blog.vote(ann.id, survey.id, [0])
    blog.vote(bob.id, later.id, [1])
    assert blog.close_expired_polls() == ()
    tick(blog, 3600)
    assert blog.close_expired_polls() == (survey.id,)
    assert blog.close_expired_polls() == ()
    for account in (ann, police):
        ended = [n for n in blog.notifications(account.id).items if n.kind is NotificationKind.POLL]
        assert [(n.post_id, n.from_account_id) for n in ended] == [(survey.id, police.id)]
    assert blog.notifications(bob.id).items == ()


def test_deleting_a_poll_drops_its_votes(blog: Microblog) -> None:
    police = blog.register("police")
    ann = blog.register("ann")
    survey = blog.post(police.id, "Vote", attachments=[_poll(blog)])
    blog.vote(ann.id, survey.id, [0])
    blog.delete_post(police.id, survey.id)
    tick(blog, 3600)
    assert blog.close_expired_polls() == ()


@settings(max_examples=25, deadline=None)
@given(
    ballots=st.lists(
        st.lists(st.integers(0, 2), min_size=1, max_size=3, unique=True), min_size=1, max_size=8
    )
)
def test_counts_equal_a_recount_of_the_votes(ballots: list[list[int]]) -> None:
    blog = Microblog.in_memory(clock=ManualClock())
    police = blog.register("police")
    survey = blog.post(police.id, "Vote", attachments=[_poll(blog, multiple=True)])
    for n, ballot in enumerate(ballots):
        voter = blog.register(f"voter{n}")
        blog.vote(voter.id, survey.id, ballot)
    expected = tuple(sum(choice in ballot for ballot in ballots) for choice in range(3))
    results = blog.poll_results(survey.id)
    assert (results.counts, results.voters) == (expected, len(ballots))
