"""Watching feeds and pages: the watch list, one poll of an address, and the watcher
that stages each new article as a draft for review (`briefings.review`)."""

from briefings.watching.harvest import PollLimits
from briefings.watching.intervals import DEFAULT_EVERY, describe_every, parse_every
from briefings.watching.records import Watched, Watchlist, backoff
from briefings.watching.watcher import PollReport, Watcher

__all__ = [
    "DEFAULT_EVERY",
    "PollLimits",
    "PollReport",
    "Watched",
    "Watcher",
    "Watchlist",
    "backoff",
    "describe_every",
    "parse_every",
]
