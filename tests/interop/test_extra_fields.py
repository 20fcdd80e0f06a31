"""Unknown or extra fields never make an import fail, in any format."""

import json

from hypothesis import given
from hypothesis import strategies as st

from microblog_core.interop import activitypub, atproto, mastodon
from microblog_core.models import Post

from .helpers import T0, account_for

_JSON = st.recursive(
    st.none() | st.booleans() | st.integers() | st.text(max_size=5),
    lambda inner: (
        st.lists(inner, max_size=3) | st.dictionaries(st.text(max_size=5), inner, max_size=3)
    ),
    max_leaves=6,
)
_EXTRA = st.dictionaries(st.text(min_size=1, max_size=8).map(lambda k: f"x-{k}"), _JSON, max_size=4)

POST = Post.create(
    id=10, author_id=1, created_at=T0, text="hi @u2 #tag", mentions=[2], tags=["tag"]
)
ACCOUNTS = {1: account_for(1), 2: account_for(2)}


def _with_extra(data, extra):
    """Add ``extra`` to the object and to every nested object."""
    if isinstance(data, dict):
        return {**{k: _with_extra(v, extra) for k, v in data.items()}, **extra}
    if isinstance(data, list):
        return [_with_extra(v, extra) for v in data]
    return data


@given(_EXTRA)
def test_mastodon_ignores_extra_fields(extra):
    data = _with_extra(mastodon.status_to_json(POST, accounts=ACCOUNTS), extra)
    assert mastodon.status_from_json(json.loads(json.dumps(data))).post == POST


@given(_EXTRA)
def test_activitypub_ignores_extra_fields(extra):
    data = _with_extra(
        activitypub.to_activity(POST, accounts=ACCOUNTS, base_url="https://x.example"), extra
    )
    assert activitypub.to_value(activitypub.read_activity(data)) == POST


@given(_EXTRA)
def test_atproto_ignores_extra_fields(extra):
    record = atproto.to_record(POST, handles={2: "u2"})
    data = _with_extra(record.value, extra)
    assert atproto.from_record(record.uri, data) == POST
