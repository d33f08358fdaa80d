"""How well `briefbot ingest` drafts wire copy, scored as structured data against answer keys.

The development set (`bench/devset/`) is articles we wrote ourselves in the styles
of real wire copy (Yonhap, Kyodo, AP/Reuters, a newspaper with `Published :` lines,
a government statement in numbered points, a page that prints no date), with
invented people; each `NAME.txt` has a hand-made key `NAME.yaml`. `tune/` is what
the drafter's rules were tuned on; `heldout/` was not looked at while tuning.

Each page is drafted as a new page would be (against the seeds' store), and the
drafted items themselves are scored, quoted span by quoted span:

- a quote is right when its words are the key's, verbatim, and its speaker is one
  of the names (or store ids) the key accepts; a span given to a name short or long of the
  key's ("Kim" for Kim Jae-hwan, "Foreign Minister Ito Ken") is misnamed, and one
  given to anyone else (another Kim too) is a misattribution (the figure that must
  stay at 0); precision counts both as wrong;
- the article's date is right when it is the printed day, or absent for a page that
  prints none;
- a state-changing event is found when a drafted event's evidence holds the key's
  words and its date is the key's; then whether its effect and its status (happened
  or expected) are the key's too; an `optional` key event is not required;
- every drafted effect is a proposal: right when it stands on a key event (optional
  ones too) with that event's date, effect and status; spurious when its evidence
  holds no key event's words; precision is right proposals over all of them;
- the untouched draft accepts (an undated page with the key's `supply_date`, as
  `briefbot ingest FILE --date` gives it) into a copy of the seeds.

`fresh/`, when present, is a set no one tuning the drafter has read (same schema).

    .venv/bin/python bench/ingest_quality.py [--split tune|heldout|fresh|all] [-v]
"""

from __future__ import annotations

import argparse
import datetime as dt
import shutil
import sys
import tempfile
from collections import defaultdict
from dataclasses import dataclass, field
from pathlib import Path
from typing import Literal

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

import yaml  # noqa: E402
from pydantic import BaseModel, Field  # noqa: E402

from briefings.annotations import AnnotationFile, EventAnnotation  # noqa: E402
from briefings.dates import FuzzyDate  # noqa: E402
from briefings.ingest.draft import IngestReport, UndatedPageError, draft_page  # noqa: E402
from briefings.ingest.files import accept_drafts, write_draft  # noqa: E402
from briefings.loading import DEFAULT_SEEDS_DIR, load_store  # noqa: E402
from briefings.matching import fold  # noqa: E402
from briefings.store import FactStore, MemoryFactStore  # noqa: E402

DEVSET = Path(__file__).resolve().parent / "devset"
# Every folder of devset/ is a split: tune and heldout first, then the sets written unseen
# by another hand (fresh, fresh2, ...), whose authors never read the drafter.
UNSEEN = sorted(
    d.name for d in DEVSET.iterdir() if d.is_dir() and d.name not in ("tune", "heldout")
)
# A set still held out (its folder has a HELD_OUT file) is scored only when asked for by
# name: `all` and the tests leave it alone, so no run spends it before its one scoring.
HELD_OUT = tuple(name for name in UNSEEN if (DEVSET / name / "HELD_OUT").exists())
SPLITS = ("tune", "heldout", *(name for name in UNSEEN if name not in HELD_OUT))


class QuoteKey(BaseModel):
    """One quoted span and who said it."""

    speaker: list[str] = Field(min_length=1, description="Names or store ids accepted")
    words: str
    optional: bool = False  # short quoted words: attributing them is not required


class EventKey(BaseModel):
    """A sentence that changes the agreement's state, its date and whether it happened."""

    date: FuzzyDate  # a day, or as printed: "2016-11", "2016-11-21/2016-11-27"
    effect: str  # in words: "termination suspended"
    evidence: str
    status: Literal["happened", "expected"] = "happened"
    optional: bool = False  # not required; a proposal standing on it is not spurious


class ArticleKey(BaseModel):
    """The answer key of one development article."""

    style: str
    date: dt.date | None
    supply_date: dt.date | None = None
    quotes: list[QuoteKey] = Field(default_factory=list)
    events: list[EventKey] = Field(default_factory=list)


