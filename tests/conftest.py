"""Shared fixtures, the hypothesis profile, and the vector "ran / passed" table."""

from __future__ import annotations

from pathlib import Path

import pytest
from hypothesis import HealthCheck, settings

import vectors

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
    return vectors.shared_vectors_dir()


def pytest_terminal_summary(terminalreporter: pytest.TerminalReporter) -> None:
    """At session end: one line per vector source, "ran / passed"."""
    lines = vectors.format_counts()
    if not lines:
        return
    terminalreporter.write_sep("=", "test vectors: ran / passed per source")
    for line in lines:
        terminalreporter.write_line(line)
