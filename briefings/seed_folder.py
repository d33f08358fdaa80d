"""A seeds folder as files: the pages its manifest lists, and the folder with pages
added that are not in it (a copy), which is how a draft is checked before it is
accepted, and how a sync reads the pages accepted in review.

Kept apart from the ingest pipeline so that what reads a seeds folder (the bot, at
every sync) does not import the drafter.
"""

from __future__ import annotations

import hashlib
import shutil
import tempfile
from collections.abc import Iterator, Sequence
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path

from briefings.loading import ANNOTATIONS_DIR
from briefings.seeds import MANIFEST_NAME

__all__ = ["DRAFTS", "ExtraPage", "manifest_names", "seeds_with"]

DRAFTS = "drafts"  # under the annotations: drafts waiting for `ingest --accept`


def manifest_names(seeds_dir: Path) -> dict[str, str]:
    """Page name -> sha256, as the seeds folder's manifest lists them."""
    lines = (seeds_dir / MANIFEST_NAME).read_text(encoding="utf-8").splitlines()
    return {
        name.strip(): digest for digest, _, name in (line.partition("  ") for line in lines) if name
    }


@dataclass(frozen=True)
class ExtraPage:
    """A page and its annotations that are not in the seeds folder (yet)."""

    name: str
    data: bytes
    annotations: str


@contextmanager
def seeds_with(seeds_dir: Path, pages: Sequence[ExtraPage]) -> Iterator[Path]:
    """The seeds folder with `pages` added: a copy, in a temporary folder, when there
    are pages to add (the folder itself is never changed); the folder itself if none."""
    if not pages:
        yield seeds_dir
        return
    with tempfile.TemporaryDirectory() as scratch:
        copy = Path(scratch) / "seeds"
        shutil.copytree(seeds_dir, copy, ignore=shutil.ignore_patterns(DRAFTS))
        with (copy / MANIFEST_NAME).open("a", encoding="utf-8") as manifest:
            for page in pages:
                (copy / page.name).write_bytes(page.data)
                manifest.write(f"{hashlib.sha256(page.data).hexdigest()}  {page.name}\n")
                annotations = copy / ANNOTATIONS_DIR / f"{Path(page.name).stem}.yaml"
                annotations.write_text(page.annotations, "utf-8")
        yield copy
