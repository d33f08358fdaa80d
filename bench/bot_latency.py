"""The bot answering from the database store, through SimCord: latency against `!ping`,
a day's digest, and memory, with the seed store and with 100,000 more facts.

Targets: nothing keeps replies or pages; "uncached" is a timeline's chart
drawn again for every question (the chart kept per question is printed beside):

- `!quote kono` p50 <= 1.3 x `!ping`, with the seed store and with 100,000 facts;
- `!timeline 2019-11` p50 <= 1.5 x `!ping` with 100,000 facts (half of them events);
- one day's digest <= 5 ms p50 (a different day each time) with 100,000 facts;
- resident memory of the bot with 100,000 facts <= 1.1 x the same bot with the seed
  store, and <= 2 x a bare discord.py bot; each measured in a fresh process, after
  `!quote kono`, `!gsomia status` and `!who kono` (and again after a timeline chart,
  which loads matplotlib).

The large store is the seed store plus 50,000 quotes by 1,000 fictional speakers and
50,000 events over 33 years, published into a SQLite file (built in memory without
the verbatim checks, which `bench/facts_load.py` measures). Latency is the wall time of
SimCord's `send`, which returns once the bot has answered.

    .venv/bin/python bench/bot_latency.py [--runs N] [--facts N]
"""

from __future__ import annotations

import argparse
import asyncio
import datetime as dt
import gc
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))  # for tests.synthetic, shared with the test suite

from typing import TYPE_CHECKING  # noqa: E402

import discord  # noqa: E402
import simcord  # noqa: E402
from discord.ext import commands  # noqa: E402

# The project's modules are imported inside the functions that use them, so that the
# bare bot's memory is measured in a process that never loaded them.
if TYPE_CHECKING:
    from briefings.storage import Database
    from briefings.store import FactStore, MemoryFactStore

TARGETS = {"quote": 1.3, "timeline": 1.5, "digest_ms": 5.0, "vs_seed": 1.1, "vs_bare": 2.0}


def large_store(facts: int) -> MemoryFactStore:
    """The seed store plus `facts` synthetic facts: half quotes, half dated events."""
    from briefings.loading import DEFAULT_SEEDS_DIR, read_annotations
    from briefings.seeds import SeedText, load_seeds
    from briefings.source_map import SourceMap
    from briefings.store import MemoryFactStore
    from tests.synthetic import SEED_NAME, page_text, synthetic_annotations

    quotes, events = facts // 2, facts - facts // 2
    statements = [(f"Speaker {n % 1000:04d}", f"statement {n}") for n in range(quotes)]
    start = dt.date(1990, 1, 1)
    happenings = [
        (start + dt.timedelta(days=n % 12_000), f"synthetic thing {n} happened")
        for n in range(events)
    ]
    seeds, _ = load_seeds(DEFAULT_SEEDS_DIR)
    page = page_text(statements, happenings).encode("utf-8")
    seeds[SEED_NAME] = SeedText.from_bytes(SEED_NAME, page)
    annotations, _ = read_annotations(DEFAULT_SEEDS_DIR / "annotations")
    annotations.files["synthetic.yaml"] = synthetic_annotations(statements, happenings)
    merged = annotations.merged()
    source_map = SourceMap(list(merged.sources), seeds)
    source_map.prepare(merged.all_evidence())
    return MemoryFactStore(merged, source_map)


def published(folder: Path, store: MemoryFactStore) -> Database:
    """A SQLite database in `folder` holding `store` as its one version."""
    from briefings.factbase.sync import publish
    from briefings.storage import open_database

    database = open_database(None, folder)
    publish(database, store, by="bench")
    return database


def bare_bot() -> commands.Bot:
    """A bot with `!ping` and nothing else: the baseline for memory."""
    bot = commands.Bot(command_prefix="!", intents=discord.Intents.all())

    @bot.command()
    async def ping(ctx: commands.Context[commands.Bot]) -> None:
        await ctx.send("pong")

    return bot


def _bot(database: Database) -> commands.Bot:
    from bot.app import create_bot
    from bot.settings import Settings
    from briefings.factbase import DatabaseFactStore

    settings = Settings(
        _env_file=None, scheduler_enabled=False, facts_poll_seconds=0, watch_poll_seconds=0
    )
    return create_bot(settings, DatabaseFactStore(database), database=database)


