"""Cross-checks against independent implementations.

* pyca/cryptography: ML-KEM (the parameter sets it has) and X25519;
* kyber-py (pure Python FIPS 203, with the derandomized internals);
* X-Wing and X25519MLKEM768 rebuilt from those components and ``hashlib``, following
  draft-connolly-cfrg-xwing-kem and draft-ietf-tls-ecdhe-mlkem;
* liboqs through ``liboqs_peer`` (``OQS_INSTALL_PATH``; fails under CI=true when missing; without a
  built liboqs, importing it tries to download and build one).
"""

from __future__ import annotations

import hashlib
from typing import Any

import pytest
from cryptography.hazmat.primitives.asymmetric import mlkem as pyca_mlkem
from cryptography.hazmat.primitives.asymmetric import x25519 as pyca_x25519
from kyber_py.ml_kem import ML_KEM_512, ML_KEM_768, ML_KEM_1024

from pqpay import hazmat, kem
from tests._support.kem_variants import BY_NAME, MLKEM, Variant, flip_bit
from tests._support.liboqs_peer import liboqs

SEED_LABELS = ["0", "1", "2", "3"]

PYCA_MLKEM: dict[str, Any] = {
    name: getattr(pyca_mlkem, f"MLKEM{name.removeprefix('ML-KEM-')}PrivateKey", None)
    for name in ("ML-KEM-512", "ML-KEM-768", "ML-KEM-1024")
}
KYBER_PY: dict[str, Any] = {
    "ML-KEM-512": ML_KEM_512,
    "ML-KEM-768": ML_KEM_768,
    "ML-KEM-1024": ML_KEM_1024,
}
XWING_LABEL = bytes.fromhex("5c2e2f2f5e5c")  # "\.//^\"


def _pyca_class(v: Variant) -> Any:
    cls = PYCA_MLKEM[v.name]
    if cls is None:
        pytest.skip(f"pyca/cryptography has no {v.name}")
    return cls


# --- pyca/cryptography ----------------------------------------------------------------------


def test_pyca_has_the_expected_mlkem_sets() -> None:
    """pyca/cryptography 50 has ML-KEM-768 and -1024; if it gains 512, the skip goes away."""
    assert PYCA_MLKEM["ML-KEM-768"] is not None
    assert PYCA_MLKEM["ML-KEM-1024"] is not None


@pytest.mark.parametrize("label", SEED_LABELS)
@pytest.mark.parametrize("v", MLKEM)
def test_pyca_mlkem_same_seed_same_key(v: Variant, label: str) -> None:
    pyca_cls = _pyca_class(v)
    seed = v.seed(label)
    ours = v.private_cls.from_seed_bytes(seed)
    theirs = pyca_cls.from_seed_bytes(seed)
    assert ours.public_key().public_bytes_raw() == theirs.public_key().public_bytes_raw()
    assert theirs.private_bytes_raw() == ours.private_bytes_raw()


@pytest.mark.parametrize("label", SEED_LABELS)
@pytest.mark.parametrize("v", MLKEM)
def test_pyca_mlkem_encapsulate_both_ways(v: Variant, label: str) -> None:
    pyca_cls = _pyca_class(v)
    seed = v.seed(label)
    ours = v.private_cls.from_seed_bytes(seed)
    theirs = pyca_cls.from_seed_bytes(seed)
    # pyca encapsulates to our public key; we decapsulate.
    pyca_public_cls = getattr(pyca_mlkem, pyca_cls.__name__.replace("Private", "Public"))
    pyca_pk = pyca_public_cls.from_public_bytes(ours.public_key().public_bytes_raw())
    ss, ct = pyca_pk.encapsulate()
    assert ours.decapsulate(ct) == ss
    # We encapsulate to pyca's public key; pyca decapsulates.
    our_pk = v.public_cls.from_public_bytes(theirs.public_key().public_bytes_raw())
    ss, ct = our_pk.encapsulate()
    assert theirs.decapsulate(ct) == ss
    # Both take the same implicit-rejection path on a tampered ciphertext.
    bad = flip_bit(ct, 100)
    assert ours.decapsulate(bad) == theirs.decapsulate(bad) != ss


@pytest.mark.parametrize("label", SEED_LABELS)
def test_pyca_x25519(label: str) -> None:
    v = BY_NAME["X25519"]
    a_raw, b_raw = v.seed("a" + label), v.seed("b" + label)
    ours_a = kem.X25519PrivateKey.from_private_bytes(a_raw)
    theirs_a = pyca_x25519.X25519PrivateKey.from_private_bytes(a_raw)
    theirs_b = pyca_x25519.X25519PrivateKey.from_private_bytes(b_raw)
    assert ours_a.public_key().public_bytes_raw() == theirs_a.public_key().public_bytes_raw()
    b_pub = theirs_b.public_key().public_bytes_raw()
    assert ours_a.exchange(b_pub) == theirs_a.exchange(theirs_b.public_key())
    assert ours_a.exchange(b_pub) == theirs_b.exchange(theirs_a.public_key())


# --- kyber-py ---------------------------------------------------------------------------------


