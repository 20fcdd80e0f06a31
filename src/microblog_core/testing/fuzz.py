"""A fuzz suite for the public surface: only typed errors may escape.

It drives every public method of :class:`~microblog_core.Microblog` (found by
introspection, so a new use case is fuzzed without a change here) with a mix
of valid calls and bad arguments: wrong types, huge and negative numbers
(``10**5000``), malformed strings (lone surrogates, NUL, bidirectional marks,
a megabyte), naive datetimes, non-iterables and out-of-range limits and
cursors. It asserts that a call either returns or raises a
:class:`~microblog_core.errors.MicroblogError`, and after each example that
the store still holds its invariants: counters equal recounts, one like per
(account, post), one repost per (account, root), and nothing visible across
a block (:func:`~microblog_core.testing.machine.check_counters`,
:func:`~microblog_core.testing.machine.check_no_leaks`). It probes
:mod:`microblog_core.text`, :mod:`microblog_core.serialization` and the
``microblog`` command line the same way.

Run it against your own adapter by subclassing :class:`MicroblogFuzz`::

    from microblog_core import Microblog
    from microblog_core.testing.fuzz import MicroblogFuzz


    class TestMyStoreFuzz(MicroblogFuzz):
        def make_blog(self):
            store = MyStore()
            return Microblog(store.unit_of_work, store=store)

How long it runs is the Hypothesis profile's business: a bounded number of
examples in CI, and as many as you like in a long run (see the "Reliability"
page of the documentation).

Needs the ``testing`` extra (Hypothesis); :class:`MicroblogFuzz` also needs pytest.
"""

import abc
import contextlib
import inspect
import io
import json
import math
import tempfile
from collections import Counter
from collections.abc import Callable, Sequence
from datetime import datetime, timedelta
from typing import Any, Final

from hypothesis import given
from hypothesis import strategies as st

from microblog_core import serialization, text
from microblog_core._checks import quote
from microblog_core.errors import MicroblogError
from microblog_core.models import (
    VALUE_CLASSES,
    Account,
    AccountKind,
    Attachment,
    Event,
    Post,
    QuotePolicy,
    ReplyGate,
    Visibility,
)
from microblog_core.service import Microblog
from microblog_core.testing.machine import check_counters, check_no_leaks

__all__ = [
    "CALLS",
    "NOT_FUZZED",
    "MicroblogFuzz",
    "UntypedEscapeError",
    "apply",
    "bad_values",
    "check_uniqueness",
    "fuzz_agreement",
    "fuzz_cli",
    "fuzz_microblog",
    "fuzz_serialization",
    "fuzz_text",
    "outcome",
    "public_methods",
]

CALLS: Final[Counter[str]] = Counter()
"""Calls made by the fuzzers in this process, by surface (``microblog``, ``text``...)."""

NOT_FUZZED: Final = frozenset({"close", "in_memory", "sqlite", "postgres", "unit_of_work"})
"""Public methods of ``Microblog`` that build or end a service rather than use it."""


class UntypedEscapeError(AssertionError):
    """A call let an exception other than a ``MicroblogError`` escape."""


def _huge() -> int:
    return 10**5000


def _digits() -> str:
    return "9" * 5000


def _megabyte() -> str:
    return "a" * (1 << 20)


# Built on demand: Hypothesis itself reprs the elements of sampled_from(), and
# repr(10**5000) raises while a megabyte would flood its reports.
_HUGE: Final = st.one_of(
    st.builds(_huge),
    st.builds(_huge).map(int.__neg__),
    st.builds(_megabyte),
    st.builds(_huge).map(lambda n: [n]),
    st.builds(_digits),
)
_NAIVE = datetime(2026, 1, 1)  # naive on purpose


class _Opaque:
    """An object of no known type, whose repr fails."""

    def __repr__(self) -> str:
        raise RuntimeError("no repr")


