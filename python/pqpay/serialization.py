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

import enum
from typing import Any

from pqpay import _native, signatures
from pqpay._util import as_bytes
from pqpay.kem import PRIVATE_KEY_CLASSES, PUBLIC_KEY_CLASSES, KEMPrivateKey, KEMPublicKey
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


class MLDSAPrivateKeyForm(enum.Enum):
    """Which CHOICE of the ML-DSA private key to write (RFC 9881)."""

    SEED = "seed"
    EXPANDED = "expanded"
    BOTH = "both"


def _signature_classes() -> tuple[
    dict[str, type[SignaturePrivateKey[Any]]], dict[str, type[SignaturePublicKey]]
]:
    private: dict[str, type[SignaturePrivateKey[Any]]] = {}
    public: dict[str, type[SignaturePublicKey]] = {}
    for obj in vars(signatures).values():
        if isinstance(obj, type) and "ALGORITHM" in vars(obj):
            if issubclass(obj, SignaturePrivateKey):
                private[obj.ALGORITHM] = obj
            elif issubclass(obj, SignaturePublicKey):
                public[obj.ALGORITHM] = obj
    return private, public


_SIG_PRIVATE, _SIG_PUBLIC = _signature_classes()

PrivateKey = KEMPrivateKey[Any] | SignaturePrivateKey[Any]
"""Any private key the loaders return."""
PublicKey = KEMPublicKey | SignaturePublicKey
"""Any public key the loaders return."""


def _private(native: _native.KemPrivateKey | _native.SigPrivateKey) -> PrivateKey:
    if isinstance(native, _native.SigPrivateKey):
        return _SIG_PRIVATE[native.algorithm]._wrap(native)
    key: KEMPrivateKey[Any] = PRIVATE_KEY_CLASSES[native.algorithm]._wrap(native)
    return key


def _public(native: _native.KemPublicKey | _native.SigPublicKey) -> PublicKey:
    if isinstance(native, _native.SigPublicKey):
        return _SIG_PUBLIC[native.algorithm]._wrap(native)
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
    algorithms ignore it.
    """
    if encoding is Encoding.Raw or format is PrivateFormat.Raw:
        if encoding is not Encoding.Raw or format is not PrivateFormat.Raw:
            raise ValueError("Raw encoding goes only with Raw format")
        return key.private_bytes_raw()
    if format is not PrivateFormat.PKCS8:
        raise ValueError(f"unsupported private format {format!r}")
    pem = encoding is Encoding.PEM
    if isinstance(key, SignaturePrivateKey):
        if isinstance(form, MLKEMPrivateKeyForm):
            raise TypeError("a signature key takes an MLDSAPrivateKeyForm, not MLKEMPrivateKeyForm")
        value = MLDSAPrivateKeyForm.SEED.value if form is None else MLDSAPrivateKeyForm(form).value
        return _native.sig_private_key_to_pkcs8(key._key, pem, value)
    if isinstance(form, MLDSAPrivateKeyForm):
        raise TypeError("a KEM key takes an MLKEMPrivateKeyForm, not MLDSAPrivateKeyForm")
    value = MLKEMPrivateKeyForm.SEED.value if form is None else MLKEMPrivateKeyForm(form).value
    return _native.private_key_to_pkcs8(key._key, pem, value)


def public_bytes(key: PublicKey, encoding: Encoding, format: PublicFormat) -> bytes:
    """Serializes a public key; ``Raw``/``Raw`` is the encoded key."""
    if encoding is Encoding.Raw or format is PublicFormat.Raw:
        if encoding is not Encoding.Raw or format is not PublicFormat.Raw:
            raise ValueError("Raw encoding goes only with Raw format")
        return key.public_bytes_raw()
    if format is not PublicFormat.SubjectPublicKeyInfo:
        raise ValueError(f"unsupported public format {format!r}")
    if isinstance(key, SignaturePublicKey):
        return _native.sig_public_key_to_spki(key._key, encoding is Encoding.PEM)
    return _native.public_key_to_spki(key._key, encoding is Encoding.PEM)
