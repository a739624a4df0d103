"""S-12: one request-signing client key cannot fill a ``MemoryNonceStore`` and lock every other
client out; each key id has its own quota (a quarter of the store by default)."""

from __future__ import annotations

import pytest

from pqpay.exceptions import ReplayStoreFull
from pqpay.replay import MemoryNonceStore, request_key_group
from pqpay.request_signing import sign_request, verify_request

T = 1_780_000_000
SECRETS = {"noisy": b"n" * 32, "quiet": b"q" * 32}


def _send(store: MemoryNonceStore, key_id: str, n: int) -> None:
    nonce = f"{key_id}-nonce-{n:010d}"
    headers = sign_request(
        "POST", "/v1/pay", b"{}", SECRETS[key_id], key_id=key_id, now=T, nonce=nonce
    )
    verify_request("POST", "/v1/pay", b"{}", headers, SECRETS, now=T, store=store)


def test_one_key_cannot_lock_out_another() -> None:
    store = MemoryNonceStore(max_entries=8)
    sent = 0
    with pytest.raises(ReplayStoreFull, match="noisy"):
        for sent in range(8):
            _send(store, "noisy", sent)
    assert sent == 2  # the quota: 8 // 4
    for n in range(2):
        _send(store, "quiet", n)  # another client still gets in


def test_quota_is_released_when_ids_expire() -> None:
    store = MemoryNonceStore(max_entries=8, max_per_group=2)
    assert store.max_per_group == 2
    store.check_and_remember("request:a:n1", T + 10, T)
    store.check_and_remember("request:a:n2", T + 10, T)
    with pytest.raises(ReplayStoreFull):
        store.check_and_remember("request:a:n3", T + 10, T)
    with pytest.raises(ReplayStoreFull):  # all-or-nothing: nothing of the batch is kept
        store.check_and_remember_many(["request:b:1", "request:b:2", "request:b:3"], T + 10, T)
    assert len(store) == 2
    assert store.check_and_remember("request:a:n3", T + 20, T + 10)  # n1, n2 expired


def test_webhook_ids_use_the_whole_store_and_custom_groups() -> None:
    store = MemoryNonceStore(max_entries=8)
    for n in range(8):  # one provider's ids are in no group
        assert store.check_and_remember(f"stripe:event:evt_{n}", T + 10, T)
    by_tenant = MemoryNonceStore(max_entries=8, max_per_group=1, group=lambda k: k.split("/")[0])
    assert by_tenant.check_and_remember("t1/x", T + 10, T)
    with pytest.raises(ReplayStoreFull, match="t1"):
        by_tenant.check_and_remember("t1/y", T + 10, T)
    assert by_tenant.check_and_remember("t2/x", T + 10, T)


@pytest.mark.parametrize("bad", [0, -1, True, 1.5])
def test_bad_quota(bad: object) -> None:
    with pytest.raises((TypeError, ValueError)):
        MemoryNonceStore(max_entries=8, max_per_group=bad)  # type: ignore[arg-type]
    with pytest.raises(TypeError):
        MemoryNonceStore(group="request")  # type: ignore[arg-type]


def test_key_ids_with_colons_get_their_own_groups() -> None:
    assert request_key_group("request:a:b:nonce-0000000001") == "request:a:b"
    assert request_key_group("request:a:nonce-0000000001") == "request:a"
    assert request_key_group("request:") is None
    assert request_key_group("request:nonce") is None
    assert request_key_group("stripe:event:evt_1") is None
