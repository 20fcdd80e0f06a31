"""Loading twitter-text's conformance suite at test time.

The YAML files are not copied here (upstream asks runners to load them). They
are read from ``$MICROBLOG_CONFORMANCE_DIR``, else from
``../shared/conformance/twitter-text`` beside the checkout. Without either,
the conformance tests are skipped with one reason line, except under ``CI``,
where missing data fails the run so that CI never skips them silently.

Each case becomes one test id: ``<section>-<index>-<description>``.
"""

import functools
import os
import re
from pathlib import Path
from typing import Any

import pytest
import yaml

from tests.conftest import ROOT

ENV = "MICROBLOG_CONFORMANCE_DIR"
DEFAULT = ROOT.parent / "shared" / "conformance" / "twitter-text"

# Cases whose upstream expectation this project does not follow, with why.
# They run as strict xfails: if one starts passing, the test suite says so.
KNOWN_DIFFERENCES: dict[tuple[str, str, str], str] = {
    (
        "autolink.yml",
        "urls",
        "Autolink url embedded in link tag",
    ): (
        "twitter-text treats its input as HTML and passes <link> through unescaped; "
        "render_html escapes all input text, so the tag is shown as text"
    ),
}


def locate() -> tuple[Path | None, str]:
    """The data directory (``None`` when absent) and what to say when it is absent."""
    given = os.environ.get(ENV)
    if given:
        where = Path(given)
        if (where / "validate.yml").is_file():
            return where, ""
        return None, f"${ENV} is {given}, which holds no twitter-text validate.yml"
    if (DEFAULT / "validate.yml").is_file():
        return DEFAULT, ""
    return None, (
        f"twitter-text conformance data not found: set ${ENV} to a twitter-text "
        f"conformance directory (default {DEFAULT})"
    )


def require_data() -> Path:
    """The data directory; skips the calling test without it, or fails it under ``CI``.

    Every skip is raised from this one line, so ``pytest -rs`` folds them into
    one reason line.
    """
    where, why = locate()
    if where is not None:
        return where
    if os.environ.get("CI") or os.environ.get(ENV):
        pytest.fail(why, pytrace=False)
    pytest.skip(why)


@functools.cache
def load(name: str) -> dict[str, list[dict[str, Any]]]:
    """The ``tests`` mapping of one conformance file."""
    with (require_data() / name).open(encoding="utf-8") as handle:
        data: dict[str, dict[str, list[dict[str, Any]]]] = yaml.safe_load(handle)
    return data["tests"]


def _slug(text: str) -> str:
    return re.sub(r"[^A-Za-z0-9]+", "_", text).strip("_")[:60]


def cases(name: str, section: str) -> list[Any]:
    """One ``pytest.param`` per case of ``section`` in the file ``name``.

    Without the data there is one placeholder case; the ``conformance`` fixture
    skips it (or fails it under ``CI``) before the test body runs.
    """
    if locate()[0] is None:
        return [pytest.param({}, id="no-conformance-data")]
    params = []
    for index, case in enumerate(load(name)[section]):
        reason = KNOWN_DIFFERENCES.get((name, section, case["description"]))
        marks = [pytest.mark.xfail(strict=True, reason=reason)] if reason else []
        case_id = f"{section}-{index:03d}-{_slug(case['description'])}"
        params.append(pytest.param(case, id=case_id, marks=marks))
    return params
