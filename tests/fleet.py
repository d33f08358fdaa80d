"""One bot process of a fleet, for the multi-process test: the real `BriefingService`
on a shared database, posting to a "Discord" that all the processes share.

Run as `python -m tests.fleet DATABASE_URL JOURNAL`. It reads commands on stdin and
answers each with one JSON line on stdout:

- `run ISO-TIME`: set the clock there and run what is due, as a sweep does;
  answers {"sent": n, "other": n}.
- `die-after K`: be killed by SIGKILL right after the K-th message this process
  makes from now on, as `kill -9` would right after Discord accepted it.
- `lose-every N`: hear a 503 for every N-th message this process makes from now on
  (0: none), as when Discord made the message and its response was lost.

"Discord" is a journal file: one line per message made (channel, nonce, time,
title). Every send takes an exclusive lock on it, reads what the other processes
wrote since, and honours Discord's nonce rule: a nonce seen within five minutes (on
the simulated clock) returns the message it made instead of a second one. Discord
keeps what it made when a process dies, and so does the journal.
"""

from __future__ import annotations

import asyncio
import datetime as dt
import fcntl
import json
import os
import signal
import sys
from pathlib import Path
from typing import TextIO

from briefings.loading import load_store
from briefings.replies import Reply
from briefings.storage import Database, PostStatus
from briefings.subscriptions import BriefingService, TransientSendError

__all__ = ["JournalDiscord", "read_journal"]

NONCE_WINDOW = dt.timedelta(minutes=5)


def read_journal(path: Path) -> list[tuple[int, str, dt.datetime, str]]:
    """Every message "Discord" holds: (channel, nonce, made at, title)."""
    if not path.exists():
        return []
    rows = []
    for line in path.read_text(encoding="utf-8").splitlines():
        channel, nonce, at, title = line.split("\t")
        rows.append((int(channel), nonce, dt.datetime.fromisoformat(at), title))
    return rows


class SimulatedClock:
    def __init__(self) -> None:
        self.current = dt.datetime(2000, 1, 1, tzinfo=dt.UTC)

    def now(self) -> dt.datetime:
        return self.current


class JournalDiscord:
    """The `Sender` of every process in the fleet: one page, one journal line."""

    def __init__(self, journal: Path, clock: SimulatedClock) -> None:
        self.journal = journal
        self.clock = clock
        self.made = 0
        self.die_after: int | None = None
        self.lose_every = 0
        self.known: dict[tuple[int, str], tuple[int, dt.datetime]] = {}
        self.lines = 0  # how many journal lines `known` has read
        self.offset = 0

    def page_count(self, reply: Reply) -> int:
        return 1

    def _catch_up(self, journal: TextIO) -> None:
        """Read the lines written since the last look, by any process."""
        journal.seek(self.offset)
        for line in journal.read().splitlines():
            channel, nonce, at, _ = line.split("\t")
            self.lines += 1
            self.known[(int(channel), nonce)] = (self.lines, dt.datetime.fromisoformat(at))
        self.offset = journal.tell()

    async def delivered(
        self, channel_id: int, reply: Reply, page: int, since: dt.datetime
    ) -> int | None:
        """The channel's history: a message with this title, made since `since`."""
        for number, (channel, _, at, title) in enumerate(read_journal(self.journal), 1):
            if (channel, title) == (channel_id, reply.title) and at >= since:
                return number
        return None

    async def send_page(
        self,
        channel_id: int,
        reply: Reply,
        page: int,
        nonce: str,
        ping_role_id: int | None = None,
    ) -> int:
        await asyncio.sleep(0)  # let the other sends of this process run in between
        now = self.clock.now()
        with self.journal.open("a+", encoding="utf-8") as journal:
            fcntl.flock(journal, fcntl.LOCK_EX)  # released when the file closes
            self._catch_up(journal)
            known = self.known.get((channel_id, nonce))
            if known is not None and now - known[1] <= NONCE_WINDOW:
                return known[0]  # Discord's answer to a nonce it has seen
            journal.write(f"{channel_id}\t{nonce}\t{now.isoformat()}\t{reply.title}\n")
            journal.flush()
            self._catch_up(journal)
            message_id = self.lines
        self.made += 1
        if self.die_after is not None and self.made >= self.die_after:
            os.kill(os.getpid(), signal.SIGKILL)
        if self.lose_every and self.made % self.lose_every == 0:
            raise TransientSendError("503 Service Unavailable (response lost)")
        return message_id


async def serve(url: str, journal: Path) -> None:
    clock = SimulatedClock()
    discord = JournalDiscord(journal, clock)
    database = Database(url)
    service = BriefingService(database, load_store(), discord, clock)
    print(json.dumps({"ready": os.getpid()}), flush=True)
    for line in sys.stdin:
        command, _, argument = line.strip().partition(" ")
        if command == "run":
            clock.current = dt.datetime.fromisoformat(argument)
            outcomes = await service.run_due()
            sent = sum(outcome.status is PostStatus.SENT for outcome in outcomes)
            print(json.dumps({"sent": sent, "other": len(outcomes) - sent}), flush=True)
        elif command == "die-after":
            discord.made, discord.die_after = 0, int(argument)
            print(json.dumps({"armed": int(argument)}), flush=True)
        elif command == "lose-every":
            discord.made, discord.lose_every = 0, int(argument)
            print(json.dumps({"losing": int(argument)}), flush=True)
    database.dispose()


if __name__ == "__main__":
    asyncio.run(serve(sys.argv[1], Path(sys.argv[2])))
