"""Hypothesis strategies for microblog_core's values, texts, threads, graphs and histories.

- Values: :func:`accounts`, :func:`posts`, :func:`replies_to`,
  :func:`reposts`, :func:`follows`, :func:`blocks`, :func:`mutes`,
  :func:`likes`, :func:`events` and the rest, one for every value class.
- Texts: :func:`texts` makes post texts valid under a length policy (or just
  too long for it) that mix the scripts, emoji and entities the networks
  count differently.
- Structures: :func:`threads` (a root and its replies, as a :class:`Thread`),
  :func:`follow_graphs` (:class:`~microblog_core.sim.graphs.FollowGraph`)
  and :func:`histories` (sequences of use cases, with :func:`replay` to run
  them on a :class:`~microblog_core.service.Microblog`).

Every strategy here generates values that are *valid by default*: building
them passes every invariant of the value class, and values that refer to
each other are consistent (a reply is newer than its parent, a repost newer
than what it shares, a handle follows its network's rules). Options are
keyword-only and narrow what is generated; options that vary per example
take strategies, never plain values (wrap a value in :func:`~hypothesis.strategies.just`).
Bad options raise :class:`hypothesis.errors.InvalidArgument`.

Ids and times agree as the service's :class:`~microblog_core.ids.IdGenerator`
would make them: a generated account or post has
``created_at == timestamp_of(id)``, so id order is time order.

Shrinking: ids shrink toward 1, datetimes toward 2000-01-01 (Hypothesis'
default), texts toward short ASCII, optional parts toward absent, enums
toward their first member, and :func:`posts` toward an original post. A
failing example is therefore usually a small original post by account 1.
Threads shrink toward fewer replies, graphs toward fewer nodes and edges,
histories toward fewer steps: each draws its shape first, as a list of
small values, so that Hypothesis can delete parts of it.

The default text of the value strategies is deliberately plain (short
strings of letters, digits, punctuation, symbols and spaces, at most a few
dozen characters), so it fits every length policy. Strategies that take
``texts=`` accept any strategy of strings, for example
``texts(policy=MASTODON)``.

Hypothesis finds these strategies without an import: the plugin registered
through the ``hypothesis`` entry point makes ``st.from_type(Post)`` (and every
other class in :data:`~microblog_core.models.VALUE_CLASSES`) use them.

Example:
    >>> from hypothesis import given
    >>> from microblog_core.testing.strategies import posts
    >>> @given(posts(kinds=("reply",)))
    ... def test_reply_is_newer_than_parent(post):
    ...     assert post.reply_to.parent_id < post.id
    >>> test_reply_is_newer_than_parent()
"""

from collections.abc import Callable
from typing import Any

from hypothesis import strategies as st

from microblog_core.ids import AccountId, PostId
from microblog_core.models import (
    Account,
    AccountCounters,
    AccountList,
    Block,
    Bookmark,
    Filter,
    FilterKeyword,
    Follow,
    FollowRequest,
    Like,
    Location,
    Media,
    Mute,
    Notification,
    NotificationGroupHead,
    NotificationPolicy,
    NotificationRequest,
    Pin,
    Poll,
    PollVote,
    Post,
    PostCounters,
    PostVersion,
    Relationship,
    ReplyGate,
    ReplyRef,
    RepostRef,
)
from microblog_core.testing import _histories, _texts, _values
from microblog_core.testing._graphs import (
    follow_graphs,
)
from microblog_core.testing._histories import (
    ApproveStep,
    BlockStep,
    DeleteStep,
    FollowStep,
    LikeStep,
    MuteStep,
    PostStep,
    QuoteStep,
    RegisterStep,
    RejectStep,
    Replay,
    ReplyStep,
    RepostStep,
    UnblockStep,
    UnfollowStep,
    UnlikeStep,
    UnmuteStep,
    UnrepostStep,
    check_history,
    histories,
    replay,
)
from microblog_core.testing._texts import (
    texts,
)
from microblog_core.testing._threads import (
    Thread,
    threads,
)
from microblog_core.testing._values import (
    _EVENT_CLASSES,
    account_counters,
    account_ids,
    account_lists,
    accounts,
    attachments,
    blocks,
    bookmarks,
    datetimes,
    events,
    filter_keywords,
    filters,
    follow_requests,
    follows,
    handles,
    ids,
    likes,
    locations,
    media,
    mutes,
    notification_group_heads,
    notification_policies,
    notification_requests,
    notifications,
    pins,
    poll_votes,
    polls,
    post_counters,
    post_ids,
    post_versions,
    posts,
    relationships,
    replies_to,
    reply_gates,
    reply_refs,
    repost_refs,
    reposts,
)

