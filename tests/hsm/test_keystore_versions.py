"""Version allocation is atomic across key stores sharing one backend (issue 12, S-4): concurrent
rotate() / create() calls of stores standing in for gateway processes on one token never give
two "current" keys one label and version, and duplicates left by an older pqpay are refused when
the label is looked up (while get / destroy by id still reach them)."""

from __future__ import annotations

import dataclasses
import json
import os
import secrets
import subprocess
import sys
import threading
import time
import uuid
from collections import Counter
from collections.abc import Callable
from typing import Any

import pytest

from pqpay.exceptions import HSMError
from pqpay.hsm import Algorithm, Backend, KeyStore, SoftwareBackend
from pqpay.hsm.record import Record
from tests._support.hsm_util import softhsm_backend, softhsm_token


def fresh_label() -> str:
    return f"race-{uuid.uuid4().hex[:12]}"


def _race(stores: list[KeyStore], call: Callable[[KeyStore], Any]) -> list[Any]:
    """Runs ``call`` on every store at once (a barrier); returns results or exceptions."""
    barrier = threading.Barrier(len(stores))
    results: list[Any] = [None] * len(stores)

    def run(i: int) -> None:
        barrier.wait()
        try:
            results[i] = call(stores[i])
        except Exception as exc:  # collected, checked by the caller
            results[i] = exc

    threads = [threading.Thread(target=run, args=(i,)) for i in range(len(stores))]
    for t in threads:
        t.start()
    for t in threads:
        t.join(timeout=120)
    return results


def _records(backend: Backend, label: str) -> list[Record]:
    """The handle records of ``label`` (version claims skipped)."""
    stored = [raw for raw in backend.records() if json.loads(raw).get("format") != "claim"]
    return [r for r in map(Record.from_bytes, stored) if r.label == label]


def _check_rotations(backend: Backend, stores: list[KeyStore], alg: Algorithm, runs: int) -> None:
    for _ in range(runs):
        label = fresh_label()
        stores[0].create(label, alg)
        results = _race(stores, lambda s, label=label: s.rotate(label))
        errors = [r for r in results if isinstance(r, BaseException)]
        assert not errors, errors
        versions = [r.version for r in _records(backend, label)]
        assert sorted(versions) == sorted(set(versions)), f"duplicate versions {sorted(versions)}"
        assert len(versions) == len(stores) + 1
        # Every record is published: one public key per stored version.
        assert len(stores[0].public_keys(label)) == len(versions)
        assert sorted(h.version for h in results) == sorted(versions)[1:]
        # Exactly one current key, the newest, and every store agrees on it.
        newest = max(versions)
        for store in stores:
            assert store.current(label).version == newest
            assert [h.version for h in store.versions(label) if not h.retired] == [newest]


def test_concurrent_rotations_in_memory_never_share_a_version() -> None:
    backend = SoftwareBackend()
    stores = [KeyStore(backend) for _ in range(2)]
    _check_rotations(backend, stores, Algorithm.XWING, runs=60)
    stores3 = [KeyStore(backend) for _ in range(3)]
    _check_rotations(backend, stores3, Algorithm.MLDSA65_ED25519, runs=15)


def test_concurrent_rotations_on_softhsm_never_share_a_version() -> None:
    backends = [softhsm_backend(), softhsm_backend()]
    stores = [KeyStore(b) for b in backends]
    _check_rotations(backends[0], stores, Algorithm.XWING, runs=12)


# A gateway process: waits for the start time, rotates the label N times, prints each version.
_ROTATOR = """
import sys, time
import pkcs11
from pqpay.exceptions import HSMError
from pqpay.hsm import KeyStore, PKCS11Backend
module, token_label, pin, label, count, start = sys.argv[1:7]
for attempt in range(20):  # SoftHSM can misread the token while another process writes it
    try:
        store = KeyStore(PKCS11Backend(module, token_label=token_label, user_pin=pin))
        break
    except HSMError:
        if attempt == 19:
            raise
        time.sleep(0.1)
        pkcs11.lib(module).reinitialize()  # SoftHSM keeps a token state it misread
while time.time() < float(start):
    time.sleep(0.001)
for _ in range(int(count)):
    print(store.rotate(label).version, flush=True)
"""


def test_concurrent_rotations_in_processes_on_softhsm() -> None:
    """Bounded: 2 runs of 3 processes x 4 rotations of one label on one SoftHSM token."""
    token = softhsm_token()
    store = token.key_store()
    env = {**os.environ, "PYTHONPATH": os.pathsep.join(sys.path)}
    for _ in range(2):
        label = fresh_label()
        store.create(label, Algorithm.XWING)
        start = str(time.time() + 2.0)
        args = [token.module, token.label, token.pin, label, "4", start]
        procs = [
            subprocess.Popen(
                [sys.executable, "-c", _ROTATOR, *args],
                stdout=subprocess.PIPE,
                stderr=subprocess.PIPE,
                env=env,
                text=True,
            )
            for _ in range(3)
        ]
        outs = [p.communicate(timeout=300) for p in procs]
        assert all(p.returncode == 0 for p in procs), [err[-2000:] for _, err in outs]
        returned = sorted(int(v) for out, _ in outs for v in out.split())
        stored = sorted(r.version for r in _records(store.backend, label))
        assert stored == sorted(set(stored)), f"duplicate versions {stored}"
        assert len(returned) == 12 and returned == stored[1:]


def test_concurrent_creates_make_one_key() -> None:
    backend = SoftwareBackend()
    for _ in range(30):
        label = fresh_label()
        stores = [KeyStore(backend) for _ in range(3)]
        results = _race(stores, lambda s, label=label: s.create(label, Algorithm.XWING))
        made = [r for r in results if not isinstance(r, BaseException)]
        refused = [r for r in results if isinstance(r, BaseException)]
        assert len(made) == 1, results
        assert all(isinstance(e, HSMError) and "exists" in str(e) for e in refused), refused
        assert [r.version for r in _records(backend, label)] == [1]


@pytest.mark.parametrize("kind", ["software", "softhsm"])
def test_duplicate_versions_are_refused_on_load(kind: str) -> None:
    backend: Backend = SoftwareBackend() if kind == "software" else softhsm_backend()
    store = KeyStore(backend)
    label = fresh_label()
    first = store.create(label, Algorithm.XWING)
    # What the race of older releases left: a second record of v1 under another handle id.
    other = store.create(fresh_label(), Algorithm.XWING)._record
    twin = dataclasses.replace(other, label=label, handle_id=secrets.token_bytes(16))
    backend.store_record(twin.handle_id, twin.to_bytes())
    for call in (
        store.versions,
        store.current,
        store.public_keys,
        store.decapsulation_key,
        store.rotate,
        KeyStore(backend).current,
    ):
        with pytest.raises(HSMError, match=r"two records of .* v1"):
            call(label)
    # Repairable: the handles are still listed and reachable by id.
    assert Counter(h.label for h in store.handles())[label] == 2
    store.destroy(twin.handle_id.hex())
    assert store.current(label) == first
    assert store.rotate(label).version == 2


def test_destroy_releases_the_claim() -> None:
    backend = SoftwareBackend()
    store = KeyStore(backend)
    label = fresh_label()
    handle = store.create(label, Algorithm.ED25519)
    store.destroy(handle.handle_id)
    assert backend.records() == []
    assert store.create(label, Algorithm.ED25519).version == 1
