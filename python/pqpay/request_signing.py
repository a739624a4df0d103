"""HMAC-SHA256 signing of outbound API requests, and its verifier with a replay window.

The client signs a canonical string built from the request; the server rebuilds it from what
it received and compares in constant time. Canonical string (UTF-8, lines joined by ``\\n``,
no trailing newline)::

    PQPAY-HMAC-SHA256
    <key id>
    <METHOD, upper case>
    <request target: path and query exactly as sent, e.g. /v1/payments?limit=10>
    <timestamp: Unix seconds, decimal>
    <nonce>
    <hex SHA-256 of the body (of b"" when there is none)>

``signature = hex(HMAC-SHA256(secret, canonical string))``. Headers sent:

==========================  ==========================================================
``X-Pqpay-Key-Id``          which secret signed (rotation: the server holds several)
``X-Pqpay-Timestamp``       Unix seconds at signing
``X-Pqpay-Nonce``           22 base64url characters (16 random bytes), unique per request
``X-Pqpay-Content-SHA256``  hex SHA-256 of the body
``X-Pqpay-Signature``       ``v1=<hex HMAC>``
==========================  ==========================================================

The verifier accepts a request when the key id is known, the body digest and the signature match,
the timestamp lies within ``tolerance`` seconds of ``now`` (either direction) and, with a
:class:`~pqpay.replay.SeenNonceStore`, the ``(key id, nonce)`` pair is new; the pair is remembered
until ``timestamp + tolerance +`` :data:`~pqpay.replay.REPLAY_MARGIN`, past the last moment the
request could be accepted (the timestamp check is inclusive), so no replay slips through, even with
a whole-second clock, and the store stays small. A :class:`~pqpay.replay.MemoryNonceStore` gives
each key id its own quota (``max_per_group``), so one client cannot fill it and lock the others out
(a full quota raises :class:`~pqpay.exceptions.ReplayStoreFull`). The request target is signed as
sent, not normalised: the server must pass the raw target it received (before any URL decoding or
query reordering). Failures raise the :class:`~pqpay.exceptions.WebhookError` classes
(``WebhookFormatError``, ``WebhookSignatureError``, ``WebhookTimestampError``,
``WebhookReplayError``).
"""

from __future__ import annotations

import hashlib
import hmac
import os
import re
from collections.abc import Mapping
from dataclasses import dataclass
from typing import Final

from pqpay._b64 import encode_url
from pqpay._bytes import HEX64_LOWER, as_bytes
from pqpay.exceptions import (
    WebhookFormatError,
    WebhookReplayError,
    WebhookSignatureError,
    WebhookTimestampError,
)
from pqpay.interfaces import SeenNonceStore
from pqpay.replay import check_timestamp, replay_expiry, resolve_now

__all__ = [
    "ALGORITHM",
    "DEFAULT_TOLERANCE",
    "HEADER_CONTENT_SHA256",
    "HEADER_KEY_ID",
    "HEADER_NONCE",
    "HEADER_SIGNATURE",
    "HEADER_TIMESTAMP",
    "MIN_SECRET_BYTES",
    "VerifiedRequest",
    "canonical_request",
    "sign_request",
    "verify_request",
]

#: First line of the canonical string (names the scheme and version).
ALGORITHM: Final = "PQPAY-HMAC-SHA256"
#: Default accepted clock difference, seconds, either direction.
DEFAULT_TOLERANCE: Final = 300
#: Shortest accepted secret: 32 bytes, the HMAC-SHA256 block security level.
MIN_SECRET_BYTES: Final = 32

HEADER_KEY_ID: Final = "X-Pqpay-Key-Id"
HEADER_TIMESTAMP: Final = "X-Pqpay-Timestamp"
HEADER_NONCE: Final = "X-Pqpay-Nonce"
HEADER_CONTENT_SHA256: Final = "X-Pqpay-Content-SHA256"
HEADER_SIGNATURE: Final = "X-Pqpay-Signature"

