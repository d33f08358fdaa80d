"""The review desk: a fetched page becomes a draft under review; a curator accepts it
(dropping single items first, or correcting them: `briefings.review.edits`, if they
like) or rejects it.

Accepting checks the whole store with the draft added and writes the new version in
the same transaction that marks the draft accepted, with the reviewer and the time:
both happen, or neither (a draft that does not check stays pending, and the curator
is told why). Every process answers from the new version within seconds.

Only a reviewer with standing (`briefings.review.trust`) decides a draft, and only the
draft the post they clicked showed: a decision names the draft's digest, and a draft
that no longer has it (another one under the same id, after a database was switched
or restored) is not decided.
"""

from __future__ import annotations

import dataclasses
import datetime as dt
import json
from collections.abc import Iterable
from dataclasses import dataclass
from pathlib import Path

from sqlalchemy import select
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import Session

from briefings.annotations import (
    ActorAnnotation,
    AnnotationFile,
    EffectAnnotation,
    ExcludedQuotation,
    ReviewRecord,
)
from briefings.developments import DEVELOPMENT_PREFIX, Development, NewEvent, state_change
from briefings.errors import AnnotationError, BriefingError, Problem, StorageError
from briefings.errors import shown as shown_text
from briefings.factbase.sync import OtherFilesError, SyncResult, reviewed_pages, sync_facts
from briefings.ingest.commit import commit_accept
from briefings.ingest.seen import Claim
from briefings.ingest.web import WebPage
from briefings.loading import ANNOTATIONS_DIR
from briefings.review.drafts import Draft, DraftEdit, DraftEditRow, DraftRow, DraftStatus
from briefings.review.edits import (
    FORM_FIELDS,
    GIVEN_IN_REVIEW,
    Change,
    Edit,
    EditError,
    apply_edit,
    draft_problems,
    form_of,
    left_out_id,
)
from briefings.review.trust import Reviewer, Standing, Trust
from briefings.seeds import SeedText
from briefings.storage import Database, database_failures
from briefings.store import FactStore
from briefings.typed_dates import typed_period
from briefings.yaml_files import dump_yaml, load_yaml

__all__ = [
    "UNDATED_ITEM",
    "DecisionError",
    "DraftArticle",
    "DraftContents",
    "DraftItem",
    "ReviewDesk",
    "development_of",
    "draft_items",
    "read_draft",
    "without_items",
]

HEADER = "# Drafted from {url} for review in Discord.\n"


class DecisionError(BriefingError):
    """A decision that cannot be made: the draft is gone or was decided already, or
    the store would not check with it; the message says which, in one line."""

    def __init__(self, message: str, problems: list[Problem] | None = None) -> None:
        super().__init__(message)
        self.problems = problems or []


@dataclass(frozen=True)
class DraftItem:
    """One proposed fact of a draft, as a reviewer sees it."""

    id: str
    kind: str  # quote, event, actor (a new one), discrepancy
    label: str  # one line: who said what, what happened when
    unsure: tuple[str, ...] = ()
    edited: tuple[str, ...] = ()  # what a curator gave it in review, and who

    @property
    def droppable(self) -> bool:
        """Whether the reviewer may leave it out (the article itself may not be)."""
        return self.kind in DROPPABLE

    @property
    def editable(self) -> bool:
        """Whether the reviewer may correct it (`briefings.review.edits`)."""
        return self.kind in EDITABLE


DROPPABLE = ("quote", "event", "discrepancy")
EDITABLE = ("quote", "event", "actor", "left out")
PROBLEMS_SHOWN = 3  # in the one line refusing an edit
UNDATED_ITEM = "article"  # what a curator edits to give an undated page its date


def _record(draft_id: int, change: Change, reviewer: Reviewer, now: dt.datetime) -> DraftEditRow:
    """The row recording one change a reviewer made."""
    return DraftEditRow(
        draft_id=draft_id,
        item=change.item,
        field=change.field,
        before=change.before,
        after=change.after,
        by=reviewer.name,
        at=now,
    )


