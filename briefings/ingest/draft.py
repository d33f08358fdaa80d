"""Turn a page into draft annotations: the source, articles, actors, roles, quotes, events.

Every drafted fact quotes its evidence verbatim from the page, so a draft that a
person accepts passes `briefbot facts check`. What the extractor had to guess is
listed in the report's `unsure` lines for review. Events are proposed from sentences
that date something, and a discrepancy wherever such an event reads like one in the
store but is dated otherwise: all of them for review.
"""

from __future__ import annotations

import dataclasses
import re
from dataclasses import dataclass, field

from rapidfuzz import fuzz

from briefings.annotations import (
    ActorAnnotation,
    AnnotationFile,
    ArticleAnnotation,
    DateClaim,
    DiscrepancyAnnotation,
    DiscrepancyClaim,
    EventAnnotation,
    Evidence,
    PublisherAnnotation,
    QuoteAnnotation,
    RoleAnnotation,
    Segment,
    SourceAnnotation,
)
from briefings.dates import MONTH_PATTERN, FuzzyDate, month_number
from briefings.errors import BriefingError, shown
from briefings.ingest.quotes import (
    DATE_PHRASE,
    EXPLICIT_DATE,
    DateFinding,
    DraftQuote,
    extract_quotes,
    split_sentences,
)
from briefings.ingest.segment import LineKind, PageArticle, segment
from briefings.matching import EXACT, PREFIX, fold
from briefings.queries.people import actor_index
from briefings.relative_dates import resolve_relative
from briefings.store import FactStore

__all__ = ["DraftedQuote", "IngestReport", "draft_page"]

_MONTH_DAY = re.compile(rf"\b[Oo]n (?P<month>{MONTH_PATTERN}) (?P<day>\d{{1,2}})\b")
MIN_TITLE = 3  # characters: the shortest excerpt evidence may quote
SAME_EVENT = 80  # token-set similarity of two event titles taken to tell the same event
_EXPECTED = re.compile(r"\b(?:expects?|expected|will|would|due to|come [A-Z][a-z]+day)\b")
# Runs of capitalised words ("South Korea", "Taro Kono", "Tokyo") to look up as actors.
_NAME_RUNS = re.compile(r"[A-Z][\w’'-]+(?: [A-Z][\w’'-]+)*")
_PERSON = re.compile(r"^(?:[A-Z][a-z]+(?:-[a-z]+)? ){1,2}[A-Z][a-z]+(?:-[a-z]+)?$")


@dataclass
class DraftedQuote:
    """A drafted quote as the report shows it."""

    id: str
    words: list[str]
    speaker: str
    speaker_id: str
    date: FuzzyDate | None
    date_how: str
    unsure: list[str]


@dataclass
class IngestReport:
    """What the extractor found, and what a person should check."""

    seed: str
    articles: list[str] = field(default_factory=list)
    off_topic: list[str] = field(default_factory=list)
    quotes: list[DraftedQuote] = field(default_factory=list)
    new_actors: list[str] = field(default_factory=list)
    events: list[str] = field(default_factory=list)
    discrepancies: list[str] = field(default_factory=list)
    unsure: list[str] = field(default_factory=list)


def _slug(text: str, limit: int = 40) -> str:
    words = re.sub(r"[^a-z0-9]+", "-", fold(text)).strip("-")
    return words[:limit].rstrip("-") or "x"


def _spans(numbers: list[int]) -> list[str]:
    """Line numbers as compact spans: [3, 4, 5, 9] -> ["3-5", "9"]."""
    spans: list[str] = []
    for number in sorted(numbers):
        if spans and int(spans[-1].split("-")[-1]) == number - 1:
            spans[-1] = f"{spans[-1].split('-')[0]}-{number}"
        else:
            spans.append(str(number))
    return spans


