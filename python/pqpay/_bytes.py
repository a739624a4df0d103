"""Bytes-like argument checking shared by every module (foundation layer)."""

from __future__ import annotations

from typing import Any


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
