"""Hypothesis plugin: makes ``st.from_type`` work for every microblog_core value.

Hypothesis calls :func:`_hypothesis_setup_hook` through the ``hypothesis``
entry point declared in ``pyproject.toml`` when it is imported, so the hook
must cost next to nothing: it imports none of the library (not the values,
which import ``regex`` and the text package, nor the service or storage).

Instead the hook registers the types when their modules are first imported:
``st.from_type(Post)`` needs ``Post``, so by then ``microblog_core.models`` is
loaded and its classes are registered. A module already imported is handled
at once; otherwise a finder on :data:`sys.meta_path` wraps the module's loader
to register right after the module runs. Each registered resolver imports the
strategies module the first time it is asked for a strategy, so there is no
import cycle with :mod:`microblog_core.testing.strategies` (which imports
Hypothesis itself). Nothing here needs pytest.
"""

import importlib.abc
import importlib.machinery
import sys
from collections.abc import Callable, Sequence
from types import ModuleType
from typing import Any

from hypothesis import strategies as st

__all__: list[str] = []


def _resolve(cls: Any) -> Any:
    """Return the strategy for ``cls`` (imported lazily), or NotImplemented."""
    from microblog_core.testing import strategies

    return strategies._strategy_for_type(cls)


def _register_models(module: ModuleType) -> None:
    for cls in module.VALUE_CLASSES:
        st.register_type_strategy(cls, _resolve)


def _register_ids(module: ModuleType) -> None:
    for new_type in (module.AccountId, module.PostId):
        st.register_type_strategy(new_type, _resolve)


# What to register once each module has run.
_ON_IMPORT: dict[str, Callable[[ModuleType], None]] = {
    "microblog_core.models": _register_models,
    "microblog_core.ids": _register_ids,
}


class _RegisteringLoader(importlib.abc.Loader):
    """Runs the real loader, then registers the module's types."""

    def __init__(self, inner: importlib.abc.Loader, register: Callable[[ModuleType], None]) -> None:
        self._inner = inner
        self._register = register

    def create_module(self, spec: importlib.machinery.ModuleSpec) -> ModuleType | None:
        return self._inner.create_module(spec)

    def exec_module(self, module: ModuleType) -> None:
        self._inner.exec_module(module)
        self._register(module)

    def __getattr__(self, name: str) -> Any:
        # get_source, is_package, get_resource_reader... stay the real loader's.
        return getattr(self._inner, name)


class _RegisterOnImport(importlib.abc.MetaPathFinder):
    """Finds nothing itself; wraps the loader of a watched module found by the others."""

    def find_spec(
        self,
        fullname: str,
        path: Sequence[str] | None,
        target: ModuleType | None = None,
    ) -> importlib.machinery.ModuleSpec | None:
        register = _ON_IMPORT.get(fullname)
        if register is None:
            return None
        for finder in sys.meta_path:
            if finder is self or not hasattr(finder, "find_spec"):
                continue
            spec = finder.find_spec(fullname, path, target)
            if spec is not None:
                if spec.loader is not None and hasattr(spec.loader, "exec_module"):
                    spec.loader = _RegisteringLoader(spec.loader, register)
                return spec
        return None


def _hypothesis_setup_hook() -> None:
    """Register a strategy for each class in ``VALUE_CLASSES`` and for the id types.

    Modules already imported are registered now, the others when they are.
    Running the hook again is harmless.
    """
    waiting = False
    for name, register in _ON_IMPORT.items():
        module = sys.modules.get(name)
        if module is not None:
            register(module)
        else:
            waiting = True
    if waiting and not any(isinstance(f, _RegisterOnImport) for f in sys.meta_path):
        sys.meta_path.insert(0, _RegisterOnImport())
