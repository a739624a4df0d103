"""pytest-benchmark: payment receipts. Signing + ledger append of payment messages in batches of
1,000 (MLDSA65-Ed25519 COSE_Sign1, one SQLite transaction), with software keys and with the
signing key in SoftHSM2, side by side; full receipt issuing; offline receipt verification
against its two parts.

Groups:

* ``receipts sign+append (1000 per call)``: ``sign_payments_cose`` + ``Ledger.append_many`` with
  an in-memory ``MLDSA65Ed25519PrivateKey`` (one native batch over every core), a
  software-backend ``pqpay.hsm`` handle and a SoftHSM2 handle (one token Ed25519 signature and
  one token AES-GCM unseal per message); and the append alone, the floor.
* ``receipts issue (1000 per call)``: ``issue_receipts`` (sign, append, one Ed25519 + ML-DSA-44
  checkpoint, 1,000 inclusion proofs from stored nodes).
* ``receipts verify (1 receipt)``: ``verify_receipt`` from JSON, against its parts
  ``verify_payment_cose`` and ``ledger.verify_inclusion``.

Each benchmark's ``extra_info["messages_per_s"]`` holds messages / mean time;
``test_receipts_throughput`` prints them with ratios. The issue's target is at least 1,000
messages/s for batched signing + append with software keys; nothing here asserts a speed.

Run: ``pytest benches/test_bench_receipts.py --benchmark-group-by=group`` (without
``--benchmark-only``, so that the summary test runs too)
(the SoftHSM2 rows need softhsm2 and python-pkcs11; they skip without them, fail under CI=true).
"""

from __future__ import annotations

import tempfile
import time
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any

import pytest
from tests._support import hsm_util

from pqpay import checkpoint, ledger, payments, signatures
from pqpay.hsm import Algorithm

BATCH = 1000
ORIGIN = "bench.pqpay/receipts"
KEY = signatures.MLDSA65Ed25519PrivateKey.generate()
NOTE_SIGNERS = [
    checkpoint.Ed25519NoteSigner(ORIGIN, signatures.Ed25519PrivateKey.generate()),
    checkpoint.MLDSA44Cosigner(ORIGIN, signatures.MLDSA44PrivateKey.generate()),
]
VKEYS = [s.vkey for s in NOTE_SIGNERS]


def message(i: int) -> dict[str, Any]:
    """A payment message in integer minor units (about 200 bytes canonical)."""
    return {
        "id": f"pay_{i:012d}",
        "type": "payment.authorized",
        "amount": {"minor_units": 1250 + i, "currency": "EUR"},
        "merchant": "mch_0042",
        "card": {"network": "visa", "last4": "4242"},
        "created": 1764576000 + i,
    }


MESSAGES = [message(i) for i in range(BATCH)]
RATES: dict[str, float] = {}


@pytest.fixture(scope="module")
def log() -> Iterator[ledger.Ledger]:
    with (
        tempfile.TemporaryDirectory(prefix="pqpay-bench-") as tmp,
        ledger.Ledger(Path(tmp) / "bench.db", ORIGIN, NOTE_SIGNERS) as lg,
    ):
        yield lg


def _signer(impl: str) -> Any:
    if impl == "in-memory key":
        return KEY
    store = hsm_util.make_store("softhsm" if impl == "softhsm handle" else "software")
    return store.create(f"bench-receipts-{impl}-{time.time_ns()}", Algorithm.MLDSA65_ED25519)


def _run(
    benchmark: Any, group: str, name: str, fn: Callable[[], object], n: int, rounds: int
) -> None:
    benchmark.group = group
    benchmark.name = name
    benchmark.pedantic(fn, rounds=rounds, iterations=1, warmup_rounds=1)
    rate = n / benchmark.stats.stats.mean
    benchmark.extra_info["messages_per_s"] = round(rate)
    RATES[f"{group}: {name}"] = rate


@pytest.mark.parametrize("impl", ["in-memory key", "software handle", "softhsm handle"])
def test_sign_append(benchmark: Any, log: ledger.Ledger, impl: str) -> None:
    signer = _signer(impl)

    def sign_append() -> range:
        return log.append_many(payments.sign_payments_cose(signer, MESSAGES))

    rounds = 5 if impl == "in-memory key" else 3
    _run(benchmark, "receipts sign+append (1000 per call)", impl, sign_append, BATCH, rounds)


def test_append_only(benchmark: Any, log: ledger.Ledger) -> None:
    envelopes = payments.sign_payments_cose(KEY, MESSAGES)
    group = "receipts sign+append (1000 per call)"
    _run(benchmark, group, "append only", lambda: log.append_many(envelopes), BATCH, 5)


def test_issue(benchmark: Any, log: ledger.Ledger) -> None:
    def issue() -> list[payments.Receipt]:
        return payments.issue_receipts(log, KEY, MESSAGES)

    _run(benchmark, "receipts issue (1000 per call)", "issue_receipts", issue, BATCH, 3)


@pytest.fixture(scope="module")
def receipt(log: ledger.Ledger) -> payments.Receipt:
    return payments.issue_receipt(log, KEY, MESSAGES[0])


def test_verify_receipt(benchmark: Any, receipt: payments.Receipt) -> None:
    data, public = receipt.to_json(), KEY.public_key()
    fn = lambda: payments.verify_receipt(data, public, VKEYS, origin=ORIGIN)  # noqa: E731
    _run(benchmark, "receipts verify (1 receipt)", "verify_receipt (JSON)", fn, 1, 200)


def test_verify_envelope_part(benchmark: Any, receipt: payments.Receipt) -> None:
    public = KEY.public_key()
    fn = lambda: payments.verify_payment_cose(public, receipt.envelope)  # noqa: E731
    _run(benchmark, "receipts verify (1 receipt)", "verify_payment_cose", fn, 1, 200)


def test_verify_inclusion_part(benchmark: Any, receipt: payments.Receipt) -> None:
    r = receipt

    def fn() -> object:
        return ledger.verify_inclusion(
            r.envelope, r.index, r.proof, r.checkpoint, VKEYS, origin=ORIGIN
        )

    _run(benchmark, "receipts verify (1 receipt)", "ledger.verify_inclusion", fn, 1, 200)


def test_receipts_throughput(capsys: pytest.CaptureFixture[str]) -> None:
    """Prints the rates measured above (run the whole file) with the ratios to the in-memory
    key; asserts nothing about speed."""
    if not RATES:
        pytest.skip("no rates: run the whole file, without --benchmark-only (which skips this)")
    group = "receipts sign+append (1000 per call)"
    base = RATES.get(f"{group}: in-memory key")
    lines = ["receipts throughput (messages/s):"]
    for name, rate in RATES.items():
        ratio = f"  ({rate / base:.2f}x in-memory key)" if base and name.startswith(group) else ""
        lines.append(f"  {name:<62} {rate:>10,.0f}{ratio}")
    with capsys.disabled():
        print("\n" + "\n".join(lines))
