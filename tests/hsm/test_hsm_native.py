"""The native helpers behind pqpay.hsm: composite M' and Label, bare AES-256-GCM."""

from __future__ import annotations

import hashlib
import os
from typing import Any

import pytest
from cryptography.hazmat.primitives.ciphers.aead import AESGCM

from pqpay import _native, hazmat, signatures
from pqpay.exceptions import InvalidSignature, InvalidTag, UnsupportedAlgorithm

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


# --- the public APIs over these helpers: composite split signing, hazmat AES-256-GCM ---------

COMPOSITES = [
    (signatures.MLDSA44Ed25519PrivateKey, signatures.MLDSA44PrivateKey, None),
    (
        signatures.MLDSA65Ed25519PrivateKey,
        signatures.MLDSA65PrivateKey,
        signatures.Ed25519PrivateKey,
    ),
    (signatures.MLDSA87Ed448PrivateKey, signatures.MLDSA87PrivateKey, signatures.Ed448PrivateKey),
    (signatures.MLDSA65P256PrivateKey, signatures.MLDSA65PrivateKey, None),
    (signatures.MLDSA87P384PrivateKey, signatures.MLDSA87PrivateKey, None),
]


@pytest.mark.parametrize(
    ("composite", "mldsa", "trad"), COMPOSITES, ids=[c[0].ALGORITHM for c in COMPOSITES]
)
def test_split_signing_api(composite: Any, mldsa: Any, trad: Any) -> None:
    """LABEL, M' and the layouts come from the core; split signing verifies as the composite."""
    pub_cls: Any = signatures.PUBLIC_KEY_CLASSES[composite.ALGORITHM]
    assert _native.composite_label(pub_cls.ALGORITHM) == pub_cls.LABEL
    assert pub_cls.MLDSA is signatures.PUBLIC_KEY_CLASSES[mldsa.ALGORITHM]
    data, ctx = os.urandom(77), b"gateway-v1"
    m_prime = pub_cls.message_representative(data, ctx)
    assert m_prime == _native.composite_message_representative(pub_cls.ALGORITHM, data, ctx)
    with pytest.raises(ValueError, match="255"):
        pub_cls.message_representative(data, bytes(256))
    whole = composite.generate().public_key().public_bytes_raw()
    ml_pk, trad_pk = pub_cls.split_public_key(whole)
    assert len(ml_pk) == pub_cls.MLDSA.PUBLIC_KEY_SIZE and ml_pk + trad_pk == whole
    assert pub_cls.join_public_key(ml_pk, trad_pk) == whole
    for bad in (whole[:-1], whole + b"\x00"):
        with pytest.raises(ValueError, match="public key must be"):
            pub_cls.split_public_key(bad)
    with pytest.raises(ValueError, match="components must be"):
        pub_cls.join_public_key(ml_pk[:-1], trad_pk)
    if trad is None:
        return  # no standalone class for the ECDSA half: its split signing is not offered
    ml_key, trad_key = mldsa.generate(), trad.generate()
    mldsa_sig = ml_key.sign(m_prime, context=pub_cls.LABEL)
    signature = pub_cls.combine(mldsa_sig, trad_key.sign(m_prime))
    public = pub_cls.from_public_bytes(
        pub_cls.join_public_key(
            ml_key.public_key().public_bytes_raw(), trad_key.public_key().public_bytes_raw()
        )
    )
    public.verify(signature, data, ctx)
    with pytest.raises(InvalidSignature):
        public.verify(signature, data, b"other")
    with pytest.raises(ValueError, match="halves"):
        pub_cls.combine(mldsa_sig[:-1], trad_key.sign(m_prime))
    with pytest.raises(ValueError, match="halves"):
        pub_cls.combine(mldsa_sig, b"")


def test_hazmat_aes256gcm() -> None:
    key, nonce, aad = os.urandom(32), os.urandom(12), b"aad"
    pt = os.urandom(32)
    ct = hazmat.aes256gcm_seal(key, nonce, aad, pt)
    assert ct == AESGCM(key).encrypt(nonce, pt, aad)
    opened = hazmat.aes256gcm_open(key, nonce, aad, bytearray(ct))
    assert isinstance(opened, bytearray) and opened == pt
    with pytest.raises(InvalidTag):
        hazmat.aes256gcm_open(key, nonce, b"other", ct)
    with pytest.raises(TypeError):
        hazmat.aes256gcm_seal(key, nonce, aad, "text")  # type: ignore[arg-type]
