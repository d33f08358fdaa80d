"""A normal, non-editable install works: every module, template, seed and migration ships.

The checkout is copied (its tracked files, as a clone has them), installed with
`uv pip install` (not editable) into a new virtual environment, and run from another
folder, so nothing can come from the checkout itself. The new environment reads the
dependencies from the project's .venv through a path line in a .pth file: that adds
the folder to sys.path without running the .pth files inside it, so the editable
install's finder stays off, and nothing is downloaded.
"""

from __future__ import annotations

import os
import shutil
import subprocess
import sys
import textwrap
from pathlib import Path

import pytest

PROJECT_ROOT = Path(__file__).resolve().parent.parent
UV = Path(sys.executable).parent / "uv"
SITE = f"lib/python{sys.version_info[0]}.{sys.version_info[1]}/site-packages"
# One worker runs this module's tests, so the install is built once.
pytestmark = pytest.mark.xdist_group("installed")


def _tracked(*patterns: str) -> list[str]:
    listed = subprocess.run(
        ["git", "ls-files", "--cached", "--others", "--exclude-standard", *patterns],
        cwd=PROJECT_ROOT,
        capture_output=True,
        text=True,
        check=True,
    )
    return listed.stdout.split()


def _run(*command: str | Path, cwd: Path, env: dict[str, str] | None = None) -> str:
    done = subprocess.run(
        [str(part) for part in command],
        cwd=cwd,
        capture_output=True,
        text=True,
        env=env,
        timeout=300,
        check=False,
    )
    assert done.returncode == 0, f"{command}: {done.stdout}\n{done.stderr}"
    return done.stdout


@pytest.fixture(scope="module")
def installed(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """A new virtual environment with the project installed from a copy of its files."""
    root = tmp_path_factory.mktemp("install")
    source = root / "source"
    for name in _tracked():
        target = source / name
        target.parent.mkdir(parents=True, exist_ok=True)
        shutil.copy2(PROJECT_ROOT / name, target)
    venv = root / "venv"
    _run(sys.executable, "-m", "venv", "--without-pip", venv, cwd=root)
    dependencies = Path(sys.executable).parent.parent / SITE
    (venv / SITE / "dependencies.pth").write_text(f"{dependencies}\n", encoding="utf-8")
    python = venv / "bin" / "python"
    install: list[str | Path] = [UV, "pip", "install", "--quiet", "--offline", "--python", python]
    _run(*install, "--no-deps", "--no-build-isolation", source, cwd=root)  # not editable
    shutil.rmtree(source)  # whatever runs now runs from the install alone
    return venv


@pytest.fixture
def elsewhere(tmp_path: Path) -> Path:
    """Another folder to run from, with a clean environment."""
    folder = tmp_path / "elsewhere"
    folder.mkdir()
    return folder


def _env(folder: Path) -> dict[str, str]:
    keep = {"PATH", "HOME", "LANG", "UV_CACHE_DIR"}
    env = {name: value for name, value in os.environ.items() if name in keep}
    return {**env, "DATA_DIR": str(folder / "var")}


def test_the_install_holds_every_module_template_seed_and_migration(installed: Path) -> None:
    site = installed / SITE
    code = _tracked("bot/*.py", "briefings/*.py", "briefings/migrations/*.mako")
    assert [name for name in code if not (site / name).is_file()] == []
    data = {
        "briefings/templates": _tracked("templates/*.j2"),
        "briefings/seed_data": _tracked(
            "seeds/*.txt", "seeds/*.yaml", "seeds/*.json", "seeds/*256"
        ),
    }
    missing = [
        name
        for folder, names in data.items()
        for name in names
        if not (site / folder / name.split("/", 1)[1]).is_file()
    ]
    assert missing == []
    assert data["briefings/seed_data"]
    assert data["briefings/templates"]


def test_ask_and_facts_check_run_from_another_folder(installed: Path, elsewhere: Path) -> None:
    briefbot = installed / "bin" / "briefbot"
    out = _run(briefbot, "ask", "!gsomia status", cwd=elsewhere, env=_env(elsewhere))
    assert out.startswith("GSOMIA status\n")
    assert "[1] " in out
    out = _run(briefbot, "facts", "check", cwd=elsewhere, env=_env(elsewhere))
    assert "fact store OK" in out


def test_the_installed_bot_starts_and_answers(installed: Path, elsewhere: Path) -> None:
    """The bot from the install, driven through SimCord by a test outside the checkout."""
    (elsewhere / "test_installed.py").write_text(
        textwrap.dedent(
            """
            import briefings, bot.app, pytest
            from bot.settings import Settings

            @pytest.fixture
            def simcord_bot():
                return bot.app.create_bot(Settings(_env_file=None))

            async def test_answers(simcord_env):
                assert "site-packages" in briefings.__file__
                guild = simcord_env.create_guild()
                channel = guild.create_text_channel("briefings")
                member = guild.add_member(simcord_env.create_user("alice"))
                await member.send(channel, "!quote kono")
                assert channel.last_message.embeds[0].title == "Quotes: Taro Kono"
            """
        ),
        encoding="utf-8",
    )
    python = installed / "bin" / "python"
    options = ["-p", "no:cacheprovider", "-o", "asyncio_mode=auto", "-q"]
    out = _run(
        python, "-m", "pytest", *options, "test_installed.py", cwd=elsewhere, env=_env(elsewhere)
    )
    assert "1 passed" in out
