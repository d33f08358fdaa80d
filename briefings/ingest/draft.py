"""Turn a page into draft annotations: the source, articles, actors, roles, quotes, events.

Every drafted fact quotes its evidence verbatim from the page, so a draft that a
person accepts passes `briefbot facts check`. The article is read in order
(`attribution.Article`): each quote's speaker is someone its attribution names, or
one a recorded back-reference names; a quotation the reading cannot attribute is
recorded as left out, with the reason, never given to a guess. The article's date
is the one printed (`printed_dates`) or the curator's (`--date`), never a guess.
What the extractor had to guess is listed in the report's `unsure` lines for review.
Events are proposed from sentences that date something (not a photo caption, a
quotation or a reaction to a step: those tell no step), expected when dated after
the article and happened when before (on its own day, by the verb next to the date),
each with the step of the agreement it reads as (`effects`) as its effect wherever its
words state it, so an untouched draft changes the agreement's state; and a discrepancy
wherever such an event reads like one in the store but is dated otherwise: all of them
for review.
"""

from __future__ import annotations

import dataclasses
import datetime as dt
import re
from dataclasses import dataclass, field
from typing import cast

from rapidfuzz import fuzz

from briefings.annotations import (
    ActorAnnotation,
    AnnotationFile,
    ArticleAnnotation,
    DateClaim,
    DiscrepancyAnnotation,
    DiscrepancyClaim,
    EffectAnnotation,
    EventAnnotation,
    EventStatus,
    Evidence,
    ExcludedQuotation,
    PublisherAnnotation,
    QuoteAnnotation,
    RoleAnnotation,
    Segment,
    SourceAnnotation,
    claim_id,
)
from briefings.dates import MONTH_PATTERN, FuzzyDate, month_number
from briefings.effects import EffectKind, states
from briefings.errors import BriefingError, shown
from briefings.ingest.attribution import Article, Speaker
from briefings.ingest.effects import conditional, is_reaction, proposed_effect, step_at
from briefings.ingest.printed_dates import read_dateline
from briefings.ingest.quotes import (
    DASHED_ATTRIBUTION,
    EXPLICIT_DATE,
    DateFinding,
    DraftQuote,
    date_phrases,
    extract_quotes,
    split_sentences,
)
from briefings.ingest.segment import LineKind, PageArticle, segment
from briefings.ingest.titles import THAT_DAY, event_title
from briefings.matching import EXACT, fold
from briefings.queries.people import actor_index
from briefings.quotations import find_quoted_spans
from briefings.relative_dates import resolve_relative
from briefings.store import FactStore

__all__ = ["DraftedQuote", "IngestReport", "UndatedPageError", "draft_page"]

