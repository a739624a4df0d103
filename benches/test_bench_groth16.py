"""pytest-benchmark: Groth16 verification, pqpay against its peers in the same run.

Groups:

* ``Groth16 BN254 verify``: pqpay ``verify`` (snarkjs proof, 2 public inputs, key prepared
  once) against py_ecc's 4-pair BN254 pairing check (pure Python, 3 rounds only);
* ``Groth16 BLS12-381 verify``: pqpay ``verify`` against py-arkworks-bls12381's 4-pair
  ``GT.pairing_check`` on the same proof's points (points decoded beforehand: only the check);
* ``Groth16 <curve> verify (64 per call)``: pqpay ``verify_many`` of 64 proofs against pqpay's
  single ``verify`` done 64 times; both means divided by 64 give the per-proof figures. The 64
  items repeat one proof (nothing is cached per proof: each item costs the same as a distinct
  one).

Proofs: the project's own ``vectors/groth16`` (arkworks prover, circuit with 2 public inputs).

Run: ``pytest benches/test_bench_groth16.py --benchmark-only --benchmark-group-by=group``.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest

from pqpay import groth16

OWN = Path(__file__).resolve().parent.parent / "vectors" / "groth16"
BATCH = 64


def _load(sub: str) -> tuple[groth16.VerifyingKey, groth16.Proof, list[int]]:
    d = OWN / sub
    return (
        groth16.VerifyingKey.from_snarkjs(d / "verification_key.json"),
        groth16.Proof.from_snarkjs(d / "proof.json"),
        groth16.public_inputs_from_snarkjs(d / "public.json"),
    )


@pytest.mark.parametrize(
    ("sub", "group"),
    [("bn128", "Groth16 BN254 verify"), ("bls12381", "Groth16 BLS12-381 verify")],
)
def test_pqpay_verify(benchmark: Any, sub: str, group: str) -> None:
    vk, proof, public = _load(sub)
    benchmark.group = group
    benchmark.name = "pqpay verify"
    benchmark(groth16.verify, vk, proof, public)


@pytest.mark.parametrize("sub", ["bn128", "bls12381"])
def test_pqpay_verify_many_64(benchmark: Any, sub: str) -> None:
    vk, proof, public = _load(sub)
    items = [(proof, public)] * BATCH
    benchmark.group = f"Groth16 {vk.curve.value} verify (64 per call)"
    benchmark.name = "pqpay verify_many(64)"
    result = benchmark(groth16.verify_many, vk, items)
    assert result == [True] * BATCH


@pytest.mark.parametrize("sub", ["bn128", "bls12381"])
def test_pqpay_verify_x64(benchmark: Any, sub: str) -> None:
    vk, proof, public = _load(sub)

    def run() -> None:
        for _ in range(BATCH):
            groth16.verify(vk, proof, public)

    benchmark.group = f"Groth16 {vk.curve.value} verify (64 per call)"
    benchmark.name = "pqpay verify x64"
    benchmark(run)


def _ark_points(vk: groth16.VerifyingKey, proof: groth16.Proof, public: list[int]) -> Any:
    ark = pytest.importorskip("py_arkworks_bls12381")

    def g1(p: list[str]) -> Any:
        return ark.G1Point.from_xy_bytes_be(b"".join(int(c).to_bytes(48, "big") for c in p[:2]))

    def g2(p: list[list[str]]) -> Any:
        coords = [p[0][0], p[0][1], p[1][0], p[1][1]]
        return ark.G2Point.from_xy_bytes_be(b"".join(int(c).to_bytes(48, "big") for c in coords))

    k, pr = vk.to_snarkjs(), proof.to_snarkjs()
    ic = [g1(p) for p in k["IC"]]
    acc = ic[0]
    for x, point in zip(public, ic[1:], strict=True):
        acc = acc + point * ark.Scalar(x)
    g1s = [g1(pr["pi_a"]), -g1(k["vk_alpha_1"]), -acc, -g1(pr["pi_c"])]
    g2s = [g2(pr["pi_b"]), g2(k["vk_beta_2"]), g2(k["vk_gamma_2"]), g2(k["vk_delta_2"])]
    return ark, g1s, g2s


def test_py_arkworks_pairing_check_4(benchmark: Any) -> None:
    """py-arkworks-bls12381: the 4-pair check a Groth16 verification is, on the same proof."""
    ark, g1s, g2s = _ark_points(*_load("bls12381"))
    benchmark.group = "Groth16 BLS12-381 verify"
    benchmark.name = "py-arkworks-bls12381 pairing_check(4)"
    assert benchmark(ark.GT.pairing_check, g1s, g2s) is True


def test_py_ecc_bn254_pairing_check_4(benchmark: Any) -> None:
    """py_ecc (pure Python): 4 Miller loops, one final exponentiation. 3 rounds (~1 s each)."""
    py_ecc = pytest.importorskip("py_ecc.optimized_bn128")
    from py_ecc.optimized_bn128 import optimized_pairing as op

    g1, g2 = py_ecc.G1, py_ecc.G2
    # e(a·G1, b·G2) · e(-(ab)·G1, G2) · e(c·G1, d·G2) · e(-(cd)·G1, G2) = 1
    pairs = [
        (py_ecc.multiply(g2, 5), py_ecc.multiply(g1, 3)),
        (g2, py_ecc.neg(py_ecc.multiply(g1, 15))),
        (py_ecc.multiply(g2, 11), py_ecc.multiply(g1, 7)),
        (g2, py_ecc.neg(py_ecc.multiply(g1, 77))),
    ]

    def check() -> bool:
        f = py_ecc.FQ12.one()
        for q, p in pairs:
            f = f * op.miller_loop(op.twist(q), op.cast_point_to_fq12(p), final_exponentiate=False)
        return bool(op.final_exponentiate(f) == py_ecc.FQ12.one())

    benchmark.group = "Groth16 BN254 verify"
    benchmark.name = "py_ecc pairing check(4)"
    assert benchmark.pedantic(check, rounds=3, iterations=1) is True
