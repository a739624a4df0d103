"""The offline ledger verifiers require the log's origin (issue 12, S-12 ledger): without it a
checkpoint of any log signed by the same key would pass; with it, a checkpoint naming another
log is refused (InvalidProof) by verify_inclusion and verify_consistency."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest

from pqpay import ledger
from pqpay.exceptions import InvalidProof
from tests.ledger.test_ledger import ORIGIN, SIGNERS, VKEYS

OTHER = "other.pqpay/log"


def _two_logs(tmp_path: Path) -> tuple[ledger.Ledger, ledger.Ledger]:
    """This log and another one whose checkpoints carry the same keys' signatures."""
    mine = ledger.Ledger(tmp_path / "mine.db", ORIGIN, SIGNERS)
    other = ledger.Ledger(tmp_path / "other.db", OTHER, SIGNERS)
    for log in (mine, other):
        log.append_many([b"entry %d" % i for i in range(10)])
    return mine, other


def test_inclusion_needs_the_origin(tmp_path: Path) -> None:
    mine, _ = _two_logs(tmp_path)
    note, proof = mine.checkpoint(), mine.inclusion_proof(3)
    call: Any = ledger.verify_inclusion
    with pytest.raises(TypeError, match="origin"):
        call(b"entry 3", 3, proof, note, VKEYS)
    for bad in (None, "", b"test.pqpay/crash-log", 5):
        with pytest.raises(TypeError, match="origin must be the log's name"):
            call(b"entry 3", 3, proof, note, VKEYS, origin=bad)
    assert ledger.verify_inclusion(b"entry 3", 3, proof, note, VKEYS, origin=ORIGIN).size == 10


def test_consistency_needs_the_origin(tmp_path: Path) -> None:
    mine, _ = _two_logs(tmp_path)
    old = mine.checkpoint()
    mine.append(b"more")
    new, proof = mine.checkpoint(), mine.consistency_proof(10)
    call: Any = ledger.verify_consistency
    with pytest.raises(TypeError, match="origin"):
        call(old, new, proof, VKEYS)
    with pytest.raises(TypeError, match="origin must be the log's name"):
        call(old, new, proof, VKEYS, origin=None)
    a, b = ledger.verify_consistency(old, new, proof, VKEYS, origin=ORIGIN)
    assert (a.size, b.size) == (10, 11)


def test_another_logs_checkpoint_is_refused(tmp_path: Path) -> None:
    mine, other = _two_logs(tmp_path)
    note, proof = other.checkpoint(), other.inclusion_proof(3)
    # Valid for the log it names...
    ledger.verify_inclusion(b"entry 3", 3, proof, note, VKEYS, origin=OTHER)
    # ...and not for this log, although the same keys signed it.
    with pytest.raises(InvalidProof):
        ledger.verify_inclusion(b"entry 3", 3, proof, note, VKEYS, origin=ORIGIN)
    old = other.checkpoint()
    other.append(b"more")
    new, cproof = other.checkpoint(), other.consistency_proof(10)
    ledger.verify_consistency(old, new, cproof, VKEYS, origin=OTHER)
    with pytest.raises(InvalidProof):
        ledger.verify_consistency(old, new, cproof, VKEYS, origin=ORIGIN)
    # Mixed: an old checkpoint of this log, a new one of the other.
    with pytest.raises(InvalidProof):
        ledger.verify_consistency(mine.checkpoint(), new, cproof, VKEYS, origin=ORIGIN)