_ABBREVIATED_MONTH = r"(?:Jan|Feb|Mar|Apr|Aug|Sept?|Oct|Nov|Dec)\."
_MONTH_DAY = re.compile(rf"\b[Oo]n (?P<month>{MONTH_PATTERN}) (?P<day>\d{{1,2}})\b")
MIN_TITLE = 3  # characters: the shortest excerpt evidence may quote
SAME_EVENT = 80  # token-set similarity of two event titles taken to tell the same event
# A verb that looks forward, next to the date it governs ("will sign … on Monday", "on
# Saturday will meet"): what decides the status of an event on the article's own day.
# "would" alone is reported speech ("notified Japan on Friday that it would terminate").
_LOOKS_FORWARD = (
    r"\b(?:will|shall|(?:(?:is|are) )?(?:due|set|scheduled|expected|slated|going) to|"
    r"(?:is|are) to|plans? to|intends? to)\b"
)
_FORWARD_BEFORE = re.compile(rf"{_LOOKS_FORWARD}[^,;:“”\"]{{0,60}}$", re.IGNORECASE)
_FORWARD_AFTER = re.compile(rf"^\W*(?:\w+ )?{_LOOKS_FORWARD}", re.IGNORECASE)
# A notice's other date that says when it would take effect ("which will expire on Nov. 23").
_TAKES_EFFECT = re.compile(r"\b(?:take|takes|took) effect\b|\bexpir|\blaps|\bend\b", re.I)
# Runs of capitalised words ("South Korea", "Taro Kono", "Tokyo") to look up as actors.
_NAME_RUNS = re.compile(r"[A-Z][\w’'-]+(?: [A-Z][\w’'-]+)*")
# A name that is someone's, not a body's in the possessive ("Cheong Wa Dae's office").
_PERSON_NAME = re.compile(r"[A-Z][\w-]*(?: [A-Z][\w-]*){1,3}(?<!['’]s)")
# A role printed whole: words, not ending on a word that needs more ("director of").
_ROLE = re.compile(r"(?!.*\b(?:of|for|at|to|and|the|in)$)[A-Za-z][\w ,.'’-]*(?<![_.])")
_COUNTRY_GOVERNMENTS = (
    (re.compile(r"\b(?:South )?Korean?\b|\bSeoul\b|Cheong Wa Dae"), "south-korean-government"),
    (re.compile(r"\bJapan(?:ese)?\b|\bTokyo\b"), "japanese-government"),
    (re.compile(r"\bU\.S\.|\bAmerican\b|\bWashington\b"), "us-government"),
)
NO_DATE = "the page prints no date"
QUOTED_SHARE = 0.5  # a sentence that is this much quotation is the speaker's, not a step
SHORT_LINE_WORDS = 3  # a line this short is a label ("SHARE", "[Pkg]"), not a paragraph


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
    left_out: list[str] = field(default_factory=list)  # quotations not attributed, and why
    # The agreement's change of state each drafted event reads as ("extended"), by id:
    # proposed for the curator to confirm.
    effects: dict[str, str] = field(default_factory=dict)


