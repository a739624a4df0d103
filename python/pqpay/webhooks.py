"""Payment-provider webhook verification: Stripe, Coinbase Commerce, PayPal, PhonePe, Razorpay
and Adyen, exactly as each provider signs its callbacks.

The Coinbase CDP scheme (Hook0's ``X-Hook0-Signature``) has its own
:func:`verify_coinbase_cdp`, PhonePe's v2 ``Authorization`` scheme :func:`verify_phonepe_v2`,
Razorpay's Checkout callback :func:`verify_razorpay_payment`, Adyen's raw-body header variant
:func:`verify_adyen_hmac_header`.

Every verifier takes the **raw request body** (bytes, before any JSON parsing), the provider's
header value(s), the secret or certificate, and keyword options: ``now`` (seconds since the
epoch; defaults to the clock), ``store`` (a :class:`~pqpay.replay.SeenNonceStore` for replay
protection; none by default) and a timestamp ``tolerance`` or ``replay_ttl``. On success it
returns a :class:`WebhookEvent`; on failure it raises one of (all :class:`WebhookError`):

==============================  ===========================================================
:class:`WebhookFormatError`     header or body malformed (missing field, bad hex/base64/JSON)
:class:`WebhookSignatureError`  no signature matched (opaque; also an ``InvalidSignature``)
:class:`WebhookTimestampError`  signed timestamp outside ``now`` +/- ``tolerance``
:class:`WebhookReplayError`     correctly signed but already seen (``.key``): acknowledge it
:class:`WebhookCertificateError`  PayPal certificate unusable (malformed, not RSA, expired)
==============================  ===========================================================

Secrets and keys given by the caller in the wrong form raise ``ValueError``/``TypeError``.
Signatures are compared with :func:`hmac.compare_digest`; the signature is checked before the
timestamp and the replay store, so only authentic requests are ever remembered.

Replay protection (``store=``) remembers, per provider, what identifies one delivery:

=================  =====================================  ==================================
provider           remembered key                         until
=================  =====================================  ==================================
Stripe             event ``id`` (else ``t`` + signature)  ``t + tolerance``
Coinbase Commerce  ``event.id``                           ``now + replay_ttl``
Coinbase CDP       body ``id`` (else the signature)       ``t + tolerance``
PayPal             ``PAYPAL-TRANSMISSION-ID``             ``transmission_time + tolerance``
PhonePe v1         the X-VERIFY checksum                  ``now + replay_ttl``
PhonePe v2         SHA-256 of the body                    ``now + replay_ttl``
Razorpay           the signature (same body, same value)  ``now + replay_ttl``
Adyen              ``pspReference:eventCode:success``     ``now + replay_ttl``
Adyen (header)     the signature                          ``now + replay_ttl``
=================  =====================================  ==================================

Schemes with a signed timestamp (Stripe, Coinbase CDP, PayPal) need to remember an id only
while the timestamp is acceptable; the others sign no timestamp, so a replay is caught only
while the store remembers it (``replay_ttl``, three days by default, matching the providers' retry
periods). Remembering is at-most-once: an id is stored as soon as it verifies, so a handler
that fails afterwards sees the provider's retry rejected as a replay. Handlers that need
at-least-once processing should pass no store and deduplicate on
:attr:`WebhookEvent.event_id` inside the database transaction that records the event.

Caveats the provider schemes impose (documented, not fixable here):

* **PayPal** binds the body only through CRC-32 inside the RSA-signed string, and CRC-32 is
  not cryptographic: anyone holding one genuine delivery can make a different body with the
  same CRC-32. The transmission-id replay store stops the same signature from being used twice
  and the timestamp window bounds it, but the first of two such deliveries wins. Before acting
  on money, re-read the resource from PayPal's API. Fetching the certificate from
  ``PAYPAL-CERT-URL`` (only from a pinned PayPal host over HTTPS), validating its chain, and
  caching it is the caller's job: :func:`verify_paypal` uses exactly the certificate it is
  given and checks only its validity period (:func:`paypal_cert_url_is_trusted` checks a URL).
* **PhonePe v2** (``Authorization: SHA256(username:password)``) authenticates the sender's
  knowledge of the credentials, **not the body**: the returned event has
  ``body_authenticated=False``. Allowlist PhonePe's addresses and re-fetch the order status
  before acting.
* **Coinbase Commerce, Razorpay, Adyen, PhonePe v1** sign no timestamp.
"""

from __future__ import annotations

import hashlib
import hmac
import json
import re
import zlib
from collections.abc import Mapping
from dataclasses import dataclass, field
from datetime import datetime
from typing import Any, Final
from urllib.parse import urlsplit

from pqpay import _native
from pqpay._b64 import decode_std
from pqpay._bytes import as_bytes
from pqpay.exceptions import (
    EncodingError,
    InvalidKey,
    InvalidSignature,
    UnsupportedAlgorithm,
    WebhookCertificateError,
    WebhookError,
    WebhookFormatError,
    WebhookReplayError,
    WebhookSignatureError,
    WebhookTimestampError,
)
from pqpay.replay import SeenNonceStore, check_timestamp, resolve_now

