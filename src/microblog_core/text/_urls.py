r"""URL extraction and validation with twitter-text's rules, in linear time.

twitter-text finds URLs with one large backtracking regular expression
(``extractUrl`` in ``js/src/regexp``) scanned left to right: a preceding
character, an optional ``http(s)://``, a domain of labels ending in a known
TLD, an optional port, path and query. Its domain part nests quantifiers
(``validSubdomain*`` over ``(?:[_-]|char)*`` runs) and backtracks
catastrophically on inputs such as ``"a." * 3000``.

This module computes the same matches without backtracking:

* one pass finds every known TLD right after a dot (the TLD lists compiled
  into a trie-shaped regex, so each attempt costs a few comparisons);
* only the run of domain characters around such a TLD is examined: its
  labels are indexed once, right to left, so where a domain starting in a
  label ends is an O(1) lookup;
* the path and query are possessive runs, trimmed back to the last
  character a path or query may end with by one more possessive match.

The scan keeps upstream's quirks on purpose: a match (even one that is then
rejected) consumes its text, so the next URL's preceding character must come
after it; at offset 0 a URL starting at 1 is tried before one starting at 0.
"""

import re
from typing import Any

from microblog_core.text._chars import (
    CTRL,
    CYRILLIC,
    DIRECTIONAL,
    INVALID,
    LATIN_ACCENTS,
    SPACES,
    SURROGATES,
    safe_lower,
)
from microblog_core.text._tlds import COUNTRY_TLDS, GENERIC_TLDS

__all__ = ["UrlMatch", "ascii_domains", "find_urls", "is_valid_url"]

MAX_URL_LENGTH = 4096
MAX_TCO_SLUG_LENGTH = 40
MAX_LABEL_LENGTH = 63
_DEFAULT_PROTOCOL_LENGTH = len("https://")

# A run character may appear in a domain: anything but white space, ASCII
# punctuation other than ". _ -", control, directional and invalid characters.
_NOT_RUN = rf"{SPACES}{DIRECTIONAL}{INVALID}{CTRL}{SURROGATES}!-,/:-@\[-\^`{{-~"
# Matched from a point known to be outside any pending run up to a dot, this
# ends where the dot's run starts (after the last non-run character).
_SKIP_TO_RUN_RE = re.compile(rf"(?:[^{_NOT_RUN}]*+[{_NOT_RUN}])*+")
_RUN_END_RE = re.compile(rf"[{_NOT_RUN}]")


def _trie_pattern(words: tuple[str, ...]) -> str:
    """A regex matching any of ``words``, longest first, as a trie of alternations.

    Python's ``re`` walks a trie in a few comparisons per character, where a flat
    alternation (or ``regex``'s named lists) compares every entry in turn.
    """
    trie: dict[str, Any] = {}
    for word in words:
        node = trie
        for char in word:
            node = node.setdefault(char, {})
        node[""] = {}

    def build(node: dict[str, Any]) -> str:
        branches = [re.escape(char) + build(node[char]) for char in sorted(node) if char]
        if not branches:
            return ""
        body = branches[0] if len(branches) == 1 else "(?:" + "|".join(branches) + ")"
        if "" in node:
            # Greedy "?": the longer TLD first, the shorter on backtracking.
            return f"(?:{body})?"
        return body

    return build(trie)


# A TLD right after a dot, matched in lower-cased text. Generic TLDs before
# country ones; within a list the longest TLD whose lookahead holds wins, as
# in upstream's alternation (sorted longest first). The guard rejects at once
# a dot not followed by two letters (every TLD has at least two).
_TLD_LOOKAHEAD = r"(?=[^0-9a-z@+\-]|\Z)"
_TLD_RE = re.compile(
    r"\.(?=[a-z\u0080-\U0010ffff]{2})(?:"
    f"{_trie_pattern(GENERIC_TLDS)}{_TLD_LOOKAHEAD}"
    f"|{_trie_pattern(COUNTRY_TLDS)}{_TLD_LOOKAHEAD}"
    r"|xn--[\-0-9a-z]++)"
)

