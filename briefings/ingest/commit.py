"""Put an accepted draft into the seeds folder all at once, or not at all.

Accepting a draft changes three files: the page is added, the manifest gains its
line, the annotations are added. Each is written to a temporary file and renamed
into place (a rename is atomic), and before the first of them a journal records
what the folder looked like: the manifest as it was, and the two files that did not
exist. If anything raises on the way, the journal puts the folder back, and the
exception goes on. If the process dies instead (kill -9, a power cut), the journal
is still there: the next load of the store (`roll_back_interrupted`) puts the folder
back before reading it, so a half-accepted draft is never read.
"""

from __future__ import annotations

import hashlib
import logging
from pathlib import Path

from pydantic import BaseModel

from briefings.atomic_files import partial_path, write_atomically
from briefings.seeds import MANIFEST_NAME

# `write_atomically` is named here too: every write of an accept goes through this
# module's name for it, which is where the failure-injection tests replace it.
__all__ = [
    "JOURNAL_NAME",
    "AcceptJournal",
    "commit_accept",
    "roll_back_interrupted",
    "write_atomically",
]

log = logging.getLogger(__name__)

JOURNAL_NAME = ".accepting.json"  # in the seeds folder; no reader looks for it there


class AcceptJournal(BaseModel):
    """What an accept adds, and the manifest before it: enough to undo it."""

    page: str  # file name in the seeds folder
    annotations: str  # path relative to the seeds folder
    manifest_before: str


def commit_accept(
    seeds_dir: Path, page: str, page_data: bytes, annotations: str, annotation_text: str
) -> None:
    """Add the page, its manifest line and its annotations: all of them, or none."""
    manifest = seeds_dir / MANIFEST_NAME
    before = manifest.read_text(encoding="utf-8")
    journal = AcceptJournal(page=page, annotations=annotations, manifest_before=before)
    journal_path = seeds_dir / JOURNAL_NAME
    write_atomically(journal_path, journal.model_dump_json().encode())
    digest = hashlib.sha256(page_data).hexdigest()
    try:
        write_atomically(seeds_dir / page, page_data)
        write_atomically(manifest, (before + f"{digest}  {page}\n").encode())
        write_atomically(seeds_dir / annotations, annotation_text.encode())
    except BaseException:
        _undo(seeds_dir, journal)
        raise
    journal_path.unlink()  # from here on, the accept stands


def roll_back_interrupted(seeds_dir: Path) -> str | None:
    """Undo an accept a dead process left half done; what was undone, or None."""
    journal_path = seeds_dir / JOURNAL_NAME
    if not journal_path.is_file():
        return None
    journal = AcceptJournal.model_validate_json(journal_path.read_bytes())
    _undo(seeds_dir, journal)
    message = (
        f"undid the interrupted accept of {journal.page}; run `briefbot ingest --accept` again"
    )
    log.warning(message)
    return message


def _undo(seeds_dir: Path, journal: AcceptJournal) -> None:
    # Removing needs no space on disk, so it comes first; the manifest is written only
    # if it was changed. The journal goes last: an undo cut short is done again.
    for added in (journal.annotations, journal.page):
        for leftover in (seeds_dir / added, partial_path(seeds_dir / added)):
            leftover.unlink(missing_ok=True)
    manifest = seeds_dir / MANIFEST_NAME
    if manifest.read_text(encoding="utf-8") != journal.manifest_before:
        write_atomically(manifest, journal.manifest_before.encode())
    partial_path(manifest).unlink(missing_ok=True)
    (seeds_dir / JOURNAL_NAME).unlink(missing_ok=True)
