"""S-12: ``verify_checkpoint`` compares the origin. One note key may sign several logs; a
checkpoint of log B must not pass as log A's (``ledger.verify_inclusion(origin=None)``
accepted any log signed by the same key)."""

from __future__ import annotations

import hashlib

import pytest

from pqpay import checkpoint
from pqpay.exceptions import InvalidSignature
from pqpay.signatures import Ed25519PrivateKey

SIGNER = checkpoint.Ed25519NoteSigner("a.example/log", Ed25519PrivateKey.generate())
ROOT = hashlib.sha256(b"root").digest()


def _note(origin: str) -> bytes:
    return checkpoint.sign_checkpoint(checkpoint.Checkpoint(origin, 7, ROOT), [SIGNER])


def test_origin_is_compared() -> None:
    verifiers = [SIGNER.verifier()]
    cp = checkpoint.verify_checkpoint(_note("a.example/log"), verifiers, origin="a.example/log")
    assert cp.origin == "a.example/log"
    other_log = _note("b.example/log")  # same key, another log
    assert checkpoint.verify_checkpoint(other_log, verifiers).origin == "b.example/log"
    with pytest.raises(InvalidSignature):
        checkpoint.verify_checkpoint(other_log, verifiers, origin="a.example/log")
    with pytest.raises(InvalidSignature):
        checkpoint.verify_checkpoint(_note("a.example/log2"), verifiers, origin="a.example/log")
    with pytest.raises(TypeError):
        checkpoint.verify_checkpoint(other_log, verifiers, origin=b"a.example/log")  # type: ignore[arg-type]


def test_signatures_still_checked_first() -> None:
    stranger = checkpoint.Ed25519NoteSigner("a.example/log", Ed25519PrivateKey.generate())
    with pytest.raises(InvalidSignature):
        checkpoint.verify_checkpoint(
            _note("a.example/log"), [stranger.verifier()], origin="a.example/log"
        )
