"""Cross-checks against liboqs 0.16.0 (through liboqs-python), an independent C implementation.

ML-DSA-44/65/87 and every SLH-DSA parameter set pqpay offers (liboqs has all twelve, as "pure"
SLH-DSA): pqpay signs and liboqs verifies, liboqs signs and pqpay verifies, with and without a
context string; private keys exported by one are used by the other. ML-KEM: the same seed gives
the same keys in both, and both give the same implicit-rejection secret for a tampered
ciphertext (both encapsulation directions are in ``test_kem_interop.py``).

liboqs is loaded by ``liboqs_peer`` (skips without ``OQS_INSTALL_PATH``, fails under CI=true).
"""

from __future__ import annotations

import hashlib
from typing import Any

import pytest

from pqpay import hazmat, signatures
from pqpay.exceptions import InvalidSignature
from tests._support.kem_variants import MLKEM, Variant, flip_bit
from tests._support.liboqs_peer import liboqs

MESSAGE = b'{"id":"pay_000000000042","amount":{"minor_units":12999,"currency":"EUR"}}'
CONTEXTS = [pytest.param(b"", id="no-ctx"), pytest.param(b"pqpay/payment-v1", id="ctx")]

MLDSA = ["ML-DSA-44", "ML-DSA-65", "ML-DSA-87"]
SLHDSA = [name for name in signatures.PRIVATE_KEY_CLASSES if name.startswith("SLH-DSA-")]
# The "s" sets take up to seconds a signature: one context case each; the "f" sets get both.
SLHDSA_CASES = [
    pytest.param(name, ctx, id=f"{name}-{'ctx' if ctx else 'no-ctx'}")
    for name in SLHDSA
    for ctx in ((b"", b"pqpay/payment-v1") if name.endswith("f") else (b"pqpay/payment-v1",))
]


def _oqs_name(name: str) -> str:
    """liboqs's name for a pqpay algorithm name (SLH-DSA-SHA2-128f -> SLH_DSA_PURE_SHA2_128F)."""
    if name.startswith("SLH-DSA-"):
        return "SLH_DSA_PURE_" + name.removeprefix("SLH-DSA-").replace("-", "_").upper()
    return name


def _oqs_sign(oqs: Any, name: str, secret_key: bytes, message: bytes, ctx: bytes) -> bytes:
    with oqs.Signature(_oqs_name(name), secret_key) as signer:
        return bytes(signer.sign_with_ctx_str(message, ctx) if ctx else signer.sign(message))


def _oqs_verifies(
    oqs: Any, name: str, public_key: bytes, message: bytes, sig: bytes, ctx: bytes
) -> bool:
    with oqs.Signature(_oqs_name(name)) as verifier:
        if ctx:
            return bool(verifier.verify_with_ctx_str(message, sig, ctx, public_key))
        return bool(verifier.verify(message, sig, public_key))


def _oqs_keypair(oqs: Any, name: str) -> tuple[bytes, bytes]:
    with oqs.Signature(_oqs_name(name)) as keygen:
        public = bytes(keygen.generate_keypair())
        return public, bytes(keygen.export_secret_key())


def test_liboqs_has_every_pqpay_parameter_set() -> None:
    oqs = liboqs()
    enabled = set(oqs.get_enabled_sig_mechanisms())
    assert {_oqs_name(n) for n in MLDSA + SLHDSA} <= enabled
    assert {"ML-KEM-512", "ML-KEM-768", "ML-KEM-1024"} <= set(oqs.get_enabled_kem_mechanisms())


def _both_directions(name: str, ctx: bytes) -> None:
    """pqpay signs, liboqs verifies; liboqs signs (its own key), pqpay verifies; each rejects
    the other's signature over another message or under another context."""
    oqs = liboqs()
    cls = signatures.PRIVATE_KEY_CLASSES[name]
    ours = cls.generate()
    our_public = ours.public_key().public_bytes_raw()
    sig = ours.sign(MESSAGE, ctx)
    assert _oqs_verifies(oqs, name, our_public, MESSAGE, sig, ctx)
    assert not _oqs_verifies(oqs, name, our_public, MESSAGE + b"!", sig, ctx)
    assert not _oqs_verifies(oqs, name, our_public, MESSAGE, sig, ctx + b"x")

    public, secret = _oqs_keypair(oqs, name)
    theirs = _oqs_sign(oqs, name, secret, MESSAGE, ctx)
    pk = signatures.PUBLIC_KEY_CLASSES[name].from_public_bytes(public)
    pk.verify(theirs, MESSAGE, ctx)
    with pytest.raises(InvalidSignature):
        pk.verify(theirs, MESSAGE + b"!", ctx)
    with pytest.raises(InvalidSignature):
        pk.verify(theirs, MESSAGE, ctx + b"x")


