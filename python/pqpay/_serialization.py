"""The key-serialization enums and format checks (foundation layer, as pyca's
``hazmat/primitives/_serialization.py``).

The key classes of :mod:`pqpay.kem` and :mod:`pqpay.signatures` need only these to write their
own bytes; the loaders, which must know every key class, live in :mod:`pqpay.serialization`
(which re-exports the enums). Keeping the enums in this leaf is what keeps the imports one way.
"""

from __future__ import annotations

import enum
from typing import Any

__all__ = [
    "Encoding",
    "MLDSAPrivateKeyForm",
    "MLKEMPrivateKeyForm",
    "PrivateFormat",
    "PublicFormat",
    "check_no_encryption",
    "is_raw_private",
    "is_raw_public",
    "mldsa_form_value",
    "mlkem_form_value",
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


def check_no_encryption(encryption_algorithm: object) -> None:
    """Accepts None or pyca's ``NoEncryption()`` only: encrypted PKCS#8 is not supported."""
    if encryption_algorithm is not None and type(encryption_algorithm).__name__ != ("NoEncryption"):
        raise ValueError("encrypted PKCS#8 is not supported; pass NoEncryption() or None")


def _is_raw(encoding: Encoding, format: enum.Enum, raw: enum.Enum, container: enum.Enum) -> bool:
    """True for ``Raw``/``Raw``, False for ``container`` (DER or PEM), else ValueError."""
    if encoding is Encoding.Raw or format is raw:
        if encoding is not Encoding.Raw or format is not raw:
            raise ValueError("Raw encoding goes only with Raw format")
        return True
    if format is not container:
        kind = "private" if isinstance(container, PrivateFormat) else "public"
        raise ValueError(f"unsupported {kind} format {format!r}")
    return False


def is_raw_private(encoding: Encoding, format: PrivateFormat) -> bool:
    """True for ``Raw``/``Raw``, False for PKCS#8 (DER or PEM).

    :raises ValueError: ``Raw`` mixed with another value, or an unsupported format.
    """
    return _is_raw(encoding, format, PrivateFormat.Raw, PrivateFormat.PKCS8)


def is_raw_public(encoding: Encoding, format: PublicFormat) -> bool:
    """True for ``Raw``/``Raw``, False for SubjectPublicKeyInfo (DER or PEM).

    :raises ValueError: ``Raw`` mixed with another value, or an unsupported format.
    """
    return _is_raw(encoding, format, PublicFormat.Raw, PublicFormat.SubjectPublicKeyInfo)


def mlkem_form_value(form: Any) -> str:
    """The native name of a KEM key's private-key CHOICE (default: the seed).

    :raises TypeError: an :class:`MLDSAPrivateKeyForm` was given.
    """
    if isinstance(form, MLDSAPrivateKeyForm):
        raise TypeError("a KEM key takes an MLKEMPrivateKeyForm, not MLDSAPrivateKeyForm")
    return MLKEMPrivateKeyForm.SEED.value if form is None else MLKEMPrivateKeyForm(form).value


def mldsa_form_value(form: Any) -> str:
    """The native name of a signature key's private-key CHOICE (default: the seed).

    :raises TypeError: an :class:`MLKEMPrivateKeyForm` was given.
    """
    if isinstance(form, MLKEMPrivateKeyForm):
        raise TypeError("a signature key takes an MLDSAPrivateKeyForm, not MLKEMPrivateKeyForm")
    return MLDSAPrivateKeyForm.SEED.value if form is None else MLDSAPrivateKeyForm(form).value
