"""``microblog --version`` and the examples at the end of ``--help``."""

import pytest

from microblog_core import __version__
from microblog_core.cli import main


def test_version_prints_the_package_version(capsys):
    with pytest.raises(SystemExit) as info:
        main(["--version"])
    assert info.value.code == 0
    assert capsys.readouterr().out.strip() == f"microblog {__version__}"


def test_help_ends_with_examples_and_exit_codes(capsys):
    with pytest.raises(SystemExit) as info:
        main(["--help"])
    assert info.value.code == 0
    out = capsys.readouterr().out
    tail = out[out.index("examples:") :]
    assert "microblog simulate" in tail
    assert "microblog measure" in tail
    assert tail.rstrip().splitlines()[-1].startswith("exit status: 0 success")
