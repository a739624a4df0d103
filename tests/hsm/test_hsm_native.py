"""The native helpers behind pqpay.hsm: composite M' and Label, bare AES-256-GCM."""

from __future__ import annotations

import hashlib
import os

import pytest
from cryptography.hazmat.primitives.ciphers.aead import AESGCM

from pqpay import _native
from pqpay.exceptions import InvalidTag, UnsupportedAlgorithm

PREFIX = b"CompositeAlgorithmSignatures2025"


@pytest.mark.parametrize(
    ("alg", "label"),
    [
        ("MLDSA65-Ed25519-SHA512", b"COMPSIG-MLDSA65-Ed25519-SHA512"),
        ("MLDSA44-Ed25519-SHA512", b"COMPSIG-MLDSA44-Ed25519-SHA512"),
        ("MLDSA65-ECDSA-P256-SHA512", b"COMPSIG-MLDSA65-ECDSA-P256-SHA512"),
    ],
)
@pytest.mark.parametrize("ctx", [b"", b"ctx", bytes(255)])
def test_message_representative(alg: str, label: bytes, ctx: bytes) -> None:
    data = os.urandom(100)
    want = PREFIX + label + bytes([len(ctx)]) + ctx + hashlib.sha512(data).digest()
    assert _native.composite_message_representative(alg, data, ctx) == want
    assert _native.composite_label(alg) == label


def test_message_representative_shake_and_errors() -> None:
    data = b"The quick brown fox jumps over the lazy dog."
    want = PREFIX + b"COMPSIG-MLDSA87-Ed448-SHAKE256\x00" + hashlib.shake_256(data).digest(64)
    assert _native.composite_message_representative("MLDSA87-Ed448-SHAKE256", data, b"") == want
    with pytest.raises(ValueError, match="255"):
        _native.composite_message_representative("MLDSA65-Ed25519-SHA512", data, bytes(256))
    with pytest.raises(UnsupportedAlgorithm):
        _native.composite_message_representative("ML-DSA-65", data, b"")
    with pytest.raises(UnsupportedAlgorithm):
        _native.composite_label("Ed25519")


def test_aes256gcm_interoperates_with_pyca() -> None:
    key, nonce, aad = os.urandom(32), os.urandom(12), b"aad"
    for pt in (b"", os.urandom(32), os.urandom(64), os.urandom(1000)):
        ct = _native.aes256gcm_seal(key, nonce, aad, pt)
        assert ct == AESGCM(key).encrypt(nonce, pt, aad)
        opened = _native.aes256gcm_open(key, nonce, aad, ct)
        assert isinstance(opened, bytearray) and opened == pt
        assert _native.aes256gcm_open(key, nonce, aad, AESGCM(key).encrypt(nonce, pt, aad)) == pt


def test_aes256gcm_rejects() -> None:
    key, nonce = os.urandom(32), os.urandom(12)
    ct = _native.aes256gcm_seal(key, nonce, b"a", b"seed" * 8)
    for args in (
        (key, nonce, b"b", ct),
        (key, nonce, b"a", ct[:-1]),
        (key, nonce, b"a", bytes([ct[0] ^ 1]) + ct[1:]),
        (os.urandom(32), nonce, b"a", ct),
        (key, os.urandom(12), b"a", ct),
        (key, nonce, b"a", b""),
    ):
        with pytest.raises(InvalidTag):
            _native.aes256gcm_open(*args)
    with pytest.raises(ValueError, match="key must be 32 bytes long, got 16"):
        _native.aes256gcm_seal(key[:16], nonce, b"", b"x")
    with pytest.raises(ValueError, match="nonce must be 12 bytes long, got 16"):
        _native.aes256gcm_open(key, os.urandom(16), b"", ct)
