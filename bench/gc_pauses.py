"""Garbage-collector pauses while the bot answers, with 100,000 facts and matplotlib.

Each configuration runs in a fresh process that opens the database store of the seed
store plus `--facts` synthetic facts (`bench/bot_latency.py`), imports matplotlib and
draws one chart (as the first `!timeline` would), then answers `--answers` questions
in turn (`bench/answer_work.py`'s lists, and timelines of a month), keeping the last
thousand replies alive as discord.py's message cache keeps messages. Every
collection is timed with `gc.callbacks`, by the thread's CPU time (on a shared machine
the wall clock also counts the time another process had the core); the p50, p99 and
largest pause are printed with the number of collections of each generation. Target:
p99 <= 20 ms.

    .venv/bin/python bench/gc_pauses.py [--facts N] [--answers N]
"""

from __future__ import annotations

import argparse
import gc
import json
import statistics
import subprocess
import sys
import tempfile
import time
from collections import deque
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from bot.heap import THRESHOLDS  # noqa: E402

TARGET_MS = 20.0
# Python's own thresholds, the heap settled at them, and settled as the bot does
# (`bot.heap.THRESHOLDS`: a first generation ten times as large).
CONFIGURATIONS = {
    "python's defaults": None,
    "settled at 700": (700, 10, 10),
    "bot.heap.settle": THRESHOLDS,
}


def child(folder: Path, configuration: str, answers: int) -> dict[str, object]:
    """Answer in this process under `configuration`; the pauses seen."""
    from bench.answer_work import questions
    from bot.heap import settle
    from bot.markdown import escape_markdown
    from bot.pages import build_pages
    from bot.responding import Responder
    from briefings.answers import Answerer
    from briefings.factbase import DatabaseFactStore
    from briefings.loading import load_store
    from briefings.rendering import Renderer
    from briefings.storage import open_database

    asked = [text for texts in questions(load_store()).values() for text in texts]
    asked += [f"!timeline 2019-{month:02d}" for month in range(1, 13)]
    store = DatabaseFactStore(open_database(None, folder))
    answerer = Answerer(store, Renderer(escape=escape_markdown))
    responder = Responder(answerer.renderer)
    answerer.picture_for("!timeline 2019-08")  # matplotlib imported, one chart drawn
    thresholds = CONFIGURATIONS[configuration]
    if thresholds is not None:
        settle()
        gc.set_threshold(*thresholds)
    pauses: list[tuple[int, float]] = []
    started: list[float] = []

    def timed(phase: str, info: dict[str, int]) -> None:
        if phase == "start":
            started.append(time.thread_time())
        elif started:
            pauses.append((info["generation"], (time.thread_time() - started.pop()) * 1000))

    kept: deque[object] = deque(maxlen=1000)  # as discord.py's message cache
    gc.callbacks.append(timed)
    begun = time.perf_counter()
    for run in range(answers):
        reply = answerer.answer(asked[run % len(asked)])
        kept.append(build_pages(reply, responder.citation, responder.source))
    took = time.perf_counter() - begun
    gc.callbacks.remove(timed)
    return {
        "pauses": [ms for _, ms in pauses],
        "generations": [sum(1 for g, _ in pauses if g == n) for n in range(3)],
        "seconds": took,
    }


def main() -> int:
    """Run each configuration in a fresh process and print its pauses."""
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--facts", type=int, default=100_000)
    parser.add_argument("--answers", type=int, default=3000)
    parser.add_argument("--child", nargs=2, help=argparse.SUPPRESS)  # folder, configuration
    args = parser.parse_args()
    if args.child:
        found = child(Path(args.child[0]), args.child[1], args.answers)
        print(json.dumps(found))
        return 0
    from bench.bot_latency import large_store, published

    with tempfile.TemporaryDirectory() as temporary:
        folder = Path(temporary)
        published(folder, large_store(args.facts)).dispose()
        for configuration in CONFIGURATIONS:
            command = [sys.executable, __file__, "--answers", str(args.answers)]
            printed = subprocess.run(
                [*command, "--child", str(folder), configuration],
                check=True,
                capture_output=True,
                text=True,
            ).stdout
            found = json.loads(printed.splitlines()[-1])
            pauses = sorted(found["pauses"])
            p99 = pauses[0]
            if len(pauses) > 1:  # inclusive: five pauses have no p99 beyond the largest
                p99 = statistics.quantiles(pauses, n=100, method="inclusive")[98]
            verdict = "meets" if p99 <= TARGET_MS else "misses"
            print(
                f"{configuration:<18} {len(pauses):>5} collections {found['generations']} "
                f"(gen 0, 1, 2): p50 {statistics.median(pauses):.2f} ms, p99 {p99:.2f} ms "
                f"({verdict} <= {TARGET_MS:.0f}), largest {pauses[-1]:.1f} ms; "
                f"{args.answers} answers in {found['seconds']:.1f} s"
            )
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
