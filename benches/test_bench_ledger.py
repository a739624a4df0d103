"""pytest-benchmark: pqpay.ledger on SQLite, with plain-sqlite3 and in-memory peers in the same run.

Groups:

* ``ledger append 10000 (durable)``: one ``append_many`` of 10,000 entries of 100 bytes (entries,
  leaf hashes, nodes and head in one fsynced WAL transaction) against the floor of a plain
  sqlite3 ``executemany`` of the same 10,000 entries alone in one transaction, same pragmas.
  Entries per second = 10,000 / mean.
* ``ledger append 1 (durable)``: one ``append`` (a transaction and an fsync each).
* ``inclusion proof, 2**17 entries``: served from stored nodes (SQLite) against
  ``pqpay.merkle.inclusion_proof`` over all leaf hashes in memory.
* ``consistency proof, 2**17 entries``: same pair.

Run: ``pytest benches/test_bench_ledger.py --benchmark-only --benchmark-group-by=group``.
"""

from __future__ import annotations

import itertools
import os
import random
import sqlite3
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest

from pqpay import ledger, merkle

BATCH = 10_000
ENTRY = 100
PROOF_SIZE = 1 << 17
ORIGIN = "bench.pqpay/log"


def _batch(tag: int) -> list[bytes]:
    prefix = f"{tag:012d}".encode()
    return [prefix + i.to_bytes(4, "big") + os.urandom(ENTRY - 16) for i in range(BATCH)]


def test_append_many_durable(benchmark: Any, tmp_path: Path) -> None:
    log = ledger.Ledger(ledger.SQLiteStorage(tmp_path / "l.db"), ORIGIN)
    batches = (_batch(i) for i in itertools.count())
    benchmark.group = f"ledger append {BATCH} (durable)"
    benchmark.name = "pqpay Ledger.append_many"
    benchmark.pedantic(log.append_many, setup=lambda: ((next(batches),), {}), rounds=15)
    benchmark.extra_info["entries_per_second"] = BATCH / benchmark.stats.stats.mean
    log.audit()
    log.close()


def test_plain_sqlite_insert_durable(benchmark: Any, tmp_path: Path) -> None:
    conn = sqlite3.connect(tmp_path / "p.db", isolation_level=None)
    conn.execute("PRAGMA journal_mode = WAL")
    conn.execute("PRAGMA synchronous = FULL")
    conn.execute("CREATE TABLE entries (idx INTEGER PRIMARY KEY, data BLOB NOT NULL)")
    size = [0]

    def insert(entries: list[bytes]) -> None:
        first = size[0]
        conn.execute("BEGIN IMMEDIATE")
        conn.executemany(
            "INSERT INTO entries (idx, data) VALUES (?, ?)",
            zip(range(first, first + len(entries)), entries, strict=True),
        )
        conn.execute("COMMIT")
        size[0] = first + len(entries)

    batches = (_batch(i) for i in itertools.count())
    benchmark.group = f"ledger append {BATCH} (durable)"
    benchmark.name = "sqlite3 executemany (entries only)"
    benchmark.pedantic(insert, setup=lambda: ((next(batches),), {}), rounds=15)
    benchmark.extra_info["entries_per_second"] = BATCH / benchmark.stats.stats.mean
    conn.close()


def test_append_one_durable(benchmark: Any, tmp_path: Path) -> None:
    log = ledger.Ledger(ledger.SQLiteStorage(tmp_path / "one.db"), ORIGIN)
    counter = itertools.count()
    benchmark.group = "ledger append 1 (durable)"
    benchmark.name = "pqpay Ledger.append"
    benchmark.pedantic(lambda: log.append(b"%d" % next(counter)), rounds=200)
    log.close()


@pytest.fixture(scope="module")
def big_ledger(tmp_path_factory: pytest.TempPathFactory) -> Iterator[tuple[ledger.Ledger, bytes]]:
    path = tmp_path_factory.mktemp("proofs") / "big.db"
    log = ledger.Ledger(ledger.SQLiteStorage(path), ORIGIN)
    entries = [b"entry %d" % i for i in range(PROOF_SIZE - 3)]
    for start in range(0, len(entries), 50_000):
        log.append_many(entries[start : start + 50_000])
    yield log, merkle.leaf_hashes(entries)
    log.close()


_INDICES = random.Random(7).sample(range(PROOF_SIZE - 3), 64)


def test_inclusion_proof_served(benchmark: Any, big_ledger: tuple[ledger.Ledger, bytes]) -> None:
    log, _ = big_ledger
    picks = itertools.cycle(_INDICES)
    benchmark.group = "inclusion proof, 2**17 entries"
    benchmark.name = "pqpay Ledger.inclusion_proof (SQLite nodes)"
    benchmark(lambda: log.inclusion_proof(next(picks)))


def test_inclusion_proof_in_memory(benchmark: Any, big_ledger: tuple[ledger.Ledger, bytes]) -> None:
    log, leaf_hashes = big_ledger
    picks = itertools.cycle(_INDICES)
    assert log.inclusion_proof(_INDICES[0]) == merkle.inclusion_proof(leaf_hashes, _INDICES[0])
    benchmark.group = "inclusion proof, 2**17 entries"
    benchmark.name = "pqpay.merkle.inclusion_proof (all leaves in memory)"
    benchmark(lambda: merkle.inclusion_proof(leaf_hashes, next(picks)))


def test_consistency_proof_served(benchmark: Any, big_ledger: tuple[ledger.Ledger, bytes]) -> None:
    log, _ = big_ledger
    picks = itertools.cycle(_INDICES)
    benchmark.group = "consistency proof, 2**17 entries"
    benchmark.name = "pqpay Ledger.consistency_proof (SQLite nodes)"
    benchmark(lambda: log.consistency_proof(next(picks) + 1))


def test_consistency_proof_in_memory(
    benchmark: Any, big_ledger: tuple[ledger.Ledger, bytes]
) -> None:
    _, leaf_hashes = big_ledger
    picks = itertools.cycle(_INDICES)
    benchmark.group = "consistency proof, 2**17 entries"
    benchmark.name = "pqpay.merkle.consistency_proof (all leaves in memory)"
    benchmark(lambda: merkle.consistency_proof(leaf_hashes, next(picks) + 1))
