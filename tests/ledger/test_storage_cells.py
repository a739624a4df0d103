"""Stored cells are type- and size-checked before they are converted (issue 12, B-9): a tampered
SQLite store holding an INTEGER, TEXT or REAL where a BLOB belongs is LedgerCorrupted in the
audit and in reads, and a huge INTEGER never turns into a huge allocation (``bytes(10**12)``).
PostgreSQL's typed columns cannot hold such cells; SQLite's dynamic typing can."""

from __future__ import annotations

import random
import sqlite3
from pathlib import Path
from typing import Any

import pytest

from pqpay import ledger
from pqpay.exceptions import LedgerCorrupted, LedgerStorageError
from tests.ledger.test_ledger import ORIGIN, SIGNERS

HUGE = 10**12  # bytes(HUGE) asks for a terabyte

# (table, column, row filter): every BLOB column the ledger reads back.
BLOB_CELLS = [
    ("entries", "data", "idx = 2"),
    ("nodes", "hash", "level = 0 AND idx = 2"),
    ("nodes", "hash", "level = 1 AND idx = 0"),
    ("head", "peaks", "id = 0"),
    ("checkpoints", "root", "seq = 1"),
    ("checkpoints", "note", "seq = 1"),
]
BAD_VALUES = [HUGE, "tampered", 2.5]


def _ledger_file(tmp_path: Path) -> Path:
    path = tmp_path / "cells.db"
    with ledger.Ledger(path, ORIGIN, SIGNERS) as log:
        log.append_many([b"entry %d" % i for i in range(5)])
        log.checkpoint()
    return path


def _tamper(path: Path, statement: str, params: tuple[Any, ...] = ()) -> None:
    conn = sqlite3.connect(path)
    with conn:
        conn.execute(statement, params)
    conn.close()


def _reads(log: ledger.Ledger) -> list[Any]:
    """Every public read, each a callable (so each can be checked to raise on its own)."""
    return [
        log.audit,
        lambda: log.entry(2),
        lambda: log.inclusion_proof(2, 4),
        lambda: log.root(3),
        log.checkpoints,
        log.checkpoint,
        lambda: log.append(b"more"),
    ]


@pytest.mark.parametrize("value", BAD_VALUES, ids=["integer", "text", "real"])
@pytest.mark.parametrize(("table", "column", "where"), BLOB_CELLS)
def test_non_blob_cells_are_corrupted(
    tmp_path: Path, table: str, column: str, where: str, value: object
) -> None:
    path = _ledger_file(tmp_path)
    _tamper(path, f"UPDATE {table} SET {column} = ? WHERE {where}", (value,))
    try:
        log = ledger.Ledger(path, ORIGIN, SIGNERS)
    except LedgerCorrupted:
        return
    with log:
        with pytest.raises(LedgerCorrupted):
            log.audit()
        raised = 0
        for read in _reads(log):
            try:
                read()
            except LedgerCorrupted:
                raised += 1
        assert raised >= 1  # every read that touches the cell refuses it, none misbehaves


def test_huge_integer_entry_is_refused_by_entry_and_audit(tmp_path: Path) -> None:
    path = _ledger_file(tmp_path)
    _tamper(path, "UPDATE entries SET data = ? WHERE idx = 1", (HUGE,))
    with ledger.Ledger(path, ORIGIN) as log:
        with pytest.raises(LedgerCorrupted, match="entry 1 is stored as int") as info:
            log.entry(1)
        assert info.value.index == 1
        with pytest.raises(LedgerCorrupted) as info:
            log.audit()
        assert info.value.index == 1


@pytest.mark.parametrize("value", ["five", -1, 2.5, b"\x05"])
def test_bad_head_size_is_corrupted(tmp_path: Path, value: object) -> None:
    path = _ledger_file(tmp_path)
    _tamper(path, "UPDATE head SET size = ? WHERE id = 0", (value,))
    with ledger.Ledger(path, ORIGIN) as log, pytest.raises(LedgerCorrupted, match="head"):
        log.size  # noqa: B018


def test_short_checkpoint_root_is_corrupted(tmp_path: Path) -> None:
    path = _ledger_file(tmp_path)
    _tamper(path, "UPDATE checkpoints SET root = x'00'")
    with ledger.Ledger(path, ORIGIN, SIGNERS) as log:
        with pytest.raises(LedgerCorrupted, match="1 bytes, expected 32"):
            log.checkpoints()
        with pytest.raises(LedgerCorrupted, match="1 bytes, expected 32"):
            log.checkpoint()


def test_non_text_origin_is_corrupted(tmp_path: Path) -> None:
    path = _ledger_file(tmp_path)
    _tamper(path, "UPDATE meta SET value = ? WHERE key = 'origin'", (b"\x00",))
    with pytest.raises(LedgerCorrupted, match="origin"):
        ledger.Ledger(path, ORIGIN)


def test_random_byte_damage_only_raises_typed_errors(tmp_path: Path) -> None:
    """Bounded: 60 copies of a small ledger file, each with 1-8 random bytes overwritten; every
    outcome is success or a typed pqpay error (ValueError: the origin bytes were hit)."""
    good = _ledger_file(tmp_path).read_bytes()
    rng = random.Random(12)
    outcomes: dict[str, int] = {}
    for run in range(60):
        data = bytearray(good)
        for _ in range(rng.randint(1, 8)):
            data[rng.randrange(100, len(data))] = rng.randrange(256)
        path = tmp_path / f"damaged-{run}.db"
        path.write_bytes(bytes(data))
        try:
            with ledger.Ledger(path, ORIGIN, SIGNERS) as log:
                for read in _reads(log):
                    read()
            outcome = "ok"
        except (LedgerCorrupted, LedgerStorageError, ValueError) as exc:
            outcome = type(exc).__name__
        outcomes[outcome] = outcomes.get(outcome, 0) + 1
    assert sum(outcomes.values()) == 60
