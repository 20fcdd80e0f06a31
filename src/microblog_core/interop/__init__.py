"""Real data in, real formats out: Mastodon, ActivityPub, AT Protocol, Twitter and Weibo.

One module per format, each a consumer of the library's values:

* :mod:`~microblog_core.interop.mastodon` -- Mastodon REST ``Status`` and ``Account`` JSON.
* :mod:`~microblog_core.interop.activitypub` -- ActivityStreams 2.0 notes and activities.
* :mod:`~microblog_core.interop.atproto` -- AT Protocol (Bluesky) records.
* :mod:`~microblog_core.interop.twitter` -- Twitter API v2 and v1.1 tweets.
* :mod:`~microblog_core.interop.weibo` -- Weibo comment chains and cascade files.

:mod:`~microblog_core.interop.importing` writes what a reader yields through
the service, in atomic batches. Malformed input raises
:class:`~microblog_core.errors.ValidationError` naming the JSON path; unknown
fields are ignored. The core needs none of this: it imports nothing from here.
"""

from microblog_core.interop import (
    activitypub,
    atproto,
    exporting,
    importing,
    mastodon,
    twitter,
    weibo,
)

__all__ = ["activitypub", "atproto", "exporting", "importing", "mastodon", "twitter", "weibo"]
