"""`briefbot backup` and `briefbot restore`: the whole state from one moment, taken
while the bot writes, restored into an empty database with every table's count equal
and the same answers; anything short of that leaves the target as it was."""

from __future__ import annotations

import datetime as dt
import gzip
import threading
from collections.abc import Iterator
from pathlib import Path

import pytest
from sqlalchemy import func, select

from bot.cli import main
from briefings.answers import Answerer
from briefings.backup import (
    BackupError,
    _decoded,
    _encoded,
    read_header,
    restore_backup,
    table_counts,
    take_backup,
)
from briefings.factbase import DatabaseFactStore
from briefings.review.drafts import ReviewChannelRow
from briefings.storage import Database, Subscription

NOW = dt.datetime(2026, 12, 3, 9, tzinfo=dt.UTC)
QUESTIONS = ["!gsomia status", "!quote kono", "!timeline 2019-11", "!who moon"]


def _subscribe(database: Database, number: int) -> None:
    """One write that touches two tables at once: a channel's subscription and its
    server's review channel, in one transaction."""
    with database.session() as session, session.begin():
        session.add(
            Subscription(
                guild_id=number,
                channel_id=10_000 + number,
                post_time="09:00",
                timezone="Asia/Seoul",
                created_at=NOW,
                created_by=1,
            )
        )
        session.add(ReviewChannelRow(guild_id=number, channel_id=number, set_by=1, set_at=NOW))


@pytest.fixture
def busy(database: Database) -> Iterator[threading.Event]:
    """A writer that keeps changing the database until the test is done."""
    stop = threading.Event()
    started = threading.Event()

    def write() -> None:
        number = 1
        while not stop.is_set():
            _subscribe(database, number)
            number += 1
            started.set()

    writer = threading.Thread(target=write)
    writer.start()
    started.wait(10)
    yield stop
    stop.set()
    writer.join(10)


def _restored(tmp_path: Path, name: str) -> Database:
    return Database(f"sqlite:///{tmp_path / name}")


def test_a_backup_taken_while_the_bot_writes_restores_with_every_count_equal(
    database: Database, busy: threading.Event, tmp_path: Path
) -> None:
    backup = tmp_path / "state.jsonl.gz"
    header = take_backup(database, backup, NOW)
    busy.set()
    # One moment: both tables of each write, or neither.
    assert header.tables["subscriptions"].rows == header.tables["review_channels"].rows > 0
    restored = restore_backup(f"sqlite:///{tmp_path / 'restored.sqlite3'}", backup)
    assert restored.counts == {name: shape.rows for name, shape in header.tables.items()}
    again = _restored(tmp_path, "restored.sqlite3")
    assert table_counts(again) == restored.counts
    assert again.revision() == database.revision()
    again.dispose()


def test_the_restored_database_answers_as_the_original(database: Database, tmp_path: Path) -> None:
    backup = tmp_path / "state.jsonl.gz"
    _subscribe(database, 7)
    take_backup(database, backup, NOW)
    restore_backup(f"sqlite:///{tmp_path / 'restored.sqlite3'}", backup)
    again = _restored(tmp_path, "restored.sqlite3")
    before, after = Answerer(DatabaseFactStore(database)), Answerer(DatabaseFactStore(again))
    for question in QUESTIONS:
        assert after.answer(question) == before.answer(question), question
    (subscription,) = again.subscriptions()
    assert (subscription.channel_id, subscription.created_at) == (10_007, NOW)
    # New rows get new ids after the restored ones.
    _subscribe(again, 8)
    with again.session() as session:
        assert session.scalar(select(func.max(Subscription.id))) == subscription.id + 1
    again.dispose()


def test_a_restore_never_merges_into_a_database_that_holds_anything(
    database: Database, tmp_path: Path
) -> None:
    backup = tmp_path / "state.jsonl.gz"
    take_backup(database, backup, NOW)
    target = f"sqlite:///{tmp_path / 'restored.sqlite3'}"
    restore_backup(target, backup)
    kept = table_counts(_restored(tmp_path, "restored.sqlite3"))
    with pytest.raises(BackupError, match=r"is not empty \(\d+ tables, \d+ rows\)"):
        restore_backup(target, backup)
    assert table_counts(_restored(tmp_path, "restored.sqlite3")) == kept


