"""`briefbot health`: healthy only while the database answers and the bot's gateway
heartbeat is recent; the heartbeat is written by the running bot, through SimCord."""

from __future__ import annotations

import datetime as dt
import os
import socket
import sqlite3
import subprocess
import sys
import time
from collections.abc import Iterator
from pathlib import Path

import pytest
import simcord

from bot.app import BriefBot, create_bot
from bot.cogs.health import HealthCog, gateway_latency
from bot.health import Heartbeat, check_health, heartbeat_path, watchdog_problem, write_heartbeat
from bot.settings import Settings
from briefings.errors import StorageError
from briefings.storage import SCHEMA_REVISION, Database, default_url
from briefings.store import FactStore

BRIEFBOT = Path(sys.executable).parent / "briefbot"
NOW = dt.datetime(2026, 11, 30, 12, 0, tzinfo=dt.UTC)
MINUTE = dt.timedelta(seconds=60)


@pytest.fixture
def data_dir(tmp_path: Path) -> Path:
    """A data folder with a migrated SQLite database in it."""
    folder = tmp_path / "var"
    folder.mkdir()
    database = Database(default_url(folder))
    database.migrate()
    database.dispose()
    return folder


def _beat(data_dir: Path, at: dt.datetime, shards: list[int] | None = None) -> None:
    beat = Heartbeat(at=at, pid=4242, shards=shards or [0], latency_ms=41.7)
    write_heartbeat(heartbeat_path(data_dir, shards), beat)


def test_healthy_with_a_recent_heartbeat_and_a_database_that_answers(data_dir: Path) -> None:
    _beat(data_dir, NOW - dt.timedelta(seconds=12))
    report = check_health(None, data_dir, None, NOW, MINUTE)
    assert report.ok
    assert report.line.startswith("healthy: gateway heartbeat 12 s ago, 42 ms (pid 4242)")
    database = default_url(data_dir)
    assert report.line.endswith(f"; database {database} answers (schema {SCHEMA_REVISION})")


def test_a_stale_heartbeat_is_unhealthy(data_dir: Path) -> None:
    _beat(data_dir, NOW - dt.timedelta(seconds=75))
    report = check_health(None, data_dir, None, NOW, MINUTE)
    assert not report.ok
    assert report.line.startswith("unhealthy: last gateway heartbeat 75 s ago (limit 60 s)")


def test_no_heartbeat_yet_is_unhealthy(data_dir: Path) -> None:
    report = check_health(None, data_dir, None, NOW, MINUTE)
    assert not report.ok
    assert "no heartbeat at" in report.line


def test_a_garbled_heartbeat_is_unhealthy_not_a_traceback(data_dir: Path) -> None:
    heartbeat_path(data_dir, None).write_text("{half a beat", encoding="utf-8")
    report = check_health(None, data_dir, None, NOW, MINUTE)
    assert not report.ok
    assert "unreadable: not a heartbeat" in report.line


def test_each_shard_range_has_its_own_heartbeat(data_dir: Path) -> None:
    _beat(data_dir, NOW, shards=[2, 3])
    assert check_health(None, data_dir, [3, 2], NOW, MINUTE).ok
    assert not check_health(None, data_dir, [0, 1], NOW, MINUTE).ok
    assert not check_health(None, data_dir, None, NOW, MINUTE).ok


def test_a_database_that_does_not_answer_is_unhealthy_whatever_the_heartbeat(
    data_dir: Path,
) -> None:
    _beat(data_dir, NOW)
    url = "postgresql+psycopg://briefbot:hunter2@127.0.0.1:1/briefbot"
    report = check_health(url, data_dir, None, NOW, MINUTE)
    assert not report.ok
    assert report.line.startswith("unhealthy: the database postgresql+psycopg://briefbot:***@")
    assert "hunter2" not in report.line


