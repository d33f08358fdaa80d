"""`deploy/` stays in step with the code: the unit, the image and the compose file run
what exists, with settings the bot accepts, from locks that match the tested one.

No container daemon or systemd runs here: these check what can be checked without
them. The image's install steps were run by hand in a clean venv.
"""

from __future__ import annotations

import re
import shutil
import subprocess
from pathlib import Path
from typing import Any

import pytest
import yaml

from bot.settings import Settings

ROOT = Path(__file__).resolve().parent.parent
DEPLOY = ROOT / "deploy"


def _unit() -> dict[str, list[str]]:
    """The unit's settings; a key may repeat (Environment=), so each maps to a list."""
    settings: dict[str, list[str]] = {}
    for line in (DEPLOY / "briefbot@.service").read_text(encoding="utf-8").splitlines():
        if "=" in line and not line.startswith(("#", "[")):
            key, _, value = line.partition("=")
            settings.setdefault(key.strip(), []).append(value.strip())
    return settings


def _pins(path: Path) -> dict[str, str]:
    text = path.read_text(encoding="utf-8")
    return dict(re.findall(r"^([A-Za-z0-9_.\-]+)==(\S+)", text, re.MULTILINE))


def test_the_unit_restarts_on_failure_and_is_watched_by_the_heartbeat() -> None:
    unit = _unit()
    assert unit["Type"] == ["notify"]  # READY=1 and WATCHDOG=1 come from the heartbeat
    assert unit["Restart"] == ["on-failure"]
    assert unit["ExecStart"][0].endswith("/briefbot run")
    assert "SHARD_IDS=%i" in unit["Environment"]
    watchdog = float(unit["WatchdogSec"][0])
    assert watchdog >= 3 * Settings(_env_file=None, heartbeat_seconds=15).heartbeat_seconds
    # An instance name such as briefbot@0-1 is a valid SHARD_IDS.
    assert Settings(_env_file=None, shard_count=4, shard_ids="0-1").shard_ids == [0, 1]


def test_the_unit_and_the_image_give_the_bot_a_private_cache_folder() -> None:
    """The home folder is out of reach in both (ProtectHome=, /app owned by root): the
    cache folder is one the bot's user owns, made by systemd or by the image."""
    unit = _unit()
    assert unit["CacheDirectory"] == ["briefbot"]
    assert "BRIEFBOT_CACHE_DIR=%C/briefbot" in unit["Environment"]
    image = (DEPLOY / "Containerfile").read_text(encoding="utf-8")
    assert "mkdir -m 700 -p /var/cache/briefbot && chown briefbot /var/cache/briefbot" in image
    assert "BRIEFBOT_CACHE_DIR=/var/cache/briefbot" in image


def _compose() -> dict[str, Any]:
    loaded = yaml.safe_load((DEPLOY / "compose.yaml").read_text(encoding="utf-8"))
    assert isinstance(loaded, dict)
    return loaded


def test_the_compose_file_runs_two_bots_over_every_shard_once_on_one_postgresql() -> None:
    services = _compose()["services"]
    bots = {name: service for name, service in services.items() if name.startswith("bot")}
    assert len(bots) == 2
    shards: list[int] = []
    counts = set()
    for service in bots.values():
        environment = service["environment"]
        settings = Settings(
            _env_file=None,
            shard_count=environment["SHARD_COUNT"],
            shard_ids=environment["SHARD_IDS"],
        )
        assert settings.shard_ids is not None
        assert settings.shard_count is not None
        shards += settings.shard_ids
        counts.add(settings.shard_count)
        assert "@postgres/" in environment["DATABASE_URL"]
        assert service["depends_on"]["postgres"]["condition"] == "service_healthy"
        assert service["restart"] == "on-failure"
    (count,) = counts  # every process agrees on the shards of the whole bot
    assert sorted(shards) == list(range(count))  # each shard run exactly once
    assert "healthcheck" in services["postgres"]


def test_the_image_installs_from_the_hashed_locks_and_checks_health() -> None:
    containerfile = (DEPLOY / "Containerfile").read_text(encoding="utf-8")
    assert "--require-hashes" in containerfile
    assert "-r requirements/runtime.lock -r requirements/build.lock" in containerfile
    assert 'CMD ["briefbot", "health"]' in containerfile
    assert 'CMD ["briefbot", "run"]' in containerfile
    for folder in ("bot", "briefings", "templates", "seeds"):
        assert f"COPY {folder} {folder}" in containerfile


