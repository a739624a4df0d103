"""Adyen: standard-webhook ``additionalData.hmacSignature`` and the raw-body header variant.

Embedded examples (each names its source):

* github.com/Adyen/adyen-php-api-library ``tests/Adyen/Util/HmacSignatureTest.php``:
  ``testNotificationRequestItemHmac`` (AUTHORISATION, 1130 EUR, no originalReference) and
  ``testHmacSignatureForRefundWithZeroValue`` (REFUND, value 0);
* github.com/Adyen/adyen-node-api-library ``src/__tests__/hmacValidator.spec.ts`` ("should have
  valid hmac": CAPTURE with originalReference and unsigned extra fields);
* the same Node library's banking-webhook test (``validateBankingHMAC``): a Balance Platform
  body, its hex key and header signature.

Other signatures are computed here from the documented scheme (standards.md §9) with hmac.
"""

from __future__ import annotations

import base64
import copy
import hashlib
import hmac
import json
from typing import Any

import pytest

from pqpay.exceptions import WebhookFormatError, WebhookReplayError, WebhookSignatureError
from pqpay.replay import MemoryNonceStore
from pqpay.webhooks import verify_adyen, verify_adyen_hmac_header

NOW = 1_780_000_000

PHP_KEY = "DFB1EB5485895CFA84146406857104ABB4CBCABDC8AAF103A624C8F6A3EAAB00"
PHP_AUTH_ITEM = {
    "pspReference": "7914073381342284",
    "merchantAccountCode": "TestMerchant",
    "merchantReference": "TestPayment-1407325143704",
    "amount": {"value": 1130, "currency": "EUR"},
    "eventCode": "AUTHORISATION",
    "success": "true",
}
PHP_AUTH_SIGNATURE = "Ny9gS2veKo5E4w8/OL6xz1/wvT/hYkAXy1xNc/QvO4I="
PHP_REFUND_KEY = "44782DEF547AAA06C910C43932B1EB0C71FC68D9D0C057550C48EC2ACF6BA056"
PHP_REFUND_ITEM = {
    "pspReference": "7914073381342284",
    "merchantAccountCode": "TestMerchant",
    "merchantReference": "TestPayment-1407325143704",
    "amount": {"value": 0, "currency": "EUR"},
    "eventCode": "REFUND",
    "success": "true",
}
PHP_REFUND_SIGNATURE = "J7HhsgZo5KwqdB7LFZJV6rfQgp+RqC2kuYyw/3x3w+8="
NODE_CAPTURE_ITEM = {
    "pspReference": "pspReference",
    "originalReference": "originalReference",
    "merchantAccountCode": "merchantAccount",
    "merchantReference": "reference",
    "amount": {"currency": "EUR", "value": 1000},
    "eventCode": "CAPTURE",
    "eventDate": "1970-01-01T00:00:00.000Z",
    "paymentMethod": "VISA",
    "reason": "reason",
    "success": "true",
}
NODE_CAPTURE_SIGNATURE = "xhpHvYq2u2Np0rstbZ6QjLGu7JWhvf7Iwaa6EviJSX0="
NODE_BANKING_KEY = "D7DD5BA6146493707BF0BE7496F6404EC7A63616B7158EC927B9F54BB436765F"
NODE_BANKING_SIGNATURE = "9Qz9S/0xpar1klkniKdshxpAhRKbiSAewPpWoxKefQA="
NODE_BANKING_BODY = (
    b'{"data":{"balancePlatform":"Integration_tools_test","accountId":"BA32272223222H5HVKTBK4MLB",'
    b'"sweep":{"id":"SWPC42272223222H5HVKV6H8C64DP5","schedule":{"type":"balance"},'
    b'"status":"active","targetAmount":{"currency":"EUR","value":0},'
    b'"triggerAmount":{"currency":"EUR","value":0},"type":"pull",'
    b'"counterparty":{"balanceAccountId":"BA3227C223222H5HVKT3H9WLC"},"currency":"EUR"}},'
    b'"environment":"test","type":"balancePlatform.balanceAccountSweep.updated"}'
)

KEY = "44782DEF547AAA06C910C43932B1EB0C71FC68D9D0C057550C48EC2ACF6BA056"
SIGNED_FIELDS = [
    "pspReference",
    "originalReference",
    "merchantAccountCode",
    "merchantReference",
    "amount.value",
    "amount.currency",
    "eventCode",
    "success",
]


