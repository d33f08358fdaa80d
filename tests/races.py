"""Processes released at the same instant: how the tests show that a claim, a lease
or a sync happens once however many processes try it together."""

from __future__ import annotations

import multiprocessing
from collections.abc import Callable
from multiprocessing.queues import Queue
from multiprocessing.synchronize import Barrier
from typing import TypeVar

__all__ = ["race"]

T = TypeVar("T")


def _released(
    work: Callable[[int], T], number: int, barrier: Barrier, results: Queue[T | str]
) -> None:
    barrier.wait(timeout=60)
    try:
        results.put(work(number))
    except Exception as error:  # reported to the test, which names it
        results.put(f"{type(error).__name__}: {error}")


def race(count: int, work: Callable[[int], T], timeout: float = 60) -> list[T | str]:
    """`work(n)` in `count` forked processes (n from 0), all let go at once; their
    results in the order they finished, an exception as "Name: message". Forked, so
    `work` may be any callable, and the modules are loaded once."""
    context = multiprocessing.get_context("fork")
    barrier, results = context.Barrier(count), context.Queue()
    processes = [
        context.Process(target=_released, args=(work, number, barrier, results))
        for number in range(count)
    ]
    for process in processes:
        process.start()
    outcomes = [results.get(timeout=timeout) for _ in processes]
    for process in processes:
        process.join(timeout=60)
    return outcomes
