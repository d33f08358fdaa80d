"""Read an annotation file's YAML strictly, fast, and with one plain line for any fault.

- libyaml's `CSafeLoader` where PyYAML was built with it (about ten times faster than
  the pure-Python loader); the pure-Python `SafeLoader` otherwise.
- No implicit timestamps: `2019-02-30` stays text and is checked where dates are
  checked, with the fact named, instead of PyYAML raising ValueError from deep inside.
- A mapping that names a key twice is refused: YAML would silently keep the last
  value, and a curator's second `speaker:` would replace the first unseen.
- Text that is not UTF-8 is refused with the offset of the first bad byte.
- Nesting deeper than `MAX_DEPTH` is refused before anything is built (no annotation
  needs more than a handful of levels, and deep nesting crashes libyaml's composer).
"""

from __future__ import annotations

import gc
import re
from collections.abc import Iterator
from contextlib import contextmanager
from typing import Any, ClassVar

import yaml
from yaml.constructor import ConstructorError
from yaml.events import CollectionEndEvent, CollectionStartEvent
from yaml.nodes import MappingNode

__all__ = [
    "LIBYAML",
    "MAX_DEPTH",
    "YamlFileError",
    "dump_yaml",
    "load_yaml",
    "no_cycle_collection",
]

LIBYAML: bool = bool(getattr(yaml, "__with_libyaml__", False))
MAX_DEPTH = 40
_TIMESTAMP = "tag:yaml.org,2002:timestamp"
_BRACKETS = re.compile(r"[\[\]{}]")
_INDENTS = re.compile(r"^[ -]+", re.MULTILINE)  # "- - - x" nests as deep as indentation

_Base: type[yaml.SafeLoader] = yaml.CSafeLoader if LIBYAML else yaml.SafeLoader  # type: ignore[assignment]


class YamlFileError(ValueError):
    """The file cannot be read as annotations; the message says where and why."""


class _StrictLoader(_Base):  # type: ignore[valid-type,misc]
    """The safe loader, without timestamps and without duplicate keys."""

    yaml_implicit_resolvers: ClassVar[dict[Any, list[tuple[str, Any]]]] = {
        first: [(tag, pattern) for tag, pattern in resolvers if tag != _TIMESTAMP]
        for first, resolvers in _Base.yaml_implicit_resolvers.items()
    }

    def construct_mapping(self, node: MappingNode, deep: bool = False) -> dict[Any, Any]:
        seen: dict[Any, int] = {}
        for key_node, _ in node.value:
            # Constructed once: the safe constructor below finds it among those built.
            key = self.construct_object(key_node, deep=True)
            try:
                first = seen.get(key)
            except TypeError:
                continue  # an unhashable key: the safe constructor reports it
            seen.setdefault(key, key_node.start_mark.line + 1)
            # Compared by presence, not by line: `{value: 1965, value: 1966}` is one line.
            if first is not None:
                raise ConstructorError(
                    None,
                    None,
                    f"key {key!r} appears twice in one mapping (first on line {first})",
                    key_node.start_mark,
                )
        result: dict[Any, Any] = super().construct_mapping(node, deep=deep)
        return result


def _could_nest_deeply(text: str) -> bool:
    """A cheap upper bound on nesting, from brackets (quoted ones count too) and
    indentation; when it stays within `MAX_DEPTH`, no exact count is needed."""
    brackets = depth = 0
    for match in _BRACKETS.finditer(text):
        depth += 1 if match.group() in "[{" else -1
        brackets = max(brackets, depth)
    indent = max((len(match.group()) for match in _INDENTS.finditer(text)), default=0)
    # A block collection may sit at its parent key's indentation: two levels per step.
    return brackets + 2 * (indent + 1) > MAX_DEPTH


def _check_depth(text: str) -> None:
    """Refuse nesting deeper than `MAX_DEPTH`, counted from parser events, before
    anything is composed: libyaml's composer recurses once per level, and a file
    nested 100,000 deep crashed the whole process (a segmentation fault, not an
    exception)."""
    if not _could_nest_deeply(text):
        return
    events = _StrictLoader(text)
    try:
        depth = 0
        while events.check_event():
            event = events.get_event()
            if isinstance(event, CollectionStartEvent):
                depth += 1
                if depth > MAX_DEPTH:
                    raise YamlFileError(
                        f"nested more than {MAX_DEPTH} levels deep (at {_line(event.start_mark)})"
                    )
            elif isinstance(event, CollectionEndEvent):
                depth -= 1
    finally:
        events.dispose()


@contextmanager
def no_cycle_collection() -> Iterator[None]:
    """Pause the cyclic garbage collector. Building a large document (or a store from
    it) makes millions of objects and no garbage cycles, and the collector would walk
    the growing heap again and again: 10,000 facts parsed in 2.6 s with it, 0.9 s
    without."""
    enabled = gc.isenabled()
    gc.disable()
    try:
        yield
    finally:
        if enabled:
            gc.enable()


def _line(mark: Any) -> str:
    return f"line {mark.line + 1}" if mark is not None else "an unknown line"


def load_yaml(data: bytes) -> Any:
    """The document in `data`; `YamlFileError` saying what is wrong and where."""
    try:
        text = data.decode("utf-8")
    except UnicodeDecodeError as error:
        raise YamlFileError(
            f"not UTF-8 text: byte 0x{data[error.start]:02x} at offset {error.start}"
        ) from None
    loader = _StrictLoader(text)
    try:
        _check_depth(text)
        with no_cycle_collection():
            return loader.get_single_data()
    except yaml.MarkedYAMLError as error:
        raise YamlFileError(
            f"not valid YAML at {_line(error.problem_mark)}: {error.problem}"
        ) from None
    except yaml.YAMLError as error:
        raise YamlFileError(f"not valid YAML: {error}") from None
    except RecursionError:  # nesting deep enough to exhaust the stack while parsing
        raise YamlFileError(f"nested more than {MAX_DEPTH} levels deep") from None
    finally:
        loader.dispose()


def dump_yaml(contents: object) -> str:
    """Annotations as YAML a curator can read: real characters, the given key order,
    lines of about 100 columns."""
    return yaml.safe_dump(contents, allow_unicode=True, sort_keys=False, width=100)
