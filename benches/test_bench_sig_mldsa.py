"""pytest-benchmark: ML-DSA in pqpay against pyca/cryptography (and liboqs when built).

Run: ``pytest benches/test_bench_sig_mldsa.py --benchmark-only --benchmark-group-by=group``.
liboqs-python is only imported when ``OQS_INSTALL_PATH`` names a built liboqs (see peers.py).
"""

from __future__ import annotations

import os
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

import pytest
from cryptography.hazmat.primitives.asymmetric import mldsa as pyca_mldsa

from pqpay import signatures

MSG = b"x" * 64
LEVELS = ("44", "65", "87")


@dataclass(frozen=True)
class SigOps:
    """Zero-argument callables for one implementation of one signature scheme."""

    keygen: Callable[[], object]
    sign: Callable[[], object]
    verify: Callable[[], object]


def pqpay_ops(level: str) -> SigOps:
    cls = getattr(signatures, f"MLDSA{level}PrivateKey")
    sk = cls.generate()
    pk = sk.public_key()
    sig = sk.sign(MSG)
    return SigOps(cls.generate, lambda: sk.sign(MSG), lambda: pk.verify(sig, MSG))


def pyca_ops(level: str) -> SigOps:
    cls = getattr(pyca_mldsa, f"MLDSA{level}PrivateKey")
    sk = cls.generate()
    pk = sk.public_key()
    sig = sk.sign(MSG)
    return SigOps(cls.generate, lambda: sk.sign(MSG), lambda: pk.verify(sig, MSG))


def oqs_ops(level: str) -> SigOps | None:
    if not os.environ.get("OQS_INSTALL_PATH"):
        return None
    import oqs  # type: ignore[import-not-found]  # only with a built liboqs

    name = f"ML-DSA-{level}"
    signer = oqs.Signature(name)
    pk = signer.generate_keypair()
    sig = signer.sign(MSG)
    verifier = oqs.Signature(name)
    return SigOps(
        lambda: oqs.Signature(name).generate_keypair(),
        lambda: signer.sign(MSG),
        lambda: verifier.verify(MSG, sig, pk),
    )


def _cases() -> list[Any]:
    out = []
    for level in LEVELS:
        impls = [("pqpay", pqpay_ops(level)), ("pyca", pyca_ops(level)), ("liboqs", oqs_ops(level))]
        for impl, ops in impls:
            if ops is None:
                continue
            for op in ("keygen", "sign", "verify"):
                out.append(
                    pytest.param(
                        f"ML-DSA-{level}",
                        impl,
                        getattr(ops, op),
                        op,
                        id=f"ML-DSA-{level}-{op}-{impl}",
                    )
                )
    return out


@pytest.mark.parametrize(("alg", "impl", "fn", "op"), _cases())
def test_mldsa(benchmark: Any, alg: str, impl: str, fn: Any, op: str) -> None:
    benchmark.group = f"{alg} {op}"
    benchmark.name = impl
    benchmark(fn)
