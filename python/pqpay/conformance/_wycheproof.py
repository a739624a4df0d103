"""C2SP Wycheproof vector files, told apart by their ``schema``: ML-KEM (decapsulation,
encapsulation, seed key generation, expanded-key decapsulation), X25519, Ed25519 (single and
one-item batch verification) and ML-DSA (signing from a seed or an expanded key, verification),
and the key encodings the files carry (SubjectPublicKeyInfo DER/PEM, PKCS#8, JWK).

Each file's ``numberOfTests`` must equal the number of vectors listed. A file of a schema pqpay
has no check for (AES-GCM, HKDF: not offered as primitives) is listed with every test skipped.
"""

from __future__ import annotations

import re
from collections.abc import Callable
from functools import partial
from pathlib import Path
from typing import Any

from pqpay import hazmat, jose, kem, signatures
from pqpay.conformance._core import Case, Cases, Suite, expect, expect_raises, groups_tests, h
from pqpay.conformance._files import load_json
from pqpay.exceptions import EncodingError, InvalidKey, InvalidSignature
from pqpay.serialization import (
    Encoding,
    PrivateFormat,
    PublicFormat,
    load_der_private_key,
    load_der_public_key,
    load_pem_public_key,
)

SOURCE = "Wycheproof"
MLKEM_SEED_SIZE = 64
_RESULTS = ("valid", "invalid", "acceptable")
_Check = Callable[[dict[str, Any], dict[str, Any], dict[str, Any]], None]


def case_id(test: dict[str, Any]) -> str:
    parts = [f"tcId={test['tcId']}", test["result"]]
    if test.get("flags"):
        parts.append("[" + ",".join(test["flags"]) + "]")
    if test.get("comment"):
        parts.append(repr(test["comment"]))
    return " ".join(parts)


# --- ML-KEM ----------------------------------------------------------------------------------


def _mlkem_decaps(doc: dict[str, Any], group: dict[str, Any], test: dict[str, Any]) -> None:
    """MLKEMTest: seed (d || z), c -> K; invalid = wrong-length seed or ciphertext."""
    cls: Any = kem.PRIVATE_KEY_CLASSES[group["parameterSet"]]
    ct_size = kem.PUBLIC_KEY_CLASSES[group["parameterSet"]].CIPHERTEXT_SIZE
    seed, c = h(test["seed"]), h(test["c"])
    if test["result"] == "valid":
        sk = cls.from_seed_bytes(seed)
        if "ek" in test:
            expect(sk.public_key().public_bytes_raw() == h(test["ek"]), "ek differs")
        expect(sk.decapsulate(c) == h(test["K"]), "K differs")
    elif len(seed) != MLKEM_SEED_SIZE:
        expect_raises(ValueError, lambda: cls.from_seed_bytes(seed))
    elif len(c) != ct_size:
        sk = cls.from_seed_bytes(seed)
        expect_raises(ValueError, lambda: sk.decapsulate(c))
    else:
        expect_raises(ValueError, lambda: cls.from_seed_bytes(seed).decapsulate(c))


def _mlkem_encaps(doc: dict[str, Any], group: dict[str, Any], test: dict[str, Any]) -> None:
    """MLKEMEncapsTest: ek, m -> c, K; invalid = an ek that from_public_bytes must reject."""
    public_cls = kem.PUBLIC_KEY_CLASSES[group["parameterSet"]]
    ek = h(test["ek"])
    if test["result"] == "valid":
        pk = public_cls.from_public_bytes(ek)
        ss, ct = hazmat.encapsulate_derand(pk, h(test["m"]))
        expect(ct == h(test["c"]), "c differs")
        expect(ss == h(test["K"]), "K differs")
    else:  # InvalidKey (the modulus check) is a ValueError
        expect_raises(ValueError, lambda: public_cls.from_public_bytes(ek))


def _mlkem_keygen(doc: dict[str, Any], group: dict[str, Any], test: dict[str, Any]) -> None:
    """MLKEMKeyGen: seed -> ek, expanded dk."""
    cls: Any = kem.PRIVATE_KEY_CLASSES[group["parameterSet"]]
    expect(test["result"] == "valid", "unexpected non-valid keygen vector")
    sk = cls.from_seed_bytes(h(test["seed"]))
    expect(sk.private_bytes_raw() == h(test["seed"]), "seed does not round-trip")
    expect(sk.public_key().public_bytes_raw() == h(test["ek"]), "ek differs")
    expect(hazmat.mlkem_expanded_bytes(sk) == h(test["dk"]), "dk differs")


