"""Loading twitter-text's conformance suite at test time.

The YAML files stay in ``../shared/conformance/twitter-text`` (upstream asks
runners to load them, not to copy them). Each case becomes one test id:
``<section>-<index>-<description>``.
"""

import functools
import re
from typing import Any

import pytest
import yaml

from tests.conftest import CONFORMANCE

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


@functools.cache
def load(name: str) -> dict[str, list[dict[str, Any]]]:
    """The ``tests`` mapping of one conformance file."""
    with (CONFORMANCE / name).open(encoding="utf-8") as handle:
        data: dict[str, dict[str, list[dict[str, Any]]]] = yaml.safe_load(handle)
    return data["tests"]


def _slug(text: str) -> str:
    return re.sub(r"[^A-Za-z0-9]+", "_", text).strip("_")[:60]


def cases(name: str, section: str) -> list[Any]:
    """One ``pytest.param`` per case of ``section`` in the file ``name``."""
    params = []
    for index, case in enumerate(load(name)[section]):
        reason = KNOWN_DIFFERENCES.get((name, section, case["description"]))
        marks = [pytest.mark.xfail(strict=True, reason=reason)] if reason else []
        case_id = f"{section}-{index:03d}-{_slug(case['description'])}"
        params.append(pytest.param(case, id=case_id, marks=marks))
    return params
