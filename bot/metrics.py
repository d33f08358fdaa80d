"""Prometheus metrics, served on 127.0.0.1 when `METRICS_PORT` is set.

What an operator watches: briefings by outcome (sent, late, retry, failed, skipped),
the briefings given up (not delivered within the grace window), how long commands
take, and which fact store the process answers from. Each bot has its own registry,
so several bots in one process (the tests) never share a count.
"""

from __future__ import annotations

import datetime as dt
import logging
from collections.abc import Sequence
from wsgiref.simple_server import WSGIServer

from prometheus_client import CollectorRegistry, Counter, Gauge, Histogram, start_http_server

from briefings.store import FactStore
from briefings.subscriptions import PostOutcome

__all__ = ["Metrics"]

log = logging.getLogger(__name__)

# Seconds: a prefix answer is a few milliseconds; a paged slash answer may take a second.
COMMAND_BUCKETS = (0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1.0, 2.5, 5.0)


class Metrics:
    """The bot's counters, and the server that shows them."""

    def __init__(self) -> None:
        self._server: WSGIServer | None = None
        self.registry = CollectorRegistry()
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

    def count_posts(self, outcomes: Sequence[PostOutcome]) -> None:
        """Count each post once, by what became of it."""
        for outcome in outcomes:
            label = outcome.status.value
            if label == "sent" and outcome.late:
                label = "late"
            self.posts.labels(label).inc()
            if outcome.given_up:
                self.given_up.inc()

    def store_in_use(self, store: FactStore, at: dt.datetime) -> None:
        """Describe the store that answers from now on."""
        for kind, count in store.counts().model_dump().items():
            self.store_facts.labels(kind).set(count)
        self.store_loaded.set(at.timestamp())

    def serve(self, port: int) -> bool:
        """Serve the metrics on 127.0.0.1 only (no one else should read them); False,
        with one logged line, if the port cannot be had: the bot runs on without."""
        try:
            self._server, _ = start_http_server(port, addr="127.0.0.1", registry=self.registry)
        except OSError as error:
            log.error("metrics not served on 127.0.0.1:%d: %s", port, error.strerror or error)
            return False
        log.info("metrics on http://127.0.0.1:%d/metrics", port)
        return True

    def close(self) -> None:
        """Stop serving (a no-op when not serving)."""
        if self._server is not None:
            self._server.shutdown()
            self._server.server_close()
            self._server = None
