"""Agents as a protocol: what a simulated account sees, and what it may do.

For each session the engine builds an :class:`Observation` -- the page of
the feed the account was shown (one :class:`PageItem` per post: its text,
author, counters, rank, whether it came from the account's network, and
the topic and stance it carries) plus the account's own state and, when
the run reads them, the notifications that came since its last session --
and hands it to the run's :class:`Agent`. The agent answers with typed
actions:

==================  =========================================================
:class:`Like`       like a post
:class:`Repost`     repost a post, with or without a Weibo-style comment
:class:`Reply`      reply to a post with text
:class:`Publish`    write an original post
:class:`Follow`     follow an account (a request, if it is locked)
:class:`Unfollow`   stop following an account
:class:`Block`      block an account
:class:`Mute`       mute an account
:class:`Nothing`    do nothing (with a reason, when the agent could not act)
==================  =========================================================

The engine applies each action through the
:class:`~microblog_core.service.Microblog` service as the agent yields it,
so an agent written as a generator sees the effect of one action before it
decides the next. An action the rules refuse is counted by kind and reason,
never raised; a :class:`Nothing` with a reason is counted as refused under
``("agent", reason)``.

Agents that implement :class:`BatchAgent` get all the sessions of one time
step at once (their sessions are then independent within the step: each
reads its page before any of the step's actions is applied), so an LLM agent
can run its calls concurrently. Agents that implement :class:`StanceAgent`
expose a stance per account, which the engine uses for the polarization
metrics and the ``bridging`` feed.

Example:
    >>> from microblog_core.sim import SimulationConfig, simulate
    >>> from microblog_core.sim.agent import Like, Observation, Publish
    >>> class LikeTheTop:
    ...     name = "like_the_top"
    ...
    ...     def start(self, world):
    ...         pass
    ...
    ...     def act(self, observation: Observation):
    ...         top = observation.items[0] if observation.items else None
    ...         if top is None or top.root_author == observation.viewer:
    ...             yield Publish(f"hello from @{observation.handle}")
    ...         else:
    ...             yield Like(top.post.id)
    >>> result = simulate(SimulationConfig(accounts=40, hours=2, seed=3), agent=LikeTheTop())
    >>> result.actions["post"] > 0, result.actions["like"] > 0
    (True, True)
"""

import math
import random
from collections.abc import Callable, Iterable, Iterator, Sequence, Set
from datetime import datetime
from typing import TYPE_CHECKING, Protocol, runtime_checkable

from attrs import field, frozen

from microblog_core.ids import AccountId, PostId
from microblog_core.models import Notification, NotificationKind, Post, Visibility

if TYPE_CHECKING:
    from microblog_core.sim.config import SimulationConfig
    from microblog_core.sim.engine import RunTables

__all__ = [
    "Action",
    "Agent",
    "BatchAgent",
    "Block",
    "Follow",
    "Like",
    "Mute",
    "Nothing",
    "Observation",
    "PageItem",
    "Publish",
    "Reply",
    "Repost",
    "StanceAgent",
    "Unfollow",
    "World",
    "agent_for",
    "mention_replies",
]

NO_STANCE = math.nan
"""How the run's tables mark a post without a stance (values say None instead)."""


# --------------------------------------------------------------------------- actions


@frozen
class Like:
    """Like a post.

    Attributes:
        post_id: The post (an original, a reply or a repost: liking a repost likes it).
    """

    post_id: PostId


@frozen
class Repost:
    """Repost a post, optionally with a comment (Weibo's ``//@`` chain).

    Attributes:
        post_id: The post to repost (reposting a repost reposts its original).
        comment: The comment, or None for a plain repost.
        also_comment: Also post the comment as a reply (Weibo's ``is_comment``).
    """

    post_id: PostId
    comment: str | None = None
    also_comment: bool = False


@frozen
class Reply:
    """Reply to a post.

    Attributes:
        post_id: The post replied to.
        text: The reply's text.
        stance: The stance the reply carries, in [-1, 1] (None: none).
        to_mention: Whether it answers a mention notification (counted as
            ``mention_reply`` rather than ``reply``).
    """

    post_id: PostId
    text: str
    stance: float | None = None
    to_mention: bool = False


@frozen
class Publish:
    """Write an original post.

    Attributes:
        text: The post's text.
        visibility: Public (default) or another visibility.
        topic: The topic it is about (an index into the run's topics; -1: none).
        stance: The stance it carries, in [-1, 1] (None: none).
    """

    text: str
    visibility: Visibility = Visibility.PUBLIC
    topic: int = -1
    stance: float | None = None


