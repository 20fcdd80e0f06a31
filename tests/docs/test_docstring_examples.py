"""Every example in a docstring runs with its own imports, beside its module's names.

Sphinx's doctest builder runs them too, but after ``doctest_global_setup``
(docs/conf.py), which imports names for every page (``datetime``, ``timezone``);
an example that leans on that setup fails for a reader who pastes it. This
runs each module's examples with the plain :mod:`doctest` machinery, in the
module's own namespace (as ``pytest --doctest-modules`` does): the documented
names are there, nothing else is.
"""

import doctest
import importlib
import pkgutil

import pytest

import microblog_core

MODULES = sorted(
    info.name
    for info in pkgutil.walk_packages(microblog_core.__path__, "microblog_core.")
    if not info.name.rsplit(".", 1)[-1].startswith("__")
)


def test_the_walk_finds_the_modules_with_examples() -> None:
    assert {"microblog_core.clock", "microblog_core.ids", "microblog_core.service"} <= set(MODULES)


@pytest.mark.parametrize("name", MODULES)
def test_a_modules_examples_run_with_their_own_imports_only(name: str) -> None:
    module = importlib.import_module(name)
    runner = doctest.DocTestRunner(optionflags=doctest.ELLIPSIS)
    for test in doctest.DocTestFinder(exclude_empty=True).find(module, globs=vars(module).copy()):
        if test.name.split(".")[: len(name.split("."))] != name.split("."):
            continue  # a name imported from elsewhere: its own module runs it
        runner.run(test, out=lambda _text: None)
    results = runner.summarize(verbose=False)
    assert results.failed == 0, f"{results.failed} of {results.attempted} examples failed in {name}"
