"""Answers at a glance: the timeline chart's render time, and the first page of the
main answers as Discord shows them.

The chart is drawn straight from the query's result, with no cache in the way: the
median of `--runs` draws, after one draw that pays for importing matplotlib (reported
beside it). Target: at most 200 ms for the seed store. The first pages are
counted the way Discord counts an embed: title, description, fields and footer.
Target: `!gsomia status` at most 1,500 characters.

    .venv/bin/python bench/glance.py [--runs N]
"""

from __future__ import annotations

import argparse
import statistics
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

import discord  # noqa: E402

from bot.markdown import escape_markdown  # noqa: E402
from bot.responding import Responder  # noqa: E402
from briefings import queries  # noqa: E402
from briefings.answers import Answerer  # noqa: E402
from briefings.dates import FuzzyDate  # noqa: E402
from briefings.loading import load_store  # noqa: E402
from briefings.rendering import Renderer  # noqa: E402

CHART_TARGET_MS = 200.0
STATUS_TARGET = 1500
ANSWERS = [
    "!gsomia status",
    "!gsomia status 2016-12-01",
    "!timeline",
    "!timeline 2019-08",
    "!quote kono",
    "!quote south korea",
    "!who kang",
    "!sources",
    "!help",
]


def _embed_size(embed: discord.Embed) -> int:
    fields = sum(len(str(field.name)) + len(str(field.value)) for field in embed.fields)
    footer = len(embed.footer.text or "")
    return len(embed.title or "") + len(embed.description or "") + fields + footer


def main() -> int:
    """Time the chart and measure the first pages."""
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--runs", type=int, default=20)
    args = parser.parse_args()
    from briefings.charts import timeline_png

    store = load_store()
    for label, period in (("!timeline", None), ("!timeline 2019-08", "2019-08")):
        result = queries.timeline(store, FuzzyDate.parse(period) if period else None)
        started = time.perf_counter()
        timeline_png(result)
        first = time.perf_counter() - started
        times = []
        for _ in range(args.runs):
            started = time.perf_counter()
            png = timeline_png(result)
            times.append(time.perf_counter() - started)
        median = statistics.median(times) * 1000
        verdict = "meets" if median <= CHART_TARGET_MS else "misses"
        print(
            f"chart of {label}: median {median:.0f} ms over {args.runs} draws ({verdict} "
            f"<= {CHART_TARGET_MS:.0f} ms); first draw {first * 1000:.0f} ms with imports; "
            f"{len(png):,} bytes"
        )
    answerer = Answerer(store, Renderer(escape=escape_markdown))
    responder = Responder(answerer.renderer)
    print("first page as Discord shows it (characters), pages, whole answer:")
    for text in ANSWERS:
        pages = responder.pages(answerer.answer(text))
        sizes = [_embed_size(page) for page in pages]
        print(f"  {text:<28} {sizes[0]:>6}   {len(pages)} page(s)   {sum(sizes):>6}")
        if text == "!gsomia status":
            verdict = "meets" if sizes[0] <= STATUS_TARGET else "misses"
            print(f"  ({verdict} the target of <= {STATUS_TARGET} for !gsomia status)")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
