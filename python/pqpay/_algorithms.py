"""Algorithm identities: pqpay name -> JOSE ``alg``, COSE ``alg``, note signature type
(foundation layer).

The one table that :mod:`pqpay.jose` (JWK / COSE_Key), the COSE_Sign1 / JWS envelopes of
:mod:`pqpay.payments` and :mod:`pqpay.checkpoint` read. The core does not export these wire
identifiers (it exports the composite labels, which :mod:`pqpay.signatures` reads), so they
live here and nowhere else. The COSE values of the ML-DSA, SLH-DSA and composite algorithms
are the drafts' requested assignments.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from types import MappingProxyType

__all__ = [
    "AKP_ALGORITHMS",
    "EDDSA_COSE",
    "EDDSA_JOSE",
    "ENVELOPE_ALGORITHMS",
    "NOTE_SIGNATURE_TYPE_ED25519",
    "NOTE_SIGNATURE_TYPE_MLDSA44_COSIGNATURE",
    "OKP_CURVES",
    "EdwardsCurve",
    "EnvelopeAlg",
    "KeyAlg",
]


@dataclass(frozen=True)
class KeyAlg:
    """An AKP key algorithm (RFC 9964): its JOSE and COSE ``alg``."""

    algorithm: str  # pqpay's name (SignaturePublicKey.ALGORITHM)
    jose: str
    cose: int


@dataclass(frozen=True)
class EdwardsCurve:
    """An OKP curve (RFC 8037 / RFC 9053) and its fully-specified COSE alg (RFC 9864)."""

    algorithm: str
    crv: str
    cose_crv: int
    cose_alg: int


@dataclass(frozen=True)
class EnvelopeAlg:
    """The identifiers a COSE_Sign1 / JWS envelope writes, and those it accepts."""

    algorithm: str  # pqpay's name (SignaturePublicKey.ALGORITHM)
    jose: str  # written when signing
    cose: int
    jose_accepted: frozenset[str]
    cose_accepted: frozenset[int]


AKP_ALGORITHMS: tuple[KeyAlg, ...] = (
    KeyAlg("ML-DSA-44", "ML-DSA-44", -48),
    KeyAlg("ML-DSA-65", "ML-DSA-65", -49),
    KeyAlg("ML-DSA-87", "ML-DSA-87", -50),
    KeyAlg("SLH-DSA-SHA2-128s", "SLH-DSA-SHA2-128s", -51),
    KeyAlg("SLH-DSA-SHAKE-128s", "SLH-DSA-SHAKE-128s", -52),
    KeyAlg("SLH-DSA-SHA2-128f", "SLH-DSA-SHA2-128f", -53),
    KeyAlg("MLDSA65-ECDSA-P256-SHA512", "ML-DSA-65-ES256", -55),
    KeyAlg("MLDSA87-ECDSA-P384-SHA512", "ML-DSA-87-ES384", -56),
    KeyAlg("MLDSA44-Ed25519-SHA512", "ML-DSA-44-Ed25519", -57),
    KeyAlg("MLDSA65-Ed25519-SHA512", "ML-DSA-65-Ed25519", -58),
    KeyAlg("MLDSA87-Ed448-SHAKE256", "ML-DSA-87-Ed448", -59),
)
"""Signature algorithms with an AKP JWK / COSE_Key (the other SLH-DSA sets have none)."""

OKP_CURVES: tuple[EdwardsCurve, ...] = (
    EdwardsCurve("Ed25519", "Ed25519", 6, -19),
    EdwardsCurve("Ed448", "Ed448", 7, -53),
)
"""Ed25519 and Ed448 as OKP keys."""

EDDSA_JOSE = "EdDSA"
"""The polymorphic JOSE EdDSA ``alg`` (RFC 8037)."""
EDDSA_COSE = -8
"""The polymorphic COSE EdDSA ``alg`` (RFC 9053)."""

# The envelopes sign with ML-DSA, the ML-DSA composites and EdDSA (not SLH-DSA).
_ENVELOPE_AKP = (
    "ML-DSA-44",
    "ML-DSA-65",
    "ML-DSA-87",
    "MLDSA44-Ed25519-SHA512",
    "MLDSA65-Ed25519-SHA512",
    "MLDSA87-Ed448-SHAKE256",
    "MLDSA65-ECDSA-P256-SHA512",
    "MLDSA87-ECDSA-P384-SHA512",
)


def _envelope_table() -> dict[str, EnvelopeAlg]:
    akp = {a.algorithm: a for a in AKP_ALGORITHMS}
    table = {
        name: EnvelopeAlg(
            name,
            akp[name].jose,
            akp[name].cose,
            frozenset({akp[name].jose}),
            frozenset({akp[name].cose}),
        )
        for name in _ENVELOPE_AKP
    }
    # EdDSA (RFC 8037, RFC 9053) plus the fully-specified RFC 9864 identifiers.
    for curve in OKP_CURVES:
        table[curve.algorithm] = EnvelopeAlg(
            curve.algorithm,
            EDDSA_JOSE,
            EDDSA_COSE,
            frozenset({EDDSA_JOSE, curve.crv}),
            frozenset({EDDSA_COSE, curve.cose_alg}),
        )
    return table


ENVELOPE_ALGORITHMS: Mapping[str, EnvelopeAlg] = MappingProxyType(_envelope_table())
"""The envelope identifiers by pqpay algorithm name (read-only)."""

NOTE_SIGNATURE_TYPE_ED25519 = 0x01
"""c2sp.org/signed-note: Ed25519 (RFC 8032) over the note text."""

NOTE_SIGNATURE_TYPE_MLDSA44_COSIGNATURE = 0x06
"""c2sp.org/tlog-cosignature: timestamped ML-DSA-44 subtree cosignature."""
