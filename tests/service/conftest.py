"""Fixtures: a Microblog on each built-in adapter, with a manual clock."""

from collections.abc import Iterator
from datetime import timedelta

import pytest

from microblog_core import ManualClock
from microblog_core.service import Microblog


@pytest.fixture(params=["memory", "sqlite"])
def blog(request: pytest.FixtureRequest) -> Iterator[Microblog]:
    clock = ManualClock()
    if request.param == "memory":
        service = Microblog.in_memory(clock=clock)
    else:
        service = Microblog.sqlite(":memory:", clock=clock)
    yield service
    service.close()


def tick(blog: Microblog, seconds: float = 1.0) -> None:
    """Move the blog's manual clock forward."""
    clock = blog.clock
    assert isinstance(clock, ManualClock)
    clock.advance(timedelta(seconds=seconds))
