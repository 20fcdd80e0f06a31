"""The account repository: the ``accounts`` table."""

import json
import sqlite3
from collections.abc import Iterable

from microblog_core import _checks
from microblog_core.errors import ConflictError, DuplicateHandleError, NotFoundError
from microblog_core.ids import AccountId
from microblog_core.models import Account, AccountCounters
from microblog_core.storage.sqlite._errors import PK, UNIQUE, guarded
from microblog_core.storage.sqlite._params import (
    after_key,
    lookup_key,
    lookup_keys,
    page_size,
    storable,
)
from microblog_core.storage.sqlite._repository import Repository
from microblog_core.storage.sqlite._rows import (
    account_counters_from_row,
    account_from_row,
    account_params,
)
from microblog_core.storage.sqlite._sql import (
    ACCOUNT_BY_HANDLE,
    ACCOUNT_BY_ID,
    ACCOUNT_COUNTERS,
    ACCOUNT_PAGE,
    ACCOUNTS_BY_IDS,
    INSERT_ACCOUNT,
    TOTAL,
    UPDATE_ACCOUNT,
)


class Accounts(Repository):
    """Accounts in the ``accounts`` table, with their counters in the same row."""

    __slots__ = ()

    @guarded
    def add(self, account: Account) -> None:
        _checks.instance(account, Account, "account")
        conn = self._u._writer()
        try:
            conn.execute(INSERT_ACCOUNT, account_params(account))
        except sqlite3.IntegrityError as exc:
            if exc.sqlite_errorname == PK:
                raise ConflictError(
                    f"an account with id {account.id} already exists",
                    entity="account",
                    key=account.id,
                ) from None
            if exc.sqlite_errorname == UNIQUE:
                raise DuplicateHandleError(account.handle) from None
            raise
        self._u._new_totals[0] += 1

    @guarded
    def update(self, account: Account) -> None:
        _checks.instance(account, Account, "account")
        conn = self._u._writer()
        try:
            cursor = conn.execute(UPDATE_ACCOUNT, account_params(account))
        except sqlite3.IntegrityError as exc:
            if exc.sqlite_errorname == UNIQUE:
                raise DuplicateHandleError(account.handle) from None
            raise
        if cursor.rowcount == 0:
            raise NotFoundError("account", account.id)

    def get(self, account_id: AccountId) -> Account:
        account = self.find(account_id)
        if account is None:
            raise NotFoundError("account", account_id)
        return account

    @guarded
    def find(self, account_id: AccountId) -> Account | None:
        key = lookup_key(account_id, "account_id")
        row = self._u._reader().execute(ACCOUNT_BY_ID, (key,)).fetchone()
        return None if row is None else account_from_row(row)

    @guarded
    def by_handle(self, handle: str) -> Account | None:
        key = _checks.text(handle, "handle").casefold()
        if not storable(key):
            return None  # no stored handle can hold it
        row = self._u._reader().execute(ACCOUNT_BY_HANDLE, (key,)).fetchone()
        return None if row is None else account_from_row(row)

    @guarded
    def get_many(self, account_ids: Iterable[AccountId]) -> dict[AccountId, Account]:
        keys = lookup_keys(account_ids, "account_ids")
        if not keys:
            return {}
        rows = self._u._reader().execute(ACCOUNTS_BY_IDS, (json.dumps(keys),)).fetchall()
        accounts = (account_from_row(row) for row in rows)
        return {account.id: account for account in accounts}

    @guarded
    def page(self, *, after: AccountId | None = None, limit: int = 100) -> list[Account]:
        start, size = after_key(after), page_size(limit)
        rows = self._u._reader().execute(ACCOUNT_PAGE, (start, size)).fetchall()
        return [account_from_row(row) for row in rows]

    @guarded
    def count(self) -> int:
        row = self._u._reader().execute(TOTAL, ("accounts",)).fetchone()
        return int(row[0]) + self._u._new_totals[0]

    @guarded
    def counters(self, account_id: AccountId) -> AccountCounters:
        key = lookup_key(account_id, "account_id")
        row = self._u._reader().execute(ACCOUNT_COUNTERS, (key,)).fetchone()
        if row is None:
            return AccountCounters()
        return account_counters_from_row(row, self._u._account_moves.get(key))