__all__ = [
    "DEFAULT_REPLAY_TTL",
    "PAYPAL_CERT_HOSTS",
    "STRIPE_DEFAULT_TOLERANCE",
    "RsaCertificate",
    "WebhookCertificateError",
    "WebhookError",
    "WebhookEvent",
    "WebhookFormatError",
    "WebhookReplayError",
    "WebhookSignatureError",
    "WebhookTimestampError",
    "paypal_cert_url_is_trusted",
    "phonepe_x_verify",
    "verify_adyen",
    "verify_adyen_hmac_header",
    "verify_coinbase",
    "verify_coinbase_cdp",
    "verify_paypal",
    "verify_phonepe",
    "verify_phonepe_v2",
    "verify_razorpay",
    "verify_razorpay_payment",
    "verify_stripe",
]

#: Stripe's default timestamp tolerance (``DEFAULT_TOLERANCE = 300`` in stripe-node/-python).
STRIPE_DEFAULT_TOLERANCE: Final = 300
#: Default window for PayPal's signed ``PAYPAL-TRANSMISSION-TIME``.
PAYPAL_DEFAULT_TOLERANCE: Final = 300
#: How long ids of schemes without a signed timestamp are remembered: three days.
DEFAULT_REPLAY_TTL: Final = 3 * 24 * 3600
#: Hosts :func:`paypal_cert_url_is_trusted` accepts by default.
PAYPAL_CERT_HOSTS: Final = frozenset(
    {"api.paypal.com", "api-m.paypal.com", "api.sandbox.paypal.com", "api-m.sandbox.paypal.com"}
)

_HEX64 = re.compile(r"[0-9a-fA-F]{64}")
_DIGITS = re.compile(r"[0-9]{1,12}")
_HEADER_NAME = re.compile(r"[!#$%&'*+.^_`|~0-9A-Za-z-]+")


@dataclass(frozen=True)
class WebhookEvent:
    """A verified webhook.

    ``payload`` is the parsed JSON body (for PhonePe v1, the decoded ``response`` object);
    ``body`` the verified raw bytes; ``event_id`` the provider's id for the event or delivery
    (``None`` when the scheme has none); ``timestamp`` the signed time, when the scheme signs
    one; ``body_authenticated`` is ``False`` only for PhonePe v2, whose header does not cover
    the body.
    """

    provider: str
    event_id: str | None
    payload: Any = field(repr=False)
    body: bytes = field(repr=False)
    timestamp: int | None = None
    body_authenticated: bool = True


class RsaCertificate:
    """An X.509 certificate's RSA public key (2048 to 8192 bits) and validity period.

    Only what verification needs is read: no chain, issuer signature, name or extension is
    checked. Load it once and pass it to :func:`verify_paypal` for every delivery.
    """

    __slots__ = ("_cert",)
    _cert: _native.X509RsaCertificate

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        raise TypeError("use RsaCertificate.load(pem_or_der) to read a certificate")

    @classmethod
    def load(cls, data: bytes) -> RsaCertificate:
        """Reads a PEM (``-----BEGIN CERTIFICATE-----``) or DER certificate.

        Raises :class:`WebhookCertificateError` when it is malformed or its key is not RSA of
        2048 to 8192 bits.
        """
        data = as_bytes(data, "certificate")
        try:
            native = _native.X509RsaCertificate.from_bytes(data)
        except (EncodingError, UnsupportedAlgorithm, InvalidKey) as exc:
            raise WebhookCertificateError(f"unusable certificate: {exc}") from exc
        obj = object.__new__(cls)
        obj._cert = native
        return obj

    @property
    def key_bits(self) -> int:
        """RSA modulus size in bits."""
        return self._cert.key_bits

    @property
    def not_before(self) -> int:
        """Start of the validity period, seconds since the epoch."""
        return self._cert.not_before

    @property
    def not_after(self) -> int:
        """End of the validity period (inclusive), seconds since the epoch."""
        return self._cert.not_after

    def public_key_der(self) -> bytes:
        """The PKCS#1 ``RSAPublicKey`` DER."""
        return self._cert.public_key_der()

    def is_valid_at(self, when: float) -> bool:
        """True when ``when`` lies within notBefore..notAfter."""
        return self._cert.is_valid_at(int(when))

    def verify(self, signature: bytes, data: bytes) -> None:
        """Verifies RSASSA-PKCS1-v1_5 / SHA-256; raises ``InvalidSignature`` on mismatch."""
        self._cert.verify_pkcs1_sha256(as_bytes(data, "data"), as_bytes(signature, "signature"))

    def __repr__(self) -> str:
        return f"<RsaCertificate RSA-{self.key_bits}>"


