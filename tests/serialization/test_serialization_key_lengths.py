"""A well-formed PKCS#8 / SPKI envelope whose key has the wrong length for its OID raises
InvalidKey (documented), not a bare ValueError (found by tests/fuzz, target ``keys``: an
Ed25519 PKCS#8 with its OID switched to Ed448)."""

from __future__ import annotations

import pytest

from pqpay import serialization
from pqpay.exceptions import InvalidKey, InvalidPassword
from pqpay.signatures import Ed25519PrivateKey, MLDSA44PrivateKey
from tests._support import pbes2

ED25519_OID = bytes.fromhex("06032b6570")
ED448_OID = bytes.fromhex("06032b6571")
Enc, PrivF, PubF = serialization.Encoding, serialization.PrivateFormat, serialization.PublicFormat


def _ed25519_as_ed448(der: bytes) -> bytes:
    assert der.count(ED25519_OID) == 1
    return der.replace(ED25519_OID, ED448_OID)


KEY = Ed25519PrivateKey.from_private_bytes(bytes(range(32)))
PKCS8 = _ed25519_as_ed448(KEY.private_bytes(Enc.DER, PrivF.PKCS8, serialization.NoEncryption()))
SPKI = _ed25519_as_ed448(KEY.public_key().public_bytes(Enc.DER, PubF.SubjectPublicKeyInfo))


def _pem(der: bytes, label: str) -> bytes:
    import base64

    body = base64.encodebytes(der).decode().replace("\n", "")
    return f"-----BEGIN {label}-----\n{body}\n-----END {label}-----\n".encode()


@pytest.mark.parametrize(
    ("load", "data"),
    [
        (serialization.load_der_private_key, PKCS8),
        (serialization.load_pem_private_key, _pem(PKCS8, "PRIVATE KEY")),
        (serialization.load_der_public_key, SPKI),
        (serialization.load_pem_public_key, _pem(SPKI, "PUBLIC KEY")),
    ],
)
def test_wrong_length_for_the_oid_is_invalid_key(load: object, data: bytes) -> None:
    with pytest.raises(InvalidKey, match="57 bytes"):
        load(data)  # type: ignore[operator]


def test_encrypted_wrong_length_is_invalid_password() -> None:
    # Inside an encrypted envelope any failure after decryption is the documented, opaque
    # InvalidPassword ("wrong password, or the encrypted key is damaged"): no detail to probe.
    encrypted = pbes2.encrypt(PKCS8, b"pw")
    with pytest.raises(InvalidPassword):
        serialization.load_der_private_key(encrypted, b"pw")


def test_other_errors_keep_their_class() -> None:
    # A truncated envelope is still an EncodingError (also a ValueError), not turned into
    # InvalidKey; a valid key still loads.
    from pqpay.exceptions import EncodingError

    spki = MLDSA44PrivateKey.from_seed_bytes(bytes(32)).public_key()
    der = spki.public_bytes(Enc.DER, PubF.SubjectPublicKeyInfo)
    with pytest.raises(EncodingError):
        serialization.load_der_public_key(der[:-1])
    assert serialization.load_der_public_key(der) == spki
