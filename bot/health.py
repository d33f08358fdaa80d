"""Is a bot process alive? The heartbeat file it writes, and the check that reads it.

While its gateway connection is up (every shard it runs has its heartbeat
acknowledged) and its database answers, the bot writes a small JSON file every
`HEARTBEAT_SECONDS`; under systemd the same beat pings the unit's watchdog.
`briefbot health` exits 0 only if the database answers now and takes a write, and
that file is recent (neither stale nor from the future), so a container's health
check and an operator judge by the same signal.

Nothing here imports discord.py: `briefbot health` runs every few seconds and should
start fast.
"""

from __future__ import annotations

import datetime as dt
import errno
import os
import socket
import stat
from collections.abc import Mapping, Sequence
from pathlib import Path

from pydantic import AwareDatetime, BaseModel, ValidationError

from briefings.atomic_files import write_atomically
from briefings.errors import StorageError
from briefings.storage import Database, checked_url, default_url, describe_url

__all__ = [
    "HealthReport",
    "Heartbeat",
    "check_health",
    "heartbeat_path",
    "notify_systemd",
    "watchdog_problem",
    "write_heartbeat",
]

# A beat is some 100 bytes; a file much longer than this is not one, and is not read.
MAX_BEAT_BYTES = 4096
# The bot and the check read one clock; a beat ahead of it by more than a rounding
# means the clock was set back, or a beat from another machine's clock.
CLOCK_SKEW = dt.timedelta(seconds=2)
# How long the check's write (and each statement) may wait on another's lock: a
# migration or a sync may hold it for minutes; a container gives the whole check 15 s.
WRITE_WAIT_SECONDS = 3.0


class Heartbeat(BaseModel):
    """What the bot writes on each beat."""

    at: AwareDatetime
    pid: int
    shards: list[int]  # the shards this process runs; [0] when unsharded
    latency_ms: float  # the slowest shard's last gateway round trip


class HealthReport(BaseModel):
    """The outcome of a health check: one line for the operator."""

    ok: bool
    line: str


def heartbeat_path(data_dir: Path, shard_ids: Sequence[int] | None) -> Path:
    """One file per process: processes with different shards may share `data_dir`."""
    if not shard_ids:
        return data_dir / "heartbeat.json"
    return data_dir / f"heartbeat-shards-{'-'.join(str(s) for s in sorted(shard_ids))}.json"


def write_heartbeat(path: Path, beat: Heartbeat) -> None:
    """Replace the file in one step, so a reader never sees half a beat."""
    path.parent.mkdir(parents=True, exist_ok=True)
    write_atomically(path, beat.model_dump_json().encode())


def notify_systemd(state: str) -> bool:
    """Tell systemd `state` (READY=1, WATCHDOG=1, STOPPING=1) when it is listening.

    The protocol is one datagram to the socket named in NOTIFY_SOCKET; without that
    variable (not run by systemd, or not Type=notify) nothing is sent.
    """
    address = os.environ.get("NOTIFY_SOCKET")
    if not address:
        return False
    if address.startswith("@"):  # an abstract socket
        address = "\0" + address[1:]
    try:
        with socket.socket(socket.AF_UNIX, socket.SOCK_DGRAM) as sender:
            sender.connect(address)
            sender.sendall(state.encode())
    except OSError:  # systemd went away or the socket is not ours: nothing to tell
        return False
    return True


def _database_line(database_url: str | None, data_dir: Path, write_wait: float) -> tuple[bool, str]:
    try:
        url = checked_url(database_url or default_url(data_dir))
    except StorageError as error:
        return False, str(error)
    database = Database(url, connect_timeout=write_wait, statement_timeout=write_wait)
    try:
        revision = database.ping()
        database.take_write(write_wait)
    except StorageError as error:
        return False, str(error)
    finally:
        database.dispose()
    return True, f"database {describe_url(url)} answers (schema {revision})"


