"""The exceptions pqpay raises. Every error from the native core maps to one of these."""

from __future__ import annotations

__all__ = [
    "CanonicalizationError",
    "EncodingError",
    "FloatNotAllowed",
    "HSMError",
    "HSMUnavailable",
    "InternalError",
    "InvalidCiphertext",
    "InvalidKey",
    "InvalidPassword",
    "InvalidProof",
    "InvalidSignature",
    "InvalidTag",
    "KeyNotAllowed",
    "KeyNotFound",
    "KeyRetired",
    "KeySetError",
    "LedgerCorrupted",
    "LedgerStorageError",
    "MessageLimitReached",
    "PqpayError",
    "RandomnessError",
    "ReplayStoreFull",
    "RetiredKeyId",
    "SealedKeyError",
    "SelfTestFailure",
    "TimestampError",
    "UnknownKeyId",
    "UnsupportedAlgorithm",
    "WebhookCertificateError",
    "WebhookError",
    "WebhookFormatError",
    "WebhookReplayError",
    "WebhookSignatureError",
    "WebhookTimestampError",
]


class PqpayError(Exception):
    """Base class of every pqpay exception."""


class InvalidKey(PqpayError, ValueError):
    """A key failed validation (wrong size, coefficient >= q, low-order point, ...)."""


class InvalidCiphertext(PqpayError, ValueError):
    """A ciphertext failed a structural check. Never raised for implicit rejection."""


class EncodingError(PqpayError, ValueError):
    """DER, PEM or another encoding was malformed."""


class InvalidPassword(EncodingError):
    """An encrypted private key did not decrypt: a wrong password, or a damaged file. One
    error for both, with no detail (CBC padding and the decrypted key's structure are not told
    apart, so there is no padding oracle)."""


class CanonicalizationError(EncodingError):
    """A value has no RFC 8785 canonical form: not I-JSON (duplicate member names, lone
    surrogates, NaN/Infinity, an integer beyond +-(2**53 - 1))."""


class FloatNotAllowed(CanonicalizationError):
    """A float in a payment message: amounts are integer minor units or decimal strings."""


class KeySetError(EncodingError):
    """A key set (:mod:`pqpay.keyset`) is malformed or inconsistent: no primary, two primaries,
    duplicate key ids, a key id that does not match its key, a truncated or altered file. The
    message names what is wrong (never key material)."""


class UnsupportedAlgorithm(PqpayError):
    """The algorithm, OID or identifier is not supported."""


class InvalidSignature(PqpayError):
    """A signature did not verify. Carries no detail, on purpose."""


class UnknownKeyId(InvalidSignature, LookupError):
    """A signature names a key id (COSE/JWS ``kid``) the key set does not hold. ``kid`` is the
    id (public). Also an :class:`InvalidSignature`, so existing handlers still refuse it."""

    def __init__(self, message: str, kid: str = "") -> None:
        super().__init__(message)
        self.kid = kid


class RetiredKeyId(InvalidSignature):
    """A signature names a key the key set has retired: refused, however valid it is. ``kid``
    is the id. Also an :class:`InvalidSignature`."""

    def __init__(self, message: str, kid: str = "") -> None:
        super().__init__(message)
        self.kid = kid


class KeyNotAllowed(PqpayError, ValueError):
    """A key outside the configured (pinned) set was asked to sign, e.g. a ledger checkpoint
    signer whose key is not in the ledger's ``allowed_keys``."""


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


class LedgerStorageError(PqpayError):
    """A ledger's storage cannot be used: the file or database cannot be opened, read or written
    (missing directory, a directory, a path too long, permissions, disk full, locked past the
    timeout, the connection refused or lost). Its content is not known to be bad; damaged
    content is :class:`LedgerCorrupted`. ``location`` names the file, or the database's host,
    port and name (never a password); the message names it and the cause."""

    def __init__(self, message: str, location: str = "") -> None:
        super().__init__(message)
        self.location = location


class MessageLimitReached(PqpayError):
    """An HPKE context has used up its sequence numbers."""


class RandomnessError(PqpayError):
    """The operating system's random generator failed."""


class SelfTestFailure(PqpayError):
    """A power-on self-test failed; pqpay refuses every operation afterwards."""


class InternalError(PqpayError):
    """A bug inside pqpay was caught before it could crash the process; please report it."""


class HSMError(PqpayError):
    """A key-handle operation failed in the token (PKCS#11 error named in the message), or the
    token was used wrongly (wrong PIN, a read-only session)."""


class HSMUnavailable(HSMError):
    """No token to talk to: python-pkcs11 is not installed, the PKCS#11 module cannot be loaded,
    or no token has the requested label or serial."""


class KeyNotFound(HSMError, LookupError):
    """No key handle has that id or label (or its token objects are gone)."""


class SealedKeyError(HSMError):
    """A sealed key seed did not open: its record was altered or belongs to another handle id,
    algorithm, version or label, or the key-encryption key is not the one that sealed it; or a
    record's public key does not match its seed or the token's Ed25519 key."""


class KeyRetired(HSMError):
    """A superseded key version was asked to sign; after a rotation only the newest version
    signs, older ones keep verifying (and decapsulating)."""


# --- signed inbound requests: provider webhooks (pqpay.webhooks) and HMAC-signed API calls
# (pqpay.request_signing). One class per failure kind, so a handler can answer each
# differently (e.g. acknowledge a replayed event, refuse a forged one); all share WebhookError.


class TimestampError(PqpayError):
    """A signed timestamp lies outside the accepted window (too old or too far ahead).

    Raised by :func:`pqpay.replay.check_timestamp`; the webhook verifiers and request signing
    raise its subclass :class:`WebhookTimestampError`."""


class WebhookError(PqpayError):
    """A signed request (provider webhook or HMAC-signed API call) was rejected."""


class WebhookFormatError(WebhookError, ValueError):
    """A signature header or body was malformed (missing field, bad hex/base64, bad JSON)."""


class WebhookSignatureError(WebhookError, InvalidSignature):
    """No signature matched. Carries no detail, on purpose (also an ``InvalidSignature``)."""


class WebhookTimestampError(WebhookError, TimestampError):
    """The signed timestamp lies outside the accepted window (too old or too far ahead)."""


class WebhookReplayError(WebhookError):
    """A correctly signed request was seen before. ``key`` is the replay-store key.

    For webhooks this usually means a provider's redelivery of an event already handled:
    acknowledge it without acting on it again.
    """

    def __init__(self, message: str, key: str = "") -> None:
        super().__init__(message)
        self.key = key


class WebhookCertificateError(WebhookError):
    """The certificate given for an RSA-signed webhook (PayPal) cannot be used: malformed,
    not an RSA key of 2048 to 8192 bits, or outside its validity period at ``now``."""


class ReplayStoreFull(PqpayError):
    """The in-memory replay store holds its maximum number of unexpired ids and refuses more
    (it never forgets a live id, which would let that request be replayed)."""
