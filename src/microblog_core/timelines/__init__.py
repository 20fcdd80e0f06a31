"""Timelines: the home timeline's three strategies and the other timelines.

Choose a strategy when building the service; every strategy returns the same
pages (see :mod:`microblog_core.timelines.home` for what a home timeline
holds):

>>> from microblog_core import ManualClock
>>> from microblog_core.service import Microblog
>>> blog = Microblog.in_memory(clock=ManualClock(), timeline=Hybrid(threshold=1000))
>>> ann, bob = blog.register("ann"), blog.register("bob")
>>> _ = blog.follow(ann.id, bob.id)
>>> first = blog.post(bob.id, "first")
>>> second = blog.post(bob.id, "second")
>>> page = blog.home_timeline(ann.id, limit=1)
>>> [p.text for p in page.items]
['second']
>>> [p.text for p in blog.home_timeline(ann.id, max_id=page.next_max_id).items]
['first']

The account, hashtag, mentions and public timelines are plain functions of
a :class:`~microblog_core.ports.ReadPort` (the service is one), also
reachable as the service's methods (``blog.account_timeline(...)``). The
ranked timeline is in :mod:`microblog_core.timelines.ranked`. Timelines read
through the port and never call the service.
"""

from microblog_core.timelines.fanout import (
    DEFAULT_HYBRID_THRESHOLD,
    FanOutOnRead,
    FanOutOnWrite,
    Hybrid,
    TimelineStrategy,
)
from microblog_core.timelines.home import (
    HomeSource,
    followed_tags,
    home_context,
    home_filter,
    home_page,
    select_newest_first,
    select_oldest_first,
)
from microblog_core.timelines.listings import (
    account_timeline,
    hashtag_timeline,
    mentions_timeline,
    public_timeline,
)
from microblog_core.timelines.lists import ListSource, list_page, owned_list
from microblog_core.timelines.merge import merge_newest_first, merge_oldest_first
from microblog_core.timelines.pages import DEFAULT_LIMIT, MAX_LIMIT, TimelinePage

__all__ = [
    "DEFAULT_HYBRID_THRESHOLD",
    "DEFAULT_LIMIT",
    "MAX_LIMIT",
    "FanOutOnRead",
    "FanOutOnWrite",
    "HomeSource",
    "Hybrid",
    "ListSource",
    "TimelinePage",
    "TimelineStrategy",
    "account_timeline",
    "followed_tags",
    "hashtag_timeline",
    "home_context",
    "home_filter",
    "home_page",
    "list_page",
    "mentions_timeline",
    "merge_newest_first",
    "merge_oldest_first",
    "owned_list",
    "public_timeline",
    "select_newest_first",
    "select_oldest_first",
]
