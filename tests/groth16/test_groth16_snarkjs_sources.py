"""B-6: deeply nested snarkjs input is an ``EncodingError`` (not ``RecursionError``), and the
explicit ``from_snarkjs_text`` / ``from_snarkjs_path`` loaders never guess.

``from_snarkjs`` reads any ``str`` not starting with ``{`` or ``[`` as a file path, so text
from outside could name a local file; ``from_snarkjs_text`` never opens one."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest

from pqpay import groth16
from pqpay.exceptions import EncodingError
from tests._support.vector_sources import REPO_ROOT

OWN = REPO_ROOT / "vectors" / "groth16" / "bn128"
DEEP_TEXT = "[" * 100_000 + "]" * 100_000


def _deep_object() -> list[Any]:
    root: list[Any] = []
    node = root
    for _ in range(100_000):
        child: list[Any] = []
        node.append(child)
        node = child
    return root


def test_deep_public_inputs_text() -> None:
    with pytest.raises(EncodingError):
        groth16.public_inputs_from_snarkjs(DEEP_TEXT)
    with pytest.raises(EncodingError):
        groth16.public_inputs_from_snarkjs(DEEP_TEXT.encode())


def test_deep_parsed_objects() -> None:
    deep = _deep_object()
    with pytest.raises(EncodingError):
        groth16.Proof.from_snarkjs({"pi_a": deep})
    with pytest.raises(EncodingError):
        groth16.VerifyingKey.from_snarkjs(deep)


def test_deep_text_for_keys_and_proofs() -> None:
    with pytest.raises(EncodingError):
        groth16.Proof.from_snarkjs(DEEP_TEXT)
    with pytest.raises(EncodingError):
        groth16.VerifyingKey.from_snarkjs(DEEP_TEXT)


def test_text_loaders_never_read_a_path(tmp_path: Path) -> None:
    secret = tmp_path / "secret.json"
    secret.write_text((OWN / "proof.json").read_text())
    with pytest.raises(EncodingError):
        groth16.Proof.from_snarkjs_text(str(secret))
    with pytest.raises(EncodingError):
        groth16.VerifyingKey.from_snarkjs_text(str(OWN / "verification_key.json"))
    with pytest.raises(EncodingError):
        groth16.public_inputs_from_snarkjs_text(str(OWN / "public.json"))
    with pytest.raises(EncodingError):
        groth16.public_inputs_from_snarkjs_text(DEEP_TEXT)
    with pytest.raises(TypeError):
        groth16.Proof.from_snarkjs_text(secret)  # type: ignore[arg-type]


def test_explicit_loaders_agree_with_from_snarkjs() -> None:
    vk_path, proof_path, public_path = (
        OWN / "verification_key.json",
        OWN / "proof.json",
        OWN / "public.json",
    )
    vk = groth16.VerifyingKey.from_snarkjs_path(vk_path)
    assert vk.to_bytes() == groth16.VerifyingKey.from_snarkjs(vk_path).to_bytes()
    assert vk.to_bytes() == groth16.VerifyingKey.from_snarkjs_text(vk_path.read_bytes()).to_bytes()
    proof = groth16.Proof.from_snarkjs_path(str(proof_path))
    assert proof == groth16.Proof.from_snarkjs_text(proof_path.read_text())
    assert proof == groth16.Proof.from_snarkjs_text(proof_path.read_text(), groth16.Curve.BN254)
    public = groth16.public_inputs_from_snarkjs_path(public_path)
    assert public == groth16.public_inputs_from_snarkjs_text(public_path.read_text())
    groth16.verify(vk, proof, public)
    with pytest.raises(TypeError):
        groth16.Proof.from_snarkjs_path(proof_path.read_bytes())  # type: ignore[arg-type]
    with pytest.raises(OSError):
        groth16.Proof.from_snarkjs_path(OWN / "missing.json")
