"""The exceptions pqpay raises. Every error from the native core maps to one of these."""

from __future__ import annotations

__all__ = [
    "EncodingError",
    "InternalError",
    "InvalidCiphertext",
    "InvalidKey",
    "InvalidProof",
    "InvalidSignature",
    "InvalidTag",
    "LedgerCorrupted",
    "MessageLimitReached",
    "PqpayError",
    "RandomnessError",
    "SelfTestFailure",
    "UnsupportedAlgorithm",
]


class PqpayError(Exception):
    """Base class of every pqpay exception."""


class InvalidKey(PqpayError, ValueError):
    """A key failed validation (wrong size, coefficient >= q, low-order point, ...)."""


class InvalidCiphertext(PqpayError, ValueError):
    """A ciphertext failed a structural check. Never raised for implicit rejection."""


class EncodingError(PqpayError, ValueError):
    """DER, PEM or another encoding was malformed."""


class UnsupportedAlgorithm(PqpayError):
    """The algorithm, OID or identifier is not supported."""


class InvalidSignature(PqpayError):
    """A signature did not verify. Carries no detail, on purpose."""


class InvalidProof(PqpayError):
    """A proof did not verify. Carries no detail, on purpose."""


class InvalidTag(PqpayError):
    """AEAD authentication failed (HPKE open). Carries no detail, on purpose."""


class LedgerCorrupted(PqpayError):
    """A ledger's storage disagrees with itself or with a checkpoint it issued (tampering or
    damage). ``index`` is the first leaf index found bad (the first leaf under a bad node), or
    the first one no issued checkpoint vouches for when only a checkpoint root disagrees."""

    def __init__(self, message: str, index: int | None = None) -> None:
        super().__init__(message)
        self.index = index


class MessageLimitReached(PqpayError):
    """An HPKE context has used up its sequence numbers."""


class RandomnessError(PqpayError):
    """The operating system's random generator failed."""


class SelfTestFailure(PqpayError):
    """A power-on self-test failed; pqpay refuses every operation afterwards."""


class InternalError(PqpayError):
    """A bug inside pqpay was caught before it could crash the process; please report it."""
