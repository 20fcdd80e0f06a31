"""LLM-driven accounts: a prompt per session, a chat call, a strictly parsed reply.

:class:`LLMAgent` turns each session's observation and the account's
persona into a prompt (:func:`build_prompt`), sends it to a *chat function*
-- any callable from prompt to reply that you pass in -- and parses the
reply into actions against a strict schema (:func:`parse_reply`). A reply
that breaks the schema becomes one :class:`~microblog_core.sim.agent.Nothing`
with reason ``"invalid_reply"``, which the run counts as refused under
``agent: invalid_reply``.

* **Reply schema.** One JSON object, optionally inside one Markdown code
  fence (three backticks, optionally followed by ``json``), with exactly
  one key ``"actions"``: a list of at most ``max_actions`` objects, each
  exactly one of::

      {"type": "like", "item": 3}
      {"type": "repost", "item": 1}
      {"type": "repost", "item": 1, "comment": "so true"}
      {"type": "reply", "item": 2, "text": "agreed"}
      {"type": "post", "text": "the ferry is late again"}
      {"type": "follow", "handle": "u0042"}   (also "unfollow", "block", "mute")

  ``item`` is a rank on the page shown (from 1); ``handle`` an account's
  handle, with or without ``@``. ``{"actions": []}`` does nothing.
* **Cache.** Replies are kept by the SHA-256 of the prompt
  (:class:`ReplyCache`, in memory or in a JSON Lines file), so a rerun
  from the cache makes no call and gives byte-identical exports.
* **Concurrency.** The agent is a
  :class:`~microblog_core.sim.agent.BatchAgent`: the sessions of one time
  step are independent, so their calls run concurrently on up to
  ``concurrency`` threads; results are applied in session order, so the run
  does not depend on which call finishes first.
* **Endpoints.** :func:`openai_chat` makes a chat function for any
  OpenAI-compatible ``/chat/completions`` endpoint (a local llama.cpp,
  vLLM or Ollama server) over httpx, the optional ``llm`` extra
  (``pip install 'microblog-core[llm]'``).

Example:
    >>> from microblog_core.sim import SimulationConfig, simulate
    >>> from microblog_core.sim.llm import LLMAgent
    >>> def chat(prompt):  # a scripted model: like the top post, or write one
    ...     if "[1]" in prompt:
    ...         return '{"actions": [{"type": "like", "item": 1}]}'
    ...     return '{"actions": [{"type": "post", "text": "hello"}]}'
    >>> agent = LLMAgent(chat)
    >>> result = simulate(SimulationConfig(accounts=30, hours=2, seed=1), agent=agent)
    >>> result.actions["post"] > 0, result.actions["like"] > 0, agent.invalid_replies
    (True, True, 0)
"""

import hashlib
import json
import threading
from collections.abc import Callable, Iterator, Mapping, Sequence
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path
from typing import Any

from microblog_core._checks import quote
from microblog_core.errors import ChatError, ValidationError
from microblog_core.sim.agent import (
    Action,
    Block,
    Follow,
    Like,
    Mute,
    Nothing,
    Observation,
    Publish,
    Reply,
    Repost,
    Unfollow,
    World,
)
from microblog_core.sim.config import LLMConfig

__all__ = [
    "INVALID_REPLY",
    "ChatCompletions",
    "LLMAgent",
    "ReplyCache",
    "build_prompt",
    "openai_chat",
    "parse_reply",
    "prompt_key",
]

INVALID_REPLY = "invalid_reply"
"""The reason of the :class:`Nothing` an invalid reply becomes."""

Chat = Callable[[str], str]

_ITEM_ACTIONS = {"like": (), "repost": ("comment",), "reply": ("text",)}
_ACCOUNT_ACTIONS: dict[str, type[Follow | Unfollow | Block | Mute]] = {
    "follow": Follow,
    "unfollow": Unfollow,
    "block": Block,
    "mute": Mute,
}
_SCHEMA = """Reply with one JSON object and nothing else: {"actions": [...]}, where each action is
one of
{"type": "like", "item": N}
{"type": "repost", "item": N} or {"type": "repost", "item": N, "comment": "..."}
{"type": "reply", "item": N, "text": "..."}
{"type": "post", "text": "..."}
{"type": "follow", "handle": "..."} (or "unfollow", "block", "mute")
N is an item's number in the feed above. Use {"actions": []} to do nothing."""


