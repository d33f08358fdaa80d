"""`!timeline` at 100,000 facts: the text's own work, the chart after it, and what
timelines cost the quick replies asked beside them.

Targets, every figure uncached (a different month each time, no reply kept):

- the timeline's text for a month, own work (the query, the reply, its embeds, and the
  chart's plain data, all done before the text is sent): <= 10 ms p50, <= 20 ms p99;
- the chart attached after the text (drawn in a worker process, `bot.chart_workers`):
  <= 250 ms p99;
- a wave of 50 users at once, 10 of them asking timelines with charts: the 40 quick
  replies' p99 <= 1.3 x the same 40 without the timelines. The wave runs the bot's own
  mechanics (answers in worker threads as `Responder` does, charts in the process
  pool) on one event loop; beside it, the same wave with the charts drawn in threads
  as before, for comparison. Discord's (and SimCord's) share is not in it.

Each figure is the min and the median over `--runs` runs.

    .venv/bin/python bench/chart_latency.py [--runs N] [--facts N]
"""

from __future__ import annotations

import argparse
import asyncio
import statistics
import sys
import tempfile
import time
from pathlib import Path
from typing import TYPE_CHECKING, Any

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from bench.bot_latency import large_store, published  # noqa: E402

if TYPE_CHECKING:
    from bot.chart_workers import ChartWorkers
    from bot.responding import Responder
    from briefings.answers import Answerer
    from briefings.replies import Reply

TARGETS = {"text_p50": 10.0, "text_p99": 20.0, "chart_p99": 250.0, "wave": 1.3}
MONTHS = [f"{1990 + n // 12}-{1 + n % 12:02d}" for n in range(12 * 32)]


def _p(values: list[float], q: float) -> float:
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, round(q * (len(ordered) - 1)))]


def _pages(responder: Responder, reply: Reply) -> None:
    """The reply's embeds."""
    from bot.pages import build_pages

    build_pages(reply, responder.citation, responder.source)


def _text(answerer: Answerer, month: str) -> Any:
    """What the bot does before the timeline's text is sent; the chart's data."""
    from bot.responding import Responder
    from briefings.charts import timeline_chart
    from briefings.queries import TimelineResult

    reply, result, _ = answerer.answered("timeline", period=month, actor=None)
    _pages(Responder(answerer.renderer), reply)
    assert isinstance(result, TimelineResult)
    return timeline_chart(result)


def _quick(answerer: Answerer, n: int) -> None:
    from bot.responding import Responder

    _pages(Responder(answerer.renderer), answerer.run("quote", speaker=f"Speaker {n:04d}"))


async def _wave(
    answerer: Answerer, charts: ChartWorkers | None, timelines: int, offset: int, threads: bool
) -> list[float]:
    """Seconds each of 40 quick replies took, asked at once with `timelines` timelines."""
    from briefings.charts import chart_png

    start = time.perf_counter()

    async def quick(n: int) -> float:
        await asyncio.to_thread(_quick, answerer, n)
        return time.perf_counter() - start

    async def timeline(n: int) -> None:
        chart = await asyncio.to_thread(_text, answerer, MONTHS[(offset + n) % len(MONTHS)])
        if chart is None:
            return
        if threads:  # as before: drawn in a thread, holding the GIL
            await asyncio.to_thread(chart_png, chart)
        else:
            assert charts is not None
            await charts.png(("wave", offset, n), chart)

    asked = [quick(offset * 40 + n) for n in range(40)]
    results = await asyncio.gather(*asked, *(timeline(n) for n in range(timelines)))
    return [r for r in results if isinstance(r, float)]


def _ms(values: list[float]) -> str:
    return f"min {min(values):.1f} ms, median {statistics.median(values):.1f} ms"


async def _measure(answerer: Answerer, runs: int) -> None:
    from bot.chart_workers import ChartWorkers

    charts = ChartWorkers(1, deadline=600)  # measured here, not cut short
    await charts.png("warm", _text(answerer, "2019-11"))  # the pool's start is not measured
    p50s, p99s, after = [], [], []
    for run in range(runs):
        took, drawn = [], []
        for month in MONTHS[run * 40 : run * 40 + 40]:
            started = time.perf_counter()
            chart = _text(answerer, month)
            took.append((time.perf_counter() - started) * 1000)
            if chart is not None:
                started = time.perf_counter()
                await charts.png(("after", month), chart)
                drawn.append((time.perf_counter() - started) * 1000)
        p50s.append(_p(took, 0.5))
        p99s.append(_p(took, 0.99))
        after.append(_p(drawn, 0.99))
    print(
        f"timeline text, own work (40 months a run): p50 {_ms(p50s)} (target <= 10); "
        f"p99 {_ms(p99s)} (target <= 20)"
    )
    print(f"chart after the text, in the worker: p99 {_ms(after)} (target <= 250)")
    kept = []
    for month in MONTHS[runs * 40 - 20 : runs * 40]:  # the last drawn, still kept
        chart = _text(answerer, month)
        if chart is not None:
            started = time.perf_counter()
            await charts.png(("after", month), chart)
            kept.append((time.perf_counter() - started) * 1000)
    print(f"  a chart asked again (kept): median {statistics.median(kept):.2f} ms")
    ratios, before = [], []
    await _wave(answerer, charts, 10, 99, threads=False)  # every path warmed up once
    for run in range(runs):
        alone = await _wave(answerer, charts, 0, run, threads=False)
        mixed = await _wave(answerer, charts, 10, run + runs, threads=False)
        old = await _wave(answerer, None, 10, run + 2 * runs, threads=True)
        ratios.append(_p(mixed, 0.99) / _p(alone, 0.99))
        before.append(_p(old, 0.99) / _p(alone, 0.99))
        print(
            f"  wave {run}: 40 quick replies p99 {_p(alone, 0.99) * 1000:.0f} ms alone, "
            f"{_p(mixed, 0.99) * 1000:.0f} ms beside 10 timelines (charts in the pool), "
            f"{_p(old, 0.99) * 1000:.0f} ms beside 10 drawn in threads"
        )
    print(
        f"wave of 50: quick replies' p99 beside 10 timelines / alone: min {min(ratios):.2f},"
        f" median {statistics.median(ratios):.2f} (target <= 1.3); charts drawn in threads "
        f"as before: min {min(before):.2f}, median {statistics.median(before):.2f}"
    )
    await charts.close()


def main() -> int:
    """Build the large store, then measure."""
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--runs", type=int, default=5)
    parser.add_argument("--facts", type=int, default=100_000)
    args = parser.parse_args()
    from bot.markdown import escape_markdown
    from briefings.answers import Answerer
    from briefings.factbase import DatabaseFactStore
    from briefings.rendering import Renderer

    started = time.perf_counter()
    with tempfile.TemporaryDirectory() as temporary:
        database = published(Path(temporary), large_store(args.facts))
        print(f"({args.facts} facts published in {time.perf_counter() - started:.1f} s)")
        renderer = Renderer(escape=escape_markdown)
        answerer = Answerer(DatabaseFactStore(database), renderer)
        asyncio.run(_measure(answerer, args.runs))
        database.dispose()
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
