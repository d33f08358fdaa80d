"""Undoing a response's content codings (`Content-Encoding: gzip`, `deflate`) as its
bytes arrive, without ever holding more than the cap.

A compressed body is small on the wire and may be huge once inflated: a 3 KiB response
coded `gzip, gzip` inflates to gigabytes. So the layers are undone here a step at a
time (`zlib`'s `max_length`), each layer's output counted against the cap as it is
made, the next layer fed at most `STEP` bytes at once, and the body abandoned the
moment any layer passes the cap. At most `MAX_LAYERS` codings are undone; a body
coded more often than that is refused, since no server compresses a page three times.
Bytes after the end of a gzip member start another only if they begin as one does
(its magic, `\x1f\x8b`); anything else (a NUL, padding) is ignored, as browsers and
zcat ignore it. A stream that never reaches its end is a page cut off: refused by
`finish`, never taken for the whole page.
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
_GZIP_MAGIC = b"\x1f\x8b"


class CodingError(Exception):
    """A body in a coding that is not read, coded too often, or not decodable."""


class TooLargeError(Exception):
    """A layer of the body passed the cap."""


class _Inflater:
    """One layer of gzip or deflate, inflated at most `STEP` bytes at a time."""

    def __init__(self, coding: str) -> None:
        self._gzip = coding in _GZIP
        self._head = b""  # the first bytes of a stream, until they say what it is
        self._stream: zlib._Decompress | None = None
        self._done = False  # the last stream ended; what follows is ignored
        self._fed = False  # any bytes at all: an empty body is empty, not cut off

    def pieces(self, data: bytes) -> Iterator[bytes]:
        """What `data` inflates to, in pieces of at most `STEP` bytes."""
        self._fed = self._fed or bool(data)
        while data and not self._done:
            if self._stream is None or self._stream.eof:
                data = self._next_stream(data)
                if self._stream is None or self._stream.eof:
                    return  # the head is still short, or the body ended
            stream = self._stream
            piece = stream.decompress(data, STEP)
            data = stream.unused_data if stream.eof else stream.unconsumed_tail
            if piece:
                yield piece
            # A full piece may leave output pending inside zlib with no input left.
            while not data and len(piece) == STEP and not stream.eof:
                piece = stream.decompress(b"", STEP)
                data = stream.unused_data if stream.eof else stream.unconsumed_tail
                if piece:
                    yield piece

    def _next_stream(self, data: bytes) -> bytes:
        """Start the next stream once its first two bytes are in, and give back the
        bytes it is to read; a deflate stream is one, a gzip body one or more members."""
        self._head += data
        if len(self._head) < 2:
            return b""
        data, self._head = self._head, b""
        if self._stream is None and not self._gzip:
            self._stream = zlib.decompressobj(_deflate_bits(data))
        elif self._stream is None or (self._gzip and data.startswith(_GZIP_MAGIC)):
            self._stream = zlib.decompressobj(16 + zlib.MAX_WBITS)
        else:
            self._done = True  # trailing bytes that start no member: ignored
        return data

    def finish(self) -> None:
        """`CodingError` if bytes came but their stream never ended: the page was cut
        off on the way."""
        ended = self._done or (self._stream is not None and self._stream.eof)
        if self._fed and not ended:
            raise CodingError("was cut off: its compressed data stops before their end")


def _deflate_bits(head: bytes) -> int:
    """`deflate` is meant to be zlib-wrapped, but some servers send raw deflate."""
    wrapped = head[0] & 0x0F == 8 and (head[0] * 256 + head[1]) % 31 == 0
    return zlib.MAX_WBITS if wrapped else -zlib.MAX_WBITS


class Decoder:
    """The body of a response with the codings `header` names, at most `limit` bytes
    in any layer. `feed` the raw bytes as they arrive, then `finish`; `body` is the
    decoded page."""

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

    def finish(self) -> None:
        """Once the last bytes are fed: `CodingError` if any layer was cut off."""
        for layer in self._layers:
            layer.finish()
