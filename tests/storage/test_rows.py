"""The rows both SQL adapters store: ``post_from_row`` (the trusted row reader) equals the
checked constructor, and a damaged row is a ``StorageError``."""

import json
from datetime import timedelta
from typing import Any

import pytest
from hypothesis import example, given
from hypothesis import strategies as st

from microblog_core.errors import StorageError
from microblog_core.ids import EPOCH, MAX_ID
from microblog_core.models import Post, QuotePolicy, ReplyRef, RepostRef, Visibility
from microblog_core.storage._rows import (
    _json_tuple,
    _json_tuple_reference,
    _load_attachments,
    _load_gate,
    post_from_row,
    post_params,
)
from microblog_core.testing.strategies import posts


def _checked(row: tuple[Any, ...]) -> Post:
    """The reference reader: every column through ``Post(**fields)``, converters and validators."""
    (id_, author, created, text, visibility, r1, r2, r3, r4, p1, p2, p3, p4, quote_of, language,
     warning, attachments, mentions, tags, gate, policy, hidden) = row  # fmt: skip

    def array(value: str) -> tuple[Any, ...]:
        loaded = json.loads(value)
        if not isinstance(loaded, list):
            raise TypeError(value)
        return tuple(loaded)

    if not (isinstance(hidden, bool) or (type(hidden) is int and hidden in (0, 1))):
        raise TypeError(hidden)
    return Post(
        id=id_,
        author_id=author,
        created_at=EPOCH + timedelta(microseconds=created),
        text=text,
        visibility=Visibility(visibility),
        reply_to=None
        if r1 is None
        else ReplyRef(root_id=r1, parent_id=r2, parent_author_id=r3, addressee_id=r4),
        repost_of=None
        if p1 is None
        else RepostRef(root_id=p1, root_author_id=p2, via_id=p3, via_author_id=p4),
        quote_of=quote_of,
        language=language,
        content_warning=warning,
        attachments=() if attachments is None else _load_attachments(attachments),
        mentions=() if mentions is None else array(mentions),
        tags=() if tags is None else array(tags),
        reply_gate=_load_gate(gate),
        quote_policy=QuotePolicy(policy),
        hidden=bool(hidden),
    )


@given(posts())
def test_a_row_reads_back_as_the_post_it_was_made_of(value: Post) -> None:
    row = post_params(value)
    assert post_from_row(row) == _checked(row) == value


GARBAGE = st.sampled_from(
    [
        None,
        0,
        1,
        2,
        -1,
        2**63,
        True,
        "",
        " ",
        "x",
        "public",
        "anyone",
        "en",
        "EN!",
        "\ud800",
        "caf\u00e9",
        "[]",
        "[1, 1]",
        "[0]",
        '["1"]',
        '["A", "a"]',
        '[""]',
        '{"a": 1}',
        '"abc"',
        "[1",
        '[{"kind": "poll"}]',
        "mentioned,followers",
        0.5,
    ]
)


@given(value=posts(), column=st.integers(0, 21), garbage=GARBAGE)
@example(value=Post(id=10, author_id=1, created_at=EPOCH, text="x"), column=21, garbage=2)
@example(value=Post(id=10, author_id=1, created_at=EPOCH, text="x"), column=18, garbage='"abc"')
def test_a_damaged_row_is_read_as_the_checked_constructor_reads_it(
    value: Post, column: int, garbage: Any
) -> None:
    """Whatever a column holds, the trusted reader gives the checked constructor's post, or a
    StorageError exactly when the checked constructor refuses the row."""
    row = list(post_params(value))
    row[column] = garbage
    damaged = tuple(row)
    try:
        expected = _checked(damaged)
    except Exception:  # any refusal of the reference reader
        with pytest.raises(StorageError, match="a stored post row cannot be read back"):
            post_from_row(damaged)
    else:
        assert post_from_row(damaged) == expected


def _outcome(decode: Any, value: object) -> object:
    try:
        return ("value", decode(value))
    except Exception as exc:  # the error is the outcome compared
        return ("error", type(exc), str(exc))


@given(
    st.one_of(
        st.lists(st.text()).map(lambda tags: json.dumps(tags, ensure_ascii=False)),
        st.lists(st.integers(1, MAX_ID)).map(json.dumps),
    )
)
def test_the_fast_json_array_decoder_reads_what_the_encoder_writes_as_json_loads(
    text: str,
) -> None:
    """Every tags or mentions text ``post_params`` writes decodes as ``json.loads`` decodes it."""
    assert _json_tuple(text) == _json_tuple_reference(text) == tuple(json.loads(text))


@given(
    st.one_of(
        st.text(),
        st.text(alphabet='[]{}",: \\\ufeff\t\nab1eE.-+0NaIfinty'),
        st.sampled_from(
            [
                " []",
                "[] ",
                "[1,]",
                '["a" "b"]',
                "\ufeff[]",
                "[NaN]",
                "[1e999]",
                "[" * 5000,
                '"[]"',
                "[]x",
                "null",
                "{}",
                '["\\ud800"]',
                '["\\x"]',
            ]
        ),
        st.binary().map(lambda b: b"[" + b + b"]"),
        st.sampled_from([None, 1, 0.5, b"[1]", bytearray(b"[]"), ["a"]]),
    )
)
@example('["a", "b"] ')
@example("[" * 100_000)
def test_the_fast_json_array_decoder_reads_garbage_as_json_loads(text: Any) -> None:
    """Any other stored value gives the reference decoder's tuple, or its error."""
    assert _outcome(_json_tuple, text) == _outcome(_json_tuple_reference, text)
