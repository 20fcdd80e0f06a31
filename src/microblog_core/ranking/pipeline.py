"""The ranked timeline's former path; it lives in :mod:`microblog_core.timelines.ranked`.

:mod:`microblog_core.ranking` holds pure scoring only. The ranked timeline
reads storage, so it is a read model and sits beside the other timelines.
This module keeps ``from microblog_core.ranking.pipeline import Ranker``
working: each name is looked up in :mod:`microblog_core.timelines.ranked` on
first use. The import happens lazily, inside :func:`__getattr__`, because
scoring sits below the read models: importing ``microblog_core.ranking``
alone never loads storage-facing code (the import-linter contract ignores
this one edge, with a comment saying why).
"""

from typing import Any

# The names below resolve lazily, through __getattr__: ruff cannot see them.
# ruff: noqa: F822

__all__ = [
    "DEFAULT_RANKER",
    "CandidateFilter",
    "CandidateSource",
    "FollowedByFollowees",
    "HomeRules",
    "InNetwork",
    "NotSeen",
    "RankedItem",
    "RankedPage",
    "Ranker",
    "RankingContext",
    "SignalsFunction",
    "Trending",
    "observed_rates",
    "ranked_timeline",
]


def __getattr__(name: str) -> Any:
    if name in __all__:
        # Upward on purpose, and only on first use: see the module docstring.
        from microblog_core.timelines import ranked

        return getattr(ranked, name)
    raise AttributeError(f"module {__name__!r} has no attribute {name!r}")


def __dir__() -> list[str]:
    return sorted(__all__)
