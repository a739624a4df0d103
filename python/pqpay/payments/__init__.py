"""Payment-message signing: RFC 8785 canonical JSON, signed as COSE_Sign1 or detached JWS.

A payment message is a JSON object. Its signed form is its RFC 8785 (JCS) canonical UTF-8
bytes, so two parties that build the same message sign and hash the same bytes::

    from pqpay.signatures import MLDSA65Ed25519PrivateKey
    from pqpay import payments

    key = MLDSA65Ed25519PrivateKey.generate()
    message = {"id": "pay_1", "amount": {"value": 1250, "currency": "EUR"}}
    cose = payments.sign_payment_cose(key, message, kid=b"gw-2026")
    assert payments.verify_payment_cose(key.public_key(), cose) == message

    body, jws = payments.sign_payment_jws(key, message, kid="gw-2026")  # body travels beside
    payments.verify_payment_jws(key.public_key(), jws, body)

**Money.** Amounts are integer minor units (``|n| <= 2**53 - 1``) or decimal strings (``"12.50"``);
``decimal.Decimal`` values are written as decimal strings, at most :data:`MAX_DECIMAL_DIGITS` digits
in plain notation (``CanonicalizationError`` beyond). A ``float`` anywhere in a payment message
raises :class:`~pqpay.exceptions.FloatNotAllowed` (naming its path), and so does a number with a
fraction or exponent in received payment JSON.

**Canonical JSON.** :func:`canonicalize` is plain RFC 8785 over Python values (floats
allowed, formatted as ECMAScript does); :func:`parse_json` / :func:`canonicalize_json` read
JSON text under I-JSON rules (no duplicate names, no lone surrogates, no NaN/Infinity,
integers exact). Violations raise :class:`~pqpay.exceptions.CanonicalizationError`.

**Envelopes.** COSE_Sign1 (RFC 9052, tag 18) with ``alg`` and ``kid`` protected, attached
or detached payload and external AAD; compact JWS with a detached payload (RFC 7515
Appendix F). Identifiers: ML-DSA-44/65/87 (COSE -48/-49/-50), the composites
ML-DSA-44-Ed25519 (-57), ML-DSA-65-Ed25519 (-58), ML-DSA-87-Ed448 (-59), ML-DSA-65-ES256
(-55), ML-DSA-87-ES384 (-56), and EdDSA (-8) for Ed25519/Ed448. Signing goes through any
*signer* (``public_key()`` and ``sign(data, context)``: pqpay private keys, HSM handles)
with the empty context. Verification takes the algorithm from the public key; a header
naming another algorithm (``none`` included), like a bad signature, raises the opaque
:class:`~pqpay.exceptions.InvalidSignature`. Malformed envelopes raise
:class:`~pqpay.exceptions.EncodingError`.

**Receipts.** :func:`issue_receipts` signs messages in one batch, appends the COSE_Sign1 bytes
to a :class:`pqpay.ledger.Ledger` in one transaction, signs one checkpoint and returns a
:class:`Receipt` per message: envelope, ledger index, tree size, RFC 9162 inclusion proof and
the signed checkpoint note. :meth:`Receipt.to_json` / :meth:`Receipt.from_json` are its
versioned JSON form (strict parsing, :class:`~pqpay.exceptions.EncodingError`), and
:func:`verify_receipt` checks it offline, with no ledger: the envelope signature, the
checkpoint signatures, the log's ``origin`` and the inclusion of the envelope's leaf hash::

    receipts = payments.issue_receipts(ledger, key, messages)
    payments.verify_receipt(receipts[0].to_json(), key.public_key(), [log_vkey], origin=origin)

**Outbound requests.** HMAC-SHA256 request signing (``sign_request``, ``verify_request``, ...)
is :mod:`pqpay.request_signing` (no longer re-exported here).

**Modules.** :mod:`~pqpay.payments.message` (canonical JSON, payment messages, the envelope
functions), :mod:`~pqpay.payments.cose` (COSE_Sign1), :mod:`~pqpay.payments.jws` (detached
JWS), :mod:`~pqpay.payments.envelope` (the signer checks and algorithm identifiers both share),
:mod:`~pqpay.payments.receipt` (receipts, verified offline; imports no storage) and
:mod:`~pqpay.payments.issue` (issuing receipts against a ledger).
"""

from __future__ import annotations

from pqpay.interfaces import Signer
from pqpay.payments.cose import CoseSign1, decode_cose, sign_cose, sign_cose_many, verify_cose
from pqpay.payments.envelope import ALGORITHMS, EnvelopeAlg
from pqpay.payments.issue import (
    issue_receipt,
    issue_receipts,
    receipts_at_checkpoint,
    receipts_for_envelopes,
)
from pqpay.payments.jws import jws_header, sign_jws, sign_jws_many, verify_jws
from pqpay.payments.message import (
    MAX_DECIMAL_DIGITS,
    MAX_SAFE_INTEGER,
    canonicalize,
    canonicalize_json,
    canonicalize_payment,
    parse_json,
    parse_payment,
    sign_payment_cose,
    sign_payment_jws,
    sign_payments_cose,
    sign_payments_jws,
    verify_payment_cose,
    verify_payment_jws,
)
from pqpay.payments.receipt import (
    MAX_RECEIPT_BYTES,
    RECEIPT_FORMAT,
    RECEIPT_VERSION,
    Receipt,
    VerifiedReceipt,
    verify_receipt,
)

__all__ = [
    "ALGORITHMS",
    "MAX_DECIMAL_DIGITS",
    "MAX_RECEIPT_BYTES",
    "MAX_SAFE_INTEGER",
    "RECEIPT_FORMAT",
    "RECEIPT_VERSION",
    "CoseSign1",
    "EnvelopeAlg",
    "Receipt",
    "Signer",
    "VerifiedReceipt",
    "canonicalize",
    "canonicalize_json",
    "canonicalize_payment",
    "decode_cose",
    "issue_receipt",
    "issue_receipts",
    "jws_header",
    "parse_json",
    "parse_payment",
    "receipts_at_checkpoint",
    "receipts_for_envelopes",
    "sign_cose",
    "sign_cose_many",
    "sign_jws",
    "sign_jws_many",
    "sign_payment_cose",
    "sign_payment_jws",
    "sign_payments_cose",
    "sign_payments_jws",
    "verify_cose",
    "verify_jws",
    "verify_payment_cose",
    "verify_payment_jws",
    "verify_receipt",
]
