"""Property tests (hypothesis): round trips from arbitrary seeds, and implicit rejection."""

from __future__ import annotations

import hashlib

import pytest
from cryptography.hazmat.primitives.asymmetric import x25519 as pyca_x25519
from hypothesis import given
from hypothesis import strategies as st

from pqpay import hazmat
from tests._support.kem_variants import ALL, BY_NAME, IMPLICIT_REJECTION, MLKEM, Variant, flip_bit

XWING_LABEL = bytes.fromhex("5c2e2f2f5e5c")


def _seed(v: Variant) -> st.SearchStrategy[bytes]:
    return st.binary(min_size=v.seed_size, max_size=v.seed_size)


@pytest.mark.parametrize("v", ALL)
@given(data=st.data())
def test_round_trip_from_any_seed(v: Variant, data: st.DataObject) -> None:
    seed = data.draw(_seed(v), label="seed")
    sk = v.private_cls.from_seed_bytes(seed)
    assert sk.private_bytes_raw() == seed
    pk = v.public_cls.from_public_bytes(sk.public_key().public_bytes_raw())
    assert pk == sk.public_key()
    ss, ct = pk.encapsulate()
    assert len(ss) == v.shared_secret_size
    assert len(ct) == v.ciphertext_size
    assert sk.decapsulate(ct) == ss
    if v.randomness_size:
        r = data.draw(st.binary(min_size=v.randomness_size, max_size=v.randomness_size))
        ss_d, ct_d = hazmat.encapsulate_derand(pk, r)
        assert sk.decapsulate(ct_d) == ss_d


@pytest.mark.parametrize("v", IMPLICIT_REJECTION)
@given(data=st.data())
def test_bit_flip_changes_secret_without_raising(v: Variant, data: st.DataObject) -> None:
    sk = v.private_cls.from_seed_bytes(data.draw(_seed(v), label="seed"))
    ss, ct = sk.public_key().encapsulate()
    bit = data.draw(st.integers(0, 8 * len(ct) - 1), label="bit")
    out = sk.decapsulate(flip_bit(ct, bit))
    assert len(out) == v.shared_secret_size
    assert out != ss


@pytest.mark.parametrize("v", MLKEM)
@given(data=st.data())
def test_mlkem_implicit_rejection_value(v: Variant, data: st.DataObject) -> None:
    """FIPS 203 Algorithm 18: a rejected ciphertext c' gives K = J(z, c') = SHAKE256(z || c')."""
    seed = data.draw(_seed(v), label="seed")
    sk = v.private_cls.from_seed_bytes(seed)
    m = data.draw(st.binary(min_size=32, max_size=32), label="m")
    ss, ct = hazmat.encapsulate_derand(sk.public_key(), m)
    bit = data.draw(st.integers(0, 8 * len(ct) - 1), label="bit")
    bad = flip_bit(ct, bit)
    z = seed[32:64]
    assert sk.decapsulate(bad) == hashlib.shake_256(z + bad).digest(32)
    assert sk.decapsulate(ct) == ss != hashlib.shake_256(z + ct).digest(32)


@given(data=st.data())
def test_xwing_mlkem_part_flip_follows_the_combiner(data: st.DataObject) -> None:
    """A flip in ct_M gives SHA3-256(J(z_M, ct_M') || ss_X || ct_X || pk_X || label)."""
    v = BY_NAME["X-Wing"]
    seed = data.draw(_seed(v), label="seed")
    sk = v.private_cls.from_seed_bytes(seed)
    ss, ct = sk.public_key().encapsulate()
    bit = data.draw(st.integers(0, 8 * 1088 - 1), label="bit")
    bad = flip_bit(ct, bit)
    expanded = hashlib.shake_256(seed).digest(96)
    z_m, sk_x = expanded[32:64], expanded[64:96]
    ct_x = bad[1088:]
    pk_x = sk.public_key().public_bytes_raw()[1184:]
    ss_x = pyca_x25519.X25519PrivateKey.from_private_bytes(sk_x).exchange(
        pyca_x25519.X25519PublicKey.from_public_bytes(ct_x)
    )
    ss_m = hashlib.shake_256(z_m + bad[:1088]).digest(32)
    expected = hashlib.sha3_256(ss_m + ss_x + ct_x + pk_x + XWING_LABEL).digest()
    assert sk.decapsulate(bad) == expected != ss


@given(data=st.data())
def test_x25519mlkem768_mlkem_part_flip(data: st.DataObject) -> None:
    """A flip in the ML-KEM ciphertext changes the ML-KEM half (to J(z, ct_M')) only."""
    v = BY_NAME["X25519MLKEM768"]
    seed = data.draw(_seed(v), label="seed")
    sk = v.private_cls.from_seed_bytes(seed)
    ss, ct = sk.public_key().encapsulate()
    bit = data.draw(st.integers(0, 8 * 1088 - 1), label="bit")
    bad = flip_bit(ct, bit)
    out = sk.decapsulate(bad)
    assert out != ss
    assert out[:32] == hashlib.shake_256(seed[32:64] + bad[:1088]).digest(32)
    assert out[32:] == ss[32:]
