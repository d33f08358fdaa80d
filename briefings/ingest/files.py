"""Drafts on disk: write one for a page, check it, and accept reviewed drafts into the store.

A draft is two files in `seeds/annotations/drafts/`: a copy of the page and its
annotations. Nothing outside that folder changes until `accept`, which checks the
whole store with the draft added, on a copy, and only if that passes adds the page,
its manifest line and its annotations to `seeds/`, all at once (`commit`).
"""

from __future__ import annotations

import datetime as dt
import hashlib
import re
from dataclasses import dataclass, field
from pathlib import Path

from briefings.errors import BriefingError, Problem, shown
from briefings.ingest.commit import commit_accept, roll_back_interrupted
from briefings.ingest.draft import IngestReport, UndraftablePageError, draft_page
from briefings.loading import ANNOTATIONS_DIR, check_store
from briefings.seed_folder import DRAFTS, ExtraPage, manifest_names, seeds_with
from briefings.store import FactStore
from briefings.yaml_files import dump_yaml, load_yaml

__all__ = [
    "MAX_PAGE_BYTES",
    "Accepted",
    "BadPageError",
    "DraftResult",
    "accept_drafts",
    "write_draft",
]

MAX_PAGE_BYTES = 1024 * 1024
_HTML = re.compile(r"\s*<(?:!doctype|html|head|body|p|div|article)\b", re.IGNORECASE)


class BadPageError(BriefingError):
    """A page that cannot be ingested: empty, not text, too large, or clashing."""


@dataclass
class DraftResult:
    """What `write_draft` did."""

    report: IngestReport | None
    draft: Path | None
    changed: bool
    problems: list[Problem]
    message: str


@dataclass
class Accepted:
    """One draft taken into the store, or refused with its problems; `left_out` lists
    the quotations it records as left out, each with its reason."""

    seed: str
    problems: list[Problem]
    left_out: list[str] = field(default_factory=list)


def _read_page(path: Path) -> tuple[bytes, str]:
    if not path.is_file():
        raise BadPageError(f"{path} is not a file.")
    data = path.read_bytes()
    if len(data) > MAX_PAGE_BYTES:
        raise BadPageError(f"{path.name} is {len(data):,} bytes; pages over 1 MiB are refused.")
    if b"\x00" in data:
        raise BadPageError(f"{path.name} is not a text file (it holds NUL bytes).")
    try:
        text = data.decode("utf-8")
    except UnicodeDecodeError:
        raise BadPageError(f"{path.name} is not UTF-8 text.") from None
    if not text.strip():
        raise BadPageError(f"{path.name} is empty.")
    if _HTML.match(text):
        raise BadPageError(
            f"{path.name} is HTML markup, not the page's text: save the article as text "
            "(its title, dateline and paragraphs) and ingest that."
        )
    return data, text


def _check_with(seeds_dir: Path, page: str, data: bytes, annotations: str) -> list[Problem]:
    """The problems the store would have with this draft accepted (checked on a copy)."""
    with seeds_with(seeds_dir, [ExtraPage(page, data, annotations)]) as copy:
        _, problems = check_store(copy)
        return problems


def write_draft(
    path: Path, seeds_dir: Path, store: FactStore, date: dt.date | None = None
) -> DraftResult:
    """Draft annotations for the page at `path`; the store itself is not touched.
    `date` is the curator's, for a page that prints none."""
    data, text = _read_page(path)
    digest = hashlib.sha256(data).hexdigest()
    manifest = manifest_names(seeds_dir)
    for name, known in manifest.items():
        if known == digest:
            return DraftResult(
                None, None, False, [], f"{path.name} is already in the store as {name}."
            )
    if path.name in manifest:
        raise BadPageError(f"A different page is already in the store as {path.name}; rename it.")
    try:
        reserved = _ids_in_drafts(seeds_dir, except_for=path.stem)
        annotations, report = draft_page(path.name, text, store, date, reserved)
    except UndraftablePageError as error:
        raise BadPageError(f"{error}; nothing was drafted.") from None
    dumped = annotations.model_dump(mode="json", exclude_defaults=True)
    header = (
        f"# Draft for {path.name}, made by `briefbot ingest`: "
        "review it, then run `briefbot ingest --accept`.\n"
    )
    contents = header + dump_yaml(dumped)
    drafts = seeds_dir / ANNOTATIONS_DIR / DRAFTS
    drafts.mkdir(parents=True, exist_ok=True)
    target = drafts / f"{path.stem}.yaml"
    page_copy = drafts / path.name
    changed = not (
        target.is_file()
        and target.read_text("utf-8") == contents
        and page_copy.is_file()
        and page_copy.read_bytes() == data
    )
    if changed:
        page_copy.write_bytes(data)
        target.write_text(contents, "utf-8")
    problems = _check_with(seeds_dir, path.name, data, contents)
    message = f"draft {'written to' if changed else 'unchanged at'} {target}"
    return DraftResult(report, target, changed, problems, message)