def _yaml(file: AnnotationFile, url: str) -> str:
    """The annotations as a draft keeps them (and `briefbot ingest` writes them)."""
    return HEADER.format(url=url) + dump_yaml(file.model_dump(mode="json", exclude_defaults=True))


def _parsed(annotations: str) -> AnnotationFile:
    return AnnotationFile.model_validate(load_yaml(annotations.encode("utf-8")))


@dataclass(frozen=True)
class DraftArticle:
    """An article of a draft as the review post heads it."""

    id: str
    title: str
    author: str | None
    date: str  # ISO, or as precise as the page allows
    date_how: str  # printed, resolved or inferred


@dataclass(frozen=True)
class DraftContents:
    """What a draft proposes, read from its YAML once: its articles and its items."""

    articles: list[DraftArticle]
    items: list[DraftItem]


def read_draft(draft: Draft) -> DraftContents:
    """The draft's articles (a page usually holds one), and its proposed facts in the
    order a reviewer reads them; none yet for a page waiting for its date."""
    if draft.undated:
        return DraftContents([], [])
    file = _parsed(draft.annotations)
    articles = [
        DraftArticle(
            article.id, article.title, article.author, str(article.date.value), article.date.how
        )
        for source in file.sources
        for article in source.articles
    ]
    names = {actor.id: actor.name for actor in file.actors}
    roles = {role.id: role for role in file.roles}
    items = []
    for quote in file.quotes:
        speaker = names.get(quote.speaker, quote.speaker)
        role = roles.get(quote.role or "")
        when = f" ({quote.date.value})" if quote.date else " (undated)"
        words = " … ".join(quote.words)
        label = f"{speaker}{f', {role.title}' if role else ''}{when}: “{words}”"
        given = quote.speaker_given
        edited = [f"speaker {GIVEN_IN_REVIEW} {given.by}: {given.reason}"] if given else []
        edited += _given("role", role.note if role else None)
        edited += _given("date", quote.date.reason if quote.date else None)
        unsure = tuple(draft.unsure.get(quote.id, ()))
        items.append(DraftItem(quote.id, "quote", label, unsure, tuple(edited)))
    for event in file.events:
        label = f"{event.date.value}: {event.title} ({event.status})"
        edited = _given("date", event.date.reason)
        if event.effect is not None:
            label += f"; effect: {_effect_label(event.effect)}"
            edited += _given(f"effect {event.effect.kind}", event.effect.note)
        unsure = (event.note,) if event.note and event.effect is None else ()
        items.append(DraftItem(event.id, "event", label, unsure, tuple(edited)))
    for actor in file.actors:
        held = [role for role in roles.values() if role.actor == actor.id]
        edited = [line for role in held for line in _given(f"role {role.title!r}", role.note)]
        label = f"{actor.name} ({actor.kind})"
        items.append(DraftItem(actor.id, "actor", label, edited=tuple(edited)))
    for discrepancy in file.discrepancies:
        items.append(DraftItem(discrepancy.id, "discrepancy", discrepancy.summary))
    for exclusion in file.excluded_quotations:  # the drafter's: give one its speaker
        label = f"“{exclusion.text}” ({exclusion.reason})"
        items.append(DraftItem(left_out_id(exclusion), "left out", label))
    return DraftContents(articles, items)


def _given(what: str, note: str | None) -> list[str]:
    """A line saying a curator gave `what`, if the note says one did."""
    return [f"{what} {note}"] if note and note.startswith(GIVEN_IN_REVIEW) else []


def _effect_label(effect: EffectAnnotation) -> str:
    conditional = ", conditional" if effect.conditional else ""
    takes = f", taking effect {effect.takes_effect.value}" if effect.takes_effect else ""
    return f"{effect.kind}{conditional}{takes}"


def draft_items(draft: Draft) -> list[DraftItem]:
    """The draft's proposed facts, in the order a reviewer reads them."""
    return read_draft(draft).items


