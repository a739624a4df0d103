"""PayPal webhook verification (re-exported by :mod:`pqpay.webhooks`)."""

from __future__ import annotations

import hashlib
import hmac
import re
import zlib
from collections.abc import Iterable
from typing import Final
from urllib.parse import urlsplit

from pqpay._b64 import decode_std, encode_std
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
    "PAYPAL_CERT_PATH",
    "PAYPAL_DEFAULT_TOLERANCE",
    "paypal_cert_url_is_trusted",
    "paypal_spki_pin",
    "verify_paypal",
]

#: Default window for PayPal's signed ``PAYPAL-TRANSMISSION-TIME``.
PAYPAL_DEFAULT_TOLERANCE: Final = 300
#: Hosts :func:`paypal_cert_url_is_trusted` accepts by default.
PAYPAL_CERT_HOSTS: Final = frozenset(
    {"api.paypal.com", "api-m.paypal.com", "api.sandbox.paypal.com", "api-m.sandbox.paypal.com"}
)
#: The path under which PayPal serves webhook certificates (``PAYPAL-CERT-URL``).
PAYPAL_CERT_PATH: Final = "/v1/notifications/certs/"

_CERT_NAME = re.compile(r"[A-Za-z0-9._-]{1,200}")
# AlgorithmIdentifier { rsaEncryption, NULL } (RFC 3279 §2.3.1), DER.
_RSA_ALGORITHM = bytes.fromhex("300d06092a864886f70d0101010500")


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
    spki_pins: Iterable[str | bytes] | None = None,
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

    ``spki_pins`` (optional, recommended) pins the certificate: SHA-256 digests of the
    ``SubjectPublicKeyInfo`` of the certificates you trust (:func:`paypal_spki_pin`; 32 bytes,
    64 hex digits or base64). Given, it **fails closed**: a certificate whose key is not
    pinned raises :class:`WebhookCertificateError` before any signature is checked, and an
    empty collection raises ``ValueError``. Without it the certificate is trusted as given
    (check the URL with :func:`paypal_cert_url_is_trusted`, fetch without redirects and
    validate its chain yourself).
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
    pins = None if spki_pins is None else _pins(spki_pins)
    if isinstance(certificate, RsaCertificate):
        cert = certificate
    else:
        cert = RsaCertificate.load(certificate)
    if pins is not None:
        digest = _spki_sha256(cert)
        # Compare with every pin (constant time each), so timing shows nothing about the set.
        if not sum(hmac.compare_digest(digest, pin) for pin in pins):
            raise WebhookCertificateError(
                "the certificate's key is not one of the pinned keys (spki_pins)"
            )
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
    url: str,
    allowed_hosts: frozenset[str] | set[str] = PAYPAL_CERT_HOSTS,
    *,
    path_prefix: str = PAYPAL_CERT_PATH,
) -> bool:
    """True when ``url`` is an ``https`` URL on one of ``allowed_hosts`` (default: PayPal's
    live and sandbox API hosts), with no user info and the default port, whose path is
    ``path_prefix`` (default ``/v1/notifications/certs/``) followed by one certificate name of
    ``[A-Za-z0-9._-]`` (not ``.`` or ``..``), with no query, fragment, parameters or
    percent-escapes.

    Check ``PAYPAL-CERT-URL`` with this **before** fetching it, and fetch it **without
    following redirects** (``requests``: ``allow_redirects=False``; ``httpx``: the default
    ``follow_redirects=False``): a webhook sender chooses that URL, so fetching an arbitrary
    one, or wherever a redirect leads, lets anyone supply their own key. A URL check alone
    cannot tell PayPal's certificate from another served there; pin it with
    ``verify_paypal(..., spki_pins=...)``.
    """
    if not isinstance(url, str) or not isinstance(path_prefix, str):
        return False
    try:
        parts = urlsplit(url)
        port = parts.port
    except ValueError:
        return False
    if not path_prefix.startswith("/") or not path_prefix.endswith("/"):
        raise ValueError(f"path_prefix must start and end with '/', got {path_prefix!r}")
    name = parts.path[len(path_prefix) :]
    return (
        parts.scheme == "https"
        and parts.hostname is not None
        and parts.hostname in allowed_hosts
        and parts.username is None
        and port in (None, 443)
        and parts.path.startswith(path_prefix)
        and _CERT_NAME.fullmatch(name) is not None
        and name not in (".", "..")
        and not parts.query
        and not parts.fragment
        and "?" not in url
        and "#" not in url
    )


def paypal_spki_pin(certificate: RsaCertificate | bytes) -> str:
    """The certificate's pin for ``verify_paypal(..., spki_pins=...)``: base64 of the SHA-256
    of its DER ``SubjectPublicKeyInfo`` (``rsaEncryption``, NULL parameters), the HPKP
    ``pin-sha256`` form; the same as ``openssl x509 -pubkey -noout | openssl pkey -pubin
    -outform der | openssl dgst -sha256 -binary | base64``.

    Compute it from a certificate you have checked out of band (its chain to PayPal's CA and its
    subject ``messageverificationcerts.paypal.com``), and keep the pins of the current and the
    next certificate while PayPal rotates them.
    """
    cert = (
        certificate if isinstance(certificate, RsaCertificate) else RsaCertificate.load(certificate)
    )
    return encode_std(_spki_sha256(cert))


def _spki_sha256(cert: RsaCertificate) -> bytes:
    bit_string = _der(0x03, b"\x00" + cert.public_key_der())
    return hashlib.sha256(_der(0x30, _RSA_ALGORITHM + bit_string)).digest()


def _der(tag: int, content: bytes) -> bytes:
    n = len(content)
    if n < 0x80:
        return bytes([tag, n]) + content
    length = n.to_bytes((n.bit_length() + 7) // 8, "big")
    return bytes([tag, 0x80 | len(length)]) + length + content


def _pins(spki_pins: Iterable[str | bytes]) -> frozenset[bytes]:
    if isinstance(spki_pins, (str, bytes, bytearray, memoryview)):
        raise TypeError("spki_pins must be a collection of pins, not one str or bytes")
    pins = set()
    for pin in spki_pins:
        if isinstance(pin, (bytes, bytearray, memoryview)):
            digest = bytes(pin)
        elif isinstance(pin, str):
            text = pin.strip()
            if len(text) == 64:
                try:
                    digest = bytes.fromhex(text)
                except ValueError:
                    digest = b""
            else:
                digest = decode_std(text, "SPKI pin", ValueError, non_empty=True)
        else:
            raise TypeError(f"an SPKI pin is a str or bytes, not {type(pin).__name__}")
        if len(digest) != 32:
            raise ValueError(
                "an SPKI pin is a SHA-256 digest: 32 bytes, 64 hex digits or 44 base64 characters"
            )
        pins.add(digest)
    if not pins:
        raise ValueError("spki_pins is empty: pass None to trust the certificate as given")
    return frozenset(pins)