def accept_drafts(seeds_dir: Path) -> list[Accepted]:
    """Move every reviewed draft into the store, one at a time.

    Each is checked against a copy of the store with it added, and only then put in
    place, all its files at once (`commit_accept`): whatever fails or raises, the
    store is as it was before or as it is after, never in between, and the draft
    stays where it was until it is in.
    """
    roll_back_interrupted(seeds_dir)
    drafts = seeds_dir / ANNOTATIONS_DIR / DRAFTS
    results = []
    for draft in sorted(drafts.glob("*.yaml")) if drafts.is_dir() else []:
        pages = [p for p in drafts.iterdir() if p.stem == draft.stem and p.suffix != ".yaml"]
        if len(pages) != 1:
            results.append(Accepted(draft.name, [Problem(draft.name, None, "its page is missing")]))
            continue
        results.append(_accept(seeds_dir, draft, pages[0]))
    return results


def _accept(seeds_dir: Path, draft: Path, page: Path) -> Accepted:
    destination = Path(ANNOTATIONS_DIR) / draft.name
    data, annotations = page.read_bytes(), draft.read_text(encoding="utf-8")
    if (seeds_dir / page.name).exists() or (seeds_dir / destination).exists():
        if _already_in(seeds_dir, page.name, data, destination, annotations):
            _remove_draft(draft, page)  # accepted before, and the draft was left behind
            return Accepted(page.name, [])
        return Accepted(page.name, [Problem(page.name, None, "already in the store")])
    problems = _check_with(seeds_dir, page.name, data, annotations)
    if problems:
        return Accepted(page.name, problems)
    try:
        commit_accept(seeds_dir, page.name, data, str(destination), annotations)
    except OSError as error:  # put back already: say so in one line
        reason = error.strerror or str(error)
        return Accepted(
            page.name, [Problem(page.name, None, f"not accepted, nothing changed: {reason}")]
        )
    _remove_draft(draft, page)
    return Accepted(page.name, [], _left_out(annotations))


def _ids_in_drafts(seeds_dir: Path, except_for: str) -> set[str]:
    """The ids the other drafts waiting for review give their facts: a new draft
    takes none of them, so they can be accepted one after the other."""
    drafts = seeds_dir / ANNOTATIONS_DIR / DRAFTS
    ids: set[str] = set()
    for draft in sorted(drafts.glob("*.yaml")) if drafts.is_dir() else []:
        if draft.stem == except_for:
            continue  # drafted again: its own ids are free
        loaded = load_yaml(draft.read_bytes()) or {}
        for section in loaded.values() if isinstance(loaded, dict) else []:
            for item in section if isinstance(section, list) else []:
                if isinstance(item, dict):
                    ids |= {str(item["id"])} if "id" in item else set()
                    for article in item.get("articles", []) or []:
                        ids |= {str(article.get("id"))}
    return ids


def _left_out(annotations: str) -> list[str]:
    """The draft's quotations recorded as left out: "'words…': reason"."""
    loaded = load_yaml(annotations.encode()) or {}
    return [
        f"{shown(item['text'], 60)!r}: {item['reason']}"
        for item in loaded.get("excluded_quotations", [])
    ]


def _already_in(seeds_dir: Path, name: str, data: bytes, annotations: Path, text: str) -> bool:
    """Whether exactly this page and these annotations are in the store already."""
    page, annotation_file = seeds_dir / name, seeds_dir / annotations
    return (
        page.is_file()
        and page.read_bytes() == data
        and annotation_file.is_file()
        and annotation_file.read_text(encoding="utf-8") == text
        and manifest_names(seeds_dir).get(name) == hashlib.sha256(data).hexdigest()
    )


def _remove_draft(draft: Path, page: Path) -> None:
    # After the commit: if this fails, the next accept finds the same files in the
    # store and only removes the draft.
    draft.unlink()
    page.unlink()
