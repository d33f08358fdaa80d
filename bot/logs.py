"""Logging through discord.py's handler, with the tokens redacted from every record.

discord.py redacts nothing itself: at DEBUG level it logs gateway payloads and the
address of every webhook and interaction request (an interaction's token is in its
callback address, and lets anyone answer or edit in its name for 15 minutes), and an
exception can carry the token in its message. The filter sits on the handlers, so it
sees every record that reaches them, from any logger.
"""

from __future__ import annotations

import logging
import re

import discord

__all__ = ["REDACTED", "RedactSecrets", "setup_logging"]

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
        if record.stack_info:
            record.stack_info = self._clean(record.stack_info)
        return True


def setup_logging(level: str, secrets: list[str]) -> None:
    """Configure the root logger with discord.py's handler (only) and the redacting filter."""
    root = logging.getLogger()
    for handler in list(root.handlers):
        root.removeHandler(handler)  # e.g. the CLI's plain handler: one line per record
    discord.utils.setup_logging(level=logging.getLevelName(level.upper()), root=True)
    # alembic logs each plugin it sets up at INFO on every migration; the database
    # logs the one line that matters (which revision it migrated to), at DEBUG.
    logging.getLogger("alembic").setLevel(max(logging.WARNING, logging.getLogger().level))
    redactor = RedactSecrets(secrets)
    for handler in logging.getLogger().handlers:
        handler.addFilter(redactor)
