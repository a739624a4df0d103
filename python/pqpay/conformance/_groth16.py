"""snarkjs Groth16 proof folders: a ``MANIFEST.json`` listing ``cases`` (and
``ambiguous_cases``), each naming a ``vkey``, ``proof`` and ``public`` file relative to it, a
``kind`` and whether it must verify (``expected``).

Each rejection is pinned to the error pqpay chose for it, not just "some error":

* not verifying (wrong public signal, swapped or negated pi_a, pi_a at infinity): InvalidProof;
* a proof point off the curve or outside the prime-order subgroup: EncodingError (at parse);
* a public signal >= r (``value + r`` or ``r`` itself): ValueError, never reduced mod r;
* more public signals than the key's nPublic, or a key of the other curve: ValueError.

Ambiguous cases (pi_a.x written as x + p, which snarkjs reduces mod p): pqpay is strict and
refuses them with EncodingError ("coordinate is not below the ... base field modulus").
"""

from __future__ import annotations

import re
from functools import partial
from pathlib import Path
from typing import Any

from pqpay import groth16
from pqpay.conformance._core import Case, Cases, SourceMissing, Suite, expect, expect_raises
from pqpay.conformance._files import load_json
from pqpay.exceptions import EncodingError, InvalidProof

SOURCE = "snarkjs"

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
"""kind -> the exception class pqpay must raise (None: must verify); the exact class."""


def resolve(manifest: Path, case: dict[str, Any]) -> dict[str, Any]:
    """The case with its ``vkey`` / ``proof`` / ``public`` as paths inside the manifest's
    folder (:class:`SourceMissing` when one is absent)."""
    base = manifest.parent.resolve()
    out = dict(case)
    for key in ("vkey", "proof", "public"):
        path = (base / case[key]).resolve()
        if not path.is_relative_to(base):
            raise ValueError(f"{case['id']}: {key} {case[key]!r} is outside {base}")
        if not path.is_file():
            raise SourceMissing(f"vector file {path}")
        out[key] = path
    return out


def cases(manifest: Path) -> tuple[list[dict[str, Any]], list[dict[str, Any]]]:
    """(cases, ambiguous cases) of a manifest, paths resolved."""
    if not manifest.is_file():
        raise SourceMissing(f"vector file {manifest}")
    doc = load_json(manifest)
    return (
        [resolve(manifest, c) for c in doc["cases"]],
        [resolve(manifest, c) for c in doc.get("ambiguous_cases", [])],
    )


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


def _check(case: dict[str, Any]) -> None:
    kind = case["kind"]
    expect(kind in EXPECTED, f"unknown case kind {kind!r}: decide the expected error")
    want = EXPECTED[kind]
    if case.get("expected") is True:
        expect(want is None, "the manifest says it verifies")
    elif case.get("expected") is False:
        expect(want is not None, "the manifest says it is rejected")
    got = run_case(case)
    expect(got is want, f"{kind}: expected {want and want.__name__}, got {got and got.__name__}")


def _check_ambiguous(case: dict[str, Any]) -> None:
    expect(case["expected"] is None, "an ambiguous case with an expected verdict")
    _check(case)
    exc = expect_raises(EncodingError, lambda: groth16.Proof.from_snarkjs(case["proof"]))
    expect(
        re.search(r"not below the .* base field modulus", str(exc)) is not None,
        f"unexpected message {exc}",
    )


def _curve(case: dict[str, Any]) -> str:
    return f"Groth16 {case.get('curve', '?')}"


def _load(manifest: Path) -> Cases:
    found, _ = cases(manifest)
    return Cases([Case(c["id"], _curve(c), partial(_check, c)) for c in found])


def _load_ambiguous(manifest: Path) -> Cases:
    _, ambiguous = cases(manifest)
    return Cases([Case(c["id"], _curve(c), partial(_check_ambiguous, c)) for c in ambiguous])


def is_manifest(path: Path) -> bool:
    if path.name != "MANIFEST.json":
        return False
    try:
        doc = load_json(path)
    except ValueError:
        return False
    return isinstance(doc, dict) and isinstance(doc.get("cases"), list)


def suites(manifest: Path) -> list[Suite]:
    name = f"{manifest.parent.name}/{manifest.name}"
    out = [Suite(SOURCE, name, str(manifest), partial(_load, manifest))]
    if load_json(manifest).get("ambiguous_cases"):
        out.append(
            Suite(SOURCE, f"{name} (ambiguous)", str(manifest), partial(_load_ambiguous, manifest))
        )
    return out
