"""Ed25519 / Ed448 known answers: cryptography-vectors ``Ed25519/sign.input`` and
``Ed448/rfc8032.txt``, and Wycheproof ``ed25519_test.json`` through single and batch verification
(which must agree on every vector).
"""

from __future__ import annotations

from typing import Any

import pytest

from pqpay import signatures
from pqpay.exceptions import InvalidKey, InvalidSignature
from tests._support.vector_sources import (
    WYCHEPROOF_DIR,
    Tally,
    h,
    iter_groups_tests,
    load_shared_json,
    open_cryptography_vector,
    parse_blocks,
    source_name,
)

pytestmark = pytest.mark.vectors

ED25519_SIGN_INPUT = "asymmetric/Ed25519/sign.input"
ED448_RFC8032 = "asymmetric/Ed448/rfc8032.txt"
WYCHEPROOF_ED25519 = f"{WYCHEPROOF_DIR}/ed25519_test.json"


def test_ed25519_sign_input() -> None:
    """SUPERCOP sign.input: sk‖pk : pk : msg : sig‖msg (1024 lines)."""
    tally = Tally(source_name("cryptography-vectors", ED25519_SIGN_INPUT))
    with open_cryptography_vector(ED25519_SIGN_INPUT) as f:
        lines = [line for line in f.read().splitlines() if line.strip()]
    for n, line in enumerate(lines):
        with tally.case(f"line {n + 1}"):
            fields = line.split(":")
            assert len(fields) == 5 and fields[4] == "", "malformed line"
            skpk, pk, msg, sigmsg = (h(x) for x in fields[:4])
            sig = sigmsg[:64]
            assert sigmsg[64:] == msg, "sig‖msg does not end with msg"
            sk = signatures.Ed25519PrivateKey.from_private_bytes(skpk[:32])
            assert skpk[32:] == pk
            assert sk.public_key().public_bytes_raw() == pk, "public key differs"
            assert sk.sign(msg) == sig, "signature differs"
            assert sk.private_bytes_raw() == skpk[:32]
            signatures.Ed25519PublicKey.from_public_bytes(pk).verify(sig, msg)
    tally.finish(expected=1024)


def test_ed448_rfc8032() -> None:
    """RFC 8032 §7.4 Ed448 (blocks COUNT / SECRET / PUBLIC / MESSAGE / [CONTEXT] / SIGNATURE)."""
    tally = Tally(source_name("cryptography-vectors", ED448_RFC8032))
    with open_cryptography_vector(ED448_RFC8032) as f:
        blocks = list(parse_blocks(f))
    for b in blocks:
        with tally.case(f"COUNT={b['COUNT']}"):
            assert set(b) <= {"COUNT", "SECRET", "PUBLIC", "MESSAGE", "CONTEXT", "SIGNATURE"}
            sk = signatures.Ed448PrivateKey.from_private_bytes(h(b["SECRET"]))
            msg, ctx, sig = h(b["MESSAGE"]), h(b.get("CONTEXT", "")), h(b["SIGNATURE"])
            assert sk.public_key().public_bytes_raw() == h(b["PUBLIC"]), "public key differs"
            assert sk.sign(msg, ctx) == sig, "signature differs"
            pk = signatures.Ed448PublicKey.from_public_bytes(h(b["PUBLIC"]))
            pk.verify(sig, msg, ctx)
            with pytest.raises(InvalidSignature):
                pk.verify(sig, msg, ctx + b"x")
    tally.finish()
    assert tally.ran >= 9


def _case_id(test: dict[str, Any]) -> str:
    parts = [f"tcId={test['tcId']}", test["result"]]
    if test.get("flags"):
        parts.append("[" + ",".join(test["flags"]) + "]")
    if test.get("comment"):
        parts.append(repr(test["comment"]))
    return " ".join(parts)


def test_wycheproof_ed25519_single_and_batch() -> None:
    """Every test: single verification gives the expected result, and verify_many gives the
    same answer alone, inside the whole file's batch and among valid signatures. The DER/PEM/JWK
    key fields are left to the encoding tests; the raw ``pk`` is used."""
    doc = load_shared_json(WYCHEPROOF_ED25519)
    tally = Tally(source_name("Wycheproof", WYCHEPROOF_ED25519))
    cases: list[tuple[str, Any, bytes, bytes, bool]] = []
    for group, test in iter_groups_tests(doc):
        with tally.case(_case_id(test)):
            assert test["result"] in ("valid", "invalid"), "unexpected result"
            valid = test["result"] == "valid"
            try:
                pk = signatures.Ed25519PublicKey.from_public_bytes(h(group["publicKey"]["pk"]))
            except InvalidKey:
                assert not valid, "valid test under a rejected key"
                continue
            msg, sig = h(test["msg"]), h(test["sig"])
            if valid:
                pk.verify(sig, msg)
            else:
                with pytest.raises(InvalidSignature):
                    pk.verify(sig, msg)
            assert signatures.verify_many([(pk, sig, msg)]) == [valid]
            cases.append((_case_id(test), pk, sig, msg, valid))
    tally.finish(expected=doc["numberOfTests"])
    items = [(pk, sig, msg) for _, pk, sig, msg, _ in cases]
    expected = [valid for *_, valid in cases]
    for _ in range(3):  # fresh batch randomness each time
        assert signatures.verify_many(items) == expected
        good = [item for item, ok in zip(items, expected, strict=True) if ok]
        for (cid, *_, valid), item in zip(cases, items, strict=True):
            got = signatures.verify_many([*good[:15], item])
            assert got == [True] * len(good[:15]) + [valid], cid
