"""Every ```python block of README.md is a complete program: each one runs here, on its own, in a
fresh interpreter from the repository root, so the examples cannot rot."""

from __future__ import annotations

import os
import re
import subprocess
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[1]
BLOCK = re.compile(r"^```python\n(.*?)^```", re.S | re.M)


def readme_examples() -> list[tuple[int, str]]:
    text = (ROOT / "README.md").read_text(encoding="utf-8")
    return [(text.count("\n", 0, m.start()) + 1, m.group(1)) for m in BLOCK.finditer(text)]


def test_the_readme_has_examples() -> None:
    assert len(readme_examples()) >= 10


@pytest.mark.parametrize(
    ("line", "source"),
    [pytest.param(line, source, id=f"line{line}") for line, source in readme_examples()],
)
def test_readme_example_runs(line: int, source: str, tmp_path: Path) -> None:
    script = tmp_path / f"readme_line{line}.py"
    script.write_text(source, encoding="utf-8")
    env = dict(os.environ, PYTHONPATH=os.pathsep.join(p for p in sys.path if p))
    done = subprocess.run(
        [sys.executable, str(script)],
        cwd=ROOT,
        env=env,
        capture_output=True,
        text=True,
        timeout=300,
    )
    assert done.returncode == 0, f"README.md line {line}:\n{done.stderr[-3000:]}"
