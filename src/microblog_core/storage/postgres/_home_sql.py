"""The home timeline's filtered sequence in one statement (``Posts.home_sequence``).

A home page on fan-out-on-read is defined (:mod:`microblog_core.timelines.home`)
over the *candidate sequence* -- the viewer's and its followees' posts, id
descending -- filtered by the home rules and the visibility rule. The generic
path loads the viewer's relations (four queries), merges the streams, and
asks the rules in Python, loading each reposted original and each follow's
options as it meets them. :data:`HOME_TEMPLATES` computes the same filtered
sequence, each post with the original it reposts, in one statement; the
timeline then only applies the de-duplication window.

The rules stay where they are: ``rules.feeds.filtered_from_home`` and
``rules.access.ViewerContext.sees`` decide, and :func:`home_keep` encodes
exactly ``timelines.home._keep`` (which calls them). Clause by clause, with
``v`` the viewer, ``p`` the candidate and ``r`` the original ``p`` reposts
(``NULL`` when ``p`` is not a repost, or the original was deleted):

- ``context.following`` / ``blocking`` / ``blocked_by`` / ``muting``: the
  sets ``fo``, ``bl``, ``bb``, ``mu`` (mutes unexpired at ``now``, as
  ``muted_ids(at=now)``). The tests below that ask several of them at once
  read their unions, one subplan each: ``bm`` (``bl``, ``mu``), ``bx``
  (``bl``, ``bb``) and ``hide`` (all three).
- The viewer's own post: an original passes; a repost passes when its
  original exists, the original's author is not in ``bb``, and ``sees_root``.
- ``visibility is DIRECT`` drops: ``p.visibility <> 'direct'``.
- ``PRIVATE`` by an author not followed drops: ``p.visibility <> 'private'
  OR p.author_id IN fo``.
- ``_language_filtered(post, follow.languages)``: the follow's comma-joined
  ``languages`` is non-empty and holds neither ``p.language`` nor its part
  before the first ``-`` (a post without a language passes).
- ``blocks_or_mutes(author) or author in blocked_by``: the author is in none
  of ``bl``, ``mu``, ``bb``.
- ``any(blocks_or_mutes(m) for m in post.mentions)``: no element of the
  ``mentions`` JSON (the column ``Post.mentions`` is read from) is in ``bl``
  or ``mu``.
- A repost: ``root is None`` drops (``r.id IS NOT NULL``); the root author
  (``repost_root_author_id``, as ``RepostRef.root_author_id``) in ``bl``,
  ``mu`` or ``bb`` drops; a root author other than ``v`` with a hidden
  mention in ``r.mentions`` drops; ``author in hiding_reposts`` drops (the
  viewer's follow of the author has ``show_reposts`` false); then
  ``sees(post, root)``: the repost itself passes by now, and ``sees_root``
  is ``can_see(root, standing(root.author_id))`` -- ``r.author_id = v``, or
  not in ``bl``/``bb`` and public or unlisted, followers-only to a follower
  or a mentioned ``v``, direct to a mentioned ``v``.
- A reply (not a repost) passes when ``reply_parent_author_id`` is in
  ``fo``, is ``v`` or is the author.
- Anything else by a followee passes (an original the home rules let
  through is one the viewer may see, as ``_keep`` notes).

The test ``tests/postgres/test_home_query.py`` checks the correspondence: a
Hypothesis property compares this statement with the generic path on random
worlds (visibilities, replies, reposts of deleted or hidden originals,
mentions, blocks both ways, mutes with expiry, follows hiding reposts or
filtering languages), for every viewer and page.

**Plans.** Two exact plans, one statement each:

- *dense* -- walk ``posts_pkey`` backwards from the bound and keep what
  passes. Reads about ``n / share`` rows, where ``share`` is the part of all
  posts the viewer's authors wrote: flat in the size of the store.
- *sparse* -- for each of the viewer's authors, its newest ``n`` passing posts
  by ``posts_by_author``, then the newest ``n`` of those. Reads at most
  ``(k + 1) * n`` rows for ``k`` followees, whatever the store holds.

Taking the share of posts as ``(k + 1) / accounts``, the dense walk costs
about ``n * accounts / (k + 1)`` rows and the sparse one ``(k + 1) * min(n,
posts / accounts)``: the dense walk is the one when that is the smaller
(``bias`` scales the comparison; tests force each plan with it). Account and
post totals come from the ``totals`` rows, ``k`` from the viewer's
``following`` counter (one row, where counting the follows read them all).
Each statement computes the choice and walks only when it is its own plan,
returning the choice with its rows: the adapter remembers each viewer's plan
and runs the other statement, in the same transaction, only when the choice
changed (or on a viewer's first page, which guesses dense). One statement
holding both walks would cost every page the set-up of both (PostgreSQL
initialises every subplan of a plan at each execution, about a third of this
statement's time); the choice only decides speed, never the rows.

**The viewer.** The statement also reads whether the viewer exists, follows
a hashtag, or keeps an exclusive list with members, so a page needs no read
before it: for a viewer it cannot answer for, it walks nothing and the
adapter declines (``HomeQuery``), which sends the page down the generic path.

**One plan per connection.** The statement is prepared, and the adapter
writes each chunk's ``LIMIT`` into its text (a few sizes), so PostgreSQL's
generic plan of it -- made after five custom ones, then reused without
planning -- knows the limit and keeps both walks stopping early (with an
unknown limit the generic plan sorts every candidate). A read-only unit ends
with ``COMMIT``, which keeps psycopg's prepared statements (a ``ROLLBACK``
makes it forget them), and runs with JIT off, so no plan caches a JIT
compilation. ``fo`` is not materialised: the dense walk's author test is a
hashed subplan over ``follows`` (as in the hand-written query), and the
other tests read it only for the rows that need it.
"""

