"""The files a fact store is built from, and their hashes.

A store is built from its seeds folder: the pages, their manifest (and an accept's
journal, while one is under way), and the annotation files in its `annotations`
folder. `facts sync` compares these hashes with those of the last sync and reads no file
again while they are unchanged. Light on purpose: no YAML, no database.
"""

from __future__ import annotations

import hashlib
from pathlib import Path

from briefings.errors import AnnotationError, Problem
from briefings.resources import seeds_dir

__all__ = ["ANNOTATIONS_DIR", "DEFAULT_SEEDS_DIR", "input_hashes"]

DEFAULT_SEEDS_DIR = seeds_dir()  # as shipped; SEEDS_DIR or --seeds points elsewhere
ANNOTATIONS_DIR = "annotations"


def input_hashes(seeds_dir: Path) -> dict[str, str]:
    """name -> sha256 of every file a store is built from: the files of the seeds
    folder (pages, manifest, an accept's journal) and the annotation files.
    `AnnotationError` naming the file if one cannot be read."""
    try:
        files = [path for path in sorted(seeds_dir.iterdir()) if path.is_file()]
        files += sorted((seeds_dir / ANNOTATIONS_DIR).glob("*.yaml"))
        return {
            str(path.relative_to(seeds_dir)): hashlib.sha256(path.read_bytes()).hexdigest()
            for path in files
        }
    except OSError as error:
        where = error.filename or str(seeds_dir)
        raise AnnotationError([Problem(str(where), None, error.strerror or str(error))]) from None
