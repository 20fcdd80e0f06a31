"""The release workflow builds a wheel that installs into a fresh venv and works."""

import importlib.util
import subprocess
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[2]


def _release_module():  # the script is not a package module; load it by path
    spec = importlib.util.spec_from_file_location("release", ROOT / "scripts" / "release.py")
    assert spec is not None
    assert spec.loader is not None
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


@pytest.mark.slow
def test_the_wheel_installs_into_a_fresh_venv_with_py_typed_and_entry_points(tmp_path: Path):
    release = _release_module()
    sdist, wheel = release.build(tmp_path / "dist")
    assert sdist.name.startswith("microblog_core-")
    assert wheel.name.endswith("-py3-none-any.whl")
    release.check(sdist, wheel)  # twine check --strict raises CalledProcessError on failure
    out = release.smoke_install(wheel)
    assert out.startswith("ok "), out


def test_the_wheel_lists_py_typed_and_no_tests(tmp_path: Path):
    subprocess.run(
        [sys.executable, "-m", "pip", "wheel", "--no-deps", "-q", "-w", str(tmp_path), str(ROOT)],
        check=True,
    )
    import zipfile

    (wheel,) = tmp_path.glob("*.whl")
    names = zipfile.ZipFile(wheel).namelist()
    assert "microblog_core/py.typed" in names
    assert not [n for n in names if n.startswith("tests/")]
    entry_points = next(n for n in names if n.endswith("entry_points.txt"))
    text = zipfile.ZipFile(wheel).read(entry_points).decode()
    assert "microblog = microblog_core.cli:main" in text
    assert "[hypothesis]" in text
