import json

import pytest

from microblog_core import ManualClock, Microblog
from microblog_core.cli import main
from microblog_core.models import MASTODON_ACCOUNTS, Visibility

from .helpers import T0


def _source_db(path):
    with Microblog.sqlite(path, clock=ManualClock(T0), account_policy=MASTODON_ACCOUNTS) as blog:
        ann, bob, cat = blog.register("ann"), blog.register("bob"), blog.register("cat")
        root = blog.post(ann.id, "hello @bob #first")
        reply = blog.reply(bob.id, root.id, "hi ann")
        blog.reply(ann.id, reply.id, "thread goes on")
        blog.repost(cat.id, root.id)
        blog.like(bob.id, root.id)
        blog.follow(cat.id, ann.id)
        blog.post(bob.id, "only for followers", visibility=Visibility.PRIVATE)


def _shape(path):
    with Microblog.sqlite(path) as blog:
        with blog.unit_of_work(readonly=True) as uow:
            handles = {a.id: a.handle for a in uow.accounts.page(limit=100)}
            posts = sorted(uow.posts.scan(limit=1000), key=lambda p: p.id)
            likes = sum(uow.posts.counters(p.id).likes for p in posts)
            follows = sum(len(uow.relations.following_of(a, limit=100)) for a in handles)
        order = {p.id: i for i, p in enumerate(posts)}
        return (
            sorted(handles.values()),
            [
                (
                    handles[p.author_id],
                    p.text,
                    p.visibility,
                    order.get(p.reply_to.parent_id) if p.reply_to else None,
                    order.get(p.repost_of.root_id) if p.repost_of else None,
                )
                for p in posts
            ],
            likes,
            follows,
        )


@pytest.mark.parametrize("fmt", ["mastodon", "activitypub"])
def test_export_then_import_gives_the_same_blog(tmp_path, capsys, fmt):
    source, target, out = tmp_path / "a.db", tmp_path / "b.db", tmp_path / "out"
    _source_db(source)
    assert main(["export", fmt, "--db", str(source), "--out", str(out)]) == 0
    written = capsys.readouterr().out
    assert "wrote" in written
    name = "statuses.jsonl" if fmt == "mastodon" else "outbox.jsonl"
    assert main(["import", fmt, str(out / name), "--db", str(target), "--batch-size", "2"]) == 0
    assert "imported 3 accounts" in capsys.readouterr().out
    expected = _shape(source)
    got = _shape(target)
    assert got[:2] == expected[:2]
    if fmt == "activitypub":
        assert got[2:] == expected[2:]  # likes and follows travel as activities


def test_atproto_export_leaves_restricted_posts_out_and_imports_back(tmp_path, capsys):
    source, target, out = tmp_path / "a.db", tmp_path / "b.db", tmp_path / "out"
    _source_db(source)
    assert main(["export", "atproto", "--db", str(source), "--out", str(out)]) == 0
    lines = [json.loads(line) for line in (out / "records.jsonl").read_text().splitlines()]
    texts = [r["value"].get("text") for r in lines]
    assert "only for followers" not in texts and "hello @bob #first" in texts
    assert main(["import", "atproto", str(out / "records.jsonl"), "--db", str(target)]) == 0
    _, posts, likes, follows = _shape(target)
    assert [p[1] for p in posts] == ["hello @bob #first", "hi ann", "thread goes on", ""]
    assert (likes, follows) == (1, 1)


def test_importing_twice_maps_existing_accounts(tmp_path, capsys):
    source, out = tmp_path / "a.db", tmp_path / "out"
    _source_db(source)
    main(["export", "mastodon", "--db", str(source), "--out", str(out)])
    target = tmp_path / "b.db"
    for _ in range(2):
        assert main(["import", "mastodon", str(out / "statuses.jsonl"), "--db", str(target)]) == 0
    assert "imported 0 accounts" in capsys.readouterr().out.splitlines()[-1]


def test_cascades_prints_the_simulation_report_layout(tmp_path, capsys):
    path = tmp_path / "cascades.txt"
    path.write_text("m1\t1\t1500000000\t3\t1:0 1/5:30 1/5/9:3600 1/7:60\n")
    assert main(["cascades", str(path), "--format", "weibo"]) == 0
    out = capsys.readouterr().out
    assert "size  depth  breadth  virality  original" in out
    assert "      4      2        2      1.67  user 1: message m1" in out


