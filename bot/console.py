"""The offline console: the same answers as the Discord bot, typed at a terminal."""

from __future__ import annotations

import logging
from collections.abc import Callable, Iterable
from typing import TextIO

from briefings.answers import Answerer
from briefings.rendering import Renderer

__all__ = ["PROMPT", "answer_text", "run_console"]

log = logging.getLogger(__name__)

PROMPT = "briefbot> "
_QUIT = {"quit", "exit", ":q"}


def answer_text(answerer: Answerer, renderer: Renderer, command: str) -> str:
    """One command's whole reply as plain text; a failure of the program is apologised for."""
    try:
        return renderer.text(answerer.answer(command))
    except Exception:
        log.exception("answering %r failed", command)
        return "Sorry, something went wrong answering that. The error has been logged.\n"


def run_console(
    answerer: Answerer,
    lines: Iterable[str],
    out: TextIO,
    prompt: Callable[[], None] | None = None,
) -> None:
    """Answer each line until end of input or `quit`."""
    renderer = Renderer()
    if prompt:
        prompt()
    for raw in lines:
        command = raw.strip()
        if command.lower() in _QUIT:
            break
        if command:
            out.write(answer_text(answerer, renderer, command))
            out.write("\n")
            out.flush()
        if prompt:
            prompt()
