"""The exception hierarchy of ``pqpay.exceptions``, and which errors the KEM API raises."""

from __future__ import annotations

import pytest

from pqpay import exceptions, kem
from pqpay.exceptions import (
    CanonicalizationError,
    EncodingError,
    FloatNotAllowed,
    HSMError,
    HSMUnavailable,
    InternalError,
    InvalidCiphertext,
    InvalidKey,
    InvalidPassword,
    InvalidProof,
    InvalidSignature,
    InvalidTag,
    KeyNotAllowed,
    KeyNotFound,
    KeyRetired,
    KeySetError,
    LedgerCorrupted,
    LedgerStorageError,
    MessageLimitReached,
    PqpayError,
    RandomnessError,
    ReplayStoreFull,
    RetiredKeyId,
    SealedKeyError,
    SelfTestFailure,
    TimestampError,
    UnknownKeyId,
    UnsupportedAlgorithm,
    WebhookCertificateError,
    WebhookError,
    WebhookFormatError,
    WebhookReplayError,
    WebhookSignatureError,
    WebhookTimestampError,
)

VALUE_ERRORS = [
    InvalidKey,
    InvalidCiphertext,
    EncodingError,
    InvalidPassword,
    CanonicalizationError,
    FloatNotAllowed,
    WebhookFormatError,
    KeySetError,
    KeyNotAllowed,
]
NOT_VALUE_ERRORS = [
    UnsupportedAlgorithm,
    InvalidSignature,
    InvalidProof,
    InvalidTag,
    LedgerCorrupted,
    LedgerStorageError,
    MessageLimitReached,
    RandomnessError,
    SelfTestFailure,
    InternalError,
    HSMError,
    HSMUnavailable,
    KeyNotFound,
    SealedKeyError,
    KeyRetired,
    # Signed requests (pqpay.webhooks, pqpay.request_signing) and their replay store.
    WebhookError,
    WebhookSignatureError,
    WebhookTimestampError,
    WebhookReplayError,
    WebhookCertificateError,
    ReplayStoreFull,
    TimestampError,
    # Key sets (pqpay.keyset): a signature naming an unknown or retired key is refused.
    UnknownKeyId,
    RetiredKeyId,
]


def test_key_set_refusals_are_invalid_signatures() -> None:
    """Handlers written for InvalidSignature keep refusing envelopes of unknown or retired
    keys; the kid is carried (it is public)."""
    for exc in (UnknownKeyId, RetiredKeyId):
        assert issubclass(exc, InvalidSignature)
        assert exc("refused", "0123456789abcdef").kid == "0123456789abcdef"
    assert issubclass(KeySetError, EncodingError)


def test_all_lists_every_exception() -> None:
    classes = {
        name
        for name, obj in vars(exceptions).items()
        if isinstance(obj, type) and issubclass(obj, BaseException)
    }
    assert set(exceptions.__all__) == classes
    assert set(exceptions.__all__) == {c.__name__ for c in VALUE_ERRORS + NOT_VALUE_ERRORS} | {
        "PqpayError"
    }


def test_base_class() -> None:
    assert issubclass(PqpayError, Exception)
    assert not issubclass(PqpayError, ValueError)


@pytest.mark.parametrize("exc", VALUE_ERRORS + NOT_VALUE_ERRORS, ids=lambda c: c.__name__)
def test_every_exception_is_a_pqpay_error(exc: type[Exception]) -> None:
    assert issubclass(exc, PqpayError)
    with pytest.raises(PqpayError):
        raise exc("x")


@pytest.mark.parametrize("exc", VALUE_ERRORS, ids=lambda c: c.__name__)
def test_validation_errors_are_value_errors(exc: type[Exception]) -> None:
    assert issubclass(exc, ValueError)
    with pytest.raises(ValueError):
        raise exc("x")


@pytest.mark.parametrize("exc", NOT_VALUE_ERRORS, ids=lambda c: c.__name__)
def test_verification_failures_are_not_value_errors(exc: type[Exception]) -> None:
    """Code that catches ValueError for bad input must not swallow a failed verification."""
    assert not issubclass(exc, ValueError)


def test_detail_free_failures_are_distinct() -> None:
    failures = [InvalidSignature, InvalidProof, InvalidTag]
    for a in failures:
        for b in failures:
            assert issubclass(a, b) == (a is b)


def test_hsm_errors_share_a_base() -> None:
    for exc in (HSMUnavailable, KeyNotFound, SealedKeyError, KeyRetired):
        assert issubclass(exc, HSMError)
    assert issubclass(KeyNotFound, LookupError)


def test_invalid_key_from_the_api_is_both() -> None:
    with pytest.raises(InvalidKey) as info:
        kem.X25519PrivateKey.from_seed_bytes(bytes(range(32))).exchange(bytes(32))
    assert isinstance(info.value, ValueError)
    assert isinstance(info.value, PqpayError)


def test_unsupported_algorithm_name_from_the_native_layer() -> None:
    from pqpay import _native

    with pytest.raises(UnsupportedAlgorithm):
        _native.KemPrivateKey.from_seed("ML-KEM-2048", bytes(64))


def test_webhook_errors_share_a_base_and_signature_failures_are_invalid_signature() -> None:
    for exc in (
        WebhookFormatError,
        WebhookSignatureError,
        WebhookTimestampError,
        WebhookReplayError,
        WebhookCertificateError,
    ):
        assert issubclass(exc, WebhookError)
    assert issubclass(WebhookSignatureError, InvalidSignature)
    assert issubclass(WebhookTimestampError, TimestampError)  # replay's neutral error
    assert not issubclass(TimestampError, WebhookError)
    assert not issubclass(ReplayStoreFull, WebhookError)
    assert WebhookReplayError("seen", key="stripe:event:1").key == "stripe:event:1"
