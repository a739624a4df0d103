"""HPKE open / setup_receiver with a decapsulation key that is not a pqpay.kem key (any object
with public_key() and decapsulate(), such as a pqpay.hsm handle)."""

from __future__ import annotations

import pytest

from pqpay import kem
from pqpay.exceptions import InvalidKey, InvalidTag, UnsupportedAlgorithm
from pqpay.hpke import AEAD, KDF, KEM, Suite

KEMS = list(KEM)


class Wrapped:
    """Hides a pqpay.kem key behind the two methods of the decapsulation-key protocol."""

    def __init__(self, key: kem.KEMPrivateKey[kem.KEMPublicKey]) -> None:
        self._key = key
        self.calls = 0

    def public_key(self) -> kem.KEMPublicKey:
        return self._key.public_key()

    def decapsulate(self, ciphertext: bytes) -> bytes:
        self.calls += 1
        return self._key.decapsulate(ciphertext)


@pytest.mark.parametrize("kem_id", KEMS, ids=lambda k: k.name)
def test_open_with_any_decapsulation_key(kem_id: KEM) -> None:
    suite = Suite(kem_id, KDF.HKDF_SHA256, AEAD.AES_128_GCM)
    key = suite.kem_private_key_class.generate()
    wrapped = Wrapped(key)
    enc, ct = suite.seal(key.public_key(), b"payload", info=b"i", aad=b"a")
    assert suite.open(wrapped, enc, ct, info=b"i", aad=b"a") == b"payload"
    assert wrapped.calls == 1
    # Same key schedule as the native path: contexts agree on exported secrets.
    native = suite.setup_receiver(key, enc, info=b"i")
    foreign = suite.setup_receiver(wrapped, enc, info=b"i")
    assert native.export(b"x", 48) == foreign.export(b"x", 48)
    with pytest.raises(InvalidTag):
        suite.open(wrapped, enc, ct, info=b"other", aad=b"a")
    with pytest.raises(ValueError):
        suite.open(wrapped, enc[:-1], ct, info=b"i", aad=b"a")


def test_wrong_kem_and_wrong_objects() -> None:
    suite = Suite(KEM.MLKEM768, KDF.HKDF_SHA256, AEAD.AES_256_GCM)
    other = Wrapped(kem.XWingPrivateKey.generate())
    with pytest.raises(InvalidKey, match="X-Wing"):
        suite.open(other, bytes(1088), bytes(32))
    assert other.calls == 0
    with pytest.raises(TypeError, match="decapsulate"):
        suite.open(object(), bytes(1088), bytes(32))  # type: ignore[arg-type]

    class BadPublic(Wrapped):
        def public_key(self) -> kem.KEMPublicKey:
            return b"not a key"  # type: ignore[return-value]

    with pytest.raises(TypeError, match="public key"):
        suite.setup_receiver(BadPublic(kem.MLKEM768PrivateKey.generate()), bytes(1088))

    class ShortSecret(Wrapped):
        def decapsulate(self, ciphertext: bytes) -> bytes:
            return b"\x00" * 31

    key = kem.MLKEM768PrivateKey.generate()
    enc, ct = suite.seal(key.public_key(), b"m")
    with pytest.raises(ValueError, match="32 bytes"):
        suite.open(ShortSecret(key), enc, ct)


def test_export_only_suite_refuses_open() -> None:
    suite = Suite(KEM.MLKEM768_X25519, KDF.HKDF_SHA256, AEAD.EXPORT_ONLY)
    key = kem.XWingPrivateKey.generate()
    enc, sender = suite.setup_sender(key.public_key())
    receiver = suite.setup_receiver(Wrapped(key), enc)
    assert receiver.export(b"e", 32) == sender.export(b"e", 32)
    with pytest.raises(UnsupportedAlgorithm):
        suite.open(Wrapped(key), enc, bytes(32))
