"""Storage failures of pqpay.ledger are typed pqpay errors (issue 12, B-8): no sqlite3 or psycopg
exception leaves the ledger. Damaged or altered content is LedgerCorrupted; a store that cannot
be opened, read or written is LedgerStorageError; each message names the path (or the
database's host, never its password) and the cause."""

from __future__ import annotations

import os
import sqlite3
from pathlib import Path

import pytest

from pqpay import ledger
from pqpay.exceptions import LedgerCorrupted, LedgerStorageError
from tests.ledger.test_ledger import ORIGIN, SIGNERS, Backend, backend, postgres_dsn

__all__ = ["backend", "postgres_dsn"]  # the fixtures, shared with test_ledger


def _good_file(tmp_path: Path, n: int = 3000) -> Path:
    """A SQLite ledger of ``n`` entries with a checkpoint, checkpointed out of the WAL."""
    path = tmp_path / "good.db"
    with ledger.Ledger(path, ORIGIN, SIGNERS) as log:
        log.append_many([b"entry %d" % i for i in range(n)])
        log.checkpoint()
    assert not (tmp_path / "good.db-wal").exists()  # the last close folded the WAL in
    return path


def _use(path: Path | str) -> None:
    """Opens the ledger at ``path`` and reads everything through the public API."""
    with ledger.Ledger(path, ORIGIN, SIGNERS) as log:
        log.audit()
        if log.size:
            log.entry(log.size - 1)
            log.inclusion_proof(0)
        log.append(b"more")


# --- SQLite: files that are not, or no longer, a ledger --------------------------------------


def test_random_bytes_file_is_corrupted(tmp_path: Path) -> None:
    path = tmp_path / "random.db"
    path.write_bytes(os.urandom(8192))
    with pytest.raises(LedgerCorrupted, match="not a database") as info:
        ledger.Ledger(path, ORIGIN)
    assert str(path) in str(info.value)


def test_directory_is_a_storage_error(tmp_path: Path) -> None:
    with pytest.raises(LedgerStorageError, match="directory") as info:
        ledger.Ledger(tmp_path, ORIGIN)
    assert info.value.location == str(tmp_path)
    assert str(tmp_path) in str(info.value)


def test_missing_directory_is_a_storage_error(tmp_path: Path) -> None:
    path = tmp_path / "no" / "such" / "ledger.db"
    with pytest.raises(LedgerStorageError, match="No such file or directory") as info:
        ledger.open_storage(str(path))
    assert str(path) in str(info.value)


def test_over_long_path_is_a_storage_error(tmp_path: Path) -> None:
    path = tmp_path / ("a" * 5000 + ".db")
    with pytest.raises(LedgerStorageError, match="too long"):
        ledger.SQLiteStorage(path)
    deep = tmp_path.joinpath(*["d" * 200] * 30, "ledger.db")
    with pytest.raises(LedgerStorageError):
        ledger.Ledger(deep, ORIGIN)


def test_truncated_file_is_corrupted(tmp_path: Path) -> None:
    path = _good_file(tmp_path)
    data = path.read_bytes()
    path.write_bytes(data[: len(data) // 2])
    with pytest.raises(LedgerCorrupted, match="malformed") as info:
        _use(path)
    assert str(path) in str(info.value)


def test_damaged_pages_are_corrupted(tmp_path: Path) -> None:
    path = _good_file(tmp_path)
    data = bytearray(path.read_bytes())
    # Overwrite the b-tree headers of a few pages (SQLite's default page is 4096 bytes).
    for page in (2, 3, 5):
        data[page * 4096 : page * 4096 + 64] = b"\xa5" * 64
    path.write_bytes(bytes(data))
    with pytest.raises(LedgerCorrupted):
        _use(path)


def test_busy_past_the_timeout_is_a_storage_error(tmp_path: Path) -> None:
    path = _good_file(tmp_path, 3)
    other = sqlite3.connect(path, isolation_level=None)
    other.execute("BEGIN IMMEDIATE")  # another writer holds the lock
    try:
        log = ledger.Ledger(ledger.SQLiteStorage(path, timeout=0.05), ORIGIN)
    except LedgerStorageError as exc:  # setup itself writes
        assert "locked" in str(exc)
    else:
        with log, pytest.raises(LedgerStorageError, match="locked"):
            log.append(b"x")
    finally:
        other.execute("ROLLBACK")
        other.close()


def test_closed_storage_is_a_storage_error(tmp_path: Path) -> None:
    log = ledger.Ledger(tmp_path / "x.db", ORIGIN)
    log.close()
    with pytest.raises(LedgerStorageError, match="closed"):
        log.size  # noqa: B018


# --- both backends: a tampered store -----------------------------------------------------------


def test_append_over_a_planted_row_is_corrupted(backend: Backend) -> None:
    log = backend.open()
    log.append_many([b"a", b"b", b"c"])
    backend.sql("INSERT INTO entries (idx, data) VALUES (3, ?)", (b"planted",))
    with pytest.raises(LedgerCorrupted, match="damaged or altered"):
        log.append(b"d")
    assert log.size == 3  # nothing of the failed append was kept
    backend.sql("DELETE FROM entries WHERE idx = 3")
    assert log.append(b"d") == 3


def test_dropped_table_is_corrupted(backend: Backend) -> None:
    log = backend.open()
    log.append(b"a")
    backend.sql("DROP TABLE nodes")
    with pytest.raises(LedgerCorrupted):
        log.audit()
    with pytest.raises(LedgerCorrupted):
        log.append(b"b")


# --- PostgreSQL: connecting --------------------------------------------------------------------


@pytest.mark.parametrize(
    "dsn",
    [
        "host=127.0.0.1 port=1 dbname=pay user=gw password=hunter2-secret connect_timeout=5",
        "postgresql://gw:hunter2-secret@127.0.0.1:1/pay?connect_timeout=5",
    ],
)
def test_connection_refused_names_the_host_not_the_password(dsn: str) -> None:
    pytest.importorskip("psycopg")
    with pytest.raises(LedgerStorageError, match="Connection refused") as info:
        ledger.open_storage(dsn)
    exc = info.value
    assert "127.0.0.1" in str(exc) and "port=1" in str(exc) and "dbname=pay" in str(exc)
    assert exc.location == "host=127.0.0.1 port=1 dbname=pay user=gw"
    chained = [exc, exc.__cause__, exc.__context__]
    assert not any("hunter2" in repr(e) for e in chained if e is not None)
    assert exc.__suppress_context__


def test_malformed_dsn_does_not_echo_it() -> None:
    pytest.importorskip("psycopg")
    with pytest.raises(LedgerStorageError, match="not a valid PostgreSQL") as info:
        ledger.PostgresStorage("host=db.example password=hunter2 secret=")
    assert "hunter2" not in str(info.value)
    assert info.value.__cause__ is None


def test_postgres_location_and_repr(postgres_dsn: str) -> None:
    store = ledger.PostgresStorage(postgres_dsn + " password=hunter2")
    try:
        assert "user=postgres" in store.location and "hunter2" not in repr(store)
    finally:
        store.close()
