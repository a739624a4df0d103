"""HPKE contexts: the context lock is never awaited while holding the GIL (security review S-12).

A seal or open of a large message holds the context's mutex with the GIL released; a concurrent
``export`` or ``sequence_number`` that took the mutex while holding the GIL stalled every Python
thread for the whole seal. Whether a native call holds the GIL while it waits cannot be observed
from Python without timing, so the binding source is checked: every ``lock(&self.ctx)`` in
rust/python/src/hpke.rs runs inside the method's ``detach(py, ...)`` closure. The behaviour under
concurrency is exercised below as well.
"""

from __future__ import annotations

import re
import threading
from pathlib import Path

import pytest

from pqpay import kem
from pqpay.hpke import AEAD, KDF, KEM, Suite

HPKE_RS = Path(__file__).resolve().parents[2] / "rust" / "python" / "src" / "hpke.rs"


def locks_outside_detach(source: str) -> list[int]:
    """Line numbers of `lock(&self.ctx)` calls not preceded by `detach(py` in their fn."""
    bad = []
    for m in re.finditer(r"lock\(&self\.ctx\)", source):
        # The methods are written once, in the `context_methods!` macro, and indented there.
        fn_start = max(source.rfind("\n    fn ", 0, m.start()), source.rfind(" fn ", 0, m.start()))
        if "detach(py" not in source[fn_start : m.start()]:
            bad.append(source.count("\n", 0, m.start()) + 1)
    return bad


def test_context_lock_is_taken_with_the_gil_released() -> None:
    if not HPKE_RS.is_file():
        pytest.skip("the Rust sources are not beside this test (installed package)")
    source = HPKE_RS.read_text(encoding="utf-8")
    # seal/open, export and sequence_number, written once for both roles (`context_methods!`).
    assert source.count("lock(&self.ctx)") >= 3
    assert len(re.findall(r"context_methods!\(\s*Hpke", source)) == 2  # sender and receiver
    assert locks_outside_detach(source) == []


def test_the_check_can_fail() -> None:
    source = """
    fn export<'py>(&self, py: Python<'py>) -> PyResult<()> {
        guard(|| { let out = lock(&self.ctx)?.export(b"", 1); Ok(()) })
    }
    fn seal<'py>(&self, py: Python<'py>) -> PyResult<()> {
        guard(|| { detach(py, || lock(&self.ctx)?.seal(b"", b"")) })
    }
"""
    assert locks_outside_detach(source) == [3]


def test_export_and_sequence_number_during_concurrent_seals() -> None:
    suite = Suite(KEM.DHKEM_X25519_HKDF_SHA256, KDF.HKDF_SHA256, AEAD.AES_128_GCM)
    private_key = kem.X25519PrivateKey.generate()
    enc, sender = suite.setup_sender(private_key.public_key())
    receiver = suite.setup_receiver(private_key, enc)
    expected = receiver.export(b"label", 32)
    errors: list[BaseException] = []

    def seal_many() -> None:
        try:
            for _ in range(20):
                sender.seal(b"x" * 1_000_000)
        except BaseException as exc:  # pragma: no cover - reported below
            errors.append(exc)

    threads = [threading.Thread(target=seal_many) for _ in range(2)]
    for t in threads:
        t.start()
    seen = []
    while any(t.is_alive() for t in threads):
        assert sender.export(b"label", 32) == expected
        seen.append(sender.sequence_number)
    for t in threads:
        t.join()
    assert errors == []
    assert seen == sorted(seen)
    assert sender.sequence_number == 40
