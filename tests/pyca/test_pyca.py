"""``pqpay.pyca``: every algorithm pyca/cryptography 50 has, private and public keys both ways,
and the converted keys interoperate (signatures verify across, KEM secrets agree, X25519
exchanges match). X-Wing goes to pyca as its expanded ML-KEM-768 and X25519 halves."""

from __future__ import annotations

import hashlib
from typing import Any

import pytest
from cryptography.hazmat.primitives import serialization as pyca_ser
from cryptography.hazmat.primitives.asymmetric import mlkem, x25519

from pqpay import kem, signatures
from pqpay.exceptions import UnsupportedAlgorithm
from pqpay.pyca import PYCA_ALGORITHMS, from_pyca, to_pyca
from tests._support.pyca_pairs import PYCA_PAIRS

PAIRS = PYCA_PAIRS
XWING_LABEL = b"\\.//^\\"  # X-Wing's combiner label


def raw_public(key: Any) -> bytes:
    if callable(getattr(key, "public_bytes_raw", None)):
        return bytes(key.public_bytes_raw())
    return bytes(key.public_bytes(pyca_ser.Encoding.Raw, pyca_ser.PublicFormat.Raw))


def check_interop(ours: Any, theirs: Any) -> None:
    """``ours`` (pqpay) and ``theirs`` (pyca) are the same key pair: they work across."""
    assert raw_public(ours.public_key()) == raw_public(theirs.public_key())
    data = b"pqpay <-> pyca"
    if isinstance(ours, signatures.SignaturePrivateKey):
        theirs.public_key().verify(ours.sign(data), data)
        ours.public_key().verify(theirs.sign(data), data, b"")
    elif isinstance(ours, kem.X25519PrivateKey):
        peer = x25519.X25519PrivateKey.generate()
        peer_pub = kem.X25519PublicKey.from_public_bytes(raw_public(peer.public_key()))
        assert ours.exchange(peer_pub) == theirs.exchange(peer.public_key())
    else:
        secret, ct = theirs.public_key().encapsulate()
        assert ours.decapsulate(ct) == secret
        secret, ct = ours.public_key().encapsulate()
        assert theirs.decapsulate(ct) == secret


@pytest.mark.parametrize("pair", PAIRS, ids=lambda p: str(p[0].ALGORITHM))
def test_pqpay_to_pyca_and_back(pair: tuple[Any, Any]) -> None:
    ours_cls, theirs_cls = pair
    ours = ours_cls.generate()
    theirs = to_pyca(ours)
    assert isinstance(theirs, theirs_cls)
    check_interop(ours, theirs)
    back = from_pyca(theirs)
    assert type(back) is ours_cls and back.private_bytes_raw() == ours.private_bytes_raw()
    public = to_pyca(ours.public_key())
    assert raw_public(public) == raw_public(ours.public_key())
    assert from_pyca(public) == ours.public_key()


@pytest.mark.parametrize("pair", PAIRS, ids=lambda p: str(p[0].ALGORITHM))
def test_pyca_to_pqpay(pair: tuple[Any, Any]) -> None:
    ours_cls, theirs_cls = pair
    theirs = theirs_cls.generate()
    ours = from_pyca(theirs)
    assert type(ours) is ours_cls
    check_interop(ours, theirs)
    assert from_pyca(theirs.public_key()) == ours.public_key()


def test_xwing_as_its_halves() -> None:
    key = kem.XWingPrivateKey.generate()
    ml, x = to_pyca(key)
    assert isinstance(ml, mlkem.MLKEM768PrivateKey) and isinstance(x, x25519.X25519PrivateKey)
    public = key.public_key().public_bytes_raw()
    assert raw_public(ml.public_key()) + raw_public(x.public_key()) == public
    # pyca's halves open pqpay's X-Wing ciphertext (the X-Wing combiner, SHA3-256).
    secret, ct = key.public_key().encapsulate()
    ct_m, ct_x = ct[:1088], ct[1088:]
    ss_m = ml.decapsulate(ct_m)
    ss_x = x.exchange(x25519.X25519PublicKey.from_public_bytes(ct_x))
    combined = hashlib.sha3_256(ss_m + ss_x + ct_x + public[1184:] + XWING_LABEL).digest()
    assert combined == secret
    pub_m, pub_x = to_pyca(key.public_key())
    assert from_pyca((pub_m, pub_x)) == key.public_key()
    with pytest.raises(ValueError, match="seed"):
        from_pyca((ml, x))
    with pytest.raises(ValueError, match="MLKEM768PublicKey, X25519PublicKey"):
        from_pyca((pub_x, pub_m))


def test_what_pyca_does_not_have() -> None:
    assert {"ML-KEM-512", "SLH-DSA-SHA2-128s"}.isdisjoint(PYCA_ALGORITHMS)
    for key in (
        kem.MLKEM512PrivateKey.generate(),
        signatures.MLDSA65Ed25519PrivateKey.generate(),
        kem.X25519MLKEM768PrivateKey.generate().public_key(),
    ):
        with pytest.raises(UnsupportedAlgorithm, match="pyca/cryptography has no"):
            to_pyca(key)
    with pytest.raises(TypeError):
        to_pyca(b"key")
    with pytest.raises(TypeError):
        from_pyca(b"key")
