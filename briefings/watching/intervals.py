"""How often to poll a watched address, as typed: `30m`, `2h`, `1d`, `1h30m`."""

from __future__ import annotations

import datetime as dt
import re

from briefings.errors import BadSettingError, shown

__all__ = ["DEFAULT_EVERY", "LONGEST_EVERY", "SHORTEST_EVERY", "describe_every", "parse_every"]

DEFAULT_EVERY = dt.timedelta(hours=1)
# A news site is not polled more often than this: a quarter hour is fresh enough for
# a briefing, and polite to the site.
SHORTEST_EVERY = dt.timedelta(minutes=15)
LONGEST_EVERY = dt.timedelta(days=7)
_PART = re.compile(r"(\d{1,4})\s*([dhm])")
_UNITS = {"d": dt.timedelta(days=1), "h": dt.timedelta(hours=1), "m": dt.timedelta(minutes=1)}


def parse_every(text: str | None) -> dt.timedelta:
    """The interval typed (`DEFAULT_EVERY` when none); `BadSettingError` naming what
    was typed when it is not one, or is shorter or longer than allowed."""
    if text is None or not text.strip():
        return DEFAULT_EVERY
    typed = text.strip().lower().replace(" ", "")
    parts = _PART.findall(typed)
    if not parts or "".join(f"{n}{u}" for n, u in parts) != typed:
        raise BadSettingError(f"{shown(text)!r} is not an interval like 30m, 2h, 1d or 1h30m.")
    every = sum((int(number) * _UNITS[unit] for number, unit in parts), dt.timedelta())
    if not SHORTEST_EVERY <= every <= LONGEST_EVERY:
        raise BadSettingError(
            f"{shown(text)!r} is {describe_every(every)}: poll every "
            f"{describe_every(SHORTEST_EVERY)} to {describe_every(LONGEST_EVERY)}."
        )
    return every


def describe_every(every: dt.timedelta) -> str:
    """`1 h 30 min`, `2 d`, `15 min`."""
    minutes = int(every.total_seconds()) // 60
    days, minutes = divmod(minutes, 24 * 60)
    hours, minutes = divmod(minutes, 60)
    parts = [(days, "d"), (hours, "h"), (minutes, "min")]
    return " ".join(f"{count} {unit}" for count, unit in parts if count) or "0 min"
