"""The documents hold to the code: the settings table is the settings' own descriptions,
and every path, link, `make` target, setting and `briefbot` subcommand they name exists.

Each test lists every problem of every document at once, with the document named.
"""

from __future__ import annotations

import re
from collections.abc import Iterator
from pathlib import Path

import pytest

from bot.cli import main
from bot.settings import Settings
from bot.settings_table import DOCUMENT, with_table
from briefings.commands import REGISTRY

ROOT = Path(__file__).resolve().parent.parent
DOCUMENTS = sorted(
    [ROOT / "README.md", ROOT / "bench" / "README.md", *(ROOT / "docs").rglob("*.md")]
)

# Named in the documents, read by the code or by what it runs, and no setting of the bot.
OTHER_VARIABLES = {
    "BRIEFBOT_CACHE_DIR",  # where the console keeps its history (briefings/resources.py)
    "XDG_CACHE_HOME",
    "CREDENTIALS_DIRECTORY",  # systemd's credentials folder
    "NO_COLOR",
    "POSTGRES_PASSWORD",  # deploy/compose.yaml's
    "BRIEFBOT_TAG",  # deploy/compose.yaml's image tag
    "PYTEST_WORKERS",  # the Makefile's pytest-xdist workers
}
FOLDERS = [".ci", "bench", "bot", "briefings", "deploy", "docs", "requirements", "scripts"]
TOP_LEVEL = tuple(f"{folder}/" for folder in [*FOLDERS, "seeds", "templates", "tests"])
# Made as the bot runs, or by the operator: named as where they will be.
MADE = ("seeds/annotations/drafts/", "seeds/.accepting.json", "deploy/.env", "deploy/backups/")
PLACEHOLDER = re.compile(r"[<>*…{}]|NAME|\bN\b")

CODE = re.compile(r"```.*?```|`[^`\n]+`", re.DOTALL)
LINK = re.compile(r"\]\(([^)\s]+)\)")
HEADING = re.compile(r"^#+ (.+)$", re.MULTILINE)


def _read(path: Path) -> str:
    return path.read_text(encoding="utf-8")


def _name(path: Path) -> str:
    return str(path.relative_to(ROOT))


def _code(text: str) -> Iterator[str]:
    """Every code span and fenced block's text, without its backticks."""
    for match in CODE.finditer(text):
        yield match.group().strip("`")


def _slug(heading: str) -> str:
    """The anchor a Markdown renderer gives a heading (GitHub's rule)."""
    words = re.sub(r"[^\w\- ]", "", heading.strip().lower())
    return words.replace(" ", "-")


def _anchors(path: Path) -> set[str]:
    return {_slug(heading) for heading in HEADING.findall(_read(path))}


def test_the_settings_table_is_the_settings_descriptions() -> None:
    document = _read(DOCUMENT)
    assert with_table(document) == document, "run `make docs` to rewrite the settings table"


def test_the_paths_the_documents_name_exist() -> None:
    missing = []
    for document in DOCUMENTS:
        for code in _code(_read(document)):
            for word in code.split():
                path = word.strip("(),.:;\"'").split("::")[0]
                if not path.startswith(TOP_LEVEL):
                    continue
                if PLACEHOLDER.search(path) or path.startswith(MADE) or (ROOT / path).exists():
                    continue
                missing.append(f"{_name(document)}: {path}")
    assert not missing, "\n".join(missing)


def test_the_links_between_documents_lead_somewhere() -> None:
    broken = []
    for document in DOCUMENTS:
        for target in LINK.findall(_read(document)):
            if target.startswith(("http://", "https://")):
                continue
            file, _, anchor = target.partition("#")
            linked = (document.parent / file).resolve() if file else document
            if not linked.exists():
                broken.append(f"{_name(document)}: {target} (no such file)")
            elif anchor and anchor not in _anchors(linked):
                broken.append(f"{_name(document)}: {target} (no such heading)")
    assert not broken, "\n".join(broken)


def _make_targets() -> set[str]:
    return set(re.findall(r"^([A-Za-z][\w-]*):", _read(ROOT / "Makefile"), re.MULTILINE))


def test_the_make_targets_the_documents_name_exist() -> None:
    targets = _make_targets()
    unknown = []
    for document in DOCUMENTS:
        for code in _code(_read(document)):
            for line in code.splitlines():
                for named in re.findall(r"(?:^|\s)make ((?:[a-z][\w-]*\s*)+)", line):
                    unknown += [
                        f"{_name(document)}: make {t}" for t in named.split() if t not in targets
                    ]
    assert not unknown, "\n".join(unknown)


def test_the_settings_the_documents_name_exist() -> None:
    known = {name.upper() for name in Settings.model_fields} | OTHER_VARIABLES
    unknown = []
    for document in DOCUMENTS:
        for code in _code(_read(document)):
            for word in re.findall(r"\$?\b[A-Z][A-Z0-9]*_[A-Z0-9_]+\b", code):
                if word.lstrip("$") not in known:
                    unknown.append(f"{_name(document)}: {word}")
    assert not unknown, "\n".join(unknown)


def _subcommands() -> set[tuple[str, ...]]:
    """Every `briefbot WORD [WORD]` the documents write in code, up to its first argument."""
    named = set()
    for document in DOCUMENTS:
        for code in _code(_read(document)):
            for line in code.splitlines():
                for after in re.findall(r"briefbot((?: [a-z][a-z-]*)+)", line):
                    named.add(tuple(after.split()[:2]))
    return named


def test_the_briefbot_subcommands_the_documents_name_exist(
    capsys: pytest.CaptureFixture[str],
) -> None:
    named = _subcommands()
    assert ("facts", "sync") in named  # the scan finds what the documents write
    refused = []
    for words in sorted(named):
        with pytest.raises(SystemExit) as exit_:
            main([*words, "--help"])
        if exit_.value.code != 0:
            refused.append(" ".join(words))
    capsys.readouterr()
    assert not refused, "\n".join(refused)


def test_the_readme_names_every_answer_command() -> None:
    readme = _read(ROOT / "README.md")
    assert [c.name for c in REGISTRY.commands if f"`!{c.name}" not in readme] == []


def test_the_readme_stays_short() -> None:
    assert len(_read(ROOT / "README.md").splitlines()) <= 150