# The same TLDs at the start of a string (a piece of text after a dot).
_TLD_AT_START_RE = re.compile(_TLD_RE.pattern[2:])
# A text with more than one dot in _DENSE_RATIO characters is "dense".
_DENSE_MIN_LENGTH = 2000
_DENSE_RATIO = 20
_DENSE_ROUNDS = 6

# Inside a run a URL may start after "_", "-" or a non-ASCII character other
# than the full-width at and number signs (validUrlPrecedingChars).
_INNER_START_RE = re.compile(r"(?:(?<=[_\-])|(?<=[^\x00-\x7f\uff20\uff03]))[^._\-]")

_PATH_CHARS = rf"a-zA-Z{CYRILLIC}0-9!*';:=+,.$/%#\[\]\-\u2013_~@|&{LATIN_ACCENTS}"
_PATH_END_CHARS = rf"+\-a-zA-Z{CYRILLIC}0-9=_#/{LATIN_ACCENTS}"
_G = f"[{_PATH_CHARS}]"
_BALANCED_PARENS = rf"\((?:{_G}++\)|{_G}*+\({_G}++\){_G}*+\))"
_PATH_STREAM_RE = re.compile(rf"(?:{_G}++|{_BALANCED_PARENS})*+")
# Segments that each end in a character a path may end with: the match ends
# after the last such character (the backtracking upstream settles on).
_PATH_TRIM_RE = re.compile(rf"(?:[^{_PATH_END_CHARS})]*+[{_PATH_END_CHARS})])*+")
_QUERY_CHARS = r"a-zA-Z0-9!?*'@();:&=+$/%#\[\]\-_.,~|"
_QUERY_END_CHARS = r"a-zA-Z0-9\-_&=#/"
_QUERY_STREAM_RE = re.compile(rf"[{_QUERY_CHARS}]*+")
_QUERY_TRIM_RE = re.compile(rf"(?:[^{_QUERY_END_CHARS}]*+[{_QUERY_END_CHARS}])*+")
_PORT_RE = re.compile(r":[0-9]++")
_TCO_RE = re.compile(
    rf"https?://t\.co/([a-z0-9]++)(?:\?[{_QUERY_CHARS}]*+(?<=[{_QUERY_END_CHARS}]))?"
)

_ASCII_LABEL_CHARS = rf"a-zA-Z0-9\-{LATIN_ACCENTS}"
_ASCII_LABEL_RE = re.compile(rf"[{_ASCII_LABEL_CHARS}]++")
# Ends after the last character of a label that an ASCII domain cannot contain.
_BEFORE_ASCII_TAIL_RE = re.compile(rf"(?:[{_ASCII_LABEL_CHARS}]*+[^{_ASCII_LABEL_CHARS}])*+")
# A run of plain ASCII labels: letters, digits and inner hyphens.
_SIMPLE_RUN_RE = re.compile(
    r"[A-Za-z0-9](?:[A-Za-z0-9\-]*+(?<!-))?(?:\.[A-Za-z0-9](?:[A-Za-z0-9\-]*+(?<!-))?)++"
)
_IDNA_SEPARATORS_RE = re.compile(r"[.\u3002\uff0e\uff61]")


UrlMatch = tuple[int, int, bool]
"""A URL found in a text: ``(start, end, has_protocol)``, code point offsets."""


def _valid_preceding(char: str) -> bool:
    """Whether ``char`` may precede a URL (upstream ``validUrlPrecedingChars``)."""
    if char.isascii():
        return not (char.isalnum() or char in "@$#")
    return char not in "\uff20\uff03\ufffe\ufeff\uffff"


def _bisect(starts: list[int], position: int) -> int:
    """Index of the last entry of the sorted ``starts`` that is <= ``position``."""
    lo, hi = 0, len(starts)
    while lo < hi:
        mid = (lo + hi) // 2
        if starts[mid] <= position:
            lo = mid + 1
        else:
            hi = mid
    return lo - 1


def _utf16_len(text: str) -> int:
    if text.isascii():
        return len(text)
    return len(text.encode("utf-16-le", "surrogatepass")) // 2


