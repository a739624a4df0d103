"""Key sets (``pqpay.keyset``): one primary, stable key ids, rotation, the encrypted file (and
every way it can be bad), the public set, and lookup by kid in COSE, JWS and receipts."""

from __future__ import annotations

import base64
import json
import os
import stat
from dataclasses import replace
from pathlib import Path
from typing import Any

import pytest

from pqpay import _jcs, checkpoint, kem, payments, signatures
from pqpay.exceptions import (
    EncodingError,
    InvalidPassword,
    InvalidSignature,
    KeySetError,
    RetiredKeyId,
    UnknownKeyId,
)
from pqpay.keyset import KeySet, KeySetEntry, KeyStatus, key_id
from pqpay.ledger import Ledger

PASSWORD = b"key set passphrase"
JUNK_PEM = "-----BEGIN ENCRYPTED PRIVATE KEY-----\nMAA=\n-----END ENCRYPTED PRIVATE KEY-----\n"
MESSAGE = {"id": "pay_1", "amount": {"value": 1250, "currency": "EUR"}}


@pytest.fixture(scope="module")
def rotated() -> KeySet:
    """v1 ML-DSA-65 (enabled), v2 ML-DSA-65 (enabled), v3 Ed25519 (primary)."""
    return KeySet.generate("ML-DSA-65").add().add("Ed25519", primary=True)


@pytest.fixture(scope="module")
def stored(rotated: KeySet) -> bytes:
    return rotated.to_json(PASSWORD)


def test_one_primary_versions_and_stable_ids(rotated: KeySet) -> None:
    assert [e.version for e in rotated.entries] == [1, 2, 3]
    assert [e.status for e in rotated.entries] == [
        KeyStatus.ENABLED,
        KeyStatus.ENABLED,
        KeyStatus.PRIMARY,
    ]
    assert rotated.primary.algorithm == "Ed25519" and rotated.purpose == "signing"
    for e in rotated.entries:
        assert e.kid == key_id(e.public_key) and len(e.kid) == 16
        assert e.kid == key_id(e.private_key.public_key())
    promoted = rotated.promote(rotated.entries[0].kid)
    assert promoted.primary.version == 1
    assert promoted.get(rotated.entries[2].kid).status is KeyStatus.ENABLED
    retired = rotated.retire(rotated.entries[0].kid)
    assert retired.get(rotated.entries[0].kid).status is KeyStatus.RETIRED
    with pytest.raises(KeySetError, match="retired; a retired key is never primary"):
        retired.promote(rotated.entries[0].kid)
    with pytest.raises(KeySetError, match="is the primary"):
        rotated.retire(rotated.primary.kid)
    with pytest.raises(UnknownKeyId):
        rotated.promote("0" * 16)
    assert "private" not in repr(rotated) and "PRIVATE" not in repr(rotated.entries[0])


def test_constructor_names_what_is_wrong(rotated: KeySet) -> None:
    e1, e2, e3 = rotated.entries
    with pytest.raises(KeySetError, match="no primary"):
        KeySet([e1, e2])
    with pytest.raises(KeySetError, match="2 primary keys"):
        KeySet([e1, replace(e2, status=KeyStatus.PRIMARY), e3])
    with pytest.raises(KeySetError, match=f"duplicate key id {e1.kid}"):
        KeySet([e1, replace(e1, version=9), e3])
    with pytest.raises(KeySetError, match="duplicate version"):
        KeySet([e1, replace(e2, version=1), e3])
    with pytest.raises(KeySetError, match="does not match its key"):
        KeySet([replace(e1, kid=e2.kid), e3])
    with pytest.raises(KeySetError, match="at least one key"):
        KeySet([])
    with pytest.raises(KeySetError, match="all private keys or all public"):
        KeySet([replace(e1, private_key=None), e3])
    kem_key = kem.MLKEM768PrivateKey.generate()
    mixed = KeySetEntry(
        key_id(kem_key.public_key()), 7, KeyStatus.ENABLED, kem_key.public_key(), 0, kem_key
    )
    with pytest.raises(KeySetError, match="not both"):
        KeySet([e3, mixed])


