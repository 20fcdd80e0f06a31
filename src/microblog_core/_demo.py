"""The tour ``microblog demo`` prints: a police bureau's account at work."""

from datetime import timedelta
from typing import TextIO

from microblog_core.clock import ManualClock
from microblog_core.models import WEIBO_ACCOUNTS, AccountKind
from microblog_core.rules import ThreadNode, parse_comment_chain
from microblog_core.service import Microblog
from microblog_core.text import WEIBO, measure


def _line(out: TextIO, text: str = "") -> None:
    out.write(text + "\n")


def run_demo(out: TextIO) -> None:
    """Run the tour and write it to ``out``."""
    clock = ManualClock()
    blog = Microblog.in_memory(clock=clock, policy=WEIBO, account_policy=WEIBO_ACCOUNTS)
    _line(out, "microblog_core demo: a city police bureau on a Weibo-style network")
    _line(out, "=" * 68)

    police = blog.register(
        "平安北京", display_name="Beijing Police", kind=AccountKind.ORGANISATION, verified=True
    )
    citizens = [blog.register(name) for name in ("xiaoming", "lihua", "zhangwei", "wangfang")]
    for person in citizens:
        blog.follow(person.id, police.id)
    blog.follow(citizens[1].id, citizens[0].id)
    blog.follow(citizens[2].id, citizens[1].id)
    _line(
        out,
        f"@{police.handle} (organisation, verified) has "
        f"{blog.account_counters(police.id).followers} followers",
    )

    text = "【交通提示】今天18:00前长安街部分路段封闭，请绕行。#出行提示# https://example.gov.cn/notice/2026"
    m = measure(text, WEIBO)
    _line(out)
    _line(out, "The bureau posts a notice; Weibo counts it in bytes, URL = 20 bytes:")
    _line(out, f"  {text}")
    _line(out, f"  length {m.length}/{m.limit} -> {'valid' if m.valid else 'too long'}")
    clock.advance(timedelta(minutes=1))
    notice = blog.post(police.id, text)

    _line(out)
    _line(out, "A repost cascade with Weibo comment chains (each keeps its parent):")
    clock.advance(timedelta(minutes=2))
    first = blog.repost(citizens[0].id, notice.id, comment="收到，谢谢提醒")
    clock.advance(timedelta(minutes=2))
    second = blog.repost(citizens[1].id, first.id, comment="转给大家")
    clock.advance(timedelta(minutes=2))
    third = blog.repost(citizens[2].id, second.id, comment="已绕行", also_comment=True)
    for repost in (first, second, third):
        ref = repost.repost_of
        assert ref is not None  # noqa: S101  # reposts always carry their reference
        via = f"via {ref.via_id}" if ref.via_id else "from the original"
        _line(out, f"  repost {repost.id} {via}: {repost.text}")
    links = parse_comment_chain(third.text)
    _line(
        out,
        "  the last chain, parsed: "
        + " <- ".join(f"{link.handle or 'me'}: {link.text}" for link in links),
    )

    _line(out)
    _line(out, "A comment thread under the notice:")
    clock.advance(timedelta(minutes=1))
    question = blog.reply(citizens[3].id, notice.id, "请问地铁站出口开放吗？")
    clock.advance(timedelta(minutes=1))
    blog.reply(police.id, question.id, "地铁站出口正常开放。")
    clock.advance(timedelta(minutes=1))
    blog.like(citizens[3].id, notice.id)
    view = blog.thread(notice.id, viewer_id=citizens[3].id)
    stack: list[ThreadNode] = [view.focus]
    handles = {a.id: a.handle for a in (police, *citizens)}
    while stack:
        node = stack.pop()
        post = node.post
        body = post.text if post is not None else f"[{node.placeholder}]"
        who = handles[post.author_id] if post is not None else "?"
        _line(out, f"  {'  ' * node.depth}@{who}: {body[:40]}")
        stack.extend(reversed(node.children))

    counters = blog.post_counters(notice.id)
    _line(out)
    _line(
        out,
        "Notice counters: "
        + ", ".join(
            f"{n} {one if n == 1 else many}"
            for n, one, many in (
                (counters.reposts, "repost", "reposts"),
                (counters.replies, "reply", "replies"),
                (counters.likes, "like", "likes"),
            )
        )
        + " (always equal to a recount)",
    )