def _mlkem_expanded_decaps(
    doc: dict[str, Any], group: dict[str, Any], test: dict[str, Any]
) -> None:
    """MLKEMDecapsValidationTest: expanded dk, c -> K; an invalid dk or c length must raise."""
    cls: Any = kem.PRIVATE_KEY_CLASSES[group["parameterSet"]]
    dk, c = h(test["dk"]), h(test["c"])
    flags = set(test.get("flags", ()))
    if test["result"] == "valid":
        sk = hazmat.mlkem_from_expanded_bytes(cls, dk)
        expect(sk.public_key().public_bytes_raw() == h(test["ek"]), "ek differs")
        expect(sk.decapsulate(c) == h(test["K"]), "K differs")
    elif flags & {"IncorrectDecapsulationKeyLength", "InvalidDecapsulationKey"}:
        expect_raises(ValueError, lambda: hazmat.mlkem_from_expanded_bytes(cls, dk))
    elif "IncorrectCiphertextLength" in flags:
        sk = hazmat.mlkem_from_expanded_bytes(cls, dk)
        expect_raises(ValueError, lambda: sk.decapsulate(c))
    else:
        expect_raises(ValueError, lambda: hazmat.mlkem_from_expanded_bytes(cls, dk).decapsulate(c))


# --- X25519, Ed25519 -------------------------------------------------------------------------


def _x25519(doc: dict[str, Any], group: dict[str, Any], test: dict[str, Any]) -> None:
    """XdhComp: valid -> shared; invalid -> raise; acceptable -> shared or InvalidKey. Whatever
    the flags, an all-zero shared secret must raise InvalidKey (RFC 7748 section 6.1)."""
    expect(group["curve"] == "curve25519", "not a curve25519 group")
    sk = kem.X25519PrivateKey.from_private_bytes(h(test["private"]))
    public, shared = h(test["public"]), h(test["shared"])
    if shared == bytes(len(shared)):
        expect_raises(InvalidKey, lambda: sk.exchange(public))
    elif test["result"] == "valid":
        expect(sk.exchange(public) == shared, "shared secret differs")
    elif test["result"] == "invalid":
        expect_raises(ValueError, lambda: sk.exchange(public))
    else:
        try:
            out = sk.exchange(public)
        except InvalidKey:
            return
        expect(out == shared, "acceptable vector computed, but the result differs")


def _ed25519(doc: dict[str, Any], group: dict[str, Any], test: dict[str, Any]) -> None:
    """EddsaVerify: single verification gives the expected result, and so does verify_many of
    that one item. The raw ``pk`` is used; the encodings are their own suites."""
    expect(test["result"] in ("valid", "invalid"), "unexpected result")
    valid = test["result"] == "valid"
    try:
        pk = signatures.Ed25519PublicKey.from_public_bytes(h(group["publicKey"]["pk"]))
    except InvalidKey:
        expect(not valid, "valid test under a rejected key")
        return
    msg, sig = h(test["msg"]), h(test["sig"])
    if valid:
        pk.verify(sig, msg)
    else:
        expect_raises(InvalidSignature, lambda: pk.verify(sig, msg))
    expect(signatures.verify_many([(pk, sig, msg)]) == [valid], "verify_many disagrees")


# --- ML-DSA ----------------------------------------------------------------------------------

_MLDSA_PRIVATE: dict[str, Any] = signatures.PRIVATE_KEY_CLASSES
_MLDSA_PUBLIC: dict[str, Any] = signatures.PUBLIC_KEY_CLASSES


def _mldsa_valid_sign(sk: Any, pk: Any, t: dict[str, Any]) -> None:
    """The signature is reproduced from msg (and ctx, rnd) and/or from mu."""
    ctx = h(t.get("ctx", ""))
    rnd = h(t["rnd"]) if "rnd" in t else bytes(32)
    want = h(t["sig"])
    if "msg" in t:
        msg = h(t["msg"])
        expect(hazmat.mldsa_sign_with_rnd(sk, msg, ctx, rnd) == want, "Sign: signature differs")
        if "rnd" not in t:
            expect(hazmat.sign_deterministic(sk, msg, ctx) == want, "sign_deterministic differs")
        pk.verify(want, msg, ctx)
        if "mu" in t:
            expect(pk.compute_mu(msg, ctx) == h(t["mu"]), "mu differs")
    if "mu" in t:
        expect(hazmat.mldsa_sign_mu_with_rnd(sk, h(t["mu"]), rnd) == want, "sign_mu differs")
        pk.verify_mu(want, h(t["mu"]))