@pytest.mark.parametrize("label", SEED_LABELS[:2])
@pytest.mark.parametrize("v", MLKEM)
def test_kyber_py(v: Variant, label: str) -> None:
    impl = KYBER_PY[v.name]
    seed = v.seed(label)
    d, z = seed[:32], seed[32:]
    ek, dk = impl._keygen_internal(d, z)
    ours = v.private_cls.from_seed_bytes(seed)
    assert ours.public_key().public_bytes_raw() == ek
    assert hazmat.mlkem_expanded_bytes(ours) == dk
    # Derandomized encapsulation agrees byte for byte.
    m = hashlib.sha3_256(b"m" + seed).digest()
    k_theirs, c_theirs = impl._encaps_internal(ek, m)
    assert hazmat.encapsulate_derand(ours.public_key(), m) == (k_theirs, c_theirs)
    # Each decapsulates the other's ciphertext.
    assert ours.decapsulate(c_theirs) == k_theirs
    ss, ct = ours.public_key().encapsulate()
    assert impl.decaps(dk, ct) == ss
    # Implicit rejection agrees.
    bad = flip_bit(ct, 8 * len(ct) - 1)
    assert ours.decapsulate(bad) == impl.decaps(dk, bad) != ss


# --- hybrids rebuilt from independent components ----------------------------------------------


def _x25519_public(scalar: bytes) -> bytes:
    return pyca_x25519.X25519PrivateKey.from_private_bytes(scalar).public_key().public_bytes_raw()


def _x25519(scalar: bytes, point: bytes) -> bytes:
    sk = pyca_x25519.X25519PrivateKey.from_private_bytes(scalar)
    return sk.exchange(pyca_x25519.X25519PublicKey.from_public_bytes(point))


@pytest.mark.parametrize("label", SEED_LABELS)
def test_xwing_from_components(label: str) -> None:
    v = BY_NAME["X-Wing"]
    seed = v.seed(label)
    expanded = hashlib.shake_256(seed).digest(96)
    mlkem_sk = pyca_mlkem.MLKEM768PrivateKey.from_seed_bytes(expanded[:64])
    sk_x = expanded[64:96]
    pk_m = mlkem_sk.public_key().public_bytes_raw()
    pk_x = _x25519_public(sk_x)

    ours = kem.XWingPrivateKey.from_seed_bytes(seed)
    assert ours.public_key().public_bytes_raw() == pk_m + pk_x

    eseed = hashlib.shake_256(b"eseed" + seed).digest(64)
    ss_m, ct_m = ML_KEM_768._encaps_internal(pk_m, eseed[:32])
    ct_x = _x25519_public(eseed[32:])
    ss_x = _x25519(eseed[32:], pk_x)
    expected = hashlib.sha3_256(ss_m + ss_x + ct_x + pk_x + XWING_LABEL).digest()
    assert hazmat.encapsulate_derand(ours.public_key(), eseed) == (expected, ct_m + ct_x)

    # Decapsulate one of our random ciphertexts with the components.
    ss, ct = ours.public_key().encapsulate()
    ct_m, ct_x = ct[:1088], ct[1088:]
    combined = mlkem_sk.decapsulate(ct_m) + _x25519(sk_x, ct_x) + ct_x + pk_x + XWING_LABEL
    assert hashlib.sha3_256(combined).digest() == ss


@pytest.mark.parametrize("label", SEED_LABELS)
def test_x25519mlkem768_from_components(label: str) -> None:
    v = BY_NAME["X25519MLKEM768"]
    seed = v.seed(label)
    mlkem_sk = pyca_mlkem.MLKEM768PrivateKey.from_seed_bytes(seed[:64])
    sk_x = seed[64:]
    pk_m = mlkem_sk.public_key().public_bytes_raw()
    pk_x = _x25519_public(sk_x)

    ours = kem.X25519MLKEM768PrivateKey.from_seed_bytes(seed)
    assert ours.public_key().public_bytes_raw() == pk_m + pk_x  # ML-KEM first in this group

    randomness = hashlib.shake_256(b"rand" + seed).digest(64)
    ss_m, ct_m = ML_KEM_768._encaps_internal(pk_m, randomness[:32])
    ct_x = _x25519_public(randomness[32:])
    ss_x = _x25519(randomness[32:], pk_x)
    assert hazmat.encapsulate_derand(ours.public_key(), randomness) == (ss_m + ss_x, ct_m + ct_x)

    ss, ct = ours.public_key().encapsulate()
    assert mlkem_sk.decapsulate(ct[:1088]) + _x25519(sk_x, ct[1088:]) == ss


# --- liboqs (optional) ------------------------------------------------------------------------


@pytest.mark.parametrize("v", MLKEM)
def test_liboqs(v: Variant) -> None:
    oqs = liboqs()
    with oqs.KeyEncapsulation(v.name) as receiver:
        oqs_pk = receiver.generate_keypair()
        ss, ct = v.public_cls.from_public_bytes(oqs_pk).encapsulate()
        assert receiver.decap_secret(ct) == ss
    ours = v.key("oqs")
    with oqs.KeyEncapsulation(v.name) as sender:
        ct, ss = sender.encap_secret(ours.public_key().public_bytes_raw())
        assert ours.decapsulate(ct) == ss