class _Drafter:
    def __init__(self, seed: str, text: str, store: FactStore) -> None:
        self.seed = seed
        self.text = text
        self.store = store
        self.index = actor_index(store)
        self.report = IngestReport(seed=seed)
        self.actors: dict[str, ActorAnnotation] = {}
        self.roles: dict[str, RoleAnnotation] = {}
        self.quotes: list[QuoteAnnotation] = []
        self.events: list[EventAnnotation] = []
        # Drafted actors by folded name and by each word of it, first introduced first.
        self._drafted_names: dict[str, str] = {}
        self._drafted_words: dict[str, str] = {}
        self.known = store.annotations  # read once: a database store reads it all
        self.taken = set(store.actors) | set(store.articles)
        for facts in (self.known.roles, self.known.quotes, self.known.events):
            self.taken |= {fact.id for fact in facts}

    def _unique(self, base: str) -> str:
        ident, n = base, 2
        while ident in self.taken:
            ident, n = f"{base}-{n}", n + 1
        self.taken.add(ident)
        return ident

    # --- articles ---------------------------------------------------------------

    def _article_date(self, article: PageArticle, mentions: list[FuzzyDate]) -> DateClaim:
        if article.date is not None:
            return DateClaim(
                value=FuzzyDate.day(article.date), how="printed", phrase=article.date_text
            )
        latest = max(mentions, key=FuzzyDate.sort_key, default=None)
        if latest is None:
            start = self.store.horizon
            reason = "The page prints no date and mentions none; dated from the store's horizon."
        else:
            start = latest.earliest
            reason = (
                f"The page prints no date; the latest date it mentions is {latest.label()}, "
                f"and the store's sources run to {self.store.horizon.isoformat()}."
            )
        end = max(start, self.store.horizon)
        self.report.unsure.append(f"article {article.title.text!r}: no printed date ({reason})")
        return DateClaim(value=FuzzyDate.between(start, end), how="inferred", reason=reason)

    def _article(self, article: PageArticle, mentions: list[FuzzyDate]) -> ArticleAnnotation:
        day = article.date.isoformat() if article.date else "undated"
        base = f"{_slug(article.author or 'unknown')}-{day}"
        ident = self._unique(base)
        evidence = [Evidence(article=ident, text=article.title.text)]
        evidence += [Evidence(article=ident, text=line.text) for line in article.metadata]
        date = self._article_date(article, mentions)
        self.report.articles.append(
            f"{ident}: {article.title.text!r} by {article.author or 'an unnamed author'}, "
            f"{date.value.label()}{' (inferred)' if date.how == 'inferred' else ''}"
        )
        body = [line.number for line in article.body]
        return ArticleAnnotation(
            id=ident,
            title=article.title.text,
            author=article.author,
            date=date,
            title_line=article.title.number,
            metadata_lines=_spans([line.number for line in article.metadata]),
            body=f"{min(body)}-{max(body)}" if body else str(article.title.number),
            evidence=evidence,
        )

    # --- speakers -----------------------------------------------------------------

    def _known(self, phrase: str) -> str | None:
        """A store actor the phrase names exactly (or by one word), or one drafted here."""
        folded = fold(phrase)
        if folded:
            # "Tadwell" after "Rufus Tadwell" was introduced: looked up, not searched, so
            # a page with thousands of quotes stays linear.
            drafted = self._drafted_names.get(folded) or self._drafted_words.get(folded)
            if drafted is not None:
                return drafted
        matches = self.index.resolve(phrase)
        if len(matches) == 1 and matches[0].score > PREFIX:
            return matches[0].key
        return None

    def _new_actor(self, name: str, article: str, sentence: str) -> str:
        ident = self._unique(_slug(name))
        words = name.split()
        person = 2 <= len(words) <= 3 and all(word[:1].isupper() for word in words)
        self.actors[ident] = ActorAnnotation(
            id=ident,
            name=name,
            kind="person" if person else "collective",
            evidence=[Evidence(article=article, text=sentence)],
        )
        self.report.new_actors.append(f"{ident} ({name})")
        folded = fold(name)
        self._drafted_names.setdefault(folded, ident)
        for word in folded.split():
            self._drafted_words.setdefault(word, ident)
        return ident

    def _speaker(
        self, quote: DraftQuote, article: str, previous: str | None
    ) -> tuple[str | None, str | None, list[str]]:
        """(actor id, role text, notes) for a quote."""
        if quote.pronoun:
            if previous is None:
                return None, None, ["a pronoun with no speaker before it"]
            return previous, None, [f"'{quote.speaker_phrase}' taken as the previous speaker"]
        parts = [part.strip() for part in quote.speaker_phrase.split(",") if part.strip()]
        for position, part in enumerate(parts):
            if (actor := self._known(part)) is not None:
                others = parts[:position] + parts[position + 1 :]
                return actor, ", ".join(others) or None, []
        if not parts:
            return None, None, ["no speaker found"]
        # A part that reads like a person's name is the speaker; the rest is a role.
        named = [part for part in parts if _PERSON.match(part)]
        chosen = named[0] if named else parts[-1]
        name = re.sub(r"^(?:the|a|an) ", "", chosen, flags=re.IGNORECASE)
        role = ", ".join(part for part in parts if part is not chosen) or None
        return self._new_actor(name, article, quote.sentence), role, [f"new actor {name!r}"]

    def _role(self, actor: str, role: str, article: str, sentence: str, phrase: str) -> str | None:
        if phrase not in sentence:
            return None
        ident = self._unique(f"{actor}-{_slug(role, 24)}")
        self.roles[ident] = RoleAnnotation(
            id=ident, actor=actor, title=role, evidence=[Evidence(article=article, text=phrase)]
        )
        return ident

    # --- dates ------------------------------------------------------------------------

    def _year_from_store(self, quote: DraftQuote) -> DateFinding | None:
        match = _MONTH_DAY.search(quote.sentence)
        if match is None:
            return None
        month, day = month_number(match["month"]), int(match["day"])
        for event in self.known.events:
            value = event.date.value
            if value.is_exact_day and (value.earliest.month, value.earliest.day) == (month, day):
                return DateFinding(
                    FuzzyDate.day(value.earliest),
                    "inferred",
                    match.group(0),
                    f"no year is printed; the store dates {event.id!r} "
                    f"{value.earliest.isoformat()}, the same day",
                )
        return None

    def _date(self, quote: DraftQuote, previous: DateFinding | None) -> DateFinding:
        found = quote.date
        if found.how == "unresolved" and (from_store := self._year_from_store(quote)):
            return from_store
        continues = re.search(r"\badded\b", quote.attribution) is not None
        if found.value is None and continues and previous is not None and previous.value:
            return DateFinding(
                previous.value,
                "inferred",
                None,
                '"added" continues the statement before; the article does not date it separately',
            )
        return found

    # --- quotes -----------------------------------------------------------------------

    def _quotes(self, article: ArticleAnnotation, drafts: list[DraftQuote]) -> None:
        previous_speaker: str | None = None
        previous_date: DateFinding | None = None
        printed_on = article.date.value.label()
        for number, draft in enumerate(drafts, start=1):
            speaker, role_text, notes = self._speaker(draft, article.id, previous_speaker)
            notes = notes + draft.unsure
            if speaker is None:
                self.report.unsure.append(f"quote {draft.words[0][:40]!r}: {', '.join(notes)}")
                continue
            role = None
            if role_text:
                role = self._role(
                    speaker, role_text, article.id, draft.sentence, draft.speaker_phrase
                )
            date = self._date(draft, previous_date)
            if date.how == "unresolved":
                notes.append(f"date phrase {date.phrase!r} not resolved")
            claim = None
            if date.value is not None:
                claim = DateClaim(
                    value=date.value,
                    how="resolved" if date.how == "resolved" else "inferred",
                    phrase=date.phrase,
                    anchor=article.id if date.how == "resolved" else None,
                    reason=date.reason if date.how != "resolved" else None,
                )
            ident = self._unique(f"{article.id}-q{number}")
            self.quotes.append(
                QuoteAnnotation(
                    id=ident,
                    speaker=speaker,
                    role=role,
                    words=draft.words,
                    attribution=draft.attribution,
                    attribution_note=notes[0] if draft.pronoun and notes else None,
                    date=claim,
                    date_note=None if claim else f"Not stated; printed {printed_on}.",
                    evidence=[
                        Evidence(article=article.id, text=sentence)
                        for sentence in [draft.sentence, *draft.more_sentences]
                    ],
                )
            )
            self.report.quotes.append(
                DraftedQuote(
                    ident, draft.words, self._name(speaker), speaker, date.value, date.how, notes
                )
            )
            previous_speaker, previous_date = speaker, date

    # --- events -------------------------------------------------------------------------

    def _event_date(self, sentence: str, anchor: FuzzyDate) -> DateClaim | None:
        if (explicit := EXPLICIT_DATE.search(sentence)) is not None:
            month = month_number(explicit["month"])
            value = FuzzyDate.month(int(explicit["year"]), month)
            return DateClaim(value=value, how="printed", phrase=explicit.group(0))
        match = DATE_PHRASE.search(sentence)
        if match is None or not anchor.is_exact_day:
            return None
        resolved = resolve_relative(match.group(0), anchor.earliest)
        if resolved is None:
            return None
        return DateClaim(value=resolved, how="resolved", phrase=match.group(0), anchor=None)

    def _events(self, article: ArticleAnnotation, paragraphs: list[str]) -> None:
        """Propose an event for each sentence that dates something; all for review."""
        number = 0
        for paragraph in paragraphs:
            for sentence in split_sentences(paragraph):
                claim = self._event_date(sentence, article.date.value)
                if claim is None:
                    continue
                if claim.how == "resolved":
                    claim = dataclasses.replace(claim, anchor=article.id)
                number += 1
                title = DATE_PHRASE.sub("", EXPLICIT_DATE.sub("", sentence)).strip(" ,.")
                title = re.sub(r"\s+", " ", title)
                title = title[:1].upper() + title[1:]
                expected = _EXPECTED.search(sentence) is not None
                ident = self._unique(f"{article.id}-e{number}")
                actors = sorted(
                    {
                        match.key
                        for word_run in _NAME_RUNS.findall(sentence)
                        for match in self.index.resolve(word_run)
                        if match.score >= EXACT
                    }
                )
                self.events.append(
                    EventAnnotation(
                        id=ident,
                        title=title if len(title) <= 200 else title[:197].rstrip() + "...",
                        date=claim,
                        status="expected" if expected else "happened",
                        actors=actors,
                        evidence=[Evidence(article=article.id, text=sentence)],
                    )
                )
                self.report.events.append(
                    f"{ident}: {claim.value.label()} ({'expected' if expected else 'happened'}): "
                    f"{title[:80]}"
                )

    # --- discrepancies --------------------------------------------------------------------

    def _discrepancies(self) -> list[DiscrepancyAnnotation]:
        """Propose one where a drafted event reads like a stored one but dates it otherwise."""
        found = []
        # Folded once each: a page of thousands of dated sentences meets every stored
        # event, and folding is the costly part of the comparison.
        known_titles = [(known, fold(known.title)) for known in self.known.events]
        for drafted in self.events:
            title = fold(drafted.title)
            for known, known_title in known_titles:
                similar = fuzz.token_set_ratio(title, known_title)
                if similar < SAME_EVENT or drafted.date.value.overlaps(known.date.value):
                    continue
                ident = self._unique(f"{drafted.id}-vs-{known.id}")[:64]
                found.append(
                    DiscrepancyAnnotation(
                        id=ident,
                        summary=(
                            f"The new article dates “{drafted.title}” "
                            f"{drafted.date.value.label()}; "
                            f"the store dates it {known.date.value.label()}."
                        ),
                        facts=[known.id, drafted.id],
                        claims=[
                            DiscrepancyClaim(
                                evidence=known.evidence[0],
                                reading=f"Dated {known.date.value.label()}.",
                            ),
                            DiscrepancyClaim(
                                evidence=drafted.evidence[0],
                                reading=f"Dated {drafted.date.value.label()}.",
                            ),
                        ],
                    )
                )
                self.report.discrepancies.append(f"{ident}: {found[-1].summary}")
        return found

    def _name(self, actor: str) -> str:
        if actor in self.actors:
            return self.actors[actor].name
        return self.store.actors[actor].name

    # --- the page ---------------------------------------------------------------------

    def draft(self) -> AnnotationFile:
        page = segment(self.text)
        if not page.articles:
            raise UndraftablePageError(
                f"{self.seed}: no article found: a page needs a title line, then the "
                "article's text (a dateline such as “November 22, 2019 by …” helps)"
            )
        for found in page.articles:
            title = found.title.text.strip()
            if len(title) < MIN_TITLE:
                raise UndraftablePageError(
                    f"{self.seed}: the title line {title!r} (line {found.title.number}) is "
                    f"too short to quote as evidence (at least {MIN_TITLE} characters)"
                )
            if not found.body:
                raise UndraftablePageError(
                    f"{self.seed}: the article {shown(title)!r} (line {found.title.number}) "
                    "has no text under its title"
                )
        articles = []
        for found in page.articles:
            paragraphs = [line.text for line in found.body]
            drafts = extract_quotes(paragraphs, found.date)
            mentions = [d.date.value for d in drafts if d.date.value is not None]
            mentions += [f.value for d in drafts if (f := self._year_from_store(d)) and f.value]
            # An undated article's date is only inferred: relative phrases in it are not
            # resolved against a guess, so the quotes found above stand as they are.
            article = self._article(found, mentions)
            articles.append(article)
            self._quotes(article, drafts)
            self._events(article, paragraphs)
        furniture = [line for line in page.lines if line.kind is LineKind.FURNITURE]
        teasers = [line for line in page.lines if line.kind is LineKind.TEASER]
        self.report.off_topic = [f"line {line.number}: {line.why}" for line in teasers]
        source = SourceAnnotation(
            seed=self.seed,
            publisher=PublisherAnnotation(
                name=None, how="not printed", reason="Drafted: check whether the page names one."
            ),
            articles=articles,
            furniture=[Segment(lines=str(line.number), what=line.why) for line in furniture],
            off_topic=[Segment(lines=str(line.number), what=line.why) for line in teasers],
        )
        return AnnotationFile(
            sources=[source],
            actors=list(self.actors.values()),
            roles=list(self.roles.values()),
            events=self.events,
            quotes=self.quotes,
            discrepancies=self._discrepancies(),
        )


class UndraftablePageError(BriefingError):
    """The page holds no article that can be drafted; the message says why."""


def draft_page(seed: str, text: str, store: FactStore) -> tuple[AnnotationFile, IngestReport]:
    """Draft annotations for a page named `seed`, matching speakers against `store`;
    `UndraftablePageError` if the page holds no article a draft could describe."""
    drafter = _Drafter(seed, text, store)
    return drafter.draft(), drafter.report
