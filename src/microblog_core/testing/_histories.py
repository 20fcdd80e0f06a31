"""Histories of use cases: steps, :func:`histories`, :func:`check_history` and :func:`replay`.

The public names are re-exported by :mod:`microblog_core.testing.strategies`.
"""

import typing
from collections.abc import Iterable
from datetime import timedelta
from typing import TYPE_CHECKING, cast

import attrs
from hypothesis import strategies as st
from hypothesis.errors import InvalidArgument

from microblog_core.errors import (
    ConflictError,
    NotFoundError,
    PermissionDeniedError,
    ValidationError,
)
from microblog_core.ids import AccountId, PostId
from microblog_core.models import (
    TWITTER_ACCOUNTS,
    AccountPolicy,
    Visibility,
)
from microblog_core.testing._values import _check_size, _check_strategy, _plain_texts, handles

if TYPE_CHECKING:
    from microblog_core.service import Microblog


# --- histories of use cases ------------------------------------------------------------
#
# A step names accounts and posts by *index*: account ``i`` is the one the i-th
# RegisterStep made, post ``j`` the one the j-th post-making step (PostStep,
# ReplyStep, QuoteStep, RepostStep) made. Indices do not depend on storage or
# on the ids a service hands out, so one history replays on any service.


@attrs.frozen(kw_only=True)
class RegisterStep:
    """Register an account (it becomes the next account index)."""

    handle: str
    locked: bool = False


@attrs.frozen(kw_only=True)
class FollowStep:
    """Account ``follower`` follows ``followee`` (or asks to, if it is locked)."""

    follower: int
    followee: int
    show_reposts: bool = True


@attrs.frozen(kw_only=True)
class UnfollowStep:
    """Account ``follower`` stops following ``followee``."""

    follower: int
    followee: int


@attrs.frozen(kw_only=True)
class ApproveStep:
    """Account ``account`` approves the follow request of ``follower``."""

    account: int
    follower: int


@attrs.frozen(kw_only=True)
class RejectStep:
    """Account ``account`` rejects the follow request of ``follower``."""

    account: int
    follower: int


@attrs.frozen(kw_only=True)
class BlockStep:
    """Account ``blocker`` blocks ``blocked``."""

    blocker: int
    blocked: int


@attrs.frozen(kw_only=True)
class UnblockStep:
    """Account ``blocker`` lifts its block of ``blocked``."""

    blocker: int
    blocked: int


@attrs.frozen(kw_only=True)
class MuteStep:
    """Account ``muter`` mutes ``muted``, for ``seconds`` from the step's time or for good."""

    muter: int
    muted: int
    seconds: int | None = None


@attrs.frozen(kw_only=True)
class UnmuteStep:
    """Account ``muter`` unmutes ``muted``."""

    muter: int
    muted: int


@attrs.frozen(kw_only=True)
class PostStep:
    """Account ``author`` publishes ``text`` (makes the next post index)."""

    author: int
    text: str
    visibility: Visibility = Visibility.PUBLIC


@attrs.frozen(kw_only=True)
class ReplyStep:
    """Account ``author`` replies to post ``post`` (makes the next post index)."""

    author: int
    post: int
    text: str


@attrs.frozen(kw_only=True)
class QuoteStep:
    """Account ``author`` quotes post ``post`` (makes the next post index)."""

    author: int
    post: int
    text: str


@attrs.frozen(kw_only=True)
class RepostStep:
    """Account ``account`` reposts post ``post``, maybe with a comment (makes the next post index).

    With a comment and ``also_comment``, the comment is also a reply (Weibo's ``is_comment``).
    """

    account: int
    post: int
    comment: str = ""
    also_comment: bool = False


@attrs.frozen(kw_only=True)
class UnrepostStep:
    """Account ``account`` withdraws its repost of post ``post``."""

    account: int
    post: int


@attrs.frozen(kw_only=True)
class LikeStep:
    """Account ``account`` likes post ``post``."""

    account: int
    post: int


@attrs.frozen(kw_only=True)
class UnlikeStep:
    """Account ``account`` withdraws its like of post ``post``."""

    account: int
    post: int


@attrs.frozen(kw_only=True)
class DeleteStep:
    """The author of post ``post`` deletes it."""

    post: int


