import copy
import io
import json
from unittest import mock

import pytest
from hypothesis import example, given
from hypothesis import strategies as st

from microblog_core import ManualClock, Microblog
from microblog_core.errors import ValidationError
from microblog_core.interop import weibo
from microblog_core.interop.importing import Importer
from microblog_core.interop.weibo import (
    cascades_from_posts,
    read_cascades,
    read_statuses,
    via_handle,
)
from microblog_core.models import WEIBO_ACCOUNTS, Account, AccountKind, Post
from microblog_core.rules import parse_comment_chain
from microblog_core.sim.metrics import cascades_from
from microblog_core.text import WEIBO_LONG

from .helpers import json_values

POLICE = {"id": 1001, "screen_name": "平安北京", "verified": True, "verified_type": 1}
ANN = {"idstr": "1002", "screen_name": "小明同学"}
BOB = {"id": 1003, "screen_name": "BobSmith", "description": "hi"}

ROOT = {
    "id": 4500000000000001,
    "created_at": "Sat Dec 05 10:00:00 +0800 2020",
    "text": "道路封闭通知 <a href='/n/x'>#交通#</a>",
    "user": POLICE,
    "reposts_count": 2,
}


def _status(status_id, user, text, hour):
    return {
        "idstr": str(status_id),
        "created_at": f"Sat Dec 05 {hour:02d}:00:00 +0800 2020",
        "text": text,
        "user": user,
        "retweeted_status": ROOT,
        "pic_ids": [],
    }


STATUSES = [
    ROOT,
    _status(4500000000000002, ANN, "转发微博", 11),
    _status(4500000000000003, BOB, "good to know//@小明同学:转发微博", 12),
]


def _items():
    return list(read_statuses(io.StringIO("\n".join(json.dumps(s) for s in STATUSES))))


def test_via_handle_reads_the_first_link_of_a_chain():
    assert via_handle("me too//@B:so true//@C：hello") == "B"
    assert via_handle("no chain here") is None


@given(
    st.lists(st.sampled_from(["//@", "//", "@", ":", "：", "a", "小明", " ", "/", "\n"])).map(
        "".join
    )
)
@example("x//@a b//@c:d")
@example("//@a：b:c")
def test_via_handle_is_the_second_link_of_the_parsed_chain(text):
    links = parse_comment_chain(text)
    assert via_handle(text) == (links[1].handle if len(links) > 1 else None)


def test_statuses_read_with_organisations_and_via_from_the_chain():
    items = _items()
    accounts = {i.id: i for _, i in items if isinstance(i, Account)}
    assert accounts[1001].kind is AccountKind.ORGANISATION and accounts[1001].verified
    posts = {i.id: i for _, i in items if isinstance(i, Post)}
    assert posts[ROOT["id"]].text == "道路封闭通知 #交通#"
    first, second = posts[4500000000000002], posts[4500000000000003]
    assert first.text == "" and first.repost_of.via_id is None
    assert second.repost_of.via_id == first.id and second.repost_of.via_author_id == 1002
    (cascade,) = cascades_from_posts(items)
    assert (cascade.size, cascade.depth) == (3, 2)


def test_weibo_statuses_import_through_the_service_keeping_via():
    clock = ManualClock()
    blog = Microblog.in_memory(clock=clock, account_policy=WEIBO_ACCOUNTS, policy=WEIBO_LONG)
    importer = Importer(blog, clock=clock)
    report = importer.run(_items())
    assert (report.accounts, report.posts, report.reposts) == (3, 1, 2)
    second = blog.get_post(importer.post_ids[4500000000000003])
    assert second.repost_of.via_id == importer.post_ids[4500000000000002]
    assert second.text.startswith("good to know")


def test_a_cascade_file_reads_into_trees_with_parents():
    text = (
        "m1\t1\t1500000000\t5\t1:0 1/5:30 1/5/9:3600 1/7:60 1/5/9/11:4000 1/7:70\n"
        "\n"
        "m2\t2\t1500000100\t0\t2:0\n"
        "m3\t3\t1500000200\t1\t3:0 3/8/4:10\n"
    )
    first, second, third = read_cascades(io.StringIO(text))
    expected = cascades_from([(1, None), (5, 1), (9, 5), (7, 1), (11, 9)])[0]
    assert first.cascade == expected
    assert first.cascade.structural_virality == expected.structural_virality
    assert (first.duplicates, first.delays[11], first.repost_count) == (1, 4000, 5)
    assert first.published_at.year == 2017
    assert (second.cascade.size, second.message_id) == (1, "m2")
    assert third.cascade.edges == ((3, 8), (8, 4))  # 8 is implied by the path


