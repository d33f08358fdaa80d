"""Logging through discord.py's handler, with the tokens redacted from every record,
as text or as one JSON object a line (`LOG_FORMAT`).

discord.py redacts nothing itself: at DEBUG level it logs gateway payloads and the
address of every webhook and interaction request (an interaction's token is in its
callback address, and lets anyone answer or edit in its name for 15 minutes), and an
exception can carry the token in its message. The filter sits on the handlers, so it
sees every record that reaches them, from any logger.

Colours only for a person at a terminal: discord.py turns them on in any container
as well, so `docker logs` and log files were full of escape codes.
"""

from __future__ import annotations

import logging
import os
import re
import sys
from typing import Literal, TextIO

import discord

__all__ = ["LOG_FORMATS", "REDACTED", "LogFormat", "RedactSecrets", "setup_logging"]

LogFormat = Literal["text", "json"]
LOG_FORMATS: tuple[LogFormat, ...] = ("text", "json")
# discord.py's own plain layout, for files and containers.
TEXT_LAYOUT = "[{asctime}] [{levelname:<8}] {name}: {message}"
TEXT_DATES = "%Y-%m-%d %H:%M:%S"

REDACTED = "[redacted]"
# /webhooks/<id>/<token> and /interactions/<id>/<token>, however the path goes on.
_TOKEN_IN_PATH = re.compile(r"(/(?:webhooks|interactions)/[0-9]+/)[^/?#\s'\"]+")


class RedactSecrets(logging.Filter):
    """Replace each secret, and each token in a webhook or interaction address, in a
    record's message and traceback."""

    def __init__(self, secrets: list[str]) -> None:
        super().__init__()
        self._secrets = [secret for secret in secrets if secret]

    def _clean(self, text: str) -> str:
        for secret in self._secrets:
            text = text.replace(secret, REDACTED)
        return _TOKEN_IN_PATH.sub(rf"\g<1>{REDACTED}", text)

    def filter(self, record: logging.LogRecord) -> bool:
        """Rewrite the record in place; never drop it."""
        message = record.getMessage()
        cleaned = self._clean(message)
        if cleaned != message:
            record.msg, record.args = cleaned, ()
        if record.exc_info and not record.exc_text:
            record.exc_text = logging.Formatter().formatException(record.exc_info)
        if record.exc_text:
            record.exc_text = self._clean(record.exc_text)
            # Formatters print exc_text when there is no exc_info; with it, the JSON
            # formatter would format the traceback again, secrets and all.
            record.exc_info = None
        if record.stack_info:
            record.stack_info = self._clean(record.stack_info)
        return True


def _wants_colour(stream: TextIO) -> bool:
    """Whether a person reads `stream` at a terminal that shows colours."""
    if os.environ.get("NO_COLOR") or os.environ.get("TERM") == "dumb":
        return False
    return hasattr(stream, "isatty") and stream.isatty()


def _formatter(log_format: LogFormat, stream: TextIO) -> logging.Formatter | None:
    """The records' layout; None for discord.py's coloured one."""
    if log_format == "json":
        from pythonjsonlogger.json import JsonFormatter

        return JsonFormatter(
            "{asctime}{levelname}{name}{message}",
            style="{",
            datefmt="%Y-%m-%dT%H:%M:%S%z",
            rename_fields={"asctime": "time", "levelname": "level", "name": "logger"},
        )
    if _wants_colour(stream):
        return None
    return logging.Formatter(TEXT_LAYOUT, TEXT_DATES, style="{")


def setup_logging(
    level: str, secrets: list[str], log_format: LogFormat = "text", stream: TextIO | None = None
) -> None:
    """Configure the root logger with one handler to `stream` (standard error), in
    `log_format`, and the redacting filter."""
    root = logging.getLogger()
    for handler in list(root.handlers):
        root.removeHandler(handler)  # e.g. the CLI's plain handler: one line per record
    out = stream or sys.stderr
    handler = logging.StreamHandler(out)
    numeric = logging.getLevelName(level.upper())
    formatter = _formatter(log_format, out)
    if formatter is None:  # discord.py picks its coloured layout itself
        discord.utils.setup_logging(handler=handler, level=numeric, root=True)
    else:
        discord.utils.setup_logging(handler=handler, formatter=formatter, level=numeric, root=True)
    # alembic logs each plugin it sets up at INFO on every migration; the database
    # logs the one line that matters (which revision it migrated to), at DEBUG.
    logging.getLogger("alembic").setLevel(max(logging.WARNING, logging.getLogger().level))
    redactor = RedactSecrets(secrets)
    for handler in logging.getLogger().handlers:
        handler.addFilter(redactor)
