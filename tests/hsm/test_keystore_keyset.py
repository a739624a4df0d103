"""``KeyStore.key_set``: a label's versions as a key set of handles (newest primary, older ones
enabled or retired), with the same key ids as a file key set, signing COSE envelopes that
verifiers check by kid from the public set alone."""

from __future__ import annotations

import uuid

import pytest

from pqpay import payments
from pqpay.exceptions import KeySetError, RetiredKeyId
from pqpay.hsm import Algorithm
from pqpay.keyset import KeySet, KeyStatus, key_id
from tests._support.hsm_util import make_store

MESSAGE = {"id": "pay_hsm", "amount": {"value": 5, "currency": "EUR"}}


@pytest.mark.parametrize("kind", ["software", "softhsm"])
def test_versions_become_a_key_set(kind: str) -> None:
    store = make_store(kind)
    label = f"keyset-{uuid.uuid4().hex[:12]}"
    v1 = store.create(label, Algorithm.MLDSA65_ED25519)
    old = payments.sign_payment_cose(store.key_set(label).signer(), MESSAGE)
    store.rotate(label)
    store.rotate(label)
    keys = store.key_set(label)
    assert [(e.version, e.status) for e in keys.entries] == [
        (1, KeyStatus.ENABLED),
        (2, KeyStatus.ENABLED),
        (3, KeyStatus.PRIMARY),
    ]
    assert all(e.kid == key_id(e.public_key) for e in keys.entries)
    assert keys.entries[0].kid == key_id(v1.public_key())
    new = payments.sign_payment_cose(keys.signer(), MESSAGE)
    public = KeySet.from_json(keys.public_keyset().to_json())  # what verifiers are given
    assert payments.decode_cose(new).kid == keys.primary.kid.encode()
    assert payments.verify_payment_cose(public, new) == MESSAGE
    assert payments.verify_payment_cose(public, old) == MESSAGE  # v1 keeps verifying
    retired = store.key_set(label, retired_below=2)
    assert retired.entries[0].status is KeyStatus.RETIRED
    with pytest.raises(RetiredKeyId):
        payments.verify_payment_cose(retired.public_keyset(), old)
    with pytest.raises(KeySetError, match="newest version"):
        store.key_set(label, retired_below=4)
    with pytest.raises(TypeError, match="stays in the key store"):
        keys.to_json(b"passphrase")
