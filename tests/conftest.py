"""Shared fixtures: the real store built from the real seeds, and broken copies of it."""

from __future__ import annotations

import shutil
from collections.abc import Callable, Iterator
from pathlib import Path

import pytest
import simcord

from bot.chart_workers import stop_every_pool
from briefings.answers import Answerer
from briefings.factbase import DatabaseFactStore, sync_facts
from briefings.loading import DEFAULT_SEEDS_DIR, load_store
from briefings.rendering import Renderer
from briefings.storage import Database, open_database
from briefings.store import FactStore, MemoryFactStore
from tests.test_posting import database_url, fresh_database
from tests.world import World
from tests.year import year_store

PROJECT_ROOT = Path(__file__).resolve().parent.parent
pytest_plugins = ["tests.web_site"]  # the local web site (`site`) for the fetching tests


@pytest.fixture(autouse=True)
def _no_chart_workers_left() -> Iterator[None]:
    """Stop the chart workers of the test's bots (SimCord never closes a bot): a live
    worker would stall the next process any test starts (see bot.chart_workers)."""
    yield
    stop_every_pool()


@pytest.fixture(autouse=True)
def _own_database(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """Every test's bot gets its own SQLite file, never the project's var/."""
    monkeypatch.setenv("DATA_DIR", str(tmp_path / "var"))
    # The heartbeat would run every 15 simulated seconds through the months that
    # tests advance SimCord's clock by; the tests of the heartbeat turn it on.
    monkeypatch.setenv("HEARTBEAT_SECONDS", "0")
    monkeypatch.setenv("FACTS_POLL_SECONDS", "0")  # likewise; its own tests turn it on
    monkeypatch.setenv("WATCH_POLL_SECONDS", "0")  # the watcher's tests run its rounds
    monkeypatch.delenv("DATABASE_URL", raising=False)
    monkeypatch.setenv("BRIEFBOT_CACHE_DIR", str(tmp_path / "cache"))  # not the user's


@pytest.fixture(scope="session")
def store() -> MemoryFactStore:
    return load_store()


@pytest.fixture(scope="session")
def database_store(tmp_path_factory: pytest.TempPathFactory) -> DatabaseFactStore:
    """The same facts synced into a database of its own, read back from it."""
    database = open_database(None, tmp_path_factory.mktemp("facts"))
    sync_facts(database, DEFAULT_SEEDS_DIR)
    return DatabaseFactStore(database)


@pytest.fixture(scope="session", params=["memory", "database"])
def either_store(request: pytest.FixtureRequest, store: MemoryFactStore) -> FactStore:
    """The seed store in memory, then in the database: a test asking for it runs on both."""
    if request.param == "memory":
        return store
    database_store: DatabaseFactStore = request.getfixturevalue("database_store")
    return database_store


@pytest.fixture(scope="session")
def answerer(either_store: FactStore) -> Answerer:
    """Every answer test runs on both stores: the replies are the contract."""
    return Answerer(either_store)


@pytest.fixture(scope="session")
def ask(answerer: Answerer) -> Callable[[str], str]:
    """Answer a command and return the whole reply as plain text."""
    renderer = Renderer()

    def _ask(command: str) -> str:
        return renderer.text(answerer.answer(command))

    return _ask


@pytest.fixture
def seeds_copy(tmp_path: Path) -> Path:
    """A writable copy of the seeds folder, to break on purpose."""
    target = tmp_path / "seeds"
    shutil.copytree(DEFAULT_SEEDS_DIR, target)
    return target


def edit(path: Path, old: str, new: str, count: int = 1) -> None:
    """Replace `old` by `new` in a file, failing loudly if `old` is not there."""
    text = path.read_text(encoding="utf-8")
    assert old in text, f"{old!r} not in {path.name}"
    path.write_text(text.replace(old, new, count), encoding="utf-8")


@pytest.fixture
def world(simcord_env: simcord.Env) -> World:
    """The guild, with the module's `simcord_bot` started in it."""
    return World(simcord_env)


@pytest.fixture
async def synced(world: World) -> World:
    """The same, with the slash commands synced."""
    await world.bot.tree.sync()
    return world


@pytest.fixture(scope="session")
def dst_store(tmp_path_factory: pytest.TempPathFactory) -> FactStore:
    """Fictional events on every 2026 DST change day (see tests/year.py)."""
    return year_store(tmp_path_factory.mktemp("year"))


@pytest.fixture
def database(tmp_path: Path) -> Iterator[Database]:
    """A migrated database (PostgreSQL under `make test-postgres`) holding the seed
    store as its first version: what the watching and review tests start from (the
    modules that need an empty one define their own)."""
    db = fresh_database(database_url(tmp_path))
    sync_facts(db, DEFAULT_SEEDS_DIR)
    yield db
    db.dispose()
