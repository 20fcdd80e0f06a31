"""The composition root builds stores and services; the public doors delegate to it."""

from pathlib import Path

from microblog_core import ManualClock, bootstrap
from microblog_core.ports import MergedStreams, Projector
from microblog_core.service import Microblog
from microblog_core.storage.memory import MemoryStore
from microblog_core.storage.sqlite import SqliteStore
from microblog_core.timelines import FanOutOnRead, FanOutOnWrite, Hybrid


class _Branded(Microblog):
    """A user's subclass of the service."""


def test_build_hands_the_store_to_the_service_which_owns_it() -> None:
    store = bootstrap.memory_store()
    assert isinstance(store, MemoryStore)
    blog = bootstrap.build(store, clock=ManualClock())
    ann = blog.register("ann")
    with store.unit_of_work(readonly=True) as uow:
        assert uow.accounts.get(ann.id) == ann
    blog.close()


def test_sqlite_store_opens_a_database_file(tmp_path: Path) -> None:
    path = tmp_path / "blog.sqlite"
    store = bootstrap.sqlite_store(path)
    assert isinstance(store, SqliteStore)
    with bootstrap.build(store, clock=ManualClock()) as blog:
        blog.register("ann")
    with Microblog.sqlite(path, clock=ManualClock()) as again:
        assert again.account_by_handle("ann").handle == "ann"


def test_the_public_doors_keep_the_subclass() -> None:
    assert type(_Branded.in_memory()) is _Branded
    assert type(bootstrap.build(bootstrap.memory_store(), service=_Branded)) is _Branded
    assert type(_Branded.sqlite(":memory:")) is _Branded


def test_a_projecting_strategy_is_registered_by_the_service() -> None:
    assert isinstance(FanOutOnWrite(), Projector)
    assert isinstance(Hybrid(), Projector)
    assert not isinstance(FanOutOnRead(), Projector)
    blog = Microblog.in_memory(clock=ManualClock(), timeline=FanOutOnWrite(cap=8))
    ann, bob = blog.register("ann"), blog.register("bob")
    blog.follow(ann.id, bob.id)
    hello = blog.post(bob.id, "hello")
    with blog.unit_of_work(readonly=True) as uow:
        assert list(uow.feeds.read(ann.id)) == [hello.id]


def test_merged_streams_is_a_declared_capability() -> None:
    with bootstrap.memory_store().unit_of_work(readonly=True) as uow:
        assert isinstance(uow.posts, MergedStreams)
