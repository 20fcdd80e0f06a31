"""The generated TLD module and its generator."""

import subprocess
import sys
from pathlib import Path

import yaml

from microblog_core.text._tlds import COUNTRY_TLDS, GENERIC_TLDS, SOURCE_BLOB
from tests.conftest import ROOT


def test_the_lists_are_those_of_tld_lib(conformance: Path) -> None:
    source = yaml.safe_load((conformance / "tld_lib.yml").read_text(encoding="utf-8"))
    assert set(COUNTRY_TLDS) == set(source["country"])
    assert set(GENERIC_TLDS) == set(source["generic"])
    assert list(COUNTRY_TLDS) == sorted(set(COUNTRY_TLDS))
    assert list(GENERIC_TLDS) == sorted(set(GENERIC_TLDS))
    assert SOURCE_BLOB == "29f0494d8caecbb72e38aa886c62d01c9eb883e4"


def test_the_generated_file_is_up_to_date(conformance: Path) -> None:
    script = ROOT / "scripts" / "gen_tlds.py"
    result = subprocess.run(
        [sys.executable, str(script), str(conformance / "tld_lib.yml"), "--check"],
        capture_output=True,
        text=True,
        check=False,
    )
    assert result.returncode == 0, result.stderr


def test_the_text_package_imports_without_pyyaml() -> None:
    code = (
        "import sys; sys.modules['yaml'] = None; "
        "import microblog_core.text as t; t.measure('a.com')"
    )
    result = subprocess.run(
        [sys.executable, "-c", code], capture_output=True, text=True, check=False
    )
    assert result.returncode == 0, result.stderr