def _status(sentence: str, claim: DateClaim, day: dt.date) -> EventStatus:
    """Expected if dated after the article's day, happened if before; on that day (or
    a span holding it) the verb next to the date decides."""
    if claim.value.earliest > day:
        return "expected"
    if claim.value.latest < day:
        return "happened"
    phrase = claim.phrase or ""
    at = sentence.find(phrase) if phrase else -1
    if at < 0:
        return "happened"
    before, after = sentence[:at] + phrase, sentence[at + len(phrase) :]
    forward = _FORWARD_BEFORE.search(before) or _FORWARD_AFTER.search(after)
    return "expected" if forward else "happened"


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
    def __init__(
        self, seed: str, text: str, store: FactStore, day: dt.date | None, reserved: set[str]
    ) -> None:
        self.seed = seed
        self.day = day  # the curator's date for a page that prints none
        self.text = text
        self.store = store
        self.index = actor_index(store)
        self.report = IngestReport(seed=seed)
        self.actors: dict[str, ActorAnnotation] = {}
        self.roles: dict[str, RoleAnnotation] = {}
        self.quotes: list[QuoteAnnotation] = []
        self.events: list[EventAnnotation] = []
        self.excluded: list[ExcludedQuotation] = []
        self._roles_of: dict[tuple[str, str], str] = {}
        # Drafted actors by folded name, first introduced first ("Ahn" is found through
        # the article's reading, `attribution.Article`, then looked up here by full name).
        self._drafted_names: dict[str, str] = {}
        self.known = store.annotations  # read once: a database store reads it all
        self.taken = set(store.actors) | set(store.articles) | reserved
        for facts in (self.known.roles, self.known.quotes, self.known.events):
            self.taken |= {fact.id for fact in facts}

    def _unique(self, base: str) -> str:
        return claim_id(base, self.taken)

    # --- articles ---------------------------------------------------------------

    def _article_date(self, article: PageArticle) -> DateClaim:
        if article.date is not None:
            return DateClaim(
                value=FuzzyDate.day(article.date), how="printed", phrase=article.date_text
            )
        if self.day is None:  # never a date the page does not give: the curator gives one
            raise UndatedPageError(
                f"{self.seed}: {NO_DATE} (no date line, no dated dateline); give it one with "
                f"`briefbot ingest {self.seed} --date YYYY-MM-DD`"
            )
        reason = f"The page prints no date; the curator gave {self.day.isoformat()} (--date)."
        self.report.unsure.append(f"article {article.title.text!r}: {reason}")
        return DateClaim(value=FuzzyDate.day(self.day), how="inferred", reason=reason)

    def _article(self, article: PageArticle) -> ArticleAnnotation:
        date = self._article_date(article)
        # By author and day, or title and day when no author is printed; `taken` holds
        # the ids of the drafts waiting beside this one, so none is shared.
        who = _slug(article.author) if article.author else _slug(article.title.text, 32)
        ident = self._unique(f"{who}-{date.value.earliest.isoformat()}")
        evidence = [Evidence(article=ident, text=article.title.text)]
        evidence += [Evidence(article=ident, text=line.text) for line in article.metadata]
        self.report.articles.append(
            f"{ident}: {article.title.text!r} by {article.author or 'an unnamed author'}, "
            f"{date.value.label()}{' (given by the curator)' if date.how == 'inferred' else ''}"
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

    def _new_actor(self, name: str, kind: str, article: str, sentence: str) -> str:
        ident = self._unique(_slug(name))
        part_of = None
        if kind == "collective":  # a voice: part of the government its description names
            part_of = next(
                (gov for pattern, gov in _COUNTRY_GOVERNMENTS if pattern.search(name)), None
            )
            part_of = part_of if part_of in self.store.actors else None
        self.actors[ident] = ActorAnnotation(
            id=ident,
            name=name,
            kind=kind,  # type: ignore[arg-type]  # one of ActorKind, chosen below
            part_of=part_of,
            evidence=[Evidence(article=article, text=sentence)],
        )
        self.report.new_actors.append(f"{ident} ({name})")
        self._drafted_names.setdefault(fold(name), ident)
        return ident

    def _actor_for(self, speaker: Speaker, article: str, sentence: str) -> str:
        """The actor a speaker is: one drafted here, one the store names exactly, or new."""
        if speaker.actor is not None:
            return speaker.actor
        drafted = self._drafted_names.get(fold(speaker.name))
        if drafted is not None:
            return drafted
        # Only the exact name or alias: a near spelling is someone else.
        matches = [m for m in self.index.resolve(speaker.name) if m.score >= EXACT]
        if len(matches) == 1 and self._same_kind(speaker, matches[0].key):
            return matches[0].key
        if speaker.kind == "person":
            kind = "person"
        elif speaker.kind == "voice":
            kind = "collective"
        else:
            kind = "ministry" if speaker.name.lower().endswith("ministry") else "body"
        evidence = speaker.sentence or sentence
        if speaker.name not in evidence:
            evidence = sentence if speaker.name in sentence else speaker.back_reference or sentence
        return self._new_actor(speaker.name, kind, article, evidence)

    def _same_kind(self, speaker: Speaker, actor: str) -> bool:
        kind = self.store.actors[actor].kind
        if speaker.kind == "person":
            return kind == "person"
        return (
            kind == "collective"
            if speaker.kind == "voice"
            else kind not in {"person", "collective"}
        )

    def _speaker(
        self, quote: DraftQuote, reader: Article, previous: tuple[DraftQuote, Speaker] | None
    ) -> Speaker | str:
        """Who said the quote, or why that cannot be read."""
        if not quote.speaker_phrase:
            # A quotation continued in the next sentence of the same paragraph.
            if previous is not None and (
                previous[0].paragraph == quote.paragraph and previous[0].index == quote.index - 1
            ):
                before, speaker = previous
                return dataclasses.replace(
                    speaker,
                    how="continued",
                    back_reference=speaker.back_reference or before.sentence,
                    note="continues the quotation of the sentence before",
                )
            return "no speaker found"
        found = reader.speaker(quote.speaker_phrase, quote.sentence)
        if isinstance(found, Speaker):
            return found
        # A name the store knows exactly ("Kono", "the South Korean public", an alias), not
        # introduced here; never a bare description ("the spokesman" is whoever this
        # article means, not a stored voice of that alias).
        if re.fullmatch(r"(?:the|a|an|one|another) \w+", quote.speaker_phrase, re.IGNORECASE):
            return found
        matches = [m for m in self.index.resolve(quote.speaker_phrase) if m.score >= EXACT]
        if len(matches) == 1:
            actor = self.store.actors[matches[0].key]
            kind = {"person": "person", "collective": "voice"}.get(actor.kind, "body")
            return Speaker(actor.name, kind, "named", actor=actor.id)
        return found

    def _role(self, actor: str, role: str, article: str, sentence: str, phrase: str) -> str | None:
        if phrase not in sentence:
            return None
        if (actor, role) in self._roles_of:
            return self._roles_of[(actor, role)]
        ident = self._unique(f"{actor}-{_slug(role, 24)}")
        self._roles_of[(actor, role)] = ident
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

    def _leave_out(self, article: str, quote: DraftQuote, reason: str) -> None:
        why = f"Left out by the drafter: {reason}."
        for words in quote.words:
            self.excluded.append(ExcludedQuotation(article=article, text=words, reason=why))
        self.report.left_out.append(f"{quote.words[0][:60]!r}: {reason}")

    def _quotes(
        self, article: ArticleAnnotation, drafts: list[DraftQuote], sentences: list[list[str]]
    ) -> None:
        """Read the article in order, attributing each quote as a wire editor would."""
        reader = Article()
        at = {(draft.paragraph, draft.index): draft for draft in drafts}
        previous: tuple[DraftQuote, Speaker] | None = None
        previous_date: DateFinding | None = None
        number = 0
        for paragraph, its_sentences in enumerate(sentences):
            if its_sentences:
                reader.new_paragraph(its_sentences[0])
            for index, sentence in enumerate(its_sentences):
                draft = at.get((paragraph, index))
                if draft is None:
                    reader.observe(sentence)
                    continue
                speaker = self._speaker(draft, reader, previous)
                if isinstance(speaker, str):
                    self._leave_out(article.id, draft, speaker)
                    reader.observe(sentence)
                    continue
                reader.observe(sentence, speaker)
                number += 1
                self._quote(article, draft, speaker, number, previous, previous_date)
                previous, previous_date = (draft, speaker), self._date(draft, previous_date)
        self._mentioned(article.id, reader)

    def _mentioned(self, article: str, reader: Article) -> None:
        """The people the article introduces by name and title or apposition but never
        quotes ("Japanese Prime Minister Haruki Morisawa"): actors with the role it
        gives them, so `!who` finds them; none the store already names."""
        for person in reader.people.values():
            if not _PERSON_NAME.fullmatch(person.name) or (
                fold(person.name) in self._drafted_names
                or any(match.score >= EXACT for match in self.index.resolve(person.name))
            ):
                continue
            actor = self._new_actor(person.name, "person", article, person.sentence)
            self.report.new_actors[-1] += ", named, not quoted"
            if person.title and _ROLE.fullmatch(person.title):
                self._role(actor, person.title, article, person.sentence, person.phrase)

    def _quote(
        self,
        article: ArticleAnnotation,
        draft: DraftQuote,
        speaker: Speaker,
        number: int,
        previous: tuple[DraftQuote, Speaker] | None,
        previous_date: DateFinding | None,
    ) -> None:
        known = set(self.actors)
        actor = self._actor_for(speaker, article.id, draft.sentence)
        notes = [note for note in (speaker.note, *draft.unsure) if note]
        if actor in self.actors and actor not in known:
            notes.append(f"new actor {speaker.name!r}")
        role = None
        if speaker.role and speaker.role_phrase:
            # The role is recorded where it is printed; the quote speaks in it only when
            # its own sentence prints it.
            phrase = speaker.role_phrase
            role = self._role(actor, speaker.role, article.id, draft.sentence, phrase)
            if role is None and speaker.back_reference:
                self._role(actor, speaker.role, article.id, speaker.back_reference, phrase)
        attribution = draft.attribution
        if speaker.how == "continued" and previous is not None:
            attribution = previous[0].attribution
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
        texts = [draft.sentence, *draft.more_sentences]
        if draft.attribution_sentence is not None:
            texts.append(draft.attribution_sentence)  # the paragraph that attributes it
        if speaker.how == "continued" and previous is not None:
            texts.append(previous[0].sentence)  # where its attribution is printed
        if speaker.back_reference and speaker.back_reference not in texts:
            texts.append(speaker.back_reference)  # where the speaker was named
        ident = self._unique(f"{article.id}-q{number}")
        self.quotes.append(
            QuoteAnnotation(
                id=ident,
                speaker=actor,
                role=role,
                words=draft.words,
                attribution=attribution,
                attribution_note=speaker.note,
                date=claim,
                date_note=None if claim else f"Not stated; printed {article.date.value.label()}.",
                evidence=[Evidence(article=article.id, text=text) for text in texts],
            )
        )
        self.report.quotes.append(
            DraftedQuote(ident, draft.words, self._name(actor), actor, date.value, date.how, notes)
        )

    # --- events -------------------------------------------------------------------------

    def _event_dates(
        self, sentence: str, anchor: FuzzyDate, before: EventAnnotation | None
    ) -> list[DateClaim]:
        """Every date the sentence gives, in the order the drafter prefers them: a
        printed month and year first, then the relative phrases it can resolve; with
        none, "that day" is the day of the event `before` it, if told to the day."""
        claims = []
        for explicit in EXPLICIT_DATE.finditer(sentence):
            value = FuzzyDate.month(int(explicit["year"]), month_number(explicit["month"]))
            claims.append(DateClaim(value=value, how="printed", phrase=explicit.group(0)))
        if not anchor.is_exact_day:
            return claims
        for phrase in date_phrases(sentence):
            resolved = resolve_relative(phrase, anchor.earliest)
            if resolved is not None:
                claims.append(DateClaim(value=resolved, how="resolved", phrase=phrase))
        claims += _bare_days(sentence, anchor.earliest, claims)
        if claims or before is None or not before.date.value.is_exact_day:
            return claims
        return _after_the_event_before(sentence, before)

    def _dated_steps(
        self, sentence: str, claims: list[DateClaim]
    ) -> list[tuple[DateClaim, str | None]]:
        """The events the sentence tells, each a date and the step it reads as: every
        date whose own clause states a step, in the order printed ("After the leaders
        agreed in March 2023 to normalize the pact, Seoul withdrew its notices on March
        21, 2023" tells two steps); else the first date, with the sentence's step only
        when it gives no other date to which that step could belong."""
        stated: list[tuple[DateClaim, str | None]] = []
        for claim in sorted(claims, key=lambda claim: _position(sentence, claim.phrase)):
            if claim.phrase is not None and (step := step_at(sentence, claim.phrase)):
                notice = any(other == "termination notified" for _, other in stated)
                if step == "expired" and notice:
                    continue  # when the notice takes effect: its effect's day, not a step
                if all(step != other and claim.value != date.value for date, other in stated):
                    stated.append((claim, step))
        if stated:
            return stated
        return [(claims[0], proposed_effect(sentence) if len(claims) == 1 else None)]

    def _effect(
        self, article: ArticleAnnotation, sentence: str, step: str | None, claims: list[DateClaim]
    ) -> EffectAnnotation | None:
        """The proposed step as the event's effect, when the sentence's words state it
        (the check the store makes at load), so an untouched draft changes the state."""
        if step is None:
            return None
        kind = cast(EffectKind, step.replace(" ", "_"))
        if not states(kind, [sentence]):
            return None
        takes_effect = None
        if kind == "termination_notified":
            takes_effect = next(
                (
                    dataclasses.replace(claim, anchor=article.id)
                    for claim in claims
                    if claim.how == "resolved"
                    and claim.phrase is not None
                    and _TAKES_EFFECT.search(claim.phrase)
                ),
                None,
            )
        return EffectAnnotation(
            kind=kind,
            evidence=[Evidence(article=article.id, text=sentence)],
            takes_effect=takes_effect,
            conditional=kind == "termination_suspended" and conditional(sentence),
            note="Proposed by the drafter: confirm, change or remove it.",
        )

    def _events(self, article: ArticleAnnotation, sentences: list[list[str]]) -> None:
        """Propose an event for each sentence that dates something; all for review."""
        number = 0
        before: EventAnnotation | None = None  # the article's last event told to the day
        for its_sentences in sentences:
            for sentence in its_sentences:
                if _not_a_step(sentence):
                    continue
                claims = self._event_dates(sentence, article.date.value, before)
                if not claims:
                    continue
                for claim, step in self._dated_steps(sentence, claims):
                    number += 1
                    event = self._event(article, sentence, claim, step, claims, number)
                    if event.date.value.is_exact_day:
                        before = event

    def _event(
        self,
        article: ArticleAnnotation,
        sentence: str,
        claim: DateClaim,
        step: str | None,
        claims: list[DateClaim],
        number: int,
    ) -> EventAnnotation:
        """Draft the event the sentence dates with `claim`, proposing `step`."""
        if claim.how == "resolved":
            claim = dataclasses.replace(claim, anchor=article.id)
        title = event_title(sentence, claim.phrase)
        status = _status(sentence, claim, article.date.value.earliest)
        effect = self._effect(article, sentence, step, claims)
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
                title=title,
                date=claim,
                status=status,
                actors=actors,
                milestone=effect is not None,
                effect=effect,
                evidence=[Evidence(article=article.id, text=sentence)],
                note=f"Proposed effect on the agreement: {step}." if step else None,
            )
        )
        if step:
            self.report.effects[ident] = step
        self.report.events.append(
            f"{ident}: {claim.value.label()} ({status}): {title[:80]}"
            + (f" [proposed: {step}]" if step else "")
        )
        return self.events[-1]

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
            article = self._article(found)
            articles.append(article)
            paragraphs = [line.text for line in found.body if line not in found.captions]
            _without_dateline(paragraphs)
            sentences = [split_sentences(paragraph) for paragraph in paragraphs]
            drafts = extract_quotes(paragraphs, article.date.value.earliest, sentences)
            self._quotes(article, drafts, sentences)
            self._events(article, sentences)
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
            excluded_quotations=self.excluded,
            discrepancies=self._discrepancies(),
        )


