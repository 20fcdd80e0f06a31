"""Exports of a finished run: JSON Lines and CSV tables, and networkx graphs.

:func:`write_exports` writes one file per table and format into a folder:

=============  ==============================================================
accounts       id, handle, node, locked, sessions_per_day, profile_shift,
               followers, following, posts
posts          id, author_id, created_at, kind, visibility, reply_to_id,
               thread_root_id, repost_of_id, via_id, likes, reposts, replies,
               impressions, appeal, text
follows        follower_id, followee_id, created_at, from_graph
engagements    time, kind (post, reply, repost, like, follow), account_id,
               post_id, target_id
impressions    time, viewer_id, post_id, author_id, root_id, root_author_id,
               rank, in_network
cascades       root_id, root_author_id, size, depth, max_breadth,
               structural_virality (every post reposted at least once)
cascade_edges  root_id, parent_id, child_id (parent -> child, breadth first)
=============  ==============================================================

plus ``config.json`` (the run's config: rerun it with ``microblog simulate
--config``) and ``summary.json`` (the metrics). Ids are strings in JSON
(JavaScript-safe) and digits in CSV; times are ISO 8601 UTC to the
millisecond; empty CSV cells mean "none". The same config gives the same
bytes in every file.

:func:`follow_digraph` and :func:`cascade_digraph` build ``networkx``
graphs (an optional dependency, imported lazily).
"""

import csv
import json
from collections.abc import Callable, Iterator, Sequence
from datetime import datetime, timedelta
from pathlib import Path
from typing import IO, TYPE_CHECKING, Any

from microblog_core import _checks
from microblog_core.errors import ValidationError
from microblog_core.ids import EPOCH
from microblog_core.models import Visibility
from microblog_core.sim.graphs._edge_lists import _networkx
from microblog_core.sim.metrics import Cascade, cascades_from
from microblog_core.sim.report import SimulationMetrics
from microblog_core.sim.results import ENGAGEMENT_KINDS, POST_KINDS, SimulationResult

if TYPE_CHECKING:
    import networkx as nx

__all__ = [
    "EXPORT_FORMATS",
    "TABLES",
    "Table",
    "cascade_digraph",
    "follow_digraph",
    "table_rows",
    "write_exports",
]

EXPORT_FORMATS = ("csv", "jsonl")
"""The file formats :func:`write_exports` writes."""

TABLES = (
    "accounts",
    "posts",
    "follows",
    "engagements",
    "impressions",
    "cascades",
    "cascade_edges",
)
"""The tables :func:`write_exports` writes, in order."""

_VISIBILITY_NAMES = tuple(v.value for v in Visibility)  # the engine's codes

Row = tuple[Any, ...]
Table = tuple[tuple[str, ...], Iterator[Row]]
"""A table, as its column names and an iterator over its rows."""

# Columns whose values are ids: strings in JSON.
_ID_COLUMNS = frozenset(
    {
        "id",
        "author_id",
        "reply_to_id",
        "thread_root_id",
        "repost_of_id",
        "via_id",
        "follower_id",
        "followee_id",
        "account_id",
        "post_id",
        "target_id",
        "viewer_id",
        "root_id",
        "root_author_id",
        "parent_id",
        "child_id",
    }
)

_MS_CACHE_SIZE = 4096
_MS = timedelta(milliseconds=1)


def _time_formatter() -> Callable[[int], str]:
    """Format ms since the epoch as ISO 8601 UTC, memoising the second (times repeat)."""
    cache: dict[int, str] = {}

    def format_ms(ms: int) -> str:
        seconds, millis = divmod(ms, 1000)
        head = cache.get(seconds)
        if head is None:
            if len(cache) > _MS_CACHE_SIZE:
                cache.clear()
            moment = datetime.fromtimestamp(seconds, EPOCH.tzinfo)
            head = cache[seconds] = moment.strftime("%Y-%m-%dT%H:%M:%S")
        return f"{head}.{millis:03d}Z"

    return format_ms


def _accounts(result: SimulationResult) -> Table:
    tables = result.tables
    n = result.account_count
    followers = [0] * n
    for followees in tables.following:
        for followee in followees:
            followers[followee] += 1
    posts = [0] * n
    for author, kind in zip(tables.p_author, tables.p_kind, strict=True):
        if kind == 0:
            posts[author] += 1
    population = result.population
    columns = (
        "id",
        "handle",
        "node",
        "locked",
        "sessions_per_day",
        "profile_shift",
        "followers",
        "following",
        "posts",
    )
    rows = (
        (
            result.account_ids[node],
            result.handles[node],
            node,
            population.locked[node],
            population.rates[node],
            population.shifts[node],
            followers[node],
            len(tables.following[node]),
            posts[node],
        )
        for node in range(n)
    )
    return columns, rows


