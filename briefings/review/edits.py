"""What a curator may change in a draft before accepting it, besides leaving items out:
a quote's speaker (an actor the store or the draft knows, or a new person named as
printed) and role, the date of a quote, an event or the article, and an event's
effect on the agreement; and a quotation the drafter left out, given its speaker,
becomes a quote.

`apply_edit` is pure: the draft's annotations in, the edited annotations and the
changes made out, or `EditError` saying in one line why not. The desk
(`briefings.review.desk`) checks the edited draft against its page, writes it with the
record of the changes in one transaction, and refuses an edit that makes the draft
check worse.

A speaker a curator gives is not named in the attribution's words, so the quote
carries the curator's record (`SpeakerGiven`: who, when, why), which the attribution
check takes in their stead and every answer shows.
"""

from __future__ import annotations

import dataclasses
import datetime as dt
import hashlib
import re
from collections.abc import Mapping
from dataclasses import dataclass
from typing import get_args

from pydantic import BaseModel, ConfigDict

from briefings.annotations import (
    ActorAnnotation,
    AnnotationFile,
    ArticleAnnotation,
    DateClaim,
    EffectAnnotation,
    EventAnnotation,
    Evidence,
    ExcludedQuotation,
    QuoteAnnotation,
    RoleAnnotation,
    SpeakerGiven,
    claim_id,
)
from briefings.effects import EffectKind
from briefings.errors import BadPeriodError, BriefingError, Problem, shown
from briefings.matching import fold
from briefings.relative_dates import resolve_relative
from briefings.seeds import SeedText
from briefings.source_map import span_lines
from briefings.typed_dates import typed_period

__all__ = [
    "EFFECT_KINDS",
    "FORM_FIELDS",
    "GIVEN_IN_REVIEW",
    "Change",
    "Edit",
    "EditError",
    "Edited",
    "apply_edit",
    "draft_problems",
    "edit_of_form",
    "effect_text",
    "form_of",
    "left_out_id",
]

EFFECT_KINDS: tuple[str, ...] = get_args(EffectKind)
GIVEN_IN_REVIEW = "given in review by"  # starts the note of whatever a curator gave
_ID_LIKE = re.compile(r"^[a-z0-9][a-z0-9-]*$")
_OUTSIDE = " ,.;:-—–“”\"'"  # stripped from what stands around a quotation


class EditError(BriefingError):
    """An edit that cannot be made; the message says why, in one line."""

    def __init__(self, message: str, problems: list[Problem] | None = None) -> None:
        super().__init__(message)
        self.problems = problems or []


class Edit(BaseModel):
    """One edit of one item, as a curator asks for it (from the command line or a
    Discord form): only the fields given change."""

    model_config = ConfigDict(extra="forbid", frozen=True)

    item: str
    speaker: str | None = None  # an actor's id, or a new person's name as printed
    role: str | None = None  # the speaker's (or actor's) title as printed
    no_role: bool = False
    date: str | None = None  # as people type dates: 2019-11-22, 22 November 2019, 2019-11
    effect: str | None = None  # one of EFFECT_KINDS
    no_effect: bool = False
    conditional: bool | None = None
    takes_effect: str | None = None
    reason: str | None = None  # the curator's own words, kept with the change

    def fields(self) -> list[str]:
        """The names of the fields this edit changes."""
        return list(self.model_dump(exclude={"item", "reason"}, exclude_defaults=True))


@dataclass(frozen=True)
class Change:
    """One field of one item changed, as the record keeps it."""

    item: str
    field: str
    before: str
    after: str


@dataclass(frozen=True)
class Edited:
    """The draft's annotations after an edit, and what changed."""

    file: AnnotationFile
    changes: list[Change]


def left_out_id(exclusion: ExcludedQuotation) -> str:
    """An id for a quotation the drafter left out (it has none of its own), stable
    while its words are: a post's form names the same one after other edits."""
    digest = hashlib.sha256(f"{exclusion.article}\n{exclusion.text}".encode()).hexdigest()
    return f"left-out-{digest[:8]}"


