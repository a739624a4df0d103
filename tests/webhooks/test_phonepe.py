"""PhonePe: PG v1 ``X-VERIFY`` (salt key + index) and the PG v2 ``Authorization`` scheme.

Embedded example: PhonePe's Pay API documentation (developer.phonepe.com/v1/reference/pay-api-1,
"How to Calculate X-Verify/Checksum header"): the UAT merchant PGTESTPAYUAT's base64 payload,
``/pg/v1/pay``, the sample salt key and index 1 give ``d7a8e445...554180###1``. Callback
checksums are computed here from the documented scheme (standards.md §9) with hashlib.
"""

from __future__ import annotations

import base64
import hashlib
import json

import pytest

from pqpay.exceptions import WebhookFormatError, WebhookReplayError, WebhookSignatureError
from pqpay.replay import MemoryNonceStore
from pqpay.webhooks import phonepe_x_verify, verify_phonepe, verify_phonepe_v2

NOW = 1_780_000_000

DOC_PAYLOAD = (
    "ewogICJtZXJjaGFudElkIjogIlBHVEVTVFBBWVVBVCIsCiAgIm1lcmNoYW50VHJhbnNhY3Rpb25JZCI6ICJNVDc4NTA1"
    "OTAwNjgxODgxMDQiLAogICJtZXJjaGFudFVzZXJJZCI6ICJNVUlEMTIzIiwKICAiYW1vdW50IjogMTAwMDAsCiAgInJl"
    "ZGlyZWN0VXJsIjogImh0dHBzOi8vd2ViaG9vay5zaXRlL3JlZGlyZWN0LXVybCIsCiAgInJlZGlyZWN0TW9kZSI6ICJS"
    "RURJUkVDVCIsCiAgImNhbGxiYWNrVXJsIjogImh0dHBzOi8vd2ViaG9vay5zaXRlL2NhbGxiYWNrLXVybCIsCiAgIm1v"
    "YmlsZU51bWJlciI6ICI5OTk5OTk5OTk5IiwKICAicGF5bWVudEluc3RydW1lbnQiOiB7CiAgICAidHlwZSI6ICJQQVlf"
    "UEFHRSIKICB9Cn0="
)
DOC_SALT_KEY = "099eb0cd-02cf-4e2a-8aca-3e6c6aff0399"
DOC_X_VERIFY = "d7a8e4458caa6fcd781166bbdc85fec76740c18cb9baa9a4c48cf2387d554180###1"

SALTS = {1: "4f1c2d3e-5a6b-7c8d-9e0f-a1b2c3d4e5f6", 2: "new-salt-after-rotation-0b1c2d"}


def _callback(state: str = "COMPLETED", txn: str = "MT7850590068188104") -> tuple[bytes, str]:
    response = {
        "success": True,
        "code": "PAYMENT_SUCCESS",
        "message": "Your payment is successful.",
        "data": {
            "merchantId": "PGTESTPAYUAT",
            "merchantTransactionId": txn,
            "transactionId": "T2111221437456190170379",
            "amount": 10000,
            "state": state,
            "responseCode": "SUCCESS",
        },
    }
    encoded = base64.b64encode(json.dumps(response).encode()).decode()
    return json.dumps({"response": encoded}).encode(), encoded


def x_verify(response: str, index: int) -> str:
    return hashlib.sha256((response + SALTS[index]).encode()).hexdigest() + f"###{index}"


def test_documentation_example() -> None:
    assert phonepe_x_verify(DOC_PAYLOAD, DOC_SALT_KEY, 1, api_path="/pg/v1/pay") == DOC_X_VERIFY
    decoded = json.loads(base64.b64decode(DOC_PAYLOAD))
    assert decoded["merchantId"] == "PGTESTPAYUAT"


def test_helper_matches_callback_scheme() -> None:
    _, response = _callback()
    assert phonepe_x_verify(response, SALTS[2], 2) == x_verify(response, 2)
    with pytest.raises(ValueError):
        phonepe_x_verify(response, SALTS[1], -1)
    with pytest.raises(TypeError):
        phonepe_x_verify(response.encode(), SALTS[1], 1)  # type: ignore[arg-type]


@pytest.mark.parametrize("index", [1, 2])
def test_accepts_callback_with_either_salt(index: int) -> None:
    body, response = _callback()
    event = verify_phonepe(body, x_verify(response, index), SALTS, now=NOW)
    assert event.provider == "phonepe"
    assert event.event_id == "MT7850590068188104"
    assert event.payload["data"]["state"] == "COMPLETED"
    assert event.body == body


def test_tampered_response_and_wrong_salt() -> None:
    body, response = _callback()
    header = x_verify(response, 1)
    forged_body, _ = _callback(state="FAILED")
    with pytest.raises(WebhookSignatureError):
        verify_phonepe(forged_body, header, SALTS, now=NOW)
    # Claiming the other salt index does not help.
    with pytest.raises(WebhookSignatureError):
        verify_phonepe(body, header.replace("###1", "###2"), SALTS, now=NOW)
    with pytest.raises(WebhookSignatureError):
        verify_phonepe(body, header, {1: "wrong-salt"}, now=NOW)
    with pytest.raises(WebhookSignatureError):
        verify_phonepe(body, header.replace("###1", "###9"), SALTS, now=NOW)
    flipped = ("0" if header[0] != "0" else "1") + header[1:]
    with pytest.raises(WebhookSignatureError):
        verify_phonepe(body, flipped, SALTS, now=NOW)


