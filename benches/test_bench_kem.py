"""pytest-benchmark: pqpay against pyca/cryptography (and liboqs when built) in the same run.

Run: ``make bench`` or ``pytest benches --benchmark-only --benchmark-group-by=group``; each
group's table shows every implementation with its ratio to the fastest.
"""

from __future__ import annotations

from typing import Any

import pytest

from benches import peers
from pqpay import kem

ALGS = {
    "ML-KEM-512": kem.MLKEM512PrivateKey,
    "ML-KEM-768": kem.MLKEM768PrivateKey,
    "ML-KEM-1024": kem.MLKEM1024PrivateKey,
    "X-Wing": kem.XWingPrivateKey,
    "X25519MLKEM768": kem.X25519MLKEM768PrivateKey,
}


def _cases() -> list[Any]:
    out = []
    for name, cls in ALGS.items():
        impls: list[tuple[str, peers.KemOps | None]] = [("pqpay", peers.pqpay_ops(cls))]
        impls.append(("pyca", peers.pyca_ops(name)))
        impls.append(("liboqs", peers.oqs_ops(name)))
        if name == "X-Wing":
            impls.append(("pyca ML-KEM-768 + X25519", peers.pyca_mlkem768_plus_x25519()))
        for impl, ops in impls:
            if ops is None:
                continue
            for op in ("keygen", "encaps", "decaps"):
                out.append(pytest.param(name, impl, getattr(ops, op), op, id=f"{name}-{op}-{impl}"))
    return out


@pytest.mark.parametrize(("alg", "impl", "fn", "op"), _cases())
def test_kem(benchmark: Any, alg: str, impl: str, fn: Any, op: str) -> None:
    benchmark.group = f"{alg} {op}"
    benchmark.name = impl
    benchmark(fn)
