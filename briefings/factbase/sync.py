"""`briefbot facts sync`: the curated YAML, checked, into the database as a new version.

A sync first hashes its inputs (the seeds folder's pages and manifest, the annotation
files, and the drafts accepted in review, which live in the database). When they are
what the database was last synced from, nothing is read or written: a start with an
unchanged store costs a few hashes. Otherwise the store goes through every check
`facts check` runs, and only a store that passes is written, in one transaction: the
next version's rows, then `fact_state` pointing at them, then the version before the
current one dropped. Whatever raises on the way, the transaction is rolled back and
the database holds what it held.

Processes starting together take the database's exclusive lock in turn: the first
syncs, the others find its hashes and skip.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import json
import time
from collections.abc import Callable, Iterable, Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from sqlalchemy import delete, func, insert, select
from sqlalchemy.exc import SQLAlchemyError
from sqlalchemy.orm import Session

from briefings.annotations import Evidence, cited_evidence
from briefings.errors import AnnotationError, BriefingError, StorageError
from briefings.factbase.payloads import encode
from briefings.factbase.tables import (
    FACT_TABLES,
    FactActorRow,
    FactChangeRow,
    FactCitationRow,
    FactContributionRow,
    FactDiscrepancyLinkRow,
    FactDiscrepancyRow,
    FactEventActorRow,
    FactEventRow,
    FactExcludedRow,
    FactInputRow,
    FactPageRow,
    FactPrintingErrorRow,
    FactQuoteRow,
    FactRoleRow,
    FactSourceRow,
    FactStateRow,
)
from briefings.inputs import input_hashes
from briefings.loading import check_store
from briefings.review.drafts import DraftRow, DraftStatus
from briefings.seed_folder import ExtraPage, manifest_names, seeds_with
from briefings.seeds import MANIFEST_NAME
from briefings.storage import Database, describe_url, reason
from briefings.store import MemoryFactStore, contributions_of

__all__ = [
    "OtherFilesError",
    "SyncResult",
    "citation_key",
    "publish",
    "reviewed_pages",
    "stored_version",
    "sync_facts",
]

STATE_ID = 1
REVIEWED = "reviewed"  # the input name of a page accepted in review: reviewed/<page>
# How long a superseded version's rows stay for processes still answering from it:
# far longer than the few seconds between two looks at the version.
RETENTION = dt.timedelta(minutes=2)


@dataclass(frozen=True)
class SyncResult:
    """What a sync did: the version the database holds now, and whether it wrote it."""

    version: int
    changed: bool
    seconds: float


def citation_key(evidence: Evidence) -> str:
    """The key of an excerpt's location: a hash, since an excerpt may be long."""
    return hashlib.sha256(f"{evidence.article}\0{evidence.text}".encode()).hexdigest()


def stored_version(session: Session) -> int:
    """The version the tables hold; 0 before the first sync."""
    state = session.get(FactStateRow, STATE_ID)
    return state.version if state else 0


def sync_facts(
    database: Database,
    seeds_dir: Path,
    *,
    by: str = "briefbot facts sync",
    now: dt.datetime | None = None,
    first: Callable[[Session], None] | None = None,
) -> SyncResult:
    """Bring the database's facts to the files in `seeds_dir` and the drafts accepted
    in review (which are not in that folder yet).

    `first`, when given, runs at the start of the sync's transaction (an accept marks
    its draft there), so that what it writes and the version it leads to are
    committed together, or neither. Raises `AnnotationError` listing every problem
    when the store does not check, and `StorageError` in one line when the database
    fails; either way the database keeps the version it had.
    """
    started = time.perf_counter()
    hashes = input_hashes(seeds_dir)
    try:
        return _sync(database, seeds_dir, hashes, by, now, started, first)
    except SQLAlchemyError as error:
        raise StorageError(
            f"cannot sync the facts into {describe_url(database.url)}: {reason(error)}"
        ) from None


def _sync(
    database: Database,
    seeds_dir: Path,
    hashes: dict[str, str],
    by: str,
    now: dt.datetime | None,
    started: float,
    first: Callable[[Session], None] | None,
) -> SyncResult:
    with database.exclusive(), database.session() as session, session.begin():
        current = stored_version(session)
        rows = session.execute(select(FactInputRow.name, FactInputRow.sha256))
        synced = dict(rows.all())  # the list of rows: a Result has keys(), dict() misreads it
        if first is not None:
            _same_files(synced, hashes, current)
            first(session)
        reviewed = reviewed_pages(session, seeds_dir)
        hashes = {**hashes, **{f"{REVIEWED}/{page.name}": _digest(page) for page in reviewed}}
        if current and synced == hashes:
            return SyncResult(current, False, time.perf_counter() - started)
        with seeds_with(seeds_dir, reviewed) as folder:
            store, problems = check_store(folder)
        if store is None:
            raise AnnotationError(problems)
        version = _publish(session, store, hashes, by, now or dt.datetime.now(dt.UTC))
    return SyncResult(version, True, time.perf_counter() - started)


