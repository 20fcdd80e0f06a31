"""The state machine, pointed at the three timeline strategies, and shown to catch bugs."""

from collections.abc import Collection, Iterator, Sequence
from typing import Any

import attrs
import pytest
from hypothesis import HealthCheck, Phase, settings
from hypothesis.stateful import run_state_machine_as_test

from microblog_core import ManualClock
from microblog_core.ids import AccountId, PostId
from microblog_core.models import Post, Visibility
from microblog_core.ports import UnitOfWork
from microblog_core.service import Microblog
from microblog_core.testing.machine import (
    MicroblogMachine,
    check_counters,
    check_no_leaks,
    snapshot,
)
from microblog_core.timelines import FanOutOnRead, FanOutOnWrite, Hybrid, TimelinePage


class TimelineStrategiesMachine(MicroblogMachine):
    """The same use cases on fan-out-on-read, fan-out-on-write and hybrid services.

    Hybrid's threshold is 2 followers, so with a handful of accounts some
    authors are fanned out on write and others merged at read time, and they
    cross the threshold both ways as follows come and go.
    """

    def make_blogs(self, clock: ManualClock) -> Sequence[Microblog]:
        return [
            Microblog.in_memory(clock=clock, timeline=FanOutOnRead()),
            Microblog.in_memory(clock=clock, timeline=FanOutOnWrite()),
            Microblog.in_memory(clock=clock, timeline=Hybrid(threshold=2)),
            Microblog.sqlite(":memory:", clock=clock, timeline=Hybrid(threshold=1)),
        ]


TimelineStrategiesMachine.TestCase.settings = settings(
    max_examples=100,
    stateful_step_count=30,
    deadline=None,
    suppress_health_check=[HealthCheck.too_slow, HealthCheck.filter_too_much],
)
TestTimelineStrategiesAgree = TimelineStrategiesMachine.TestCase


def test_the_machine_drives_every_strategy() -> None:
    machine = TimelineStrategiesMachine()
    try:
        kinds = [type(blog.timeline) for blog in machine.blogs]
        assert kinds == [FanOutOnRead, FanOutOnWrite, Hybrid, Hybrid]
    finally:
        machine.teardown()


# --- the checks fail when something is wrong ---------------------------------------------

# Finding a failure is enough: no shrinking, so these stay quick.
CATCH = settings(
    max_examples=300,
    stateful_step_count=20,
    deadline=None,
    database=None,
    derandomize=True,
    phases=[Phase.generate],
    suppress_health_check=list(HealthCheck),
)


@attrs.frozen
class ForgetsReposts:
    """A broken strategy: fan-out-on-read, but home pages lose every repost."""

    inner: FanOutOnRead = FanOutOnRead()

    def attach(self, blog: Microblog) -> None:
        self.inner.attach(blog)

    def candidates(
        self, uow: UnitOfWork, viewer_id: AccountId, following: Collection[AccountId], **kw: Any
    ) -> Iterator[Post]:
        return self.inner.candidates(uow, viewer_id, following, **kw)

    def home(self, blog: Microblog, viewer_id: AccountId, **kw: Any) -> TimelinePage:
        page = self.inner.home(blog, viewer_id, **kw)
        return TimelinePage.of([p for p in page.items if p.repost_of is None])

    def list_candidates(self, uow: UnitOfWork, *args: Any, **kw: Any) -> Iterator[Post]:
        return self.inner.list_candidates(uow, *args, **kw)

    def list_timeline(self, blog: Microblog, *args: Any, **kw: Any) -> TimelinePage:
        return self.inner.list_timeline(blog, *args, **kw)


@attrs.frozen
class ShowsEverything(ForgetsReposts):
    """A broken strategy: home pages show every post in the store, direct ones too."""

    def home(self, blog: Microblog, viewer_id: AccountId, **kw: Any) -> TimelinePage:
        with blog.unit_of_work(readonly=True) as uow:
            posts = sorted(uow.posts.scan(limit=1_000), key=lambda p: p.id, reverse=True)
        return TimelinePage.of([p for p in posts if p.repost_of is None][:40])


class ForgetfulMachine(MicroblogMachine):
    def make_blogs(self, clock: ManualClock) -> Sequence[Microblog]:
        return [
            Microblog.in_memory(clock=clock),
            Microblog.in_memory(clock=clock, timeline=ForgetsReposts()),
        ]


class LeakyMachine(MicroblogMachine):
    def make_blogs(self, clock: ManualClock) -> Sequence[Microblog]:
        return [Microblog.in_memory(clock=clock, timeline=ShowsEverything())]


def test_disagreeing_home_timelines_are_caught() -> None:
    with pytest.raises(AssertionError):
        run_state_machine_as_test(ForgetfulMachine, settings=CATCH)


def test_a_leaking_home_timeline_is_caught_on_a_single_service() -> None:
    with pytest.raises(AssertionError, match="home"):
        run_state_machine_as_test(LeakyMachine, settings=CATCH)


class _SkewedAccounts:
    def __init__(self, accounts: Any) -> None:
        self._accounts = accounts

    def __getattr__(self, name: str) -> Any:
        return getattr(self._accounts, name)

    def counters(self, account_id: AccountId) -> Any:
        counted = self._accounts.counters(account_id)
        return attrs.evolve(counted, followers=counted.followers + 1)


class _SkewedUnit:
    def __init__(self, unit: Any) -> None:
        self._unit = unit

    def __enter__(self) -> "_SkewedUnit":
        self._unit.__enter__()
        return self

    def __exit__(self, *exc: object) -> None:
        self._unit.__exit__(*exc)

    def __getattr__(self, name: str) -> Any:
        return getattr(self._unit, name)

    @property
    def accounts(self) -> Any:
        return _SkewedAccounts(self._unit.accounts)


class SkewedBlog:
    """A service whose store reports one follower too many for everyone."""

    def __init__(self, blog: Microblog) -> None:
        self._blog = blog

    def unit_of_work(self, *, readonly: bool = False) -> _SkewedUnit:
        return _SkewedUnit(self._blog.unit_of_work(readonly=readonly))


def test_a_counter_that_disagrees_with_the_recount_is_caught() -> None:
    blog = Microblog.in_memory(clock=ManualClock())
    blog.register("ann")
    check_counters(blog)
    with pytest.raises(AssertionError):
        check_counters(SkewedBlog(blog))  # type: ignore[arg-type]


def test_check_no_leaks_passes_on_a_correct_service_with_restricted_posts() -> None:
    blog = Microblog.in_memory(clock=ManualClock())
    ann, bob = blog.register("ann").id, blog.register("bob").id
    blog.post(ann, "only for @bob", visibility=Visibility.DIRECT)
    blog.post(ann, "only for followers", visibility=Visibility.PRIVATE)
    blog.follow(bob, ann)
    blog.register("cyd")
    check_no_leaks(blog)


def test_snapshots_tell_stores_apart() -> None:
    clocks = ManualClock(), ManualClock()
    one, two = (Microblog.in_memory(clock=c) for c in clocks)
    for blog in (one, two):
        ann = blog.register("ann").id
        blog.post(ann, "hello")
    assert snapshot(one) == snapshot(two)
    post_id = PostId(snapshot(two)["posts"][0].id)
    two.like(snapshot(two)["accounts"][0].id, post_id)
    assert snapshot(one) != snapshot(two)
