"""Where the conformance data comes from, and what happens without it.

Each test copies the test suite into an empty temporary folder (nothing
beside it, as in a fresh clone) and runs the conformance modules there.
"""

import os
import shutil
import subprocess
import sys
from pathlib import Path

import pytest

from tests.conftest import ROOT
from tests.text.conformance import ENV

MODULES = [
    "tests/text/test_conformance_autolink.py",
    "tests/text/test_conformance_extract.py",
    "tests/text/test_conformance_tlds.py",
    "tests/text/test_conformance_validate.py",
    "tests/text/test_tlds.py",
    "tests/text/test_policy.py",
]


@pytest.fixture(scope="module")
def lone_clone(tmp_path_factory: pytest.TempPathFactory) -> Path:
    clone = tmp_path_factory.mktemp("fresh") / "microblog_core"
    clone.mkdir()
    shutil.copy2(ROOT / "pyproject.toml", clone)
    for part in ("src", "tests", "scripts"):
        shutil.copytree(ROOT / part, clone / part, ignore=shutil.ignore_patterns("__pycache__"))
    assert not (clone.parent / "shared").exists()
    return clone


def _pytest(
    clone: Path, modules: list[str] = MODULES, **env: str
) -> subprocess.CompletedProcess[str]:
    environ = {k: v for k, v in os.environ.items() if k not in {"CI", ENV}}
    environ.update(env, PYTHONPATH=str(clone / "src"))
    return subprocess.run(
        [sys.executable, "-m", "pytest", "-q", "-rs", "-p", "no:cacheprovider", *modules],
        cwd=clone,
        env=environ,
        capture_output=True,
        text=True,
        check=False,
    )


def test_without_the_data_they_are_skipped_with_one_reason(lone_clone: Path) -> None:
    result = _pytest(lone_clone)
    assert result.returncode == 0, result.stdout + result.stderr
    skipped = [line for line in result.stdout.splitlines() if line.startswith("SKIPPED")]
    assert len(skipped) == 1, result.stdout
    assert ENV in skipped[0]
    assert " passed" in result.stdout  # the rest of test_policy still runs


def test_without_the_data_under_ci_the_run_fails(lone_clone: Path) -> None:
    result = _pytest(lone_clone, CI="true")
    assert result.returncode == 1, result.stdout + result.stderr
    assert ENV in result.stdout
    assert "skipped" not in result.stdout


def test_the_variable_points_at_the_data(lone_clone: Path, conformance: Path) -> None:
    # Two small modules suffice here; the whole suite runs them all with the data.
    result = _pytest(lone_clone, MODULES[-2:], CI="true", **{ENV: str(conformance)})
    assert result.returncode == 0, result.stdout + result.stderr
    assert "skipped" not in result.stdout
    assert "passed" in result.stdout


def test_a_variable_naming_no_data_fails_even_outside_ci(lone_clone: Path) -> None:
    result = _pytest(lone_clone, MODULES[-2:], **{ENV: str(lone_clone / "nowhere")})
    assert result.returncode == 1, result.stdout + result.stderr
    assert "holds no twitter-text validate.yml" in result.stdout
