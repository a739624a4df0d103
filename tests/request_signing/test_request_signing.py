"""pqpay.request_signing: HMAC-SHA256 request signing, its verifier, replay window and rotation.

Expected signatures are recomputed here from the documented canonical string with the
standard library, independently of the module.
"""

from __future__ import annotations

import hashlib
import hmac

import pytest

from pqpay.exceptions import (
    InvalidSignature,
    WebhookFormatError,
    WebhookReplayError,
    WebhookSignatureError,
    WebhookTimestampError,
)
from pqpay.replay import MemoryNonceStore
from pqpay.request_signing import (
    HEADER_CONTENT_SHA256,
    HEADER_KEY_ID,
    HEADER_NONCE,
    HEADER_SIGNATURE,
    HEADER_TIMESTAMP,
    canonical_request,
    sign_request,
    verify_request,
)

NOW = 1_800_000_000
SECRET = bytes(range(32))
OTHER = bytes(range(1, 33))
BODY = b'{"amount":"10.00","currency":"EUR","order":"o-42"}'
TARGET = "/v1/payments?capture=true&limit=10"
NONCE = "AAECAwQFBgcICQoLDA0ODw"


def _sign(**overrides: object) -> dict[str, str]:
    args: dict[str, object] = {
        "method": "POST",
        "target": TARGET,
        "body": BODY,
        "secret": SECRET,
        "key_id": "k1",
        "now": NOW,
        "nonce": NONCE,
    }
    args.update(overrides)
    return sign_request(**args)  # type: ignore[arg-type]


def _verify(headers: dict[str, str], **overrides: object) -> object:
    args: dict[str, object] = {
        "method": "POST",
        "target": TARGET,
        "body": BODY,
        "headers": headers,
        "secrets": {"k1": SECRET},
        "now": NOW,
    }
    args.update(overrides)
    return verify_request(**args)  # type: ignore[arg-type]


def test_signature_matches_the_documented_canonical_string() -> None:
    headers = _sign()
    digest = hashlib.sha256(BODY).hexdigest()
    canonical = f"PQPAY-HMAC-SHA256\nk1\nPOST\n{TARGET}\n{NOW}\n{NONCE}\n{digest}".encode()
    assert canonical_request("post", TARGET, digest, NOW, NONCE, "k1") == canonical
    expected = hmac.new(SECRET, canonical, hashlib.sha256).hexdigest()
    assert headers == {
        HEADER_KEY_ID: "k1",
        HEADER_TIMESTAMP: str(NOW),
        HEADER_NONCE: NONCE,
        HEADER_CONTENT_SHA256: digest,
        HEADER_SIGNATURE: f"v1={expected}",
    }


def test_round_trip_and_result() -> None:
    result = _verify(_sign())
    assert result.key_id == "k1"  # type: ignore[attr-defined]
    assert result.timestamp == NOW  # type: ignore[attr-defined]
    assert result.nonce == NONCE  # type: ignore[attr-defined]


def test_random_nonces_differ_and_default_clock_works() -> None:
    a = sign_request("GET", "/v1/ping", b"", SECRET, key_id="k1")
    b = sign_request("GET", "/v1/ping", b"", SECRET, key_id="k1")
    assert a[HEADER_NONCE] != b[HEADER_NONCE]
    assert len(a[HEADER_NONCE]) == 22
    verify_request("GET", "/v1/ping", b"", a, {"k1": SECRET})
    assert a[HEADER_CONTENT_SHA256] == hashlib.sha256(b"").hexdigest()


def test_header_names_are_case_insensitive() -> None:
    headers = {k.lower(): v for k, v in _sign().items()}
    _verify(headers)
    _verify({k.upper(): v for k, v in _sign().items()})


@pytest.mark.parametrize(
    ("field", "value"),
    [
        ("method", "PUT"),
        ("target", "/v1/payments?capture=false&limit=10"),
        ("target", "/v1/payments?limit=10&capture=true"),
        ("target", "/v1/refunds?capture=true&limit=10"),
        ("body", BODY.replace(b"10.00", b"99.00")),
        ("body", BODY + b" "),
        ("body", b""),
    ],
)
def test_tampered_request_is_rejected(field: str, value: object) -> None:
    headers = _sign()
    with pytest.raises(WebhookSignatureError):
        _verify(headers, **{field: value})


@pytest.mark.parametrize(
    ("header", "value"),
    [
        (HEADER_TIMESTAMP, str(NOW + 1)),
        (HEADER_NONCE, "BAECAwQFBgcICQoLDA0ODw"),
        (HEADER_CONTENT_SHA256, hashlib.sha256(b"other").hexdigest()),
        (HEADER_SIGNATURE, "v1=" + "0" * 64),
    ],
)
def test_tampered_signed_header_is_rejected(header: str, value: str) -> None:
    headers = _sign()
    headers[header] = value
    with pytest.raises(WebhookSignatureError):
        _verify(headers)


def test_digest_header_and_body_changed_together_is_rejected() -> None:
    headers = _sign()
    forged = b'{"amount":"99.00"}'
    headers[HEADER_CONTENT_SHA256] = hashlib.sha256(forged).hexdigest()
    with pytest.raises(WebhookSignatureError):
        _verify(headers, body=forged)


