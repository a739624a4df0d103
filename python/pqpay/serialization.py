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
Encrypted PKCS#8 (RFC 5958 ``EncryptedPrivateKeyInfo``, PBES2 per RFC 8018): the loaders take
``password=`` (bytes; None for an unencrypted key) and read PBKDF2-HMAC-SHA1/SHA-224/SHA-256/
SHA-384/SHA-512 or scrypt with AES-128/192/256-CBC, as OpenSSL and pyca write them; a file asking
for a KDF cost above the bound (5,000,000 PBKDF2 iterations; scrypt memory 257 MiB, so N=2^18 r=8
loads, or N*r*p 2^22) is refused before any work. ``private_bytes(...,
BestAvailableEncryption(password))`` writes PBKDF2-HMAC-SHA256 with 1,200,000 iterations and
AES-256-CBC. pyca's ``Encoding``, ``PrivateFormat``, ``PublicFormat``, ``NoEncryption`` and
``BestAvailableEncryption`` are accepted wherever pqpay's are.
"""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager
from typing import Any

from pqpay import _native
from pqpay._bytes import as_bytes
from pqpay._serialization import (
    BestAvailableEncryption,
    Encoding,
    MLDSAPrivateKeyForm,
    MLKEMPrivateKeyForm,
    NoEncryption,
    PrivateFormat,
    PublicFormat,
)
from pqpay.exceptions import InvalidKey, PqpayError
from pqpay.kem import PRIVATE_KEY_CLASSES, PUBLIC_KEY_CLASSES, KEMPrivateKey, KEMPublicKey
from pqpay.signatures import PRIVATE_KEY_CLASSES as SIG_PRIVATE_KEY_CLASSES
from pqpay.signatures import PUBLIC_KEY_CLASSES as SIG_PUBLIC_KEY_CLASSES
from pqpay.signatures import SignaturePrivateKey, SignaturePublicKey

__all__ = [
    "BestAvailableEncryption",
    "Encoding",
    "MLDSAPrivateKeyForm",
    "MLKEMPrivateKeyForm",
    "NoEncryption",
    "PrivateFormat",
    "PublicFormat",
    "load_der_private_key",
    "load_der_public_key",
    "load_pem_private_key",
    "load_pem_public_key",
    "private_key_encryption",
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


@contextmanager
def _key_checks() -> Iterator[None]:
    """A well-formed envelope around a key of the wrong size for its OID is an invalid key: the
    native family check says ``ValueError``, the loaders promise :class:`InvalidKey` (which is
    one)."""
    try:
        yield
    except ValueError as exc:
        if isinstance(exc, PqpayError):
            raise
        raise InvalidKey(str(exc)) from None


def _load_private(data: bytes, password: bytes | None, pem: bool) -> PrivateKey:
    raw = as_bytes(data, "data")
    secret = None if password is None else as_bytes(password, "password")
    if _native.private_key_is_encrypted(raw, pem):
        if secret is None:
            raise TypeError("Password was not given but private key is encrypted")
        with _key_checks():
            return _private(_native.load_encrypted_private_key(raw, pem, secret))
    if secret is not None:
        raise TypeError("Password was given but private key is not encrypted.")
    with _key_checks():
        return _private(_native.load_private_key(raw, pem))


def load_der_private_key(data: bytes, password: bytes | None = None) -> PrivateKey:
    """Loads a PKCS#8 DER private key, plain or encrypted (``EncryptedPrivateKeyInfo``);
    returns the matching ``pqpay.kem`` or ``pqpay.signatures`` class.

    The KDF runs with the GIL released.

    :raises TypeError: a password for an unencrypted key, or none for an encrypted one.
    :raises InvalidPassword: a wrong password or a damaged encrypted key.
    :raises EncodingError: malformed DER, or a KDF cost above the bound.
    :raises UnsupportedAlgorithm: unknown OID (key, PBES scheme, KDF, PRF or cipher).
    :raises InvalidKey: a failed key check (e.g. seed and expanded key disagree, or a key of
        the wrong length for its OID).
    """
    return _load_private(data, password, False)


def load_pem_private_key(data: bytes, password: bytes | None = None) -> PrivateKey:
    """Loads a ``PRIVATE KEY`` or ``ENCRYPTED PRIVATE KEY`` PEM block (see
    :func:`load_der_private_key`)."""
    return _load_private(data, password, True)


def private_key_encryption(data: bytes) -> str | None:
    """How a PEM or DER private key is encrypted (e.g. ``"PBES2, PBKDF2-HMAC-SHA256 with
    1200000 iterations, AES-256-CBC"``), read without the password; None when it is not.

    :raises EncodingError: a malformed envelope. :raises UnsupportedAlgorithm: unknown OIDs.
    """
    raw = as_bytes(data, "data")
    pem = raw.lstrip().startswith(b"-----BEGIN")
    if not _native.private_key_is_encrypted(raw, pem):
        return None
    return _native.describe_encrypted_private_key(raw, pem)


def load_der_public_key(data: bytes) -> PublicKey:
    """Loads a SubjectPublicKeyInfo DER public key (the family's key check runs).

    :raises EncodingError: malformed DER. :raises UnsupportedAlgorithm: unknown OID.
    :raises InvalidKey: the key fails its family's check (a wrong length for its OID, say).
    """
    with _key_checks():
        return _public(_native.load_public_key(as_bytes(data, "data"), False))


def load_pem_public_key(data: bytes) -> PublicKey:
    """Loads a ``PUBLIC KEY`` PEM block (see :func:`load_der_public_key`)."""
    with _key_checks():
        return _public(_native.load_public_key(as_bytes(data, "data"), True))


def private_bytes(
    key: PrivateKey,
    encoding: Encoding,
    format: PrivateFormat,
    form: MLKEMPrivateKeyForm | MLDSAPrivateKeyForm | None = None,
    *,
    encryption_algorithm: object = None,
) -> bytes:
    """Serializes a private key; ``Raw``/``Raw`` is the raw private key (the seed for ML-KEM
    and ML-DSA).

    ``form`` picks the ML-KEM (:class:`MLKEMPrivateKeyForm`) or ML-DSA
    (:class:`MLDSAPrivateKeyForm`) private-key CHOICE; the default is the seed form, and other
    algorithms ignore it. ``encryption_algorithm`` is as for the key's own ``private_bytes()``,
    which does the work.
    """
    enc = encryption_algorithm
    if isinstance(key, SignaturePrivateKey):
        return key.private_bytes(encoding, format, enc, mldsa_form=form)  # type: ignore[arg-type]
    return key.private_bytes(encoding, format, enc, mlkem_form=form)  # type: ignore[arg-type]


def public_bytes(key: PublicKey, encoding: Encoding, format: PublicFormat) -> bytes:
    """Serializes a public key; ``Raw``/``Raw`` is the encoded key (the key's own
    ``public_bytes()``)."""
    return key.public_bytes(encoding, format)
