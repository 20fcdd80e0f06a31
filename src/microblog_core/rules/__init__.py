"""Pure domain decisions: access, reposts, threads and home-feed filters.

Rules are functions of values: they load nothing and write nothing, so they
are tested without storage. The service loads the facts and asks them.
"""

from microblog_core.rules.access import (
    FOLLOW_LIMIT,
    FOLLOW_LIMIT_RATIO,
    Standing,
    ViewerContext,
    can_see,
    check_follow,
    check_like,
    check_quote,
    check_reply,
    check_repost,
    may_reply_under_gate,
    repost_visibility,
)
from microblog_core.rules.feeds import (
    DEDUP_WINDOW,
    HomeContext,
    filtered_from_home,
    filtered_from_list,
    filtered_from_tags,
)
from microblog_core.rules.reposts import (
    ChainLink,
    build_comment_chain,
    first_comment,
    flatten_repost,
    format_chain,
    parse_comment_chain,
)
from microblog_core.rules.threads import (
    WILSON_Z,
    Placeholder,
    ThreadNode,
    ThreadSort,
    ThreadView,
    build_thread,
    reply_ref_for,
    wilson_lower_bound,
)

__all__ = [
    "DEDUP_WINDOW",
    "FOLLOW_LIMIT",
    "FOLLOW_LIMIT_RATIO",
    "WILSON_Z",
    "ChainLink",
    "HomeContext",
    "Placeholder",
    "Standing",
    "ThreadNode",
    "ThreadSort",
    "ThreadView",
    "ViewerContext",
    "build_comment_chain",
    "build_thread",
    "can_see",
    "check_follow",
    "check_like",
    "check_quote",
    "check_reply",
    "check_repost",
    "filtered_from_home",
    "filtered_from_list",
    "filtered_from_tags",
    "first_comment",
    "flatten_repost",
    "format_chain",
    "may_reply_under_gate",
    "parse_comment_chain",
    "reply_ref_for",
    "repost_visibility",
    "wilson_lower_bound",
]
