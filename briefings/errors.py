"""Exceptions of the domain. Their messages are safe to show to a user.

BriefingError
├── AnnotationError   the annotation files or seeds do not check out (lists every problem)
├── StorageError      the database cannot be opened or brought up to date
└── QueryError        a question that cannot be answered as asked
    ├── UnknownNameError   no actor matches a name (carries did-you-mean suggestions)
    ├── BadPeriodError     a period or date that cannot be read
    └── BadSettingError    a time of day or time zone that cannot be read
"""

from __future__ import annotations

from dataclasses import dataclass

__all__ = [
    "AnnotationError",
    "Authorship",
    "BadPeriodError",
    "BadSettingError",
    "BriefingError",
    "Problem",
    "QueryError",
    "StorageError",
    "UnknownNameError",
    "shown",
]

SHOWN_LENGTH = 40


def shown(text: str, limit: int = SHOWN_LENGTH) -> str:
    """What someone typed, cut short for a message: a 3,000-character argument is not
    worth echoing, and an embed title would not hold it."""
    return text if len(text) <= limit else text[:limit] + "…"


@dataclass(frozen=True)
class Problem:
    """One thing wrong with the annotations: which file, which fact, what."""

    file: str
    fact: str | None
    message: str

    def __str__(self) -> str:
        where = f"{self.file}: {self.fact}" if self.fact else self.file
        return f"{where}: {self.message}"


class BriefingError(Exception):
    """Base of every error the domain raises on purpose."""


class AnnotationError(BriefingError):
    """The fact store could not be built; `problems` lists every reason."""

    def __init__(self, problems: list[Problem]) -> None:
        self.problems = problems
        count = len(problems)
        lines = "\n".join(f"  - {problem}" for problem in problems)
        super().__init__(f"{count} problem{'s' if count != 1 else ''} in the fact store:\n{lines}")


class StorageError(BriefingError):
    """The database cannot be used; the message says which and why (never a password)."""


class QueryError(BriefingError):
    """A question that cannot be answered as asked."""


@dataclass(frozen=True)
class Authorship:
    """Someone a name matched who wrote an article and is not an actor in it."""

    author: str
    article: str  # how the article is named: its title, publisher and date


class UnknownNameError(QueryError):
    """No actor matches. `suggestions` holds the nearest names (only close ones);
    `authored` the articles the name's owner wrote; `teasers` where the name stands in
    an off-topic paragraph, outside the record."""

    def __init__(
        self,
        name: str,
        suggestions: list[str],
        authored: list[Authorship] | None = None,
        teasers: list[str] | None = None,
    ) -> None:
        self.name = name
        self.suggestions = suggestions
        self.authored = authored or []
        self.teasers = teasers or []
        super().__init__(f"No one in the sources matches {name!r}.")


class BadPeriodError(QueryError):
    """A period or date the user typed could not be read."""


class BadSettingError(QueryError):
    """A time of day or a time zone the user typed could not be read."""
