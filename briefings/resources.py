"""Where the package's data lives, found with importlib.resources.

The templates and the seeds stay at the top of a checkout (`templates/`, `seeds/`) and
are installed as the packages `briefings.templates` and `briefings.seed_data`, so the same
lookup works in an editable install, a wheel and a container image. The alembic
migrations live inside `briefings/` itself.
"""

from __future__ import annotations

import logging
import os
from importlib.resources import files
from pathlib import Path

log = logging.getLogger(__name__)

__all__ = [
    "cache_dir",
    "migrations_dir",
    "package_dir",
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
    """Where the console keeps its history: the folder `BRIEFBOT_CACHE_DIR` names,
    else `briefbot` in the XDG cache folder."""
    named = os.environ.get("BRIEFBOT_CACHE_DIR")
    if named:
        return Path(named)
    base = os.environ.get("XDG_CACHE_HOME")
    return (Path(base) if base else Path("~/.cache").expanduser()) / "briefbot"
