"""What defines a simulation run: a :class:`SimulationConfig` value (its seed included).

A config is a frozen attrs value made of plain data: numbers, names and
tuples, so it round-trips through JSON (:meth:`SimulationConfig.to_json` and
:meth:`SimulationConfig.from_json`, on :mod:`microblog_core.serialization`'s
converter). The same config gives the same run, byte for byte: the engine
draws every random number from streams derived from ``config.seed``
(:mod:`microblog_core.sim.streams`) and reads the time from a
``ManualClock`` starting at ``config.start``.

Every field has a default; the defaults are the ``microblog simulate``
defaults (the ``twitter-2019`` preset): 2,000 accounts on a directed
scale-free follower graph with Twitter's follower tail, one simulated day
in 10-minute steps, a chronological home timeline.

Example:
    >>> from microblog_core.sim.config import GraphConfig, SimulationConfig
    >>> config = SimulationConfig(accounts=300, hours=6, graph=GraphConfig(model="barabasi_albert"))
    >>> SimulationConfig.from_json(config.to_json()) == config
    True
    >>> config.steps
    36
"""

import functools
import json
import math
import random
from collections.abc import Callable, Mapping, Sequence
from datetime import UTC, datetime, timedelta
from pathlib import Path
from types import MappingProxyType
from typing import Any

import attrs
import cattrs
from attrs import field, frozen

from microblog_core import _checks
from microblog_core.clock import ensure_utc
from microblog_core.errors import ValidationError
from microblog_core.serialization import MAX_JSON_CHARS, from_json, make_converter
from microblog_core.sim.graphs import (
    FollowGraph,
    barabasi_albert,
    configuration_model,
    directed_scale_free,
    holme_kim,
    read_edge_list,
)

__all__ = [
    "ACTIVITY_DISTRIBUTIONS",
    "AGENT_KINDS",
    "DEFAULT_PROFILE",
    "GRAPH_MODELS",
    "IMPRESSION_LOGS",
    "PRESETS",
    "ActivityConfig",
    "BehaviourConfig",
    "GraphConfig",
    "InterestConfig",
    "LLMConfig",
    "SimulationConfig",
]

GRAPH_MODELS = ("barabasi_albert", "configuration", "directed_scale_free", "edge_list", "holme_kim")
"""The follower-graph models a config may name (see :class:`GraphConfig`)."""

ACTIVITY_DISTRIBUTIONS = ("constant", "lognormal", "pareto")
"""How the interest agent's starting stances are drawn (see :class:`InterestConfig`)."""

AGENT_KINDS = ("interest", "llm", "stochastic")
"""The agents a config may name (see :func:`microblog_core.sim.agent.agent_for`)."""

IMPRESSION_LOGS = ("full", "off")
"""What a run keeps of its impression log (see :attr:`SimulationConfig.impressions`)."""

STANCE_STARTS = ("bimodal", "uniform")
"""How session rates are spread over accounts (see :class:`ActivityConfig`)."""

# Relative activity per UTC hour: a night trough around 04:00 and an evening peak
# around 20:00-21:00, the shape reported for Twitter and Weibo alike (e.g. Golder &
# Macy, Science 333, 2011, fig. 1; Guo et al., "Weibo activity", 2011).
_PROFILE_SHAPE = (
    0.60, 0.40, 0.28, 0.20, 0.17, 0.20, 0.35, 0.60, 0.85, 1.00, 1.05, 1.10,
    1.20, 1.15, 1.10, 1.10, 1.15, 1.20, 1.30, 1.40, 1.50, 1.50, 1.30, 0.95,
)  # fmt: skip
DEFAULT_PROFILE: tuple[float, ...] = tuple(
    round(weight * 24 / sum(_PROFILE_SHAPE), 6) for weight in _PROFILE_SHAPE
)
"""The default 24-hour activity profile, one weight per hour of the day (mean 1)."""


@functools.cache
def _converter() -> cattrs.Converter:
    """The converter configs use: built once, since building one generates code."""
    return make_converter()


# --------------------------------------------------------------------------- checks


def _name_of(attribute: Any) -> str:
    return str(getattr(attribute, "name", "value"))


def _int_at_least(minimum: int) -> Callable[[Any, Any, Any], None]:
    def check(instance: Any, attribute: Any, value: Any) -> None:
        _checks.integer(value, _name_of(attribute), minimum=minimum)

    return check


