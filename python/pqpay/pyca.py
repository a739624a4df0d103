"""Moving keys to and from pyca/cryptography (50 or newer, imported only when called).

:func:`to_pyca` / :func:`from_pyca` convert private and public keys of the algorithms pyca has:
ML-KEM-768, ML-KEM-1024, ML-DSA-44/65/87, Ed25519, Ed448 and X25519, through their PKCS#8 seed
form and SubjectPublicKeyInfo (pyca 50 reads ML-KEM and ML-DSA private keys in the **seed** form
only: a pqpay ``expanded`` or ``both`` PEM does not load in pyca; write the default seed form).
X-Wing, which pyca does not have, goes as its two halves: the private key becomes
``(MLKEM768PrivateKey, X25519PrivateKey)`` from the seed's SHAKE256 expansion (X-Wing §5.2:
``expanded[0:64]`` is the ML-KEM seed d || z, ``expanded[64:96]`` the X25519 key), the public key
``(MLKEM768PublicKey, X25519PublicKey)``; :func:`from_pyca` joins a public pair back into an
``XWingPublicKey`` (a private pair cannot become an X-Wing key again: the expansion is one way,
so that raises ``ValueError``).
"""

from __future__ import annotations

import hashlib
from typing import Any

from pqpay import serialization
from pqpay.exceptions import UnsupportedAlgorithm
from pqpay.kem import KEMPrivateKey, KEMPublicKey, XWingPrivateKey, XWingPublicKey
from pqpay.signatures import SignaturePrivateKey, SignaturePublicKey

__all__ = ["PYCA_ALGORITHMS", "from_pyca", "to_pyca"]

PYCA_ALGORITHMS = frozenset(
    {
        "ML-KEM-768",
        "ML-KEM-1024",
        "ML-DSA-44",
        "ML-DSA-65",
        "ML-DSA-87",
        "Ed25519",
        "Ed448",
        "X25519",
        "X-Wing",
    }
)
"""The pqpay algorithms :func:`to_pyca` converts (X-Wing as two pyca keys)."""

_MLKEM768_PUBLIC = 1184
_XWING_EXPANDED = 96


def _pyca() -> Any:
    try:
        from cryptography.hazmat.primitives import serialization as pyca_serialization
    except ImportError:
        raise ImportError(
            "pqpay.pyca needs pyca/cryptography 50 or newer: pip install 'cryptography>=50'"
        ) from None
    return pyca_serialization


def _xwing_halves(key: XWingPrivateKey) -> tuple[Any, Any]:
    from cryptography.hazmat.primitives.asymmetric import mlkem, x25519

    expanded = hashlib.shake_256(key.private_bytes_raw()).digest(_XWING_EXPANDED)
    return (
        mlkem.MLKEM768PrivateKey.from_seed_bytes(expanded[:64]),
        x25519.X25519PrivateKey.from_private_bytes(expanded[64:]),
    )


def _xwing_public_halves(key: XWingPublicKey) -> tuple[Any, Any]:
    from cryptography.hazmat.primitives.asymmetric import mlkem, x25519

    raw = key.public_bytes_raw()
    return (
        mlkem.MLKEM768PublicKey.from_public_bytes(raw[:_MLKEM768_PUBLIC]),
        x25519.X25519PublicKey.from_public_bytes(raw[_MLKEM768_PUBLIC:]),
    )


def to_pyca(key: Any) -> Any:
    """The pyca/cryptography key equal to a pqpay private or public key (an X-Wing key: a
    ``(ML-KEM-768, X25519)`` tuple of pyca keys).

    :raises UnsupportedAlgorithm: pyca has no such algorithm (ML-KEM-512, SLH-DSA, the
        composites and the OID-less KEM hybrids).
    :raises TypeError: not a pqpay key. :raises ImportError: pyca is not installed.
    """
    if not isinstance(key, (KEMPrivateKey, SignaturePrivateKey, KEMPublicKey, SignaturePublicKey)):
        raise TypeError(f"expected a pqpay key, not {type(key).__name__}")
    if key.ALGORITHM not in PYCA_ALGORITHMS:
        raise UnsupportedAlgorithm(
            f"pyca/cryptography has no {key.ALGORITHM}; to_pyca converts "
            f"{', '.join(sorted(PYCA_ALGORITHMS))}"
        )
    pyca = _pyca()
    if isinstance(key, XWingPrivateKey):
        return _xwing_halves(key)
    if isinstance(key, XWingPublicKey):
        return _xwing_public_halves(key)
    if isinstance(key, (KEMPrivateKey, SignaturePrivateKey)):
        der = key.private_bytes(
            serialization.Encoding.DER,
            serialization.PrivateFormat.PKCS8,
            serialization.NoEncryption(),
        )
        return pyca.load_der_private_key(der, password=None)
    spki = key.public_bytes(
        serialization.Encoding.DER, serialization.PublicFormat.SubjectPublicKeyInfo
    )
    return pyca.load_der_public_key(spki)


def from_pyca(key: Any) -> Any:
    """The pqpay key equal to a pyca/cryptography private or public key, read through its
    PKCS#8 (seed form) or SubjectPublicKeyInfo DER. A ``(MLKEM768PublicKey,
    X25519PublicKey)`` pair becomes an ``XWingPublicKey``.

    :raises ValueError: a pair of private keys (X-Wing's seed cannot be recovered), or a
        tuple that is not an ML-KEM-768 and X25519 public key.
    :raises UnsupportedAlgorithm: a pyca key pqpay does not load.
    :raises TypeError: not a pyca key.
    """
    pyca = _pyca()
    if isinstance(key, tuple):
        return _xwing_from_pair(key, pyca)
    if type(key).__module__.split(".")[0] != "cryptography":
        raise TypeError(f"expected a pyca/cryptography key, not {type(key).__name__}")
    if callable(getattr(key, "private_bytes", None)):
        der = key.private_bytes(pyca.Encoding.DER, pyca.PrivateFormat.PKCS8, pyca.NoEncryption())
        return serialization.load_der_private_key(der)
    if callable(getattr(key, "public_bytes", None)):
        spki = key.public_bytes(pyca.Encoding.DER, pyca.PublicFormat.SubjectPublicKeyInfo)
        return serialization.load_der_public_key(spki)
    raise TypeError(f"expected a pyca/cryptography key, not {type(key).__name__}")


def _xwing_from_pair(pair: tuple[Any, ...], pyca: Any) -> XWingPublicKey:
    from cryptography.hazmat.primitives.asymmetric import mlkem, x25519

    if len(pair) == 2 and isinstance(pair[0], mlkem.MLKEM768PrivateKey):
        raise ValueError(
            "an X-Wing private key is its 32-byte seed, which its expanded ML-KEM and X25519 "
            "halves do not give back; convert the public key pair, or keep the X-Wing seed"
        )
    if not (
        len(pair) == 2
        and isinstance(pair[0], mlkem.MLKEM768PublicKey)
        and isinstance(pair[1], x25519.X25519PublicKey)
    ):
        raise ValueError("an X-Wing key pair is (MLKEM768PublicKey, X25519PublicKey)")
    raw = pair[0].public_bytes(pyca.Encoding.Raw, pyca.PublicFormat.Raw) + pair[1].public_bytes(
        pyca.Encoding.Raw, pyca.PublicFormat.Raw
    )
    return XWingPublicKey.from_public_bytes(raw)
