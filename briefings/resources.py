"""Where the package's data lives, found with importlib.resources.

The templates and the seeds stay at the top of a checkout (`templates/`, `seeds/`) and
are installed as the packages `briefings.templates` and `briefings.seed_data`, so the same
lookup works in an editable install, a wheel and a container image. The alembic
migrations live inside `briefings/` itself.
"""

from __future__ import annotations

import logging
import os
import stat
from importlib.resources import files
from pathlib import Path

log = logging.getLogger(__name__)

__all__ = [
    "cache_dir",
    "migrations_dir",
    "package_dir",
    "private_folder",
    "seeds_dir",
    "templates_dir",
]


def package_dir(package: str) -> Path:
    """The folder of an installed package; it must be on disk, not in a zip archive."""
    found = files(package)
    if not isinstance(found, Path):  # Jinja2's loader and alembic need real folders
        raise RuntimeError(f"{package} is not installed as files on disk ({found!r})")
    return found


def templates_dir() -> Path:
    """The Jinja2 templates."""
    return package_dir("briefings.templates")


def seeds_dir() -> Path:
    """The seed pages, their manifest and annotations, as shipped."""
    return package_dir("briefings.seed_data")


def migrations_dir() -> Path:
    """The alembic migrations."""
    return package_dir("briefings") / "migrations"


def cache_dir() -> Path:
    """Where work worth keeping between processes goes (compiled templates, and the
    checked store of the one-shot commands): the folder `BRIEFBOT_CACHE_DIR` names,
    else `briefbot` in the XDG cache folder. Nothing in it is needed: a process that
    cannot write there does the work again."""
    named = os.environ.get("BRIEFBOT_CACHE_DIR")
    if named:
        return Path(named)
    base = os.environ.get("XDG_CACHE_HOME")
    return (Path(base) if base else Path("~/.cache").expanduser()) / "briefbot"


def private_folder(folder: Path) -> bool:
    """Make `folder` if it is missing (readable by this user alone); True when it is
    this user's and no one else may write in it. What the cache folder holds is loaded
    as code (pickled objects, compiled templates): a folder others can write to is not
    used, nor one that cannot be made or looked at (the reason is logged)."""
    try:
        folder.mkdir(parents=True, exist_ok=True, mode=0o700)
        found = folder.stat()
    except OSError as error:
        log.debug("cache folder %s not used: %s", folder, error)
        return False
    shared = found.st_mode & (stat.S_IWGRP | stat.S_IWOTH)
    if stat.S_ISDIR(found.st_mode) and found.st_uid == os.getuid() and not shared:
        return True
    log.warning("cache folder %s not used: others may write there", folder)
    return False
