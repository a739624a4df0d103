"""Stripe webhooks: ``Stripe-Signature: t=...,v1=...`` over ``t + "." + body``.

Signatures are computed here from the documented scheme (standards.md §9; stripe-node
``Webhooks.js``, stripe-python ``WebhookSignature``) with the standard library.
"""

from __future__ import annotations

import hashlib
import hmac
import json

import pytest

from pqpay.exceptions import (
    InvalidSignature,
    WebhookFormatError,
    WebhookReplayError,
    WebhookSignatureError,
    WebhookTimestampError,
)
from pqpay.replay import MemoryNonceStore
from pqpay.webhooks import STRIPE_DEFAULT_TOLERANCE, verify_stripe

SECRET = "whsec_test_5Ff3bLwz9rVn0kP2sQ8yHcT1"
OLD_SECRET = "whsec_test_old_Qm7Jd2Xr4Kp9Lw3Nv6Bz"
T = 1_780_000_000
BODY = json.dumps(
    {
        "id": "evt_1PqpayTestEvent0001",
        "object": "event",
        "type": "payment_intent.succeeded",
        "data": {"object": {"id": "pi_3Pqpay", "amount": 2000, "currency": "eur"}},
    },
    separators=(",", ":"),
).encode()


def v1(secret: str, t: int | str, body: bytes) -> str:
    return hmac.new(secret.encode(), f"{t}.".encode() + body, hashlib.sha256).hexdigest()


def header(t: int = T, *sigs: str) -> str:
    parts = [f"t={t}"] + [f"v1={s}" for s in sigs]
    return ",".join(parts)


def test_accepts_a_genuine_event() -> None:
    event = verify_stripe(BODY, header(T, v1(SECRET, T, BODY)), SECRET, now=T + 5)
    assert event.provider == "stripe"
    assert event.event_id == "evt_1PqpayTestEvent0001"
    assert event.timestamp == T
    assert event.body == BODY
    assert event.payload["data"]["object"]["amount"] == 2000
    assert event.body_authenticated


def test_header_as_bytes_and_secret_as_bytes() -> None:
    hdr = header(T, v1(SECRET, T, BODY)).encode()
    verify_stripe(bytearray(BODY), hdr, SECRET.encode(), now=T)


def test_default_tolerance_is_300() -> None:
    assert STRIPE_DEFAULT_TOLERANCE == 300


@pytest.mark.parametrize(
    "sigs",
    [
        # Secret rotation: old and new secret both sign; either order.
        lambda: [v1(OLD_SECRET, T, BODY), v1(SECRET, T, BODY)],
        lambda: [v1(SECRET, T, BODY), v1(OLD_SECRET, T, BODY)],
        # Junk and foreign values beside a good one.
        lambda: ["0" * 64, "not-hex", v1(SECRET, T, BODY)],
        lambda: [v1(SECRET, T, BODY).upper()],
    ],
)
def test_several_v1_values_any_match(sigs: object) -> None:
    values = sigs()  # type: ignore[operator]
    verify_stripe(BODY, header(T, *values), SECRET, now=T)
    verify_stripe(BODY, header(T, *values[::-1]), SECRET, now=T)


def test_rotation_old_secret_still_verifies_during_roll() -> None:
    hdr = header(T, v1(OLD_SECRET, T, BODY), v1(SECRET, T, BODY))
    verify_stripe(BODY, hdr, OLD_SECRET, now=T)
    verify_stripe(BODY, hdr, SECRET, now=T)
    with pytest.raises(WebhookSignatureError):
        verify_stripe(BODY, hdr, "whsec_unrelated", now=T)


def test_other_schemes_are_ignored() -> None:
    good = v1(SECRET, T, BODY)
    # A correct HMAC under the v0 label (or any other) does not count.
    for label in ("v0", "v2", "V1", "sig"):
        with pytest.raises(WebhookSignatureError):
            verify_stripe(BODY, f"t={T},{label}={good}", SECRET, now=T)
    verify_stripe(BODY, f"t={T},v0={'1' * 64},v1={good},x=y", SECRET, now=T)


def test_spaces_around_items_are_tolerated() -> None:
    verify_stripe(BODY, f"t={T}, v1={v1(SECRET, T, BODY)}", SECRET, now=T)


def test_no_v1_at_all() -> None:
    with pytest.raises(WebhookSignatureError):
        verify_stripe(BODY, f"t={T}", SECRET, now=T)


def test_wrong_secret() -> None:
    with pytest.raises(WebhookSignatureError) as info:
        verify_stripe(BODY, header(T, v1("whsec_other", T, BODY)), SECRET, now=T)
    assert isinstance(info.value, InvalidSignature)
    assert str(info.value) == ""


