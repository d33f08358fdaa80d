"""The structured reply every front end shows: console, CLI and (later) Discord embeds."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from typing import Literal

from pydantic import BaseModel, ConfigDict, Field

from briefings.store import Citation

__all__ = ["PAGE_BREAK", "CitationIndex", "Reply", "ReplyKind", "SourceGroup", "source_groups"]

# A line of its own in `Reply.lines` where a paged front end starts a new page (the
# details after an answer's first screen); a text front end shows a blank line.
PAGE_BREAK = "<page break>"

ReplyKind = Literal[
    "status",
    "history",
    "timeline",
    "quotes",
    "who",
    "sources",
    "help",
    "not-found",
    "usage",
    "briefing",
    "notice",
]


def _article_label(index: int) -> str:
    """The label of the `index`-th article cited (from 0): A, B, … Z, then AA, AB, …"""
    label = ""
    index += 1
    while index:
        index, rest = divmod(index - 1, 26)
        label = chr(ord("A") + rest) + label
    return label


@dataclass(frozen=True)
class SourceGroup:
    """One article of a reply's sources: its label, its first citation (which names
    the article) and the numbers of all its citations."""

    label: str
    first: Citation
    numbers: tuple[int, ...]


def source_groups(citations: Sequence[Citation]) -> list[SourceGroup]:
    """The citations by article, each article labelled in order of first citation:
    how every front end shows sources compactly (the article once, then its lines)."""
    numbers: dict[str, list[int]] = {}
    first: dict[str, Citation] = {}
    for number, citation in enumerate(citations, start=1):
        numbers.setdefault(citation.article, []).append(number)
        first.setdefault(citation.article, citation)
    return [
        SourceGroup(_article_label(index), first[article], tuple(cited))
        for index, (article, cited) in enumerate(numbers.items())
    ]


class Reply(BaseModel):
    """A titled answer: body lines, numbered citations, a footer.

    Citation `n` in a line (written `[n]`) is `citations[n - 1]`. A line that is
    `PAGE_BREAK` ends a page in Discord and is a blank line elsewhere.
    """

    model_config = ConfigDict(frozen=True)

    kind: ReplyKind
    title: str
    lines: list[str]
    citations: list[Citation] = Field(default_factory=list)
    footer: str = ""


class CitationIndex:
    """Numbers citations in the order a template first cites them."""

    def __init__(self) -> None:
        self._numbers: dict[tuple[str, str], int] = {}
        self.ordered: list[Citation] = []

    def number(self, citation: Citation) -> int:
        """The citation's number, assigning the next one on first use."""
        key = citation.key()
        if key not in self._numbers:
            self.ordered.append(citation)
            self._numbers[key] = len(self.ordered)
        return self._numbers[key]

    def cite(self, citations: list[Citation]) -> str:
        """Markers like `[1][2]` for the citations, for use inside a template."""
        numbers = sorted({self.number(citation) for citation in citations})
        return "".join(f"[{n}]" for n in numbers)
