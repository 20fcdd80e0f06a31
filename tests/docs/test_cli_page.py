"""The command's docs page covers every subcommand, its exit codes and its outputs."""

import argparse
from pathlib import Path

from microblog_core.cli import _parser as build_parser  # the command's own parser

PAGE = Path(__file__).resolve().parents[2] / "docs" / "cli.md"


def subcommands() -> list[str]:
    parser = build_parser()
    (group,) = (a for a in parser._actions if isinstance(a, argparse._SubParsersAction))
    return list(group.choices)


def test_every_subcommand_has_a_section_with_an_example():
    text = PAGE.read_text("utf-8")
    for name in subcommands():
        assert f"## `microblog {name}`" in text, name
        assert f"$ microblog {name}" in text, name


def test_the_page_lists_the_exit_codes_and_where_output_goes():
    text = PAGE.read_text("utf-8")
    assert "## Exit codes" in text
    assert "## Where output goes" in text
    for code in ("| 0 |", "| 1 |", "| 2 |", "| 130 |"):
        assert code in text


def test_the_documented_simulate_options_exist():
    text = PAGE.read_text("utf-8")
    simulate = next(
        parser
        for action in build_parser()._actions
        if isinstance(action, argparse._SubParsersAction)
        for name, parser in action.choices.items()
        if name == "simulate"
    )
    options = {option for action in simulate._actions for option in action.option_strings}
    for option in ("--start", "--plot-format", "--plot-dpi", "--ranker", "--out", "--memory"):
        assert option in options
        assert f"`{option}" in text, option
