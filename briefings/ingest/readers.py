"""Reading fetched pages and feeds off the event loop, in worker processes that are
killed past a time limit.

trafilatura took 90 s over a 2 MiB page of tiny paragraphs, and feedparser takes
seconds over a 50,000-item feed: on the event loop either stops the bot (past
Discord's heartbeat and the unit's watchdog). A thread would free the loop but cannot
be stopped, so a hostile page would keep a core for as long as it liked, and every
poll would start another; bounding the input instead would need a bound for every
slow path of two libraries. A process can be killed: so each document is read in a
worker process, given `time_limit` seconds, and killed past that (the next read
starts a fresh one). Its memory is its own too, and bounded (`MEMORY_LIMIT`): a page
that would take more fails alone, as too large to read, and a worker that ran out or
grew large ends after its answer (its heap stays grown and in pieces: a feed of 50,000
items read after 2 MiB of tiny paragraphs failed in it for want of memory).

Workers are spawned, not forked (the bot has threads), and kept for the next read:
each imports trafilatura and feedparser once (about 0.75 s), before its clock starts.
At most `size` read at a time; a worker whose parent dies reads the end of its pipe
and exits.
"""

from __future__ import annotations

import asyncio
import contextlib
import logging
import multiprocessing
import queue
import re
from dataclasses import dataclass
from multiprocessing.connection import Connection
from multiprocessing.process import BaseProcess
from pathlib import Path
from typing import Any, Literal, cast

from briefings.fetching import Fetched, FetchError
from briefings.ingest.web import FeedItem, WebPage, feed_items, page_text

__all__ = ["READ_SECONDS", "Readers"]

log = logging.getLogger(__name__)

READ_SECONDS = 20.0  # a real article reads in well under a second, a big feed in a few
START_SECONDS = 60.0  # for a worker to import its libraries, on a loaded machine
# A worker's address space, so that no worker passes 200 MiB resident. Measured
# (resident, at the peak): imported, 44 MiB; after its first page, 78 (trafilatura's
# fallback loads justext's stop words of every language, 33 MiB, once); news pages of
# 90 to 180 KiB and 1,600 to 4,800 elements, 79 to 83; a 2 MiB live blog of 40,000
# elements, 117 (126 of address space); a feed of 50,000 items, 88; the costliest
# shape of 50,000 elements (`MAX_ELEMENTS`, past which a page is refused unread), 158.
MEMORY_LIMIT = 192 * 1024 * 1024
# A worker whose resident peak passed this share of its limit (128 MiB of 192) ends
# after its answer: the heap it grew stays with it (one that had read 2 MiB live blogs
# and 49,000-element pages stayed at 156 MiB between reads, against 80 after news
# pages), and its next page would start from there. A new one costs the imports, about
# 0.75 s, after a rare heavy page.
RETIRE_SHARE = 2 / 3
_READY = "ready"

Kind = Literal["page", "feed"]
Answer = tuple[bool, Any]  # (True, what was read) or (False, the one line saying why not)
Reply = tuple[bool, Any, bool]  # the answer, and whether the worker ends after it


def _serve(connection: Connection, memory_limit: int = MEMORY_LIMIT) -> None:
    """A worker's life: read each document sent, send back what it holds or why not,
    until the pipe is closed, or until it has run out of memory or grown large."""
    import resource

    import feedparser  # noqa: F401  (imported before the time limit starts)
    import trafilatura  # noqa: F401

    # A sandbox may forbid setting limits (systemd's SystemCallFilter=~@resources):
    # the worker then reads within the service's own memory bound, not its own.
    with contextlib.suppress(OSError):
        resource.setrlimit(resource.RLIMIT_AS, (memory_limit, memory_limit))
    connection.send(_READY)
    while True:
        try:
            kind, fetched = connection.recv()
        except EOFError:
            return
        read, answer, out_of_memory = _read(kind, fetched)
        ends = out_of_memory or _resident_peak() > memory_limit * RETIRE_SHARE
        connection.send((read, answer, ends))
        if ends:
            return


