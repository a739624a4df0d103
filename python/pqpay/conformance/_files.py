"""Reading vector files: the ``cryptography-vectors`` package, folders, ``.gz``, and the NIST
``.rsp`` / RFC text formats."""

from __future__ import annotations

import gzip
import io
import json
from collections.abc import Iterable, Iterator
from pathlib import Path
from typing import IO, Any

from pqpay.conformance._core import SourceMissing

_PACKAGE: Any
try:  # optional: the PyPI package of pyca/cryptography's test vectors
    import cryptography_vectors

    _PACKAGE = cryptography_vectors
except ImportError:  # pragma: no cover - depends on the environment
    _PACKAGE = None

CRYPTOGRAPHY_VECTORS = "cryptography-vectors"


def cryptography_vectors_available() -> bool:
    """True when the ``cryptography-vectors`` package is installed."""
    return _PACKAGE is not None


def cryptography_vectors_version() -> str | None:
    """The installed ``cryptography-vectors`` version (``"unknown"`` if it has none); None when
    the package is not installed."""
    if _PACKAGE is None:
        return None
    return str(getattr(_PACKAGE, "__version__", "unknown"))


def open_cryptography_vector(relpath: str, mode: str = "r") -> IO[Any]:
    """Opens a file of the ``cryptography-vectors`` package; :class:`SourceMissing` if absent."""
    if _PACKAGE is None:
        raise SourceMissing("the cryptography-vectors package")
    try:
        opened: IO[Any] = _PACKAGE.open_vector_file(relpath, mode)
        return opened
    except FileNotFoundError:
        raise SourceMissing(f"cryptography-vectors file {relpath}") from None


def cryptography_bytes(relpath: str) -> bytes:
    with open_cryptography_vector(relpath, "rb") as f:
        data: bytes = f.read()
    return data


def load_cryptography_json(relpath: str) -> Any:
    with open_cryptography_vector(relpath) as f:
        return json.load(f)


def open_text(path: Path) -> IO[str]:
    """Opens a vector file as text, decompressing ``.gz``; :class:`SourceMissing` if absent."""
    if not path.is_file():
        raise SourceMissing(f"vector file {path}")
    if path.suffix == ".gz":
        return io.TextIOWrapper(gzip.open(path, "rb"), encoding="utf-8")
    return path.open(encoding="utf-8")


def load_json(path: Path) -> Any:
    """Parses a ``.json`` or ``.json.gz`` file."""
    with open_text(path) as f:
        return json.load(f)


def parse_rsp(lines: Iterable[str]) -> Iterator[dict[str, str]]:
    """NIST-style ``key = value`` records; a record starts at each ``count = N`` line.

    Blank lines, ``#`` comments and ``[...]`` headers are ignored, as are lines before the first
    ``count`` (file-level parameters).
    """
    record: dict[str, str] | None = None
    for raw in lines:
        line = raw.strip()
        if not line or line.startswith("#") or line.startswith("["):
            continue
        key, sep, value = line.partition("=")
        if not sep:
            raise ValueError(f"malformed .rsp line: {line!r}")
        key, value = key.strip(), value.strip()
        if key == "count":
            if record is not None:
                yield record
            record = {}
        if record is not None:
            if key in record:
                raise ValueError(f"duplicate key {key!r} in record count={record.get('count')}")
            record[key] = value
    if record is not None:
        yield record


def parse_blocks(lines: Iterable[str]) -> Iterator[dict[str, str]]:
    """Blank-line separated ``KEY = value`` blocks (the RFC 7748 / 8032 files)."""
    block: dict[str, str] = {}
    for raw in lines:
        line = raw.strip()
        if line.startswith("#"):
            continue
        if not line:
            if block:
                yield block
                block = {}
            continue
        key, sep, value = line.partition("=")
        if not sep:
            raise ValueError(f"malformed line: {line!r}")
        block[key.strip()] = value.strip()
    if block:
        yield block
