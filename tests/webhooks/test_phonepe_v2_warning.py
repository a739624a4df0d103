"""S-12: PhonePe v2's Authorization header is a static bearer credential that does not cover
the body; a verified webhook now says so loudly (``UserWarning``), not only in the docs."""

from __future__ import annotations

import hashlib
import json
import warnings

import pytest

from pqpay.exceptions import WebhookSignatureError
from pqpay.webhooks import verify_phonepe_v2

BODY = json.dumps({"event": "checkout.order.completed", "payload": {"orderId": "OMO1"}}).encode()
AUTH = hashlib.sha256(b"hook-user:hook-pass").hexdigest()


def test_verified_v2_webhook_warns() -> None:
    with pytest.warns(UserWarning, match="static credential"):
        event = verify_phonepe_v2(BODY, AUTH, "hook-user", "hook-pass", now=1_780_000_000)
    assert event.body_authenticated is False
    assert "static bearer credential" in (verify_phonepe_v2.__doc__ or "")


def test_silenced_as_documented_and_no_warning_on_failure() -> None:
    with warnings.catch_warnings():
        warnings.simplefilter("error")
        warnings.filterwarnings("ignore", "PhonePe v2", UserWarning)
        verify_phonepe_v2(BODY, AUTH, "hook-user", "hook-pass", now=1_780_000_000)
    with warnings.catch_warnings():
        warnings.simplefilter("error")
        with pytest.raises(WebhookSignatureError):
            verify_phonepe_v2(BODY, "0" * 64, "hook-user", "hook-pass", now=1_780_000_000)
