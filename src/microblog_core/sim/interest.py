"""Accounts with interests and opinions: homophily and bounded confidence.

:class:`InterestAgent` gives every account a few topics of interest and a
stance on a [-1, 1] axis (:class:`~microblog_core.sim.config.InterestConfig`).
A post it writes carries one of its author's topics and the author's
stance. Reading its page top down with the same attention cascade as the
stochastic agent, an account

* engages with a post (like, repost, reply, in the proportions of
  ``config.behaviour``) more often the closer the post is to its topics and
  its stance -- homophily;
* moves its stance towards every post it examines that lies within its
  confidence bound, ``x += convergence * (s - x)`` when ``|x - s| <
  confidence`` -- the bounded-confidence model of Deffuant, Neau, Amblard &
  Weisbuch ("Mixing beliefs among interacting agents", *Advances in Complex
  Systems* 3, 2000), applied to the reader only, as in social-media
  versions of it (Sasahara et al., "Social influence and unfollowing
  accelerate the emergence of echo chambers", *J. Comput. Soc. Sci.* 4, 2021);
* unfollows, now and then, a followed account that brought it a post beyond
  that bound (Sasahara et al. 2021), and follows authors of posts within it.

Example:
    >>> from microblog_core.sim import SimulationConfig, simulate
    >>> config = SimulationConfig.preset(  # evenly active accounts: everyone reads
    ...     "uniform-activity", accounts=80, hours=3, seed=2, agent="interest"
    ... )
    >>> result = simulate(config)
    >>> first, last = result.stance_snapshots[0], result.stance_snapshots[-1]
    >>> last.variance <= first.variance  # bounded confidence pulls stances together
    True
"""

from collections.abc import Iterator, Sequence

from microblog_core.errors import ValidationError
from microblog_core.models import Visibility
from microblog_core.sim.agent import (
    Action,
    Follow,
    Like,
    Observation,
    Publish,
    Reply,
    Repost,
    Unfollow,
    World,
    mention_replies,
)
from microblog_core.sim.agents import Composer, PairSet
from microblog_core.sim.config import InterestConfig

__all__ = ["TOPIC_NAMES", "InterestAgent", "topic_name"]

TOPIC_NAMES = (
    "traffic", "weather", "football", "music", "food", "news", "travel", "books",
    "science", "art", "film", "tech", "city", "health", "sport", "photo",
)  # fmt: skip
"""The names of the first topics (posts carry them as hashtags)."""


def topic_name(topic: int) -> str:
    """Return the hashtag name of topic number ``topic``."""
    return TOPIC_NAMES[topic] if 0 <= topic < len(TOPIC_NAMES) else f"topic{topic}"


class InterestAgent:
    """Accounts that engage by topic and stance, and shift their stance on exposure.

    Args:
        config: The parameters (default: ``InterestConfig()``).

    Raises:
        ValidationError: ``config`` is not an :class:`InterestConfig`.
    """

    name = "interest"

    __slots__ = ("_composer", "_config", "_engaged", "_interests", "_stances", "_world")

    def __init__(self, config: InterestConfig | None = None) -> None:
        config = InterestConfig() if config is None else config
        if not isinstance(config, InterestConfig):
            raise ValidationError(
                f"InterestAgent takes an InterestConfig, got {type(config).__name__}",
                field="config",
                value=config,
            )
        self._config = config
        self._world: World | None = None
        self._stances: list[float] = []
        self._interests: list[frozenset[int]] = []
        self._engaged = PairSet()
        self._composer = Composer(hashtag=0.0, mention=0.0)

    @property
    def config(self) -> InterestConfig:
        """The agent's parameters."""
        return self._config

    @property
    def stances(self) -> Sequence[float]:
        """Every account's current stance, by graph node (live)."""
        return self._stances

    def stance_of(self, node: int) -> float:
        """Return the current stance of the account at graph node ``node``."""
        return self._stances[node]

    def interests_of(self, node: int) -> frozenset[int]:
        """Return the topics the account at graph node ``node`` is interested in."""
        return self._interests[node]

    def start(self, world: World) -> None:
        """Draw every account's topics, then every account's stance, from the run's rng."""
        config = self._config
        rng = world.rng
        n = world.size
        topics = range(config.topics)
        self._interests = [frozenset(rng.sample(topics, config.interests)) for _ in range(n)]
        if config.stance_start == "uniform":
            self._stances = [rng.uniform(-1.0, 1.0) for _ in range(n)]
        else:
            # Two camps around -0.5 and +0.5 (sd 0.2), kept on the axis.
            self._stances = [
                max(-1.0, min(1.0, rng.gauss(0.5 if rng.random() < 0.5 else -0.5, 0.2)))
                for _ in range(n)
            ]
        self._engaged = PairSet()
        self._world = world

    def act(self, observation: Observation) -> Iterator[Action]:
        """Yield the session's actions; update the reader's stance as it reads."""
        world = self._world
        if world is None:
            raise ValidationError(
                "InterestAgent.act() needs start(world) first", field="agent", value=None
            )
        config = self._config
        behaviour = world.config.behaviour
        rng = world.rng
        rnd = rng.random
        viewer = observation.viewer
        stances = self._stances
        interests = self._interests[viewer]
        following = world.following[viewer]
        ids = world.ids
        x = stances[viewer]
        like_w, repost_w, reply_w = behaviour.like, behaviour.repost, behaviour.reply
        total_w = like_w + repost_w + reply_w
        base = total_w * config.engagement
        attention = behaviour.attention
        confidence = config.confidence
        convergence = config.convergence
        homophily = config.homophily
        off_topic = config.off_topic
        unfollow = config.unfollow
        engaged = self._engaged
        liked: list[int] = []
        for position, item in enumerate(observation.items):
            if position and rnd() >= attention:
                break
            if item.root_author == viewer:
                continue
            s = item.stance
            if s is None:
                closeness = 1.0
            else:
                distance = abs(x - s)
                closeness = (1.0 - 0.5 * distance) ** homophily
                if distance < confidence:
                    x += convergence * (s - x)
                    liked.append(item.root_author)
                elif (
                    unfollow
                    and item.author != viewer
                    and item.author in following
                    and rnd() < unfollow
                ):
                    yield Unfollow(ids[item.author])
            key = (viewer << 32) | item.root
            if key in engaged:
                continue
            weight = 1.0 if item.topic in interests else off_topic
            if rnd() >= base * item.appeal * weight * closeness:
                continue
            engaged.add(key)
            pick = rnd() * total_w
            post_id = item.post.id
            if pick < like_w:
                yield Like(post_id)
            elif pick < like_w + repost_w:
                comment = (
                    self._composer.reaction(world.content) if rnd() < behaviour.comment else None
                )
                yield Repost(post_id, comment=comment)
            else:
                yield Reply(post_id, self._composer.reaction(world.content), stance=x)
        stances[viewer] = x
        rate = behaviour.mention_reply_rate
        if rate:
            compose = self._composer.reaction
            yield from mention_replies(
                observation, rate, rnd, lambda: compose(world.content), stance=x
            )
        if rnd() < behaviour.post:
            ordered = sorted(interests)
            topic = ordered[int(rnd() * len(ordered))]
            text = f"{self._composer.post(world.content)} #{topic_name(topic)}"
            yield Publish(text, Visibility.PUBLIC, topic=topic, stance=x)
        if liked and rnd() < behaviour.follow:
            target = liked[int(rnd() * len(liked))]
            if target not in following:
                yield Follow(ids[target])

    def __repr__(self) -> str:
        return f"InterestAgent({self._config!r})"
