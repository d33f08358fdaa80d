"""The seeds and four test articles on the agreement's later steps (fictional wording,
invented people, in the style of wire copy): a 2018 extension, the expiry set for
2019-11-23, a conditional suspension on 2019-11-22 and a normalization in 2023.

`agreement_seeds` writes a seeds folder holding both (each page with its own annotation
file, so any of them can be left out), which passes every check."""

from __future__ import annotations

import hashlib
import shutil
from pathlib import Path

from briefings.loading import DEFAULT_SEEDS_DIR
from briefings.seeds import MANIFEST_NAME

__all__ = ["PAGES", "PAGES_DIR", "agreement_seeds"]

PAGES_DIR = Path(__file__).resolve().parent / "agreement_pages"
# The record by default; 905 tells the suspension afterwards, for the tests that ask
# what later sources say of a day (it would tell the same step twice beside 903).
PAGES = (
    "901_hanbit_20180824.txt",
    "902_hanbit_20190823.txt",
    "903_hanbit_20191122.txt",
    "904_hanbit_20230321.txt",
)


def agreement_seeds(target: Path, pages: tuple[str, ...] | None = None) -> Path:
    """A copy of the seeds with the test articles added (only `pages`, by seed name,
    when given); returns `target`."""
    shutil.copytree(DEFAULT_SEEDS_DIR, target)
    names = pages or PAGES
    with (target / MANIFEST_NAME).open("a", encoding="utf-8") as manifest:
        for name in names:
            data = (PAGES_DIR / name).read_bytes()
            (target / name).write_bytes(data)
            manifest.write(f"{hashlib.sha256(data).hexdigest()}  {name}\n")
            annotations = Path(name).with_suffix(".yaml").name
            shutil.copy(PAGES_DIR / annotations, target / "annotations" / annotations)
    return target