def test_the_image_locks_pin_what_the_tests_ran_with() -> None:
    tested = _pins(ROOT / "requirements.lock")
    for lock in ("runtime.lock", "build.lock"):
        pins = _pins(ROOT / "requirements" / lock)
        assert pins
        assert {name: tested.get(name) for name in pins} == pins, lock
    runtime = _pins(ROOT / "requirements" / "runtime.lock")
    for name in ("discord-py", "apscheduler", "sqlalchemy", "psycopg", "pydantic", "jinja2"):
        assert name in runtime


def _docker_pattern(pattern: str) -> re.Pattern[str]:
    """A .dockerignore pattern as Docker reads it: `*` and `?` within one name, `**`
    across names, a leading `**/` also matching nothing."""
    pattern = pattern.strip("/")
    out = ""
    index = 0
    while index < len(pattern):
        if pattern.startswith("**/", index):
            out, index = out + "(?:.*/)?", index + 3
        elif pattern.startswith("**", index):
            out, index = out + ".*", index + 2
        elif pattern[index] == "*":
            out, index = out + "[^/]*", index + 1
        elif pattern[index] == "?":
            out, index = out + "[^/]", index + 1
        else:
            out, index = out + re.escape(pattern[index]), index + 1
    return re.compile(out)


def _ignored(path: str, patterns: list[tuple[bool, re.Pattern[str]]]) -> bool:
    """Docker's rule: the last pattern that matches the path or a folder above it
    decides, and `!` lets the path back in."""
    names = path.split("/")
    above = ["/".join(names[:count]) for count in range(1, len(names) + 1)]
    ignored = False
    for let_in, pattern in patterns:
        if any(pattern.fullmatch(candidate) for candidate in above):
            ignored = not let_in
    return ignored


def _dockerignore() -> list[tuple[bool, re.Pattern[str]]]:
    patterns = []
    for line in (ROOT / ".dockerignore").read_text(encoding="utf-8").splitlines():
        line = line.strip()
        if line and not line.startswith("#"):
            let_in = line.startswith("!")
            patterns.append((let_in, _docker_pattern(line.removeprefix("!"))))
    return patterns


def test_the_build_context_holds_what_the_image_copies_and_no_secret() -> None:
    patterns = _dockerignore()
    for secret in (".env", "deploy/.env", ".venv/bin/python", ".git/config", "var/bot.sqlite3"):
        assert _ignored(secret, patterns), secret
    assert _ignored("briefings/__pycache__/store.cpython-311.pyc", patterns)
    image = (DEPLOY / "Containerfile").read_text(encoding="utf-8")
    copied = [
        source
        for line in image.splitlines()
        if line.startswith("COPY ")
        for source in line.split()[1:-1]
    ]
    assert "briefings" in copied
    for source in copied:
        assert not _ignored(source, patterns), source
    assert not _ignored("briefings/queries/status.py", patterns)
    assert not _ignored("templates/briefings/default/digest.j2", patterns)


@pytest.mark.skipif(shutil.which("systemd-analyze") is None, reason="no systemd here")
def test_the_unit_verifies_and_is_rated_safe_by_systemd(tmp_path: Path) -> None:
    """`systemd-analyze security` rated the unit 7.1 (MEDIUM) before its hardening."""
    unit = (DEPLOY / "briefbot@.service").read_text(encoding="utf-8")
    instance = tmp_path / "briefbot@0-1.service"
    instance.write_text(unit, encoding="utf-8")
    assert _exposure(instance) <= 1.5
    # The installed command does not exist here; everything else in the unit must.
    instance.write_text(
        re.sub(r"^ExecStart=.*$", "ExecStart=/bin/true", unit, flags=re.MULTILINE),
        encoding="utf-8",
    )
    verified = subprocess.run(
        ["systemd-analyze", "verify", str(instance)],
        capture_output=True,
        text=True,
        check=False,
        timeout=60,
    )
    assert (verified.returncode, verified.stderr) == (0, "")


def test_the_compose_file_has_no_default_database_password() -> None:
    environment = _compose()["services"]["postgres"]["environment"]
    assert environment["POSTGRES_PASSWORD"].startswith("${POSTGRES_PASSWORD:?")
    for name, service in _compose()["services"].items():
        if name.startswith("bot"):
            assert ":${POSTGRES_PASSWORD:?" in service["environment"]["DATABASE_URL"]


