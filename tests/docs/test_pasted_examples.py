"""Every docs page's examples run as a reader pasting them would run them.

Each page's ``{doctest}`` blocks are run in order in one fresh namespace, with
nothing set up: no global doctest set-up, no hidden ``testsetup`` block. A
page that leans on a name it never shows fails here.
"""

import doctest
import re
from pathlib import Path

import pytest

DOCS = Path(__file__).resolve().parents[2] / "docs"
# Sphinx's doctest flags (``doctest_default_flags``), so a block passes here
# exactly when it passes under ``sphinx -b doctest``.
FLAGS = doctest.ELLIPSIS | doctest.IGNORE_EXCEPTION_DETAIL | doctest.DONT_ACCEPT_TRUE_FOR_1
_FENCE = re.compile(r"^(?P<fence>`{3,}|:{3,})\{(?P<directive>[\w-]+)\}[^\n]*\n", re.MULTILINE)


def blocks(text: str, directive: str) -> list[str]:
    """The bodies of a page's ``{directive}`` fenced blocks, in page order."""
    found = []
    for match in _FENCE.finditer(text):
        if match.group("directive") != directive:
            continue
        end = text.index(f"\n{match.group('fence')}\n", match.end() - 1)
        body = text[match.end() : end + 1]
        found.append(re.sub(r"\A(?::[\w-]+:[^\n]*\n)+", "", body))  # drop :options: lines
    return found


def pages() -> list[Path]:
    """The guide's pages; the API reference (``docs/api``) shows docstrings, not pages' examples."""
    return sorted(path for path in DOCS.glob("*.md"))


def pages_with_examples() -> list[Path]:
    return [path for path in pages() if blocks(path.read_text("utf-8"), "doctest")]


def test_the_pages_have_examples_to_run():
    """The extraction finds the guide's examples (so the test below cannot pass empty)."""
    names = {path.stem for path in pages_with_examples()}
    assert {"getting-started", "storage", "timelines", "values", "ranking", "testing"} <= names


@pytest.mark.parametrize("page", pages(), ids=lambda path: str(path.relative_to(DOCS)))
def test_no_page_hides_set_up(page):
    """No page sets names up out of sight: everything an example uses is shown."""
    text = page.read_text("utf-8")
    for hidden in ("testsetup", "testcleanup"):
        assert not blocks(text, hidden), f"{page.name} has a hidden {{{hidden}}} block"
    assert ":hide:" not in "".join(blocks(text, "doctest"))


def test_sphinx_has_no_global_set_up():
    conf = (DOCS / "conf.py").read_text("utf-8")
    assert "doctest_global_setup" not in conf


@pytest.mark.parametrize(
    "page", pages_with_examples(), ids=lambda path: str(path.relative_to(DOCS))
)
def test_a_page_runs_as_pasted(page, tmp_path, monkeypatch):
    """The page's examples, in order, in a fresh namespace, give the outputs shown."""
    monkeypatch.chdir(tmp_path)  # examples that write files write them here
    parser = doctest.DocTestParser()
    runner = doctest.DocTestRunner(optionflags=FLAGS)
    namespace: dict[str, object] = {"__name__": "__pasted__"}
    for number, body in enumerate(blocks(page.read_text("utf-8"), "doctest"), start=1):
        test = parser.get_doctest(body, namespace, f"{page.stem}[{number}]", str(page), 0)
        test.globs = namespace  # get_doctest copies; the page's blocks share one namespace
        runner.run(test, clear_globs=False)
    result = runner.summarize(verbose=False)
    assert result.attempted > 0
    assert result.failed == 0, f"{result.failed} of {result.attempted} examples failed"
