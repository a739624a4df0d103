"""The implementations benchmarked side by side: pqpay, pyca/cryptography, liboqs (optional).

liboqs-python is only imported when ``OQS_INSTALL_PATH`` names a built liboqs: importing it
without one tries to download and build liboqs.
"""

from __future__ import annotations

import os
from collections.abc import Callable
from dataclasses import dataclass

from cryptography.hazmat.primitives.asymmetric import mlkem as pyca_mlkem
from cryptography.hazmat.primitives.asymmetric import x25519 as pyca_x25519

from pqpay import kem


@dataclass(frozen=True)
class KemOps:
    """Zero-argument callables for one implementation of one KEM."""

    keygen: Callable[[], object]
    encaps: Callable[[], object]
    decaps: Callable[[], object]


def pqpay_ops(cls: type[kem.KEMPrivateKey[kem.KEMPublicKey]]) -> KemOps:
    sk = cls.generate()
    pk = sk.public_key()
    _, ct = pk.encapsulate()
    return KemOps(cls.generate, pk.encapsulate, lambda: sk.decapsulate(ct))


_PYCA = {
    "ML-KEM-768": getattr(pyca_mlkem, "MLKEM768PrivateKey", None),
    "ML-KEM-1024": getattr(pyca_mlkem, "MLKEM1024PrivateKey", None),
}


def pyca_ops(name: str) -> KemOps | None:
    cls = _PYCA.get(name)
    if cls is None:
        return None
    sk = cls.generate()
    pk = sk.public_key()
    _, ct = pk.encapsulate()
    return KemOps(cls.generate, pk.encapsulate, lambda: sk.decapsulate(ct))


def pyca_mlkem768_plus_x25519() -> KemOps:
    """ML-KEM-768 and X25519 from pyca done separately: the bar X-Wing must beat."""
    sk = pyca_mlkem.MLKEM768PrivateKey.generate()
    pk = sk.public_key()
    _, ct = pk.encapsulate()
    xsk = pyca_x25519.X25519PrivateKey.generate()
    xpk = xsk.public_key()

    def keygen() -> object:
        return pyca_mlkem.MLKEM768PrivateKey.generate(), pyca_x25519.X25519PrivateKey.generate()

    def encaps() -> object:
        eph = pyca_x25519.X25519PrivateKey.generate()
        return pk.encapsulate(), eph.public_key(), eph.exchange(xpk)

    def decaps() -> object:
        return sk.decapsulate(ct), xsk.exchange(xpk)

    return KemOps(keygen, encaps, decaps)


def oqs_ops(name: str) -> KemOps | None:
    if not os.environ.get("OQS_INSTALL_PATH"):
        return None
    import oqs  # type: ignore[import-not-found]  # only with a built liboqs

    if name not in oqs.get_enabled_kem_mechanisms():  # X-Wing, the hybrids
        return None
    client = oqs.KeyEncapsulation(name)
    pk = client.generate_keypair()
    ct, _ = client.encap_secret(pk)
    return KemOps(
        lambda: oqs.KeyEncapsulation(name).generate_keypair(),
        lambda: client.encap_secret(pk),
        lambda: client.decap_secret(ct),
    )


def oqs_sig_ops(name: str) -> tuple[Callable[[], object], ...] | None:
    """(keygen, sign, verify) of liboqs-python's `name`, or None without a built liboqs."""
    if not os.environ.get("OQS_INSTALL_PATH"):
        return None
    import oqs  # type: ignore[import-not-found]  # only with a built liboqs

    signer = oqs.Signature(name)
    pk = signer.generate_keypair()
    msg = b"pqpay benchmark: a 64-byte payment message to sign and verify..."
    sig = signer.sign(msg)
    verifier = oqs.Signature(name)
    return (
        lambda: oqs.Signature(name).generate_keypair(),
        lambda: signer.sign(msg),
        lambda: verifier.verify(msg, sig, pk),
    )