Step = (
    RegisterStep
    | FollowStep
    | UnfollowStep
    | ApproveStep
    | RejectStep
    | BlockStep
    | UnblockStep
    | MuteStep
    | UnmuteStep
    | PostStep
    | ReplyStep
    | QuoteStep
    | RepostStep
    | UnrepostStep
    | LikeStep
    | UnlikeStep
    | DeleteStep
)
# Documented where the public facade binds it: microblog_core.testing.strategies.

STEP_TYPES: tuple[type, ...] = typing.get_args(Step)
# Documented where the public facade binds it: microblog_core.testing.strategies.

_POST_MAKING = (PostStep, ReplyStep, QuoteStep, RepostStep)
# The kinds a step is drawn as, in shrinking order; kinds that need a post fall
# back to a PostStep while there is none, and "register" to a post once every
# account exists.
_STEP_KINDS = (
    "post",
    "follow",
    "like",
    "reply",
    "repost",
    "quote",
    "unfollow",
    "approve",
    "reject",
    "block",
    "unblock",
    "mute",
    "unmute",
    "unlike",
    "unrepost",
    "delete",
    "register",
)
_NEEDS_A_POST = frozenset(("like", "reply", "repost", "quote", "unlike", "unrepost", "delete"))
_MUTE_SECONDS = st.none() | st.integers(min_value=1, max_value=600)


def _step(kind: str, *, a: int, b: int, p: int, text: str, flags: tuple[bool, bool]) -> Step:
    """Build a step of ``kind`` (not a registration, mute or post) from the shared draws."""
    flag, also = flags
    match kind:
        case "follow":
            return FollowStep(follower=a, followee=b, show_reposts=flag)
        case "unfollow":
            return UnfollowStep(follower=a, followee=b)
        case "approve":
            return ApproveStep(account=a, follower=b)
        case "reject":
            return RejectStep(account=a, follower=b)
        case "block":
            return BlockStep(blocker=a, blocked=b)
        case "unblock":
            return UnblockStep(blocker=a, blocked=b)
        case "unmute":
            return UnmuteStep(muter=a, muted=b)
        case "reply":
            return ReplyStep(author=a, post=p, text=text)
        case "quote":
            return QuoteStep(author=a, post=p, text=text)
        case "repost":
            return RepostStep(
                account=a, post=p, comment=text if flag else "", also_comment=flag and also
            )
        case "unrepost":
            return UnrepostStep(account=a, post=p)
        case "like":
            return LikeStep(account=a, post=p)
        case "unlike":
            return UnlikeStep(account=a, post=p)
        case _:
            return DeleteStep(post=p)


@st.composite
def _histories(
    draw: st.DrawFn,
    *,
    min_accounts: int,
    max_accounts: int,
    max_steps: int,
    policy: AccountPolicy,
    text_strategy: st.SearchStrategy[str],
    mentions: bool,
) -> tuple[Step, ...]:
    total = draw(st.integers(min_value=min_accounts, max_value=max_accounts))
    names = draw(
        st.lists(handles(policy=policy), min_size=total, max_size=total, unique_by=str.casefold)
    )
    locked = draw(st.lists(st.booleans(), min_size=total, max_size=total))
    steps: list[Step] = [
        RegisterStep(handle=names[i], locked=locked[i]) for i in range(min_accounts)
    ]
    # What kind each step is comes first, as a list of small values, then each
    # step's details, then its text: shrinking deletes whole steps easily this way
    # (it gets stuck on a list of wide elements). Indices are drawn raw and
    # reduced modulo what exists when the step comes: a step stays well-formed,
    # and mostly keeps its meaning, when steps before it are deleted.
    kinds = draw(st.lists(st.sampled_from(_STEP_KINDS), max_size=max_steps))
    accounts = min_accounts
    posts = 0
    for kind in kinds:
        a_raw, b_raw, p_raw, mention, visibility, flags, seconds = draw(
            st.tuples(
                st.integers(0, max_accounts - 1),  # the acting account
                st.integers(0, max_accounts - 2),  # another account
                st.integers(0, max_steps),  # a post
                st.integers(0, max_accounts),  # a mention: 0 for none
                st.sampled_from(Visibility),
                st.tuples(st.booleans(), st.booleans()),
                _MUTE_SECONDS,
            )
        )
        words = draw(text_strategy)
        a = a_raw % accounts
        b = b_raw % (accounts - 1)
        b += b >= a  # another account: nobody follows, blocks or mutes themselves
        p = p_raw % max(posts, 1)
        text = f"{words} @{names[(mention - 1) % accounts]}" if mention and mentions else words
        if kind == "register" and accounts < total:
            steps.append(RegisterStep(handle=names[accounts], locked=locked[accounts]))
            accounts += 1
            continue
        if kind == "mute":
            steps.append(MuteStep(muter=a, muted=b, seconds=seconds))
            continue
        if kind in ("post", "register") or (kind in _NEEDS_A_POST and posts == 0):
            step: Step = PostStep(author=a, text=text, visibility=visibility)
        else:
            step = _step(kind, a=a, b=b, p=p, text=text, flags=flags)
        steps.append(step)
        posts += isinstance(step, _POST_MAKING)
    return tuple(steps)


