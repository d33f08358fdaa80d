"""Prometheus metrics, served at `METRICS_ADDRESS` (127.0.0.1 unless told) on
`METRICS_PORT` when it is set.

What an operator alerts on (`deploy/alerts.yaml` has the rules):

- briefings by outcome (sent, late, retry, failed, skipped) and those given up;
- how long commands take;
- the gateway: its latency, how many of the process's shards are up, and how old the
  heartbeat is (the same beat `briefbot health` reads);
- the watcher: rounds and address polls by outcome;
- review: how many drafts wait, and since when;
- database errors, whatever statement met them;
- the fact store in use, the build, and the process and Python collectors.

Every labelled series exists at zero from the start, so an alert on `failed` has a
series to watch before the first failure. Values that describe the present (latency,
drafts waiting) are read when Prometheus scrapes, in the server's thread, never on
the event loop. Each bot has its own registry, so several bots in one process (the
tests) never share a count.
"""

from __future__ import annotations

import datetime as dt
import logging
import math
import platform
import time
from collections.abc import Callable, Iterable, Iterator, Sequence
from dataclasses import dataclass
from wsgiref.simple_server import WSGIServer

import discord
from prometheus_client import (
    GC_COLLECTOR,
    PLATFORM_COLLECTOR,
    PROCESS_COLLECTOR,
    CollectorRegistry,
    Counter,
    Gauge,
    Histogram,
    Info,
    start_http_server,
)
from prometheus_client.core import GaugeMetricFamily
from prometheus_client.registry import Collector
from sqlalchemy import event
from sqlalchemy.engine import Engine, ExceptionContext

from bot.version import installed_version
from briefings.store import FactStore
from briefings.subscriptions import PostOutcome
from briefings.watching import PollReport

__all__ = ["Live", "Metrics", "shards_of"]

log = logging.getLogger(__name__)

# Seconds: a prefix answer is a few milliseconds; a paged slash answer may take a second.
COMMAND_BUCKETS = (0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1.0, 2.5, 5.0)
POST_OUTCOMES = ("sent", "late", "retry", "failed", "skipped")
ROUND_OUTCOMES = ("done", "failed")
POLL_OUTCOMES = ("staged", "unchanged", "failed")


@dataclass
class Live:
    """Where the present-tense values come from, each read at scrape time (in the
    metrics server's thread): None where the bot has no such part."""

    now: Callable[[], dt.datetime]
    # Ages of the process's own events are kept on the monotonic clock, which no
    # change of the wall clock moves.
    started: float
    monotonic: Callable[[], float] = time.monotonic
    # The shards this process runs and which are connected, with the slowest
    # connected one's latency in seconds.
    gateway: Callable[[], tuple[int, int, float]] | None = None
    # When (monotonic) the last heartbeat was written (None: none yet), if the bot
    # writes them.
    last_beat: Callable[[], float | None] | None = None
    # Drafts waiting for review, and when the oldest was drafted.
    backlog: Callable[[], tuple[int, dt.datetime | None]] | None = None


class _LiveCollector(Collector):
    """The gauges read when scraped."""

    def __init__(self, live: Live) -> None:
        self.live = live

    def describe(self) -> Iterable[GaugeMetricFamily]:
        # Described without samples, so registering reads nothing (no SQL at start).
        return list(self._families().values())

    def collect(self) -> Iterator[GaugeMetricFamily]:
        families = self._families()
        yield from self._gateway(families)
        yield from self._heartbeat(families)
        yield from self._backlog(families)

    @staticmethod
    def _families() -> dict[str, GaugeMetricFamily]:
        def gauge(name: str, documentation: str) -> GaugeMetricFamily:
            return GaugeMetricFamily(name, documentation)

        return {
            "latency": gauge(
                "briefbot_gateway_latency_seconds",
                "Round trip of the slowest connected shard's gateway heartbeat (NaN: none up)",
            ),
            "shards": gauge("briefbot_shards", "Shards this process runs"),
            "up": gauge("briefbot_shards_up", "Shards of this process connected to the gateway"),
            "beat": gauge(
                "briefbot_heartbeat_age_seconds",
                "Seconds since this process last wrote its heartbeat (since its start, when"
                " it has written none); `briefbot health` fails past HEALTH_MAX_AGE_SECONDS",
            ),
            "waiting": gauge("briefbot_drafts_waiting", "Drafted articles waiting for review"),
            "oldest": gauge(
                "briefbot_drafts_oldest_waiting_seconds",
                "How long the oldest draft has waited for review (0 when none waits)",
            ),
        }

    def _gateway(self, families: dict[str, GaugeMetricFamily]) -> Iterator[GaugeMetricFamily]:
        if self.live.gateway is None:
            return
        try:
            shards, up, latency = self.live.gateway()
        except RuntimeError as error:  # the client's shards changed while being read
            log.debug("gateway not read for metrics: %s", error)
            return
        families["shards"].add_metric([], shards)
        families["up"].add_metric([], up)
        families["latency"].add_metric([], latency)
        yield from (families["shards"], families["up"], families["latency"])

    def _heartbeat(self, families: dict[str, GaugeMetricFamily]) -> Iterator[GaugeMetricFamily]:
        if self.live.last_beat is None:
            return
        beat = self.live.last_beat()
        since = self.live.started if beat is None else beat
        families["beat"].add_metric([], max(self.live.monotonic() - since, 0.0))
        yield families["beat"]

    def _backlog(self, families: dict[str, GaugeMetricFamily]) -> Iterator[GaugeMetricFamily]:
        if self.live.backlog is None:
            return
        try:
            count, oldest = self.live.backlog()
        except Exception as error:  # the database is down: the errors counter says so
            log.debug("drafts waiting not read for metrics: %s", error)
            return
        families["waiting"].add_metric([], count)
        age = 0.0 if oldest is None else (self.live.now() - oldest).total_seconds()
        families["oldest"].add_metric([], max(age, 0.0))
        yield from (families["waiting"], families["oldest"])