ALLOWED = {
    "quote": {"speaker", "role", "no_role", "date"},
    "left out": {"speaker", "role", "date"},
    "event": {"date", "effect", "no_effect", "conditional", "takes_effect"},
    "actor": {"role"},
    "article": {"date"},
}
_FLAGS = {
    "speaker": "speaker",
    "role": "role",
    "no_role": "no role",
    "date": "date",
    "effect": "effect",
    "no_effect": "no effect",
    "conditional": "conditional",
    "takes_effect": "takes effect",
}


def _day_claim(text: str, by: str, reason: str | None) -> DateClaim:
    """The date a curator typed, recorded as theirs (inferred, with who and why)."""
    try:
        value = typed_period(text)
    except BadPeriodError as error:
        raise EditError(str(error)) from None
    except ValueError:
        raise EditError(
            f"{shown(text)!r} is not a date (e.g. 2019-11-22, 22 November 2019, 2019-11)"
        ) from None
    why = f"{GIVEN_IN_REVIEW} {by}" + (f": {reason}" if reason else "")
    return DateClaim(value=value, how="inferred", reason=why)


def _slug(text: str) -> str:
    return re.sub(r"[^a-z0-9]+", "-", fold(text)).strip("-")[:48].rstrip("-") or "x"


class _Editor:
    """One edit applied to one draft: its facts by id, and the ids already taken."""

    def __init__(
        self,
        file: AnnotationFile,
        page: SeedText,
        known: Mapping[str, ActorAnnotation],
        by: str,
        at: dt.datetime,
    ) -> None:
        self.file, self.page, self.by, self.at = file, page, by, at
        self.actors = {**known, **{actor.id: actor for actor in file.actors}}
        self.new_actors: list[ActorAnnotation] = []
        self.roles = {role.id: role for role in file.roles}
        self.changes: list[Change] = []
        self.taken = set(self.actors) | set(self.roles)
        self.taken |= {quote.id for quote in file.quotes} | {event.id for event in file.events}
        self.taken |= {discrepancy.id for discrepancy in file.discrepancies}
        self.taken |= {a.id for source in file.sources for a in source.articles}

    def unique(self, base: str) -> str:
        return claim_id(base, self.taken)

    def changed(self, item: str, field: str, before: object, after: object) -> None:
        self.changes.append(Change(item, field, str(before or "none"), str(after or "none")))

    # --- speakers and roles -----------------------------------------------------------

    def speaker(self, text: str, evidence: Evidence) -> ActorAnnotation:
        """The actor `text` names: an id the store or the draft knows, a known actor's
        name or alias as typed, or else a new person of that name."""
        text = " ".join(text.split())
        if text in self.actors:
            return self.actors[text]
        typed = fold(text)
        for actor in self.actors.values():
            if typed in {fold(name) for name in (actor.name, *actor.aliases)}:
                return actor
        if _ID_LIKE.match(text):
            raise EditError(
                f"no actor has the id {shown(text)!r}; for a new person give the name as "
                "printed (e.g. Lee Dong-hwa)"
            )
        if len(text) < 3:
            raise EditError(f"{shown(text)!r} is too short for a name")
        actor = ActorAnnotation(
            id=self.unique(_slug(text)),
            name=text,
            kind="person",
            evidence=[self.mention(text) or evidence],
        )
        self.actors[actor.id] = actor
        self.new_actors.append(actor)
        return actor

    def mention(self, name: str) -> Evidence | None:
        """The article's first sentence that prints the name, if one does."""
        for article, line in self.body_lines():
            if name in line:
                return Evidence(article=article.id, text=_sentence_around(line, line.index(name)))
        return None

    def body_lines(self) -> list[tuple[ArticleAnnotation, str]]:
        lines = []
        for source in self.file.sources:
            for article in source.articles:
                for number in span_lines(article.body):
                    if number <= self.page.line_count and self.page.line(number).strip():
                        lines.append((article, self.page.line(number)))
        return lines

    def role_for(self, actor: str, title: str, evidence: Evidence) -> RoleAnnotation:
        """The draft's role of `actor` with this title, or a new one."""
        title = " ".join(title.split())
        for role in self.roles.values():
            if role.actor == actor and role.title == title:
                return role
        role = RoleAnnotation(
            id=self.unique(f"{actor}-{_slug(title)}"[:64].rstrip("-")),
            actor=actor,
            title=title,
            evidence=[evidence],
            note=f"{GIVEN_IN_REVIEW} {self.by}",
        )
        self.roles[role.id] = role
        return role

    def retitle(self, role: RoleAnnotation, title: str) -> RoleAnnotation:
        retitled = dataclasses.replace(
            role, title=" ".join(title.split()), note=f"{GIVEN_IN_REVIEW} {self.by}"
        )
        self.changed(role.id, "role", role.title, retitled.title)
        self.roles[role.id] = retitled
        return retitled

    # --- items ------------------------------------------------------------------------

    def quote(self, quote: QuoteAnnotation, edit: Edit) -> QuoteAnnotation:
        updates: dict[str, object] = {}
        speaker = quote.speaker
        if edit.speaker is not None:
            actor = self.speaker(edit.speaker, quote.evidence[0])
            speaker = actor.id
            updates["speaker"] = speaker
            updates["speaker_given"] = self.given(actor, edit, quote.speaker)
            self.changed(quote.id, "speaker", quote.speaker, actor.id)
            if quote.role is not None and self._role_actor(quote.role) != speaker:
                updates["role"] = None  # the drafted speaker's, not the new one's
        role = updates.get("role", quote.role)
        if edit.no_role:
            updates["role"] = None
        elif edit.role is not None:
            drafted = self.roles.get(str(role)) if role else None
            if drafted is not None and drafted.actor == speaker:
                self.retitle(drafted, edit.role)
            else:
                new = self.role_for(speaker, edit.role, quote.evidence[0])
                updates["role"] = new.id
        if "role" in updates and updates["role"] != quote.role:
            self.changed(quote.id, "role of the quote", quote.role, updates["role"])
        if edit.date is not None:
            updates["date"] = _day_claim(edit.date, self.by, edit.reason)
            self.changed(quote.id, "date", _date(quote.date), _date(updates["date"]))
        return dataclasses.replace(quote, **updates)  # type: ignore[arg-type]

    def given(self, actor: ActorAnnotation, edit: Edit, drafted: str | None) -> SpeakerGiven:
        reason = " ".join((edit.reason or f"the speaker is {actor.name}").split())
        return SpeakerGiven(by=self.by, at=self.at, reason=reason, drafted=drafted)

    def _role_actor(self, role_id: str) -> str | None:
        role = self.roles.get(role_id)
        return role.actor if role else None

    def left_out(self, exclusion: ExcludedQuotation, edit: Edit) -> QuoteAnnotation:
        """The left-out quotation as a quote of the speaker the curator gives."""
        assert edit.speaker is not None
        evidence = self.quoted_sentence(exclusion)
        actor = self.speaker(edit.speaker, evidence)
        outside = _outside(evidence.text, exclusion.text)
        quote = QuoteAnnotation(
            id=self.unique(f"{exclusion.article}-q{len(self.file.quotes) + 1}"),
            speaker=actor.id,
            words=[exclusion.text],
            attribution=outside if len(outside) >= 3 else evidence.text,
            date_note="the article does not date the words",
            evidence=[evidence],
            speaker_given=self.given(actor, edit, None),
        )
        self.changed(left_out_id(exclusion), "quote", exclusion.text, quote.id)
        self.changed(quote.id, "speaker", None, actor.id)
        return self.quote(quote, edit.model_copy(update={"speaker": None}))

    def quoted_sentence(self, exclusion: ExcludedQuotation) -> Evidence:
        for article, line in self.body_lines():
            if article.id != exclusion.article:
                continue
            at = line.find(exclusion.text)
            if at >= 0:
                return Evidence(article=article.id, text=_sentence_around(line, at))
        raise EditError("the left-out quotation is not in its article's body")

    def event(self, event: EventAnnotation, edit: Edit) -> EventAnnotation:
        updates: dict[str, object] = {}
        if edit.date is not None:
            updates["date"] = _day_claim(edit.date, self.by, edit.reason)
            self.changed(event.id, "date", _date(event.date), _date(updates["date"]))
        effect = event.effect
        if edit.no_effect:
            effect = None
        elif edit.effect is not None or edit.conditional is not None or edit.takes_effect:
            effect = self.effect(event, edit)
        if effect != event.effect:
            updates["effect"] = effect
            if effect is not None:
                updates["milestone"] = True  # only a step of the agreement has an effect
            self.changed(event.id, "effect", _effect(event.effect), _effect(effect))
        return dataclasses.replace(event, **updates)  # type: ignore[arg-type]

    def effect(self, event: EventAnnotation, edit: Edit) -> EffectAnnotation:
        kind = edit.effect or (event.effect.kind if event.effect else None)
        if kind is None:
            raise EditError("give the effect's kind too: " + ", ".join(EFFECT_KINDS))
        if kind not in EFFECT_KINDS:
            raise EditError(f"{shown(kind)!r} is not an effect; one of: " + ", ".join(EFFECT_KINDS))
        base = event.effect
        if base is None or base.kind != kind:
            note = f"{GIVEN_IN_REVIEW} {self.by}"
            base = EffectAnnotation(kind=kind, evidence=list(event.evidence), note=note)  # type: ignore[arg-type]
        updates: dict[str, object] = {}
        if edit.conditional is not None:
            updates["conditional"] = edit.conditional
        if edit.takes_effect:
            updates["takes_effect"] = _day_claim(edit.takes_effect, self.by, edit.reason)
        return dataclasses.replace(base, **updates)  # type: ignore[arg-type]

    def actor_role(self, actor: ActorAnnotation, title: str) -> None:
        held = [role for role in self.roles.values() if role.actor == actor.id]
        if len(held) > 1:
            ids = ", ".join(role.id for role in held)
            raise EditError(
                f"{actor.name} holds {len(held)} roles in the draft ({ids}): give the role "
                "on the quote it is wrong for"
            )
        if held:
            self.retitle(held[0], title)
        else:
            role = self.role_for(actor.id, title, actor.evidence[0])
            self.changed(actor.id, "role", None, role.title)

    def article_date(self, article: ArticleAnnotation, edit: Edit) -> ArticleAnnotation:
        """The article's date as the curator gives it; the dates resolved against it
        are resolved again (checked as ever: one no rule resolves is refused)."""
        assert edit.date is not None
        claim = _day_claim(edit.date, self.by, edit.reason)
        self.changed(article.id, "date", _date(article.date), _date(claim))
        return dataclasses.replace(article, date=claim)


