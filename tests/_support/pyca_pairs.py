"""The pqpay key classes pyca/cryptography 50 has a counterpart for (the interop tests' table)."""

from __future__ import annotations

from typing import Any

from cryptography.hazmat.primitives.asymmetric import ed448, ed25519, mldsa, mlkem, x25519

from pqpay import kem, signatures

# pqpay private-key class, pyca private-key class
PYCA_PAIRS: list[tuple[Any, Any]] = [
    (kem.MLKEM768PrivateKey, mlkem.MLKEM768PrivateKey),
    (kem.MLKEM1024PrivateKey, mlkem.MLKEM1024PrivateKey),
    (signatures.MLDSA44PrivateKey, mldsa.MLDSA44PrivateKey),
    (signatures.MLDSA65PrivateKey, mldsa.MLDSA65PrivateKey),
    (signatures.MLDSA87PrivateKey, mldsa.MLDSA87PrivateKey),
    (signatures.Ed25519PrivateKey, ed25519.Ed25519PrivateKey),
    (signatures.Ed448PrivateKey, ed448.Ed448PrivateKey),
    (kem.X25519PrivateKey, x25519.X25519PrivateKey),
]
PYCA_CLASSES: dict[str, Any] = {ours.ALGORITHM: theirs for ours, theirs in PYCA_PAIRS}
"""pyca's private-key class by pqpay algorithm name."""
