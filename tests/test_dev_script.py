"""scripts/dev.py: the check command runs pytest with the ``ci`` Hypothesis profile."""

import importlib.util
import os
import subprocess
import sys
from types import ModuleType

from tests.conftest import ROOT


def _dev() -> ModuleType:
    spec = importlib.util.spec_from_file_location("dev_script", ROOT / "scripts" / "dev.py")
    assert spec is not None and spec.loader is not None
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


def _profile(command: list[str]) -> str:
    """The profile a pytest command line selects, read from its report header."""
    environ = {k: v for k, v in os.environ.items() if k != "CI"}
    result = subprocess.run(
        [
            *command,
            "-v",
            "--collect-only",
            "-p",
            "no:cacheprovider",
            "tests/foundation/test_clock.py",
        ],
        cwd=ROOT,
        env=environ,
        capture_output=True,
        text=True,
        check=False,
    )
    assert result.returncode == 0, result.stdout + result.stderr
    (line,) = [x for x in result.stdout.splitlines() if x.startswith("hypothesis profile:")]
    return line.split(":", 1)[1].strip()


def test_the_check_selects_the_ci_profile_itself() -> None:
    (pytest_gate,) = [cmd for name, cmd in _dev().gates() if name == "pytest"]
    command = [sys.executable, *pytest_gate[1:]]
    assert _profile(command) == "ci"


def test_a_plain_pytest_run_uses_the_dev_profile() -> None:
    assert _profile([sys.executable, "-m", "pytest", "-q"]) == "dev"
