"""Every `briefbot` subcommand's `--help` shows two examples that parse as that
subcommand, and names the settings it reads, each one that exists."""

from __future__ import annotations

import argparse
import shlex

import pytest

from bot.cli import _parser
from bot.cli_help import CACHE, CLI_HELP, leaf_parsers, with_examples
from bot.settings import Settings

LEAVES = leaf_parsers(_parser())
SETTINGS = {name.upper() for name in Settings.model_fields} | {CACHE}


def _typed(example: str) -> list[str]:
    """The arguments after `briefbot` in an example line (variables set before it and
    a pipe after it are the shell's)."""
    words = shlex.split(example.split(" | ")[-1] if example.startswith("echo ") else example)
    words = words[words.index("briefbot") + 1 :]
    return words[: words.index("|")] if "|" in words else words


def test_every_subcommand_is_walked() -> None:
    assert {"ask", "sources fetch", "facts export", "review edit", "backup"} <= set(LEAVES)
    assert set(LEAVES) == set(CLI_HELP)  # none missing, none left over from a removed one


@pytest.mark.parametrize("words", sorted(LEAVES))
def test_each_subcommand_s_help_has_two_examples_of_itself_and_its_settings(words: str) -> None:
    """Before, no subcommand's help had an example or said which settings it reads."""
    shown = LEAVES[words].format_help()
    entry = CLI_HELP[words]
    assert len(entry.examples) == 2
    for example in entry.examples:
        assert f"  {example}\n" in shown
        typed = _typed(example)
        assert words in " ".join(typed), example  # an example of this subcommand
        _parser().parse_args(typed)  # and one that parses (argparse exits if not)
    assert "reads: " in shown
    assert set(entry.reads) <= SETTINGS, set(entry.reads) - SETTINGS


def test_a_subcommand_without_examples_stops_the_parser_being_built() -> None:
    parser = argparse.ArgumentParser(prog="briefbot")
    parser.add_subparsers(dest="command").add_parser("nosuch")
    with pytest.raises(ValueError, match=r"without examples in bot/cli_help.py: \['nosuch'\]"):
        with_examples(parser)


def test_ingest_and_fetch_say_what_people_missed() -> None:
    assert "--seeds FOLDER goes before the subcommand" in LEAVES["ingest"].format_help()
    assert "unless ALLOW_PRIVATE_URLS" in LEAVES["sources fetch"].format_help()
