"""Fan one briefing out to 1,000 subscribed channels, against 1,000 plain messages.

Both go through the same bot in SimCord: the briefing path claims each post in the
ledger, renders and sends it and records the outcome; the baseline sends a short
text message to each of the same channels. Target: ratio <= 1.2.

    .venv/bin/python bench/fanout.py [--channels N]
"""

from __future__ import annotations

import argparse
import asyncio
import datetime as dt
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

import discord  # noqa: E402
import simcord  # noqa: E402

from bot.app import create_bot  # noqa: E402
from bot.pages import build_pages  # noqa: E402
from bot.responding import Responder  # noqa: E402
from bot.settings import Settings  # noqa: E402
from briefings.loading import load_store  # noqa: E402
from briefings.occasions import digest_for  # noqa: E402
from briefings.storage import PostStatus  # noqa: E402

TARGET = 1.2
POST_DAY = dt.datetime(2026, 7, 1, 0, 0, tzinfo=dt.UTC)  # a day with a briefing, 00:00 UTC


async def _run(channels: int, database_url: str) -> tuple[float, float, float]:
    settings = Settings(_env_file=None, scheduler_enabled=False, database_url=database_url)
    bot = create_bot(settings, load_store())
    async with simcord.run(bot) as env:
        guild = env.create_guild()
        handles = [guild.create_text_channel(f"c{n}") for n in range(channels)]
        service = bot.briefings
        assert service is not None
        for handle in handles:
            service.subscribe(guild.id, handle.id, dt.time(0, 0), "UTC", user_id=1)
        await env.advance_time((POST_DAY - env.now()).total_seconds())

        started = time.perf_counter()
        outcomes = await service.run_due()
        briefing = time.perf_counter() - started
        assert len(outcomes) == channels
        assert all(o.status is PostStatus.SENT for o in outcomes)

        targets = [bot.get_channel(handle.id) for handle in handles]
        started = time.perf_counter()
        for target in targets:
            assert isinstance(target, discord.TextChannel)
            await target.send("A plain message of about the same purpose.")
        plain = time.perf_counter() - started

        # The same briefing embed sent directly: what the ledger and scheduling add.
        day = POST_DAY.date()
        digest = digest_for(service.store, day)
        assert digest is not None
        embeds = build_pages(
            service.renderer.briefing(digest), Responder(service.renderer).citation
        )
        started = time.perf_counter()
        for target in targets:
            assert isinstance(target, discord.TextChannel)
            await target.send(embed=embeds[0])
        same = time.perf_counter() - started
        return briefing, plain, same


def main() -> int:
    """Run the fan-out and print both times and their ratio."""
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--channels", type=int, default=1000)
    args = parser.parse_args()
    with tempfile.TemporaryDirectory() as directory:
        url = f"sqlite:///{Path(directory) / 'fanout.sqlite3'}"
        briefing, plain, same = asyncio.run(_run(args.channels, url))
    ratio = briefing / plain
    verdict = "meets" if ratio <= TARGET else "misses"
    print(f"briefing to {args.channels} channels: {briefing * 1000:.0f} ms")
    print(f"plain text message to {args.channels} channels: {plain * 1000:.0f} ms")
    print(f"the same briefing embed sent directly: {same * 1000:.0f} ms")
    print(f"ratio to plain messages: {ratio:.2f} ({verdict} <= {TARGET})")
    print(f"ratio to the same embed sent directly: {briefing / same:.2f} (the ledger's share)")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
