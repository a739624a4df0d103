"""pytest-benchmark: Ed25519 / Ed448, pqpay against pyca/cryptography in the same run.

Groups: ``<alg> sign`` and ``<alg> verify`` (one operation), and ``Ed25519 verify (64 per
call)``: pqpay's ``verify_many`` of 64 distinct signatures against pyca's single verify run 64
times; both means divided by 64 give the per-signature figures.

Run: ``pytest benches/test_bench_sig_eddsa.py --benchmark-only --benchmark-group-by=group``.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import pytest
from cryptography.hazmat.primitives.asymmetric import ed448 as pyca_ed448
from cryptography.hazmat.primitives.asymmetric import ed25519 as pyca_ed25519

from pqpay import signatures

MSG = b"m" * 100
BATCH = 64


def _pqpay(cls: Any) -> tuple[Callable[[], object], Callable[[], object]]:
    sk = cls.generate()
    pk = sk.public_key()
    sig = sk.sign(MSG)
    return (lambda: sk.sign(MSG)), (lambda: pk.verify(sig, MSG))


def _pyca(cls: Any) -> tuple[Callable[[], object], Callable[[], object]]:
    sk = cls.generate()
    pk = sk.public_key()
    sig = sk.sign(MSG)
    return (lambda: sk.sign(MSG)), (lambda: pk.verify(sig, MSG))


def _cases() -> list[Any]:
    out = []
    for alg, ours, theirs in (
        ("Ed25519", signatures.Ed25519PrivateKey, pyca_ed25519.Ed25519PrivateKey),
        ("Ed448", signatures.Ed448PrivateKey, pyca_ed448.Ed448PrivateKey),
    ):
        for impl, (sign, verify) in (("pqpay", _pqpay(ours)), ("pyca", _pyca(theirs))):
            out.append(pytest.param(f"{alg} sign", impl, sign, id=f"{alg}-sign-{impl}"))
            out.append(pytest.param(f"{alg} verify", impl, verify, id=f"{alg}-verify-{impl}"))
    return out


@pytest.mark.parametrize(("group", "impl", "fn"), _cases())
def test_eddsa(benchmark: Any, group: str, impl: str, fn: Callable[[], object]) -> None:
    benchmark.group = group
    benchmark.name = impl
    benchmark(fn)


def test_ed25519_verify_many_64(benchmark: Any) -> None:
    """pqpay verify_many of 64 distinct (key, message) Ed25519 items: one call, 64 signatures."""
    sks = [signatures.Ed25519PrivateKey.generate() for _ in range(BATCH)]
    items = [
        (sk.public_key(), sk.sign(MSG + bytes([i])), MSG + bytes([i])) for i, sk in enumerate(sks)
    ]
    benchmark.group = "Ed25519 verify (64 per call)"
    benchmark.name = "pqpay verify_many(64)"
    result = benchmark(signatures.verify_many, items)
    assert result == [True] * BATCH


def test_ed25519_pyca_verify_64(benchmark: Any) -> None:
    """pyca's single verify done 64 times: the per-signature bar for verify_many."""
    sks = [pyca_ed25519.Ed25519PrivateKey.generate() for _ in range(BATCH)]
    items = [
        (sk.public_key(), sk.sign(MSG + bytes([i])), MSG + bytes([i])) for i, sk in enumerate(sks)
    ]

    def run() -> None:
        for pk, sig, msg in items:
            pk.verify(sig, msg)

    benchmark.group = "Ed25519 verify (64 per call)"
    benchmark.name = "pyca verify x64"
    benchmark(run)
