"""Prometheus metrics: briefings by outcome, command latency, the store in use, the
gateway, the watcher, review and the database; every series at zero from the start;
served on 127.0.0.1 unless told, and a port that cannot be had is one logged line,
not a crash."""

from __future__ import annotations

import asyncio
import datetime as dt
import logging
import re
import shutil
import socket
import subprocess
import urllib.error
import urllib.request
from pathlib import Path
from typing import cast

import discord
import pytest
import simcord
import yaml
from prometheus_client.parser import text_string_to_metric_families
from pydantic import ValidationError
from sqlalchemy import create_engine, text

from bot.app import BriefBot, create_bot
from bot.cogs.sources import SourcesCog
from bot.metrics import Live, Metrics
from bot.settings import Settings
from briefings.factbase import DatabaseFactStore
from briefings.ingest.seen import claim
from briefings.ingest.web import WebPage
from briefings.loading import DEFAULT_SEEDS_DIR
from briefings.review.desk import ReviewDesk
from briefings.review.drafts import Draft, ReviewSettings
from briefings.review.trust import Trust
from briefings.storage import Database, PostStatus
from briefings.store import FactStore
from briefings.subscriptions import PostOutcome
from briefings.watching import PollReport

FIRST_BRIEFING = dt.datetime(2026, 7, 1, 0, 0, tzinfo=dt.UTC)  # 09:00 in Seoul
DEPLOY = Path(__file__).resolve().parent.parent / "deploy"
DRAFTED_PAGE = """Freedonia closes its ports
March 5, 2021 by Ada Quill

Freedonia's Minister of Ports, Rufus Tadwell, said on Wednesday that his country would "not sign anything this month".
"""  # noqa: E501 - a page as fetched: one paragraph per line


def _free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        port: int = probe.getsockname()[1]
        return port


def test_each_post_is_counted_once_by_what_became_of_it() -> None:
    metrics = Metrics()
    day = dt.date(2026, 7, 1)
    metrics.count_posts(
        [
            PostOutcome(1, day, PostStatus.SENT),
            PostOutcome(2, day, PostStatus.SENT, late=True),
            PostOutcome(3, day, PostStatus.RETRY),
            PostOutcome(4, day, PostStatus.FAILED),
            PostOutcome(7, day, PostStatus.FAILED, given_up=True),
            PostOutcome(5, day, PostStatus.SKIPPED),
            PostOutcome(6, day, PostStatus.SENT),
        ]
    )
    value = metrics.registry.get_sample_value
    counts = {
        outcome: value("briefbot_posts_total", {"outcome": outcome})
        for outcome in ("sent", "late", "retry", "failed", "skipped")
    }
    assert counts == {"sent": 2, "late": 1, "retry": 1, "failed": 2, "skipped": 1}
    assert value("briefbot_posts_given_up_total") == 1


@pytest.fixture
def simcord_bot(store: FactStore) -> BriefBot:
    return create_bot(Settings(_env_file=None, scheduler_enabled=False), store)


async def test_the_bot_counts_briefings_and_times_commands(
    simcord_env: simcord.Env, store: FactStore
) -> None:
    env = simcord_env
    guild = env.create_guild()
    channel = guild.create_text_channel("news")
    admins = guild.create_role("Admins", permissions=discord.Permissions(manage_guild=True))
    editor = guild.add_member(env.create_user("editor"), roles=[admins])
    bot = env.bot
    assert isinstance(bot, BriefBot)
    value = bot.metrics.registry.get_sample_value
    assert value("briefbot_store_facts", {"kind": "quotes"}) == store.counts().quotes

    await editor.send(channel, "!brief subscribe 09:00 Asia/Seoul")
    await editor.send(channel, "!quote kono")
    await editor.send(channel, "!quote kono")
    await bot.tree.sync()
    # A slash command that draws no chart: the first chart imports matplotlib in a
    # thread, which on a loaded 2-core machine outlasts SimCord's 5 s settle.
    await editor.slash(channel, "gsomia status")
    assert value("briefbot_command_seconds_count", {"command": "quote"}) == 2
    assert value("briefbot_command_seconds_count", {"command": "gsomia status"}) == 1
    assert value("briefbot_command_seconds_count", {"command": "brief subscribe"}) == 1

    await env.advance_time((FIRST_BRIEFING - env.now()).total_seconds())
    assert bot.briefings is not None
    await bot.briefings.run_due()
    assert value("briefbot_posts_total", {"outcome": "sent"}) == 1