_METHOD = re.compile(r"[A-Z]{1,20}")
_TARGET = re.compile(r"/[\x21-\x7e]*")
_KEY_ID = re.compile(r"[A-Za-z0-9._:-]{1,128}")
_NONCE = re.compile(r"[A-Za-z0-9_-]{16,128}")
_TIMESTAMP = re.compile(r"[0-9]{1,12}")


@dataclass(frozen=True)
class VerifiedRequest:
    """What a verified request was signed with."""

    key_id: str
    timestamp: int
    nonce: str


def canonical_request(
    method: str, target: str, body_sha256_hex: str, timestamp: int, nonce: str, key_id: str
) -> bytes:
    """The canonical string that is signed (see the module documentation).

    Raises ``ValueError`` for a method that is not an upper-case token, a target that does
    not start with ``/`` or holds spaces, controls or non-ASCII, or a malformed key id, nonce
    or digest, so no two requests share a canonical string.
    """
    if not isinstance(method, str) or not _METHOD.fullmatch(method.upper()):
        raise ValueError(f"method must be an HTTP method token such as 'POST', got {method!r}")
    if not isinstance(target, str) or not _TARGET.fullmatch(target):
        raise ValueError(
            "target must be the request path (and query) as sent: starting with '/', "
            f"printable ASCII without spaces, got {target!r}"
        )
    if not isinstance(key_id, str) or not _KEY_ID.fullmatch(key_id):
        raise ValueError(f"key id must be 1 to 128 of [A-Za-z0-9._:-], got {key_id!r}")
    if not isinstance(nonce, str) or not _NONCE.fullmatch(nonce):
        raise ValueError(f"nonce must be 16 to 128 base64url characters, got {nonce!r}")
    if not isinstance(body_sha256_hex, str) or not HEX64_LOWER.fullmatch(body_sha256_hex):
        raise ValueError("body digest must be 64 lower-case hex digits")
    if isinstance(timestamp, bool) or not isinstance(timestamp, int) or timestamp < 0:
        raise ValueError(f"timestamp must be a non-negative int, got {timestamp!r}")
    lines = (ALGORITHM, key_id, method.upper(), target, str(timestamp), nonce, body_sha256_hex)
    return "\n".join(lines).encode()


def sign_request(
    method: str,
    target: str,
    body: bytes,
    secret: bytes,
    *,
    key_id: str,
    now: float | None = None,
    nonce: str | None = None,
) -> dict[str, str]:
    """Signs a request and returns the five headers to send with it.

    ``target`` is the path and query exactly as they will be sent; ``secret`` at least
    :data:`MIN_SECRET_BYTES` bytes. ``nonce`` defaults to 16 fresh random bytes (base64url);
    ``now`` to the clock.
    """
    body = as_bytes(body, "body")
    key = _secret(secret)
    timestamp = int(resolve_now(now))
    if nonce is None:
        nonce = encode_url(os.urandom(16))
    digest = hashlib.sha256(body).hexdigest()
    canonical = canonical_request(method, target, digest, timestamp, nonce, key_id)
    signature = hmac.new(key, canonical, hashlib.sha256).hexdigest()
    return {
        HEADER_KEY_ID: key_id,
        HEADER_TIMESTAMP: str(timestamp),
        HEADER_NONCE: nonce,
        HEADER_CONTENT_SHA256: digest,
        HEADER_SIGNATURE: f"v1={signature}",
    }


