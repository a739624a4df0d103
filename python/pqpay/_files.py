"""Writing a file so that it is either absent (or its old self) or complete (foundation layer):
key files and key sets are written through :func:`write_atomically`."""

from __future__ import annotations

import os
import tempfile
from pathlib import Path

__all__ = ["write_atomically"]


def write_atomically(path: str | os.PathLike[str], data: bytes, mode: int, *, force: bool) -> None:
    """Writes ``data`` to ``path`` via a temporary file in the same directory, fsync and a
    rename, so the file is either absent/old or complete; ``mode`` is set before any byte is
    written (0600 for secrets).

    :raises FileExistsError: ``path`` exists and ``force`` is false.
    """
    target = Path(path)
    if target.exists() and not force:
        raise FileExistsError(f"{os.fspath(path)} exists; pass --force to replace it")
    fd, tmp = tempfile.mkstemp(dir=target.parent, prefix=f".{target.name}.", suffix=".tmp")
    try:
        os.fchmod(fd, mode)
        with os.fdopen(fd, "wb") as out:
            out.write(data)
            out.flush()
            os.fsync(out.fileno())
        os.replace(tmp, target)
    except BaseException:
        Path(tmp).unlink(missing_ok=True)
        raise
