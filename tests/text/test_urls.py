"""The URL scanner and validator: twitter-text's rules beyond its own cases."""

import re

import pytest
from hypothesis import given
from hypothesis import strategies as st

from microblog_core.text import EntityKind, Flavor, _urls, extract, is_valid_url
from microblog_core.text._urls import ascii_domains, find_urls
from tests.text.strategies import any_texts


def urls(text: str) -> list[str]:
    return [e.text for e in extract(text, flavor=Flavor.TWITTER, kinds=[EntityKind.URL])]


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("HTTP://EXAMPLE.COM/A", ["HTTP://EXAMPLE.COM/A"]),
        ("http://a.com:8080/x(y(z))w?q=1!", ["http://a.com:8080/x(y(z))w?q=1"]),
        ("http://a.com/x(y", ["http://a.com/x"]),
        ("a-b.com", ["a-b.com"]),
        ("x.com-", []),  # a TLD followed by "-" is not a TLD
        ("-x.com", []),  # no URL without scheme right after "-", "_", "." or "/"
        ("/x.com", []),
        ("(x.com)", ["x.com"]),
        ("example.kr", ["example.kr"]),
        # KELVIN SIGN must not lower-case to "k", as it would with Unicode folding.
        ("example.\u212ar", []),
        ("\u0130\u0130\u0130 example.com", ["example.com"]),
        ("http://xn--ls8h.la/", ["http://xn--ls8h.la/"]),
        ("http://a.b.xn--p1ai-", ["http://a.b.xn--p1ai-"]),
        ("foo.com_bar.com", ["foo.com"]),
    ],
)
def test_url_rules(text: str, expected: list[str]) -> None:
    assert urls(text) == expected


def test_a_url_at_offset_zero_starts_after_a_valid_preceding_character() -> None:
    # twitter-text's regex tries "text[0] is the preceding character" before
    # "^", so a non-ASCII first character is dropped from the URL there.
    assert urls("\xe9xample.com") == ["xample.com"]
    assert urls(" \xe9xample.com") == ["\xe9xample.com"]


def test_the_tco_slug_is_at_most_40_characters() -> None:
    assert urls("http://t.co/" + "a" * 40 + "'s") == ["http://t.co/" + "a" * 40]
    assert urls("http://t.co/" + "a" * 41) == []


def test_urls_are_at_most_4096_characters_with_their_scheme_counted_twice() -> None:
    # Upstream adds the scheme's length to the URL's, which already includes it.
    fits = "http://" + "a" * 50 + ".com/" + "p" * (4089 - 62)
    assert len(fits) + 7 == 4096
    assert urls(fits) == [fits]
    assert urls(fits + "p") == []
    bare = "a" * 50 + ".com/" + "p" * (4088 - 55)
    assert len(bare) + len("https://") == 4096
    assert urls(bare) == [bare]
    assert urls(bare + "p") == []


def test_domain_labels_are_at_most_63_characters_once_punycoded() -> None:
    assert urls("http://" + "a" * 63 + ".com") == ["http://" + "a" * 63 + ".com"]
    assert urls("http://" + "a" * 64 + ".com") == []
    # 50 kana punycode to "xn--" and 57 characters (61); 60 kana to 71.
    kana = "\u3042\u3044\u3046\u3048\u304a\u304b\u304d\u304f\u3051\u3053"
    assert urls(f"http://{kana * 5}.com") == [f"http://{kana * 5}.com"]
    assert urls(f"http://{kana * 6}.com") == []


def test_requiring_a_scheme_still_consumes_bare_domains() -> None:
    assert find_urls("x.com http://y.com", require_protocol=True) == [(6, 18, True)]
    assert list(find_urls("no dots here")) == []
    assert list(find_urls("a.b", require_protocol=True)) == []


def test_ascii_domains_inside_a_non_ascii_domain() -> None:
    text = "twitter.com\u3053\u308c.jp\u4e2d\u6587t.co"
    assert [text[a:b] for a, b in ascii_domains(text, 0, len(text))] == ["twitter.com", "t.co"]


@pytest.mark.parametrize(
    ("url", "require_protocol", "expected"),
    [
        ("http://[::1]:8080/", True, True),
        ("http://example.com:123456/", True, False),
        ("http://example.com/#a\nb", True, False),
        ("", True, False),
        ("example.com", True, False),
        ("ftp://example.com", False, True),
        ("http://user@example.com/", True, True),
        ("http://ex_ample.com/", True, False),
        ("http://sub_domain.example.com/", True, True),
        ("http://example.com/%zz", True, False),
        ("http://example.com?a=%20", True, True),
        ("http://1.2.3.4x/", True, False),
    ],
)
def test_is_valid_url(url: str, require_protocol: bool, expected: bool) -> None:
    assert is_valid_url(url, require_protocol=require_protocol) is expected


@given(text=any_texts)
def test_urls_lie_inside_the_text_in_order(text: str) -> None:
    end = 0
    for start, stop, _scheme in find_urls(text):
        assert end <= start < stop <= len(text)
        end = stop
    assert all(scheme for _start, _stop, scheme in find_urls(text, require_protocol=True))


URLISH = st.lists(
    st.sampled_from(
        [
            "http://",
            "https://",
            "www",
            "a",
            "b-c",
            "-",
            "_",
            ".",
            ".com",
            ".co",
            ".jp",
            ".weibo",
            "t",
            "@",
            "$",
            "#",
            "/",
            "/p",
            "?q=1",
            ":80",
            " ",
            "\u3002",
            "\u00e9",
            "\u4f60",
            "xn--",
            "(",
            ")",
        ]
    ),
    max_size=25,
).map("".join)


@given(text=st.one_of(URLISH, any_texts))
def test_the_plain_ascii_fast_path_agrees_with_the_general_scan(text: str) -> None:
    # The scan itself: find_urls would answer the second call from the kept scan.
    fast = _urls._scan_urls(text, require_protocol=False)
    never = re.compile("(?!)")
    with pytest.MonkeyPatch.context() as patch:
        patch.setattr(_urls, "_SIMPLE_RUN_RE", never)
        general = _urls._scan_urls(text, require_protocol=False)
    assert fast == general


@given(text=st.one_of(URLISH, any_texts), first=st.booleans(), other=URLISH)
def test_the_kept_scan_answers_as_a_fresh_scan_for_either_requirement(
    text: str, first: bool, other: str
) -> None:
    """Measuring then extracting scans a text once: each answer equals a scan of its own."""
    find_urls(other)  # whatever was scanned before
    for require_protocol in (first, not first, first):
        expected = _urls._scan_urls(text, require_protocol=require_protocol)
        assert find_urls(text, require_protocol=require_protocol) == expected
    answer = find_urls(text)
    answer.append((0, 0, False))  # the caller's list is its own
    assert find_urls(text) == _urls._scan_urls(text, require_protocol=False)


@given(text=st.one_of(URLISH, any_texts))
def test_the_dense_text_check_never_misses_a_tld(text: str) -> None:
    low = text.lower()
    if not _urls._may_hold_tld(low):
        assert _urls._TLD_RE.search(low) is None


def test_dense_texts_use_the_dense_check() -> None:
    assert find_urls("www." * 1000) == []
    # One domain of 1,001 labels: every label is a valid subdomain.
    assert find_urls("a." * 1000 + "example.com") == [(0, 2011, False)]
    assert find_urls("a. " * 1000 + "see example.com") == [(3004, 3015, False)]
    assert find_urls("x.y." * 600 + "http://t.co/a") == [(2400, 2413, True)]
