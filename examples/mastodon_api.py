"""A Mastodon API subset over microblog_core, as a plain ASGI app (no framework).

Serves what a Mastodon client needs to post and read:

* ``POST /api/v1/statuses`` (with ``in_reply_to_id``, ``visibility``, ``spoiler_text``,
  ``language``), ``GET /api/v1/statuses/:id``, ``GET /api/v1/statuses/:id/context``
* ``POST /api/v1/statuses/:id/reblog`` and ``/favourite``
* ``POST /api/v1/accounts/:id/follow``, ``GET /api/v1/accounts/:id``,
  ``GET /api/v1/accounts/:id/statuses``, ``GET /api/v1/accounts/verify_credentials``
* ``GET /api/v1/timelines/home`` with ``max_id`` / ``since_id`` / ``min_id`` /
  ``limit`` and ``Link`` headers, as Mastodon pages

The bearer token is the account's handle: this is a demonstration of the
library, not an authentication scheme. Run it with any ASGI server::

    uvicorn examples.mastodon_api:app
"""

import json
import re
from collections.abc import Awaitable, Callable, MutableMapping
from typing import Any
from urllib.parse import parse_qsl

from microblog_core import ManualClock, Microblog
from microblog_core.errors import (
    ConflictError,
    MicroblogError,
    NotFoundError,
    PermissionDeniedError,
)
from microblog_core.ids import AccountId, PostId
from microblog_core.interop.mastodon import account_to_json, status_to_json
from microblog_core.models import MASTODON_ACCOUNTS, Account, Post, Relationship, Visibility
from microblog_core.text import MASTODON

Scope = MutableMapping[str, Any]
Message = MutableMapping[str, Any]
Receive = Callable[[], Awaitable[Message]]
Send = Callable[[Message], Awaitable[None]]

_VISIBILITIES = {v.value: v for v in Visibility}


class HttpError(Exception):
    """An API error: a status code and Mastodon's ``{"error": ...}`` body."""

    def __init__(self, status: int, message: str) -> None:
        super().__init__(message)
        self.status = status


def _relationship_json(rel: Relationship) -> dict[str, Any]:
    return {
        "id": str(rel.target_id),
        "following": rel.following,
        "showing_reblogs": rel.showing_reposts,
        "notifying": rel.notifying,
        "followed_by": rel.followed_by,
        "blocking": rel.blocking,
        "blocked_by": rel.blocked_by,
        "muting": rel.muting,
        "muting_notifications": rel.muting_notifications,
        "requested": rel.requested,
        "requested_by": rel.requested_by,
        "domain_blocking": False,
        "endorsed": False,
        "note": "",
        "languages": list(rel.languages) if rel.languages is not None else None,
    }