def _int_between(low: int, high: int) -> Callable[[Any, Any, Any], None]:
    def check(instance: Any, attribute: Any, value: Any) -> None:
        _checks.integer(value, _name_of(attribute), minimum=low, maximum=high)

    return check


def _positive(instance: Any, attribute: Any, value: Any) -> None:
    _checks.positive(value, _name_of(attribute))


def _non_negative(instance: Any, attribute: Any, value: Any) -> None:
    _checks.non_negative(value, _name_of(attribute))


def _probability(instance: Any, attribute: Any, value: Any) -> None:
    _checks.probability(value, _name_of(attribute))


def _boolean(instance: Any, attribute: Any, value: Any) -> None:
    _checks.flag(value, _name_of(attribute))


def _one_of(choices: Sequence[str], what: str) -> Callable[[Any, Any, Any], None]:
    def check(instance: Any, attribute: Any, value: Any) -> None:
        _checks.one_of(value, _name_of(attribute), choices, what)

    return check


def _to_float(value: Any) -> Any:
    # Ints are floats here; anything else is left for the validator to report.
    return float(value) if type(value) is int else value


def _to_ints(value: Any) -> Any:
    if isinstance(value, str | bytes) or not isinstance(value, Sequence):
        return value
    return tuple(value)


def _check_degrees(instance: Any, attribute: Any, value: Any) -> None:
    name = _name_of(attribute)
    _checks.instance(value, tuple, name)  # the converter made any sequence a tuple
    _checks.non_negative_ints(value, name)


def _to_profile(value: Any) -> Any:
    if isinstance(value, str | bytes) or not isinstance(value, Sequence):
        return value
    return tuple(float(w) if type(w) is int else w for w in value)


def _check_profile(instance: Any, attribute: Any, value: Any) -> None:
    if (
        not isinstance(value, tuple)
        or len(value) != 24
        or not all(
            isinstance(w, float) and math.isfinite(w) and w >= 0
            for w in value  # ints converted
        )
        or not any(value)
    ):
        raise ValidationError(
            "profile must be 24 non-negative numbers (one per hour of the day, UTC), not all zero",
            field="profile",
            value=value,
        )


def _to_start(value: Any) -> Any:
    return ensure_utc(value, field="start") if isinstance(value, datetime) else value


def _check_start(instance: Any, attribute: Any, value: Any) -> None:
    if not isinstance(value, datetime):
        raise ValidationError("start must be a datetime", field="start", value=value)
    if value.year < 1980 or value.year > 5000:
        raise ValidationError(
            f"start must lie between 1980 and 5000, got {value.isoformat()}",
            field="start",
            value=value,
        )


def _check_name(instance: Any, attribute: Any, value: Any) -> None:
    if not isinstance(value, str) or not value.strip():
        name = _name_of(attribute)
        raise ValidationError(f"{name} must be a non-empty name", field=name, value=value)


# --------------------------------------------------------------------------- graph


