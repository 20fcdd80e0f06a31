"""Where the repository's examples live, for tests that load them."""

from pathlib import Path

EXAMPLES = Path(__file__).resolve().parents[2] / "examples"
