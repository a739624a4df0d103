"""S-7: a multi-item Adyen body is remembered all-or-nothing.

Before the fix, [A new, B seen] raised for B after storing A, so A's retry was a "replay" and A
was lost; a body repeating one item's triple was refused as its own replay."""

from __future__ import annotations

import base64
import hashlib
import hmac
import json
from collections.abc import Sequence
from typing import Any

import pytest

from pqpay.exceptions import ReplayStoreFull, WebhookReplayError
from pqpay.interfaces import SeenNonceStore
from pqpay.replay import MemoryNonceStore
from pqpay.webhooks import verify_adyen

NOW = 1_780_000_000
KEY = "44782DEF547AAA06C910C43932B1EB0C71FC68D9D0C057550C48EC2ACF6BA056"


def item(psp: str, event: str = "AUTHORISATION") -> dict[str, Any]:
    fields = {
        "pspReference": psp,
        "merchantAccountCode": "PqpayShopECOM",
        "merchantReference": "order-" + psp,
        "amount": {"value": 1000, "currency": "EUR"},
        "eventCode": event,
        "success": "true",
    }
    signed = ":".join(
        [psp, "", "PqpayShopECOM", "order-" + psp, "1000", "EUR", event, "true"]
    ).encode()
    mac = hmac.new(bytes.fromhex(KEY), signed, hashlib.sha256).digest()
    fields["additionalData"] = {"hmacSignature": base64.b64encode(mac).decode()}
    return fields


def body(*items: dict[str, Any]) -> bytes:
    wrapped = [{"NotificationRequestItem": i} for i in items]
    return json.dumps({"live": "false", "notificationItems": wrapped}).encode()


A, B = item("AAAA000000000001"), item("BBBB000000000002")


def test_partly_replayed_body_remembers_nothing() -> None:
    store = MemoryNonceStore()
    verify_adyen(body(B), KEY, now=NOW, store=store)
    with pytest.raises(WebhookReplayError):
        verify_adyen(body(A, B), KEY, now=NOW, store=store)
    # A was not consumed by the refused body: its delivery alone is accepted.
    event = verify_adyen(body(A), KEY, now=NOW, store=store)
    assert event.event_id == "AAAA000000000001"
    assert len(store) == 2


def test_new_multi_item_body_remembers_every_item() -> None:
    store = MemoryNonceStore()
    verify_adyen(body(A, B), KEY, now=NOW, store=store)
    for single in (A, B):
        with pytest.raises(WebhookReplayError):
            verify_adyen(body(single), KEY, now=NOW + 1, store=store)


def test_a_triple_repeated_in_one_body_counts_once() -> None:
    store = MemoryNonceStore()
    verify_adyen(body(A, A), KEY, now=NOW, store=store)
    assert len(store) == 1


class OneKeyStore:
    """A custom store written before check_and_remember_many existed."""

    def __init__(self) -> None:
        self.inner = MemoryNonceStore()

    def check_and_remember(self, key: str, expires_at: float, now: float) -> bool:
        return self.inner.check_and_remember(key, expires_at, now)


def test_store_without_the_atomic_call_is_refused_for_several_items() -> None:
    store = OneKeyStore()
    verify_adyen(body(A), KEY, now=NOW, store=store)  # type: ignore[arg-type]
    with pytest.raises(TypeError, match="check_and_remember_many"):
        verify_adyen(body(A, B), KEY, now=NOW, store=store)  # type: ignore[arg-type]
    assert len(store.inner) == 1  # B was not remembered one by one


def test_memory_store_many_is_all_or_nothing() -> None:
    store = MemoryNonceStore(max_entries=3)
    assert isinstance(store, SeenNonceStore)
    assert store.check_and_remember_many(["a", "b", "a"], NOW + 10, NOW)
    assert len(store) == 2
    assert not store.check_and_remember_many(["c", "b"], NOW + 10, NOW)
    assert len(store) == 2  # c not stored
    with pytest.raises(ReplayStoreFull):
        store.check_and_remember_many(["c", "d"], NOW + 10, NOW)
    assert store.check_and_remember("c", NOW + 10, NOW)  # nothing of c, d was kept
    assert store.check_and_remember_many(["a", "b"], NOW + 20, NOW + 10)  # expired: new
    assert store.check_and_remember_many(["x"], NOW, NOW)  # already expired: not stored
    keys: Sequence[str] = ()
    assert store.check_and_remember_many(keys, NOW + 30, NOW + 10)


@pytest.mark.parametrize("keys", ["ab", b"ab", [1], None])
def test_memory_store_many_type_checks(keys: object) -> None:
    with pytest.raises(TypeError):
        MemoryNonceStore().check_and_remember_many(keys, NOW + 10, NOW)  # type: ignore[arg-type]
