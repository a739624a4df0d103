"""pytest-benchmark: MLDSA65-Ed25519 signing through pqpay.hsm handles, SoftHSM2 against software
keys, with the in-memory composite key as the floor.

Group "hsm composite sign": one signature per call from a SoftHSM2 handle (token Ed25519 sign +
token AES-GCM seed unseal + host ML-DSA-65 keygen and sign), a software-backend handle (same
path, in memory) and a plain ``MLDSA65Ed25519PrivateKey``. Group "hsm ed25519 sign": the token's
Ed25519 alone against the software backend's. ``test_hsm_throughput`` prints messages per second
with 1 and 4 threads (the token calls are serialized; the ML-DSA work overlaps) and the ratios;
it asserts nothing about speed.

Run: ``pytest benches/test_bench_hsm.py --benchmark-only --benchmark-group-by=group``
(needs SoftHSM2 and python-pkcs11; see tests/_support/hsm_util.py).
"""

from __future__ import annotations

import time
from collections.abc import Callable
from concurrent.futures import ThreadPoolExecutor
from typing import Any

import pytest
from tests._support import hsm_util

from pqpay import signatures
from pqpay.hsm import Algorithm, KeyStore, SigningHandle

MESSAGE = b'{"amount":"12.34","currency":"EUR","merchant":"0042","order":"4242"}'
CONTEXT = b"gateway-v1"


def _signers() -> dict[str, dict[str, Callable[[bytes], bytes]]]:
    out: dict[str, dict[str, Callable[[bytes], bytes]]] = {}
    for kind in ("softhsm", "software"):
        store: KeyStore = hsm_util.make_store(kind)
        comp = store.create(f"bench-{kind}-{time.time_ns()}", Algorithm.MLDSA65_ED25519)
        ed = store.create(f"bench-ed-{kind}-{time.time_ns()}", Algorithm.ED25519)
        assert isinstance(comp, SigningHandle) and isinstance(ed, SigningHandle)
        comp.public_key().verify(comp.sign(MESSAGE, CONTEXT), MESSAGE, CONTEXT)
        out[kind] = {
            "composite": lambda m, h=comp: h.sign(m, CONTEXT),
            "ed25519": lambda m, h=ed: h.sign(m),
        }
    mem = signatures.MLDSA65Ed25519PrivateKey.generate()
    out["in-memory key"] = {"composite": lambda m: mem.sign(m, CONTEXT)}
    return out


@pytest.fixture(scope="module")
def signers() -> dict[str, dict[str, Callable[[bytes], bytes]]]:
    return _signers()


@pytest.mark.parametrize("impl", ["softhsm", "software", "in-memory key"])
def test_composite_sign(
    benchmark: Any, signers: dict[str, dict[str, Callable[[bytes], bytes]]], impl: str
) -> None:
    benchmark.group = "hsm composite sign"
    benchmark.name = f"MLDSA65-Ed25519 {impl}"
    benchmark(signers[impl]["composite"], MESSAGE)


@pytest.mark.parametrize("impl", ["softhsm", "software"])
def test_ed25519_sign(
    benchmark: Any, signers: dict[str, dict[str, Callable[[bytes], bytes]]], impl: str
) -> None:
    benchmark.group = "hsm ed25519 sign"
    benchmark.name = f"Ed25519 {impl}"
    benchmark(signers[impl]["ed25519"], MESSAGE)


def _messages_per_second(sign: Callable[[bytes], bytes], threads: int, n: int = 400) -> float:
    msgs = [MESSAGE + b"%d" % i for i in range(n)]
    best = 0.0
    for _ in range(3):
        start = time.perf_counter()
        if threads == 1:
            for m in msgs:
                sign(m)
        else:
            with ThreadPoolExecutor(max_workers=threads) as pool:
                list(pool.map(sign, msgs))
        best = max(best, n / (time.perf_counter() - start))
    return best


def test_hsm_throughput(
    signers: dict[str, dict[str, Callable[[bytes], bytes]]], capsys: pytest.CaptureFixture[str]
) -> None:
    rates = {
        (impl, threads): _messages_per_second(ops["composite"], threads)
        for impl, ops in signers.items()
        for threads in (1, 4)
    }
    lines = ["MLDSA65-Ed25519 signing throughput (messages/s, best of 3 x 400):"]
    for threads in (1, 4):
        row = {impl: rates[(impl, threads)] for impl in signers}
        lines.append(
            f"  {threads} thread(s): "
            + ", ".join(f"{impl} {rate:,.0f}" for impl, rate in row.items())
            + f"; softhsm/software {row['softhsm'] / row['software']:.2f}"
            + f", software/in-memory {row['software'] / row['in-memory key']:.2f}"
        )
    assert all(r > 0 for r in rates.values())
    with capsys.disabled():
        print("\n" + "\n".join(lines))
