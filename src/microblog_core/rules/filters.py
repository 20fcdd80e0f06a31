r"""Keyword filters: which of an account's filters match a post (Mastodon's filters v2).

Matching follows Mastodon (``CustomFilter.apply_cached_filters`` and
``CustomFilterKeyword#to_regex``, v4.2):

- keywords match case-insensitively (full Unicode case folding here);
- a whole-word keyword gets a word boundary ``\b`` only on a side where the
  keyword itself starts or ends with a word character, so ``#tag`` or
  ``c++`` still match;
- in scripts written without spaces between words (Han, Hiragana, Katakana,
  Hangul, Thai, Lao, Khmer, Myanmar, Tibetan) there are no boundaries to find, so
  a whole-word keyword whose edge is such a character matches on that side
  anywhere, as a substring would;
- the text searched is the post's content warning, text, poll options and
  media descriptions (Mastodon's ``Status#searchable_text``), of the
  original for a repost;
- a filter's specific posts (``CustomFilterStatus``) match the post or, for
  a repost, its original;
- an expired filter never applies, and a filter applies only in its contexts;
- the viewer's own posts are never filtered, and for a repost "own" means
  the original's author: the viewer's post reposted by someone else is not
  filtered, someone else's post the viewer reposted is (Mastodon's web
  client, ``makeGetStatus``: ``(accountReblog || accountBase).get('id') !== me``).
"""

from collections.abc import Iterable, Mapping, Sequence
from datetime import datetime
from types import MappingProxyType

import regex
from attrs import frozen

from microblog_core.ids import AccountId, PostId
from microblog_core.models import (
    Filter,
    FilterAction,
    FilterContext,
    FilterKeyword,
    Media,
    Poll,
    Post,
)

__all__ = [
    "FilterResult",
    "FilterSet",
    "filterable_text",
    "freeze_marks",
    "hides",
    "keyword_pattern",
]

# Scripts with no spaces between words: a whole-word keyword matches inside a run of them.
_UNSPACED = regex.compile(
    r"[\p{Han}\p{Hiragana}\p{Katakana}\p{Hangul}\p{Thai}\p{Lao}\p{Khmer}\p{Myanmar}\p{Tibetan}]"
)
_WORD = regex.compile(r"\w")
_FLAGS = regex.IGNORECASE | regex.FULLCASE | regex.V0


def _bounded(char: str) -> bool:
    """Whether a keyword edge gets a word boundary: a word character of a spaced script."""
    return bool(_WORD.fullmatch(char)) and not _UNSPACED.fullmatch(char)


def keyword_pattern(keyword: FilterKeyword) -> "regex.Pattern[str]":
    """Return the pattern a keyword matches with (Mastodon's ``to_regex``, CJK-aware).

    Example:
        >>> from microblog_core.models import FilterKeyword
        >>> from microblog_core.rules.filters import keyword_pattern
        >>> bool(keyword_pattern(FilterKeyword(keyword="cat")).search("Concatenate"))
        False
        >>> bool(keyword_pattern(FilterKeyword(keyword="cat", whole_word=False)).search("Concat"))
        True
        >>> bool(keyword_pattern(FilterKeyword(keyword="警察")).search("北京警察局"))
        True
    """
    text = keyword.keyword
    body = regex.escape(text)
    if not keyword.whole_word:
        return regex.compile(body, _FLAGS)
    start = r"\b" if _bounded(text[0]) else ""
    end = r"\b" if _bounded(text[-1]) else ""
    return regex.compile(f"{start}{body}{end}", _FLAGS)


def filterable_text(post: Post) -> str:
    """Return the text filters search in a post (Mastodon's ``searchable_text``).

    The content warning, the text, the poll's options and the media
    descriptions, separated by blank lines. For a repost pass its original.
    """
    parts = [post.content_warning, post.text]
    for attachment in post.attachments:
        if isinstance(attachment, Poll):
            parts.append("\n\n".join(attachment.options))
        elif isinstance(attachment, Media) and attachment.description:
            parts.append(attachment.description)
    return "\n\n".join(part for part in parts if part)


@frozen(kw_only=True)
class FilterResult:
    """One filter that matched an item (Mastodon's ``FilterResult`` entity).

    Attributes:
        filter: The filter.
        keyword_matches: The filter's keywords found in the item (as the owner
            wrote them, in the filter's order); empty when only a post matched.
        status_matches: The filter's posts the item is (the item, or the
            original it reposts); empty when only keywords matched.
    """

    filter: Filter
    keyword_matches: tuple[str, ...] = ()
    status_matches: tuple[PostId, ...] = ()


def freeze_marks(
    value: Mapping[PostId, tuple[FilterResult, ...]],
) -> Mapping[PostId, tuple[FilterResult, ...]]:
    """Return a read-only copy of a page's filter marks (a converter for the page values)."""
    if isinstance(value, MappingProxyType):
        return value
    return MappingProxyType(dict(value))


def hides(results: Sequence[FilterResult]) -> bool:
    """Whether any of the matched filters has the ``hide`` action."""
    return any(r.filter.action is FilterAction.HIDE for r in results)


class FilterSet:
    """An owner's filters that apply in one context at one instant, compiled once.

    Build one per page: each keyword's pattern is compiled when the set is
    made, so matching a page costs one search per keyword and item.

    Args:
        filters: The owner's filters (any context, any expiry).
        context: The context the page is shown in.
        now: The instant expiry is judged at.
        viewer_id: The owner; their own posts (and reposts of them) are never filtered.
    """

    __slots__ = ("_filters", "_viewer")

    def __init__(
        self,
        filters: Iterable[Filter],
        context: FilterContext,
        now: datetime,
        viewer_id: AccountId | None,
    ) -> None:
        self._viewer = viewer_id
        self._filters = tuple(
            (f, tuple((k.keyword, keyword_pattern(k)) for k in f.keywords), frozenset(f.post_ids))
            for f in filters
            if context in f.contexts and f.active_at(now) and f.account_id == viewer_id
        )

    def __bool__(self) -> bool:
        """Whether any filter applies (an empty set matches nothing)."""
        return bool(self._filters)

    def match(self, item: Post, original: Post | None = None) -> tuple[FilterResult, ...]:
        """Return the filters that match an item, in the owner's filter order.

        Args:
            item: The item shown (a post, or a repost).
            original: For a repost, its original (its text is what is searched).

        Returns:
            One result per matching filter; empty when none matches or the
            item is the viewer's own (for a repost: the original is).
        """
        ref = item.repost_of
        if not self._filters:
            return ()
        author = item.author_id if ref is None else ref.root_author_id
        if author == self._viewer:
            return ()
        shown = original if original is not None and ref is not None else item
        ids = {item.id, shown.id}
        if ref is not None:
            ids.add(ref.root_id)
        text = filterable_text(shown)
        results = []
        for flt, patterns, post_ids in self._filters:
            words = tuple(word for word, pattern in patterns if pattern.search(text))
            posts = tuple(sorted(post_ids & ids))
            if words or posts:
                results.append(
                    FilterResult(filter=flt, keyword_matches=words, status_matches=posts)
                )
        return tuple(results)
