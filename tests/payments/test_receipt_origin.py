"""S-12: ``verify_receipt`` wants the log's ``origin``. A note key that signs two logs makes a
receipt of log B verify as log A's unless the origin is compared; ``origin`` is required
(``origin=None`` accepts any log, explicitly)."""

from __future__ import annotations

import warnings
from pathlib import Path

import pytest

from pqpay import checkpoint, payments, signatures
from pqpay.exceptions import InvalidProof
from pqpay.ledger import Ledger

KEY = signatures.Ed25519PrivateKey.generate()
NOTE_KEY = signatures.Ed25519PrivateKey.generate()
SIGNER = checkpoint.Ed25519NoteSigner("shop.example/receipts", NOTE_KEY)


def _receipt(tmp_path: Path, origin: str) -> payments.Receipt:
    with Ledger(tmp_path / f"{origin.replace('/', '_')}.db", origin, [SIGNER]) as log:
        return payments.issue_receipts(log, KEY, [{"id": "pay_1", "amount": 100}])[0]


def test_receipt_of_another_log_is_refused_with_origin(tmp_path: Path) -> None:
    mine = _receipt(tmp_path, "shop.example/receipts")
    theirs = _receipt(tmp_path, "shop.example/test-receipts")  # same note key
    pub = KEY.public_key()
    verified = payments.verify_receipt(mine, pub, SIGNER.vkey, origin="shop.example/receipts")
    assert verified.checkpoint.origin == "shop.example/receipts"
    with pytest.raises(InvalidProof):
        payments.verify_receipt(theirs, pub, SIGNER.vkey, origin="shop.example/receipts")
    # Explicitly any origin: accepted, no warning.
    with warnings.catch_warnings():
        warnings.simplefilter("error")
        payments.verify_receipt(theirs, pub, SIGNER.vkey, origin=None)


def test_origin_is_required(tmp_path: Path) -> None:
    receipt = _receipt(tmp_path, "shop.example/receipts")
    with pytest.raises(TypeError, match="origin"):
        payments.verify_receipt(receipt.to_json(), KEY.public_key(), SIGNER.vkey)  # type: ignore[call-arg]
    with pytest.raises(TypeError):
        payments.verify_receipt(receipt, KEY.public_key(), SIGNER.vkey, origin=b"x")  # type: ignore[arg-type]