async def _latencies(
    bot: commands.Bot, command: str, runs: int, cached: bool
) -> tuple[float, float]:
    """Median seconds of `command` and of `!ping`, alternated, after a warm-up."""
    from bot.app import BriefBot
    from bot.cogs.briefings import BriefingsCog
    from bot.ratelimit import UserRateLimit

    async with simcord.run(bot) as env:
        channel = env.create_guild().create_text_channel("bench")
        member = env.guild.add_member(env.create_user("bench"))
        cog = bot.get_cog("Briefings")
        assert isinstance(cog, BriefingsCog)
        assert isinstance(bot, BriefBot)
        cog._limit = UserRateLimit(10**9, 1.0)  # the per-user limit would stop the loop
        if not cached:  # no chart (a timeline's) is kept
            bot.charts.keep = 0
        asked, ping = [], []
        for run in range(runs + 5):
            start = time.perf_counter()
            await member.send(channel, command)
            took = time.perf_counter() - start
            _stop_page_views(bot)
            start = time.perf_counter()
            await member.send(channel, "!ping")
            if run >= 5:  # the first five warm both paths up
                asked.append(took)
                ping.append(time.perf_counter() - start)
        return statistics.median(asked), statistics.median(ping)


def _stop_page_views(bot: commands.Bot) -> None:
    """End the page buttons of the replies sent so far. SimCord waits for the bot to
    settle after each message by looking at every live view, so a hundred multi-page
    replies left live made `!ping` 100 times slower (1 ms -> 105 ms) in this loop; a
    user's buttons live three minutes, and discord.py finds a view by its message."""
    views = getattr(bot._connection._view_store, "_synced_message_views", {})
    for view in list(views.values()):
        view.stop()


def _work_ms(database: Database, command: str, runs: int) -> float:
    """Median milliseconds of the answer and its embeds alone, uncached: no Discord, no
    picture (what the store and the rendering cost, without SimCord's share)."""
    from bot.markdown import escape_markdown
    from bot.pages import build_pages
    from bot.responding import Responder
    from briefings.answers import Answerer
    from briefings.factbase import DatabaseFactStore
    from briefings.rendering import Renderer

    renderer = Renderer(escape=escape_markdown)
    answerer = Answerer(DatabaseFactStore(database), renderer)
    responder = Responder(answerer.renderer)
    took = []
    for _ in range(runs):
        start = time.perf_counter()
        build_pages(answerer.answer(command), responder.citation, responder.source)
        took.append(time.perf_counter() - start)
    return statistics.median(took) * 1000


def _report(label: str, command: str, database: Database, runs: int, target: float) -> None:
    uncached, ping = asyncio.run(_latencies(_bot(database), command, runs, cached=False))
    cached, _ = asyncio.run(_latencies(_bot(database), command, runs, cached=True))
    ratio = uncached / ping
    verdict = "meets" if ratio <= target else "misses"
    print(
        f"{label}: {command} {uncached * 1000:.2f} ms uncached, !ping {ping * 1000:.2f} ms, "
        f"ratio {ratio:.2f} ({verdict} <= {target}); cached {cached * 1000:.2f} ms "
        f"(ratio {cached / ping:.2f}); the answer and its embeds alone "
        f"{_work_ms(database, command, runs):.2f} ms"
    )


def _digest_ms(store: FactStore, days: int) -> float:
    """Median milliseconds of one day's digest, a different day each time."""
    from briefings.occasions import digest_for

    first = dt.date(2026, 1, 1)
    took = []
    for offset in range(days):
        start = time.perf_counter()
        digest_for(store, first + dt.timedelta(days=offset))
        took.append(time.perf_counter() - start)
    return statistics.median(took) * 1000


def _rss_mib() -> float:
    """VmRSS of this process. Not ru_maxrss: Linux carries that over across exec."""
    status = Path("/proc/self/status").read_text(encoding="ascii")
    line = next(line for line in status.splitlines() if line.startswith("VmRSS:"))
    return int(line.split()[1]) / 1024


