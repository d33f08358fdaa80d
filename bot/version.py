"""The version of briefbot that is running, for `--version` and the metrics."""

from __future__ import annotations

import importlib.metadata

__all__ = ["installed_version"]


def installed_version() -> str:
    """The installed package's version (a checkout run without installing has none)."""
    try:
        return importlib.metadata.version("briefbot")
    except importlib.metadata.PackageNotFoundError:
        return "(not installed)"
