"""`!quote kono` against `!ping` on the same bot through SimCord, and the bot's memory.

Three measurements, each printed with its ratio and the target:

- median latency of `!quote kono` / `!ping`, with the seed store (target <= 1.2);
- the same with a synthetic store of 100,000 more facts (target <= 1.5);
- resident memory of the bot holding that large store / a bare bot (target <= 2.0).

Latency is the wall time of SimCord's `send`, which returns once the bot has answered.
Memory is measured in fresh processes (one per bot) as the peak resident set size.

    .venv/bin/python bench/bot_latency.py [--runs N] [--facts N]
"""

from __future__ import annotations

import argparse
import asyncio
import gc
import statistics
import subprocess
import sys
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
    from briefings.store import MemoryFactStore

TARGETS = {"seed": 1.2, "large": 1.5, "memory": 2.0}


def large_store(facts: int) -> MemoryFactStore:
    """The seed store plus `facts` synthetic quotes by 1,000 fictional speakers.

    Built in memory without the verbatim checks, which a benchmark of the bot need
    not repeat for 100,000 generated lines.
    """
    from briefings.loading import DEFAULT_SEEDS_DIR, read_annotations
    from briefings.seeds import SeedText, load_seeds
    from briefings.source_map import SourceMap
    from briefings.store import MemoryFactStore
    from tests.synthetic import SEED_NAME, page_text, synthetic_annotations

    statements = [(f"Speaker {n % 1000:04d}", f"statement {n}") for n in range(facts)]
    seeds, _ = load_seeds(DEFAULT_SEEDS_DIR)
    seeds[SEED_NAME] = SeedText.from_bytes(SEED_NAME, page_text(statements).encode("utf-8"))
    annotations, _ = read_annotations(DEFAULT_SEEDS_DIR / "annotations")
    annotations.files["synthetic.yaml"] = synthetic_annotations(statements)
    merged = annotations.merged()
    return MemoryFactStore(merged, SourceMap(list(merged.sources), seeds))


def bare_bot() -> commands.Bot:
    """A bot with `!ping` and nothing else: the baseline for memory."""
    bot = commands.Bot(command_prefix="!", intents=discord.Intents.all())

    @bot.command()
    async def ping(ctx: commands.Context[commands.Bot]) -> None:
        await ctx.send("pong")

    return bot


async def _latencies(bot: commands.Bot, runs: int, cache: bool = True) -> tuple[float, float]:
    from bot.cogs.briefings import BriefingsCog
    from bot.ratelimit import UserRateLimit
    from briefings.answers import ReplyCache

    async with simcord.run(bot) as env:
        channel = env.create_guild().create_text_channel("bench")
        member = env.guild.add_member(env.create_user("bench"))
        cog = bot.get_cog("Briefings")
        if isinstance(cog, BriefingsCog):
            cog._limit = UserRateLimit(10**9, 1.0)  # the per-user limit would stop the loop
            if not cache:
                cog.answerer.cache = ReplyCache(size=0)  # every answer computed afresh
        quote, ping = [], []
        for _ in range(5):  # warm up both paths
            await member.send(channel, "!quote kono")
            await member.send(channel, "!ping")
        for _ in range(runs):
            start = time.perf_counter()
            await member.send(channel, "!quote kono")
            quote.append(time.perf_counter() - start)
            start = time.perf_counter()
            await member.send(channel, "!ping")
            ping.append(time.perf_counter() - start)
        return statistics.median(quote), statistics.median(ping)


def _report(name: str, quote: float, ping: float) -> None:
    ratio = quote / ping
    verdict = "meets" if ratio <= TARGETS[name] else "misses"
    print(
        f"{name} store: !quote kono {quote * 1000:.2f} ms, !ping {ping * 1000:.2f} ms, "
        f"ratio {ratio:.2f} ({verdict} <= {TARGETS[name]})"
    )


def _rss_mib(field: str) -> float:
    """VmRSS (now) or VmHWM (peak) of this process. Not ru_maxrss: Linux carries that
    over from the parent process across exec."""
    status = Path("/proc/self/status").read_text(encoding="ascii")
    line = next(line for line in status.splitlines() if line.startswith(f"{field}:"))
    return int(line.split()[1]) / 1024


async def _one_answer(bot: commands.Bot, command: str) -> None:
    async with simcord.run(bot) as env:
        channel = env.create_guild().create_text_channel("bench")
        member = env.guild.add_member(env.create_user("bench"))
        await member.send(channel, command)


def _bot(store: MemoryFactStore | None = None) -> commands.Bot:
    from bot.app import create_bot
    from bot.settings import Settings

    return create_bot(Settings(_env_file=None, scheduler_enabled=False), store)


def memory_child(kind: str, facts: int) -> None:
    """Run in a fresh process: start one bot, answer once, print the peak RSS in MiB."""
    if kind == "bare":
        asyncio.run(_one_answer(bare_bot(), "!ping"))
    elif kind == "seed":
        asyncio.run(_one_answer(_bot(), "!quote kono"))
    else:
        asyncio.run(_one_answer(_bot(large_store(facts)), "!quote kono"))
    gc.collect()
    print(f"{_rss_mib('VmRSS'):.1f} {_rss_mib('VmHWM'):.1f}")


def _memory(kind: str, facts: int) -> tuple[float, float]:
    """(resident now, peak) in MiB of a fresh process that ran one bot."""
    output = subprocess.run(
        [sys.executable, __file__, "--memory-child", kind, "--facts", str(facts)],
        cwd=ROOT,
        check=True,
        capture_output=True,
        text=True,
    ).stdout
    now, peak = output.strip().splitlines()[-1].split()
    return float(now), float(peak)


def main() -> int:
    """Run every measurement and print the ratios."""
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--runs", type=int, default=200)
    parser.add_argument("--facts", type=int, default=100_000)
    parser.add_argument("--memory-child", choices=["bare", "seed", "large"])
    args = parser.parse_args()
    if args.memory_child:
        memory_child(args.memory_child, args.facts)
        return 0
    from briefings.loading import load_store

    seed = load_store()
    _report("seed", *asyncio.run(_latencies(_bot(seed), args.runs)))
    uncached = asyncio.run(_latencies(_bot(seed), args.runs, cache=False))
    print(
        f"  (reply cache off: !quote kono {uncached[0] * 1000:.2f} ms, "
        f"ratio {uncached[0] / uncached[1]:.2f})"
    )
    started = time.perf_counter()
    store = large_store(args.facts)
    built = time.perf_counter() - started
    print(f"(large store: {store.counts().quotes} quotes, built in {built:.1f} s)")
    _report("large", *asyncio.run(_latencies(_bot(store), args.runs)))
    uncached = asyncio.run(_latencies(_bot(store), args.runs, cache=False))
    print(
        f"  (reply cache off: !quote kono {uncached[0] * 1000:.2f} ms, "
        f"ratio {uncached[0] / uncached[1]:.2f})"
    )
    del store
    (bare, bare_peak), (large, large_peak) = (
        _memory("bare", args.facts),
        _memory("large", args.facts),
    )
    ratio = large / bare
    verdict = "meets" if ratio <= TARGETS["memory"] else "misses"
    print(
        f"memory: bot with the large store {large:.0f} MiB resident, bare bot {bare:.0f} MiB, "
        f"ratio {ratio:.2f} ({verdict} <= {TARGETS['memory']}); "
        f"peaks while loading {large_peak:.0f} and {bare_peak:.0f} MiB"
    )
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
