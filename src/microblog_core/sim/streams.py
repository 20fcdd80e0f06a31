"""Independent random streams derived from one seed, so that runs can be paired.

A run draws from five streams, each a ``random.Random`` of its own:

* ``"graph"``: the follower graph;
* ``"population"``: every account's session rate, profile shift and locked flag;
* ``"schedule"``: when sessions happen and whose they are;
* ``"agents"``: the agents' choices (what to read, like, repost, follow...);
* ``"content"``: what is written (post and comment texts) and each post's appeal.

Stream ``name`` of seed ``seed`` is ``random.Random(k)`` where ``k`` is the
first 8 bytes (big-endian) of ``SHA-256(f"{seed}:{name}")``. A hash, unlike
``seed + i``, gives unrelated states for neighbouring seeds and names, and it
does not depend on ``PYTHONHASHSEED``. Because the schedule has its own
stream, nothing the agents do (and so nothing the feed changes) moves a
session: runs of one config under different feeds realise the same sessions
at the same instants, with the same accounts -- a paired comparison.

Example:
    >>> from microblog_core.sim.streams import stream
    >>> stream(42, "schedule").random() == stream(42, "schedule").random()
    True
    >>> stream(42, "schedule").random() == stream(42, "agents").random()
    False
"""

import hashlib
import random

from microblog_core import _checks

__all__ = ["STREAMS", "stream"]

STREAMS = ("graph", "population", "schedule", "agents", "content")
"""The names of a run's random streams, in the order the engine creates them."""


def stream(seed: int, name: str) -> random.Random:
    """Return the random stream ``name`` of ``seed`` (see the module docs for the scheme).

    Args:
        seed: The run's seed, a non-negative int.
        name: The stream's name, one of :data:`STREAMS`.

    Returns:
        A new ``random.Random``; the same arguments always give the same sequence.

    Raises:
        ValidationError: ``seed`` is negative or not an int, or ``name`` is unknown.
    """
    seed = _checks.integer(seed, "seed", minimum=0)
    _checks.one_of(name, "name", STREAMS, "random stream")
    digest = hashlib.sha256(f"{seed}:{name}".encode()).digest()
    return random.Random(int.from_bytes(digest[:8], "big"))