async def test_metrics_are_served_on_localhost(store: FactStore) -> None:
    port = _free_port()
    settings = Settings(_env_file=None, scheduler_enabled=False, metrics_port=port)
    async with simcord.run(create_bot(settings, store)) as env:
        with urllib.request.urlopen(f"http://127.0.0.1:{port}/metrics", timeout=10) as page:
            text = page.read().decode()
        await env.bot.close()
    assert f'briefbot_store_facts{{kind="quotes"}} {float(store.counts().quotes)}' in text
    assert "# TYPE briefbot_posts_total counter" in text
    assert "# TYPE briefbot_command_seconds histogram" in text
    with pytest.raises(urllib.error.URLError, match="Connection refused"):  # closed with the bot
        urllib.request.urlopen(f"http://127.0.0.1:{port}/metrics", timeout=10)


async def test_a_port_in_use_is_one_logged_line_and_the_bot_runs_on(
    store: FactStore, caplog: pytest.LogCaptureFixture
) -> None:
    with socket.socket() as taken:
        taken.bind(("127.0.0.1", 0))
        taken.listen()
        port = taken.getsockname()[1]
        settings = Settings(_env_file=None, scheduler_enabled=False, metrics_port=port)
        with caplog.at_level(logging.ERROR, logger="bot.metrics"):
            async with simcord.run(create_bot(settings, store)) as env:
                guild = env.create_guild()
                channel = guild.create_text_channel("news")
                member = guild.add_member(env.create_user("alice"))
                await member.send(channel, "!ping")
                assert channel.last_message is not None
                assert channel.last_message.content == "pong"
    (record,) = caplog.records
    assert record.getMessage().startswith(f"metrics not served on 127.0.0.1:{port}: ")
    assert record.exc_info is None


def _scrape(port: int) -> dict[str, dict[tuple[tuple[str, str], ...], float]]:
    """Every sample of a scrape, by family and labels."""
    with urllib.request.urlopen(f"http://127.0.0.1:{port}/metrics", timeout=10) as page:
        text = page.read().decode()
    samples: dict[str, dict[tuple[tuple[str, str], ...], float]] = {}
    for family in text_string_to_metric_families(text):
        for sample in family.samples:
            labels = tuple(sorted(sample.labels.items()))
            samples.setdefault(sample.name, {})[labels] = sample.value
    return samples


async def test_every_series_an_alert_needs_is_there_at_zero_before_the_first_post(
    store: FactStore,
) -> None:
    port = _free_port()
    settings = Settings(
        _env_file=None, scheduler_enabled=False, metrics_port=port, heartbeat_seconds=15
    )
    async with simcord.run(create_bot(settings, store)) as env:
        scraped = await asyncio.to_thread(_scrape, port)
        await env.bot.close()
    for outcome in ("sent", "late", "retry", "failed", "skipped"):
        assert scraped["briefbot_posts_total"][(("outcome", outcome),)] == 0
    assert scraped["briefbot_posts_given_up_total"][()] == 0
    assert scraped["briefbot_database_errors_total"][()] == 0
    assert scraped["briefbot_watcher_rounds_total"] == {
        (("outcome", "done"),): 0,
        (("outcome", "failed"),): 0,
    }
    assert set(scraped["briefbot_watcher_polls_total"]) == {
        (("outcome", outcome),) for outcome in ("staged", "unchanged", "failed")
    }
    # Every command has its latency series before anyone has used it.
    assert scraped["briefbot_command_seconds_count"][(("command", "quote"),)] == 0
    assert scraped["briefbot_command_seconds_count"][(("command", "brief subscribe"),)] == 0
    assert scraped["briefbot_drafts_waiting"][()] == 0
    assert scraped["briefbot_drafts_oldest_waiting_seconds"][()] == 0
    assert scraped["briefbot_shards"][()] == 1
    assert scraped["briefbot_shards_up"][()] == 1
    assert scraped["briefbot_heartbeat_age_seconds"][()] >= 0
    ((labels, built),) = scraped["briefbot_build_info"].items()
    assert built == 1
    assert {name for name, _ in labels} == {"version", "python", "discord_py"}
    # The standard collectors are in the bot's own registry too.
    assert scraped["process_resident_memory_bytes"][()] > 0
    assert "python_gc_collections_total" in scraped
    assert "python_info" in scraped


