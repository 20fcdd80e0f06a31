"""Shared test configuration: Hypothesis profiles and paths."""

import os
from pathlib import Path

from hypothesis import HealthCheck, settings

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
SHARED = ROOT.parent / "shared"
CONFORMANCE = SHARED / "conformance" / "twitter-text"

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


def pytest_terminal_summary(terminalreporter) -> None:  # pytest's hook
    """Report how many calls the fuzz suite made (microblog_core.testing.fuzz.CALLS)."""
    from microblog_core.testing.fuzz import CALLS

    if CALLS:
        parts = ", ".join(f"{name} {count:,}" for name, count in sorted(CALLS.items()))
        terminalreporter.write_line(f"fuzz calls: {sum(CALLS.values()):,} ({parts})")