_FIXED_BAD: Final[tuple[object, ...]] = (
    None,
    True,
    False,
    0,
    -1,
    2**63,
    2**64,
    1.5,
    math.nan,
    math.inf,
    "",
    " ",
    "\ud800",
    "a\udfffb",
    "nul\x00here",
    "\u202eevil\u202c",
    "\u200f\u2066x\u2069",
    "\ufeff\uffff",
    "x" * 5000,
    b"bytes",
    (),
    [],
    {},
    {1, 2},
    [None],
    ["\ud800"],
    _NAIVE,
    timedelta(days=-1),
    object(),
    _Opaque(),
    Ellipsis,
    5j,
)


def _pick(values: Sequence[Any]) -> st.SearchStrategy[Any]:
    """sampled_from() that never reprs its (possibly huge) elements."""
    return st.integers(0, len(values) - 1).map(values.__getitem__)


def bad_values() -> st.SearchStrategy[object]:
    """Return a strategy for arguments that are wrong somewhere.

    Wrong types, huge and negative numbers, malformed strings (lone
    surrogates, NUL, bidirectional marks, a megabyte), naive datetimes,
    non-iterables and odd containers. It shrinks towards ``None``.
    """
    return st.one_of(
        _pick(_FIXED_BAD),
        _HUGE,
        st.integers(),
        st.floats(),
        st.text(max_size=20),
        st.binary(max_size=8),
        st.lists(st.none() | st.integers() | st.text(max_size=3), max_size=3),
    )


def public_methods(cls: type = Microblog) -> tuple[str, ...]:
    """Return the names of the public methods of ``cls`` that the fuzzer calls.

    Every public callable but those of :data:`NOT_FUZZED`, sorted.
    """
    return tuple(
        sorted(
            name
            for name, member in inspect.getmembers(cls, callable)
            if not name.startswith("_") and name not in NOT_FUZZED and not inspect.isclass(member)
        )
    )


_ACCOUNT_ARGS = frozenset(
    {
        "account_id",
        "actor_id",
        "after",
        "author_id",
        "blocked_id",
        "blocker_id",
        "followee_id",
        "follower_id",
        "muted_id",
        "muter_id",
        "target_id",
        "viewer_id",
    }
)
_POST_ARGS = frozenset(
    {"max_id", "min_id", "parent_id", "post_id", "quote_of", "reply_id", "since_id"}
)
_TEXTS = ("hello", "news #city", "hi @u0 and @u1", "你好 #话题#", "x" * 300, "")
_BOOLS = st.booleans()
_GOOD: Final[dict[str, st.SearchStrategy[Any]]] = {
    "text": st.sampled_from(_TEXTS),
    "comment": st.none() | st.sampled_from(_TEXTS),
    "display_name": st.sampled_from(("", "Ada", "警察")),
    "bio": st.sampled_from(("", "about me")),
    "content_warning": st.sampled_from(("", "spoilers")),
    "language": st.sampled_from((None, "en", "zh-Hans")),
    "languages": st.sampled_from((None, (), ("en",), ["en", "fr"])),
    "visibility": st.sampled_from(Visibility),
    "kind": st.sampled_from(AccountKind),
    "gate": st.sampled_from((ReplyGate.ANYONE, ReplyGate.NOBODY)),
    "reply_gate": st.sampled_from((ReplyGate.ANYONE, ReplyGate.NOBODY)),
    "quote_policy": st.sampled_from(QuotePolicy),
    "limit": st.integers(1, 40),
    "max_depth": st.integers(1, 6),
    "max_ancestors": st.integers(1, 80),
    "sort": st.sampled_from(("oldest", "newest", "top")),
    "tag": st.sampled_from(("city", "CITY", "话题", "none")),
    "attachments": st.just(()),
    "cursor": st.none(),
    "ranker": st.none(),
    "subscriber": st.just(lambda event: None),
}


