"""A start-up that cannot proceed ends in one clear line and a non-zero exit.

Each case runs `briefbot run` as an operator would, in its own process with a token
set, so that the bot's real logging is what is read. The checks run before the bot
connects, so no network is needed.
"""

from __future__ import annotations

import os
import socket
import subprocess
import sys
from pathlib import Path

import pytest

TOKEN = "MTA5.not-a-real-token.but-long-enough-to-look-like-one"
BRIEFBOT = Path(sys.executable).parent / "briefbot"


def _run(tmp_path: Path, **env: str) -> subprocess.CompletedProcess[str]:
    keep = {name: value for name, value in os.environ.items() if name in {"PATH", "HOME", "LANG"}}
    return subprocess.run(
        [str(BRIEFBOT), "run"],
        cwd=tmp_path,
        env={**keep, "DISCORD_TOKEN": TOKEN, "DATA_DIR": str(tmp_path / "var"), **env},
        capture_output=True,
        text=True,
        timeout=120,
        check=False,
    )


def _one_line(done: subprocess.CompletedProcess[str]) -> str:
    assert done.returncode == 1, done.stderr
    lines = [line for line in done.stderr.splitlines() if line.strip()]
    assert "Traceback" not in done.stderr
    assert len(lines) == 1, done.stderr
    assert TOKEN not in done.stderr + done.stdout
    return lines[0]


def test_an_unreachable_postgresql_is_one_line(tmp_path: Path) -> None:
    """An unreachable database is one line, its password masked, not a traceback."""
    url = "postgresql+psycopg://briefbot:hunter2@127.0.0.1:1/briefbot"
    line = _one_line(_run(tmp_path, DATABASE_URL=url))
    assert "cannot open the database postgresql+psycopg://briefbot:***@127.0.0.1:1/briefbot" in line
    assert "hunter2" not in line


def test_an_unusable_data_dir_is_one_line_about_the_data_dir(tmp_path: Path) -> None:
    """A DATA_DIR that cannot be made is named as such, not as "could not reach Discord"."""
    blocker = tmp_path / "a-file"
    blocker.write_text("not a folder", encoding="utf-8")
    line = _one_line(_run(tmp_path, DATA_DIR=str(blocker / "var")))
    assert f"cannot use DATA_DIR {blocker / 'var'}" in line
    assert "Discord" not in line


@pytest.mark.parametrize("url", ["nonsense", "mysql+nodriver://x@localhost/db"])
def test_a_malformed_database_url_is_one_line(tmp_path: Path, url: str) -> None:
    assert "cannot open the database" in _one_line(_run(tmp_path, DATABASE_URL=url))


def test_a_fact_store_that_does_not_check_is_one_line(tmp_path: Path) -> None:
    empty = tmp_path / "no-seeds"
    empty.mkdir()
    line = _one_line(_run(tmp_path, SEEDS_DIR=str(empty)))
    assert "the fact store does not check" in line
    assert "briefbot facts check" in line


@pytest.mark.parametrize(
    ("env", "expected"),
    [
        ({"GRACE_HOURS": "soon"}, "GRACE_HOURS: Input should be a valid number"),
        ({"SHARD_IDS": "0-1"}, "SHARD_IDS needs SHARD_COUNT"),
        ({"SHARD_COUNT": "2", "SHARD_IDS": "1-2"}, "SHARD_IDS must lie from 0 to 1"),
        ({"SHARD_COUNT": "2", "SHARD_IDS": "one"}, "'one' is not a shard number"),
        ({"OWNER_IDS": "[1, 2"}, "error parsing value for field owner_ids"),
    ],
)
def test_a_bad_setting_is_one_line_naming_it(
    tmp_path: Path, env: dict[str, str], expected: str
) -> None:
    """These were pydantic validation tracebacks."""
    line = _one_line(_run(tmp_path, **env))
    assert line.startswith("cannot start: bad setting: ")
    assert expected in line


def test_a_start_without_sync_on_an_empty_database_is_one_line(tmp_path: Path) -> None:
    line = _one_line(_run(tmp_path, FACTS_SYNC_AT_START="false"))
    assert "the database holds no facts yet: run `briefbot facts sync`" in line


@pytest.mark.parametrize(
    ("env", "expected"),
    [
        (
            {"NOTIFY_SOCKET": "{socket}", "HEARTBEAT_SECONDS": "0"},
            "HEARTBEAT_SECONDS=0, but the service manager that set NOTIFY_SOCKET (systemd's"
            " Type=notify, podman's --sdnotify=container) waits for the READY=1",
        ),
        (
            {"WATCHDOG_USEC": "90000000", "HEARTBEAT_SECONDS": "60"},
            "HEARTBEAT_SECONDS=60 does not fit systemd's watchdog (WatchdogSec=90):"
            " beats must come at least twice in it; set at most 45",
        ),
    ],
)
def test_a_heartbeat_that_systemd_s_watchdog_would_not_trust_is_one_line(
    tmp_path: Path, env: dict[str, str], expected: str
) -> None:
    """Before, the first started a restart loop (READY=1 never came), and the second
    got a healthy bot killed by the watchdog after its first late beat."""
    listener = socket.socket(socket.AF_UNIX, socket.SOCK_DGRAM)  # systemd's, listening
    listener.bind(str(tmp_path / "notify"))
    with listener:
        env = {name: value.format(socket=tmp_path / "notify") for name, value in env.items()}
        line = _one_line(_run(tmp_path, HEALTH_MAX_AGE_SECONDS="120", **env))
    assert f"cannot start: {expected}" in line
