"""The `briefbot` command line and the offline console."""

from __future__ import annotations

import io
import os
import pty
import resource
import select
import signal
import sqlite3
import subprocess
import sys
import tomllib
from pathlib import Path

import pytest

from bot.cli import main
from bot.console import PROMPT, run_console
from briefings.answers import Answerer
from briefings.storage import open_database
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


def test_ask_a_bad_command_is_a_helpful_reply_and_fails(
    capsys: pytest.CaptureFixture[str],
) -> None:
    """A script can tell an answer from a reply that answers nothing: status 1."""
    assert main(["ask", "!frobnicate"]) == 1
    assert "Unknown command" in capsys.readouterr().out
    assert main(["ask", "!quote nobody-of-that-name"]) == 1
    assert "nobody-of-that-name" in capsys.readouterr().out
    assert main(["ask", "!timeline 1800"]) == 0  # an answer: no event falls in 1800
    assert "No event in the sources" in capsys.readouterr().out


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


class Terminal:
    """`briefbot console` at a terminal of its own (a pty for its input and output, so
    readline edits the lines), typed into as a person would: each line after its prompt."""

    def __init__(self, cwd: Path, cache: Path) -> None:
        self.controller, terminal = pty.openpty()
        self.process = subprocess.Popen(
            [sys.executable, "-m", "bot.cli", "console"],
            stdin=terminal,
            stdout=terminal,
            stderr=subprocess.PIPE,
            cwd=cwd,
            env={
                **_environment(),
                "PYTHONPATH": str(PROJECT_ROOT),
                "BRIEFBOT_CACHE_DIR": str(cache),
                "TERM": "xterm",
            },
        )
        os.close(terminal)
        self.shown = b""

    def _read_until(self, wanted: bytes) -> None:
        while wanted not in self.shown:
            ready, _, _ = select.select([self.controller], [], [], 60)
            assert ready, f"waited for {wanted!r}; the terminal shows {self.shown!r}"
            try:
                self.shown += os.read(self.controller, 65536)
            except OSError:  # the console ended and closed the terminal
                return

    def type(self, keys: bytes) -> None:
        """Type `keys` at the next prompt."""
        self._read_until(PROMPT.encode())
        self.shown = self.shown.replace(PROMPT.encode(), b"", 1)
        os.write(self.controller, keys)

    def end(self) -> tuple[int, str, str]:
        """Wait for the console to end: its exit status, what it showed and its stderr."""
        try:
            _, err = self.process.communicate(timeout=60)
        finally:
            if self.process.poll() is None:  # never left running by a failed test
                self.process.kill()
                self.process.communicate()
        self._read_until(b"\0")  # whatever is left, until the terminal closes
        os.close(self.controller)
        return self.process.returncode, self.shown.decode(), err.decode()


def test_the_console_keeps_its_history_and_edits_lines(tmp_path: Path) -> None:
    first = Terminal(tmp_path, tmp_path / "cache")
    first.type(b"!quote kono\r")
    first.type(b"quit\r")
    status, shown, err = first.end()
    assert (status, err) == (0, "")
    assert "Quotes: Taro Kono" in shown
    assert "!quote kono" in (tmp_path / "cache" / "console_history").read_text()

    second = Terminal(tmp_path, tmp_path / "cache")
    second.type(b"\x1b[A\x1b[A\r")  # up twice: back past `quit` to `!quote kono`
    second.type(b"quit\r")
    status, shown, err = second.end()
    assert (status, err) == (0, "")
    assert "Quotes: Taro Kono" in shown
    assert "There is no command" not in shown


def test_ctrl_d_ends_the_console_with_one_line(tmp_path: Path) -> None:
    console = Terminal(tmp_path, tmp_path / "cache")
    console.type(b"\x04")
    status, shown, err = console.end()
    assert (status, err) == (0, "")  # no traceback
    assert shown.strip().endswith("End of input: closing the console.")


