"""Bytes-like argument checking shared by every module, and the text form of a digest
(foundation layer)."""

from __future__ import annotations

import re
from typing import Any, Final

#: 64 hex digits, either case: a SHA-256 / HMAC-SHA256 digest as text.
HEX64: Final = re.compile(r"[0-9a-fA-F]{64}")
#: 64 lower-case hex digits: the canonical form pqpay writes and signs (request signing).
HEX64_LOWER: Final = re.compile(r"[0-9a-f]{64}")


def as_bytes(data: Any, name: str) -> bytes:
    """Returns ``data`` as bytes; accepts bytes, bytearray and memoryview, else TypeError."""
    if type(data) is bytes:
        return data
    if isinstance(data, (bytes, bytearray, memoryview)):
        return bytes(data)
    raise TypeError(f"{name} must be bytes-like, not {type(data).__name__}")


def context_bytes(context: Any) -> bytes:
    """A signature context: bytes-like, or None for the empty context (pyca's convention)."""
    return b"" if context is None else as_bytes(context, "context")