# --- Stripe ------------------------------------------------------------------------------


def verify_stripe(
    body: bytes,
    signature_header: str | bytes,
    secret: str | bytes,
    *,
    tolerance: float = STRIPE_DEFAULT_TOLERANCE,
    now: float | None = None,
    store: SeenNonceStore | None = None,
) -> WebhookEvent:
    """Verifies a Stripe webhook (``Stripe-Signature: t=<unix>,v1=<hex>[,v1=...]``).

    ``v1 = hex(HMAC-SHA256(endpoint secret "whsec_..." as-is, t + "." + body))``; any one
    matching ``v1`` is accepted (Stripe sends several while a secret is being rolled), every
    other scheme (``v0``, ...) is ignored. ``t`` must lie within ``tolerance`` seconds of
    ``now``, in the past (as Stripe's libraries check) or in the future (clock skew).
    Deduplicates on the event ``id`` until ``t + tolerance``.
    """
    body = as_bytes(body, "body")
    key = _secret_bytes(secret, "Stripe endpoint secret")
    now = resolve_now(now)
    header = _header_text(signature_header, "Stripe-Signature")
    timestamp_text: str | None = None
    candidates: list[str] = []
    for item in header.split(","):
        name, sep, value = item.strip().partition("=")
        if not sep or not name:
            raise WebhookFormatError(
                f"Stripe-Signature: expected comma-separated key=value items, found {item!r}"
            )
        if name == "t":
            if timestamp_text is not None:
                raise WebhookFormatError("Stripe-Signature: more than one t= timestamp")
            timestamp_text = value
        elif name == "v1":
            candidates.append(value)
    if timestamp_text is None:
        raise WebhookFormatError("Stripe-Signature: no t=<unix seconds> timestamp")
    if not _DIGITS.fullmatch(timestamp_text):
        raise WebhookFormatError(
            f"Stripe-Signature: t must be 1 to 12 decimal digits, got {timestamp_text!r}"
        )
    expected = hmac.new(key, timestamp_text.encode() + b"." + body, hashlib.sha256).hexdigest()
    matched = _any_hex_match(expected, candidates)
    if matched is None:
        raise WebhookSignatureError()
    timestamp = int(timestamp_text)
    check_timestamp(timestamp, now=now, tolerance=tolerance, what="Stripe-Signature t")
    payload = _json(body, "Stripe webhook body")
    event_id = _str_field(payload, "id")
    replay_key = f"stripe:event:{event_id}" if event_id else f"stripe:sig:{timestamp}:{matched}"
    _remember(store, replay_key, timestamp + tolerance, now)
    return WebhookEvent("stripe", event_id, payload, body, timestamp)


# --- Coinbase Commerce --------------------------------------------------------------------


def verify_coinbase(
    body: bytes,
    signature: str | bytes,
    secret: str | bytes,
    *,
    now: float | None = None,
    store: SeenNonceStore | None = None,
    replay_ttl: float = DEFAULT_REPLAY_TTL,
) -> WebhookEvent:
    """Verifies a Coinbase Commerce webhook:
    ``X-CC-Webhook-Signature = hex(HMAC-SHA256(shared secret, body))``.

    There is no timestamp; deduplicates on ``event.id`` for ``replay_ttl`` seconds.
    """
    body = as_bytes(body, "body")
    key = _secret_bytes(secret, "Coinbase Commerce webhook secret")
    now = resolve_now(now)
    candidate = _hex64_header(signature, "X-CC-Webhook-Signature")
    expected = hmac.new(key, body, hashlib.sha256).hexdigest()
    if _any_hex_match(expected, [candidate]) is None:
        raise WebhookSignatureError()
    payload = _json(body, "Coinbase Commerce webhook body")
    event = payload.get("event") if isinstance(payload, dict) else None
    event_id = _str_field(event, "id")
    if event_id is None:
        raise WebhookFormatError("Coinbase Commerce webhook body: no event.id string")
    _remember(store, f"coinbase:event:{event_id}", now + _ttl(replay_ttl), now)
    return WebhookEvent("coinbase", event_id, payload, body)