def _mldsa_sign(
    seeded: bool, doc: dict[str, Any], group: dict[str, Any], t: dict[str, Any]
) -> None:
    algorithm = doc["algorithm"]

    def load() -> Any:
        if seeded:
            return _MLDSA_PRIVATE[algorithm].from_seed_bytes(h(group["privateSeed"]))
        return hazmat.mldsa_from_expanded_bytes(_MLDSA_PRIVATE[algorithm], h(group["privateKey"]))

    if t["result"] == "valid":
        sk = load()
        pk = sk.public_key()
        expect(pk.public_bytes_raw() == h(group["publicKey"]), "public key differs")
        _mldsa_valid_sign(sk, pk, t)
        return
    expect(t["result"] == "invalid", f"unexpected result {t['result']!r}")

    def load_and_sign() -> None:  # loading the key or signing must raise ValueError
        sk = load()
        rnd = h(t.get("rnd", "00" * 32))
        if "msg" in t:
            hazmat.mldsa_sign_with_rnd(sk, h(t["msg"]), h(t.get("ctx", "")), rnd)
        if "mu" in t:
            hazmat.mldsa_sign_mu_with_rnd(sk, h(t["mu"]), rnd)

    expect_raises(ValueError, load_and_sign)


def _mldsa_verify(doc: dict[str, Any], group: dict[str, Any], t: dict[str, Any]) -> None:
    cls = _MLDSA_PUBLIC[doc["algorithm"]]
    msg, ctx, sig = h(t["msg"]), h(t.get("ctx", "")), h(t["sig"])
    if t["result"] == "valid":
        cls.from_public_bytes(h(group["publicKey"])).verify(sig, msg, ctx)
        return
    expect(t["result"] == "invalid", f"unexpected result {t['result']!r}")
    # A bad public-key length or an over-long context is a caller error (ValueError);
    # everything else is the opaque InvalidSignature.
    exc = expect_raises(
        (InvalidSignature, ValueError),
        lambda: cls.from_public_bytes(h(group["publicKey"])).verify(sig, msg, ctx),
    )
    if type(exc) is ValueError:
        flags = set(t["flags"])
        expect(bool(flags & {"IncorrectPublicKeyLength", "InvalidContext"}), f"ValueError {flags}")


SCHEMAS: dict[str, _Check] = {
    "mlkem_test_schema.json": _mlkem_decaps,
    "mlkem_encaps_test_schema.json": _mlkem_encaps,
    "mlkem_keygen_seed_test_schema.json": _mlkem_keygen,
    "mlkem_semi_expanded_decaps_test_schema.json": _mlkem_expanded_decaps,
    "xdh_comp_schema_v1.json": _x25519,
    "eddsa_verify_schema_v1.json": _ed25519,
    "mldsa_sign_seed_schema.json": partial(_mldsa_sign, True),
    "mldsa_sign_noseed_schema.json": partial(_mldsa_sign, False),
    "mldsa_verify_schema.json": _mldsa_verify,
}
"""Wycheproof schema -> the check of one test (document, group, test)."""


def _algorithm(doc: dict[str, Any], group: dict[str, Any]) -> str:
    if "parameterSet" in group:
        return str(group["parameterSet"])
    if doc["algorithm"] == "XDH":
        return "X25519" if group.get("curve") == "curve25519" else str(group.get("curve"))
    if doc["algorithm"] == "EDDSA":
        curve = group.get("publicKey", {}).get("curve")
        return {"edwards25519": "Ed25519", "edwards448": "Ed448"}.get(curve, str(curve))
    return str(doc["algorithm"])


def _check_one(
    check: _Check, doc: dict[str, Any], group: dict[str, Any], test: dict[str, Any]
) -> None:
    expect(test["result"] in _RESULTS, f"unknown result {test['result']!r}")
    check(doc, group, test)


def _load(path: Path) -> Cases:
    doc = load_json(path)
    check = SCHEMAS.get(doc["schema"])
    cases = []
    for group, test in groups_tests(doc):
        algorithm = _algorithm(doc, group)
        if check is None:
            cases.append(Case(case_id(test), algorithm, None, f"no check for {doc['schema']}"))
        else:
            cases.append(
                Case(case_id(test), algorithm, partial(_check_one, check, doc, group, test))
            )
    return Cases(cases, doc["numberOfTests"])


# --- key encodings ---------------------------------------------------------------------------


def _public_encoding(cls: Any, raw: bytes, expected: Any, field: str, value: str) -> None:
    data = h(value) if field.endswith("Der") else value.encode()
    load = load_der_public_key if field.endswith("Der") else load_pem_public_key
    if expected is None:  # an invalid key: every encoding of it must be refused too
        expect_raises(ValueError, lambda: load(data))
        return
    key = load(data)
    expect(key == expected, "the encoded key differs from the raw one")
    expect(key.public_bytes_raw() == raw, "raw bytes differ")
    if field.endswith("Der"):
        expect(
            key.public_bytes(Encoding.DER, PublicFormat.SubjectPublicKeyInfo) == data,
            "SPKI round trip",
        )


