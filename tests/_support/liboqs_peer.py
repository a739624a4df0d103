"""The one place tests load liboqs-python (the ``oqs`` module) as a cross-check oracle.

``oqs`` is imported only when ``OQS_INSTALL_PATH`` names a folder holding ``lib/liboqs.so``
(``.ci/run`` and ``make test`` point it at ``../shared/peers/liboqs-0.16.0``): without a built
liboqs, importing it tries to download and build one. When liboqs is missing the test is
skipped, or fails when vectors are required (``CI=true``), like a missing vector source.
"""

from __future__ import annotations

import contextlib
import io
import os
from pathlib import Path
from types import ModuleType

import pytest

from tests._support import vector_sources as vectors

INSTALL_ENV = "OQS_INSTALL_PATH"


def liboqs() -> ModuleType:
    """The ``oqs`` module over the built liboqs; skips (or fails under CI) when it is missing."""
    configured = os.environ.get(INSTALL_ENV, "")
    if not configured or not (Path(configured) / "lib" / "liboqs.so").is_file():
        what = f"{INSTALL_ENV}={configured!r} (no lib/liboqs.so there)" if configured else ""
        reason = what or f"{INSTALL_ENV} is not set"
        if vectors.vectors_required():
            pytest.fail(f"liboqs is required (CI=true) but missing: {reason}", pytrace=False)
        pytest.skip(f"liboqs cross-check not run: {reason}")
    try:
        # liboqs-python logs a line to stdout when imported; keep it out of the test output.
        with contextlib.redirect_stdout(io.StringIO()):
            import oqs
    except ImportError as exc:
        if vectors.vectors_required():
            pytest.fail(f"liboqs-python is required (CI=true): {exc}", pytrace=False)
        pytest.skip(f"liboqs-python is not installed: {exc}")
    return oqs
