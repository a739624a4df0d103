"""pytest-benchmark: payment-message signing (RFC 8785 + COSE_Sign1 / detached JWS) with
MLDSA65-Ed25519, against its peers in the same run.

Groups:

* ``payment canonicalize``: ``payments.canonicalize_payment`` against the ``rfc8785`` package
  (Trail of Bits) and, as the floor, ``json.dumps(sort_keys=True)`` (which is *not* JCS).
* ``payment sign (1 message)``: canonicalize + COSE_Sign1, canonicalize + JWS, and the bare
  composite ``sign`` of the already canonical bytes (the envelope's floor).
* ``payment sign (256 per call)``: ``sign_payments_cose`` of 256 messages (one native batch over
  every core) against 256 single ``sign_payment_cose`` calls; mean / 256 is the per-message time.
* ``payment verify (1 message)``: ``verify_payment_cose`` against the bare composite ``verify``.

Each benchmark's ``extra_info["messages_per_s"]`` holds 1 / (mean per message).

Run: ``pytest benches/test_bench_payments.py --benchmark-only --benchmark-group-by=group``.
"""

from __future__ import annotations

import json
from collections.abc import Callable
from typing import Any

import pytest

from pqpay import payments
from pqpay.signatures import MLDSA65Ed25519PrivateKey

BATCH = 256
KEY = MLDSA65Ed25519PrivateKey.generate()
PUBLIC = KEY.public_key()


def message(i: int) -> dict[str, Any]:
    """A realistic authorization message (about 400 bytes canonical)."""
    return {
        "id": f"pay_{i:012d}",
        "type": "authorization",
        "amount": {"value": 1250 + i, "currency": "EUR", "exponent": 2},
        "fee": "0.35",
        "merchant": {"id": "mch_0042", "name": "Caf\u00e9 du Nord", "mcc": 5814, "country": "FR"},
        "card": {"network": "visa", "last4": "4242", "token": "tok_" + "a" * 24},
        "created": 1764576000 + i,
        "metadata": {"order": f"order-{i}", "channel": "ecom", "3ds": True},
    }


MESSAGE = message(0)
MESSAGES = [message(i) for i in range(BATCH)]
CANONICAL = payments.canonicalize_payment(MESSAGE)


def _run(benchmark: Any, group: str, name: str, fn: Callable[[], object], n: int = 1) -> None:
    benchmark.group = group
    benchmark.name = name
    benchmark(fn)
    benchmark.extra_info["messages_per_s"] = round(n / benchmark.stats.stats.mean)


def _canonicalizers() -> list[Any]:
    out = [
        pytest.param("pqpay", lambda: payments.canonicalize_payment(MESSAGE), id="pqpay"),
        pytest.param(
            "json.dumps (not JCS)",
            lambda: json.dumps(
                MESSAGE, sort_keys=True, separators=(",", ":"), ensure_ascii=False
            ).encode(),
            id="json",
        ),
    ]
    try:
        import rfc8785
    except ImportError:  # the test extra has it; the group just lacks that peer without it
        return out
    assert rfc8785.dumps(MESSAGE) == CANONICAL
    out.append(pytest.param("rfc8785", lambda: rfc8785.dumps(MESSAGE), id="rfc8785"))
    return out


@pytest.mark.parametrize(("name", "fn"), _canonicalizers())
def test_canonicalize(benchmark: Any, name: str, fn: Callable[[], object]) -> None:
    _run(benchmark, "payment canonicalize", name, fn)


@pytest.mark.parametrize(
    ("name", "fn"),
    [
        pytest.param(
            "canonicalize + COSE_Sign1",
            lambda: payments.sign_payment_cose(KEY, MESSAGE, kid=b"gw"),
            id="cose",
        ),
        pytest.param(
            "canonicalize + detached JWS",
            lambda: payments.sign_payment_jws(KEY, MESSAGE, kid="gw"),
            id="jws",
        ),
        pytest.param("composite sign only", lambda: KEY.sign(CANONICAL), id="raw"),
    ],
)
def test_sign_one(benchmark: Any, name: str, fn: Callable[[], object]) -> None:
    _run(benchmark, "payment sign (1 message)", name, fn)


def test_sign_batch(benchmark: Any) -> None:
    _run(
        benchmark,
        f"payment sign ({BATCH} per call)",
        f"sign_payments_cose({BATCH})",
        lambda: payments.sign_payments_cose(KEY, MESSAGES, kid=b"gw"),
        BATCH,
    )


def test_sign_loop(benchmark: Any) -> None:
    def loop() -> None:
        for m in MESSAGES:
            payments.sign_payment_cose(KEY, m, kid=b"gw")

    _run(benchmark, f"payment sign ({BATCH} per call)", f"sign_payment_cose x{BATCH}", loop, BATCH)


COSE = payments.sign_payment_cose(KEY, MESSAGE, kid=b"gw")
RAW_SIG = KEY.sign(CANONICAL)


@pytest.mark.parametrize(
    ("name", "fn"),
    [
        pytest.param(
            "verify_payment_cose", lambda: payments.verify_payment_cose(PUBLIC, COSE), id="cose"
        ),
        pytest.param("composite verify only", lambda: PUBLIC.verify(RAW_SIG, CANONICAL), id="raw"),
    ],
)
def test_verify_one(benchmark: Any, name: str, fn: Callable[[], object]) -> None:
    _run(benchmark, "payment verify (1 message)", name, fn)
