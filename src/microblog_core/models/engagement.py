"""Likes and the derived counters of posts and accounts."""

from datetime import datetime

from attrs import field, frozen

from microblog_core.ids import AccountId, PostId
from microblog_core.models._checks import check_aware, check_count, check_id, to_utc

__all__ = ["AccountCounters", "Like", "PostCounters"]


@frozen(kw_only=True)
class Like:
    """``account_id`` likes ``post_id`` (at most once).

    Attributes:
        account_id: Who likes.
        post_id: The post liked (an original or a reply; a repost's like goes to its root).
        created_at: When.
    """

    account_id: AccountId = field(validator=check_id)
    post_id: PostId = field(validator=check_id)
    created_at: datetime = field(converter=to_utc, validator=check_aware)


@frozen(kw_only=True)
class PostCounters:
    """A post's engagement counts: derived facts, kept equal to a recount.

    Attributes:
        replies: Direct replies to the post.
        reposts: Reposts of the post (a root's count includes reposts through other reposts).
        quotes: Posts quoting it.
        likes: Likes.
    """

    replies: int = field(default=0, validator=check_count)
    reposts: int = field(default=0, validator=check_count)
    quotes: int = field(default=0, validator=check_count)
    likes: int = field(default=0, validator=check_count)


@frozen(kw_only=True)
class AccountCounters:
    """An account's counts: derived facts, kept equal to a recount.

    Attributes:
        followers: Accounts following it.
        following: Accounts it follows.
        posts: Posts it has (originals, replies and reposts).
    """

    followers: int = field(default=0, validator=check_count)
    following: int = field(default=0, validator=check_count)
    posts: int = field(default=0, validator=check_count)
