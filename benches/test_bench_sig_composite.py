"""pytest-benchmark: composite MLDSA65-Ed25519 against its components, pqpay's and pyca's.

Each group ("MLDSA65-Ed25519 sign" / "verify") holds the composite and each component over the
same M' (ML-DSA-65 with the label as context, Ed25519 without), from pqpay and from
pyca/cryptography. The target is a composite time at most the best ML-DSA-65 time plus the best
Ed25519 time of the same run; ``test_composite_against_best_components`` prints that comparison
(best of several timed loops; it asserts nothing about speed).

Run: ``pytest benches/test_bench_sig_composite.py --benchmark-only --benchmark-group-by=group``.
"""

from __future__ import annotations

import hashlib
import timeit
from collections.abc import Callable
from typing import Any

import pytest
from cryptography.hazmat.primitives.asymmetric import ed25519 as pyca_ed25519
from cryptography.hazmat.primitives.asymmetric import mldsa as pyca_mldsa

from pqpay import signatures

MESSAGE = b"payment 4242: EUR 12.34 to merchant 0042" * 3
LABEL = b"COMPSIG-MLDSA65-Ed25519-SHA512"
M_PRIME = b"CompositeAlgorithmSignatures2025" + LABEL + b"\x00" + hashlib.sha512(MESSAGE).digest()


def _ops() -> dict[str, dict[str, Callable[[], object]]]:
    """impl name -> {"sign": fn, "verify": fn}."""
    comp = signatures.MLDSA65Ed25519PrivateKey.generate()
    comp_pk, comp_sig = comp.public_key(), comp.sign(MESSAGE)
    ml = signatures.MLDSA65PrivateKey.generate()
    ml_pk, ml_sig = ml.public_key(), ml.sign(M_PRIME, context=LABEL)
    ed = signatures.Ed25519PrivateKey.generate()
    ed_pk, ed_sig = ed.public_key(), ed.sign(M_PRIME)
    pml = pyca_mldsa.MLDSA65PrivateKey.generate()
    pml_pk, pml_sig = pml.public_key(), pml.sign(M_PRIME, LABEL)
    ped = pyca_ed25519.Ed25519PrivateKey.generate()
    ped_pk, ped_sig = ped.public_key(), ped.sign(M_PRIME)
    return {
        "pqpay composite": {
            "sign": lambda: comp.sign(MESSAGE),
            "verify": lambda: comp_pk.verify(comp_sig, MESSAGE),
        },
        "ML-DSA-65 pqpay": {
            "sign": lambda: ml.sign(M_PRIME, context=LABEL),
            "verify": lambda: ml_pk.verify(ml_sig, M_PRIME, context=LABEL),
        },
        "ML-DSA-65 pyca": {
            "sign": lambda: pml.sign(M_PRIME, LABEL),
            "verify": lambda: pml_pk.verify(pml_sig, M_PRIME, LABEL),
        },
        "Ed25519 pqpay": {
            "sign": lambda: ed.sign(M_PRIME),
            "verify": lambda: ed_pk.verify(ed_sig, M_PRIME),
        },
        "Ed25519 pyca": {
            "sign": lambda: ped.sign(M_PRIME),
            "verify": lambda: ped_pk.verify(ped_sig, M_PRIME),
        },
    }


IMPLS = [
    "pqpay composite",
    "ML-DSA-65 pqpay",
    "ML-DSA-65 pyca",
    "Ed25519 pqpay",
    "Ed25519 pyca",
]


@pytest.fixture(scope="module")
def ops() -> dict[str, dict[str, Callable[[], object]]]:
    return _ops()


@pytest.mark.parametrize("op", ["sign", "verify"])
@pytest.mark.parametrize("impl", IMPLS)
def test_composite_bench(
    benchmark: Any, ops: dict[str, dict[str, Callable[[], object]]], impl: str, op: str
) -> None:
    benchmark.group = f"MLDSA65-Ed25519 {op}"
    benchmark.name = impl
    benchmark(ops[impl][op])


def _best_us(fn: Callable[[], object], number: int = 200, repeat: int = 5) -> float:
    return min(timeit.repeat(fn, number=number, repeat=repeat)) / number * 1e6


def test_composite_against_best_components(
    ops: dict[str, dict[str, Callable[[], object]]], capsys: pytest.CaptureFixture[str]
) -> None:
    lines = []
    for op in ("sign", "verify"):
        t = {impl: _best_us(ops[impl][op]) for impl in IMPLS}
        best_ml = min(t["ML-DSA-65 pqpay"], t["ML-DSA-65 pyca"])
        best_ed = min(t["Ed25519 pqpay"], t["Ed25519 pyca"])
        lines.append(
            f"MLDSA65-Ed25519 {op}: composite {t['pqpay composite']:.1f} us, best ML-DSA-65 "
            f"{best_ml:.1f} + best Ed25519 {best_ed:.1f} = {best_ml + best_ed:.1f} us "
            f"(ratio {t['pqpay composite'] / (best_ml + best_ed):.2f})"
        )
        assert all(v > 0 for v in t.values())
    with capsys.disabled():
        print("\n" + "\n".join(lines))
