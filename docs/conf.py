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
autodoc_default_options = {"members": True, "show-inheritance": True}
napoleon_google_docstring = True
napoleon_numpy_docstring = False
nitpicky = False
suppress_warnings = ["myst.header"]

html_theme = "furo"
html_title = "microblog_core"
exclude_patterns = ["_build"]

doctest_global_setup = """
from datetime import datetime, timedelta, timezone
"""
