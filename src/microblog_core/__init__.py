"""microblog_core: micro-blog domain logic for Python services, researchers and test suites.

The curated public surface. Topical modules (``microblog_core.text``,
``microblog_core.ids``, ``microblog_core.models``...) hold the rest.

Names are imported on first use (PEP 562), so importing a submodule, such as
the Hypothesis plugin that ``import hypothesis`` loads, does not import the
service and everything below it.
"""

import importlib
from typing import TYPE_CHECKING, Any

from microblog_core._version import __version__

if TYPE_CHECKING:
    from microblog_core.clock import Clock, ManualClock, SystemClock
    from microblog_core.errors import (
        ConflictError,
        MicroblogError,
        NotFoundError,
        PermissionDeniedError,
        StorageError,
        ValidationError,
    )
    from microblog_core.ids import AccountId, IdGenerator, PostId
    from microblog_core.service import AccountPage, Microblog, PostPage, Projector

__all__ = [
    "AccountId",
    "AccountPage",
    "Clock",
    "ConflictError",
    "IdGenerator",
    "ManualClock",
    "Microblog",
    "MicroblogError",
    "NotFoundError",
    "PermissionDeniedError",
    "PostId",
    "PostPage",
    "Projector",
    "StorageError",
    "SystemClock",
    "ValidationError",
    "__version__",
]

_HOMES = {
    "AccountId": "ids",
    "AccountPage": "service",
    "Clock": "clock",
    "ConflictError": "errors",
    "IdGenerator": "ids",
    "ManualClock": "clock",
    "Microblog": "service",
    "MicroblogError": "errors",
    "NotFoundError": "errors",
    "PermissionDeniedError": "errors",
    "PostId": "ids",
    "PostPage": "service",
    "Projector": "service",
    "StorageError": "errors",
    "SystemClock": "clock",
    "ValidationError": "errors",
}


def __getattr__(name: str) -> Any:
    home = _HOMES.get(name)
    if home is None:
        raise AttributeError(f"module 'microblog_core' has no attribute {name!r}")
    value = getattr(importlib.import_module(f"microblog_core.{home}"), name)
    globals()[name] = value
    return value


def __dir__() -> list[str]:
    return sorted({*globals(), *__all__})