@frozen(kw_only=True)
class GraphConfig:
    """Which follower graph the accounts start with, and its parameters.

    ``model`` is one of :data:`GRAPH_MODELS`:

    * ``"directed_scale_free"`` (default): separate in- and out-degree
      tails, ``alpha``, ``beta``, ``gamma``, ``delta_in``, ``delta_out``
      (:func:`~microblog_core.sim.graphs.directed_scale_free`);
    * ``"holme_kim"``: preferential attachment with triad formation,
      ``m`` follows per newcomer, triad probability ``p``
      (:func:`~microblog_core.sim.graphs.holme_kim`; the default before
      issue 20, and the ``uniform-activity`` preset's graph);
    * ``"barabasi_albert"``: preferential attachment, ``m`` follows per
      newcomer (:func:`~microblog_core.sim.graphs.barabasi_albert`);
    * ``"configuration"``: a random graph with the given ``in_degrees`` and
      ``out_degrees`` (one entry per account;
      :func:`~microblog_core.sim.graphs.configuration_model`);
    * ``"edge_list"``: a real graph read from ``path`` (``follower followee``
      per line; :func:`~microblog_core.sim.graphs.read_edge_list`). The
      number of accounts is then the file's number of nodes.

    ``reciprocity`` (follow-backs) applies to the two preferential-attachment models.

    The directed scale-free defaults are not networkx's (those make about two
    follows per account): ``alpha = 0.045``, ``beta = 0.95``, ``gamma =
    0.005``, ``delta_in = 3``, ``delta_out = 6`` make about ten follows per
    account (one node per ``1 / (alpha + gamma) = 20`` steps, of which about
    half survive the collapsing of repeated follows) and a follower tail of
    exponent ``1 + (1 + delta_in (alpha + gamma)) / (alpha + beta) = 2.16``
    (Bollobás et al. 2003; measured 2.0-2.25 at 2,000 accounts), near the
    2.276 Kwak, Lee, Park & Moon ("What is Twitter, a social network or a
    news media?", WWW 2010) fitted to Twitter's follower counts; the
    followee tail is thinner (exponent 2.36). These hubs -- a few accounts
    followed by a large part of the network -- are what lets a repost
    cascade grow large (see ``docs/simulating-feeds.md``).

    Attributes:
        model: The model's name.
        m: Follows made by each newcomer (``barabasi_albert``, ``holme_kim``).
        p: Triad-formation probability (``holme_kim``).
        reciprocity: Probability that a follow is followed back.
        alpha: New node follows an existing one (``directed_scale_free``).
        beta: Existing node follows an existing one (``directed_scale_free``).
        gamma: Existing node follows a new one (``directed_scale_free``).
        delta_in: In-degree bias (``directed_scale_free``).
        delta_out: Out-degree bias (``directed_scale_free``).
        in_degrees: Followers wanted per account (``configuration``).
        out_degrees: Followees wanted per account (``configuration``).
        path: The edge-list file (``edge_list``).
    """

    model: str = field(
        default="directed_scale_free", validator=_one_of(GRAPH_MODELS, "graph model")
    )
    m: int = field(default=8, validator=_int_at_least(1))
    p: float = field(default=0.5, converter=_to_float, validator=_probability)
    reciprocity: float = field(default=0.25, converter=_to_float, validator=_probability)
    alpha: float = field(default=0.045, converter=_to_float, validator=_probability)
    beta: float = field(default=0.95, converter=_to_float, validator=_probability)
    gamma: float = field(default=0.005, converter=_to_float, validator=_probability)
    delta_in: float = field(default=3.0, converter=_to_float, validator=_non_negative)
    delta_out: float = field(default=6.0, converter=_to_float, validator=_non_negative)
    in_degrees: tuple[int, ...] = field(default=(), converter=_to_ints, validator=_check_degrees)
    out_degrees: tuple[int, ...] = field(default=(), converter=_to_ints, validator=_check_degrees)
    path: str | None = None

    def __attrs_post_init__(self) -> None:
        if self.model == "edge_list" and not self.path:
            raise ValidationError(
                "the edge_list graph model needs a path to an edge-list file",
                field="path",
                value=self.path,
            )
        if self.model == "configuration" and not self.in_degrees:
            raise ValidationError(
                "the configuration graph model needs in_degrees and out_degrees "
                "(one entry per account)",
                field="in_degrees",
                value=self.in_degrees,
            )

    def describe(self) -> str:
        """Return a short human description, such as ``"Holme-Kim (m=5, p=0.5)"``."""
        model = self.model
        if model == "holme_kim":
            return f"Holme-Kim (m={self.m}, p={self.p:g}, reciprocity={self.reciprocity:g})"
        if model == "barabasi_albert":
            return f"Barabási-Albert (m={self.m}, reciprocity={self.reciprocity:g})"
        if model == "directed_scale_free":
            return (
                f"directed scale-free (alpha={self.alpha:g}, beta={self.beta:g}, "
                f"gamma={self.gamma:g})"
            )
        if model == "configuration":
            return f"configuration model ({len(self.in_degrees)} degree pairs)"
        return f"edge list {self.path}"

    def check_accounts(self, accounts: int) -> None:
        """Check that the model can make a graph on ``accounts`` nodes, before any work.

        Raises:
            ValidationError: The sizes are impossible (``m >= accounts``, fewer
                than 3 accounts for the directed model, degree lists of another length).
        """
        model = self.model
        if model in {"holme_kim", "barabasi_albert"} and self.m >= accounts:
            raise ValidationError(
                f"{accounts} accounts cannot each follow m={self.m} others: "
                f"use more than {self.m} accounts or a smaller m",
                field="m",
                value=self.m,
            )
        if model == "directed_scale_free" and accounts < 3:
            raise ValidationError(
                "the directed scale-free model needs at least 3 accounts",
                field="accounts",
                value=accounts,
            )
        if model == "configuration" and (
            len(self.in_degrees) != accounts or len(self.out_degrees) != accounts
        ):
            raise ValidationError(
                f"the configuration model needs one in- and one out-degree per account: "
                f"{accounts} accounts, {len(self.in_degrees)} in-degrees, "
                f"{len(self.out_degrees)} out-degrees",
                field="in_degrees",
                value=(len(self.in_degrees), len(self.out_degrees)),
            )

    def build(self, accounts: int, *, rng: random.Random) -> FollowGraph:
        """Generate (or load) the graph.

        Args:
            accounts: The number of nodes (ignored by ``edge_list``, which reads its own).
            rng: The run's source of randomness.

        Returns:
            The follower graph, where node ``i`` is the ``i``-th account.

        Raises:
            ValidationError: The sizes or parameters are impossible, or the file is malformed.
            OSError: The edge-list file cannot be read.
        """
        model = self.model
        if model == "edge_list":
            assert self.path is not None  # checked on construction  # noqa: S101
            return read_edge_list(Path(self.path)).graph
        self.check_accounts(accounts)
        if model == "holme_kim":
            return holme_kim(accounts, self.m, self.p, rng=rng, reciprocity=self.reciprocity)
        if model == "barabasi_albert":
            return barabasi_albert(accounts, self.m, rng=rng, reciprocity=self.reciprocity)
        if model == "directed_scale_free":
            return directed_scale_free(
                accounts,
                rng=rng,
                alpha=self.alpha,
                beta=self.beta,
                gamma=self.gamma,
                delta_in=self.delta_in,
                delta_out=self.delta_out,
            )
        return configuration_model(self.in_degrees, self.out_degrees, rng=rng)


