"""Compact, read-only forms of the most numerous facts, as the store keeps them.

The annotation models (pydantic) check what a person wrote; once checked, a quote
does not need a validator's bookkeeping. A store of 100,000 quotes held as pydantic
models costs about 2.5 kB each; these slotted records, with repeated strings shared,
cost a fraction of that.
"""

from __future__ import annotations

import sys
from dataclasses import dataclass
from typing import Protocol

from briefings.annotations import DateClaim, Evidence, QuoteAnnotation

__all__ = ["Excerpt", "Quote", "Sourced"]


class Sourced(Protocol):
    """Anything that names an article and words from it (an Evidence or an Excerpt)."""

    @property
    def article(self) -> str: ...

    @property
    def text(self) -> str: ...


def _shared(text: str | None) -> str | None:
    # Speakers, roles, article ids and boilerplate notes repeat across many quotes.
    return sys.intern(text) if text is not None else None


@dataclass(frozen=True, slots=True)
class Excerpt:
    """Words of an article, as evidence."""

    article: str
    text: str

    @classmethod
    def of(cls, evidence: Evidence) -> Excerpt:
        """The compact form of an annotation's evidence."""
        return cls(sys.intern(evidence.article), evidence.text)


@dataclass(frozen=True, slots=True)
class Quote:
    """A checked quote: the same fields as `QuoteAnnotation`, held compactly."""

    id: str
    speaker: str
    role: str | None
    words: tuple[str, ...]
    attribution: str
    attribution_note: str | None
    date: DateClaim | None
    date_note: str | None
    evidence: tuple[Excerpt, ...]

    @classmethod
    def of(cls, annotation: QuoteAnnotation) -> Quote:
        """The compact form of a checked annotation."""
        return cls(
            id=annotation.id,
            speaker=sys.intern(annotation.speaker),
            role=_shared(annotation.role),
            words=tuple(annotation.words),
            attribution=sys.intern(annotation.attribution),
            attribution_note=_shared(annotation.attribution_note),
            date=annotation.date,
            date_note=_shared(annotation.date_note),
            evidence=tuple(Excerpt.of(item) for item in annotation.evidence),
        )