@frozen
class Follow:
    """Follow an account (a follow request, if it is locked).

    A follow of an account already asked and still pending is dropped
    without a call (the request stands).

    Attributes:
        account_id: Whom to follow.
    """

    account_id: AccountId


@frozen
class Unfollow:
    """Stop following an account.

    Attributes:
        account_id: Whom to unfollow.
    """

    account_id: AccountId


@frozen
class Block:
    """Block an account (cuts follows both ways).

    Attributes:
        account_id: Whom to block.
    """

    account_id: AccountId


@frozen
class Mute:
    """Mute an account: its posts leave the muter's home timeline.

    Attributes:
        account_id: Whom to mute.
    """

    account_id: AccountId


@frozen
class Nothing:
    """Do nothing this session.

    Attributes:
        reason: Why, when the agent could not act (an LLM reply that broke
            the schema: ``"invalid_reply"``); counted as refused under
            ``("agent", reason)``. None for a deliberate nothing.
    """

    reason: str | None = None


Action = Like | Repost | Reply | Publish | Follow | Unfollow | Block | Mute | Nothing
"""Any of the actions an agent may return."""


# --------------------------------------------------------------------------- observation


# Not slotted: a run builds one for every impression (about 89 million in a
# million-account day), and a frozen class with a __dict__ is set up in half
# the time of a slotted one (its __init__ fills the dict; a slotted one calls
# object.__setattr__ once per field). Items are short-lived: the memory is not kept.
@frozen(slots=False)
class PageItem:
    """One post on the page an account was shown.

    Attributes:
        post: The post as the feed returned it (id, author id, text, time...).
        rank: Its position on the page, from 1.
        in_network: Whether the viewer follows its author (or is it).
        index: The post's index in the run's tables.
        root: The index of the content shown (a repost's original, else ``index``).
        author: The graph node of the post's author (the reposter, for a repost).
        root_author: The graph node of the content's author.
        handle: The handle of the content's author.
        likes: Likes of the content so far.
        reposts: Reposts of the content so far.
        replies: Direct replies to the content so far.
        appeal: The content's latent appeal (log-normal, mean 1).
        topic: The content's topic (-1: none).
        stance: The content's stance in [-1, 1] (None: none).
    """

    post: Post
    rank: int
    in_network: bool
    index: int
    root: int
    author: int
    root_author: int
    handle: str
    likes: int
    reposts: int
    replies: int
    appeal: float
    topic: int
    stance: float | None


@frozen
class Observation:
    """What an account sees in one session, and its own state.

    ``followees`` is the run's live list of the accounts the viewer follows
    (graph nodes, in the order they were followed): read it during
    :meth:`Agent.act`, do not keep it.

    Attributes:
        time: When the session happens.
        viewer: The viewer's graph node.
        viewer_id: The viewer's account id.
        handle: The viewer's handle.
        items: The page, top first.
        followees: The accounts the viewer follows (live, read-only).
        followers: How many accounts follow the viewer.
        stance: The viewer's stance (None for an agent without stances).
        notifications: The notifications that came since the viewer's last
            session, newest first (up to 40; the read marker then moves past
            them). Empty unless the run reads notifications
            (``behaviour.read_notifications`` or ``mention_reply_rate``).
    """

    time: datetime
    viewer: int
    viewer_id: AccountId
    handle: str
    items: tuple[PageItem, ...]
    followees: Sequence[int] = field(eq=False)
    followers: int
    stance: float | None = None
    notifications: tuple[Notification, ...] = ()


class World:
    """A run's read-only view for its agent: who is who, and the run's randomness.

    The engine builds one per run and passes it to :meth:`Agent.start`.

    Attributes:
        config: The run's config.
        rng: The run's stream for the agents' choices (draw from it to stay
            reproducible; see :mod:`microblog_core.sim.streams`).
        content: The run's stream for what is written (texts); draw text from
            it, so that the agents' choices and the content stay independent.
        ids: The account id of each graph node.
        handles: The handle of each graph node.
        followees: For each node, the nodes it follows, in follow order (live).
        following: For each node, the set of nodes it follows (live).
        tables: The run's recorded tables (posts, impressions, engagements).
    """

    __slots__ = ("config", "content", "followees", "following", "handles", "ids", "rng", "tables")

    def __init__(
        self,
        config: "SimulationConfig",
        rng: random.Random,
        tables: "RunTables",
        followees: Sequence[Sequence[int]],
        *,
        content: random.Random | None = None,
    ) -> None:
        self.config = config
        self.rng = rng
        self.content = rng if content is None else content
        self.tables = tables
        self.ids: Sequence[AccountId] = tables.ids
        self.handles: Sequence[str] = tables.handles
        self.followees = followees
        self.following: Sequence[Set[int]] = tables.following

    @property
    def size(self) -> int:
        """The number of accounts."""
        return len(self.ids)

    @property
    def post_count(self) -> int:
        """Posts made so far in the run."""
        return len(self.tables.p_id)