# --------------------------------------------------------------------------- activity


@frozen(kw_only=True)
class ActivityConfig:
    """When and how often accounts open the app.

    Each account gets a rate of *sessions* per day, drawn once: all equal
    (``"constant"``), log-normal with shape ``sigma`` (``"lognormal"``,
    the default: most accounts are light users, a few are very active;
    ``sigma = 2.1`` makes the top 10% of accounts write about 80% of the
    original posts of a day, as Pew Research found for US adults on Twitter
    in 2019 -- see ``docs/simulating-feeds.md``), or
    Pareto with tail index ``pareto_alpha`` (``"pareto"``). Rates are scaled
    so that their mean is ``sessions_per_day``. Within the day an account's
    rate follows ``profile`` (24 hourly weights, UTC), shifted by a whole
    number of hours drawn uniformly from ``-shift_spread .. shift_spread``
    (early birds and night owls).

    Attributes:
        sessions_per_day: Mean sessions per account per day.
        distribution: ``"constant"``, ``"lognormal"`` or ``"pareto"``.
        sigma: The log-normal shape (standard deviation of the log rate).
        pareto_alpha: The Pareto tail index, above 1 (so the mean exists).
        profile: Relative activity for each hour of the day (UTC).
        shift_spread: The largest shift of an account's profile, in hours.
    """

    sessions_per_day: float = field(default=5.0, converter=_to_float, validator=_positive)
    distribution: str = field(
        default="lognormal", validator=_one_of(ACTIVITY_DISTRIBUTIONS, "activity distribution")
    )
    sigma: float = field(default=2.1, converter=_to_float, validator=_non_negative)
    pareto_alpha: float = field(default=1.8, converter=_to_float, validator=_positive)
    profile: tuple[float, ...] = field(
        default=DEFAULT_PROFILE, converter=_to_profile, validator=_check_profile
    )
    shift_spread: int = field(default=2, validator=_int_between(0, 12))

    def __attrs_post_init__(self) -> None:
        if self.distribution == "pareto" and self.pareto_alpha <= 1.0:
            raise ValidationError(
                "pareto_alpha must be above 1 so that the mean rate exists, "
                f"got {self.pareto_alpha}",
                field="pareto_alpha",
                value=self.pareto_alpha,
            )


# --------------------------------------------------------------------------- behaviour


