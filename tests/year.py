"""A year of briefings that meets every daylight-saving change of 2026.

The seed store has no occasion on any DST change day, so a year on it cannot show
what a subscription at 02:30 in New York does when 02:30 does not exist. This store
holds fictional events dated in 2019 on exactly those days (and a 29 February), so
each change day of 2026 has a briefing, and `SUBSCRIPTIONS` post at the local times
that the changes skip or repeat.
"""

from __future__ import annotations

import datetime as dt
from pathlib import Path

from briefings.loading import load_store
from briefings.store import FactStore
from tests.synthetic import write_seeds

__all__ = ["DST_POSTS", "EVENTS", "SUBSCRIPTIONS", "year_store"]

UTC = dt.UTC

EVENTS = [
    (dt.date(2016, 2, 29), "the leap-day accord was signed"),  # remembered on 28 February
    (dt.date(2019, 3, 8), "the spring talks opened"),  # New York springs forward in 2026
    (dt.date(2019, 3, 29), "the March communique was issued"),  # London springs forward
    (dt.date(2019, 4, 5), "the April review ended"),  # Sydney falls back
    (dt.date(2019, 6, 30), "the midyear summit met"),
    (dt.date(2019, 10, 4), "the October memo leaked"),  # Sydney springs forward
    (dt.date(2019, 10, 25), "the autumn protocol lapsed"),  # London falls back
    (dt.date(2019, 11, 1), "the November notice was served"),  # New York falls back
    (dt.date(2019, 12, 31), "the year-end statement appeared"),
]

# (channel, local time, zone)
SUBSCRIPTIONS = [
    (100, dt.time(9, 0), "Asia/Seoul"),  # no DST
    (200, dt.time(2, 30), "America/New_York"),  # missing on 03-08
    (300, dt.time(1, 30), "America/New_York"),  # twice on 11-01
    (400, dt.time(1, 30), "Europe/London"),  # missing on 03-29, twice on 10-25
    (500, dt.time(2, 30), "Australia/Sydney"),  # twice on 04-05, missing on 10-04
]

# When the posts on the change days fall, in UTC: a missing local time posts an hour
# later on the wall clock (the offset from before the change); a repeated one posts
# at its first occurrence.
DST_POSTS = {
    (200, dt.date(2026, 3, 8)): dt.datetime(2026, 3, 8, 7, 30, tzinfo=UTC),  # 03:30 EDT
    (300, dt.date(2026, 11, 1)): dt.datetime(2026, 11, 1, 5, 30, tzinfo=UTC),  # 01:30 EDT
    (400, dt.date(2026, 3, 29)): dt.datetime(2026, 3, 29, 1, 30, tzinfo=UTC),  # 02:30 BST
    (400, dt.date(2026, 10, 25)): dt.datetime(2026, 10, 25, 0, 30, tzinfo=UTC),  # 01:30 BST
    (500, dt.date(2026, 4, 5)): dt.datetime(2026, 4, 4, 15, 30, tzinfo=UTC),  # 02:30 AEDT
    (500, dt.date(2026, 10, 4)): dt.datetime(2026, 10, 3, 16, 30, tzinfo=UTC),  # 03:30 AEDT
}


def year_store(folder: Path) -> FactStore:
    """The store of `EVENTS` (and one quote, so the page has a speaker), checked as any."""
    statements = [("Ana Pell", "We keep the calendar honest.")]
    return load_store(write_seeds(folder / "seeds", statements, EVENTS))
