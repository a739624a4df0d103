"""Draft vectors: X-Wing (draft-connolly-cfrg-xwing-kem ``test-vectors.json``) and composite
ML-DSA (draft-ietf-lamps-pq-composite-sigs ``testvectors.json``, with its PKCS#8 keys)."""

from __future__ import annotations

import base64
from functools import partial
from pathlib import Path
from typing import Any

from pqpay import exceptions, hazmat, kem, signatures
from pqpay.conformance._core import Case, Cases, Suite, expect, expect_raises, h
from pqpay.conformance._files import load_json
from pqpay.serialization import Encoding, PrivateFormat, load_der_private_key

XWING_SOURCE = "X-Wing draft"
COMPOSITE_SOURCE = "composite draft"


def _xwing(v: dict[str, Any]) -> None:
    sk = kem.XWingPrivateKey.from_seed_bytes(h(v["seed"]))
    expect(sk.private_bytes_raw() == h(v["sk"]), "sk differs")
    expect(sk.public_key().public_bytes_raw() == h(v["pk"]), "pk differs")
    pk = kem.XWingPublicKey.from_public_bytes(h(v["pk"]))
    ss, ct = hazmat.encapsulate_derand(pk, h(v["eseed"]))
    expect(ct == h(v["ct"]), "ct differs")
    expect(ss == h(v["ss"]), "ss differs")
    expect(sk.decapsulate(h(v["ct"])) == h(v["ss"]), "Decapsulate differs")


def _load_xwing(path: Path) -> Cases:
    doc = load_json(path)
    cases = [
        Case(f"vector #{i} seed={v['seed'][:16]}...", "X-Wing", partial(_xwing, v))
        for i, v in enumerate(doc)
    ]
    return Cases(cases)


def is_xwing(doc: Any) -> bool:
    return isinstance(doc, list) and bool(doc) and isinstance(doc[0], dict) and "eseed" in doc[0]


def xwing_suite(path: Path) -> Suite:
    return Suite(XWING_SOURCE, path.name, str(path), partial(_load_xwing, path))


# --- composite ML-DSA ------------------------------------------------------------------------

PURE_MLDSA: dict[str, Any] = {
    "id-ML-DSA-44": signatures.MLDSA44PrivateKey,
    "id-ML-DSA-65": signatures.MLDSA65PrivateKey,
    "id-ML-DSA-87": signatures.MLDSA87PrivateKey,
}
COMPOSITES: dict[str, tuple[Any, Any]] = {
    "id-MLDSA44-Ed25519-SHA512": (
        signatures.MLDSA44Ed25519PrivateKey,
        signatures.MLDSA44Ed25519PublicKey,
    ),
    "id-MLDSA65-Ed25519-SHA512": (
        signatures.MLDSA65Ed25519PrivateKey,
        signatures.MLDSA65Ed25519PublicKey,
    ),
    "id-MLDSA87-Ed448-SHAKE256": (
        signatures.MLDSA87Ed448PrivateKey,
        signatures.MLDSA87Ed448PublicKey,
    ),
    "id-MLDSA65-ECDSA-P256-SHA512": (
        signatures.MLDSA65P256PrivateKey,
        signatures.MLDSA65P256PublicKey,
    ),
    "id-MLDSA87-ECDSA-P384-SHA512": (
        signatures.MLDSA87P384PrivateKey,
        signatures.MLDSA87P384PublicKey,
    ),
}
"""The draft's tcId -> the composite classes pqpay offers for it."""

NOT_OFFERED = frozenset(
    {
        "id-MLDSA44-RSA2048-PSS-SHA256",
        "id-MLDSA44-RSA2048-PKCS15-SHA256",
        "id-MLDSA44-ECDSA-P256-SHA256",
        "id-MLDSA65-RSA3072-PSS-SHA512",
        "id-MLDSA65-RSA3072-PKCS15-SHA512",
        "id-MLDSA65-RSA4096-PSS-SHA512",
        "id-MLDSA65-RSA4096-PKCS15-SHA512",
        "id-MLDSA65-ECDSA-P384-SHA512",
        "id-MLDSA65-ECDSA-brainpoolP256r1-SHA512",
        "id-MLDSA87-ECDSA-brainpoolP384r1-SHA512",
        "id-MLDSA87-RSA3072-PSS-SHA512",
        "id-MLDSA87-RSA4096-PSS-SHA512",
        "id-MLDSA87-ECDSA-P521-SHA512",
    }
)
"""Entries for combinations pqpay does not offer (RSA, brainpool, P-521, and two ECDSA
pairings outside the chosen set): listed as skipped, so a new entry cannot be dropped silently."""


def b64(s: str) -> bytes:
    return base64.b64decode(s, validate=True)