@pytest.mark.parametrize(
    ("line", "field"),
    [
        ("m1\t1\t15000\n", "line 1"),
        ("m1\tx\t15000\t0\t1:0\n", "line 1: root user"),
        ("m1\t1\t15000\t0\t1:0 1/2\n", "line 1: paths"),
        ("m1\t1\t15000\t0\t1:0 4/2:5\n", "line 1: paths"),
        ("m1\t1\t15000\t0\t1:0 1/a:5\n", "line 1: user id in a path"),
    ],
)
def test_a_malformed_cascade_line_names_the_line(line, field):
    with pytest.raises(ValidationError) as info:
        list(read_cascades(io.StringIO(line)))
    assert info.value.field == field


def test_a_malformed_status_names_its_path():
    with pytest.raises(ValidationError) as info:
        list(read_statuses(io.StringIO(json.dumps({**ROOT, "user": {"id": 5}}))))
    assert info.value.field == "$[0].user.screen_name"


@pytest.mark.parametrize(
    "when", ["Mon Jan 01 00:00:00 +0800 0001", "Fri Dec 31 23:59:59 -0800 9999"]
)
def test_a_time_whose_offset_leaves_the_calendar_names_its_path(when):
    """A legacy time that UTC would put before year 1 or after 9999 is a ValidationError."""
    status = {"id": 5, "created_at": when, "text": "hi", "user": {"id": 1, "screen_name": "a"}}
    with pytest.raises(ValidationError) as info:
        list(read_statuses(io.StringIO(json.dumps(status) + "\n")))
    assert info.value.field == "$[0].created_at"


_TIMES = [
    "Sat Dec 05 13:00:00 +0800 2020",
    f"Sat Dec 05 14:{len(STATUSES):02d}:00 +0800 2020",
    "2020-12-05T06:00:00Z",
    "Sat Dec 05",
]
_STATUS_KEYS = ("id", "idstr", "mid", "created_at", "text", "raw_text", "user", "retweeted_status")
_USER_KEYS = (
    "id",
    "idstr",
    "id_str",
    "screen_name",
    "verified_type",
    "verified",
    "description",
    "created_at",
)
_VALUES = (
    json_values(_STATUS_KEYS + _USER_KEYS)
    | st.sampled_from(_TIMES)
    | st.sampled_from([4500000000000009, "4500000000000010", 1002, "1002", 7])
    | st.sampled_from(["转发微博", "ok//@小明同学:转发微博", "//@BobSmith：hi", "a &amp; <b>b</b>"])
    | st.sampled_from([ANN, BOB, POLICE, {"id": 1004, "screen_name": "x", "created_at": _TIMES[0]}])
    | st.just(ROOT)
)


def _read_all(text):
    items = []
    try:
        items.extend(read_statuses(io.StringIO(text)))
    except ValidationError as exc:
        items.append(("error", type(exc), str(exc), exc.field))
    return items


@given(st.data())
@example(None)
def test_the_fast_path_reads_every_status_as_the_checked_path(data):
    """Whatever a status holds, its items (or error), then the stream's, are the checked path's."""
    statuses = copy.deepcopy([*STATUSES, *STATUSES[1:], ROOT])
    for index, status in enumerate(statuses[3:], start=5):
        status["idstr"] = str(4500000000000000 + index)
    for _ in range(data.draw(st.integers(0, 4)) if data is not None else 0):
        status = data.draw(st.sampled_from(statuses))
        target = data.draw(
            st.sampled_from([status, status.get("user"), status.get("retweeted_status")]).filter(
                lambda member: isinstance(member, dict)
            )
        )
        key = data.draw(st.sampled_from(_STATUS_KEYS + _USER_KEYS))
        if data.draw(st.booleans()):
            target[key] = copy.deepcopy(data.draw(_VALUES))
        else:
            target.pop(key, None)
    text = "\n".join(json.dumps(s, ensure_ascii=False) for s in statuses)
    fast = _read_all(text)
    with mock.patch.object(weibo, "_quick_status_items", return_value=None):
        checked = _read_all(text)
    assert fast == checked


def test_the_fast_path_reads_the_common_shape():
    """Statuses of the usual shape are read without the checked path (after a first one)."""
    text = "\n".join(json.dumps(s) for s in STATUSES)
    list(read_statuses(io.StringIO(text)))  # the times are parsed once
    with mock.patch.object(weibo, "_status_items", side_effect=AssertionError):
        assert len(list(read_statuses(io.StringIO(text)))) == len(_items())
