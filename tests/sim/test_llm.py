"""The LLM agent: prompts, strict reply parsing, the cache, concurrency, the HTTP adapter."""

import argparse
import hashlib
import io
import json
import socket
import threading
import time
from collections.abc import Iterator
from datetime import UTC, datetime
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path

import pytest
from hypothesis import given
from hypothesis import strategies as st

from microblog_core.errors import ChatError, ValidationError
from microblog_core.ids import AccountId, PostId
from microblog_core.models import Post
from microblog_core.sim import SimulationConfig, simulate, write_exports
from microblog_core.sim.agent import (
    BatchAgent,
    Block,
    Follow,
    Like,
    Mute,
    Nothing,
    Observation,
    PageItem,
    Publish,
    Reply,
    Repost,
    Unfollow,
)
from microblog_core.sim.cli import add_simulate_parser
from microblog_core.sim.config import LLMConfig
from microblog_core.sim.llm import (
    INVALID_REPLY,
    LLMAgent,
    ReplyCache,
    build_prompt,
    openai_chat,
    parse_reply,
    prompt_key,
)

WHEN = datetime(2026, 1, 1, 12, tzinfo=UTC)
CONFIG = SimulationConfig(accounts=25, hours=2, seed=6, start=WHEN)
HANDLES = {"u1": AccountId(101), "u2": AccountId(102)}


def page_item(rank: int, author: int) -> PageItem:
    post = Post.create(
        id=PostId(500 + rank),
        author_id=AccountId(100 + author),
        created_at=WHEN,
        text=f"post {rank}",
    )
    return PageItem(
        post, rank, True, rank, rank, author, author, f"u{author}", 2, 1, 0, 1.0, -1, 0.0
    )


OBSERVATION = Observation(WHEN, 0, AccountId(100), "u0", (page_item(1, 1), page_item(2, 2)), [1], 3)


def reply(*actions: object) -> str:
    return json.dumps({"actions": list(actions)})


# --------------------------------------------------------------------------- parsing


def test_every_action_of_the_schema_parses():
    text = reply(
        {"type": "like", "item": 1},
        {"type": "repost", "item": 2},
        {"type": "repost", "item": 1, "comment": "so true"},
        {"type": "reply", "item": 2, "text": "agreed"},
        {"type": "post", "text": "hello"},
    )
    assert parse_reply(text, OBSERVATION, HANDLES) == (
        Like(PostId(501)),
        Repost(PostId(502)),
        Repost(PostId(501), comment="so true"),
        Reply(PostId(502), "agreed"),
        Publish("hello"),
    )
    accounts = reply(
        {"type": "follow", "handle": "u1"},
        {"type": "unfollow", "handle": "@U2"},
        {"type": "block", "handle": "u1"},
        {"type": "mute", "handle": "u2"},
    )
    assert parse_reply(accounts, OBSERVATION, HANDLES) == (
        Follow(AccountId(101)),
        Unfollow(AccountId(102)),
        Block(AccountId(101)),
        Mute(AccountId(102)),
    )


def test_an_empty_list_is_a_deliberate_nothing():
    assert parse_reply('{"actions": []}', OBSERVATION, HANDLES) == (Nothing(),)


def test_one_json_code_fence_is_accepted():
    fenced = '```json\n{"actions": [{"type": "like", "item": 2}]}\n```'
    assert parse_reply(fenced, OBSERVATION, HANDLES) == (Like(PostId(502)),)


@pytest.mark.parametrize(
    "text",
    [
        "I like the first post",
        "",
        '[{"type": "like", "item": 1}]',
        '{"actions": [], "mood": "happy"}',
        '{"actions": {"type": "like", "item": 1}}',
        reply({"type": "like", "item": 3}),
        reply({"type": "like", "item": 0}),
        reply({"type": "like", "item": True}),
        reply({"type": "like", "item": "1"}),
        reply({"type": "like", "item": 1, "why": "nice"}),
        reply({"type": "reply", "item": 1}),
        reply({"type": "reply", "item": 1, "text": "  "}),
        reply({"type": "repost", "item": 1, "comment": 5}),
        reply({"type": "post"}),
        reply({"type": "post", "text": "x", "item": 1}),
        reply({"type": "follow", "handle": "nobody"}),
        reply({"type": "follow", "account": "u1"}),
        reply({"type": "dance"}),
        reply("like"),
        reply(*[{"type": "like", "item": 1}] * 6),
        '```python\n{"actions": []}\n```',
        '```json\n{"actions": []}',
    ],
)
def test_a_reply_that_breaks_the_schema_becomes_one_counted_nothing(text):
    assert parse_reply(text, OBSERVATION, HANDLES) == (Nothing(INVALID_REPLY),)


