"""What COSE_Sign1 and JWS share: the signer protocol and the algorithm identifiers.

Identifiers (the table in ``pqpay._algorithms``; ML-DSA and composites as ``pqpay.jose``
registers them for keys):

===========================  ===================  =====  ===============================
pqpay algorithm              JOSE ``alg``         COSE   also accepted on verification
===========================  ===================  =====  ===============================
ML-DSA-44                    ML-DSA-44            -48
ML-DSA-65                    ML-DSA-65            -49
ML-DSA-87                    ML-DSA-87            -50
MLDSA44-Ed25519-SHA512       ML-DSA-44-Ed25519    -57
MLDSA65-Ed25519-SHA512       ML-DSA-65-Ed25519    -58
MLDSA87-Ed448-SHAKE256       ML-DSA-87-Ed448      -59
MLDSA65-ECDSA-P256-SHA512    ML-DSA-65-ES256      -55
MLDSA87-ECDSA-P384-SHA512    ML-DSA-87-ES384      -56
Ed25519                      EdDSA                -8     ``Ed25519`` / -19 (RFC 9864)
Ed448                        EdDSA                -8     ``Ed448`` / -53 (RFC 9864)
===========================  ===================  =====  ===============================

Every algorithm signs with the empty context, as the JOSE/COSE drafts require. The verifier
takes the algorithm from the *key*, never from the message: a header naming any other
algorithm fails verification.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence

from pqpay._algorithms import ENVELOPE_ALGORITHMS, EnvelopeAlg
from pqpay.exceptions import UnsupportedAlgorithm
from pqpay.interfaces import Signer, checked_public_key
from pqpay.signatures import SignaturePublicKey

__all__ = ["ALGORITHMS", "EnvelopeAlg", "Signer", "algorithm_for", "public_key_of", "sign_all"]


ALGORITHMS: Mapping[str, EnvelopeAlg] = ENVELOPE_ALGORITHMS
"""The envelope identifiers by pqpay algorithm name (read-only)."""


def public_key_of(signer: Signer) -> SignaturePublicKey:
    """``signer.public_key()``, checked to be a pqpay signature public key.

    :raises TypeError: ``signer`` has no ``sign`` / ``public_key``, or its public key is not a
        :class:`~pqpay.signatures.SignaturePublicKey`.
    """
    return checked_public_key(
        signer, "sign", SignaturePublicKey, "signer", "a pqpay signature public key"
    )


def algorithm_for(key: SignaturePublicKey) -> EnvelopeAlg:
    """The identifiers of ``key``'s algorithm.

    :raises UnsupportedAlgorithm: the algorithm has no JOSE/COSE identifier here.
    """
    if not isinstance(key, SignaturePublicKey):
        raise TypeError(f"expected a pqpay signature public key, not {type(key).__name__}")
    alg = ALGORITHMS.get(key.ALGORITHM)
    if alg is None:
        raise UnsupportedAlgorithm(
            f"{key.ALGORITHM} has no JOSE/COSE signature identifier here; use one of "
            f"{', '.join(ALGORITHMS)}"
        )
    return alg


def sign_all(signer: Signer, blobs: Sequence[bytes]) -> list[bytes]:
    """Signs every blob with the empty context; one native batch call when the signer has
    ``sign_many`` (pqpay keys: all cores, GIL released), else one call each."""
    sign_many = getattr(signer, "sign_many", None)
    if callable(sign_many) and len(blobs) > 1:
        signatures = list(sign_many(blobs, b""))
        if len(signatures) != len(blobs):
            raise ValueError("signer.sign_many returned the wrong number of signatures")
        return signatures
    return [signer.sign(blob, b"") for blob in blobs]