# A day printed without "on" ("at their March 16 summit"), and no year after it.
# Only before a noun, as a day's name for what happened on it ("their March 16 summit");
# "by Aug. 24" is a deadline, not a day something happened.
_BARE_DAY = re.compile(
    rf"\b(?:the|their|its|his|her|our|this|that) (?P<day>(?:{MONTH_PATTERN}|{_ABBREVIATED_MONTH}) "
    r"\d{1,2})(?=,? [a-z])"
)
_NUMBERS = {"a": 1, "one": 1, "two": 2, "three": 3, "four": 4, "five": 5, "six": 6, "seven": 7}
# Counted from the event told before: "Five days earlier, the two leaders had agreed …".
_DAYS_FROM = re.compile(
    rf"\b(?P<count>{'|'.join(_NUMBERS)}|\d{{1,2}}) (?P<unit>days?|weeks?) (?P<way>earlier|later)\b",
    re.IGNORECASE,
)


def _bare_days(sentence: str, anchor: dt.date, claims: list[DateClaim]) -> list[DateClaim]:
    """The days printed without "on" or a year, read as "on" them would be (the latest
    such day not after the article's), inferred with that reason."""
    found = []
    for bare in _BARE_DAY.finditer(sentence):
        day = bare["day"]
        if any(claim.phrase and day in claim.phrase for claim in claims):
            continue  # "on March 21": resolved already
        value = resolve_relative(f"on {day}", anchor)
        if value is None:
            continue
        reason = (
            f"“{day}” prints no year: read as “on {day}”, the latest such day not after "
            f"the article's ({value.label()})"
        )
        found.append(DateClaim(value=value, how="inferred", phrase=day, reason=reason))
    return found