def shards_of(client: discord.Client) -> tuple[int, int, float]:
    """How many shards the client runs, how many are connected, and the slowest
    connected one's latency (NaN when none is)."""
    if isinstance(client, discord.AutoShardedClient):
        shards = client.shard_count or len(client.shards) or 1
        latencies = [shard.latency for shard in client.shards.values() if not shard.is_closed()]
    else:
        shards = 1
        latencies = [] if client.is_closed() or not client.is_ready() else [client.latency]
    connected = [value for value in latencies if math.isfinite(value)]
    return shards, len(connected), max(connected, default=math.nan)


class Metrics:
    """The bot's counters, and the server that shows them."""

    def __init__(self) -> None:
        self._server: WSGIServer | None = None
        self.registry = CollectorRegistry()
        # The standard collectors, in this registry: memory, CPU, open files, GC pauses.
        for standard in (PROCESS_COLLECTOR, PLATFORM_COLLECTOR, GC_COLLECTOR):
            self.registry.register(standard)
        Info("briefbot_build", "The running build", registry=self.registry).info(
            {
                "version": installed_version(),
                "python": platform.python_version(),
                "discord_py": discord.__version__,
            }
        )
        self.posts = Counter(
            "briefbot_posts",
            "Scheduled briefings by outcome: sent, late (sent after its time), retry, failed,"
            " skipped (past the grace window)",
            ["outcome"],
            registry=self.registry,
        )
        self.given_up = Counter(
            "briefbot_posts_given_up",
            "Briefings given up because Discord failed, or every process was down, until"
            " their grace window closed (each is also counted as failed)",
            registry=self.registry,
        )
        self.command_seconds = Histogram(
            "briefbot_command_seconds",
            "Time from a command's invocation to its reply, by command",
            ["command"],
            buckets=COMMAND_BUCKETS,
            registry=self.registry,
        )
        self.store_facts = Gauge(
            "briefbot_store_facts",
            "Facts in the fact store this process answers from, by kind",
            ["kind"],
            registry=self.registry,
        )
        self.store_loaded = Gauge(
            "briefbot_store_loaded_timestamp_seconds",
            "When this process loaded the fact store it answers from (a reload changes it)",
            registry=self.registry,
        )
        self.watcher_rounds = Counter(
            "briefbot_watcher_rounds",
            "The watcher's rounds: done, or failed (the database, or a defect)",
            ["outcome"],
            registry=self.registry,
        )
        self.watcher_polls = Counter(
            "briefbot_watcher_polls",
            "Polls of watched addresses: staged new drafts, unchanged, or failed (backed off)",
            ["outcome"],
            registry=self.registry,
        )
        self.database_errors = Counter(
            "briefbot_database_errors",
            "Statements and connections the database failed (down, busy, timed out)",
            registry=self.registry,
        )
        for outcomes, counter in (
            (POST_OUTCOMES, self.posts),
            (ROUND_OUTCOMES, self.watcher_rounds),
            (POLL_OUTCOMES, self.watcher_polls),
        ):
            for outcome in outcomes:
                counter.labels(outcome)

    def count_posts(self, outcomes: Sequence[PostOutcome]) -> None:
        """Count each post once, by what became of it."""
        for outcome in outcomes:
            label = outcome.status.value
            if label == "sent" and outcome.late:
                label = "late"
            self.posts.labels(label).inc()
            if outcome.given_up:
                self.given_up.inc()

    def know_commands(self, names: Iterable[str]) -> None:
        """Give every command its latency series before it is first used."""
        for name in names:
            self.command_seconds.labels(name)

    def count_round(self, reports: Sequence[PollReport] | None) -> None:
        """Count one watcher round (None: it failed) and each address it polled."""
        self.watcher_rounds.labels("failed" if reports is None else "done").inc()
        for report in reports or ():
            outcome = "failed" if report.failed else "staged" if report.staged else "unchanged"
            self.watcher_polls.labels(outcome).inc()

    def count_database_errors(self, engine: Engine) -> None:
        """Count every error the engine meets, connecting or running a statement."""

        def counted(context: ExceptionContext) -> None:
            del context
            self.database_errors.inc()

        event.listen(engine, "handle_error", counted)

    def watch(self, live: Live) -> None:
        """Read the present-tense gauges from `live` at each scrape."""
        self.registry.register(_LiveCollector(live))

    def store_in_use(self, store: FactStore, at: dt.datetime) -> None:
        """Describe the store that answers from now on."""
        for kind, count in store.counts().model_dump().items():
            self.store_facts.labels(kind).set(count)
        self.store_loaded.set(at.timestamp())

    def serve(self, address: str, port: int) -> bool:
        """Serve the metrics; False, with one logged line, if the address cannot be had:
        the bot runs on without."""
        where = f"[{address}]:{port}" if ":" in address else f"{address}:{port}"
        try:
            self._server, _ = start_http_server(port, addr=address, registry=self.registry)
        except OSError as error:
            log.error("metrics not served on %s: %s", where, error.strerror or error)
            return False
        log.info("metrics on http://%s/metrics", where)
        return True

    def close(self) -> None:
        """Stop serving (a no-op when not serving)."""
        if self._server is not None:
            self._server.shutdown()
            self._server.server_close()
            self._server = None
