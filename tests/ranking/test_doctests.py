"""The examples in the ranking docstrings run and give what they show."""

import doctest
import importlib
from datetime import datetime, timedelta, timezone

import pytest

import microblog_core.ranking as ranking

MODULES = [
    "microblog_core.ranking",
    "microblog_core.ranking._rank",
    "microblog_core.ranking.candidate",
    "microblog_core.ranking.rerankers",
    "microblog_core.ranking.scorers",
    "microblog_core.ranking.trends",
]


@pytest.mark.parametrize("name", MODULES)
def test_docstring_examples(name: str) -> None:
    # The same names the Sphinx doctest setup provides (docs/api/ranking.md).
    globs = {"datetime": datetime, "timedelta": timedelta, "timezone": timezone}
    globs.update({n: getattr(ranking, n) for n in ranking.__all__})
    result = doctest.testmod(importlib.import_module(name), extraglobs=globs)
    assert result.attempted > 0
    assert result.failed == 0
