"""B-5: a ``str`` receipt holding a lone surrogate is an ``EncodingError``, not a
``UnicodeEncodeError`` (``Receipt.from_json`` and ``verify_receipt``)."""

from __future__ import annotations

import pytest

from pqpay.exceptions import EncodingError
from pqpay.payments import Receipt, verify_receipt
from pqpay.signatures import Ed25519PrivateKey

RECEIPTS = ['{"format":"pqpay-receipt\ud800"}', "\udfff", '{"envelope":"' + "\ud83d" * 3 + '"}']


@pytest.mark.parametrize("text", RECEIPTS)
def test_from_json(text: str) -> None:
    with pytest.raises(EncodingError, match="lone surrogate"):
        Receipt.from_json(text)


@pytest.mark.parametrize("text", RECEIPTS)
def test_verify_receipt(text: str) -> None:
    key = Ed25519PrivateKey.generate().public_key()
    with pytest.raises(EncodingError, match="lone surrogate"):
        verify_receipt(text, key, "example.com/log+0a1b2c3d+AQ==", origin=None)
