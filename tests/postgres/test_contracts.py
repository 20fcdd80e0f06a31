"""The shipped contract suite, unchanged, on PostgresStore (alone and with Redis feeds)."""

from collections.abc import Iterator
from typing import Any

import pytest

from microblog_core.testing.contracts import StoreContract
from tests.postgres.conftest import drop_prefix, drop_schema, new_name


class TestPostgresStoreContract(StoreContract):
    """The whole contract suite against ``PostgresStore``."""

    @pytest.fixture(autouse=True)
    def _server(self, postgres_pool: Any) -> Iterator[None]:
        self._pool = postgres_pool
        self._schemas: list[str] = []
        yield
        for name in self._schemas:
            drop_schema(postgres_pool, name)

    def make_store(self) -> Any:
        from microblog_core.storage.postgres import PostgresStore

        name = new_name()
        self._schemas.append(name)
        return PostgresStore(self._pool, schema=name)


class TestPostgresStoreWithRedisFeedsContract(StoreContract):
    """The whole contract suite against ``PostgresStore(..., feeds=RedisFeeds(...))``."""

    @pytest.fixture(autouse=True)
    def _servers(self, postgres_pool: Any, redis_url: str) -> Iterator[None]:
        self._pool = postgres_pool
        self._redis_url = redis_url
        self._schemas: list[str] = []
        self._prefix = new_name("r") + ":"
        yield
        for name in self._schemas:
            drop_schema(postgres_pool, name)
        drop_prefix(redis_url, self._prefix)

    def make_store(self) -> Any:
        from microblog_core.storage.postgres import PostgresStore
        from microblog_core.storage.redis import RedisFeeds

        name = new_name()
        self._schemas.append(name)
        # Each store gets its own key space: a store starts with empty feeds.
        feeds = RedisFeeds(self._redis_url, prefix=f"{self._prefix}{name}:")
        return PostgresStore(self._pool, schema=name, feeds=feeds)


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
