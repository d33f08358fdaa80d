"""Check merged annotations against the seeds, reporting every problem at once.

Each check adds `Problem`s naming the annotation file and the fact. The checks:
ids are unique; every line of every seed page is classified exactly once; every
evidence excerpt stands verbatim in its article (facts: in the body, never in an
off-topic paragraph); references point at known facts; dates are consistent with
how they were arrived at (a resolved phrase is recomputed); quotes are exactly the
words between quotation marks, and their attribution names their speaker
(`attribution_check`); and every quotation in an article body is covered.
"""

from __future__ import annotations

from collections.abc import Container, Iterable
from dataclasses import dataclass, field

from briefings.annotations import (
    ActorAnnotation,
    AnnotationFile,
    ArticleAnnotation,
    DateClaim,
    EventAnnotation,
    Evidence,
    QuoteAnnotation,
)
from briefings.attribution_check import unnamed_speaker
from briefings.effects import STATING_WORDS, states, states_condition
from briefings.errors import Problem
from briefings.quotations import QuotedSpan, find_quoted_spans
from briefings.relative_dates import resolve_relative
from briefings.seeds import SeedText
from briefings.source_map import FACT_REGIONS, SOURCE_REGIONS, Region, SourceMap, span_lines

__all__ = ["Annotations", "source_map_of", "validate"]


@dataclass
class Annotations:
    """All annotation files merged, remembering which file each fact came from."""

    files: dict[str, AnnotationFile] = field(default_factory=dict)
    # Ids of facts that failed their own validation: references to them are not reported
    # again, and files that could not be read at all switch reference checks off.
    broken_ids: set[str] = field(default_factory=set)
    unreadable: list[str] = field(default_factory=list)

    def facts(self) -> Iterable[tuple[str, str, str]]:
        """(file, kind, id) of every identified fact."""
        for name, file in self.files.items():
            for article in (a for s in file.sources for a in s.articles):
                yield name, "article", article.id
            for kind, items in (
                ("actor", file.actors),
                ("role", file.roles),
                ("event", file.events),
                ("quote", file.quotes),
                ("printing error", file.printing_errors),
                ("discrepancy", file.discrepancies),
            ):
                for item in items:
                    yield name, kind, item.id

    def merged(self) -> AnnotationFile:
        """One file holding every section of every file."""
        return AnnotationFile(
            **{
                section: [item for f in self.files.values() for item in getattr(f, section)]
                for section in AnnotationFile.model_fields
            }
        )


