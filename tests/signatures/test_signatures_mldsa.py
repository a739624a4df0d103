"""ML-DSA behaviour: interop with pyca/cryptography and dilithium-py, external mu, properties
(hypothesis) and bad input with exact exception types."""

from __future__ import annotations

from typing import Any

import pytest
from cryptography.hazmat.primitives.asymmetric import mldsa as pyca_mldsa
from hypothesis import given
from hypothesis import strategies as st

from pqpay import hazmat, signatures
from pqpay.exceptions import InvalidKey, InvalidSignature, UnsupportedAlgorithm

LEVELS = ("44", "65", "87")
PRIVATE: dict[str, Any] = {
    "44": signatures.MLDSA44PrivateKey,
    "65": signatures.MLDSA65PrivateKey,
    "87": signatures.MLDSA87PrivateKey,
}
PUBLIC: dict[str, Any] = {
    "44": signatures.MLDSA44PublicKey,
    "65": signatures.MLDSA65PublicKey,
    "87": signatures.MLDSA87PublicKey,
}
PYCA: dict[str, Any] = {
    "44": pyca_mldsa.MLDSA44PrivateKey,
    "65": pyca_mldsa.MLDSA65PrivateKey,
    "87": pyca_mldsa.MLDSA87PrivateKey,
}
PYCA_PUBLIC: dict[str, Any] = {
    "44": pyca_mldsa.MLDSA44PublicKey,
    "65": pyca_mldsa.MLDSA65PublicKey,
    "87": pyca_mldsa.MLDSA87PublicKey,
}
EXPANDED_SIZE = {"44": 2560, "65": 4032, "87": 4896}
CONTEXTS = [b"", b"gateway-v1", bytes(range(255))]


