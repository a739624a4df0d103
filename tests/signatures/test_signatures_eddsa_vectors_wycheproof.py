"""Ed25519 Wycheproof ``ed25519_test.json`` through batch verification.

Each vector's single verification (and a one-item ``verify_many``) runs in the conformance
runner (suite ``Wycheproof: ed25519_test.json``); here ``verify_many`` must give the same answers
over the whole file's batch and for each vector among valid signatures.
"""

from __future__ import annotations

from typing import Any

import pytest

from pqpay import signatures
from pqpay.conformance import _wycheproof
from pqpay.exceptions import InvalidKey
from tests._support.vector_sources import WYCHEPROOF_DIR, h, load_shared_json

pytestmark = pytest.mark.vectors

WYCHEPROOF_ED25519 = f"{WYCHEPROOF_DIR}/ed25519_test.json"


def test_wycheproof_ed25519_batch() -> None:
    doc = load_shared_json(WYCHEPROOF_ED25519)
    cases: list[tuple[str, Any, bytes, bytes, bool]] = []
    for group in doc["testGroups"]:
        for test in group["tests"]:
            try:
                pk = signatures.Ed25519PublicKey.from_public_bytes(h(group["publicKey"]["pk"]))
            except InvalidKey:
                continue  # the runner checks that such a key has only invalid tests
            valid = test["result"] == "valid"
            cases.append((_wycheproof.case_id(test), pk, h(test["sig"]), h(test["msg"]), valid))
    assert len(cases) > 100
    items = [(pk, sig, msg) for _, pk, sig, msg, _ in cases]
    expected = [valid for *_, valid in cases]
    assert True in expected and False in expected
    for _ in range(3):  # fresh batch randomness each time
        assert signatures.verify_many(items) == expected
        good = [item for item, ok in zip(items, expected, strict=True) if ok]
        for (cid, *_, valid), item in zip(cases, items, strict=True):
            got = signatures.verify_many([*good[:15], item])
            assert got == [True] * len(good[:15]) + [valid], cid