def _date(claim: object) -> str:
    return claim.value.iso if isinstance(claim, DateClaim) else "none"


def _effect(effect: EffectAnnotation | None) -> str:
    if effect is None:
        return "none"
    extras = [" conditionally" if effect.conditional else ""]
    if effect.takes_effect is not None:
        extras.append(f", taking effect {effect.takes_effect.value}")
    return effect.kind + "".join(extras)


def _sentence_around(line: str, at: int) -> str:
    """The sentence of `line` (a paragraph) that holds the character at `at`."""
    from briefings.ingest.quotes import split_sentences  # syntok: only when asked

    start = 0
    for sentence in split_sentences(line):
        begin = line.find(sentence, start)
        if begin <= at < begin + len(sentence):
            return sentence
        start = begin + len(sentence)
    return line


def _outside(sentence: str, words: str) -> str:
    """What the sentence says besides the quoted words: the longest stretch outside
    the quotation (its attribution, as far as it has one)."""
    before, _, after = sentence.partition(words)
    parts = [part.strip(_OUTSIDE) for part in (before, after)]
    return max(parts, key=len)


def _resolved_again(claim: DateClaim | None, article: ArticleAnnotation) -> DateClaim | None:
    """A date resolved against the article's day, resolved against its new one."""
    if claim is None or claim.how != "resolved" or claim.anchor != article.id:
        return claim
    day = article.date.value
    if not day.is_exact_day or claim.phrase is None:
        return claim  # left for the check to refuse
    value = resolve_relative(claim.phrase, day.earliest)
    return claim if value is None else dataclasses.replace(claim, value=value)