@dataclass
class Score:
    """Figures for one article."""

    name: str
    split: str
    style: str
    key_quotes: int = 0
    drafted_spans: int = 0
    right: int = 0
    misattributed: int = 0  # another person's (or body's) words
    misnamed: int = 0  # the right person under a wrong name ("Kim", "Minister Kim Su-jin")
    date_right: bool = False
    undated: bool = False
    left_undated: bool = False
    key_events: int = 0
    events_found: int = 0
    effects_right: int = 0
    status_right: int = 0
    proposals: int = 0  # drafted events with an effect proposed
    proposals_right: int = 0
    spurious: int = 0  # proposals that stand on no key event
    accepts: bool = False
    accept_tried: bool = False
    notes: list[str] = field(default_factory=list)


def _bare(name: str) -> str:
    words = fold(name).split()
    while words and words[0] in {"the", "a", "an", "one"}:
        words = words[1:]
    return " ".join(words)


def _misnamed(speaker: str, accepted: set[str]) -> bool:
    """A name for the right person that is short or long of the key's: "Kim" or "Foreign
    Minister Kim Tae-ho" for Kim Tae-ho. Another person of the same surname (Kim Min-ji
    for Kim Tae-ho) shares a word too, and is a misattribution."""
    words = set(speaker.split())
    return any(words < set(name.split()) or words > set(name.split()) for name in accepted)


def _speaker_names(annotations: AnnotationFile, store: FactStore) -> dict[str, str]:
    names = {actor.id: actor.name for actor in store.actors.values()}
    names.update({actor.id: actor.name for actor in annotations.actors})
    return names


def _drafted(
    path: Path, store: FactStore, day: dt.date | None
) -> tuple[AnnotationFile, IngestReport]:
    text = path.read_text(encoding="utf-8")
    return draft_page(path.name, text, store, date=day)


def _score_quotes(score: Score, key: ArticleKey, drafted: AnnotationFile, store: FactStore) -> None:
    names = _speaker_names(drafted, store)
    by_words = {quote.words: quote for quote in key.quotes}
    score.key_quotes = sum(1 for quote in key.quotes if not quote.optional)
    for quote in drafted.quotes:
        speaker = names.get(quote.speaker, quote.speaker)
        for words in quote.words:
            expected = by_words.get(words)
            if expected is None:
                score.drafted_spans += 1
                score.notes.append(f"not in the key: {words[:50]!r} -> {speaker}")
                continue
            accepted = {_bare(name) for name in expected.speaker}
            if quote.speaker in expected.speaker or _bare(speaker) in accepted:
                score.right += 0 if expected.optional else 1
                score.drafted_spans += 0 if expected.optional else 1
            elif _misnamed(_bare(speaker), accepted):
                score.drafted_spans += 1
                score.misnamed += 1
                score.notes.append(f"misnamed {words[:50]!r} -> {speaker}")
            else:
                score.drafted_spans += 1
                score.misattributed += 1
                score.notes.append(f"MISATTRIBUTED {words[:50]!r} -> {speaker}")
    found = {words for quote in drafted.quotes for words in quote.words}
    for expected_quote in key.quotes:
        if not expected_quote.optional and expected_quote.words not in found:
            missed = expected_quote.words[:50]
            score.notes.append(f"missed {missed!r} ({expected_quote.speaker[0]})")


def _effect(event: EventAnnotation, report: IngestReport) -> str | None:
    """The effect drafted on an event (its field, else the report's proposal), in words."""
    if event.effect is not None:
        return event.effect.kind.replace("_", " ")
    return report.effects.get(event.id)


def _stands_on(event: EventAnnotation, expected: EventKey) -> bool:
    return any(expected.evidence in evidence.text for evidence in event.evidence)


