"""X.509 certificates reduced to what signature verification needs (primitives layer).

:class:`RsaCertificate` reads a certificate's RSA public key and validity period and verifies
RSASSA-PKCS1-v1_5 / SHA-256 signatures with it (PayPal's webhooks; re-exported by
:mod:`pqpay.webhooks`). A malformed certificate or a non-RSA key raises
:class:`~pqpay.exceptions.WebhookCertificateError`, as it did when this lived in webhooks.
"""

from __future__ import annotations

from typing import Any

from pqpay import _native
from pqpay._bytes import as_bytes
from pqpay.exceptions import (
    EncodingError,
    InvalidKey,
    UnsupportedAlgorithm,
    WebhookCertificateError,
)

__all__ = ["RsaCertificate"]


class RsaCertificate:
    """An X.509 certificate's RSA public key (2048 to 8192 bits) and validity period.

    Only what verification needs is read: no chain, issuer signature, name or extension is
    checked. Load it once and pass it to :func:`~pqpay.webhooks.verify_paypal` for every delivery.
    """

    __slots__ = ("_cert",)
    _cert: _native.X509RsaCertificate

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        raise TypeError("use RsaCertificate.load(pem_or_der) to read a certificate")

    @classmethod
    def load(cls, data: bytes) -> RsaCertificate:
        """Reads a PEM (``-----BEGIN CERTIFICATE-----``) or DER certificate.

        Raises :class:`WebhookCertificateError` when it is malformed or its key is not RSA of
        2048 to 8192 bits.
        """
        data = as_bytes(data, "certificate")
        try:
            native = _native.X509RsaCertificate.from_bytes(data)
        except (EncodingError, UnsupportedAlgorithm, InvalidKey) as exc:
            raise WebhookCertificateError(f"unusable certificate: {exc}") from exc
        obj = object.__new__(cls)
        obj._cert = native
        return obj

    @property
    def key_bits(self) -> int:
        """RSA modulus size in bits."""
        return self._cert.key_bits

    @property
    def not_before(self) -> int:
        """Start of the validity period, seconds since the epoch."""
        return self._cert.not_before

    @property
    def not_after(self) -> int:
        """End of the validity period (inclusive), seconds since the epoch."""
        return self._cert.not_after

    def public_key_der(self) -> bytes:
        """The PKCS#1 ``RSAPublicKey`` DER."""
        return self._cert.public_key_der()

    def is_valid_at(self, when: float) -> bool:
        """True when ``when`` lies within notBefore..notAfter."""
        return self._cert.is_valid_at(int(when))

    def verify(self, signature: bytes, data: bytes) -> None:
        """Verifies RSASSA-PKCS1-v1_5 / SHA-256; raises ``InvalidSignature`` on mismatch."""
        self._cert.verify_pkcs1_sha256(as_bytes(data, "data"), as_bytes(signature, "signature"))

    def __repr__(self) -> str:
        return f"<RsaCertificate RSA-{self.key_bits}>"
