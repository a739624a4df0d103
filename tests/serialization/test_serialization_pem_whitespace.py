"""PEM with whitespace after the END line loads, as with pyca/cryptography (security review S-12).

A key file with an extra trailing newline (an editor, CRLF) used to be refused while text before
the BEGIN line was accepted. Now: text before BEGIN is skipped (RFC 7468 §2), whitespace after
END is ignored, anything else after END is refused (one document per call).
"""

from __future__ import annotations

import pytest
from cryptography.hazmat.primitives import serialization as pyca_serialization

from pqpay import kem, serialization, signatures
from pqpay.exceptions import EncodingError


def _private_pems() -> list[bytes]:
    return [
        serialization.private_bytes(
            key, serialization.Encoding.PEM, serialization.PrivateFormat.PKCS8
        )
        for key in (signatures.Ed25519PrivateKey.generate(), kem.MLKEM768PrivateKey.generate())
    ]


@pytest.mark.parametrize("suffix", [b"\n", b"\r\n", b" \t\n\n"])
def test_trailing_whitespace_is_ignored(suffix: bytes) -> None:
    for pem in _private_pems():
        key = serialization.load_pem_private_key(pem + suffix)
        assert (
            serialization.private_bytes(
                key, serialization.Encoding.PEM, serialization.PrivateFormat.PKCS8
            )
            == pem
        )
    ed = signatures.Ed25519PrivateKey.generate()
    pub_pem = serialization.public_bytes(
        ed.public_key(), serialization.Encoding.PEM, serialization.PublicFormat.SubjectPublicKeyInfo
    )
    assert serialization.load_pem_public_key(pub_pem + suffix) == ed.public_key()
    # The same inputs pyca/cryptography accepts.
    pyca_serialization.load_pem_public_key(pub_pem + suffix)


def test_text_before_begin_is_skipped_and_text_after_end_refused() -> None:
    for pem in _private_pems():
        serialization.load_pem_private_key(b"Explanatory text\n" + pem)
        with pytest.raises(EncodingError):
            serialization.load_pem_private_key(pem + b"trailing text")
