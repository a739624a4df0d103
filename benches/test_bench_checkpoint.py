"""pytest-benchmark: signed checkpoints (pqpay.checkpoint) against the bare signature.

There is no other Python signed-note implementation to race, so the peer is the floor: pyca's
verification of the same signature over the same bytes (for ML-DSA-44, over the cosigned
message). The difference is what the note layer costs: parsing, key lookup, message building.

Groups: ``checkpoint verify Ed25519``, ``checkpoint verify ML-DSA-44 cosignature``,
``checkpoint sign Ed25519 + ML-DSA-44``.

Run: ``pytest benches/test_bench_checkpoint.py --benchmark-only --benchmark-group-by=group``.
"""

from __future__ import annotations

import hashlib
from collections.abc import Callable
from typing import Any

import pytest
from cryptography.hazmat.primitives.asymmetric import ed25519 as pyca_ed25519
from cryptography.hazmat.primitives.asymmetric import mldsa as pyca_mldsa

from pqpay import checkpoint as cp
from pqpay.signatures import Ed25519PrivateKey, MLDSA44PrivateKey

CHECKPOINT = cp.Checkpoint("example.com/log", 1_000_000, hashlib.sha256(b"root").digest())


def _cases() -> list[Any]:
    ed_raw = pyca_ed25519.Ed25519PrivateKey.generate()
    ed = Ed25519PrivateKey.from_private_bytes(ed_raw.private_bytes_raw())
    pq_seed = bytes(range(32))
    pq = MLDSA44PrivateKey.from_seed_bytes(pq_seed)
    pq_raw = pyca_mldsa.MLDSA44PrivateKey.from_seed_bytes(pq_seed)
    log = cp.Ed25519NoteSigner("example.com/log", ed)
    witness = cp.MLDSA44Cosigner("example.com/witness", pq, lambda: 1_700_000_000)
    note = cp.sign_checkpoint(CHECKPOINT, [log, witness])
    log_v, witness_v = [log.verifier()], [witness.verifier()]
    body = CHECKPOINT.body()
    _, (ed_sig, pq_sig) = cp.parse_note(note)
    message = cp.cosigned_message(
        witness.name, 1_700_000_000, CHECKPOINT.origin, 0, CHECKPOINT.size, CHECKPOINT.root
    )
    ed_pub, pq_pub = ed_raw.public_key(), pq_raw.public_key()
    cases: list[tuple[str, str, Callable[[], object]]] = [
        ("checkpoint verify Ed25519", "pqpay", lambda: cp.verify_checkpoint(note, log_v)),
        ("checkpoint verify Ed25519", "pyca bare", lambda: ed_pub.verify(ed_sig.signature, body)),
        (
            "checkpoint verify ML-DSA-44 cosignature",
            "pqpay",
            lambda: cp.verify_checkpoint(note, witness_v),
        ),
        (
            "checkpoint verify ML-DSA-44 cosignature",
            "pyca bare",
            lambda: pq_pub.verify(pq_sig.signature[8:], message),
        ),
        (
            "checkpoint sign Ed25519 + ML-DSA-44",
            "pqpay",
            lambda: cp.sign_checkpoint(CHECKPOINT, [log, witness]),
        ),
        (
            "checkpoint sign Ed25519 + ML-DSA-44",
            "pyca bare",
            lambda: (ed_raw.sign(body), pq_raw.sign(message)),
        ),
    ]
    return [pytest.param(g, i, f, id=f"{g}-{i}".replace(" ", "_")) for g, i, f in cases]


@pytest.mark.parametrize(("group", "impl", "fn"), _cases())
def test_checkpoint(benchmark: Any, group: str, impl: str, fn: Callable[[], object]) -> None:
    benchmark.group = group
    benchmark.name = impl
    benchmark(fn)