def verify_coinbase_cdp(
    body: bytes,
    signature_header: str | bytes,
    headers: Mapping[str, str],
    secret: str | bytes,
    *,
    tolerance: float = STRIPE_DEFAULT_TOLERANCE,
    now: float | None = None,
    store: SeenNonceStore | None = None,
) -> WebhookEvent:
    """Verifies a Coinbase CDP webhook (delivered by Hook0):
    ``X-Hook0-Signature: t=<unix>,h=<space-separated header names>,v1=<hex>`` with
    ``v1 = hex(HMAC-SHA256(secret, t + "." + names + "." + values joined by "." + "." + body))``.

    ``headers`` are the received request headers (looked up case-insensitively, in the order
    ``h`` names them). Only ``v1`` is accepted (the older ``v0`` covers no headers). ``t``
    must lie within ``tolerance`` seconds of ``now``; deduplicates on the body's ``id`` (else
    the signature) until ``t + tolerance``.
    """
    body = as_bytes(body, "body")
    key = _secret_bytes(secret, "Coinbase CDP webhook secret")
    now = resolve_now(now)
    if not isinstance(headers, Mapping):
        raise TypeError(f"headers must be a mapping, not {type(headers).__name__}")
    text = _header_text(signature_header, "X-Hook0-Signature")
    fields: dict[str, str] = {}
    for item in text.split(","):
        name, sep, value = item.partition("=")
        name, value = name.strip(), value.strip()
        if not sep or not name or name in fields:
            raise WebhookFormatError(
                "X-Hook0-Signature: expected distinct comma-separated key=value items"
            )
        fields[name] = value
    timestamp_text, names_text, given = fields.get("t"), fields.get("h", ""), fields.get("v1")
    if timestamp_text is None or not _DIGITS.fullmatch(timestamp_text):
        raise WebhookFormatError("X-Hook0-Signature: t must be 1 to 12 decimal digits")
    if given is None:
        raise WebhookFormatError("X-Hook0-Signature: no v1 signature")
    if not _HEX64.fullmatch(given):
        raise WebhookFormatError("X-Hook0-Signature: v1 must be 64 hex digits")
    names = names_text.split(" ") if names_text else []
    if any(not _HEADER_NAME.fullmatch(n) for n in names):
        raise WebhookFormatError("X-Hook0-Signature: h must be space-separated header names")
    received = {str(k).lower(): v for k, v in headers.items()}
    values = []
    for name in names:
        found = received.get(name.lower())
        if found is None:
            raise WebhookFormatError(f"header {name} is named in X-Hook0-Signature but absent")
        values.append(_header_text(found, name))
    signed = f"{timestamp_text}.{' '.join(names)}.{'.'.join(values)}.".encode() + body
    expected = hmac.new(key, signed, hashlib.sha256).hexdigest()
    if _any_hex_match(expected, [given]) is None:
        raise WebhookSignatureError()
    timestamp = int(timestamp_text)
    check_timestamp(timestamp, now=now, tolerance=tolerance, what="X-Hook0-Signature t")
    try:
        payload: Any = json.loads(body)
    except (UnicodeDecodeError, ValueError):
        # Hook0 signs any payload; a non-JSON one is returned as None with its bytes.
        payload = None
    event_id = _str_field(payload, "id")
    replay_key = f"coinbase-cdp:event:{event_id}" if event_id else f"coinbase-cdp:sig:{expected}"
    _remember(store, replay_key, timestamp + tolerance, now)
    return WebhookEvent("coinbase", event_id, payload, body, timestamp)


# --- PayPal --------------------------------------------------------------------------------


def verify_paypal(
    body: bytes,
    *,
    transmission_id: str,
    transmission_time: str,
    transmission_sig: str | bytes,
    webhook_id: str,
    certificate: RsaCertificate | bytes,
    auth_algo: str = "SHA256withRSA",
    tolerance: float = PAYPAL_DEFAULT_TOLERANCE,
    now: float | None = None,
    store: SeenNonceStore | None = None,
) -> WebhookEvent:
    """Verifies a PayPal webhook against the certificate the caller fetched and trusts.

    Arguments are the ``PAYPAL-TRANSMISSION-ID``, ``PAYPAL-TRANSMISSION-TIME``,
    ``PAYPAL-TRANSMISSION-SIG`` (base64) and ``PAYPAL-AUTH-ALGO`` header values, **your**
    configured webhook id, and the certificate from ``PAYPAL-CERT-URL`` (PEM/DER bytes or a
    loaded :class:`RsaCertificate`). The signed string is
    ``transmission_id|transmission_time|webhook_id|crc32(body)`` (CRC-32 as an unsigned
    decimal, as PayPal's SDKs compute it), verified with RSASSA-PKCS1-v1_5 / SHA-256 in the
    native core. The certificate must be valid at ``now`` and the transmission time within
    ``tolerance`` seconds of it. Deduplicates on the transmission id. See the module notes on
    CRC-32 and on fetching the certificate.
    """
    body = as_bytes(body, "body")
    now = resolve_now(now)
    if auth_algo != "SHA256withRSA":
        raise WebhookFormatError(
            f"PAYPAL-AUTH-ALGO is {auth_algo!r}; only 'SHA256withRSA' is accepted"
        )
    tid = _header_text(transmission_id, "PAYPAL-TRANSMISSION-ID")
    ttime = _header_text(transmission_time, "PAYPAL-TRANSMISSION-TIME")
    if not tid or not ttime:
        raise WebhookFormatError("PAYPAL-TRANSMISSION-ID and -TIME must not be empty")
    if not isinstance(webhook_id, str) or not webhook_id:
        raise ValueError("webhook_id must be your configured PayPal webhook id (a non-empty str)")
    timestamp = _rfc3339(ttime, "PAYPAL-TRANSMISSION-TIME")
    signature = _b64decode(transmission_sig, "PAYPAL-TRANSMISSION-SIG")
    if isinstance(certificate, RsaCertificate):
        cert = certificate
    else:
        cert = RsaCertificate.load(certificate)
    if not cert.is_valid_at(now):
        raise WebhookCertificateError(
            f"certificate is valid from {cert.not_before} to {cert.not_after} (Unix time), "
            f"not at {int(now)}"
        )
    signed = f"{tid}|{ttime}|{webhook_id}|{zlib.crc32(body)}".encode()
    try:
        cert.verify(signature, signed)
    except InvalidSignature:
        raise WebhookSignatureError() from None
    check_timestamp(timestamp, now=now, tolerance=tolerance, what="PAYPAL-TRANSMISSION-TIME")
    payload = _json(body, "PayPal webhook body")
    _remember(store, f"paypal:transmission:{tid}", timestamp + tolerance, now)
    return WebhookEvent("paypal", tid, payload, body, timestamp)


