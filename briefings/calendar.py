"""The coming briefings as an iCalendar file, for a calendar app to import.

One all-day event per day with a briefing: its title, and as description the whole
briefing as it would be posted, sources included. Each event's UID is made from the
day's digest, the template set and (for a channel's file) the channel, so importing a
newer file updates the events instead of adding copies, and two channels' files do
not overwrite each other's. A calendar app applies an update only when its SEQUENCE is
higher (Google ignores one that is not), and nothing here remembers what an earlier
file said: SEQUENCE counts the minutes from `SEQUENCE_EPOCH` to the making of the file,
which every newer file exceeds.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

from briefings.occasions import digest_for
from briefings.rendering import DEFAULT_SET, Renderer
from briefings.store import FactStore

__all__ = ["PRODUCT_ID", "IcsFile", "calendar_ics"]

PRODUCT_ID = "-//briefbot//GSOMIA briefings//EN"
UID_DOMAIN = "briefbot.invalid"  # a name that is no one's host, as RFC 5545 wants a domain
SEQUENCE_EPOCH = dt.datetime(
    2026, 1, 1, tzinfo=dt.UTC
)  # minutes since: fits 32 bits for 4,000 years


@dataclass(frozen=True)
class IcsFile:
    """An iCalendar file and what it holds."""

    data: bytes
    first: dt.date
    days: int
    events: int


def calendar_ics(
    store: FactStore,
    renderer: Renderer,
    first: dt.date,
    days: int,
    stamp: dt.datetime,
    template_set: str = DEFAULT_SET,
    channel_id: int | None = None,
) -> IcsFile:
    """The briefings from `first` for `days` days; `stamp` (aware, UTC) is when the
    file was made, which every event must carry (DTSTAMP); `channel_id` names the
    channel whose briefings these are, if any."""
    # Imported when a file is made: icalendar costs the running bot ~15 MiB otherwise.
    from icalendar import Calendar, Event

    calendar = Calendar()
    calendar.add("prodid", PRODUCT_ID)
    calendar.add("version", "2.0")
    calendar.add("calscale", "GREGORIAN")
    calendar.add("method", "PUBLISH")  # a file to subscribe to or import, not an invitation
    calendar.add("x-wr-calname", "GSOMIA briefings")
    sequence = max(0, int((stamp - SEQUENCE_EPOCH).total_seconds() // 60))
    scope = template_set if channel_id is None else f"{template_set}-{channel_id}"
    events = 0
    for offset in range(days):
        day = first + dt.timedelta(days=offset)
        digest = digest_for(store, day)
        if digest is None:
            continue
        reply = renderer.briefing(digest, template_set)
        event = Event()
        event.add("uid", f"{digest.key.replace(':', '-')}-{scope}@{UID_DOMAIN}")
        event.add("dtstamp", stamp)
        event.add("last-modified", stamp)  # each file revises every event it holds
        event.add("sequence", sequence)
        event.add("dtstart", day)
        event.add("dtend", day + dt.timedelta(days=1))
        event.add("summary", reply.title)
        event.add("description", renderer.text(reply))
        event.add("transp", "TRANSPARENT")  # a note for the day, not busy time
        calendar.add_component(event)
        events += 1
    return IcsFile(bytes(calendar.to_ical()), first, days, events)
