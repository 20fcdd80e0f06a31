"""The ``import``, ``export`` and ``cascades`` commands of ``microblog``.

* ``microblog import FORMAT FILE --db PATH`` loads an archive into an SQLite
  database through the service, in atomic batches.
* ``microblog export FORMAT --db PATH --out DIR`` writes a database out as
  Mastodon, ActivityPub or AT Protocol JSON Lines.
* ``microblog cascades FILE --format weibo|twitter`` prints the cascade
  report the simulation prints (size, depth, breadth, structural virality),
  so real and simulated cascades can be put side by side.

Bad input gives one line on stderr and a non-zero exit (the top-level
command turns every :class:`~microblog_core.errors.MicroblogError` into that).
"""

import argparse
import json
import math
import os
from collections.abc import Callable, Iterator, Mapping
from pathlib import Path
from typing import IO, Any

from microblog_core.clock import ManualClock
from microblog_core.errors import NotFoundError, ValidationError
from microblog_core.ids import PostId
from microblog_core.interop import exporting
from microblog_core.interop.importing import Importer, ImportReport, Item
from microblog_core.models import (
    MASTODON_ACCOUNTS,
    TWITTER_ACCOUNTS,
    WEIBO_ACCOUNTS,
    Account,
    AccountPolicy,
    Post,
    Visibility,
)
from microblog_core.service import Microblog
from microblog_core.sim.metrics import Cascade
from microblog_core.sim.report import CascadeSummary, count_of, format_cascade_section
from microblog_core.text import BLUESKY, MASTODON, TWITTER_V3, WEIBO_LONG, LengthPolicy

__all__ = ["add_interop_parsers", "format_cascades"]

IMPORT_FORMATS = ("mastodon", "activitypub", "atproto", "twitter", "weibo")
EXPORT_FORMATS = ("mastodon", "activitypub", "atproto")

_POLICIES: dict[str, tuple[LengthPolicy, AccountPolicy]] = {
    "mastodon": (MASTODON, MASTODON_ACCOUNTS),
    "activitypub": (MASTODON, MASTODON_ACCOUNTS),
    "atproto": (BLUESKY, MASTODON_ACCOUNTS),
    "twitter": (TWITTER_V3, TWITTER_ACCOUNTS),
    "weibo": (WEIBO_LONG, WEIBO_ACCOUNTS),
}


def _reader(name: str) -> Callable[[IO[str]], Iterator[tuple[str, Item]]]:
    if name == "mastodon":
        from microblog_core.interop.mastodon import read_statuses

        return read_statuses
    if name == "activitypub":
        from microblog_core.interop.activitypub import read_activities

        return read_activities
    if name == "atproto":
        from microblog_core.interop.atproto import read_records

        return read_records
    if name == "twitter":
        from microblog_core.interop.twitter import read_tweets

        return read_tweets
    from microblog_core.interop.weibo import read_statuses as read_weibo

    return read_weibo


def _open_text(path: str) -> IO[str]:
    try:
        return open(path, encoding="utf-8")  # closed by the caller's with
    except OSError as exc:
        raise ValidationError(
            f"cannot read {path}: {exc.strerror}", field="file", value=path
        ) from None


def _last_id(blog: Microblog) -> int:
    """The largest id in the store, so new ids never collide with imported ones."""
    last = 0
    for account in exporting.accounts_of(blog):
        last = max(last, account.id)
    for post in exporting.posts_of(blog):
        last = max(last, post.id)
    return last


def open_for_import(db: str, name: str) -> tuple[Microblog, ManualClock]:
    """Open (or create) a database for an import of format ``name``, on a manual clock."""
    policy, accounts = _POLICIES[name]
    clock = ManualClock()
    blog = Microblog.sqlite(db, clock=clock, policy=policy, account_policy=accounts)
    blog.ids.observe(_last_id(blog))
    return blog, clock


