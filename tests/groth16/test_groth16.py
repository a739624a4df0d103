"""pqpay.groth16: loading (paths, JSON text, parsed objects, arkworks bytes), verification and
batches, bad input, the CLI, and a cross-check of the BLS12-381 pairing equation with
py-arkworks-bls12381.

The proofs are the project's own (``vectors/groth16``, made by arkworks' prover, see
``generate.py`` there); the subgroup cases borrow points from the shared snarkjs vectors.
"""

from __future__ import annotations

import copy
import json
from pathlib import Path
from typing import Any

import pytest

from pqpay import cli, groth16
from pqpay.exceptions import EncodingError, InvalidKey, InvalidProof, UnsupportedAlgorithm
from tests._support.vector_sources import REPO_ROOT, load_shared_json

OWN = REPO_ROOT / "vectors" / "groth16"
CURVES = {"bn128": groth16.Curve.BN254, "bls12381": groth16.Curve.BLS12_381}
# The circuit's statement: limit 50000, order 424242 (see vectors/groth16/generate.py).
PUBLIC = [50000, 424242]


def files(sub: str) -> tuple[Path, Path, Path]:
    d = OWN / sub
    return d / "verification_key.json", d / "proof.json", d / "public.json"


def load(sub: str) -> tuple[groth16.VerifyingKey, groth16.Proof, list[int]]:
    vk, proof, public = files(sub)
    return (
        groth16.VerifyingKey.from_snarkjs(vk),
        groth16.Proof.from_snarkjs(proof),
        groth16.public_inputs_from_snarkjs(public),
    )


@pytest.fixture(params=sorted(CURVES))
def sub(request: pytest.FixtureRequest) -> str:
    name: str = request.param
    return name


def test_sources_agree(sub: str) -> None:
    vk_path, proof_path, public_path = files(sub)
    text = vk_path.read_text()
    keys = [
        groth16.VerifyingKey.from_snarkjs(vk_path),
        groth16.VerifyingKey.from_snarkjs(str(vk_path)),
        groth16.VerifyingKey.from_snarkjs(text),
        groth16.VerifyingKey.from_snarkjs(text.encode()),
        groth16.VerifyingKey.from_snarkjs(json.loads(text)),
        groth16.VerifyingKey.from_bytes((OWN / sub / "verification_key.bin").read_bytes(), sub),
    ]
    assert len({k.to_bytes() for k in keys}) == 1
    proofs = [
        groth16.Proof.from_snarkjs(proof_path),
        groth16.Proof.from_snarkjs(proof_path.read_text()),
        groth16.Proof.from_snarkjs(json.loads(proof_path.read_text())),
        groth16.Proof.from_bytes((OWN / sub / "proof.bin").read_bytes(), CURVES[sub]),
    ]
    assert len(set(proofs)) == 1
    assert groth16.public_inputs_from_snarkjs(public_path) == PUBLIC
    assert groth16.public_inputs_from_snarkjs(["50000", 424242]) == PUBLIC
    assert keys[0].curve is CURVES[sub] and proofs[0].curve is CURVES[sub]
    assert keys[0].num_public_inputs == 2
    assert repr(keys[0]) == f"<Groth16 VerifyingKey {CURVES[sub].value}, 2 public inputs>"


def test_verify_and_batch(sub: str) -> None:
    vk, proof, public = load(sub)
    groth16.verify(vk, proof, public)
    vk.verify(proof, public)
    with pytest.raises(InvalidProof) as info:
        groth16.verify(vk, proof, [public[0] + 1, public[1]])
    assert str(info.value) == ""  # opaque
    with pytest.raises(InvalidProof):
        groth16.verify(vk, proof, [public[0], public[1] - 1])
    bad = (proof, [public[0], 7])
    items = [(proof, public)] * 9 + [bad] + [(proof, public)] * 6
    assert groth16.verify_many(vk, items) == [True] * 9 + [False] + [True] * 6
    assert groth16.verify_many(vk, []) == []
    assert vk.verify_many([bad, bad, bad]) == [False] * 3


