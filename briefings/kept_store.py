"""The checked store kept between processes, for the one-shot commands.

`briefbot ask` answers one question and exits. Reading the YAML and running every
check of `facts check` on each run cost it a tenth of its time, and the parser and
the models' validators as much again in imports. So the store it builds is kept in
the cache folder (`resources.cache_dir`), pickled, under a key made of:

- the sha256 of every file it is built from (`inputs.input_hashes`), so an edited
  page or annotation file is read and checked again;
- each module of the package by path, size and modification time (the rule by which
  Python itself reuses compiled modules), with the versions of Python, pydantic and
  pickle, so a store is never read back into classes that have changed.

A kept store is the same object the checks produced, and unpickling it runs code:
it is read only from a folder that is the user's own and that no one else may write
to (`resources.private_folder`; made 0700 when missing), as are the compiled
templates beside it. A file that cannot be read back, for whatever reason, is built again;
a folder that cannot be written costs only the building. The bot and `facts sync`
do not use it: they check the files every time they read them.
"""

from __future__ import annotations

import hashlib
import logging
import os
import pickle
import sys
import tempfile
from collections.abc import Callable
from pathlib import Path

import pydantic

from briefings.inputs import input_hashes
from briefings.resources import private_folder
from briefings.store import MemoryFactStore

__all__ = ["kept_store"]

log = logging.getLogger(__name__)

_PACKAGE = Path(__file__).resolve().parent
_PREFIX, _SUFFIX = "store-", ".pickle"


def _code() -> str:
    """The package's modules as Python judges a compiled module stale: by size and
    modification time (0.3 ms; hashing their text took ten times as long)."""
    parts = [sys.version, pydantic.VERSION, str(pickle.HIGHEST_PROTOCOL)]
    for path in sorted(_PACKAGE.rglob("*.py")):
        stat = path.stat()
        parts.append(f"{path.relative_to(_PACKAGE)}:{stat.st_size}:{stat.st_mtime_ns}")
    return "\n".join(parts)


def _key(seeds_dir: Path) -> str:
    inputs = sorted(input_hashes(seeds_dir).items())
    text = _code() + "\n" + "\n".join(f"{name}:{digest}" for name, digest in inputs)
    return hashlib.sha256(text.encode("utf-8")).hexdigest()


def _read(path: Path) -> MemoryFactStore | None:
    try:
        with path.open("rb") as file:
            store = pickle.load(file)
    except FileNotFoundError:
        return None
    except Exception as error:  # a damaged, truncated or foreign file: built again
        log.debug("kept store %s not read back: %r", path, error)
        return None
    return store if isinstance(store, MemoryFactStore) else None


def _keep(folder: Path, key: str, store: MemoryFactStore) -> None:
    """Write the store under `key`, in one step (a unique partial file, renamed), and
    drop the stores kept before it."""
    try:
        handle, partial = tempfile.mkstemp(dir=folder, prefix=".store-", suffix=".partial")
        try:
            with os.fdopen(handle, "wb") as file:
                pickle.dump(store, file, protocol=pickle.HIGHEST_PROTOCOL)
            target = folder / f"{_PREFIX}{key}{_SUFFIX}"
            Path(partial).replace(target)
        except BaseException:
            Path(partial).unlink(missing_ok=True)
            raise
        for older in folder.glob(f"{_PREFIX}*{_SUFFIX}"):
            if older != target:
                older.unlink(missing_ok=True)
    except (OSError, pickle.PicklingError) as error:
        log.debug("store not kept in %s: %s", folder, error)


def kept_store(
    seeds_dir: Path, folder: Path, build: Callable[[Path], MemoryFactStore]
) -> MemoryFactStore:
    """The store of `seeds_dir`: the one kept in `folder` for these files and this
    code, or `build(seeds_dir)` (which checks it, and raises as it does), then kept."""
    try:
        private = private_folder(folder)
    except OSError as error:
        log.debug("no store kept in %s: %s", folder, error)
        return build(seeds_dir)
    if not private:
        log.warning("no store kept in %s: others may write there", folder)
        return build(seeds_dir)
    found = _read(folder / f"{_PREFIX}{_key(seeds_dir)}{_SUFFIX}")
    if found is not None:
        return found
    store = build(seeds_dir)
    # Keyed by the files as they are now: building may have rolled back an
    # interrupted accept, and the store is of the files it left.
    _keep(folder, _key(seeds_dir), store)
    return store
