"""Shared test configuration: Hypothesis profiles, paths and the conformance data."""

import os
from pathlib import Path

import pytest
from hypothesis import HealthCheck, settings

# ``ci`` is reproducible (derandomized, more examples); ``dev`` keeps exploring.
# ``scripts/dev.py check`` selects ``ci`` itself with ``--hypothesis-profile=ci``;
# ``CI=true`` selects it too, and any other run gets ``dev``.
settings.register_profile(
    "ci",
    derandomize=True,
    deadline=None,
    max_examples=100,
    print_blob=True,
    suppress_health_check=[HealthCheck.too_slow],
)
settings.register_profile("dev", deadline=None, max_examples=50)
settings.load_profile("ci" if os.environ.get("CI") == "true" else "dev")

ROOT = Path(__file__).resolve().parent.parent


def pytest_report_header() -> str:
    """Say which Hypothesis profile the run uses."""
    return f"hypothesis profile: {settings.get_current_profile_name()}"


def pytest_runtest_setup(item: pytest.Item) -> None:
    """Skip (or, under ``CI``, fail) a test needing absent conformance data.

    Done here rather than in the fixture so that every such skip comes from one
    place and ``pytest -rs`` reports them on one line.
    """
    if "conformance" in getattr(item, "fixturenames", ()):
        from tests.text.conformance import require_data

        require_data()


@pytest.fixture
def conformance() -> Path:
    """The twitter-text conformance directory (see ``tests/text/conformance.py``)."""
    from tests.text.conformance import require_data

    return require_data()


# A long fuzz run: `pytest tests/testing/test_fuzz.py --hypothesis-profile=fuzz`
# runs until it is stopped; time-box it with `timeout -s INT 600 pytest ...`
# (an interrupt ends the run cleanly and still prints the call count) or set
# MICROBLOG_FUZZ_EXAMPLES to a number of examples per test.
settings.register_profile(
    "fuzz",
    deadline=None,
    max_examples=int(os.environ.get("MICROBLOG_FUZZ_EXAMPLES", "1000000000")),
    suppress_health_check=list(HealthCheck),
    database=None,
)


def pytest_sessionfinish(session: pytest.Session) -> None:
    """Under pytest-xdist, a worker hands its fuzz call counts to the controller."""
    workeroutput = getattr(session.config, "workeroutput", None)
    if workeroutput is not None:
        from microblog_core.testing.fuzz import CALLS

        workeroutput["fuzz_calls"] = dict(CALLS)


@pytest.hookimpl(optionalhook=True)
def pytest_testnodedown(node, error) -> None:  # pytest-xdist's hook, in the controller
    """Add a finished worker's fuzz call counts to this process's (for the summary)."""
    from microblog_core.testing.fuzz import CALLS

    CALLS.update(getattr(node, "workeroutput", {}).get("fuzz_calls", {}))


def pytest_terminal_summary(terminalreporter) -> None:  # pytest's hook
    """Report how many calls the fuzz suite made (microblog_core.testing.fuzz.CALLS)."""
    from microblog_core.testing.fuzz import CALLS

    if CALLS:
        parts = ", ".join(f"{name} {count:,}" for name, count in sorted(CALLS.items()))
        terminalreporter.write_line(f"fuzz calls: {sum(CALLS.values()):,} ({parts})")
