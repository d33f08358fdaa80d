"""Compiled templates kept between processes: `briefbot ask` does not compile its
templates at every run, a changed template is compiled anew, and a folder that cannot
be written costs only the compiling."""

from __future__ import annotations

import shutil
from pathlib import Path

import pytest
from jinja2 import Environment

from bot.app import BriefBot
from bot.cli import main
from briefings.answers import Answerer
from briefings.rendering import TEMPLATES_DIR, Renderer
from briefings.store import MemoryFactStore
from tests.world import World, make_bot

QUESTION = "!quote kono"


def _answer(store: MemoryFactStore, renderer: Renderer) -> str:
    return renderer.text(Answerer(store, renderer).answer(QUESTION))


def _no_compiling(monkeypatch: pytest.MonkeyPatch) -> None:
    def refuse(*_: object, **__: object) -> None:
        raise AssertionError("a kept template was compiled again")

    monkeypatch.setattr(Environment, "_parse", refuse)


def test_a_second_process_renders_from_the_kept_templates(
    store: MemoryFactStore, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    first = _answer(store, Renderer(compiled=tmp_path / "kept"))
    assert list((tmp_path / "kept").glob("templates-*.cache"))
    _no_compiling(monkeypatch)
    assert _answer(store, Renderer(compiled=tmp_path / "kept")) == first


def test_ask_keeps_its_templates_in_the_cache_folder(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    """The conftest points BRIEFBOT_CACHE_DIR at the test's own folder."""
    assert main(["ask", QUESTION]) == 0
    first = capsys.readouterr().out
    assert list((tmp_path / "cache").glob("templates-*.cache"))
    _no_compiling(monkeypatch)
    assert main(["ask", QUESTION]) == 0
    assert capsys.readouterr().out == first


def test_an_edited_template_is_compiled_anew(store: MemoryFactStore, tmp_path: Path) -> None:
    templates = tmp_path / "templates"
    shutil.copytree(TEMPLATES_DIR, templates)
    before = _answer(store, Renderer(templates, compiled=tmp_path / "kept"))
    quotes = templates / "answers" / "quotes.j2"
    wording = quotes.read_text(encoding="utf-8")
    quotes.write_text(wording.replace("Quotes: ", "Quoted: ", 1), encoding="utf-8")
    after = _answer(store, Renderer(templates, compiled=tmp_path / "kept"))
    assert before.startswith("Quotes: Taro Kono")
    assert after == before.replace("Quotes: ", "Quoted: ", 1)


def test_a_folder_that_cannot_be_written_only_costs_the_compiling(
    store: MemoryFactStore, tmp_path: Path
) -> None:
    folder = tmp_path / "kept"
    # A file where the folder should be: unwritable even for root, as tests may run.
    folder.write_text("not a folder", encoding="utf-8")
    expected = _answer(store, Renderer())
    assert _answer(store, Renderer(compiled=folder)) == expected


@pytest.fixture
def simcord_bot(store: MemoryFactStore) -> BriefBot:
    return make_bot(store)


async def test_the_bot_keeps_its_compiled_templates(world: World, tmp_path: Path) -> None:
    """A restarted bot's first answer loads the templates the last one compiled."""
    await world.alice.send(world.channel, QUESTION)
    assert world.last_embed().title == "Quotes: Taro Kono"
    assert list((tmp_path / "cache").glob("templates-*.cache"))


def test_templates_are_not_loaded_from_a_folder_others_may_write_to(
    store: MemoryFactStore, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    folder = tmp_path / "kept"
    first = _answer(store, Renderer(compiled=folder))
    folder.chmod(0o777)
    renderer = Renderer(compiled=folder)
    _no_compiling(monkeypatch)
    with pytest.raises(AssertionError, match="compiled again"):
        assert _answer(store, renderer) == first
