"""The `briefbot` command line and the offline console."""

from __future__ import annotations

import io
import os
import pty
import subprocess
import sys
import tomllib
from pathlib import Path

import pytest

from bot.cli import main
from bot.console import run_console
from briefings.answers import Answerer
from tests.conftest import edit

PROJECT_ROOT = Path(__file__).resolve().parent.parent


def test_ask_prints_the_whole_reply(capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["ask", "!quote kono"]) == 0
    out = capsys.readouterr().out
    assert out.startswith("Quotes: Taro Kono\n=================\n")
    assert "Sources:\n[A] " in out
    assert "\n  [1] line " in out
    assert "[3] " in out  # every citation, not the first page only
    assert out.rstrip().endswith("-- 3 quotes · words exactly as printed")


def test_ask_words_may_be_split(capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["ask", "!who", "kang", "gi-jung"]) == 0
    assert capsys.readouterr().out.startswith("Who: Kang Gi-jung")


def test_ask_a_bad_command_is_a_helpful_reply(capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["ask", "!frobnicate"]) == 0
    assert "Unknown command" in capsys.readouterr().out


def test_ask_with_a_broken_store_fails_readably(
    seeds_copy: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    edit(seeds_copy / "annotations" / "events.yaml", "Seoul signed an agreement", "Seoul sign an")
    assert main(["--seeds", str(seeds_copy), "ask", "!help"]) == 1
    err = capsys.readouterr().err
    assert "events.yaml: event gsomia-signed: excerpt not found verbatim" in err


def test_facts_check_summary(capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["facts", "check"]) == 0
    out = capsys.readouterr().out
    assert out.startswith("fact store OK\n")
    assert "quotes: 15; quotations covered: all" in out
    assert "events: 15 (2 expected, 13 happened)" in out
    assert "articles: 3; off-topic paragraphs: 12" in out


def test_facts_check_fails_with_every_problem(
    seeds_copy: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    edit(seeds_copy / "annotations" / "events.yaml", "status: expected", "status: maybe")
    edit(seeds_copy / "annotations" / "actors.yaml", "badly received by", "poorly received by")
    assert main(["--seeds", str(seeds_copy), "facts", "check"]) == 1
    err = capsys.readouterr().err
    assert "status: Input should be" in err
    assert "actor sk-public: excerpt not found verbatim" in err
    assert "Traceback" not in err


def test_console_answers_each_line_until_quit(answerer: Answerer) -> None:
    out = io.StringIO()
    run_console(answerer, ["!quote kono\n", "\n", "!help\n", "quit\n", "!sources\n"], out)
    text = out.getvalue()
    assert "Quotes: Taro Kono" in text
    assert "briefbot commands" in text
    assert "Sources\n=======" not in text  # after quit


def _environment() -> dict[str, str]:
    return {key: value for key, value in os.environ.items() if key != "DISCORD_TOKEN"}


def test_run_without_token_or_terminal_exits_2(tmp_path: Path) -> None:
    result = subprocess.run(
        [sys.executable, "-m", "bot.cli", "run"],
        stdin=subprocess.DEVNULL,
        capture_output=True,
        text=True,
        cwd=tmp_path,  # no .env here
        env=_environment(),
        check=False,
        timeout=60,
    )
    assert result.returncode == 2
    assert result.stdout == ""
    assert result.stderr.startswith("No Discord token configured (DISCORD_TOKEN) and no terminal")


def test_run_without_token_opens_the_console_on_a_terminal(tmp_path: Path) -> None:
    controller, terminal = pty.openpty()
    process = subprocess.Popen(
        [sys.executable, "-m", "bot.cli", "run"],
        stdin=terminal,
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
        cwd=tmp_path,
        env={**_environment(), "PYTHONPATH": str(PROJECT_ROOT)},
    )
    os.close(terminal)
    os.write(controller, b"!quote kang\nquit\n")
    out, err = process.communicate(timeout=60)
    os.close(controller)
    assert process.returncode == 0, err
    lines = out.splitlines()
    assert lines[0] == "No Discord token configured (DISCORD_TOKEN): opening the offline console."
    assert "briefbot> Quotes: Kang Gi-jung / Kang Kyung-wha" in out


def _python(code: str) -> str:
    """What `code` prints, run by a new Python process in the project."""
    return subprocess.run(
        [sys.executable, "-c", code],
        capture_output=True,
        text=True,
        cwd=PROJECT_ROOT,
        check=True,
        timeout=60,
    ).stdout


def test_the_command_imports_the_program_out_of_the_collectors_sight() -> None:
    """`briefbot` starts in `bot.launch`: the import runs with the collector paused and
    its objects are frozen; the collector is on again for what the command does."""
    printed = _python(
        "import gc, sys; from bot.launch import main; "
        "frozen = gc.get_freeze_count(); main(['ask', '!gsomia status']); "
        "print(frozen, gc.get_freeze_count() > 20_000, gc.isenabled(), 'discord' in sys.modules)"
    )
    assert printed.startswith("GSOMIA status")
    assert printed.rstrip().endswith("0 True True False")
    scripts = tomllib.loads((PROJECT_ROOT / "pyproject.toml").read_text())["project"]["scripts"]
    assert scripts == {"briefbot": "bot.launch:main"}


def test_ask_does_not_import_discord() -> None:
    printed = _python(
        "import sys; from bot.cli import main; main(['ask', '!gsomia status']); "
        "print('discord' in sys.modules)"
    )
    assert printed.rstrip().endswith("False")


@pytest.mark.parametrize("zone", ["America", "x" * 300, "../etc/passwd", "Mars/Base"])
def test_brief_with_an_impossible_zone_is_one_clear_line(
    zone: str, capsys: pytest.CaptureFixture[str]
) -> None:
    """Issue 12, defect 6: `--tz America` ended in an IsADirectoryError traceback."""
    with pytest.raises(SystemExit) as exit_info:
        main(["brief", "--on", "2026-11-23", "--tz", zone])
    assert exit_info.value.code == 2
    err = capsys.readouterr().err
    assert "is not a time zone like Asia/Seoul" in err
    assert "Traceback" not in err
