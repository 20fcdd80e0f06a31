"""Repost flattening and Weibo's repost-with-comment chains.

A repost of a repost is a repost of the root, and keeps ``via`` (the repost
it came through) so cascades keep their parent links (Weibo cascade data
needs the full path).

On Weibo, reposting a repost that carried a comment quotes the chain of
comments so far: ``my words//@B:B's words//@C:C's words``. The separator
after the handle is an ASCII ``:`` or a full-width ``：``.
"""

from collections.abc import Callable

import regex
from attrs import frozen

from microblog_core.models import Post, RepostRef

__all__ = [
    "ChainLink",
    "build_comment_chain",
    "first_comment",
    "flatten_repost",
    "format_chain",
    "parse_comment_chain",
]

_LINK_RE = regex.compile(r"//@([^\s:：/@]+)[:：]")


def flatten_repost(target: Post) -> RepostRef:
    """Return what a repost of ``target`` shares: the root, and ``via`` when ``target`` is a repost.

    Example:
        >>> from datetime import datetime, timezone
        >>> from microblog_core.models import Post
        >>> from microblog_core.rules import flatten_repost
        >>> t = datetime(2026, 1, 1, tzinfo=timezone.utc)
        >>> root = Post.create(id=10, author_id=1, created_at=t, text="news")
        >>> flatten_repost(root)
        RepostRef(root_id=10, root_author_id=1, via_id=None, via_author_id=None)
        >>> hop = Post.create_repost(id=11, author_id=2, created_at=t, of=flatten_repost(root))
        >>> flatten_repost(hop)
        RepostRef(root_id=10, root_author_id=1, via_id=11, via_author_id=2)
    """
    # The ids are a post's: RepostRef._quick checks them inline (an id it does
    # not vouch for goes through the checked constructor).
    ref = target.repost_of
    if ref is None:
        return RepostRef._quick(root_id=target.id, root_author_id=target.author_id)
    return RepostRef._quick(
        root_id=ref.root_id,
        root_author_id=ref.root_author_id,
        via_id=target.id,
        via_author_id=target.author_id,
    )


@frozen
class ChainLink:
    """One link of a Weibo comment chain.

    Attributes:
        handle: Whose words these are (None for the newest, the reposter's own).
        text: The words.
    """

    handle: str | None
    text: str


def build_comment_chain(
    comment: str,
    via: Post | None,
    via_handle: str | None,
    *,
    fits: Callable[[str], bool] | None = None,
) -> str:
    """Build the text of a Weibo repost-with-comment.

    When reposting through a repost that carried text, its text (itself a
    chain) is appended after ``//@handle:``. When ``fits`` is given and the
    whole chain does not fit, the oldest links are dropped until it does
    (the reposter's own words are always kept).

    Args:
        comment: The reposter's own words (may be empty).
        via: The repost being reposted, if any.
        via_handle: The handle of ``via``'s author.
        fits: A predicate telling whether a text fits the length policy.

    Returns:
        The chain text.

    Example:
        >>> from microblog_core.rules import build_comment_chain
        >>> build_comment_chain("agreed", None, None)
        'agreed'
    """
    if via is None or not via.text or via_handle is None:
        return comment
    # The chain is the concatenation of its links, so the chain without its
    # oldest links is a prefix of the whole. Matches of the link pattern never
    # overlap (a handle holds no "/" or "@"), so each "//@" where the pattern
    # matches starts a link: walk them from the end, cutting there, instead of
    # parsing every link of a long chain to drop one or two.
    via_text = via.text
    if "：" in via_text:
        via_text = _LINK_RE.sub(r"//@\1:", via_text)  # format_chain writes ASCII colons
    text = f"{comment}//@{via_handle}:{via_text}"
    if fits is None:
        return text
    offset = len(text) - len(via_text)
    end = len(via_text)
    while not fits(text):
        start = via_text.rfind("//@", 0, end)
        while start >= 0 and _LINK_RE.match(via_text, start) is None:
            start = via_text.rfind("//@", 0, start)
        if start < 0:
            return comment  # only the reposter's own words are left; they are kept
        end = start
        text = text[: offset + start]
    return text


def format_chain(links: list[ChainLink]) -> str:
    """Join chain links back into text (the inverse of :func:`parse_comment_chain`)."""
    parts = [links[0].text]
    parts.extend(f"//@{link.handle}:{link.text}" for link in links[1:])
    return "".join(parts)


def parse_comment_chain(text: str) -> tuple[ChainLink, ...]:
    """Split a Weibo comment chain into its links, newest first.

    The first link has ``handle=None``: the words of whoever posted ``text``.

    Example:
        >>> from microblog_core.rules import parse_comment_chain
        >>> [(l.handle, l.text) for l in parse_comment_chain("me too//@B:so true//@C：hello")]
        [(None, 'me too'), ('B', 'so true'), ('C', 'hello')]
    """
    links: list[ChainLink] = []
    handle: str | None = None
    position = 0
    for match in _LINK_RE.finditer(text):
        links.append(ChainLink(handle, text[position : match.start()]))
        handle = match.group(1)
        position = match.end()
    links.append(ChainLink(handle, text[position:]))
    return tuple(links)


def first_comment(text: str) -> str:
    """Return the newest link's words: ``parse_comment_chain(text)[0].text``, without the rest.

    Only the first link is looked for, so a long chain costs no more than its
    first link (an import that reposts through a chain needs only these words).

    Example:
        >>> from microblog_core.rules import first_comment
        >>> first_comment("me too//@B:so true//@C：hello")
        'me too'
    """
    match = _LINK_RE.search(text)
    return text if match is None else text[: match.start()]
