"""Sphinx configuration for microblog_core's documentation."""

from microblog_core import __version__

project = "microblog_core"
author = "microblog_core developers"
copyright = "2026, microblog_core developers"
release = __version__
version = __version__

extensions = [
    "myst_parser",
    "sphinx.ext.autodoc",
    "sphinx.ext.napoleon",
    "sphinx.ext.doctest",
    "sphinx.ext.viewcode",
]
source_suffix = {".md": "markdown", ".rst": "restructuredtext"}
myst_enable_extensions = ["colon_fence", "deflist", "substitution"]
myst_substitutions = {"release": release}
myst_heading_anchors = 3

autodoc_member_order = "bysource"
autodoc_typehints = "description"
# Defaults as written in the source (``feeds=DEFAULT_FEEDS``), not their reprs.
autodoc_preserve_defaults = True
autodoc_default_options = {"members": True, "show-inheritance": True}
napoleon_google_docstring = True
napoleon_numpy_docstring = False
# Every cross-reference must resolve: a broken link to our own API fails the
# build (-W). The docs are built offline, without intersphinx, so names from
# outside the project cannot resolve; only those are ignored here.
nitpicky = True
nitpick_ignore_regex = [
    # The standard library, in annotations and prose.
    (r"py:.*", r"(abc|argparse|collections\.abc|datetime|enum|os|pathlib|random|typing)\..+"),
    (r"py:mod", r"sqlite3"),
    # Dependencies and extras: attrs, cattrs, Hypothesis, networkx.
    (r"py:.*", r"(attrs|attr|cattrs|hypothesis|networkx|nx)(\..+)?"),
    (r"py:exc", r"InvalidArgument"),  # hypothesis.errors.InvalidArgument, as written
]
suppress_warnings = ["myst.header"]

html_theme = "furo"
html_title = "microblog_core"
exclude_patterns = ["_build"]


# --- resolving re-exported names ---------------------------------------------
# Users import from facades (``microblog_core.Microblog``,
# ``microblog_core.ranking.Candidate``); the reference documents each object
# once, where it is defined. A link written with the facade's name is
# resolved to the definition here; one that still does not resolve stays a
# warning (and fails the build).


def _lookup(target: str) -> tuple[object, str] | None:
    """Import the object a dotted name denotes: the object and any trailing attribute path."""
    import importlib
    import typing

    parts = target.split(".")
    for cut in range(len(parts), 0, -1):
        try:
            obj: object = importlib.import_module(".".join(parts[:cut]))
        except ImportError:
            continue
        rest = parts[cut:]
        while rest and hasattr(obj, rest[0]):
            nxt = getattr(obj, rest[0])
            if not hasattr(nxt, "__qualname__") or isinstance(nxt, typing.TypeVar):
                break  # a field or constant: keep the rest as the attribute path
            obj, rest = nxt, rest[1:]
        return obj, "".join(f".{part}" for part in rest)
    return None


def _definitions(module_name: str, name: str) -> list[str]:
    """Where a module's constant ``name`` is defined: the loaded submodules holding it."""
    import sys

    value = getattr(sys.modules.get(module_name), name, None)
    if value is None:
        return []
    return [
        f"{other}.{name}"
        for other, module in sorted(sys.modules.items())
        if other.startswith(f"{module_name}.") and getattr(module, name, None) is value
    ]


def _resolve_reexport(app, env, node, contnode):
    import typing

    if node.get("refdomain") != "py":
        return None
    target = node.get("reftarget", "")
    context = node.get("py:module") or ""
    if target.rpartition(".")[2].startswith("_") and context.startswith("microblog_core"):
        return contnode  # a private class in a signature: private names have no page
    names = [target] if target.startswith("microblog_core") else []
    if not names and context.startswith("microblog_core"):
        names = [f"{context}.{target}", f"microblog_core.{target}"]
    for name in names:
        found = _lookup(name)
        if found is None:
            continue
        obj, rest = found
        if rest.count(".") == 1 and isinstance(getattr(obj, rest[1:], None), typing.TypeVar):
            return contnode  # a type variable has no page of its own
        if hasattr(obj, "__path__") and rest.count(".") == 1:
            # A constant re-exported by a package: link to its definition.
            for canonical in _definitions(obj.__name__, rest[1:]):
                resolved = env.get_domain("py").resolve_xref(
                    env, node["refdoc"], app.builder, node["reftype"], canonical, node, contnode
                )
                if resolved is not None:
                    return resolved
            continue
        module = getattr(obj, "__module__", None) if not hasattr(obj, "__path__") else None
        qualname = getattr(obj, "__qualname__", None)
        if module is None or qualname is None:
            continue
        canonical = f"{module}.{qualname}{rest}"
        if canonical == target:
            continue
        resolved = env.get_domain("py").resolve_xref(
            env, node["refdoc"], app.builder, node["reftype"], canonical, node, contnode
        )
        if resolved is not None:
            return resolved
    return None


def _public_bases(app, name, obj, options, bases):
    """Show a private base class's own bases instead of the private class."""
    index = 0
    while index < len(bases):
        base = bases[index]
        if getattr(base, "__name__", "").startswith("_") and base is not object:
            bases[index : index + 1] = [b for b in base.__bases__ if b is not object]
        else:
            index += 1


def setup(app):
    app.connect("missing-reference", _resolve_reexport)
    app.connect("autodoc-process-bases", _public_bases)
