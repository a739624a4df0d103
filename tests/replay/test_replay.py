"""pqpay.replay: the in-memory seen-nonce store (TTL, bound, atomicity) and timestamp windows."""

from __future__ import annotations

import threading

import pytest

from pqpay.exceptions import (
    PqpayError,
    ReplayStoreFull,
    TimestampError,
    WebhookError,
    WebhookTimestampError,
)
from pqpay.replay import MemoryNonceStore, SeenNonceStore, check_timestamp, resolve_now

NOW = 1_800_000_000.0


def test_new_key_is_remembered_until_expiry() -> None:
    store = MemoryNonceStore()
    assert store.check_and_remember("a", NOW + 10, NOW)
    assert not store.check_and_remember("a", NOW + 10, NOW)
    assert not store.check_and_remember("a", NOW + 99, NOW + 9.999)
    # At its expiry the entry is gone and the key is new again.
    assert store.check_and_remember("a", NOW + 20, NOW + 10)
    assert not store.check_and_remember("a", NOW + 20, NOW + 19)
    assert len(store) == 1


def test_refusal_changes_nothing() -> None:
    store = MemoryNonceStore()
    assert store.check_and_remember("a", NOW + 10, NOW)
    # A second attempt with a later expiry does not extend the first one.
    assert not store.check_and_remember("a", NOW + 1000, NOW + 1)
    assert store.check_and_remember("a", NOW + 30, NOW + 10)


def test_already_expired_key_is_new_and_not_stored() -> None:
    store = MemoryNonceStore()
    assert store.check_and_remember("a", NOW, NOW)
    assert store.check_and_remember("a", NOW - 5, NOW)
    assert len(store) == 0


def test_keys_are_independent() -> None:
    store = MemoryNonceStore()
    assert store.check_and_remember("stripe:event:1", NOW + 10, NOW)
    assert store.check_and_remember("stripe:event:2", NOW + 10, NOW)
    assert store.check_and_remember("coinbase:event:1", NOW + 10, NOW)
    assert not store.check_and_remember("stripe:event:2", NOW + 10, NOW)


def test_bounded_store_refuses_rather_than_forgets() -> None:
    store = MemoryNonceStore(max_entries=3)
    for n in range(3):
        assert store.check_and_remember(f"k{n}", NOW + 10 + n, NOW)
    with pytest.raises(ReplayStoreFull, match="3 unexpired ids"):
        store.check_and_remember("k3", NOW + 10, NOW)
    # Still remembered: nothing was evicted to make room.
    for n in range(3):
        assert not store.check_and_remember(f"k{n}", NOW + 10, NOW + 1)
    # Once the first expires there is room again, and only it was dropped.
    assert store.check_and_remember("k3", NOW + 50, NOW + 10)
    assert not store.check_and_remember("k1", NOW + 50, NOW + 10)
    # k1, k2 and k3 are live, so the store is full again.
    with pytest.raises(ReplayStoreFull):
        store.check_and_remember("k0", NOW + 50, NOW + 10.5)
    assert issubclass(ReplayStoreFull, PqpayError)


def test_expiry_order_is_respected_with_many_entries() -> None:
    store = MemoryNonceStore(max_entries=2000)
    # Inserted in a scrambled expiry order.
    for n in range(1000):
        expiry = NOW + 1 + (n * 7919) % 1000
        assert store.check_and_remember(f"k{n}", expiry, NOW)
    assert len(store) == 1000
    store.check_and_remember("probe", NOW + 2000, NOW + 500.5)
    # Entries expiring at NOW+1 .. NOW+500 are gone, the other 500 remain, plus the probe.
    assert len(store) == 501
    for n in range(1000):
        expiry = NOW + 1 + (n * 7919) % 1000
        assert store.check_and_remember(f"k{n}", NOW + 5000, NOW + 500.5) == (expiry <= NOW + 500.5)


