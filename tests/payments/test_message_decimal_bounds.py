"""B-4: a payment ``Decimal`` has a documented bound on its plain-notation digits.

``Decimal("1E+999999999999999999")`` raised ``MemoryError`` and ``Decimal("1E+100000000")``
(13 characters, e.g. from ``json.loads(..., parse_float=Decimal)``) became a 100 MB payload."""

from __future__ import annotations

import json
from decimal import Decimal

import pytest

from pqpay import payments
from pqpay.exceptions import CanonicalizationError
from pqpay.signatures import Ed25519PrivateKey

HOSTILE = [
    "1E+999999999999999999",
    "1E+100000000",
    "1E-100000000",
    "-9E+101",
    "0.0000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000001",
    "1" * 101,
]


@pytest.mark.parametrize("text", HOSTILE)
def test_hostile_decimals_are_refused(text: str) -> None:
    message = {"amount": {"value": Decimal(text), "currency": "EUR"}}
    with pytest.raises(CanonicalizationError, match=r'\$\["amount"\]\["value"\].*digits'):
        payments.canonicalize_payment(message)
    key = Ed25519PrivateKey.generate()
    with pytest.raises(CanonicalizationError):
        payments.sign_payment_cose(key, message, kid=b"k")


def test_from_json_parse_float() -> None:
    message = json.loads('{"amount": 1E+100000000}', parse_float=Decimal)
    with pytest.raises(CanonicalizationError):
        payments.canonicalize_payment(message)


@pytest.mark.parametrize(
    ("text", "plain"),
    [
        ("12.50", "12.50"),
        ("0E+1000000000", "0"),
        ("-0.00", "-0.00"),
        ("1E+99", "1" + "0" * 99),
        ("1" * 100, "1" * 100),
        ("1E-99", "0." + "0" * 98 + "1"),
        ("123E-1", "12.3"),
    ],
)
def test_amounts_within_the_bound(text: str, plain: str) -> None:
    out = payments.canonicalize_payment({"v": Decimal(text)})
    assert out == b'{"v":"' + plain.encode() + b'"}'


def test_the_bound_is_documented() -> None:
    assert payments.MAX_DECIMAL_DIGITS == 100
    assert "MAX_DECIMAL_DIGITS" in payments.__all__
