"""SLH-DSA (FIPS 205): bad input for every set, the sign round trip and the pqcrypto interop.

The NIST ACVP keyGen / sigGen / sigVer vectors run through :mod:`pqpay.conformance`
(tests/conformance/test_conformance_vectors.py).
"""

from __future__ import annotations

from typing import Any

import pytest

from pqpay import hazmat, signatures
from pqpay.exceptions import InvalidSignature

SETS = [
    f"SLH-DSA-{h_}-{lvl}{v}" for h_ in ("SHA2", "SHAKE") for lvl in (128, 192, 256) for v in "sf"
]


def private_class(name: str) -> Any:
    return getattr(signatures, name.replace("SLH-DSA-", "SLHDSA").replace("-", "_") + "PrivateKey")


def public_class(name: str) -> Any:
    return getattr(signatures, name.replace("SLH-DSA-", "SLHDSA").replace("-", "_") + "PublicKey")


@pytest.mark.parametrize("name", SETS)
def test_bad_input(name: str) -> None:
    cls, pub = private_class(name), public_class(name)
    n = {"128": 16, "192": 24, "256": 32}[name[-4:-1]]
    for size in (0, 4 * n - 1, 4 * n + 1):
        with pytest.raises(ValueError, match=str(size)):
            cls.from_private_bytes(b"\x01" * size)
    for size in (0, 2 * n - 1, 2 * n + 1):
        with pytest.raises(ValueError, match=str(size)):
            pub.from_public_bytes(b"\x01" * size)
    with pytest.raises(ValueError):
        hazmat.slhdsa_keygen_from_seeds(cls, b"\0" * n, b"\0" * n, b"\0" * (n - 1))
    pk = pub.from_public_bytes(b"\x05" * (2 * n))
    for sig in (b"", b"\0" * 100, b"\0" * 7856, b"\0" * 49857):
        with pytest.raises(InvalidSignature):
            pk.verify(sig, b"m")
    with pytest.raises(ValueError):
        pk.verify(b"", b"m", context=b"\0" * 256)


def test_sign_round_trip_and_context_limit() -> None:
    sk = signatures.SLHDSASHA2_128fPrivateKey.generate()
    sig = sk.sign(b"payment", context=b"ctx")
    sk.public_key().verify(sig, b"payment", context=b"ctx")
    for i in (0, 100, len(sig) - 1):
        bad = bytearray(sig)
        bad[i] ^= 1
        with pytest.raises(InvalidSignature):
            sk.public_key().verify(bytes(bad), b"payment", context=b"ctx")
    with pytest.raises(ValueError):
        sk.sign(b"m", context=b"\0" * 256)
    assert "PrivateKey" in repr(sk) and sk.private_bytes_raw().hex() not in repr(sk)


def test_interop_pqcrypto() -> None:
    """Signatures cross-verify with the independent pqcrypto package (same raw key forms)."""
    pq = pytest.importorskip("pqcrypto.sign.slh_dsa_sha2_128f")
    pk_raw, sk_raw = pq.keygen()
    sk = signatures.SLHDSASHA2_128fPrivateKey.from_private_bytes(sk_raw)
    assert sk.public_key().public_bytes_raw() == pk_raw
    pq.verify(pk_raw, b"hello", sk.sign(b"hello", context=b"c"), context=b"c")
    sk.public_key().verify(pq.sign(sk_raw, b"hello"), b"hello")