def _idna_label_length(label: str) -> int:
    """Length of ``punycode.toASCII(label)``, as twitter-text's ``idna.js`` uses it."""
    parts = _IDNA_SEPARATORS_RE.split(label)
    total = len(parts) - 1
    for part in parts:
        total += len(part) if part.isascii() else 4 + len(part.encode("punycode"))
    return total


def _idna_ok(domain: str) -> bool:
    """Upstream ``idna.toAscii`` succeeds: every label encodes to 1 to 63 characters."""
    if domain.startswith("xn--") and not ascii_domains(domain, 0, len(domain)):
        return False
    labels = domain.split(".")
    if domain.isascii():
        return min(map(len, labels)) > 0 and max(map(len, labels)) <= MAX_LABEL_LENGTH
    for label in labels:
        # Encoding never shortens a label, so a long one fails without encoding.
        if len(label) > MAX_LABEL_LENGTH:
            return False
        if not 1 <= _idna_label_length(label) <= MAX_LABEL_LENGTH:
            return False
    return True


class _Run:
    """The labels of one run of domain characters, indexed for O(1) lookups."""

    __slots__ = ("chain", "ends", "last", "last_ok", "last_underscore", "starts", "tld_end")

    def __init__(self, text: str, low: str, a: int, b: int) -> None:
        labels = text[a:b].split(".")
        count = len(labels)
        starts: list[int] = []
        ends: list[int] = []
        position = a
        for label in labels:
            starts.append(position)
            position += len(label)
            ends.append(position)
            position += 1
        # tld_end[j]: where the TLD that starts label j ends (0: none).
        tld_end = [0] * (count + 1)
        for match in _TLD_RE.finditer(low, a, min(len(low), b + 1)):
            tld_end[_bisect(starts, match.start() + 1)] = match.end()
        last = count - 1
        last_ok = [False] * count
        sub_ok = [False] * count
        good = [False] * count
        last_underscore = [-1] * count
        for index, label in enumerate(labels):
            ok_last = bool(label) and label[-1] not in "_-"
            last_ok[index] = ok_last
            # validSubdomain: non-empty, no "_" or "-" at either end, then a dot.
            sub_ok[index] = ok_last and label[0] not in "_-" and index < last
            underscore = label.rfind("_")
            last_underscore[index] = starts[index] + underscore if underscore >= 0 else -1
            # validDomainName (no "_") followed by a TLD.
            good[index] = sub_ok[index] and underscore < 0 and tld_end[index + 1] > 0
        # chain[i]: the largest k > i such that labels i+1..k-1 are valid
        # subdomains and label k is a valid domain name followed by a TLD: what
        # the greedy ``validSubdomain*`` settles on; -1 if there is none.
        chain = [-1] * count
        for index in range(last - 1, -1, -1):
            successor = index + 1
            if not sub_ok[successor]:
                chain[index] = -1
            elif chain[successor] >= 0:
                chain[index] = chain[successor]
            else:
                chain[index] = successor if good[successor] else -1
        self.starts = starts
        self.ends = ends
        self.last = last
        self.tld_end = tld_end
        self.last_ok = last_ok
        self.last_underscore = last_underscore
        self.chain = chain


def _first_start(text: str, run: _Run, index: int, lo: int, *, label_start_ok: bool) -> int:
    """The first position >= ``lo`` in label ``index`` where a URL may start, or -1."""
    start = run.starts[index]
    end = run.ends[index]
    if lo <= start:
        if label_start_ok and start < end and text[start] not in "_-":
            return start
        lo = start + 1
    if lo >= end:
        return -1
    match = _INNER_START_RE.search(text, lo, end)
    return match.start() if match else -1


def _end_of(pattern: re.Pattern[str], text: str, start: int, end: int | None = None) -> int:
    """Where ``pattern`` (one that always matches) ends when matched at ``start``."""
    match = pattern.match(text, start) if end is None else pattern.match(text, start, end)
    return match.end() if match else start


def _path_end(text: str, slash: int) -> int:
    """End of the path that starts with the slash at ``slash``."""
    stream_end = _end_of(_PATH_STREAM_RE, text, slash + 1)
    if stream_end == slash + 1:
        return stream_end
    return _end_of(_PATH_TRIM_RE, text, slash + 1, stream_end)