def without_items(file: AnnotationFile, dropped: set[str], by: str) -> AnnotationFile:
    """The draft with the dropped quotes, events and discrepancies left out, and the
    discrepancies about a dropped fact with them. A dropped quote's words are still
    printed on the page: they are listed as excluded (every quotation on a page is a
    quote or excluded, `facts check` says), with who left them out."""
    discrepancies = [
        d for d in file.discrepancies if d.id not in dropped and not dropped.intersection(d.facts)
    ]
    excluded = [
        ExcludedQuotation(
            article=quote.evidence[0].article, text=words, reason=f"left out in review by {by}"
        )
        for quote in file.quotes
        if quote.id in dropped
        for words in quote.words
    ]
    return file.model_copy(
        update={
            "quotes": [q for q in file.quotes if q.id not in dropped],
            "events": [e for e in file.events if e.id not in dropped],
            "discrepancies": discrepancies,
            "excluded_quotations": [*file.excluded_quotations, *excluded],
        }
    )


def _drafted(
    name: str, page: WebPage, store: FactStore, day: dt.date | None = None
) -> tuple[str, dict[str, list[str]], str]:
    """The page drafted (`day`: the curator's, for a page that prints none): its
    annotations as a draft keeps them, what the drafter was unsure of, and the first
    article's title."""
    from briefings.ingest.draft import draft_page

    annotations, report = draft_page(name, page.text, store, date=day)
    unsure = {quote.id: quote.unsure for quote in report.quotes if quote.unsure}
    if report.unsure:
        unsure[""] = report.unsure
    return _yaml(annotations, page.url), unsure, annotations.sources[0].articles[0].title


def _as_accepted(draft: Draft, dropped: set[str], by: str, now: dt.datetime) -> str:
    """The annotations as accepted: without the dropped items, and with the page's
    provenance (where it was fetched, who accepted it and when) on its source."""
    file = without_items(_parsed(draft.annotations), dropped, by)
    record = ReviewRecord(url=draft.url, accepted_by=by, accepted_at=now)
    sources = [dataclasses.replace(source, review=record) for source in file.sources]
    return _yaml(file.model_copy(update={"sources": sources}), draft.url)


