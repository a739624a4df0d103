"""HPKE (RFC 9180 base mode): every supported vector end to end, pyca interop, and errors.

The vectors (``HPKE/test-vectors.json``, RFC 9180, and ``HPKE/hpke-pq-test-vectors.json``,
draft-ietf-hpke-pq, from ``cryptography-vectors``: DeriveKeyPair, SetupBaseS with ikmE, every
encryption and export) run in the conformance runner (pqpay/conformance/_nist.py).
"""

from __future__ import annotations

import hashlib
from typing import Any

import pytest
from cryptography.hazmat.primitives import hpke as pyca_hpke
from cryptography.hazmat.primitives.asymmetric import ec, mlkem, x25519

from pqpay import kem
from pqpay.exceptions import InvalidKey, InvalidTag, UnsupportedAlgorithm
from pqpay.hpke import AEAD, KDF, KEM, Suite

# --- interop with pyca/cryptography -------------------------------------------------------


def _pyca_xwing(seed: bytes) -> Any:
    expanded = hashlib.shake_256(seed).digest(96)
    return pyca_hpke.MLKEM768X25519PrivateKey(
        mlkem.MLKEM768PrivateKey.from_seed_bytes(expanded[:64]),
        x25519.X25519PrivateKey.from_private_bytes(expanded[64:]),
    )


def _pyca_mlkem1024_p384(seed: bytes) -> Any:
    expanded = hashlib.shake_256(seed).digest(64 + 48)
    scalar = int.from_bytes(expanded[64:], "big")
    order = int(
        "FFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFC7634D81F4372DDF581A0DB248B0A77AECEC196ACCC52973",
        16,
    )
    assert 0 < scalar < order  # else the draft takes no candidate; probability ~2^-190
    return pyca_hpke.MLKEM1024P384PrivateKey(
        mlkem.MLKEM1024PrivateKey.from_seed_bytes(expanded[:64]),
        ec.derive_private_key(scalar, ec.SECP384R1()),
    )


INTEROP = [
    pytest.param(KEM.MLKEM768_X25519, kem.XWingPrivateKey, _pyca_xwing, 1120, id="X-Wing"),
    pytest.param(
        KEM.MLKEM1024_P384, kem.MLKEM1024P384PrivateKey, _pyca_mlkem1024_p384, 1665, id="P384"
    ),
]
SUITES = [
    (KDF.HKDF_SHA256, AEAD.AES_128_GCM),
    (KDF.HKDF_SHA512, AEAD.CHACHA20_POLY1305),
    (KDF.SHAKE256, AEAD.AES_256_GCM),
]


@pytest.mark.parametrize(("kem_id", "cls", "pyca_key", "nenc"), INTEROP)
@pytest.mark.parametrize(("kdf", "aead"), SUITES, ids=lambda x: x.name)
def test_interop_with_pyca(
    kem_id: KEM, cls: Any, pyca_key: Any, nenc: int, kdf: KDF, aead: AEAD
) -> None:
    seed = hashlib.sha256(f"{kem_id}{kdf}{aead}".encode()).digest()
    ours = cls.from_seed_bytes(seed)
    theirs = pyca_key(seed)
    suite = Suite(kem_id, kdf, aead)
    pyca_suite = pyca_hpke.Suite(
        getattr(pyca_hpke.KEM, kem_id.name),
        getattr(pyca_hpke.KDF, kdf.name),
        getattr(pyca_hpke.AEAD, aead.name),
    )
    payload = b'{"pan":"4111111111111111","amount_minor":12999}'
    info = b"pqpay interop"
    blob = pyca_suite.encrypt(payload, theirs.public_key(), info=info)
    assert suite.open(ours, blob[:nenc], blob[nenc:], info=info) == payload
    enc, ct = suite.seal(ours.public_key(), payload, info=info)
    assert pyca_suite.decrypt(enc + ct, theirs, info=info) == payload


# --- API behaviour and errors -------------------------------------------------------------

XWING_SUITE = Suite(KEM.MLKEM768_X25519, KDF.HKDF_SHA256, AEAD.AES_256_GCM)


