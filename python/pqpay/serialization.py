"""PKCS#8 and SubjectPublicKeyInfo, DER and PEM, for KEM keys (pyca/cryptography's shape).

Standard forms exist for ML-KEM (OIDs 2.16.840.1.101.3.4.4.1-3, private key as ``seed``,
``expandedKey`` or ``both``), X25519 (RFC 8410) and X-Wing (1.3.6.1.4.1.62253.25722).
X25519MLKEM768, MLKEM768-P256 and MLKEM1024-P384 have no assigned OID: store their seed
(``private_bytes_raw()``) instead; asking for PKCS#8/SPKI raises ``UnsupportedAlgorithm``.
Encrypted PKCS#8 is not supported.
"""

from __future__ import annotations

import enum
from typing import Any

from pqpay import _native
from pqpay._util import as_bytes
from pqpay.kem import PRIVATE_KEY_CLASSES, PUBLIC_KEY_CLASSES, KEMPrivateKey, KEMPublicKey

__all__ = [
    "Encoding",
    "MLKEMPrivateKeyForm",
    "PrivateFormat",
    "PublicFormat",
    "load_der_private_key",
    "load_der_public_key",
    "load_pem_private_key",
    "load_pem_public_key",
]


class Encoding(enum.Enum):
    """Outer encoding."""

    DER = "DER"
    PEM = "PEM"
    Raw = "Raw"


class PrivateFormat(enum.Enum):
    """Private-key container."""

    PKCS8 = "PKCS8"
    Raw = "Raw"


class PublicFormat(enum.Enum):
    """Public-key container."""

    SubjectPublicKeyInfo = "SubjectPublicKeyInfo"
    Raw = "Raw"


class MLKEMPrivateKeyForm(enum.Enum):
    """Which CHOICE of the ML-KEM private key to write (draft-ietf-lamps-kyber-certificates)."""

    SEED = "seed"
    EXPANDED = "expanded"
    BOTH = "both"


def _private(native: _native.KemPrivateKey) -> KEMPrivateKey[Any]:
    key: KEMPrivateKey[Any] = PRIVATE_KEY_CLASSES[native.algorithm]._wrap(native)
    return key


def _public(native: _native.KemPublicKey) -> KEMPublicKey:
    key: KEMPublicKey = PUBLIC_KEY_CLASSES[native.algorithm]._wrap(native)
    return key


def load_der_private_key(data: bytes) -> KEMPrivateKey[Any]:
    """Loads a PKCS#8 DER private key; returns the matching ``pqpay.kem`` class.

    :raises EncodingError: malformed DER. :raises UnsupportedAlgorithm: unknown OID.
    :raises InvalidKey: a failed key check (e.g. seed and expanded key disagree).
    """
    return _private(_native.load_private_key(as_bytes(data, "data"), False))


def load_pem_private_key(data: bytes) -> KEMPrivateKey[Any]:
    """Loads a ``PRIVATE KEY`` PEM block (see :func:`load_der_private_key`)."""
    return _private(_native.load_private_key(as_bytes(data, "data"), True))


def load_der_public_key(data: bytes) -> KEMPublicKey:
    """Loads a SubjectPublicKeyInfo DER public key (the FIPS 203 key check runs for ML-KEM)."""
    return _public(_native.load_public_key(as_bytes(data, "data"), False))


def load_pem_public_key(data: bytes) -> KEMPublicKey:
    """Loads a ``PUBLIC KEY`` PEM block (see :func:`load_der_public_key`)."""
    return _public(_native.load_public_key(as_bytes(data, "data"), True))


def private_bytes(
    key: KEMPrivateKey[Any],
    encoding: Encoding,
    format: PrivateFormat,
    mlkem_form: MLKEMPrivateKeyForm = MLKEMPrivateKeyForm.SEED,
) -> bytes:
    """Serializes a private key; ``Raw``/``Raw`` is the seed."""
    if encoding is Encoding.Raw or format is PrivateFormat.Raw:
        if encoding is not Encoding.Raw or format is not PrivateFormat.Raw:
            raise ValueError("Raw encoding goes only with Raw format")
        return key.private_bytes_raw()
    if format is not PrivateFormat.PKCS8:
        raise ValueError(f"unsupported private format {format!r}")
    return _native.private_key_to_pkcs8(
        key._key, encoding is Encoding.PEM, MLKEMPrivateKeyForm(mlkem_form).value
    )


def public_bytes(key: KEMPublicKey, encoding: Encoding, format: PublicFormat) -> bytes:
    """Serializes a public key; ``Raw``/``Raw`` is the encoded key."""
    if encoding is Encoding.Raw or format is PublicFormat.Raw:
        if encoding is not Encoding.Raw or format is not PublicFormat.Raw:
            raise ValueError("Raw encoding goes only with Raw format")
        return key.public_bytes_raw()
    if format is not PublicFormat.SubjectPublicKeyInfo:
        raise ValueError(f"unsupported public format {format!r}")
    return _native.public_key_to_spki(key._key, encoding is Encoding.PEM)