def prompt_key(prompt: str) -> str:
    """Return the cache key of ``prompt``: its SHA-256 in hex."""
    return hashlib.sha256(prompt.encode("utf-8")).hexdigest()


def _one_line(text: str) -> str:
    return " ".join(text.split())


def build_prompt(
    observation: Observation,
    persona: str,
    *,
    max_actions: int = 5,
    handles: Sequence[str] = (),
) -> str:
    """Return the prompt for one session: persona, own state, the page, the schema.

    The prompt depends only on its arguments, so the same session gives the
    same prompt (and the same cache key).

    Args:
        observation: What the account sees.
        persona: Who the account is (one or more lines).
        max_actions: The most actions the reply may hold.
        handles: Every account's handle by graph node, to name who reposted
            an item (without them a repost is shown as its original).
    """
    lines = [
        persona.strip(),
        "",
        (
            f"It is {observation.time.strftime('%A %Y-%m-%d %H:%M')} UTC. You are "
            f"@{observation.handle}; you follow {len(observation.followees)} accounts and "
            f"{observation.followers} follow you."
        ),
    ]
    if observation.items:
        lines.append("Your feed shows:")
        for item in observation.items:
            where = "someone you follow" if item.in_network else "suggested"
            via = (
                f", reposted by @{handles[item.author]}"
                if handles and item.author != item.root_author
                else ""
            )
            lines.append(
                f'[{item.rank}] @{item.handle} ({where}{via}): "{_one_line(item.post.text)}" '
                f"-- {item.likes} likes, {item.reposts} reposts, {item.replies} replies"
            )
    else:
        lines.append("Your feed is empty.")
    lines.append("")
    lines.append(_SCHEMA + f" At most {max_actions} actions.")
    return "\n".join(lines)


# --------------------------------------------------------------------------- parsing


class _InvalidReplyError(Exception):
    """A reply broke the schema."""


def _strip_fence(text: str) -> str:
    body = text.strip()
    if body.startswith("```"):
        first, _, rest = body.partition("\n")
        if first.strip() not in {"```", "```json"} or not rest.rstrip().endswith("```"):
            raise _InvalidReplyError("a malformed code fence")
        body = rest.rstrip()[:-3].strip()
    return body


def _text(entry: Mapping[str, Any], key: str) -> str:
    value = entry.get(key)
    if not isinstance(value, str) or not value.strip():
        raise _InvalidReplyError(f"{key} must be non-empty text")
    return value


def _parse_action(entry: object, observation: Observation, handles: Mapping[str, Any]) -> Action:
    if not isinstance(entry, dict):
        raise _InvalidReplyError("each action must be an object")
    kind = entry.get("type")
    if kind in _ITEM_ACTIONS:
        allowed = {"type", "item", *_ITEM_ACTIONS[kind]}
        required = {"type", "item"} | ({"text"} if kind == "reply" else set())
        if not required <= entry.keys() <= allowed:
            raise _InvalidReplyError(f"a {kind} takes {sorted(allowed)}")
        rank = entry["item"]
        if isinstance(rank, bool) or not isinstance(rank, int):
            raise _InvalidReplyError("item must be a whole number")
        if not 1 <= rank <= len(observation.items):
            raise _InvalidReplyError("item is not on the page")
        post_id = observation.items[rank - 1].post.id
        if kind == "like":
            return Like(post_id)
        if kind == "repost":
            return Repost(post_id, comment=_text(entry, "comment") if "comment" in entry else None)
        return Reply(post_id, _text(entry, "text"))
    if kind == "post":
        if entry.keys() != {"type", "text"}:
            raise _InvalidReplyError("a post takes type and text")
        return Publish(_text(entry, "text"))
    if kind in _ACCOUNT_ACTIONS:
        if entry.keys() != {"type", "handle"}:
            raise _InvalidReplyError(f"a {kind} takes type and handle")
        handle = _text(entry, "handle").strip().removeprefix("@").casefold()
        account_id = handles.get(handle)
        if account_id is None:
            raise _InvalidReplyError("unknown handle")
        action: Action = _ACCOUNT_ACTIONS[kind](account_id)
        return action
    raise _InvalidReplyError("unknown action type")


