"""Hypothesis plugin: makes ``st.from_type`` work for every microblog_core value.

Hypothesis calls :func:`_hypothesis_setup_hook` through the ``hypothesis``
entry point declared in ``pyproject.toml`` when it is imported. The hook only
registers resolver functions; the strategies module is imported the first
time one of them is asked for a strategy, so importing Hypothesis stays cheap
and there is no import cycle with :mod:`microblog_core.testing.strategies`
(which imports Hypothesis itself). Nothing here needs pytest.
"""

from typing import Any

from hypothesis import strategies as st

from microblog_core.ids import AccountId, PostId
from microblog_core.models import VALUE_CLASSES

__all__: list[str] = []


def _resolve(cls: Any) -> Any:
    """Return the strategy for ``cls`` (imported lazily), or NotImplemented."""
    from microblog_core.testing import strategies

    return strategies._strategy_for_type(cls)


def _hypothesis_setup_hook() -> None:
    """Register a strategy for each class in ``VALUE_CLASSES`` and for the id types."""
    for cls in (*VALUE_CLASSES, AccountId, PostId):
        st.register_type_strategy(cls, _resolve)
