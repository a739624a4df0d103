"""Coinbase CDP webhooks (delivered by Hook0): ``X-Hook0-Signature: t=...,h=...,v1=...``.

Embedded example: github.com/hook0/hook0 ``clients/rust/tests/webhook_verification.rs``
(``verifying_valid_signature_v1``: secret ``secret``, t=1636936200, headers x-test/x-test2,
payload ``hello !``). Other signatures are computed here from the documented scheme
(standards.md §9) with hmac.
"""

from __future__ import annotations

import hashlib
import hmac
import json

import pytest

from pqpay.exceptions import (
    WebhookFormatError,
    WebhookReplayError,
    WebhookSignatureError,
    WebhookTimestampError,
)
from pqpay.replay import MemoryNonceStore
from pqpay.webhooks import verify_coinbase_cdp

HOOK0_T = 1636936200
HOOK0_SIG = (
    "t=1636936200,h=x-test x-test2,"
    "v1=493c35f05443fdb74cb99fd4f00e0e7653c2ab6b24fbc97f4a7bd4d56b31758a"
)
HOOK0_V0 = "t=1636936200,v0=1b3d69df55f1e52f05224ba94a5162abeb17ef52cd7f4948c390f810d6a87e98"
HOOK0_HEADERS = {"x-test": "val1", "x-test2": "val2"}

SECRET = "cdp-webhook-secret-2f8a"
T = 1_780_000_000
BODY = json.dumps({"id": "evt-cdp-7c1d", "eventType": "wallet.transfer.completed"}).encode()
HEADERS = {"Content-Type": "application/json", "X-Hook0-Request-Attempt": "1"}


def sign(
    t: int, names: list[str], headers: dict[str, str], body: bytes, secret: str = SECRET
) -> str:
    values = ".".join(headers[n] for n in names)
    signed = f"{t}.{' '.join(names)}.{values}.".encode() + body
    mac = hmac.new(secret.encode(), signed, hashlib.sha256).hexdigest()
    return f"t={t},h={' '.join(names)},v1={mac}"


NAMES = ["Content-Type", "X-Hook0-Request-Attempt"]


def test_hook0_sdk_example() -> None:
    event = verify_coinbase_cdp(b"hello !", HOOK0_SIG, HOOK0_HEADERS, "secret", now=HOOK0_T)
    assert event.payload is None and event.timestamp == HOOK0_T
    with pytest.raises(WebhookSignatureError):
        verify_coinbase_cdp(b"hello !", HOOK0_SIG, HOOK0_HEADERS, "another secret", now=HOOK0_T)
    with pytest.raises(WebhookSignatureError):
        verify_coinbase_cdp(
            b"hello !", HOOK0_SIG, {"x-test": "val1", "x-test2": "val3"}, "secret", now=HOOK0_T
        )
    with pytest.raises(WebhookFormatError, match="x-test2"):
        verify_coinbase_cdp(b"hello !", HOOK0_SIG, {"x-test": "val1"}, "secret", now=HOOK0_T)
    # The older v0 (body only, no headers) is not accepted.
    with pytest.raises(WebhookFormatError, match="v1"):
        verify_coinbase_cdp(b"hello !", HOOK0_V0, {}, "secret", now=HOOK0_T)


def test_accepts_genuine_event() -> None:
    event = verify_coinbase_cdp(BODY, sign(T, NAMES, HEADERS, BODY), HEADERS, SECRET, now=T)
    assert event.event_id == "evt-cdp-7c1d"
    assert event.payload["eventType"] == "wallet.transfer.completed"
    lowered = {k.lower(): v for k, v in HEADERS.items()}
    verify_coinbase_cdp(BODY, sign(T, NAMES, HEADERS, BODY), lowered, SECRET, now=T)
    verify_coinbase_cdp(BODY, sign(T, [], HEADERS, BODY), {}, SECRET, now=T)


def test_tampering() -> None:
    hdr = sign(T, NAMES, HEADERS, BODY)
    with pytest.raises(WebhookSignatureError):
        verify_coinbase_cdp(BODY + b" ", hdr, HEADERS, SECRET, now=T)
    with pytest.raises(WebhookSignatureError):
        verify_coinbase_cdp(
            BODY, hdr, dict(HEADERS, **{"X-Hook0-Request-Attempt": "2"}), SECRET, now=T
        )
    with pytest.raises(WebhookSignatureError):
        verify_coinbase_cdp(BODY, hdr.replace(f"t={T}", f"t={T + 1}"), HEADERS, SECRET, now=T)
    # Dropping a signed header name changes the signed string.
    short = hdr.replace("h=Content-Type X-Hook0-Request-Attempt", "h=Content-Type")
    with pytest.raises(WebhookSignatureError):
        verify_coinbase_cdp(BODY, short, HEADERS, SECRET, now=T)
    with pytest.raises(WebhookSignatureError):
        verify_coinbase_cdp(BODY, hdr, HEADERS, "wrong", now=T)


@pytest.mark.parametrize(("now", "error"), [(T + 301, "old"), (T - 301, "future")])
def test_window(now: int, error: str) -> None:
    hdr = sign(T, NAMES, HEADERS, BODY)
    verify_coinbase_cdp(BODY, hdr, HEADERS, SECRET, now=T + 300)
    verify_coinbase_cdp(BODY, hdr, HEADERS, SECRET, now=T - 300)
    with pytest.raises(WebhookTimestampError, match=error):
        verify_coinbase_cdp(BODY, hdr, HEADERS, SECRET, now=now)


def test_replay() -> None:
    store = MemoryNonceStore()
    hdr = sign(T, NAMES, HEADERS, BODY)
    verify_coinbase_cdp(BODY, hdr, HEADERS, SECRET, now=T, store=store)
    with pytest.raises(WebhookReplayError, match="coinbase-cdp:event:evt-cdp-7c1d"):
        verify_coinbase_cdp(BODY, hdr, HEADERS, SECRET, now=T + 1, store=store)


@pytest.mark.parametrize(
    "hdr",
    [
        "",
        f"t={T}",
        f"v1={'0' * 64}",
        f"t=x,v1={'0' * 64}",
        f"t={T},v1=abc",
        f"t={T},t={T},v1={'0' * 64}",
        f"t={T},h=bad(name),v1={'0' * 64}",
        f"t={T},h=a  b,v1={'0' * 64}",
        f"t={T};v1={'0' * 64}",
    ],
)
def test_malformed(hdr: str) -> None:
    with pytest.raises(WebhookFormatError):
        verify_coinbase_cdp(BODY, hdr, HEADERS, SECRET, now=T)