class _Checker:
    def __init__(
        self, annotations: Annotations, seeds: dict[str, SeedText], source_map: SourceMap
    ) -> None:
        self.annotations = annotations
        self.seeds = seeds
        self.problems: list[Problem] = []
        merged = annotations.merged()
        self.merged = merged
        self.map = source_map
        self.ids: dict[str, str] = {}
        # Looked up once per reference: built once, so that checking stays linear.
        self.actors = {actor.id: actor for actor in merged.actors}
        self.actor_ids = self.actors.keys()
        self.roles = {role.id: role for role in merged.roles}

    def add(self, file: str, fact: str | None, message: str) -> None:
        self.problems.append(Problem(file, fact, message))

    def run(self) -> list[Problem]:
        self.check_ids()
        for name, contents in self.annotations.files.items():
            self.check_file(name, contents)
        self.check_line_classification()
        self.check_coverage()
        return self.problems

    # --- identity and references -------------------------------------------------

    def check_ids(self) -> None:
        for file, kind, fact_id in self.annotations.facts():
            if fact_id in self.ids:
                self.add(file, f"{kind} {fact_id}", f"id is already used in {self.ids[fact_id]}")
            else:
                self.ids[fact_id] = file

    def ref(self, file: str, fact: str, kind: str, target: str, known: Container[str]) -> bool:
        if target in self.annotations.broken_ids or self.annotations.unreadable:
            return False  # already reported where it is defined
        if target not in known:
            self.add(file, fact, f"refers to unknown {kind} {target!r}")
            return False
        return True

    # --- evidence ----------------------------------------------------------------

    def evidence(
        self, file: str, fact: str, items: Iterable[Evidence], regions: frozenset[Region]
    ) -> None:
        for item in items:
            located = self.map.locate(item, regions)
            if isinstance(located, str):
                self.add(file, fact, located)

    def date(self, file: str, fact: str, claim: DateClaim, texts: list[str]) -> None:
        if claim.phrase is not None and not any(claim.phrase in text for text in texts):
            self.add(file, fact, f"date phrase {claim.phrase!r} is not in the fact's evidence")
        if claim.how == "inferred" and not claim.reason:
            self.add(file, fact, "an inferred date needs a reason")
        if claim.how == "resolved":
            self.resolved_date(file, fact, claim)

    def resolved_date(self, file: str, fact: str, claim: DateClaim) -> None:
        if claim.phrase is None or claim.anchor is None:
            self.add(file, fact, "a resolved date needs the phrase and the anchor article")
            return
        anchor = self.map.articles.get(claim.anchor)
        if anchor is None:
            self.add(file, fact, f"date anchor names an unknown article {claim.anchor!r}")
            return
        if not anchor.date.value.is_exact_day:
            self.add(file, fact, f"cannot resolve against {claim.anchor}: its date is not a day")
            return
        resolved = resolve_relative(claim.phrase, anchor.date.value.earliest)
        if resolved is None:
            self.add(
                file, fact, f"no rule resolves {claim.phrase!r}; say how: inferred, with a reason"
            )
        elif resolved != claim.value:
            self.add(
                file,
                fact,
                f"{claim.phrase!r} against {anchor.date.value} resolves to {resolved.iso}, "
                f"not {claim.value.iso}",
            )

    # --- per file ------------------------------------------------------------------

    def check_file(self, file: str, annotations: AnnotationFile) -> None:
        for source in annotations.sources:
            if source.seed not in self.seeds:
                self.add(file, f"source {source.seed}", "names a seed that is not in the manifest")
                continue
            publisher = source.publisher
            self.evidence(file, f"publisher of {source.seed}", publisher.evidence, SOURCE_REGIONS)
            if publisher.how != "not printed" and not publisher.name:
                self.add(file, f"publisher of {source.seed}", "a publisher needs a name")
            for article in source.articles:
                self.check_article(file, source.seed, article)
        self.check_facts(file, annotations)

    def check_article(self, file: str, seed: str, article: ArticleAnnotation) -> None:
        fact = f"article {article.id}"
        last = self.seeds[seed].line_count
        spans = [article.body, *article.metadata_lines, str(article.title_line)]
        if any(max(span_lines(span)) > last for span in spans):
            self.add(file, fact, f"names a line past the end of {seed} ({last} lines)")
            return
        self.evidence(file, fact, article.evidence, SOURCE_REGIONS)
        texts = [item.text for item in article.evidence]
        if article.title not in texts or self.seeds[seed].line(article.title_line) != article.title:
            self.add(file, fact, "the title must be its title line, quoted in the evidence")
        if article.author and not any(article.author in text for text in texts):
            self.add(file, fact, f"author {article.author!r} is not in the evidence")
        self.date(file, fact, article.date, texts)
        if article.date.how == "printed" and article.date.phrase is None:
            self.add(file, fact, "a printed date needs the phrase as printed")

    def check_facts(self, file: str, annotations: AnnotationFile) -> None:
        actor_ids = self.actor_ids
        for actor in annotations.actors:
            self.evidence(file, f"actor {actor.id}", actor.evidence, FACT_REGIONS)
            if actor.part_of is not None:
                self.check_part_of(file, actor)
        for role in annotations.roles:
            fact = f"role {role.id}"
            self.ref(file, fact, "actor", role.actor, actor_ids)
            self.evidence(file, fact, role.evidence, FACT_REGIONS)
        for event in annotations.events:
            fact = f"event {event.id}"
            for actor_id in event.actors:
                self.ref(file, fact, "actor", actor_id, actor_ids)
            self.evidence(file, fact, event.evidence, FACT_REGIONS)
            self.date(file, fact, event.date, [item.text for item in event.evidence])
            if event.effect is not None:
                self.check_effect(file, fact, event)
        for quote in annotations.quotes:
            self.check_quote(file, quote)
        for error in annotations.printing_errors:
            fact = f"printing error {error.id}"
            self.evidence(
                file, fact, [Evidence(article=error.article, text=error.printed)], FACT_REGIONS
            )
        for exclusion in annotations.excluded_quotations:
            fact = f"excluded quotation {exclusion.text!r}"
            self.ref(file, fact, "article", exclusion.article, self.map.articles)
        for discrepancy in annotations.discrepancies:
            fact = f"discrepancy {discrepancy.id}"
            claims = [claim.evidence for claim in discrepancy.claims]
            self.evidence(file, fact, claims, FACT_REGIONS)
            for claim in discrepancy.claims:
                if claim.date is not None:  # checked like any date: phrase, resolution
                    self.date(file, fact, claim.date, [claim.evidence.text])
            for target in discrepancy.facts:
                self.ref(file, fact, "fact", target, self.ids)

    def check_effect(self, file: str, fact: str, event: EventAnnotation) -> None:
        """An effect is a milestone's, stated in its own evidence's words."""
        effect = event.effect
        assert effect is not None
        self.evidence(file, fact, effect.evidence, FACT_REGIONS)
        texts = [item.text for item in effect.evidence]
        if not event.milestone:
            self.add(file, fact, f"effect {effect.kind}: only a milestone has an effect")
        if not states(effect.kind, texts):
            words = ", ".join(repr(w) for w in STATING_WORDS[effect.kind])
            self.add(
                file, fact, f"effect {effect.kind}: no excerpt of its evidence says so ({words})"
            )
        if effect.conditional:
            if effect.kind != "termination_suspended":
                self.add(file, fact, f"effect {effect.kind}: only a suspension is conditional")
            elif not states_condition(texts):
                self.add(file, fact, "effect termination_suspended: no excerpt says 'condition…'")
        if effect.takes_effect is not None:
            if effect.kind != "termination_notified":
                self.add(file, fact, f"effect {effect.kind}: only a notice takes effect on a day")
            self.date(file, f"{fact} (takes effect)", effect.takes_effect, texts)

    def check_part_of(self, file: str, actor: ActorAnnotation) -> None:
        fact = f"actor {actor.id}"
        whole = str(actor.part_of)
        if whole == actor.id:
            self.add(file, fact, "cannot be part of itself")
        elif self.ref(file, fact, "actor", whole, self.actor_ids):
            parent = self.actors[whole]
            if parent.part_of is not None:
                self.add(file, fact, f"is part of {whole}, which is itself part of something")

    def check_quote(self, file: str, quote: QuoteAnnotation) -> None:
        fact = f"quote {quote.id}"
        known = self.ref(file, fact, "speaker", quote.speaker, self.actor_ids)
        if known and (
            unnamed := unnamed_speaker(quote, self.actors[quote.speaker], self.actors.values())
        ):
            self.add(file, fact, unnamed)
        self.evidence(file, fact, quote.evidence, FACT_REGIONS)
        texts = [item.text for item in quote.evidence]
        articles = {item.article for item in quote.evidence}
        if len(articles) != 1:
            self.add(file, fact, "a quote's evidence must come from one article")
        if not any(quote.attribution in text for text in texts):
            self.add(file, fact, f"attribution {quote.attribution!r} is not in the evidence")
        for words in quote.words:
            spans = [span for text in texts for span in find_quoted_spans(text)]
            if not any(span.matches(words) for span in spans):
                self.add(file, fact, f"{words!r} is not a quoted span of the evidence")
        if quote.date is None and not quote.date_note:
            self.add(file, fact, "a quote without a date needs a date_note saying what is known")
        if quote.date is not None:
            self.date(file, fact, quote.date, texts)
        if quote.role is not None:
            self.check_quote_role(file, fact, quote, articles)

    def check_quote_role(
        self, file: str, fact: str, quote: QuoteAnnotation, articles: set[str]
    ) -> None:
        if not self.ref(file, fact, "role", str(quote.role), self.roles):
            return
        role = self.roles[str(quote.role)]
        if role.actor != quote.speaker:
            self.add(file, fact, f"role {role.id} belongs to {role.actor}, not {quote.speaker}")
        if not articles & {item.article for item in role.evidence}:
            self.add(file, fact, f"role {role.id} is not attested by the quote's article")

    # --- whole-store checks -----------------------------------------------------

    def check_line_classification(self) -> None:
        for source in self.merged.sources:
            seed = self.seeds.get(source.seed)
            if seed is None:
                continue
            for number in range(1, seed.line_count + 1):
                owners = self.map.owners(source.seed, number)
                blank = not seed.line(number).strip()
                if not blank and not owners:
                    self.add(source.seed, f"line {number}", "is not classified")
                elif len(owners) > 1:
                    regions = ", ".join(owner.region.value for owner in owners)
                    self.add(source.seed, f"line {number}", f"is classified twice ({regions})")

    def check_coverage(self) -> None:
        """Every quoted span in an article body is a stored quote or deliberately excluded.

        Closed spans are matched by their exact text through a set; only a quotation
        left open (rare) is compared word by word, so the check stays linear."""
        stored: dict[str, set[str]] = {}
        for quote in self.merged.quotes:
            for item in quote.evidence:
                stored.setdefault(item.article, set()).update(quote.words)
        excluded: dict[str, list[str]] = {}
        for exclusion in self.merged.excluded_quotations:
            excluded.setdefault(exclusion.article, []).append(exclusion.text)
        for article_id, article in self.map.articles.items():
            spans = self._body_spans(article_id)
            known = stored.get(article_id, set()) | set(excluded.get(article_id, []))
            for span in spans:
                covered = span.text in known if span.closed else any(map(span.matches, known))
                if not covered:
                    self.add(
                        "coverage",
                        f"article {article.id}",
                        f"quotation {span.text!r} is neither a stored quote nor excluded",
                    )
            closed = {span.text for span in spans if span.closed}
            still_open = [span for span in spans if not span.closed]
            for text in excluded.get(article_id, []):
                if text not in closed and not any(span.matches(text) for span in still_open):
                    self.add(
                        "coverage",
                        f"article {article.id}",
                        f"exclusion {text!r} matches no quotation",
                    )

    def _body_spans(self, article_id: str) -> list[QuotedSpan]:
        seed = self.seeds[self.map.seed_of[article_id]]
        return [
            span
            for number in self.map.body_lines(article_id)
            if number <= seed.line_count
            for span in find_quoted_spans(seed.line(number))
        ]


def source_map_of(annotations: AnnotationFile, seeds: dict[str, SeedText]) -> SourceMap:
    """The line map of the seeds the annotations describe, with every excerpt they
    cite already found (one pass per page)."""
    source_map = SourceMap([s for s in annotations.sources if s.seed in seeds], seeds)
    source_map.prepare(annotations.all_evidence())
    return source_map


def validate(
    annotations: Annotations, seeds: dict[str, SeedText], source_map: SourceMap | None = None
) -> list[Problem]:
    """Every problem with `annotations` against `seeds`; empty when all is well.

    `source_map` is `source_map_of` the merged annotations, when the caller has it."""
    source_map = source_map or source_map_of(annotations.merged(), seeds)
    return _Checker(annotations, seeds, source_map).run()
