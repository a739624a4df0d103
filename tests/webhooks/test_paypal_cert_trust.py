"""S-8: PayPal certificate trust. The cert URL is checked by path as well as host (no query,
fragment, escapes or traversal), and ``verify_paypal(..., spki_pins=...)`` pins the
certificate's key and fails closed."""

from __future__ import annotations

import base64
import datetime as dt
import hashlib
from typing import Any

import pytest
from cryptography.hazmat.primitives import serialization

from pqpay.exceptions import WebhookCertificateError
from pqpay.webhooks import RsaCertificate, paypal_cert_url_is_trusted, verify_paypal
from pqpay.webhooks import paypal as paypal_module
from tests._support.paypal_util import PayPalSigner, paypal_signer

T = 1_780_000_000
TTIME = dt.datetime.fromtimestamp(T, dt.UTC).strftime("%Y-%m-%dT%H:%M:%SZ")
BODY = b'{"id":"WH-PIN","event_type":"PAYMENT.CAPTURE.COMPLETED"}'
GOOD = "https://api.paypal.com/v1/notifications/certs/CERT-360caa42-fca2a594-a5cafa77"


@pytest.mark.parametrize(
    "url",
    [
        "https://api.paypal.com/anything?x=1",
        "https://api.paypal.com/",
        "https://api.paypal.com/v1/notifications/certs/",
        "https://api.paypal.com/v1/notifications/certs/X?redirect=https://evil.example",
        "https://api.paypal.com/v1/notifications/certs/X?",
        "https://api.paypal.com/v1/notifications/certs/X#frag",
        "https://api.paypal.com/v1/notifications/certs/../../v1/oauth2/token",
        "https://api.paypal.com/v1/notifications/certs/..",
        "https://api.paypal.com/v1/notifications/certs/%2e%2e/x",
        "https://api.paypal.com/v1/notifications/certs/a/b",
        "https://api.paypal.com/v1/notifications/certs/X;type=a",
        "https://api.paypal.com/v1/notifications/certsX",
        "https://api.paypal.com/V1/notifications/certs/X",
        "https://api.paypal.com//v1/notifications/certs/X",
        "https://api.paypal.com/v1/notifications/webhooks/X",
    ],
)
def test_cert_url_path_is_checked(url: str) -> None:
    assert paypal_cert_url_is_trusted(GOOD)
    assert not paypal_cert_url_is_trusted(url), url


def test_cert_url_custom_prefix_and_bad_input() -> None:
    url = "https://mirror.example/paypal/certs/CERT-1"
    assert not paypal_cert_url_is_trusted(url, {"mirror.example"})
    assert paypal_cert_url_is_trusted(url, {"mirror.example"}, path_prefix="/paypal/certs/")
    assert not paypal_cert_url_is_trusted(b"https://api.paypal.com/v1/notifications/certs/X")  # type: ignore[arg-type]
    with pytest.raises(ValueError):
        paypal_cert_url_is_trusted(GOOD, path_prefix="v1/certs")


@pytest.fixture(scope="module")
def signer() -> PayPalSigner:
    return paypal_signer(T)


def _verify(signer: PayPalSigner, **options: Any) -> object:
    return verify_paypal(BODY, now=T, **signer.delivery(BODY, T), **options)


def test_pin_matches_the_spki_sha256(signer: PayPalSigner) -> None:
    pem = signer.pem
    spki = signer.key.public_key().public_bytes(
        serialization.Encoding.DER, serialization.PublicFormat.SubjectPublicKeyInfo
    )
    digest = hashlib.sha256(spki).digest()
    pin = paypal_module.paypal_spki_pin(pem)
    assert pin == base64.b64encode(digest).decode()
    assert paypal_module.paypal_spki_pin(RsaCertificate.load(pem)) == pin
    for form in (pin, digest, digest.hex(), digest.hex().upper()):
        _verify(signer, spki_pins=[form])
    _verify(signer, spki_pins={"A" * 43 + "=", pin})  # any one pin of several


def test_pins_fail_closed(signer: PayPalSigner) -> None:
    pem = signer.pem
    other_pin = paypal_module.paypal_spki_pin(paypal_signer(T).pem)
    with pytest.raises(WebhookCertificateError, match="pinned"):
        _verify(signer, spki_pins=[other_pin])
    with pytest.raises(ValueError, match="empty"):
        _verify(signer, spki_pins=[])
    for bad in (["not a pin"], [b"\x00" * 31], ["g" * 64], [42]):
        with pytest.raises((ValueError, TypeError)):
            _verify(signer, spki_pins=bad)
    with pytest.raises(TypeError):
        _verify(signer, spki_pins=paypal_module.paypal_spki_pin(pem))  # one str, not a set
    _verify(signer)  # without pins: the certificate as given (the explicit path)
