"""Tools for testing code built on microblog_core.

Three parts, each its own submodule:

- :mod:`microblog_core.testing.strategies`: Hypothesis strategies for every
  value, for post texts under each network's length policy, and for
  conversations, follower graphs and histories of use cases (with
  :func:`~microblog_core.testing.strategies.replay`). Hypothesis finds the
  value strategies by type (``st.from_type(Post)``) through the plugin it
  loads from the ``hypothesis`` entry point. Needs the ``testing`` extra.
- :mod:`microblog_core.testing.contracts`: the storage contract suite that
  every storage adapter must pass. Needs Hypothesis and pytest.
- :mod:`microblog_core.testing.machine`: a Hypothesis state machine over
  :class:`~microblog_core.service.Microblog` that checks the domain
  invariants on any storage and any timeline strategy. Needs Hypothesis.

Nothing is imported here: Hypothesis imports this package at start-up
through the plugin, and importing one tool must never pull in the test
framework another one needs (pytest, for the contract suite).
"""

__all__: list[str] = []
