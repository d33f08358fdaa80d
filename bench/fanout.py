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

Under Discord's limit (`--modelled N`): the bot's REST calls go through a model of
Discord's global limit of 50 requests a second (a 429 past it, which discord.py
answers by holding every request of the bot, replies too, until it passes) and a
100 ms round trip, and N channels are fanned out to, paced by the token bucket
(`BRIEFING_SENDS_PER_SECOND`) and, for comparison, unpaced as before; a reply is sent
every 250 ms (4 a second, inside the pace's headroom) during it and idle before it.
Targets: within 1% of the floor, no 429, replies +20 ms p99 at most. The
floor of the limit is N / 50 s plus a round trip; the pace's, (N - 1) / 45 s plus one.

    .venv/bin/python bench/fanout.py [--channels N ...] [--modelled N ...] [--runs R]
"""

from __future__ import annotations

import argparse
import asyncio
import bisect
import datetime as dt
import logging
import statistics
import sys
import tempfile
import time
from collections.abc import Awaitable, Callable, Iterable
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path
from typing import Any, TypeVar

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

import discord  # noqa: E402
import pytest  # noqa: E402
import simcord  # noqa: E402

from bot.app import create_bot  # noqa: E402
from bot.ratelimit import TokenBucket  # noqa: E402
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
DISCORD_RATE = 50  # Discord's global limit: requests a second per bot
ROUND_TRIP = 0.1  # seconds, modelled
PING_EVERY = 0.25  # seconds between replies: 4 a second, inside the pace's headroom of 5
IDLE_PINGS = 30
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


class ModelledDiscord:
    """Discord's global limit and a round trip, wrapped around SimCord's REST calls.

    A request takes half the round trip to arrive and half to come back. Past `rate`
    arrivals in the last second, Discord answers 429 (global), and discord.py then
    holds every request of the bot, replies too, until `retry_after` has passed, and
    sends it again: that is what a fan-out without a pace meets.

    The network's delays are slept in threads of the model's own: SimCord runs the
    bot's timers on its virtual clock while it settles, and a round trip is real time.
    """

    def __init__(self, http: Any, rate: int = DISCORD_RATE, round_trip: float = ROUND_TRIP) -> None:
        self.original = http.request
        self.rate, self.half = rate, round_trip / 2
        self.arrivals: list[float] = []  # when requests reached Discord, in order
        self.held_until = 0.0  # discord.py's global lock after a global 429
        self.too_many = 0
        self.network = ThreadPoolExecutor(max_workers=256, thread_name_prefix="network")
        http.request = self.request

    async def wait(self, seconds: float) -> None:
        """Let `seconds` of real time pass for this request alone."""
        if seconds > 0:
            await asyncio.get_running_loop().run_in_executor(self.network, time.sleep, seconds)

    async def request(self, route: Any, **kwargs: Any) -> Any:
        """One REST call as the bot would meet it on the network. It arrives exactly
        half a round trip after it is sent (however late the thread that models the
        wire wakes), and Discord counts the arrivals of the second before it."""
        while True:
            while time.monotonic() < self.held_until:
                await self.wait(self.held_until - time.monotonic())
            arrival = time.monotonic() + self.half
            await self.wait(arrival - time.monotonic())
            first = bisect.bisect_right(self.arrivals, arrival - 1)  # of the last second
            if bisect.bisect_right(self.arrivals, arrival) - first < self.rate:
                break
            self.too_many += 1
            retry_after = self.arrivals[first] + 1 - arrival
            await self.wait(self.half)
            self.held_until = max(self.held_until, arrival + self.half + retry_after)
        bisect.insort(self.arrivals, arrival)
        del self.arrivals[: bisect.bisect_left(self.arrivals, arrival - 2)]  # long past
        result = await self.original(route, **kwargs)
        await self.wait(arrival + self.half - time.monotonic())
        return result


async def _replies(
    channel: discord.abc.Messageable, model: ModelledDiscord, until: Callable[[], bool], count: int
) -> list[float]:
    """Seconds for each of `count` replies (`!ping`'s "pong", sent as its command sends
    it), one every `PING_EVERY`, until `until()`."""
    took: list[float] = []
    while len(took) < count and not until():
        asked = time.perf_counter()
        await channel.send("pong")
        took.append(time.perf_counter() - asked)
        await model.wait(asked + PING_EVERY - time.perf_counter())
    return took


async def _modelled_run(channels: int, database_url: str, paced: bool) -> dict[str, Any]:
    settings = Settings(
        _env_file=None,
        scheduler_enabled=False,
        database_url=database_url,
        heartbeat_seconds=0,
        watch_poll_seconds=0,
    )
    bot = create_bot(settings, load_store())
    async with simcord.run(bot) as env:
        patches = pytest.MonkeyPatch()
        honour_nonces(env, patches)
        guild = env.create_guild()
        asking = guild.create_text_channel("asking")
        handles = [guild.create_text_channel(f"c{n}") for n in range(channels)]
        service = bot.briefings
        assert service is not None
        for handle in handles:
            service.subscribe(guild.id, handle.id, MIDNIGHT, "UTC", user_id=1)
        service.active_subscriptions()
        sender = service.delivery.sender
        if not paced:  # as before: nothing between the fan-out and Discord's limit
            sender.pace = TokenBucket(1_000_000, burst=1_000_000)  # type: ignore[attr-defined]
        model = ModelledDiscord(bot.http)
        replying = bot.get_channel(asking.id)
        assert isinstance(replying, discord.TextChannel)
        idle = await _replies(replying, model, lambda: False, IDLE_PINGS)
        moment = dt.datetime.combine(DAYS[0], MIDNIGHT, tzinfo=dt.UTC)
        await env.advance_time((moment - env.now()).total_seconds())
        model.too_many = 0
        started = time.perf_counter()
        fan_out = asyncio.create_task(service.run_due())
        during = await _replies(replying, model, fan_out.done, 10_000)
        outcomes = await fan_out
        elapsed = time.perf_counter() - started
        patches.undo()
        assert sum(o.status is PostStatus.SENT for o in outcomes) == channels
        return {"elapsed": elapsed, "429": model.too_many, "idle": idle, "during": during}


def _p99(samples: list[float]) -> float:
    return statistics.quantiles(samples, n=100)[98] if len(samples) > 1 else samples[0]


def modelled(channels: int, runs: int) -> None:
    """The fan-out under Discord's modelled limit and round trip, paced and not, with
    `!ping` answered during it against `!ping` idle."""
    rate = Settings(_env_file=None).briefing_sends_per_second
    limit_floor = channels / DISCORD_RATE + ROUND_TRIP
    paced_floor = (channels - 1) / rate + ROUND_TRIP
    print(
        f"{channels} channels under a modelled {DISCORD_RATE} requests/s and "
        f"{ROUND_TRIP * 1000:.0f} ms round trip ({runs} runs each):"
    )
    for paced in (True, False):
        results = []
        for _ in range(runs):
            with tempfile.TemporaryDirectory() as directory:
                url = f"sqlite:///{Path(directory) / 'fanout.sqlite3'}"
                results.append(asyncio.run(_modelled_run(channels, url, paced)))
        took = [r["elapsed"] for r in results]
        idle = [_p99(r["idle"]) * 1000 for r in results]
        during = [_p99(r["during"]) * 1000 for r in results]
        over_limit = [t / limit_floor - 1 for t in took]
        over_pace = [t / paced_floor - 1 for t in took]
        label = f"paced at {rate:g}/s" if paced else "unpaced (as before)"
        print(f"  {label}:")
        print(f"    fan-out: {_spread(took, '{:.2f} s')}")
        print(
            f"      over the limit's floor ({limit_floor:.2f} s): {_spread(over_limit, '{:+.1%}')}"
        )
        print(f"      over the pace's floor ({paced_floor:.2f} s): {_spread(over_pace, '{:+.1%}')}")
        print(f"    429 responses: {[r['429'] for r in results]}")
        print(f"    reply p99 idle: {_spread(idle, '{:.0f} ms')}")
        print(f"    reply p99 during the fan-out: {_spread(during, '{:.0f} ms')}")
        added = [d - i for d, i in zip(during, idle, strict=True)]
        print(f"    added, run by run: {_spread(added, '{:+.0f} ms')} (target +20 ms)")
        counts = [len(r["during"]) for r in results]
        print(f"    replies during each fan-out: {counts}")


def _spread(values: list[float], form: str) -> str:
    """The minimum and median of `values`, each written with `form`."""
    return f"min {form.format(min(values))}, median {form.format(statistics.median(values))}"


def main() -> int:
    """Run the fan-outs and print the times and ratios."""
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--channels", type=int, nargs="*", default=[1000, 10000])
    parser.add_argument(
        "--modelled",
        type=int,
        nargs="*",
        default=[],
        help="channels to fan out to under Discord's modelled limit and round trip",
    )
    parser.add_argument("--runs", type=int, default=3, help="runs of each modelled fan-out")
    args = parser.parse_args()
    logging.disable(logging.WARNING)  # the 503s' retry warnings are expected here
    for channels in args.modelled:
        modelled(channels, args.runs)
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