def _redate(file: AnnotationFile, article: ArticleAnnotation) -> AnnotationFile:
    """Every claim anchored on `article` resolved again against its date."""
    quotes = [dataclasses.replace(q, date=_resolved_again(q.date, article)) for q in file.quotes]
    events = []
    for event in file.events:
        date = _resolved_again(event.date, article)
        assert date is not None
        effect = event.effect
        if effect is not None and effect.takes_effect is not None:
            effect = dataclasses.replace(
                effect, takes_effect=_resolved_again(effect.takes_effect, article)
            )
        events.append(dataclasses.replace(event, date=date, effect=effect))
    return file.model_copy(update={"quotes": quotes, "events": events})


def apply_edit(
    file: AnnotationFile,
    edit: Edit,
    *,
    page: SeedText,
    known: Mapping[str, ActorAnnotation],
    by: str,
    at: dt.datetime,
) -> Edited:
    """The draft `file` (of the page `page`) with `edit` made by `by` at `at`; `known`:
    the store's actors, whom a quote may be given to by id. `EditError` if the item is
    not in the draft, or the edit does not apply to its kind."""
    editor = _Editor(file, page, known, by, at)
    kind, found = _item(file, edit.item)
    asked = set(edit.fields())
    if not asked:
        raise EditError(f"nothing to change in {shown(edit.item)!r}: say what (see --help)")
    if wrong := sorted(asked - ALLOWED[kind]):
        takes = ", ".join(sorted(_FLAGS[name] for name in ALLOWED[kind]))
        raise EditError(
            f"{kind} {shown(edit.item)} has no {', '.join(_FLAGS[w] for w in wrong)} to "
            f"change (a {kind} takes: {takes})"
        )
    if edit.role is not None and edit.no_role:
        raise EditError("give a role or no role, not both")
    if edit.effect is not None and edit.no_effect:
        raise EditError("give an effect or no effect, not both")
    updates: dict[str, object] = {}
    if isinstance(found, QuoteAnnotation):
        updates["quotes"] = [editor.quote(q, edit) if q is found else q for q in file.quotes]
    elif isinstance(found, ExcludedQuotation):
        if edit.speaker is None:
            raise EditError("a left-out quotation becomes a quote with its speaker: give one")
        updates["quotes"] = [*file.quotes, editor.left_out(found, edit)]
        updates["excluded_quotations"] = [e for e in file.excluded_quotations if e is not found]
    elif isinstance(found, EventAnnotation):
        updates["events"] = [editor.event(e, edit) if e is found else e for e in file.events]
    elif isinstance(found, ActorAnnotation):
        assert edit.role is not None
        editor.actor_role(found, edit.role)
    elif isinstance(found, ArticleAnnotation):
        redated = editor.article_date(found, edit)
        sources = [
            dataclasses.replace(
                source, articles=[redated if a is found else a for a in source.articles]
            )
            for source in file.sources
        ]
        updates["sources"] = sources
    updates["actors"] = [*file.actors, *editor.new_actors]
    updates["roles"] = list(editor.roles.values())
    edited = file.model_copy(update=updates)
    if isinstance(found, ArticleAnnotation):
        edited = _redate(edited, edited_article(edited, found.id))
    return Edited(edited, editor.changes)


