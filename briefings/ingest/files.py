"""Drafts on disk: write one for a page, check it, and accept reviewed drafts into the store.

A draft is two files in `seeds/annotations/drafts/`: a copy of the page and its
annotations. Nothing outside that folder changes until `accept`, which copies the
page into `seeds/`, adds it to the manifest, moves the annotations beside the curated
ones, and checks the whole store; if the check fails, everything is put back.
"""

from __future__ import annotations

import hashlib
import shutil
import tempfile
from dataclasses import dataclass
from pathlib import Path

import yaml

from briefings.errors import BriefingError, Problem
from briefings.ingest.draft import IngestReport, draft_page
from briefings.loading import ANNOTATIONS_DIR, check_store
from briefings.seeds import MANIFEST_NAME
from briefings.store import FactStore

__all__ = [
    "MAX_PAGE_BYTES",
    "Accepted",
    "BadPageError",
    "DraftResult",
    "accept_drafts",
    "write_draft",
]

MAX_PAGE_BYTES = 1024 * 1024
DRAFTS = "drafts"


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
    """One draft taken into the store, or refused with its problems."""

    seed: str
    problems: list[Problem]


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
    return data, text


def _manifest(seeds_dir: Path) -> dict[str, str]:
    lines = (seeds_dir / MANIFEST_NAME).read_text(encoding="utf-8").splitlines()
    return {
        name.strip(): digest for digest, _, name in (line.partition("  ") for line in lines) if name
    }


def _dump(contents: object) -> str:
    return yaml.safe_dump(contents, allow_unicode=True, sort_keys=False, width=100)


def _check_with(seeds_dir: Path, page: str, data: bytes, annotations: str) -> list[Problem]:
    """The problems the store would have with this draft accepted (checked on a copy)."""
    with tempfile.TemporaryDirectory() as scratch:
        copy = Path(scratch) / "seeds"
        shutil.copytree(seeds_dir, copy, ignore=shutil.ignore_patterns(DRAFTS))
        (copy / page).write_bytes(data)
        with (copy / MANIFEST_NAME).open("a", encoding="utf-8") as manifest:
            manifest.write(f"{hashlib.sha256(data).hexdigest()}  {page}\n")
        (copy / ANNOTATIONS_DIR / f"{Path(page).stem}.yaml").write_text(annotations, "utf-8")
        _, problems = check_store(copy)
        return problems


def write_draft(path: Path, seeds_dir: Path, store: FactStore) -> DraftResult:
    """Draft annotations for the page at `path`; the store itself is not touched."""
    data, text = _read_page(path)
    digest = hashlib.sha256(data).hexdigest()
    manifest = _manifest(seeds_dir)
    for name, known in manifest.items():
        if known == digest:
            return DraftResult(
                None, None, False, [], f"{path.name} is already in the store as {name}."
            )
    if path.name in manifest:
        raise BadPageError(f"A different page is already in the store as {path.name}; rename it.")
    annotations, report = draft_page(path.name, text, store)
    dumped = annotations.model_dump(mode="json", exclude_defaults=True)
    header = (
        f"# Draft for {path.name}, made by `briefbot ingest`: "
        "review it, then run `briefbot ingest --accept`.\n"
    )
    contents = header + _dump(dumped)
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
    """Move every reviewed draft into the store, one at a time, undoing any that fails."""
    drafts = seeds_dir / ANNOTATIONS_DIR / DRAFTS
    results = []
    for draft in sorted(drafts.glob("*.yaml")) if drafts.is_dir() else []:
        pages = [p for p in drafts.iterdir() if p.stem == draft.stem and p.suffix != ".yaml"]
        if len(pages) != 1:
            results.append(Accepted(draft.name, [Problem(draft.name, None, "its page is missing")]))
            continue
        page = pages[0]
        manifest_path = seeds_dir / MANIFEST_NAME
        manifest_before = manifest_path.read_text("utf-8")
        destination = seeds_dir / ANNOTATIONS_DIR / draft.name
        if (seeds_dir / page.name).exists() or destination.exists():
            results.append(Accepted(page.name, [Problem(page.name, None, "already in the store")]))
            continue
        data = page.read_bytes()
        shutil.copyfile(page, seeds_dir / page.name)
        manifest_path.write_text(
            manifest_before + f"{hashlib.sha256(data).hexdigest()}  {page.name}\n", "utf-8"
        )
        shutil.copyfile(draft, destination)
        _, problems = check_store(seeds_dir)
        if problems:
            (seeds_dir / page.name).unlink()
            destination.unlink()
            manifest_path.write_text(manifest_before, "utf-8")
        else:
            draft.unlink()
            page.unlink()
        results.append(Accepted(page.name, problems))
    return results
