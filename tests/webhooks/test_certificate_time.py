"""RsaCertificate.is_valid_at with a time outside 64-bit seconds raises ValueError (B-7)."""

from __future__ import annotations

import datetime as dt

import pytest
from cryptography import x509
from cryptography.hazmat.primitives import hashes, serialization
from cryptography.hazmat.primitives.asymmetric import rsa
from cryptography.x509.oid import NameOID

from pqpay.webhooks import RsaCertificate


@pytest.fixture(scope="module")
def certificate() -> RsaCertificate:
    key = rsa.generate_private_key(public_exponent=65537, key_size=2048)
    name = x509.Name([x509.NameAttribute(NameOID.COMMON_NAME, "test")])
    cert = (
        x509.CertificateBuilder()
        .subject_name(name)
        .issuer_name(name)
        .public_key(key.public_key())
        .serial_number(1)
        .not_valid_before(dt.datetime(2025, 1, 1, tzinfo=dt.UTC))
        .not_valid_after(dt.datetime(2027, 1, 1, tzinfo=dt.UTC))
        .sign(key, hashes.SHA256())
    )
    return RsaCertificate.load(cert.public_bytes(serialization.Encoding.DER))


@pytest.mark.parametrize("when", [2**63, -(2**63) - 1, 2**100])
def test_time_outside_int64_is_value_error(certificate: RsaCertificate, when: int) -> None:
    with pytest.raises(ValueError, match="unix_time must be in the range -2\\*\\*63"):
        certificate.is_valid_at(when)


def test_times_inside_int64_still_answer(certificate: RsaCertificate) -> None:
    assert certificate.is_valid_at(1_767_225_600)  # 2026-01-01
    assert not certificate.is_valid_at(2**63 - 1)
    assert not certificate.is_valid_at(-(2**63))