def paypal_cert_url_is_trusted(
    url: str, allowed_hosts: frozenset[str] | set[str] = PAYPAL_CERT_HOSTS
) -> bool:
    """True when ``url`` is an ``https`` URL on one of ``allowed_hosts`` (default: PayPal's
    live and sandbox API hosts), with no user info and the default port.

    Check ``PAYPAL-CERT-URL`` with this **before** fetching it; a webhook sender chooses that
    URL, so fetching an arbitrary one lets anyone supply their own key.
    """
    try:
        parts = urlsplit(url)
        port = parts.port
    except ValueError:
        return False
    return (
        parts.scheme == "https"
        and parts.hostname is not None
        and parts.hostname in allowed_hosts
        and parts.username is None
        and port in (None, 443)
    )


# --- PhonePe ------------------------------------------------------------------------------


def phonepe_x_verify(base64_data: str, salt_key: str, salt_index: int, api_path: str = "") -> str:
    """The PhonePe PG v1 ``X-VERIFY`` value:
    ``hex(SHA256(base64_data + api_path + salt_key)) + "###" + salt_index``.

    For a request, ``base64_data`` is the base64 payload and ``api_path`` e.g. ``/pg/v1/pay``;
    for an S2S callback, ``base64_data`` is the ``response`` field and ``api_path`` is empty.
    """
    named = ((base64_data, "base64_data"), (salt_key, "salt_key"), (api_path, "api_path"))
    for value, name in named:
        if not isinstance(value, str):
            raise TypeError(f"{name} must be a str, not {type(value).__name__}")
    if isinstance(salt_index, bool) or not isinstance(salt_index, int) or salt_index < 0:
        raise ValueError(f"salt_index must be a non-negative int, got {salt_index!r}")
    digest = hashlib.sha256((base64_data + api_path + salt_key).encode()).hexdigest()
    return f"{digest}###{salt_index}"


def verify_phonepe(
    body: bytes,
    x_verify: str | bytes,
    salt_keys: Mapping[int, str],
    *,
    now: float | None = None,
    store: SeenNonceStore | None = None,
    replay_ttl: float = DEFAULT_REPLAY_TTL,
) -> WebhookEvent:
    """Verifies a PhonePe PG v1 server-to-server callback (salt-key scheme).

    The body is ``{"response": "<base64 JSON>"}`` and
    ``X-VERIFY = hex(SHA256(response + salt_key)) + "###" + salt_index``; ``salt_keys`` maps
    each salt index to its key (the index after ``###`` selects it). Returns the decoded
    ``response`` object as the payload. No timestamp: deduplicates on the checksum for
    ``replay_ttl`` seconds.
    """
    body = as_bytes(body, "body")
    now = resolve_now(now)
    if not isinstance(salt_keys, Mapping) or not salt_keys:
        raise ValueError("salt_keys must be a non-empty mapping of salt index to salt key")
    header = _header_text(x_verify, "X-VERIFY").strip()
    checksum, sep, index_text = header.partition("###")
    if not sep or not _HEX64.fullmatch(checksum) or not _DIGITS.fullmatch(index_text):
        raise WebhookFormatError(
            "X-VERIFY: expected 64 hex digits, '###' and the decimal salt index"
        )
    outer = _json(body, "PhonePe callback body")
    response = outer.get("response") if isinstance(outer, dict) else None
    if not isinstance(response, str):
        raise WebhookFormatError('PhonePe callback body: expected {"response": "<base64>"}')
    salt_key = salt_keys.get(int(index_text))
    if salt_key is None:
        raise WebhookSignatureError()
    if not isinstance(salt_key, str):
        raise TypeError(f"salt keys must be str, not {type(salt_key).__name__}")
    expected = hashlib.sha256((response + salt_key).encode()).hexdigest()
    if _any_hex_match(expected, [checksum]) is None:
        raise WebhookSignatureError()
    decoded = _b64decode(response, "PhonePe callback response")
    payload = _json(decoded, "PhonePe callback response (decoded)")
    data = payload.get("data") if isinstance(payload, dict) else None
    event_id = _str_field(data, "merchantTransactionId") or _str_field(data, "transactionId")
    _remember(store, f"phonepe:xverify:{expected}", now + _ttl(replay_ttl), now)
    return WebhookEvent("phonepe", event_id, payload, body)


