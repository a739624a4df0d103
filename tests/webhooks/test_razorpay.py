"""Razorpay: webhook ``X-Razorpay-Signature`` and the Checkout ``razorpay_signature``.

Embedded example: razorpay-python's own tests (github.com/razorpay/razorpay-python,
``tests/test_client_utility.py`` with ``tests/mocks/fake_payment_authorized_webhook.json`` and
the client secret ``key_secret`` from ``tests/helpers.py``). Other signatures are computed here
from the documented scheme (standards.md §9) with the standard library.
"""

from __future__ import annotations

import hashlib
import hmac

import pytest

from pqpay.exceptions import WebhookFormatError, WebhookReplayError, WebhookSignatureError
from pqpay.replay import MemoryNonceStore
from pqpay.webhooks import verify_razorpay, verify_razorpay_payment

NOW = 1_780_000_000

# razorpay-python tests/mocks/fake_payment_authorized_webhook.json, byte for byte (with its
# final newline), and the signature its test_verify_webhook_signature expects.
SDK_WEBHOOK_BODY = b"""{
  "event": "payment.authorized",
  "entity": "event",
  "contains": [
    "payment"
  ],
  "payload": {
    "payment": {
      "entity": {
        "id": "pay_6koWN7bvxujzxM",
        "entity": "payment",
        "amount": 1000000,
        "currency": "INR",
        "status": "captured",
        "order_id": "order_100000000order",
        "international": false,
        "method": "card",
        "amount_refunded": 0,
        "refund_status": null,
        "captured": true,
        "description": "random description",
        "card_id": "card_6koWNAT6LASUqy",
        "bank": null,
        "wallet": null,
        "vpa": null,
        "email": "a@b.com",
        "contact": "+919999999999",
        "notes": {
          "merchant_order_id": "random order id"
        },
        "fee": 23000,
        "service_tax": 3000,
        "error_code": null,
        "error_description": null,
        "created_at": 1479978483
      }
    }
  },
  "created_at": 1400826760
}
"""
SDK_SECRET = "key_secret"
SDK_WEBHOOK_SIGNATURE = "d60e67fd884556c045e9be7dad57903e33efc7172c17c6e3ef77db42d2b366e9"
# razorpay-python test_verify_payment_signature.
SDK_ORDER_ID = "fake_order_id"
SDK_PAYMENT_ID = "fake_payment_id"
SDK_PAYMENT_SIGNATURE = "b2335e3b0801106b84a7faff035df56ecffde06918c9ddd1f0fafbb37a51cc89"

WEBHOOK_SECRET = "rzp-webhook-secret-Yt7"
KEY_SECRET = "rzp-api-key-secret-Qw9"
BODY = (
    b'{"entity":"event","event":"payment.captured","payload":{"payment":'
    b'{"entity":{"id":"pay_29QQoUBi66xm2f","amount":5000}}},"created_at":1780000000}'
)


def sign(data: bytes, secret: str) -> str:
    return hmac.new(secret.encode(), data, hashlib.sha256).hexdigest()


def test_sdk_webhook_example() -> None:
    event = verify_razorpay(SDK_WEBHOOK_BODY, SDK_WEBHOOK_SIGNATURE, SDK_SECRET, now=NOW)
    assert event.event_id == "pay_6koWN7bvxujzxM"
    assert event.payload["event"] == "payment.authorized"
    # The final newline is part of the signed bytes.
    with pytest.raises(WebhookSignatureError):
        verify_razorpay(SDK_WEBHOOK_BODY.rstrip(b"\n"), SDK_WEBHOOK_SIGNATURE, SDK_SECRET, now=NOW)


def test_sdk_payment_example() -> None:
    verify_razorpay_payment(SDK_ORDER_ID, SDK_PAYMENT_ID, SDK_PAYMENT_SIGNATURE, SDK_SECRET)
    with pytest.raises(WebhookFormatError):
        # The SDK's negative example ("test_signature") is not even hex.
        verify_razorpay_payment(SDK_ORDER_ID, SDK_PAYMENT_ID, "test_signature", SDK_SECRET)