def test_the_image_runs_as_a_numbered_user_with_matplotlib_s_folder_kept() -> None:
    image = (DEPLOY / "Containerfile").read_text(encoding="utf-8")
    (user,) = re.findall(r"^USER (\S+)$", image, flags=re.MULTILINE)
    assert re.fullmatch(r"[1-9]\d*:[1-9]\d*", user)  # a number, never root's 0
    assert "--uid 10001 --gid 10001" in image
    assert "MPLCONFIGDIR=/var/cache/briefbot/matplotlib" in image
    assert "MPLCONFIGDIR=%C/briefbot/matplotlib" in _unit()["Environment"]


def _exposure(unit: Path) -> float:
    """`systemd-analyze security`'s overall exposure of the unit file (0 to 10)."""
    rated = subprocess.run(
        ["systemd-analyze", "security", "--offline=yes", str(unit)],
        capture_output=True,
        text=True,
        check=False,
        timeout=60,
    )
    found = re.search(r"Overall exposure level for \S+: (\d+\.\d+)", rated.stdout)
    assert found, rated.stdout + rated.stderr
    return float(found.group(1))


def _verified_units(tmp_path: Path, *names: str) -> list[Path]:
    """The units copied where systemd-analyze may read them, each ExecStart made one
    that exists here (the installed command does not)."""
    copies = []
    for name in names:
        text = (DEPLOY / name).read_text(encoding="utf-8")
        copy = tmp_path / name
        copy.write_text(
            re.sub(r"^ExecStart=.*$", "ExecStart=/bin/true", text, flags=re.MULTILINE),
            encoding="utf-8",
        )
        copies.append(copy)
    return copies


def test_the_backup_runs_daily_into_its_own_folder_and_keeps_two_weeks() -> None:
    text = (DEPLOY / "briefbot-backup.service").read_text(encoding="utf-8")
    assert "ExecStart=/opt/briefbot/.venv/bin/briefbot backup /var/lib/briefbot-backups\n" in text
    assert "StateDirectory=briefbot briefbot-backups\n" in text
    assert "-mtime +14 -delete" in text
    timer = (DEPLOY / "briefbot-backup.timer").read_text(encoding="utf-8")
    assert "Persistent=true" in timer
    assert "OnCalendar=*-*-* 03:30:00 UTC" in timer
    backup = _compose()["services"]["backup"]
    assert backup["command"] == ["briefbot", "backup", "/backups"]
    assert backup["profiles"] == ["backup"]
    assert backup["restart"] == "no"
    assert backup["environment"]["DATABASE_URL"].endswith("@postgres/briefbot")


@pytest.mark.skipif(shutil.which("systemd-analyze") is None, reason="no systemd here")
def test_the_backup_units_verify_and_are_rated_safe(tmp_path: Path) -> None:
    service, timer = _verified_units(tmp_path, "briefbot-backup.service", "briefbot-backup.timer")
    verified = subprocess.run(
        ["systemd-analyze", "verify", str(service), str(timer)],
        capture_output=True,
        text=True,
        check=False,
        timeout=60,
    )
    assert (verified.returncode, verified.stderr) == (0, "")
    assert _exposure(service) <= 1.5


def test_both_bots_and_the_backup_run_one_image_built_once() -> None:
    """Before, each bot service built an image of its own from the same sources."""
    services = _compose()["services"]
    runs_briefbot = {
        name: service
        for name, service in services.items()
        if name.startswith("bot") or name == "backup"
    }
    assert len({service["image"] for service in runs_briefbot.values()}) == 1
    builders = [name for name, service in services.items() if "build" in service]
    assert builders == ["bot-1"]
    assert services["bot-1"]["pull_policy"] == "build"
    assert all(
        service["pull_policy"] == "never"
        for name, service in runs_briefbot.items()
        if name != "bot-1"
    )


def test_the_base_image_is_one_argument_pinned_by_digest_or_told_how() -> None:
    image = (DEPLOY / "Containerfile").read_text(encoding="utf-8")
    (base,) = re.findall(r"^ARG BASE=(\S+)$", image, flags=re.MULTILINE)
    assert re.findall(r"^FROM (\S+)$", image, flags=re.MULTILINE) == ["${BASE}"]
    if "@sha256:" not in base:  # a tag: the file must say how to pin it
        assert f"docker buildx imagetools inspect {base}" in image
