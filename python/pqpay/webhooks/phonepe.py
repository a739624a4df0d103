"""PhonePe webhook verification, v1 X-VERIFY and v2 Authorization (re-exported by
:mod:`pqpay.webhooks`)."""

from __future__ import annotations

import hashlib
import warnings
from collections.abc import Mapping

from pqpay._bytes import as_bytes
from pqpay.exceptions import (
    WebhookFormatError,
    WebhookSignatureError,
)
from pqpay.interfaces import SeenNonceStore
from pqpay.replay import resolve_now
from pqpay.webhooks._common import (
    DEFAULT_REPLAY_TTL,
    DIGITS,
    HEX64,
    WebhookEvent,
    any_hex_match,
    b64decode,
    header_text,
    json_body,
    remember,
    str_field,
    ttl,
    utf8,
)

__all__ = ["phonepe_x_verify", "verify_phonepe", "verify_phonepe_v2"]


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
    header = header_text(x_verify, "X-VERIFY").strip()
    checksum, sep, index_text = header.partition("###")
    if not sep or not HEX64.fullmatch(checksum) or not DIGITS.fullmatch(index_text):
        raise WebhookFormatError(
            "X-VERIFY: expected 64 hex digits, '###' and the decimal salt index"
        )
    outer = json_body(body, "PhonePe callback body")
    response = outer.get("response") if isinstance(outer, dict) else None
    if not isinstance(response, str):
        raise WebhookFormatError('PhonePe callback body: expected {"response": "<base64>"}')
    salt_key = salt_keys.get(int(index_text))
    if salt_key is None:
        raise WebhookSignatureError()
    if not isinstance(salt_key, str):
        raise TypeError(f"salt keys must be str, not {type(salt_key).__name__}")
    signed = utf8(response, "PhonePe callback response") + salt_key.encode()
    expected = hashlib.sha256(signed).hexdigest()
    if any_hex_match(expected, [checksum]) is None:
        raise WebhookSignatureError()
    decoded = b64decode(response, "PhonePe callback response")
    payload = json_body(decoded, "PhonePe callback response (decoded)")
    data = payload.get("data") if isinstance(payload, dict) else None
    event_id = str_field(data, "merchantTransactionId") or str_field(data, "transactionId")
    remember(store, f"phonepe:xverify:{expected}", now + ttl(replay_ttl), now)
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

    .. warning::
        The ``Authorization`` value is a **static bearer credential**, the same on every
        webhook: whoever sees one (a proxy log, a leaked request) can send any body with it
        from then on, and this check still passes. It does **not** cover the body, so the
        result has ``body_authenticated=False``. Treat the payload as a hint: allowlist
        PhonePe's addresses, re-fetch the order status from PhonePe's API before acting, and
        rotate the webhook credentials if a request may have leaked. Each call emits a
        ``UserWarning`` saying so (silence it with
        ``warnings.filterwarnings("ignore", "PhonePe v2", UserWarning)`` once you do).

    Deduplicates on the body's SHA-256 for ``replay_ttl`` seconds.
    """
    body = as_bytes(body, "body")
    now = resolve_now(now)
    if not isinstance(username, str) or not isinstance(password, str) or not username:
        raise ValueError("username and password must be str (the webhook credentials)")
    candidate = header_text(authorization, "Authorization").strip()
    if candidate.upper().startswith("SHA256 "):
        # Some integrations quote the header as "SHA256 <hex>"; the hex is what is compared.
        candidate = candidate[7:].strip()
    if not HEX64.fullmatch(candidate):
        raise WebhookFormatError("Authorization: expected 64 hex digits (SHA-256)")
    expected = hashlib.sha256(f"{username}:{password}".encode()).hexdigest()
    if any_hex_match(expected, [candidate]) is None:
        raise WebhookSignatureError()
    warnings.warn(
        "PhonePe v2 webhook: the Authorization header is a static credential that does not "
        "cover the body; re-fetch the order status from PhonePe before acting on it",
        UserWarning,
        stacklevel=2,
    )
    payload = json_body(body, "PhonePe webhook body")
    inner = payload.get("payload") if isinstance(payload, dict) else None
    event_id = str_field(inner, "orderId") or str_field(inner, "merchantOrderId")
    digest = hashlib.sha256(body).hexdigest()
    remember(store, f"phonepe2:body:{digest}", now + ttl(replay_ttl), now)
    return WebhookEvent("phonepe", event_id, payload, body, body_authenticated=False)