def _score_events(
    score: Score, key: ArticleKey, drafted: AnnotationFile, report: IngestReport
) -> None:
    required = [event for event in key.events if not event.optional]
    score.key_events = len(required)
    for expected in required:
        matches = [event for event in drafted.events if _stands_on(event, expected)]
        dated = [event for event in matches if event.date.value == expected.date]
        if dated:
            score.events_found += 1
            if any(_effect(event, report) == expected.effect for event in dated):
                score.effects_right += 1
            if any(event.status == expected.status for event in dated):
                score.status_right += 1
            else:
                score.notes.append(f"event {expected.effect} drafted as {dated[0].status}")
        elif matches:
            labels = ", ".join(event.date.value.label() for event in matches)
            score.notes.append(f"event {expected.effect} dated {labels}, not {expected.date}")
        else:
            score.notes.append(f"event {expected.effect} ({expected.date}) not drafted")
    for event in drafted.events:
        effect = _effect(event, report)
        if effect is None:
            continue
        score.proposals += 1
        keys = [expected for expected in key.events if _stands_on(event, expected)]
        said = f"{effect} {event.date.value.label()} ({event.status})"
        if not keys:
            score.spurious += 1
            score.notes.append(f"SPURIOUS {said}: {event.evidence[0].text[:60]!r}")
        elif any(
            (k.effect, k.date, k.status) == (effect, event.date.value, event.status) for k in keys
        ):
            score.proposals_right += 1
        else:
            score.notes.append(
                f"WRONG {said}, key: {keys[0].effect} {keys[0].date} {keys[0].status}"
            )


def _accepts(path: Path, key: ArticleKey, store: FactStore) -> tuple[bool, str]:
    """Whether the untouched draft accepts into a copy of the seeds."""
    with tempfile.TemporaryDirectory() as folder:
        seeds = Path(folder) / "seeds"
        shutil.copytree(DEFAULT_SEEDS_DIR, seeds)
        try:
            write_draft(path, seeds, store, date=key.supply_date)
            results = accept_drafts(seeds)
        except Exception as error:  # the bench reports it, whatever it is
            return False, f"raised {type(error).__name__}: {error}"
    problems = [str(problem) for result in results for problem in result.problems]
    return not problems, "; ".join(problems)[:300]


def score_article(path: Path, split: str, store: FactStore, accept: bool = True) -> Score:
    """Draft one development article and score it against its key."""
    key = ArticleKey.model_validate(yaml.safe_load(path.with_suffix(".yaml").read_text("utf-8")))
    score = Score(path.stem, split, key.style)
    try:
        drafted, report = _drafted(path, store, None)
    except UndatedPageError:
        score.undated = score.left_undated = score.date_right = key.date is None
        if key.date is not None or key.supply_date is None:
            # Nothing was drafted: every quote and event the key requires is missed.
            score.key_quotes = sum(1 for quote in key.quotes if not quote.optional)
            score.key_events = sum(1 for event in key.events if not event.optional)
            score.notes.append("drafted as undated")
        else:
            _score_with_supplied_date(score, key, path, store)
        if accept:
            _score_accept(score, key, path, store)
        return score
    except Exception as error:  # the bench reports it, whatever it is
        score.notes.append(f"draft raised {type(error).__name__}: {error}")
        score.key_quotes = sum(1 for quote in key.quotes if not quote.optional)
        score.key_events = sum(1 for event in key.events if not event.optional)
        score.undated = key.date is None
        return score
    article = drafted.sources[0].articles[0]
    printed = article.date
    score.undated = key.date is None
    if key.date is None:
        score.left_undated = printed is None
        score.date_right = score.left_undated
    else:
        score.date_right = printed is not None and printed.value == FuzzyDate.day(key.date)
    if not score.date_right:
        score.notes.append(f"article dated {printed.value.label() if printed else 'none'}")
    if key.date is not None or key.supply_date is None:
        _score_quotes(score, key, drafted, store)
        _score_events(score, key, drafted, report)
    else:
        _score_with_supplied_date(score, key, path, store)
    if accept:
        _score_accept(score, key, path, store)
    return score


def _score_with_supplied_date(score: Score, key: ArticleKey, path: Path, store: FactStore) -> None:
    """A page with no date: its items are scored as drafted with the date its key supplies."""
    supplied, report = _drafted(path, store, key.supply_date)
    _score_quotes(score, key, supplied, store)
    _score_events(score, key, supplied, report)


def _score_accept(score: Score, key: ArticleKey, path: Path, store: FactStore) -> None:
    score.accept_tried = True
    score.accepts, why = _accepts(path, key, store)
    if not score.accepts:
        score.notes.append(f"accept refused: {why}")