def test_ctrl_c_ends_the_console_with_one_line(tmp_path: Path) -> None:
    console = Terminal(tmp_path, tmp_path / "cache")
    console.type(b"!quote kono\r")
    console.type(b"")
    # What the terminal sends its foreground process for Ctrl-C (this pty is not the
    # console's controlling terminal, so the key itself would not). A signal that lands
    # just before readline waits for a key is acted on at the next key, as at a real
    # terminal: the Enter after it makes sure the test does not wait for one.
    console.process.send_signal(signal.SIGINT)
    os.write(console.controller, b"\r")
    status, shown, err = console.end()
    assert (status, err) == (0, "")  # no traceback
    assert shown.strip().endswith("Interrupted: closing the console.")
    assert "!quote kono" in (tmp_path / "cache" / "console_history").read_text()


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
    """An impossible zone, a folder of the zone database (`America`) too, is one line."""
    with pytest.raises(SystemExit) as exit_info:
        main(["brief", "--on", "2026-11-23", "--tz", zone])
    assert exit_info.value.code == 2
    err = capsys.readouterr().err
    assert "is not a time zone like Asia/Seoul" in err
    assert "Traceback" not in err


# --- every failure an operator can reach is one line ----------------------------------

MEMORY_LIMIT = (
    2 << 30
)  # a command that tries to hold a billion shard numbers fails, not the machine


def _limit_memory() -> None:
    resource.setrlimit(resource.RLIMIT_AS, (MEMORY_LIMIT, MEMORY_LIMIT))


def _briefbot(folder: Path, *args: str, **env: str) -> subprocess.CompletedProcess[str]:
    """`briefbot ARGS` run in `folder` (its .env, if any) with only `env` set."""
    keep = {name: os.environ[name] for name in ("PATH", "HOME", "LANG") if name in os.environ}
    return subprocess.run(
        [sys.executable, "-m", "bot.cli", *args],
        stdin=subprocess.DEVNULL,
        capture_output=True,
        text=True,
        cwd=folder,
        env={**keep, "DATA_DIR": str(folder / "var"), **env},
        preexec_fn=_limit_memory,
        check=False,
        timeout=60,
    )


def _one_line(result: subprocess.CompletedProcess[str]) -> str:
    """The one line the command ended with (health's on stdout, the others' on stderr)."""
    assert result.returncode != 0
    said = result.stdout if result.args[3] == "health" else result.stderr
    assert "Traceback" not in result.stdout + result.stderr
    assert len(said.splitlines()) == 1, said
    return said


BAD_URLS = {
    "mysql://briefbot:hunter2@localhost/briefbot": (
        "cannot open the database mysql://briefbot:***@localhost/briefbot: its driver is not "
        "installed (No module named 'MySQLdb')"
    ),
    "postgresql+psycopg://briefbot:hunter2@[::1/briefbot": (
        "cannot open the database 'postgresql+psycopg://briefbot:***@[::1/briefbot': not a URL"
    ),
}
LINE_STARTS = {"run": "cannot start: ", "health": "unhealthy: ", "facts": "not synced: "}


@pytest.mark.parametrize("url", BAD_URLS)
@pytest.mark.parametrize("command", [["run"], ["health"], ["facts", "sync"]])
def test_a_database_url_that_cannot_be_used_is_one_line(
    tmp_path: Path, url: str, command: list[str]
) -> None:
    said = _one_line(_briefbot(tmp_path, *command, DATABASE_URL=url, DISCORD_TOKEN="a-token"))
    assert f"{LINE_STARTS[command[0]]}{BAD_URLS[url]}" in said
    assert "hunter2" not in said