# --------------------------------------------------------------------------- protocols


@runtime_checkable
class Agent(Protocol):
    """Decides what a simulated account does in a session.

    Implementations must be deterministic given the run's ``World.rng``
    (draw randomness from it, nothing else), so that a seed gives the same
    run, byte for byte.
    """

    @property
    def name(self) -> str:
        """The agent's name in reports (``"stochastic"``, ``"interest"``, ``"llm"``...)."""
        ...

    def start(self, world: World) -> None:
        """Prepare for a run, after its accounts and starting follows exist."""
        ...

    def act(self, observation: Observation) -> Iterable[Action]:
        """Return (or yield) the session's actions; the engine applies each as it comes."""
        ...


@runtime_checkable
class BatchAgent(Agent, Protocol):
    """An agent that decides all the sessions of one time step at once.

    The engine reads every session's page first, calls :meth:`act_batch`
    once, then applies each session's actions at its own instant, in order.
    """

    def act_batch(self, observations: Sequence[Observation]) -> Sequence[Sequence[Action]]:
        """Return each observation's actions, in the order given."""
        ...


@runtime_checkable
class StanceAgent(Agent, Protocol):
    """An agent whose accounts hold a stance on a [-1, 1] axis."""

    def stance_of(self, node: int) -> float:
        """Return the current stance of the account at graph node ``node``."""
        ...

    @property
    def stances(self) -> Sequence[float]:
        """Every account's current stance, by graph node (live)."""
        ...


def mention_replies(
    observation: Observation,
    rate: float,
    draw: Callable[[], float],
    compose: Callable[[], str],
    *,
    stance: float | None = None,
) -> Iterator[Reply]:
    """Answer each new mention in ``observation`` with probability ``rate``.

    For each ``mention`` notification, newest first, one number is drawn
    from ``draw`` (the run's agent stream); below ``rate``, the mentioned
    account replies to the post that mentioned it with ``compose()``'s text.
    The reply notifies the mentioner as a ``reply``, not a mention, so two
    agents do not answer each other forever.

    Args:
        observation: The session's observation (its ``notifications``).
        rate: The probability of answering a mention, in [0, 1].
        draw: Uniform numbers in [0, 1) (``world.rng.random``).
        compose: Makes a reply's text (drawing from the content stream).
        stance: The stance the replies carry (None: none).

    Returns:
        The replies, each marked ``to_mention``.
    """
    for notification in observation.notifications:
        post_id = notification.post_id
        if notification.kind is NotificationKind.MENTION and post_id is not None and draw() < rate:
            yield Reply(post_id, compose(), stance=stance, to_mention=True)


def agent_for(config: "SimulationConfig") -> Agent:
    """Build the agent ``config.agent`` names, with its parameters from the config.

    * ``"stochastic"``: :class:`~microblog_core.sim.stochastic.StochasticAgent`;
    * ``"interest"``: :class:`~microblog_core.sim.interest.InterestAgent` with
      ``config.interest``;
    * ``"llm"``: :class:`~microblog_core.sim.llm.LLMAgent` calling the
      OpenAI-compatible endpoint ``config.llm.url`` (needs the ``llm`` extra).

    Raises:
        ValidationError: An LLM agent without ``config.llm.url`` and ``model``.
        ImportError: An LLM agent without httpx installed.
    """
    kind = config.agent
    if kind == "interest":
        from microblog_core.sim.interest import InterestAgent

        return InterestAgent(config.interest)
    if kind == "llm":
        from microblog_core.sim.llm import LLMAgent, openai_chat

        llm = config.llm
        if not llm.url or not llm.model:
            from microblog_core.errors import ValidationError

            raise ValidationError(
                "the llm agent needs an endpoint: set llm.url and llm.model "
                "(--llm-url and --llm-model), or pass simulate(agent=LLMAgent(chat))",
                field="llm",
                value=llm.url,
            )
        chat = openai_chat(llm.url, llm.model, temperature=llm.temperature, timeout=llm.timeout)
        return LLMAgent(chat, settings=llm)
    from microblog_core.sim.stochastic import StochasticAgent

    return StochasticAgent()
