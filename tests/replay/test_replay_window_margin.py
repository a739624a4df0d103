"""S-3: the replay store still holds an id at the last instant its timestamp is accepted.

``check_timestamp`` accepts ``now - t <= tolerance`` (inclusive) and a store forgets an id once
``expires_at <= now``; every verifier with a signed timestamp must therefore remember past
``t + tolerance``. Each test verifies one delivery inside the window and replays it at exactly
``now = t + tolerance`` (a whole-second clock): the replay must be refused."""

from __future__ import annotations

import hashlib
import hmac
import json

import pytest

from pqpay import replay
from pqpay.exceptions import WebhookReplayError
from pqpay.replay import MemoryNonceStore, check_timestamp
from pqpay.request_signing import sign_request, verify_request
from pqpay.webhooks import verify_coinbase_cdp, verify_paypal, verify_stripe
from tests._support.paypal_util import paypal_signer

T = 1_780_000_000
TOLERANCE = 300
SECRET = "whsec_margin_test"


def test_expiry_is_strictly_after_the_last_accepted_instant() -> None:
    check_timestamp(T, now=T + TOLERANCE, tolerance=TOLERANCE)  # still accepted
    expires_at = replay.replay_expiry(T, TOLERANCE)
    assert expires_at == T + TOLERANCE + replay.REPLAY_MARGIN
    assert replay.REPLAY_MARGIN >= 1  # covers a whole-second clock and an int-rounded store TTL
    store = MemoryNonceStore()
    assert store.check_and_remember("k", expires_at, T)
    assert not store.check_and_remember("k", expires_at, T + TOLERANCE)


def _stripe_header(body: bytes) -> str:
    mac = hmac.new(SECRET.encode(), f"{T}.".encode() + body, hashlib.sha256).hexdigest()
    return f"t={T},v1={mac}"


@pytest.mark.parametrize("body", [b'{"id":"evt_1"}', b"{}"], ids=["event-id", "signature"])
def test_stripe_replay_at_the_window_edge(body: bytes) -> None:
    store = MemoryNonceStore()
    header = _stripe_header(body)
    verify_stripe(body, header, SECRET, now=T + TOLERANCE - 0.5, store=store)
    with pytest.raises(WebhookReplayError):
        verify_stripe(body, header, SECRET, now=T + TOLERANCE, store=store)


def test_stripe_two_deliveries_at_the_edge() -> None:
    store = MemoryNonceStore()
    body = b'{"id":"evt_2"}'
    verify_stripe(body, _stripe_header(body), SECRET, now=T + TOLERANCE, store=store)
    with pytest.raises(WebhookReplayError):
        verify_stripe(body, _stripe_header(body), SECRET, now=T + TOLERANCE, store=store)


def test_coinbase_cdp_replay_at_the_window_edge() -> None:
    body = json.dumps({"id": "evt-cdp-edge"}).encode()
    mac = hmac.new(SECRET.encode(), f"{T}...".encode() + body, hashlib.sha256).hexdigest()
    header = f"t={T},h=,v1={mac}"
    store = MemoryNonceStore()
    verify_coinbase_cdp(body, header, {}, SECRET, now=T, store=store)
    with pytest.raises(WebhookReplayError):
        verify_coinbase_cdp(body, header, {}, SECRET, now=T + TOLERANCE, store=store)


def test_request_signing_replay_at_the_window_edge() -> None:
    secret = b"k" * 32
    headers = sign_request("POST", "/v1/pay", b"{}", secret, key_id="k1", now=T)
    store = MemoryNonceStore()
    verify_request("POST", "/v1/pay", b"{}", headers, {"k1": secret}, now=T, store=store)
    with pytest.raises(WebhookReplayError):
        verify_request(
            "POST", "/v1/pay", b"{}", headers, {"k1": secret}, now=T + TOLERANCE, store=store
        )


def test_paypal_replay_at_the_window_edge() -> None:
    args = paypal_signer(T).delivery(b'{"id":"WH-1"}', T, transmission_id="tid-1")
    store = MemoryNonceStore()
    verify_paypal(b'{"id":"WH-1"}', now=T, store=store, **args)
    with pytest.raises(WebhookReplayError):
        verify_paypal(b'{"id":"WH-1"}', now=T + TOLERANCE, store=store, **args)
