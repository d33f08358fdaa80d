"""Check and load synthetic fact stores of growing size from YAML: is it near-linear?

Each store is written as a seeds folder (`tests/synthetic.write_seeds`): one page,
half its facts quotes by 500 fictional speakers, half dated events, each fact with
its evidence, plus the speakers as actors. `check_store` then does what `briefbot
facts check` and the bot's start do: read and verify the page, parse the YAML
(libyaml where PyYAML has it), validate every item, run every check, and build the
store. Each size runs in a fresh process, so no size is helped by another's warm
caches. Then `briefbot facts sync` puts the same folder into a new SQLite database
(the check again, and the write), syncs it again unchanged (what every start of the
bot adds), opens the store from the database as the bot does, and syncs once more
with one small annotation file added (what an accept in review does: every file
parsed, every check and the whole write run again). Target:
100,000 facts checked and loaded, and synced, in at most 60 s on a 2-core machine.

    .venv/bin/python bench/facts_load.py [--facts N ...]
"""

from __future__ import annotations

import argparse
import datetime as dt
import json
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

TARGET_SECONDS = 60.0
TARGET_FACTS = 100_000


def _write(folder: Path, facts: int) -> None:
    from tests.synthetic import write_seeds

    quotes, events = facts // 2, facts - facts // 2
    statements = [
        (f"Speaker {i % 500}", f"synthetic words number {i} said aloud") for i in range(quotes)
    ]
    start = dt.date(1990, 1, 1)
    happenings = [
        (start + dt.timedelta(days=i % 12_000), f"synthetic thing {i} happened")
        for i in range(events)
    ]
    write_seeds(folder, statements, happenings)


# A second name for the first speaker, cited from the page: a file that checks.
ONE_MORE = """actors:
- id: syn-speaker-zero
  name: Speaker Zero
  kind: person
  evidence:
  - article: synthetic-article
    text: said Speaker 0.
"""


def _measure(folder: Path) -> dict[str, float]:
    """In this process: the seconds to parse only, and to check and load everything."""
    from briefings.loading import ANNOTATIONS_DIR, check_store
    from briefings.yaml_files import load_yaml

    started = time.perf_counter()
    for path in sorted((folder / ANNOTATIONS_DIR).glob("*.yaml")):
        load_yaml(path.read_bytes())
    parsed = time.perf_counter() - started
    started = time.perf_counter()
    store, problems = check_store(folder)
    total = time.perf_counter() - started
    if store is None:
        raise SystemExit(f"the synthetic store does not check: {problems[:3]}")
    del store
    return {"parse": parsed, "total": total, **_sync_times(folder)}


def _sync_times(folder: Path) -> dict[str, float]:
    """`briefbot facts sync` into a new SQLite file (check and write), again with nothing
    changed (what every start adds), and opening the store as the bot does."""
    from briefings.factbase import DatabaseFactStore, sync_facts
    from briefings.storage import open_database

    database = open_database(None, folder.parent / "var")
    first = sync_facts(database, folder)
    again = sync_facts(database, folder)
    started = time.perf_counter()
    DatabaseFactStore(database)
    opened = time.perf_counter() - started
    # One small annotation file more, as an accept in review adds: every file is
    # parsed, and every check and the whole write run again.
    (folder / "annotations" / "one-more.yaml").write_text(ONE_MORE, encoding="utf-8")
    added = sync_facts(database, folder)
    return {
        "sync": first.seconds,
        "unchanged": again.seconds,
        "open": opened,
        "added": added.seconds,
    }


def main() -> int:
    """Write each store, time its check and load in a fresh process, print the curve."""
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--facts", type=int, nargs="*", default=[1_000, 10_000, 100_000])
    parser.add_argument("--measure", type=Path, help=argparse.SUPPRESS)  # the child's job
    args = parser.parse_args()
    if args.measure is not None:
        print(json.dumps(_measure(args.measure)))
        return 0
    previous: tuple[int, float] | None = None
    print(
        "facts      check+load   YAML parse alone   per 1,000 facts   growth"
        "          facts sync   unchanged sync   open store   one file added"
    )
    for facts in args.facts:
        with tempfile.TemporaryDirectory() as directory:
            folder = Path(directory) / "seeds"
            _write(folder, facts)
            child = subprocess.run(
                [sys.executable, __file__, "--measure", str(folder)],
                check=True,
                capture_output=True,
                text=True,
            )
        times = json.loads(child.stdout)
        growth = ""
        if previous is not None:
            size_ratio, time_ratio = facts / previous[0], times["total"] / previous[1]
            growth = f"x{time_ratio:.1f} for x{size_ratio:.0f} facts"
        print(
            f"{facts:>7,}   {times['total']:>8.2f} s   {times['parse']:>14.2f} s"
            f"   {times['total'] / facts * 1000:>12.3f} s   {growth:<18}"
            f"{times['sync']:>8.2f} s   {times['unchanged']:>12.3f} s   {times['open']:>8.3f} s"
            f"   {times['added']:>12.2f} s"
        )
        if facts == TARGET_FACTS:
            for what in ("total", "sync"):
                verdict = "meets" if times[what] <= TARGET_SECONDS else "misses"
                print(
                    f"  {'check+load' if what == 'total' else 'facts sync'}: {verdict} the"
                    f" target of {TARGET_SECONDS:.0f} s for {TARGET_FACTS:,} facts"
                )
        previous = (facts, times["total"])
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