def _resident_peak() -> int:
    """This process's resident peak in bytes (0 where /proc does not say). Not
    `ru_maxrss`: a spawned process's counts the parent's resident memory at its fork,
    so every worker of a 250 MiB process would end after every page."""
    try:
        status = Path("/proc/self/status").read_text()
    except OSError:
        return 0
    found = re.search(r"^VmHWM:\s+(\d+) kB", status, re.MULTILINE)
    return int(found[1]) * 1024 if found else 0


def _read(kind: Kind, fetched: Fetched) -> Reply:
    try:
        if kind == "page":
            return True, page_text(fetched), False
        title, items = feed_items(fetched)
        # As plain tuples: unpickling 50,000 dataclasses holds the parent's GIL (and so
        # its event loop) a quarter of a second, tuples a sixteenth.
        items_read = [(item.guid, item.link, item.title, item.summary) for item in items]
        return True, (title, items_read), False
    except FetchError as error:
        return False, str(error), False
    except MemoryError:
        return False, f"{fetched.final_url} is too large to read", True
    except Exception as error:  # an extractor's defect met on a hostile page: its failure
        return False, f"{fetched.final_url} could not be read ({type(error).__name__})", False


@dataclass
class _Worker:
    process: BaseProcess
    connection: Connection

    def stop(self) -> None:
        """End the worker, whatever it is doing."""
        self.connection.close()
        self.process.kill()
        self.process.join(timeout=5)


class Readers:
    """Worker processes that make fetched documents into pages and feed items."""

    def __init__(
        self, size: int = 2, time_limit: float = READ_SECONDS, memory_limit: int = MEMORY_LIMIT
    ) -> None:
        self.size = size
        self.time_limit = time_limit
        self.memory_limit = memory_limit
        # A slot per worker that may run; None for one not started (or stopped). A
        # thread waits here for a free one: never the event loop. Last in, first out:
        # a worker already started is taken before a second is started.
        self._slots: queue.LifoQueue[_Worker | None] = queue.LifoQueue()
        for _ in range(size):
            self._slots.put(None)

    async def page(self, fetched: Fetched) -> WebPage:
        """The page to draft from (`page_text`); `FetchError` in one line if none."""
        return cast(WebPage, await self._answer("page", fetched))

    async def feed(self, fetched: Fetched) -> tuple[str, list[FeedItem]]:
        """The feed's title and items (`feed_items`); `FetchError` in one line if none."""
        title, items = await self._answer("feed", fetched)
        return title, await asyncio.to_thread(lambda: [FeedItem(*item) for item in items])

    async def _answer(self, kind: Kind, fetched: Fetched) -> Any:
        read, answer = await asyncio.to_thread(self._read, kind, fetched)
        if not read:
            raise FetchError(answer)
        return answer

    def _read(self, kind: Kind, fetched: Fetched) -> Answer:
        worker = self._slots.get()
        try:
            worker = worker or _start(self.memory_limit)
            worker.connection.send((kind, fetched))
            if worker.connection.poll(self.time_limit):
                read, answer, ends = cast(Reply, worker.connection.recv())
                if ends:
                    worker.stop()
                    worker = None
                return read, answer
            worker.stop()
            worker = None
            return False, f"{fetched.final_url} took longer than {self.time_limit:g} s to read"
        except (EOFError, OSError) as error:  # it died (out of memory, killed) or never began
            log.warning("a page reader stopped reading %s: %r", fetched.final_url, error)
            if worker is not None:
                worker.stop()
            worker = None
            return False, f"{fetched.final_url} could not be read: the reader stopped"
        finally:
            self._slots.put(worker)

    def close(self) -> None:
        """Stop the workers (those reading finish their document first)."""
        workers = [self._slots.get() for _ in range(self.size)]
        for worker in workers:
            if worker is not None:
                worker.stop()
            self._slots.put(None)


def _start(memory_limit: int) -> _Worker:
    """A new worker, once it has imported what it reads with."""
    context = multiprocessing.get_context("spawn")
    ours, theirs = context.Pipe()
    process = context.Process(
        target=_serve, args=(theirs, memory_limit), daemon=True, name="page-reader"
    )
    process.start()
    theirs.close()
    worker = _Worker(process, ours)
    if not ours.poll(START_SECONDS) or ours.recv() != _READY:
        worker.stop()
        raise OSError(f"a page reader did not start within {START_SECONDS:g} s")
    return worker
