"""The token never shows: not in a repr, not in a log line, not in a traceback."""

from __future__ import annotations

import io
import logging
from pathlib import Path

import pytest

from bot.logs import REDACTED, RedactSecrets, setup_logging
from bot.settings import Settings

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
