"""Use cases run again whole on TransientStorageError, a bounded number of times."""

import random
from typing import Any

import pytest
from hypothesis import given
from hypothesis import strategies as st

from microblog_core import ManualClock
from microblog_core._retry import DEFAULT_RETRY, RetryPolicy
from microblog_core.errors import StorageError, TransientStorageError, ValidationError
from microblog_core.service import Microblog
from microblog_core.storage.memory import MemoryStore


class FlakyUnit:
    """A memory unit whose commit fails while its store's ``failures`` lasts."""

    def __init__(self, store: "FlakyStore", inner: Any) -> None:
        self._store = store
        self._inner = inner
        self.accounts = inner.accounts
        self.posts = inner.posts
        self.relations = inner.relations
        self.engagement = inner.engagement
        self.feeds = inner.feeds

    def __getattr__(self, name: str) -> Any:  # the other repositories, as they are
        return getattr(self._inner, name)

    def __enter__(self) -> "FlakyUnit":
        self._inner.__enter__()
        return self

    def __exit__(self, *exc_info: Any) -> None:
        self._inner.__exit__(*exc_info)

    def commit(self) -> None:
        store = self._store
        store.commits += 1
        if store.failures > 0:
            store.failures -= 1
            raise store.error("serialization failure (test)")
        self._inner.commit()

    def rollback(self) -> None:
        self._inner.rollback()


class FlakyStore:
    """A memory store whose writing units fail at commit while ``failures`` lasts."""

    def __init__(self, failures: int, error: type[Exception] = TransientStorageError) -> None:
        self.inner = MemoryStore()
        self.failures = failures
        self.error = error
        self.commits = 0

    def unit_of_work(self, *, readonly: bool = False) -> Any:
        unit = self.inner.unit_of_work(readonly=readonly)
        return unit if readonly else FlakyUnit(self, unit)


FAST = RetryPolicy(attempts=4, base=0.0001, cap=0.0001)


def test_a_transient_failure_is_retried_and_the_use_case_succeeds() -> None:
    store = FlakyStore(failures=2)
    blog = Microblog(store.unit_of_work, clock=ManualClock(), retry=FAST)
    ann = blog.register("ann")
    assert store.commits == 3
    assert blog.retry_stats.retries == 2
    with blog.unit_of_work(readonly=True) as unit:
        assert unit.accounts.get(ann.id) == ann


def test_the_error_is_raised_after_the_last_attempt_and_nothing_is_written() -> None:
    store = FlakyStore(failures=10)
    blog = Microblog(store.unit_of_work, clock=ManualClock(), retry=FAST)
    with pytest.raises(TransientStorageError):
        blog.register("ann")
    assert store.commits == FAST.attempts
    assert blog.retry_stats.exhausted == 1
    with blog.unit_of_work(readonly=True) as unit:
        assert unit.accounts.count() == 0


def test_other_storage_errors_are_not_retried() -> None:
    store = FlakyStore(failures=1, error=StorageError)
    blog = Microblog(store.unit_of_work, clock=ManualClock(), retry=FAST)
    with pytest.raises(StorageError):
        blog.register("ann")
    assert store.commits == 1
    assert blog.retry_stats.retries == 0


def test_subscribers_hear_only_the_attempt_that_committed() -> None:
    store = FlakyStore(failures=2)
    blog = Microblog(store.unit_of_work, clock=ManualClock(), retry=FAST)
    heard: list[object] = []
    blog.subscribe(heard.append)
    blog.register("ann")
    assert len(heard) == 1


@given(
    policy=st.builds(
        RetryPolicy,
        attempts=st.integers(1, 50),
        base=st.floats(1e-6, 1.0),
        cap=st.floats(1e-6, 5.0),
    ),
    retry=st.integers(0, 10_000),
    seed=st.integers(0, 2**32),
)
def test_backoff_is_jittered_below_a_growing_capped_bound(
    policy: RetryPolicy, retry: int, seed: int
) -> None:
    delay = policy.delay(retry, random.Random(seed))
    assert 0 <= delay <= min(policy.cap, policy.base * 2 ** min(retry, 32))


@pytest.mark.parametrize(
    "kwargs", [{"attempts": 0}, {"attempts": True}, {"base": 0}, {"cap": -1.0}, {"base": "x"}]
)
def test_a_bad_policy_is_a_validation_error(kwargs: dict[str, object]) -> None:
    with pytest.raises(ValidationError):
        RetryPolicy(**kwargs)  # type: ignore[arg-type]


def test_the_default_policy_is_bounded() -> None:
    assert 1 < DEFAULT_RETRY.attempts <= 10


class FlakyWrites(FlakyStore):
    """A memory store that refuses the account writes numbered in ``fail_at`` (from 1)."""

    def __init__(self, fail_at: set[int]) -> None:
        super().__init__(0)
        self.fail_at = fail_at
        self.account_writes = 0

    def unit_of_work(self, *, readonly: bool = False) -> Any:
        unit = super().unit_of_work(readonly=readonly)
        if not readonly:
            unit.accounts = _FlakyAccounts(self, unit.accounts)
        return unit


class _FlakyAccounts:
    def __init__(self, store: FlakyWrites, inner: Any) -> None:
        self._store = store
        self._inner = inner

    def __getattr__(self, name: str) -> Any:
        return getattr(self._inner, name)

    def add(self, account: Any) -> None:
        store = self._store
        store.account_writes += 1
        if store.account_writes in store.fail_at:
            raise TransientStorageError("deadlock detected (test)")
        self._inner.add(account)


def test_a_use_case_alone_runs_again_when_a_write_fails_transiently() -> None:
    store = FlakyWrites(fail_at={1})
    blog = Microblog(store.unit_of_work, clock=ManualClock(), retry=FAST)
    blog.register("ann")
    assert store.account_writes == 2
    assert blog.retry_stats.retries == 1


def test_a_use_case_inside_a_batch_runs_once_and_the_batch_keeps_nothing() -> None:
    store = FlakyWrites(fail_at={2})
    blog = Microblog(store.unit_of_work, clock=ManualClock(), retry=FAST)

    def two_registrations() -> None:
        with blog.batch():
            blog.register("bob")
            blog.register("ann")  # the second write fails, and is not run again in the batch

    with pytest.raises(TransientStorageError):
        two_registrations()
    assert store.account_writes == 2
    assert blog.retry_stats.retries == 0
    with blog.unit_of_work(readonly=True) as unit:
        assert unit.accounts.count() == 0
