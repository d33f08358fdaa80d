"""`briefbot facts export`: the store written out loads back into the same facts and
the same answers; a target in use is refused, and nothing half-written is left."""

from __future__ import annotations

import shutil
from pathlib import Path

import pytest

from bot.cli import main
from briefings.answers import Answerer
from briefings.export import ExportError, export_store
from briefings.loading import DEFAULT_SEEDS_DIR, load_store
from briefings.store import FactStore
from tests.conftest import edit

QUESTIONS = ["!gsomia status", "!timeline", "!quote kang", "!who kono", "!sources"]


def test_the_export_loads_back_into_the_same_facts_and_answers(
    store: FactStore, tmp_path: Path
) -> None:
    exported = export_store(store, tmp_path / "backup")
    assert exported.pages == 2
    again = load_store(tmp_path / "backup")
    assert again.annotations == store.annotations
    for question in QUESTIONS:
        assert Answerer(again).answer(question) == Answerer(store).answer(question), question
    assert [p.name for p in tmp_path.iterdir()] == ["backup"]  # no staging left behind


def test_a_synthetic_store_with_events_round_trips(dst_store: FactStore, tmp_path: Path) -> None:
    export_store(dst_store, tmp_path / "year")
    assert load_store(tmp_path / "year").annotations == dst_store.annotations


def test_a_folder_in_use_is_refused_and_left_alone(store: FactStore, tmp_path: Path) -> None:
    target = tmp_path / "busy"
    target.mkdir()
    (target / "notes.txt").write_text("mine", encoding="utf-8")
    with pytest.raises(ExportError, match="exists and is not an empty folder"):
        export_store(store, target)
    assert [p.name for p in target.iterdir()] == ["notes.txt"]


def test_the_command_says_what_it_did_in_one_line(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    assert main(["facts", "sync"]) == 0
    capsys.readouterr()
    assert main(["facts", "export", str(tmp_path / "out")]) == 0
    out = capsys.readouterr().out
    assert out.startswith("exported version 1: ")
    assert out.endswith(f"to {tmp_path / 'out'}; it loads back into the same facts\n")
    assert main(["--seeds", str(tmp_path / "out"), "facts", "check"]) == 0
    capsys.readouterr()
    assert main(["facts", "export", str(tmp_path / "out")]) == 1
    assert capsys.readouterr().err.startswith("not exported: ")


def test_the_export_only_reads_what_the_database_holds(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    # Before, the export synced the checkout's files into the live database first: a
    # backup that changed what the bots answer, and missed what was accepted in review.
    assert main(["facts", "export", str(tmp_path / "none")]) == 1
    assert capsys.readouterr().err == (
        "not exported: the database holds no facts yet: run `briefbot facts sync`\n"
    )
    checkout = tmp_path / "checkout"
    shutil.copytree(DEFAULT_SEEDS_DIR, checkout)
    assert main(["--seeds", str(checkout), "facts", "sync"]) == 0
    capsys.readouterr()
    edit(checkout / "annotations" / "actors.yaml", "name: Taro Kono", "name: Taro Kono-Edited")
    assert main(["--seeds", str(checkout), "facts", "export", str(tmp_path / "out")]) == 0
    assert capsys.readouterr().out.startswith("exported version 1: ")
    exported = (tmp_path / "out" / "annotations" / "facts.yaml").read_text(encoding="utf-8")
    assert "name: Taro Kono\n" in exported
    assert "Kono-Edited" not in exported