def test_wrong_secret_and_unknown_key_id() -> None:
    with pytest.raises(WebhookSignatureError):
        _verify(_sign(secret=OTHER))
    with pytest.raises(WebhookSignatureError):
        _verify(_sign(key_id="k9"))
    headers = _sign()
    headers[HEADER_KEY_ID] = "k2"
    with pytest.raises(WebhookSignatureError):
        _verify(headers, secrets={"k1": SECRET, "k2": SECRET})
    assert issubclass(WebhookSignatureError, InvalidSignature)


def test_key_rotation() -> None:
    secrets = {"2026-01": SECRET, "2026-07": OTHER}
    _verify(_sign(key_id="2026-01"), secrets=secrets)
    _verify(_sign(key_id="2026-07", secret=OTHER), secrets=secrets)
    with pytest.raises(WebhookSignatureError):
        _verify(_sign(key_id="2026-07", secret=SECRET), secrets=secrets)


@pytest.mark.parametrize("skew", [-300, 300, 0, -1, 1])
def test_inside_window(skew: int) -> None:
    _verify(_sign(now=NOW + skew))


@pytest.mark.parametrize(("skew", "match"), [(-301, "old"), (301, "future"), (-86400, "old")])
def test_outside_window(skew: int, match: str) -> None:
    with pytest.raises(WebhookTimestampError, match=match):
        _verify(_sign(now=NOW + skew))


def test_custom_tolerance() -> None:
    headers = _sign(now=NOW - 30)
    _verify(headers, tolerance=30)
    with pytest.raises(WebhookTimestampError):
        _verify(headers, tolerance=29)


def test_replayed_nonce_is_rejected_until_window_ends() -> None:
    store = MemoryNonceStore()
    headers = _sign()
    _verify(headers, store=store)
    with pytest.raises(WebhookReplayError) as info:
        _verify(headers, store=store, now=NOW + 200)
    assert info.value.key == f"request:k1:{NONCE}"
    # The same nonce on a different request is still a replay of the nonce.
    with pytest.raises(WebhookReplayError):
        _verify(_sign(body=b"{}"), store=store, body=b"{}")
    # After the window the timestamp check refuses it, so the store may forget it.
    with pytest.raises(WebhookTimestampError):
        _verify(headers, store=store, now=NOW + 301)
    assert len(store) == 1
    # A fresh nonce passes; nonces are per key id.
    _verify(_sign(nonce="ZZZZZZZZZZZZZZZZZZZZZZ"), store=store)
    _verify(_sign(key_id="k2", secret=OTHER), store=store, secrets={"k2": OTHER})


def test_replay_store_only_records_authentic_requests() -> None:
    store = MemoryNonceStore()
    headers = _sign(secret=OTHER)
    with pytest.raises(WebhookSignatureError):
        _verify(headers, store=store)
    assert len(store) == 0
    _verify(_sign(), store=store)


@pytest.mark.parametrize(
    "header",
    [HEADER_KEY_ID, HEADER_TIMESTAMP, HEADER_NONCE, HEADER_CONTENT_SHA256, HEADER_SIGNATURE],
)
def test_missing_header(header: str) -> None:
    headers = _sign()
    del headers[header]
    with pytest.raises(WebhookFormatError, match="missing"):
        _verify(headers)


@pytest.mark.parametrize(
    ("header", "value"),
    [
        (HEADER_TIMESTAMP, "-5"),
        (HEADER_TIMESTAMP, "1.5"),
        (HEADER_TIMESTAMP, ""),
        (HEADER_NONCE, "short"),
        (HEADER_NONCE, "has space in it!!!!!!!"),
        (HEADER_KEY_ID, "bad key"),
        (HEADER_CONTENT_SHA256, "ABCD"),
        (HEADER_SIGNATURE, "v2=" + "0" * 64),
        (HEADER_SIGNATURE, "0" * 64),
        (HEADER_SIGNATURE, "v1=" + "0" * 63),
        (HEADER_SIGNATURE, "v1=" + "G" * 64),
    ],
)
def test_malformed_header(header: str, value: str) -> None:
    headers = _sign()
    headers[header] = value
    with pytest.raises(WebhookFormatError):
        _verify(headers)


def test_duplicate_header_names_are_refused() -> None:
    headers = _sign()
    headers[HEADER_NONCE.lower()] = headers[HEADER_NONCE]
    with pytest.raises(WebhookFormatError, match="more than once"):
        _verify(headers)


@pytest.mark.parametrize("target", ["v1/payments", "/v1/pay ments", "/v1/\n", "/v1/caf\u00e9", ""])
def test_ambiguous_targets_are_refused(target: str) -> None:
    with pytest.raises(ValueError, match="target"):
        _sign(target=target)
    with pytest.raises(WebhookFormatError, match="target"):
        _verify(_sign(), target=target)


def test_bad_arguments() -> None:
    with pytest.raises(ValueError, match="at least 32 bytes"):
        _sign(secret=b"short")
    with pytest.raises(ValueError, match="method"):
        _sign(method="PO ST")
    with pytest.raises(ValueError, match="nonce"):
        _sign(nonce="x")
    with pytest.raises(TypeError):
        _sign(body="text")
    with pytest.raises(ValueError, match="non-empty"):
        _verify(_sign(), secrets={})
    with pytest.raises(TypeError):
        _verify([("a", "b")])  # type: ignore[arg-type]