@dataclass
class SeedScore:
    """Figures for one seed page, against its curated quotes."""

    seed: str
    curated: int
    found: int
    invented: int
    missed: list[str]


def score_seed(store: MemoryFactStore, seed: str) -> SeedScore:
    """Draft one seed page as a new page and compare it with its curated quotes: a
    curated quote is found when a drafted one has its words, speaker and date."""
    text = (DEFAULT_SEEDS_DIR / seed).read_text(encoding="utf-8")
    # A page that prints no date is drafted with the day a curator would give it: the
    # last its curated date allows.
    dates = [a.date for a in store.articles.values() if store.map.seed_of[a.id] == seed]
    given = None if all(d.how == "printed" for d in dates) else dates[0].value.latest
    _, report = draft_page(seed, text, store, date=given)
    curated = [
        quote
        for quote in store.quotes.values()
        if store.map.seed_of[quote.evidence[0].article] == seed
    ]
    missed = []
    for quote in curated:
        date = quote.date.value if quote.date else None
        if not any(
            d.words == list(quote.words) and d.speaker_id == quote.speaker and d.date == date
            for d in report.quotes
        ):
            missed.append(quote.id)
    curated_words = [list(quote.words) for quote in curated]
    invented = sum(1 for d in report.quotes if d.words not in curated_words)
    return SeedScore(seed, len(curated), len(curated) - len(missed), invented, missed)


def _ratio(part: int, whole: int) -> str:
    return f"{part}/{whole}" + (f" {part / whole:.0%}" if whole else "")


def _line(label: str, scores: list[Score]) -> str:
    key = sum(s.key_quotes for s in scores)
    drafted = sum(s.drafted_spans for s in scores)
    right = sum(s.right for s in scores)
    dated = [s for s in scores if not s.undated]
    undated = [s for s in scores if s.undated]
    events = sum(s.key_events for s in scores)
    proposals = sum(s.proposals for s in scores)
    tried = any(s.accept_tried for s in scores)
    return (
        f"{label:<26} quotes recall {_ratio(right, key):<10} precision {_ratio(right, drafted):<10}"
        f" misattributed {sum(s.misattributed for s in scores)}"
        f" misnamed {sum(s.misnamed for s in scores)}"
        f" | dates {_ratio(sum(s.date_right for s in dated), len(dated)):<9}"
        f" undated left {_ratio(sum(s.left_undated for s in undated), len(undated)):<9}"
        f" | events {_ratio(sum(s.events_found for s in scores), events):<9}"
        f" effect {sum(s.effects_right for s in scores)}"
        f" status {sum(s.status_right for s in scores)}"
        f" | proposals {_ratio(sum(s.proposals_right for s in scores), proposals):<9}"
        f" spurious {sum(s.spurious for s in scores)}"
        + (f" | accepts {_ratio(sum(s.accepts for s in scores), len(scores))}" if tried else "")
    )


def main() -> int:
    """Print the figures per article, per style and per split."""
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--split", choices=[*SPLITS, *HELD_OUT, "all"], default="all")
    parser.add_argument("-v", "--verbose", action="store_true", help="say what went wrong")
    parser.add_argument("--no-accept", action="store_true", help="skip the accept (faster)")
    arguments = parser.parse_args()
    store = load_store()
    splits = SPLITS if arguments.split == "all" else (arguments.split,)
    for split in splits:
        scores = [
            score_article(path, split, store, accept=not arguments.no_accept)
            for path in sorted((DEVSET / split).glob("*.txt"))
        ]
        print(f"== {split} ==")
        for score in scores:
            print(_line(score.name, [score]))
            if arguments.verbose:
                for note in score.notes:
                    print(f"    {note}")
        styles: dict[str, list[Score]] = defaultdict(list)
        for score in scores:
            styles[score.style].append(score)
        for style, group in sorted(styles.items()):
            print(_line(f"style {style}", group))
        print(_line(f"ALL {split}", scores))
    print("== the seeds, against their curated quotes ==")
    for source in store.sources:
        seed = score_seed(store, source.seed)
        print(
            f"{seed.seed}: {seed.found}/{seed.curated} found with speaker and date, "
            f"{seed.invented} invented; missed: {', '.join(seed.missed) or '-'}"
        )
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
