"""Stripe webhook verification (re-exported by :mod:`pqpay.webhooks`)."""

from __future__ import annotations

import hashlib
import hmac
from typing import Final

from pqpay._bytes import as_bytes
from pqpay.exceptions import (
    WebhookFormatError,
    WebhookSignatureError,
)
from pqpay.interfaces import SeenNonceStore
from pqpay.replay import replay_expiry, resolve_now
from pqpay.webhooks._common import (
    DIGITS,
    WebhookEvent,
    any_hex_match,
    header_text,
    json_body,
    remember,
    secret_bytes,
    signed_timestamp_in_window,
    str_field,
)

__all__ = ["STRIPE_DEFAULT_TOLERANCE", "verify_stripe"]

#: Stripe's default timestamp tolerance (``DEFAULT_TOLERANCE = 300`` in stripe-node/-python).
STRIPE_DEFAULT_TOLERANCE: Final = 300


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
    Deduplicates on the event ``id`` until ``t + tolerance`` (plus
    :data:`~pqpay.replay.REPLAY_MARGIN`, so the id outlives the window).
    """
    body = as_bytes(body, "body")
    key = secret_bytes(secret, "Stripe endpoint secret")
    now = resolve_now(now)
    header = header_text(signature_header, "Stripe-Signature")
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
    if not DIGITS.fullmatch(timestamp_text):
        raise WebhookFormatError(
            f"Stripe-Signature: t must be 1 to 12 decimal digits, got {timestamp_text!r}"
        )
    expected = hmac.new(key, timestamp_text.encode() + b"." + body, hashlib.sha256).hexdigest()
    matched = any_hex_match(expected, candidates)
    if matched is None:
        raise WebhookSignatureError()
    timestamp = int(timestamp_text)
    signed_timestamp_in_window(timestamp, now, tolerance, "Stripe-Signature t")
    payload = json_body(body, "Stripe webhook body")
    event_id = str_field(payload, "id")
    replay_key = f"stripe:event:{event_id}" if event_id else f"stripe:sig:{timestamp}:{matched}"
    remember(store, replay_key, replay_expiry(timestamp, tolerance), now)
    return WebhookEvent("stripe", event_id, payload, body, timestamp)
