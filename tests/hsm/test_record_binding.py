"""The sealed record binds the label and the token key (issue 12, S-12 hsm): a record's seed
opens only under its own label (record format 2; format 1 records, sealed before the label was
bound, still open), and the Ed25519 public key a record publishes (alone, or as the composite's
second half) is checked against the token's key once per handle. On both backends."""

from __future__ import annotations

import dataclasses
import json
import secrets
import uuid
from typing import Any

import pytest

from pqpay import kem, signatures
from pqpay.exceptions import SealedKeyError
from pqpay.hsm import Algorithm, DecapsulationHandle, KeyHandle, KeyStore, SigningHandle
from pqpay.hsm import record as hsm_record
from pqpay.hsm.record import Record, sealing_aad
from tests._support.hsm_util import BACKENDS, make_store


@pytest.fixture(params=BACKENDS)
def store(request: pytest.FixtureRequest) -> KeyStore:
    return make_store(request.param)


def _label() -> str:
    return f"bind-{uuid.uuid4().hex[:12]}"


def _tampered(handle: KeyHandle, **changes: Any) -> KeyHandle:
    return KeyHandle._make(handle._store, dataclasses.replace(handle._record, **changes))


def _use(handle: KeyHandle) -> None:
    if isinstance(handle, SigningHandle):
        handle.public_key().verify(handle.sign(b"m", b"c"), b"m", b"c")
    else:
        assert isinstance(handle, DecapsulationHandle)
        shared, ct = handle.public_key().encapsulate()
        assert handle.decapsulate(ct) == shared


@pytest.mark.parametrize("alg", [Algorithm.MLDSA65_ED25519, Algorithm.XWING], ids=str)
def test_a_sealed_seed_does_not_open_under_another_label(store: KeyStore, alg: Algorithm) -> None:
    handle = store.create(_label(), alg)
    _use(handle)
    moved = _tampered(handle, label=_label())
    with pytest.raises(SealedKeyError, match="did not authenticate"):
        _use(moved)


def test_new_records_are_format_2(store: KeyStore) -> None:
    handle = store.create(_label(), Algorithm.MLKEM768)
    assert handle._record.format == hsm_record.RECORD_FORMAT == 2
    assert json.loads(handle._record.to_bytes())["format"] == 2
    aad = handle._record.aad()
    assert aad.endswith(bytes([len(handle.label)]) + handle.label.encode())
    assert aad != sealing_aad(handle._record.handle_id, handle.algorithm, handle.version)


def test_format_1_records_still_open(store: KeyStore) -> None:
    """A record as pqpay wrote it before issue 12: sealed under the label-less AAD."""
    backend = store.backend
    key = kem.MLKEM768PrivateKey.generate()
    handle_id, nonce, kek = secrets.token_bytes(16), secrets.token_bytes(12), backend.kek_id()
    alg = Algorithm.MLKEM768
    record = Record(
        handle_id=handle_id,
        label=_label(),
        algorithm=alg,
        version=1,
        created=0,
        public_key=key.public_key().public_bytes_raw(),
        kek_id=kek,
        nonce=nonce,
        sealed_seed=backend.seal(
            kek, nonce, sealing_aad(handle_id, alg, 1), key.private_bytes_raw()
        ),
        format=1,
    )
    stored = record.to_bytes()
    assert json.loads(stored)["format"] == 1
    backend.store_record(handle_id, stored)
    old = store.decapsulation_key(record.label)
    assert old._record.format == 1
    shared, ct = old.public_key().encapsulate()
    assert old.decapsulate(ct) == shared == key.decapsulate(ct)
    # Its label is not bound (format 1), which is why rotate() moves a label to format 2.
    assert store.rotate(record.label)._record.format == 2


@pytest.mark.parametrize("alg", [Algorithm.MLDSA65_ED25519, Algorithm.ED25519], ids=str)
def test_record_ed25519_key_must_be_the_token_key(store: KeyStore, alg: Algorithm) -> None:
    handle = store.create(_label(), alg)
    other = signatures.Ed25519PrivateKey.generate().public_key().public_bytes_raw()
    if alg is Algorithm.ED25519:
        public = other
    else:
        mldsa_pk, _ = signatures.MLDSA65Ed25519PublicKey.split_public_key(handle._record.public_key)
        public = signatures.MLDSA65Ed25519PublicKey.join_public_key(mldsa_pk, other)
    swapped = _tampered(handle, public_key=public)
    assert isinstance(swapped, SigningHandle)
    context = b"" if alg is Algorithm.ED25519 else b"c"
    with pytest.raises(SealedKeyError, match="not the token's key"):
        swapped.sign(b"m", context)
    handle.public_key().verify(handle.sign(b"m", context), b"m", context)


def test_the_token_key_is_checked_once_per_handle(
    store: KeyStore, monkeypatch: pytest.MonkeyPatch
) -> None:
    handle = store.create(_label(), Algorithm.MLDSA65_ED25519)
    assert isinstance(handle, SigningHandle)
    calls: list[bytes] = []
    real = store.backend.ed25519_public

    def spy(key_id: bytes) -> bytes:
        calls.append(key_id)
        return real(key_id)

    monkeypatch.setattr(store.backend, "ed25519_public", spy)
    for _ in range(3):
        handle.sign(b"m")
    assert calls == [handle._record.handle_id]
    fresh = KeyStore(store.backend).get(handle.handle_id)  # another store: its own handle
    assert isinstance(fresh, SigningHandle)
    fresh.sign(b"m")
    assert len(calls) == 2
