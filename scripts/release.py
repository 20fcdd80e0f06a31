"""Release workflow: build the sdist and wheel, check them, try the wheel.

Usage::

    python3 scripts/release.py          # build into dist/, twine check, smoke-install
    python3 scripts/release.py --upload # the same, then upload with twine (asks for a token)

Run it from a clean clone with the ``dev`` extra installed (``.venv``, as
``python3 scripts/dev.py setup`` makes it). The smoke install creates a fresh
virtual environment, installs the wheel into it, imports the package and
checks that ``py.typed`` and both entry points (the ``microblog`` command and
the Hypothesis plugin) are present.
"""

from __future__ import annotations

import shutil
import subprocess
import sys
import tempfile
import venv
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
DIST = ROOT / "dist"

SMOKE = """
import importlib.metadata as md
import importlib.resources as res
import microblog_core
assert res.files("microblog_core").joinpath("py.typed").is_file(), "py.typed missing"
eps = md.entry_points()
scripts = {ep.name: ep.value for ep in eps.select(group="console_scripts")}
assert scripts.get("microblog") == "microblog_core.cli:main", scripts
plugins = [ep.value for ep in eps.select(group="hypothesis")]
assert any(v.startswith("microblog_core.") for v in plugins), plugins
print("ok", microblog_core.__version__)
"""


def build(out: Path) -> tuple[Path, Path]:
    """Build the sdist and the wheel into ``out``; return their paths."""
    shutil.rmtree(out, ignore_errors=True)
    subprocess.run([sys.executable, "-m", "build", "--outdir", str(out), str(ROOT)], check=True)
    (sdist,) = out.glob("*.tar.gz")
    (wheel,) = out.glob("*.whl")
    return sdist, wheel


def check(*files: Path) -> None:
    """Run ``twine check --strict`` on the built files."""
    subprocess.run(
        [sys.executable, "-m", "twine", "check", "--strict", *map(str, files)], check=True
    )


def smoke_install(wheel: Path) -> str:
    """Install ``wheel`` into a fresh virtual environment and run the import checks."""
    with tempfile.TemporaryDirectory() as tmp:
        env = Path(tmp) / "venv"
        venv.EnvBuilder(with_pip=True).create(env)
        python = env / "bin" / "python"
        subprocess.run(
            [str(python), "-m", "pip", "install", "-q", "--disable-pip-version-check", str(wheel)],
            check=True,
        )
        done = subprocess.run(
            [str(python), "-c", SMOKE], check=True, capture_output=True, text=True, cwd=tmp
        )
        return done.stdout.strip()


def main(argv: list[str]) -> int:
    sdist, wheel = build(DIST)
    check(sdist, wheel)
    print(smoke_install(wheel))
    if "--upload" in argv:
        subprocess.run(
            [sys.executable, "-m", "twine", "upload", str(sdist), str(wheel)], check=True
        )
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
