"""The offline console: the same answers as the Discord bot, typed at a terminal."""

from __future__ import annotations

import contextlib
import importlib
import logging
from collections.abc import Generator, Iterable
from pathlib import Path
from types import ModuleType
from typing import TextIO

from briefings.answers import Answerer
from briefings.rendering import Renderer
from briefings.replies import ReplyKind

__all__ = ["PROMPT", "answer_text", "answer_with_outcome", "run_console", "terminal_lines"]

log = logging.getLogger(__name__)

PROMPT = "briefbot> "
_QUIT = {"quit", "exit", ":q"}
HISTORY_LENGTH = 1000  # lines kept between sessions; a console is not a log


APOLOGY = "Sorry, something went wrong answering that. The error has been logged.\n"
# Replies that answer nothing: the command or its arguments were not understood, or
# no one in the sources matches the name asked for.
UNANSWERED: frozenset[ReplyKind] = frozenset({"usage", "not-found"})


def answer_text(answerer: Answerer, renderer: Renderer, command: str) -> str:
    """One command's whole reply as plain text; a failure of the program is apologised for."""
    return answer_with_outcome(answerer, renderer, command)[0]


def answer_with_outcome(answerer: Answerer, renderer: Renderer, command: str) -> tuple[str, bool]:
    """One command's whole reply as plain text, and whether it answered the question
    (not a usage note, a name found in no source or an apology)."""
    try:
        reply = answerer.answer(command)
        return renderer.text(reply), reply.kind not in UNANSWERED
    except Exception:
        log.exception("answering %r failed", command)
        return APOLOGY, False


def run_console(answerer: Answerer, lines: Iterable[str], out: TextIO) -> None:
    """Answer each line until end of input or `quit`."""
    renderer = Renderer()
    for raw in lines:
        command = raw.strip()
        if command.lower() in _QUIT:
            break
        if command:
            out.write(answer_text(answerer, renderer, command))
            out.write("\n")
            out.flush()


def terminal_lines(history: Path, out: TextIO) -> Generator[str, None, None]:
    """Lines typed at a terminal, with readline's line editing and the history kept in
    `history` (read at the start, written at the end). Ctrl-D and Ctrl-C at the prompt
    end the input with one line on `out` rather than a traceback."""
    editing = _readline()
    if editing is not None:
        # A first session, or a history that cannot be read, starts empty.
        with contextlib.suppress(OSError):
            editing.read_history_file(history)
        editing.set_history_length(HISTORY_LENGTH)
    try:
        while True:
            try:
                yield input(PROMPT)
            except EOFError:  # Ctrl-D
                out.write("\nEnd of input: closing the console.\n")
                return
            except KeyboardInterrupt:  # Ctrl-C at the prompt
                out.write("\nInterrupted: closing the console.\n")
                return
    finally:
        if editing is not None:
            _write_history(editing, history)


def _readline() -> ModuleType | None:
    """The readline module where Python has one (not every platform's build does); once
    imported, `input()` edits lines with it."""
    try:
        return importlib.import_module("readline")
    except ImportError:
        return None


def _write_history(editing: ModuleType, history: Path) -> None:
    """Keep the history for the next session; a folder that cannot take it only costs it."""
    try:
        history.parent.mkdir(parents=True, exist_ok=True, mode=0o700)
        editing.write_history_file(history)
    except OSError as error:
        log.warning("console history not kept in %s: %s", history, error.strerror or error)
