"""Draft a 1 MiB page: is ingest linear? Target: at most 5 s.

The page is wire copy: a title, a dateline, then paragraphs each with a quote by a
minister named for the first time, a second quote by a spokesman, a weekday and an
expectation "come Saturday", so every part of the extractor works on every line (new
actors, known ones, dates resolved, events proposed, discrepancies sought). Sizes of
64 KiB, 256 KiB and 1 MiB are drafted, each once, uncached: the curve is the point.

    .venv/bin/python bench/ingest_speed.py
"""

from __future__ import annotations

import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from briefings.ingest.draft import draft_page  # noqa: E402
from briefings.loading import load_store  # noqa: E402

TARGET_SECONDS = 5.0
SIZES = (64 * 1024, 256 * 1024, 1024 * 1024)


def wire_page(size: int) -> str:
    """A page of about `size` bytes."""
    lines = [
        "Freedonia and Sylvania fall out over the ports treaty",
        "November 20, 2021 by Test Writer",
    ]
    number = 0
    while sum(len(line.encode()) + 1 for line in lines) < size:
        lines.append(
            f"On Thursday, Minister Rufus Tadwell{number} said that his country would “not "
            f"sign anything this month, point {number}”, and the Sylvanian spokesman added "
            f"that “talks are over {number}”. Officials expect the treaty to lapse come "
            "Saturday."
        )
        number += 1
    return "\n".join(lines) + "\n"


def main() -> int:
    """Draft each size and print the time and its growth."""
    store = load_store()
    previous: tuple[int, float] | None = None
    for size in SIZES:
        page = wire_page(size)
        started = time.perf_counter()
        draft_page("901_wire.txt", page, store)
        seconds = time.perf_counter() - started
        growth = ""
        if previous is not None:
            growth = f" (x{seconds / previous[1]:.1f} for x{size / previous[0]:.0f} bytes)"
        print(f"{size // 1024:>5} KiB: {seconds:.2f} s{growth}")
        previous = (size, seconds)
    verdict = "meets" if previous and previous[1] <= TARGET_SECONDS else "misses"
    print(f"{verdict} the target of {TARGET_SECONDS:.0f} s for 1 MiB")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
