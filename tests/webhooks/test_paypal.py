"""PayPal webhooks: SHA256withRSA over ``transmission_id|transmission_time|webhook_id|crc32``.

Certificates and signatures are made here with pyca/cryptography (genuine RSA signatures
over the string PayPal's SDKs build: PayPal-Python-SDK ``WebhookEvent._get_expected_sig``,
CRC-32 as an unsigned decimal); the verifier runs in pqpay's native core (aws-lc-rs).
"""

from __future__ import annotations

import base64
import datetime as dt
import json
import zlib
from dataclasses import dataclass

import pytest
from cryptography import x509
from cryptography.hazmat.primitives import hashes, serialization
from cryptography.hazmat.primitives.asymmetric import ec, padding, rsa
from cryptography.x509.oid import NameOID

from pqpay.exceptions import (
    InvalidSignature,
    WebhookCertificateError,
    WebhookFormatError,
    WebhookReplayError,
    WebhookSignatureError,
    WebhookTimestampError,
)
from pqpay.replay import MemoryNonceStore
from pqpay.webhooks import RsaCertificate, paypal_cert_url_is_trusted, verify_paypal

UTC = dt.UTC
NOT_BEFORE = dt.datetime(2026, 1, 1, tzinfo=UTC)
NOT_AFTER = dt.datetime(2027, 1, 1, tzinfo=UTC)
TRANSMISSION_TIME = "2026-06-01T12:00:00Z"
T = int(dt.datetime(2026, 6, 1, 12, tzinfo=UTC).timestamp())
WEBHOOK_ID = "1JE4291016473214C"
TRANSMISSION_ID = "69cd13f0-d67a-11e5-baa3-778b53f4ae55"


def _body(amount: str = "10.00", pad: str = "") -> bytes:
    event = {
        "id": "WH-2WR32451HC0233532-67976317FL4543714",
        "event_version": "1.0",
        "create_time": "2026-06-01T11:59:58Z",
        "resource_type": "capture",
        "event_type": "PAYMENT.CAPTURE.COMPLETED",
        "resource": {
            "id": "42311647XV020574X",
            "amount": {"currency_code": "EUR", "value": amount},
        },
        "note": pad,
    }
    return json.dumps(event, separators=(",", ":")).encode()


BODY = _body()


def _certificate(
    key: rsa.RSAPrivateKey | ec.EllipticCurvePrivateKey,
    not_before: dt.datetime = NOT_BEFORE,
    not_after: dt.datetime = NOT_AFTER,
) -> x509.Certificate:
    name = x509.Name(
        [x509.NameAttribute(NameOID.COMMON_NAME, "messageverificationcerts.paypal.com")]
    )
    issuer = x509.Name([x509.NameAttribute(NameOID.COMMON_NAME, "Test CA")])
    ca_key = rsa.generate_private_key(public_exponent=65537, key_size=2048)
    return (
        x509.CertificateBuilder()
        .subject_name(name)
        .issuer_name(issuer)
        .public_key(key.public_key())
        .serial_number(x509.random_serial_number())
        .not_valid_before(not_before)
        .not_valid_after(not_after)
        .add_extension(x509.BasicConstraints(ca=False, path_length=None), critical=True)
        .sign(ca_key, hashes.SHA256())
    )


@dataclass
class Signer:
    key: rsa.RSAPrivateKey
    cert: x509.Certificate

    @property
    def pem(self) -> bytes:
        return self.cert.public_bytes(serialization.Encoding.PEM)

    @property
    def der(self) -> bytes:
        return self.cert.public_bytes(serialization.Encoding.DER)

    def sign(
        self,
        body: bytes = BODY,
        transmission_id: str = TRANSMISSION_ID,
        transmission_time: str = TRANSMISSION_TIME,
        webhook_id: str = WEBHOOK_ID,
    ) -> str:
        signed = f"{transmission_id}|{transmission_time}|{webhook_id}|{zlib.crc32(body)}"
        signature = self.key.sign(signed.encode(), padding.PKCS1v15(), hashes.SHA256())
        return base64.b64encode(signature).decode()


def _signer(bits: int = 2048) -> Signer:
    key = rsa.generate_private_key(public_exponent=65537, key_size=bits)
    return Signer(key, _certificate(key))


@pytest.fixture(scope="module")
def signer() -> Signer:
    return _signer()


@pytest.fixture(scope="module")
def other() -> Signer:
    return _signer()