@pytest.mark.parametrize(
    ("env", "line"),
    [
        (
            {"DATABASE_URL": "garbage"},
            "unhealthy: cannot open the database 'garbage': not a URL like",
        ),
        ({"DATA_DIR": "/dev/null/var"}, "unhealthy: cannot use DATA_DIR /dev/null/var: "),
        ({"SHARD_COUNT": "4", "SHARD_IDS": "0-999999999"}, "unhealthy: bad setting: SHARD_IDS: "),
    ],
)
def test_health_with_settings_it_cannot_use_is_one_line(
    tmp_path: Path, env: dict[str, str], line: str
) -> None:
    assert _one_line(_briefbot(tmp_path, "health", **env)).startswith(line)


def test_health_of_a_damaged_database_file_is_one_line(tmp_path: Path) -> None:
    """A SQLite file whose schema names a table in bytes that are not UTF-8."""
    path = tmp_path / "var" / "briefbot.sqlite3"
    database = open_database(None, path.parent)
    database.dispose()
    with sqlite3.connect(path) as connection:
        connection.execute("PRAGMA journal_mode=DELETE")  # the whole database in the one file
    data = bytearray(path.read_bytes())
    record = data.index(b"tablealembic_versionalembic_version") + len(b"table")
    for offset in (record + 2, record + 17, data.index(b"CREATE TABLE alembic_version") + 14):
        data[offset] = 0xFF
    path.write_bytes(bytes(data))
    said = _one_line(_briefbot(tmp_path, "health"))
    assert said.startswith(f"unhealthy: the database sqlite:///{path} does not answer: the file")


@pytest.mark.parametrize("level", ["LOUD", "", "10"])
def test_a_log_level_that_is_no_level_is_one_line_at_run(tmp_path: Path, level: str) -> None:
    said = _one_line(_briefbot(tmp_path, "run", LOG_LEVEL=level, DISCORD_TOKEN="a-token"))
    assert (
        said
        == f"cannot start: bad setting: LOG_LEVEL: {level!r} is not DEBUG, INFO, WARNING or ERROR\n"
    )


@pytest.mark.parametrize("command", ["run", "health"])
def test_a_dot_env_that_is_not_utf8_is_one_line(tmp_path: Path, command: str) -> None:
    (tmp_path / ".env").write_bytes(b"COMMAND_PREFIX=?\nDISCORD_TOKEN=caf\xe9\n")
    said = _one_line(_briefbot(tmp_path, command))
    assert said.endswith("bad setting: .env is not UTF-8 text (byte 0xe9 at offset 34)\n")


@pytest.mark.parametrize(
    ("args", "line"),
    [
        (["--on", "9999-12-31"], "argument --on: '9999-12-31' is out of range: the supported"),
        (["--next", "99999999"], "argument --next: '99999999' is not a number of days from 1 to"),
        (["--next", "3", "--from", "0001-01-01"], "argument --from: '0001-01-01' is out of range"),
    ],
)
def test_brief_past_the_calendar_is_one_line(tmp_path: Path, args: list[str], line: str) -> None:
    said = _one_line(_briefbot(tmp_path, "brief", *args))
    assert said.startswith(f"briefbot brief: {line}")


def test_output_to_a_reader_that_went_away_is_no_traceback(tmp_path: Path) -> None:
    """`briefbot facts check | head -1`: the reader closes the pipe before the writing."""
    process = subprocess.Popen(
        [sys.executable, "-m", "bot.cli", "facts", "check"],
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        cwd=tmp_path,
        env={**_environment(), "PYTHONPATH": str(PROJECT_ROOT)},
    )
    assert process.stdout is not None
    process.stdout.close()  # no one reads what it writes
    _, err = process.communicate(timeout=60)
    assert err == b""
    assert process.returncode == 1


def test_version_names_the_installed_release(capsys: pytest.CaptureFixture[str]) -> None:
    with pytest.raises(SystemExit) as ended:
        main(["--version"])
    assert ended.value.code == 0
    release = tomllib.loads((PROJECT_ROOT / "pyproject.toml").read_text())["project"]["version"]
    assert capsys.readouterr().out == f"briefbot {release}\n"
