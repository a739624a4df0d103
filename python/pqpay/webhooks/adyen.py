"""Adyen webhook verification: HMAC notifications and the raw-body header variant
(re-exported by :mod:`pqpay.webhooks`)."""

from __future__ import annotations

import hashlib
import hmac
from collections.abc import Mapping
from typing import Any

from pqpay._bytes import as_bytes
from pqpay.exceptions import (
    WebhookFormatError,
    WebhookSignatureError,
)
from pqpay.interfaces import SeenNonceStore
from pqpay.replay import resolve_now
from pqpay.webhooks._common import (
    DEFAULT_REPLAY_TTL,
    WebhookEvent,
    b64decode,
    json_body,
    remember,
    remember_all,
    str_field,
    ttl,
    utf8,
)

__all__ = ["verify_adyen", "verify_adyen_hmac_header"]


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

    The replay decision covers the whole body: either every item is new and all are
    remembered, or ``WebhookReplayError`` is raised and **none** is (a triple repeated inside
    one body counts once). A body mixing new and seen items therefore leaves the new ones
    unremembered: verify it again with ``store=None`` and deduplicate per item if you must
    process them. With several items the store needs ``check_and_remember_many``
    (:class:`~pqpay.replay.MemoryNonceStore` has it); a store without it raises
    ``TypeError``.
    """
    body = as_bytes(body, "body")
    key = _adyen_key(hmac_key)
    now = resolve_now(now)
    payload = json_body(body, "Adyen webhook body")
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
        signature = b64decode(given, f"Adyen notificationItems[{n}] hmacSignature")
        signed = utf8(_adyen_data_to_sign(item, n), f"Adyen notificationItems[{n}]")
        expected = hmac.new(key, signed, hashlib.sha256).digest()
        if not hmac.compare_digest(expected, signature):
            raise WebhookSignatureError()
    keys = [
        "adyen:item:"
        + ":".join(_adyen_field(item, name, n) for name in ("pspReference", "eventCode", "success"))
        for n, item in enumerate(items)
    ]
    expires_at = now + ttl(replay_ttl)
    remember_all(store, keys, expires_at, now)
    event_id = str_field(items[0], "pspReference") if len(items) == 1 else None
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
    given = b64decode(signature, "HmacSignature")
    expected = hmac.new(key, body, hashlib.sha256).digest()
    if not hmac.compare_digest(expected, given):
        raise WebhookSignatureError()
    payload = json_body(body, "Adyen webhook body")
    data = payload.get("data") if isinstance(payload, dict) else None
    event_id = str_field(data, "id")
    replay_key = "adyen:sig:" + expected.hex()
    remember(store, replay_key, now + ttl(replay_ttl), now)
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
