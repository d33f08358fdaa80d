"""Find the quoted spans in a paragraph, including a quotation that never closes.

Used by the coverage check: every span found here in an on-topic paragraph must be a
stored quote or a deliberate exclusion. Curly double quotes and straight double quotes
are recognised; single quotes are not, because ’ is also the apostrophe in "Korea’s".
"""

from __future__ import annotations

from dataclasses import dataclass

__all__ = ["QuotedSpan", "find_quoted_spans"]

_OPEN, _CLOSE, _STRAIGHT = "“", "”", '"'


@dataclass(frozen=True)
class QuotedSpan:
    """Text between quotation marks; `closed` is False when the closing mark is missing."""

    text: str
    start: int
    closed: bool

    def matches(self, words: str) -> bool:
        """True when `words` is this span, or begins an unclosed span."""
        if self.closed:
            return self.text == words
        return self.text.startswith(words)


def find_quoted_spans(paragraph: str) -> list[QuotedSpan]:
    """Every quoted span of `paragraph`, in order.

    An opening mark met while a quotation is open means the earlier one never closed:
    its span runs up to the new mark.
    """
    spans: list[QuotedSpan] = []
    opened: int | None = None
    straight_opened: int | None = None
    for index, char in enumerate(paragraph):
        if char == _OPEN:
            if opened is not None:
                spans.append(QuotedSpan(paragraph[opened + 1 : index], opened + 1, closed=False))
            opened = index
        elif char == _CLOSE and opened is not None:
            spans.append(QuotedSpan(paragraph[opened + 1 : index], opened + 1, closed=True))
            opened = None
        elif char == _STRAIGHT:
            if straight_opened is None:
                straight_opened = index
            else:
                text = paragraph[straight_opened + 1 : index]
                spans.append(QuotedSpan(text, straight_opened + 1, closed=True))
                straight_opened = None
    for still_open in (opened, straight_opened):
        if still_open is not None:
            spans.append(QuotedSpan(paragraph[still_open + 1 :], still_open + 1, closed=False))
    return sorted(spans, key=lambda span: span.start)