def test_checksum_covers_the_response_string_not_the_envelope() -> None:
    _, response = _callback()
    # Re-serialising the envelope keeps the signed response string: still valid.
    spaced = json.dumps({"response": response}, indent=2).encode()
    verify_phonepe(spaced, x_verify(response, 1), SALTS, now=NOW)


def test_replay() -> None:
    store = MemoryNonceStore()
    body, response = _callback()
    verify_phonepe(body, x_verify(response, 1), SALTS, now=NOW, store=store)
    with pytest.raises(WebhookReplayError, match="phonepe:xverify:"):
        verify_phonepe(body, x_verify(response, 1), SALTS, now=NOW + 5, store=store)
    other_body, other = _callback(txn="MT0000000000000002")
    verify_phonepe(other_body, x_verify(other, 1), SALTS, now=NOW, store=store)


@pytest.mark.parametrize(
    "header",
    [
        "",
        "abc###1",
        "0" * 64,
        "0" * 64 + "###",
        "0" * 64 + "###one",
        "0" * 64 + "##1",
        "0" * 63 + "###1",
    ],
)
def test_malformed_x_verify(header: str) -> None:
    body, _ = _callback()
    with pytest.raises(WebhookFormatError):
        verify_phonepe(body, header, SALTS, now=NOW)


def test_malformed_bodies() -> None:
    for body in (b"{}", b'{"response": 5}', b"[]", b"nope"):
        with pytest.raises(WebhookFormatError):
            verify_phonepe(body, "0" * 64 + "###1", SALTS, now=NOW)
    # Correctly signed, but the response is not base64 JSON.
    for response in ("not base64!", base64.b64encode(b"not json").decode()):
        body = json.dumps({"response": response}).encode()
        with pytest.raises(WebhookFormatError):
            verify_phonepe(body, x_verify(response, 1), SALTS, now=NOW)


def test_bad_salt_configuration() -> None:
    body, response = _callback()
    with pytest.raises(ValueError):
        verify_phonepe(body, x_verify(response, 1), {}, now=NOW)


# --- PG v2 / Standard Checkout ----------------------------------------------------------------

USERNAME, PASSWORD = "merchant-webhook-user", "S3cret-webhook-Pa55"
V2_BODY = json.dumps(
    {
        "event": "checkout.order.completed",
        "payload": {
            "orderId": "OMO2403282020198641071317",
            "merchantOrderId": "ORD-42",
            "state": "COMPLETED",
            "amount": 10000,
        },
    }
).encode()


def authorization(username: str = USERNAME, password: str = PASSWORD) -> str:
    return hashlib.sha256(f"{username}:{password}".encode()).hexdigest()


def test_v2_accepts_and_flags_unauthenticated_body() -> None:
    event = verify_phonepe_v2(V2_BODY, authorization(), USERNAME, PASSWORD, now=NOW)
    assert event.event_id == "OMO2403282020198641071317"
    assert event.payload["payload"]["state"] == "COMPLETED"
    assert event.body_authenticated is False
    verify_phonepe_v2(V2_BODY, "SHA256 " + authorization().upper(), USERNAME, PASSWORD, now=NOW)


def test_v2_header_does_not_cover_the_body() -> None:
    # The scheme's limitation, documented: a changed body still carries a valid header.
    forged = V2_BODY.replace(b"COMPLETED", b"FAILED")
    event = verify_phonepe_v2(forged, authorization(), USERNAME, PASSWORD, now=NOW)
    assert event.body_authenticated is False


def test_v2_wrong_credentials() -> None:
    for header in (
        authorization(password="wrong"),
        authorization(username="other"),
        authorization(USERNAME + ":", PASSWORD),
    ):
        with pytest.raises(WebhookSignatureError):
            verify_phonepe_v2(V2_BODY, header, USERNAME, PASSWORD, now=NOW)
    # username:password, not password:username.
    with pytest.raises(WebhookSignatureError):
        verify_phonepe_v2(V2_BODY, authorization(PASSWORD, USERNAME), USERNAME, PASSWORD, now=NOW)


@pytest.mark.parametrize(
    "header", ["", "Basic dXNlcjpwYXNz", "0" * 63, "SHA256", "sha256=" + "0" * 64]
)
def test_v2_malformed_header(header: str) -> None:
    with pytest.raises(WebhookFormatError):
        verify_phonepe_v2(V2_BODY, header, USERNAME, PASSWORD, now=NOW)


def test_v2_replay_on_body_digest() -> None:
    store = MemoryNonceStore()
    verify_phonepe_v2(V2_BODY, authorization(), USERNAME, PASSWORD, now=NOW, store=store)
    with pytest.raises(
        WebhookReplayError, match="phonepe2:body:" + hashlib.sha256(V2_BODY).hexdigest()
    ):
        verify_phonepe_v2(V2_BODY, authorization(), USERNAME, PASSWORD, now=NOW, store=store)
    with pytest.raises(WebhookFormatError):
        verify_phonepe_v2(b"not json", authorization(), USERNAME, PASSWORD, now=NOW)
    with pytest.raises(ValueError):
        verify_phonepe_v2(V2_BODY, authorization(), "", PASSWORD, now=NOW)
