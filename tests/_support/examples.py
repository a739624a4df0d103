"""The documentation examples the tests run: code blocks found by a pattern, each run as a
complete program in a fresh interpreter (tests/test_readme.py, tests/test_docs.py)."""

from __future__ import annotations

import os
import re
import subprocess
import sys
import textwrap
from pathlib import Path


def code_blocks(path: Path, pattern: re.Pattern[str]) -> list[tuple[int, str]]:
    """(line number, dedented source) of every match of ``pattern``'s first group in ``path``."""
    text = path.read_text(encoding="utf-8")
    return [
        (text.count("\n", 0, m.start()) + 1, textwrap.dedent(m.group(1)))
        for m in pattern.finditer(text)
    ]


def run_example(source: str, script: Path, cwd: Path) -> subprocess.CompletedProcess[str]:
    """Writes ``source`` to ``script`` and runs it with this interpreter and import path."""
    script.write_text(source, encoding="utf-8")
    env = dict(os.environ, PYTHONPATH=os.pathsep.join(p for p in sys.path if p))
    return subprocess.run(
        [sys.executable, str(script)],
        cwd=cwd,
        env=env,
        capture_output=True,
        text=True,
        timeout=300,
    )
