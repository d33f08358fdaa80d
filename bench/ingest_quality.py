"""How well `briefbot ingest` drafts the seeds, measured against the curated annotations.

For each seed page the extractor runs as on a new page (matching speakers against
the store's actors), and its quotes are compared with the curated ones: a curated
quote counts as found when a drafted quote has the same words, the same speaker and
the same date (or both have none). A drafted quote whose words match no curated
quote is invented. Targets: at least 90% found, none invented.

    .venv/bin/python bench/ingest_quality.py
"""

from __future__ import annotations

import sys
from dataclasses import dataclass
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from briefings.ingest.draft import draft_page  # noqa: E402
from briefings.loading import DEFAULT_SEEDS_DIR, load_store  # noqa: E402
from briefings.store import MemoryFactStore  # noqa: E402


@dataclass
class Score:
    """Figures for one page."""

    seed: str
    curated: int
    found: int
    invented: int
    missed: list[str]


def score_seed(store: MemoryFactStore, seed: str) -> Score:
    """Draft one seed page and compare it with its curated quotes."""
    text = (DEFAULT_SEEDS_DIR / seed).read_text(encoding="utf-8")
    _, report = draft_page(seed, text, store)
    curated = [
        quote
        for quote in store.quotes.values()
        if store.map.seed_of[quote.evidence[0].article] == seed
    ]
    missed = []
    for quote in curated:
        date = quote.date.value if quote.date else None
        if not any(
            d.words == list(quote.words) and d.speaker_id == quote.speaker and d.date == date
            for d in report.quotes
        ):
            missed.append(quote.id)
    curated_words = [list(quote.words) for quote in curated]
    invented = sum(1 for d in report.quotes if d.words not in curated_words)
    return Score(seed, len(curated), len(curated) - len(missed), invented, missed)


def main() -> int:
    """Print the figures for every seed and in all."""
    store = load_store()
    scores = [score_seed(store, source.seed) for source in store.sources]
    for score in scores:
        print(
            f"{score.seed}: {score.found}/{score.curated} curated quotes found with the right "
            f"speaker and date, {score.invented} invented; missed: {', '.join(score.missed) or '-'}"
        )
    found = sum(s.found for s in scores)
    curated = sum(s.curated for s in scores)
    invented = sum(s.invented for s in scores)
    print(
        f"in all: {found}/{curated} = {found / curated:.1%} found (target >= 90%), "
        f"{invented} invented (target 0)"
    )
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