class OtherFilesError(BriefingError):
    """The curated files here are not the ones the store was built from: a change that
    adds one thing (an accept) must not publish them along with it."""


def _same_files(synced: dict[str, str], files: dict[str, str], current: int) -> None:
    """Refuse to add to the store from curated files other than its own: a process of
    an older release (started with FACTS_SYNC_AT_START=false during a rolling deploy),
    or files edited since the last sync, would otherwise be published with the accept."""
    built_from = {n: d for n, d in synced.items() if not n.startswith(f"{REVIEWED}/")}
    if current and built_from != files:
        changed = sorted(set(built_from.items()) ^ set(files.items()))
        raise OtherFilesError(
            f"the curated files here differ from those the store was built from "
            f"({changed[0][0]}, …); run `briefbot facts sync` with the current files first"
        )


def reviewed_pages(session: Session, seeds_dir: Path) -> list[ExtraPage]:
    """The pages accepted in review that the seeds folder does not hold: once a page
    is exported and committed to the folder, the folder's copy is the one read."""
    in_folder = manifest_names(seeds_dir) if (seeds_dir / MANIFEST_NAME).is_file() else {}
    accepted = session.execute(
        select(DraftRow.page_name, DraftRow.page_text, DraftRow.annotations)
        .where(DraftRow.status == DraftStatus.ACCEPTED)
        .order_by(DraftRow.id)
    )
    return [
        ExtraPage(name, text.encode("utf-8"), annotations)
        for name, text, annotations in accepted
        if name not in in_folder
    ]


def _digest(page: ExtraPage) -> str:
    return hashlib.sha256(page.data + b"\0" + page.annotations.encode("utf-8")).hexdigest()


def publish(
    database: Database, store: MemoryFactStore, *, by: str, now: dt.datetime | None = None
) -> int:
    """Write a store that was checked already (or built by a benchmark) as the next
    version, in one transaction; its version. The next sync of files reads them again."""
    with database.exclusive(), database.session() as session, session.begin():
        return _publish(session, store, {}, by, now or dt.datetime.now(dt.UTC))


def _publish(
    session: Session, store: MemoryFactStore, hashes: dict[str, str], by: str, now: dt.datetime
) -> int:
    version = stored_version(session) + 1
    _write(session, version, store)
    _record(session, version, hashes, by, now, store)
    _drop_unread_versions(session, now)
    return version


def _drop_unread_versions(session: Session, now: dt.datetime) -> None:
    """Drop the rows of versions that were superseded `RETENTION` ago or more: every
    process has followed the newer version by then (they look every few seconds)."""
    settled = session.scalar(
        select(func.max(FactChangeRow.version)).where(FactChangeRow.changed_at <= now - RETENTION)
    )
    if settled is not None:
        for table in FACT_TABLES:
            session.execute(delete(table).where(table.version < settled))


def _record(
    session: Session,
    version: int,
    hashes: dict[str, str],
    by: str,
    now: dt.datetime,
    store: MemoryFactStore,
) -> None:
    """Point the state at `version`, remember the inputs and who changed the store."""
    session.execute(delete(FactInputRow))
    if hashes:  # a published store has no input files: the next sync reads them
        rows = [{"name": name, "sha256": sha256} for name, sha256 in hashes.items()]
        session.execute(insert(FactInputRow), rows)
    state = session.get(FactStateRow, STATE_ID)
    if state is None:
        session.add(FactStateRow(id=STATE_ID, version=version, changed_at=now))
    else:
        state.version, state.changed_at = version, now
    summary = store.counts().summary()
    session.add(FactChangeRow(version=version, changed_at=now, changed_by=by, summary=summary))


def _write(session: Session, version: int, store: MemoryFactStore) -> None:
    for table, rows in _rows(store):
        batch: list[dict[str, Any]] = []
        for row in rows:
            batch.append({"version": version, **row})
            if len(batch) == 5_000:  # bounded memory whatever the store's size
                session.execute(insert(table), batch)
                batch = []
        if batch:
            session.execute(insert(table), batch)


Rows = Iterator[dict[str, Any]]


