"""A one-page answer's own work, uncached: the answer and its embeds, no Discord.

For `!quote`, `!who`, `!gsomia status` and `!sources`, each question is asked in turn
from a list of different ones (every speaker or actor of the seed store, a day of each
month since 2016), so no answer is helped by having been asked before; nothing keeps
replies or pages. Each answer is timed by its thread's CPU time, so that other work on
a shared machine does not count as its own. Measured from the database store as the
bot answers, with the seed store and with 100,000 facts more (`bench/bot_latency.py`'s
synthetic store), side by side in one run. Targets: at most 1.0 ms p50 and 2.0 ms p99
at 100,000 facts, and at most 1.1 x the same answer on the seed store (p50).

    .venv/bin/python bench/answer_work.py [--runs N] [--facts N]
"""

from __future__ import annotations

import argparse
import datetime as dt
import gc
import statistics
import sys
import tempfile
import time
from collections.abc import Callable
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from bench.bot_latency import large_store, published  # noqa: E402
from bot.markdown import escape_markdown  # noqa: E402
from bot.pages import build_pages  # noqa: E402
from bot.responding import Responder  # noqa: E402
from briefings.answers import Answerer  # noqa: E402
from briefings.factbase import DatabaseFactStore  # noqa: E402
from briefings.loading import load_store  # noqa: E402
from briefings.rendering import Renderer  # noqa: E402
from briefings.store import FactStore  # noqa: E402

P50_MS, P99_MS, VS_SEED = 1.0, 2.0, 1.1


def questions(store: FactStore) -> dict[str, list[str]]:
    """Different questions of each command, all answerable from the seed store."""
    speakers = sorted(store.speakers())
    days = [dt.date(year, month, 15) for year in range(2016, 2020) for month in range(1, 13)]
    return {
        "!quote": [f"!quote {store.actors[s].name}" for s in speakers if s in store.actors],
        "!who": [f"!who {actor.name}" for actor in store.actors.values()],
        "!gsomia status": [f"!gsomia status {day.isoformat()}" for day in days],
        "!sources": ["!sources"],
    }


def timings(store: FactStore, asked: list[str], runs: int) -> list[float]:
    """Milliseconds of each of `runs` answers, the questions asked in turn."""
    answerer = Answerer(store, Renderer(escape=escape_markdown))
    responder = Responder(answerer.renderer)
    page: Callable[[str], object] = lambda text: build_pages(  # noqa: E731
        answerer.answer(text), responder.citation, responder.source
    )[0]
    for text in asked:  # every template compiled, every question answered once
        page(text)
    took = []
    for run in range(runs):
        text = asked[run % len(asked)]
        start = time.thread_time()
        page(text)
        took.append((time.thread_time() - start) * 1000)
    return took


def p99(values: list[float]) -> float:
    """The 99th percentile."""
    return statistics.quantiles(values, n=100)[98]


def main() -> int:
    """Time each command on both stores and print p50, p99 and the ratio."""
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--runs", type=int, default=2000)
    parser.add_argument("--facts", type=int, default=100_000)
    args = parser.parse_args()
    with tempfile.TemporaryDirectory() as temporary:
        seed_store = load_store()
        asked = questions(seed_store)
        seed = published(Path(temporary, "seed"), seed_store)
        large = published(Path(temporary, "large"), large_store(args.facts))
        gc.collect()
        stores = {"seed": DatabaseFactStore(seed), "large": DatabaseFactStore(large)}
        for command, texts in asked.items():
            seed_ms = timings(stores["seed"], texts, args.runs)
            large_ms = timings(stores["large"], texts, args.runs)
            ratio = statistics.median(large_ms) / statistics.median(seed_ms)
            meets = (
                statistics.median(large_ms) <= P50_MS and p99(large_ms) <= P99_MS
            ) and ratio <= VS_SEED
            print(
                f"{command:<15} {len(texts):>3} questions: {args.facts:,} facts "
                f"p50 {statistics.median(large_ms):.2f} ms p99 {p99(large_ms):.2f} ms; seed "
                f"p50 {statistics.median(seed_ms):.2f} ms p99 {p99(seed_ms):.2f} ms; ratio "
                f"{ratio:.2f} ({'meets' if meets else 'misses'} <= {P50_MS}/{P99_MS} ms, "
                f"<= {VS_SEED} x)"
            )
        seed.dispose()
        large.dispose()
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
