"""The payment-message layer of pqpay.payments: money rules (integer minor units or decimal
strings, floats refused), canonical signed bytes, COSE_Sign1 and detached-JWS round trips,
batches, and what a verifier refuses."""

from __future__ import annotations

import base64
import re
from decimal import Decimal
from typing import Any

import pytest
from hypothesis import given
from hypothesis import strategies as st

from pqpay import payments, signatures
from pqpay.exceptions import (
    CanonicalizationError,
    EncodingError,
    FloatNotAllowed,
    InvalidSignature,
)

MESSAGE: dict[str, Any] = {
    "id": "pay_01HZX",
    "amount": {"value": 1250, "currency": "EUR", "exponent": 2},
    "fee": "0.35",
    "merchant": {"name": "Caf\u00e9 \u20ac", "mcc": 5814},
    "captured": True,
    "refunds": [],
    "note": None,
}
CANONICAL = (
    '{"amount":{"currency":"EUR","exponent":2,"value":1250},"captured":true,"fee":"0.35",'
    '"id":"pay_01HZX","merchant":{"mcc":5814,"name":"Caf\u00e9 \u20ac"},"note":null,'
    '"refunds":[]}'
).encode()

_KEY = signatures.MLDSA65Ed25519PrivateKey.generate()


def test_canonical_bytes() -> None:
    assert payments.canonicalize_payment(MESSAGE) == CANONICAL
    assert payments.canonicalize_payment(MESSAGE) == payments.canonicalize(MESSAGE)


@pytest.mark.parametrize(
    ("message", "path"),
    [
        ({"amount": 12.5}, '$["amount"]'),
        ({"amount": 12.0}, '$["amount"]'),
        ({"amount": {"value": 0.1}}, '$["amount"]["value"]'),
        ({"lines": [1, 2, {"q": 1e3}]}, '$["lines"][2]["q"]'),
        ({"x": float("nan")}, '$["x"]'),
    ],
)
def test_floats_are_refused(message: dict[str, Any], path: str) -> None:
    with pytest.raises(FloatNotAllowed, match=rf"at {re.escape(path)}: float"):
        payments.canonicalize_payment(message)
    with pytest.raises(FloatNotAllowed):
        payments.sign_payment_cose(_KEY, message)
    with pytest.raises(FloatNotAllowed):
        payments.sign_payment_jws(_KEY, message)


def test_float_error_is_typed() -> None:
    assert issubclass(FloatNotAllowed, CanonicalizationError)
    assert issubclass(CanonicalizationError, EncodingError)
    assert issubclass(FloatNotAllowed, ValueError)


def test_decimals_become_decimal_strings() -> None:
    message = {"a": Decimal("12.50"), "b": Decimal("-0.001"), "c": Decimal("1E+2")}
    assert payments.canonicalize_payment(message) == b'{"a":"12.50","b":"-0.001","c":"100"}'
    for bad in (Decimal("NaN"), Decimal("Infinity"), Decimal("-Infinity"), Decimal("sNaN")):
        with pytest.raises(CanonicalizationError, match="finite"):
            payments.canonicalize_payment({"a": bad})


def test_integer_range() -> None:
    top = payments.MAX_SAFE_INTEGER
    assert payments.canonicalize_payment({"v": top}) == b'{"v":%d}' % top
    with pytest.raises(CanonicalizationError, match="decimal string"):
        payments.canonicalize_payment({"v": top + 1})


def test_a_payment_message_is_an_object() -> None:
    for bad in ([1], "x", 1, None):
        with pytest.raises(TypeError, match="JSON object"):
            payments.canonicalize_payment(bad)  # type: ignore[arg-type]


def test_parse_payment() -> None:
    assert payments.parse_payment(CANONICAL) == MESSAGE
    assert payments.parse_payment(b'{"big": 9007199254740991}') == {"big": 2**53 - 1}
    for text in (b'{"a": 12.5}', b'{"a": 1e2}', b'{"a": 1.0}', b'{"a": [0, -0.0]}'):
        with pytest.raises(FloatNotAllowed, match="fraction or exponent"):
            payments.parse_payment(text)
    with pytest.raises(CanonicalizationError, match="2\\*\\*53"):
        payments.parse_payment(b'{"a": 9007199254740992}')
    with pytest.raises(CanonicalizationError, match="duplicate"):
        payments.parse_payment(b'{"a": 1, "a": 1}')
    with pytest.raises(EncodingError, match="object"):
        payments.parse_payment(b"[1]")


# --- envelopes -------------------------------------------------------------------------------


@pytest.mark.parametrize(
    "algorithm", ["MLDSA65-Ed25519-SHA512", "ML-DSA-65", "MLDSA87-ECDSA-P384-SHA512", "Ed25519"]
)
def test_cose_round_trip(algorithm: str) -> None:
    sk = signatures.PRIVATE_KEY_CLASSES[algorithm].generate()
    pk = sk.public_key()
    cose = payments.sign_payment_cose(sk, MESSAGE, kid=b"gw-2026", external_aad=b"v1")
    assert payments.decode_cose(cose).payload == CANONICAL
    assert payments.verify_payment_cose(pk, cose, external_aad=b"v1") == MESSAGE
    detached = payments.sign_payment_cose(sk, MESSAGE, detached=True)
    assert payments.verify_payment_cose(pk, detached, detached_payload=CANONICAL) == MESSAGE
    with pytest.raises(InvalidSignature):
        payments.verify_payment_cose(pk, cose, external_aad=b"v2")