# ruff: noqa: S608  # the only text put into SQL is the checked schema identifier

from typing import Final

from microblog_core.storage.postgres._personal_sql import PERSONAL_TEMPLATES
from microblog_core.storage.postgres._rows import POST_COLUMNS

__all__ = [
    "FILTER_WIDTH",
    "HOME_PARAMETERS",
    "HOME_TEMPLATES",
    "POST_WIDTH",
    "home_keep",
    "home_statement",
]

POST_WIDTH: Final = len(POST_COLUMNS.split(","))
"""Columns of one post in a row of the home statement (the original's follow)."""

_NAMES: Final = [c.strip() for c in POST_COLUMNS.split(",")]
_P: Final = ", ".join(f"p.{c}" for c in _NAMES)
_R: Final = ", ".join(f"r.{c} AS r_{c}" for c in _NAMES)
# The original is looked up post by post (``LIMIT 1``: a lateral subquery PostgreSQL cannot
# flatten). Flattened into a join, a small store's plan hashed the whole ``posts`` table for
# it and then kept and sorted every candidate: 6 ms a page at 10,000 posts, where the walk
# stops after a page's worth (0.7 ms).
_ROOT: Final = (
    f"LEFT JOIN LATERAL (SELECT {POST_COLUMNS} FROM {{s}}.posts "
    "WHERE id = p.repost_root_id LIMIT 1) AS r ON true"
)


def _mentions_hidden(post: str) -> str:
    """Whether ``post`` mentions an account the viewer blocks or mutes."""
    return (
        f"({post}.mentions IS NOT NULL AND EXISTS (SELECT 1 FROM "
        f"jsonb_array_elements_text({post}.mentions::jsonb) AS m (id) "
        "WHERE m.id::bigint IN (SELECT id FROM bm)))"
    )


def _mentions_viewer(post: str) -> str:
    return (
        f"({post}.mentions IS NOT NULL AND "
        f"{post}.mentions::jsonb @> jsonb_build_array(%(v)s::bigint))"
    )


def _sees_root(lean: bool) -> str:
    """``sees_root``: the viewer may see the original ``r`` (``lean``: blocking no one)."""
    standing = (
        "r.visibility IN ('public', 'unlisted') "
        "OR (r.visibility = 'private' AND (r.author_id IN (SELECT id FROM fo) "
        f"OR {_mentions_viewer('r')})) "
        f"OR (r.visibility = 'direct' AND {_mentions_viewer('r')})"
    )
    if lean:
        return f"(r.author_id = %(v)s OR {standing})"
    return f"(r.author_id = %(v)s OR (r.author_id NOT IN (SELECT id FROM bx) AND ({standing})))"


