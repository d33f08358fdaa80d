"""The bot's heap made ready before it serves: the heavy parts imported, the long-lived
objects out of the cyclic collector's sight.

A full collection walks every object the process holds: 44 ms with the 100,000-fact
store and 102 ms once matplotlib is loaded, a pause every reply waiting at that
moment shares. The store, the modules and their caches live as long as the process,
so after they are made they are collected once and frozen (`gc.freeze`): the
collector walks only what came after. Frozen objects that become garbage are still
freed by their reference counts (a store's rows hold no cycles); a cycle among them
waits for the next settle, which thaws everything before it collects.

The first generation is collected after 7,000 new objects instead of Python's 700:
an answer makes and frees a few thousand, and at 700 a collection ran every two
answers to find next to nothing. `bench/gc_pauses.py`, 3,000 answers at 100,000 facts
with matplotlib loaded (CPU time of each collection, two runs): Python's defaults
1,469 collections, p99 1.2-1.6 ms, largest 154-177 ms; settled at 700, 1,473, p99
1.3-1.5 ms, largest 9.2-9.3 ms; settled at 7,000, 5 collections, largest 4.2-7.8 ms.
"""

from __future__ import annotations

import gc
import importlib
import logging
import time

__all__ = ["HEAVY_PARTS", "THRESHOLDS", "import_heavy_parts", "settle"]

log = logging.getLogger(__name__)

# Imported by the first calendar asked for (with the GIL held), and then part of the
# heap for good: imported before serving instead. matplotlib is not among them: charts
# are drawn in worker processes, and the bot's own process never loads it.
HEAVY_PARTS = ("icalendar",)
THRESHOLDS = (7_000, 10, 10)


def import_heavy_parts() -> None:
    """Import the optional parts the bot's replies load on first use."""
    for name in HEAVY_PARTS:
        importlib.import_module(name)


def settle() -> None:
    """Collect once, then freeze what is alive: to be called when the long-lived part
    of the heap is made (at the start, and after each new version of the store)."""
    started = time.perf_counter()
    # What an earlier settle froze is thawed first: frozen objects are never collected,
    # so cycles that die later (a view and its items, a finished interaction) would leak
    # with every new store version. One full collection per version is the price.
    gc.unfreeze()
    gc.collect()
    gc.freeze()
    gc.set_threshold(*THRESHOLDS)
    log.debug(
        "heap settled in %.0f ms: %d objects frozen",
        (time.perf_counter() - started) * 1000,
        gc.get_freeze_count(),
    )