def import_file(name: str, path: str, db: str, *, batch_size: int = 1000) -> ImportReport:
    """Import the archive at ``path`` (format ``name``) into the SQLite database ``db``.

    Raises:
        ValidationError: The file cannot be read, or a record is malformed or
            breaks a rule (the message names its path; earlier batches stay).
    """
    reader = _reader(name)
    blog, clock = open_for_import(db, name)
    with blog, _open_text(path) as handle:
        try:
            return Importer(blog, clock=clock, batch_size=batch_size).run(reader(handle))
        except UnicodeDecodeError as exc:
            raise ValidationError(
                f"{path} is not UTF-8 text ({exc.reason} at byte {exc.start})",
                field="file",
                value=path,
            ) from None


def describe_import(report: ImportReport, db: str) -> str:
    """Return the line ``microblog import`` prints: each count with the word it takes.

    Example:
        >>> print(describe_import(ImportReport(accounts=1, reposts=2, batches=1), "a.db"))
        imported 1 account, 0 posts, 2 reposts, 0 likes, 0 follows, 0 blocks (0 undone, 0 deleted, 0 detached, 0 skipped) in 1 batch into a.db
    """  # noqa: E501  # the doctest shows the one line as printed
    made = ", ".join(
        (
            count_of(report.accounts, "account"),
            count_of(report.posts, "post"),
            count_of(report.reposts, "repost"),
            count_of(report.likes, "like"),
            count_of(report.follows, "follow"),
            count_of(report.blocks, "block"),
        )
    )
    return (
        f"imported {made} ({report.undone:,} undone, {report.deleted:,} deleted, "
        f"{report.detached:,} detached, {report.skipped:,} skipped) "
        f"in {count_of(report.batches, 'batch', 'batches')} into {db}"
    )


def _run_import(args: argparse.Namespace) -> int:
    report = import_file(args.format, args.file, args.db, batch_size=args.batch_size)
    print(describe_import(report, args.db))
    return 0


class _StorePosts(Mapping[PostId, Post]):
    """Posts looked up in the store when an exporter needs one (a reposted original)."""

    def __init__(self, blog: Microblog) -> None:
        self.blog = blog

    def __getitem__(self, key: PostId) -> Post:
        with self.blog.unit_of_work(readonly=True) as uow:
            post = uow.posts.find(key)
        if post is None:
            raise KeyError(key)
        return post

    def __iter__(self) -> Iterator[PostId]:
        return (post.id for post in exporting.posts_of(self.blog))

    def __len__(self) -> int:
        with self.blog.unit_of_work(readonly=True) as uow:
            return uow.posts.count()


def _write_lines(path: Path, records: Iterator[dict[str, Any]]) -> int:
    count = 0
    with path.open("w", encoding="utf-8") as out:
        for record in records:
            out.write(json.dumps(record, ensure_ascii=False))
            out.write("\n")
            count += 1
    return count


def export_db(name: str, db: str, out: str, *, base_url: str) -> dict[str, int]:
    """Write the database ``db`` as format ``name`` into the directory ``out``.

    Returns:
        Records written per file name.

    Raises:
        ValidationError: The database does not exist or ``out`` cannot be written.
    """
    if not os.path.exists(db):
        raise ValidationError(f"no database at {db}", field="db", value=db)
    target = Path(out)
    try:
        target.mkdir(parents=True, exist_ok=True)
    except OSError as exc:
        raise ValidationError(f"cannot write to {out}: {exc.strerror}", field="out") from None
    with Microblog.sqlite(db) as blog:
        accounts = {account.id: account for account in exporting.accounts_of(blog)}
        posts = _StorePosts(blog)
        if name == "mastodon":
            from microblog_core.interop import mastodon

            return {
                "accounts.jsonl": _write_lines(
                    target / "accounts.jsonl",
                    (mastodon.account_to_json(a, base_url=base_url) for a in accounts.values()),
                ),
                "statuses.jsonl": _write_lines(
                    target / "statuses.jsonl",
                    (
                        mastodon.status_to_json(
                            p, accounts=accounts, posts=posts, base_url=base_url
                        )
                        for p in exporting.posts_of(blog)
                    ),
                ),
            }
        if name == "activitypub":
            from microblog_core.interop.activitypub import outbox

            return {
                "outbox.jsonl": _write_lines(
                    target / "outbox.jsonl", outbox(blog, base_url=base_url)
                )
            }
        return {
            "records.jsonl": _write_lines(target / "records.jsonl", _records(blog, accounts, posts))
        }


