"""Fan one briefing out to many subscribed channels, against the same embed sent directly.

Both go through the same bot in SimCord. The briefing path claims each post in the
ledger as its send starts (group-committed), renders it once, sends its pages with
nonces under the concurrency bound and records every page; the yardstick sends the very same embed
to each of the same channels, one after another, with nothing else. Target: ratio
<= 1.2 at 1,000 channels. A second yardstick sends the same embed from as many
concurrent senders as the fan-out uses: SimCord, all in one process, charges for
concurrency that real Discord (network-bound) pays back, and this one separates that
charge from the ledger's. Then the same fan-out with 5% of the channels failing
(Discord answers 503 for them; `tests/nonces.py` fails them with
one set lookup per send): the other 95% must take no longer than with none
failing.

The first run and the yardsticks post one day's briefing; the runs with and without
failures post another day's, each to its own 1,000 channels (the second set half an
hour later), so they compare like with like.

Every timed phase starts and ends with SimCord settled: the gateway events a send
causes (MESSAGE_CREATE, parsed into discord.py's cache) are processed after the
REST call returns, so a phase timed without settling leaves its share of that work
to whichever phase comes next (unsettled, the "sent directly" yardstick comes out
at about 60% of its real cost).

    .venv/bin/python bench/fanout.py [--channels N ...]
"""

from __future__ import annotations

import argparse
import asyncio
import datetime as dt
import logging
import sys
import tempfile
import time
from collections.abc import Awaitable, Callable, Iterable
from pathlib import Path
from typing import TypeVar

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

import discord  # noqa: E402
import pytest  # noqa: E402
import simcord  # noqa: E402

from bot.app import create_bot  # noqa: E402
from bot.settings import Settings  # noqa: E402
from briefings.loading import load_store  # noqa: E402
from briefings.occasions import digest_for  # noqa: E402
from briefings.storage import PostStatus  # noqa: E402
from tests.nonces import honour_nonces  # noqa: E402

TARGET = 1.2
# Days with a briefing, one per run; 00:00 UTC is each channel's posting time.
DAYS = [dt.date(2026, 7, 1), dt.date(2026, 8, 22)]
MIDNIGHT, HALF_PAST = dt.time(0, 0), dt.time(0, 30)
FAILING_SHARE = 20  # one channel in 20 fails: 5%
SETTLED = 0.001  # seconds of quiet that count as settled: short, since nothing sleeps
SETTLE_LIMIT = 600.0  # 10,000 messages' gateway events take SimCord well over its 5 s
Result = TypeVar("Result")


async def _timed(env: simcord.Env, work: Callable[[], Awaitable[Result]]) -> tuple[float, Result]:
    """Seconds for `work()` and the gateway work it causes, and its result. (A factory,
    not an awaitable: `gather` would start its tasks during the first settle.)"""
    await env.settle(timeout=SETTLE_LIMIT, idle=SETTLED)
    started = time.perf_counter()
    result = await work()
    await env.settle(timeout=SETTLE_LIMIT, idle=SETTLED)
    return time.perf_counter() - started, result


async def _fan_out(
    bot: discord.Client, env: simcord.Env, day: dt.date, at: dt.time = MIDNIGHT
) -> tuple[float, int]:
    service = bot.briefings  # type: ignore[attr-defined]
    moment = dt.datetime.combine(day, at, tzinfo=dt.UTC)
    await env.advance_time((moment - env.now()).total_seconds())
    elapsed, outcomes = await _timed(env, service.run_due)
    return elapsed, sum(o.status is PostStatus.SENT for o in outcomes)


async def _send_all(targets: Iterable[discord.abc.Messageable], embed: discord.Embed) -> None:
    for target in targets:
        await target.send(embed=embed)


