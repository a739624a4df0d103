"""Groth16 vectors of ``../shared/vectors/groth16`` (snarkjs 0.7.6 proofs on bn128 and
bls12381) beyond one-by-one verification: batches and key round trips.

Every case of MANIFEST.json, each rejection pinned to the error pqpay chose for it, runs in the
conformance runner (suites ``snarkjs: groth16/MANIFEST.json`` and its ambiguous cases, see
pqpay/conformance/_groth16.py).
"""

from __future__ import annotations

import pytest

from pqpay import groth16
from tests._support.vector_sources import groth16_cases

pytestmark = pytest.mark.vectors


@pytest.mark.parametrize("curve", ["bn128", "bls12381"])
def test_batch_over_vectors(curve: str) -> None:
    """Every proof that parses and has a well-formed statement under the curve's key goes into
    one verify_many call; the answers must be the manifest's."""
    cases, _ = groth16_cases()
    kinds = ("valid", "wrong_public", "swapped_pi_a", "negated_pi_a", "pi_a_infinity")
    mine = [c for c in cases if c["curve"] == curve and c["kind"] in kinds]
    vk_paths = {c["vkey"] for c in mine}
    assert len(vk_paths) == 1
    vk = groth16.VerifyingKey.from_snarkjs(vk_paths.pop())
    items = [
        (groth16.Proof.from_snarkjs(c["proof"]), groth16.public_inputs_from_snarkjs(c["public"]))
        for c in mine
    ]
    want = [c["expected"] for c in mine]
    assert True in want and False in want
    # Repeated so the valid ones also form chunks of several proofs on every core.
    assert groth16.verify_many(vk, items * 4) == want * 4
    assert vk.verify_many([i for i, w in zip(items, want, strict=True) if w] * 8) == [True] * (
        8 * want.count(True)
    )


def test_vkey_round_trips() -> None:
    """snarkjs key -> arkworks bytes (both modes) / our snarkjs JSON -> the same key."""
    cases, _ = groth16_cases()
    for c in cases:
        if c["kind"] != "valid":
            continue
        vk = groth16.VerifyingKey.from_snarkjs(c["vkey"])
        proof = groth16.Proof.from_snarkjs(c["proof"])
        public = groth16.public_inputs_from_snarkjs(c["public"])
        for compressed in (True, False):
            vk2 = groth16.VerifyingKey.from_bytes(vk.to_bytes(compressed), vk.curve)
            p2 = groth16.Proof.from_bytes(proof.to_bytes(compressed), proof.curve)
            assert p2 == proof
            groth16.verify(vk2, p2, public)
        vk3 = groth16.VerifyingKey.from_snarkjs(vk.to_snarkjs())
        assert vk3.to_bytes() == vk.to_bytes()
        groth16.verify(vk3, groth16.Proof.from_snarkjs(proof.to_snarkjs()), public)