def _records(
    blog: Microblog, accounts: Mapping[Any, Any], posts: _StorePosts
) -> Iterator[dict[str, Any]]:
    from microblog_core.interop import atproto

    dids = atproto.DidScheme()
    handles = {account.id: account.handle for account in accounts.values()}
    for account in accounts.values():
        uri = f"at://{dids.did(account.id)}/{atproto.PROFILE}/self"
        profile = {
            "$type": atproto.PROFILE,
            "displayName": account.display_name,
            "description": account.bio,
        }
        yield {"uri": uri, "cid": atproto.cid_for(uri), "value": profile}
    shown = (Visibility.PUBLIC, Visibility.UNLISTED)
    for post in exporting.posts_of(blog):
        if post.visibility not in shown:
            continue  # Bluesky records are public: never publish a restricted post
        record = atproto.to_record(post, dids=dids, posts=posts, handles=handles)
        yield {"uri": record.uri, "cid": atproto.cid_for(record.uri), "value": record.value}
    relations: Iterator[Any] = (
        value
        for source in (
            exporting.follows_of(blog),
            exporting.blocks_of(blog),
            exporting.likes_of(blog),
        )
        for value in source
    )
    for value in relations:
        try:
            record = atproto.to_record(value, dids=dids, posts=posts)
        except NotFoundError:
            continue
        yield {"uri": record.uri, "cid": atproto.cid_for(record.uri), "value": record.value}


def _run_export(args: argparse.Namespace) -> int:
    written = export_db(args.format, args.db, args.out, base_url=args.base_url)
    listed = ", ".join(f"{count} records to {name}" for name, count in written.items())
    print(f"wrote {listed} in {args.out}")
    return 0


def real_cascades(path: str, name: str) -> list[tuple[Cascade, str, str]]:
    """Read the cascades of a Weibo or Twitter file: ``(cascade, root label, text)`` each.

    A Weibo file is either a cascade file (tab-separated, DeepHawkes layout)
    or Weibo statuses as JSON; a Twitter file is tweets as JSON.

    Raises:
        ValidationError: The file cannot be read or is malformed.
    """
    from microblog_core.interop import twitter, weibo

    with _open_text(path) as handle:
        try:
            if name == "weibo":
                head = handle.read(1)
                while head.isspace():
                    head = handle.read(1)
                handle.seek(0)
                if head not in ("{", "["):
                    return [
                        (r.cascade, f"user {r.root_user}", f"message {r.message_id}")
                        for r in weibo.read_cascades(handle)
                    ]
                items: Iterator[tuple[str, Item]] = weibo.read_statuses(handle)
            else:
                items = twitter.read_tweets(handle)
            texts: dict[int, tuple[str, str]] = {}

            def remember(stream: Iterator[tuple[str, Item]]) -> Iterator[tuple[str, Item]]:
                handles: dict[int, str] = {}
                for path_item in stream:
                    item = path_item[1]
                    if isinstance(item, Post) and item.repost_of is None:
                        texts[item.id] = (
                            handles.get(item.author_id, str(item.author_id)),
                            item.text,
                        )
                    elif isinstance(item, Account):
                        handles[item.id] = item.handle
                    yield path_item

            cascades = twitter.cascades_from_posts(remember(items))
        except UnicodeDecodeError as exc:
            raise ValidationError(
                f"{path} is not UTF-8 text ({exc.reason})", field="file", value=path
            ) from None
    return [
        (c, "@" + texts.get(c.root, ("?", ""))[0], texts.get(c.root, ("", ""))[1]) for c in cascades
    ]