def edited_article(file: AnnotationFile, article_id: str) -> ArticleAnnotation:
    """The article of `file` with this id."""
    return next(a for s in file.sources for a in s.articles if a.id == article_id)


def _item(file: AnnotationFile, item: str) -> tuple[str, object]:
    """The item's kind and fact; `EditError` naming the draft's items if none has the id."""
    facts: dict[str, tuple[str, object]] = {}
    for source in file.sources:
        for article in source.articles:
            facts[article.id] = ("article", article)
    for actor in file.actors:
        facts[actor.id] = ("actor", actor)
    for event in file.events:
        facts[event.id] = ("event", event)
    for quote in file.quotes:
        facts[quote.id] = ("quote", quote)
    for exclusion in file.excluded_quotations:
        facts[left_out_id(exclusion)] = ("left out", exclusion)
    if item in facts:
        return facts[item]
    raise EditError(f"the draft has no item {shown(item)!r} (see `briefbot review show`)")


# The stub a draft's references to known actors are checked against.
STORE_FILE = "the store's actors"


def draft_problems(
    file: AnnotationFile, page: SeedText, known: Mapping[str, ActorAnnotation]
) -> list[Problem]:
    """What `facts check` would say of the draft alone against its page, with the
    store's actors known (a quote may be theirs): every problem, at once."""
    from briefings.validation import Annotations, validate  # imported when first edited

    drafted = {actor.id for actor in file.actors}
    stub = AnnotationFile(actors=[a for a in known.values() if a.id not in drafted])
    annotations = Annotations(files={STORE_FILE: stub, "draft": file})
    return [p for p in validate(annotations, {page.name: page}) if p.file != STORE_FILE]


