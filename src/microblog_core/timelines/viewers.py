"""Load a viewer's relations for the one visibility rule, once per read.

:class:`~microblog_core.rules.ViewerContext` decides what a viewer may see;
these two functions fill it in through a unit of work:

- :func:`load_viewer` reads the viewer's follows, blocks (both ways) and
  unexpired mutes as sets: a timeline page meets many authors.
- :func:`lookup_viewer` looks one ``(viewer, author)`` pair up when asked,
  and remembers the answer: a single-post query meets one or two authors,
  and an account following thousands should not load them all for it.

Both answer alike (see ``tests/rules/test_visibility.py``).
"""

from collections.abc import Callable, Container
from datetime import datetime

from microblog_core.ids import AccountId
from microblog_core.ports import UnitOfWork
from microblog_core.rules import ViewerContext

__all__ = ["load_viewer", "lookup_viewer"]


def load_viewer(uow: UnitOfWork, viewer_id: AccountId | None, now: datetime) -> ViewerContext:
    """Return ``viewer_id``'s context with its relations loaded as sets.

    Args:
        uow: The unit to read through.
        viewer_id: Who looks (None: logged out, related to nobody).
        now: The instant mutes are judged at.

    Returns:
        The viewer's context.
    """
    if viewer_id is None:
        return ViewerContext(viewer_id=None)
    relations = uow.relations
    return ViewerContext(
        viewer_id=viewer_id,
        following=relations.following_ids(viewer_id),
        blocking=frozenset(relations.blocked_ids(viewer_id)),
        blocked_by=frozenset(relations.blocker_ids(viewer_id)),
        muting=frozenset(relations.muted_ids(viewer_id, at=now)),
    )


class _PairLookup(Container[AccountId]):
    """Accounts related to the viewer, looked up one at a time and remembered."""

    __slots__ = ("_found", "_related")

    def __init__(self, related: Callable[[AccountId], bool]) -> None:
        self._related = related
        self._found: dict[object, bool] = {}

    def __contains__(self, account: object) -> bool:
        # A context is mostly asked about accounts it has not met yet (one per
        # notification or write): a get is cheaper than a raised KeyError.
        found = self._found.get(account)
        if found is not None:
            return found
        answer = isinstance(account, int) and self._related(AccountId(account))
        self._found[account] = answer
        return answer


def lookup_viewer(
    uow: UnitOfWork, viewer_id: AccountId | None, now: datetime | None = None
) -> ViewerContext:
    """Return ``viewer_id``'s context, looking each relation up on first use.

    Args:
        uow: The unit to read through (the context is valid while it is open).
        viewer_id: Who looks (None: logged out, related to nobody).
        now: The instant mutes are judged at; None leaves mutes out (a
            query that only asks :meth:`~microblog_core.rules.ViewerContext.sees`,
            which mutes never change).

    Returns:
        The viewer's context.
    """
    if viewer_id is None:
        return ViewerContext(viewer_id=None)
    relations = uow.relations
    viewer = viewer_id
    return ViewerContext(
        viewer_id=viewer,
        following=_PairLookup(lambda a: relations.get_follow(viewer, a) is not None),
        blocking=_PairLookup(lambda a: relations.get_block(viewer, a) is not None),
        blocked_by=_PairLookup(lambda a: relations.get_block(a, viewer) is not None),
        muting=frozenset()
        if now is None
        else _PairLookup(lambda a: relations.get_mute(viewer, a, at=now) is not None),
    )