def test_a_heartbeat_from_the_future_is_unhealthy(data_dir: Path) -> None:
    """A beat a day ahead (the clock was set back) is no sign the bot is alive now."""
    _beat(data_dir, NOW + dt.timedelta(seconds=86_398))
    report = check_health(None, data_dir, None, NOW, MINUTE)
    assert not report.ok
    assert report.line.startswith(
        "unhealthy: gateway heartbeat from the future (86398 s ahead of this clock)"
    )
    _beat(data_dir, NOW + dt.timedelta(seconds=1))  # a rounding of the same clock is fine
    assert check_health(None, data_dir, None, NOW, MINUTE).line.startswith(
        "healthy: gateway heartbeat 0 s ago"
    )


def test_a_database_that_answers_but_takes_no_write_is_unhealthy(data_dir: Path) -> None:
    _beat(data_dir, NOW)
    read_only = f"sqlite:///file:{data_dir / 'briefbot.sqlite3'}?mode=ro&uri=true"
    report = check_health(read_only, data_dir, None, NOW, MINUTE)
    assert not report.ok
    assert report.line.startswith("unhealthy: the database sqlite:///file")
    assert report.line.endswith(" answers but takes no write: attempt to write a readonly database")
    assert check_health(None, data_dir, None, NOW, MINUTE).ok  # the same file, writable


def test_a_database_whose_write_lock_is_held_is_unhealthy_within_seconds(
    data_dir: Path,
) -> None:
    """Another connection holds the write lock (a migration, a sync): the check says
    so in one line after its own short wait, not after the 10 s busy timeout."""
    _beat(data_dir, NOW)
    holder = sqlite3.connect(data_dir / "briefbot.sqlite3", isolation_level=None)
    holder.execute("BEGIN IMMEDIATE")
    try:
        began = time.monotonic()
        report = check_health(None, data_dir, None, NOW, MINUTE, write_wait=0.3)
        took = time.monotonic() - began
    finally:
        holder.execute("ROLLBACK")
        holder.close()
    assert took < 3, f"{took:.1f} s"
    assert not report.ok
    assert report.line == (
        f"unhealthy: the database {default_url(data_dir)} is busy (a migration or sync "
        "holds it): no write went through within 0.3 s"
    )
    assert check_health(None, data_dir, None, NOW, MINUTE).ok  # released: healthy again


def test_health_creates_no_database(tmp_path: Path) -> None:
    report = check_health(None, tmp_path, None, NOW, MINUTE)
    assert report.line.startswith("unhealthy: no database file at")
    assert list(tmp_path.iterdir()) == []


def _health(data_dir: Path, timeout: float = 60, **env: str) -> subprocess.CompletedProcess[str]:
    keep = {name: value for name, value in os.environ.items() if name in {"PATH", "HOME", "LANG"}}
    return subprocess.run(
        [str(BRIEFBOT), "health"],
        cwd=data_dir.parent,
        env={**keep, "DATA_DIR": str(data_dir), **env},
        capture_output=True,
        text=True,
        timeout=timeout,
        check=False,
    )


def test_the_command_exits_0_only_when_healthy(data_dir: Path) -> None:
    _beat(data_dir, dt.datetime.now(dt.UTC))
    healthy = _health(data_dir)
    assert healthy.returncode == 0, healthy.stdout + healthy.stderr
    assert healthy.stdout.startswith("healthy: ")
    _beat(data_dir, dt.datetime.now(dt.UTC) - dt.timedelta(minutes=5))
    stale = _health(data_dir)
    assert stale.returncode == 1
    assert len(stale.stdout.splitlines()) == 1
    assert stale.stdout.startswith("unhealthy: last gateway heartbeat")
    assert stale.stderr == ""
    bad = _health(data_dir, SHARD_IDS="0")
    assert bad.returncode == 1
    assert bad.stdout.startswith("unhealthy: bad setting: SHARD_IDS needs SHARD_COUNT")
    assert len(bad.stdout.splitlines()) == 1


def test_a_heartbeat_that_cannot_be_read_is_unhealthy_in_one_line(data_dir: Path) -> None:
    """A pipe in the heartbeat's place: reading it would wait for a writer forever."""
    path = heartbeat_path(data_dir, None)
    os.mkfifo(path)
    result = _health(data_dir, timeout=20)
    assert result.returncode == 1
    assert result.stdout.startswith(f"unhealthy: heartbeat {path} unreadable: not a regular file")
    assert len(result.stdout.splitlines()) == 1
    assert result.stderr == ""


