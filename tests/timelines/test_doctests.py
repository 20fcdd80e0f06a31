"""The examples in the timelines docstrings run and give what they show."""

import doctest
import importlib

import pytest

import microblog_core.timelines as timelines
from microblog_core.models import Post

MODULES = [
    "microblog_core.timelines",
    "microblog_core.timelines.merge",
    "microblog_core.timelines.pages",
    "microblog_core.timelines.fanout",
]


@pytest.mark.parametrize("name", MODULES)
def test_docstring_examples(name: str) -> None:
    # The names the Sphinx doctest setup provides (docs/api/timelines.md).
    globs = {n: getattr(timelines, n) for n in timelines.__all__}
    globs["Post"] = Post
    result = doctest.testmod(importlib.import_module(name), extraglobs=globs)
    assert result.attempted > 0
    assert result.failed == 0
