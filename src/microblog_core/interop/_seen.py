"""Accounts already read in a stream, so a user object repeated in every record is read once."""

from collections.abc import Callable
from typing import Any

from microblog_core.interop._json import Node
from microblog_core.models import Account

__all__ = ["SeenAccounts", "raw_key"]


class SeenAccounts:
    """Accounts already read in a stream, by id (bounded: cleared when it grows large)."""

    LIMIT = 100_000

    def __init__(self) -> None:
        self.accounts: dict[int, Account] = {}

    def known(self, value: Any) -> Account | None:
        """The account already read from a decoded user object with this one's id, if any."""
        key = raw_key(value)
        return self.accounts.get(key) if key is not None else None

    def read(self, node: Node, read: Callable[[Node], Account]) -> tuple[Account, bool]:
        """The account of a user object and whether it is new to this stream."""
        key = raw_key(node.value)
        found = self.accounts.get(key) if key is not None else None
        if found is not None:
            return found, False
        account = read(node)
        self.add(account)
        return account, True

    def add(self, account: Account) -> None:
        """Remember an account read from a user object (what :meth:`read` does with a new one)."""
        if len(self.accounts) >= self.LIMIT:
            self.accounts.clear()
        self.accounts[account.id] = account


def raw_key(value: Any) -> int | None:
    """The id a decoded user object is looked up by, or None when it has no plain one."""
    if not isinstance(value, dict):
        return None
    raw = value.get("id_str", value.get("idstr", value.get("id")))
    if isinstance(raw, str) and raw.isdigit() and len(raw) < 20:
        return int(raw)
    return raw if type(raw) is int else None
