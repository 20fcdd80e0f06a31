"""Tools for testing code built on microblog_core.

Submodules:

- :mod:`microblog_core.testing.strategies`: Hypothesis strategies for every
  value (needs the ``testing`` extra, i.e. Hypothesis).

Nothing is imported here, so that importing one tool never pulls in the
test framework another one needs.
"""

__all__: list[str] = []