def _read_beat(path: Path) -> bytes:
    """The file's first bytes; never blocks on a pipe or a device put in its place."""
    descriptor = os.open(path, os.O_RDONLY | os.O_NONBLOCK)
    with os.fdopen(descriptor, "rb") as file:
        if not stat.S_ISREG(os.fstat(descriptor).st_mode):
            raise OSError(errno.EINVAL, "not a regular file")
        return file.read(MAX_BEAT_BYTES)


def _heartbeat_line(path: Path, now: dt.datetime, max_age: dt.timedelta) -> tuple[bool, str]:
    try:
        beat = Heartbeat.model_validate_json(_read_beat(path))
    except FileNotFoundError:
        return False, f"no heartbeat at {path}: the bot has not connected yet, or runs elsewhere"
    except (OSError, ValidationError) as error:
        reason = error.strerror if isinstance(error, OSError) else "not a heartbeat"
        return False, f"heartbeat {path} unreadable: {reason}"
    age = now - beat.at
    seconds = round(age.total_seconds())
    if age < -CLOCK_SKEW:
        return (
            False,
            f"gateway heartbeat from the future ({-seconds} s ahead of this clock): "
            "the clock was set back, or the beat comes from another machine",
        )
    if age > max_age:
        return (
            False,
            f"last gateway heartbeat {seconds} s ago (limit {round(max_age.total_seconds())} s)",
        )
    return (
        True,
        f"gateway heartbeat {max(seconds, 0)} s ago, {beat.latency_ms:.0f} ms (pid {beat.pid})",
    )


def check_health(
    database_url: str | None,
    data_dir: Path,
    shard_ids: Sequence[int] | None,
    now: dt.datetime,
    max_age: dt.timedelta,
    write_wait: float = WRITE_WAIT_SECONDS,
) -> HealthReport:
    """Healthy when the database answers and takes a write within `write_wait`
    seconds, and this process's heartbeat is recent."""
    database_ok, database = _database_line(database_url, data_dir, write_wait)
    if not database_ok:
        return HealthReport(ok=False, line=f"unhealthy: {database}")
    beat_ok, beat = _heartbeat_line(heartbeat_path(data_dir, shard_ids), now, max_age)
    verdict = "healthy" if beat_ok else "unhealthy"
    return HealthReport(ok=beat_ok, line=f"{verdict}: {beat}; {database}")


def _listened(address: str) -> bool:
    """Whether a NOTIFY_SOCKET names a socket this process can reach. A host's socket
    path seen inside a container (`podman run --env-host`, where conmon sends READY=1
    itself) names nothing here, and nobody waits for the bot's READY=1 there."""
    if not address:
        return False
    if address.startswith("@"):  # an abstract socket: cannot be looked at, take it as heard
        return True
    try:
        return Path(address).is_socket()
    except OSError:
        return False


def watchdog_problem(heartbeat_seconds: float, environ: Mapping[str, str]) -> str | None:
    """What stops systemd from trusting this start's heartbeat, as one line, or None.

    Under `Type=notify` the first beat sends READY=1 and each beat WATCHDOG=1: with no
    beats, systemd restarts the bot at every start; with beats further apart than
    half the watchdog's time, one late beat gets a healthy bot killed."""
    if _listened(environ.get("NOTIFY_SOCKET", "")) and not heartbeat_seconds:
        return (
            "HEARTBEAT_SECONDS=0, but the service manager that set NOTIFY_SOCKET (systemd's"
            " Type=notify, podman's --sdnotify=container) waits for the READY=1 the first"
            " heartbeat sends, and restarts the bot without it: set it to 15"
        )
    usec, pid = environ.get("WATCHDOG_USEC", ""), environ.get("WATCHDOG_PID", "")
    if not usec.isdigit() or (pid and pid != str(os.getpid())):
        return None  # no watchdog, or another process's
    watchdog = int(usec) / 1_000_000
    if not heartbeat_seconds or heartbeat_seconds > watchdog / 2:
        return (
            f"HEARTBEAT_SECONDS={heartbeat_seconds:g} does not fit systemd's watchdog"
            f" (WatchdogSec={watchdog:g}): beats must come at least twice in it;"
            f" set at most {watchdog / 2:g}"
        )
    return None