async def _answer(bot: commands.Bot, asked: list[list[str]]) -> list[float]:
    """Ask each group of commands in turn; the RSS in MiB after each group."""
    sizes = []
    async with simcord.run(bot) as env:
        channel = env.create_guild().create_text_channel("bench")
        member = env.guild.add_member(env.create_user("bench"))
        for group in asked:
            for command in group:
                await member.send(channel, command)
            gc.collect()
            sizes.append(_rss_mib())
    return sizes


def memory_child(kind: str, folder: str) -> None:
    """Run in a fresh process: one bot answers; print its RSS in MiB after the answers,
    and after a timeline, whose chart loads matplotlib (for a bare bot, twice `!ping`)."""
    if kind == "bare":
        sizes = asyncio.run(_answer(bare_bot(), [["!ping"], ["!ping"]]))
    else:
        from briefings.storage import open_database

        bot = _bot(open_database(None, Path(folder)))
        asked = [["!quote kono", "!gsomia status", "!who kono"], ["!timeline 2019-11"]]
        sizes = asyncio.run(_answer(bot, asked))
    print(" ".join(f"{size:.1f}" for size in sizes))


def _memory(kind: str, folder: Path) -> tuple[float, float]:
    output = subprocess.run(
        [sys.executable, __file__, "--memory-child", kind, "--folder", str(folder)],
        cwd=ROOT,
        check=True,
        capture_output=True,
        text=True,
    ).stdout
    answers, chart = output.strip().splitlines()[-1].split()
    return float(answers), float(chart)


def main() -> int:
    """Run every measurement and print the ratios."""
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--runs", type=int, default=200)
    parser.add_argument("--facts", type=int, default=100_000)
    parser.add_argument("--memory-child", choices=["bare", "db"])
    parser.add_argument("--folder", default="")
    args = parser.parse_args()
    if args.memory_child:
        memory_child(args.memory_child, args.folder)
        return 0
    from briefings.factbase import DatabaseFactStore
    from briefings.loading import load_store

    with tempfile.TemporaryDirectory() as temporary:
        seed_folder, large_folder = Path(temporary, "seed"), Path(temporary, "large")
        seed = published(seed_folder, load_store())
        _report("seed store", "!quote kono", seed, args.runs, TARGETS["quote"])
        started = time.perf_counter()
        in_memory = large_store(args.facts)
        print(f"({args.facts} facts built in memory in {time.perf_counter() - started:.1f} s)")
        memory_digest = _digest_ms(in_memory, 365)
        started = time.perf_counter()
        large = published(large_folder, in_memory)
        print(f"(published in {time.perf_counter() - started:.1f} s)")
        del in_memory
        _report("large store", "!quote kono", large, args.runs, TARGETS["quote"])
        _report("large store", "!timeline 2019-11", large, args.runs, TARGETS["timeline"])
        digest = _digest_ms(DatabaseFactStore(large), 365)
        verdict = "meets" if digest <= TARGETS["digest_ms"] else "misses"
        print(
            f"large store: one day's digest {digest:.2f} ms p50 over 365 days ({verdict} <= 5);"
            f" the same store in memory {memory_digest:.2f} ms"
        )
        seed.dispose()
        large.dispose()
        gc.collect()
        (bare, _), with_seed = _memory("bare", seed_folder), _memory("db", seed_folder)
        with_large = _memory("db", large_folder)
    vs_seed, vs_bare = with_large[0] / with_seed[0], with_large[0] / bare
    print(
        f"memory after answers: {with_large[0]:.0f} MiB resident with the large store, "
        f"{with_seed[0]:.0f} MiB with the seed store, {bare:.0f} MiB a bare bot: ratios "
        f"{vs_seed:.2f} ({'meets' if vs_seed <= TARGETS['vs_seed'] else 'misses'} <= 1.1) and "
        f"{vs_bare:.2f} ({'meets' if vs_bare <= TARGETS['vs_bare'] else 'misses'} <= 2.0)"
    )
    print(
        f"  (after a timeline chart, which loads matplotlib: {with_large[1]:.0f} MiB with the "
        f"large store, {with_seed[1]:.0f} MiB with the seed store)"
    )
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
