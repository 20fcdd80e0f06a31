"""The ``microblog`` command never prints a traceback (issue 14, escape 5).

More than fifty bad invocations each exit non-zero with exactly one line on
stderr; a full disk, an ASCII-only terminal and files that are binary,
latin-1, huge or deeply nested are handled; ``--debug`` shows the traceback.
"""

import os
import subprocess
import sys
from pathlib import Path

import pytest

from microblog_core.cli import main

BAD_FILES: dict[str, bytes] = {
    "binary": bytes(range(256)),
    "latin1": "caf\xe9 1 2\n".encode("latin-1"),
    "huge_number": ('{"seed": ' + "9" * 5000 + "}").encode(),
    "deep": b"[" * 100_000,
    "deep_object": b'{"graph": ' * 100_000,
    "empty": b"",
    "list": b"[]",
    "unknown_key": b'{"colour": "red"}',
    "unicode_digits": "\u00b2 3\n".encode(),
    "huge_degree": ("9" * 5000 + " 1\n").encode(),
    "one_field": b"1\n",
    "three_fields": b"a b c\n",
}


@pytest.fixture(scope="module")
def files(tmp_path_factory: pytest.TempPathFactory) -> dict[str, str]:
    root = tmp_path_factory.mktemp("cli-bad-files")
    paths = {"missing": str(root / "missing.json"), "directory": str(root)}
    for name, content in BAD_FILES.items():
        path = root / name
        path.write_bytes(content)
        paths[name] = str(path)
    return paths


def _invocations(files: dict[str, str]) -> list[list[str]]:
    simulate_values = {
        "--accounts": ["x", "-1", "0", "1", "", "1e999", "9" * 5000, "\u0661"],
        "--hours": ["0", "-1", "nan", "inf", "x", "1e999"],
        "--step": ["0", "x"],
        "--seed": ["-1", "x", "9" * 5000],
        "--follows": ["0", "x"],
        "--sessions": ["0", "nan"],
        "--graph": ["nonsense"],
        "--ranker": ["nonsense", ","],
        "--format": ["xml"],
        "--policy": ["myspace"],
        "--timeline": ["sideways"],
        "--top": ["x", "0"],
    }
    invocations = [
        [],
        ["bogus"],
        ["--bogus"],
        ["measure"],
        ["measure", "hi", "--policy", "myspace"],
        ["measure", "hi", "--policy", ""],
        ["measure", "hi", "--policy", "\udcff"],
        ["measure", "hi", "--content-warning"],
        ["demo", "extra"],
        ["simulate", "--graph", "edge_list"],
        ["simulate", "--graph", "configuration"],
    ]
    invocations += [
        ["simulate", option, value]
        for option, values in simulate_values.items()
        for value in values
    ]
    for name in ("missing", "directory", "binary", "latin1", "huge_number", "deep"):
        invocations.append(["simulate", "--config", files[name]])
    for name in ("deep_object", "empty", "list", "unknown_key"):
        invocations.append(["simulate", "--config", files[name]])
    for name in (
        "missing",
        "binary",
        "latin1",
        "unicode_digits",
        "huge_degree",
        "empty",
        "one_field",
    ):
        invocations.append(["simulate", "--degrees", files[name]])
    for name in ("missing", "binary", "latin1", "one_field", "three_fields"):
        invocations.append(["simulate", "--edges", files[name]])
    return invocations


def test_there_are_more_than_fifty_bad_invocations(files: dict[str, str]) -> None:
    assert len(_invocations(files)) > 50


def test_every_bad_invocation_is_one_line_and_a_non_zero_status(
    files: dict[str, str],
    capsys: pytest.CaptureFixture[str],
    monkeypatch: pytest.MonkeyPatch,
    tmp_path: Path,
) -> None:
    monkeypatch.chdir(tmp_path)  # a run that wrongly succeeds writes here
    failures = []
    for argv in _invocations(files):
        try:
            status = main(argv)
        except SystemExit as exit_:  # usage errors exit, as argparse does
            status = exit_.code  # type: ignore[assignment]
        captured = capsys.readouterr()
        lines = captured.err.splitlines()
        if status in (0, None) or len(lines) != 1 or "Traceback" in captured.err:
            failures.append((argv[:3], status, lines[:3]))
        elif not lines[0].startswith("microblog: error: "):
            failures.append((argv[:3], status, lines))
    assert failures == []


def _run(*args: str, **env: str) -> subprocess.CompletedProcess[bytes]:
    return subprocess.run(
        [sys.executable, "-m", "microblog_core", *args],
        capture_output=True,
        check=False,
        env={**os.environ, **env},
    )


def test_an_ascii_terminal_gets_per_mille_spelt_out() -> None:
    result = _run("measure", "hello \u4f60\u597d", env_marker="1", PYTHONIOENCODING="ascii")
    assert result.returncode == 0, result.stderr
    assert b"per mille" in result.stdout
    assert b"\\u4f60" in result.stdout  # what ASCII cannot show is escaped
    assert result.stderr == b""


@pytest.mark.skipif(not Path("/dev/full").exists(), reason="needs /dev/full")
def test_a_full_disk_is_one_line_and_status_two() -> None:
    with Path("/dev/full").open("wb") as full:
        result = subprocess.run(
            [sys.executable, "-m", "microblog_core", "measure", "hello"],
            stdout=full,
            stderr=subprocess.PIPE,
            check=False,
        )
    lines = result.stderr.decode().splitlines()
    assert result.returncode == 2
    assert len(lines) == 1, lines
    assert lines[0].startswith("microblog: error: ")
    assert "No space left on device" in lines[0]


def test_a_closed_pipe_is_not_a_traceback() -> None:
    process = subprocess.Popen(
        [sys.executable, "-m", "microblog_core", "demo"],
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
    )
    assert process.stdout is not None
    process.stdout.close()  # the reader goes away, as `| head -0` does
    _, err = process.communicate()
    assert b"Traceback" not in err
    assert len(err.decode().splitlines()) <= 1


def test_debug_shows_the_traceback(files: dict[str, str]) -> None:
    plain = _run("simulate", "--config", files["deep"])
    debug = _run("--debug", "simulate", "--config", files["deep"])
    assert plain.returncode == 2
    assert b"Traceback" not in plain.stderr
    assert b"Traceback" in debug.stderr
    assert b"MAX_JSON_DEPTH" in debug.stderr


def test_an_unexpected_error_is_one_line_status_three(
    monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    import microblog_core.cli as cli

    def broken(args: object) -> int:
        raise ZeroDivisionError("a bug")

    monkeypatch.setattr(cli, "_measure", broken)
    assert main(["measure", "hi"]) == 3
    lines = capsys.readouterr().err.splitlines()
    assert len(lines) == 1
    assert "ZeroDivisionError" in lines[0]
    assert "--debug" in lines[0]