def _query_end(text: str, mark: int) -> int:
    """End of the query that starts with the ``?`` at ``mark``, or ``mark`` if none."""
    stream_end = _end_of(_QUERY_STREAM_RE, text, mark + 1)
    end = _end_of(_QUERY_TRIM_RE, text, mark + 1, stream_end)
    return end if end > mark + 1 else mark


def _url_tail(text: str, domain_end: int) -> tuple[int, bool]:
    """End of the port, path and query after a domain; whether there was a path."""
    end = domain_end
    following = text[end : end + 1]
    if following == ":":
        port = _PORT_RE.match(text, end)
        if port:
            end = port.end()
            following = text[end : end + 1]
    has_path = following == "/"
    if has_path:
        end = _path_end(text, end)
        following = text[end : end + 1]
    if following == "?":
        end = _query_end(text, end)
    return end, has_path


def ascii_domains(text: str, start: int, end: int) -> list[tuple[int, int]]:
    r"""The ASCII domains in ``text[start:end]`` (upstream ``validAsciiDomain``, global).

    Args:
        text: The text.
        start: Where the domain starts.
        end: Where it ends; a TLD's lookahead sees the end of input there.

    Returns:
        The spans of the successive non-overlapping matches of
        ``(?:[-a-z0-9À-ɏ…]+\.)+(?:gTLD|ccTLD|punycode)``.
    """
    domain = text[start:end]
    labels = domain.split(".")
    count = len(labels)
    starts: list[int] = []
    position = 0
    for label in labels:
        starts.append(position)
        position += len(label) + 1
    tld_end = [0] * (count + 1)
    for match in _TLD_RE.finditer(safe_lower(domain)):
        tld_end[_bisect(starts, match.start() + 1)] = match.end()
    # best[t]: the largest x >= t such that labels t+1..x are whole ASCII labels
    # followed by a dot and a TLD starts label x+1 (greedy ``(label\.)+``).
    best = [-1] * count
    for index in range(count - 2, -1, -1):
        own = index if tld_end[index + 1] else -1
        successor = index + 1
        if successor < count - 1 and _ASCII_LABEL_RE.fullmatch(labels[successor]):
            best[index] = best[successor] if best[successor] >= 0 else own
        else:
            best[index] = own
    found: list[tuple[int, int]] = []
    resume = 0
    index = 0
    while index < count - 1:
        label_start = starts[index]
        label_end = label_start + len(labels[index])
        if best[index] < 0 or label_end == label_start:
            index += 1
            continue
        # The match must start in the label's trailing run of ASCII characters.
        tail = _end_of(_BEFORE_ASCII_TAIL_RE, domain, label_start, label_end)
        first = max(tail, resume)
        if first >= label_end:
            index += 1
            continue
        match_end = tld_end[best[index] + 1]
        found.append((start + first, start + match_end))
        resume = match_end
        index = best[index] + 1
    return found


def _protocol_before(low: str, a: int) -> int:
    """Length of an ``http://`` or ``https://`` ending at ``a``, or 0."""
    if a >= 8 and low.startswith("https://", a - 8):
        return 8
    if a >= 7 and low.startswith("http://", a - 7):
        return 7
    return 0


def _domain_end(run: _Run, index: int, start: int) -> int:
    """Where a domain that starts at ``start`` inside label ``index`` ends (0: none)."""
    if not run.last_ok[index]:
        return 0
    k = run.chain[index]
    if k >= 0:
        return run.tld_end[k + 1]
    if index < run.last and start > run.last_underscore[index]:
        return run.tld_end[index + 1]
    return 0


def _may_hold_tld(low: str) -> bool:
    """Whether a TLD may follow a dot of the lower-cased ``low`` (a text dense with dots).

    Each distinct piece between dots is checked once, rather than the TLD
    pattern at every dot. A few rounds first delete copies of the first
    piece (``.www.`` in ``www.www.www...``), which shrinks a repetitive text
    in C; the pieces left are then split out and deduplicated. Deleting a
    piece that is not a TLD cannot make one appear: the pieces left are a
    subset of the original ones.
    """
    probe = low
    for _ in range(_DENSE_ROUNDS):
        first = probe.find(".")
        if first < 0:
            return False
        second = probe.find(".", first + 1)
        piece = probe[first + 1 : second] if second >= 0 else probe[first + 1 :]
        if _TLD_AT_START_RE.match(piece):
            return True
        if second < 0:
            return False
        probe = probe.replace(f".{piece}.", ".")
    return any(map(_TLD_AT_START_RE.match, set(probe.split("."))))


