"""Undoing a response's content codings (`Content-Encoding: gzip`, `deflate`) as its
bytes arrive, without ever holding more than the cap.

A compressed body is small on the wire and may be huge once inflated: a 3 KiB response
coded `gzip, gzip` inflates to gigabytes. So the layers are undone here a step at a
time (`zlib`'s `max_length`), each layer's output counted against the cap as it is
made, the next layer fed at most `STEP` bytes at once, and the body abandoned the
moment any layer passes the cap. At most `MAX_LAYERS` codings are undone; a body
coded more often than that is refused, since no server compresses a page three times.
"""

from __future__ import annotations

import zlib
from collections.abc import Iterator

__all__ = ["ACCEPTED", "MAX_LAYERS", "STEP", "CodingError", "Decoder", "TooLargeError"]

ACCEPTED = "gzip, deflate"  # what a fetch asks for (Accept-Encoding)
MAX_LAYERS = 2
STEP = 64 * 1024  # the most one layer hands the next at once
_IDENTITY = frozenset({"", "identity"})
_GZIP = frozenset({"gzip", "x-gzip"})


class CodingError(Exception):
    """A body in a coding that is not read, coded too often, or not decodable."""


class TooLargeError(Exception):
    """A layer of the body passed the cap."""


class _Inflater:
    """One layer of gzip or deflate, inflated at most `STEP` bytes at a time."""

    def __init__(self, coding: str) -> None:
        self._gzip = coding in _GZIP
        self._head = b""  # deflate: the first two bytes say zlib-wrapped or raw
        self._stream: zlib._Decompress | None = None
        if self._gzip:
            self._stream = zlib.decompressobj(16 + zlib.MAX_WBITS)

    def pieces(self, data: bytes) -> Iterator[bytes]:
        """What `data` inflates to, in pieces of at most `STEP` bytes."""
        if self._stream is None:
            self._head += data
            if len(self._head) < 2:
                return
            data, self._head = self._head, b""
            self._stream = zlib.decompressobj(_deflate_bits(data))
        stream = self._stream
        while data or not stream.eof:
            if stream.eof:
                if not self._gzip:
                    return  # bytes after a deflate stream's end: ignored, as browsers do
                stream = self._stream = zlib.decompressobj(16 + zlib.MAX_WBITS)  # next member
            piece = stream.decompress(data, STEP)
            data = stream.unused_data if stream.eof else stream.unconsumed_tail
            if piece:
                yield piece
            # A full piece may leave output pending inside zlib with no input left.
            if not data and len(piece) < STEP:
                return


def _deflate_bits(head: bytes) -> int:
    """`deflate` is meant to be zlib-wrapped, but some servers send raw deflate."""
    wrapped = head[0] & 0x0F == 8 and (head[0] * 256 + head[1]) % 31 == 0
    return zlib.MAX_WBITS if wrapped else -zlib.MAX_WBITS


class Decoder:
    """The body of a response with the codings `header` names, at most `limit` bytes
    in any layer. `feed` the raw bytes as they arrive; `body` is the decoded page."""

    def __init__(self, header: str, limit: int) -> None:
        codings = [part.strip().lower() for part in header.split(",")]
        codings = [coding for coding in codings if coding not in _IDENTITY]
        if len(codings) > MAX_LAYERS:
            raise CodingError(
                f"is coded {len(codings)} times over ({header}); at most {MAX_LAYERS} are read"
            )
        unread = [coding for coding in codings if coding not in _GZIP | {"deflate"}]
        if unread:
            raise CodingError(f"is sent in the {unread[0]} coding, which is not read")
        # The codings are listed in the order they were applied: undone last first.
        self._layers = [_Inflater(coding) for coding in reversed(codings)]
        self._made = [0] * len(self._layers)
        self._limit = limit
        self.body = bytearray()

    def feed(self, raw: bytes) -> None:
        """Decode the next bytes off the wire; `TooLargeError` once any layer passes
        the cap, `CodingError` for bytes that do not decode."""
        try:
            self._push(0, raw)
        except zlib.error as error:
            raise CodingError(f"does not decode as it says it is coded: {error}") from None

    def _push(self, layer: int, data: bytes) -> None:
        if layer == len(self._layers):
            self.body += data
            if len(self.body) > self._limit:
                raise TooLargeError
            return
        for piece in self._layers[layer].pieces(data):
            self._made[layer] += len(piece)
            if self._made[layer] > self._limit:
                raise TooLargeError
            self._push(layer + 1, piece)