@pytest.mark.parametrize("algorithm", ["MLDSA65-Ed25519-SHA512", "ML-DSA-44", "Ed25519"])
def test_jws_round_trip(algorithm: str) -> None:
    sk = signatures.PRIVATE_KEY_CLASSES[algorithm].generate()
    pk = sk.public_key()
    body, jws = payments.sign_payment_jws(sk, MESSAGE, kid="gw-2026")
    assert body == CANONICAL
    assert payments.jws_header(jws)["kid"] == "gw-2026"
    assert payments.verify_payment_jws(pk, jws, body) == MESSAGE
    tampered = body.replace(b"1250", b"9250")
    with pytest.raises(InvalidSignature):
        payments.verify_payment_jws(pk, jws, tampered)


def test_decimal_message_round_trip() -> None:
    message = {"amount": Decimal("12.50"), "currency": "USD"}
    cose = payments.sign_payment_cose(_KEY, message)
    assert payments.verify_payment_cose(_KEY.public_key(), cose) == {
        "amount": "12.50",
        "currency": "USD",
    }


@pytest.mark.parametrize(
    ("payload", "exc", "needle"),
    [
        (b'{"b":1,"a":2}', EncodingError, "canonical"),
        (b'{"a": 2}', EncodingError, "canonical"),
        (b'{"a":1.5}', FloatNotAllowed, "fraction"),
        (b"[1,2]", EncodingError, "JSON object"),
        (b'{"a":1,"a":1}', CanonicalizationError, "duplicate"),
        (b"\xff", EncodingError, "UTF-8"),
    ],
)
def test_verifier_refuses_non_canonical_payment_payloads(
    payload: bytes, exc: type[Exception], needle: str
) -> None:
    """A validly signed payload that is not a canonical payment message is still refused."""
    pk = _KEY.public_key()
    with pytest.raises(exc, match=needle):
        payments.verify_payment_cose(pk, payments.sign_cose(_KEY, payload))
    with pytest.raises(exc, match=needle):
        payments.verify_payment_jws(pk, payments.sign_jws(_KEY, payload), payload)


def test_batches() -> None:
    messages = [{"id": f"pay_{i}", "amount": {"value": i, "currency": "EUR"}} for i in range(50)]
    pk = _KEY.public_key()
    coses = payments.sign_payments_cose(_KEY, messages, kid=b"k")
    assert [payments.verify_payment_cose(pk, c) for c in coses] == messages
    signed = payments.sign_payments_jws(_KEY, iter(messages), kid="k")
    assert [payments.verify_payment_jws(pk, jws, body) for body, jws in signed] == messages
    # One bad message fails the whole batch before anything is signed.
    with pytest.raises(FloatNotAllowed, match=r"\$\[\"amount\"\]"):
        payments.sign_payments_cose(_KEY, [*messages, {"amount": 1.5}])


def test_signature_does_not_transfer_between_envelopes() -> None:
    """A COSE signature is over a Sig_structure, a JWS one over the JWS signing input: neither
    verifies as the other."""
    pk = _KEY.public_key()
    cose = payments.decode_cose(payments.sign_payment_cose(_KEY, MESSAGE))
    header = payments.sign_payment_jws(_KEY, MESSAGE)[1].split(".")[0]
    sig = base64.urlsafe_b64encode(cose.signature).rstrip(b"=").decode()
    with pytest.raises(InvalidSignature):
        payments.verify_payment_jws(pk, f"{header}..{sig}", CANONICAL)


# --- generated messages ----------------------------------------------------------------------

_money = st.integers(-payments.MAX_SAFE_INTEGER, payments.MAX_SAFE_INTEGER) | st.decimals(
    allow_nan=False, allow_infinity=False, places=2
)
_leaf = st.none() | st.booleans() | st.text(max_size=10) | _money
_value = st.recursive(
    _leaf,
    lambda inner: (
        st.lists(inner, max_size=4) | st.dictionaries(st.text(max_size=8), inner, max_size=4)
    ),
    max_leaves=20,
)
_message = st.dictionaries(st.text(max_size=8), _value, max_size=6)


def _as_received(value: Any) -> Any:
    """What a verifier gets back: Decimals arrive as decimal strings."""
    if isinstance(value, Decimal):
        return format(value, "f")
    if isinstance(value, dict):
        return {k: _as_received(v) for k, v in value.items()}
    if isinstance(value, list):
        return [_as_received(v) for v in value]
    return value


@given(_message)
def test_generated_messages_round_trip(message: dict[str, Any]) -> None:
    body, jws = payments.sign_payment_jws(_KEY, message)
    assert payments.parse_payment(body) == _as_received(message)
    assert payments.verify_payment_jws(_KEY.public_key(), jws, body) == _as_received(message)
    assert payments.canonicalize_payment(_as_received(message)) == body
