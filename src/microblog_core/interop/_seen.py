"""Accounts already read in a stream, so a user object repeated in every record is read once."""

from collections.abc import Callable

from microblog_core.interop._json import Node
from microblog_core.models import Account

__all__ = ["SeenAccounts", "fast_key"]


class SeenAccounts:
    """Accounts already read in a stream, by id (bounded: cleared when it grows large)."""

    LIMIT = 100_000

    def __init__(self) -> None:
        self.accounts: dict[int, Account] = {}

    def read(self, node: Node, read: Callable[[Node], Account]) -> tuple[Account, bool]:
        """The account of a user object and whether it is new to this stream."""
        key = fast_key(node)
        found = self.accounts.get(key) if key is not None else None
        if found is not None:
            return found, False
        account = read(node)
        if len(self.accounts) >= self.LIMIT:
            self.accounts.clear()
        self.accounts[account.id] = account
        return account, True


def fast_key(node: Node) -> int | None:
    value = node.value
    if not isinstance(value, dict):
        return None
    raw = value.get("id_str", value.get("idstr", value.get("id")))
    if isinstance(raw, str) and raw.isdigit() and len(raw) < 20:
        return int(raw)
    return raw if type(raw) is int else None
