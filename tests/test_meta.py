"""Cheap checks on the code base itself."""

from __future__ import annotations

import ast
from pathlib import Path
from typing import get_args

import pytest

from briefings.rendering import TEMPLATES_DIR

PROJECT_ROOT = Path(__file__).resolve().parent.parent


def _imports(path: Path) -> set[str]:
    tree = ast.parse(path.read_text(encoding="utf-8"))
    names: set[str] = set()
    for node in ast.walk(tree):
        if isinstance(node, ast.Import):
            names.update(alias.name.split(".")[0] for alias in node.names)
        elif isinstance(node, ast.ImportFrom) and node.module:
            names.add(node.module.split(".")[0])
    return names


@pytest.mark.parametrize(
    "path", sorted((PROJECT_ROOT / "briefings").rglob("*.py")), ids=lambda p: p.name
)
def test_the_domain_never_imports_discord_or_the_adapter(path: Path) -> None:
    assert not _imports(path) & {"discord", "bot"}


def test_every_answer_template_is_used() -> None:
    from briefings.replies import ReplyKind

    # Briefings have template sets of their own; notices a folder of their own.
    kinds = set(get_args(ReplyKind)) - {"briefing", "notice"}
    files = {p.stem for p in (TEMPLATES_DIR / "answers").glob("*.j2") if not p.stem.startswith("_")}
    assert files == kinds
