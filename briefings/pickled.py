"""Objects kept between processes as pickles in the cache folder.

Work that is a pure function of some files and of this code (a checked store, a
parsed annotation file) is kept under a key made of both, so that a later process
reads it back instead of doing it again. The code counts by each module's path, size
and modification time (Python's own rule for reusing a compiled module), with the
versions of Python, pydantic and pickle: an object is never read back into classes
that have changed.

Unpickling runs code, so its users read from a folder only while it is the user's own
and no one else may write in it (`resources.private_folder`). Nothing kept is needed: a file that
cannot be read back, for whatever reason, is treated as missing, and a folder that
cannot be written only means doing the work again.
"""

from __future__ import annotations

import hashlib
import logging
import os
import pickle
import sys
import tempfile
from pathlib import Path
from typing import TypeVar

import pydantic

__all__ = ["code_fingerprint", "keep", "key_of", "read"]

log = logging.getLogger(__name__)

_PACKAGE = Path(__file__).resolve().parent
SUFFIX = ".pickle"
Kept = TypeVar("Kept")


def code_fingerprint() -> str:
    """The package's modules as Python judges a compiled module stale: by size and
    modification time (0.3 ms; hashing their text took ten times as long)."""
    parts = [sys.version, pydantic.VERSION, str(pickle.HIGHEST_PROTOCOL)]
    for path in sorted(_PACKAGE.rglob("*.py")):
        stat = path.stat()
        parts.append(f"{path.relative_to(_PACKAGE)}:{stat.st_size}:{stat.st_mtime_ns}")
    return "\n".join(parts)


def key_of(*parts: str | bytes) -> str:
    """A key for the work done on `parts` (texts, contents): their sha256."""
    digest = hashlib.sha256()
    for part in parts:
        digest.update(part.encode("utf-8") if isinstance(part, str) else part)
        digest.update(b"\0")
    return digest.hexdigest()


def read(path: Path, kind: type[Kept]) -> Kept | None:
    """The `kind` kept at `path`, or None (missing, damaged, truncated or foreign)."""
    try:
        with path.open("rb") as file:
            found = pickle.load(file)
    except FileNotFoundError:
        return None
    except Exception as error:  # whatever a damaged or foreign file raises: none kept
        log.debug("%s not read back: %r", path, error)
        return None
    return found if isinstance(found, kind) else None


def keep(folder: Path, prefix: str, key: str, value: object) -> None:
    """Write `value` as `<prefix><key>.pickle` in one step (a unique partial file,
    renamed), and drop what was kept under the same prefix before."""
    try:
        handle, partial = tempfile.mkstemp(dir=folder, prefix=f".{prefix}", suffix=".partial")
        try:
            with os.fdopen(handle, "wb") as file:
                pickle.dump(value, file, protocol=pickle.HIGHEST_PROTOCOL)
            target = folder / f"{prefix}{key}{SUFFIX}"
            Path(partial).replace(target)
        except BaseException:
            Path(partial).unlink(missing_ok=True)
            raise
        for older in folder.glob(f"{prefix}*{SUFFIX}"):
            if older != target:
                older.unlink(missing_ok=True)
    except (OSError, pickle.PicklingError) as error:
        log.debug("%s%s not kept in %s: %s", prefix, key, folder, error)
