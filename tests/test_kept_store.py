"""The checked store kept between one-shot runs: read back while its files and the
code are unchanged, built again (and checked) when either changes or the kept file is
damaged, and never a reason for a run to fail."""

from __future__ import annotations

from pathlib import Path

import pytest

from bot.cli import main
from briefings import kept_store as kept
from briefings import pickled
from briefings.loading import load_store
from briefings.store import MemoryFactStore
from tests.conftest import edit

QUESTION = "!timeline 1910"
OCCUPATION = "Japan occupies the Korean peninsula"


class Builds:
    """`load_store`, counting its calls."""

    def __init__(self) -> None:
        self.count = 0

    def __call__(self, seeds: Path) -> MemoryFactStore:
        self.count += 1
        return load_store(seeds)


def _refuse(_: Path) -> MemoryFactStore:
    raise AssertionError("the kept store was built again")


def test_a_kept_store_is_read_back_not_built(seeds_copy: Path, tmp_path: Path) -> None:
    builds = Builds()
    first = kept.kept_store(seeds_copy, tmp_path / "cache", builds)
    assert builds.count == 1
    again = kept.kept_store(seeds_copy, tmp_path / "cache", _refuse)
    assert again.annotations == first.annotations
    assert [path.name for path in (tmp_path / "cache").iterdir()] == [
        next((tmp_path / "cache").glob("store-*.pickle")).name
    ]


def test_an_edited_file_is_read_and_checked_again(seeds_copy: Path, tmp_path: Path) -> None:
    kept.kept_store(seeds_copy, tmp_path / "cache", Builds())
    edit(seeds_copy / "annotations" / "events.yaml", "Japan occupies", "Japan rules")
    builds = Builds()
    store = kept.kept_store(seeds_copy, tmp_path / "cache", builds)
    assert builds.count == 1
    assert store.events["japanese-occupation"].title == "Japan rules the Korean peninsula"
    assert len(list((tmp_path / "cache").glob("store-*.pickle"))) == 1  # the old one went


def test_a_changed_module_makes_a_new_key(
    seeds_copy: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Python's own rule for a stale compiled module: its size or modification time."""
    package = tmp_path / "package"
    package.mkdir()
    module = package / "facts.py"
    module.write_text("X = 1\n", encoding="utf-8")
    monkeypatch.setattr(pickled, "_PACKAGE", package)
    before = kept._key(seeds_copy)
    module.write_text("X = 22\n", encoding="utf-8")
    assert kept._key(seeds_copy) != before


@pytest.mark.parametrize("damage", [b"", b"not a pickle", b"\x80\x05K\x01."])
def test_a_damaged_or_foreign_kept_file_is_built_again(
    seeds_copy: Path, tmp_path: Path, damage: bytes
) -> None:
    """Empty, garbage, and a valid pickle of something else (the number 1)."""
    kept.kept_store(seeds_copy, tmp_path / "cache", Builds())
    (path,) = (tmp_path / "cache").glob("store-*.pickle")
    path.write_bytes(damage)
    builds = Builds()
    store = kept.kept_store(seeds_copy, tmp_path / "cache", builds)
    assert builds.count == 1
    assert store.events["japanese-occupation"].title == OCCUPATION


def test_a_folder_that_cannot_be_written_only_costs_the_building(
    seeds_copy: Path, tmp_path: Path
) -> None:
    folder = tmp_path / "cache"
    # A file where the folder should be: unwritable even for root, as tests may run.
    folder.write_text("not a folder", encoding="utf-8")
    for _ in range(2):
        builds = Builds()
        store = kept.kept_store(seeds_copy, folder, builds)
        assert builds.count == 1
        assert store.events["japanese-occupation"].title == OCCUPATION


def test_ask_answers_from_its_kept_store(
    seeds_copy: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    """The second `ask` reads no YAML; after an edit, the next one does, and shows it."""
    assert main(["--seeds", str(seeds_copy), "ask", QUESTION]) == 0
    first = capsys.readouterr().out
    assert OCCUPATION in first
    with monkeypatch.context() as patched:
        patched.setattr("briefings.loading.load_store", _refuse)
        assert main(["--seeds", str(seeds_copy), "ask", QUESTION]) == 0
        assert capsys.readouterr().out == first
    edit(seeds_copy / "annotations" / "events.yaml", "Japan occupies", "Japan rules")
    assert main(["--seeds", str(seeds_copy), "ask", QUESTION]) == 0
    assert "Japan rules the Korean peninsula" in capsys.readouterr().out


def test_a_store_that_does_not_check_is_never_kept(
    seeds_copy: Path, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    edit(seeds_copy / "annotations" / "events.yaml", "2019-08-22", "2019-02-30")
    assert main(["--seeds", str(seeds_copy), "ask", QUESTION]) == 1
    assert "2019-02-30" in capsys.readouterr().err
    assert not list((tmp_path / "cache").glob("store-*.pickle"))


def test_a_folder_others_may_write_to_is_not_read_from(seeds_copy: Path, tmp_path: Path) -> None:
    """Unpickling runs code: a store left where anyone could have put it is not read."""
    folder = tmp_path / "cache"
    kept.kept_store(seeds_copy, folder, Builds())
    folder.chmod(0o777)
    builds = Builds()
    store = kept.kept_store(seeds_copy, folder, builds)
    assert builds.count == 1
    assert store.events["japanese-occupation"].title == OCCUPATION
