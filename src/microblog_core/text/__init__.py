"""Post text: length policies, measuring, entity extraction and HTML rendering.

* :func:`measure` counts a post the way a network does (:data:`TWITTER_V3` by
  default; :data:`WEIBO`, :data:`MASTODON`, :data:`BLUESKY`...) and says
  whether it may be posted; :func:`check_text` raises instead, and
  :func:`is_valid_text` only answers yes or no.
* :func:`extract` finds URLs, mentions, lists, hashtags, cashtags and Weibo
  topics with their offsets (code points, UTF-16, UTF-8).
* :func:`render_html` turns a post into safe HTML with links.

The Twitter presets and :data:`Flavor.TWITTER` pass twitter-text's
conformance suite. Every function is linear in the length of its input.

Example:
    >>> from microblog_core.text import measure, WEIBO
    >>> measure("你好，世界").length, measure("你好，世界", WEIBO).length
    (10, 5)
"""

from microblog_core.text._extract import (
    Entity,
    EntityKind,
    Flavor,
    extract,
    is_valid_hashtag,
    is_valid_list,
    is_valid_username,
    remove_overlaps,
    reply_target,
)
from microblog_core.text._measure import (
    Measurement,
    Part,
    PartKind,
    Reason,
    check_text,
    is_valid_text,
    measure,
)
from microblog_core.text._offsets import (
    OffsetMap,
    codepoint_to_utf8,
    codepoint_to_utf16,
    utf8_length,
    utf8_to_codepoint,
    utf16_length,
    utf16_to_codepoint,
)
from microblog_core.text._policy import (
    BLUESKY,
    MASTODON,
    POLICIES,
    TWITTER_V1,
    TWITTER_V2,
    TWITTER_V3,
    WEIBO,
    WEIBO_LONG,
    LengthPolicy,
    Unit,
    WeightedRange,
    policy_named,
)
from microblog_core.text._render import Links, render_html
from microblog_core.text._urls import is_valid_url

__all__ = [
    "BLUESKY",
    "MASTODON",
    "POLICIES",
    "TWITTER_V1",
    "TWITTER_V2",
    "TWITTER_V3",
    "WEIBO",
    "WEIBO_LONG",
    "Entity",
    "EntityKind",
    "Flavor",
    "LengthPolicy",
    "Links",
    "Measurement",
    "OffsetMap",
    "Part",
    "PartKind",
    "Reason",
    "Unit",
    "WeightedRange",
    "check_text",
    "codepoint_to_utf8",
    "codepoint_to_utf16",
    "extract",
    "is_valid_hashtag",
    "is_valid_list",
    "is_valid_text",
    "is_valid_url",
    "is_valid_username",
    "measure",
    "policy_named",
    "remove_overlaps",
    "render_html",
    "reply_target",
    "utf8_length",
    "utf8_to_codepoint",
    "utf16_length",
    "utf16_to_codepoint",
]
