"""Ed25519 Wycheproof ``ed25519_test.json`` through single and batch verification (which must
agree on every vector).
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
    source_name,
)

pytestmark = pytest.mark.vectors

WYCHEPROOF_ED25519 = f"{WYCHEPROOF_DIR}/ed25519_test.json"


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
