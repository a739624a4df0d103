""":class:`SQLiteStorage`: a ledger in one SQLite file (WAL, ``synchronous=FULL``)."""

from __future__ import annotations

import contextlib
import errno
import os
import sqlite3
import threading
from collections.abc import Iterator, Sequence

from pqpay.exceptions import LedgerCorrupted, LedgerStorageError, PqpayError
from pqpay.ledger.storage import (
    Node,
    NodeId,
    SQLStorage,
    SQLTransaction,
    StorageTransaction,
    blob,
    first_leaf,
    read_head,
)
from pqpay.merkle import HASH_SIZE

__all__ = ["SQLiteStorage"]

_SCHEMA = (
    "CREATE TABLE IF NOT EXISTS meta (key TEXT PRIMARY KEY, value TEXT NOT NULL)",
    "CREATE TABLE IF NOT EXISTS entries (idx INTEGER PRIMARY KEY, data BLOB NOT NULL)",
    "CREATE TABLE IF NOT EXISTS nodes (level INTEGER NOT NULL, idx INTEGER NOT NULL,"
    " hash BLOB NOT NULL, PRIMARY KEY (level, idx)) WITHOUT ROWID",
    "CREATE TABLE IF NOT EXISTS head (id INTEGER PRIMARY KEY CHECK (id = 0),"
    " size INTEGER NOT NULL, peaks BLOB NOT NULL)",
    "CREATE TABLE IF NOT EXISTS checkpoints (seq INTEGER PRIMARY KEY AUTOINCREMENT,"
    " size INTEGER NOT NULL, root BLOB NOT NULL, note BLOB NOT NULL)",
)


# Primary SQLite result codes that mean the file's content is bad, not that it cannot be used:
# SQLITE_CORRUPT, SQLITE_CONSTRAINT (a row where the head says none is), SQLITE_MISMATCH,
# SQLITE_FORMAT, SQLITE_NOTADB.
_DAMAGED = {11, 19, 20, 24, 26}
_SQLITE_CANTOPEN = 14
# SQLITE_ERROR messages that mean the schema was altered (a table or column gone).
_SCHEMA_DAMAGE = ("no such table", "no such column", "malformed database schema")


def _open_failure(path: str) -> str:
    """Why the file at ``path`` cannot be opened, from the file system (SQLite says only
    "unable to open database file")."""
    if os.path.isdir(path):
        return "; the path is a directory"
    for where in (path, os.path.dirname(os.path.abspath(path))):
        try:
            os.stat(where)
        except OSError as exc:
            if exc.errno == errno.ENOENT and where == path:
                continue  # a new file: look at its directory
            return f"; {exc.strerror}: {where!r}"
    return ""


def _translate(exc: sqlite3.Error, path: str) -> PqpayError:
    """The pqpay error for a sqlite3 error on the ledger file at ``path``."""
    code = getattr(exc, "sqlite_errorcode", None)
    primary = code & 0xFF if isinstance(code, int) else None
    name = getattr(exc, "sqlite_errorname", None) or type(exc).__name__
    cause = f"{exc} ({name})"
    if (
        isinstance(exc, sqlite3.IntegrityError)
        or primary in _DAMAGED
        or (primary == 1 and str(exc).startswith(_SCHEMA_DAMAGE))
    ):
        return LedgerCorrupted(f"{path}: the SQLite ledger is damaged or altered: {cause}")
    hint = _open_failure(path) if primary == _SQLITE_CANTOPEN else ""
    return LedgerStorageError(f"{path}: SQLite ledger storage failed: {cause}{hint}", path)


# (level, idx) pairs per SELECT: 800 parameters, under the 999 of SQLite builds before 3.32.
_NODE_BATCH = 400


def _nodes(conn: sqlite3.Connection, ids: Sequence[NodeId]) -> list[bytes | None]:
    """One SELECT per batch of node ids. The CROSS JOIN keeps the id list as the outer loop, so
    each id is a primary-key search (a row-value IN list would scan the table)."""
    found: dict[NodeId, bytes] = {}
    for start in range(0, len(ids), _NODE_BATCH):
        batch = ids[start : start + _NODE_BATCH]
        values = ", ".join(["(?, ?)"] * len(batch))  # placeholders only, never data
        rows = conn.execute(
            f"WITH q(level, idx) AS (VALUES {values}) SELECT n.level, n.idx, n.hash"
            " FROM q CROSS JOIN nodes n ON n.level = q.level AND n.idx = q.idx",
            [int(x) for node in batch for x in node],
        ).fetchall()
        for level, idx, h in rows:
            node = (int(level), int(idx))  # equal to a requested id, so an int
            found[node] = blob(h, f"node (level {level}, index {idx})", first_leaf(node), HASH_SIZE)
    return [found.get((int(level), int(idx))) for level, idx in ids]


