"""Generate ``src/microblog_core/text/_tlds.py`` from twitter-text's ``tld_lib.yml``.

Usage::

    .venv/bin/python scripts/gen_tlds.py [PATH_TO_tld_lib.yml] [--check]

The default source is ``../shared/conformance/twitter-text/tld_lib.yml`` (beside
the repository). The output is plain Python data, so the library never needs
PyYAML at run time; PyYAML is only needed here (it is a dev dependency).
``--check`` exits with status 1 when the committed file is out of date.
"""

from __future__ import annotations

import hashlib
import sys
from pathlib import Path

import yaml

ROOT = Path(__file__).resolve().parent.parent
DEFAULT_SOURCE = ROOT.parent / "shared" / "conformance" / "twitter-text" / "tld_lib.yml"
TARGET = ROOT / "src" / "microblog_core" / "text" / "_tlds.py"


def git_blob_id(data: bytes) -> str:
    """The id git gives a file's content (``git hash-object``)."""
    return hashlib.sha1(b"blob %d\0" % len(data) + data, usedforsecurity=False).hexdigest()


def _tuple_literal(name: str, doc: str, items: list[str]) -> list[str]:
    # One item a line in double quotes: the layout ruff format would give, so the
    # generated file passes `ruff format --check` as written.
    for item in items:
        if '"' in item or "\\" in item or not item.isprintable():
            raise SystemExit(f"unexpected character in TLD {item!r}")
    return [
        f"{name}: tuple[str, ...] = (",
        *(f'    "{item}",' for item in items),
        ")",
        f'"""{doc}"""',
        "",
    ]


def render(source: Path) -> str:
    """Return the text of the generated module for the YAML file ``source``."""
    data = source.read_bytes()
    lists = yaml.safe_load(data)
    country = sorted({str(tld).lower() for tld in lists["country"]})
    generic = sorted({str(tld).lower() for tld in lists["generic"]})
    overlap = set(country) & set(generic)
    if overlap:
        raise SystemExit(f"a TLD is both country and generic: {sorted(overlap)}")
    lines = [
        '"""Top-level domains that twitter-text recognises in URLs.',
        "",
        "GENERATED FILE: do not edit. Regenerate with ``scripts/gen_tlds.py``.",
        "",
        "Source: twitter-text ``conformance/tld_lib.yml`` (Apache-2.0, Copyright 2011",
        f"Twitter, Inc.), git blob {git_blob_id(data)}, {len(country)} country and",
        f"{len(generic)} generic TLDs. Entries are lower-case and sorted.",
        '"""',
        "",
        '__all__ = ["COUNTRY_TLDS", "GENERIC_TLDS", "SOURCE_BLOB"]',
        "",
        f'SOURCE_BLOB = "{git_blob_id(data)}"',
        '"""The git blob id of the tld_lib.yml this module was generated from."""',
        "",
    ]
    lines += _tuple_literal(
        "COUNTRY_TLDS", "Country-code TLDs (ccTLDs), IDN ones included.", country
    )
    lines += _tuple_literal("GENERIC_TLDS", "Generic TLDs (gTLDs), IDN ones included.", generic)
    return "\n".join(lines)


def main(argv: list[str]) -> int:
    check = "--check" in argv
    paths = [arg for arg in argv if arg != "--check"]
    source = Path(paths[0]) if paths else DEFAULT_SOURCE
    text = render(source)
    if check:
        current = TARGET.read_text(encoding="utf-8") if TARGET.exists() else ""
        if current != text:
            print(f"{TARGET} is out of date; run scripts/gen_tlds.py", file=sys.stderr)
            return 1
        print(f"{TARGET} is up to date")
        return 0
    TARGET.write_text(text, encoding="utf-8")
    print(f"wrote {TARGET}")
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
