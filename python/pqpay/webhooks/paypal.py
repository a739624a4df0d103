"""PayPal webhook verification (re-exported by :mod:`pqpay.webhooks`)."""

from __future__ import annotations

import zlib
from typing import Final
from urllib.parse import urlsplit

from pqpay._bytes import as_bytes
from pqpay.exceptions import (
    InvalidSignature,
    WebhookCertificateError,
    WebhookFormatError,
    WebhookSignatureError,
)
from pqpay.interfaces import SeenNonceStore
from pqpay.replay import replay_expiry, resolve_now
from pqpay.webhooks._common import (
    WebhookEvent,
    b64decode,
    header_text,
    json_body,
    remember,
    rfc3339,
    signed_timestamp_in_window,
)
from pqpay.x509 import RsaCertificate

__all__ = [
    "PAYPAL_CERT_HOSTS",
    "PAYPAL_DEFAULT_TOLERANCE",
    "paypal_cert_url_is_trusted",
    "verify_paypal",
]

#: Default window for PayPal's signed ``PAYPAL-TRANSMISSION-TIME``.
PAYPAL_DEFAULT_TOLERANCE: Final = 300
#: Hosts :func:`paypal_cert_url_is_trusted` accepts by default.
PAYPAL_CERT_HOSTS: Final = frozenset(
    {"api.paypal.com", "api-m.paypal.com", "api.sandbox.paypal.com", "api-m.sandbox.paypal.com"}
)


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
    tid = header_text(transmission_id, "PAYPAL-TRANSMISSION-ID")
    ttime = header_text(transmission_time, "PAYPAL-TRANSMISSION-TIME")
    if not tid or not ttime:
        raise WebhookFormatError("PAYPAL-TRANSMISSION-ID and -TIME must not be empty")
    if not isinstance(webhook_id, str) or not webhook_id:
        raise ValueError("webhook_id must be your configured PayPal webhook id (a non-empty str)")
    timestamp = rfc3339(ttime, "PAYPAL-TRANSMISSION-TIME")
    signature = b64decode(transmission_sig, "PAYPAL-TRANSMISSION-SIG")
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
    signed_timestamp_in_window(timestamp, now, tolerance, "PAYPAL-TRANSMISSION-TIME")
    payload = json_body(body, "PayPal webhook body")
    remember(store, f"paypal:transmission:{tid}", replay_expiry(timestamp, tolerance), now)
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
