"""Running a use case again when storage says a retry may succeed.

A use case is one unit of work: when it fails with
:class:`~microblog_core.errors.TransientStorageError` (a serialization
failure, a deadlock, a connection lost before the commit, a SQLite database
that stayed busy) it changed nothing, so the service runs the whole use case
again (new reads, new decisions, new ids) up to :attr:`RetryPolicy.attempts`
times, sleeping a jittered, exponentially growing delay in between ("full
jitter": a uniform draw below ``min(cap, base * 2**n)``), and then raises
the last error. Only the outermost use case of a thread retries.
"""

import functools
import random
import threading
import time
from collections.abc import Callable
from typing import Any, Final, ParamSpec, TypeVar

from attrs import field, frozen

from microblog_core import _checks
from microblog_core.errors import TransientStorageError

__all__ = [
    "DEFAULT_RETRY",
    "RetryPolicy",
    "RetryStats",
    "retried",
    "run_retried",
    "wrap_use_cases",
]

_P = ParamSpec("_P")
_R = TypeVar("_R")


def _positive(instance: object, attribute: Any, value: object) -> None:
    _checks.real(value, attribute.name)
    if value <= 0:  # type: ignore[operator]  # a real number, checked above
        from microblog_core.errors import ValidationError

        raise ValidationError(
            f"{attribute.name} must be above 0, got {_checks.quote(value)}",
            field=attribute.name,
            value=value,
        )


def _attempts(instance: object, attribute: Any, value: object) -> None:
    _checks.limit(value, "attempts", 1000)


@frozen
class RetryPolicy:
    """How often and how patiently a use case is run again on a transient storage error.

    Attributes:
        attempts: Runs in all, the first included (1 means never retry).
        base: The first backoff bound, in seconds.
        cap: The largest backoff bound, in seconds.
    """

    attempts: int = field(default=8, validator=_attempts)
    base: float = field(default=0.002, validator=_positive)
    cap: float = field(default=0.25, validator=_positive)

    def delay(self, retry: int, rng: random.Random | None = None) -> float:
        """Return the sleep before retry number ``retry`` (0 for the first), jittered."""
        bound = min(self.cap, self.base * (2 ** min(retry, 32)))
        return (rng or _RNG).uniform(0, bound)


DEFAULT_RETRY: Final = RetryPolicy()
"""Eight runs in all, backing off from up to 2 ms to up to 250 ms."""

_RNG = random.Random()  # jitter, not security


class RetryStats:
    """Counts of retried runs, kept per service (thread-safe)."""

    __slots__ = ("_exhausted", "_lock", "_retries")

    def __init__(self) -> None:
        self._lock = threading.Lock()
        self._retries = 0
        self._exhausted = 0

    @property
    def retries(self) -> int:
        """How many times a use case was run again."""
        return self._retries

    @property
    def exhausted(self) -> int:
        """How many use cases failed on every attempt."""
        return self._exhausted

    def _count(self, *, exhausted: bool = False) -> None:
        with self._lock:
            if exhausted:
                self._exhausted += 1
            else:
                self._retries += 1


_depth = threading.local()


def run_retried(
    action: Callable[[], _R], policy: RetryPolicy, stats: RetryStats | None = None
) -> _R:
    """Call ``action`` until it does not raise ``TransientStorageError``, per ``policy``.

    Between runs it sleeps :meth:`RetryPolicy.delay`; after ``policy.attempts``
    runs it raises the last error. ``stats`` counts the runs again and the
    runs out of attempts. ``action`` must leave nothing behind when it
    fails, so that running it again is running it for the first time.
    """
    retry = 0
    while True:
        try:
            return action()
        except TransientStorageError:
            if retry + 1 >= policy.attempts:
                if stats is not None:
                    stats._count(exhausted=True)
                raise
        if stats is not None:
            stats._count()
        time.sleep(policy.delay(retry))
        retry += 1


def retried(method: Callable[_P, _R]) -> Callable[_P, _R]:
    """Run the use case ``method`` again on ``TransientStorageError``, per the service's policy.

    The service is the first argument; it carries ``retry_policy`` and
    ``retry_stats``. A use case called inside another runs once: the outer
    one retries. So does one called inside a batch (the service's
    ``_in_batch()`` says so): it shares the batch's unit, which a failed
    write may have left unusable (PostgreSQL aborts the transaction), so
    the whole batch must run again, as its caller decides.
    """

    @functools.wraps(method)
    def wrapper(*args: _P.args, **kwargs: _P.kwargs) -> _R:
        service = args[0]
        in_batch = getattr(service, "_in_batch", None)
        if getattr(_depth, "n", 0) or (in_batch is not None and in_batch()):
            return method(*args, **kwargs)
        policy: RetryPolicy = getattr(service, "retry_policy", DEFAULT_RETRY)
        stats: RetryStats | None = getattr(service, "retry_stats", None)

        def once() -> _R:
            _depth.n = 1
            try:
                return method(*args, **kwargs)
            finally:
                _depth.n = 0

        return run_retried(once, policy, stats)

    return wrapper


def wrap_use_cases(cls: type, names: tuple[str, ...]) -> None:
    """Make each named method of ``cls`` a retried use case (see :func:`retried`)."""
    for name in names:
        setattr(cls, name, retried(getattr(cls, name)))
