"""Render query results into replies through the Jinja2 templates in `templates/`.

Templates hold the wording; this module only wires them up. Every answer template
defines three blocks, `title`, `body` and `footer`, rendered separately into a
`Reply`. The environment is strict: an undefined variable is an error, never a blank.
Values pass through `escape` on output, so a front end that speaks Markdown can
escape every value without the templates having to remember to.
"""

from __future__ import annotations

import logging
from collections.abc import Callable
from pathlib import Path
from typing import Any

from jinja2 import Environment, FileSystemLoader, StrictUndefined, Template
from pydantic import BaseModel

from briefings.errors import shown
from briefings.replies import PAGE_BREAK, CitationIndex, Reply, ReplyKind, source_groups
from briefings.resources import templates_dir

__all__ = [
    "DEFAULT_SET",
    "TEMPLATES_DIR",
    "Renderer",
    "counted",
    "reply_lines",
    "spell_number",
]

log = logging.getLogger(__name__)

TEMPLATES_DIR = templates_dir()
DEFAULT_SET = "default"


class _Raw(str):
    """Text produced by the templates' own helpers (citation markers): never escaped."""

    __slots__ = ()


def _identity(text: str) -> str:
    return text


_NUMBER_WORDS = [
    "zero",
    "one",
    "two",
    "three",
    "four",
    "five",
    "six",
    "seven",
    "eight",
    "nine",
    "ten",
    "eleven",
    "twelve",
    "thirteen",
    "fourteen",
    "fifteen",
    "sixteen",
    "seventeen",
    "eighteen",
    "nineteen",
    "twenty",
]


def spell_number(number: int) -> str:
    """Small numbers in words ("seven"), larger ones in digits ("125")."""
    return _NUMBER_WORDS[number] if 0 <= number < len(_NUMBER_WORDS) else str(number)


def counted(count: int, plural: str) -> str:
    """`1 role`, `2 roles`, `1 discrepancy`: a count with its noun, from the plural."""
    if count != 1:
        return f"{count} {plural}"
    singular = plural[:-3] + "y" if plural.endswith("ies") else plural.removesuffix("s")
    return f"{count} {singular}"


def reply_lines(body: str) -> list[str]:
    """Split a rendered body into lines: no trailing spaces, no runs of blank lines."""
    lines: list[str] = []
    for raw in body.splitlines():
        line = raw.rstrip()
        if line or (lines and lines[-1]):
            lines.append(line)
    while lines and not lines[-1]:
        lines.pop()
    return lines


class Renderer:
    """Renders answers (and plain-text replies) from one template folder."""

    def __init__(
        self,
        templates_dir: Path = TEMPLATES_DIR,
        escape: Callable[[str], str] = _identity,
    ) -> None:
        self._escape = escape
        self.env = Environment(
            loader=FileSystemLoader(templates_dir),
            undefined=StrictUndefined,
            trim_blocks=True,
            lstrip_blocks=True,
            autoescape=False,  # Discord speaks Markdown, not HTML: `escape` does that job
            keep_trailing_newline=False,
            finalize=self._finalize,
            # Templates are loaded once per renderer: Jinja's default checks a template
            # file's time each time it is fetched, a system call per answer for nothing
            # in production. A new Renderer (a restart) reads edited templates.
            auto_reload=False,
        )
        self.env.filters["spell"] = spell_number
        self.env.filters["counted"] = counted
        self.env.filters["shown"] = shown  # typed text, cut short before it is echoed

    def _finalize(self, value: Any) -> Any:
        if isinstance(value, _Raw):
            return value
        if isinstance(value, str):
            return self._escape(value)
        return value

    def reply(self, kind: ReplyKind, result: BaseModel | None = None, **extra: Any) -> Reply:
        """Render `templates/answers/<kind>.j2` with the result's fields and `extra`."""
        return self._blocks(self.env.get_template(f"answers/{kind}.j2"), kind, result, extra)

    def notice(self, name: str, **variables: Any) -> Reply:
        """Render `templates/notices/<name>.j2`: replies about the bot's own state."""
        return self._blocks(self.env.get_template(f"notices/{name}.j2"), "notice", None, variables)

    def briefing(
        self, digest: BaseModel, template_set: str = DEFAULT_SET, late_minutes: int = 0
    ) -> Reply:
        """Render a day's digest with the named template set, falling back to the default.

        `late_minutes` above 0 adds the note that the post is late.
        """
        names = [f"briefings/{template_set}/digest.j2", f"briefings/{DEFAULT_SET}/digest.j2"]
        template = self.env.select_template(names)
        return self._blocks(template, "briefing", digest, {"late_minutes": late_minutes})

    def development(self, development: BaseModel, template_set: str = DEFAULT_SET) -> Reply:
        """Render a "New on record" post with the named template set, falling back to
        the default."""
        names = [
            f"briefings/{template_set}/development.j2",
            f"briefings/{DEFAULT_SET}/development.j2",
        ]
        template = self.env.select_template(names)
        return self._blocks(template, "briefing", development, {})

    def template_sets(self) -> list[str]:
        """The names of the briefing template sets on disk."""
        return sorted(
            name.split("/")[1]
            for name in self.env.list_templates()
            if name.startswith("briefings/") and name.endswith("/digest.j2")
        )

    def _blocks(
        self,
        template: Template,
        kind: ReplyKind,
        result: BaseModel | None,
        extra: dict[str, Any],
    ) -> Reply:
        citations = CitationIndex()
        variables: dict[str, Any] = {}
        if result is not None:
            model = type(result)
            names = [*model.model_fields, *model.model_computed_fields]
            variables.update({name: getattr(result, name) for name in names})
        variables.update(extra)
        variables["cite"] = lambda items: _Raw(citations.cite(list(items)))
        variables["page_break"] = _Raw(PAGE_BREAK)
        context = template.new_context(variables)

        def block(name: str) -> str:
            return "".join(template.blocks[name](context))

        title = block("title").strip()
        lines = reply_lines(block("body"))
        footer = block("footer").strip()
        return Reply(
            kind=kind, title=title, lines=lines, citations=citations.ordered, footer=footer
        )

    def fragment(self, name: str, **variables: Any) -> str:
        """Render a small template (such as one citation) to a string."""
        return self.env.get_template(name).render(**variables).strip()

    def text(self, reply: Reply) -> str:
        """The whole reply as plain text, every line and every citation."""
        template = self.env.get_template("text/reply.txt.j2")
        groups = source_groups(reply.citations)
        return template.render(reply=reply, groups=groups, page_break=PAGE_BREAK).rstrip() + "\n"
