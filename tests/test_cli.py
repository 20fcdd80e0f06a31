"""The ``microblog`` command: measure and demo (simulate is tested in tests/sim)."""

import subprocess
import sys

import pytest

from microblog_core.cli import main


def test_measure_prints_breakdown_and_exit_status(capsys):
    assert main(["measure", "hello https://example.com #tag", "--policy", "weibo"]) == 0
    # Weibo counts bytes and halves them: 6 + 20 (any short URL) + 5 = 31 -> 16.
    assert capsys.readouterr().out.splitlines() == [
        "weibo: 16/140 (valid; 110‰ of the limit, rounded down)",
        '  text                    3  "hello "',
        '  url                    10  "https://example.com"',
        '  text                  2.5  " #tag"',
    ]


def test_measure_breaks_down_emoji_and_urls_under_the_default_policy(capsys):
    assert main(["measure", "x\U0001f637 https://a.com"]) == 0
    assert capsys.readouterr().out.splitlines() == [
        "twitter_v3: 27/280 (valid; 96‰ of the limit, rounded down)",
        '  text                    1  "x"',
        '  emoji                   2  "\U0001f637"',
        '  text                    1  " "',
        '  url                    23  "https://a.com"',
    ]


def test_measure_too_long_exits_one(capsys):
    assert main(["measure", "x" * 281]) == 1
    assert "280" in capsys.readouterr().out


def test_unknown_policy_is_one_clear_line(capsys):
    assert main(["measure", "hi", "--policy", "myspace"]) == 2
    err = capsys.readouterr().err.strip().splitlines()
    assert len(err) == 1
    assert err[0].startswith("microblog: error:")
    assert "weibo" in err[0]


def test_demo_tells_the_story(capsys):
    assert main(["demo"]) == 0
    out = capsys.readouterr().out
    assert "police" in out.lower()
    assert "//@" in out
    assert "reposts" in out


def test_demo_counts_in_words_that_agree_with_the_number(capsys):
    assert main(["demo"]) == 0
    line = next(x for x in capsys.readouterr().out.splitlines() if "Notice counters" in x)
    assert line == "Notice counters: 3 reposts, 2 replies, 1 like (always equal to a recount)"


def test_missing_command_is_a_usage_error(capsys):
    with pytest.raises(SystemExit) as info:
        main([])
    assert info.value.code == 2


def test_python_dash_m_runs_the_command():
    result = subprocess.run(
        [sys.executable, "-m", "microblog_core", "measure", "你好", "--policy", "weibo"],
        capture_output=True,
        text=True,
        check=False,
    )
    assert result.returncode == 0
    assert result.stderr == ""