def _mean(values: list[float]) -> float:
    return math.fsum(values) / len(values) if values else 0.0


def format_cascades(cascades: list[tuple[Cascade, str, str]], *, title: str, top: int = 10) -> str:
    """Render cascades as the simulation report's "Repost cascades" section.

    Args:
        cascades: ``(cascade, root label, text)`` each, largest first.
        title: The first line.
        top: How many of the largest cascades to list.

    Returns:
        The report, ending with a newline.
    """
    summaries = [
        CascadeSummary(
            root_id=PostId(c.root),
            root_handle=label.lstrip("@"),
            text=text,
            size=c.size,
            depth=c.depth,
            max_breadth=c.max_breadth,
            structural_virality=c.structural_virality,
        )
        for c, label, text in cascades
        if c.size >= 2
    ]
    labels = {PostId(c.root): label for c, label, _ in cascades}
    branching = [s.structural_virality for s in summaries if s.size >= 3]
    section = format_cascade_section(
        summaries[:top],
        cascades=len(summaries),
        mean_size=_mean([float(s.size) for s in summaries]),
        max_depth=max((s.depth for s in summaries), default=0),
        branching=len(branching),
        mean_virality=_mean(branching),
        label=lambda s: labels[s.root_id],
    )
    return "\n".join([title, "=" * min(len(title), 78), "", *section]) + "\n"


def _run_cascades(args: argparse.Namespace) -> int:
    cascades = real_cascades(args.file, args.format)
    title = f"Cascades in {args.file} ({args.format}): {count_of(len(cascades), 'original')}"
    print(format_cascades(cascades, title=title, top=args.top), end="")
    return 0


def _positive(text: str) -> int:
    try:
        value = int(text)
    except ValueError:
        value = 0
    if value < 1:
        raise argparse.ArgumentTypeError(f"expected a positive integer, got {text!r}")
    return value


def add_interop_parsers(subparsers: Any) -> None:
    """Add ``import``, ``export`` and ``cascades`` to an ``argparse`` sub-command group.

    Args:
        subparsers: What ``ArgumentParser.add_subparsers()`` returned.
    """
    load = subparsers.add_parser(
        "import", help="load a Mastodon, ActivityPub, AT Protocol, Twitter or Weibo archive"
    )
    load.add_argument("format", choices=IMPORT_FORMATS, help="the archive's format")
    load.add_argument("file", help="the archive: JSON Lines or one JSON array")
    load.add_argument("--db", required=True, help="the SQLite database to load into")
    load.add_argument("--batch-size", type=_positive, default=1000, help="records per atomic batch")
    load.set_defaults(run=_run_import)
    dump = subparsers.add_parser(
        "export", help="write a database as Mastodon, ActivityPub or AT Protocol JSON"
    )
    dump.add_argument("format", choices=EXPORT_FORMATS, help="the format to write")
    dump.add_argument("--db", required=True, help="the SQLite database to read")
    dump.add_argument("--out", required=True, help="the directory to write into")
    dump.add_argument(
        "--base-url", default="https://microblog.example", help="the server named in URLs"
    )
    dump.set_defaults(run=_run_export)
    report = subparsers.add_parser(
        "cascades",
        help="the cascade report of real Weibo or Twitter data, as the simulation prints it",
    )
    report.add_argument("file", help="a Weibo cascade file or statuses, or tweets")
    report.add_argument("--format", choices=("weibo", "twitter"), required=True)
    report.add_argument("--top", type=_positive, default=10, help="how many cascades to list")
    report.set_defaults(run=_run_cascades)
