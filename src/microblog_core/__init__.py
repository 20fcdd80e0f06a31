"""microblog_core: micro-blog domain logic for Python services, researchers and test suites.

The curated public surface. Topical modules (``microblog_core.text``,
``microblog_core.ids``, ``microblog_core.models``...) hold the rest.
"""

from microblog_core._version import __version__
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