def histories(
    *,
    min_accounts: int = 2,
    max_accounts: int = 5,
    max_steps: int = 30,
    policy: AccountPolicy = TWITTER_ACCOUNTS,
    texts: st.SearchStrategy[str] | None = None,
) -> st.SearchStrategy[tuple[Step, ...]]:
    """Generate histories: well-formed sequences of use cases to :func:`replay` on a service.

    A history starts by registering ``min_accounts`` accounts, then takes up
    to ``max_steps`` steps among follows and their requests, blocks, mutes,
    posts, replies, quotes, reposts, likes, their withdrawals, deletions
    and further registrations (up to ``max_accounts``). Steps name accounts
    and posts by index (see :class:`RegisterStep` and :class:`PostStep`),
    and a history is *well-formed*: every index names an account or a post
    made by an earlier step, handles are unique (casefolded) and follow
    ``policy``, no step relates an account to itself, and texts come from
    ``texts`` (by default short plain text, valid under every length
    preset, sometimes followed by an ``@mention`` of an account of the
    history, which lets direct posts reach someone).

    Whether a step is *allowed* depends on what happened before (a block, a
    locked account, a deleted post, a followers-only post), so a history may
    hold steps the service refuses; :func:`replay` applies it and counts
    them. Every registration and every plain post is accepted.

    Shrinks toward fewer steps, each a public post by account 0, and toward
    ``min_accounts`` unlocked accounts with the shortest handles.

    Args:
        min_accounts: Accounts registered before the first step (at least 2).
        max_accounts: The most accounts a history registers.
        max_steps: The most steps after the first registrations.
        policy: The handle rules of the service the history is for.
        texts: A strategy for the texts of posts, replies, quotes and repost
            comments; it must give texts valid under the service's length
            policy (for example :func:`texts`).

    Returns:
        A strategy of tuples of steps (see :data:`Step`).

    Raises:
        InvalidArgument: A bound is not an int, ``min_accounts`` is below 2 or
            above ``max_accounts``, ``policy`` is not an AccountPolicy, or
            ``texts`` is not a strategy.
    """
    _check_size(min_accounts, "min_accounts", minimum=2)
    _check_size(max_accounts, "max_accounts", minimum=2)
    _check_size(max_steps, "max_steps")
    if min_accounts > max_accounts:
        raise InvalidArgument(
            f"min_accounts={min_accounts} is greater than max_accounts={max_accounts}"
        )
    if texts is not None:
        _check_strategy(texts, "texts")
    text_strategy = _plain_texts(min_size=1, max_size=20, blank=False) if texts is None else texts
    handles(policy=policy)  # checks the policy
    return _histories(
        min_accounts=min_accounts,
        max_accounts=max_accounts,
        max_steps=max_steps,
        policy=policy,
        text_strategy=text_strategy,
        mentions=texts is None,
    )


@attrs.frozen(kw_only=True)
class Replay:
    """What :func:`replay` did with a history.

    Attributes:
        accounts: The id of each account index (None if its registration was refused).
        posts: The id of each post index (None if the step that makes it was
            refused or skipped).
        applied: How many steps the service carried out.
        refused: ``(step index, error class name)`` for each step the service refused.
        skipped: The indices of steps that named an account or post an earlier
            refused step would have made; they were not attempted.
    """

    accounts: tuple[AccountId | None, ...]
    posts: tuple[PostId | None, ...]
    applied: int
    refused: tuple[tuple[int, str], ...]
    skipped: tuple[int, ...]


