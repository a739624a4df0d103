"""Coinbase Commerce and Coinbase CDP (Hook0) webhook verification (re-exported by
:mod:`pqpay.webhooks`)."""

from __future__ import annotations

import json
import re
from collections.abc import Mapping
from typing import Any

from pqpay._bytes import as_bytes
from pqpay.exceptions import (
    WebhookFormatError,
)
from pqpay.interfaces import SeenNonceStore
from pqpay.replay import replay_expiry, resolve_now
from pqpay.webhooks._common import (
    DEFAULT_REPLAY_TTL,
    DIGITS,
    HEX64,
    WebhookEvent,
    check_hmac_sha256_hex,
    header_text,
    hex64_header,
    json_body,
    remember,
    secret_bytes,
    signed_timestamp_in_window,
    str_field,
    ttl,
)
from pqpay.webhooks.stripe import STRIPE_DEFAULT_TOLERANCE

__all__ = ["verify_coinbase", "verify_coinbase_cdp"]

_HEADER_NAME = re.compile(r"[!#$%&'*+.^_`|~0-9A-Za-z-]+")


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
    key = secret_bytes(secret, "Coinbase Commerce webhook secret")
    now = resolve_now(now)
    candidate = hex64_header(signature, "X-CC-Webhook-Signature")
    check_hmac_sha256_hex(key, body, [candidate])
    payload = json_body(body, "Coinbase Commerce webhook body")
    event = payload.get("event") if isinstance(payload, dict) else None
    event_id = str_field(event, "id")
    if event_id is None:
        raise WebhookFormatError("Coinbase Commerce webhook body: no event.id string")
    remember(store, f"coinbase:event:{event_id}", now + ttl(replay_ttl), now)
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
    the signature) until ``t + tolerance`` (plus :data:`~pqpay.replay.REPLAY_MARGIN`).
    """
    body = as_bytes(body, "body")
    key = secret_bytes(secret, "Coinbase CDP webhook secret")
    now = resolve_now(now)
    if not isinstance(headers, Mapping):
        raise TypeError(f"headers must be a mapping, not {type(headers).__name__}")
    text = header_text(signature_header, "X-Hook0-Signature")
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
    if timestamp_text is None or not DIGITS.fullmatch(timestamp_text):
        raise WebhookFormatError("X-Hook0-Signature: t must be 1 to 12 decimal digits")
    if given is None:
        raise WebhookFormatError("X-Hook0-Signature: no v1 signature")
    if not HEX64.fullmatch(given):
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
        values.append(header_text(found, name))
    signed = f"{timestamp_text}.{' '.join(names)}.{'.'.join(values)}.".encode() + body
    expected = check_hmac_sha256_hex(key, signed, [given])
    timestamp = int(timestamp_text)
    signed_timestamp_in_window(timestamp, now, tolerance, "X-Hook0-Signature t")
    try:
        payload: Any = json.loads(body)
    except (UnicodeDecodeError, ValueError, RecursionError):
        # Hook0 signs any payload; a non-JSON one (or one nested too deeply for the parser) is
        # returned as None with its bytes.
        payload = None
    event_id = str_field(payload, "id")
    replay_key = f"coinbase-cdp:event:{event_id}" if event_id else f"coinbase-cdp:sig:{expected}"
    remember(store, replay_key, replay_expiry(timestamp, tolerance), now)
    return WebhookEvent("coinbase", event_id, payload, body, timestamp)
