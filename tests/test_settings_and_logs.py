"""The token never shows: not in a repr, not in a log line, not in a traceback; logs
are text (coloured for a person at a terminal only) or JSON lines."""

from __future__ import annotations

import datetime as dt
import io
import json
import logging
from collections.abc import Iterator
from pathlib import Path

import discord
import pytest
from pydantic import ValidationError

from bot.logs import REDACTED, RedactSecrets, setup_logging
from bot.settings import Settings, load_settings, secret_folders

TOKEN = "MTIzNDU2Nzg5MDEyMzQ1Njc4.GhIjKl.abcdefghijklmnopqrstuvwxyz0123456789"


def test_token_is_secret_in_settings(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("DISCORD_TOKEN", TOKEN)
    settings = Settings(_env_file=None)
    assert settings.has_token
    assert TOKEN not in repr(settings)
    assert TOKEN not in str(settings.model_dump())
    assert settings.discord_token is not None
    assert settings.discord_token.get_secret_value() == TOKEN


def test_settings_read_dot_env(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.delenv("DISCORD_TOKEN", raising=False)
    (tmp_path / ".env").write_text(
        f"DISCORD_TOKEN={TOKEN}\nDEV_GUILD_ID=42\nOWNER_IDS=[1, 2]\n", encoding="utf-8"
    )
    settings = Settings(_env_file=tmp_path / ".env")
    assert settings.has_token
    assert settings.dev_guild_id == 42
    assert settings.owner_ids == frozenset({1, 2})


def test_blank_token_is_no_token(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("DISCORD_TOKEN", "  ")
    assert not Settings(_env_file=None).has_token


def _capture(logger: logging.Logger) -> io.StringIO:
    stream = io.StringIO()
    handler = logging.StreamHandler(stream)
    handler.setFormatter(logging.Formatter("%(levelname)s %(message)s"))
    handler.addFilter(RedactSecrets([TOKEN]))
    logger.addHandler(handler)
    return stream


def test_redaction_of_messages_arguments_and_tracebacks() -> None:
    logger = logging.getLogger("tests.redaction")
    logger.setLevel(logging.DEBUG)
    stream = _capture(logger)
    logger.debug("payload {'token': '%s'}", TOKEN)
    logger.info(f"inline {TOKEN}")
    try:
        raise RuntimeError(f"login failed for {TOKEN}")
    except RuntimeError:
        logger.exception("while connecting")
    text = stream.getvalue()
    assert TOKEN not in text
    assert text.count(REDACTED) == 3
    assert "RuntimeError: login failed for [redacted]" in text


def test_redaction_of_webhook_and_interaction_tokens() -> None:
    """discord.py's webhook code logs each request's address at DEBUG, and an
    interaction's token is part of it: anyone holding it may answer in the bot's name."""
    logger = logging.getLogger("discord.webhook.async_")
    logger.setLevel(logging.DEBUG)
    stream = _capture(logger)
    api = "https://discord.com/api/v10"
    token = "aW50ZXJhY3Rpb246MTQ1NjA3NDQ0Mzk4MDgwMDAxMDpBQkNERUZHSElKS0xNTk9Q"
    hook = "Xq3-vT_9kLmN0pQrStUvWxYz0123456789abcdefghijklmnopqrstuvwxyzABCDEF01"
    for url in (
        f"{api}/interactions/1456074443980800010/{token}/callback",
        f"{api}/webhooks/1456074443980800001/{token}/messages/@original",
        f"{api}/webhooks/1234567890/{hook}?wait=true",
    ):
        logger.debug("Webhook ID %s with %s %s has returned status code %s", 1456, "POST", url, 204)
    text = stream.getvalue()
    assert token not in text
    assert hook not in text
    assert f"/interactions/1456074443980800010/{REDACTED}/callback has returned" in text
    assert f"/webhooks/1456074443980800001/{REDACTED}/messages/@original" in text
    assert f"/webhooks/1234567890/{REDACTED}?wait=true" in text


def test_setup_logging_filters_every_root_handler() -> None:
    root = logging.getLogger()
    before = list(root.handlers)
    try:
        setup_logging("DEBUG", secrets=[TOKEN])
        assert len(root.handlers) == 1  # discord.py's, replacing any earlier one
        assert any(isinstance(f, RedactSecrets) for f in root.handlers[0].filters)
    finally:
        for handler in list(root.handlers):
            root.removeHandler(handler)
        for handler in before:
            root.addHandler(handler)


@pytest.mark.parametrize(("level", "read"), [("debug", "DEBUG"), (" Warning ", "WARNING")])
def test_log_levels_are_names_in_any_case(
    monkeypatch: pytest.MonkeyPatch, level: str, read: str
) -> None:
    monkeypatch.setenv("LOG_LEVEL", level)
    assert Settings(_env_file=None).log_level == read


@pytest.fixture
def restored_root() -> Iterator[logging.Logger]:
    root = logging.getLogger()
    before, level = list(root.handlers), root.level
    yield root
    for handler in list(root.handlers):
        root.removeHandler(handler)
    for handler in before:
        root.addHandler(handler)
    root.setLevel(level)


def _boom() -> None:
    raise RuntimeError(f"refused token {TOKEN}")


def test_json_logs_are_one_object_a_line_with_secrets_redacted(
    restored_root: logging.Logger,
) -> None:
    out = io.StringIO()
    setup_logging("INFO", secrets=[TOKEN], log_format="json", stream=out)
    log = logging.getLogger("briefbot.test")
    log.info("connected as %s", "briefbot#0001")
    try:
        _boom()
    except RuntimeError:
        log.exception("login failed with %s", TOKEN)
    first, second = (json.loads(line) for line in out.getvalue().splitlines())
    assert first["level"] == "INFO"
    assert first["logger"] == "briefbot.test"
    assert first["message"] == "connected as briefbot#0001"
    assert dt.datetime.strptime(first["time"], "%Y-%m-%dT%H:%M:%S%z")
    assert second["message"] == f"login failed with {REDACTED}"
    assert "RuntimeError: refused token [redacted]" in second["exc_info"]
    assert TOKEN not in out.getvalue()


def test_text_logs_have_no_colour_codes_in_a_container_or_a_file(
    restored_root: logging.Logger, monkeypatch: pytest.MonkeyPatch
) -> None:
    # discord.py colours any stream when it thinks it runs in a container.
    monkeypatch.setattr(discord.utils, "is_docker", lambda: True)
    out = io.StringIO()
    setup_logging("INFO", secrets=[TOKEN], stream=out)
    logging.getLogger("briefbot.test").warning("the watcher's round stopped")
    line = out.getvalue()
    assert "\x1b[" not in line
    assert line.endswith("WARNING ] briefbot.test: the watcher's round stopped\n")


class _Terminal(io.StringIO):
    def isatty(self) -> bool:
        return True


def test_a_person_at_a_terminal_gets_colours_unless_no_color_is_set(
    restored_root: logging.Logger, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.delenv("NO_COLOR", raising=False)
    monkeypatch.setenv("TERM", "xterm-256color")
    terminal = _Terminal()
    setup_logging("INFO", secrets=[], stream=terminal)
    logging.getLogger("briefbot.test").info("hello")
    assert "\x1b[" in terminal.getvalue()
    monkeypatch.setenv("NO_COLOR", "1")
    plain = _Terminal()
    setup_logging("INFO", secrets=[], stream=plain)
    logging.getLogger("briefbot.test").info("hello")
    assert "\x1b[" not in plain.getvalue()


def test_an_unknown_log_format_is_refused_in_one_line() -> None:
    assert Settings(_env_file=None, log_format=" JSON ").log_format == "json"
    with pytest.raises(ValidationError, match="'xml' is not text or json"):
        Settings(_env_file=None, log_format="xml")


def test_secrets_come_from_systemd_s_credentials_or_docker_s_secrets(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    for name in ("DISCORD_TOKEN", "DATABASE_URL", "CREDENTIALS_DIRECTORY"):
        monkeypatch.delenv(name, raising=False)
    monkeypatch.chdir(tmp_path)  # no .env here
    credentials = tmp_path / "credentials"
    credentials.mkdir()
    (credentials / "discord_token").write_text(f"{TOKEN}\n", encoding="utf-8")
    (credentials / "database_url").write_text("sqlite:///elsewhere.sqlite3", encoding="utf-8")
    assert not load_settings().has_token  # no folder named: nothing read
    monkeypatch.setenv("CREDENTIALS_DIRECTORY", str(credentials))
    settings = load_settings()
    assert settings.discord_token is not None
    assert settings.discord_token.get_secret_value() == TOKEN  # the newline dropped
    assert settings.database_url == "sqlite:///elsewhere.sqlite3"
    # An environment variable still wins over a file.
    monkeypatch.setenv("DATABASE_URL", "sqlite:///env.sqlite3")
    assert load_settings().database_url == "sqlite:///env.sqlite3"


def test_only_secret_folders_that_exist_are_read(tmp_path: Path) -> None:
    assert secret_folders({"CREDENTIALS_DIRECTORY": str(tmp_path / "gone")}) == [
        folder for folder in [Path("/run/secrets")] if folder.is_dir()
    ]
    assert secret_folders({"CREDENTIALS_DIRECTORY": str(tmp_path)})[-1] == tmp_path


def test_systemd_s_credential_wins_over_a_docker_secret(tmp_path: Path) -> None:
    """Before, the folders went to pydantic-settings systemd's first, and of two
    folders holding a setting it keeps the last: /run/secrets overrode the unit's
    credential."""
    credentials, docker = tmp_path / "credentials", tmp_path / "secrets"
    for folder, token in ((credentials, TOKEN), (docker, "left-from-a-container")):
        folder.mkdir()
        (folder / "discord_token").write_text(token, encoding="utf-8")
    folders = secret_folders(
        {"CREDENTIALS_DIRECTORY": str(credentials)}, ("${CREDENTIALS_DIRECTORY}", str(docker))
    )
    settings = Settings(_env_file=None, _secrets_dir=folders)
    assert settings.discord_token is not None
    assert settings.discord_token.get_secret_value() == TOKEN
