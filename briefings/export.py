"""`briefbot facts export DIR`: the whole store as a seeds folder that loads back into
an identical store (a backup, or the start of another store).

The pages are written byte for byte with their manifest, and every fact into one
annotation file. The export is made in a staging folder beside the target, loaded and
checked there, compared with the store it came from, and only then renamed into place:
a target that exists is never written into, and an export that would not load back
the same is never left behind.
"""

from __future__ import annotations

import os
import shutil
from dataclasses import dataclass
from pathlib import Path

from briefings.errors import BriefingError
from briefings.loading import ANNOTATIONS_DIR, check_store
from briefings.seeds import MANIFEST_NAME
from briefings.store import FactStore
from briefings.yaml_files import dump_yaml

__all__ = ["EXPORT_FILE", "ExportError", "Exported", "export_store"]

EXPORT_FILE = "facts.yaml"


class ExportError(BriefingError):
    """The store could not be exported; the message says why, in one line."""


@dataclass(frozen=True)
class Exported:
    """What an export wrote."""

    target: Path
    pages: int
    facts: int


def _facts(store: FactStore) -> int:
    counts = store.counts()
    return sum(counts.model_dump().values())


def _write(staging: Path, store: FactStore) -> None:
    (staging / ANNOTATIONS_DIR).mkdir(parents=True)
    manifest = []
    for name in store.page_names():
        seed = store.page(name)
        (staging / name).write_bytes(seed.text.encode("utf-8"))
        manifest.append(f"{seed.sha256}  {name}\n")
    (staging / MANIFEST_NAME).write_text("".join(manifest), encoding="utf-8")
    dumped = store.annotations.model_dump(mode="json", exclude_defaults=True)
    header = "# Every fact of the store, written by `briefbot facts export`.\n"
    (staging / ANNOTATIONS_DIR / EXPORT_FILE).write_text(
        header + dump_yaml(dumped), encoding="utf-8"
    )


def export_store(store: FactStore, target: Path) -> Exported:
    """Write `store` to the new folder `target`; `ExportError` in one line if it cannot."""
    if target.exists() and (not target.is_dir() or any(target.iterdir())):
        raise ExportError(f"{target} exists and is not an empty folder; name a new one")
    staging = target.with_name(f".{target.name}.partial-{os.getpid()}")
    try:
        _write(staging, store)
        loaded, problems = check_store(staging)
        if loaded is None:
            raise ExportError(f"the export does not check: {problems[0]}")
        if loaded.annotations != store.annotations:
            raise ExportError("the export does not load back into the same facts")
        if target.exists():
            target.rmdir()  # empty, as checked above
        staging.replace(target)
    except OSError as error:
        raise ExportError(f"cannot write {target}: {error.strerror or error}") from None
    finally:
        shutil.rmtree(staging, ignore_errors=True)
    return Exported(target, len(store.page_names()), _facts(store))
