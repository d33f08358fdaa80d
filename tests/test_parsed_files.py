"""Parsed annotation files read back by their content: a sync that changes one file
parses that file alone, and every check of the store still runs."""

from __future__ import annotations

from pathlib import Path

import pytest

from briefings import loading
from briefings.factbase import DatabaseFactStore, sync_facts
from briefings.loading import check_store
from briefings.storage import Database
from briefings.yaml_files import load_yaml
from tests.conftest import edit

ANNOTATION_FILES = sorted(
    path.name for path in (loading.DEFAULT_SEEDS_DIR / "annotations").glob("*.yaml")
)


class Parses:
    """`load_yaml`, counting its calls."""

    def __init__(self, monkeypatch: pytest.MonkeyPatch) -> None:
        self.count = 0
        monkeypatch.setattr(loading, "load_yaml", self)  # what the loader calls

    def __call__(self, data: bytes) -> object:
        self.count += 1
        return load_yaml(data)


def test_unchanged_files_are_read_back_and_an_edited_one_parsed(
    seeds_copy: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    parses = Parses(monkeypatch)
    first, _ = check_store(seeds_copy, tmp_path / "cache")
    assert first is not None
    assert parses.count == len(ANNOTATION_FILES) > 1
    again, _ = check_store(seeds_copy, tmp_path / "cache")
    assert parses.count == len(ANNOTATION_FILES)  # nothing parsed again
    assert again is not None
    assert again.annotations == first.annotations
    edit(seeds_copy / "annotations" / "events.yaml", "Japan occupies", "Japan rules")
    edited, _ = check_store(seeds_copy, tmp_path / "cache")
    assert parses.count == len(ANNOTATION_FILES) + 1  # the edited file alone
    assert edited is not None
    assert edited.events["japanese-occupation"].title == "Japan rules the Korean peninsula"


def test_a_file_with_a_problem_is_parsed_and_reported_every_time(
    seeds_copy: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    edit(seeds_copy / "annotations" / "events.yaml", "2019-08-22", "2019-02-30")
    parses = Parses(monkeypatch)
    for _ in range(2):
        store, problems = check_store(seeds_copy, tmp_path / "cache")
        assert store is None
        assert any("2019-02-30" in problem.message for problem in problems)
    # The good files were kept the first time; the broken one is parsed each time.
    assert parses.count == len(ANNOTATION_FILES) + 1


def test_every_check_of_the_store_still_runs(seeds_copy: Path, tmp_path: Path) -> None:
    """A page edited so that a kept file's excerpt is no longer on it: the file is read
    back, and the store is still refused."""
    assert check_store(seeds_copy, tmp_path / "cache")[0] is not None
    page = next(path for path in seeds_copy.iterdir() if path.suffix == ".txt")
    text = page.read_text(encoding="utf-8")
    page.write_text(text.replace("misjudgment", "misjudgement"), encoding="utf-8")
    store, problems = check_store(seeds_copy, tmp_path / "cache")
    assert store is None
    assert any("excerpt not found verbatim" in problem.message for problem in problems)


def test_a_sync_after_one_changed_file_parses_that_file_alone(
    database: Database, seeds_copy: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """The `database` holds these files already; a check fills the cache, as the sync
    of the bot's start does."""
    parses = Parses(monkeypatch)
    check_store(seeds_copy, tmp_path / "cache")
    edit(seeds_copy / "annotations" / "events.yaml", "Japan occupies", "Japan rules")
    result = sync_facts(database, seeds_copy, parsed=tmp_path / "cache")
    assert result.changed
    assert parses.count == len(ANNOTATION_FILES) + 1
    store = DatabaseFactStore(database)
    assert store.find_events()[0].title.startswith("Japan rules")
