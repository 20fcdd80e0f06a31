"""What every repository of a unit shares: the unit it reads and writes through."""

from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from microblog_core.storage.sqlite._unit import SqliteUnitOfWork


class Repository:
    """A repository of one unit: every query goes through the unit's connection."""

    __slots__ = ("_u",)

    def __init__(self, unit: "SqliteUnitOfWork") -> None:
        self._u = unit