class _Fuzzer:
    """One example's state: the service, the ids it has made, the calls so far."""

    def __init__(self, blog: Microblog, data: st.DataObject) -> None:
        self.blog = blog
        self.data = data
        self.accounts: list[Any] = []  # account ids
        self.handles: list[str] = []
        self.posts: list[int] = []

    def good(self, name: str, parameter: inspect.Parameter) -> Any:
        draw = self.data.draw
        if name in _ACCOUNT_ARGS:
            if name in {"viewer_id", "after"} and draw(_BOOLS):
                return None
            return draw(st.sampled_from(self.accounts)) if self.accounts else 1
        if name in _POST_ARGS:
            if name in {"max_id", "min_id", "since_id", "quote_of"}:
                return None
            return draw(st.sampled_from(self.posts)) if self.posts else 1
        if name == "handle":
            known = st.sampled_from(self.handles) if self.handles else st.nothing()
            fresh = st.from_regex(r"u[0-9]{1,3}", fullmatch=True)
            return draw(known | fresh)
        if name == "expires_at":
            return draw(st.none() | st.just(self.blog.now() + timedelta(minutes=5)))
        if name in _GOOD:
            return draw(_GOOD[name])
        if parameter.annotation in (bool, "bool"):
            return draw(_BOOLS)
        if parameter.default is not inspect.Parameter.empty:
            return parameter.default
        return draw(bad_values())

    def arguments(self, name: str) -> tuple[list[Any], dict[str, Any]]:
        """Draw the arguments of a call: good ones, and up to two bad ones."""
        parameters = list(inspect.signature(getattr(self.blog, name)).parameters.items())
        wrong: set[str] = set()
        if parameters and bool(self.data.draw(_BOOLS)):
            names = [n for n, _ in parameters]
            wrong = self.data.draw(st.sets(st.sampled_from(names), max_size=2))
        args: list[Any] = []
        kwargs: dict[str, Any] = {}
        for arg_name, parameter in parameters:
            optional = parameter.default is not inspect.Parameter.empty
            if arg_name not in wrong and optional and self.data.draw(_BOOLS):
                continue
            value = (
                self.data.draw(bad_values())
                if arg_name in wrong
                else self.good(arg_name, parameter)
            )
            if parameter.kind is inspect.Parameter.KEYWORD_ONLY:
                kwargs[arg_name] = value
            else:
                args.append(value)
        return args, kwargs

    def call(self, name: str) -> None:
        args, kwargs = self.arguments(name)
        self.remember(apply(self.blog, name, args, kwargs))

    def remember(self, result: object) -> None:
        if isinstance(result, Account) and result.id not in self.accounts:
            self.accounts.append(result.id)
            self.handles.append(result.handle)
        elif isinstance(result, Post) and result.id not in self.posts:
            self.posts.append(result.id)


def apply(blog: Microblog, name: str, args: Sequence[Any], kwargs: dict[str, Any]) -> object:
    """Call ``blog.name(*args, **kwargs)``; return its result, or None after a MicroblogError.

    Raises:
        UntypedEscapeError: Anything else escaped.
    """
    try:
        return _outcome_of(blog, name, args, kwargs)
    except MicroblogError:
        return None


def outcome(blog: Microblog, name: str, args: Sequence[Any], kwargs: dict[str, Any]) -> str:
    """Return ``"ok"``, or the class name of the MicroblogError the call raised.

    Raises:
        UntypedEscapeError: Anything else escaped.
    """
    return _answer(blog, name, args, kwargs)[0]


def _answer(
    blog: Microblog, name: str, args: Sequence[Any], kwargs: dict[str, Any]
) -> tuple[str, object]:
    try:
        result = _outcome_of(blog, name, args, kwargs)
    except MicroblogError as error:
        return type(error).__name__, None
    return "ok", result


