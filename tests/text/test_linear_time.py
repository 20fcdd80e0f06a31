"""Adversarial inputs: everything finishes, and the work grows linearly.

No wall-clock thresholds: the first test shows the inputs that make
backtracking regexes explode (twitter-text's domain pattern on ``"a." * n``)
run through every function; the second counts Python and C function calls
(a profiler hook) at size n and 2n, which a quadratic loop would quadruple.
Backtracking inside one ``regex`` call is one C call to a profiler, so the
third times each input at n and 4n characters in the same test and bounds the
ratio of the two (linear work gives about 4, quadratic 16); a control shows
that this ratio catches a backtracking pattern.
"""

import sys
import time
from collections.abc import Callable
from types import FrameType
from typing import Any

import pytest
import regex

from microblog_core.text import (
    POLICIES,
    Flavor,
    OffsetMap,
    extract,
    is_valid_hashtag,
    is_valid_url,
    is_valid_username,
    measure,
    render_html,
    reply_target,
)

ADVERSARIAL: dict[str, Callable[[int], str]] = {
    "dots": lambda n: "a." * n,
    "www": lambda n: "www." * (n // 2),
    "open_parens": lambda n: "http://a(" * (n // 5),
    "hashes": lambda n: "#" * (2 * n),
    "ats": lambda n: "@" * (2 * n),
    "emoji": lambda n: "\U0001f637" * n,
    "hyphens": lambda n: "a-" * n + ".com",
    "labels_with_tld": lambda n: "a.com." * (n // 3),
    "path_dots": lambda n: "http://a.com/" + "." * (2 * n),
    "query": lambda n: "http://a.com/?" + "!" * (2 * n),
    "families": lambda n: "\U0001f468\u200d\U0001f469\u200d\U0001f467" * (n // 3),
    "mentions": lambda n: "@a@b." * (n // 3),
    "topics": lambda n: "#\u8bdd\u9898" * n,
    "underscores": lambda n: "_" * (2 * n) + "a.com",
}


def run_everything(text: str) -> None:
    for policy in POLICIES.values():
        measure(text, policy, content_warning=text[:100]).parts  # noqa: B018
    for flavor in Flavor:
        extract(text, flavor=flavor)
        render_html(text, flavor=flavor)
    reply_target(text)
    is_valid_url(text)
    is_valid_username(text)
    is_valid_hashtag(text)
    offsets = OffsetMap(text)
    offsets.to_utf16(len(text))


@pytest.mark.parametrize("name", ADVERSARIAL)
def test_adversarial_inputs_finish(name: str) -> None:
    run_everything(ADVERSARIAL[name](50_000))


def _calls(function: Callable[[], Any]) -> int:
    count = 0

    def hook(frame: FrameType, event: str, arg: object) -> None:
        nonlocal count
        del frame, arg
        if event in ("call", "c_call"):
            count += 1

    sys.setprofile(hook)
    try:
        function()
    finally:
        sys.setprofile(None)
    return count


@pytest.mark.parametrize("name", ADVERSARIAL)
def test_work_grows_linearly(name: str) -> None:
    # Large enough that every walk up to a policy's limit (Weibo long: 4,000
    # bytes) is complete in both, so only input-proportional work differs.
    small = ADVERSARIAL[name](6_000)
    large = ADVERSARIAL[name](12_000)
    small_calls = _calls(lambda: run_everything(small))
    large_calls = _calls(lambda: run_everything(large))
    assert large_calls <= 2.2 * small_calls + 200


# Linear work at 4n takes about 4 times as long as at n, quadratic work 16 times.
GROWTH_BOUND = 10.0


def _growth(function: Callable[[str], object], make: Callable[[int], str], n: int) -> float:
    """CPU time of ``function`` at 4n characters over its time at n (best of three each)."""

    def best(text: str) -> float:
        times = []
        for _ in range(3):
            start = time.process_time()
            function(text)
            times.append(time.process_time() - start)
        return max(min(times), 1e-6)

    small, large = make(n), make(4 * n)
    return best(large) / best(small)


@pytest.mark.parametrize("name", ADVERSARIAL)
def test_time_grows_linearly_inside_each_regex_call(name: str) -> None:
    ratio = _growth(run_everything, ADVERSARIAL[name], 2_000)
    assert ratio < GROWTH_BOUND, f"{name}: 4x the input took {ratio:.1f}x the time"


def test_the_growth_ratio_catches_a_backtracking_regex() -> None:
    # Searched in "aaa...", this pattern retries from every start: quadratic.
    backtracking = regex.compile(r"[a-z]+[0-9]")
    ratio = _growth(backtracking.search, lambda n: "a" * n, 2_000)
    assert ratio > GROWTH_BOUND