def test_one_bad_action_spoils_the_whole_reply():
    text = reply({"type": "like", "item": 1}, {"type": "like", "item": 9})
    assert parse_reply(text, OBSERVATION, HANDLES) == (Nothing(INVALID_REPLY),)


def test_the_prompt_shows_persona_state_page_and_schema_and_is_deterministic():
    prompt = build_prompt(OBSERVATION, "You are a baker.", max_actions=3)
    assert prompt.startswith("You are a baker.")
    assert "@u0; you follow 1 accounts and 3 follow you" in prompt
    assert '[1] @u1 (someone you follow): "post 1" -- 2 likes, 1 reposts, 0 replies' in prompt
    assert '"type": "like"' in prompt
    assert "At most 3 actions." in prompt
    assert build_prompt(OBSERVATION, "You are a baker.", max_actions=3) == prompt
    assert prompt_key(prompt) == hashlib.sha256(prompt.encode()).hexdigest()


# --------------------------------------------------------------------------- the agent in a run


def scripted(prompt: str) -> str:
    """Like and answer the top post if any; else post, or (half the prompts) babble."""
    if "[1]" in prompt:
        return reply({"type": "like", "item": 1}, {"type": "reply", "item": 1, "text": "nice"})
    if int(prompt_key(prompt)[0], 16) % 2:  # an answer off the schema
        return "Sure! I would like to post something."
    return reply({"type": "post", "text": "good morning"})


def test_an_llm_run_applies_the_replies_and_counts_invalid_ones():
    agent = LLMAgent(scripted)
    # Three hours: with the default graph's many unfollowed accounts, two hours
    # of this seed show nobody a post of someone else's to like.
    result = simulate(CONFIG.evolve(hours=3), agent=agent)
    assert isinstance(agent, BatchAgent)
    assert result.actions["post"] > 0
    assert result.actions["like"] > 0
    assert result.actions["reply"] > 0
    assert agent.invalid_replies > 0
    assert result.refused[("agent", INVALID_REPLY)] == agent.invalid_replies
    assert agent.calls + agent.cache_hits == result.sessions


def exports(result: object, folder: Path) -> dict[str, bytes]:
    return {p.name: p.read_bytes() for p in write_exports(result, folder)}  # type: ignore[arg-type]


def test_a_rerun_from_the_cache_makes_no_call_and_gives_identical_exports(tmp_path):
    cache_file = tmp_path / "replies.jsonl"
    first = LLMAgent(scripted, cache=ReplyCache(cache_file))
    a = exports(simulate(CONFIG, agent=first), tmp_path / "a")
    assert first.calls > 0

    def offline(prompt: str) -> str:
        raise AssertionError("a cached rerun must not call the model")

    second = LLMAgent(offline, cache=ReplyCache(cache_file))
    b = exports(simulate(CONFIG, agent=second), tmp_path / "b")
    assert second.calls == 0
    assert second.cache_hits == first.calls + first.cache_hits
    assert a == b


def test_identical_prompts_in_one_step_make_one_call():
    calls: list[str] = []

    def chat(prompt: str) -> str:
        calls.append(prompt)
        return '{"actions": []}'

    agent = LLMAgent(chat, persona=lambda node, handle: "Everyone is the same.")
    agent.act_batch([OBSERVATION, OBSERVATION, OBSERVATION])
    assert len(calls) == 1
    assert agent.cache_hits == 2


def test_calls_within_a_step_run_concurrently_up_to_the_bound():
    lock = threading.Lock()
    state = {"now": 0, "most": 0}

    def slow(prompt: str) -> str:
        with lock:
            state["now"] += 1
            state["most"] = max(state["most"], state["now"])
        time.sleep(0.01)
        with lock:
            state["now"] -= 1
        return reply({"type": "post", "text": "hi"})

    config = CONFIG.evolve(activity=CONFIG.activity.__class__(sessions_per_day=60))
    agent = LLMAgent(slow, settings=LLMConfig(concurrency=3))
    result = simulate(config, agent=agent)
    assert agent.calls > 10
    assert 1 < state["most"] <= 3
    # Same replies, one thread: the same run.
    serial = simulate(config, agent=LLMAgent(slow, settings=LLMConfig(concurrency=1)))
    assert list(serial.posts()) == list(result.posts())


