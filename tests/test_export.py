"""`briefbot facts export`: the store written out loads back into the same facts and
the same answers; a target in use is refused, and nothing half-written is left."""

from __future__ import annotations

from pathlib import Path

import pytest

from bot.cli import main
from briefings.answers import Answerer
from briefings.export import ExportError, export_store
from briefings.loading import load_store
from briefings.store import FactStore

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
    assert main(["facts", "export", str(tmp_path / "out")]) == 0
    out = capsys.readouterr().out
    assert out.startswith("exported version 1: ")
    assert out.endswith(f"to {tmp_path / 'out'}; it loads back into the same facts\n")
    assert main(["--seeds", str(tmp_path / "out"), "facts", "check"]) == 0
    capsys.readouterr()
    assert main(["facts", "export", str(tmp_path / "out")]) == 1
    assert capsys.readouterr().err.startswith("not exported: ")