def _after_the_event_before(sentence: str, before: EventAnnotation) -> list[DateClaim]:
    """A day told by the event before it: "that day", "five days earlier"."""
    day = before.date.value.earliest
    if (same := THAT_DAY.search(sentence)) is not None:
        phrase, value = same.group(0), before.date.value
        reason = f"“{phrase}” is the day of the event the article tells before it"
    elif (counted := _DAYS_FROM.search(sentence)) is not None:
        count = _NUMBERS.get(counted["count"].lower()) or int(counted["count"])
        days = count * (7 if counted["unit"].lower().startswith("week") else 1)
        sign = -1 if counted["way"].lower() == "earlier" else 1
        phrase = counted.group(0)
        value = FuzzyDate.day(day + dt.timedelta(days=sign * days))
        reason = f"“{phrase}” counts from the day of the event the article tells before it"
    else:
        return []
    reason += f" ({before.id}: {before.date.value.label()})"
    return [DateClaim(value=value, how="inferred", phrase=phrase, reason=reason)]


def _position(sentence: str, phrase: str | None) -> int:
    at = sentence.find(phrase) if phrase else -1
    return at if at >= 0 else len(sentence)


def _not_a_step(sentence: str) -> bool:
    """Whether a sentence tells no step even if it dates something: a quotation (one
    that opens on it, or is mostly quoted words: the quote is drafted, and its words are
    the speaker's, not the article's account), or a reaction to a step (it dates the
    reaction)."""
    quoted = sum(len(span.text) for span in find_quoted_spans(sentence))
    opens_quoting = sentence.lstrip().startswith(("“", '"')) and quoted > 0
    if DASHED_ATTRIBUTION.match(sentence.strip()):
        return True  # "— Rep. Noh, on a radio program Wednesday": the quote's attribution
    return opens_quoting or quoted >= QUOTED_SHARE * len(sentence) or is_reaction(sentence)