def _posts(result: SimulationResult) -> Table:
    tables = result.tables
    ids = result.account_ids
    p_id = tables.p_id
    when = _time_formatter()

    def rows() -> Iterator[Row]:
        for index in range(len(p_id)):
            kind = tables.p_kind[index]
            ref = tables.p_ref[index]
            extra = tables.p_extra[index]
            yield (
                p_id[index],
                ids[tables.p_author[index]],
                when(tables.p_time[index]),
                POST_KINDS[kind],
                _VISIBILITY_NAMES[tables.p_visibility[index]],
                p_id[ref] if kind == 1 else None,
                p_id[extra] if kind == 1 else None,
                p_id[ref] if kind == 2 else None,
                p_id[extra] if kind == 2 and extra >= 0 else None,
                tables.p_likes[index],
                tables.p_reposts[index],
                tables.p_replies[index],
                tables.p_impressions[index],
                tables.p_appeal[index],
                tables.p_text[index],
            )

    columns = (
        "id",
        "author_id",
        "created_at",
        "kind",
        "visibility",
        "reply_to_id",
        "thread_root_id",
        "repost_of_id",
        "via_id",
        "likes",
        "reposts",
        "replies",
        "impressions",
        "appeal",
        "text",
    )
    return columns, rows()


def _follows(result: SimulationResult) -> Table:
    when = _time_formatter()
    rows = (
        (follower, followee, when((created - EPOCH) // _MS), from_graph)
        for follower, followee, created, from_graph in result.follows()
    )
    return ("follower_id", "followee_id", "created_at", "from_graph"), rows


def _engagements(result: SimulationResult) -> Table:
    tables = result.tables
    ids = result.account_ids
    p_id = tables.p_id
    when = _time_formatter()

    def rows() -> Iterator[Row]:
        for time_ms, kind, account, post, target in zip(
            tables.e_time,
            tables.e_kind,
            tables.e_account,
            tables.e_post,
            tables.e_target,
            strict=True,
        ):
            if kind == 4:  # a follow: the target is an account
                yield when(time_ms), ENGAGEMENT_KINDS[kind], ids[account], None, ids[target]
            else:
                yield (
                    when(time_ms),
                    ENGAGEMENT_KINDS[kind],
                    ids[account],
                    p_id[post],
                    p_id[target] if target >= 0 else None,
                )

    return ("time", "kind", "account_id", "post_id", "target_id"), rows()


def _impressions(result: SimulationResult) -> Table:
    tables = result.tables
    ids = result.account_ids
    p_id, p_author, p_kind, p_ref = tables.p_id, tables.p_author, tables.p_kind, tables.p_ref
    when = _time_formatter()

    def rows() -> Iterator[Row]:
        for time_ms, viewer, post, rank, inside in zip(
            tables.i_time, tables.i_viewer, tables.i_post, tables.i_rank, tables.i_in, strict=True
        ):
            root = p_ref[post] if p_kind[post] == 2 else post
            yield (
                when(time_ms),
                ids[viewer],
                p_id[post],
                ids[p_author[post]],
                p_id[root],
                ids[p_author[root]],
                rank,
                bool(inside),
            )

    columns = (
        "time",
        "viewer_id",
        "post_id",
        "author_id",
        "root_id",
        "root_author_id",
        "rank",
        "in_network",
    )
    return columns, rows()


def _spread(result: SimulationResult) -> list[Cascade]:
    return [c for c in cascades_from(result.cascade_records()) if c.size >= 2]


def _cascades(result: SimulationResult, spread: Sequence[Cascade]) -> Table:
    tables = result.tables
    ids = result.account_ids
    rows = (
        (
            c.root,
            ids[tables.p_author[tables.post_index[c.root]]],
            c.size,
            c.depth,
            c.max_breadth,
            c.structural_virality,
        )
        for c in spread
    )
    columns = ("root_id", "root_author_id", "size", "depth", "max_breadth", "structural_virality")
    return columns, rows


def _cascade_edges(spread: Sequence[Cascade]) -> Table:
    rows = ((c.root, parent, child) for c in spread for parent, child in c.edges)
    return ("root_id", "parent_id", "child_id"), rows


def table_rows(result: SimulationResult, table: str) -> Table:
    """Return one export table of a run: its column names and an iterator over its rows.

    Values are plain Python values: ids are ints, times ISO 8601 strings,
    flags bools, missing references None.

    Args:
        result: The run.
        table: One of :data:`TABLES`.

    Returns:
        ``(columns, rows)``.

    Raises:
        ValidationError: An unknown table.
    """
    if table == "accounts":
        return _accounts(result)
    if table == "posts":
        return _posts(result)
    if table == "follows":
        return _follows(result)
    if table == "engagements":
        return _engagements(result)
    if table == "impressions":
        return _impressions(result)
    if table == "cascades":
        return _cascades(result, _spread(result))
    if table == "cascade_edges":
        return _cascade_edges(_spread(result))
    raise ValidationError(
        f"unknown table {_checks.quote(table)}; choose one of {', '.join(TABLES)}",
        field="table",
        value=table,
    )


def _csv_cell(value: Any) -> Any:
    if value is None:
        return ""
    if value is True:
        return "true"
    if value is False:
        return "false"
    return value


def _write_csv(stream: IO[str], columns: Sequence[str], rows: Iterator[Row]) -> None:
    writer = csv.writer(stream, lineterminator="\n")
    writer.writerow(columns)
    for row in rows:
        writer.writerow([_csv_cell(value) for value in row])


def _write_jsonl(stream: IO[str], columns: Sequence[str], rows: Iterator[Row]) -> None:
    is_id = [name in _ID_COLUMNS for name in columns]
    dumps = json.JSONEncoder(ensure_ascii=False, separators=(",", ":")).encode
    write = stream.write
    for row in rows:
        record = {
            name: (str(value) if flag and value is not None else value)
            for name, flag, value in zip(columns, is_id, row, strict=True)
        }
        write(dumps(record))
        write("\n")


def write_exports(
    result: SimulationResult,
    folder: str | Path,
    *,
    formats: Sequence[str] = EXPORT_FORMATS,
    tables: Sequence[str] = TABLES,
    metrics: SimulationMetrics | None = None,
) -> tuple[Path, ...]:
    """Write a run's tables, config and metrics into ``folder``.

    Args:
        result: The run.
        folder: Where to write (created when missing; files there are replaced).
        formats: Any of :data:`EXPORT_FORMATS`.
        tables: Any of :data:`TABLES`.
        metrics: The run's metrics, written as ``summary.json`` when given.

    Returns:
        The paths written, in order.

    Raises:
        ValidationError: An unknown format or table.
        OSError: The folder cannot be created or a file cannot be written.
    """
    for name in formats:
        if name not in EXPORT_FORMATS:
            raise ValidationError(
                f"unknown export format {_checks.quote(name)}; choose from "
                f"{', '.join(EXPORT_FORMATS)}",
                field="formats",
                value=name,
            )
    for table in tables:
        if table not in TABLES:
            raise ValidationError(
                f"unknown table {_checks.quote(table)}; choose from {', '.join(TABLES)}",
                field="tables",
                value=table,
            )
    out = Path(folder)
    out.mkdir(parents=True, exist_ok=True)
    written: list[Path] = []
    config_path = out / "config.json"
    config_path.write_text(result.config.to_json() + "\n", encoding="utf-8", newline="\n")
    written.append(config_path)
    if metrics is not None:
        summary = out / "summary.json"
        text = json.dumps(metrics.to_dict(), indent=2, ensure_ascii=False)
        summary.write_text(text + "\n", encoding="utf-8", newline="\n")
        written.append(summary)
    spread: list[Cascade] | None = None
    for table in tables:
        for fmt in formats:
            if table in {"cascades", "cascade_edges"}:
                spread = _spread(result) if spread is None else spread
                columns, rows = (
                    _cascades(result, spread) if table == "cascades" else _cascade_edges(spread)
                )
            else:
                columns, rows = table_rows(result, table)
            path = out / f"{table}.{fmt}"
            with path.open("w", encoding="utf-8", newline="") as stream:
                if fmt == "csv":
                    _write_csv(stream, columns, rows)
                else:
                    _write_jsonl(stream, columns, rows)
            written.append(path)
    return tuple(written)


# --------------------------------------------------------------------------- networkx


def follow_digraph(result: SimulationResult, *, final: bool = True) -> "nx.DiGraph":
    """Return the follow graph as a ``networkx.DiGraph`` keyed by account id.

    Edges go follower -> followee. Each node carries ``handle``, ``node``
    (its graph index), ``locked`` and ``sessions_per_day``.

    Args:
        result: The run.
        final: The graph at the end of the run (default) or the starting graph.

    Returns:
        A new ``networkx.DiGraph``.

    Raises:
        ImportError: networkx is not installed.
    """
    nx = _networkx()
    digraph = nx.DiGraph()
    ids = result.account_ids
    population = result.population
    for node, account_id in enumerate(ids):
        digraph.add_node(
            account_id,
            handle=result.handles[node],
            node=node,
            locked=population.locked[node],
            sessions_per_day=population.rates[node],
        )
    graph = result.final_graph() if final else result.graph
    digraph.add_edges_from((ids[a], ids[b]) for a, b in graph.edges)
    return digraph


def cascade_digraph(result: SimulationResult, cascade: Cascade) -> "nx.DiGraph":
    """Return a cascade as a ``networkx.DiGraph`` of post ids, edges parent -> child.

    Each node carries ``author_id``, ``handle``, ``created_at`` and ``kind``.

    Args:
        result: The run the cascade comes from.
        cascade: One of its cascades.

    Returns:
        A new ``networkx.DiGraph``.

    Raises:
        ImportError: networkx is not installed.
        ValidationError: The cascade holds a post the run did not make.
    """
    nx = _networkx()
    tables = result.tables
    digraph = nx.DiGraph()
    for post_id in cascade.nodes:
        index = tables.post_index.get(post_id)
        if index is None:
            raise ValidationError(
                f"post {post_id} was not made in this run", field="cascade", value=post_id
            )
        author = tables.p_author[index]
        digraph.add_node(
            post_id,
            author_id=result.account_ids[author],
            handle=result.handles[author],
            created_at=EPOCH + tables.p_time[index] * _MS,
            kind=POST_KINDS[tables.p_kind[index]],
        )
    digraph.add_edges_from(cascade.edges)
    return digraph