def verify_phonepe_v2(
    body: bytes,
    authorization: str | bytes,
    username: str,
    password: str,
    *,
    now: float | None = None,
    store: SeenNonceStore | None = None,
    replay_ttl: float = DEFAULT_REPLAY_TTL,
) -> WebhookEvent:
    """Verifies a PhonePe PG v2 / Standard Checkout webhook:
    ``Authorization = hex(SHA256(username + ":" + password))`` (the SDK's
    ``validateCallback``), with the webhook credentials set on PhonePe's dashboard.

    This header does **not** cover the body, so the result has ``body_authenticated=False``:
    allowlist PhonePe's addresses, rely on ``payload.state`` and re-fetch the order status
    before acting. Deduplicates on the body's SHA-256 for ``replay_ttl`` seconds.
    """
    body = as_bytes(body, "body")
    now = resolve_now(now)
    if not isinstance(username, str) or not isinstance(password, str) or not username:
        raise ValueError("username and password must be str (the webhook credentials)")
    candidate = _header_text(authorization, "Authorization").strip()
    if candidate.upper().startswith("SHA256 "):
        # Some integrations quote the header as "SHA256 <hex>"; the hex is what is compared.
        candidate = candidate[7:].strip()
    if not _HEX64.fullmatch(candidate):
        raise WebhookFormatError("Authorization: expected 64 hex digits (SHA-256)")
    expected = hashlib.sha256(f"{username}:{password}".encode()).hexdigest()
    if _any_hex_match(expected, [candidate]) is None:
        raise WebhookSignatureError()
    payload = _json(body, "PhonePe webhook body")
    inner = payload.get("payload") if isinstance(payload, dict) else None
    event_id = _str_field(inner, "orderId") or _str_field(inner, "merchantOrderId")
    digest = hashlib.sha256(body).hexdigest()
    _remember(store, f"phonepe2:body:{digest}", now + _ttl(replay_ttl), now)
    return WebhookEvent("phonepe", event_id, payload, body, body_authenticated=False)


# --- Razorpay ------------------------------------------------------------------------------


def verify_razorpay(
    body: bytes,
    signature: str | bytes,
    secret: str | bytes,
    *,
    now: float | None = None,
    store: SeenNonceStore | None = None,
    replay_ttl: float = DEFAULT_REPLAY_TTL,
) -> WebhookEvent:
    """Verifies a Razorpay webhook:
    ``X-Razorpay-Signature = hex(HMAC-SHA256(webhook secret, body))``.

    The webhook secret is the one set for the webhook, not the API key secret. No timestamp:
    deduplicates on the signature (a redelivery carries the same body) for ``replay_ttl``.
    ``X-Razorpay-Event-Id`` is not signed, so it is not used.
    """
    body = as_bytes(body, "body")
    key = _secret_bytes(secret, "Razorpay webhook secret")
    now = resolve_now(now)
    candidate = _hex64_header(signature, "X-Razorpay-Signature")
    expected = hmac.new(key, body, hashlib.sha256).hexdigest()
    if _any_hex_match(expected, [candidate]) is None:
        raise WebhookSignatureError()
    payload = _json(body, "Razorpay webhook body")
    entity = None
    if isinstance(payload, dict):
        inner = payload.get("payload")
        if isinstance(inner, dict):
            for value in inner.values():
                if isinstance(value, dict) and isinstance(value.get("entity"), dict):
                    entity = value["entity"]
                    break
    event_id = _str_field(entity, "id")
    _remember(store, f"razorpay:sig:{expected}", now + _ttl(replay_ttl), now)
    return WebhookEvent("razorpay", event_id, payload, body)


def verify_razorpay_payment(
    order_id: str,
    payment_id: str,
    signature: str | bytes,
    key_secret: str | bytes,
    *,
    now: float | None = None,
    store: SeenNonceStore | None = None,
    replay_ttl: float = DEFAULT_REPLAY_TTL,
) -> None:
    """Verifies a Razorpay Checkout callback's ``razorpay_signature``:
    ``hex(HMAC-SHA256(API key_secret, order_id + "|" + razorpay_payment_id))``.

    Pass **your stored** ``order_id`` (never the one in the callback) and the API key secret
    (not the webhook secret). With a store, a payment id is accepted once per ``replay_ttl``.
    """
    for value, name in ((order_id, "order_id"), (payment_id, "payment_id")):
        if not isinstance(value, str) or not value:
            raise WebhookFormatError(f"{name} must be a non-empty str")
    key = _secret_bytes(key_secret, "Razorpay key_secret")
    now = resolve_now(now)
    candidate = _hex64_header(signature, "razorpay_signature")
    expected = hmac.new(key, f"{order_id}|{payment_id}".encode(), hashlib.sha256).hexdigest()
    if _any_hex_match(expected, [candidate]) is None:
        raise WebhookSignatureError()
    _remember(store, f"razorpay:payment:{payment_id}", now + _ttl(replay_ttl), now)


