"""Files replaced in one step: a reader sees the old file or the new one, never half.

The data goes to a hidden partial file beside the target, is flushed to disk, and is
renamed over the target (a rename within a folder is atomic). Whatever fails on the
way removes the partial file again, so a disk that filled up leaves nothing behind.
"""

from __future__ import annotations

import os
from pathlib import Path

__all__ = ["partial_path", "write_atomically"]


def partial_path(path: Path) -> Path:
    """Where `write_atomically` stages `path`'s new content."""
    return path.with_name(f".{path.name}.partial")


def write_atomically(path: Path, data: bytes) -> None:
    """Replace `path` with `data` in one step."""
    partial = partial_path(path)
    try:
        with partial.open("wb") as handle:
            handle.write(data)
            handle.flush()
            os.fsync(handle.fileno())
        partial.replace(path)
    except BaseException:
        partial.unlink(missing_ok=True)
        raise
