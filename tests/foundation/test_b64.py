"""pqpay._b64: the one strict base64 codec (standard padded and unpadded URL-safe)."""

from __future__ import annotations

import base64

import pytest
from hypothesis import given
from hypothesis import strategies as st

from pqpay._b64 import decode_std, decode_url, encode_std, encode_url
from pqpay.exceptions import EncodingError, WebhookFormatError


@given(st.binary(max_size=64))
def test_round_trips_match_the_stdlib(data: bytes) -> None:
    assert encode_std(data) == base64.b64encode(data).decode()
    assert encode_url(data) == base64.urlsafe_b64encode(data).rstrip(b"=").decode()
    assert decode_std(encode_std(data), "x") == data
    assert decode_url(encode_url(data), "x") == data


@pytest.mark.parametrize(
    ("text", "message"),
    [
        ("QQ", "not valid padded base64"),  # padding missing
        ("QQ===", "not valid padded base64"),
        ("Q Q==", "not valid padded base64"),
        ("QR==", "not canonical"),  # stray low bits
        ("é===", "not valid padded base64"),
        ("-_8=", "not valid padded base64"),  # the URL alphabet
    ],
)
def test_decode_std_refuses_every_other_spelling(text: str, message: str) -> None:
    with pytest.raises(EncodingError, match=message):
        decode_std(text, "the value")


@pytest.mark.parametrize(
    ("text", "message"),
    [
        ("QQ==", "must be unpadded"),
        ("Q", "not valid unpadded base64url"),  # a length no encoding has
        ("+/8", "not valid unpadded base64url"),  # the standard alphabet
        ("QR", "non-canonical"),
    ],
)
def test_decode_url_refuses_every_other_spelling(text: str, message: str) -> None:
    with pytest.raises(EncodingError, match=message):
        decode_url(text, "the value")


def test_caller_names_the_value_and_the_error_type() -> None:
    with pytest.raises(WebhookFormatError, match=r"^HmacSignature is empty$"):
        decode_std("", "HmacSignature", WebhookFormatError, non_empty=True)
    assert decode_std("", "x") == b""
    with pytest.raises(EncodingError, match="receipt envelope must be a base64 string"):
        decode_std(b"QQ==", "receipt envelope")
    with pytest.raises(EncodingError, match="must be a base64url string"):
        decode_url(None, "x")
