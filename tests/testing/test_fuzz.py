"""The shipped fuzz suite (microblog_core.testing.fuzz) on every adapter, text, JSON and the CLI.

Add an adapter to ``ADAPTERS`` (one line) and every fuzz test runs on it.
"""

from collections.abc import Callable

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from microblog_core import Microblog
from microblog_core.cli import main
from microblog_core.clock import ManualClock
from microblog_core.errors import MicroblogError
from microblog_core.testing import fuzz

ADAPTERS: dict[str, Callable[[], Microblog]] = {
    "memory": lambda: Microblog.in_memory(clock=ManualClock()),
    "sqlite": lambda: Microblog.sqlite(":memory:", clock=ManualClock()),
}


@pytest.mark.parametrize("adapter", sorted(ADAPTERS))
@given(data=st.data())
def test_microblog_lets_only_typed_errors_escape(adapter: str, data: st.DataObject) -> None:
    fuzz.fuzz_microblog(ADAPTERS[adapter], data)


class TestFuzzSuiteAsUsersRunIt(fuzz.MicroblogFuzz):
    """What an adapter author writes: a subclass and a factory."""

    steps = 5

    def make_blog(self) -> Microblog:
        return Microblog.in_memory(clock=ManualClock())


@given(data=st.data())
def test_text_lets_only_typed_errors_escape(data: st.DataObject) -> None:
    fuzz.fuzz_text(data)


@given(data=st.data())
def test_serialization_lets_only_typed_errors_escape(data: st.DataObject) -> None:
    fuzz.fuzz_serialization(data)


@pytest.fixture(scope="module")
def bad_files(tmp_path_factory: pytest.TempPathFactory) -> list[str]:
    """Files a careless user may pass to --config, --degrees or --edges."""
    root = tmp_path_factory.mktemp("bad-files")
    contents: dict[str, bytes] = {
        "binary.bin": bytes(range(256)),
        "latin1.txt": "caf\xe9 na\xefve\n1 2\n".encode("latin-1"),
        "huge-number.json": ('{"seed": ' + "9" * 5000 + "}").encode(),
        "deep.json": b"[" * 100_000,
        "empty.json": b"",
        "degrees-unicode-digits.txt": "\u00b2 3\n".encode(),
        "degrees-huge.txt": ("9" * 5000 + " 1\n").encode(),
    }
    paths = []
    for name, content in contents.items():
        path = root / name
        path.write_bytes(content)
        paths.append(str(path))
    paths.append(str(root))  # a directory
    return paths


@settings(suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(data=st.data())
def test_cli_fails_in_one_line(bad_files: list[str], data: st.DataObject) -> None:
    fuzz.fuzz_cli(main, data, paths=bad_files)


def test_public_methods_are_found_by_introspection() -> None:
    names = fuzz.public_methods()
    assert {"post", "reply", "follow", "get_account", "thread", "subscribe"} <= set(names)
    assert not set(names) & fuzz.NOT_FUZZED


def test_an_untyped_escape_is_reported_with_its_call() -> None:
    def broken() -> None:
        raise KeyError("boom")

    with pytest.raises(fuzz.UntypedEscapeError, match=r"probe\(10, x=an integer of"):
        fuzz._typed("probe", broken, (10,), {"x": 10**5000})


def test_a_typed_error_passes_through() -> None:
    def refused() -> None:
        raise MicroblogError("no")

    with pytest.raises(MicroblogError, match="no"):
        fuzz._typed("probe", refused, (), {})


def test_outcome_names_the_error_class() -> None:
    blog = Microblog.in_memory(clock=ManualClock())
    assert fuzz.outcome(blog, "get_account", [10**5000], {}) == "NotFoundError"
    assert fuzz.outcome(blog, "register", ["ann"], {}) == "ok"
    assert fuzz.apply(blog, "get_account", [None], {}) is None


def test_a_broken_invariant_fails_the_check() -> None:
    blog = Microblog.in_memory(clock=ManualClock())
    author = blog.register("ann")
    post = blog.post(author.id, "hi")
    with blog.unit_of_work() as uow:  # a second like, written past the service
        from microblog_core.models import Like

        like = Like(account_id=author.id, post_id=post.id, created_at=blog.now())
        uow.engagement.add_like(like)
        uow.commit()
    fuzz.check_uniqueness(blog)  # the store refuses duplicates itself


def test_bad_values_include_huge_ints_megabytes_and_surrogates() -> None:
    assert fuzz._huge() == 10**5000
    assert len(fuzz._megabyte()) == 1 << 20
    assert len(fuzz._digits()) == 5000
    assert any(isinstance(v, str) and "\ud800" in v for v in fuzz._FIXED_BAD)
    assert any(isinstance(v, str) and "\x00" in v for v in fuzz._FIXED_BAD)
    assert any(isinstance(v, str) and "\u202e" in v for v in fuzz._FIXED_BAD)


@given(data=st.data())
def test_adapters_accept_and_refuse_alike(data: st.DataObject) -> None:
    """The same good and bad calls: every adapter answers ok, or the same error class.

    Every factory's ManualClock starts at the same instant, so the ids agree.
    """
    names = ["memory", *sorted(set(ADAPTERS) - {"memory"})]
    fuzz.fuzz_agreement([ADAPTERS[name] for name in names], data)
