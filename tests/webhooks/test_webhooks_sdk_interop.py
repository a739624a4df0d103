"""Cross-checks against the providers' official Python SDKs, installed from PyPI in the test
extra: stripe 16.1.0 (``stripe.WebhookSignature``) and razorpay 2.0.1 (``razorpay.Utility``).

Headers the SDKs generate must verify here, and for every case below the SDK and pqpay must
agree on accept or reject (pqpay additionally refuses future-dated Stripe timestamps, which
the SDK accepts; that difference is asserted, not hidden).
"""

from __future__ import annotations

import hashlib
import hmac
import time

import pytest
import razorpay
import razorpay.errors
import stripe

from pqpay.exceptions import WebhookError, WebhookTimestampError
from pqpay.webhooks import verify_razorpay, verify_razorpay_payment, verify_stripe

SECRET = "whsec_interop_3XkT9qLm2Vb8Zr1Pw"
BODY = '{"id":"evt_interop","object":"event","type":"charge.succeeded","amount":"\u20ac10"}'


def _stripe_accepts(body: str, header: str, secret: str, now: int) -> bool:
    try:
        stripe.WebhookSignature.verify_header(body, header, secret, tolerance=None)
    except stripe.SignatureVerificationError:
        return False
    return True


def _pqpay_accepts(body: str, header: str, secret: str, now: int) -> bool:
    try:
        verify_stripe(body.encode(), header, secret, now=now)
    except WebhookError:
        return False
    return True


def test_stripe_sdk_generated_header_verifies() -> None:
    t = 1_780_000_000
    header = stripe.WebhookSignature.generate_signature_header(BODY, SECRET, timestamp=t)
    event = verify_stripe(BODY.encode(), header, SECRET, now=t + 1)
    assert event.event_id == "evt_interop"


def _v1(t: int, body: str, secret: str) -> str:
    return hmac.new(secret.encode(), f"{t}.{body}".encode(), hashlib.sha256).hexdigest()


@pytest.mark.parametrize(
    "case",
    [
        "good",
        "rotation",
        "v0-only",
        "wrong-secret",
        "tampered-body",
        "tampered-t",
        "junk-v1",
    ],
)
def test_stripe_sdk_and_pqpay_agree(case: str) -> None:
    t = 1_780_000_000
    body, secret = BODY, SECRET
    good = _v1(t, body, secret)
    header = {
        "good": f"t={t},v1={good}",
        "rotation": f"t={t},v1={_v1(t, body, 'whsec_old')},v1={good}",
        "v0-only": f"t={t},v0={good}",
        "wrong-secret": f"t={t},v1={_v1(t, body, 'whsec_other')}",
        "tampered-body": f"t={t},v1={_v1(t, body + ' ', secret)}",
        "tampered-t": f"t={t + 1},v1={good}",
        "junk-v1": f"t={t},v1=zzzz,v1={good}",
    }[case]
    # tolerance=None makes the SDK skip its clock check, so compare signatures alone at now=t.
    assert _stripe_accepts(body, header, secret, t) == _pqpay_accepts(body, header, secret, t)


def test_stripe_tolerance_difference_is_only_the_future_side() -> None:
    t = 1_780_000_000
    header = f"t={t},v1={_v1(t, BODY, SECRET)}"
    # Past side: both refuse after 300 s (the SDK reads the clock; pqpay takes now).
    with pytest.raises(stripe.SignatureVerificationError):
        stripe.WebhookSignature.verify_header(BODY, header, SECRET, tolerance=300)
    with pytest.raises(WebhookTimestampError):
        verify_stripe(BODY.encode(), header, SECRET, now=t + 301)
    # Future side: a header 1000 s ahead of the clock passes the SDK, not pqpay.
    future = int(time.time()) + 1000
    ahead = f"t={future},v1={_v1(future, BODY, SECRET)}"
    stripe.WebhookSignature.verify_header(BODY, ahead, SECRET, tolerance=300)
    with pytest.raises(WebhookTimestampError, match="future"):
        verify_stripe(BODY.encode(), ahead, SECRET)


def _razorpay_accepts(body: str, sig: str, secret: str) -> bool:
    try:
        razorpay.Utility().verify_webhook_signature(body, sig, secret)
    except razorpay.errors.SignatureVerificationError:
        return False
    return True


@pytest.mark.parametrize(
    ("body", "secret_used", "secret_checked"),
    [
        ('{"event":"payment.captured"}', "s1", "s1"),
        ('{"event":"payment.captured"}', "s1", "s2"),
        ('{"event":"payment.captured"} ', "s1", "s1"),
    ],
)
def test_razorpay_sdk_and_pqpay_agree(body: str, secret_used: str, secret_checked: str) -> None:
    sig = hmac.new(
        secret_used.encode(), b'{"event":"payment.captured"}', hashlib.sha256
    ).hexdigest()
    ours = True
    try:
        verify_razorpay(body.encode(), sig, secret_checked)
    except WebhookError:
        ours = False
    assert ours == _razorpay_accepts(body, sig, secret_checked)


def test_razorpay_sdk_payment_signature() -> None:
    client = razorpay.Client(auth=("rzp_test_key", "key_secret_interop"))
    order, payment = "order_interop", "pay_interop"
    sig = hmac.new(b"key_secret_interop", f"{order}|{payment}".encode(), hashlib.sha256).hexdigest()
    params = {"razorpay_order_id": order, "razorpay_payment_id": payment, "razorpay_signature": sig}
    assert client.utility.verify_payment_signature(params)
    verify_razorpay_payment(order, payment, sig, "key_secret_interop")
