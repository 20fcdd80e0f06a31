"""The home timeline strategies' former home; they live in :mod:`microblog_core.timelines.fanout`.

"strategies" also names the Hypothesis strategies of :mod:`microblog_core.testing`,
so the fan-out strategies moved to a module named for what they do. This
module keeps the old import path working.
"""

from microblog_core.timelines.fanout import (
    DEFAULT_HYBRID_THRESHOLD,
    FanOutOnRead,
    FanOutOnWrite,
    Hybrid,
    TimelineStrategy,
)

__all__ = [
    "DEFAULT_HYBRID_THRESHOLD",
    "FanOutOnRead",
    "FanOutOnWrite",
    "Hybrid",
    "TimelineStrategy",
]
