"""`deploy/` stays in step with the code: the unit, the image and the compose file run
what exists, with settings the bot accepts, from locks that match the tested one.

No container daemon or systemd runs here: these check what can be checked without
them. The image's install steps were run by hand in a clean venv.
"""

from __future__ import annotations

import json
import re
import shlex
import shutil
import subprocess
import tomllib
from pathlib import Path
from typing import Any

import pytest
import yaml

from bot.cli import main
from bot.settings import Settings
from briefings.resources import cache_dir

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


def test_the_unit_gives_the_bot_a_private_cache_folder() -> None:
    """The home folder is out of reach (ProtectHome=): the cache folder is one systemd
    makes for the bot's user."""
    unit = _unit()
    assert unit["CacheDirectory"] == ["briefbot"]
    assert "BRIEFBOT_CACHE_DIR=%C/briefbot" in unit["Environment"]


def _image() -> list[tuple[str, str]]:
    """The Containerfile's instructions, (keyword, arguments), continued lines joined."""
    text = (DEPLOY / "Containerfile").read_text(encoding="utf-8")
    joined = re.sub(r"\\\n\s*", " ", text)
    instructions = []
    for line in joined.splitlines():
        if line.strip() and not line.lstrip().startswith("#"):
            keyword, _, arguments = line.strip().partition(" ")
            instructions.append((keyword.upper(), arguments.strip()))
    return instructions


def _image_env() -> dict[str, str]:
    return {
        name: value
        for keyword, arguments in _image()
        if keyword == "ENV"
        for name, _, value in (pair.partition("=") for pair in shlex.split(arguments))
    }


def _image_shell() -> list[list[str]]:
    """Each command of the image's RUN steps, as words (`&&` separates them)."""
    commands: list[list[str]] = [[]]
    for keyword, arguments in _image():
        if keyword == "RUN":
            for word in shlex.split(arguments):
                if word == "&&":
                    commands.append([])
                else:
                    commands[-1].append(word)
            commands.append([])
    return [command for command in commands if command]


def test_every_folder_the_image_gives_the_bot_is_made_and_owned_by_its_user(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    """/app belongs to root: the data and cache folders the image's environment names
    (and matplotlib's, inside the cache) must be made for the user the bot runs as."""
    env = _image_env()
    (user,) = [arguments for keyword, arguments in _image() if keyword == "USER"]
    shell = _image_shell()
    (adding,) = [command for command in shell if command[0] == "useradd"]
    name, uid = adding[-1], adding[adding.index("--uid") + 1]
    assert user.split(":")[0] == uid
    made = {word for command in shell if command[0] == "mkdir" for word in command[1:]}
    owned = {command[2] for command in shell if command[:2] == ["chown", name]}
    for name, value in env.items():
        monkeypatch.setenv(name, value)
    for folder in (str(Settings(_env_file=None).data_dir), str(cache_dir())):
        assert folder in made, folder
        assert folder in owned, folder
    assert Path(env["MPLCONFIGDIR"]).parent == Path(env["BRIEFBOT_CACHE_DIR"])


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


def test_the_image_installs_only_hashed_pins_and_runs_commands_that_exist() -> None:
    """What a build or a start of the image would trip over: an install that resolves
    anything, a package folder left out, a command the CLI does not have."""
    (install,) = [c for c in _image_shell() if c[:2] == ["pip", "install"] and "-r" in c]
    assert "--require-hashes" in install
    locks = [install[index + 1] for index, word in enumerate(install) if word == "-r"]
    assert locks == ["requirements/runtime.lock", "requirements/build.lock"]
    assert all((ROOT / lock).is_file() for lock in locks)  # pip refuses a pin with no hash
    copied = {
        source
        for keyword, arguments in _image()
        if keyword == "COPY"
        for source in arguments.split()[:-1]
    }
    project = tomllib.loads((ROOT / "pyproject.toml").read_text(encoding="utf-8"))
    setuptools = project["tool"]["setuptools"]
    folders = {name.split(".")[0] for name in setuptools["packages"]}
    folders |= {folder.split("/")[0] for folder in setuptools["package-dir"].values()}
    assert folders <= copied
    scripts = project["project"]["scripts"]
    for keyword, arguments in _image():
        if keyword in ("CMD", "HEALTHCHECK"):
            program, *words = json.loads(arguments.partition("CMD ")[2] or arguments)
            assert program in scripts
            with pytest.raises(SystemExit) as exited:  # an unknown command exits 2
                main([*words, "--help"])
            assert exited.value.code == 0, words


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
    copied = [
        source
        for keyword, arguments in _image()
        if keyword == "COPY"
        for source in arguments.split()[:-1]
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


def test_the_image_runs_as_a_numbered_user_and_the_unit_keeps_matplotlib_s_folder() -> None:
    (user,) = [arguments for keyword, arguments in _image() if keyword == "USER"]
    assert re.fullmatch(r"[1-9]\d*:[1-9]\d*", user)  # a number, never root's 0
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


def test_the_base_image_is_one_argument_pinned_by_digest_and_says_how_to_move_it() -> None:
    image = (DEPLOY / "Containerfile").read_text(encoding="utf-8")
    (base,) = re.findall(r"^ARG BASE=(\S+)$", image, flags=re.MULTILINE)
    assert re.findall(r"^FROM (\S+)$", image, flags=re.MULTILINE) == ["${BASE}"]
    tag, digest = base.split("@sha256:")
    assert re.fullmatch(r"[0-9a-f]{64}", digest), base
    assert f"docker buildx imagetools inspect {tag}" in image
