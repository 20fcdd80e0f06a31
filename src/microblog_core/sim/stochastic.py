"""The default agent: the fixed stochastic behaviour of ``BehaviourConfig``.

:class:`StochasticAgent` reads the page top down, examining the item at rank
``r`` with probability ``attention ** (r - 1)`` (a cascade model of position
bias), engages with an examined post it has not engaged with before with
probability ``(like + repost + reply) * appeal``, then may post, follow
(triadic closure or someone seen) and block -- everything
:class:`~microblog_core.sim.config.BehaviourConfig` describes. When the run
reads notifications, it answers each new mention with probability
``mention_reply_rate``.

It draws from the run's ``random.Random`` in exactly the order the engine
did before agents were a protocol, so a seed gives the same exports as it
always has.

Example:
    >>> from microblog_core.sim import SimulationConfig, simulate
    >>> from microblog_core.sim.stochastic import StochasticAgent
    >>> config = SimulationConfig(accounts=50, hours=2, seed=4)
    >>> a = simulate(config)
    >>> b = simulate(config, agent=StochasticAgent())
    >>> a.post_count == b.post_count and a.actions == b.actions
    True
"""

from collections.abc import Iterator

from microblog_core.models import Visibility
from microblog_core.sim.agent import (
    Action,
    Block,
    Follow,
    Like,
    Observation,
    Publish,
    Reply,
    Repost,
    World,
    mention_replies,
)
from microblog_core.sim.agents import Composer, PairSet

__all__ = ["StochasticAgent"]


class StochasticAgent:
    """Today's simulated account: engages by appeal, posts, follows and blocks at random.

    All parameters come from the run's ``config.behaviour``.
    """

    name = "stochastic"

    __slots__ = ("_composer", "_engaged", "_world")

    def __init__(self) -> None:
        self._world: World | None = None
        self._composer = Composer(hashtag=0.0, mention=0.0)
        self._engaged = PairSet()

    def start(self, world: World) -> None:
        """Bind to a run (and forget any earlier one)."""
        behaviour = world.config.behaviour
        self._world = world
        self._composer = Composer(hashtag=behaviour.hashtag, mention=behaviour.mention)
        self._engaged = PairSet()

    def _bound(self) -> World:
        world = self._world
        if world is None:
            from microblog_core.errors import ValidationError

            raise ValidationError(
                "StochasticAgent.act() needs start(world) first", field="agent", value=None
            )
        return world

    def act(self, observation: Observation) -> Iterator[Action]:
        """Yield the session's actions, drawing from the run's randomness as it goes."""
        world = self._bound()
        rng = world.rng
        rnd = rng.random
        behaviour = world.config.behaviour
        viewer = observation.viewer
        items = observation.items
        composer = self._composer
        # Engage with the items examined, top down (a cascade model of attention).
        like_w, repost_w, reply_w = behaviour.like, behaviour.repost, behaviour.reply
        total_w = like_w + repost_w + reply_w
        attention = behaviour.attention
        engaged = self._engaged
        for position, item in enumerate(items):
            if position and rnd() >= attention:
                break
            if item.root_author == viewer:
                continue
            key = (viewer << 32) | item.root
            if key in engaged or rnd() >= total_w * item.appeal:
                continue
            engaged.add(key)
            pick = rnd() * total_w
            post_id = item.post.id
            if pick < like_w:
                yield Like(post_id)
            elif pick < like_w + repost_w:
                comment = None
                also = False
                if rnd() < behaviour.comment:
                    comment = composer.reaction(world.content)
                    also = rnd() < behaviour.also_comment
                yield Repost(post_id, comment=comment, also_comment=also)
            else:
                yield Reply(post_id, composer.reaction(world.content))
        rate = behaviour.mention_reply_rate
        if rate:  # no draw at all while it is off, so default runs keep their bytes
            compose = composer.reaction
            yield from mention_replies(observation, rate, rnd, lambda: compose(world.content))
        if rnd() < behaviour.post:
            followees = observation.followees
            mention = world.handles[followees[int(rnd() * len(followees))]] if followees else None
            text = composer.post(world.content, mention=mention)
            private = rnd() < behaviour.private_share
            yield Publish(text, Visibility.PRIVATE if private else Visibility.PUBLIC)
        if rnd() < behaviour.follow:
            target = self._follow_target(observation)
            if target >= 0 and target != viewer and target not in world.following[viewer]:
                yield Follow(world.ids[target])
        if behaviour.block and rnd() < behaviour.block and items:
            author = items[int(rnd() * len(items))].author
            if author != viewer:
                yield Block(world.ids[author])

    def _follow_target(self, observation: Observation) -> int:
        world = self._bound()
        rnd = world.rng.random
        items = observation.items
        if rnd() < world.config.behaviour.triadic:
            friends = observation.followees
            if friends:
                friend = friends[int(rnd() * len(friends))]
                theirs = world.followees[friend]
                if theirs:
                    return theirs[int(rnd() * len(theirs))]
            return -1
        if items:
            return items[int(rnd() * len(items))].root_author
        return -1

    def __repr__(self) -> str:
        return "StochasticAgent()"
