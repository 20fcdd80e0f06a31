"""Simulated accounts: who is active when, and what they write.

* :class:`Population` -- each account's session rate (sessions per day,
  heterogeneous: log-normal or Pareto), the shift of its 24-hour activity
  profile, and whether it is locked. Drawn once per run by
  :func:`draw_population`.
* :class:`SessionScheduler` -- turns the population into session start
  times: a Poisson process whose rate follows each account's hourly profile,
  piecewise constant over the engine's steps. Picking who opens the app
  costs two random draws and a binary search, whatever the population size.
* :class:`Composer` -- the text of posts, replies and repost comments:
  short sentences from a fixed vocabulary, with hashtags and mentions.

Everything takes the run's ``random.Random``; nothing here keeps global state.

Example:
    >>> import random
    >>> from microblog_core.sim.agents import draw_population
    >>> from microblog_core.sim.config import ActivityConfig
    >>> population = draw_population(
    ...     4, ActivityConfig(distribution="constant"), locked_share=0.0, rng=random.Random(1)
    ... )
    >>> population.rates
    (5.0, 5.0, 5.0, 5.0)
"""

import math
import random
from array import array
from bisect import bisect_left, bisect_right
from collections.abc import Sequence
from datetime import datetime
from heapq import merge
from itertools import accumulate

from attrs import frozen

from microblog_core.sim.config import ActivityConfig

__all__ = ["Composer", "PairSet", "Population", "SessionScheduler", "draw_population"]


@frozen
class Population:
    """Per-account activity, indexed like the follower graph's nodes.

    Attributes:
        rates: Mean sessions per day of each account.
        shifts: Each account's profile shift in hours (positive: later in the day).
        locked: Whether each account approves its followers.
    """

    rates: tuple[float, ...]
    shifts: tuple[int, ...]
    locked: tuple[bool, ...]

    @property
    def size(self) -> int:
        """The number of accounts."""
        return len(self.rates)


def _raw_rates(n: int, activity: ActivityConfig, rng: random.Random) -> list[float]:
    kind = activity.distribution
    if kind == "constant":
        return [1.0] * n
    if kind == "lognormal":
        sigma = activity.sigma
        return [rng.lognormvariate(0.0, sigma) for _ in range(n)]
    alpha = activity.pareto_alpha
    return [rng.paretovariate(alpha) for _ in range(n)]


def draw_population(
    n: int, activity: ActivityConfig, *, locked_share: float, rng: random.Random
) -> Population:
    """Draw the activity of ``n`` accounts.

    Rates are drawn from ``activity.distribution`` and scaled so that their
    mean is exactly ``activity.sessions_per_day``; then one shift per account,
    then one locked flag per account, in that order.

    Args:
        n: The number of accounts.
        activity: The activity settings.
        locked_share: The probability that an account is locked.
        rng: The run's source of randomness.

    Returns:
        The population.
    """
    raw = _raw_rates(n, activity, rng)
    scale = activity.sessions_per_day * n / math.fsum(raw)
    rates = tuple(rate * scale for rate in raw)
    spread = activity.shift_spread
    shifts = tuple(rng.randint(-spread, spread) if spread else 0 for _ in range(n))
    locked = tuple(rng.random() < locked_share for _ in range(n)) if locked_share else (False,) * n
    return Population(rates=rates, shifts=shifts, locked=locked)


class _Group:
    """The accounts that share one profile shift, with cumulative rates for sampling.

    Both are arrays: 12 bytes an account where lists of ints and floats take
    about 80 (a million accounts: 12 MB, not 80).
    """

    __slots__ = ("cumulative", "members", "shift", "total")

    def __init__(self, shift: int, members: Sequence[int], rates: Sequence[float]) -> None:
        self.shift = shift
        self.members = array("i", members)
        self.cumulative = array("d", accumulate(rates[i] for i in members))
        self.total = self.cumulative[-1] if self.cumulative else 0.0


class SessionScheduler:
    """Draws session start times and the accounts that open them.

    Sessions form a Poisson process. Over a step that starts at hour ``h``
    (UTC), an account with daily rate ``r`` and shift ``s`` opens sessions at
    ``r * profile[(h - s) mod 24] / 86,400`` per second (the profile has
    mean 1, so ``r`` is kept over a day). Within a step the rate is constant:
    the gaps between sessions are exponential, and each session's account is
    drawn in proportion to its current rate.

    Args:
        population: The accounts' activity.
        profile: The 24 hourly weights.
    """

    __slots__ = ("_groups", "_profile")

    def __init__(self, population: Population, profile: Sequence[float]) -> None:
        members: dict[int, list[int]] = {}
        for index, shift in enumerate(population.shifts):
            members.setdefault(shift, []).append(index)
        self._groups = [
            _Group(shift, members[shift], population.rates) for shift in sorted(members)
        ]
        mean = math.fsum(profile) / len(profile)
        self._profile = [weight / mean for weight in profile]

    def rate_at(self, instant: datetime) -> float:
        """Return the expected sessions per second of the whole population at ``instant``."""
        return math.fsum(self._group_rates(instant.hour))

    def _group_rates(self, hour: int) -> list[float]:
        profile = self._profile
        return [g.total * profile[(hour - g.shift) % 24] / 86_400.0 for g in self._groups]

    def sessions(
        self, instant: datetime, seconds: float, *, rng: random.Random
    ) -> list[tuple[float, int]]:
        """Draw the sessions of one step.

        Args:
            instant: When the step starts (its hour sets the profile weight).
            seconds: The step's length.
            rng: The run's source of randomness.

        Returns:
            ``(offset_seconds, account_index)`` pairs in time order, offsets in
            ``[0, seconds)``.
        """
        weights = self._group_rates(instant.hour)
        total = math.fsum(weights)
        if total <= 0.0:
            return []
        groups = self._groups
        cumulative_groups = list(accumulate(weights))
        last_group = len(groups) - 1
        rnd = rng.random
        expovariate = rng.expovariate
        out: list[tuple[float, int]] = []
        offset = expovariate(total)
        while offset < seconds:
            pick = rnd() * total
            g = min(bisect_right(cumulative_groups, pick), last_group)
            group = groups[g]
            cumulative = group.cumulative
            position = min(bisect_right(cumulative, rnd() * group.total), len(cumulative) - 1)
            out.append((offset, group.members[position]))
            offset += expovariate(total)
        return out


