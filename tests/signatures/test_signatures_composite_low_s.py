"""ECDSA composites are signed low-S and can be verified strictly (security review S-9).

(r, s) and (r, n - s) are both valid ECDSA signatures, so anyone could turn a composite
signature into a second valid one. pqpay signs low-S only; ``verify(..., strict=True)`` refuses
the high-S twin, while default verification still accepts it (the composite draft's vectors
carry high-S signatures).
"""

from __future__ import annotations

import pytest
from cryptography.hazmat.primitives.asymmetric.utils import (
    decode_dss_signature,
    encode_dss_signature,
)

from pqpay import signatures
from pqpay.exceptions import InvalidSignature

ORDERS = {
    "MLDSA65-ECDSA-P256-SHA512": (
        signatures.MLDSA65P256PrivateKey,
        0xFFFFFFFF00000000FFFFFFFFFFFFFFFFBCE6FAADA7179E84F3B9CAC2FC632551,
        3309,
    ),
    "MLDSA87-ECDSA-P384-SHA512": (
        signatures.MLDSA87P384PrivateKey,
        0xFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFC7634D81F4372DDF581A0DB248B0A77AECEC196ACCC52973,
        4627,
    ),
}


@pytest.mark.parametrize("name", list(ORDERS))
def test_signing_is_low_s_and_the_high_s_twin_is_refused_strictly(name: str) -> None:
    cls, n, mldsa_len = ORDERS[name]
    key = cls.generate()
    public_key = key.public_key()
    for i in range(24):
        msg = b"order %d" % i
        sig = key.sign(msg)
        mldsa_part, ecdsa_part = sig[:mldsa_len], sig[mldsa_len:]
        r, s = decode_dss_signature(ecdsa_part)
        assert s <= n // 2, f"signature {i} is high-S"
        public_key.verify(sig, msg, strict=True)
        twin = mldsa_part + encode_dss_signature(r, n - s)
        assert twin != sig
        public_key.verify(twin, msg)
        with pytest.raises(InvalidSignature):
            public_key.verify(twin, msg, strict=True)
        with pytest.raises(InvalidSignature):
            public_key.verify(sig, msg + b"!", strict=True)


def test_strict_changes_nothing_for_the_other_algorithms() -> None:
    for cls in (signatures.Ed25519PrivateKey, signatures.MLDSA65Ed25519PrivateKey):
        key = cls.generate()
        sig = key.sign(b"m")
        key.public_key().verify(sig, b"m", strict=True)
        with pytest.raises(InvalidSignature):
            key.public_key().verify(sig, b"n", strict=True)
