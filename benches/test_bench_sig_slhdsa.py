"""pytest-benchmark: pqpay's SLH-DSA against the PyPI ``pqcrypto`` package, in the same run.

Run: ``pytest benches/test_bench_sig_slhdsa.py --benchmark-only --benchmark-group-by=group``.
"""

from __future__ import annotations

from typing import Any

import pytest

from pqpay import signatures

ALGS = {
    "SLH-DSA-SHA2-128f": (signatures.SLHDSASHA2_128fPrivateKey, "slh_dsa_sha2_128f"),
    "SLH-DSA-SHAKE-128f": (signatures.SLHDSASHAKE_128fPrivateKey, "slh_dsa_shake_128f"),
}
MSG = b"payment authorization" * 4


def _cases() -> list[Any]:
    out = []
    for name, (cls, pq_name) in ALGS.items():
        sk = cls.generate()
        pk = sk.public_key()
        sig = sk.sign(MSG)
        out.append(pytest.param(name, "pqpay", lambda sk=sk: sk.sign(MSG), "sign"))
        out.append(
            pytest.param(name, "pqpay", lambda pk=pk, sig=sig: pk.verify(sig, MSG), "verify")
        )
        try:
            import importlib

            pq = importlib.import_module(f"pqcrypto.sign.{pq_name}")
        except ImportError:
            continue
        pq_pk, pq_sk = pq.keygen()
        pq_sig = pq.sign(pq_sk, MSG)
        out.append(pytest.param(name, "pqcrypto", lambda pq=pq, s=pq_sk: pq.sign(s, MSG), "sign"))
        out.append(
            pytest.param(
                name,
                "pqcrypto",
                lambda pq=pq, p=pq_pk, s=pq_sig: pq.verify(p, MSG, s),
                "verify",
            )
        )
    return out


@pytest.mark.parametrize(("alg", "impl", "fn", "op"), _cases())
def test_slhdsa(benchmark: Any, alg: str, impl: str, fn: Any, op: str) -> None:
    benchmark.group = f"{alg} {op}"
    benchmark.name = impl
    benchmark(fn)
