"""S-8: PayPal certificate trust. The cert URL is checked by path as well as host (no query,
fragment, escapes or traversal), and ``verify_paypal(..., spki_pins=...)`` pins the
certificate's key and fails closed."""

from __future__ import annotations

import base64
import datetime as dt
import hashlib
import zlib

import pytest
from cryptography import x509
from cryptography.hazmat.primitives import hashes, serialization
from cryptography.hazmat.primitives.asymmetric import padding, rsa
from cryptography.x509.oid import NameOID

from pqpay.exceptions import WebhookCertificateError
from pqpay.webhooks import RsaCertificate, paypal_cert_url_is_trusted, verify_paypal
from pqpay.webhooks import paypal as paypal_module

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


def _signed_cert() -> tuple[rsa.RSAPrivateKey, bytes]:
    key = rsa.generate_private_key(public_exponent=65537, key_size=2048)
    name = x509.Name(
        [x509.NameAttribute(NameOID.COMMON_NAME, "messageverificationcerts.paypal.com")]
    )
    cert = (
        x509.CertificateBuilder()
        .subject_name(name)
        .issuer_name(name)
        .public_key(key.public_key())
        .serial_number(7)
        .not_valid_before(dt.datetime.fromtimestamp(T - 86400, dt.UTC))
        .not_valid_after(dt.datetime.fromtimestamp(T + 86400, dt.UTC))
        .sign(key, hashes.SHA256())
    )
    return key, cert.public_bytes(serialization.Encoding.PEM)


@pytest.fixture(scope="module")
def pair() -> tuple[rsa.RSAPrivateKey, bytes]:
    return _signed_cert()


def _verify(key: rsa.RSAPrivateKey, pem: bytes, **options: object) -> object:
    signed = f"tid-pin|{TTIME}|WH-ID|{zlib.crc32(BODY)}".encode()
    sig = base64.b64encode(key.sign(signed, padding.PKCS1v15(), hashes.SHA256())).decode()
    return verify_paypal(
        BODY,
        transmission_id="tid-pin",
        transmission_time=TTIME,
        transmission_sig=sig,
        webhook_id="WH-ID",
        certificate=pem,
        now=T,
        **options,  # type: ignore[arg-type]
    )


def test_pin_matches_the_spki_sha256(pair: tuple[rsa.RSAPrivateKey, bytes]) -> None:
    key, pem = pair
    spki = key.public_key().public_bytes(
        serialization.Encoding.DER, serialization.PublicFormat.SubjectPublicKeyInfo
    )
    digest = hashlib.sha256(spki).digest()
    pin = paypal_module.paypal_spki_pin(pem)
    assert pin == base64.b64encode(digest).decode()
    assert paypal_module.paypal_spki_pin(RsaCertificate.load(pem)) == pin
    for form in (pin, digest, digest.hex(), digest.hex().upper()):
        _verify(key, pem, spki_pins=[form])
    _verify(key, pem, spki_pins={"A" * 43 + "=", pin})  # any one pin of several


def test_pins_fail_closed(pair: tuple[rsa.RSAPrivateKey, bytes]) -> None:
    key, pem = pair
    _, other_pem = _signed_cert()
    other_pin = paypal_module.paypal_spki_pin(other_pem)
    with pytest.raises(WebhookCertificateError, match="pinned"):
        _verify(key, pem, spki_pins=[other_pin])
    with pytest.raises(ValueError, match="empty"):
        _verify(key, pem, spki_pins=[])
    for bad in (["not a pin"], [b"\x00" * 31], ["g" * 64], [42]):
        with pytest.raises((ValueError, TypeError)):
            _verify(key, pem, spki_pins=bad)
    with pytest.raises(TypeError):
        _verify(key, pem, spki_pins=paypal_module.paypal_spki_pin(pem))  # one str, not a set
    _verify(key, pem)  # without pins: the certificate as given (the explicit path)