def data_to_sign(item: dict[str, Any]) -> str:
    amount = item.get("amount") or {}
    parts = [
        item.get("pspReference"),
        item.get("originalReference"),
        item.get("merchantAccountCode"),
        item.get("merchantReference"),
        amount.get("value"),
        amount.get("currency"),
        item.get("eventCode"),
        item.get("success"),
    ]
    return ":".join("" if p is None else str(p) for p in parts)


def signature(item: dict[str, Any], key: str = KEY) -> str:
    mac = hmac.new(bytes.fromhex(key), data_to_sign(item).encode(), hashlib.sha256).digest()
    return base64.b64encode(mac).decode()


def notification(*items: dict[str, Any], sigs: list[str] | None = None) -> bytes:
    wrapped = []
    for n, item in enumerate(items):
        item = copy.deepcopy(item)
        sig = sigs[n] if sigs is not None else signature(item)
        item.setdefault("additionalData", {})["hmacSignature"] = sig
        wrapped.append({"NotificationRequestItem": item})
    return json.dumps({"live": "false", "notificationItems": wrapped}).encode()


ITEM = {
    "pspReference": "QFQTPCQ8HXSKGK82",
    "originalReference": None,
    "merchantAccountCode": "PqpayShopECOM",
    "merchantReference": "order-2026-0042",
    "amount": {"value": 12995, "currency": "EUR"},
    "eventCode": "AUTHORISATION",
    "success": "true",
    "eventDate": "2026-06-01T12:00:00+02:00",
    "paymentMethod": "mc",
    "additionalData": {"authCode": "085117", "cardSummary": "0004"},
}


@pytest.mark.parametrize(
    ("item", "key", "sig"),
    [
        (PHP_AUTH_ITEM, PHP_KEY, PHP_AUTH_SIGNATURE),
        (PHP_REFUND_ITEM, PHP_REFUND_KEY, PHP_REFUND_SIGNATURE),
        (NODE_CAPTURE_ITEM, PHP_KEY, NODE_CAPTURE_SIGNATURE),
    ],
    ids=["php-authorisation", "php-refund-zero", "node-capture"],
)
def test_sdk_examples(item: dict[str, Any], key: str, sig: str) -> None:
    assert signature(item, key) == sig  # the scheme as reimplemented here agrees with the SDKs
    event = verify_adyen(notification(item, sigs=[sig]), key, now=NOW)
    assert event.event_id == item["pspReference"]
    with pytest.raises(WebhookSignatureError):
        verify_adyen(notification(item, sigs=[sig]), KEY if key != KEY else PHP_KEY, now=NOW)


def test_sdk_banking_header_example() -> None:
    event = verify_adyen_hmac_header(
        NODE_BANKING_BODY, NODE_BANKING_SIGNATURE, NODE_BANKING_KEY, now=NOW
    )
    assert event.payload["type"] == "balancePlatform.balanceAccountSweep.updated"
    with pytest.raises(WebhookSignatureError):
        verify_adyen_hmac_header(
            NODE_BANKING_BODY.replace(b"active", b"paused"),
            NODE_BANKING_SIGNATURE,
            NODE_BANKING_KEY,
            now=NOW,
        )


def test_accepts_genuine_notification() -> None:
    event = verify_adyen(notification(ITEM), KEY, now=NOW)
    assert event.provider == "adyen"
    assert event.event_id == "QFQTPCQ8HXSKGK82"
    item = event.payload["notificationItems"][0]["NotificationRequestItem"]
    assert item["amount"]["value"] == 12995
    verify_adyen(notification(ITEM), KEY.lower(), now=NOW)


@pytest.mark.parametrize("field", SIGNED_FIELDS)
def test_each_signed_field_is_bound(field: str) -> None:
    sig = signature(ITEM)
    item = copy.deepcopy(ITEM)
    target: dict[str, Any] = item["amount"] if field.startswith("amount.") else item
    name = field.removeprefix("amount.")
    old = target.get(name)
    target[name] = 12996 if name == "value" else ("false" if name == "success" else f"{old or ''}X")
    with pytest.raises(WebhookSignatureError):
        verify_adyen(notification(item, sigs=[sig]), KEY, now=NOW)


def test_unsigned_fields_are_not_bound() -> None:
    # Adyen's HMAC covers only the eight fields: the rest of the item can change (documented).
    item = copy.deepcopy(ITEM)
    sig = signature(item)
    item["reason"] = "changed"
    item["paymentMethod"] = "visa"
    verify_adyen(notification(item, sigs=[sig]), KEY, now=NOW)