_LAST_SCAN: list[tuple[str, tuple[UrlMatch, ...]]] = [("", ())]
"""The last text scanned with every URL kept, and its URLs (one entry)."""


def find_urls(text: str, *, require_protocol: bool = False) -> list[UrlMatch]:
    """The URLs twitter-text's ``extractUrlsWithIndices`` finds, in order.

    A post's text is measured and then its entities are extracted: both look
    for its URLs. The scan of the last text is kept, so the second look is
    free. Requiring the protocol changes no match, only which are kept (the
    scan resumes where each match ends either way), so both answers come
    from one scan (``tests/text/test_urls.py`` checks both against the scan).

    Args:
        text: The text to scan.
        require_protocol: Only URLs that start with ``http://`` or ``https://``
            (upstream's ``extractUrlsWithoutProtocol: false``).

    Returns:
        ``(start, end, has_protocol)`` per URL, with code point offsets.
    """
    if "." not in text or (require_protocol and ":" not in text):
        return []
    last_text, found = _LAST_SCAN[0]
    if text != last_text:
        found = tuple(_scan_urls(text, require_protocol=False))
        _LAST_SCAN[0] = (text, found)
    if require_protocol:
        return [url for url in found if url[2]]
    return list(found)


def _scan_urls(text: str, *, require_protocol: bool) -> list[UrlMatch]:
    """:func:`find_urls` without the kept scan."""
    found: list[UrlMatch] = []
    if "." not in text or (require_protocol and ":" not in text):
        return found
    low = safe_lower(text)
    if (
        len(low) > _DENSE_MIN_LENGTH
        and low.count(".") * _DENSE_RATIO > len(low)
        and not _may_hold_tld(low)
    ):
        return found
    consumed = 0  # text before this offset belongs to an earlier match
    run_end = 0
    # Only runs of domain characters that contain a TLD after a dot can hold a
    # URL: find those TLDs first (one pass in C), then look at their runs.
    for tld in _TLD_RE.finditer(low):
        dot = tld.start()
        if dot < run_end:
            continue
        skipped = _SKIP_TO_RUN_RE.match(text, run_end, dot)
        a = skipped.end() if skipped else run_end
        outside = _RUN_END_RE.search(text, dot)
        b = outside.start() if outside else len(text)
        run_end = b
        if b <= consumed:
            continue
        protocol = _protocol_before(low, a)
        start = -1
        if protocol:
            p = a - protocol
            if (p == 0 and consumed == 0) or (
                p > 0 and p - 1 >= consumed and _valid_preceding(text[p - 1])
            ):
                start = p
            else:
                protocol = 0
        if start < 0 and (
            (a == 0 and consumed == 0)
            or (a > 0 and a - 1 >= consumed and _valid_preceding(text[a - 1]))
        ):
            start = a
        if (start >= 0 or (a > 0 and a - 1 >= consumed)) and _SIMPLE_RUN_RE.fullmatch(text, a, b):
            # The common case: plain ASCII labels (no "_", no hyphen at either
            # end), all valid subdomains, so a domain runs to the last TLD.
            last_dot = dot
            domain_end = tld.end()
            if domain_end < b:
                for match in _TLD_RE.finditer(low, domain_end, min(len(low), b + 1)):
                    last_dot = match.start()
                    domain_end = match.end()
            if start >= 0:
                consumed = _emit(
                    found,
                    text,
                    low,
                    start,
                    a,
                    domain_end=domain_end,
                    protocol=bool(protocol),
                    require_protocol=require_protocol,
                    simple=True,
                )
            elif "-" in text[a : text.find(".", a)] or "." in text[a:last_dot]:
                # The run may not start a URL, but one starts after a hyphen
                # of its first label or at its second label; right after "-"
                # or "." it is refused, yet its text is consumed.
                consumed = _url_tail(text, domain_end)[0]
            continue
        consumed = _scan_run(
            found, text, low, a, b, consumed=consumed, require_protocol=require_protocol
        )
    return found


