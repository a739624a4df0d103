"""Shared fixtures, the hypothesis profile, and the vector "ran / passed" table."""

from __future__ import annotations

import json
import os
from pathlib import Path

import pytest
from hypothesis import HealthCheck, settings

from tests._support import vector_sources

settings.register_profile(
    "pqpay",
    deadline=None,
    max_examples=50,
    suppress_health_check=[HealthCheck.too_slow],
)
settings.load_profile("pqpay")


@pytest.fixture(scope="session")
def shared_vectors() -> Path:
    """The shared vector directory (skips, or fails under CI, when it is missing)."""
    return vector_sources.shared_vectors_dir()


def pytest_sessionfinish(session: pytest.Session, exitstatus: int) -> None:
    """Records the vector counts as JSON when ``PQPAY_VECTOR_COUNTS_JSON`` names a file."""
    target = os.environ.get("PQPAY_VECTOR_COUNTS_JSON")
    if target and vector_sources.COUNTS:
        counts = {k: {"ran": c.ran, "passed": c.passed} for k, c in vector_sources.COUNTS.items()}
        Path(target).write_text(json.dumps(counts, indent=2, sort_keys=True) + "\n")


def pytest_terminal_summary(terminalreporter: pytest.TerminalReporter) -> None:
    """At session end: one line per vector source, "ran / passed"."""
    lines = vector_sources.format_counts()
    if not lines:
        return
    terminalreporter.write_sep("=", "test vectors: ran / passed per source")
    for line in lines:
        terminalreporter.write_line(line)
