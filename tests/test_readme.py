"""Every ```python block of README.md is a complete program: each one runs here, on its own, in a
fresh interpreter from the repository root, so the examples cannot rot."""

from __future__ import annotations

import os
import re
import subprocess
import sys
from pathlib import Path

import pytest

from tests._support.examples import code_blocks, run_example

ROOT = Path(__file__).resolve().parents[1]
BLOCK = re.compile(r"^```python\n(.*?)^```", re.S | re.M)


def readme_examples() -> list[tuple[int, str]]:
    return code_blocks(ROOT / "README.md", BLOCK)


def test_the_readme_has_examples() -> None:
    assert len(readme_examples()) >= 10


@pytest.mark.parametrize(
    ("line", "source"),
    [pytest.param(line, source, id=f"line{line}") for line, source in readme_examples()],
)
def test_readme_example_runs(line: int, source: str, tmp_path: Path) -> None:
    done = run_example(source, tmp_path / f"readme_line{line}.py", cwd=ROOT)
    assert done.returncode == 0, f"README.md line {line}:\n{done.stderr[-3000:]}"


SHELL_BLOCK = re.compile(r"^<!-- test_readme: shell -->\n```sh\n(.*?)^```", re.S | re.M)


def readme_shell_script() -> str:
    """The README's marked ```sh blocks (keys, key sets, receipts), in order, as one script."""
    text = (ROOT / "README.md").read_text(encoding="utf-8")
    return "\n".join(m.group(1) for m in SHELL_BLOCK.finditer(text))


def test_readme_receipt_example_runs_with_generated_encrypted_keys(tmp_path: Path) -> None:
    """The Done-when of issue 13: from nothing, the README's shell blocks make encrypted keys
    with ``pqpay key generate --encrypt`` (and a key set), issue receipts and verify them; the
    ``pqpay`` command is ``python -m pqpay`` of this tree."""
    script = readme_shell_script()
    assert "pqpay key generate" in script and "--encrypt" in script
    assert "pqpay receipt verify" in script and "pqpay keyset create" in script
    bin_dir = tmp_path / "bin"
    bin_dir.mkdir()
    shim = bin_dir / "pqpay"
    shim.write_text(f'#!/bin/sh\nexec "{sys.executable}" -m pqpay "$@"\n', encoding="utf-8")
    shim.chmod(0o755)
    work = tmp_path / "work"
    work.mkdir()
    (work / "example.sh").write_text(script, encoding="utf-8")
    env = {
        "PATH": f"{bin_dir}{os.pathsep}{os.environ.get('PATH', '')}",
        "PYTHONPATH": os.pathsep.join(p for p in sys.path if p),
        "HOME": str(tmp_path),
    }
    done = subprocess.run(
        ["bash", "-euo", "pipefail", "example.sh"],
        cwd=work,
        env=env,
        capture_output=True,
        text=True,
        timeout=600,
        stdin=subprocess.DEVNULL,
    )
    assert done.returncode == 0, f"{done.stdout[-2000:]}\n{done.stderr[-3000:]}"
    verdicts = [line for line in done.stdout.splitlines() if line.startswith(("OK:", "FAILED:"))]
    assert len(verdicts) == 2 and all(v.startswith("OK: ") for v in verdicts), done.stdout
    for name in ("pay.pem", "log-ed25519.pem", "log-mldsa44.pem", "pay.keyset.json"):
        data = (work / name).read_bytes()
        assert b"ENCRYPTED PRIVATE KEY" in data and (work / name).stat().st_mode & 0o077 == 0
