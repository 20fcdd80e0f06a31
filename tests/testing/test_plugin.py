"""The Hypothesis plugin: ``st.from_type`` works for every value without importing anything."""

import importlib.metadata
import subprocess
import sys
import textwrap

import attrs
import pytest
from hypothesis import Phase, find, given, settings
from hypothesis import strategies as st

from microblog_core.ids import AccountId, PostId, validate_id
from microblog_core.models import Post
from microblog_core.testing import _hypothesis_plugin


def run_fresh(script: str) -> str:
    """Run ``script`` in a fresh interpreter and return what it printed."""
    result = subprocess.run(
        [sys.executable, "-c", textwrap.dedent(script)],
        capture_output=True,
        text=True,
        check=False,
        timeout=120,
    )
    assert result.returncode == 0, result.stderr
    return result.stdout.strip()


def test_the_entry_point_is_declared() -> None:
    hooks = [
        entry.value
        for entry in importlib.metadata.entry_points(group="hypothesis")
        if entry.value.startswith("microblog_core")
    ]
    assert hooks == ["microblog_core.testing._hypothesis_plugin:_hypothesis_setup_hook"]


def test_from_type_works_for_every_value_class_in_a_fresh_interpreter() -> None:
    # No import of microblog_core.testing: Hypothesis loads the plugin by itself,
    # and the strategies module is only imported when a strategy is first needed.
    output = run_fresh(
        """
        import sys
        import attrs
        from hypothesis import given, settings, strategies as st
        from microblog_core.models import VALUE_CLASSES

        assert "microblog_core.testing.strategies" not in sys.modules, "imported too early"
        for cls in VALUE_CLASSES:
            @settings(max_examples=5, database=None, derandomize=True, deadline=None)
            @given(st.from_type(cls))
            def check(value):
                assert type(value) is cls, (cls, value)
                assert attrs.evolve(value) == value  # passes every check again

            check()
        print(len(VALUE_CLASSES))
        """
    )
    assert output == "56"


def test_from_type_works_for_the_id_types_in_a_fresh_interpreter() -> None:
    output = run_fresh(
        """
        from hypothesis import given, settings, strategies as st
        from microblog_core.ids import AccountId, PostId, validate_id

        @settings(max_examples=20, database=None, derandomize=True)
        @given(st.from_type(AccountId), st.from_type(PostId))
        def check(a, p):
            validate_id(a)
            validate_id(p)

        check()
        print("ok")
        """
    )
    assert output == "ok"


def test_the_plugin_needs_no_pytest() -> None:
    output = run_fresh(
        """
        import sys
        sys.modules["pytest"] = None  # any "import pytest" now fails
        sys.modules["_pytest"] = None
        from hypothesis import Phase, find, settings, strategies as st
        from microblog_core.models import Post

        once = settings(database=None, max_examples=1, phases=[Phase.generate])
        post = find(st.from_type(Post), lambda p: True, settings=once)
        print(type(post).__name__)
        """
    )
    assert output == "Post"


def test_importing_the_strategies_first_has_no_import_cycle() -> None:
    output = run_fresh(
        """
        from microblog_core.testing import strategies
        from hypothesis import Phase, find, settings, strategies as st
        from microblog_core.models import TWITTER_ACCOUNTS, Account

        once = settings(database=None, max_examples=1, phases=[Phase.generate])
        account = find(st.from_type(Account), lambda a: True, settings=once)
        print(TWITTER_ACCOUNTS.check_handle(account.handle) == account.handle)
        """
    )
    assert output == "True"


def test_the_testing_package_imports_nothing() -> None:
    output = run_fresh(
        """
        import sys
        sys.modules["hypothesis"] = None  # the package itself must not need it
        import microblog_core.testing as testing
        print(testing.__all__)
        """
    )
    assert output == "[]"


@given(st.from_type(Post))
def test_from_type_gives_valid_posts_here_too(post: Post) -> None:
    assert attrs.evolve(post) == post


@given(st.from_type(AccountId), st.from_type(PostId))
def test_from_type_gives_valid_ids(account_id: int, post_id: int) -> None:
    assert validate_id(account_id) == account_id
    assert validate_id(post_id) == post_id


@given(st.builds(lambda post: post, post=st.from_type(Post)))
def test_values_resolve_inside_builds(post: Post) -> None:
    assert isinstance(post, Post)


def test_the_hook_can_run_again() -> None:
    _hypothesis_plugin._hypothesis_setup_hook()
    once = settings(database=None, max_examples=1, phases=[Phase.generate])
    assert isinstance(find(st.from_type(Post), lambda _: True, settings=once), Post)


def test_import_hypothesis_loads_only_the_hook() -> None:
    # The hook's cost is paid by every Hypothesis user in the environment, so
    # it must not import the values, text, rules, service or storage.
    output = run_fresh(
        """
        import sys
        import hypothesis
        print(sorted(name for name in sys.modules if name.startswith("microblog_core")))
        """
    )
    assert output == str(
        [
            "microblog_core",
            "microblog_core._version",
            "microblog_core.testing",
            "microblog_core.testing._hypothesis_plugin",
        ]
    )


def test_values_imported_before_hypothesis_are_registered_too() -> None:
    output = run_fresh(
        """
        from microblog_core.ids import AccountId
        from microblog_core.models import Post
        from hypothesis import Phase, find, settings, strategies as st
        from microblog_core.ids import validate_id

        once = settings(database=None, max_examples=1, phases=[Phase.generate])
        post = find(st.from_type(Post), lambda p: True, settings=once)
        account = find(st.from_type(AccountId), lambda a: True, settings=once)
        print(type(post).__name__, validate_id(account) == account)
        """
    )
    assert output == "Post True"


def test_the_top_level_names_still_import() -> None:
    import microblog_core

    for name in microblog_core.__all__:
        assert getattr(microblog_core, name) is not None
    assert set(microblog_core.__all__) <= set(dir(microblog_core))
    with pytest.raises(AttributeError, match="no attribute 'Nope'"):
        _ = microblog_core.Nope  # type: ignore[attr-defined]