def test_a_reply_cache_file_that_is_not_a_cache_is_refused(tmp_path):
    path = tmp_path / "bad.jsonl"
    path.write_text('{"key": "abc"}\n', encoding="utf-8")
    with pytest.raises(ValidationError, match="line 1"):
        ReplyCache(path)


def test_the_llm_agent_needs_a_callable():
    with pytest.raises(ValidationError):
        LLMAgent("gpt")  # type: ignore[arg-type]


# --------------------------------------------------------------------------- the HTTP adapter


class FakeCompletions(BaseHTTPRequestHandler):
    """Speaks the chat-completions wire format; the server holds the script."""

    def do_POST(self) -> None:
        length = int(self.headers["Content-Length"])
        body = json.loads(self.rfile.read(length))
        server: Server = self.server  # type: ignore[assignment]
        server.requests.append((self.path, dict(self.headers), body))
        status, payload = server.answer(body)
        data = payload.encode() if isinstance(payload, str) else json.dumps(payload).encode()
        self.send_response(status)
        self.send_header("Content-Type", "application/json")
        self.send_header("Content-Length", str(len(data)))
        self.end_headers()
        self.wfile.write(data)

    def log_message(self, format: str, *args: object) -> None:
        pass


class Server(ThreadingHTTPServer):
    requests: list[tuple[str, dict[str, str], dict[str, object]]]
    answer: object


def completion(content: str) -> dict[str, object]:
    return {
        "id": "chatcmpl-1",
        "object": "chat.completion",
        "choices": [
            {
                "index": 0,
                "message": {"role": "assistant", "content": content},
                "finish_reason": "stop",
            }
        ],
    }


@pytest.fixture
def server() -> Iterator[Server]:
    httpd = Server(("127.0.0.1", 0), FakeCompletions)
    httpd.requests = []
    httpd.answer = lambda body: (200, completion(scripted(body["messages"][-1]["content"])))
    thread = threading.Thread(
        target=httpd.serve_forever, kwargs={"poll_interval": 0.05}, daemon=True
    )
    thread.start()
    yield httpd
    httpd.shutdown()
    httpd.server_close()
    thread.join()


def url_of(server: Server) -> str:
    host, port = server.server_address[:2]
    return f"http://{host}:{port}/v1"


def test_the_adapter_speaks_chat_completions(server):
    chat = openai_chat(
        url_of(server), "tiny-model", api_key="k", temperature=0.2, system="Be brief."
    )
    try:
        assert chat("hello") == scripted("hello")
    finally:
        chat.close()
    path, headers, body = server.requests[0]
    assert path == "/v1/chat/completions"
    assert headers["Authorization"] == "Bearer k"
    assert body == {
        "model": "tiny-model",
        "messages": [
            {"role": "system", "content": "Be brief."},
            {"role": "user", "content": "hello"},
        ],
        "temperature": 0.2,
    }


@pytest.mark.parametrize(
    ("answer", "status"),
    [
        ((500, {"error": "overloaded"}), 500),
        ((200, "not json"), 200),
        ((200, {"choices": []}), 200),
        ((200, {"choices": [{"message": {"content": None}}]}), 200),
    ],
)
def test_an_endpoint_error_is_a_chat_error(server, answer, status):
    server.answer = lambda body: answer
    chat = openai_chat(url_of(server), "m")
    try:
        with pytest.raises(ChatError) as caught:
            chat("hello")
    finally:
        chat.close()
    assert caught.value.status == status


def closed_port() -> int:
    """A loopback port nothing listens on (bound, then released)."""
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return int(probe.getsockname()[1])


def test_an_unreachable_endpoint_is_a_chat_error():
    chat = openai_chat(f"http://127.0.0.1:{closed_port()}/v1", "m", timeout=2.0)
    try:
        with pytest.raises(ChatError, match="cannot reach"):
            chat("hello")
    finally:
        chat.close()