async def _run(channels: int, database_url: str) -> dict[str, float]:
    # No heartbeat: it would beat every 15 simulated seconds through the months the
    # clock is advanced to the briefing day.
    settings = Settings(
        _env_file=None,
        scheduler_enabled=False,
        database_url=database_url,
        heartbeat_seconds=0,
        watch_poll_seconds=0,  # months pass in SimCord: no watcher rounds in between
    )
    bot = create_bot(settings, load_store())
    async with simcord.run(bot) as env:
        patches = pytest.MonkeyPatch()
        # Discord's nonce rule, as the bot meets it, for every run (and the yardsticks).
        rule = honour_nonces(env, patches)
        guild = env.create_guild()
        handles = [guild.create_text_channel(f"c{n}") for n in range(channels)]
        service = bot.briefings
        assert service is not None
        for handle in handles:
            service.subscribe(guild.id, handle.id, dt.time(0, 0), "UTC", user_id=1)

        # The bot reads them at start to schedule its jobs, so the first fan-out finds
        # SQLAlchemy's statement compiled; the scheduler is off here, so read them once.
        service.active_subscriptions()
        briefing, sent = await _fan_out(bot, env, DAYS[0])
        assert sent == channels, sent

        # The yardstick: the same embed, built once, sent directly to the same channels.
        digest = digest_for(service.store, DAYS[0])
        assert digest is not None
        sender = service.delivery.sender
        embed = sender.responder.pages(service.renderer.briefing(digest))[0]  # type: ignore[attr-defined]
        targets = [bot.get_channel(handle.id) for handle in handles]
        assert all(isinstance(target, discord.TextChannel) for target in targets)
        same, _ = await _timed(env, lambda: _send_all(targets, embed))  # type: ignore[arg-type]
        queue = iter(targets)  # the concurrent senders share it: each takes the next

        def concurrently() -> Awaitable[list[None]]:
            senders = settings.post_concurrency
            return asyncio.gather(*(_send_all(queue, embed) for _ in range(senders)))  # type: ignore[arg-type]

        same_concurrent, _ = await _timed(env, concurrently)

        # Like with like: the same day's briefing to as many other channels, which post
        # half an hour later, 5% of them failing.
        others = [guild.create_text_channel(f"d{n}") for n in range(channels)]
        for handle in others:
            service.subscribe(guild.id, handle.id, HALF_PAST, "UTC", user_id=1)
        healthy, sent = await _fan_out(bot, env, DAYS[1])
        assert sent == channels, sent
        failing = others[::FAILING_SHARE]
        rule.failing = {handle.id for handle in failing}
        with_failures, sent = await _fan_out(bot, env, DAYS[1], HALF_PAST)
        patches.undo()
        assert sent == channels - len(failing), sent
        return {
            "briefing": briefing,
            "same": same,
            "same_concurrent": same_concurrent,
            "healthy": healthy,
            "with_failures": with_failures,
        }


def main() -> int:
    """Run the fan-outs and print the times and ratios."""
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--channels", type=int, nargs="*", default=[1000, 10000])
    args = parser.parse_args()
    logging.disable(logging.WARNING)  # the 503s' retry warnings are expected here
    senders = Settings(_env_file=None).post_concurrency
    for channels in args.channels:
        with tempfile.TemporaryDirectory() as directory:
            url = f"sqlite:///{Path(directory) / 'fanout.sqlite3'}"
            times = asyncio.run(_run(channels, url))
        ratio = times["briefing"] / times["same"]
        verdict = "meets" if ratio <= TARGET else "misses"
        print(f"{channels} channels:")
        print(
            f"  scheduled briefing (claim, render, send, record): {times['briefing'] * 1000:.0f} ms"
        )
        print(f"  the same embed sent directly: {times['same'] * 1000:.0f} ms")
        print(
            f"  the same embed from {senders} concurrent senders: "
            f"{times['same_concurrent'] * 1000:.0f} ms"
        )
        print(f"  ratio to the same embed sent directly: {ratio:.2f} ({verdict} <= {TARGET})")
        print(
            "  ratio to the same embed, same concurrency: "
            f"{times['briefing'] / times['same_concurrent']:.2f} (the ledger's own share)"
        )
        print(
            f"  another day, none failing: {times['healthy'] * 1000:.0f} ms; "
            f"the same to other channels, 5% failing (503): "
            f"{times['with_failures'] * 1000:.0f} ms "
            f"({times['with_failures'] / times['healthy']:.2f}x)"
        )
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
