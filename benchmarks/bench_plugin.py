"""What the Hypothesis plugin adds to ``import hypothesis``.

Hypothesis runs every ``hypothesis`` entry point when it is imported, so the
plugin's cost is paid by every test run in an environment where
microblog_core is installed. Same-run comparison in fresh interpreters,
alternating the cases, medians of ``--rounds`` each:

1. ``import hypothesis`` as installed, and with microblog_core's entry point
   filtered out of ``importlib.metadata.entry_points`` (as if the package were
   not installed; Hypothesis still reads the other entry points). The
   difference is the plugin's cost.
2. The plugin alone: after ``import hypothesis`` with ``HYPOTHESIS_NO_PLUGINS``,
   the time to import the hook's module and run the hook. (``-X importtime``
   cannot show it: Hypothesis loads entry points with ``importlib``, which
   that option does not trace.)

Run: ``.venv/bin/python benchmarks/bench_plugin.py [--rounds 21]``. Target: at
most 20 ms more than without the package.
"""

import argparse
import os
import statistics
import subprocess
import sys

_PRELUDE = "import importlib.metadata as md, time\n"
_FILTER = (
    "_all = md.entry_points\n"
    "md.entry_points = lambda **kw: [e for e in _all(**kw)"
    " if not e.value.startswith('microblog_core')]\n"
)
_TIMED = "t = time.perf_counter(); import hypothesis; print(time.perf_counter() - t)\n"
_HOOK = (
    "import hypothesis\n"
    "t = time.perf_counter()\n"
    "from microblog_core.testing._hypothesis_plugin import _hypothesis_setup_hook\n"
    "_hypothesis_setup_hook()\n"
    "print(time.perf_counter() - t)\n"
)


def _seconds(code: str, **env: str) -> float:
    environ = {k: v for k, v in os.environ.items() if k != "HYPOTHESIS_NO_PLUGINS"}
    environ.update(env)
    result = subprocess.run(
        [sys.executable, "-c", code], env=environ, capture_output=True, text=True, check=True
    )
    return float(result.stdout)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--rounds", type=int, default=21)
    rounds = parser.parse_args().rounds
    installed: list[float] = []
    absent: list[float] = []
    hook: list[float] = []
    for _ in range(rounds):
        installed.append(_seconds(_PRELUDE + _TIMED))
        absent.append(_seconds(_PRELUDE + _FILTER + _TIMED))
        hook.append(_seconds(_PRELUDE + _HOOK, HYPOTHESIS_NO_PLUGINS="1"))
    with_ms = statistics.median(installed) * 1000
    without_ms = statistics.median(absent) * 1000
    hook_ms = statistics.median(hook) * 1000
    print(f"import hypothesis, median of {rounds} fresh interpreters each:")
    print(f"  with microblog_core's entry point     {with_ms:7.1f} ms")
    print(f"  without it (filtered out)             {without_ms:7.1f} ms")
    print(f"  difference                            {with_ms - without_ms:7.1f} ms")
    print(f"the plugin alone (import + hook)        {hook_ms:7.1f} ms  (target: at most 20 ms)")


if __name__ == "__main__":
    main()
