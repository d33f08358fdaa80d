"""The page readers' memory: a page no article could be is refused before it is parsed,
news pages with heavy markup still read whole, and a worker that grew is replaced."""

from __future__ import annotations

import datetime as dt
import multiprocessing
import re
from pathlib import Path

import pytest

from briefings.fetching import Fetched, FetchError
from briefings.ingest.readers import MEMORY_LIMIT, Readers
from tests.news_pages import PAGES, NewsPage
from tests.web_site import shared_readers, tiny_paragraphs

MIB = 1024 * 1024


def _html(body: bytes | str, url: str = "https://news.example/story") -> Fetched:
    raw = body.encode() if isinstance(body, str) else body
    return Fetched(url, url, 200, "text/html", raw, None, None, "utf-8")


def _reader_pids() -> set[int]:
    """The page readers of this process that are alive."""
    children = multiprocessing.active_children()
    return {child.pid for child in children if child.name == "page-reader" and child.pid}


def _readers_peak(pids: set[int]) -> int:
    """The largest resident peak of these page readers, in bytes."""
    peaks = [
        re.search(r"VmHWM:\s+(\d+) kB", Path(f"/proc/{pid}/status").read_text()) for pid in pids
    ]
    return max(int(peak[1]) for peak in peaks if peak) * 1024


def _as_saved(page: NewsPage) -> str:
    day = dt.date.fromisoformat(page.date)
    heading = f"{page.title}\n{day:%B} {day.day}, {day.year} by {page.author}"
    return "\n\n".join([heading, *page.paragraphs]) + "\n"


async def test_two_mib_of_tiny_paragraphs_is_refused_unread_within_the_memory_bound() -> None:
    """262,000 elements took trafilatura 13 minutes and 485 MiB (243 MiB and a
    MemoryError under the old 256 MiB limit): counted first, the page is refused."""
    url, others = "https://news.example/tiny", _reader_pids()
    readers = Readers(size=1)
    try:
        with pytest.raises(FetchError) as refused:
            await readers.page(_html(tiny_paragraphs(), url))
        peak = _readers_peak(_reader_pids() - others)
    finally:
        readers.close()
    assert str(refused.value) == f"{url} has more than 50,000 elements: not an article page"
    assert MEMORY_LIMIT < 200 * MIB
    assert peak < 100 * MIB, f"{peak / MIB:.0f} MiB"


@pytest.mark.parametrize("page", PAGES, ids=[page.name for page in PAGES])
async def test_a_news_page_with_heavy_markup_reads_whole(page: NewsPage) -> None:
    """Menus, scripts, a page state of tens of kilobytes, advertising and read-more boxes
    between the paragraphs: the article comes out as it was written, and nothing else."""
    assert 50_000 < len(page.html) < 200_000
    read = await shared_readers().page(_html(page.html))
    assert read.text == _as_saved(page)


async def test_a_worker_that_grew_ends_with_its_answer_and_one_that_did_not_stays() -> None:
    """A worker's heap stays as large as its largest page made it: past two thirds of its
    limit it ends after its answer, and the next page gets a new one."""
    page, others = PAGES[0], _reader_pids()
    for limit, stays in ((MEMORY_LIMIT, True), (72 * MIB, False)):
        readers = Readers(size=1, memory_limit=limit)
        try:
            left = []
            for _ in range(2):
                assert (await readers.page(_html(page.html))).text == _as_saved(page)
                left.append(_reader_pids() - others)
        finally:
            readers.close()
        assert (left[0] == left[1] and len(left[0]) == 1) == stays, (limit, left)
        assert bool(left[0] or left[1]) == stays, (limit, left)
