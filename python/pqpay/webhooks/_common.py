"""What the webhook verifiers share: the verified event, header/secret/hex/base64/JSON
helpers, the replay-store step and the default replay TTL (:mod:`pqpay.webhooks`)."""

from __future__ import annotations

import hashlib
import hmac
import json
import re
from collections.abc import Sequence
from dataclasses import dataclass, field
from datetime import datetime
from typing import Any, Final

from pqpay._b64 import decode_std
from pqpay._bytes import HEX64
from pqpay.exceptions import (
    WebhookFormatError,
    WebhookReplayError,
    WebhookSignatureError,
    WebhookTimestampError,
)
from pqpay.interfaces import SeenNonceStore
from pqpay.replay import check_timestamp

__all__ = [
    "DEFAULT_REPLAY_TTL",
    "DIGITS",
    "HEX64",
    "WebhookEvent",
    "any_hex_match",
    "b64decode",
    "check_hmac_sha256_hex",
    "header_text",
    "hex64_header",
    "json_body",
    "remember",
    "remember_all",
    "rfc3339",
    "secret_bytes",
    "signed_timestamp_in_window",
    "str_field",
    "ttl",
    "utf8",
]

#: How long ids of schemes without a signed timestamp are remembered: three days.
DEFAULT_REPLAY_TTL: Final = 3 * 24 * 3600

DIGITS = re.compile(r"[0-9]{1,12}")


@dataclass(frozen=True)
class WebhookEvent:
    """A verified webhook.

    ``payload`` is the parsed JSON body (for PhonePe v1, the decoded ``response`` object);
    ``body`` the verified raw bytes; ``event_id`` the provider's id for the event or delivery
    (``None`` when the scheme has none); ``timestamp`` the signed time, when the scheme signs
    one; ``body_authenticated`` is ``False`` only for PhonePe v2, whose header does not cover
    the body.
    """

    provider: str
    event_id: str | None
    payload: Any = field(repr=False)
    body: bytes = field(repr=False)
    timestamp: int | None = None
    body_authenticated: bool = True


def secret_bytes(secret: str | bytes, what: str) -> bytes:
    if isinstance(secret, str):
        key = secret.encode()
    elif isinstance(secret, (bytes, bytearray, memoryview)):
        key = bytes(secret)
    else:
        raise TypeError(f"{what} must be str or bytes, not {type(secret).__name__}")
    if not key:
        raise ValueError(f"{what} must not be empty")
    return key


def header_text(value: str | bytes, name: str) -> str:
    """A header value as ASCII text (HTTP field values are ASCII in practice)."""
    if isinstance(value, (bytes, bytearray, memoryview)):
        try:
            return bytes(value).decode("ascii")
        except UnicodeDecodeError:
            raise WebhookFormatError(f"{name}: expected ASCII text") from None
    if not isinstance(value, str):
        raise TypeError(f"{name} must be str or bytes, not {type(value).__name__}")
    if not value.isascii():
        raise WebhookFormatError(f"{name}: expected ASCII text")
    return value


def hex64_header(value: str | bytes, name: str) -> str:
    text = header_text(value, name).strip()
    if not HEX64.fullmatch(text):
        raise WebhookFormatError(f"{name}: expected 64 hex digits (HMAC-SHA256)")
    return text


def any_hex_match(expected_hex: str, candidates: list[str]) -> str | None:
    """The first candidate equal to ``expected_hex`` (case-insensitive hex), compared in
    constant time; every candidate is compared, so timing does not show which matched."""
    expected = expected_hex.encode()
    found: str | None = None
    for candidate in candidates:
        if hmac.compare_digest(expected, candidate.lower().encode()) and found is None:
            found = candidate.lower()
    return found


def check_hmac_sha256_hex(key: bytes, message: bytes, candidates: list[str]) -> str:
    """``hex(HMAC-SHA256(key, message))`` once one of ``candidates`` matches it (compared as
    :func:`any_hex_match` does). :raises WebhookSignatureError: none matches."""
    expected = hmac.new(key, message, hashlib.sha256).hexdigest()
    if any_hex_match(expected, candidates) is None:
        raise WebhookSignatureError()
    return expected