def test_null_and_missing_fields_are_empty_and_success_bool() -> None:
    item = copy.deepcopy(ITEM)
    del item["originalReference"]
    sig = signature(item)
    with_null = dict(item, originalReference=None)
    verify_adyen(notification(with_null, sigs=[sig]), KEY, now=NOW)
    as_bool = dict(item, success=True)
    verify_adyen(notification(as_bool, sigs=[sig]), KEY, now=NOW)
    no_amount = {k: v for k, v in item.items() if k != "amount"}
    verify_adyen(notification(no_amount), KEY, now=NOW)


def test_wrong_key() -> None:
    with pytest.raises(WebhookSignatureError):
        verify_adyen(notification(ITEM), PHP_KEY, now=NOW)


def test_every_item_must_verify() -> None:
    second = dict(ITEM, pspReference="QFQTPCQ8HXSKGK83", eventCode="CAPTURE")
    event = verify_adyen(notification(ITEM, second), KEY, now=NOW)
    assert event.event_id is None
    with pytest.raises(WebhookSignatureError):
        verify_adyen(
            notification(ITEM, second, sigs=[signature(ITEM), signature(ITEM)]), KEY, now=NOW
        )


def test_replay_per_item() -> None:
    store = MemoryNonceStore()
    verify_adyen(notification(ITEM), KEY, now=NOW, store=store)
    with pytest.raises(WebhookReplayError) as info:
        verify_adyen(notification(ITEM), KEY, now=NOW + 60, store=store)
    assert info.value.key == "adyen:item:QFQTPCQ8HXSKGK82:AUTHORISATION:true"
    # The same payment's failure notice is a different event.
    failed = dict(ITEM, success="false")
    verify_adyen(notification(failed), KEY, now=NOW, store=store)
    capture = dict(ITEM, eventCode="CAPTURE")
    verify_adyen(notification(capture), KEY, now=NOW, store=store)


def test_header_variant_tampering_and_replay() -> None:
    body = (
        b'{"type":"balancePlatform.transfer.created",'
        b'"data":{"id":"1W1UG35U8A9J5ZLG","amount":{"value":1000}}}'
    )
    sig = base64.b64encode(hmac.new(bytes.fromhex(KEY), body, hashlib.sha256).digest()).decode()
    event = verify_adyen_hmac_header(body, sig, KEY, now=NOW)
    assert event.event_id == "1W1UG35U8A9J5ZLG"
    with pytest.raises(WebhookSignatureError):
        verify_adyen_hmac_header(body + b" ", sig, KEY, now=NOW)
    with pytest.raises(WebhookSignatureError):
        verify_adyen_hmac_header(body, sig, PHP_KEY, now=NOW)
    store = MemoryNonceStore()
    verify_adyen_hmac_header(body, sig, KEY, now=NOW, store=store)
    with pytest.raises(WebhookReplayError, match="adyen:sig:"):
        verify_adyen_hmac_header(body, sig, KEY, now=NOW, store=store)
    for bad in ("", "not base64", sig.rstrip("="), sig + "=="):
        with pytest.raises(WebhookFormatError):
            verify_adyen_hmac_header(body, bad, KEY, now=NOW)


@pytest.mark.parametrize(
    "body",
    [
        b"not json",
        b"[]",
        b'{"notificationItems": []}',
        b'{"notificationItems": {}}',
        b'{"notificationItems": [{"Other": {}}]}',
        b'{"notificationItems": [{"NotificationRequestItem": {"pspReference": "x"}}]}',
        b'{"notificationItems": [{"NotificationRequestItem": '
        b'{"additionalData": {"hmacSignature": "!!"}}}]}',
    ],
)
def test_malformed_notifications(body: bytes) -> None:
    with pytest.raises(WebhookFormatError):
        verify_adyen(body, KEY, now=NOW)


@pytest.mark.parametrize("value", [12995.0, "12995", True, None])
def test_amount_value_must_be_integer_minor_units(value: object) -> None:
    item = dict(ITEM, amount={"value": value, "currency": "EUR"})
    if value is None:
        verify_adyen(notification(item), KEY, now=NOW)  # null is an empty field
        return
    with pytest.raises(WebhookFormatError, match="integer"):
        verify_adyen(notification(item, sigs=[signature(ITEM)]), KEY, now=NOW)


def test_bad_keys() -> None:
    body = notification(ITEM)
    for key in ("zz" * 32, "abc", "", "00" * 8):
        with pytest.raises(ValueError):
            verify_adyen(body, key, now=NOW)
    with pytest.raises(TypeError):
        verify_adyen(body, bytes.fromhex(KEY), now=NOW)  # type: ignore[arg-type]