_LANGUAGE_FILTERED: Final = (
    "(CASE WHEN p.language IS NULL THEN false ELSE EXISTS (SELECT 1 FROM {s}.follows AS l "
    "WHERE l.follower_id = %(v)s AND l.followee_id = p.author_id AND l.languages <> '' "
    "AND NOT (p.language = ANY(string_to_array(l.languages, ',')) "
    "OR split_part(p.language, '-', 1) = ANY(string_to_array(l.languages, ',')))) END)"
)

_HIDES_REPOSTS: Final = (
    "EXISTS (SELECT 1 FROM {s}.follows AS h WHERE h.follower_id = %(v)s "
    "AND h.followee_id = p.author_id AND NOT h.show_reposts)"
)


def home_keep(*, lean: bool = False) -> str:
    """The SQL condition that keeps ``p`` (with its original ``r``) in the filtered sequence.

    It is ``timelines.home._keep`` clause by clause (see the module's table);
    ``{s}`` is the schema, ``%(v)s`` the viewer, and the relation sets ``fo``,
    ``bb`` and the unions ``bm``, ``bx``, ``hide`` come from the statement's ``WITH``.

    ``lean`` is the same condition for a viewer who blocks, mutes and is
    blocked by no one: with ``bl``, ``bb`` and ``mu`` empty, every test of
    them holds (``x NOT IN`` an empty set is true, ``NULL`` or not; no
    mention is hidden), and only ``fo`` is left to read.
    """
    sees_root = _sees_root(lean)
    if lean:
        return (
            "(CASE WHEN p.author_id = %(v)s THEN "
            f"p.repost_root_id IS NULL OR (r.id IS NOT NULL AND {sees_root}) "
            "ELSE p.visibility <> 'direct' "
            "AND (p.visibility <> 'private' OR p.author_id IN (SELECT id FROM fo)) "
            f"AND NOT {_LANGUAGE_FILTERED} "
            "AND (CASE WHEN p.repost_root_id IS NOT NULL THEN r.id IS NOT NULL "
            f"AND NOT {_HIDES_REPOSTS} AND {sees_root} "
            "WHEN p.reply_root_id IS NOT NULL THEN "
            "p.reply_parent_author_id IN (SELECT id FROM fo) "
            "OR p.reply_parent_author_id IN (%(v)s, p.author_id) "
            "ELSE true END) END)"
        )
    return (
        "(CASE WHEN p.author_id = %(v)s THEN "
        "p.repost_root_id IS NULL OR (r.id IS NOT NULL "
        f"AND p.repost_root_author_id NOT IN (SELECT id FROM bb) AND {sees_root}) "
        "ELSE p.visibility <> 'direct' "
        "AND (p.visibility <> 'private' OR p.author_id IN (SELECT id FROM fo)) "
        f"AND NOT {_LANGUAGE_FILTERED} "
        "AND p.author_id NOT IN (SELECT id FROM hide) "
        f"AND NOT {_mentions_hidden('p')} "
        "AND (CASE WHEN p.repost_root_id IS NOT NULL THEN r.id IS NOT NULL "
        "AND p.repost_root_author_id NOT IN (SELECT id FROM hide) "
        f"AND (p.repost_root_author_id = %(v)s OR NOT {_mentions_hidden('r')}) "
        f"AND NOT {_HIDES_REPOSTS} AND {sees_root} "
        "WHEN p.reply_root_id IS NOT NULL THEN "
        "p.reply_parent_author_id IN (SELECT id FROM fo) "
        "OR p.reply_parent_author_id IN (%(v)s, p.author_id) "
        "ELSE true END) END)"
    )


