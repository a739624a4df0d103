"""Regenerates this directory: a Groth16 "payment under a limit" proof (private amount 12999,
public limit 50000 and order 424242) made with arkworks' prover on BN254 (``bn128/``) and
BLS12-381 (``bls12381/``), as snarkjs JSON and arkworks compressed bytes.

The Rust example ``rust/core/examples/groth16_vectors.rs`` does the work (arkworks is a
dev-dependency); it verifies the proof with pqpay before writing it. Seeds are fixed, so a rerun
with the same arkworks and rand versions writes the same files.

Run from the repository root: ``python vectors/groth16/generate.py``.
"""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

HERE = Path(__file__).resolve().parent


def main() -> int:
    cmd = ["cargo", "run", "-q", "-p", "pqpay-core", "--example", "groth16_vectors", "--"]
    return subprocess.call([*cmd, str(HERE)], cwd=HERE.parent.parent)


if __name__ == "__main__":
    sys.exit(main())