def flip(data: bytes, bit: int) -> bytes:
    out = bytearray(data)
    out[bit // 8] ^= 1 << (bit % 8)
    return bytes(out)


# --- interop with pyca/cryptography 50 --------------------------------------------------------


@pytest.mark.parametrize("level", LEVELS)
@pytest.mark.parametrize("context", CONTEXTS, ids=["empty", "short", "255"])
def test_pyca_interop_both_ways(level: str, context: bytes) -> None:
    theirs = PYCA[level].generate()
    ours = PRIVATE[level].from_seed_bytes(theirs.private_bytes_raw())
    assert ours.public_key().public_bytes_raw() == theirs.public_key().public_bytes_raw()
    msg = b"pay 10 EUR to Bob"
    # pyca signs, pqpay verifies.
    sig = theirs.sign(msg, context if context else None)
    ours.public_key().verify(sig, msg, context)
    with pytest.raises(InvalidSignature):
        ours.public_key().verify(sig, msg + b"!", context)
    # pqpay signs (hedged and deterministic), pyca verifies.
    pyca_pk = PYCA_PUBLIC[level].from_public_bytes(ours.public_key().public_bytes_raw())
    pyca_pk.verify(ours.sign(msg, context), msg, context if context else None)
    pyca_pk.verify(hazmat.sign_deterministic(ours, msg, context), msg, context or None)


@pytest.mark.parametrize("level", LEVELS)
def test_pyca_external_mu(level: str) -> None:
    theirs = PYCA[level].generate()
    ours = PRIVATE[level].from_seed_bytes(theirs.private_bytes_raw())
    pk = ours.public_key()
    hasher = pyca_mldsa.MLDSAMuHasher(theirs.public_key(), b"ctx")
    hasher.update(b"a long ")
    hasher.update(b"message")
    mu = hasher.finalize()
    assert pk.compute_mu(b"a long message", b"ctx") == mu
    # Signatures over mu are ordinary signatures over (message, context).
    sig = ours.sign_mu(mu)
    pk.verify(sig, b"a long message", b"ctx")
    theirs.public_key().verify_mu(sig, mu)
    pk.verify_mu(theirs.sign_mu(mu), mu)
    pk.verify_mu(theirs.sign(b"a long message", b"ctx"), mu)


# --- cross-check with dilithium-py (pure Python) ----------------------------------------------


@pytest.mark.parametrize("level", LEVELS)
def test_dilithium_py_cross_check(level: str) -> None:
    from dilithium_py import ml_dsa

    ref = getattr(ml_dsa, f"ML_DSA_{level}")
    seed = bytes(range(32))
    ref_pk, ref_sk = ref.key_derive(seed)
    ours = PRIVATE[level].from_seed_bytes(seed)
    assert ours.public_key().public_bytes_raw() == ref_pk
    assert hazmat.mldsa_expanded_bytes(ours) == ref_sk
    msg, ctx = b"cross-check", b"dilithium-py"
    assert hazmat.sign_deterministic(ours, msg, ctx) == ref.sign(
        ref_sk, msg, ctx=ctx, deterministic=True
    )
    assert ref.verify(ref_pk, msg, ours.sign(msg, ctx), ctx=ctx)
    ours.public_key().verify(ref.sign(ref_sk, msg, ctx=ctx), msg, ctx)
    mu = ref.prehash_external_mu(ref_pk, msg, ctx=ctx)
    assert ours.public_key().compute_mu(msg, ctx) == mu


# --- properties ---------------------------------------------------------------------------------


@pytest.mark.parametrize("level", LEVELS)
@given(
    seed=st.binary(min_size=32, max_size=32),
    msg=st.binary(max_size=300),
    ctx=st.binary(max_size=255),
)
def test_round_trip(level: str, seed: bytes, msg: bytes, ctx: bytes) -> None:
    sk = PRIVATE[level].from_seed_bytes(seed)
    assert sk.private_bytes_raw() == seed
    pk = PUBLIC[level].from_public_bytes(sk.public_key().public_bytes_raw())
    assert pk == sk.public_key()
    sig = sk.sign(msg, ctx)
    assert len(sig) == PUBLIC[level].SIGNATURE_SIZE
    pk.verify(sig, msg, ctx)
    mu = pk.compute_mu(msg, ctx)
    pk.verify_mu(sig, mu)
    pk.verify(sk.sign_mu(mu), msg, ctx)
    expanded = hazmat.mldsa_expanded_bytes(sk)
    again = hazmat.mldsa_from_expanded_bytes(PRIVATE[level], expanded)
    assert again.public_key() == pk
    assert hazmat.sign_deterministic(again, msg, ctx) == hazmat.sign_deterministic(sk, msg, ctx)


@pytest.mark.parametrize("level", LEVELS)
@given(data=st.data())
def test_any_flipped_bit_fails(level: str, data: st.DataObject) -> None:
    sk = PRIVATE[level].from_seed_bytes(data.draw(st.binary(min_size=32, max_size=32)))
    pk_bytes = sk.public_key().public_bytes_raw()
    msg = data.draw(st.binary(min_size=1, max_size=64), label="msg")
    ctx = data.draw(st.binary(min_size=1, max_size=32), label="ctx")
    sig = sk.sign(msg, ctx)
    pk = PUBLIC[level].from_public_bytes(pk_bytes)
    what = data.draw(st.sampled_from(["signature", "message", "context", "public key"]))
    target = {"signature": sig, "message": msg, "context": ctx, "public key": pk_bytes}[what]
    bit = data.draw(st.integers(0, len(target) * 8 - 1), label="bit")
    bad = flip(target, bit)
    with pytest.raises(InvalidSignature):
        if what == "signature":
            pk.verify(bad, msg, ctx)
        elif what == "message":
            pk.verify(sig, bad, ctx)
        elif what == "context":
            pk.verify(sig, msg, bad)
        else:
            PUBLIC[level].from_public_bytes(bad).verify(sig, msg, ctx)


# --- bad input ----------------------------------------------------------------------------------


@pytest.mark.parametrize("level", LEVELS)
def test_bad_input(level: str) -> None:
    sk = PRIVATE[level].generate()
    pk = sk.public_key()
    size = PUBLIC[level].SIGNATURE_SIZE
    with pytest.raises(ValueError, match="32"):
        PRIVATE[level].from_seed_bytes(bytes(31))
    with pytest.raises(ValueError, match=str(PUBLIC[level].PUBLIC_KEY_SIZE)):
        PUBLIC[level].from_public_bytes(bytes(PUBLIC[level].PUBLIC_KEY_SIZE + 1))
    with pytest.raises(ValueError, match=str(EXPANDED_SIZE[level])):
        hazmat.mldsa_from_expanded_bytes(PRIVATE[level], bytes(EXPANDED_SIZE[level] - 1))
    with pytest.raises(ValueError, match="255"):
        sk.sign(b"m", bytes(256))
    with pytest.raises(ValueError, match="255"):
        pk.verify(bytes(size), b"m", bytes(256))
    with pytest.raises(ValueError, match="255"):
        pk.compute_mu(b"m", bytes(256))
    with pytest.raises(ValueError, match="255"):
        hazmat.mldsa_sign_prehash(sk, "SHA2-256", b"m", bytes(256))
    with pytest.raises(ValueError, match="255"):
        hazmat.mldsa_sign_with_rnd(sk, b"m", bytes(256), bytes(32))
    with pytest.raises(ValueError, match="64"):
        sk.sign_mu(bytes(63))
    with pytest.raises(ValueError, match="64"):
        pk.verify_mu(bytes(size), bytes(65))
    with pytest.raises(ValueError, match="32"):
        hazmat.mldsa_sign_internal(sk, b"m", bytes(31))
    with pytest.raises(UnsupportedAlgorithm):
        hazmat.mldsa_sign_prehash(sk, "MD5", b"m")
    sig = sk.sign(b"m")
    for garbage in (sig[:-1], sig + b"\x00", b"", bytes(size), b"\xff" * size):
        with pytest.raises(InvalidSignature):
            pk.verify(garbage, b"m")
        with pytest.raises(InvalidSignature):
            pk.verify_mu(garbage, pk.compute_mu(b"m"))
    # Expanded keys: s1 out of range, and tr inconsistent with the key.
    expanded = bytearray(hazmat.mldsa_expanded_bytes(sk))
    bad_s1 = bytes(expanded[:128]) + b"\xff" + bytes(expanded[129:])
    with pytest.raises(InvalidKey):
        hazmat.mldsa_from_expanded_bytes(PRIVATE[level], bad_s1)
    bad_tr = bytes(expanded[:64]) + flip(bytes(expanded[64:128]), 0) + bytes(expanded[128:])
    with pytest.raises(InvalidKey):
        hazmat.mldsa_from_expanded_bytes(PRIVATE[level], bad_tr)
    # An expanded-only key has no seed to export.
    loaded = hazmat.mldsa_from_expanded_bytes(PRIVATE[level], bytes(expanded))
    with pytest.raises(UnsupportedAlgorithm, match="seed"):
        loaded.private_bytes_raw()
    assert expanded.hex() not in repr(loaded)


def test_hazmat_rejects_other_families() -> None:
    with pytest.raises(TypeError):
        hazmat.mldsa_expanded_bytes(object())  # type: ignore[arg-type]


@pytest.mark.parametrize("level", LEVELS)
@pytest.mark.parametrize("hash_name", hazmat.MLDSA_PREHASH_ALGORITHMS)
def test_prehash_round_trip(level: str, hash_name: str) -> None:
    sk = PRIVATE[level].generate()
    pk = sk.public_key()
    sig = hazmat.mldsa_sign_prehash(sk, hash_name, b"msg", b"c", bytes(range(32)))
    hazmat.mldsa_verify_prehash(pk, hash_name, sig, b"msg", b"c")
    with pytest.raises(InvalidSignature):
        pk.verify(sig, b"msg", b"c")  # HashML-DSA and ML-DSA are domain-separated
    with pytest.raises(InvalidSignature):
        hazmat.mldsa_verify_prehash(pk, hash_name, sig, b"msg", b"d")
