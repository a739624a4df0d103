"""What COSE_Sign1 and JWS share: the signer protocol and the algorithm identifiers.

Identifiers (standards.md §4; ML-DSA and composites as ``pqpay.jose`` registers them for keys):

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
from dataclasses import dataclass
from types import MappingProxyType
from typing import Protocol, runtime_checkable

from pqpay.exceptions import UnsupportedAlgorithm
from pqpay.jose import _AKP_BY_NAME
from pqpay.signatures import SignaturePublicKey


@runtime_checkable
class Signer(Protocol):
    """Anything that signs for a pqpay public key: pqpay private keys, HSM handles."""

    def public_key(self) -> SignaturePublicKey: ...

    def sign(self, data: bytes, context: bytes = b"") -> bytes: ...


@dataclass(frozen=True)
class EnvelopeAlg:
    algorithm: str  # pqpay's name (SignaturePublicKey.ALGORITHM)
    jose: str  # written when signing
    cose: int
    jose_accepted: frozenset[str]
    cose_accepted: frozenset[int]


_EDDSA_COSE = -8
_ENVELOPE_ALGORITHMS = (
    "ML-DSA-44",
    "ML-DSA-65",
    "ML-DSA-87",
    "MLDSA44-Ed25519-SHA512",
    "MLDSA65-Ed25519-SHA512",
    "MLDSA87-Ed448-SHAKE256",
    "MLDSA65-ECDSA-P256-SHA512",
    "MLDSA87-ECDSA-P384-SHA512",
)


def _table() -> dict[str, EnvelopeAlg]:
    table: dict[str, EnvelopeAlg] = {}
    for name in _ENVELOPE_ALGORITHMS:
        akp = _AKP_BY_NAME[name]
        table[name] = EnvelopeAlg(
            name, akp.jose, akp.cose, frozenset({akp.jose}), frozenset({akp.cose})
        )
    # EdDSA (RFC 8037, RFC 9053) plus the fully-specified RFC 9864 identifiers.
    table["Ed25519"] = EnvelopeAlg(
        "Ed25519", "EdDSA", _EDDSA_COSE, frozenset({"EdDSA", "Ed25519"}), frozenset({-8, -19})
    )
    table["Ed448"] = EnvelopeAlg(
        "Ed448", "EdDSA", _EDDSA_COSE, frozenset({"EdDSA", "Ed448"}), frozenset({-8, -53})
    )
    return table


ALGORITHMS: Mapping[str, EnvelopeAlg] = MappingProxyType(_table())
"""The envelope identifiers by pqpay algorithm name (read-only)."""


def public_key_of(signer: Signer) -> SignaturePublicKey:
    if not callable(getattr(signer, "sign", None)) or not callable(
        getattr(signer, "public_key", None)
    ):
        raise TypeError(
            f"expected a signer (public_key() and sign(data, context)), not {type(signer).__name__}"
        )
    key = signer.public_key()
    if not isinstance(key, SignaturePublicKey):
        raise TypeError(
            f"signer.public_key() must return a pqpay signature public key, "
            f"not {type(key).__name__}"
        )
    return key


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
