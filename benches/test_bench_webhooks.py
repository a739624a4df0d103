"""pytest-benchmark: webhook verification, pqpay against its peers in the same run.

Groups:
- ``PayPal SHA256withRSA verify``: pqpay's native RSA check (aws-lc-rs, certificate loaded once)
  against pyca/cryptography's ``RSAPublicKey.verify`` on the same 2048-bit key and message;
  ``verify_paypal`` (whole scheme: headers, CRC-32, window, JSON) is listed beside them.
- ``Stripe verify``: ``pqpay.webhooks.verify_stripe`` against the official SDK's
  ``stripe.WebhookSignature.verify_header`` on the same 1 KiB event.

Run: ``pytest benches/test_bench_webhooks.py --benchmark-only --benchmark-group-by=group``.
"""

from __future__ import annotations

import base64
import datetime as dt
import hashlib
import hmac
import json
import time
import zlib
from typing import Any

import stripe
from cryptography import x509
from cryptography.hazmat.primitives import hashes, serialization
from cryptography.hazmat.primitives.asymmetric import padding, rsa
from cryptography.x509.oid import NameOID

from pqpay.webhooks import RsaCertificate, verify_paypal, verify_stripe

BODY = json.dumps(
    {"id": "evt_bench", "type": "payment_intent.succeeded", "pad": "x" * 900}
).encode()
TID, TTIME, WEBHOOK_ID = "bench-transmission", "2026-06-01T12:00:00Z", "WH-BENCH"
T_PAYPAL = int(dt.datetime(2026, 6, 1, 12, tzinfo=dt.UTC).timestamp())
MESSAGE = f"{TID}|{TTIME}|{WEBHOOK_ID}|{zlib.crc32(BODY)}".encode()


def _paypal_fixture() -> tuple[rsa.RSAPrivateKey, bytes, bytes]:
    key = rsa.generate_private_key(public_exponent=65537, key_size=2048)
    name = x509.Name([x509.NameAttribute(NameOID.COMMON_NAME, "bench")])
    cert = (
        x509.CertificateBuilder()
        .subject_name(name)
        .issuer_name(name)
        .public_key(key.public_key())
        .serial_number(1)
        .not_valid_before(dt.datetime(2026, 1, 1, tzinfo=dt.UTC))
        .not_valid_after(dt.datetime(2027, 1, 1, tzinfo=dt.UTC))
        .sign(key, hashes.SHA256())
    )
    sig = key.sign(MESSAGE, padding.PKCS1v15(), hashes.SHA256())
    return key, cert.public_bytes(serialization.Encoding.DER), sig


KEY, CERT_DER, SIG = _paypal_fixture()


def test_paypal_rsa_pqpay(benchmark: Any) -> None:
    cert = RsaCertificate.load(CERT_DER)
    benchmark.group = "PayPal SHA256withRSA verify"
    benchmark.name = "pqpay (aws-lc-rs)"
    benchmark(cert.verify, SIG, MESSAGE)


def test_paypal_rsa_pyca(benchmark: Any) -> None:
    public = KEY.public_key()
    benchmark.group = "PayPal SHA256withRSA verify"
    benchmark.name = "pyca/cryptography"
    benchmark(public.verify, SIG, MESSAGE, padding.PKCS1v15(), hashes.SHA256())


def test_paypal_full_scheme_pqpay(benchmark: Any) -> None:
    cert = RsaCertificate.load(CERT_DER)
    sig_b64 = base64.b64encode(SIG).decode()
    benchmark.group = "PayPal SHA256withRSA verify"
    benchmark.name = "pqpay verify_paypal (whole scheme)"
    benchmark(
        lambda: verify_paypal(
            BODY,
            transmission_id=TID,
            transmission_time=TTIME,
            transmission_sig=sig_b64,
            webhook_id=WEBHOOK_ID,
            certificate=cert,
            now=T_PAYPAL,
        )
    )


SECRET = "whsec_bench_secret"


def _stripe_header(t: int) -> str:
    v1 = hmac.new(SECRET.encode(), f"{t}.".encode() + BODY, hashlib.sha256).hexdigest()
    return f"t={t},v1={v1}"


def test_stripe_pqpay(benchmark: Any) -> None:
    t = int(time.time())
    header = _stripe_header(t)
    benchmark.group = "Stripe verify"
    benchmark.name = "pqpay verify_stripe"
    benchmark(verify_stripe, BODY, header, SECRET, now=t)


def test_stripe_sdk(benchmark: Any) -> None:
    header = _stripe_header(int(time.time()))
    body = BODY.decode()
    benchmark.group = "Stripe verify"
    benchmark.name = "stripe SDK verify_header"
    benchmark(stripe.WebhookSignature.verify_header, body, header, SECRET, 300)