@pytest.mark.parametrize("position", [0, 1, 10, len(BODY) // 2, len(BODY) - 1])
def test_tampered_body_byte(position: int) -> None:
    sig = v1(SECRET, T, BODY)
    tampered = bytearray(BODY)
    tampered[position] ^= 0x01
    with pytest.raises(WebhookSignatureError):
        verify_stripe(bytes(tampered), header(T, sig), SECRET, now=T)


def test_tampered_body_length() -> None:
    sig = v1(SECRET, T, BODY)
    for body in (BODY + b"\n", BODY[:-1], b"", b" " + BODY):
        with pytest.raises(WebhookSignatureError):
            verify_stripe(body, header(T, sig), SECRET, now=T)


def test_tampered_timestamp() -> None:
    sig = v1(SECRET, T, BODY)
    for t in (T + 1, T - 1, T * 10):
        with pytest.raises(WebhookSignatureError):
            verify_stripe(BODY, header(t, sig), SECRET, now=T)
    # The timestamp is signed as written: a leading zero changes the signed payload.
    with pytest.raises(WebhookSignatureError):
        verify_stripe(BODY, f"t=0{T},v1={sig}", SECRET, now=T)


@pytest.mark.parametrize("position", [0, 31, 63])
def test_tampered_signature(position: int) -> None:
    sig = list(v1(SECRET, T, BODY))
    sig[position] = "0" if sig[position] != "0" else "1"
    with pytest.raises(WebhookSignatureError):
        verify_stripe(BODY, header(T, "".join(sig)), SECRET, now=T)


@pytest.mark.parametrize(
    ("now", "ok"), [(T + 300, True), (T + 301, False), (T - 300, True), (T - 301, False)]
)
def test_tolerance_past_and_future(now: int, ok: bool) -> None:
    hdr = header(T, v1(SECRET, T, BODY))
    if ok:
        verify_stripe(BODY, hdr, SECRET, now=now)
    else:
        with pytest.raises(WebhookTimestampError):
            verify_stripe(BODY, hdr, SECRET, now=now)


def test_custom_tolerance_and_expired_event_far_in_the_past() -> None:
    hdr = header(T, v1(SECRET, T, BODY))
    verify_stripe(BODY, hdr, SECRET, now=T + 3600, tolerance=3600)
    with pytest.raises(WebhookTimestampError, match="old"):
        verify_stripe(BODY, hdr, SECRET, now=T + 3601, tolerance=3600)
    with pytest.raises(WebhookTimestampError, match="future"):
        verify_stripe(BODY, hdr, SECRET, now=T - 10, tolerance=5)


def test_timestamp_checked_only_after_signature() -> None:
    # An expired header with a bad signature reports the signature, not the time.
    with pytest.raises(WebhookSignatureError):
        verify_stripe(BODY, header(T, "0" * 64), SECRET, now=T + 10_000)


def test_replay_is_detected_on_event_id() -> None:
    store = MemoryNonceStore()
    hdr = header(T, v1(SECRET, T, BODY))
    verify_stripe(BODY, hdr, SECRET, now=T, store=store)
    with pytest.raises(WebhookReplayError) as info:
        verify_stripe(BODY, hdr, SECRET, now=T + 100, store=store)
    assert info.value.key == "stripe:event:evt_1PqpayTestEvent0001"
    # A redelivery of the same event, freshly signed, is also a duplicate while remembered.
    t2 = T + 60
    with pytest.raises(WebhookReplayError):
        verify_stripe(BODY, header(t2, v1(SECRET, t2, BODY)), SECRET, now=t2, store=store)
    # After t + tolerance the first header is refused by time; a new delivery is accepted.
    with pytest.raises(WebhookTimestampError):
        verify_stripe(BODY, hdr, SECRET, now=T + 301, store=store)
    t3 = T + 400
    verify_stripe(BODY, header(t3, v1(SECRET, t3, BODY)), SECRET, now=t3, store=store)


def test_replay_of_event_without_id_keys_on_signature() -> None:
    store = MemoryNonceStore()
    body = b'{"object":"event"}'
    hdr = header(T, v1(SECRET, T, body))
    event = verify_stripe(body, hdr, SECRET, now=T, store=store)
    assert event.event_id is None
    with pytest.raises(WebhookReplayError, match="stripe:sig:"):
        verify_stripe(body, hdr, SECRET, now=T, store=store)


def test_forged_request_does_not_poison_the_store() -> None:
    store = MemoryNonceStore()
    with pytest.raises(WebhookSignatureError):
        verify_stripe(BODY, header(T, "0" * 64), SECRET, now=T, store=store)
    assert len(store) == 0
    verify_stripe(BODY, header(T, v1(SECRET, T, BODY)), SECRET, now=T, store=store)


@pytest.mark.parametrize(
    "hdr",
    [
        "",
        "t=",
        f"t={T}x,v1={'0' * 64}",
        f"t=-{T},v1={'0' * 64}",
        f"t={T}.5,v1={'0' * 64}",
        f"v1={'0' * 64}",
        f"t={T},t={T},v1={'0' * 64}",
        f"t={T},v1",
        f"t={T},,v1={'0' * 64}",
        f"t={T};v1={'0' * 64}",
        f"t={T},=abc",
        "t=1234567890123",
        f"t={T},v1=\u00e9",
    ],
)
def test_malformed_headers(hdr: str) -> None:
    with pytest.raises(WebhookFormatError):
        verify_stripe(BODY, hdr, SECRET, now=T)


def test_non_ascii_header_bytes() -> None:
    with pytest.raises(WebhookFormatError, match="ASCII"):
        verify_stripe(BODY, b"t=1,v1=\xff", SECRET, now=T)


def test_signed_but_not_json() -> None:
    body = b"not json"
    with pytest.raises(WebhookFormatError, match="JSON"):
        verify_stripe(body, header(T, v1(SECRET, T, body)), SECRET, now=T)


def test_bad_arguments() -> None:
    hdr = header(T, v1(SECRET, T, BODY))
    with pytest.raises(TypeError):
        verify_stripe(BODY.decode(), hdr, SECRET, now=T)  # type: ignore[arg-type]
    with pytest.raises(ValueError, match="empty"):
        verify_stripe(BODY, hdr, "", now=T)
    with pytest.raises(TypeError):
        verify_stripe(BODY, hdr, 12345, now=T)  # type: ignore[arg-type]
    with pytest.raises(TypeError):
        verify_stripe(BODY, None, SECRET, now=T)  # type: ignore[arg-type]
    with pytest.raises(ValueError, match="at least 0"):
        verify_stripe(BODY, hdr, SECRET, now=T, tolerance=-1)