__all__ = [
    "KINDS",
    "MAX_OVERSHOOT",
    "STEP_TYPES",
    "ApproveStep",
    "BlockStep",
    "DeleteStep",
    "FollowStep",
    "LikeStep",
    "MuteStep",
    "PostStep",
    "QuoteStep",
    "RegisterStep",
    "RejectStep",
    "Replay",
    "ReplyStep",
    "RepostStep",
    "Step",
    "Thread",
    "UnblockStep",
    "UnfollowStep",
    "UnlikeStep",
    "UnmuteStep",
    "UnrepostStep",
    "account_counters",
    "account_ids",
    "account_lists",
    "accounts",
    "attachments",
    "blocks",
    "bookmarks",
    "check_history",
    "datetimes",
    "events",
    "filter_keywords",
    "filters",
    "follow_graphs",
    "follow_requests",
    "follows",
    "handles",
    "histories",
    "ids",
    "likes",
    "locations",
    "media",
    "mutes",
    "notification_group_heads",
    "notification_policies",
    "notification_requests",
    "notifications",
    "pins",
    "poll_votes",
    "polls",
    "post_counters",
    "post_ids",
    "post_versions",
    "posts",
    "relationships",
    "replay",
    "replies_to",
    "reply_gates",
    "reply_refs",
    "repost_refs",
    "reposts",
    "texts",
    "threads",
]

# --- type registration -----------------------------------------------------------------


# The public constants are bound here, where their documentation lives.
KINDS: tuple[str, ...] = _values.KINDS
"""The kinds of post :func:`posts` can generate, in shrinking order."""

MAX_OVERSHOOT: int = _texts.MAX_OVERSHOOT
"""How far past its limit a text from ``texts(valid=False)`` may be, in length units.

An invalid text is as short as a too-long text can be made by cutting it at a
grapheme boundary; the last grapheme (an emoji sequence, a URL that the cut
completes) can cost up to this much.
"""

Step = _histories.Step
"""One use case of a history (any of the ``...Step`` classes).

:meta hide-value:
"""

STEP_TYPES: tuple[type, ...] = _histories.STEP_TYPES
"""Every step class (the members of :data:`Step`).

:meta hide-value:
"""


def _strategy_for_type(cls: Any) -> Any:
    """Return the strategy the Hypothesis plugin registers for ``cls``, or NotImplemented."""
    table: dict[Any, Callable[[], st.SearchStrategy[Any]]] = {
        Account: accounts,
        Post: posts,
        ReplyRef: reply_refs,
        RepostRef: repost_refs,
        ReplyGate: reply_gates,
        Media: media,
        Location: locations,
        Poll: polls,
        Follow: follows,
        FollowRequest: follow_requests,
        Block: blocks,
        Mute: mutes,
        Relationship: relationships,
        Like: likes,
        PostCounters: post_counters,
        AccountCounters: account_counters,
        Notification: notifications,
        NotificationGroupHead: notification_group_heads,
        Pin: pins,
        Bookmark: bookmarks,
        Filter: filters,
        FilterKeyword: filter_keywords,
        PostVersion: post_versions,
        PollVote: poll_votes,
        NotificationPolicy: notification_policies,
        NotificationRequest: notification_requests,
        AccountList: account_lists,
        AccountId: account_ids,
        PostId: post_ids,
    }
    factory = table.get(cls)
    if factory is not None:
        return factory()
    if cls in _EVENT_CLASSES:
        return events(types=(cls,))
    return NotImplemented
