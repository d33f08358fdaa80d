"""The seed documents, byte for byte, and where an excerpt stands in them."""

from __future__ import annotations

import bisect
import hashlib
import re
from array import array
from collections.abc import Iterable
from dataclasses import dataclass, field
from pathlib import Path

from briefings.errors import Problem

__all__ = ["MANIFEST_NAME", "SeedText", "load_seeds"]

MANIFEST_NAME = "MANIFEST.sha256"


@dataclass(frozen=True)
class SeedText:
    """One seed file's text, with line lookups. Lines are numbered from 1, as in an editor."""

    name: str
    text: str
    sha256: str
    # Offsets as a compact array: a page of 100,000 lines costs 800 kB, not 3.6 MB.
    _line_starts: array[int] = field(repr=False, compare=False, default_factory=lambda: array("q"))

    @classmethod
    def from_bytes(cls, name: str, data: bytes) -> SeedText:
        """Decode a seed and index its line starts."""
        text = data.decode("utf-8")
        starts = array("q", [0])
        position = text.find("\n")
        while position != -1:
            starts.append(position + 1)
            position = text.find("\n", position + 1)
        return cls(name, text, hashlib.sha256(data).hexdigest(), starts)

    @property
    def line_count(self) -> int:
        """Number of lines (a final newline does not start a new one)."""
        count = len(self._line_starts)
        return count - 1 if self.text.endswith("\n") else count

    def line(self, number: int) -> str:
        """The text of line `number`, without its newline."""
        start = self._line_starts[number - 1]
        end = self.text.find("\n", start)
        return self.text[start:] if end == -1 else self.text[start:end]

    def line_at(self, offset: int) -> int:
        """The line number holding character `offset`."""
        return bisect.bisect_right(self._line_starts, offset)

    def occurrences(self, excerpt: str) -> list[tuple[int, int]]:
        """Every (first line, last line) where `excerpt` stands verbatim."""
        return self.spans_of(excerpt, self._starts(excerpt, 0, len(self.text)))

    def occurrences_of_all(self, excerpts: Iterable[str]) -> dict[str, list[tuple[int, int]]]:
        """`occurrences` of many excerpts at once, in time linear in the page and the
        excerpts rather than their product.

        Each excerpt is looked for only around the lines holding its rarest whole word
        (a word inside it, not at either end, where it may be cut); the words are
        indexed in one pass over the page, and only the words the excerpts need. An
        excerpt with no whole word inside it is looked for in the whole page.
        """
        found = self.starts_of_all(excerpts)
        return {excerpt: self.spans_of(excerpt, starts) for excerpt, starts in found.items()}

    def starts_of_all(self, excerpts: Iterable[str]) -> dict[str, list[int]]:
        """Where each excerpt starts, every time (character offsets, in order); found
        as `occurrences_of_all` says."""
        wanted = {excerpt: _inner_words(excerpt) for excerpt in set(excerpts)}
        needed = {word for words in wanted.values() for word in words}
        lines: dict[str, list[int]] = {word: [] for word in needed}
        for number in range(1, self.line_count + 1):
            for word in set(_WORD.findall(self.line(number))) & needed:
                lines[word].append(number)
        found: dict[str, list[int]] = {}
        for excerpt, words in wanted.items():
            if not words:
                found[excerpt] = self._starts(excerpt, 0, len(self.text))
                continue
            anchor_lines = min((lines[word] for word in words), key=len)
            starts: set[int] = set()
            for number in anchor_lines:
                # The excerpt holds the anchor, so it starts at most its own length
                # before that line and ends at most its length after it.
                low = max(0, self._line_starts[number - 1] - len(excerpt))
                high = self._line_end(number) + len(excerpt)
                starts.update(self._starts(excerpt, low, high))
            found[excerpt] = sorted(starts)
        return found

    def _line_end(self, number: int) -> int:
        end = self.text.find("\n", self._line_starts[number - 1])
        return len(self.text) if end == -1 else end

    def _starts(self, excerpt: str, low: int, high: int) -> list[int]:
        starts = []
        start = self.text.find(excerpt, low, high)
        while start != -1:
            starts.append(start)
            start = self.text.find(excerpt, start + 1, high)
        return starts

    def spans_of(self, excerpt: str, starts: Iterable[int]) -> list[tuple[int, int]]:
        """(first line, last line) of `excerpt` at each of its starts."""
        return [(self.line_at(start), self.line_at(start + len(excerpt) - 1)) for start in starts]


_WORD = re.compile(r"\w+")


def _inner_words(excerpt: str) -> list[str]:
    """The whole words of an excerpt: all but a first or last one the excerpt may cut."""
    matches = list(_WORD.finditer(excerpt))
    return [match.group() for match in matches if match.start() > 0 and match.end() < len(excerpt)]


def _read_manifest(seeds_dir: Path) -> tuple[dict[str, str], list[Problem]]:
    manifest = seeds_dir / MANIFEST_NAME
    if not manifest.is_file():
        return {}, [Problem(str(manifest), None, "the seed manifest is missing")]
    expected: dict[str, str] = {}
    problems: list[Problem] = []
    for number, raw in enumerate(manifest.read_text(encoding="utf-8").splitlines(), start=1):
        if not raw.strip():
            continue
        digest, _, name = raw.partition("  ")
        if len(digest) != 64 or not name:
            problems.append(Problem(MANIFEST_NAME, None, f"line {number} is not 'SHA256  NAME'"))
            continue
        expected[name.strip()] = digest
    return expected, problems


def load_seeds(seeds_dir: Path) -> tuple[dict[str, SeedText], list[Problem]]:
    """Read every seed named in the manifest and check its sha256."""
    expected, problems = _read_manifest(seeds_dir)
    seeds: dict[str, SeedText] = {}
    for name, digest in sorted(expected.items()):
        path = seeds_dir / name
        if not path.is_file():
            problems.append(Problem(name, None, "listed in the manifest but missing"))
            continue
        seed = SeedText.from_bytes(name, path.read_bytes())
        if seed.sha256 != digest:
            problems.append(
                Problem(name, None, f"sha256 is {seed.sha256}, the manifest says {digest}")
            )
        seeds[name] = seed
    for path in sorted(seeds_dir.glob("*.txt")):
        if path.name not in expected:
            problems.append(Problem(path.name, None, "seed file not listed in the manifest"))
    return seeds, problems
