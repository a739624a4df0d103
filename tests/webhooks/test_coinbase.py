"""Coinbase Commerce webhooks: ``X-CC-Webhook-Signature = hex(HMAC-SHA256(secret, body))``.

Signatures computed here from the documented scheme (standards.md §9; Coinbase Commerce
webhook security docs) with the standard library.
"""

from __future__ import annotations

import hashlib
import hmac
import json

import pytest

from pqpay.exceptions import WebhookFormatError, WebhookReplayError, WebhookSignatureError
from pqpay.replay import MemoryNonceStore
from pqpay.webhooks import DEFAULT_REPLAY_TTL, verify_coinbase

SECRET = "c0inbase-shared-secret-8d0f2a"
NOW = 1_780_000_000


def _body(event_id: str = "24934862-d980-46cb-9402-43c81b0cdba6", delivery: int = 1) -> bytes:
    return json.dumps(
        {
            "id": delivery,
            "scheduled_for": "2026-06-01T12:00:00Z",
            "attempt_number": delivery,
            "event": {
                "id": event_id,
                "resource": "event",
                "type": "charge:confirmed",
                "api_version": "2018-03-22",
                "created_at": "2026-06-01T11:59:00Z",
                "data": {"code": "66BEOV2A", "pricing": {"local": {"amount": "1.00"}}},
            },
        }
    ).encode()


BODY = _body()


def sign(body: bytes, secret: str = SECRET) -> str:
    return hmac.new(secret.encode(), body, hashlib.sha256).hexdigest()


def test_accepts_genuine_event() -> None:
    event = verify_coinbase(BODY, sign(BODY), SECRET, now=NOW)
    assert event.provider == "coinbase"
    assert event.event_id == "24934862-d980-46cb-9402-43c81b0cdba6"
    assert event.timestamp is None
    assert event.payload["event"]["type"] == "charge:confirmed"


def test_header_case_whitespace_and_bytes() -> None:
    verify_coinbase(BODY, sign(BODY).upper(), SECRET, now=NOW)
    verify_coinbase(BODY, f" {sign(BODY)} ".encode(), SECRET.encode(), now=NOW)


@pytest.mark.parametrize("position", [0, 5, len(BODY) // 2, len(BODY) - 1])
def test_tampered_body(position: int) -> None:
    body = bytearray(BODY)
    body[position] ^= 0x20
    with pytest.raises(WebhookSignatureError):
        verify_coinbase(bytes(body), sign(BODY), SECRET, now=NOW)
    with pytest.raises(WebhookSignatureError):
        verify_coinbase(BODY + b" ", sign(BODY), SECRET, now=NOW)


@pytest.mark.parametrize("position", [0, 32, 63])
def test_tampered_signature(position: int) -> None:
    sig = list(sign(BODY))
    sig[position] = "f" if sig[position] != "f" else "e"
    with pytest.raises(WebhookSignatureError):
        verify_coinbase(BODY, "".join(sig), SECRET, now=NOW)


def test_wrong_secret() -> None:
    with pytest.raises(WebhookSignatureError):
        verify_coinbase(BODY, sign(BODY, "other-secret"), SECRET, now=NOW)


def test_replay_deduplicates_on_event_id() -> None:
    store = MemoryNonceStore()
    verify_coinbase(BODY, sign(BODY), SECRET, now=NOW, store=store)
    with pytest.raises(WebhookReplayError) as info:
        verify_coinbase(BODY, sign(BODY), SECRET, now=NOW + 3600, store=store)
    assert info.value.key == "coinbase:event:24934862-d980-46cb-9402-43c81b0cdba6"
    # A second delivery (new envelope id, same event) is the same event.
    again = _body(delivery=2)
    with pytest.raises(WebhookReplayError):
        verify_coinbase(again, sign(again), SECRET, now=NOW + 60, store=store)
    # Another event passes; the first is forgotten after replay_ttl.
    other = _body(event_id="0c5a2c2a-2f3e-4b4e-9b55-6b7e8d9f0a1b")
    verify_coinbase(other, sign(other), SECRET, now=NOW + 60, store=store)
    verify_coinbase(BODY, sign(BODY), SECRET, now=NOW + DEFAULT_REPLAY_TTL, store=store)


def test_custom_replay_ttl() -> None:
    store = MemoryNonceStore()
    verify_coinbase(BODY, sign(BODY), SECRET, now=NOW, store=store, replay_ttl=10)
    with pytest.raises(WebhookReplayError):
        verify_coinbase(BODY, sign(BODY), SECRET, now=NOW + 9, store=store, replay_ttl=10)
    verify_coinbase(BODY, sign(BODY), SECRET, now=NOW + 10, store=store, replay_ttl=10)
    with pytest.raises(ValueError, match="replay_ttl"):
        verify_coinbase(BODY, sign(BODY), SECRET, now=NOW, store=store, replay_ttl=0)


@pytest.mark.parametrize(
    "sig", ["", "abc", "g" * 64, "0" * 63, "0" * 65, "sha256=" + "0" * 64, "\u00e9" * 64]
)
def test_malformed_signature(sig: str) -> None:
    with pytest.raises(WebhookFormatError):
        verify_coinbase(BODY, sig, SECRET, now=NOW)


@pytest.mark.parametrize(
    "body", [b"[]", b'{"event": {}}', b'{"event": {"id": 7}}', b'{"id": 1}', b"{bad json"]
)
def test_signed_body_without_event_id(body: bytes) -> None:
    with pytest.raises(WebhookFormatError):
        verify_coinbase(body, sign(body), SECRET, now=NOW)