def parse_reply(
    reply: str,
    observation: Observation,
    handles: Mapping[str, Any],
    *,
    max_actions: int = 5,
) -> tuple[Action, ...]:
    """Parse a model's reply into actions against the strict schema (see the module docs).

    Args:
        reply: The model's reply.
        observation: The session the reply answers (items are looked up by rank).
        handles: Account ids by casefolded handle (for follow, unfollow, block, mute).
        max_actions: The most actions a reply may hold.

    Returns:
        The actions in order; ``(Nothing(),)`` for an empty list; a single
        ``Nothing("invalid_reply")`` for a reply that breaks the schema in any way.
    """
    try:
        if not isinstance(reply, str):
            raise _InvalidReplyError("the reply is not text")
        try:
            data = json.loads(_strip_fence(reply))
        except ValueError:
            raise _InvalidReplyError("not JSON") from None
        if not isinstance(data, dict) or data.keys() != {"actions"}:
            raise _InvalidReplyError('the reply must be {"actions": [...]}')
        entries = data["actions"]
        if not isinstance(entries, list) or len(entries) > max_actions:
            raise _InvalidReplyError(f"actions must be a list of at most {max_actions}")
        actions = tuple(_parse_action(entry, observation, handles) for entry in entries)
    except _InvalidReplyError:
        return (Nothing(INVALID_REPLY),)
    return actions or (Nothing(),)


# --------------------------------------------------------------------------- cache


class ReplyCache:
    """Model replies by prompt hash, in memory and optionally in a JSON Lines file.

    With a path, the file's entries are loaded on creation and each new
    reply is appended as ``{"key": sha256, "reply": text}``, so an
    interrupted run keeps what it paid for and a rerun makes no call.

    Args:
        path: The JSON Lines file (created when missing), or None for memory only.

    Raises:
        ValidationError: The file holds a line that is not a cache entry.
        OSError: The file cannot be read.
    """

    __slots__ = ("_lock", "_path", "_replies")

    def __init__(self, path: str | Path | None = None) -> None:
        self._path = None if path is None else Path(path)
        self._replies: dict[str, str] = {}
        self._lock = threading.Lock()
        if self._path is not None and self._path.exists():
            with self._path.open(encoding="utf-8") as stream:
                for number, line in enumerate(stream, start=1):
                    if not line.strip():
                        continue
                    try:
                        entry = json.loads(line)
                        key, reply = entry["key"], entry["reply"]
                    except (ValueError, TypeError, KeyError):
                        entry = None
                    if entry is None or not isinstance(key, str) or not isinstance(reply, str):
                        raise ValidationError(
                            f"{self._path}, line {number}: not a reply-cache entry: "
                            f"{quote(line.strip())}",
                            field="cache",
                            value=number,
                        )
                    self._replies[key] = reply

    def get(self, key: str) -> str | None:
        """Return the reply cached under ``key``, or None."""
        return self._replies.get(key)

    def put(self, key: str, reply: str) -> None:
        """Keep ``reply`` under ``key`` (and append it to the file, if there is one)."""
        with self._lock:
            if self._replies.get(key) == reply:
                return
            self._replies[key] = reply
            if self._path is not None:
                with self._path.open("a", encoding="utf-8") as stream:
                    stream.write(json.dumps({"key": key, "reply": reply}, ensure_ascii=False))
                    stream.write("\n")

    def __len__(self) -> int:
        return len(self._replies)

    def __contains__(self, key: object) -> bool:
        return key in self._replies

    def __iter__(self) -> Iterator[str]:
        return iter(self._replies)


# --------------------------------------------------------------------------- the agent


