"""Composite ML-DSA: interop with pyca/cryptography, properties, and malformed input."""

from __future__ import annotations

import pytest
from cryptography.hazmat.primitives import serialization
from cryptography.hazmat.primitives.asymmetric import ec, ed448, ed25519, mldsa
from hypothesis import given, settings
from hypothesis import strategies as st

from pqpay import exceptions, hazmat
from tests._support.composite_util import COMPOSITES, Composite, pyca_verify_components

IDS = [c.name for c in COMPOSITES]


@pytest.mark.parametrize("c", COMPOSITES, ids=IDS)
def test_components_interoperate_with_pyca(c: Composite) -> None:
    """pyca derives the same component public keys from our private key and verifies both
    halves of our signatures over an M' built independently."""
    sk = c.private_cls.generate()
    raw = sk.private_bytes_raw()
    pk = sk.public_key().public_bytes_raw()
    seed, trad_sk = raw[:32], raw[32:]
    ml_cls = {1312: mldsa.MLDSA44PrivateKey, 1952: mldsa.MLDSA65PrivateKey}.get(
        c.mldsa_pk_len, mldsa.MLDSA87PrivateKey
    )
    assert ml_cls.from_seed_bytes(seed).public_key().public_bytes_raw() == pk[: c.mldsa_pk_len]
    trad_pk = pk[c.mldsa_pk_len :]
    raw_fmt = serialization.Encoding.Raw, serialization.PublicFormat.Raw
    if c.trad == "Ed25519":
        k25519 = ed25519.Ed25519PrivateKey.from_private_bytes(trad_sk)
        assert k25519.public_key().public_bytes(*raw_fmt) == trad_pk
    elif c.trad == "Ed448":
        k448 = ed448.Ed448PrivateKey.from_private_bytes(trad_sk)
        assert k448.public_key().public_bytes(*raw_fmt) == trad_pk
    else:
        kec = serialization.load_der_private_key(trad_sk, None)
        assert isinstance(kec, ec.EllipticCurvePrivateKey)
        point = kec.public_key().public_bytes(
            serialization.Encoding.X962, serialization.PublicFormat.UncompressedPoint
        )
        assert point == trad_pk
    for ctx in (b"", b"pqpay", bytes(255)):
        pyca_verify_components(c, pk, sk.sign(b"payment", context=ctx), b"payment", ctx)
        pyca_verify_components(
            c, pk, hazmat.sign_deterministic(sk, b"payment", ctx), b"payment", ctx
        )


@pytest.mark.parametrize("c", COMPOSITES, ids=IDS)
def test_sizes_and_hedging(c: Composite) -> None:
    sk = c.private_cls.generate()
    assert len(sk.private_bytes_raw()) == c.private_cls.PRIVATE_KEY_SIZE
    pk = sk.public_key()
    assert len(pk.public_bytes_raw()) == c.public_cls.PUBLIC_KEY_SIZE
    a, b = sk.sign(b"m"), sk.sign(b"m")
    assert a != b, "hedged signing repeated a signature"
    assert len(a) <= c.public_cls.SIGNATURE_SIZE
    if c.trad.startswith("Ed"):
        assert len(a) == c.public_cls.SIGNATURE_SIZE
    assert hazmat.sign_deterministic(sk, b"m") == hazmat.sign_deterministic(sk, b"m")
    assert repr(sk) == f"<{type(sk).__name__}>"


@settings(max_examples=15)
@given(
    c=st.sampled_from(COMPOSITES),
    msg=st.binary(max_size=300),
    ctx=st.binary(max_size=255),
    where=st.floats(min_value=0, max_value=1, exclude_max=True),
    bit=st.integers(0, 7),
)
def test_round_trip_and_bit_flips(
    c: Composite, msg: bytes, ctx: bytes, where: float, bit: int
) -> None:
    sk = c.private_cls.generate()
    pk = sk.public_key()
    sig = sk.sign(msg, context=ctx)
    pk.verify(sig, msg, context=ctx)
    # One flipped bit in the ML-DSA half and one in the traditional half.
    ml_pos = int(where * c.mldsa_sig_len)
    trad_pos = c.mldsa_sig_len + int(where * (len(sig) - c.mldsa_sig_len))
    for pos in (ml_pos, trad_pos):
        bad = bytearray(sig)
        bad[pos] ^= 1 << bit
        with pytest.raises(exceptions.InvalidSignature):
            pk.verify(bytes(bad), msg, context=ctx)
    with pytest.raises(exceptions.InvalidSignature):
        pk.verify(sig, msg + b"x", context=ctx)


@settings(max_examples=10)
@given(c=st.sampled_from(COMPOSITES), m1=st.binary(max_size=64), m2=st.binary(max_size=64))
def test_swapped_component_signatures_fail(c: Composite, m1: bytes, m2: bytes) -> None:
    if m1 == m2:
        m2 = m1 + b"\x00"
    sk = c.private_cls.generate()
    pk = sk.public_key()
    s1, s2 = sk.sign(m1), sk.sign(m2)
    n = c.mldsa_sig_len
    for mixed in (s1[:n] + s2[n:], s2[:n] + s1[n:]):
        for m in (m1, m2):
            with pytest.raises(exceptions.InvalidSignature):
                pk.verify(mixed, m)


@pytest.mark.parametrize("c", COMPOSITES, ids=IDS)
def test_malformed_input(c: Composite) -> None:
    sk = c.private_cls.generate()
    pk = sk.public_key()
    raw_sk, raw_pk = sk.private_bytes_raw(), pk.public_bytes_raw()
    sig = sk.sign(b"m")
    for n in (0, 32, len(raw_sk) - 1):
        with pytest.raises(ValueError):
            c.private_cls.from_private_bytes(raw_sk[:n])
    with pytest.raises(ValueError):
        c.private_cls.from_private_bytes(raw_sk + b"\x00")
    for bad_pk in (b"", raw_pk[:-1], raw_pk + b"\x00"):
        with pytest.raises(ValueError):
            c.public_cls.from_public_bytes(bad_pk)
    for bad_sig in (b"", sig[: c.mldsa_sig_len], sig[:-1], sig + b"\x00"):
        with pytest.raises(exceptions.InvalidSignature):
            pk.verify(bad_sig, b"m")
    with pytest.raises(ValueError):
        sk.sign(b"m", context=bytes(256))
    with pytest.raises(ValueError):
        pk.verify(sig, b"m", context=bytes(256))
    if c.trad.startswith("P-"):
        # Off-curve point; an ECDSA signature whose DER is cut short.
        bad_point = bytearray(raw_pk)
        bad_point[-1] ^= 1
        with pytest.raises(exceptions.InvalidKey):
            c.public_cls.from_public_bytes(bytes(bad_point))
        cut = sig[:-2]
        with pytest.raises(exceptions.InvalidSignature):
            pk.verify(cut, b"m")
        # An ECPrivateKey with a wrong version byte.
        bad_der = bytearray(raw_sk)
        bad_der[32 + 4] = 2
        with pytest.raises(ValueError):
            c.private_cls.from_private_bytes(bytes(bad_der))