@frozen(kw_only=True)
class BehaviourConfig:
    """What accounts do in a session.

    A session reads one page of the feed (``page_size`` items from the run's
    ranker). The reader examines the item at rank ``r`` with probability
    ``attention ** (r - 1)`` (a cascade model of position bias) and engages
    with an examined post it has not engaged with before with probability
    ``(like + repost + reply) * appeal``, where ``appeal`` is the post's
    log-normal quality (mean 1, shape ``appeal_sigma``); the kind of
    engagement is then drawn in proportion to the three weights. A repost
    carries a Weibo-style comment with probability ``comment``, and that
    comment is also posted as a reply with probability ``also_comment``.
    Then the reader writes a post with probability ``post``, follows someone
    new with probability ``follow`` (a friend of a friend -- triadic closure --
    with probability ``triadic``, else the author of a post it saw), and
    blocks the author of a post it saw with probability ``block``.

    With ``read_notifications`` (or a ``mention_reply_rate`` above 0) a
    session also reads the notifications that came since the account's last
    session (:attr:`~microblog_core.sim.agent.Observation.notifications`)
    and moves its read marker past them; the stochastic and interest agents
    then reply to each mention among them with probability
    ``mention_reply_rate``. Both are off by default, and a run with them off
    draws and writes exactly what it did before they existed.

    Attributes:
        page_size: Items per feed page, 1 to 40.
        attention: Probability of examining the next item, in [0, 1].
        like: Like weight per examined item (at appeal 1).
        repost: Repost weight per examined item (0.08 by default: see ``appeal_sigma``).
        reply: Reply weight per examined item.
        comment: Share of reposts that carry a comment.
        also_comment: Share of commented reposts also posted as a reply.
        post: Probability that a session writes an original post.
        follow: Probability that a session follows someone new.
        triadic: Share of new follows made by triadic closure.
        block: Probability that a session blocks someone it saw.
        appeal_sigma: Shape of the log-normal appeal of original posts (1.5 by
            default: heterogeneous appeal, with ``repost`` and the default
            follower graph, leaves 93-95% of posts never reposted, as Goel
            et al. 2016 found on Twitter).
        locked_share: Share of accounts that approve their followers.
        private_share: Share of original posts that are followers-only.
        hashtag: Probability that a post carries a hashtag.
        mention: Probability that a post mentions an account it follows.
        read_notifications: Whether sessions read their new notifications.
        mention_reply_rate: Probability of replying to each new mention
            notification (above 0, sessions read notifications).
    """

    page_size: int = field(default=20, validator=_int_between(1, 40))
    attention: float = field(default=0.85, converter=_to_float, validator=_probability)
    like: float = field(default=0.08, converter=_to_float, validator=_probability)
    repost: float = field(default=0.08, converter=_to_float, validator=_probability)
    reply: float = field(default=0.015, converter=_to_float, validator=_probability)
    comment: float = field(default=0.3, converter=_to_float, validator=_probability)
    also_comment: float = field(default=0.2, converter=_to_float, validator=_probability)
    post: float = field(default=0.35, converter=_to_float, validator=_probability)
    follow: float = field(default=0.03, converter=_to_float, validator=_probability)
    triadic: float = field(default=0.7, converter=_to_float, validator=_probability)
    block: float = field(default=0.0005, converter=_to_float, validator=_probability)
    appeal_sigma: float = field(default=1.5, converter=_to_float, validator=_non_negative)
    locked_share: float = field(default=0.02, converter=_to_float, validator=_probability)
    private_share: float = field(default=0.05, converter=_to_float, validator=_probability)
    hashtag: float = field(default=0.2, converter=_to_float, validator=_probability)
    mention: float = field(default=0.1, converter=_to_float, validator=_probability)
    read_notifications: bool = field(default=False, validator=_boolean)
    mention_reply_rate: float = field(default=0.0, converter=_to_float, validator=_probability)

    @property
    def reads_notifications(self) -> bool:
        """Whether sessions read their notifications (asked for, or needed to reply)."""
        return self.read_notifications or self.mention_reply_rate > 0.0


# --------------------------------------------------------------------------- agents


def _check_optional_name(instance: Any, attribute: Any, value: Any) -> None:
    if value is not None:
        _check_name(instance, attribute, value)