class LLMAgent:
    """Accounts driven by a language model through a chat function.

    Args:
        chat: A callable from prompt to reply (see :func:`openai_chat`).
        settings: Persona template, concurrency and reply size (default:
            :class:`~microblog_core.sim.config.LLMConfig()`; ``url`` and
            ``model`` are not used here).
        cache: Where replies are kept by prompt hash (default: a fresh
            in-memory :class:`ReplyCache`).
        persona: Returns the persona of the account at a graph node, given
            the node and its handle (default: ``settings.persona`` with
            ``{handle}`` filled in).

    Attributes:
        calls: Chat calls made (cache misses).
        cache_hits: Sessions answered from the cache.
        invalid_replies: Replies that broke the schema.

    Raises:
        ValidationError: ``chat`` or ``persona`` is not callable.
    """

    name = "llm"

    def __init__(
        self,
        chat: Chat,
        *,
        settings: LLMConfig | None = None,
        cache: ReplyCache | None = None,
        persona: Callable[[int, str], str] | None = None,
    ) -> None:
        if not callable(chat):
            raise ValidationError(
                "LLMAgent needs a chat callable (prompt -> reply)", field="chat", value=chat
            )
        if persona is not None and not callable(persona):
            raise ValidationError("persona must be callable", field="persona", value=persona)
        self.settings = LLMConfig() if settings is None else settings
        self.cache = ReplyCache() if cache is None else cache
        self._chat = chat
        self._persona = persona
        self._handles: dict[str, Any] = {}
        self._names: Sequence[str] = ()
        self.calls = 0
        self.cache_hits = 0
        self.invalid_replies = 0

    def start(self, world: World) -> None:
        """Learn the run's handles (for follow, unfollow, block and mute)."""
        self._handles = {
            handle.casefold(): account_id
            for handle, account_id in zip(world.handles, world.ids, strict=True)
        }
        self._names = world.handles

    def persona_of(self, observation: Observation) -> str:
        """Return the persona line of the observing account."""
        if self._persona is not None:
            return str(self._persona(observation.viewer, observation.handle))
        return self.settings.persona.replace("{handle}", observation.handle)

    def prompt(self, observation: Observation) -> str:
        """Return the prompt for one session."""
        return build_prompt(
            observation,
            self.persona_of(observation),
            max_actions=self.settings.max_actions,
            handles=self._names,
        )

    def act(self, observation: Observation) -> tuple[Action, ...]:
        """Decide one session (one call, or none from the cache)."""
        return self.act_batch([observation])[0]

    def act_batch(self, observations: Sequence[Observation]) -> list[tuple[Action, ...]]:
        """Decide a time step's sessions: cached replies, then concurrent calls for the rest."""
        prompts = [self.prompt(observation) for observation in observations]
        keys = [prompt_key(prompt) for prompt in prompts]
        cache = self.cache
        missing: dict[str, str] = {}
        for key, prompt in zip(keys, prompts, strict=True):
            if cache.get(key) is None and key not in missing:
                missing[key] = prompt
        self.cache_hits += len(keys) - len(missing)
        if missing:
            todo = list(missing.items())
            workers = min(self.settings.concurrency, len(todo))
            if workers == 1:
                replies = [self._call(prompt) for _, prompt in todo]
            else:
                with ThreadPoolExecutor(max_workers=workers) as pool:
                    replies = list(pool.map(self._call, (prompt for _, prompt in todo)))
            self.calls += len(todo)
            for (key, _), reply in zip(todo, replies, strict=True):
                cache.put(key, reply)
        out: list[tuple[Action, ...]] = []
        for key, observation in zip(keys, observations, strict=True):
            actions = parse_reply(
                cache.get(key) or "",
                observation,
                self._handles,
                max_actions=self.settings.max_actions,
            )
            if len(actions) == 1 and actions[0] == Nothing(INVALID_REPLY):
                self.invalid_replies += 1
            out.append(actions)
        return out

    def close(self) -> None:
        """Close the chat function, if it has a ``close()`` (an HTTP client does)."""
        close = getattr(self._chat, "close", None)
        if callable(close):
            close()

    def _call(self, prompt: str) -> str:
        reply = self._chat(prompt)
        if not isinstance(reply, str):
            # Kept (and so cached) as a reply that parses as invalid.
            return ""
        return reply

    def __repr__(self) -> str:
        return f"LLMAgent(calls={self.calls}, cache_hits={self.cache_hits})"


