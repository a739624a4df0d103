"""Razorpay webhook and Checkout-callback verification (re-exported by
:mod:`pqpay.webhooks`)."""

from __future__ import annotations

from pqpay._bytes import as_bytes
from pqpay.exceptions import (
    WebhookFormatError,
)
from pqpay.interfaces import SeenNonceStore
from pqpay.replay import resolve_now
from pqpay.webhooks._common import (
    DEFAULT_REPLAY_TTL,
    WebhookEvent,
    check_hmac_sha256_hex,
    hex64_header,
    json_body,
    remember,
    secret_bytes,
    str_field,
    ttl,
    utf8,
)

__all__ = ["verify_razorpay", "verify_razorpay_payment"]


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
    key = secret_bytes(secret, "Razorpay webhook secret")
    now = resolve_now(now)
    candidate = hex64_header(signature, "X-Razorpay-Signature")
    expected = check_hmac_sha256_hex(key, body, [candidate])
    payload = json_body(body, "Razorpay webhook body")
    entity = None
    if isinstance(payload, dict):
        inner = payload.get("payload")
        if isinstance(inner, dict):
            for value in inner.values():
                if isinstance(value, dict) and isinstance(value.get("entity"), dict):
                    entity = value["entity"]
                    break
    event_id = str_field(entity, "id")
    remember(store, f"razorpay:sig:{expected}", now + ttl(replay_ttl), now)
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
    An id that is not a non-empty str encodable as UTF-8 (a lone surrogate) raises
    ``WebhookFormatError``.
    """
    for value, name in ((order_id, "order_id"), (payment_id, "payment_id")):
        if not isinstance(value, str) or not value:
            raise WebhookFormatError(f"{name} must be a non-empty str")
    key = secret_bytes(key_secret, "Razorpay key_secret")
    now = resolve_now(now)
    candidate = hex64_header(signature, "razorpay_signature")
    signed = utf8(f"{order_id}|{payment_id}", "Razorpay order_id|payment_id")
    check_hmac_sha256_hex(key, signed, [candidate])
    remember(store, f"razorpay:payment:{payment_id}", now + ttl(replay_ttl), now)
