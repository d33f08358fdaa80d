"""Turn a `Reply` into Discord embeds that respect every limit, paging long answers.

Discord rejects an embed over its limits, so each page is packed to fit: title 256,
description 4,096, 25 fields of 1,024, footer 2,048 and 6,000 characters in all.
Lines too long for a page are split between words, with "…" marking the cut; a page
lists only the citations its own lines refer to, each article once under a letter.
"""

from __future__ import annotations

import re
from collections.abc import Callable
from dataclasses import dataclass, field

import discord

from briefings.replies import PAGE_BREAK, Reply, ReplyKind, source_groups
from briefings.store import Citation

__all__ = ["Limits", "build_pages", "shorten", "split_line"]

CITATION_MARK = re.compile(r"\[(\d+)\]")
CUT = "…"
COLOURS: dict[ReplyKind, discord.Colour] = {
    "status": discord.Colour.blurple(),
    "history": discord.Colour.blurple(),
    "timeline": discord.Colour.teal(),
    "quotes": discord.Colour.gold(),
    "who": discord.Colour.green(),
    "sources": discord.Colour.greyple(),
    "help": discord.Colour.light_grey(),
    "not-found": discord.Colour.orange(),
    "usage": discord.Colour.orange(),
    "briefing": discord.Colour.dark_blue(),
    "notice": discord.Colour.dark_grey(),
}


class Limits:
    """Discord's documented limits, and the budgets this module packs to."""

    CONTENT = 2000
    TITLE = 256
    DESCRIPTION = 4096
    FIELDS = 25
    FIELD_NAME = 256
    FIELD_VALUE = 1024
    FOOTER = 2048
    EMBED_TOTAL = 6000
    # Packing budgets: a page's text stays readable and leaves room for its citations.
    PAGE_TEXT = 2800
    LINE = 900
    EXCERPT = 220


def shorten(text: str, limit: int) -> str:
    """`text` cut to `limit` characters between words, marked with "…" when cut."""
    if len(text) <= limit:
        return text
    cut = text[: limit - len(CUT)]
    space = cut.rfind(" ")
    if space > limit // 2:
        cut = cut[:space]
    return cut.rstrip() + CUT


def split_line(line: str, limit: int) -> list[str]:
    """Split a long line into pieces of at most `limit`, between words, marking each cut."""
    pieces: list[str] = []
    rest = line
    while len(rest) > limit:
        budget = limit - len(CUT) - 1
        space = rest.rfind(" ", 0, budget)
        cut = space if space > budget // 2 else budget
        pieces.append(rest[:cut].rstrip() + " " + CUT)
        rest = CUT + " " + rest[cut:].lstrip()
    pieces.append(rest)
    return pieces


@dataclass
class _Page:
    lines: list[str] = field(default_factory=list)
    cited: dict[int, str] = field(default_factory=dict)  # number -> its line and excerpt
    sources: dict[str, str] = field(default_factory=dict)  # letter -> the article, once

    @property
    def text(self) -> str:
        return "\n".join(self.lines).strip("\n")

    def size(self) -> int:
        cited = sum(len(c) for c in self.cited.values())
        return len(self.text) + cited + sum(len(s) for s in self.sources.values())


@dataclass(frozen=True)
class _Sources:
    """How a reply's citations are shown: each article once under a letter, each
    citation as its number, its lines and its excerpt."""

    letters: dict[int, str]  # citation number -> its article's letter
    citation: Callable[[int], str]
    source: Callable[[str], str]

    def new(self, page: _Page, numbers: list[int]) -> tuple[dict[int, str], dict[str, str]]:
        """The citations and article headings `numbers` would add to `page`."""
        cited = {n: self.citation(n) for n in numbers if n not in page.cited and n in self.letters}
        letters = {self.letters[n] for n in cited} - set(page.sources)
        return cited, {letter: self.source(letter) for letter in letters}


def _pack(lines: list[str], sources: _Sources, overhead: int) -> list[_Page]:
    pages = [_Page()]
    for line in lines:
        if line == PAGE_BREAK:  # the answer's own page end: its details come next
            if pages[-1].lines:
                pages.append(_Page())
            continue
        page = pages[-1]
        numbers = [int(n) for n in CITATION_MARK.findall(line)]
        cited, headings = sources.new(page, numbers)
        added = len(line) + sum(map(len, cited.values())) + sum(map(len, headings.values()))
        grown = len(page.text) + len(line) + 1 > Limits.PAGE_TEXT
        too_big = page.size() + added + overhead > Limits.EMBED_TOTAL - 200
        too_many = len(page.sources) + len(headings) > Limits.FIELDS - 1
        if page.lines and (grown or too_big or too_many):
            page = _Page()
            pages.append(page)
            cited, headings = sources.new(page, numbers)
        if not page.lines and not line.strip():
            continue  # no page starts with a blank line
        page.lines.append(line)
        page.cited.update(cited)
        page.sources.update(headings)
    return [page for page in pages if page.lines] or [_Page(lines=["(no content)"])]


def _citation_fields(page: _Page, letters: dict[int, str]) -> list[tuple[str, str]]:
    """One block per article (its heading, then its citations), packed into fields."""
    blocks = []
    for letter in sorted(page.sources):
        numbers = sorted(n for n in page.cited if letters[n] == letter)
        lines = [page.sources[letter], *(page.cited[n] for n in numbers)]
        blocks.append(shorten("\n".join(lines), Limits.FIELD_VALUE))
    fields: list[tuple[str, str]] = []
    current = ""
    for block in blocks:
        if current and len(current) + 1 + len(block) > Limits.FIELD_VALUE:
            fields.append(("Sources" if not fields else "Sources (continued)", current))
            current = ""
        current = f"{current}\n{block}" if current else block
    if current:
        fields.append(("Sources" if not fields else "Sources (continued)", current))
    return fields[: Limits.FIELDS]


def build_pages(
    reply: Reply,
    render_citation: Callable[[int, Citation], str],
    render_source: Callable[[str, Citation], str],
) -> list[discord.Embed]:
    """The reply as one embed per page, each within Discord's limits.

    Sources are compact: each article once, under a letter in order of first citation
    ("[A] …, 2019-08-23"), and under it each citation as its number, lines and excerpt.
    """
    title = shorten(reply.title, Limits.TITLE)
    lines = [piece for line in reply.lines for piece in split_line(line, Limits.LINE)]
    footer_room = Limits.FOOTER - len(" · page 999/999")
    footer = shorten(reply.footer, footer_room)
    groups = source_groups(reply.citations)
    letters = {number: group.label for group in groups for number in group.numbers}
    first = {group.label: group.first for group in groups}
    sources = _Sources(
        letters,
        lambda number: render_citation(number, reply.citations[number - 1]),
        lambda letter: render_source(letter, first[letter]),
    )
    pages = _pack(lines, sources, overhead=len(title) + len(footer) + 40)
    embeds = []
    for index, page in enumerate(pages, start=1):
        embed = discord.Embed(
            title=title,
            description=shorten(page.text, Limits.DESCRIPTION),
            colour=COLOURS.get(reply.kind, discord.Colour.default()),
        )
        for name, value in _citation_fields(page, letters):
            embed.add_field(name=name, value=value, inline=False)
        marker = f" · page {index}/{len(pages)}" if len(pages) > 1 else ""
        if footer or marker:
            embed.set_footer(text=(footer + marker).lstrip(" ·"))
        embeds.append(embed)
    return embeds