# The fields of the form a curator fills to edit an item of each kind (Discord's
# modal holds five at most).
FORM_FIELDS: dict[str, tuple[str, ...]] = {
    "quote": ("speaker", "role", "date", "reason"),
    "left out": ("speaker", "role", "date", "reason"),
    "event": ("date", "effect", "takes_effect", "reason"),
    "actor": ("role", "reason"),
    "article": ("date", "reason"),
}
_CONDITIONAL = re.compile(r"[,;\s]*\bcondition(?:al|ally)?\b", re.IGNORECASE)


def effect_text(effect: EffectAnnotation | None) -> str:
    """An effect as the form shows it: its kind, and ", conditional" if it is."""
    if effect is None:
        return ""
    return effect.kind + (", conditional" if effect.conditional else "")


def form_of(file: AnnotationFile, item: str) -> tuple[str, dict[str, str]]:
    """The item's kind and the values its form starts with (what the draft says now)."""
    kind, found = _item(file, item)
    titles = {role.id: role.title for role in file.roles}
    values: dict[str, str] = dict.fromkeys(FORM_FIELDS[kind], "")
    if isinstance(found, QuoteAnnotation):
        values["speaker"] = found.speaker
        values["role"] = titles.get(found.role or "", "")
        values["date"] = _date(found.date) if found.date else ""
    elif isinstance(found, EventAnnotation):
        values["date"] = _date(found.date)
        values["effect"] = effect_text(found.effect)
        takes = found.effect.takes_effect if found.effect else None
        values["takes_effect"] = _date(takes) if takes else ""
    elif isinstance(found, ActorAnnotation):
        held = [role.title for role in file.roles if role.actor == found.id]
        values["role"] = held[0] if len(held) == 1 else ""
    elif isinstance(found, ArticleAnnotation):
        values["date"] = _date(found.date)
    return kind, values


def edit_of_form(item: str, kind: str, before: Mapping[str, str], after: Mapping[str, str]) -> Edit:
    """The edit a filled form asks for: the fields whose text changed (an emptied role
    or effect takes it away); `EditError` for an emptied date, which cannot be."""
    changed = {
        name: " ".join(after.get(name, "").split())
        for name in FORM_FIELDS[kind]
        if name != "reason" and " ".join(after.get(name, "").split()) != before.get(name, "")
    }
    asked: dict[str, object] = {"item": item, "reason": after.get("reason", "").strip() or None}
    for name, value in changed.items():
        if name == "role" and not value:
            asked["no_role"] = True
        elif name == "effect" and value.lower() in ("", "none"):
            asked["no_effect"] = True
        elif name == "effect":
            asked["conditional"] = _CONDITIONAL.search(value) is not None
            asked["effect"] = _CONDITIONAL.sub("", value).strip(" ,;").lower().replace(" ", "_")
        elif not value:
            raise EditError(f"a {name.replace('_', ' ')} cannot be left empty: give one")
        else:
            asked[name] = value
    return Edit.model_validate(asked)
