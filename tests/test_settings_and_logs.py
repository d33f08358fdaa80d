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