def _without_dateline(paragraphs: list[str]) -> None:
    """The first paragraph of text without its dateline: "SEOUL, Nov. 22 (Yonhap) --" is
    where and who, not the sentence's subject. A line of a word or two before it
    ("SHARE") is the page's, not the text's first paragraph."""
    for at, paragraph in enumerate(paragraphs):
        if len(paragraph.split()) <= SHORT_LINE_WORDS:
            continue
        if (dateline := read_dateline(paragraph)) is not None:
            paragraphs[at] = paragraph[dateline.end :]
        return


class UndraftablePageError(BriefingError):
    """The page holds no article that can be drafted; the message says why."""


class UndatedPageError(UndraftablePageError):
    """The page prints no date and none was given: nothing is dated from a guess."""


def draft_page(
    seed: str,
    text: str,
    store: FactStore,
    date: dt.date | None = None,
    reserved: set[str] | None = None,
) -> tuple[AnnotationFile, IngestReport]:
    """Draft annotations for a page named `seed`, matching speakers against `store`;
    `date` is the curator's, for a page that prints none (`UndatedPageError` without
    it); `reserved`: ids other drafts waiting for review hold. `UndraftablePageError`
    if the page holds no article a draft could describe."""
    drafter = _Drafter(seed, text, store, date, reserved or set())
    return drafter.draft(), drafter.report
