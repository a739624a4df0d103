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
from pqpay.exceptions import InvalidSignature, UnknownKeyId, UnsupportedAlgorithm
from pqpay.interfaces import Signer, VerificationKeys, checked_public_key
from pqpay.signatures import SignaturePublicKey

__all__ = [
    "ALGORITHMS",
    "EnvelopeAlg",
    "Signer",
    "algorithm_for",
    "candidate_keys",
    "public_key_of",
    "sign_all",
    "signer_kid",
]


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


def signer_kid(signer: Signer) -> str | None:
    """The key id a signer names itself by (a :class:`pqpay.keyset.KeySetSigner`'s ``kid``),
    or None: what COSE and JWS signing write when no ``kid`` is passed."""
    kid = getattr(signer, "kid", None)
    return kid if isinstance(kid, str) else None


def candidate_keys(
    keys: SignaturePublicKey | VerificationKeys, kid: str | bytes | None
) -> list[SignaturePublicKey]:
    """The public keys to try for an envelope naming ``kid``: ``keys`` itself when it is one
    public key (the ``kid`` is then only a hint, as before key sets), else the set's lookup.

    :raises UnknownKeyId: an id the set does not hold (a non-UTF-8 COSE kid included).
    :raises RetiredKeyId: a retired key's id.
    """
    if isinstance(keys, SignaturePublicKey):
        return [keys]
    if not isinstance(keys, VerificationKeys):
        raise TypeError(
            "expected a pqpay signature public key or a key set, not " + type(keys).__name__
        )
    name: str | None
    if isinstance(kid, bytes):
        try:
            name = kid.decode("utf-8")
        except UnicodeDecodeError:
            raise UnknownKeyId(f"kid {kid.hex()} (hex) is not in the key set", kid.hex()) from None
    else:
        name = kid
    found = [k for k in keys.verification_keys(name) if isinstance(k, SignaturePublicKey)]
    if not found:
        raise InvalidSignature()
    return found
