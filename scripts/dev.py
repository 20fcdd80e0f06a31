"""Developer entry point: one command to set up and run the project.

Usage::

    python3 scripts/dev.py demo     # the main job: a feed simulation and its report
    python3 scripts/dev.py check    # the whole test suite (what CI runs)

Each command first makes sure ``.venv`` exists with the project installed in
editable mode with its ``dev`` extra. Only the standard library is used here,
so it runs on a fresh machine with nothing but Python 3.11.
"""

from __future__ import annotations

import hashlib
import os
import subprocess
import sys
import venv
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
VENV = ROOT / ".venv"
STAMP = VENV / ".dev-stamp"
BIN = VENV / ("Scripts" if os.name == "nt" else "bin")
PYTHON = BIN / ("python.exe" if os.name == "nt" else "python")


def _fingerprint() -> str:
    return hashlib.sha256((ROOT / "pyproject.toml").read_bytes()).hexdigest()


def ensure_env() -> None:
    """Create the virtual environment and install the project when needed."""
    if not PYTHON.exists():
        print("setting up .venv (first run only)...", file=sys.stderr, flush=True)
        venv.EnvBuilder(with_pip=True, clear=True).create(VENV)
    if STAMP.exists() and STAMP.read_text() == _fingerprint():
        return
    pip = [str(PYTHON), "-m", "pip", "--disable-pip-version-check", "-q"]
    subprocess.run([*pip, "install", "--upgrade", "pip"], check=True)
    subprocess.run([*pip, "install", "-e", f"{ROOT}[dev]"], check=True)
    STAMP.write_text(_fingerprint())


def run(*args: str) -> int:
    print("$", " ".join(args), file=sys.stderr, flush=True)
    return subprocess.run([str(a) for a in args], cwd=ROOT, check=False).returncode


def gates() -> list[tuple[str, list[str]]]:
    """Every gate of the check, by name, with its command line."""
    docs_out = ROOT / "docs" / "_build"
    return [
        # The check selects the reproducible Hypothesis profile itself; any
        # other pytest run keeps the exploring ``dev`` profile (tests/conftest.py).
        # Two pytest-xdist workers: the suite is mostly CPU-bound Python, and every
        # test keeps to its own store, schema, Redis prefix and tmp_path.
        (
            "pytest",
            [str(PYTHON), "-m", "pytest", "-q", "--hypothesis-profile=ci", "-n", "2"],
        ),
        ("mypy", [str(PYTHON), "-m", "mypy", "--strict", "src"]),
        ("ruff check", [str(PYTHON), "-m", "ruff", "check", "."]),
        ("ruff format", [str(PYTHON), "-m", "ruff", "format", "--check", "."]),
        # The layers of DESIGN.md §2 ([tool.importlinter] in pyproject.toml).
        ("import layers", [str(BIN / ("lint-imports.exe" if os.name == "nt" else "lint-imports"))]),
        (
            "sphinx html",
            [
                str(PYTHON),
                "-m",
                "sphinx",
                "-W",
                "--keep-going",
                "-q",
                "-b",
                "html",
                "docs",
                str(docs_out / "html"),
            ],
        ),
        (
            "sphinx doctest",
            [
                str(PYTHON),
                "-m",
                "sphinx",
                "-W",
                "--keep-going",
                "-q",
                "-b",
                "doctest",
                "docs",
                str(docs_out / "doctest"),
            ],
        ),
    ]


def check() -> int:
    """Run every gate; report each, fail if any failed."""
    failed = [name for name, cmd in gates() if run(*cmd) != 0]
    if failed:
        print(f"FAILED gates: {', '.join(failed)}", file=sys.stderr)
        return 1
    print("all gates passed: " + ", ".join(name for name, _ in gates()), file=sys.stderr)
    return 0


def main(argv: list[str]) -> int:
    if not argv or argv[0] not in {"demo", "check", "setup"}:
        print(__doc__)
        return 2
    ensure_env()
    command, rest = argv[0], argv[1:]
    if command == "setup":
        return 0
    if command == "demo":
        return run(str(PYTHON), "-m", "microblog_core", "simulate", *rest)
    return check()


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