@frozen(kw_only=True)
class InterestConfig:
    """The interest agent's parameters (used when ``SimulationConfig.agent == "interest"``).

    Each account is interested in ``interests`` of ``topics`` topics and
    holds a stance on a [-1, 1] axis, drawn at the start (``stance_start``:
    uniform, or two camps around -0.5 and +0.5). A post carries one of its
    author's topics and the author's stance. An examined post is engaged
    with at probability ``(like + repost + reply) * appeal * engagement *
    w_topic * (1 - |x - s| / 2) ** homophily`` (``w_topic`` is 1 for one of
    the reader's topics, ``off_topic`` otherwise; ``x`` the reader's stance,
    ``s`` the post's): homophily. Every examined post moves the reader's
    stance by bounded confidence (Deffuant et al. 2000): when
    ``|x - s| < confidence``, ``x += convergence * (s - x)``; a discordant
    post from a followed author is unfollowed with probability ``unfollow``
    (Sasahara et al. 2021). The sources of the defaults are in
    ``docs/tutorial-agents.md``.

    Attributes:
        topics: How many topics there are.
        interests: Topics each account is interested in.
        off_topic: Engagement weight of a topic outside the reader's interests.
        stance_start: ``"uniform"`` or ``"bimodal"`` starting stances.
        confidence: The bounded-confidence threshold on ``|x - s|``, in (0, 2].
        convergence: How far one exposure pulls the stance, in (0, 0.5].
        homophily: The exponent of stance similarity in the engagement chance.
        engagement: Scales every engagement chance.
        unfollow: Chance of unfollowing the author of a discordant post seen.
    """

    topics: int = field(default=16, validator=_int_between(1, 1000))
    interests: int = field(default=3, validator=_int_at_least(1))
    off_topic: float = field(default=0.1, converter=_to_float, validator=_probability)
    stance_start: str = field(default="uniform", validator=_one_of(STANCE_STARTS, "stance start"))
    confidence: float = field(default=0.4, converter=_to_float, validator=_positive)
    convergence: float = field(default=0.1, converter=_to_float, validator=_positive)
    homophily: float = field(default=2.0, converter=_to_float, validator=_non_negative)
    engagement: float = field(default=3.0, converter=_to_float, validator=_non_negative)
    unfollow: float = field(default=0.01, converter=_to_float, validator=_probability)

    def __attrs_post_init__(self) -> None:
        if self.interests > self.topics:
            raise ValidationError(
                f"interests ({self.interests}) cannot exceed topics ({self.topics})",
                field="interests",
                value=self.interests,
            )
        if self.confidence > 2.0:
            raise ValidationError(
                f"confidence must be at most 2 (the width of the stance axis), "
                f"got {self.confidence:g}",
                field="confidence",
                value=self.confidence,
            )
        if self.convergence > 0.5:
            raise ValidationError(
                f"convergence must be at most 0.5, got {self.convergence:g}",
                field="convergence",
                value=self.convergence,
            )


@frozen(kw_only=True)
class LLMConfig:
    """The LLM agent's settings (used when ``SimulationConfig.agent == "llm"``).

    Attributes:
        url: The OpenAI-compatible endpoint's base URL (``http://127.0.0.1:8080/v1``).
        model: The model name the endpoint serves.
        persona: The persona line of every prompt; ``{handle}`` is replaced
            by the account's handle.
        concurrency: Chat calls in flight at once within a time step.
        temperature: The sampling temperature asked for.
        timeout: Seconds to wait for one reply.
        max_actions: The most actions one reply may hold.
    """

    url: str | None = field(default=None, validator=_check_optional_name)
    model: str | None = field(default=None, validator=_check_optional_name)
    persona: str = field(
        default="You are @{handle}, an ordinary user of a micro-blog.", validator=_check_name
    )
    concurrency: int = field(default=4, validator=_int_between(1, 256))
    temperature: float = field(default=0.0, converter=_to_float, validator=_non_negative)
    timeout: float = field(default=60.0, converter=_to_float, validator=_positive)
    max_actions: int = field(default=5, validator=_int_between(1, 40))