class _Places:
    """Where each excerpt stands: (seed, first line, last line, offset), or None where
    no fact may be cited from (a misprint's words). Worked out once per excerpt for the
    citation rows and the fact rows both."""

    def __init__(self, store: MemoryFactStore) -> None:
        self.store = store
        self._known: dict[tuple[str, str], tuple[str, int, int, int] | None] = {}

    def of(self, evidence: Evidence) -> tuple[str, int, int, int] | None:
        key = (evidence.article, evidence.text)
        if key not in self._known:
            try:
                located = self.store.locate(evidence)
            except LookupError:
                self._known[key] = None
            else:
                _, offset, _ = self.store.span(evidence.article, evidence.text)
                place = (located.seed, located.first_line, located.last_line, offset)
                self._known[key] = place
        return self._known[key]

    def json(self, evidence: Iterable[Evidence]) -> str:
        """The `located` column of a fact citing `evidence`."""
        return json.dumps([self.of(item) for item in evidence], separators=(",", ":"))


def _rows(store: MemoryFactStore) -> Iterator[tuple[type[Any], Rows]]:
    """Each table and its rows (without the version)."""
    file = store.annotations
    places = _Places(store)
    disputed = {fact for d in file.discrepancies for fact in d.facts}
    yield FactPageRow, _pages(store)
    yield (
        FactSourceRow,
        ({"seed": s.seed, "ordinal": n, "payload": encode(s)} for n, s in enumerate(file.sources)),
    )
    yield (
        FactActorRow,
        ({"id": a.id, "ordinal": n, "payload": encode(a)} for n, a in enumerate(file.actors)),
    )
    yield (
        FactRoleRow,
        (
            {"id": r.id, "ordinal": n, "actor": r.actor, "payload": encode(r)}
            for n, r in enumerate(file.roles)
        ),
    )
    yield FactEventRow, _events(store, places, disputed)
    yield (
        FactEventActorRow,
        (
            {"event_id": event.id, "actor_id": actor}
            for event in file.events
            for actor in dict.fromkeys(event.actors)
        ),
    )
    yield FactQuoteRow, _quotes(store, places, disputed)
    yield (
        FactDiscrepancyRow,
        (
            {"id": d.id, "ordinal": n, "payload": encode(d)}
            for n, d in enumerate(file.discrepancies)
        ),
    )
    yield (
        FactDiscrepancyLinkRow,
        (
            {"discrepancy_id": d.id, "fact_id": fact}
            for d in file.discrepancies
            for fact in dict.fromkeys(d.facts)
        ),
    )
    yield FactPrintingErrorRow, _printing_errors(store)
    yield (
        FactExcludedRow,
        ({"ordinal": n, "payload": encode(x)} for n, x in enumerate(file.excluded_quotations)),
    )
    yield FactCitationRow, _citations(store, places)
    yield (
        FactContributionRow,
        (
            {"article": article, "kind": kind, "count": count}
            for article, kinds in contributions_of(file).items()
            for kind, count in kinds.items()
        ),
    )


def _pages(store: MemoryFactStore) -> Rows:
    for name in store.page_names():
        page = store.page(name)
        yield {"seed": name, "sha256": page.sha256, "text": page.text}


def _events(store: MemoryFactStore, places: _Places, disputed: set[str]) -> Rows:
    for n, event in enumerate(store.annotations.events):
        date = event.date.value
        yield {
            "id": event.id,
            "ordinal": n,
            "earliest": date.earliest,
            "latest": date.latest,
            "span_days": (date.latest - date.earliest).days,
            "precision": date.precision.value,
            "month": date.earliest.month,
            "day": date.earliest.day,
            "status": event.status,
            "milestone": event.milestone,
            "payload": encode(event),
            "located": places.json(cited_evidence(event)),
            "disputed": event.id in disputed,
        }


def _quotes(store: MemoryFactStore, places: _Places, disputed: set[str]) -> Rows:
    for n, quote in enumerate(store.annotations.quotes):
        earliest, latest, seed, offset = store.quote_sort_key(quote)
        yield {
            "id": quote.id,
            "ordinal": n,
            "speaker": quote.speaker,
            "sort_earliest": earliest,
            "sort_latest": latest,
            "sort_seed": seed,
            "sort_offset": offset,
            "payload": encode(quote),
            "located": places.json(quote.evidence),
            "disputed": quote.id in disputed,
        }


def _printing_errors(store: MemoryFactStore) -> Rows:
    for n, error in enumerate(store.annotations.printing_errors):
        seed, start, end = store.span(error.article, error.printed)
        yield {
            "id": error.id,
            "ordinal": n,
            "seed": seed,
            "start": start,
            "end": end,
            "payload": encode(error),
        }


def _citations(store: MemoryFactStore, places: _Places) -> Rows:
    """Every excerpt a fact cites, located once, here."""
    seen: set[str] = set()
    for evidence in store.annotations.all_evidence():
        key = citation_key(evidence)
        place = places.of(evidence)
        if key in seen or place is None:
            continue  # a misprint's words may stand where no fact may be cited from
        seen.add(key)
        seed, first_line, last_line, offset = place
        yield {
            "key": key,
            "seed": seed,
            "first_line": first_line,
            "last_line": last_line,
            "offset": offset,
        }
