"""Synthetic seed pages for tests and benchmarks: fictional people, fictional words.

`write_seeds` writes a complete seeds folder (page, manifest, annotations) that
passes `briefbot facts check`; `synthetic_annotations` builds the same facts in
memory, for stores too large to write as YAML.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import re
from collections.abc import Sequence
from pathlib import Path

from briefings.annotations import (
    ActorAnnotation,
    AnnotationFile,
    ArticleAnnotation,
    DateClaim,
    EventAnnotation,
    Evidence,
    PublisherAnnotation,
    QuoteAnnotation,
    SourceAnnotation,
)
from briefings.dates import FuzzyDate
from briefings.yaml_files import dump_yaml

SEED_NAME = "900_synthetic.txt"
ARTICLE = "synthetic-article"
HEADER = ["Synthetic statements for testing", "January 2, 2020 by Test Writer"]


def _slug(name: str) -> str:
    """An id from a name, whatever characters the name holds."""
    return re.sub(r"[^a-z0-9]+", "-", name.lower()).strip("-")


Happening = tuple[dt.date, str]  # (day, what happened, in the past tense)


def _event_line(day: dt.date, what: str) -> str:
    return f"On {_spelled(day)}, {what}."


def _spelled(day: dt.date) -> str:
    return f"{day:%B} {day.day}, {day.year}"


def page_text(statements: Sequence[tuple[str, str]], events: Sequence[Happening] = ()) -> str:
    """The page: a title, a byline, one line per (speaker, words), one per event."""
    body = [f"“{words}” said {speaker}." for speaker, words in statements]
    body += [_event_line(day, what) for day, what in events]
    return "\n".join([*HEADER, *body]) + "\n"


def synthetic_events(events: Sequence[Happening]) -> list[EventAnnotation]:
    """One event per (day, what): printed on the page with its full date."""
    return [
        EventAnnotation(
            id=f"syn-e{index}",
            title=what,
            past_tense=what,
            date=DateClaim(
                value=FuzzyDate.parse(day.isoformat()), how="printed", phrase=_spelled(day)
            ),
            status="happened",
            evidence=[Evidence(article=ARTICLE, text=_event_line(day, what))],
        )
        for index, (day, what) in enumerate(events)
    ]


def synthetic_annotations(
    statements: Sequence[tuple[str, str]], events: Sequence[Happening] = ()
) -> AnnotationFile:
    """Annotations for `page_text(statements, events)`: one article, its speakers,
    their quotes, and the events."""
    lines = page_text(statements, events).splitlines()
    speakers = sorted({speaker for speaker, _ in statements})
    article = ArticleAnnotation(
        id=ARTICLE,
        title=HEADER[0],
        author="Test Writer",
        date=DateClaim(
            value=FuzzyDate.parse("2020-01-02"), how="printed", phrase="January 2, 2020"
        ),
        title_line=1,
        metadata_lines=["2"],
        body=f"3-{len(lines)}",
        evidence=[
            Evidence(article=ARTICLE, text=HEADER[0]),
            Evidence(article=ARTICLE, text=HEADER[1]),
        ],
    )
    source = SourceAnnotation(
        seed=SEED_NAME,
        publisher=PublisherAnnotation(name=None, how="not printed", reason="A test page."),
        articles=[article],
    )
    first_line: dict[str, int] = {}
    for number, (speaker, _) in enumerate(statements, start=2):
        first_line.setdefault(speaker, number)
    actors = [
        ActorAnnotation(
            id=f"syn-{_slug(speaker)}",
            name=speaker,
            kind="person",
            evidence=[Evidence(article=ARTICLE, text=lines[first_line[speaker]])],
        )
        for speaker in speakers
    ]
    quotes = [
        QuoteAnnotation(
            id=f"syn-q{index}",
            speaker=f"syn-{_slug(speaker)}",
            words=[words],
            attribution=f"said {speaker}",
            date_note="Not stated; printed on 2020-01-02.",
            evidence=[Evidence(article=ARTICLE, text=f"“{words}” said {speaker}.")],
        )
        for index, (speaker, words) in enumerate(statements)
    ]
    return AnnotationFile(
        sources=[source], actors=actors, quotes=quotes, events=synthetic_events(events)
    )


def write_seeds(
    target: Path, statements: Sequence[tuple[str, str]], events: Sequence[Happening] = ()
) -> Path:
    """A seeds folder holding only the synthetic page; returns `target`."""
    annotations_dir = target / "annotations"
    annotations_dir.mkdir(parents=True)
    data = page_text(statements, events).encode("utf-8")
    (target / SEED_NAME).write_bytes(data)
    (target / "MANIFEST.sha256").write_text(
        f"{hashlib.sha256(data).hexdigest()}  {SEED_NAME}\n", encoding="utf-8"
    )
    dumped = synthetic_annotations(statements, events).model_dump(
        mode="json", exclude_defaults=True
    )
    (annotations_dir / "synthetic.yaml").write_text(dump_yaml(dumped), encoding="utf-8")
    return target