def _scan_run(
    found: list[UrlMatch],
    text: str,
    low: str,
    a: int,
    b: int,
    *,
    consumed: int,
    require_protocol: bool,
) -> int:
    """Find the URLs that start in the run ``text[a:b]``; return the new consumed offset."""
    run = _Run(text, low, a, b)
    index = 0
    protocol = _protocol_before(low, a)
    if protocol:
        p = a - protocol
        preceding_ok = (p == 0 and consumed == 0) or (
            p > 0 and p - 1 >= consumed and _valid_preceding(text[p - 1])
        )
        domain_end = _domain_end(run, 0, a) if text[a] not in "_-" else 0
        if preceding_ok and domain_end:
            consumed = _emit(
                found,
                text,
                low,
                p,
                a,
                domain_end=domain_end,
                protocol=True,
                require_protocol=require_protocol,
            )
            index = _bisect(run.starts, consumed) if consumed < b else len(run.starts)
    while index < len(run.starts):
        k = run.chain[index]
        if not run.last_ok[index] or (k < 0 and (index == run.last or not run.tld_end[index + 1])):
            index += 1
            continue
        lo = max(run.starts[index], consumed + 1 if consumed else 0)
        label_start_ok = True
        if index == 0 and lo == a:
            if a == 0:
                # At offset 0 the regex first tries "text[0] is the preceding
                # character" and only then "^": a URL at 1 beats one at 0.
                if len(text) > 1 and _valid_preceding(text[0]) and text[1] not in "._-":
                    lo = 1
            else:
                label_start_ok = _valid_preceding(text[a - 1])
        if k < 0:
            # No subdomains: the domain name must not contain "_".
            after = run.last_underscore[index] + 1
            if after > lo:
                lo = after
                label_start_ok = True
        start = _first_start(text, run, index, lo, label_start_ok=label_start_ok)
        if start < 0:
            index += 1
            continue
        domain_end = _domain_end(run, index, start)
        consumed = _emit(
            found,
            text,
            low,
            start,
            start,
            domain_end=domain_end,
            protocol=False,
            require_protocol=require_protocol,
        )
        if consumed >= b:
            break
        index = _bisect(run.starts, consumed)
    return consumed


def _emit(
    found: list[UrlMatch],
    text: str,
    low: str,
    start: int,
    domain_start: int,
    *,
    domain_end: int,
    protocol: bool,
    require_protocol: bool,
    simple: bool = False,
) -> int:
    """Apply upstream's checks to one regex match and append the URLs it gives.

    Returns:
        Where the regex match ends: the scan resumes there.
    """
    end, has_path = _url_tail(text, domain_end)
    prefix = domain_start - start if protocol else _DEFAULT_PROTOCOL_LENGTH
    # A code point is at most two UTF-16 units, and an ASCII domain of at most
    # 63 characters has no label that is too long: skip the exact checks.
    if 2 * (end - start) + prefix > MAX_URL_LENGTH and (
        prefix + _utf16_len(text[start:end]) > MAX_URL_LENGTH
    ):
        return end
    domain = text[domain_start:domain_end]
    if not (len(domain) <= MAX_LABEL_LENGTH and domain.isascii() and domain[:4] != "xn--") and (
        not _idna_ok(domain)
    ):
        return end
    if protocol:
        url_end = end
        tco = _TCO_RE.match(low, start, end) if low.startswith("t.co/", domain_start) else None
        if tco:
            if len(tco.group(1)) > MAX_TCO_SLUG_LENGTH:
                return end
            url_end = tco.end()
        found.append((start, url_end, True))
        return end
    if require_protocol or (start > 0 and text[start - 1] in "-_./"):
        return end
    # A simple ASCII domain is its own only ASCII domain.
    spans = (
        [(domain_start, domain_end)] if simple else ascii_domains(text, domain_start, domain_end)
    )
    for number, (a, b) in enumerate(spans):
        extended = has_path and number == len(spans) - 1
        found.append((a, end if extended else b, False))
    return end


