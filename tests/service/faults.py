"""A store wrapper that fails the k-th write of a use case with a StorageError."""

from typing import Any

from microblog_core.errors import StorageError
from microblog_core.ports import Store, UnitOfWork

# Every method of the repository protocols that writes.
WRITES: dict[str, frozenset[str]] = {
    "accounts": frozenset({"add", "update"}),
    "posts": frozenset({"add", "update", "remove"}),
    "relations": frozenset(
        {
            "add_follow",
            "remove_follow",
            "add_request",
            "remove_request",
            "add_block",
            "remove_block",
            "add_mute",
            "remove_mute",
        }
    ),
    "engagement": frozenset({"add_like", "remove_like"}),
    "feeds": frozenset({"insert", "merge", "remove_posts", "remove_author", "clear"}),
    "notifications": frozenset(
        {
            "add",
            "remove_caused",
            "remove_about",
            "remove_between",
            "remove_filtered",
            "set_policy",
            "permit",
            "set_read_marker",
        }
    ),
    "pins": frozenset({"add", "remove"}),
    "history": frozenset({"add", "remove_all"}),
    "polls": frozenset({"open", "close", "add_vote", "remove_all"}),
    "bookmarks": frozenset({"add", "remove", "remove_post"}),
    "filters": frozenset({"add", "update", "remove", "remove_post"}),
    "lists": frozenset({"add", "update", "remove", "add_member", "remove_member"}),
    "tag_follows": frozenset({"add", "remove"}),
}


class InjectedFaultError(StorageError):
    """The fault the wrapper raises (a StorageError, as a failing disk would give)."""


class FaultyStore:
    """Wraps a store; once armed with ``k``, the k-th write through it raises after writing.

    Writes are counted across every unit the armed call opens, so ``writes``
    after an unfaulted call says how many writes the call made.
    """

    def __init__(self, inner: Store) -> None:
        self.inner = inner
        self.writes = 0
        self.fail_at: int | None = None
        self.fired: InjectedFaultError | None = None

    def arm(self, fail_at: int | None) -> None:
        """Start counting writes afresh; fail the ``fail_at``-th (never when None)."""
        self.writes = 0
        self.fail_at = fail_at
        self.fired = None

    def unit_of_work(self, *, readonly: bool = False) -> UnitOfWork:
        return _Unit(self, self.inner.unit_of_work(readonly=readonly))  # type: ignore[return-value]

    def close(self) -> None:
        self.inner.close()

    def write(self, what: str) -> None:
        self.writes += 1
        if self.writes == self.fail_at:
            self.fired = InjectedFaultError(f"injected fault at write {self.writes} ({what})")
            raise self.fired


class _Unit:
    def __init__(self, store: FaultyStore, inner: UnitOfWork) -> None:
        self._store = store
        self._inner = inner

    def __enter__(self) -> "_Unit":
        self._inner.__enter__()
        return self

    def __exit__(self, *exc_info: Any) -> None:
        self._inner.__exit__(*exc_info)

    def __getattr__(self, name: str) -> Any:
        value = getattr(self._inner, name)
        if name in WRITES:
            return _Repository(self._store, name, value)
        if name in UNIT_WRITES:
            return _write(self._store, name, value)
        return value


# Bulk paths a unit of work may offer beside its repositories (the memory store's).
UNIT_WRITES = frozenset({"load_network", "load_new_network"})


def _write(store: FaultyStore, name: str, method: Any) -> Any:
    def write(*args: Any, **kwargs: Any) -> Any:
        # The write happens first, so the unit has something to roll back.
        result = method(*args, **kwargs)
        store.write(name)
        return result

    return write


class _Repository:
    def __init__(self, store: FaultyStore, name: str, inner: Any) -> None:
        self._store = store
        self._name = name
        self._inner = inner

    def __getattr__(self, name: str) -> Any:
        value = getattr(self._inner, name)
        if name not in WRITES[self._name]:
            return value
        return _write(self._store, f"{self._name}.{name}", value)
