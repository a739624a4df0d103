"""Opening a ledger checks what it is given (issue 12, B-11): wrong types are a TypeError with a
clear message, and a store whose head row was deleted is LedgerCorrupted instead of silently
restarting as an empty log over the entries it holds (both backends)."""

from __future__ import annotations

from pathlib import Path

import pytest

from pqpay import ledger
from pqpay.exceptions import LedgerCorrupted
from tests.ledger.test_ledger import Backend, backend, postgres_dsn

__all__ = ["backend", "postgres_dsn"]  # the fixtures, shared with test_ledger


@pytest.mark.parametrize("location", [None, 5, b"ledger.db", ["x.db"], 2.5])
def test_open_storage_refuses_wrong_types(location: object) -> None:
    with pytest.raises(TypeError, match=r"location must be a str .* not "):
        ledger.open_storage(location)  # type: ignore[arg-type]


@pytest.mark.parametrize("storage", [None, 5, b"ledger.db", object()])
def test_ledger_refuses_wrong_storage_types(storage: object) -> None:
    with pytest.raises(TypeError, match=r"storage must be a pqpay\.ledger\.Storage"):
        ledger.Ledger(storage, "pay.example/log")  # type: ignore[arg-type]


@pytest.mark.parametrize("path", [None, 5, ["x.db"]])
def test_sqlite_storage_refuses_wrong_types(path: object) -> None:
    with pytest.raises(TypeError, match=r"path must be a str or os\.PathLike"):
        ledger.SQLiteStorage(path)  # type: ignore[arg-type]


def test_open_storage_takes_a_pathlike(tmp_path: Path) -> None:
    store = ledger.open_storage(tmp_path / "p.db")
    try:
        assert isinstance(store, ledger.SQLiteStorage) and store.path == str(tmp_path / "p.db")
    finally:
        store.close()


def test_deleted_head_row_is_not_recreated_over_entries(backend: Backend) -> None:
    log = backend.open()
    log.append_many([b"a", b"b", b"c"])
    log.close()
    backend.sql("DELETE FROM head")
    with pytest.raises(LedgerCorrupted, match="head row is missing but the entries table") as info:
        backend.open()
    assert info.value.index == 0


def test_deleted_head_row_with_only_a_checkpoint(backend: Backend) -> None:
    log = backend.open()
    log.checkpoint()  # an issued checkpoint of the empty tree, no entries
    log.close()
    backend.sql("DELETE FROM head")
    with pytest.raises(LedgerCorrupted, match="checkpoints table"):
        backend.open()


def test_a_new_store_still_gets_an_empty_head(backend: Backend) -> None:
    log = backend.open()
    assert log.size == 0 and log.root() == ledger.EMPTY_ROOT
    log.close()
    assert backend.open().size == 0  # reopening keeps the head