def test_context_round_trip_in_order_and_export() -> None:
    sk = kem.XWingPrivateKey.generate()
    enc, sender = XWING_SUITE.setup_sender(sk.public_key(), info=b"ctx")
    receiver = XWING_SUITE.setup_receiver(sk, enc, info=b"ctx")
    messages = [bytes([i]) * (i * 37) for i in range(6)]
    cts = [sender.seal(m, aad=b"a%d" % i) for i, m in enumerate(messages)]
    assert [receiver.open(c, aad=b"a%d" % i) for i, c in enumerate(cts)] == messages
    assert sender.sequence_number == receiver.sequence_number == 6
    assert sender.export(b"label", 48) == receiver.export(b"label", 48)
    assert sender.export(b"label", 48) != sender.export(b"other", 48)


def test_tampering_raises_opaque_invalid_tag() -> None:
    sk = kem.XWingPrivateKey.generate()
    enc, ct = XWING_SUITE.seal(sk.public_key(), b"payload", aad=b"order-1")
    for bad_ct, aad, info in (
        (ct[:-1] + bytes([ct[-1] ^ 1]), b"order-1", b""),
        (ct, b"order-2", b""),
        (ct, b"order-1", b"other info"),
        (ct[:10], b"order-1", b""),
    ):
        with pytest.raises(InvalidTag) as err:
            XWING_SUITE.open(sk, enc, bad_ct, aad=aad, info=info)
        assert err.value.args == ()
    bad_enc = bytes([enc[0] ^ 1]) + enc[1:]  # implicit rejection, then the tag fails
    with pytest.raises(InvalidTag):
        XWING_SUITE.open(sk, bad_enc, ct, aad=b"order-1")


def test_out_of_order_open_fails_and_does_not_advance() -> None:
    sk = kem.MLKEM768PrivateKey.generate()
    suite = Suite(KEM.MLKEM768, KDF.HKDF_SHA256, AEAD.CHACHA20_POLY1305)
    enc, sender = suite.setup_sender(sk.public_key())
    receiver = suite.setup_receiver(sk, enc)
    first, second = sender.seal(b"one"), sender.seal(b"two")
    with pytest.raises(InvalidTag):
        receiver.open(second)
    assert receiver.sequence_number == 0
    assert receiver.open(first) == b"one"
    assert receiver.open(second) == b"two"


def test_key_of_another_kem_is_rejected() -> None:
    with pytest.raises(InvalidKey, match=r"X-Wing|ML-KEM-768"):
        XWING_SUITE.seal(kem.MLKEM768PrivateKey.generate().public_key(), b"x")


def test_wrong_enc_length_is_a_value_error() -> None:
    sk = kem.XWingPrivateKey.generate()
    with pytest.raises(ValueError, match="1120"):
        XWING_SUITE.setup_receiver(sk, b"\x00" * 1119)


def test_export_length_limit() -> None:
    suite = Suite(KEM.DHKEM_X25519_HKDF_SHA256, KDF.HKDF_SHA256, AEAD.EXPORT_ONLY)
    sk = kem.X25519PrivateKey.generate()
    _, sender = suite.setup_sender(sk.public_key())
    assert len(sender.export(b"", 255 * 32)) == 255 * 32
    with pytest.raises(ValueError, match="8160"):
        sender.export(b"", 255 * 32 + 1)
    with pytest.raises(UnsupportedAlgorithm, match="export-only"):
        sender.seal(b"no")


def test_unknown_identifiers_are_unsupported() -> None:
    with pytest.raises(ValueError):
        Suite(KEM(0x0010), KDF.HKDF_SHA256, AEAD.AES_128_GCM)
    from pqpay import _native

    with pytest.raises(UnsupportedAlgorithm, match="0x0010"):
        _native.HpkeSuite(0x0010, 1, 1)
    with pytest.raises(UnsupportedAlgorithm, match="0x0012"):
        _native.HpkeSuite(0x0020, 0x0012, 1)


def test_derive_key_pair_returns_the_suite_kem_class() -> None:
    for kem_id, cls in (
        (KEM.MLKEM512, kem.MLKEM512PrivateKey),
        (KEM.MLKEM768_P256, kem.MLKEM768P256PrivateKey),
        (KEM.DHKEM_X25519_HKDF_SHA256, kem.X25519PrivateKey),
    ):
        key = Suite(kem_id, KDF.HKDF_SHA256, AEAD.AES_128_GCM).derive_key_pair(b"\x01" * 32)
        assert type(key) is cls