def test_file_round_trip_and_public_set(rotated: KeySet, stored: bytes) -> None:
    loaded = KeySet.from_json(stored, PASSWORD)
    assert [(e.kid, e.version, e.status) for e in loaded.entries] == [
        (e.kid, e.version, e.status) for e in rotated.entries
    ]
    assert (
        loaded.primary.private_key.private_bytes_raw()
        == rotated.primary.private_key.private_bytes_raw()
    )
    doc = json.loads(stored)
    assert doc["format"] == "pqpay-keyset" and "mac" in doc
    for item in doc["keys"]:
        assert item["private_key"].startswith("-----BEGIN ENCRYPTED PRIVATE KEY-----")
    public = rotated.public_keyset()
    assert public.is_public and json.loads(public.to_json())["format"] == "pqpay-public-keyset"
    again = KeySet.from_json(public.to_json())
    assert [e.public_key for e in again.entries] == [e.public_key for e in rotated.entries]
    with pytest.raises(TypeError, match="pass password"):
        KeySet.from_json(stored)
    with pytest.raises(TypeError, match="not encrypted"):
        KeySet.from_json(public.to_json(), PASSWORD)
    with pytest.raises(TypeError, match="stored encrypted"):
        rotated.to_json()
    with pytest.raises(KeySetError, match="no private keys"):
        public.signer()


def test_wrong_password_is_invalid_password(stored: bytes) -> None:
    with pytest.raises(InvalidPassword, match="wrong password"):
        KeySet.from_json(stored, b"not it")