def _outcome_of(blog: Microblog, name: str, args: Sequence[Any], kwargs: dict[str, Any]) -> object:
    method = getattr(blog, name)
    CALLS["microblog"] += 1
    return _typed(f"Microblog.{name}", lambda: method(*args, **kwargs), args, kwargs)


def _typed(
    label: str, call: Callable[[], object], args: Sequence[object], kwargs: dict[str, object]
) -> object:
    """Make the call; let a MicroblogError through, and turn anything else into a failure."""
    try:
        return call()
    except MicroblogError:
        raise
    except Exception as exc:
        shown = ", ".join(
            [quote(a, width=40) for a in args]
            + [f"{k}={quote(v, width=40)}" for k, v in kwargs.items()]
        )
        raise UntypedEscapeError(
            f"{label}({shown}) let {type(exc).__name__} escape: {quote(str(exc), width=200)}"
        ) from exc


def check_uniqueness(blog: Microblog) -> None:
    """Assert one like per (account, post) and one repost per (account, root)."""
    with blog.unit_of_work(readonly=True) as uow:
        posts = list(uow.posts.scan(limit=1_000_000))
        reposts = Counter(
            (post.author_id, post.repost_of.root_id) for post in posts if post.repost_of is not None
        )
        assert all(n == 1 for n in reposts.values()), reposts
        for post in posts:
            likers = [like.account_id for like in uow.engagement.likes_of(post.id, limit=100_000)]
            assert len(likers) == len(set(likers)), (post.id, likers)


def fuzz_microblog(
    make_blog: Callable[[], Microblog], data: st.DataObject, *, steps: int = 25
) -> None:
    """Make ``steps`` calls, valid and invalid, on a fresh service; then check its invariants.

    Args:
        make_blog: Builds a fresh, empty service on the adapter under test.
        data: Hypothesis' ``st.data()``.
        steps: How many calls at most (the example draws how many it makes).

    Raises:
        UntypedEscapeError: A call let something other than a ``MicroblogError`` escape.
        AssertionError: An invariant no longer holds after the calls.
    """
    blog = make_blog()
    try:
        fuzzer = _Fuzzer(blog, data)
        for index in range(3):  # a few accounts and a post, so valid calls find something
            fuzzer.remember(blog.register(f"u{index}"))
        fuzzer.remember(blog.post(fuzzer.accounts[0], "first #city"))
        names = public_methods(type(blog))
        for _ in range(data.draw(st.integers(1, steps), label="steps")):
            fuzzer.call(data.draw(st.sampled_from(names), label="method"))
        check_counters(blog)
        check_uniqueness(blog)
        check_no_leaks(blog)
    finally:
        blog.close()


def fuzz_agreement(
    makers: Sequence[Callable[[], Microblog]], data: st.DataObject, *, steps: int = 25
) -> None:
    """Make the same calls, good and bad, on several services: they must answer alike.

    Each call must succeed on every service or fail on every one with the
    same :class:`~microblog_core.errors.MicroblogError` class. The services
    must mint the same ids (give each a ``ManualClock`` at the same instant).

    Args:
        makers: Build fresh, empty services on the adapters to compare (the
            first is the reference, such as ``Microblog.in_memory``).
        data: Hypothesis' ``st.data()``.
        steps: How many calls at most.

    Raises:
        UntypedEscapeError: A call let something other than a ``MicroblogError`` escape.
        AssertionError: The services answered a call differently.
    """
    blogs = [make() for make in makers]
    try:
        fuzzer = _Fuzzer(blogs[0], data)
        for index in range(3):
            for blog in blogs:
                account = blog.register(f"u{index}")
            fuzzer.remember(account)
        for blog in blogs:
            post = blog.post(fuzzer.accounts[0], "first #city")
        fuzzer.remember(post)
        names = public_methods(type(blogs[0]))
        for _ in range(data.draw(st.integers(1, steps), label="steps")):
            name = data.draw(st.sampled_from(names), label="method")
            args, kwargs = fuzzer.arguments(name)
            answers = [_answer(blog, name, args, kwargs) for blog in blogs]
            outcomes = [label for label, _ in answers]
            assert len(set(outcomes)) == 1, (name, outcomes)
            fuzzer.remember(answers[0][1])
    finally:
        for blog in blogs:
            blog.close()


