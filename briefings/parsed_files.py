"""Annotation files as parsed and validated, kept between processes by their content.

Parsing is most of what checking a large store costs: 9.7 s of the 13.4 s that
100,000 facts take to check and load, where reading the same parsed file back takes
0.6 s. A file is a pure function of its bytes, the YAML parser and this code, so a
sync that changes one file (an accept in review, a small edit) reads the others back
from the cache folder instead of parsing them again. Only a file that parsed without
a problem is kept; every check of the store as a whole still runs on every sync.

One file per annotation file name is kept (`briefings.pickled`); an edit replaces it.
A folder others may write to is not used (`resources.private_folder`).
"""

from __future__ import annotations

from pathlib import Path

import yaml

from briefings import pickled
from briefings.annotations import AnnotationFile
from briefings.resources import private_folder
from briefings.yaml_files import LIBYAML

__all__ = ["ParsedFiles"]


class ParsedFiles:
    """The parsed annotation files kept in one folder (see the module)."""

    def __init__(self, folder: Path) -> None:
        self.folder = folder if private_folder(folder) else None
        self._code = pickled.code_fingerprint() + f"\nPyYAML {yaml.__version__} {LIBYAML}"

    def _prefix(self, name: str) -> str:
        return f"parsed-{pickled.key_of(name)[:16]}-"

    def _key(self, data: bytes) -> str:
        return pickled.key_of(self._code, data)

    def get(self, name: str, data: bytes) -> AnnotationFile | None:
        """The file `name` with content `data`, as kept; None when it was not."""
        if self.folder is None:
            return None
        path = self.folder / f"{self._prefix(name)}{self._key(data)}{pickled.SUFFIX}"
        return pickled.read(path, AnnotationFile)

    def keep(self, name: str, data: bytes, parsed: AnnotationFile) -> None:
        """Keep the file `name` with content `data` as `parsed` (no problem found)."""
        if self.folder is not None:
            pickled.keep(self.folder, self._prefix(name), self._key(data), parsed)
