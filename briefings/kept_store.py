"""The checked store kept between processes, for the one-shot commands.

`briefbot ask` answers one question and exits. Reading the YAML and running every
check of `facts check` on each run cost it a tenth of its time, and the parser and
the models' validators as much again in imports. So the store it builds is kept in
the cache folder (`resources.cache_dir`) as a pickle (`briefings.pickled`), under a
key made of the sha256 of every file it is built from (`inputs.input_hashes`), so an
edited page or annotation file is read and checked again, and of the code.

The bot and `facts sync` do not use it: they check the files every time they read
them (reading parsed annotation files back, see `briefings.parsed_files`).
"""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path

from briefings import pickled
from briefings.inputs import input_hashes
from briefings.resources import private_folder
from briefings.store import MemoryFactStore

__all__ = ["kept_store"]

PREFIX = "store-"


def _key(seeds_dir: Path) -> str:
    inputs = sorted(input_hashes(seeds_dir).items())
    return pickled.key_of(pickled.code_fingerprint(), *(f"{n}:{d}" for n, d in inputs))


def kept_store(
    seeds_dir: Path, folder: Path, build: Callable[[Path], MemoryFactStore]
) -> MemoryFactStore:
    """The store of `seeds_dir`: the one kept in `folder` for these files and this
    code, or `build(seeds_dir)` (which checks it, and raises as it does), then kept."""
    if not private_folder(folder):
        return build(seeds_dir)
    found = pickled.read(folder / f"{PREFIX}{_key(seeds_dir)}{pickled.SUFFIX}", MemoryFactStore)
    if found is not None:
        return found
    store = build(seeds_dir)
    # Keyed by the files as they are now: building may have rolled back an
    # interrupted accept, and the store is of the files it left.
    pickled.keep(folder, PREFIX, _key(seeds_dir), store)
    return store