# --- the bot writes the heartbeat -----------------------------------------------------


@pytest.fixture
def notify_socket(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Iterator[socket.socket]:
    """A socket playing systemd's notify socket."""
    path = tmp_path / "notify"
    listener = socket.socket(socket.AF_UNIX, socket.SOCK_DGRAM)
    listener.bind(str(path))
    listener.setblocking(False)
    monkeypatch.setenv("NOTIFY_SOCKET", str(path))
    yield listener
    listener.close()


def _received(listener: socket.socket) -> list[str]:
    messages = []
    while True:
        try:
            messages.append(listener.recv(64).decode())
        except BlockingIOError:
            return messages


def _health_cog(bot: BriefBot) -> HealthCog:
    cog = bot.get_cog("Health")
    assert isinstance(cog, HealthCog)
    return cog


async def test_the_bot_beats_while_connected_and_tells_systemd(
    store: FactStore, tmp_path: Path, notify_socket: socket.socket
) -> None:
    settings = Settings(_env_file=None, scheduler_enabled=False, heartbeat_seconds=15)
    async with simcord.run(create_bot(settings, store)) as env:
        bot = env.bot
        assert isinstance(bot, BriefBot)
        assert gateway_latency(bot) is not None
        await env.advance_time(20)  # the beat loop runs on the event loop's clock
        now = bot.clock.now()
        report = check_health(None, settings.data_dir, None, now, MINUTE)
        assert report.ok, report.line
        assert _received(notify_socket)[:2] == ["READY=1", "WATCHDOG=1"]

        # A database that stops answering stops the beat: the last one goes stale.
        cog = _health_cog(bot)

        def down() -> str:
            raise StorageError("the database does not answer: connection refused")

        cog.database.ping = down  # type: ignore[method-assign]
        assert not await cog.beat()
        assert _received(notify_socket) == []
        later = now + dt.timedelta(seconds=90)
        assert not check_health(None, settings.data_dir, None, later, MINUTE).ok


async def test_a_closed_connection_stops_the_beat(store: FactStore) -> None:
    settings = Settings(_env_file=None, scheduler_enabled=False, heartbeat_seconds=15)
    async with simcord.run(create_bot(settings, store)) as env:
        bot = env.bot
        assert isinstance(bot, BriefBot)
        cog = _health_cog(bot)
        await bot.close()
        assert gateway_latency(bot) is None
        assert not await cog.beat()


def test_a_notify_socket_that_is_gone_is_not_an_error(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """The beat loop must not stop because systemd's socket went away."""
    from bot.health import notify_systemd

    monkeypatch.setenv("NOTIFY_SOCKET", str(tmp_path / "no-such-socket"))
    assert notify_systemd("WATCHDOG=1") is False
    monkeypatch.delenv("NOTIFY_SOCKET")
    assert notify_systemd("WATCHDOG=1") is False


def test_a_notify_socket_named_but_absent_here_is_no_reason_to_refuse(
    tmp_path: Path, notify_socket: socket.socket
) -> None:
    """Under podman (`--env-host`, conmon sending READY=1 itself) the host's
    NOTIFY_SOCKET reaches the container, where it names nothing: nobody waits for the
    bot's READY=1 there, and HEARTBEAT_SECONDS=0 must not stop it starting. Before,
    the variable alone refused the start."""
    host_path = {"NOTIFY_SOCKET": "/run/systemd/notify-not-here", "container": "podman"}
    assert watchdog_problem(0, host_path) is None
    # The same setting where a service manager does listen is still refused.
    listened = {"NOTIFY_SOCKET": str(tmp_path / "notify"), "container": "podman"}
    problem = watchdog_problem(0, listened)
    assert problem is not None
    assert "podman's --sdnotify=container" in problem
    # podman's WATCHDOG_PID is the bot's pid on the host, not in the container: no check.
    foreign = {**listened, "WATCHDOG_USEC": "30000000", "WATCHDOG_PID": "999999999"}
    assert watchdog_problem(60, foreign) is None
