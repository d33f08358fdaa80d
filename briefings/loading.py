"""Read the seeds and annotation files, check everything, and build the fact store."""

from __future__ import annotations

import logging
from pathlib import Path
from typing import Any, get_args

from pydantic import TypeAdapter, ValidationError

from briefings.annotations import AnnotationFile
from briefings.errors import AnnotationError, Problem
from briefings.ingest.commit import JOURNAL_NAME, roll_back_interrupted
from briefings.inputs import ANNOTATIONS_DIR, DEFAULT_SEEDS_DIR
from briefings.seeds import load_seeds
from briefings.store import MemoryFactStore
from briefings.validation import Annotations, source_map_of, validate
from briefings.yaml_files import YamlFileError, load_yaml, no_cycle_collection

__all__ = ["ANNOTATIONS_DIR", "DEFAULT_SEEDS_DIR", "check_store", "load_store", "read_annotations"]

log = logging.getLogger(__name__)

_ITEM_ADAPTERS: dict[str, TypeAdapter[Any]] = {
    name: TypeAdapter(get_args(field.annotation)[0])
    for name, field in AnnotationFile.model_fields.items()
}


def _item_name(section: str, index: int, item: Any) -> str:
    ident = (item.get("id") or item.get("seed")) if isinstance(item, dict) else None
    return f"{section}[{index}] {ident}" if ident else f"{section}[{index}]"


def _section_problems(
    path: Path, raw: dict[str, Any], annotations: Annotations
) -> tuple[dict[str, list[Any]], list[Problem]]:
    """Validate each item on its own, so that one bad fact does not hide the others."""
    problems: list[Problem] = []
    sections: dict[str, list[Any]] = {}
    for section, value in raw.items():
        field = AnnotationFile.model_fields.get(section)
        if field is None:
            problems.append(Problem(path.name, None, f"unknown section {section!r}"))
            continue
        if not isinstance(value, list):
            problems.append(Problem(path.name, section, "must be a list"))
            continue
        adapter = _ITEM_ADAPTERS[section]
        kept = []
        for index, item in enumerate(value):
            try:
                kept.append(adapter.validate_python(item))
            except ValidationError as error:
                if isinstance(item, dict) and isinstance(item.get("id"), str):
                    annotations.broken_ids.add(item["id"])
                for detail in error.errors():
                    where = ".".join(str(part) for part in detail["loc"])
                    prefix = f"{where}: " if where else ""
                    problems.append(
                        Problem(
                            path.name, _item_name(section, index, item), f"{prefix}{detail['msg']}"
                        )
                    )
        sections[section] = kept
    return sections, problems


def _parse_file(path: Path, annotations: Annotations) -> list[Problem]:
    try:
        raw = load_yaml(path.read_bytes())
    except (YamlFileError, OSError) as error:
        annotations.unreadable.append(path.name)
        reason = error.strerror if isinstance(error, OSError) else str(error)
        return [Problem(path.name, None, str(reason))]
    if raw is None:
        raw = {}
    if not isinstance(raw, dict):
        annotations.unreadable.append(path.name)
        return [Problem(path.name, None, "must be a mapping of sections")]
    sections, problems = _section_problems(path, raw, annotations)
    # The items are validated models already; pydantic passes them through unchanged.
    annotations.files[path.name] = AnnotationFile.model_validate(sections)
    return problems


def read_annotations(directory: Path) -> tuple[Annotations, list[Problem]]:
    """Parse every `*.yaml` in `directory` (drafts in sub-folders are not read)."""
    annotations = Annotations()
    problems: list[Problem] = []
    paths = sorted(directory.glob("*.yaml"))
    if not paths:
        problems.append(Problem(str(directory), None, "no annotation files"))
    for path in paths:
        problems.extend(_parse_file(path, annotations))
    return annotations, problems


def check_store(
    seeds_dir: Path = DEFAULT_SEEDS_DIR,
) -> tuple[MemoryFactStore | None, list[Problem]]:
    """Build the store, or return every problem found on the way."""
    with no_cycle_collection():  # many objects, no cycles: see `no_cycle_collection`
        return _check_store(seeds_dir)


def _check_store(seeds_dir: Path) -> tuple[MemoryFactStore | None, list[Problem]]:
    try:
        roll_back_interrupted(seeds_dir)  # a half-accepted draft is never read
    except (OSError, ValueError) as error:
        return None, [
            Problem(JOURNAL_NAME, None, f"an interrupted accept cannot be undone: {error}")
        ]
    seeds, problems = load_seeds(seeds_dir)
    annotations, parse_problems = read_annotations(seeds_dir / ANNOTATIONS_DIR)
    problems.extend(parse_problems)
    merged = annotations.merged()
    source_map = source_map_of(merged, seeds)  # checked and then cited from: built once
    problems.extend(validate(annotations, seeds, source_map))
    if problems:
        return None, problems
    store = MemoryFactStore(merged, source_map)
    log.debug("fact store loaded: %s", store.counts().summary())
    return store, []


def load_store(seeds_dir: Path = DEFAULT_SEEDS_DIR) -> MemoryFactStore:
    """Build the store; raise `AnnotationError` listing every problem if it does not check."""
    store, problems = check_store(seeds_dir)
    if store is None:
        raise AnnotationError(problems)
    return store