_POLICIES = st.sampled_from(tuple(text.POLICIES.values()))
_STRINGS = st.sampled_from(_TEXTS) | st.text(max_size=30) | bad_values()
_TEXT_GOOD: Final[dict[str, st.SearchStrategy[Any]]] = {
    "text": _STRINGS,
    "url": st.sampled_from(("https://example.com", "example.com/a?b")) | _STRINGS,
    "content_warning": st.just("") | _STRINGS,
    "policy": _POLICIES,
    "name": st.sampled_from(tuple(text.POLICIES)),
    "flavor": st.sampled_from(tuple(text.Flavor)),
    "kinds": st.none() | st.just(["hashtag", "url"]),
    "entities": st.none() | st.just(()),
    "links": st.none(),
    "index": st.integers(0, 12),
    "offset": st.integers(0, 12),
    "field": st.just("text"),
}


def _text_functions() -> tuple[str, ...]:
    return tuple(n for n in text.__all__ if inspect.isfunction(getattr(text, n)))


def fuzz_text(data: st.DataObject) -> None:
    """Call a public function of :mod:`microblog_core.text` with good and bad arguments.

    Every public function (found by introspection) may be drawn: measure,
    extract, render_html, the offset conversions and validators.

    Raises:
        UntypedEscapeError: A call let something other than a ``MicroblogError`` escape.
    """
    name = data.draw(st.sampled_from(_text_functions()), label="function")
    function = getattr(text, name)
    args: list[Any] = []
    kwargs: dict[str, Any] = {}
    for arg_name, parameter in inspect.signature(function).parameters.items():
        good = _TEXT_GOOD.get(arg_name, st.booleans() if parameter.annotation is bool else None)
        if good is None or data.draw(st.integers(0, 3)) == 0:
            value = data.draw(bad_values())
        else:
            value = data.draw(good)
        if parameter.kind is inspect.Parameter.KEYWORD_ONLY:
            kwargs[arg_name] = value
        else:
            args.append(value)
    CALLS["text"] += 1
    with contextlib.suppress(MicroblogError):
        _typed(f"text.{name}", lambda: function(*args, **kwargs), args, kwargs)


_CLASSES = st.sampled_from((*VALUE_CLASSES, Event, Attachment))
_JSON = st.recursive(
    st.none() | st.booleans() | st.integers() | st.floats() | st.text(max_size=10),
    lambda inner: (
        st.lists(inner, max_size=3) | st.dictionaries(st.text(max_size=8), inner, max_size=3)
    ),
    max_leaves=8,
)
_HOSTILE_JSON = (
    "[" * 100_000,
    '{"a":' * 5000,
    "1" * 5000,
    '{"id": ' + "9" * 5000 + "}",
    b"\xff\xfe\x00",
    '"\\ud800"',
    "NaN",
    "",
)


def fuzz_serialization(data: st.DataObject) -> None:
    """Read documents, good and hostile, into every value class; write bad values.

    Raises:
        UntypedEscapeError: A call let something other than a ``MicroblogError`` escape.
    """
    cls: Any = data.draw(_CLASSES, label="class")
    document: Any = data.draw(
        _pick(_HOSTILE_JSON) | _JSON.map(json.dumps) | bad_values(),
        label="document",
    )
    CALLS["serialization"] += 1
    with contextlib.suppress(MicroblogError):
        _typed("from_json", lambda: serialization.from_json(document, cls), (document,), {})
    value = data.draw(bad_values())
    CALLS["serialization"] += 1
    with contextlib.suppress(MicroblogError):
        _typed("to_json", lambda: serialization.to_json(value), (value,), {})


