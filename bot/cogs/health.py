"""The heartbeat: proof, every few seconds, that this process is connected and working.

A beat is written only when every shard this process runs is connected with its
last gateway heartbeat acknowledged, and the database answers. A process stuck on a
dead connection or a dead database stops beating, and `briefbot health` (or
systemd's watchdog) notices within `HEALTH_MAX_AGE_SECONDS`.
"""

from __future__ import annotations

import asyncio
import datetime as dt
import logging
import math
import os
import time
from pathlib import Path

import discord
from discord.ext import commands, tasks

from bot.health import Heartbeat, notify_systemd, write_heartbeat
from briefings.errors import StorageError
from briefings.storage import Database
from briefings.subscriptions import Clock

__all__ = ["HealthCog", "gateway_latency"]

log = logging.getLogger(__name__)


def gateway_latency(client: discord.Client) -> tuple[list[int], float] | None:
    """The shards this process runs and the slowest one's round trip in seconds; None
    while any of them is closed or has no acknowledged heartbeat."""
    if not client.is_ready() or client.is_closed():
        return None
    if isinstance(client, discord.AutoShardedClient):
        if any(shard.is_closed() for shard in client.shards.values()):
            return None
        latencies = dict(client.latencies)
    else:
        latencies = {client.shard_id or 0: client.latency}
    if not latencies or not all(math.isfinite(value) for value in latencies.values()):
        return None
    return sorted(latencies), max(latencies.values())


class HealthCog(commands.Cog, name="Health"):
    """Writes the heartbeat file and pings systemd's watchdog while all is well."""

    def __init__(
        self,
        client: discord.Client,
        database: Database,
        clock: Clock,
        path: Path,
        every: dt.timedelta,
    ) -> None:
        self.client = client
        self.database = database
        self.clock = clock
        self.path = path
        self.ready_sent = False
        self.last_beat: float | None = None  # time.monotonic(), for the heartbeat's age
        self.beating.change_interval(seconds=every.total_seconds())

    async def cog_load(self) -> None:
        self.beating.start()

    async def cog_unload(self) -> None:
        self.beating.cancel()
        notify_systemd("STOPPING=1")

    @tasks.loop(seconds=15)
    async def beating(self) -> None:
        await self.beat()

    @beating.before_loop
    async def _connected(self) -> None:
        await self.client.wait_until_ready()

    async def beat(self) -> bool:
        """Write one beat if the gateway and the database are well; whether it did."""
        gateway = gateway_latency(self.client)
        if gateway is None:
            log.warning("no heartbeat written: the gateway connection is not up")
            return False
        try:
            await asyncio.to_thread(self.database.ping)
        except StorageError as error:
            log.warning("no heartbeat written: %s", error)
            return False
        shards, latency = gateway
        beat = Heartbeat(
            at=self.clock.now(), pid=os.getpid(), shards=shards, latency_ms=latency * 1000
        )
        try:
            await asyncio.to_thread(write_heartbeat, self.path, beat)
        except OSError as error:
            log.error("cannot write the heartbeat %s: %s", self.path, error.strerror or error)
            return False
        self.last_beat = time.monotonic()
        if not self.ready_sent:
            self.ready_sent = notify_systemd("READY=1")
        notify_systemd("WATCHDOG=1")
        return True