# --------------------------------------------------------------------------- endpoints


class ChatCompletions:
    """A chat function for an OpenAI-compatible ``/chat/completions`` endpoint (httpx).

    Each call sends the prompt as one user message (after an optional
    system message) and returns the first choice's message content. The
    underlying ``httpx.Client`` is safe to share between the agent's threads;
    :meth:`close` it when done.

    Args:
        url: The API base URL, e.g. ``http://127.0.0.1:8080/v1`` (the path
            ``/chat/completions`` is appended).
        model: The model name.
        api_key: Sent as a bearer token, when given.
        temperature: The sampling temperature.
        timeout: Seconds to wait for one reply.
        system: An optional system message.

    Raises:
        ValidationError: ``url`` is not an http(s) URL, or ``model`` is empty.
        ImportError: httpx is not installed.
    """

    def __init__(
        self,
        url: str,
        model: str,
        *,
        api_key: str | None = None,
        temperature: float = 0.0,
        timeout: float = 60.0,
        system: str | None = None,
    ) -> None:
        if not isinstance(url, str) or not url.startswith(("http://", "https://")):
            raise ValidationError(
                f"the LLM endpoint must be an http(s) URL, got {quote(url)}", field="url", value=url
            )
        if not isinstance(model, str) or not model.strip():
            raise ValidationError("the LLM model needs a name", field="model", value=model)
        try:
            import httpx
        except ImportError:
            raise ImportError(
                "the LLM endpoint adapter needs httpx, the optional 'llm' extra: "
                "pip install 'microblog-core[llm]'"
            ) from None
        self.url = url.rstrip("/") + "/chat/completions"
        self.model = model
        self.temperature = temperature
        self.system = system
        headers = {"Authorization": f"Bearer {api_key}"} if api_key else {}
        self._httpx = httpx
        self._client = httpx.Client(timeout=timeout, headers=headers)

    def __call__(self, prompt: str) -> str:
        """Send ``prompt``; return the reply text.

        Raises:
            ChatError: The endpoint is unreachable, answered with an HTTP
                error, or answered something that is not a chat completion.
        """
        messages = [{"role": "user", "content": prompt}]
        if self.system:
            messages.insert(0, {"role": "system", "content": self.system})
        body = {"model": self.model, "messages": messages, "temperature": self.temperature}
        try:
            response = self._client.post(self.url, json=body)
        except self._httpx.HTTPError as exc:
            raise ChatError(
                f"cannot reach the LLM endpoint {self.url}: {type(exc).__name__}: {exc}",
                url=self.url,
            ) from None
        if response.status_code >= 400:
            raise ChatError(
                f"the LLM endpoint {self.url} answered HTTP {response.status_code}: "
                f"{quote(response.text, width=200)}",
                url=self.url,
                status=response.status_code,
            )
        try:
            content = response.json()["choices"][0]["message"]["content"]
        except (ValueError, KeyError, IndexError, TypeError):
            content = None
        if not isinstance(content, str):
            raise ChatError(
                f"the LLM endpoint {self.url} did not answer a chat completion: "
                f"{quote(response.text, width=200)}",
                url=self.url,
                status=response.status_code,
            )
        return content

    def close(self) -> None:
        """Close the HTTP connections."""
        self._client.close()

    def __repr__(self) -> str:
        return f"ChatCompletions(url={self.url!r}, model={self.model!r})"


def openai_chat(
    url: str,
    model: str,
    *,
    api_key: str | None = None,
    temperature: float = 0.0,
    timeout: float = 60.0,
    system: str | None = None,
) -> ChatCompletions:
    """Return a chat function for an OpenAI-compatible endpoint (see :class:`ChatCompletions`).

    Raises:
        ValidationError: A bad URL or model name.
        ImportError: httpx is not installed (the ``llm`` extra).
    """
    return ChatCompletions(
        url, model, api_key=api_key, temperature=temperature, timeout=timeout, system=system
    )
