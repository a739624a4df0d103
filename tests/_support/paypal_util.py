"""A self-signed certificate with PayPal's subject and genuine SHA256withRSA deliveries over
``transmission_id|transmission_time|webhook_id|crc32(body)``, made with pyca/cryptography, for
the PayPal tests that need one without the fixtures of ``test_webhooks_paypal``."""

from __future__ import annotations

import base64
import datetime as dt
import zlib
from dataclasses import dataclass
from typing import Any

from cryptography import x509
from cryptography.hazmat.primitives import hashes, serialization
from cryptography.hazmat.primitives.asymmetric import padding, rsa
from cryptography.x509.oid import NameOID


@dataclass(frozen=True)
class PayPalSigner:
    key: rsa.RSAPrivateKey
    pem: bytes

    def delivery(
        self, body: bytes, at: int, transmission_id: str = "tid", webhook_id: str = "WH-ID"
    ) -> dict[str, Any]:
        """The keyword arguments of ``verify_paypal`` for ``body`` sent at Unix time ``at``."""
        ttime = dt.datetime.fromtimestamp(at, dt.UTC).strftime("%Y-%m-%dT%H:%M:%SZ")
        signed = f"{transmission_id}|{ttime}|{webhook_id}|{zlib.crc32(body)}".encode()
        sig = self.key.sign(signed, padding.PKCS1v15(), hashes.SHA256())
        return {
            "transmission_id": transmission_id,
            "transmission_time": ttime,
            "transmission_sig": base64.b64encode(sig).decode(),
            "webhook_id": webhook_id,
            "certificate": self.pem,
        }


def paypal_signer(valid_around: int) -> PayPalSigner:
    """A fresh RSA-2048 key and a certificate valid for a day either side of ``valid_around``."""
    key = rsa.generate_private_key(public_exponent=65537, key_size=2048)
    name = x509.Name(
        [x509.NameAttribute(NameOID.COMMON_NAME, "messageverificationcerts.paypal.com")]
    )
    cert = (
        x509.CertificateBuilder()
        .subject_name(name)
        .issuer_name(name)
        .public_key(key.public_key())
        .serial_number(x509.random_serial_number())
        .not_valid_before(dt.datetime.fromtimestamp(valid_around - 86400, dt.UTC))
        .not_valid_after(dt.datetime.fromtimestamp(valid_around + 86400, dt.UTC))
        .sign(key, hashes.SHA256())
    )
    return PayPalSigner(key, cert.public_bytes(serialization.Encoding.PEM))
