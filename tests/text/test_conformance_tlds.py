"""twitter-text ``tlds.yml``: ``https://twitter.<tld>`` is a URL for every TLD."""

from typing import Any

import pytest

from microblog_core.text import EntityKind, Flavor, extract
from tests.text.conformance import cases

FILE = "tlds.yml"
pytestmark = pytest.mark.usefixtures("conformance")


@pytest.mark.parametrize("case", cases(FILE, "country") + cases(FILE, "generic"))
def test_tld_is_extracted(case: dict[str, Any]) -> None:
    found = extract(case["text"], flavor=Flavor.TWITTER, kinds=[EntityKind.URL])
    assert [e.url for e in found] == case["expected"]
