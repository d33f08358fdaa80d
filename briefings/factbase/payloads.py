"""Facts to JSON and back, for the `payload` column: the annotation as curated, whole."""

from __future__ import annotations

from typing import Any, TypeVar

from pydantic import TypeAdapter

__all__ = ["decode", "encode"]

Fact = TypeVar("Fact")


_ADAPTERS: dict[type[Any], TypeAdapter[Any]] = {}


def _adapter(kind: type[Any]) -> TypeAdapter[Any]:
    adapter = _ADAPTERS.get(kind)
    if adapter is None:
        adapter = _ADAPTERS[kind] = TypeAdapter(kind)
    return adapter


def encode(fact: object) -> str:
    """The fact as JSON (defaults left out: most facts leave most fields unset)."""
    return _adapter(type(fact)).dump_json(fact, exclude_defaults=True).decode()


def decode(kind: type[Fact], payload: str) -> Fact:
    """A fact of `kind` from its JSON; it was checked before it was stored."""
    fact: Fact = _adapter(kind).validate_json(payload)
    return fact