@pytest.mark.parametrize(
    ("url", "model"), [("ftp://x", "m"), ("127.0.0.1:8080", "m"), ("http://x", " ")]
)
def test_a_bad_endpoint_or_model_is_refused_at_once(url, model):
    with pytest.raises(ValidationError):
        openai_chat(url, model)


def test_a_config_with_an_llm_endpoint_runs_against_it(server):
    config = CONFIG.evolve(agent="llm", llm=LLMConfig(url=url_of(server), model="tiny"))
    result = simulate(config)
    assert result.agent.name == "llm"
    assert len(server.requests) == result.agent.calls > 0
    assert result.actions["post"] > 0


def test_the_cli_runs_an_llm_agent_against_an_endpoint(server, tmp_path):
    parser = argparse.ArgumentParser(prog="microblog")
    add_simulate_parser(parser.add_subparsers(dest="command", required=True))
    args = parser.parse_args(
        [
            "simulate", "--accounts", "20", "--hours", "1",
            "--graph", "holme_kim", "--follows", "3", "--memory",
            "--agent", "llm", "--llm-url", url_of(server), "--llm-model", "tiny",
            "--out", str(tmp_path), "--format", "none",
        ]
    )  # fmt: skip
    out, err = io.StringIO(), io.StringIO()
    assert args.run(args, stdout=out, stderr=err) == 0, err.getvalue()
    assert server.requests
    assert (
        "agent: invalid_reply" in out.getvalue() or "refused by the rules: none" in out.getvalue()
    )


def test_the_cli_reports_an_unreachable_endpoint_in_one_line(tmp_path):
    parser = argparse.ArgumentParser(prog="microblog")
    add_simulate_parser(parser.add_subparsers(dest="command", required=True))
    args = parser.parse_args(
        [
            "simulate", "--accounts", "20", "--hours", "1",
            "--graph", "holme_kim", "--follows", "3", "--memory",
            "--agent", "llm", "--llm-url", f"http://127.0.0.1:{closed_port()}/v1",
            "--llm-model", "tiny",
            "--out", str(tmp_path), "--format", "none",
        ]
    )  # fmt: skip
    err = io.StringIO()
    assert args.run(args, stdout=io.StringIO(), stderr=err) == 2
    lines = err.getvalue().strip().splitlines()
    assert len(lines) == 1
    assert lines[0].startswith("microblog: error: cannot reach the LLM endpoint")


json_scalars = st.none() | st.booleans() | st.integers(-3, 5) | st.text(max_size=8)
json_values = (
    json_scalars
    | st.lists(json_scalars, max_size=4)
    | st.dictionaries(st.text(max_size=8), json_scalars | st.lists(json_scalars), max_size=4)
)
action_like = st.fixed_dictionaries(
    {"type": st.sampled_from(["like", "repost", "reply", "post", "follow", "mute", "x"])},
    optional={
        "item": st.integers(-1, 4) | st.text(max_size=2),
        "text": st.text(max_size=6),
        "comment": st.text(max_size=6),
        "handle": st.sampled_from(["u1", "@u2", "nobody", ""]),
    },
)


@given(
    st.text(max_size=60)
    | json_values.map(json.dumps)
    | st.lists(action_like, max_size=7).map(lambda actions: json.dumps({"actions": actions}))
)
def test_any_reply_parses_to_actions_or_one_counted_nothing(text):
    actions = parse_reply(text, OBSERVATION, HANDLES)
    assert actions
    assert len(actions) <= 5
    if Nothing(INVALID_REPLY) in actions:
        assert actions == (Nothing(INVALID_REPLY),)
    for action in actions:
        if isinstance(action, Like | Repost | Reply):
            assert action.post_id in {PostId(501), PostId(502)}
        if isinstance(action, Follow | Mute):
            assert action.account_id in HANDLES.values()


def test_the_prompt_names_who_reposted_an_item_when_it_knows_the_handles():
    post = Post.create(id=PostId(600), author_id=AccountId(101), created_at=WHEN, text="news")
    reposted = PageItem(post, 1, True, 9, 3, 2, 1, "u1", 0, 0, 0, 1.0, -1, None)
    observation = Observation(WHEN, 0, AccountId(100), "u0", (reposted,), [], 0)
    prompt = build_prompt(observation, "p", handles=["u0", "u1", "u2"])
    assert '[1] @u1 (someone you follow, reposted by @u2): "news"' in prompt
    assert "reposted by" not in build_prompt(observation, "p")
