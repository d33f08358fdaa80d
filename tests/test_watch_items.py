"""A watched source's keywords and a feed's items one by one, against the local web
site (`tests/web_site.py`): what the keywords skip is recorded on the source and not
drafted; an item that fails is backed off on its own; an article drafted through
another address is not fetched again. The clock is passed in: nothing sleeps."""

from __future__ import annotations

import datetime as dt
from typing import Any

import pytest
from sqlalchemy import select

from briefings.fetching import Fetched
from briefings.ingest.seen import FeedItemRow
from briefings.ingest.web import address_key
from briefings.loading import DEFAULT_SEEDS_DIR
from briefings.review.desk import ReviewDesk
from briefings.storage import Database
from briefings.watching import Watchlist, records
from briefings.watching.records import Skipped, SkippedItemRow, SkipRecord
from briefings.watching.relevance import Keywords
from tests.test_watching import CURATOR, GUILD, HOUR, NOW, OTHER_GUILD, _watcher
from tests.web_site import Site

PORTS, SYLVANIA = "Freedonia closes its ports", "Freedonia hears from Sylvania"


@pytest.fixture
def watchlist(database: Database) -> Watchlist:
    return Watchlist(database)


def _titles(database: Database) -> list[str]:
    return [draft.title for draft in ReviewDesk(database, DEFAULT_SEEDS_DIR).drafts()]


async def test_an_article_its_keywords_skip_is_recorded_not_drafted(
    site: tuple[str, Site], database: Database, watchlist: Watchlist
) -> None:
    base, served = site
    feed = f"{base}/feed.xml"
    watched, _ = watchlist.add(GUILD, feed, HOUR, CURATOR, NOW, include=("Sylvania", "실바니아"))
    [report] = await _watcher(database).poll(NOW)
    assert report.outcome == (
        "feed “Fictional Times”: 2 items, 2 new; 1 drafted; 1 skipped by the keywords"
    )
    assert [draft.title for draft in report.staged] == [SYLVANIA]
    skips = watchlist.skips(GUILD)[watched.id]
    assert skips.count == 1
    [skipped] = skips.latest
    assert (skipped.title, skipped.url, skipped.excluded_by) == (
        PORTS,
        f"{base}/article.html",
        None,
    )
    # Skipped by every server watching it: not fetched again.
    hits = served.paths["/article.html"]
    [again] = await _watcher(database).poll(NOW + HOUR)
    assert again.outcome == "feed “Fictional Times”: 2 items, none new; nothing drafted"
    assert served.paths["/article.html"] == hits


async def test_an_exclude_keyword_in_the_article_s_text_wins(
    site: tuple[str, Site], database: Database, watchlist: Watchlist
) -> None:
    base, _ = site
    keywords = {"include": ("Freedonia",), "exclude": ("rufus tadwell",)}
    watched, _ = watchlist.add(GUILD, f"{base}/feed.xml", HOUR, CURATOR, NOW, **keywords)
    [report] = await _watcher(database).poll(NOW)
    assert [draft.title for draft in report.staged] == [SYLVANIA]
    [skipped] = watchlist.skips(GUILD)[watched.id].latest
    assert skipped.excluded_by == "rufus tadwell"  # named in the article's text only


async def test_a_feed_item_s_summary_is_read_for_the_keywords(
    site: tuple[str, Site], database: Database, watchlist: Watchlist
) -> None:
    base, _ = site
    watchlist.add(GUILD, f"{base}/summaries.xml", HOUR, CURATOR, NOW, include=("GSOMIA",))
    [report] = await _watcher(database).poll(NOW)
    assert [draft.title for draft in report.staged] == [PORTS], report.outcome  # in its summary


async def test_what_one_server_wants_is_drafted(
    site: tuple[str, Site], database: Database, watchlist: Watchlist
) -> None:
    """Two servers, one address, one fetch: an article either one wants is drafted,
    and recorded as skipped by neither."""
    base, _ = site
    feed = f"{base}/feed.xml"
    watchlist.add(GUILD, feed, HOUR, CURATOR, NOW, include=("Sylvania",))
    watchlist.add(OTHER_GUILD, feed, HOUR, CURATOR, NOW, exclude=("Sylvania",))
    [report] = await _watcher(database).poll(NOW)
    assert sorted(draft.title for draft in report.staged) == [PORTS, SYLVANIA]
    assert watchlist.skips(GUILD) == watchlist.skips(OTHER_GUILD) == {}


async def test_changed_keywords_forget_what_the_old_ones_skipped(
    site: tuple[str, Site], database: Database, watchlist: Watchlist
) -> None:
    base, _ = site
    feed = f"{base}/feed.xml"
    watchlist.add(GUILD, feed, HOUR, CURATOR, NOW, include=("Sylvania",))
    await _watcher(database).poll(NOW)
    assert _titles(database) == [SYLVANIA]
    changed, created = watchlist.add(GUILD, feed, None, CURATOR, NOW, include=("ports",))
    assert not created
    assert changed.keywords == Keywords(include=("ports",))
    assert changed.every == HOUR  # not given: kept
    assert watchlist.skips(GUILD) == {}
    [again] = await _watcher(database).poll(NOW + HOUR)
    assert [draft.title for draft in again.staged] == [PORTS]


async def test_an_unwatched_source_s_skips_go_with_it(
    site: tuple[str, Site], database: Database, watchlist: Watchlist
) -> None:
    base, _ = site
    feed = f"{base}/feed.xml"
    watchlist.add(GUILD, feed, HOUR, CURATOR, NOW, include=("Sylvania",))
    await _watcher(database).poll(NOW)
    assert watchlist.skips(GUILD)
    assert watchlist.remove(GUILD, feed)
    with database.session() as session:
        assert session.scalars(select(SkippedItemRow)).all() == []