def test_the_heartbeat_age_counts_from_the_start_until_the_first_beat() -> None:
    metrics = Metrics()
    wall = dt.datetime(2026, 12, 3, 9, tzinfo=dt.UTC)
    beats: dict[str, float | None] = {"last": None}
    metrics.watch(
        Live(
            now=lambda: wall,
            started=1000.0,
            monotonic=lambda: 1040.0,
            last_beat=lambda: beats["last"],
        )
    )
    value = metrics.registry.get_sample_value
    assert value("briefbot_heartbeat_age_seconds") == 40
    beats["last"] = 1035.0
    assert value("briefbot_heartbeat_age_seconds") == 5
    # No gateway and no review desk given: those series are simply not there.
    assert value("briefbot_shards_up") is None
    assert value("briefbot_drafts_waiting") is None


def test_drafts_waiting_and_the_oldest_s_age_are_read_from_the_database(
    database: Database,
) -> None:
    desk = ReviewDesk(database, DEFAULT_SEEDS_DIR, trust=Trust([1001]))
    drafted = dt.datetime(2026, 11, 30, 9, tzinfo=dt.UTC)
    page = WebPage("https://news.example/ports", DRAFTED_PAGE)
    desk.stage(page, claim(database, page, drafted), DatabaseFactStore(database), drafted)
    metrics = Metrics()
    later = drafted + dt.timedelta(hours=3)
    metrics.watch(Live(now=lambda: later, started=0.0, backlog=ReviewSettings(database).backlog))
    value = metrics.registry.get_sample_value
    assert value("briefbot_drafts_waiting") == 1
    assert value("briefbot_drafts_oldest_waiting_seconds") == 3 * 3600


def test_a_database_that_fails_is_counted_and_the_scrape_still_answers(tmp_path: Path) -> None:
    metrics = Metrics()
    engine = create_engine(f"sqlite:///{tmp_path / 'facts.sqlite3'}")
    metrics.count_database_errors(engine)

    def broken() -> tuple[int, dt.datetime | None]:
        with engine.connect() as connection:
            connection.execute(text("SELECT count(*) FROM review_drafts"))
        raise AssertionError("the table does not exist")

    now = dt.datetime(2026, 12, 3, tzinfo=dt.UTC)
    metrics.watch(Live(now=lambda: now, started=0.0, backlog=broken))
    value = metrics.registry.get_sample_value
    assert value("briefbot_drafts_waiting") is None  # not a made-up zero
    assert value("briefbot_database_errors_total") == 1
    engine.dispose()


def test_each_watcher_round_and_poll_is_counted_by_outcome() -> None:
    metrics = Metrics()
    metrics.count_round(
        [
            PollReport("https://a.example/feed", "2 new", staged=(cast(Draft, object()),)),
            PollReport("https://b.example/feed", "nothing new"),
            PollReport("https://c.example/feed", "timed out", failed=True),
        ]
    )
    metrics.count_round(None)
    value = metrics.registry.get_sample_value
    assert value("briefbot_watcher_rounds_total", {"outcome": "done"}) == 1
    assert value("briefbot_watcher_rounds_total", {"outcome": "failed"}) == 1
    for outcome in ("staged", "unchanged", "failed"):
        assert value("briefbot_watcher_polls_total", {"outcome": outcome}) == 1