def test_genuine_webhook() -> None:
    event = verify_razorpay(BODY, sign(BODY, WEBHOOK_SECRET), WEBHOOK_SECRET, now=NOW)
    assert event.provider == "razorpay"
    assert event.event_id == "pay_29QQoUBi66xm2f"


def test_webhook_tampering_and_wrong_secret() -> None:
    sig = sign(BODY, WEBHOOK_SECRET)
    with pytest.raises(WebhookSignatureError):
        verify_razorpay(BODY.replace(b"5000", b"9000"), sig, WEBHOOK_SECRET, now=NOW)
    with pytest.raises(WebhookSignatureError):
        verify_razorpay(BODY + b"\n", sig, WEBHOOK_SECRET, now=NOW)
    bad = ("1" if sig[0] != "1" else "2") + sig[1:]
    with pytest.raises(WebhookSignatureError):
        verify_razorpay(BODY, bad, WEBHOOK_SECRET, now=NOW)
    # The API key secret is a different key from the webhook secret.
    with pytest.raises(WebhookSignatureError):
        verify_razorpay(BODY, sig, KEY_SECRET, now=NOW)


def test_webhook_replay() -> None:
    store = MemoryNonceStore()
    sig = sign(BODY, WEBHOOK_SECRET)
    verify_razorpay(BODY, sig, WEBHOOK_SECRET, now=NOW, store=store)
    with pytest.raises(WebhookReplayError) as info:
        verify_razorpay(BODY, sig.upper(), WEBHOOK_SECRET, now=NOW + 10, store=store)
    assert info.value.key == f"razorpay:sig:{sig}"
    other = BODY.replace(b"5000", b"5001")
    verify_razorpay(other, sign(other, WEBHOOK_SECRET), WEBHOOK_SECRET, now=NOW, store=store)


@pytest.mark.parametrize("sig", ["", "xyz", "0" * 63, "z" * 64])
def test_webhook_malformed_signature(sig: str) -> None:
    with pytest.raises(WebhookFormatError):
        verify_razorpay(BODY, sig, WEBHOOK_SECRET, now=NOW)


def test_webhook_signed_but_not_json() -> None:
    with pytest.raises(WebhookFormatError):
        verify_razorpay(b"\xff\xfe", sign(b"\xff\xfe", WEBHOOK_SECRET), WEBHOOK_SECRET, now=NOW)


def test_payment_signature_binds_order_payment_and_key() -> None:
    order, payment = "order_IluGWxBm9U8zJ8", "pay_IluGZsd8Gi3Rbu"
    sig = sign(f"{order}|{payment}".encode(), KEY_SECRET)
    verify_razorpay_payment(order, payment, sig, KEY_SECRET)
    with pytest.raises(WebhookSignatureError):
        verify_razorpay_payment("order_IluGWxBm9U8zJ9", payment, sig, KEY_SECRET)
    with pytest.raises(WebhookSignatureError):
        verify_razorpay_payment(order, "pay_IluGZsd8Gi3Rbv", sig, KEY_SECRET)
    with pytest.raises(WebhookSignatureError):
        verify_razorpay_payment(payment, order, sig, KEY_SECRET)
    with pytest.raises(WebhookSignatureError):
        verify_razorpay_payment(order, payment, sig, WEBHOOK_SECRET)
    # The separator is part of the input: moving it gives another message.
    with pytest.raises(WebhookSignatureError):
        verify_razorpay_payment(order + "|pay", payment[3:], sig, KEY_SECRET)
    with pytest.raises(WebhookFormatError):
        verify_razorpay_payment("", payment, sig, KEY_SECRET)


def test_payment_replay() -> None:
    store = MemoryNonceStore()
    order, payment = "order_A", "pay_B"
    sig = sign(f"{order}|{payment}".encode(), KEY_SECRET)
    verify_razorpay_payment(order, payment, sig, KEY_SECRET, now=NOW, store=store)
    with pytest.raises(WebhookReplayError, match="razorpay:payment:pay_B"):
        verify_razorpay_payment(order, payment, sig, KEY_SECRET, now=NOW, store=store)