def _verify(signer: Signer, sig: str | None = None, **overrides: object) -> object:
    args: dict[str, object] = {
        "transmission_id": TRANSMISSION_ID,
        "transmission_time": TRANSMISSION_TIME,
        "transmission_sig": sig if sig is not None else signer.sign(),
        "webhook_id": WEBHOOK_ID,
        "certificate": signer.pem,
        "now": T + 10,
    }
    body = overrides.pop("body", BODY)
    args.update(overrides)
    return verify_paypal(body, **args)  # type: ignore[arg-type]


def test_accepts_genuine_pem_der_and_loaded_certificate(signer: Signer) -> None:
    for cert in (signer.pem, signer.der, RsaCertificate.load(signer.pem)):
        event = _verify(signer, certificate=cert)
        assert event.provider == "paypal"  # type: ignore[attr-defined]
        assert event.event_id == TRANSMISSION_ID  # type: ignore[attr-defined]
        assert event.timestamp == T  # type: ignore[attr-defined]
        assert event.payload["event_type"] == "PAYMENT.CAPTURE.COMPLETED"  # type: ignore[attr-defined]


def test_crc32_is_the_unsigned_decimal(signer: Signer) -> None:
    # Find bodies whose CRC-32 has the top bit set (negative as a signed 32-bit integer) and
    # not: both must verify, so the decimal is unsigned as PayPal's SDKs print it.
    seen = {False: False, True: False}
    for n in range(64):
        body = _body(pad=str(n))
        high = zlib.crc32(body) >= 2**31
        if not seen[high]:
            _verify(signer, signer.sign(body), body=body)
            seen[high] = True
    assert all(seen.values())


def test_rsa_4096_certificate() -> None:
    big = _signer(4096)
    _verify(big)
    assert RsaCertificate.load(big.der).key_bits == 4096


@pytest.mark.parametrize(
    "field",
    ["transmission_id", "transmission_time", "webhook_id", "body"],
)
def test_each_signed_field_is_bound(signer: Signer, field: str) -> None:
    changed: dict[str, object] = {
        "transmission_id": "69cd13f0-d67a-11e5-baa3-778b53f4ae56",
        "transmission_time": "2026-06-01T12:00:01Z",
        "webhook_id": "1JE4291016473214D",
        "body": _body(amount="99.00"),
    }
    with pytest.raises(WebhookSignatureError):
        _verify(signer, signer.sign(), **{field: changed[field]})