class ReviewDesk:
    """Drafts in, decisions out."""

    def __init__(
        self,
        database: Database,
        seeds_dir: Path,
        trust: Trust | None = None,
    ) -> None:
        """`trust`: who may decide (no curating server: the owners)."""
        self.database = database
        self.seeds_dir = seeds_dir
        self.trust = trust or Trust()

    def stage(
        self,
        page: WebPage,
        claim: Claim,
        store: FactStore,
        now: dt.datetime,
        title: str = "",
        change_note: str | None = None,
        watched: str | None = None,
    ) -> Draft:
        """Draft a claimed page for review (`watched`: the address it was found at,
        which decides the servers it is shown to). A page that prints no date is
        staged undrafted, until a curator gives its date (`edit`): nothing is dated
        from a guess. `UndraftablePageError` (a `BriefingError`) if the page holds no
        article a draft could describe."""
        # The drafter (and its sentence splitter) is imported when a page is first
        # staged, not when the bot starts.
        from briefings.ingest.draft import UndatedPageError

        try:
            annotations, unsure, first_title = _drafted(claim.page_name, page, store)
        except UndatedPageError:
            lines = (line.strip() for line in page.text.splitlines())
            annotations, unsure, first_title = "", {}, next((line for line in lines if line), "")
        row = DraftRow(
            page_name=claim.page_name,
            url=page.url,
            title=title or first_title[:200],
            page_text=page.text,
            annotations=annotations,
            unsure=json.dumps(unsure),
            change_note=change_note,
            status=DraftStatus.PENDING,
            created_at=now,
            dropped="[]",
            watched_url=watched,
        )
        with database_failures("stage the draft"), self.database.session() as session:
            session.add(row)
            try:
                session.commit()
            except IntegrityError:  # staged already by another process
                session.rollback()
                existing = session.scalars(
                    select(DraftRow).where(DraftRow.page_name == claim.page_name)
                ).one()
                return Draft.of(existing)
            return Draft.of(row)

    def get(self, draft_id: int) -> Draft | None:
        """A draft by its id."""
        with database_failures("read the draft"), self.database.session() as session:
            row = session.get(DraftRow, draft_id)
            return Draft.of(row) if row else None

    def drafts(self, status: DraftStatus | None = None) -> list[Draft]:
        """Every draft, or those with `status`, oldest first."""
        query = select(DraftRow).order_by(DraftRow.id)
        if status is not None:
            query = query.where(DraftRow.status == status)
        with database_failures("read the drafts"), self.database.session() as session:
            return [Draft.of(row) for row in session.scalars(query)]

    def drop(
        self, draft_id: int, item_ids: Iterable[str], reviewer: Reviewer, shown: str | None = None
    ) -> Draft:
        """Leave these items out when the draft is accepted (replacing any choice made
        before); only quotes, events and discrepancies of the draft may be. `shown`:
        the digest of the draft the reviewer saw, when they saw it in a post."""
        self._standing(reviewer)
        with (
            database_failures("record the items left out"),
            self.database.session() as session,
            session.begin(),
        ):
            row = self._pending(session, draft_id, shown)
            droppable = {item.id for item in draft_items(Draft.of(row)) if item.droppable}
            row.dropped = json.dumps(sorted(set(item_ids) & droppable))
            session.flush()
            return Draft.of(row)

    def edit(
        self,
        draft_id: int,
        edit: Edit,
        reviewer: Reviewer,
        now: dt.datetime,
        shown: str | None = None,
    ) -> tuple[Draft, list[Change]]:
        """Correct one item of a pending draft (`briefings.review.edits`): the edited
        annotations and the record of the changes are written in one transaction, or
        nothing is. `DecisionError` in one line if the reviewer has no standing, the
        draft is not the one `shown` or decided, or the edit does not apply or would
        add problems to the draft (those it had before do not stop it)."""
        self._standing(reviewer)
        known = self._known_actors()
        with (
            database_failures("edit the draft"),
            self.database.exclusive(),
            self.database.session() as session,
            session.begin(),
        ):
            row = self._pending(session, draft_id, shown)
            draft = Draft.of(row)
            if draft.undated:
                change = self._dated(row, draft, edit)
                session.add(_record(draft_id, change, reviewer, now))
                session.flush()
                return Draft.of(row), [change]
            file = _parsed(draft.annotations)
            page = SeedText.from_bytes(draft.page_name, draft.page_text.encode("utf-8"))
            try:
                edited = apply_edit(file, edit, page=page, known=known, by=reviewer.name, at=now)
            except EditError as error:
                raise DecisionError(f"not edited: {error}") from None
            before = set(draft_problems(file, page, known))
            added = [p for p in draft_problems(edited.file, page, known) if p not in before]
            if added:
                listed = "; ".join(str(problem) for problem in added[:PROBLEMS_SHOWN])
                more = len(added) - PROBLEMS_SHOWN
                raise DecisionError(
                    f"not edited, the draft would not check: {listed}"
                    + (f" (and {more} more)" if more > 0 else "")
                )
            row.annotations = _yaml(edited.file, draft.url)
            session.add_all(_record(draft_id, change, reviewer, now) for change in edited.changes)
            session.flush()
            return Draft.of(row), edited.changes

    def _dated(self, row: DraftRow, draft: Draft, edit: Edit) -> Change:
        """Draft a page that prints no date, with the day the curator gave it."""
        if edit.item != UNDATED_ITEM or edit.fields() != ["date"] or edit.date is None:
            raise DecisionError(
                "not edited: the page prints no date: give the article's date first "
                f"(item {UNDATED_ITEM!r}), and its items are drafted against it"
            )
        try:
            day = typed_period(edit.date)
        except (ValueError, BriefingError):
            day = None
        if day is None or not day.is_exact_day:
            raise DecisionError(f"not edited: {shown_text(edit.date)!r} is not a day")
        from briefings.factbase import DatabaseFactStore  # whose actors the drafter matches

        store = DatabaseFactStore(self.database)
        page = WebPage(draft.url, draft.page_text)
        row.annotations, unsure, _ = _drafted(draft.page_name, page, store, day.earliest)
        row.unsure = json.dumps(unsure)
        return Change(UNDATED_ITEM, "date", "none", day.iso)

    def form(self, draft_id: int, item: str) -> tuple[str, dict[str, str]]:
        """The kind of a pending draft's item, and what its edit form starts with."""
        draft = self.get(draft_id)
        if draft is None or draft.status is not DraftStatus.PENDING:
            raise DecisionError("that draft is no longer pending")
        if draft.undated:
            return "article", dict.fromkeys(FORM_FIELDS["article"], "")
        try:
            return form_of(_parsed(draft.annotations), item)
        except EditError as error:
            raise DecisionError(f"not edited: {error}") from None

    def edits(self, draft_id: int) -> list[DraftEdit]:
        """The changes curators made to the draft, oldest first."""
        query = select(DraftEditRow).where(DraftEditRow.draft_id == draft_id)
        with database_failures("read the draft's edits"), self.database.session() as session:
            return [DraftEdit.of(row) for row in session.scalars(query.order_by(DraftEditRow.id))]

    def _known_actors(self) -> dict[str, ActorAnnotation]:
        """The store's actors, whom an edit may give a quote to by id."""
        from briefings.factbase import DatabaseFactStore  # the store drafts are accepted into

        with database_failures("read the store's actors"):
            try:
                return dict(DatabaseFactStore(self.database).actors)
            except StorageError:  # no facts synced yet: none known
                return {}

    def accept(
        self, draft_id: int, reviewer: Reviewer, now: dt.datetime, shown: str | None = None
    ) -> SyncResult:
        """Accept the draft into the store, less the items left out with `drop`, in one
        transaction with the new version; `DecisionError` if it cannot be (the reviewer
        has no standing, the draft is not the one `shown`, decided, or does not check)."""
        standing, by = self._standing(reviewer), reviewer.name

        def mark(session: Session) -> None:
            row = self._pending(session, draft_id, shown)
            draft = Draft.of(row)
            if draft.undated:
                raise DecisionError(
                    "not accepted: the page prints no date; give the article's date first "
                    "(edit the article), and its items are drafted against it"
                )
            row.annotations = _as_accepted(draft, set(draft.dropped), by, now)
            row.status, row.reviewed_by, row.reviewed_at = DraftStatus.ACCEPTED, by, now
            row.reviewed_in, row.reviewed_as = reviewer.guild_id, standing
            session.flush()

        try:
            return sync_facts(
                self.database,
                self.seeds_dir,
                by=f"review accept by {by}",
                now=now,
                first=mark,
            )
        except AnnotationError as error:
            raise DecisionError(
                f"not accepted: the store would not check with it ({len(error.problems)} "
                "problems); it stays pending",
                error.problems,
            ) from None
        except OtherFilesError as error:
            raise DecisionError(f"not accepted, it stays pending: {error}") from None

    def reject(
        self, draft_id: int, reviewer: Reviewer, now: dt.datetime, shown: str | None = None
    ) -> Draft:
        """Mark the draft rejected (kept, so its article is not drafted again)."""
        standing, by = self._standing(reviewer), reviewer.name
        with (
            database_failures("reject the draft"),
            self.database.exclusive(),
            self.database.session() as session,
            session.begin(),
        ):
            row = self._pending(session, draft_id, shown)
            row.status, row.reviewed_by, row.reviewed_at = DraftStatus.REJECTED, by, now
            row.reviewed_in, row.reviewed_as = reviewer.guild_id, standing
            session.flush()
            return Draft.of(row)

    def pull(self) -> list[str]:
        """Write the pages accepted in review that the seeds folder lacks into it, each
        with its manifest line and annotation file, all three at once or none
        (`commit_accept`), so that they can be committed to git beside the curated
        ones; the pages written. The next sync reads the folder's copies instead."""
        with database_failures("read the accepted drafts"), self.database.session() as session:
            pages = reviewed_pages(session, self.seeds_dir)
        for page in pages:
            annotations = str(Path(ANNOTATIONS_DIR) / f"{Path(page.name).stem}.yaml")
            commit_accept(self.seeds_dir, page.name, page.data, annotations, page.annotations)
        return [page.name for page in pages]

    def developments_since(self, since: dt.datetime) -> list[Development]:
        """What the drafts accepted since `since` added to the record."""
        query = (
            select(DraftRow)
            .where(DraftRow.status == DraftStatus.ACCEPTED, DraftRow.reviewed_at >= since)
            .order_by(DraftRow.reviewed_at, DraftRow.id)
        )
        with database_failures("read the developments"), self.database.session() as session:
            rows = list(session.scalars(query))
            store = self._accepted_into() if rows else None
            found = [self._development(row, store) for row in rows if store is not None]
        return [development for development in found if development is not None]

    def _accepted_into(self) -> FactStore:
        from briefings.factbase import DatabaseFactStore  # the store drafts were accepted into

        return DatabaseFactStore(self.database)

    def _development(self, row: DraftRow, store: FactStore) -> Development | None:
        # Who is told of it follows the curating servers now.
        if row.status != DraftStatus.ACCEPTED:
            return None
        found = development_of(Draft.of(row), store)
        if found is None:
            return None
        audience = self.trust.audience(row.reviewed_in, row.reviewed_as)
        return found.model_copy(update={"audience": audience})

    def development(self, key: str) -> Development | None:
        """The development with this ledger key, if its draft is still accepted."""
        name = key.removeprefix(DEVELOPMENT_PREFIX)
        with database_failures("read the development"), self.database.session() as session:
            row = session.scalars(select(DraftRow).where(DraftRow.page_name == name)).first()
            return self._development(row, self._accepted_into()) if row else None

    def _standing(self, reviewer: Reviewer) -> Standing:
        standing = self.trust.standing(reviewer)
        if standing is None:
            raise DecisionError(
                "this server does not curate the shared record: only the curators of a "
                "curating server, or the bot's owners, decide its drafts; this one stays a "
                "suggestion until they do"
            )
        return standing

    @staticmethod
    def _pending(session: Session, draft_id: int, shown: str | None) -> DraftRow:
        # Read under the sync's lock or this transaction: two curators clicking at once
        # decide once, and the second is told who was first.
        row = session.get(DraftRow, draft_id)
        if row is None:
            raise DecisionError("that draft is no longer in the database")
        if shown is not None and Draft.of(row).digest != shown:
            raise DecisionError(
                "this post no longer matches its draft (the database was switched or "
                "restored); nothing was decided"
            )
        if row.status != DraftStatus.PENDING:
            raise DecisionError(f"already {row.status} by {row.reviewed_by}")
        return row


def development_of(draft: Draft, store: FactStore | None = None) -> Development | None:
    """What an accepted draft added to the record, if it added an event; with the
    `store` it was accepted into, how it changed the agreement's state."""
    if draft.status is not DraftStatus.ACCEPTED or draft.reviewed_at is None:
        return None
    file = _parsed(draft.annotations)
    if not file.events:
        return None
    events = tuple(
        NewEvent(title=event.title, date=event.date.value.label(), status=event.status)
        for event in file.events
    )
    change = None
    if store is not None:
        from briefings.queries.agreement import agreement_steps

        with store.reading():
            steps = agreement_steps(store, store.visibility())
        articles = {article.id for source in file.sources for article in source.articles}
        change = state_change(steps, articles, store.horizon)
    return Development(
        page_name=draft.page_name,
        title=draft.title,
        url=draft.url,
        accepted_by=draft.reviewed_by or "a curator",
        at=draft.reviewed_at,
        events=events,
        state_change=change,
    )