PRESETS: Mapping[str, Mapping[str, Mapping[str, Any]]] = MappingProxyType(
    {
        "twitter-2019": {},
        "uniform-activity": {
            "graph": {
                "model": "holme_kim",
                "alpha": 0.41,
                "beta": 0.54,
                "gamma": 0.05,
                "delta_in": 0.2,
                "delta_out": 0.0,
            },
            "activity": {"sigma": 1.0},
            "behaviour": {"repost": 0.02, "appeal_sigma": 1.0},
        },
    }
)
"""Named starting points for a config (see :meth:`SimulationConfig.preset`).

* ``"twitter-2019"`` (the defaults): session rates as skewed as Twitter's
  posting in Pew Research's 2019 survey (top 10% of accounts, about 80% of
  posts), a directed scale-free follower graph with Twitter's follower tail
  (exponent about 2.2, after Kwak et al. 2010), and heterogeneous appeal
  (93-95% of posts never reposted, after Goel et al. 2016).
* ``"uniform-activity"``: the defaults before issue 20 (a Holme-Kim graph
  with ``m = 8``, ``p = 0.5`` and 25% follow-backs, log-normal session
  rates of shape 1, repost weight 0.02, appeal of shape 1): activity far
  more even than on real platforms (top 10%, about 44% of posts). Making
  the directed scale-free graph the default left its exports unchanged,
  byte for byte: it names the graph's unused directed scale-free parameters
  too, so that even its ``config.json`` stayed the same.
"""


# --------------------------------------------------------------------------- the run


_DEFAULT_START = datetime(2026, 1, 1, tzinfo=UTC)
_MAX_HOURS = 24 * 366


