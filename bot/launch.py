"""The `briefbot` command's first module: the program is imported with the cyclic
garbage collector paused, and what the import made is then frozen out of its sight.

Importing the program makes some hundreds of thousands of objects (pydantic's
schemas, SQLAlchemy's and Jinja's machinery), none of them garbage, and the collector
would walk the growing heap again and again while they are made: 40 to 50 ms of a
280 ms `briefbot ask`. Frozen (`gc.freeze`), they are kept for the life of the process
and never walked again: not by a later collection, nor by the last one when the
process exits, which took another 40 ms. Garbage made after the import is collected
as usual, in the one-shot commands and in the long-running bot alike.

Only the standard library is imported here, before the pause.
"""

from __future__ import annotations

import gc

__all__ = ["main"]


def main(argv: list[str] | None = None) -> int:
    """Entry point of the `briefbot` console script: `bot.cli.main`, imported as above."""
    gc.disable()
    try:
        from bot.cli import main as run
    finally:
        gc.freeze()
        gc.enable()
    return run(argv)
