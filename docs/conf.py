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
    "sphinx.ext.autosummary",
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
# An attrs class documents its fields once, under "Attributes" in its
# docstring; a function's documented arguments still get their types.
autodoc_typehints_description_target = "documented_params"
# Defaults as written in the source (``feeds=DEFAULT_FEEDS``), not their reprs.
autodoc_preserve_defaults = True
# No "Bases: object": only pages where the bases say something (the error
# tree) ask for them with :show-inheritance:.
autodoc_default_options = {"members": True}
# Headings and types read "Post", "EntityKind": the module is the page's
# subject, and a private defining module never shows.
add_module_names = False
python_use_unqualified_type_names = True
napoleon_google_docstring = True
napoleon_numpy_docstring = False
# Every cross-reference must resolve: a broken link to our own API fails the
# build (-W). The docs are built offline, without intersphinx, so names from
# outside the project cannot resolve; only those are ignored here.
nitpicky = True
nitpick_ignore_regex = [
    # The standard library, in annotations and prose.
    (
        r"py:.*",
        r"(abc|argparse|collections|collections\.abc|datetime|enum|os|pathlib|random|typing)\..+",
    ),
    (r"py:mod", r"sqlite3"),
    (r"py:class", r"array(\.array)?"),  # array columns (FollowGraph.csr, edge_columns)
    (r"py:class", r"concurrent\.futures\.(_base\.)?Executor"),
    # Dependencies and extras: attrs, cattrs, Hypothesis, networkx.
    (r"py:.*", r"(attrs|attr|cattrs|hypothesis|networkx|nx)(\..+)?"),
    (r"py:exc", r"InvalidArgument"),  # hypothesis.errors.InvalidArgument, as written
    # The postgres and redis extras.
    (r"py:.*", r"(psycopg|psycopg_pool|redis|redis_py)(\..+)?"),
]
suppress_warnings = ["myst.header"]

html_theme = "furo"
html_title = "microblog_core"
html_static_path = ["_static"]
html_css_files = ["custom.css"]
exclude_patterns = ["_build"]


# --- resolving re-exported names ---------------------------------------------
# Every name is documented once, at a public path: the top-level service
# (``microblog_core.Microblog``), a facade over private modules
# (``microblog_core.text.EntityKind``) or a public topical module
# (``microblog_core.ranking.scorers.reddit_hot``). autodoc records a class's
# defining path as its ``:canonical:`` alias, so both spellings resolve. A
# link written with another public spelling (``microblog_core.ManualClock``,
# ``microblog_core.ranking.Candidate``, a method through the service module)
# is resolved below to the same object's documented entry; a link that still
# does not resolve stays a warning, and fails the build. Private names
# (a leading underscore anywhere in the path) have no page and read as text.


def _lookup(target: str) -> tuple[object, str] | None:
    """Import the object a dotted name denotes: the object and any trailing attribute path."""
    import importlib
    import typing

    parts = target.split(".")
    for cut in range(len(parts), 0, -1):
        try:
            obj: object = importlib.import_module(".".join(parts[:cut]))
        except (ImportError, TypeError, ValueError):
            continue
        rest = parts[cut:]
        while rest and hasattr(obj, rest[0]):
            nxt = getattr(obj, rest[0])
            if not hasattr(nxt, "__qualname__") or isinstance(nxt, typing.TypeVar):
                break  # a field or constant: keep the rest as the attribute path
            obj, rest = nxt, rest[1:]
        return obj, "".join(f".{part}" for part in rest)
    return None


def _value(target: str) -> object:
    """The object a dotted name denotes, or a fresh sentinel when it denotes nothing."""
    found = _lookup(target)
    if found is None:
        return object()
    obj, rest = found
    for part in rest.split(".")[1:]:
        obj = getattr(obj, part, None)
    return object() if obj is None else obj


def _same(left: str, right: str) -> bool:
    """Whether two dotted names denote the same object, under the same final name."""
    import inspect

    if left.rpartition(".")[2] != right.rpartition(".")[2]:
        return False
    one, other = _value(left), _value(right)
    return one is other or (inspect.ismethod(one) and one == other)  # a classmethod, bound anew


def _documented(env, target: str, reftype: str, context: str, page: str) -> list[str]:
    """The documented entries a link may mean: the same object under its public path."""
    domain = env.get_domain("py")
    kinds = set(domain.objtypes_for_role(reftype) or ())
    last = target.rpartition(".")[2]
    found = []
    for name, entry in domain.objects.items():
        if entry.aliased or entry.objtype not in kinds or name.rpartition(".")[2] != last:
            continue
        if target.startswith("microblog_core."):
            if not _same(name, target):
                continue
        elif not name.endswith(f".{target}"):
            continue
        found.append(name)
    if len(found) > 1 and context:  # a bare name: the one nearest the link's module
        near = context.rpartition(".")[0]
        found = [name for name in found if name.startswith(f"{near}.")] or found
    if len(found) > 1:  # a bare name in a summary table: the one on the same page
        found = [name for name in found if domain.objects[name].docname == page] or found
    if len(found) > 1 and all(_same(found[0], name) for name in found):
        found = [min(found, key=len)]  # one object, documented where it is defined
    return found


