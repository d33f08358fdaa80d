"""Read a local time of day and an IANA time zone as people type them.

Both are checked before use: `zoneinfo` turns a folder name such as `America`, an
over-long name or a path into IsADirectoryError, OSError or ValueError, and `dt.time`
turns a thirty-digit hour into OverflowError; here each is one `BadSettingError`
whose message names what was typed. `zoneinfo` also reads files of the zone folder that
are not IANA zones, and those are refused too.
"""

from __future__ import annotations

import datetime as dt
import re
import zoneinfo

from briefings.errors import BadSettingError, shown

__all__ = ["parse_time", "parse_zone"]

_TIME = re.compile(r"(?P<hour>[0-9]{1,2})(?::(?P<minute>[0-9]{2}))?")
# The longest IANA name is 32 characters; anything much longer is not a zone.
MAX_ZONE_LENGTH = 64
# Beside the zones, the zone folder holds `localtime` (the machine's own zone, which
# moves with the machine), `posixrules` (a default for POSIX TZ strings) and the
# `posix/` and `right/` copies of every zone (right/ counts leap seconds: 27 s off).
NOT_ZONES = frozenset({"localtime", "posixrules"})
NOT_ZONE_FOLDERS = ("posix/", "right/")


def parse_time(text: str) -> dt.time:
    """A 24-hour local time such as 09:00, 9:30 or 9."""
    match = _TIME.fullmatch(text.strip())
    if match is not None:
        try:
            return dt.time(int(match["hour"]), int(match["minute"] or 0))
        except ValueError:  # 24:00, 9:60
            pass
    raise BadSettingError(f"{shown(text)!r} is not a time like 09:00 (24-hour clock).")


def parse_zone(text: str) -> str:
    """The canonical name of an IANA time zone such as Asia/Seoul or UTC."""
    name = text.strip()
    problem = BadSettingError(f"{shown(text)!r} is not a time zone like Asia/Seoul or UTC.")
    if not name or len(name) > MAX_ZONE_LENGTH:
        raise problem
    if name.lower() in NOT_ZONES or name.lower().startswith(NOT_ZONE_FOLDERS):
        raise problem
    try:
        return zoneinfo.ZoneInfo(name).key
    except (zoneinfo.ZoneInfoNotFoundError, ValueError, OSError):  # OSError: a folder
        raise problem from None
