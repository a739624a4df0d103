"""Payment messages: RFC 8785 canonical JSON with the money rules, signed as COSE_Sign1 or
detached JWS, and the generic envelope functions (see :mod:`pqpay.payments` for the rules).

Both :mod:`pqpay.payments` (the facade) and :mod:`pqpay.payments.receipt` /
:mod:`pqpay.payments.issue` import these functions from here, so the facade is only a facade."""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from typing import Any

from pqpay import _jcs
from pqpay.exceptions import EncodingError
from pqpay.interfaces import Signer, VerificationKeys
from pqpay.payments.cose import (
    sign_cose_many,
    verify_cose,
)
from pqpay.payments.jws import sign_jws_many, verify_jws
from pqpay.signatures import SignaturePublicKey

__all__ = [
    "MAX_DECIMAL_DIGITS",
    "MAX_SAFE_INTEGER",
    "canonicalize",
    "canonicalize_json",
    "canonicalize_payment",
    "parse_json",
    "parse_payment",
    "sign_payment_cose",
    "sign_payment_jws",
    "sign_payments_cose",
    "sign_payments_jws",
    "verify_payment_cose",
    "verify_payment_jws",
]

MAX_SAFE_INTEGER = _jcs.MAX_SAFE_INTEGER
#: Most digits a payment ``Decimal`` may have in plain notation (``format(d, "f")``).
MAX_DECIMAL_DIGITS = _jcs.MAX_DECIMAL_DIGITS

# -- canonical JSON ---------------------------------------------------------------------------


def canonicalize(value: Any) -> bytes:
    """RFC 8785 canonical UTF-8 bytes of a JSON value (``None``, ``bool``, ``int`` within
    +-(2**53 - 1), finite ``float``, ``str``, ``list``/``tuple``, ``dict`` with ``str`` keys).

    :raises CanonicalizationError: NaN/Infinity, an unsafe integer, a lone surrogate.
    :raises TypeError: a value or key of another type.
    """
    return _jcs.canonicalize(value)


def parse_json(data: bytes | str) -> Any:
    """Parses JSON text strictly as I-JSON (RFC 7493).

    :raises CanonicalizationError: duplicate member names, lone surrogates, NaN/Infinity,
        numbers out of a double's range, integers beyond +-(2**53 - 1).
    :raises EncodingError: not JSON, or not UTF-8.
    """
    return _jcs.parse(data)


def canonicalize_json(data: bytes | str) -> bytes:
    """The RFC 8785 canonical form of JSON text (read as :func:`parse_json` reads it)."""
    return _jcs.canonicalize_json(data)


def _require_object(message: Any) -> None:
    if not isinstance(message, Mapping):
        raise TypeError(
            f"a payment message is a JSON object (Mapping), not {type(message).__name__}"
        )


def canonicalize_payment(message: Mapping[str, Any]) -> bytes:
    """The signed bytes of a payment message: RFC 8785 with the money rules above.

    :raises FloatNotAllowed: a float anywhere in the message.
    :raises CanonicalizationError: an unsafe integer, a lone surrogate, a non-finite Decimal
        or one with more than :data:`MAX_DECIMAL_DIGITS` digits in plain notation.
    :raises TypeError: not a mapping, or a value of a non-JSON type.
    """
    _require_object(message)
    return _jcs.canonicalize(message, payment=True)


def parse_payment(data: bytes | str) -> dict[str, Any]:
    """Parses received payment JSON: I-JSON, a top-level object, and no number with a
    fraction or exponent.

    :raises FloatNotAllowed: a number with a fraction or exponent.
    :raises CanonicalizationError: other I-JSON violations.
    :raises EncodingError: not JSON, or not a JSON object.
    """
    value = _jcs.parse(data, payment=True)
    if not isinstance(value, dict):
        raise EncodingError("a payment message must be a JSON object")
    return value


def _parse_canonical_payment(body: bytes) -> dict[str, Any]:
    message = _jcs.parse_canonical(body, payment=True)
    if not isinstance(message, dict):
        raise EncodingError("a payment message must be a JSON object")
    return message


# -- payment messages -------------------------------------------------------------------------


def sign_payment_cose(
    signer: Signer,
    message: Mapping[str, Any],
    *,
    kid: bytes | None = None,
    external_aad: bytes = b"",
    detached: bool = False,
) -> bytes:
    """COSE_Sign1 over :func:`canonicalize_payment` of ``message``."""
    return sign_payments_cose(
        signer, [message], kid=kid, external_aad=external_aad, detached=detached
    )[0]


def sign_payments_cose(
    signer: Signer,
    messages: Iterable[Mapping[str, Any]],
    *,
    kid: bytes | None = None,
    external_aad: bytes = b"",
    detached: bool = False,
) -> list[bytes]:
    """:func:`sign_payment_cose` for many messages under one signer, signed in one batch
    when the signer has ``sign_many`` (pqpay keys)."""
    bodies = [canonicalize_payment(m) for m in messages]
    return sign_cose_many(signer, bodies, kid=kid, external_aad=external_aad, detached=detached)


def verify_payment_cose(
    public_key: SignaturePublicKey | VerificationKeys,
    data: bytes,
    *,
    external_aad: bytes = b"",
    detached_payload: bytes | None = None,
) -> dict[str, Any]:
    """Verifies a payment COSE_Sign1 and returns the message. The payload must be a payment
    message in canonical form (what :func:`sign_payment_cose` writes).

    :raises InvalidSignature: as :func:`verify_cose`.
    :raises EncodingError: as :func:`verify_cose`; a payload that is not a canonical payment
        message (:class:`~pqpay.exceptions.FloatNotAllowed` for a float in it).
    """
    body = verify_cose(
        public_key, data, external_aad=external_aad, detached_payload=detached_payload
    )
    return _parse_canonical_payment(body)


def sign_payment_jws(
    signer: Signer, message: Mapping[str, Any], *, kid: str | None = None
) -> tuple[bytes, str]:
    """``(body, jws)``: the canonical message bytes to send and a detached JWS over them."""
    return sign_payments_jws(signer, [message], kid=kid)[0]


def sign_payments_jws(
    signer: Signer, messages: Iterable[Mapping[str, Any]], *, kid: str | None = None
) -> list[tuple[bytes, str]]:
    """:func:`sign_payment_jws` for many messages under one signer, in one batch."""
    bodies = [canonicalize_payment(m) for m in messages]
    return list(zip(bodies, sign_jws_many(signer, bodies, kid=kid), strict=True))


def verify_payment_jws(
    public_key: SignaturePublicKey | VerificationKeys, jws: str | bytes, body: bytes
) -> dict[str, Any]:
    """Verifies a detached JWS over the received ``body`` and returns the payment message
    (the body must be canonical payment JSON).

    :raises InvalidSignature: as :func:`verify_jws`.
    :raises EncodingError: as :func:`verify_jws`; a body that is not a canonical payment
        message.
    """
    verify_jws(public_key, jws, body)
    return _parse_canonical_payment(bytes(body))
