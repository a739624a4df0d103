"""Property tests over all verifiers: genuine payloads always verify, any change to the body is
caught, and arbitrary header or certificate bytes only ever raise the typed webhook errors."""

from __future__ import annotations

import base64
import contextlib
import hashlib
import hmac
import json

from hypothesis import given
from hypothesis import strategies as st

from pqpay.exceptions import WebhookCertificateError, WebhookError, WebhookSignatureError
from pqpay.request_signing import sign_request, verify_request
from pqpay.webhooks import (
    RsaCertificate,
    verify_adyen_hmac_header,
    verify_coinbase,
    verify_coinbase_cdp,
    verify_paypal,
    verify_phonepe,
    verify_razorpay,
    verify_stripe,
)

NOW = 1_780_000_000
ADYEN_KEY = "44782DEF547AAA06C910C43932B1EB0C71FC68D9D0C057550C48EC2ACF6BA056"

json_bodies = st.dictionaries(
    st.text(min_size=1, max_size=8),
    st.one_of(st.integers(), st.text(max_size=20), st.booleans()),
    max_size=5,
).map(lambda d: json.dumps({"id": "evt_1", "event": {"id": "e1"}, "data": d}).encode())
secrets = st.binary(min_size=1, max_size=64)
headers = st.one_of(st.text(max_size=120), st.binary(max_size=120))


def _flip(body: bytes, index: int) -> bytes:
    out = bytearray(body)
    out[index % len(out)] ^= 0x01
    return bytes(out)


@given(json_bodies, secrets, st.integers(min_value=0))
def test_stripe_round_trip_and_any_flip(body: bytes, secret: bytes, index: int) -> None:
    v1 = hmac.new(secret, f"{NOW}.".encode() + body, hashlib.sha256).hexdigest()
    hdr = f"t={NOW},v1={v1}"
    assert verify_stripe(body, hdr, secret, now=NOW).body == body
    try:
        verify_stripe(_flip(body, index), hdr, secret, now=NOW)
    except WebhookSignatureError:
        pass
    else:
        raise AssertionError("a changed body verified")


@given(json_bodies, secrets, st.integers(min_value=0))
def test_hex_hmac_providers_round_trip_and_any_flip(body: bytes, secret: bytes, index: int) -> None:
    sig = hmac.new(secret, body, hashlib.sha256).hexdigest()
    for verify in (verify_coinbase, verify_razorpay):
        verify(body, sig, secret, now=NOW)
        try:
            verify(_flip(body, index), sig, secret, now=NOW)
        except WebhookSignatureError:
            continue
        raise AssertionError(f"{verify.__name__}: a changed body verified")


@given(json_bodies, st.integers(min_value=0))
def test_adyen_header_round_trip_and_any_flip(body: bytes, index: int) -> None:
    mac = hmac.new(bytes.fromhex(ADYEN_KEY), body, hashlib.sha256).digest()
    sig = base64.b64encode(mac).decode()
    verify_adyen_hmac_header(body, sig, ADYEN_KEY, now=NOW)
    try:
        verify_adyen_hmac_header(_flip(body, index), sig, ADYEN_KEY, now=NOW)
    except WebhookSignatureError:
        return
    raise AssertionError("a changed body verified")


@given(headers)
def test_arbitrary_headers_raise_only_webhook_errors(header: str | bytes) -> None:
    body = b'{"id":"evt_1","event":{"id":"e1"},"response":"e30="}'
    calls = [
        lambda: verify_stripe(body, header, "whsec_x", now=NOW),
        lambda: verify_coinbase(body, header, "s", now=NOW),
        lambda: verify_razorpay(body, header, "s", now=NOW),
        lambda: verify_phonepe(body, header, {1: "salt"}, now=NOW),
        lambda: verify_adyen_hmac_header(body, header, ADYEN_KEY, now=NOW),
        lambda: verify_coinbase_cdp(body, header, {}, "s", now=NOW),
    ]
    for call in calls:
        with contextlib.suppress(WebhookError):
            call()


@given(st.text(max_size=80), st.text(max_size=40), st.binary(max_size=300))
def test_arbitrary_paypal_inputs_raise_only_webhook_errors(
    sig: str, time_text: str, cert: bytes
) -> None:
    with contextlib.suppress(WebhookError):
        verify_paypal(
            b"{}",
            transmission_id="t",
            transmission_time=time_text,
            transmission_sig=sig,
            webhook_id="w",
            certificate=cert,
            now=NOW,
        )


@given(st.binary(max_size=2000))
def test_arbitrary_certificate_bytes(data: bytes) -> None:
    for candidate in (
        data,
        b"-----BEGIN CERTIFICATE-----\n"
        + base64.b64encode(data)
        + b"\n-----END CERTIFICATE-----\n",
    ):
        with contextlib.suppress(WebhookCertificateError):
            RsaCertificate.load(candidate)


@given(
    st.dictionaries(
        st.sampled_from(
            [
                "X-Pqpay-Key-Id",
                "X-Pqpay-Timestamp",
                "X-Pqpay-Nonce",
                "X-Pqpay-Content-SHA256",
                "X-Pqpay-Signature",
            ]
        ),
        st.text(max_size=80),
    )
)
def test_arbitrary_request_headers_raise_only_webhook_errors(overrides: dict[str, str]) -> None:
    secret = bytes(32)
    signed = sign_request("POST", "/v1/x", b"{}", secret, key_id="k", now=NOW)
    signed.update(overrides)
    with contextlib.suppress(WebhookError):
        verify_request("POST", "/v1/x", b"{}", signed, {"k": secret}, now=NOW)