class _Skip(Exception):  # noqa: N818  # control flow, never raised to callers
    """A step names something a refused step would have made."""


_ACCOUNT_FIELDS: dict[type, tuple[str, ...]] = {
    cls: tuple(f.name for f in attrs.fields(cls) if f.type is int and f.name != "post")
    for cls in STEP_TYPES
}


def check_history(history: Iterable[Step]) -> tuple[Step, ...]:
    """Check that a history is well-formed, and return it as a tuple.

    Well-formed: every item is a step, and every account or post index it
    names is made by an earlier step. (Whether the service *allows* a step
    is for :func:`replay` to find out.)

    Args:
        history: The steps.

    Returns:
        The steps, as a tuple.

    Raises:
        ValidationError: ``history`` is not an iterable of steps, or a step names
            an index that no earlier step makes.
    """
    if isinstance(history, str | bytes) or not isinstance(history, Iterable):
        raise ValidationError(
            f"a history is an iterable of steps, got {type(history).__name__}",
            field="history",
            value=history,
        )
    steps = tuple(history)
    accounts = posts = 0
    for index, step in enumerate(steps):
        if not isinstance(step, STEP_TYPES):
            raise ValidationError(
                f"step {index} is {step!r}, not a step of microblog_core.testing.strategies",
                field="history",
                value=step,
            )
        named = [(name, getattr(step, name), accounts) for name in _ACCOUNT_FIELDS[type(step)]]
        if hasattr(step, "post"):
            named.append(("post", getattr(step, "post"), posts))  # noqa: B009
        for name, position, made in named:
            is_index = isinstance(position, int) and not isinstance(position, bool)
            if not is_index or not 0 <= position < made:
                what = "posts are made" if name == "post" else "accounts are registered"
                raise ValidationError(
                    f"step {index} ({type(step).__name__}) has {name}={position!r}, but only "
                    f"{made} {what} before it",
                    field=name,
                    value=position,
                )
        accounts += isinstance(step, RegisterStep)
        posts += isinstance(step, _POST_MAKING)
    return steps


# What the rules raise to refuse a use case; anything else (StorageError, a
# crash) is a bug and propagates.
_REFUSALS = (ValidationError, NotFoundError, PermissionDeniedError, ConflictError)


