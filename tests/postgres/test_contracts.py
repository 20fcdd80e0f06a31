"""The shipped contract suite, unchanged, on PostgresStore (alone and with Redis feeds)."""

from collections.abc import Iterator
from typing import Any

import pytest

from microblog_core.testing.contracts import StoreContract
from tests.postgres._schemas import leased
from tests.postgres.conftest import drop_prefix, new_name


class TestPostgresStoreContract(StoreContract):
    """The whole contract suite against ``PostgresStore``."""

    @pytest.fixture(autouse=True)
    def _server(self, schema_pool: Any) -> Iterator[None]:
        with leased(schema_pool) as self._lease:
            yield

    def make_store(self) -> Any:
        # A schema equal to a freshly migrated one, given back (reset) when the store closes.
        return self._lease.store()


class TestPostgresStoreWithRedisFeedsContract(StoreContract):
    """The whole contract suite against ``PostgresStore(..., feeds=RedisFeeds(...))``."""

    @pytest.fixture(autouse=True)
    def _servers(self, schema_pool: Any, redis_url: str) -> Iterator[None]:
        from microblog_core.storage.redis import RedisFeeds

        prefix = new_name("r") + ":"

        def feeds(name: str) -> RedisFeeds:
            # Each store gets its own key space: a store starts with empty feeds.
            return RedisFeeds(redis_url, prefix=f"{prefix}{name}")

        with leased(schema_pool, feeds) as self._lease:
            yield
        drop_prefix(redis_url, prefix)

    def make_store(self) -> Any:
        return self._lease.store()


class TestSqliteStoreWithRedisFeedsContract(StoreContract):
    """The whole contract suite against ``SqliteStore(":memory:", feeds=RedisFeeds(...))``."""

    @pytest.fixture(autouse=True)
    def _server(self, redis_url: str) -> Iterator[None]:
        self._redis_url = redis_url
        self._prefix = new_name("r") + ":"
        self._made = 0
        yield
        drop_prefix(redis_url, self._prefix)

    def make_store(self) -> Any:
        from microblog_core.storage.redis import RedisFeeds
        from microblog_core.storage.sqlite import SqliteStore

        self._made += 1
        feeds = RedisFeeds(self._redis_url, prefix=f"{self._prefix}{self._made}:")
        return SqliteStore(":memory:", feeds=feeds)
