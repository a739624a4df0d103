"""PKCS#8 and SubjectPublicKeyInfo, DER and PEM, for KEM and signature keys (pyca's shape).

The loaders read the algorithm OID and return the matching class of :mod:`pqpay.kem` or
:mod:`pqpay.signatures` (both kinds share the PEM labels ``PRIVATE KEY`` / ``PUBLIC KEY``).

Signature keys: ML-DSA-44/65/87 (RFC 9881; private key as ``seed``, ``expandedKey`` or
``both``, chosen with :class:`MLDSAPrivateKeyForm`), Ed25519/Ed448 (RFC 8410), every SLH-DSA
parameter set (RFC 9909) and the composites (draft-ietf-lamps-pq-composite-sigs-19).

Standard forms exist for ML-KEM (OIDs 2.16.840.1.101.3.4.4.1-3, private key as ``seed``,
``expandedKey`` or ``both``), X25519 (RFC 8410) and X-Wing (1.3.6.1.4.1.62253.25722).
X25519MLKEM768, MLKEM768-P256 and MLKEM1024-P384 have no assigned OID: store their seed
(``private_bytes_raw()``) instead; asking for PKCS#8/SPKI raises ``UnsupportedAlgorithm``.
Encrypted PKCS#8 is not supported.
"""

from __future__ import annotations

from typing import Any

from pqpay import _native
from pqpay._bytes import as_bytes
from pqpay._serialization import (
    Encoding,
    MLDSAPrivateKeyForm,
    MLKEMPrivateKeyForm,
    PrivateFormat,
    PublicFormat,
)
from pqpay.kem import PRIVATE_KEY_CLASSES, PUBLIC_KEY_CLASSES, KEMPrivateKey, KEMPublicKey
from pqpay.signatures import PRIVATE_KEY_CLASSES as SIG_PRIVATE_KEY_CLASSES
from pqpay.signatures import PUBLIC_KEY_CLASSES as SIG_PUBLIC_KEY_CLASSES
from pqpay.signatures import SignaturePrivateKey, SignaturePublicKey

__all__ = [
    "Encoding",
    "MLDSAPrivateKeyForm",
    "MLKEMPrivateKeyForm",
    "PrivateFormat",
    "PublicFormat",
    "load_der_private_key",
    "load_der_public_key",
    "load_pem_private_key",
    "load_pem_public_key",
]

PrivateKey = KEMPrivateKey[Any] | SignaturePrivateKey[Any]
"""Any private key the loaders return."""
PublicKey = KEMPublicKey | SignaturePublicKey
"""Any public key the loaders return."""


def _private(native: _native.KemPrivateKey | _native.SigPrivateKey) -> PrivateKey:
    if isinstance(native, _native.SigPrivateKey):
        return SIG_PRIVATE_KEY_CLASSES[native.algorithm]._wrap(native)
    key: KEMPrivateKey[Any] = PRIVATE_KEY_CLASSES[native.algorithm]._wrap(native)
    return key


def _public(native: _native.KemPublicKey | _native.SigPublicKey) -> PublicKey:
    if isinstance(native, _native.SigPublicKey):
        return SIG_PUBLIC_KEY_CLASSES[native.algorithm]._wrap(native)
    key: KEMPublicKey = PUBLIC_KEY_CLASSES[native.algorithm]._wrap(native)
    return key


def load_der_private_key(data: bytes) -> PrivateKey:
    """Loads a PKCS#8 DER private key; returns the matching ``pqpay.kem`` or
    ``pqpay.signatures`` class.

    :raises EncodingError: malformed DER. :raises UnsupportedAlgorithm: unknown OID.
    :raises InvalidKey: a failed key check (e.g. seed and expanded key disagree).
    """
    return _private(_native.load_private_key(as_bytes(data, "data"), False))


def load_pem_private_key(data: bytes) -> PrivateKey:
    """Loads a ``PRIVATE KEY`` PEM block (see :func:`load_der_private_key`)."""
    return _private(_native.load_private_key(as_bytes(data, "data"), True))


def load_der_public_key(data: bytes) -> PublicKey:
    """Loads a SubjectPublicKeyInfo DER public key (the family's key check runs)."""
    return _public(_native.load_public_key(as_bytes(data, "data"), False))


def load_pem_public_key(data: bytes) -> PublicKey:
    """Loads a ``PUBLIC KEY`` PEM block (see :func:`load_der_public_key`)."""
    return _public(_native.load_public_key(as_bytes(data, "data"), True))


def private_bytes(
    key: PrivateKey,
    encoding: Encoding,
    format: PrivateFormat,
    form: MLKEMPrivateKeyForm | MLDSAPrivateKeyForm | None = None,
) -> bytes:
    """Serializes a private key; ``Raw``/``Raw`` is the raw private key (the seed for ML-KEM
    and ML-DSA).

    ``form`` picks the ML-KEM (:class:`MLKEMPrivateKeyForm`) or ML-DSA
    (:class:`MLDSAPrivateKeyForm`) private-key CHOICE; the default is the seed form, and other
    algorithms ignore it. The key's own ``private_bytes()`` does the work.
    """
    if isinstance(key, SignaturePrivateKey):
        return key.private_bytes(encoding, format, mldsa_form=form)  # type: ignore[arg-type]
    return key.private_bytes(encoding, format, mlkem_form=form)  # type: ignore[arg-type]


def public_bytes(key: PublicKey, encoding: Encoding, format: PublicFormat) -> bytes:
    """Serializes a public key; ``Raw``/``Raw`` is the encoded key (the key's own
    ``public_bytes()``)."""
    return key.public_bytes(encoding, format)