async def test_a_failing_item_is_backed_off_on_its_own_and_fails_not_its_feed(
    site: tuple[str, Site], database: Database, watchlist: Watchlist
) -> None:
    """An item whose page failed was fetched again at every poll; now it waits, its
    wait doubling with each failure, while its feed is polled as usual."""
    base, served = site
    feed, flaky = f"{base}/with-flaky.xml", f"{base}/sometimes"
    watchlist.add(GUILD, feed, HOUR, CURATOR, NOW)
    watcher = _watcher(database)
    served.down = True
    try:
        [first] = await watcher.poll(NOW)
        assert not first.failed
        assert first.outcome == (
            "feed “Flaky”: 2 items, 2 new, 1 not fetched; 1 drafted; "
            f"{flaky}: {flaky} answered 503 Service Unavailable"
        )
        [watched] = watchlist.listed(GUILD)
        assert (watched.failures, watched.next_try_at) == (0, NOW + HOUR)  # the feed is fine
        assert _item(database, flaky) == (1, NOW + 2 * HOUR)
        hits = served.paths["/sometimes"]
        [second] = await watcher.poll(NOW + HOUR)  # the item waits
        assert second.outcome == "feed “Flaky”: 2 items, none new; nothing drafted"
        assert served.paths["/sometimes"] == hits
        await watcher.poll(NOW + 2 * HOUR)  # tried again, and failed again
        assert served.paths["/sometimes"] == hits + 1
        assert _item(database, flaky) == (2, NOW + 6 * HOUR)
    finally:
        served.down = False
    await watcher.poll(NOW + 3 * HOUR)
    assert served.paths["/sometimes"] == hits + 1
    [back] = await watcher.poll(NOW + 6 * HOUR)
    assert [draft.title for draft in back.staged] == [SYLVANIA]
    assert _item(database, flaky) is None  # drafted: its failures are over


def _item(database: Database, link: str) -> tuple[int, dt.datetime | None] | None:
    """The failures and next try of the feed item linking `link` (GUID = link)."""
    with database.session() as session:
        row = session.get(FeedItemRow, address_key(f"{link}\n{link}"))
        return (row.failures, row.next_try_at) if row else None


async def test_an_item_that_fails_in_any_way_is_that_item_s_failure(
    site: tuple[str, Site], database: Database, watchlist: Watchlist
) -> None:
    """Memory exhausted on one item ended its whole feed's poll."""
    base, _ = site
    watchlist.add(GUILD, f"{base}/feed.xml", HOUR, CURATOR, NOW)
    watcher = _watcher(database)
    fetch = watcher.fetcher

    async def fetcher(url: str, **options: Any) -> Fetched:
        if url.endswith("/article.html"):
            raise MemoryError
        return await fetch(url, **options)

    watcher.fetcher = fetcher
    [report] = await watcher.poll(NOW)
    assert not report.failed
    assert [draft.title for draft in report.staged] == [SYLVANIA]
    assert report.outcome.endswith(f"{base}/article.html: not fetched (MemoryError)")
    assert _item(database, f"{base}/article.html") is None  # its GUID is ft-1
    with database.session() as session:
        row = session.get(FeedItemRow, address_key(f"ft-1\n{base}/article.html"))
        assert row is not None
        assert (row.failures, row.next_try_at) == (1, NOW + 2 * HOUR)


async def test_an_article_drafted_through_another_address_is_not_fetched_again(
    site: tuple[str, Site], database: Database, watchlist: Watchlist
) -> None:
    """The page, watched on its own, was drafted; a feed listing it fetched it again
    at every poll, to find it drafted already each time."""
    base, served = site
    page = f"{base}/second.html"
    watchlist.add(GUILD, page, HOUR, CURATOR, NOW)
    watcher = _watcher(database)
    await watcher.poll(NOW)
    watchlist.remove(GUILD, page)
    watchlist.add(GUILD, f"{base}/feed.xml", HOUR, CURATOR, NOW)
    hits = served.paths["/second.html"]
    [first] = await watcher.poll(NOW + HOUR)
    assert [draft.title for draft in first.staged] == [PORTS]
    assert served.paths["/second.html"] == hits + 1  # found drafted already
    [again] = await watcher.poll(NOW + 2 * HOUR)
    assert again.outcome == "feed “Fictional Times”: 2 items, none new; nothing drafted"
    assert served.paths["/second.html"] == hits + 1


def test_a_source_remembers_its_newest_skips_only(
    watchlist: Watchlist, monkeypatch: pytest.MonkeyPatch
) -> None:
    """The newest first, and no more than `SKIPS_KEPT`: a busy feed's skips do not
    grow the table for ever."""
    monkeypatch.setattr(records, "SKIPS_KEPT", 2)
    feed = "https://news.test/feed"
    watched, _ = watchlist.add(GUILD, feed, HOUR, CURATOR, NOW, include=("GSOMIA",))
    for number in range(3):
        at = NOW + number * HOUR
        skipped = Skipped(f"Story {number}", f"https://news.test/{number}", None, at)
        record = SkipRecord(watched.id, address_key(skipped.url), skipped)
        watchlist.fetched(feed, at, "fetched", None, None, skipped=[record])
    skips = watchlist.skips(GUILD, latest=3)[watched.id]
    assert skips.count == 2
    assert [item.title for item in skips.latest] == ["Story 2", "Story 1"]
