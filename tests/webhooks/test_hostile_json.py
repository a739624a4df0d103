"""B-2 / B-3: hostile JSON and lone surrogates in webhook input raise typed errors.

A body nested 10**5 deep made ``json.loads`` raise ``RecursionError`` (before authentication
in Adyen and PhonePe v1); a lone surrogate in an id (Razorpay's Checkout callback) or in a
signed JSON field (Adyen items, PhonePe's ``response``) raised ``UnicodeEncodeError``."""

from __future__ import annotations

import base64
import hashlib
import hmac
import json

import pytest

from pqpay.exceptions import WebhookFormatError
from pqpay.webhooks import (
    verify_adyen,
    verify_coinbase,
    verify_coinbase_cdp,
    verify_paypal,
    verify_phonepe,
    verify_phonepe_v2,
    verify_razorpay,
    verify_razorpay_payment,
    verify_stripe,
)
from tests._support.paypal_util import paypal_signer

T = 1_780_000_000
SECRET = "webhook-secret-for-hostile-json"
ADYEN_KEY = "44782DEF547AAA06C910C43932B1EB0C71FC68D9D0C057550C48EC2ACF6BA056"
DEEP = b"[" * 100_000 + b"]" * 100_000
DEEP_OBJECT = b'{"a":' * 100_000 + b"1" + b"}" * 100_000


def mac_hex(data: bytes) -> str:
    return hmac.new(SECRET.encode(), data, hashlib.sha256).hexdigest()


@pytest.mark.parametrize("body", [DEEP, DEEP_OBJECT], ids=["array", "object"])
def test_deep_bodies_before_authentication(body: bytes) -> None:
    with pytest.raises(WebhookFormatError, match="nested too deeply"):
        verify_adyen(body, ADYEN_KEY, now=T)
    with pytest.raises(WebhookFormatError, match="nested too deeply"):
        verify_phonepe(body, "0" * 64 + "###1", {1: "salt"}, now=T)


@pytest.mark.parametrize("body", [DEEP, DEEP_OBJECT], ids=["array", "object"])
def test_deep_bodies_after_authentication(body: bytes) -> None:
    with pytest.raises(WebhookFormatError, match="nested too deeply"):
        verify_stripe(body, f"t={T},v1={mac_hex(f'{T}.'.encode() + body)}", SECRET, now=T)
    with pytest.raises(WebhookFormatError, match="nested too deeply"):
        verify_coinbase(body, mac_hex(body), SECRET, now=T)
    with pytest.raises(WebhookFormatError, match="nested too deeply"):
        verify_razorpay(body, mac_hex(body), SECRET, now=T)
    auth = hashlib.sha256(b"user:pass").hexdigest()
    with pytest.raises(WebhookFormatError, match="nested too deeply"):
        verify_phonepe_v2(body, auth, "user", "pass", now=T)
    # Hook0 signs any payload: one the parser cannot read comes back as payload None.
    header = f"t={T},h=,v1={mac_hex(f'{T}...'.encode() + body)}"
    event = verify_coinbase_cdp(body, header, {}, SECRET, now=T)
    assert event.payload is None and event.body == body


def test_deep_phonepe_response_after_the_checksum() -> None:
    response = base64.b64encode(DEEP).decode()
    checksum = hashlib.sha256((response + "salt").encode()).hexdigest()
    body = json.dumps({"response": response}).encode()
    with pytest.raises(WebhookFormatError, match="nested too deeply"):
        verify_phonepe(body, checksum + "###1", {1: "salt"}, now=T)


def test_deep_paypal_body() -> None:
    args = paypal_signer(T).delivery(DEEP, T)
    with pytest.raises(WebhookFormatError, match="nested too deeply"):
        verify_paypal(DEEP, now=T, **args)


@pytest.mark.parametrize(
    ("order_id", "payment_id"),
    [("order_\ud800", "pay_1"), ("order_1", "pay_\udfff"), ("\udc80", "\ud83d")],
)
def test_razorpay_payment_lone_surrogate(order_id: str, payment_id: str) -> None:
    with pytest.raises(WebhookFormatError, match="lone surrogate"):
        verify_razorpay_payment(order_id, payment_id, "0" * 64, "key_secret", now=T)


def test_adyen_item_with_a_lone_surrogate() -> None:
    item = {
        "pspReference": "\ud800",
        "eventCode": "AUTHORISATION",
        "success": "true",
        "additionalData": {"hmacSignature": base64.b64encode(b"\0" * 32).decode()},
    }
    body = json.dumps({"notificationItems": [{"NotificationRequestItem": item}]}).encode()
    with pytest.raises(WebhookFormatError, match="lone surrogate"):
        verify_adyen(body, ADYEN_KEY, now=T)


def test_phonepe_response_with_a_lone_surrogate() -> None:
    body = json.dumps({"response": "abc\ud800"}).encode()
    with pytest.raises(WebhookFormatError, match="lone surrogate"):
        verify_phonepe(body, "0" * 64 + "###1", {1: "salt"}, now=T)
