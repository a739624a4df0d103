"""Strict base64 (RFC 4648), standard and URL-safe, encode and decode (foundation layer).

One definition for every format pqpay reads: a value has exactly one accepted spelling (the
alphabet only, padding as the format requires, no stray low bits in the last character), so
two different strings never decode to the same bytes. Each caller names the value (``what``)
and the exception type its API documents (an ``EncodingError`` by default; webhooks raise
``WebhookFormatError``).
"""

from __future__ import annotations

import base64
import binascii
import re

from pqpay.exceptions import EncodingError

__all__ = ["decode_std", "decode_url", "encode_std", "encode_url"]

_URL_ALPHABET = re.compile(r"[A-Za-z0-9_-]*")


def encode_std(data: bytes) -> str:
    """Standard base64 with padding."""
    return base64.b64encode(data).decode("ascii")


def encode_url(data: bytes) -> str:
    """Unpadded base64url (RFC 7515 §2)."""
    return base64.urlsafe_b64encode(data).rstrip(b"=").decode("ascii")


def decode_std(
    text: object, what: str, error: type[ValueError] = EncodingError, *, non_empty: bool = False
) -> bytes:
    """Standard padded base64 in its one canonical form.

    :param what: names the value in the message (``"receipt envelope"``, ``"a signature"``).
    :param error: the exception raised (a ``ValueError`` subclass).
    :param non_empty: refuse the empty string too.
    :raises error: not a str, outside the alphabet, wrong padding, or not canonical.
    """
    if not isinstance(text, str):
        raise error(f"{what} must be a base64 string")
    try:
        raw = base64.b64decode(text.encode("ascii"), validate=True)
    except (binascii.Error, UnicodeEncodeError):
        raise error(f"{what} is not valid padded base64") from None
    if encode_std(raw) != text:  # one encoding per value: no stray bits, no extra '='
        raise error(f"{what} is not canonical base64")
    if non_empty and not raw:
        raise error(f"{what} is empty")
    return raw


def decode_url(text: object, what: str, error: type[ValueError] = EncodingError) -> bytes:
    """Unpadded base64url (RFC 7515 §2) in its one canonical form.

    :raises error: not a str, padded, outside the alphabet, or stray low bits.
    """
    if not isinstance(text, str):
        raise error(f"{what} must be a base64url string")
    if "=" in text:
        raise error(f"{what}: base64url must be unpadded (RFC 7515 §2)")
    if not _URL_ALPHABET.fullmatch(text) or len(text) % 4 == 1:
        raise error(f"{what} is not valid unpadded base64url (RFC 7515 §2)")
    try:
        raw = base64.urlsafe_b64decode(text + "=" * (-len(text) % 4))
    except binascii.Error:  # pragma: no cover - the checks above catch every case
        raise error(f"{what} is not valid base64url") from None
    if encode_url(raw) != text:
        raise error(f"{what}: non-canonical base64url (stray low bits)")
    return raw