_CLI_BAD = st.sampled_from(
    ("", "-1", "0", "x", "1e999", "nan", "\udcff", "\x00", "٣", "²", "--", "-")
) | st.builds(_digits)


def _cli_arguments(paths: Sequence[str]) -> st.SearchStrategy[list[str]]:
    files = st.sampled_from(paths) if paths else st.just("/nonexistent/file")
    simulate_bad = st.sampled_from(
        ("--accounts", "--hours", "--step", "--seed", "--follows", "--sessions", "--top")
    )
    # "--top x" is checked after every other option and before any simulating,
    # so a drawn option that happens to be valid never starts a simulation.
    simulate = st.one_of(
        st.tuples(simulate_bad, _CLI_BAD),
        st.tuples(st.sampled_from(("--config", "--degrees", "--edges")), files),
        st.tuples(st.sampled_from(("--graph", "--ranker", "--format", "--policy")), _CLI_BAD),
    ).map(lambda option: ["simulate", *option, "--top", "x"])
    measure = st.tuples(
        st.sampled_from(_TEXTS) | st.text(max_size=30), _CLI_BAD | st.just("weibo")
    ).map(lambda pair: ["measure", pair[0], "--policy", pair[1]])
    return st.one_of(st.lists(_CLI_BAD | st.text(max_size=5), max_size=3), measure, simulate)


def fuzz_cli(
    main: Callable[[Sequence[str]], int], data: st.DataObject, *, paths: Sequence[str] = ()
) -> None:
    """Run the command line with bad arguments: one line on stderr, a status, no traceback.

    Drawn invocations of ``simulate`` end with ``--top x``, so they fail
    before simulating; output, if any, goes to a scratch directory.

    Args:
        main: The entry point (:func:`microblog_core.cli.main`).
        data: Hypothesis' ``st.data()``.
        paths: Files the bad invocations may name (``--config``, ``--degrees``,
            ``--edges``): give binary, latin-1, huge or deeply nested ones.

    Raises:
        UntypedEscapeError: The command raised, or failed without exactly one line on stderr.
    """
    argv = data.draw(_cli_arguments(paths), label="argv")
    out, err = io.StringIO(), io.StringIO()
    CALLS["cli"] += 1
    try:
        # A drawn invocation may be valid after all: its output goes to a scratch directory.
        with (
            tempfile.TemporaryDirectory() as scratch,
            contextlib.chdir(scratch),
            contextlib.redirect_stdout(out),
            contextlib.redirect_stderr(err),
        ):
            status = main(argv)
    except SystemExit as exit_:  # argparse: --help, --version and usage errors
        status = exit_.code if isinstance(exit_.code, int) else 2
    except Exception as exc:
        raise UntypedEscapeError(
            f"microblog {argv!a} let {type(exc).__name__} escape: {exc}"
        ) from exc
    if status == 130:  # the command caught an interrupt meant for the fuzz run
        raise KeyboardInterrupt
    lines = err.getvalue().splitlines()
    if "Traceback" in err.getvalue() or (status not in (0, 1) and len(lines) != 1):
        raise UntypedEscapeError(f"microblog {argv!a} exited {status} with stderr {lines!a}")


class MicroblogFuzz(abc.ABC):
    """Subclass in a pytest module and provide :meth:`make_blog` to fuzz your adapter.

    The class does not start with ``Test``, so pytest never collects it on
    its own. Its test runs under the Hypothesis profile you load (see the
    module docstring).
    """

    steps: int = 25
    """The most calls per example."""

    @abc.abstractmethod
    def make_blog(self) -> Microblog:
        """Return a fresh, empty service on the adapter under test."""

    @given(data=st.data())
    def test_only_typed_errors_escape(self, data: st.DataObject) -> None:
        """Calls with good and bad arguments raise only MicroblogError; invariants hold."""
        fuzz_microblog(self.make_blog, data, steps=self.steps)