_FOLLOWED: Final = (
    "fo AS NOT MATERIALIZED (SELECT followee_id AS id FROM {s}.follows WHERE follower_id = %(v)s)"
)
_SETS: Final = (
    "bl AS MATERIALIZED (SELECT blocked_id AS id FROM {s}.blocks WHERE blocker_id = %(v)s), "
    "bb AS MATERIALIZED (SELECT blocker_id AS id FROM {s}.blocks WHERE blocked_id = %(v)s), "
    "mu AS MATERIALIZED (SELECT muted_id AS id FROM {s}.mutes WHERE muter_id = %(v)s "
    "AND (expires_at IS NULL OR expires_at > %(now)s)), "
    # The unions the rules test, one hashed subplan each (a subplan costs each execution
    # its set-up): blocked or muted (mentions), blocked either way (an original's author),
    # and any of the three (a post's author, a reposted original's author).
    "bm AS MATERIALIZED (SELECT id FROM bl UNION ALL SELECT id FROM mu), "
    "bx AS MATERIALIZED (SELECT id FROM bl UNION ALL SELECT id FROM bb), "
    "hide AS MATERIALIZED (SELECT id FROM bm UNION ALL SELECT id FROM bb)"
)
# Whether the viewer is one the lean statement answers for: no block either way, no
# unexpired mute (the sets bl, bb, mu empty), and no filter (so it sends none).
_LEAN_VIEWER: Final = (
    "NOT EXISTS (SELECT 1 FROM {s}.blocks WHERE blocker_id = %(v)s) "
    "AND NOT EXISTS (SELECT 1 FROM {s}.blocks WHERE blocked_id = %(v)s) "
    "AND NOT EXISTS (SELECT 1 FROM {s}.mutes WHERE muter_id = %(v)s "
    "AND (expires_at IS NULL OR expires_at > %(now)s)) "
    "AND NOT EXISTS (SELECT 1 FROM {s}.filters WHERE account_id = %(v)s)"
)


def _viewer(lean: str) -> str:
    """The ``viewer`` row: whether it exists, follows no hashtag, keeps no exclusive list.

    (What no statement encodes: either declines the page.) Then the plan, and
    ``lean``: no block, mute or filter (the full statements test the first three only).
    """
    return (
        "viewer AS MATERIALIZED (SELECT c.found, NOT EXISTS (SELECT 1 FROM {s}.tag_follows "
        "WHERE account_id = %(v)s) AND NOT EXISTS (SELECT 1 FROM {s}.lists AS l "
        "JOIN {s}.list_members AS m ON m.list_id = l.id WHERE l.owner_id = %(v)s AND "
        "l.exclusive) AS plain, power(c.k, 2) * least(%(n)s, t.posts / t.accounts) "
        f"* %(bias)s >= %(n)s * t.accounts AS dense, {lean} AS lean "
        "FROM (SELECT coalesce(max(following), 0) + 1 AS k, count(*) = 1 AS found "
        "FROM {s}.accounts WHERE id = %(v)s) AS c, "
        "(SELECT greatest(coalesce(sum(n) FILTER (WHERE name = 'accounts'), 0), 1)::float8 "
        "AS accounts, coalesce(sum(n) FILTER (WHERE name = 'posts'), 0)::float8 AS posts "
        "FROM {s}.totals) AS t)"
    )


_RELATIONS: Final = f"WITH {_FOLLOWED}, {_SETS}, {_viewer('NOT EXISTS (SELECT 1 FROM hide)')}"
_LEAN_RELATIONS: Final = f"WITH {_FOLLOWED}, {_viewer(_LEAN_VIEWER)}"


def _dense(lean: bool) -> str:
    return (
        f"SELECT {_P}, {_R} FROM {{s}}.posts AS p {_ROOT} "
        f"WHERE (SELECT found AND plain{' AND lean' if lean else ''} AND dense FROM viewer) "
        "AND p.id <= %(high)s "
        "AND (p.author_id = %(v)s OR p.author_id IN (SELECT id FROM fo)) "
        f"AND {home_keep(lean=lean)} ORDER BY p.id DESC LIMIT %(n)s"
    )


