"""Groth16 vectors of ``../shared/vectors/groth16`` (snarkjs 0.7.6 proofs on bn128 and
bls12381, valid and mutated): every case of MANIFEST.json, one by one and in a batch.

Each rejection is pinned to the error we chose for it, not just "some error":

* not verifying (wrong public signal, swapped or negated pi_a, pi_a at infinity): InvalidProof;
* a proof point off the curve or outside the prime-order subgroup: EncodingError (at parse);
* a public signal >= r (``value + r`` or ``r`` itself): ValueError, never reduced mod r;
* more public signals than the key's nPublic, or a key of the other curve: ValueError.

Ambiguous cases (``ambiguous_cases``: pi_a.x written as x + p, which snarkjs reduces mod p):
pqpay is strict and refuses them with EncodingError ("coordinate is not below the ... base
field modulus"); the README says so.
"""

from __future__ import annotations

from typing import Any

import pytest

from pqpay import groth16
from pqpay.exceptions import EncodingError, InvalidProof
from tests._support.vector_sources import GROTH16_MANIFEST, Tally, groth16_cases, source_name

pytestmark = pytest.mark.vectors

# kind -> the exception class pqpay must raise (None: must verify). Exact class, not a subclass.
EXPECTED: dict[str, type[Exception] | None] = {
    "valid": None,
    "wrong_public": InvalidProof,
    "swapped_pi_a": InvalidProof,
    "negated_pi_a": InvalidProof,
    "pi_a_infinity": InvalidProof,
    "off_curve_pi_a": EncodingError,
    "off_curve_pi_b": EncodingError,
    "off_curve_pi_c": EncodingError,
    "pi_a_not_in_subgroup": EncodingError,
    "pi_b_not_in_subgroup": EncodingError,
    "public_ge_r": ValueError,
    "public_eq_r": ValueError,
    "extra_public_signal": ValueError,
    "cross_curve_vkey": ValueError,
    # ambiguous: the strict choice.
    "noncanonical_coordinate": EncodingError,
}


def run_case(case: dict[str, Any]) -> type[Exception] | None:
    """Reads and verifies one case; the exception class raised, or None when it verified."""
    try:
        vk = groth16.VerifyingKey.from_snarkjs(case["vkey"])
        proof = groth16.Proof.from_snarkjs(case["proof"])
        public = groth16.public_inputs_from_snarkjs(case["public"])
        groth16.verify(vk, proof, public)
    except (InvalidProof, ValueError) as exc:
        return type(exc)
    return None


def check(case: dict[str, Any]) -> None:
    kind = case["kind"]
    assert kind in EXPECTED, f"unknown case kind {kind!r}: decide the expected error"
    want = EXPECTED[kind]
    if case.get("expected") is True:
        assert want is None
    elif case.get("expected") is False:
        assert want is not None
    got = run_case(case)
    assert got is want, f"{kind}: expected {want and want.__name__}, got {got and got.__name__}"


def test_manifest_cases() -> None:
    cases, _ = groth16_cases()
    tally = Tally(source_name("shared", GROTH16_MANIFEST))
    for case in cases:
        with tally.case(case["id"]):
            check(case)
    tally.finish(expected=31)


def test_ambiguous_cases_are_refused() -> None:
    _, ambiguous = groth16_cases()
    tally = Tally(source_name("shared", GROTH16_MANIFEST + " (ambiguous)"))
    for case in ambiguous:
        with tally.case(case["id"]):
            assert case["expected"] is None
            check(case)
            with pytest.raises(EncodingError, match=r"not below the .* base field modulus"):
                groth16.Proof.from_snarkjs(case["proof"])
    tally.finish(expected=2)


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