async def test_the_bot_s_watcher_rounds_reach_the_metrics(
    simcord_env: simcord.Env,
) -> None:
    bot = simcord_env.bot
    assert isinstance(bot, BriefBot)
    cog = bot.get_cog("Sources")
    assert isinstance(cog, SourcesCog)
    await cog.watching()
    value = bot.metrics.registry.get_sample_value
    assert value("briefbot_watcher_rounds_total", {"outcome": "done"}) == 1


@pytest.mark.parametrize(
    ("given", "bound"), [("0.0.0.0", "0.0.0.0"), ("[::1]", "::1"), (" 127.0.0.1 ", "127.0.0.1")]
)
def test_the_metrics_address_is_an_ip_address(given: str, bound: str) -> None:
    assert Settings(_env_file=None, metrics_address=given).metrics_address == bound


def test_a_metrics_address_that_is_a_name_is_refused_in_one_line() -> None:
    with pytest.raises(ValidationError, match=r"not an IP address: 'localhost'"):
        Settings(_env_file=None, metrics_address="localhost")


def test_the_alert_rules_watch_series_the_bot_exposes() -> None:
    metrics = Metrics()
    now = dt.datetime(2026, 12, 3, tzinfo=dt.UTC)
    metrics.watch(
        Live(
            now=lambda: now,
            started=0.0,
            gateway=lambda: (1, 1, 0.05),
            last_beat=lambda: 0.0,
            backlog=lambda: (0, None),
        )
    )
    exposed = {sample.name for family in metrics.registry.collect() for sample in family.samples}
    rules = yaml.safe_load((DEPLOY / "alerts.yaml").read_text(encoding="utf-8"))
    alerts = [rule for group in rules["groups"] for rule in group["rules"]]
    assert {alert["alert"] for alert in alerts} >= {
        "BriefbotNoHeartbeat",
        "BriefbotPostsFailing",
        "BriefbotDraftsWaiting",
    }
    for alert in alerts:
        # `up` is Prometheus's own series for each target it scrapes.
        named = set(re.findall(r"\b(briefbot_[a-z_]+|up)\b", alert["expr"]))
        assert named, alert["alert"]
        assert named <= exposed | {"up"}, (alert["alert"], named - exposed)
        assert alert["annotations"]["summary"]
        assert alert["labels"]["severity"] in {"page", "ticket"}


def test_compose_scrapes_every_bot_over_its_own_network() -> None:
    compose = yaml.safe_load((DEPLOY / "compose.yaml").read_text(encoding="utf-8"))
    scrape = yaml.safe_load((DEPLOY / "prometheus.yaml").read_text(encoding="utf-8"))
    bots = {name for name in compose["services"] if name.startswith("bot-")}
    (job,) = scrape["scrape_configs"]
    targets = {target for group in job["static_configs"] for target in group["targets"]}
    port = compose["x-bot"]["environment"]["METRICS_PORT"]
    assert targets == {f"{bot}:{port}" for bot in bots}
    assert compose["x-bot"]["environment"]["METRICS_ADDRESS"] == "0.0.0.0"
    assert scrape["rule_files"] == ["/etc/prometheus/alerts.yaml"]
    # No bot publishes its metrics port to the host: only the compose network sees it.
    assert all("ports" not in compose["services"][bot] for bot in bots)


@pytest.mark.skipif(shutil.which("promtool") is None, reason="promtool is not installed")
def test_promtool_accepts_the_alert_rules() -> None:
    checked = subprocess.run(
        ["promtool", "check", "rules", str(DEPLOY / "alerts.yaml")],
        capture_output=True,
        text=True,
        check=False,
    )
    assert checked.returncode == 0, checked.stdout + checked.stderr