_PUBLIC_CLASSES: dict[str, Any] = {"EDDSA": signatures.Ed25519PublicKey, **_MLDSA_PUBLIC}


def _load_public_encodings(path: Path) -> Cases:
    doc = load_json(path)
    cls = _PUBLIC_CLASSES[doc["algorithm"]]
    cases = []
    for i, group in enumerate(doc["testGroups"]):
        key = group["publicKey"]
        raw = h(key["pk"] if isinstance(key, dict) else key)
        try:
            expected = cls.from_public_bytes(raw)
        except ValueError:
            expected = None
        for field in ("publicKeyDer", "publicKeyPem"):
            if field in group:
                check = partial(_public_encoding, cls, raw, expected, field, group[field])
                cases.append(
                    Case(f"group {i} {field}", f"{_algorithm(doc, group)} (key encoding)", check)
                )
    return Cases(cases)


def _private_pkcs8(cls: Any, group: dict[str, Any]) -> None:
    der = h(group["privateKeyPkcs8"])
    if not der:
        # Groups with a seed of the wrong length carry no encoding: both are refused.
        expect_raises(EncodingError, lambda: load_der_private_key(der))
        expect_raises(ValueError, lambda: cls.from_seed_bytes(h(group["privateSeed"])))
        return
    sk = load_der_private_key(der)
    expect(type(sk) is cls, f"loaded as {type(sk).__name__}")
    expect(sk.private_bytes_raw() == h(group["privateSeed"]), "seed differs")
    expect(sk.public_key().public_bytes_raw() == h(group["publicKey"]), "public key differs")
    expect(sk.private_bytes(Encoding.DER, PrivateFormat.PKCS8) == der, "PKCS#8 round trip")


def _load_private_pkcs8(path: Path) -> Cases:
    doc = load_json(path)
    cls = _MLDSA_PRIVATE[doc["algorithm"]]
    cases = [
        Case(
            f"group {i}", f"{doc['algorithm']} (key encoding)", partial(_private_pkcs8, cls, group)
        )
        for i, group in enumerate(doc["testGroups"])
        if "privateKeyPkcs8" in group
    ]
    return Cases(cases)


def _jwk(group: dict[str, Any]) -> None:
    key: Any = jose.from_jwk(group["publicKeyJwk"])
    expect(type(key) is signatures.Ed25519PublicKey, f"loaded as {type(key).__name__}")
    expect(key.public_bytes_raw() == h(group["publicKey"]["pk"]), "raw bytes differ")
    expect(jose.to_jwk(key)["x"] == group["publicKeyJwk"]["x"], "JWK round trip")


def _load_jwk(path: Path) -> Cases:
    doc = load_json(path)
    cases = [
        Case(f"group {i}", "Ed25519 (key encoding)", partial(_jwk, group))
        for i, group in enumerate(doc["testGroups"])
        if "publicKeyJwk" in group
    ]
    return Cases(cases)


_SCHEMA_RE = re.compile(r'"schema"\s*:\s*"([^"]+)"')


def schema_of(path: Path) -> str | None:
    """The ``schema`` field of a Wycheproof file, read from its head; None if it has none."""
    try:
        with path.open(encoding="utf-8", errors="replace") as f:
            head = f.read(4096)
    except OSError:
        return None
    if '"testGroups"' not in head and '"numberOfTests"' not in head:
        return None
    match = _SCHEMA_RE.search(head)
    return match.group(1) if match else None


def suites(path: Path) -> list[Suite]:
    """The suites of one Wycheproof file: its tests, and the key encodings it carries."""
    schema = schema_of(path)
    if schema is None:
        return []
    out = [Suite(SOURCE, path.name, str(path), partial(_load, path), runs=schema in SCHEMAS)]
    if schema in ("eddsa_verify_schema_v1.json", "mldsa_verify_schema.json"):
        out.append(
            Suite(
                SOURCE,
                f"{path.name} publicKeyDer/Pem",
                str(path),
                partial(_load_public_encodings, path),
            )
        )
    if schema == "eddsa_verify_schema_v1.json":
        out.append(Suite(SOURCE, f"{path.name} publicKeyJwk", str(path), partial(_load_jwk, path)))
    if schema == "mldsa_sign_seed_schema.json":
        out.append(
            Suite(
                SOURCE,
                f"{path.name} privateKeyPkcs8",
                str(path),
                partial(_load_private_pkcs8, path),
            )
        )
    return out
