"""The key-serialization enums and format checks (foundation layer, as pyca's
``hazmat/primitives/_serialization.py``).

The key classes of :mod:`pqpay.kem` and :mod:`pqpay.signatures` need only these to write their
own bytes; the loaders, which must know every key class, live in :mod:`pqpay.serialization`
(which re-exports the enums). Keeping the enums in this leaf is what keeps the imports one way.
"""

from __future__ import annotations

import enum
from typing import Any, TypeVar

__all__ = [
    "BestAvailableEncryption",
    "Encoding",
    "MLDSAPrivateKeyForm",
    "MLKEMPrivateKeyForm",
    "NoEncryption",
    "PrivateFormat",
    "PublicFormat",
    "encryption_password",
    "mldsa_form_value",
    "mlkem_form_value",
    "private_output",
    "public_output",
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


class NoEncryption:
    """Write the private key in the clear (pyca's ``NoEncryption()`` is accepted too)."""

    def __repr__(self) -> str:
        return "NoEncryption()"


class BestAvailableEncryption:
    """Encrypt the private key with a password: PKCS#8 ``EncryptedPrivateKeyInfo`` with PBES2,
    PBKDF2-HMAC-SHA256 (1,200,000 iterations) and AES-256-CBC, which OpenSSL 3 and
    pyca/cryptography read (pyca's own ``BestAvailableEncryption`` is accepted too).

    :raises TypeError: ``password`` is not bytes. :raises ValueError: it is empty.
    """

    __slots__ = ("password",)

    def __init__(self, password: bytes) -> None:
        if not isinstance(password, bytes):
            raise TypeError(f"password must be bytes, not {type(password).__name__}")
        if not password:
            raise ValueError("password must be 1 or more bytes")
        self.password = password

    def __repr__(self) -> str:
        return "BestAvailableEncryption(<password>)"


def _is_pyca(value: object, class_name: str) -> bool:
    """True for an instance of pyca/cryptography's class ``class_name`` (duck-typed by its
    module and name: pyca is not a dependency)."""
    cls = type(value)
    return cls.__name__ == class_name and cls.__module__.split(".")[0] == "cryptography"


_E = TypeVar("_E", bound=enum.Enum)


def _as_enum(value: object, ours: type[_E], what: str) -> _E:
    """``value`` as our enum ``ours``; pyca's enum of the same name maps by member name."""
    if isinstance(value, ours):
        return value
    if _is_pyca(value, ours.__name__):
        # pyca 50's enums are native classes without ``.name``: match by class attribute.
        for member in ours:
            if getattr(type(value), member.name, None) == value:
                return member
        raise ValueError(f"unsupported {what} {value!r}")
    raise TypeError(f"{what} must be a pqpay or pyca {ours.__name__}, not {type(value).__name__}")


def encryption_password(encryption_algorithm: object) -> bytes | None:
    """The password of a ``BestAvailableEncryption`` (ours or pyca's), or None for
    ``NoEncryption()`` (ours or pyca's) and None.

    :raises ValueError: another encryption choice (e.g. pyca's ``PrivateFormat`` builders).
    """
    if encryption_algorithm is None or isinstance(encryption_algorithm, NoEncryption):
        return None
    if isinstance(encryption_algorithm, BestAvailableEncryption):
        return encryption_algorithm.password
    if _is_pyca(encryption_algorithm, "NoEncryption"):
        return None
    if _is_pyca(encryption_algorithm, "BestAvailableEncryption"):
        password = getattr(encryption_algorithm, "password", None)
        if isinstance(password, bytes) and password:
            return password
    raise ValueError(
        "unsupported encryption_algorithm: pass NoEncryption(), None or "
        f"BestAvailableEncryption(password), not {type(encryption_algorithm).__name__}"
    )


def _container(
    encoding: Encoding, format: enum.Enum, raw: enum.Enum, container: enum.Enum
) -> Encoding:
    """Raw for ``Raw``/``Raw``, DER or PEM for ``container``, else ValueError."""
    if encoding is Encoding.Raw or format is raw:
        if encoding is not Encoding.Raw or format is not raw:
            raise ValueError("Raw encoding goes only with Raw format")
        return Encoding.Raw
    if format is not container:
        kind = "private" if isinstance(container, PrivateFormat) else "public"
        raise ValueError(f"unsupported {kind} format {format!r}")
    return encoding


def private_output(
    encoding: object, format: object, encryption_algorithm: object
) -> tuple[Encoding, bytes | None]:
    """Checks a ``private_bytes`` request: the encoding (Raw, DER or PEM; pqpay's or pyca's
    enums) and the password to encrypt with (None: in the clear).

    :raises ValueError: ``Raw`` mixed with another value, an unsupported format, or an
        encrypted ``Raw`` key. :raises TypeError: not an encoding / format enum.
    """
    enc = _container(
        _as_enum(encoding, Encoding, "encoding"),
        _as_enum(format, PrivateFormat, "private format"),
        PrivateFormat.Raw,
        PrivateFormat.PKCS8,
    )
    password = encryption_password(encryption_algorithm)
    if enc is Encoding.Raw and password is not None:
        raise ValueError("a Raw private key cannot be encrypted; use PrivateFormat.PKCS8")
    return enc, password


def public_output(encoding: object, format: object) -> Encoding:
    """Checks a ``public_bytes`` request: Raw, DER or PEM (pqpay's or pyca's enums).

    :raises ValueError: ``Raw`` mixed with another value, or an unsupported format.
    :raises TypeError: not an encoding / format enum.
    """
    return _container(
        _as_enum(encoding, Encoding, "encoding"),
        _as_enum(format, PublicFormat, "public format"),
        PublicFormat.Raw,
        PublicFormat.SubjectPublicKeyInfo,
    )


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
