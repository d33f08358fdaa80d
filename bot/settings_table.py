"""The settings as a Markdown table, made from their field descriptions in `bot/settings.py`.

`docs/operating.md` holds the table between two marker lines, and a test fails when
it differs from what this writes, so a setting added or reworded reaches the document
with `make docs` and cannot drift from it:

    python -m bot.settings_table           # print the table
    python -m bot.settings_table --write   # replace it in docs/operating.md
"""

from __future__ import annotations

import argparse
import sys
import types
import typing
from pathlib import Path
from typing import Any, Literal

import annotated_types
from pydantic import SecretStr
from pydantic.fields import FieldInfo

from bot.settings import Settings

__all__ = ["BEGIN", "DOCUMENT", "END", "settings_table", "with_table"]

DOCUMENT = Path(__file__).resolve().parent.parent / "docs" / "operating.md"
BEGIN = (
    "<!-- settings: generated from bot/settings.py by `make docs`; edit the descriptions there -->"
)
END = "<!-- end of settings -->"


class MissingDescriptionError(Exception):
    """A setting without a description: the table would leave an operator guessing."""


def _plain(annotation: Any) -> Any:
    """The annotation without `None` (an unset setting is told by its default)."""
    if isinstance(annotation, types.UnionType) or typing.get_origin(annotation) is typing.Union:
        kept = [arg for arg in typing.get_args(annotation) if arg is not type(None)]
        return kept[0] if len(kept) == 1 else annotation
    return annotation


def _value(field: FieldInfo) -> str:
    """What an operator may write: the kind of value and its bounds."""
    annotation = _plain(field.annotation)
    bounds = {
        name: getattr(item, name)
        for item in field.metadata
        for name in ("ge", "le", "min_length", "max_length")
        if isinstance(item, annotated_types.BaseMetadata) and hasattr(item, name)
    }
    if annotation is bool:
        return "`true` or `false`"
    if typing.get_origin(annotation) is Literal:
        return " or ".join(f"`{choice}`" for choice in typing.get_args(annotation))
    if typing.get_origin(annotation) is frozenset:
        return "JSON list of ids"
    if typing.get_origin(annotation) is list:
        return "list of numbers"
    if annotation is SecretStr:
        return "secret text"
    if annotation in (int, float):
        kind = "whole number" if annotation is int else "number"
        if "ge" in bounds and "le" in bounds:
            return f"{kind}, {bounds['ge']:g} to {bounds['le']:g}"
        return kind
    if annotation is str and "max_length" in bounds:
        return f"text, {bounds.get('min_length', 0)} to {bounds['max_length']} characters"
    if annotation is Path:
        return "folder"
    return "text"


def _default(field: FieldInfo) -> str:
    default = field.default
    if default is None:
        return "unset"
    if isinstance(default, bool):
        return f"`{str(default).lower()}`"
    if isinstance(default, frozenset | list):
        return "`[]`" if not default else f"`{sorted(default)}`"
    if isinstance(default, Path) and default.is_absolute():
        return f"the shipped `{default.name}/`"  # where the package was installed
    if isinstance(default, float) and default.is_integer():
        return f"`{int(default)}`"
    return f"`{default}`"


def settings_table() -> str:
    """One row a setting, in the order `Settings` declares them."""
    rows = [
        "| setting | default | value | what it does |",
        "| --- | --- | --- | --- |",
    ]
    for name, field in Settings.model_fields.items():
        if not field.description:
            raise MissingDescriptionError(f"{name.upper()} has no description in bot/settings.py")
        description = " ".join(field.description.split()).replace("|", "\\|")
        rows.append(f"| `{name.upper()}` | {_default(field)} | {_value(field)} | {description} |")
    return "\n".join(rows) + "\n"


def with_table(document: str) -> str:
    """`document` with the text between the markers replaced by the current table."""
    head, begin, rest = document.partition(BEGIN + "\n")
    _, end, tail = rest.partition(END)
    if not begin or not end:
        raise ValueError(f"the document lacks the marker lines {BEGIN!r} and {END!r}")
    return f"{head}{BEGIN}\n{settings_table()}{END}{tail}"


def main(argv: list[str] | None = None) -> int:
    """Print the table, or write it into the document."""
    parser = argparse.ArgumentParser(prog="python -m bot.settings_table", description=__doc__)
    parser.add_argument("--write", action="store_true", help=f"replace the table in {DOCUMENT}")
    args = parser.parse_args(argv)
    try:
        table = settings_table()
        if args.write:
            DOCUMENT.write_text(with_table(DOCUMENT.read_text(encoding="utf-8")), encoding="utf-8")
            print(f"wrote the settings table into {DOCUMENT}")
            return 0
    except (MissingDescriptionError, ValueError, OSError) as error:
        print(error, file=sys.stderr)
        return 1
    sys.stdout.write(table)
    return 0


if __name__ == "__main__":
    sys.exit(main())
