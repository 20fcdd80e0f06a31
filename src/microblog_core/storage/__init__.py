"""Storage adapters: implementations of the ports in :mod:`microblog_core.ports`.

- :class:`MemoryStore` (:mod:`microblog_core.storage.memory`): the reference
  implementation, in memory, fast enough for simulations with millions of
  posts and follows.
- ``SqliteStore`` (:mod:`microblog_core.storage.sqlite`): the embedded,
  durable implementation on the standard library's ``sqlite3``.

Every adapter passes the contract suite in
:mod:`microblog_core.testing.contracts`; write your own adapter against
:mod:`microblog_core.ports` and run that suite on it.
"""

from microblog_core.storage.memory import MemoryStore
from microblog_core.storage.sqlite import SqliteStore

# Further adapters are re-exported below (keep __all__ sorted).

__all__ = ["MemoryStore", "SqliteStore"]
