"""The API reference documents public paths, and every link to it must resolve."""

import re
import runpy
from pathlib import Path

DOCS = Path(__file__).resolve().parents[2] / "docs"
_DIRECTIVE = re.compile(r"^\.\. (?:auto\w+|py:\w+):: (\S+)", re.MULTILINE)


def test_the_nitpicky_build_ignores_no_project_name():
    """Only names from outside the project may go unresolved; ours must all link."""
    conf = runpy.run_path(str(DOCS / "conf.py"))
    assert conf["nitpicky"] is True
    patterns = [re.compile(target) for _, target in conf["nitpick_ignore_regex"]]
    for name in ("microblog_core", "microblog_core.Microblog", "microblog_core.text.EntityKind"):
        assert not any(pattern.fullmatch(name) for pattern in patterns), name
    assert not conf.get("nitpick_ignore")


def test_reference_pages_document_no_private_path():
    documented = [
        target
        for page in sorted((DOCS / "api").glob("*.md"))
        for target in _DIRECTIVE.findall(page.read_text("utf-8"))
    ]
    assert "microblog_core.Microblog" in documented
    assert "microblog_core.text" in documented  # the facade, with its __all__
    private = [
        target
        for target in documented
        if any(part.startswith("_") and not part.startswith("__") for part in target.split("."))
    ]
    assert private == []


def test_the_reference_reads_service_first():
    index = (DOCS / "api" / "index.md").read_text("utf-8")
    entries = index.split("```{toctree}")[1].split("```")[0].split()
    pages = [entry for entry in entries if not entry.startswith(":") and not entry.isdigit()]
    assert pages[:2] == ["service", "toplevel"]
    assert sorted(pages) == sorted(
        path.stem for path in (DOCS / "api").glob("*.md") if path.stem != "index"
    )


def test_the_two_simulation_pages_have_distinct_titles():
    titles = {
        (DOCS / "api" / f"{page}.md").read_text("utf-8").splitlines()[0]
        for page in ("sim", "sim-engine")
    }
    assert len(titles) == 2