def test_public_input_range_and_count(sub: str) -> None:
    vk, proof, public = load(sub)
    r = vk.curve.scalar_field_order
    assert (
        r
        == {
            "bn128": 21888242871839275222246405745257275088548364400416034343698204186575808495617,
            "bls12381": 0x73EDA753299D7D483339D80809A1D80553BDA402FFFE5BFEFFFFFFFF00000001,
        }[sub]
    )
    for x in (r, public[0] + r, r + 1, 2**256, 2**4000):
        with pytest.raises(ValueError, match=r"below the .* scalar field order r") as info:
            groth16.verify(vk, proof, [x, public[1]])
        assert type(info.value) is ValueError
    with pytest.raises(ValueError, match="non-negative"):
        groth16.verify(vk, proof, [-1, public[1]])
    with pytest.raises(ValueError, match="expects 2 public input"):
        groth16.verify(vk, proof, public[:1])
    with pytest.raises(ValueError, match="expects 2 public input"):
        groth16.verify(vk, proof, [*public, 0])
    with pytest.raises(TypeError):
        groth16.verify(vk, proof, [True, public[1]])  # type: ignore[list-item]
    with pytest.raises(TypeError):
        groth16.verify(vk, proof, ["50000", public[1]])  # type: ignore[list-item]
    with pytest.raises(TypeError):
        groth16.verify(vk, proof, "50000")
    with pytest.raises(ValueError, match="item 1"):
        groth16.verify_many(vk, [(proof, public), (proof, [r, 0])])
    with pytest.raises(ValueError, match="item 0"):
        groth16.verify_many(vk, [(proof,)])  # type: ignore[list-item]
    # r - 1 is a field element: a clean verification failure, not an error.
    with pytest.raises(InvalidProof):
        groth16.verify(vk, proof, [r - 1, public[1]])


def test_curve_mismatch() -> None:
    vk_bn, proof_bn, public = load("bn128")
    vk_bls, proof_bls, _ = load("bls12381")
    with pytest.raises(ValueError, match="proof is for BLS12-381 but the verifying key for BN254"):
        groth16.verify(vk_bn, proof_bls, public)
    with pytest.raises(ValueError, match="item 1: the proof is for BN254"):
        groth16.verify_many(vk_bls, [(proof_bls, public), (proof_bn, public)])
    doc = proof_bn.to_snarkjs()
    with pytest.raises(ValueError, match="BN254 but BLS12-381 was asked for"):
        groth16.Proof.from_snarkjs(doc, "BLS12-381")
    del doc["curve"]
    with pytest.raises(EncodingError, match="name the curve"):
        groth16.Proof.from_snarkjs(doc)
    assert groth16.Proof.from_snarkjs(doc, groth16.Curve.BN254) == proof_bn
    assert groth16.Proof.from_snarkjs(doc, "bn128") == proof_bn
    with pytest.raises(UnsupportedAlgorithm):
        groth16.Proof.from_snarkjs(doc, "secp256k1")