def _sparse(lean: bool) -> str:
    return (
        "SELECT x.* FROM (SELECT %(v)s::bigint AS id UNION SELECT id FROM fo) AS a "
        f"CROSS JOIN LATERAL (SELECT {_P}, {_R} FROM {{s}}.posts AS p {_ROOT} "
        f"WHERE p.author_id = a.id AND p.id <= %(high)s AND {home_keep(lean=lean)} "
        "ORDER BY p.id DESC LIMIT %(n)s) AS x "
        f"WHERE (SELECT found AND plain{' AND lean' if lean else ''} AND NOT dense FROM viewer) "
        "ORDER BY x.id DESC LIMIT %(n)s"
    )


def _home(walk: str, relations: str = _RELATIONS) -> str:
    return (
        f"{relations} SELECT v.found, v.plain, v.dense, v.lean, page.* FROM viewer AS v "
        f"LEFT JOIN ({walk}) AS page ON true ORDER BY page.id DESC"
    )


_FILTERS: Final = PERSONAL_TEMPLATES["filters_of"].replace("%s", "%(v)s")
FILTER_WIDTH: Final = 10
"""Columns of one ``filters_of`` row: the filter's seven, then its keywords, their
``whole_word`` flags and its post ids as three arrays."""
_NO_FILTER: Final = ", ".join(f"NULL AS f{n}" for n in range(FILTER_WIDTH))
_NO_PAGE: Final = ", ".join(["NULL"] * (4 + 2 * POST_WIDTH))


def _home_with_filters(walk: str) -> str:
    """The home statement and the viewer's filters in one statement: one snapshot.

    The home statement's rows, each followed by ``FILTER_WIDTH`` ``NULL``
    columns and ``0``; then one row per filter (``filters_of``'s row after
    ``NULL`` home columns, and ``1``), in filter id order.
    """
    return (
        f"{_RELATIONS} SELECT v.found, v.plain, v.dense, v.lean, page.*, {_NO_FILTER}, "
        f"0 AS part FROM viewer AS v LEFT JOIN ({walk}) AS page ON true "
        f"UNION ALL SELECT {_NO_PAGE}, f.*, 1 FROM ({_FILTERS}) AS f "
        "ORDER BY part, id DESC, f0"
    )


HOME_TEMPLATES: Final[dict[str, str]] = {
    "home_dense": _home(_dense(False)),
    "home_sparse": _home(_sparse(False)),
    "home_dense+filters": _home_with_filters(_dense(False)),
    "home_sparse+filters": _home_with_filters(_sparse(False)),
    "home_dense+lean": _home(_dense(True), _LEAN_RELATIONS),
    "home_sparse+lean": _home(_sparse(True), _LEAN_RELATIONS),
}
"""The home statement of each plan by name; parameters ``v``, ``now``, ``high``, ``n``, ``bias``.

Its rows are ``found, plain, dense, lean`` (the viewer exists; it follows
no hashtag and keeps no exclusive list; the dense plan is the one to take;
it blocks, mutes and is blocked by no one -- and, in the ``+lean``
statements, keeps no filter) and the page's row, newest first: at least one
row, whose page columns are all ``NULL`` when the page is empty or not
computed (the viewer is unknown or not plain, the statement is not the plan
``dense`` names, or a ``+lean`` statement's viewer is not lean).

The ``+filters`` statements add the viewer's ``filters_of`` rows after
those (see :func:`_home_with_filters`), so a page and its filters are one
statement, which PostgreSQL runs in one snapshot even outside a
transaction. The ``+lean`` statements read only the follows (see
:func:`home_keep`): a lean viewer has no filter to send.
"""

HOME_PARAMETERS: Final = ("v", "now", "high", "bias")
"""The home statement's parameters in the order of their ``$n`` (see :func:`home_statement`)."""


def home_statement(template: str, size: int) -> str:
    """The home statement with ``size`` as its ``LIMIT``, for a raw (``$n``) cursor.

    Its parameters become ``$1`` to ``$4`` in :data:`HOME_PARAMETERS` order:
    psycopg then sends the text as it is, where it would parse a statement
    this long (too long for its cache of parsed statements) at every execution.
    """
    sql = template.replace("%(n)s", str(size))
    for number, name in enumerate(HOME_PARAMETERS, 1):
        sql = sql.replace(f"%({name})s", f"${number}")
    return sql