@pytest.mark.parametrize("ctx", CONTEXTS)
@pytest.mark.parametrize("name", MLDSA)
def test_mldsa_both_directions(name: str, ctx: bytes) -> None:
    _both_directions(name, ctx)


@pytest.mark.parametrize("ctx", CONTEXTS)
@pytest.mark.parametrize("name", MLDSA)
def test_mldsa_private_keys_cross_over(name: str, ctx: bytes) -> None:
    """FIPS 204 expanded private keys move both ways and keep signing for their public key."""
    oqs = liboqs()
    cls = signatures.PRIVATE_KEY_CLASSES[name]
    seed = hashlib.sha256(name.encode() + ctx).digest()
    ours = cls.from_seed_bytes(seed)
    expanded = hazmat.mldsa_expanded_bytes(ours)
    sig = _oqs_sign(oqs, name, expanded, MESSAGE, ctx)
    ours.public_key().verify(sig, MESSAGE, ctx)

    public, secret = _oqs_keypair(oqs, name)
    imported = hazmat.mldsa_from_expanded_bytes(cls, secret)
    assert imported.public_key().public_bytes_raw() == public
    assert _oqs_verifies(oqs, name, public, MESSAGE, imported.sign(MESSAGE, ctx), ctx)


@pytest.mark.parametrize(("name", "ctx"), SLHDSA_CASES)
def test_slhdsa_both_directions(name: str, ctx: bytes) -> None:
    """FIPS 205 private keys are SK.seed || SK.prf || PK.seed || PK.root in both libraries:
    liboqs also signs with pqpay's exported key."""
    cls = signatures.PRIVATE_KEY_CLASSES[name]
    key = cls.generate()
    _check_slhdsa_key_format(name, key)
    _both_directions(name, ctx)


def _check_slhdsa_key_format(name: str, key: Any) -> None:
    oqs = liboqs()
    secret = key.private_bytes_raw()
    public = key.public_key().public_bytes_raw()
    assert secret[len(secret) // 2 :] == public
    if name.endswith("f"):
        sig = _oqs_sign(oqs, name, secret, MESSAGE, b"")
        key.public_key().verify(sig, MESSAGE)


@pytest.mark.parametrize("v", MLKEM)
def test_mlkem_same_seed_same_keys(v: Variant) -> None:
    oqs = liboqs()
    seed = v.seed("liboqs")
    ours = v.private_cls.from_seed_bytes(seed)
    with oqs.KeyEncapsulation(v.name) as theirs:
        public = bytes(theirs.generate_keypair_seed(seed))
        expanded = bytes(theirs.export_secret_key())
    assert ours.public_key().public_bytes_raw() == public
    assert hazmat.mlkem_expanded_bytes(ours) == expanded


@pytest.mark.parametrize("v", MLKEM)
def test_mlkem_implicit_rejection_agrees(v: Variant) -> None:
    """A tampered ciphertext gives the same pseudorandom secret (J(z || c)) in both, from one
    key: pqpay's key is given to liboqs in expanded form."""
    oqs = liboqs()
    ours = v.key("liboqs-rejection")
    ss, ct = ours.public_key().encapsulate()
    with oqs.KeyEncapsulation(v.name, hazmat.mlkem_expanded_bytes(ours)) as theirs:
        assert bytes(theirs.decap_secret(ct)) == ss
        for bit in (0, 8 * len(ct) - 1):
            bad = flip_bit(ct, bit)
            rejected = ours.decapsulate(bad)
            assert rejected != ss
            assert bytes(theirs.decap_secret(bad)) == rejected