def _composite(tc_id: str, t: dict[str, Any], m: bytes, ctx: bytes) -> None:
    """pk and sk load and round-trip, sk reproduces pk, ``s`` verifies over m with the empty
    context and ``sWithContext`` with ctx (and not ``s`` with ctx), fresh hedged and
    deterministic signatures verify, deterministic signing is repeatable."""
    private_cls, public_cls = COMPOSITES[tc_id]
    pk_bytes, sk_bytes = b64(t["pk"]), b64(t["sk"])
    pk = public_cls.from_public_bytes(pk_bytes)
    expect(pk.public_bytes_raw() == pk_bytes, "pk round trip")
    sk = private_cls.from_private_bytes(sk_bytes)
    expect(sk.public_key() == pk, "sk does not reproduce pk")
    expect(sk.private_bytes_raw() == sk_bytes, "sk round trip")
    pk.verify(b64(t["s"]), m)
    pk.verify(b64(t["sWithContext"]), m, context=ctx)
    expect_raises(exceptions.InvalidSignature, lambda: pk.verify(b64(t["s"]), m, context=ctx))
    for sig in (sk.sign(m, context=ctx), hazmat.sign_deterministic(sk, m, context=ctx)):
        pk.verify(sig, m, context=ctx)
    expect(
        hazmat.sign_deterministic(sk, m) == hazmat.sign_deterministic(sk, m),
        "deterministic signing is not repeatable",
    )


def _pure_mldsa(tc_id: str, t: dict[str, Any], m: bytes, ctx: bytes) -> None:
    sk = PURE_MLDSA[tc_id].from_private_bytes(b64(t["sk"]))
    expect(sk.private_bytes_raw() == b64(t["sk"]), "sk round trip")
    pk = sk.public_key()
    expect(pk.public_bytes_raw() == b64(t["pk"]), "seed does not reproduce pk")
    pk.verify(b64(t["s"]), m)
    pk.verify(b64(t["sWithContext"]), m, context=ctx)


def _unknown_entry(tc_id: str) -> None:
    raise AssertionError(f"{tc_id} is neither checked nor listed as not offered")


def _entry_algorithm(tc_id: str) -> str:
    return tc_id.removeprefix("id-")


def _load_composite(path: Path) -> Cases:
    doc = load_json(path)
    m, ctx = b64(doc["m"]), b64(doc["ctx"])
    cases = []
    for t in doc["tests"]:
        tc_id = t["tcId"]
        algorithm = _entry_algorithm(tc_id)
        if tc_id in PURE_MLDSA:
            cases.append(Case(tc_id, algorithm, partial(_pure_mldsa, tc_id, t, m, ctx)))
        elif tc_id in COMPOSITES:
            cases.append(Case(tc_id, algorithm, partial(_composite, tc_id, t, m, ctx)))
        elif tc_id in NOT_OFFERED:
            cases.append(Case(tc_id, "other composites", None, "not offered by pqpay"))
        else:
            cases.append(Case(tc_id, algorithm, partial(_unknown_entry, tc_id)))
    return Cases(cases)


def _sk_pkcs8(tc_id: str, t: dict[str, Any]) -> None:
    der = base64.b64decode(t["sk_pkcs8"])
    cls = PURE_MLDSA.get(tc_id) or COMPOSITES.get(tc_id, (None, None))[0]
    if cls is None:  # an algorithm pqpay does not offer: a typed refusal, never a crash
        expect_raises(exceptions.UnsupportedAlgorithm, lambda: load_der_private_key(der))
        return
    sk = load_der_private_key(der)
    expect(type(sk) is cls, f"loaded as {type(sk).__name__}")
    expect(sk.private_bytes_raw() == base64.b64decode(t["sk"]), "sk differs")
    expect(sk.public_key().public_bytes_raw() == base64.b64decode(t["pk"]), "pk differs")
    expect(sk.private_bytes(Encoding.DER, PrivateFormat.PKCS8) == der, "PKCS#8 round trip")


def _load_sk_pkcs8(path: Path) -> Cases:
    doc = load_json(path)
    cases = [
        Case(t["tcId"], "PKCS#8 private keys", partial(_sk_pkcs8, t["tcId"], t))
        for t in doc["tests"]
    ]
    return Cases(cases)


def is_composite(doc: Any) -> bool:
    return isinstance(doc, dict) and {"m", "ctx", "tests"} <= set(doc)


def composite_suites(path: Path) -> list[Suite]:
    return [
        Suite(COMPOSITE_SOURCE, path.name, str(path), partial(_load_composite, path)),
        Suite(COMPOSITE_SOURCE, f"{path.name} sk_pkcs8", str(path), partial(_load_sk_pkcs8, path)),
    ]