def test_truncated_files_are_key_set_errors(stored: bytes) -> None:
    for cut in (0, 1, len(stored) // 3, len(stored) // 2, len(stored) - 1):
        with pytest.raises(KeySetError):
            KeySet.from_json(stored[:cut], PASSWORD)


def test_bit_flips_are_typed_errors(stored: bytes) -> None:
    """Every flipped byte (a stride over the file) is a KeySetError or, inside an encrypted
    key, InvalidPassword; never another exception, never a set that loads."""
    for i in range(0, len(stored), max(1, len(stored) // 13)):
        flipped = bytearray(stored)
        flipped[i] ^= 0x01
        with pytest.raises((KeySetError, InvalidPassword)):
            KeySet.from_json(bytes(flipped), PASSWORD)


def _edit(stored: bytes, change: Any) -> bytes:
    doc = json.loads(stored)
    change(doc)
    return _jcs.canonicalize(doc)


def test_altered_metadata_is_caught_by_the_mac(stored: bytes) -> None:
    def unretire(doc: dict[str, Any]) -> None:
        doc["keys"][0]["created"] = 1

    with pytest.raises(KeySetError, match="mac does not match"):
        KeySet.from_json(_edit(stored, unretire), PASSWORD)

    def swap_status(doc: dict[str, Any]) -> None:
        doc["keys"][0]["status"], doc["keys"][2]["status"] = "primary", "enabled"

    with pytest.raises(KeySetError, match="mac does not match"):
        KeySet.from_json(_edit(stored, swap_status), PASSWORD)


@pytest.mark.parametrize(
    ("change", "message"),
    [
        (lambda d: d["keys"].__setitem__(0, {**d["keys"][0], "status": "primary"}), "2 primary"),
        (lambda d: d["keys"][2].__setitem__("status", "enabled"), "no primary"),
        (lambda d: d["keys"].append(dict(d["keys"][0], version=9)), "duplicate key id"),
        (lambda d: d["keys"][0].__setitem__("kid", d["keys"][1]["kid"]), "duplicate key id"),
        (lambda d: d["keys"][0].__setitem__("kid", "ab"), "16 hex digits"),
        (lambda d: d["keys"][0].__setitem__("status", "active"), "status must be"),
        (lambda d: d["keys"][0].__setitem__("algorithm", "ML-DSA-44"), "algorithm says"),
        (lambda d: d.__setitem__("version", 2), "version must be 1"),
        (lambda d: d.__setitem__("format", "other"), "format must be"),
        (lambda d: d.__setitem__("extra", 1), "members must be exactly"),
        (lambda d: d.__setitem__("keys", []), "non-empty list"),
        (lambda d: d["keys"][0].__setitem__("private_key", JUNK_PEM), "does not load"),
        (lambda d: d["keys"][0].__setitem__("private_key", "junk"), "not encrypted"),
    ],
)
def test_bad_sets_name_what_is_wrong(stored: bytes, change: Any, message: str) -> None:
    with pytest.raises(KeySetError, match=message):
        KeySet.from_json(_edit(stored, change), PASSWORD)


def test_an_unencrypted_key_is_refused(rotated: KeySet, stored: bytes) -> None:
    from pqpay.serialization import Encoding, PrivateFormat

    plain = rotated.entries[0].private_key.private_bytes(Encoding.PEM, PrivateFormat.PKCS8)
    bad = _edit(stored, lambda d: d["keys"][0].__setitem__("private_key", plain.decode()))
    with pytest.raises(KeySetError, match="not encrypted"):
        KeySet.from_json(bad, PASSWORD)
    assert isinstance(KeySetError("x"), EncodingError)


def test_save_is_atomic_with_mode_0600(rotated: KeySet, tmp_path: Path) -> None:
    path = tmp_path / "pay.keyset.json"
    rotated.save(path, PASSWORD)
    assert stat.S_IMODE(path.stat().st_mode) == 0o600
    assert KeySet.load(path, PASSWORD).primary.kid == rotated.primary.kid
    with pytest.raises(FileExistsError):
        rotated.save(path, PASSWORD)
    before = path.read_bytes()
    with pytest.raises(TypeError):  # fails before a byte is written: the old file stays
        rotated.save(path, None, force=True)
    assert path.read_bytes() == before and os.listdir(tmp_path) == [path.name]
    public = tmp_path / "pay.public.json"
    rotated.public_keyset().save(public)
    assert stat.S_IMODE(public.stat().st_mode) == 0o644


def test_cose_and_jws_name_the_key_and_verify_by_kid(rotated: KeySet) -> None:
    signer = rotated.signer()
    cose = payments.sign_payment_cose(signer, MESSAGE)
    assert payments.decode_cose(cose).kid == rotated.primary.kid.encode()
    body, jws = payments.sign_payment_jws(signer, MESSAGE)
    assert payments.jws_header(jws)["kid"] == rotated.primary.kid
    public = rotated.public_keyset()
    assert payments.verify_payment_cose(public, cose) == MESSAGE
    assert payments.verify_payment_jws(public, jws, body) == MESSAGE
    # Older versions keep verifying after a rotation.
    old = KeySet(
        [
            replace(e, status=KeyStatus.PRIMARY)
            if e.version == 1
            else replace(e, status=KeyStatus.ENABLED)
            for e in rotated.entries
        ]
    )
    old_cose = payments.sign_payment_cose(old.signer(), MESSAGE)
    assert payments.verify_payment_cose(public, old_cose) == MESSAGE
    # A retired key is refused by name, an unknown kid too; both are InvalidSignature.
    retired = public.retire(old.primary.kid)
    with pytest.raises(RetiredKeyId, match="retired") as info:
        payments.verify_payment_cose(retired, old_cose)
    assert info.value.kid == old.primary.kid and isinstance(info.value, InvalidSignature)
    other = KeySet.generate("ML-DSA-65").public_keyset()
    with pytest.raises(UnknownKeyId):
        payments.verify_payment_cose(other, cose)
    with pytest.raises(UnknownKeyId):
        payments.verify_payment_jws(other, jws, body)
    # An explicit kid overrides the signer's own.
    assert payments.decode_cose(payments.sign_payment_cose(signer, MESSAGE, kid=b"x")).kid == b"x"


def test_envelopes_without_kid_still_verify(rotated: KeySet) -> None:
    """Envelopes signed before key sets name no key: every key not retired is tried."""
    v1 = rotated.entries[0]
    cose = payments.sign_payment_cose(v1.private_key, MESSAGE)
    assert payments.decode_cose(cose).kid is None
    assert payments.verify_payment_cose(rotated.public_keyset(), cose) == MESSAGE
    with pytest.raises(InvalidSignature):
        payments.verify_payment_cose(rotated.retire(v1.kid), cose)
    # One public key still verifies a kid'd envelope, as before key sets.
    named = payments.sign_payment_cose(rotated.signer(), MESSAGE)
    assert payments.verify_payment_cose(rotated.primary.public_key, named) == MESSAGE


def test_a_bad_signature_under_the_named_key_is_invalid(rotated: KeySet) -> None:
    cose = bytearray(payments.sign_payment_cose(rotated.signer(), MESSAGE))
    cose[-5] ^= 1
    with pytest.raises(InvalidSignature) as info:
        payments.verify_payment_cose(rotated, bytes(cose))
    assert type(info.value) is InvalidSignature


def test_receipts_verify_by_kid(rotated: KeySet, tmp_path: Path) -> None:
    origin = "keyset.pqpay.test/log"
    note = checkpoint.Ed25519NoteSigner(origin, signatures.Ed25519PrivateKey.generate())
    with Ledger(str(tmp_path / "r.db"), origin, [note]) as log:
        named = payments.issue_receipts(log, rotated.signer(), [MESSAGE])[0]
        plain = payments.issue_receipts(log, rotated.entries[0].private_key, [MESSAGE])[0]
    public = rotated.public_keyset()
    for receipt in (named, plain):
        verified = payments.verify_receipt(receipt.to_json(), public, [note.vkey], origin=origin)
        assert verified.message == MESSAGE
    with pytest.raises(RetiredKeyId):
        payments.verify_receipt(
            payments.issue_receipts(
                Ledger(str(tmp_path / "r2.db"), origin, [note]),
                KeySet.from_keys([rotated.entries[0].private_key]).signer(),
                [MESSAGE],
            )[0],
            public.retire(rotated.entries[0].kid),
            [note.vkey],
            origin=origin,
        )


def test_kem_sets_and_pickling() -> None:
    keys = KeySet.generate("ML-KEM-768").add()
    assert keys.purpose == "kem"
    with pytest.raises(KeySetError, match="does not sign"):
        keys.signer()
    loaded = KeySet.from_json(keys.to_json(PASSWORD), PASSWORD)
    ss, ct = loaded.primary.public_key.encapsulate()
    assert keys.primary.private_key.decapsulate(ct) == ss
    import pickle

    with pytest.raises(TypeError):
        pickle.dumps(keys)


def test_hybrids_without_pkcs8_cannot_be_stored() -> None:
    from pqpay.exceptions import UnsupportedAlgorithm

    with pytest.raises(UnsupportedAlgorithm):
        KeySet.generate("X25519MLKEM768").to_json(PASSWORD)


def test_oversized_and_non_utf8_files(stored: bytes) -> None:
    with pytest.raises(KeySetError, match="at most"):
        KeySet.from_json(b" " * (5 << 20), PASSWORD)
    with pytest.raises(KeySetError):
        KeySet.from_json(b"\xff\xfe" + stored, PASSWORD)
    with pytest.raises(KeySetError):
        KeySet.from_json(base64.b64encode(stored), PASSWORD)


def test_input_types() -> None:
    with pytest.raises(TypeError):
        KeySet.from_json(5)  # type: ignore[arg-type]
    with pytest.raises(KeySetError, match="lone surrogate"):
        KeySet.from_json('{"format": "\ud800"}')