def test_truncated_and_malformed(sub: str) -> None:
    vk, proof, _ = load(sub)
    curve = vk.curve
    for compressed in (True, False):
        data = proof.to_bytes(compressed)
        for bad in (data[:-1], data + b"\0", b""):
            with pytest.raises(ValueError, match="Groth16 proof must be"):
                groth16.Proof.from_bytes(bad, curve)
        key = vk.to_bytes(compressed)
        for bad in (key[:-1], key[:20], key + b"\0"):
            with pytest.raises(EncodingError, match="do not match an arkworks encoding"):
                groth16.VerifyingKey.from_bytes(bad, curve)
    with pytest.raises(TypeError):
        groth16.Proof.from_bytes("00", curve)  # type: ignore[arg-type]
    text = files(sub)[1].read_text()
    for bad_text in (text[: len(text) // 2], "{}", "[]", "null"):
        with pytest.raises(EncodingError):
            groth16.Proof.from_snarkjs(bad_text if bad_text[:1] in "{[" else bad_text.encode())
    with pytest.raises(EncodingError, match="not UTF-8"):
        groth16.Proof.from_snarkjs(b"\xff{")
    with pytest.raises(FileNotFoundError):
        groth16.Proof.from_snarkjs(OWN / "missing.json")
    with pytest.raises(TypeError):
        groth16.Proof.from_snarkjs(42)  # type: ignore[arg-type]
    doc = proof.to_snarkjs()
    for mutate, match in (
        (lambda d: d.pop("pi_c"), 'missing field "pi_c"'),
        (lambda d: d["pi_a"].__setitem__(0, int(d["pi_a"][0])), "expected a decimal string"),
        (lambda d: d["pi_a"].__setitem__(0, "0" + d["pi_a"][0]), "leading zeros"),
        (lambda d: d["pi_a"].__setitem__(0, " " + d["pi_a"][0]), "without sign, spaces"),
        (lambda d: d["pi_a"].__setitem__(2, "2"), "z = "),
        (lambda d: d["pi_b"].__setitem__(2, ["0", "1"]), "z = "),
        (lambda d: d["pi_b"].pop(), "G2 point"),
        (lambda d: d["pi_a"].__setitem__(1, str(int(d["pi_a"][1]) + 1)), "not a point of the"),
        (lambda d: d["pi_b"][1].__setitem__(0, "1"), "not a point of the .* G2 twist"),
        (lambda d: d.__setitem__("protocol", "plonk"), 'only "groth16"'),
    ):
        d = copy.deepcopy(doc)
        mutate(d)
        with pytest.raises((EncodingError, UnsupportedAlgorithm), match=match):
            groth16.Proof.from_snarkjs(d)
    # Coordinates at or above p: refused, never reduced.
    p = {
        "bn128": 21888242871839275222246405745257275088696311157297823662689037894645226208583,
        "bls12381": int(
            "1a0111ea397fe69a4b1ba7b6434bacd764774b84f38512bf6730d2a0f6b0f6241eabfffeb153ffffb9feffffffffaaab",
            16,
        ),
    }[sub]
    d = copy.deepcopy(doc)
    d["pi_c"][0] = str(int(d["pi_c"][0]) + p)
    with pytest.raises(EncodingError, match=r"not below the .* base field modulus p"):
        groth16.Proof.from_snarkjs(d)
    with pytest.raises(EncodingError, match="must be a decimal string"):
        groth16.public_inputs_from_snarkjs(["-1"])
    with pytest.raises(EncodingError, match="list of decimal strings"):
        groth16.public_inputs_from_snarkjs('{"a": 1}')
    with pytest.raises(EncodingError, match="must be a decimal string"):
        groth16.public_inputs_from_snarkjs([True])
    with pytest.raises(EncodingError, match="leading zeros"):
        groth16.public_inputs_from_snarkjs('["007"]')
    with pytest.raises(EncodingError, match="not valid JSON"):
        groth16.public_inputs_from_snarkjs('["1",')


def test_bad_keys(sub: str) -> None:
    vk, _, _ = load(sub)
    doc = vk.to_snarkjs()
    for mutate, exc, match in (
        (lambda d: d["vk_alpha_1"].__setitem__(1, "5"), InvalidKey, "vk_alpha_1 is not a point"),
        (lambda d: d["IC"][2].__setitem__(0, "5"), InvalidKey, r"IC\[2\] is not a point"),
        (
            lambda d: d.__setitem__("vk_gamma_2", [["0", "0"], ["1", "0"], ["0", "0"]]),
            InvalidKey,
            "gamma is the point at infinity",
        ),
        (lambda d: d.__setitem__("nPublic", 3), InvalidKey, "nPublic"),
        (lambda d: d["IC"].pop(), InvalidKey, "nPublic"),
        (lambda d: d.pop("curve"), EncodingError, "curve"),
        (lambda d: d.__setitem__("curve", "bn256x"), UnsupportedAlgorithm, "curve"),
        (lambda d: d.pop("protocol"), EncodingError, "protocol"),
        (lambda d: d.__setitem__("nPublic", -1), EncodingError, "nPublic"),
    ):
        d = copy.deepcopy(doc)
        mutate(d)  # type: ignore[no-untyped-call]
        with pytest.raises(exc, match=match):
            groth16.VerifyingKey.from_snarkjs(d)


def _shared_point(kind: str, curve: str, field: str) -> Any:
    manifest = load_shared_json("groth16/MANIFEST.json")
    case = next(c for c in manifest["cases"] if c["kind"] == kind and c["curve"] == curve)
    return load_shared_json(f"groth16/{case['proof']}")[field]


@pytest.mark.vectors
def test_non_subgroup_points_in_keys(sub: str) -> None:
    """A G2 point outside the subgroup (both curves) and a BLS12-381 G1 one, in a key."""
    vk, _, _ = load(sub)
    d = vk.to_snarkjs()
    d["vk_delta_2"] = _shared_point("pi_b_not_in_subgroup", sub, "pi_b")
    with pytest.raises(InvalidKey, match="vk_delta_2 is not in the prime-order subgroup"):
        groth16.VerifyingKey.from_snarkjs(d)
    if sub == "bls12381":
        d = vk.to_snarkjs()
        d["IC"][0] = _shared_point("pi_a_not_in_subgroup", sub, "pi_a")
        with pytest.raises(InvalidKey, match=r"IC\[0\] is not in the prime-order subgroup"):
            groth16.VerifyingKey.from_snarkjs(d)


def test_cli(sub: str, capsys: pytest.CaptureFixture[str], tmp_path: Path) -> None:
    vk, proof, public = files(sub)
    assert cli.main(["groth16", "verify", str(vk), str(proof), str(public)]) == 0
    out = capsys.readouterr().out.splitlines()
    assert out == [f"OK: the proof verifies ({CURVES[sub].value}, 2 public inputs)"]
    wrong = tmp_path / "public.json"
    wrong.write_text('["50001", "424242"]')
    assert cli.main(["groth16", "verify", str(vk), str(proof), str(wrong)]) == 1
    assert capsys.readouterr().out.splitlines() == ["FAILED: the proof does not verify"]
    wrong.write_text('["1"]')
    assert cli.main(["groth16", "verify", str(vk), str(proof), str(wrong)]) == 1
    (line,) = capsys.readouterr().out.splitlines()
    assert line.startswith("FAILED: rejected: the verifying key expects 2")
    # A file that cannot be read is an input error (exit 2, stderr), not a failed proof.
    assert cli.main(["groth16", "verify", str(vk), str(tmp_path / "nope"), str(public)]) == 2
    captured = capsys.readouterr()
    assert captured.out == "" and "no such file or directory" in captured.err


# --- cross-check with py-arkworks-bls12381 -------------------------------------------------


def _ark_equation_holds(vk: groth16.VerifyingKey, proof: groth16.Proof, public: list[int]) -> bool:
    """e(A, B) e(-alpha, beta) e(-L, gamma) e(-C, delta) == 1 computed by py-arkworks-bls12381,
    from the coordinates pqpay exports, with L = IC[0] + sum of x[j] IC[j]."""
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
    return bool(
        ark.GT.pairing_check(
            [g1(pr["pi_a"]), -g1(k["vk_alpha_1"]), -acc, -g1(pr["pi_c"])],
            [g2(pr["pi_b"]), g2(k["vk_beta_2"]), g2(k["vk_gamma_2"]), g2(k["vk_delta_2"])],
        )
    )


def test_bls12_381_equation_matches_py_arkworks() -> None:
    vk, proof, public = load("bls12381")
    assert _ark_equation_holds(vk, proof, public)
    for wrong in ([public[0] + 1, public[1]], [public[0], 0]):
        assert not _ark_equation_holds(vk, proof, wrong)
        with pytest.raises(InvalidProof):
            groth16.verify(vk, proof, wrong)
    # Both read arkworks' compressed (zcash) point encoding the same way.
    ark = pytest.importorskip("py_arkworks_bls12381")
    data = proof.to_bytes(compressed=True)
    a = ark.G1Point.from_compressed_bytes(data[:48])
    b = ark.G2Point.from_compressed_bytes(data[48:144])
    assert a.to_compressed_bytes() == data[:48]
    assert b.to_compressed_bytes() == data[48:144]


@pytest.mark.vectors
def test_bls12_381_snarkjs_vectors_match_py_arkworks() -> None:
    from tests._support.vector_sources import groth16_cases

    cases, _ = groth16_cases()
    checked = 0
    for c in cases:
        if c["curve"] != "bls12381" or c["kind"] not in ("valid", "wrong_public", "swapped_pi_a"):
            continue
        vk = groth16.VerifyingKey.from_snarkjs(c["vkey"])
        proof = groth16.Proof.from_snarkjs(c["proof"])
        public = groth16.public_inputs_from_snarkjs(c["public"])
        ours = groth16.verify_many(vk, [(proof, public)])[0]
        assert _ark_equation_holds(vk, proof, public) is ours is c["expected"], c["id"]
        checked += 1
    assert checked == 5


def test_demo_proof_is_the_vector(capsys: pytest.CaptureFixture[str]) -> None:
    from pqpay.cli import demo

    demo_vk, demo_proof, demo_public = demo.groth16_demo_data()
    assert (OWN / "bn128" / "verification_key.bin").read_bytes() == demo_vk
    assert (OWN / "bn128" / "proof.bin").read_bytes() == demo_proof
    assert list(demo_public) == PUBLIC
    demo.groth16_part()
    out = capsys.readouterr().out
    assert "the proof verifies" in out and "failed items: [5]" in out
