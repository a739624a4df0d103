"""Composite ML-DSA helpers shared by the composite tests and benchmark: the offered classes and
an independent (pure Python) M' construction plus pyca/cryptography component verifiers."""

from __future__ import annotations

import hashlib
from dataclasses import dataclass
from typing import Any

from cryptography.hazmat.primitives import hashes
from cryptography.hazmat.primitives.asymmetric import ec, ed448, ed25519, mldsa

from pqpay import signatures

PREFIX = b"CompositeAlgorithmSignatures2025"


@dataclass(frozen=True)
class Composite:
    """One offered composite: its classes, draft tcId and the component layout."""

    tc_id: str
    private_cls: type[signatures.SignaturePrivateKey[Any]]
    public_cls: type[signatures.SignaturePublicKey]
    mldsa_pk_len: int
    mldsa_sig_len: int
    trad: str  # "Ed25519", "Ed448", "P-256", "P-384"

    @property
    def name(self) -> str:
        return self.private_cls.ALGORITHM

    @property
    def label(self) -> bytes:
        return b"COMPSIG-" + self.name.encode()


COMPOSITES = [
    Composite(
        "id-MLDSA44-Ed25519-SHA512",
        signatures.MLDSA44Ed25519PrivateKey,
        signatures.MLDSA44Ed25519PublicKey,
        1312,
        2420,
        "Ed25519",
    ),
    Composite(
        "id-MLDSA65-Ed25519-SHA512",
        signatures.MLDSA65Ed25519PrivateKey,
        signatures.MLDSA65Ed25519PublicKey,
        1952,
        3309,
        "Ed25519",
    ),
    Composite(
        "id-MLDSA87-Ed448-SHAKE256",
        signatures.MLDSA87Ed448PrivateKey,
        signatures.MLDSA87Ed448PublicKey,
        2592,
        4627,
        "Ed448",
    ),
    Composite(
        "id-MLDSA65-ECDSA-P256-SHA512",
        signatures.MLDSA65P256PrivateKey,
        signatures.MLDSA65P256PublicKey,
        1952,
        3309,
        "P-256",
    ),
    Composite(
        "id-MLDSA87-ECDSA-P384-SHA512",
        signatures.MLDSA87P384PrivateKey,
        signatures.MLDSA87P384PublicKey,
        2592,
        4627,
        "P-384",
    ),
]


def message_representative(c: Composite, message: bytes, context: bytes) -> bytes:
    """M' = Prefix || Label || len(ctx) || ctx || PH(M), written from the draft, not from pqpay."""
    if c.trad == "Ed448":
        ph = hashlib.shake_256(message).digest(64)
    else:
        ph = hashlib.sha512(message).digest()
    return PREFIX + c.label + bytes([len(context)]) + context + ph


def pyca_mldsa_public(c: Composite, pk: bytes) -> Any:
    cls = {1312: mldsa.MLDSA44PublicKey, 1952: mldsa.MLDSA65PublicKey, 2592: mldsa.MLDSA87PublicKey}
    return cls[c.mldsa_pk_len].from_public_bytes(pk[: c.mldsa_pk_len])


def pyca_verify_components(
    c: Composite, pk: bytes, signature: bytes, message: bytes, context: bytes
) -> None:
    """Verifies both halves of a composite signature with pyca/cryptography (raises if not)."""
    m_prime = message_representative(c, message, context)
    ml_sig, trad_sig = signature[: c.mldsa_sig_len], signature[c.mldsa_sig_len :]
    trad_pk = pk[c.mldsa_pk_len :]
    pyca_mldsa_public(c, pk).verify(ml_sig, m_prime, c.label)
    if c.trad == "Ed25519":
        ed25519.Ed25519PublicKey.from_public_bytes(trad_pk).verify(trad_sig, m_prime)
    elif c.trad == "Ed448":
        ed448.Ed448PublicKey.from_public_bytes(trad_pk).verify(trad_sig, m_prime)
    else:
        curve: ec.EllipticCurve
        digest: hashes.HashAlgorithm
        if c.trad == "P-256":
            curve, digest = ec.SECP256R1(), hashes.SHA256()
        else:
            curve, digest = ec.SECP384R1(), hashes.SHA384()
        key = ec.EllipticCurvePublicKey.from_encoded_point(curve, trad_pk)
        key.verify(trad_sig, m_prime, ec.ECDSA(digest))