def verify_request(
    method: str,
    target: str,
    body: bytes,
    headers: Mapping[str, str],
    secrets: Mapping[str, bytes],
    *,
    tolerance: float = DEFAULT_TOLERANCE,
    now: float | None = None,
    store: SeenNonceStore | None = None,
) -> VerifiedRequest:
    """Verifies a request signed by :func:`sign_request`.

    ``headers`` are the received headers (names matched case-insensitively); ``secrets`` maps
    key ids to secrets (several during a rotation). Raises ``WebhookFormatError`` for a
    missing or malformed header, ``WebhookSignatureError`` for an unknown key id, a body that
    does not match its digest or a wrong signature (opaque), ``WebhookTimestampError`` outside
    the window and ``WebhookReplayError`` for a nonce already seen.
    """
    body = as_bytes(body, "body")
    now = resolve_now(now)
    if not isinstance(secrets, Mapping) or not secrets:
        raise ValueError("secrets must be a non-empty mapping of key id to secret")
    found = _lower_headers(headers)
    key_id = _required(found, HEADER_KEY_ID, _KEY_ID, "1 to 128 of [A-Za-z0-9._:-]")
    timestamp_text = _required(found, HEADER_TIMESTAMP, _TIMESTAMP, "decimal Unix seconds")
    nonce = _required(found, HEADER_NONCE, _NONCE, "16 to 128 base64url characters")
    digest = _required(found, HEADER_CONTENT_SHA256, HEX64_LOWER, "64 lower-case hex digits")
    signature_header = found.get(HEADER_SIGNATURE.lower())
    if signature_header is None:
        raise WebhookFormatError(f"{HEADER_SIGNATURE} header is missing")
    scheme, sep, given = signature_header.strip().partition("=")
    if scheme != "v1" or not sep or not HEX64_LOWER.fullmatch(given):
        raise WebhookFormatError(f"{HEADER_SIGNATURE}: expected v1=<64 lower-case hex digits>")
    timestamp = int(timestamp_text)
    try:
        canonical = canonical_request(method, target, digest, timestamp, nonce, key_id)
    except ValueError as exc:
        raise WebhookFormatError(str(exc)) from None

    secret = secrets.get(key_id)
    key = _secret(secret) if secret is not None else None
    # Compute and compare in every case (unknown key included) so the answer's timing does
    # not tell which check failed.
    expected = hmac.new(key or b"\x00" * MIN_SECRET_BYTES, canonical, hashlib.sha256).hexdigest()
    signature_ok = hmac.compare_digest(expected.encode(), given.encode())
    body_ok = hmac.compare_digest(hashlib.sha256(body).hexdigest().encode(), digest.encode())
    if key is None or not (signature_ok and body_ok):
        raise WebhookSignatureError()

    check_timestamp(
        timestamp,
        now=now,
        tolerance=tolerance,
        what=HEADER_TIMESTAMP,
        error=WebhookTimestampError,
    )
    replay_key = f"request:{key_id}:{nonce}"
    expires_at = replay_expiry(timestamp, tolerance)
    if store is not None and not store.check_and_remember(replay_key, expires_at, now):
        raise WebhookReplayError(f"nonce already used: {replay_key}", replay_key)
    return VerifiedRequest(key_id, timestamp, nonce)


def _secret(secret: bytes) -> bytes:
    key = as_bytes(secret, "secret")
    if len(key) < MIN_SECRET_BYTES:
        raise ValueError(f"secret must be at least {MIN_SECRET_BYTES} bytes, got {len(key)}")
    return key


def _lower_headers(headers: Mapping[str, str]) -> dict[str, str]:
    if not isinstance(headers, Mapping):
        raise TypeError(f"headers must be a mapping, not {type(headers).__name__}")
    out: dict[str, str] = {}
    for name, value in headers.items():
        if not isinstance(name, str) or not isinstance(value, str):
            raise TypeError("header names and values must be str")
        lowered = name.lower()
        if lowered in out:
            raise WebhookFormatError(f"header {name} appears more than once")
        out[lowered] = value
    return out


def _required(found: Mapping[str, str], name: str, pattern: re.Pattern[str], form: str) -> str:
    value = found.get(name.lower())
    if value is None:
        raise WebhookFormatError(f"{name} header is missing")
    value = value.strip()
    if not pattern.fullmatch(value):
        raise WebhookFormatError(f"{name}: expected {form}")
    return value