def test_tampered_signature_bytes(signer: Signer) -> None:
    raw = bytearray(base64.b64decode(signer.sign()))
    for position in (0, len(raw) // 2, len(raw) - 1):
        bad = bytearray(raw)
        bad[position] ^= 0x80
        with pytest.raises(WebhookSignatureError):
            _verify(signer, base64.b64encode(bad).decode())
    with pytest.raises(WebhookSignatureError):
        _verify(signer, base64.b64encode(raw[:-1]).decode())
    with pytest.raises(WebhookSignatureError):
        _verify(signer, base64.b64encode(bytes(raw) + b"\x00").decode())


def test_wrong_certificate(signer: Signer, other: Signer) -> None:
    with pytest.raises(WebhookSignatureError) as info:
        _verify(signer, certificate=other.pem)
    assert isinstance(info.value, InvalidSignature)


def test_crc32_body_binding_is_weak_and_replay_store_limits_it(signer: Signer) -> None:
    """PayPal binds the body only through CRC-32: a forged body with the same CRC-32 verifies.

    This documents the scheme's weakness (see pqpay.webhooks): the transmission-id store
    makes a genuine signature usable once, and the window bounds when.
    """
    forged = _forge_same_crc32(_body(amount="99999.00", pad=""), zlib.crc32(BODY))
    assert forged != BODY and zlib.crc32(forged) == zlib.crc32(BODY)
    assert json.loads(forged)["resource"]["amount"]["value"] == "99999.00"
    sig = signer.sign()
    event = _verify(signer, sig, body=forged)  # accepted: CRC-32 is all that binds the body
    assert event.payload["resource"]["amount"]["value"] == "99999.00"  # type: ignore[attr-defined]

    store = MemoryNonceStore()
    _verify(signer, sig, store=store)
    with pytest.raises(WebhookReplayError) as info:
        _verify(signer, sig, body=forged, store=store)
    assert info.value.key == f"paypal:transmission:{TRANSMISSION_ID}"


def test_replay_window(signer: Signer) -> None:
    store = MemoryNonceStore()
    sig = signer.sign()
    _verify(signer, sig, store=store)
    with pytest.raises(WebhookReplayError):
        _verify(signer, sig, store=store, now=T + 299)
    with pytest.raises(WebhookTimestampError):
        _verify(signer, sig, store=store, now=T + 301)
    # A new transmission of the same event (PayPal retries get a new id) is accepted.
    tid = "0b3c5e70-d67b-11e5-baa3-778b53f4ae55"
    _verify(signer, signer.sign(transmission_id=tid), transmission_id=tid, store=store)


@pytest.mark.parametrize(
    ("now", "ok"), [(T + 300, True), (T + 301, False), (T - 300, True), (T - 301, False)]
)
def test_transmission_time_window(signer: Signer, now: int, ok: bool) -> None:
    if ok:
        _verify(signer, now=now)
    else:
        with pytest.raises(WebhookTimestampError):
            _verify(signer, now=now)


def test_transmission_time_formats(signer: Signer) -> None:
    for text in ("2026-06-01T12:00:00.123Z", "2026-06-01T14:00:00+02:00"):
        _verify(signer, signer.sign(transmission_time=text), transmission_time=text)
    for text in ("2026-06-01 12:00:00", "yesterday", "", "2026-06-01T12:00:00"):
        with pytest.raises(WebhookFormatError):
            _verify(signer, signer.sign(transmission_time=text), transmission_time=text)


def test_certificate_validity_period(signer: Signer) -> None:
    key = signer.key
    expired = Signer(key, _certificate(key, NOT_BEFORE, dt.datetime(2026, 5, 1, tzinfo=UTC)))
    with pytest.raises(WebhookCertificateError, match="valid from"):
        _verify(expired)
    future = Signer(key, _certificate(key, dt.datetime(2026, 7, 1, tzinfo=UTC), NOT_AFTER))
    with pytest.raises(WebhookCertificateError):
        _verify(future)
    cert = RsaCertificate.load(signer.pem)
    assert cert.not_before == int(NOT_BEFORE.timestamp())
    assert cert.not_after == int(NOT_AFTER.timestamp())
    assert cert.is_valid_at(cert.not_after) and not cert.is_valid_at(cert.not_after + 1)
    assert cert.is_valid_at(cert.not_before) and not cert.is_valid_at(cert.not_before - 1)


def test_generalized_time_certificate() -> None:
    # Dates from 2050 on are GeneralizedTime in X.509 (RFC 5280 §4.1.2.5).
    key = rsa.generate_private_key(public_exponent=65537, key_size=2048)
    late = dt.datetime(2051, 3, 4, 5, 6, 7, tzinfo=UTC)
    cert = RsaCertificate.load(
        _certificate(key, NOT_BEFORE, late).public_bytes(serialization.Encoding.DER)
    )
    assert cert.not_after == int(late.timestamp())


def test_certificate_public_key_matches(signer: Signer) -> None:
    cert = RsaCertificate.load(signer.der)
    expected = signer.key.public_key().public_bytes(
        serialization.Encoding.DER, serialization.PublicFormat.PKCS1
    )
    assert cert.public_key_der() == expected
    assert cert.key_bits == 2048
    assert "RSA-2048" in repr(cert)


def test_unusable_certificates(signer: Signer) -> None:
    ec_key = ec.generate_private_key(ec.SECP256R1())
    ec_cert = _certificate(ec_key).public_bytes(serialization.Encoding.PEM)
    with pytest.raises(WebhookCertificateError, match="rsaEncryption"):
        RsaCertificate.load(ec_cert)
    small = rsa.generate_private_key(public_exponent=65537, key_size=1024)
    with pytest.raises(WebhookCertificateError, match="1024 bits"):
        RsaCertificate.load(_certificate(small).public_bytes(serialization.Encoding.DER))
    der = signer.der
    for bad in (
        b"",
        b"\x30",
        der[:-1],
        der + b"\x00",
        der[:100],
        b"\x31" + der[1:],
        b"-----BEGIN CERTIFICATE-----\nAAAA\n-----END CERTIFICATE-----\n",
        b"-----BEGIN CERTIFICATE-----\n" + base64.b64encode(der[:50]),
        signer.pem.replace(b"CERTIFICATE", b"PUBLIC KEY"),
        b"\xff" * 40,
    ):
        with pytest.raises(WebhookCertificateError):
            RsaCertificate.load(bad)
    with pytest.raises(WebhookCertificateError):
        _verify(signer, certificate=b"garbage")
    with pytest.raises(TypeError):
        RsaCertificate.load("pem text")  # type: ignore[arg-type]
    with pytest.raises(TypeError):
        RsaCertificate()


def test_pem_with_surrounding_text_and_chain(signer: Signer, other: Signer) -> None:
    # A PEM bundle (leaf first, as PayPal serves it) uses the first certificate.
    bundle = b"leaf:\n" + signer.pem + other.pem
    _verify(signer, certificate=bundle)


def test_every_truncation_of_the_der_is_refused(signer: Signer) -> None:
    der = signer.der
    for n in range(0, len(der), 7):
        with pytest.raises(WebhookCertificateError):
            RsaCertificate.load(der[:n])


@pytest.mark.parametrize(
    ("sig", "error"),
    [
        ("not base64!", WebhookFormatError),
        ("QUJD=", WebhookFormatError),
        ("QUJD\x00", WebhookFormatError),
        ("QUJD\u00e9", WebhookFormatError),
        ("", WebhookFormatError),
        ("QUJD", WebhookSignatureError),
    ],
)
def test_malformed_signature_header(signer: Signer, sig: str, error: type[Exception]) -> None:
    with pytest.raises(error):
        _verify(signer, sig)


def test_other_headers(signer: Signer) -> None:
    with pytest.raises(WebhookFormatError, match="SHA256withRSA"):
        _verify(signer, auth_algo="SHA1withRSA")
    with pytest.raises(WebhookFormatError):
        _verify(signer, transmission_id="")
    with pytest.raises(ValueError, match="webhook id"):
        _verify(signer, webhook_id="")
    body = b"not json"
    with pytest.raises(WebhookFormatError, match="JSON"):
        _verify(signer, signer.sign(body), body=body)


def test_cert_url_check() -> None:
    assert paypal_cert_url_is_trusted("https://api.paypal.com/v1/notifications/certs/CERT-360caa42")
    assert paypal_cert_url_is_trusted("https://api-m.sandbox.paypal.com/v1/notifications/certs/X")
    for url in (
        "http://api.paypal.com/v1/notifications/certs/X",
        "https://api.paypal.com.evil.example/certs/X",
        "https://evil.example/api.paypal.com",
        "https://user@api.paypal.com/certs/X",
        "https://api.paypal.com:8443/certs/X",
        "https://api.paypal.com:notaport/certs/X",
        "file:///etc/passwd",
        "",
    ):
        assert not paypal_cert_url_is_trusted(url), url
    # S-8: the path is checked too, on every host (certificate paths only).
    url = "https://certs.example/v1/notifications/certs/x"
    assert paypal_cert_url_is_trusted(url, allowed_hosts={"certs.example"})


def _forge_same_crc32(prefix_json: bytes, target: int) -> bytes:
    """Returns ``prefix_json`` with 40 letters of its ``note`` string chosen so that the CRC-32
    equals ``target`` (CRC-32 is affine over GF(2), so this is a linear system)."""
    marker = b'"note":""'
    assert marker in prefix_json
    slots = 40
    template = prefix_json.replace(marker, b'"note":"' + b"a" * slots + b'"')
    start = template.index(b'"note":"') + len(b'"note":"')
    base = zlib.crc32(template)
    # Column j: the CRC change from turning letter j from 'a' into 'c' (bit 1 flipped).
    columns = []
    for j in range(slots):
        flipped = bytearray(template)
        flipped[start + j] ^= 0x02
        columns.append(zlib.crc32(bytes(flipped)) ^ base)
    want = base ^ target
    # Gaussian elimination over GF(2): rows are CRC bits, unknowns the 40 choices.
    rows = [
        (sum(((columns[j] >> bit) & 1) << j for j in range(slots)), (want >> bit) & 1)
        for bit in range(32)
    ]
    pivots: list[tuple[int, int, int]] = []
    for mask, value in rows:
        for pmask, pvalue, pbit in pivots:
            if (mask >> pbit) & 1:
                mask ^= pmask
                value ^= pvalue
        if mask:
            pbit = mask.bit_length() - 1
            reduced = []
            for qmask, qvalue, qbit in pivots:
                if (qmask >> pbit) & 1:
                    qmask ^= mask
                    qvalue ^= value
                reduced.append((qmask, qvalue, qbit))
            pivots = [*reduced, (mask, value, pbit)]
        else:
            assert value == 0, "no solution with these slots"
    choice = 0
    for pmask, pvalue, pbit in pivots:
        # Free unknowns are 0, so each pivot unknown equals its row's value.
        del pmask
        if pvalue:
            choice |= 1 << pbit
    out = bytearray(template)
    for j in range(slots):
        if (choice >> j) & 1:
            out[start + j] ^= 0x02
    return bytes(out)
