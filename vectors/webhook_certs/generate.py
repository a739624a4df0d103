#!/usr/bin/env python3
"""Generates the X.509 certificates and SHA256withRSA signatures in this directory.

Run once with pyca/cryptography 50 (``python3 vectors/webhook_certs/generate.py``); the outputs
are committed and read by ``rust/core/tests/webhook.rs``, which checks that
``pqpay_core::webhook::RsaCertificate`` reads each certificate's validity and RSA key as pyca
wrote them, verifies the recorded PayPal-style signatures, and refuses the 1024-bit RSA and
the P-256 certificates. RSA keys are random, so re-running writes a new, equally valid set.

Files: ``rsa2048.der``/``.pem`` (UTCTime validity), ``rsa4096.der`` (GeneralizedTime
notAfter, after 2049), ``rsa1024.der`` (too small), ``ec_p256.der`` (not RSA), and
``manifest.json`` (per certificate: validity in Unix seconds, key size, PKCS#1 public key,
and for the RSA ones a signed string with its RSASSA-PKCS1-v1_5 / SHA-256 signature).
"""

import datetime as dt
import json
import os
import zlib

import cryptography
from cryptography import x509
from cryptography.hazmat.primitives import hashes, serialization
from cryptography.hazmat.primitives.asymmetric import ec, padding, rsa
from cryptography.x509.oid import NameOID

HERE = os.path.dirname(os.path.abspath(__file__))
UTC = dt.UTC
BODY = b'{"id":"WH-2WR32451HC0233532-67976317FL4543714","event_type":"PAYMENT.CAPTURE.COMPLETED"}'
# The string PayPal signs: transmission_id|transmission_time|webhook_id|crc32(body).
MESSAGE = "|".join(
    (
        "69cd13f0-d67a-11e5-baa3-778b53f4ae55",
        "2026-06-01T12:00:00Z",
        "1JE4291016473214C",
        str(zlib.crc32(BODY)),
    )
)

CERTS = {
    "rsa2048": (
        "rsa",
        2048,
        dt.datetime(2026, 1, 1, tzinfo=UTC),
        dt.datetime(2036, 1, 1, tzinfo=UTC),
    ),
    "rsa4096": (
        "rsa",
        4096,
        dt.datetime(2026, 1, 1, tzinfo=UTC),
        dt.datetime(2051, 3, 4, 5, 6, 7, tzinfo=UTC),
    ),
    "rsa1024": (
        "rsa",
        1024,
        dt.datetime(2026, 1, 1, tzinfo=UTC),
        dt.datetime(2036, 1, 1, tzinfo=UTC),
    ),
    "ec_p256": (
        "ec",
        256,
        dt.datetime(2026, 1, 1, tzinfo=UTC),
        dt.datetime(2036, 1, 1, tzinfo=UTC),
    ),
}


def main() -> None:
    ca_key = rsa.generate_private_key(public_exponent=65537, key_size=2048)
    issuer = x509.Name([x509.NameAttribute(NameOID.COMMON_NAME, "pqpay test CA")])
    manifest = {
        "generator": "vectors/webhook_certs/generate.py",
        "pyca_cryptography_version": cryptography.__version__,
        "message": MESSAGE,
        "certificates": [],
    }
    for name, (kind, bits, not_before, not_after) in CERTS.items():
        key = (
            rsa.generate_private_key(public_exponent=65537, key_size=bits)
            if kind == "rsa"
            else ec.generate_private_key(ec.SECP256R1())
        )
        subject = x509.Name(
            [x509.NameAttribute(NameOID.COMMON_NAME, f"{name}.messageverificationcerts.test")]
        )
        cert = (
            x509.CertificateBuilder()
            .subject_name(subject)
            .issuer_name(issuer)
            .public_key(key.public_key())
            .serial_number(x509.random_serial_number())
            .not_valid_before(not_before)
            .not_valid_after(not_after)
            .add_extension(x509.BasicConstraints(ca=False, path_length=None), critical=True)
            .sign(ca_key, hashes.SHA256())
        )
        der = cert.public_bytes(serialization.Encoding.DER)
        with open(os.path.join(HERE, f"{name}.der"), "wb") as f:
            f.write(der)
        if name == "rsa2048":
            with open(os.path.join(HERE, f"{name}.pem"), "wb") as f:
                f.write(cert.public_bytes(serialization.Encoding.PEM))
        entry = {
            "name": name,
            "kind": kind,
            "key_bits": bits,
            "not_before": int(not_before.timestamp()),
            "not_after": int(not_after.timestamp()),
        }
        if kind == "rsa":
            assert isinstance(key, rsa.RSAPrivateKey)
            entry["public_key_pkcs1"] = (
                key.public_key()
                .public_bytes(serialization.Encoding.DER, serialization.PublicFormat.PKCS1)
                .hex()
            )
            entry["signature"] = key.sign(
                MESSAGE.encode(), padding.PKCS1v15(), hashes.SHA256()
            ).hex()
        manifest["certificates"].append(entry)
    with open(os.path.join(HERE, "manifest.json"), "w") as f:
        json.dump(manifest, f, indent=2)
        f.write("\n")


if __name__ == "__main__":
    main()
