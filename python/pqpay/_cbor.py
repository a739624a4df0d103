"""The small CBOR subset pqpay's COSE code needs (RFC 8949), shared by COSE_Key and COSE_Sign1.

Encoding is deterministic (RFC 8949 §4.2.1: shortest heads, definite lengths, map keys sorted
by the bytewise order of their encodings). Decoding is strict: definite lengths only, shortest
heads, no duplicate map labels, labels that are integers or text strings, valid UTF-8, bounded
nesting. Tags and floats are never accepted; ``null``, ``true`` and ``false`` only when the
caller asks (COSE_Sign1 carries a ``nil`` detached payload, COSE_Key never does).
"""

from __future__ import annotations

from typing import Any

from pqpay.exceptions import EncodingError

CborValue = int | bytes | str | list[Any] | dict[Any, Any] | bool | None
MAX_DEPTH = 8

_SIMPLE = {20: False, 21: True, 22: None}


def head(major: int, value: int) -> bytes:
    """The shortest head of a major type with its argument."""
    if value < 24:
        return bytes([major << 5 | value])
    for info, size in ((24, 1), (25, 2), (26, 4), (27, 8)):
        if value < 1 << (8 * size):
            return bytes([major << 5 | info]) + value.to_bytes(size, "big")
    raise ValueError("CBOR integer too large")


def encode(value: CborValue) -> bytes:
    """Deterministic CBOR of integers, byte/text strings, arrays, maps and ``None`` (null).

    Booleans are refused: nothing pqpay encodes carries one, and ``True == 1`` in Python
    would silently turn into an integer.
    """
    if value is None:
        return b"\xf6"
    if isinstance(value, bool):
        raise TypeError("booleans are not part of this CBOR subset")
    if isinstance(value, int):
        return head(0, value) if value >= 0 else head(1, -1 - value)
    if isinstance(value, bytes):
        return head(2, len(value)) + value
    if isinstance(value, str):
        data = value.encode("utf-8")
        return head(3, len(data)) + data
    if isinstance(value, list):
        return head(4, len(value)) + b"".join(encode(v) for v in value)
    if isinstance(value, dict):
        # RFC 8949 §4.2.1: keys sorted by the bytewise order of their encodings.
        items = sorted((encode(k), encode(v)) for k, v in value.items())
        return head(5, len(items)) + b"".join(k + v for k, v in items)
    raise TypeError(f"cannot CBOR-encode {type(value).__name__}")


class Decoder:
    """Reads items from ``data``; ``where`` names the structure in error messages."""

    def __init__(self, data: bytes, where: str, *, allow_simple: bool = False) -> None:
        self.data = data
        self.pos = 0
        self.where = where
        self.allow_simple = allow_simple

    def take(self, n: int, what: str) -> bytes:
        if n > len(self.data) - self.pos:
            raise EncodingError(
                f"CBOR truncated: {what} needs {n} bytes, {len(self.data) - self.pos} remain"
            )
        out = self.data[self.pos : self.pos + n]
        self.pos += n
        return out

    def _argument(self, info: int) -> int:
        if info < 24:
            return info
        if info > 27:
            raise EncodingError(
                f"CBOR additional information {info} (indefinite length or reserved) is not "
                "allowed; expected a definite length"
            )
        size = 1 << (info - 24)
        value = int.from_bytes(self.take(size, "an integer argument"), "big")
        if value < (24 if size == 1 else 1 << (4 * size)):
            raise EncodingError("CBOR integer is not in its shortest form (deterministic CBOR)")
        return value

    def item(self, depth: int = 0) -> CborValue:
        if depth > MAX_DEPTH:
            raise EncodingError(f"CBOR nesting deeper than {MAX_DEPTH} levels")
        initial = self.take(1, "an item head")[0]
        major, info = initial >> 5, initial & 0x1F
        if major == 7 and self.allow_simple and info in _SIMPLE:
            return _SIMPLE[info]
        if major in (6, 7):
            kind = "tag" if major == 6 else "float/simple value"
            allowed = "integer, byte string, text string, array or map"
            if self.allow_simple:
                allowed += ", null, true or false"
            raise EncodingError(
                f"CBOR {kind} (byte 0x{initial:02x}) is not allowed in {self.where} here; "
                f"expected an {allowed}"
            )
        arg = self._argument(info)
        if major == 0:
            return arg
        if major == 1:
            return -1 - arg
        if major == 2:
            return self.take(arg, "a byte string")
        if major == 3:
            try:
                return self.take(arg, "a text string").decode("utf-8")
            except UnicodeDecodeError:
                raise EncodingError("CBOR text string is not valid UTF-8") from None
        if major == 4:
            if arg > len(self.data) - self.pos:
                raise EncodingError(f"CBOR truncated: array of {arg} items")
            return [self.item(depth + 1) for _ in range(arg)]
        if arg > len(self.data) - self.pos:
            raise EncodingError(f"CBOR truncated: map of {arg} pairs")
        out: dict[Any, Any] = {}
        for _ in range(arg):
            label = self.item(depth + 1)
            if not isinstance(label, (int, str)) or isinstance(label, bool):
                raise EncodingError("CBOR map label must be an integer or a text string")
            if label in out:
                raise EncodingError(f"CBOR map has the label {label!r} twice")
            out[label] = self.item(depth + 1)
        return out

    def finish(self) -> None:
        if self.pos != len(self.data):
            raise EncodingError(
                f"{len(self.data) - self.pos} trailing byte(s) after the CBOR item in "
                f"{self.where}; expected nothing"
            )


def decode(data: bytes, where: str, *, allow_simple: bool = False) -> CborValue:
    """Decodes exactly one item filling ``data``."""
    decoder = Decoder(data, where, allow_simple=allow_simple)
    value = decoder.item()
    decoder.finish()
    return value