def test_twitter_cascades(tmp_path, capsys):
    tweets = [
        {"id": "10", "text": "original", "author_id": "1", "created_at": "2022-01-01T00:00:00Z"},
        {
            "id": "11",
            "text": "RT @a: original",
            "author_id": "2",
            "created_at": "2022-01-01T01:00:00Z",
            "referenced_tweets": [{"type": "retweeted", "id": "10"}],
            "entities": {"mentions": [{"start": 3, "end": 5, "username": "a", "id": "1"}]},
        },
    ]
    path = tmp_path / "tweets.jsonl"
    path.write_text("\n".join(json.dumps(t) for t in tweets))
    assert main(["cascades", str(path), "--format", "twitter"]) == 0
    out = capsys.readouterr().out
    assert "1 post was reposted" in out
    assert "1 original\n" in out


@pytest.mark.parametrize(
    ("argv", "message"),
    [
        (["import", "mastodon", "{missing}", "--db", "{db}"], "cannot read"),
        (["import", "twitter", "{bad}", "--db", "{db}"], "$[0]"),
        (["export", "mastodon", "--db", "{missing}", "--out", "{out}"], "no database"),
        (["cascades", "{tsv}", "--format", "weibo"], "line 1"),
        (["cascades", "{bad}", "--format", "weibo"], "$[0].created_at"),
        (["cascades", "{binary}", "--format", "twitter"], "not UTF-8"),
    ],
)
def test_bad_input_gives_one_line_and_a_non_zero_exit(tmp_path, capsys, argv, message):
    (tmp_path / "bad.txt").write_text('{"hello": 1}\n')
    (tmp_path / "binary.bin").write_bytes(b"\xff\xfe\x00garbage")
    (tmp_path / "bad.tsv").write_text("garbage\n")
    names = {
        "missing": tmp_path / "missing.json",
        "db": tmp_path / "x.db",
        "bad": tmp_path / "bad.txt",
        "out": tmp_path / "out",
        "binary": tmp_path / "binary.bin",
        "tsv": tmp_path / "bad.tsv",
    }
    args = [a.format(**{k: str(v) for k, v in names.items()}) for a in argv]
    assert main(args) != 0
    err = capsys.readouterr().err
    assert len(err.strip().splitlines()) == 1
    assert message in err


def test_import_line_says_one_repost_in_one_batch(tmp_path, capsys):
    statuses = tmp_path / "s.jsonl"
    root = {
        "id": "10",
        "created_at": "2024-01-01T00:00:00Z",
        "content": "<p>hello</p>",
        "account": {"id": "1", "username": "ann", "created_at": "2024-01-01T00:00:00Z"},
    }
    reblog = {
        "id": "11",
        "created_at": "2024-01-01T00:01:00Z",
        "content": "",
        "account": {"id": "2", "username": "bob", "created_at": "2024-01-01T00:00:00Z"},
        "reblog": root,
    }
    statuses.write_text(json.dumps(reblog) + "\n")
    assert main(["import", "mastodon", str(statuses), "--db", str(tmp_path / "x.db")]) == 0
    line = capsys.readouterr().out.splitlines()[-1]
    assert line.startswith("imported 2 accounts, 1 post, 1 repost, 0 likes,")
    assert " in 1 batch into " in line


def test_import_line_counts_many_in_the_plural():
    from microblog_core.interop.cli import describe_import
    from microblog_core.interop.importing import ImportReport

    line = describe_import(ImportReport(accounts=1200, reposts=2, likes=1, batches=3), "d.db")
    assert line.startswith("imported 1,200 accounts, 0 posts, 2 reposts, 1 like, 0 follows,")
    assert line.endswith(" in 3 batches into d.db")


def test_cascade_section_is_the_simulation_reports(tmp_path, capsys):
    """`microblog cascades` prints the lines sim.report's shared section gives."""
    from microblog_core.interop.cli import format_cascades, real_cascades
    from microblog_core.sim.report import format_cascade_section

    path = tmp_path / "cascades.txt"
    path.write_text(
        "m1\t1\t1500000000\t3\t1:0 1/5:30 1/5/9:3600 1/7:60\nm2\t2\t1500000000\t1\t2:0 2/3:5\n"
    )
    cascades = real_cascades(str(path), "weibo")
    text = format_cascades(cascades, title="T")
    assert "  2 posts were reposted; mean cascade size 3.00, longest repost chain 2" in text
    assert "  structural virality: mean 1.67 over 1 cascade of 3+" in text
    single = format_cascade_section(
        [], cascades=1, mean_size=2.0, max_depth=1, branching=0, mean_virality=0.0
    )
    assert single[1] == "  1 post was reposted; mean cascade size 2.00, longest repost chain 1"
    assert single[2] == "  structural virality: n/a (no cascade of 3 or more)"