_WORDS = (
    "the", "a", "new", "road", "city", "rain", "today", "tonight", "coffee", "train",
    "late", "early", "bus", "park", "market", "music", "game", "match", "team", "news",
    "update", "closed", "open", "great", "quiet", "busy", "morning", "evening", "weekend",
    "lunch", "market", "festival", "traffic", "weather", "sunny", "cloudy", "snow", "river",
    "bridge", "library", "school", "museum", "concert", "film", "book", "photo", "walk",
    "run", "bike", "ferry", "station", "square", "street", "garden", "tea", "bakery",
    "report", "notice", "detour", "queue", "crowd", "lights", "market", "harbour",
)  # fmt: skip
_TOPICS = (
    "traffic", "weather", "football", "music", "food", "news", "travel", "books",
    "science", "art", "film", "tech", "city", "health", "sport", "photo",
)  # fmt: skip
_REACTIONS = (
    "agreed", "so true", "wow", "thanks for sharing", "not sure about this", "great news",
    "same here", "interesting", "good to know", "ha", "this", "well said", "hmm",
)  # fmt: skip


class Composer:
    """Writes the text of simulated posts, replies and repost comments.

    Texts are a few words from a fixed vocabulary: short enough to fit every
    length policy, and cheap to measure.

    Args:
        hashtag: Probability that a post carries a hashtag.
        mention: Probability that a post mentions a handle it is given.
    """

    __slots__ = ("_hashtag", "_mention")

    def __init__(self, *, hashtag: float, mention: float) -> None:
        self._hashtag = hashtag
        self._mention = mention

    def post(self, rng: random.Random, *, mention: str | None = None) -> str:
        """Return the text of an original post.

        Args:
            rng: The run's source of randomness.
            mention: A handle the author could mention (or None).
        """
        rnd = rng.random
        words = _WORDS
        count = 4 + int(rnd() * 9)
        text = " ".join([words[int(rnd() * len(words))] for _ in range(count)])
        if rnd() < self._hashtag:
            text += " #" + _TOPICS[int(rnd() * len(_TOPICS))]
        if mention is not None and rnd() < self._mention:
            text = f"@{mention} {text}"
        return text

    def reaction(self, rng: random.Random) -> str:
        """Return a short reaction: the text of a reply or a repost comment."""
        return _REACTIONS[int(rng.random() * len(_REACTIONS))]


# A PairSet merges its recent keys into the sorted ones when there are more
# than this many, or than an eighth of the sorted ones.
_MIN_RECENT = 4096


class PairSet:
    """A set of non-negative 64-bit int keys, such as an agent's engaged (viewer, post) pairs.

    It answers ``in`` and :meth:`add` like a ``set`` of ints, in about
    12 bytes a key where a ``set`` takes about 60 (its table and one int
    object a key): the keys live in a sorted ``array('q')``, and the keys
    added since the last merge in a small ``set`` (at most an eighth of the
    sorted ones, or 4,096), merged into the array when it fills. A lookup
    is a set lookup and a binary search.

    Example:
        >>> from microblog_core.sim.agents import PairSet
        >>> engaged = PairSet()
        >>> engaged.add((3 << 32) | 17)
        >>> (3 << 32) | 17 in engaged, (3 << 32) | 18 in engaged, len(engaged)
        (True, False, 1)
    """

    __slots__ = ("_recent", "_sorted")

    def __init__(self) -> None:
        self._sorted = array("q")
        self._recent: set[int] = set()

    def __contains__(self, key: int) -> bool:
        if key in self._recent:
            return True
        done = self._sorted
        at = bisect_left(done, key)
        return at < len(done) and done[at] == key

    def add(self, key: int) -> None:
        """Add ``key`` (an int from 0 to 2**63 - 1); adding one already held does nothing."""
        if key in self:
            return
        recent = self._recent
        recent.add(key)
        if len(recent) > _MIN_RECENT and len(recent) > len(self._sorted) >> 3:
            self._sorted = array("q", merge(self._sorted, sorted(recent)))
            recent.clear()

    def __len__(self) -> int:
        return len(self._sorted) + len(self._recent)

    def __repr__(self) -> str:
        return f"<PairSet of {len(self)} keys>"