def test_concurrent_same_key_admits_exactly_one() -> None:
    store = MemoryNonceStore()
    results: list[bool] = []
    lock = threading.Lock()
    start = threading.Barrier(16)

    def worker() -> None:
        start.wait()
        for n in range(200):
            ok = store.check_and_remember(f"race-{n}", NOW + 60, NOW)
            with lock:
                results.append(ok)

    threads = [threading.Thread(target=worker) for _ in range(16)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    assert len(results) == 16 * 200
    assert sum(results) == 200
    assert len(store) == 200


def test_concurrent_distinct_keys_all_admitted() -> None:
    store = MemoryNonceStore(max_entries=8 * 500)
    start = threading.Barrier(8)

    def worker(w: int) -> None:
        start.wait()
        for n in range(500):
            assert store.check_and_remember(f"{w}-{n}", NOW + 60 + n, NOW)

    threads = [threading.Thread(target=worker, args=(w,)) for w in range(8)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    assert len(store) == 4000
    with pytest.raises(ReplayStoreFull):
        store.check_and_remember("one-more", NOW + 60, NOW)


def test_store_is_a_seen_nonce_store_and_repr_has_no_keys() -> None:
    store = MemoryNonceStore(max_entries=5)
    store.check_and_remember("secret-nonce", NOW + 1, NOW)
    assert isinstance(store, SeenNonceStore)
    assert "secret-nonce" not in repr(store)
    assert store.max_entries == 5


@pytest.mark.parametrize("bad", [0, -1])
def test_max_entries_must_be_positive(bad: int) -> None:
    with pytest.raises(ValueError, match="at least 1"):
        MemoryNonceStore(max_entries=bad)


@pytest.mark.parametrize("bad", [1.5, "10", True, None])
def test_max_entries_must_be_int(bad: object) -> None:
    with pytest.raises(TypeError):
        MemoryNonceStore(max_entries=bad)  # type: ignore[arg-type]


def test_store_rejects_bad_arguments() -> None:
    store = MemoryNonceStore()
    with pytest.raises(TypeError):
        store.check_and_remember(b"bytes-key", NOW + 1, NOW)  # type: ignore[arg-type]
    with pytest.raises(ValueError, match="finite"):
        store.check_and_remember("k", float("nan"), NOW)
    with pytest.raises(ValueError, match="finite"):
        store.check_and_remember("k", NOW + 1, float("inf"))
    with pytest.raises(TypeError):
        store.check_and_remember("k", "soon", NOW)  # type: ignore[arg-type]


def test_check_timestamp_window_bounds() -> None:
    check_timestamp(NOW - 300, now=NOW, tolerance=300)
    check_timestamp(NOW + 300, now=NOW, tolerance=300)
    check_timestamp(NOW, now=NOW, tolerance=0)
    with pytest.raises(TimestampError, match="301 s old; at most 300 s"):
        check_timestamp(NOW - 301, now=NOW, tolerance=300)
    with pytest.raises(TimestampError, match="301 s in the future"):
        check_timestamp(NOW + 301, now=NOW, tolerance=300)
    with pytest.raises(TimestampError, match="in the future"):
        check_timestamp(NOW + 31, now=NOW, tolerance=300, future_tolerance=30)
    check_timestamp(NOW - 299, now=NOW, tolerance=300, future_tolerance=30)
    assert issubclass(WebhookTimestampError, WebhookError)
    # The neutral error by default; the webhook verifiers and request signing ask for theirs.
    assert issubclass(WebhookTimestampError, TimestampError)
    with pytest.raises(TimestampError) as info:
        check_timestamp(NOW - 301, now=NOW, tolerance=300)
    assert not isinstance(info.value, WebhookError)
    with pytest.raises(WebhookTimestampError, match="301 s old"):
        check_timestamp(NOW - 301, now=NOW, tolerance=300, error=WebhookTimestampError)


def test_check_timestamp_rejects_bad_windows() -> None:
    with pytest.raises(ValueError, match="at least 0"):
        check_timestamp(NOW, now=NOW, tolerance=-1)
    with pytest.raises(ValueError, match="finite"):
        check_timestamp(NOW, now=NOW, tolerance=float("inf"))
    with pytest.raises(ValueError, match="at least 0"):
        check_timestamp(NOW, now=NOW, tolerance=10, future_tolerance=-5)


def test_resolve_now() -> None:
    assert resolve_now(12.5) == 12.5
    assert resolve_now(None) > 1_700_000_000
    with pytest.raises(ValueError):
        resolve_now(float("nan"))
    with pytest.raises(TypeError):
        resolve_now(True)
