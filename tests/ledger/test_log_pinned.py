"""A ledger pinned to its checkpoint keys (``Ledger(..., allowed_keys=...)``) refuses to sign a
checkpoint with any other key, and with a key its key set has retired."""

from __future__ import annotations

from pathlib import Path

import pytest

from pqpay import checkpoint, signatures
from pqpay.exceptions import KeyNotAllowed
from pqpay.keyset import KeySet
from pqpay.ledger import Ledger

ORIGIN = "pinned.pqpay.test/log"


def test_pinned_keys_sign_others_are_refused(tmp_path: Path) -> None:
    log_key = signatures.Ed25519PrivateKey.generate()
    cosign_key = signatures.MLDSA44PrivateKey.generate()
    signers = [
        checkpoint.Ed25519NoteSigner(ORIGIN, log_key),
        checkpoint.MLDSA44Cosigner(ORIGIN, cosign_key),
    ]
    pinned = [log_key.public_key(), cosign_key.public_key()]
    db = str(tmp_path / "log.db")
    with Ledger(db, ORIGIN, signers, allowed_keys=pinned) as log:
        log.append(b"entry")
        text, names = checkpoint.open_note(log.checkpoint(), [s.verifier() for s in signers])
        assert checkpoint.Checkpoint.parse(text).size == 1 and len(names) == 2
    stranger = checkpoint.Ed25519NoteSigner(ORIGIN, signatures.Ed25519PrivateKey.generate())
    with pytest.raises(KeyNotAllowed, match="not one of the ledger's allowed keys"):
        Ledger(db, ORIGIN, [stranger], allowed_keys=pinned)
    # Signers swapped after opening are checked again by checkpoint(): nothing is recorded.
    with Ledger(db, ORIGIN, signers[:1], allowed_keys=pinned) as log:
        log.signers = (stranger,)
        log.append(b"more")
        with pytest.raises(KeyNotAllowed):
            log.checkpoint()
        assert len(log.checkpoints()) == 1


def test_a_key_set_pins_its_live_keys(tmp_path: Path) -> None:
    keys = KeySet.generate("Ed25519").add(primary=True)
    old, new = keys.entries
    db = str(tmp_path / "log.db")
    for entry in (old, new):
        signer = checkpoint.Ed25519NoteSigner(ORIGIN, entry.private_key)
        with Ledger(db, ORIGIN, [signer], allowed_keys=keys.public_keyset()) as log:
            log.append(b"x")
            log.checkpoint()
    retired = keys.retire(old.kid)
    with pytest.raises(KeyNotAllowed):
        Ledger(
            db,
            ORIGIN,
            [checkpoint.Ed25519NoteSigner(ORIGIN, old.private_key)],
            allowed_keys=retired,
        )


def test_allowed_keys_arguments(tmp_path: Path) -> None:
    with pytest.raises(ValueError, match="empty"):
        Ledger(str(tmp_path / "a.db"), ORIGIN, allowed_keys=[])
    with pytest.raises(TypeError, match="signature public keys"):
        Ledger(str(tmp_path / "a.db"), ORIGIN, allowed_keys=[b"raw"])  # type: ignore[list-item]
    assert Ledger(str(tmp_path / "b.db"), ORIGIN).allowed_keys is None