# --- Adyen ---------------------------------------------------------------------------------

#: The NotificationRequestItem fields Adyen signs, in order (``amount.*`` nested).
_ADYEN_FIELDS = (
    "pspReference",
    "originalReference",
    "merchantAccountCode",
    "merchantReference",
    "amount.value",
    "amount.currency",
    "eventCode",
    "success",
)


def verify_adyen(
    body: bytes,
    hmac_key: str,
    *,
    now: float | None = None,
    store: SeenNonceStore | None = None,
    replay_ttl: float = DEFAULT_REPLAY_TTL,
) -> WebhookEvent:
    """Verifies an Adyen standard (payments) webhook: every ``NotificationRequestItem`` of
    ``notificationItems`` must carry a valid ``additionalData.hmacSignature``.

    ``hmacSignature = base64(HMAC-SHA256(hex-decoded HMAC key, pspReference:originalReference:
    merchantAccountCode:merchantReference:amount.value:amount.currency:eventCode:success))``;
    missing or null fields are empty strings, ``value`` is integer minor units, ``success`` is
    ``true``/``false``. Answer a verified webhook with the body ``[accepted]``. Deduplicates
    each item on ``pspReference:eventCode:success`` for ``replay_ttl``; ``event_id`` is the
    item's ``pspReference`` when the webhook carries one item.
    """
    body = as_bytes(body, "body")
    key = _adyen_key(hmac_key)
    now = resolve_now(now)
    payload = _json(body, "Adyen webhook body")
    raw_items = payload.get("notificationItems") if isinstance(payload, dict) else None
    if not isinstance(raw_items, list) or not raw_items:
        raise WebhookFormatError("Adyen webhook body: expected a non-empty notificationItems list")
    items: list[dict[str, Any]] = []
    for n, wrapper in enumerate(raw_items):
        item = wrapper.get("NotificationRequestItem") if isinstance(wrapper, dict) else None
        if not isinstance(item, dict):
            raise WebhookFormatError(
                f"Adyen notificationItems[{n}]: expected an object with NotificationRequestItem"
            )
        items.append(item)
    for n, item in enumerate(items):
        additional = item.get("additionalData")
        given = additional.get("hmacSignature") if isinstance(additional, dict) else None
        if not isinstance(given, str):
            raise WebhookFormatError(
                f"Adyen notificationItems[{n}]: no additionalData.hmacSignature string"
            )
        signature = _b64decode(given, f"Adyen notificationItems[{n}] hmacSignature")
        expected = hmac.new(key, _adyen_data_to_sign(item, n).encode(), hashlib.sha256).digest()
        if not hmac.compare_digest(expected, signature):
            raise WebhookSignatureError()
    keys = [
        "adyen:item:"
        + ":".join(_adyen_field(item, name, n) for name in ("pspReference", "eventCode", "success"))
        for n, item in enumerate(items)
    ]
    expires_at = now + _ttl(replay_ttl)
    for replay_key in keys:
        _remember(store, replay_key, expires_at, now)
    event_id = _str_field(items[0], "pspReference") if len(items) == 1 else None
    return WebhookEvent("adyen", event_id, payload, body)


def verify_adyen_hmac_header(
    body: bytes,
    signature: str | bytes,
    hmac_key: str,
    *,
    now: float | None = None,
    store: SeenNonceStore | None = None,
    replay_ttl: float = DEFAULT_REPLAY_TTL,
) -> WebhookEvent:
    """Verifies an Adyen Balance Platform / Management webhook, signed over the raw body in a
    request header (``HmacSignature``; the name is as Adyen's libraries and samples use it):
    ``base64(HMAC-SHA256(hex-decoded HMAC key, body))``. Deduplicates on the signature.
    """
    body = as_bytes(body, "body")
    key = _adyen_key(hmac_key)
    now = resolve_now(now)
    given = _b64decode(signature, "HmacSignature")
    expected = hmac.new(key, body, hashlib.sha256).digest()
    if not hmac.compare_digest(expected, given):
        raise WebhookSignatureError()
    payload = _json(body, "Adyen webhook body")
    data = payload.get("data") if isinstance(payload, dict) else None
    event_id = _str_field(data, "id")
    replay_key = "adyen:sig:" + expected.hex()
    _remember(store, replay_key, now + _ttl(replay_ttl), now)
    return WebhookEvent("adyen", event_id, payload, body)