class MastodonApp:
    """The ASGI app: one instance serves one :class:`~microblog_core.Microblog`."""

    def __init__(self, blog: Microblog, *, base_url: str) -> None:
        """Serve ``blog``; ``base_url`` is where clients reach the app (for URLs and links)."""
        self.blog = blog
        self.base_url = base_url.rstrip("/")
        self.routes: list[tuple[str, re.Pattern[str], Callable[..., Any]]] = [
            ("GET", re.compile(r"/api/v1/accounts/verify_credentials"), self.verify_credentials),
            ("GET", re.compile(r"/api/v1/accounts/(\d+)"), self.get_account),
            ("GET", re.compile(r"/api/v1/accounts/(\d+)/statuses"), self.account_statuses),
            ("POST", re.compile(r"/api/v1/accounts/(\d+)/follow"), self.follow),
            ("POST", re.compile(r"/api/v1/statuses"), self.create_status),
            ("GET", re.compile(r"/api/v1/statuses/(\d+)"), self.get_status),
            ("GET", re.compile(r"/api/v1/statuses/(\d+)/context"), self.context),
            ("POST", re.compile(r"/api/v1/statuses/(\d+)/reblog"), self.reblog),
            ("POST", re.compile(r"/api/v1/statuses/(\d+)/favourite"), self.favourite),
            ("GET", re.compile(r"/api/v1/timelines/home"), self.home),
        ]

    # -- ASGI ---------------------------------------------------------------

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        """Handle one HTTP request."""
        if scope["type"] != "http":
            return
        body = b""
        more = True
        while more:
            message = await receive()
            body += message.get("body", b"")
            more = message.get("more_body", False)
        headers = {k.decode("latin-1").lower(): v.decode("latin-1") for k, v in scope["headers"]}
        status, payload, extra = self.handle(
            scope["method"], scope["path"], scope.get("query_string", b"").decode(), headers, body
        )
        data = json.dumps(payload).encode()
        response_headers = [
            (b"content-type", b"application/json; charset=utf-8"),
            (b"content-length", str(len(data)).encode()),
        ]
        response_headers.extend((k.encode(), v.encode()) for k, v in extra.items())
        await send({"type": "http.response.start", "status": status, "headers": response_headers})
        await send({"type": "http.response.body", "body": data})

    def handle(
        self, method: str, path: str, query: str, headers: dict[str, str], body: bytes
    ) -> tuple[int, Any, dict[str, str]]:
        """Route a request; return status, JSON payload and extra headers."""
        params = dict(parse_qsl(query))
        if body:
            if headers.get("content-type", "").startswith("application/json"):
                params.update({k: v for k, v in json.loads(body).items() if v is not None})
            else:
                params.update(parse_qsl(body.decode()))
        try:
            for verb, pattern, handler in self.routes:
                match = pattern.fullmatch(path)
                if match and verb == method:
                    viewer = self._viewer(headers)
                    result = handler(viewer, params, *match.groups())
                    return (200, *result) if isinstance(result, tuple) else (200, result, {})
            raise HttpError(404, "Record not found")
        except HttpError as exc:
            return exc.status, {"error": str(exc)}, {}
        except NotFoundError:
            return 404, {"error": "Record not found"}, {}
        except PermissionDeniedError as exc:
            return 403, {"error": str(exc)}, {}
        except ConflictError as exc:
            return 422, {"error": str(exc)}, {}
        except (MicroblogError, ValueError) as exc:
            return 422, {"error": f"Validation failed: {exc}"}, {}

    # -- helpers --------------------------------------------------------------

    def _viewer(self, headers: dict[str, str]) -> Account:
        token = headers.get("authorization", "").removeprefix("Bearer ").strip()
        if not token:
            raise HttpError(401, "The access token is invalid")
        try:
            return self.blog.account_by_handle(token)
        except NotFoundError:
            raise HttpError(401, "The access token is invalid") from None

    def _accounts_for(self, posts: list[Post]) -> dict[AccountId, Account]:
        ids: set[AccountId] = set()
        for post in posts:
            ids.add(post.author_id)
            ids.update(post.mentions)
        return {i: self.blog.get_account(i) for i in ids}

    def _statuses(self, posts: list[Post], roots: dict[PostId, Post]) -> list[dict[str, Any]]:
        accounts = self._accounts_for([*posts, *roots.values()])
        counters = {p.id: self.blog.post_counters(p.id) for p in [*posts, *roots.values()]}
        return [
            status_to_json(
                p, accounts=accounts, posts=roots, base_url=self.base_url, counters=counters
            )
            for p in posts
        ]

    def _status(self, post: Post, viewer: Account) -> dict[str, Any]:
        roots = {}
        if post.repost_of is not None:
            root = self.blog.get_post(post.repost_of.root_id, viewer_id=viewer.id)
            roots[root.id] = root
        return self._statuses([post], roots)[0]

    def _page(
        self, path: str, items: list[Post], roots: dict[PostId, Post], nxt: Any, prev: Any
    ) -> tuple[Any, dict[str, str]]:
        links = []
        if nxt is not None:
            links.append(f'<{self.base_url}{path}?max_id={nxt}>; rel="next"')
        if prev is not None:
            links.append(f'<{self.base_url}{path}?min_id={prev}>; rel="prev"')
        return self._statuses(items, roots), ({"link": ", ".join(links)} if links else {})

    @staticmethod
    def _cursor(params: dict[str, str], name: str) -> PostId | None:
        value = params.get(name)
        if value is None or value == "":
            return None
        if not value.isdigit():
            raise HttpError(422, f"{name} must be an id")
        return PostId(int(value))

    # -- endpoints ------------------------------------------------------------

    def verify_credentials(self, viewer: Account, params: dict[str, str]) -> dict[str, Any]:
        """GET /api/v1/accounts/verify_credentials: the token's account."""
        counters = self.blog.account_counters(viewer.id)
        return account_to_json(viewer, base_url=self.base_url, counters=counters)

    def get_account(
        self, viewer: Account, params: dict[str, str], account_id: str
    ) -> dict[str, Any]:
        """GET /api/v1/accounts/:id."""
        account = self.blog.get_account(AccountId(int(account_id)))
        counters = self.blog.account_counters(account.id)
        return account_to_json(account, base_url=self.base_url, counters=counters)

    def create_status(self, viewer: Account, params: dict[str, str]) -> dict[str, Any]:
        """POST /api/v1/statuses: a post, or a reply with ``in_reply_to_id``."""
        text = params.get("status", "")
        visibility = _VISIBILITIES.get(params.get("visibility") or "public")
        if visibility is None:
            raise HttpError(422, "Validation failed: visibility is not a visibility")
        warning = params.get("spoiler_text") or ""
        language = params.get("language") or None
        parent = self._cursor(params, "in_reply_to_id")
        if parent is not None:
            post = self.blog.reply(
                viewer.id,
                parent,
                text,
                visibility=visibility,
                content_warning=warning,
                language=language,
            )
        else:
            post = self.blog.post(
                viewer.id, text, visibility=visibility, content_warning=warning, language=language
            )
        return self._status(post, viewer)

    def get_status(self, viewer: Account, params: dict[str, str], post_id: str) -> dict[str, Any]:
        """GET /api/v1/statuses/:id, as the viewer may see it."""
        return self._status(self.blog.get_post(PostId(int(post_id)), viewer_id=viewer.id), viewer)

    def context(self, viewer: Account, params: dict[str, str], post_id: str) -> dict[str, Any]:
        """GET /api/v1/statuses/:id/context: ancestors and descendants."""
        view = self.blog.thread(PostId(int(post_id)), viewer_id=viewer.id)
        ancestors = [n.post for n in view.ancestors if n.post is not None]
        descendants = [n.post for n in view.flatten()[1:] if n.post is not None]
        return {
            "ancestors": self._statuses(ancestors, {}),
            "descendants": self._statuses(descendants, {}),
        }

    def reblog(self, viewer: Account, params: dict[str, str], post_id: str) -> dict[str, Any]:
        """POST /api/v1/statuses/:id/reblog."""
        return self._status(self.blog.repost(viewer.id, PostId(int(post_id))), viewer)

    def favourite(self, viewer: Account, params: dict[str, str], post_id: str) -> dict[str, Any]:
        """POST /api/v1/statuses/:id/favourite."""
        like = self.blog.like(viewer.id, PostId(int(post_id)))
        status = self._status(self.blog.get_post(like.post_id, viewer_id=viewer.id), viewer)
        status["favourited"] = True
        return status

    def follow(self, viewer: Account, params: dict[str, str], account_id: str) -> dict[str, Any]:
        """POST /api/v1/accounts/:id/follow."""
        target = AccountId(int(account_id))
        self.blog.follow(viewer.id, target)
        return _relationship_json(self.blog.relationship(viewer.id, target))

    def home(self, viewer: Account, params: dict[str, str]) -> tuple[Any, dict[str, str]]:
        """GET /api/v1/timelines/home, paged with Link headers."""
        limit = int(params.get("limit") or 20)
        page = self.blog.home_timeline(
            viewer.id,
            limit=min(max(limit, 1), 40),
            max_id=self._cursor(params, "max_id"),
            since_id=self._cursor(params, "since_id"),
            min_id=self._cursor(params, "min_id"),
        )
        return self._page(
            "/api/v1/timelines/home",
            list(page.items),
            dict(page.roots),
            page.next_max_id,
            page.prev_min_id,
        )

    def account_statuses(
        self, viewer: Account, params: dict[str, str], account_id: str
    ) -> tuple[Any, dict[str, str]]:
        """GET /api/v1/accounts/:id/statuses, paged with Link headers."""
        limit = int(params.get("limit") or 20)
        page = self.blog.account_timeline(
            AccountId(int(account_id)),
            viewer_id=viewer.id,
            with_replies=params.get("exclude_replies") not in ("true", "1"),
            limit=min(max(limit, 1), 40),
            max_id=self._cursor(params, "max_id"),
            since_id=self._cursor(params, "since_id"),
            min_id=self._cursor(params, "min_id"),
        )
        return self._page(
            f"/api/v1/accounts/{account_id}/statuses",
            list(page.items),
            dict(page.roots),
            page.next_max_id,
            page.prev_min_id,
        )


def demo_blog() -> Microblog:
    """A small service with two accounts, ``alice`` and ``bob``, for trying the app."""
    blog = Microblog.in_memory(
        clock=ManualClock(), policy=MASTODON, account_policy=MASTODON_ACCOUNTS
    )
    blog.register("alice", display_name="Alice")
    blog.register("bob", display_name="Bob")
    return blog


app = MastodonApp(demo_blog(), base_url="http://127.0.0.1:8000")
"""The app over a demonstration service (tokens ``alice`` and ``bob``)."""