class _SQLiteTransaction(SQLTransaction):
    def __init__(self, conn: sqlite3.Connection) -> None:
        self._conn = conn

    def head(self) -> tuple[int, list[bytes]]:
        return read_head(self._conn, "SELECT size, peaks FROM head WHERE id = 0")

    def nodes(self, ids: Sequence[NodeId]) -> list[bytes | None]:
        return _nodes(self._conn, ids)

    def _insert(self, first: int, entries: Sequence[bytes], nodes: Sequence[Node]) -> None:
        # Plain INSERTs: an existing index is an integrity error, never an overwrite.
        self._conn.executemany(
            "INSERT INTO entries (idx, data) VALUES (?, ?)",
            zip(range(first, first + len(entries)), entries, strict=True),
        )
        self._conn.executemany("INSERT INTO nodes (level, idx, hash) VALUES (?, ?, ?)", nodes)


class SQLiteStorage(SQLStorage):
    """One SQLite file in WAL mode with ``synchronous=FULL``: a returned append has been fsynced.

    Several processes may open the same file; ``BEGIN IMMEDIATE`` serialises their writers
    (waiting up to ``timeout`` seconds for the lock). One connection, shared by threads under a
    lock.

    Every sqlite3 error becomes a pqpay one naming the path and the cause:
    :class:`~pqpay.exceptions.LedgerCorrupted` when the content is bad (not a database, a
    damaged page, a row where the head says none is, a table gone), else
    :class:`~pqpay.exceptions.LedgerStorageError` (cannot open, I/O, disk full, locked past
    ``timeout``).
    """

    def __init__(self, path: str | os.PathLike[str], *, timeout: float = 30.0) -> None:
        if not isinstance(path, (str, os.PathLike)):
            raise TypeError(
                f"path must be a str or os.PathLike (a SQLite file), not {type(path).__name__}"
            )
        self.path = os.fsdecode(path)
        self._lock = threading.RLock()
        with self._errors():
            self._conn = sqlite3.connect(
                self.path, timeout=timeout, isolation_level=None, check_same_thread=False
            )
            try:
                mode = self._conn.execute("PRAGMA journal_mode = WAL").fetchone()[0]
                if str(mode).lower() != "wal":
                    raise LedgerStorageError(
                        f"{self.path}: SQLite refused WAL mode (got {mode!r})", self.path
                    )
                self._conn.execute("PRAGMA synchronous = FULL")
            except BaseException:
                self._conn.close()
                raise

    @contextlib.contextmanager
    def _errors(self) -> Iterator[None]:
        try:
            yield
        except sqlite3.Error as exc:
            raise _translate(exc, self.path) from exc

    def setup(self, origin: str) -> None:
        with self._errors(), self.transaction_raw() as conn:
            for statement in _SCHEMA:
                conn.execute(statement)
            self._bind_origin(origin, self.path)
            self._init_head(self.path)

    @contextlib.contextmanager
    def transaction_raw(self) -> Iterator[sqlite3.Connection]:
        """A raw ``BEGIN IMMEDIATE`` transaction on the connection (under the lock)."""
        with self._lock:
            # IMMEDIATE takes the write lock before the head is read, so two writers never
            # compute on the same head.
            self._conn.execute("BEGIN IMMEDIATE")
            try:
                yield self._conn
            except BaseException:
                # SQLite may have rolled back already (an I/O error); the first error is the one
                # to report, not a failed ROLLBACK.
                if self._conn.in_transaction:
                    with contextlib.suppress(sqlite3.Error):
                        self._conn.execute("ROLLBACK")
                raise
            self._conn.execute("COMMIT")

    @contextlib.contextmanager
    def transaction(self) -> Iterator[StorageTransaction]:
        with self._errors(), self.transaction_raw() as conn:
            yield _SQLiteTransaction(conn)

    def nodes(self, ids: Sequence[NodeId]) -> list[bytes | None]:
        with self._guard():
            return _nodes(self._conn, ids)

    def __repr__(self) -> str:
        return f"SQLiteStorage({self.path!r})"