def replay(
    blog: "Microblog", history: Iterable[Step], *, tick: timedelta = timedelta(seconds=1)
) -> Replay:
    """Apply a history's steps to ``blog`` in order, skipping what the rules refuse.

    Each step runs one use case. When the service refuses it (a
    :class:`~microblog_core.errors.ValidationError`,
    :class:`~microblog_core.errors.NotFoundError`,
    :class:`~microblog_core.errors.PermissionDeniedError` or
    :class:`~microblog_core.errors.ConflictError`), the step is counted as
    refused and the history goes on; later steps that name what it would
    have made are skipped. Any other error propagates. A
    :class:`DeleteStep` is carried out by the post's author. If the
    service's clock is a :class:`~microblog_core.clock.ManualClock`, it moves
    ``tick`` forward before each step, so steps happen at distinct times and
    timed mutes can expire.

    Args:
        blog: The service, with no accounts whose handles the history uses.
        history: The steps, as :func:`histories` makes them.
        tick: How far a manual clock moves per step (zero to keep it still).

    Returns:
        What was applied, refused and skipped, and the ids made.

    Raises:
        ValidationError: ``history`` is not well-formed (see :func:`check_history`);
            nothing is applied then.

    Example:
        Bob is locked, so Ann's follow is only a request and she cannot see
        his followers-only post: her reply is refused, and Bob's like of
        that reply is skipped.

        >>> from microblog_core import ManualClock
        >>> from microblog_core.models import Visibility
        >>> from microblog_core.service import Microblog
        >>> from microblog_core.testing.strategies import (
        ...     DeleteStep,
        ...     FollowStep,
        ...     LikeStep,
        ...     PostStep,
        ...     RegisterStep,
        ...     ReplyStep,
        ...     replay,
        ... )
        >>> history = (
        ...     RegisterStep(handle="ann"),
        ...     RegisterStep(handle="bob", locked=True),
        ...     FollowStep(follower=0, followee=1),
        ...     PostStep(author=1, text="for followers", visibility=Visibility.PRIVATE),
        ...     ReplyStep(author=0, post=0, text="let me in"),
        ...     LikeStep(account=1, post=1),
        ...     DeleteStep(post=0),
        ... )
        >>> result = replay(Microblog.in_memory(clock=ManualClock()), history)
        >>> result.applied, result.refused, result.skipped
        (5, ((4, 'NotFoundError'),), (5,))
    """
    from microblog_core.clock import ManualClock

    if not isinstance(tick, timedelta):
        raise ValidationError(f"tick must be a timedelta, got {tick!r}", field="tick", value=tick)
    manual = blog.clock if isinstance(blog.clock, ManualClock) else None
    accounts: list[AccountId | None] = []
    posts: list[tuple[PostId, AccountId] | None] = []
    applied = 0
    refused: list[tuple[int, str]] = []
    skipped: list[int] = []
    for index, step in enumerate(check_history(history)):
        if manual is not None and tick:
            manual.advance(tick)
        makes_post = isinstance(step, _POST_MAKING)
        try:
            made = _apply(blog, step, accounts, posts)
        except _Skip:
            skipped.append(index)
            made = None
        except _REFUSALS as error:
            refused.append((index, type(error).__name__))
            made = None
        else:
            applied += 1
        if isinstance(step, RegisterStep):
            accounts.append(cast("AccountId | None", made))
        elif makes_post:
            posts.append(cast("tuple[PostId, AccountId] | None", made))
    return Replay(
        accounts=tuple(accounts),
        posts=tuple(None if p is None else p[0] for p in posts),
        applied=applied,
        refused=tuple(refused),
        skipped=tuple(skipped),
    )


def _apply(
    blog: "Microblog",
    step: Step,
    accounts: list[AccountId | None],
    posts: list[tuple[PostId, AccountId] | None],
) -> object:
    """Run one (checked) step; return the account id or (post id, author) it made, if any."""

    def account(name: str) -> AccountId:
        found: AccountId | None = accounts[getattr(step, name)]
        if found is None:
            raise _Skip
        return found

    def post() -> tuple[PostId, AccountId]:
        found: tuple[PostId, AccountId] | None = posts[getattr(step, "post")]  # noqa: B009
        if found is None:
            raise _Skip
        return found

    match step:
        case RegisterStep():
            return blog.register(step.handle, locked=step.locked).id
        case FollowStep():
            return blog.follow(
                account("follower"), account("followee"), show_reposts=step.show_reposts
            )
        case UnfollowStep():
            return blog.unfollow(account("follower"), account("followee"))
        case ApproveStep():
            return blog.approve_follow(account("account"), account("follower"))
        case RejectStep():
            return blog.reject_follow(account("account"), account("follower"))
        case BlockStep():
            return blog.block(account("blocker"), account("blocked"))
        case UnblockStep():
            return blog.unblock(account("blocker"), account("blocked"))
        case MuteStep():
            until = None if step.seconds is None else blog.now() + timedelta(seconds=step.seconds)
            return blog.mute(account("muter"), account("muted"), expires_at=until)
        case UnmuteStep():
            return blog.unmute(account("muter"), account("muted"))
        case PostStep():
            author = account("author")
            return blog.post(author, step.text, visibility=step.visibility).id, author
        case ReplyStep():
            author = account("author")
            return blog.reply(author, post()[0], step.text).id, author
        case QuoteStep():
            author = account("author")
            return blog.post(author, step.text, quote_of=post()[0]).id, author
        case RepostStep():
            author = account("account")
            shared = blog.repost(
                author, post()[0], comment=step.comment or None, also_comment=step.also_comment
            )
            return shared.id, author
        case UnrepostStep():
            return blog.unrepost(account("account"), post()[0])
        case LikeStep():
            return blog.like(account("account"), post()[0])
        case UnlikeStep():
            return blog.unlike(account("account"), post()[0])
        case _:
            post_id, author = post()
            return blog.delete_post(author, post_id)