def b64decode(value: str | bytes, name: str) -> bytes:
    # Only the canonical encoding (padded, no stray bits or extra '='), so one value has one
    # spelling.
    return decode_std(header_text(value, name).strip(), name, WebhookFormatError, non_empty=True)


def json_body(data: bytes, what: str) -> Any:
    """``data`` parsed as JSON; ``WebhookFormatError`` for anything else, including nesting too
    deep for the parser (``RecursionError``: several verifiers parse before authenticating)."""
    try:
        return json.loads(data)
    except (UnicodeDecodeError, ValueError) as exc:
        raise WebhookFormatError(f"{what} is not valid UTF-8 JSON: {exc}") from None
    except RecursionError:
        raise WebhookFormatError(f"{what} is nested too deeply to parse") from None


def utf8(text: str, what: str) -> bytes:
    """``text`` as UTF-8; ``WebhookFormatError`` for a lone surrogate (JSON's ``"\\ud800"``
    and Python ``str`` allow one, UTF-8 has no encoding for it)."""
    try:
        return text.encode()
    except UnicodeEncodeError:
        raise WebhookFormatError(f"{what}: a lone surrogate is not encodable as UTF-8") from None


def str_field(obj: Any, name: str) -> str | None:
    if isinstance(obj, dict):
        value = obj.get(name)
        if isinstance(value, str) and value:
            return value
    return None


def rfc3339(text: str, name: str) -> int:
    try:
        moment = datetime.fromisoformat(text)
    except ValueError:
        raise WebhookFormatError(
            f"{name}: expected an ISO 8601 date-time such as 2024-05-01T12:00:00Z, got {text!r}"
        ) from None
    if moment.tzinfo is None:
        raise WebhookFormatError(f"{name}: the date-time must carry a UTC offset or 'Z'")
    return int(moment.timestamp())


def ttl(replay_ttl: float) -> float:
    if isinstance(replay_ttl, bool) or not isinstance(replay_ttl, (int, float)) or replay_ttl <= 0:
        raise ValueError(f"replay_ttl must be a positive number of seconds, got {replay_ttl!r}")
    return float(replay_ttl)


def remember(store: SeenNonceStore | None, key: str, expires_at: float, now: float) -> None:
    if store is not None and not store.check_and_remember(key, expires_at, now):
        raise WebhookReplayError(f"already seen: {key}", key)


def remember_all(
    store: SeenNonceStore | None, keys: Sequence[str], expires_at: float, now: float
) -> None:
    """Remembers every key of one request, or none (:meth:`SeenNonceStore.check_and_remember_many`).

    One distinct key goes through :func:`remember`, so any store works; several need the
    store's atomic ``check_and_remember_many``, and a store without it is refused with
    ``TypeError`` (remembering them one by one would lose the new ones of a partly replayed
    request). ``WebhookReplayError.key`` is the request's first key; nothing was remembered.
    """
    if store is None:
        return
    unique = list(dict.fromkeys(keys))
    if len(unique) == 1:
        remember(store, unique[0], expires_at, now)
        return
    many = getattr(store, "check_and_remember_many", None)
    if not callable(many):
        raise TypeError(
            f"{type(store).__name__} has no check_and_remember_many: a request with several "
            "replay ids needs the store to decide them all at once (see pqpay.replay)"
        )
    if not many(unique, expires_at, now):
        raise WebhookReplayError(
            f"already seen: at least one of {len(unique)} ids, first {unique[0]}; "
            "nothing of this request was remembered",
            unique[0],
        )


def signed_timestamp_in_window(timestamp: int, now: float, tolerance: float, what: str) -> None:
    """:func:`pqpay.replay.check_timestamp`, raising the webhooks' ``WebhookTimestampError``."""
    check_timestamp(timestamp, now=now, tolerance=tolerance, what=what, error=WebhookTimestampError)