def test_a_cut_off_backup_restores_nothing_and_leaves_no_file(
    database: Database, tmp_path: Path
) -> None:
    backup = tmp_path / "state.jsonl.gz"
    take_backup(database, backup, NOW)
    whole = gzip.decompress(backup.read_bytes()).decode("utf-8").splitlines(keepends=True)
    cut = tmp_path / "cut.jsonl.gz"
    cut.write_bytes(gzip.compress("".join(whole[: len(whole) // 2]).encode("utf-8")))
    place = tmp_path / "new"
    place.mkdir()
    with pytest.raises(BackupError, match=r"the backup is not whole: \w+ restored \d+ of \d+"):
        restore_backup(f"sqlite:///{place / 'restored.sqlite3'}", cut)
    assert list(place.iterdir()) == []
    truncated = tmp_path / "truncated.jsonl.gz"
    truncated.write_bytes(backup.read_bytes()[:-20])
    with pytest.raises(BackupError, match="is not a whole briefbot backup"):
        restore_backup(f"sqlite:///{place / 'restored.sqlite3'}", truncated)
    assert list(place.iterdir()) == []


def test_what_is_not_a_backup_or_is_too_new_is_refused_in_one_line(
    database: Database, tmp_path: Path
) -> None:
    target = f"sqlite:///{tmp_path / 'restored.sqlite3'}"
    text = tmp_path / "notes.txt"
    text.write_text("hello", encoding="utf-8")
    with pytest.raises(BackupError, match="is not a whole briefbot backup"):
        restore_backup(target, text)
    other = tmp_path / "other.jsonl.gz"
    other.write_bytes(gzip.compress(b'{"hello": 1}\n'))
    with pytest.raises(BackupError, match=r"is not a briefbot backup \(its first line"):
        restore_backup(target, other)
    backup = tmp_path / "state.jsonl.gz"
    header = take_backup(database, backup, NOW)
    lines = gzip.decompress(backup.read_bytes()).decode("utf-8").splitlines(keepends=True)
    newer = header.model_copy(update={"revision": "9999"})
    future = tmp_path / "future.jsonl.gz"
    future.write_bytes(
        gzip.compress((newer.model_dump_json() + "\n" + "".join(lines[1:])).encode())
    )
    with pytest.raises(BackupError, match="schema 9999, which this briefbot does not know"):
        restore_backup(target, future)
    with pytest.raises(BackupError, match="no backup at"):
        restore_backup(target, tmp_path / "missing.jsonl.gz")
    assert read_header(backup) == header


def test_a_backup_never_overwrites(database: Database, tmp_path: Path) -> None:
    backup = tmp_path / "state.jsonl.gz"
    backup.write_text("yesterday's", encoding="utf-8")
    with pytest.raises(BackupError, match="exists; name a new file"):
        take_backup(database, backup, NOW)
    assert backup.read_text(encoding="utf-8") == "yesterday's"


@pytest.mark.parametrize(
    "value",
    [
        None,
        True,
        7,
        2.5,
        "지소미아",
        dt.datetime(2019, 11, 22, 18, tzinfo=dt.UTC),
        dt.date(2019, 11, 23),
        dt.time(9, 30),
        b"\x00\xff",
        {"a": [1, 2]},
    ],
)
def test_every_kind_of_value_comes_back_as_it_went(value: object) -> None:
    assert _decoded(_encoded(value)) == value


def test_a_naive_datetime_is_read_as_the_utc_it_was_written_in() -> None:
    aware = dt.datetime(2019, 11, 22, 18, tzinfo=dt.UTC)
    assert _decoded(_encoded(aware.replace(tzinfo=None))) == aware


def test_the_commands_say_what_they_did_and_what_they_checked(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    monkeypatch.setenv("DATA_DIR", str(tmp_path / "live"))
    assert main(["facts", "sync"]) == 0
    folder = tmp_path / "backups"
    folder.mkdir()
    capsys.readouterr()
    assert main(["backup", str(folder)]) == 0
    out = capsys.readouterr().out.splitlines()
    (backup,) = folder.iterdir()
    assert backup.name.startswith("briefbot-")
    assert backup.name.endswith(".jsonl.gz")
    assert out[0].startswith("backed up sqlite:///")
    assert f"(schema {read_header(backup).revision}) to {backup} in " in out[0]
    assert any(line.split() == ["fact_quotes", "15"] for line in out)

    monkeypatch.setenv("DATA_DIR", str(tmp_path / "new"))
    assert main(["restore", str(backup)]) == 0
    out = capsys.readouterr().out.splitlines()
    assert out[0].startswith(f"restored {backup} (taken ")
    assert out[1].split() == ["table", "in", "backup", "restored"]
    assert any(line.split() == ["fact_quotes", "15", "15"] for line in out)
    assert out[-1].startswith("checked: the database answers and takes writes (schema ")
    assert out[-1].endswith("15 quotes, 5 printing errors, 6 discrepancies")

    assert main(["restore", str(backup)]) == 1
    (line,) = capsys.readouterr().err.splitlines()
    assert line.startswith("not restored: the database sqlite:///")
    assert line.endswith("a restore goes into a new, empty database")


def test_a_time_in_another_zone_is_kept_as_its_utc_instant() -> None:
    """PostgreSQL returns its session's zone; SQLite keeps no offset, and the app reads
    what it keeps as UTC: 09:00+09:00 must arrive as 00:00, not 09:00."""
    seoul = dt.datetime(2019, 11, 22, 9, tzinfo=dt.timezone(dt.timedelta(hours=9)))
    assert _encoded(seoul) == {"$datetime": "2019-11-22T00:00:00+00:00"}


def test_a_damaged_line_is_refused_in_one_line(database: Database, tmp_path: Path) -> None:
    backup = tmp_path / "state.jsonl.gz"
    take_backup(database, backup, NOW)
    lines = gzip.decompress(backup.read_bytes()).decode("utf-8").splitlines(keepends=True)
    damaged = tmp_path / "damaged.jsonl.gz"
    damaged.write_bytes(gzip.compress("".join([lines[0], "[0, [1, 2]\n"]).encode()))
    place = tmp_path / "new"
    place.mkdir()
    with pytest.raises(BackupError, match="the backup is damaged at line 2: "):
        restore_backup(f"sqlite:///{place / 'restored.sqlite3'}", damaged)
    assert list(place.iterdir()) == []