@frozen(kw_only=True)
class SimulationConfig:
    """Everything that defines a run; the same value gives the same run, byte for byte.

    Attributes:
        accounts: How many accounts (nodes of the follower graph), at least 2.
        hours: Simulated time, in hours (up to a year).
        step_minutes: The engine's time step: activity rates are re-read from
            the hourly profile, and progress reported, once per step.
        seed: Seeds the run's random streams (:mod:`microblog_core.sim.streams`).
        ranker: The name of the feed every account reads (see
            :mod:`microblog_core.sim.feeds`).
        policy: The length policy posts are measured with (``"twitter"``,
            ``"weibo"``, ``"mastodon"``, ``"bluesky"``...).
        start: When the simulated period starts (aware UTC).
        graph: The follower graph.
        activity: When accounts are active.
        behaviour: What the stochastic agent does (and the page size and
            engagement weights every agent starts from).
        agent: Who decides what accounts do: ``"stochastic"`` (default),
            ``"interest"`` or ``"llm"`` (see :data:`AGENT_KINDS`).
        interest: The interest agent's parameters.
        llm: The LLM agent's settings.
        impressions: ``"full"`` (default) keeps the impression log, one row per
            item shown, column-wise (about 6 bytes a row); ``"off"`` keeps only
            each post's impression count, for runs too big to log every item
            (the metrics read from the log -- in-network share, exposure Gini
            of authors, rank positions -- then have nothing to read).

    Raises:
        ValidationError: A field is out of range (each message names the field).
    """

    accounts: int = field(default=2000, validator=_int_at_least(2))
    hours: float = field(default=24.0, converter=_to_float, validator=_positive)
    step_minutes: float = field(default=10.0, converter=_to_float, validator=_positive)
    seed: int = field(default=42, validator=_int_at_least(0))
    ranker: str = field(default="chronological", validator=_check_name)
    policy: str = field(default="twitter", validator=_check_name)
    start: datetime = field(default=_DEFAULT_START, converter=_to_start, validator=_check_start)
    graph: GraphConfig = field(factory=GraphConfig)
    activity: ActivityConfig = field(factory=ActivityConfig)
    behaviour: BehaviourConfig = field(factory=BehaviourConfig)
    agent: str = field(default="stochastic", validator=_one_of(AGENT_KINDS, "agent"))
    interest: InterestConfig = field(factory=InterestConfig)
    llm: LLMConfig = field(factory=LLMConfig)
    impressions: str = field(default="full", validator=_one_of(IMPRESSION_LOGS, "impression log"))

    def __attrs_post_init__(self) -> None:
        if self.hours > _MAX_HOURS:
            raise ValidationError(
                f"hours must be at most {_MAX_HOURS} (a year), got {self.hours:g}",
                field="hours",
                value=self.hours,
            )
        if self.step_minutes > self.hours * 60:
            raise ValidationError(
                f"step_minutes ({self.step_minutes:g}) must not exceed the simulated time "
                f"({self.hours * 60:g} minutes)",
                field="step_minutes",
                value=self.step_minutes,
            )
        if self.step_minutes < 1 / 60:
            raise ValidationError(
                f"step_minutes must be at least one second (1/60), got {self.step_minutes:g}",
                field="step_minutes",
                value=self.step_minutes,
            )
        for part, kind in (
            (self.graph, GraphConfig),
            (self.activity, ActivityConfig),
            (self.behaviour, BehaviourConfig),
            (self.interest, InterestConfig),
            (self.llm, LLMConfig),
        ):
            if not isinstance(part, kind):
                raise ValidationError(
                    f"expected a {kind.__name__}, got {type(part).__name__}",
                    field=kind.__name__,
                    value=part,
                )
        if self.graph.model not in {"edge_list", "configuration"}:
            self.graph.check_accounts(self.accounts)

    @property
    def step(self) -> timedelta:
        """The time step as a timedelta (rounded to the millisecond)."""
        return timedelta(milliseconds=round(self.step_minutes * 60_000))

    @property
    def duration(self) -> timedelta:
        """The simulated time as a timedelta (rounded to the millisecond)."""
        return timedelta(milliseconds=round(self.hours * 3_600_000))

    @property
    def steps(self) -> int:
        """How many steps the run takes (the last one may be shorter)."""
        return -(-self.duration // self.step)

    @property
    def end(self) -> datetime:
        """When the simulated period ends."""
        return self.start + self.duration

    def evolve(self, **changes: Any) -> "SimulationConfig":
        """Return a copy with some fields changed (``attrs.evolve``).

        Raises:
            ValidationError: A new value is out of range.
        """
        return attrs.evolve(self, **changes)

    def to_dict(self) -> dict[str, Any]:
        """Return the config as plain JSON-ready data.

        The agent fields (``agent``, ``interest``, ``llm``) and ``impressions``,
        and the notification fields of ``behaviour``, are left out while they
        hold their defaults, so a stochastic run's ``config.json`` is the same
        as before they existed; reading fills them back in.
        """
        data: dict[str, Any] = _converter().unstructure(self)
        for name, default in (*_AGENT_DEFAULTS.items(), ("impressions", "full")):
            if getattr(self, name) == default:
                del data[name]
        behaviour = data["behaviour"]
        for name, default in _NOTIFICATION_DEFAULTS.items():
            if behaviour[name] == default:
                del behaviour[name]
        return data

    def to_json(self) -> str:
        """Return the config as a JSON document (keys in field order, two-space indent)."""
        return json.dumps(self.to_dict(), indent=2, ensure_ascii=False)

    @classmethod
    def from_json(cls, text: str | bytes) -> "SimulationConfig":
        """Read a config from a JSON document; missing fields take their defaults.

        Raises:
            ValidationError: The document is not JSON, has an unknown field, or a
                value is out of range (the message names the field).
        """
        return from_json(text, cls, converter=_converter())

    @classmethod
    def preset(cls, name: str, **changes: Any) -> "SimulationConfig":
        """Return the config of a named preset (see :data:`PRESETS`), with ``changes``.

        Example:
            >>> from microblog_core.sim.config import SimulationConfig
            >>> SimulationConfig.preset("uniform-activity", seed=3).activity.sigma
            1.0
            >>> SimulationConfig.preset("twitter-2019") == SimulationConfig()
            True

        Raises:
            ValidationError: An unknown preset, or a change out of range.
        """
        _checks.one_of(name, "preset", PRESETS, "preset")
        values = PRESETS[name]
        parts: dict[str, Any] = {}
        if "graph" in values:
            parts["graph"] = GraphConfig(**values["graph"])
        if "activity" in values:
            parts["activity"] = ActivityConfig(**values["activity"])
        if "behaviour" in values:
            parts["behaviour"] = BehaviourConfig(**values["behaviour"])
        parts.update(changes)
        return cls(**parts)

    @classmethod
    def load(cls, path: str | Path) -> "SimulationConfig":
        """Read a config from a JSON file.

        Raises:
            ValidationError: The file's content is not a valid config, or is
                larger than ``serialization.MAX_JSON_CHARS``.
            OSError: The file cannot be read.
        """
        size = Path(path).stat().st_size
        if size > MAX_JSON_CHARS:
            raise ValidationError(
                f"{path} is {size} bytes; a config is at most {MAX_JSON_CHARS} (MAX_JSON_CHARS)",
                field="config",
                value=size,
            )
        return cls.from_json(Path(path).read_bytes())


_AGENT_DEFAULTS: dict[str, Any] = {
    "agent": "stochastic",
    "interest": InterestConfig(),
    "llm": LLMConfig(),
}
_NOTIFICATION_DEFAULTS: dict[str, Any] = {"read_notifications": False, "mention_reply_rate": 0.0}
