"""What each `briefbot` subcommand's `--help` adds below its options: two examples and
the settings it reads, declared here once for every subcommand.

`with_examples` walks the built parser and fails on a subcommand with no entry, so a
new subcommand cannot ship without its help (a test builds the parser).
"""

from __future__ import annotations

import argparse
import textwrap
from dataclasses import dataclass

__all__ = ["CLI_HELP", "SubcommandHelp", "leaf_parsers", "with_examples"]

WIDTH = 88  # argparse's own text is wrapped to the terminal; the epilog is written as is
# Settings that are not fields of `bot.settings.Settings`, read by the CLI itself.
CACHE = "BRIEFBOT_CACHE_DIR"
DATABASE = ("DATABASE_URL", "DATA_DIR")  # the SQLite file under DATA_DIR when unset


@dataclass(frozen=True)
class SubcommandHelp:
    """Two examples and the settings (environment, `.env` or secret files) read."""

    examples: tuple[str, str]
    reads: tuple[str, ...] = ()
    note: str = ""  # anything else a person must know to run it

    def epilog(self) -> str:
        """The text below the options."""
        lines = ["examples:", *(f"  {example}" for example in self.examples), ""]
        reads = ", ".join(self.reads) if self.reads else "no setting"
        lines += textwrap.wrap(f"reads: {reads}", WIDTH, subsequent_indent="  ")
        if self.note:
            lines += ["", *textwrap.wrap(self.note, WIDTH)]
        return "\n".join(lines)


SEEDS_FIRST = "--seeds FOLDER goes before the subcommand: briefbot --seeds FOLDER <command> ..."
CLI_HELP: dict[str, SubcommandHelp] = {
    "ask": SubcommandHelp(
        ('briefbot ask "!gsomia status 2019-11"', 'briefbot ask --png chart.png "!timeline 2019"'),
        (CACHE,),
        "Exits 1 when nothing answered (an unknown command or name), 0 otherwise. " + SEEDS_FIRST,
    ),
    "console": SubcommandHelp(
        ("briefbot console", "echo '!quote kono' | briefbot console"),
        (CACHE,),
        "Line history is kept in the cache folder; Ctrl-C or Ctrl-D ends it.",
    ),
    "run": SubcommandHelp(
        ("briefbot run", "DISCORD_TOKEN=... DATABASE_URL=postgresql+psycopg://... briefbot run"),
        ("DISCORD_TOKEN", *DATABASE, "SHARD_COUNT", "SHARD_IDS", "HEARTBEAT_SECONDS", CACHE),
        "Reads every setting of the bot (see deploy/briefbot.env.example); without"
        " DISCORD_TOKEN it opens the console at a terminal.",
    ),
    "health": SubcommandHelp(
        ("briefbot health", "SHARD_IDS=0-1 SHARD_COUNT=4 briefbot health"),
        (*DATABASE, "SHARD_IDS", "SHARD_COUNT", "HEALTH_MAX_AGE_SECONDS"),
    ),
    "brief": SubcommandHelp(
        ("briefbot brief --on 2026-08-22", "briefbot brief --next 30 --tz Asia/Seoul --ics b.ics"),
        (CACHE,),
        SEEDS_FIRST,
    ),
    "ingest": SubcommandHelp(
        ("briefbot ingest page.txt --date 2019-11-22", "briefbot --seeds my-seeds ingest --accept"),
        (*DATABASE,),
        "The database is written only by --accept. " + SEEDS_FIRST,
    ),
    "sources fetch": SubcommandHelp(
        (
            "briefbot sources fetch https://example.org/news/gsomia.html",
            "ALLOW_PRIVATE_URLS=true briefbot sources fetch http://10.0.0.5/feed.xml",
        ),
        (
            *DATABASE,
            "ALLOW_PRIVATE_URLS",
            "FETCH_DEADLINE_SECONDS",
            "READ_SECONDS",
            "WATCH_NEW_ITEMS",
        ),
        "Private, loopback and link-local addresses are refused unless ALLOW_PRIVATE_URLS"
        " is true. " + SEEDS_FIRST,
    ),
    "sources pull": SubcommandHelp(
        ("briefbot sources pull", "briefbot --seeds my-seeds sources pull"),
        DATABASE,
        SEEDS_FIRST,
    ),
    "review list": SubcommandHelp(
        ("briefbot review list", "briefbot review list | head"), DATABASE
    ),
    "review show": SubcommandHelp(("briefbot review show 3", "briefbot review show 12"), DATABASE),
    "review edit": SubcommandHelp(
        (
            "briefbot review edit 3 q1 --speaker kono --reason 'misread byline'",
            "briefbot review edit 3 e2 --date '22 November 2019'",
        ),
        DATABASE,
    ),
    "review accept": SubcommandHelp(
        ("briefbot review accept 3", "briefbot --seeds my-seeds review accept 12"), DATABASE
    ),
    "review reject": SubcommandHelp(
        ("briefbot review reject 3", "briefbot review reject 12"), DATABASE
    ),
    "facts check": SubcommandHelp(
        ("briefbot facts check", "briefbot --seeds my-seeds facts check"), (), SEEDS_FIRST
    ),
    "facts sync": SubcommandHelp(
        ("briefbot facts sync", "DATABASE_URL=postgresql+psycopg://... briefbot facts sync"),
        (*DATABASE, CACHE),
        SEEDS_FIRST,
    ),
    "facts schema": SubcommandHelp(
        ("briefbot facts schema", "briefbot --seeds my-seeds facts schema"), (), SEEDS_FIRST
    ),
    "facts export": SubcommandHelp(
        (
            "briefbot facts export exported/",
            "DATABASE_URL=sqlite:///old.db briefbot facts export x/",
        ),
        DATABASE,
    ),
    "backup": SubcommandHelp(
        ("briefbot backup /var/backups/briefbot/", "briefbot backup state.jsonl.gz"), DATABASE
    ),
    "restore": SubcommandHelp(
        (
            "briefbot restore state.jsonl.gz",
            "DATABASE_URL=postgresql+psycopg://briefbot@db/briefbot briefbot restore s.jsonl.gz",
        ),
        DATABASE,
        "The database must be empty.",
    ),
}


def leaf_parsers(
    parser: argparse.ArgumentParser, path: str = ""
) -> dict[str, argparse.ArgumentParser]:
    """Every subcommand that runs something, by its words ("sources fetch")."""
    found: dict[str, argparse.ArgumentParser] = {}
    for action in parser._actions:
        if isinstance(action, argparse._SubParsersAction):
            for name, child in action.choices.items():
                words = f"{path} {name}".strip()
                found |= leaf_parsers(child, words) or {words: child}
    return found


def with_examples(parser: argparse.ArgumentParser) -> argparse.ArgumentParser:
    """`parser` with each subcommand's examples and settings below its options."""
    leaves = leaf_parsers(parser)
    if missing := sorted(set(leaves) - set(CLI_HELP)):
        raise ValueError(f"subcommands without examples in bot/cli_help.py: {missing}")
    for words, leaf in leaves.items():
        leaf.epilog = CLI_HELP[words].epilog()
        leaf.formatter_class = argparse.RawDescriptionHelpFormatter
    return parser