def _adyen_key(hmac_key: str) -> bytes:
    if not isinstance(hmac_key, str):
        raise TypeError(f"the Adyen HMAC key must be a hex str, not {type(hmac_key).__name__}")
    try:
        key = bytes.fromhex(hmac_key.strip())
    except ValueError:
        raise ValueError(
            "the Adyen HMAC key must be hexadecimal (64 hex digits, as the Customer Area shows it)"
        ) from None
    if len(key) < 16:
        raise ValueError(f"the Adyen HMAC key must be at least 16 bytes, got {len(key)}")
    return key


def _adyen_field(item: Mapping[str, Any], name: str, n: int) -> str:
    value: Any = item
    for part in name.split("."):
        value = value.get(part) if isinstance(value, dict) else None
    if value is None:
        return ""
    if name == "success" and isinstance(value, bool):
        return "true" if value else "false"
    if name == "amount.value":
        if isinstance(value, bool) or not isinstance(value, int):
            raise WebhookFormatError(
                f"Adyen notificationItems[{n}] amount.value must be an integer (minor units)"
            )
        return str(value)
    if not isinstance(value, str):
        raise WebhookFormatError(f"Adyen notificationItems[{n}] {name} must be a string")
    return value


def _adyen_data_to_sign(item: Mapping[str, Any], n: int) -> str:
    return ":".join(_adyen_field(item, name, n) for name in _ADYEN_FIELDS)


# --- shared helpers -------------------------------------------------------------------------


def _secret_bytes(secret: str | bytes, what: str) -> bytes:
    if isinstance(secret, str):
        key = secret.encode()
    elif isinstance(secret, (bytes, bytearray, memoryview)):
        key = bytes(secret)
    else:
        raise TypeError(f"{what} must be str or bytes, not {type(secret).__name__}")
    if not key:
        raise ValueError(f"{what} must not be empty")
    return key


def _header_text(value: str | bytes, name: str) -> str:
    """A header value as ASCII text (HTTP field values are ASCII in practice)."""
    if isinstance(value, (bytes, bytearray, memoryview)):
        try:
            return bytes(value).decode("ascii")
        except UnicodeDecodeError:
            raise WebhookFormatError(f"{name}: expected ASCII text") from None
    if not isinstance(value, str):
        raise TypeError(f"{name} must be str or bytes, not {type(value).__name__}")
    if not value.isascii():
        raise WebhookFormatError(f"{name}: expected ASCII text")
    return value


def _hex64_header(value: str | bytes, name: str) -> str:
    text = _header_text(value, name).strip()
    if not _HEX64.fullmatch(text):
        raise WebhookFormatError(f"{name}: expected 64 hex digits (HMAC-SHA256)")
    return text


def _any_hex_match(expected_hex: str, candidates: list[str]) -> str | None:
    """The first candidate equal to ``expected_hex`` (case-insensitive hex), compared in
    constant time; every candidate is compared, so timing does not show which matched."""
    expected = expected_hex.encode()
    found: str | None = None
    for candidate in candidates:
        if hmac.compare_digest(expected, candidate.lower().encode()) and found is None:
            found = candidate.lower()
    return found


def _b64decode(value: str | bytes, name: str) -> bytes:
    # Only the canonical encoding (padded, no stray bits or extra '='), so one value has one
    # spelling.
    return decode_std(_header_text(value, name).strip(), name, WebhookFormatError, non_empty=True)


def _json(data: bytes, what: str) -> Any:
    try:
        return json.loads(data)
    except (UnicodeDecodeError, ValueError) as exc:
        raise WebhookFormatError(f"{what} is not valid UTF-8 JSON: {exc}") from None


def _str_field(obj: Any, name: str) -> str | None:
    if isinstance(obj, dict):
        value = obj.get(name)
        if isinstance(value, str) and value:
            return value
    return None


def _rfc3339(text: str, name: str) -> int:
    try:
        moment = datetime.fromisoformat(text)
    except ValueError:
        raise WebhookFormatError(
            f"{name}: expected an ISO 8601 date-time such as 2024-05-01T12:00:00Z, got {text!r}"
        ) from None
    if moment.tzinfo is None:
        raise WebhookFormatError(f"{name}: the date-time must carry a UTC offset or 'Z'")
    return int(moment.timestamp())


def _ttl(replay_ttl: float) -> float:
    if isinstance(replay_ttl, bool) or not isinstance(replay_ttl, (int, float)) or replay_ttl <= 0:
        raise ValueError(f"replay_ttl must be a positive number of seconds, got {replay_ttl!r}")
    return float(replay_ttl)


def _remember(store: SeenNonceStore | None, key: str, expires_at: float, now: float) -> None:
    if store is not None and not store.check_and_remember(key, expires_at, now):
        raise WebhookReplayError(f"already seen: {key}", key)