def _private_home(target: str) -> bool:
    """Whether a bare name is a class or function defined in one of our private modules."""
    import sys

    for name, module in list(sys.modules.items()):
        if name.startswith("microblog_core.") and "._" in f".{name}":
            value = getattr(module, target, None)
            if getattr(value, "__module__", None) == name and hasattr(value, "__qualname__"):
                return True
    return False


def _resolve_reexport(app, env, node, contnode):
    import typing

    if node.get("refdomain") != "py":
        return None
    target = node.get("reftarget", "").lstrip("~.")
    context = node.get("py:module") or ""
    if context and not context.startswith("microblog_core"):
        return None
    if any(part.startswith("_") and not part.startswith("__") for part in target.split(".")):
        return contnode  # a private name (in a signature or a remark) has no page
    if any(
        isinstance(_value(name), typing.TypeVar)
        for name in (target, f"{context}.{target}")
        if name[0] != "."
    ):
        return contnode  # a type variable has no page of its own
    names = _documented(env, target, node["reftype"], context, node["refdoc"])
    if not names and "." not in target and _private_home(target):
        return contnode  # a class of a private module, in an annotation: no page of its own
    if len(names) != 1:
        return None
    return env.get_domain("py").resolve_xref(
        env, node["refdoc"], app.builder, node["reftype"], names[0], node, contnode
    )


def _public_bases(app, name, obj, options, bases):
    """Show a private base class's own bases instead of the private class."""
    index = 0
    while index < len(bases):
        base = bases[index]
        if getattr(base, "__name__", "").startswith("_") and base is not object:
            bases[index : index + 1] = [b for b in base.__bases__ if b is not object]
        else:
            index += 1


def _default_text(owner: type, value: object) -> str:
    """An attrs default as a reader would write it: a constant's name, a member, a literal."""
    import datetime as dt
    import enum
    import sys

    import attrs

    if isinstance(value, attrs.Factory):  # type: ignore[arg-type]
        factory = value.factory  # type: ignore[attr-defined]
        return f"{getattr(factory, '__name__', 'factory')}()"
    if isinstance(value, enum.Enum):
        return f"{type(value).__name__}.{value.name}"
    if isinstance(value, (bool, int, float, str, bytes, type(None), tuple, frozenset)):
        text = repr(value)
        if len(text) <= 40:
            return text
    if isinstance(value, dt.datetime) and value.time() == dt.time(0):
        return f"datetime({value.year}, {value.month}, {value.day}, tzinfo=UTC)"
    public = getattr(value, "__name__", "_")
    if callable(value) and public.isidentifier() and not public.startswith("_"):
        return public
    module = sys.modules.get(owner.__module__)
    for name, candidate in vars(module or object).items():
        if candidate is value and name.isupper() and not name.startswith("_"):
            return name
    return "..."


def _attrs_signature(app, what, name, obj, options, signature, return_annotation):  # noqa: PLR0917 (Sphinx's event signature)
    """Show an attrs class's defaults, not attrs' generated ``attr_dict['x'].default``."""
    import re

    import attrs

    if what != "class" or not signature or not attrs.has(obj):
        return None
    fields = attrs.fields_dict(obj)
    signature = re.sub(
        r"attr_dict\['(\w+)'\]\.default",
        lambda match: _default_text(obj, fields[match.group(1)].default),
        signature,
    )
    signature = re.sub(  # a field with a factory
        r"\b(\w+)=NOTHING\b",
        lambda match: f"{match.group(1)}={_default_text(obj, fields[match.group(1)].default)}",
        signature,
    )
    return signature, return_annotation


def _public_titles(app, doctree, docname):
    """Hovering a link shows the public path it leads to, never a private module's."""
    from docutils import nodes

    for ref in doctree.findall(nodes.reference):
        title = ref.get("reftitle", "")
        anchor = ref.get("refid") or ref.get("refuri", "").partition("#")[2]
        if "._" in title and anchor.startswith("microblog_core"):
            ref["reftitle"] = anchor


def setup(app):
    app.connect("doctree-resolved", _public_titles)
    app.connect("autodoc-process-signature", _attrs_signature)
    app.connect("missing-reference", _resolve_reexport)
    app.connect("autodoc-process-bases", _public_bases)


# The docs' Hypothesis examples run inside the Sphinx doctest builder, often on
# a busy CI machine: the same reproducible settings as the test suite's ``ci``
# profile, so a slow machine cannot fail the build with a health check.
from hypothesis import HealthCheck, settings  # noqa: E402

settings.register_profile(
    "docs", derandomize=True, deadline=None, suppress_health_check=[HealthCheck.too_slow]
)
settings.load_profile("docs")