# --- validation (twitter-text ``isValidUrl``, RFC 3986 based) -------------

_UNRESERVED = r"[a-zA-Z\u0400-\u04ff0-9\-._~]"
_PCT = r"%[0-9a-fA-F]{2}"
_SUB_DELIMS = r"[!$&'()*+,;=]"
_PCHAR = rf"(?:{_UNRESERVED}|{_PCT}|{_SUB_DELIMS}|[:|@])"
_USERINFO = rf"(?:{_UNRESERVED}|{_PCT}|{_SUB_DELIMS}|:)*+"
_DEC_OCTET = r"(?:[0-9]|[1-9][0-9]|1[0-9]{2}|2[0-4][0-9]|25[0-5])"
_IPV4 = rf"{_DEC_OCTET}(?:\.{_DEC_OCTET}){{3}}"
_IPV6 = r"\[[a-fA-F0-9:.]++\]"
_U = r"[^\x00-\x7f]"
# A segment is a maximal run of its characters that does not end in "_" or "-":
# the possessive run plus a lookbehind gives the same first match as upstream's
# backtracking ``X(?:Y*X)?`` without its quadratic failure cost.
_SUBDOMAIN_SEGMENT = rf"(?:[a-zA-Z0-9]|{_U})(?:[a-zA-Z0-9_\-]|{_U})*+(?<![_\-])"
_DOMAIN_SEGMENT = rf"(?:[a-zA-Z0-9]|{_U})(?:[a-zA-Z0-9\-]|{_U})*+(?<!-)"
_DOMAIN_TLD = rf"(?:[a-zA-Z]|{_U})(?:[a-zA-Z0-9\-]|{_U})*+(?<!-)"
_UNICODE_DOMAIN = rf"(?:{_SUBDOMAIN_SEGMENT}\.)*(?:{_DOMAIN_SEGMENT}\.){_DOMAIN_TLD}"
_AUTHORITY_RE = re.compile(
    rf"(?:{_USERINFO}@)?(?:{_IPV4}|{_IPV6}|{_UNICODE_DOMAIN})(?::[0-9]{{1,5}})?"
)
_UNENCODED_RE = re.compile(r"(?:([^:/?#]++)://)?([^/?#]*+)([^?#]*+)(?:\?([^#]*+))?(?:#(.*+))?\Z")
_SCHEME_RE = re.compile(r"[hH][tT][tT][pP][sS]?")
_PATH_RE = re.compile(rf"(?:/{_PCHAR}*+)*+")
_QUERY_RE = re.compile(rf"(?:{_PCHAR}|/|\?)*+")


def _first_match_is_whole(pattern: re.Pattern[str], value: str) -> bool:
    """Upstream ``valid_match?``: the first match, anchored at 0, is the whole string."""
    match = pattern.match(value)
    return match is not None and match.end() == len(value)


def is_valid_url(url: str, *, require_protocol: bool = True) -> bool:
    """Whether ``url`` is, as a whole, one valid URL (twitter-text ``isValidUrl``).

    Args:
        url: The candidate URL, with nothing around it.
        require_protocol: Require an ``http://`` or ``https://`` scheme.

    Returns:
        True when the URL's scheme, authority (user info, host, port), path,
        query and fragment all follow twitter-text's RFC 3986 based rules.
        Internationalised (non-ASCII) host names are accepted. False for
        anything that is not a str, as for the other validators.
    """
    if not url or not isinstance(url, str):
        return False
    parts = _UNENCODED_RE.match(url)
    if parts is None:
        return False
    scheme, authority, path, query, fragment = parts.groups()
    if require_protocol and (scheme is None or not _SCHEME_RE.fullmatch(scheme)):
        return False
    if not _first_match_is_whole(_PATH_RE, path):
        return False
    for optional in (query, fragment):
        if optional is not None and not _first_match_is_whole(_QUERY_RE, optional):
            return False
    return _first_match_is_whole(_AUTHORITY_RE, authority)
