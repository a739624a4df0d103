"""An append-only RFC 9162 audit ledger with signed checkpoints and durable storage.

A :class:`Ledger` appends entries (transaction records, receipts) to a SHA-256 Merkle tree
(:mod:`pqpay.merkle`), stores every entry, every leaf hash and every completed perfect-subtree
node, and issues C2SP checkpoints inside signed notes (:mod:`pqpay.checkpoint`)::

    ledger = Ledger(SQLiteStorage("audit.db"), "pay.example/log", signers=[ed, mldsa])
    index = ledger.append(b'{"order": 42, "amount_minor": 12999}')
    note = ledger.checkpoint()                        # signed checkpoint of the current tree
    proof = ledger.inclusion_proof(index, tree_size)  # list of 32-byte hashes
    verify_inclusion(entry, index, proof, note, [vkey])   # anyone, offline, no ledger needed

Nothing keeps the tree in memory: the state for appending is the O(log n) compact range
(``head``: size and peaks), and proofs are served from stored nodes through
:class:`pqpay.merkle.ProofPlan`. Every append is one durable transaction; the ledger only signs a
checkpoint after proving, from stored nodes, that it is consistent with the last one it issued,
and :meth:`Ledger.audit` recomputes everything from the stored entries, naming the first bad
index on tampering (:class:`~pqpay.exceptions.LedgerCorrupted`).

Storage: :class:`SQLiteStorage` (one file, WAL, ``synchronous=FULL``) and
:class:`PostgresStorage` (psycopg 3, extra ``pqpay[postgres]``) for several gateway processes
appending to one log; appends are serialised by a row lock on the head row.
"""

from __future__ import annotations

import abc
import contextlib
import hashlib
import os
import sqlite3
import threading
from collections.abc import Callable, Iterable, Iterator, Sequence
from typing import TYPE_CHECKING, Any

from pqpay import merkle
from pqpay._bytes import as_bytes
from pqpay.checkpoint import (
    Checkpoint,
    NoteSigner,
    Require,
    VerifierKey,
    note_verifiers,
    sign_checkpoint,
    verify_checkpoint,
)
from pqpay.exceptions import InvalidProof, LedgerCorrupted

if TYPE_CHECKING:
    import psycopg

__all__ = [
    "Ledger",
    "PostgresStorage",
    "SQLiteStorage",
    "Storage",
    "StorageTransaction",
    "VerifierKey",
    "open_storage",
    "verify_consistency",
    "verify_inclusion",
]

HASH_SIZE = 32
EMPTY_ROOT = hashlib.sha256(b"").digest()

NodeId = tuple[int, int]
"""``(level, index)``: the perfect subtree of ``2**level`` leaves starting at leaf
``index * 2**level``; level 0 holds the leaf hashes."""
Node = tuple[int, int, bytes]
Progress = Callable[[int, int], None]
"""``progress(done, total)``, called during long work (audit)."""


def _join_peaks(peaks: Sequence[bytes]) -> bytes:
    return b"".join(peaks)


def _split_peaks(size: int, blob: bytes) -> list[bytes]:
    expected = HASH_SIZE * size.bit_count()
    if len(blob) != expected:
        raise LedgerCorrupted(
            f"stored head of size {size} holds {len(blob)} bytes of peaks, expected {expected}",
            index=size,
        )
    return [blob[i : i + HASH_SIZE] for i in range(0, expected, HASH_SIZE)]


def _first_leaf(node: NodeId) -> int:
    level, index = node
    return index << level


# --- storage interface ----------------------------------------------------------------------


class StorageTransaction(abc.ABC):
    """One serialised write transaction; the head is locked from start to commit."""

    @abc.abstractmethod
    def head(self) -> tuple[int, list[bytes]]:
        """The tree size and peaks as of this transaction."""

    @abc.abstractmethod
    def nodes(self, ids: Sequence[NodeId]) -> list[bytes | None]:
        """Stored hashes of ``ids``, in order (None where absent)."""

    @abc.abstractmethod
    def last_checkpoint(self) -> tuple[int, bytes] | None:
        """``(size, root)`` of the most recently issued checkpoint, if any."""

    @abc.abstractmethod
    def write(
        self,
        first: int,
        entries: Sequence[bytes],
        leaf_hashes: bytes,
        nodes: Sequence[Node],
        size: int,
        peaks: Sequence[bytes],
    ) -> None:
        """Stores entries ``first..`` with their leaf hashes, the completed ``nodes`` (level >= 1)
        and the new head, all in this transaction."""

    @abc.abstractmethod
    def add_checkpoint(self, size: int, root: bytes, note: bytes) -> None:
        """Records an issued checkpoint."""


class Storage(abc.ABC):
    """Where a :class:`Ledger` keeps its entries, hashes, head and issued checkpoints.

    Tables (both backends): ``entries(idx, data)``, ``nodes(level, idx, hash)`` (level 0 = leaf
    hashes), ``head(size, peaks)`` (one row), ``checkpoints(seq, size, root, note)`` and
    ``meta(key, value)`` (the origin). Implementations must make each
    :meth:`transaction` atomic and durable at commit, and serialise transactions.
    """

    @abc.abstractmethod
    def setup(self, origin: str) -> None:
        """Creates the tables if needed and binds the storage to ``origin``.

        :raises ValueError: the storage already belongs to another origin.
        """

    @abc.abstractmethod
    def transaction(self) -> contextlib.AbstractContextManager[StorageTransaction]:
        """A serialised write transaction: commits on normal exit, rolls back on an exception."""

    @abc.abstractmethod
    def head(self) -> tuple[int, list[bytes]]:
        """The committed tree size and peaks."""

    @abc.abstractmethod
    def entries(self, start: int, stop: int) -> list[tuple[int, bytes]]:
        """Stored ``(idx, data)`` rows with ``start <= idx < stop``, by index."""

    @abc.abstractmethod
    def nodes(self, ids: Sequence[NodeId]) -> list[bytes | None]:
        """Stored hashes of ``ids``, in order (None where absent)."""

    @abc.abstractmethod
    def node_range(self, level: int, start: int, stop: int) -> list[tuple[int, bytes]]:
        """Stored ``(idx, hash)`` rows of ``level`` with ``start <= idx < stop``, by index."""

    @abc.abstractmethod
    def checkpoints(self) -> list[tuple[int, bytes, bytes]]:
        """Every issued checkpoint as ``(size, root, note)``, oldest first."""

    @abc.abstractmethod
    def row_counts(self) -> tuple[int, int, int]:
        """``(entry rows, 1 + highest entry index or 0, node rows)``, for the audit."""

    @abc.abstractmethod
    def close(self) -> None:
        """Releases the connection."""


# --- SQLite ---------------------------------------------------------------------------------

_SQL_SCHEMA = (
    "CREATE TABLE IF NOT EXISTS meta (key TEXT PRIMARY KEY, value TEXT NOT NULL)",
    "CREATE TABLE IF NOT EXISTS entries (idx INTEGER PRIMARY KEY, data BLOB NOT NULL)",
    "CREATE TABLE IF NOT EXISTS nodes (level INTEGER NOT NULL, idx INTEGER NOT NULL,"
    " hash BLOB NOT NULL, PRIMARY KEY (level, idx)) WITHOUT ROWID",
    "CREATE TABLE IF NOT EXISTS head (id INTEGER PRIMARY KEY CHECK (id = 0),"
    " size INTEGER NOT NULL, peaks BLOB NOT NULL)",
    "CREATE TABLE IF NOT EXISTS checkpoints (seq INTEGER PRIMARY KEY AUTOINCREMENT,"
    " size INTEGER NOT NULL, root BLOB NOT NULL, note BLOB NOT NULL)",
)


class _SQLiteTransaction(StorageTransaction):
    def __init__(self, conn: sqlite3.Connection) -> None:
        self._conn = conn

    def head(self) -> tuple[int, list[bytes]]:
        return _sqlite_head(self._conn)

    def nodes(self, ids: Sequence[NodeId]) -> list[bytes | None]:
        return _sqlite_nodes(self._conn, ids)

    def last_checkpoint(self) -> tuple[int, bytes] | None:
        row = self._conn.execute(
            "SELECT size, root FROM checkpoints ORDER BY seq DESC LIMIT 1"
        ).fetchone()
        return None if row is None else (int(row[0]), bytes(row[1]))

    def write(
        self,
        first: int,
        entries: Sequence[bytes],
        leaf_hashes: bytes,
        nodes: Sequence[Node],
        size: int,
        peaks: Sequence[bytes],
    ) -> None:
        conn = self._conn
        # Plain INSERTs: an existing index is an integrity error, never an overwrite.
        conn.executemany(
            "INSERT INTO entries (idx, data) VALUES (?, ?)",
            zip(range(first, size), entries, strict=True),
        )
        conn.executemany(
            "INSERT INTO nodes (level, idx, hash) VALUES (0, ?, ?)",
            (
                (first + i, leaf_hashes[i * HASH_SIZE : (i + 1) * HASH_SIZE])
                for i in range(len(entries))
            ),
        )
        conn.executemany("INSERT INTO nodes (level, idx, hash) VALUES (?, ?, ?)", nodes)
        conn.execute("UPDATE head SET size = ?, peaks = ? WHERE id = 0", (size, _join_peaks(peaks)))

    def add_checkpoint(self, size: int, root: bytes, note: bytes) -> None:
        self._conn.execute(
            "INSERT INTO checkpoints (size, root, note) VALUES (?, ?, ?)", (size, root, note)
        )


def _sqlite_head(conn: sqlite3.Connection) -> tuple[int, list[bytes]]:
    row = conn.execute("SELECT size, peaks FROM head WHERE id = 0").fetchone()
    if row is None:
        raise LedgerCorrupted("the head row is missing", index=0)
    size = int(row[0])
    return size, _split_peaks(size, bytes(row[1]))


def _sqlite_nodes(conn: sqlite3.Connection, ids: Sequence[NodeId]) -> list[bytes | None]:
    out: list[bytes | None] = []
    for level, idx in ids:
        row = conn.execute(
            "SELECT hash FROM nodes WHERE level = ? AND idx = ?", (level, idx)
        ).fetchone()
        out.append(None if row is None else bytes(row[0]))
    return out


class SQLiteStorage(Storage):
    """One SQLite file in WAL mode with ``synchronous=FULL``: a returned append has been fsynced.

    Several processes may open the same file; ``BEGIN IMMEDIATE`` serialises their writers
    (waiting up to ``timeout`` seconds for the lock). One connection, shared by threads under a
    lock.
    """

    def __init__(self, path: str | os.PathLike[str], *, timeout: float = 30.0) -> None:
        self.path = os.fspath(path)
        self._lock = threading.RLock()
        self._conn = sqlite3.connect(
            self.path, timeout=timeout, isolation_level=None, check_same_thread=False
        )
        mode = self._conn.execute("PRAGMA journal_mode = WAL").fetchone()[0]
        if str(mode).lower() != "wal":
            self._conn.close()
            raise ValueError(f"{self.path}: SQLite refused WAL mode (got {mode!r})")
        self._conn.execute("PRAGMA synchronous = FULL")

    def setup(self, origin: str) -> None:
        with self.transaction_raw() as conn:
            for statement in _SQL_SCHEMA:
                conn.execute(statement)
            row = conn.execute("SELECT value FROM meta WHERE key = 'origin'").fetchone()
            if row is None:
                conn.execute("INSERT INTO meta (key, value) VALUES ('origin', ?)", (origin,))
            elif row[0] != origin:
                raise ValueError(f"{self.path} holds the log {row[0]!r}, not {origin!r}")
            conn.execute("INSERT OR IGNORE INTO head (id, size, peaks) VALUES (0, 0, x'')")

    @contextlib.contextmanager
    def transaction_raw(self) -> Iterator[sqlite3.Connection]:
        with self._lock:
            # IMMEDIATE takes the write lock before the head is read, so two writers never
            # compute on the same head.
            self._conn.execute("BEGIN IMMEDIATE")
            try:
                yield self._conn
            except BaseException:
                self._conn.execute("ROLLBACK")
                raise
            self._conn.execute("COMMIT")

    @contextlib.contextmanager
    def transaction(self) -> Iterator[StorageTransaction]:
        with self.transaction_raw() as conn:
            yield _SQLiteTransaction(conn)

    def head(self) -> tuple[int, list[bytes]]:
        with self._lock:
            return _sqlite_head(self._conn)

    def entries(self, start: int, stop: int) -> list[tuple[int, bytes]]:
        with self._lock:
            rows = self._conn.execute(
                "SELECT idx, data FROM entries WHERE idx >= ? AND idx < ? ORDER BY idx",
                (start, stop),
            ).fetchall()
        return [(int(i), bytes(d)) for i, d in rows]

    def nodes(self, ids: Sequence[NodeId]) -> list[bytes | None]:
        with self._lock:
            return _sqlite_nodes(self._conn, ids)

    def node_range(self, level: int, start: int, stop: int) -> list[tuple[int, bytes]]:
        with self._lock:
            rows = self._conn.execute(
                "SELECT idx, hash FROM nodes WHERE level = ? AND idx >= ? AND idx < ? ORDER BY idx",
                (level, start, stop),
            ).fetchall()
        return [(int(i), bytes(h)) for i, h in rows]

    def checkpoints(self) -> list[tuple[int, bytes, bytes]]:
        with self._lock:
            rows = self._conn.execute(
                "SELECT size, root, note FROM checkpoints ORDER BY seq"
            ).fetchall()
        return [(int(s), bytes(r), bytes(n)) for s, r, n in rows]

    def row_counts(self) -> tuple[int, int, int]:
        with self._lock:
            count, top = self._conn.execute(
                "SELECT count(*), coalesce(max(idx) + 1, 0) FROM entries"
            ).fetchone()
            (nodes,) = self._conn.execute("SELECT count(*) FROM nodes").fetchone()
        return int(count), int(top), int(nodes)

    def close(self) -> None:
        with self._lock:
            self._conn.close()

    def __repr__(self) -> str:
        return f"SQLiteStorage({self.path!r})"


# --- PostgreSQL -----------------------------------------------------------------------------

_PG_SCHEMA = (
    "CREATE TABLE IF NOT EXISTS meta (key TEXT PRIMARY KEY, value TEXT NOT NULL)",
    "CREATE TABLE IF NOT EXISTS entries (idx BIGINT PRIMARY KEY, data BYTEA NOT NULL)",
    "CREATE TABLE IF NOT EXISTS nodes (level SMALLINT NOT NULL, idx BIGINT NOT NULL,"
    " hash BYTEA NOT NULL, PRIMARY KEY (level, idx))",
    "CREATE TABLE IF NOT EXISTS head (id SMALLINT PRIMARY KEY CHECK (id = 0),"
    " size BIGINT NOT NULL, peaks BYTEA NOT NULL)",
    "CREATE TABLE IF NOT EXISTS checkpoints (seq BIGSERIAL PRIMARY KEY,"
    " size BIGINT NOT NULL, root BYTEA NOT NULL, note BYTEA NOT NULL)",
)
# Serialises concurrent schema creation (CREATE TABLE IF NOT EXISTS races on the catalog).
_PG_SETUP_LOCK = 0x7071_7061_795F_6C67  # "pqpay_lg"


class _PostgresTransaction(StorageTransaction):
    def __init__(self, conn: psycopg.Connection[Any]) -> None:
        self._conn = conn
        # The row lock on the head serialises appends and checkpoints of every process.
        row = conn.execute("SELECT size, peaks FROM head WHERE id = 0 FOR UPDATE").fetchone()
        if row is None:
            raise LedgerCorrupted("the head row is missing", index=0)
        self._size = int(row[0])
        self._peaks = _split_peaks(self._size, bytes(row[1]))

    def head(self) -> tuple[int, list[bytes]]:
        return self._size, list(self._peaks)

    def nodes(self, ids: Sequence[NodeId]) -> list[bytes | None]:
        return _pg_nodes(self._conn, ids)

    def last_checkpoint(self) -> tuple[int, bytes] | None:
        row = self._conn.execute(
            "SELECT size, root FROM checkpoints ORDER BY seq DESC LIMIT 1"
        ).fetchone()
        return None if row is None else (int(row[0]), bytes(row[1]))

    def write(
        self,
        first: int,
        entries: Sequence[bytes],
        leaf_hashes: bytes,
        nodes: Sequence[Node],
        size: int,
        peaks: Sequence[bytes],
    ) -> None:
        with self._conn.cursor() as cur:
            with cur.copy("COPY entries (idx, data) FROM STDIN (FORMAT BINARY)") as copy:
                copy.set_types(["int8", "bytea"])
                for i, data in enumerate(entries):
                    copy.write_row((first + i, data))
            with cur.copy("COPY nodes (level, idx, hash) FROM STDIN (FORMAT BINARY)") as copy:
                copy.set_types(["int2", "int8", "bytea"])
                for i in range(len(entries)):
                    copy.write_row((0, first + i, leaf_hashes[i * HASH_SIZE : (i + 1) * HASH_SIZE]))
                for node in nodes:
                    copy.write_row(node)
            cur.execute(
                "UPDATE head SET size = %s, peaks = %s WHERE id = 0", (size, _join_peaks(peaks))
            )

    def add_checkpoint(self, size: int, root: bytes, note: bytes) -> None:
        self._conn.execute(
            "INSERT INTO checkpoints (size, root, note) VALUES (%s, %s, %s)", (size, root, note)
        )


def _pg_nodes(conn: psycopg.Connection[Any], ids: Sequence[NodeId]) -> list[bytes | None]:
    if not ids:
        return []
    rows = conn.execute(
        "SELECT n.level, n.idx, n.hash FROM nodes n"
        " JOIN unnest(%s::int2[], %s::int8[]) AS q(level, idx)"
        " ON n.level = q.level AND n.idx = q.idx",
        ([level for level, _ in ids], [idx for _, idx in ids]),
    ).fetchall()
    found = {(int(level), int(idx)): bytes(h) for level, idx, h in rows}
    return [found.get(node) for node in ids]


class PostgresStorage(Storage):
    """A PostgreSQL database (psycopg 3; install ``pqpay[postgres]``) shared by many processes.

    Appends and checkpoints lock the head row (``SELECT ... FOR UPDATE``) inside their
    transaction, so concurrent writers produce one gap-free, duplicate-free log. Commits wait
    for the WAL flush (``synchronous_commit = on`` for this session). ``schema`` (optional) puts
    the tables in their own schema, created if needed, so one database can hold several logs.
    """

    def __init__(self, dsn: str, *, schema: str | None = None) -> None:
        try:
            import psycopg
            from psycopg import sql
        except ImportError as exc:  # pragma: no cover - depends on the environment
            raise ImportError(
                "PostgresStorage needs psycopg 3: pip install 'pqpay[postgres]'"
            ) from exc
        self._lock = threading.RLock()
        self._conn: psycopg.Connection[Any] = psycopg.connect(dsn, autocommit=True)
        self.schema = schema
        try:
            self._conn.execute("SET synchronous_commit = on")
            if schema is not None:
                with self._conn.transaction():
                    self._conn.execute("SELECT pg_advisory_xact_lock(%s)", (_PG_SETUP_LOCK,))
                    self._conn.execute(
                        sql.SQL("CREATE SCHEMA IF NOT EXISTS {}").format(sql.Identifier(schema))
                    )
                self._conn.execute(sql.SQL("SET search_path TO {}").format(sql.Identifier(schema)))
        except BaseException:
            self._conn.close()
            raise

    def setup(self, origin: str) -> None:
        with self._lock, self._conn.transaction():
            self._conn.execute("SELECT pg_advisory_xact_lock(%s)", (_PG_SETUP_LOCK,))
            for statement in _PG_SCHEMA:
                self._conn.execute(statement)
            row = self._conn.execute("SELECT value FROM meta WHERE key = 'origin'").fetchone()
            if row is None:
                self._conn.execute("INSERT INTO meta (key, value) VALUES ('origin', %s)", (origin,))
            elif row[0] != origin:
                raise ValueError(f"this database holds the log {row[0]!r}, not {origin!r}")
            self._conn.execute(
                "INSERT INTO head (id, size, peaks) VALUES (0, 0, ''::bytea)"
                " ON CONFLICT (id) DO NOTHING"
            )

    @contextlib.contextmanager
    def transaction(self) -> Iterator[StorageTransaction]:
        with self._lock, self._conn.transaction():
            yield _PostgresTransaction(self._conn)

    def head(self) -> tuple[int, list[bytes]]:
        with self._lock:
            row = self._conn.execute("SELECT size, peaks FROM head WHERE id = 0").fetchone()
        if row is None:
            raise LedgerCorrupted("the head row is missing", index=0)
        size = int(row[0])
        return size, _split_peaks(size, bytes(row[1]))

    def entries(self, start: int, stop: int) -> list[tuple[int, bytes]]:
        with self._lock:
            rows = self._conn.execute(
                "SELECT idx, data FROM entries WHERE idx >= %s AND idx < %s ORDER BY idx",
                (start, stop),
            ).fetchall()
        return [(int(i), bytes(d)) for i, d in rows]

    def nodes(self, ids: Sequence[NodeId]) -> list[bytes | None]:
        with self._lock:
            return _pg_nodes(self._conn, ids)

    def node_range(self, level: int, start: int, stop: int) -> list[tuple[int, bytes]]:
        with self._lock:
            rows = self._conn.execute(
                "SELECT idx, hash FROM nodes WHERE level = %s AND idx >= %s AND idx < %s"
                " ORDER BY idx",
                (level, start, stop),
            ).fetchall()
        return [(int(i), bytes(h)) for i, h in rows]

    def checkpoints(self) -> list[tuple[int, bytes, bytes]]:
        with self._lock:
            rows = self._conn.execute(
                "SELECT size, root, note FROM checkpoints ORDER BY seq"
            ).fetchall()
        return [(int(s), bytes(r), bytes(n)) for s, r, n in rows]

    def row_counts(self) -> tuple[int, int, int]:
        with self._lock:
            row = self._conn.execute(
                "SELECT count(*), coalesce(max(idx) + 1, 0) FROM entries"
            ).fetchone()
            nodes_row = self._conn.execute("SELECT count(*) FROM nodes").fetchone()
        assert row is not None and nodes_row is not None
        return int(row[0]), int(row[1]), int(nodes_row[0])

    def close(self) -> None:
        with self._lock:
            self._conn.close()

    def __repr__(self) -> str:
        return f"PostgresStorage(schema={self.schema!r})"


def open_storage(location: str) -> Storage:
    """``postgresql://...``, ``postgres://...`` or a libpq ``key=value`` string opens a
    :class:`PostgresStorage`; anything else is a SQLite file path."""
    if location.startswith(("postgresql://", "postgres://")) or "=" in location.split("/")[0]:
        return PostgresStorage(location)
    return SQLiteStorage(location)


# --- the ledger -----------------------------------------------------------------------------


def _check_origin(origin: str) -> str:
    if not isinstance(origin, str):
        raise TypeError(f"origin must be a str, not {type(origin).__name__}")
    if origin != origin.strip():
        raise ValueError("origin must not start or end with spaces (e.g. 'pay.example/log')")
    Checkpoint(origin, 0, EMPTY_ROOT)  # the checkpoint format's own rules for its first line
    return origin


class Ledger:
    """An append-only Merkle log over a :class:`Storage`.

    :param storage: a :class:`Storage`, or a path (a :class:`SQLiteStorage` file).
    :param origin: the log's name, the first line of its checkpoints (e.g. ``pay.example/log``).
    :param signers: :class:`pqpay.checkpoint.NoteSigner` objects for :meth:`checkpoint`, e.g. an
        ``Ed25519NoteSigner`` and an ``MLDSA44Cosigner``, each over any signer (software key or
        HSM handle). Only :meth:`checkpoint` needs them.
    :raises ValueError: the storage already belongs to another origin.
    """

    def __init__(
        self,
        storage: Storage | str | os.PathLike[str],
        origin: str,
        signers: Sequence[NoteSigner] = (),
    ) -> None:
        self.origin = _check_origin(origin)
        self.storage = storage if isinstance(storage, Storage) else SQLiteStorage(storage)
        self.signers = tuple(signers)
        self.storage.setup(self.origin)

    def __enter__(self) -> Ledger:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()

    def close(self) -> None:
        """Closes the storage."""
        self.storage.close()

    def __repr__(self) -> str:
        return f"<Ledger {self.origin!r} on {self.storage!r}>"

    # -- appending

    def append(self, entry: bytes) -> int:
        """Appends one entry; returns its index once it is durably committed."""
        return self.append_many([entry]).start

    def append_many(self, entries: Iterable[bytes]) -> range:
        """Appends ``entries`` in one durable transaction; returns their indices (a ``range``).

        Either every entry is stored or none is. Leaf hashes are computed before the head is
        locked, so concurrent writers hold the lock only for the tree update and the insert.
        """
        data = [as_bytes(e, "entry") for e in entries]
        if not data:
            size = self.size
            return range(size, size)
        leaf_hashes = merkle.leaf_hashes(data)
        with self.storage.transaction() as txn:
            first, peaks = txn.head()
            tree = merkle.MerkleTree.from_state(first, peaks)
            nodes = tree.extend(leaf_hashes)
            txn.write(first, data, leaf_hashes, nodes, tree.size, tree.peaks)
        return range(first, first + len(data))

    # -- reading

    @property
    def size(self) -> int:
        """The number of committed entries."""
        return self.storage.head()[0]

    def entry(self, index: int) -> bytes:
        """The entry at ``index``.

        :raises ValueError: ``index`` is not below the size.
        """
        size = self.size
        _check_index(index, size)
        rows = self.storage.entries(index, index + 1)
        if not rows:
            raise LedgerCorrupted(f"entry {index} is missing from storage", index=index)
        return rows[0][1]

    def _sized(self, tree_size: int | None) -> tuple[int, list[bytes], int]:
        size, peaks = self.storage.head()
        if tree_size is None:
            return size, peaks, size
        if isinstance(tree_size, bool) or not isinstance(tree_size, int):
            raise TypeError(f"tree_size must be an int, not {type(tree_size).__name__}")
        if not 0 <= tree_size <= size:
            raise ValueError(
                f"tree_size must be in [0, {size}] (the ledger's size), got {tree_size}"
            )
        return size, peaks, tree_size

    def _fetch(
        self, ids: Sequence[NodeId], fetch: Callable[[Sequence[NodeId]], list[bytes | None]]
    ) -> list[bytes]:
        hashes = fetch(ids)
        out: list[bytes] = []
        for node, digest in zip(ids, hashes, strict=True):
            if digest is None or len(digest) != HASH_SIZE:
                raise LedgerCorrupted(
                    f"node (level {node[0]}, index {node[1]}) is missing or malformed in storage",
                    index=_first_leaf(node),
                )
            out.append(digest)
        return out

    def root(self, tree_size: int | None = None) -> bytes:
        """The RFC 9162 root of the first ``tree_size`` entries (default: all)."""
        size, peaks, tree_size = self._sized(tree_size)
        if tree_size == size:
            return merkle.MerkleTree.from_state(size, peaks).root()
        if tree_size == 0:
            return EMPTY_ROOT
        plan = merkle.root_plan(tree_size)
        return plan.rehash(self._fetch(plan.node_ids, self.storage.nodes))[0]

    def inclusion_proof(self, index: int, tree_size: int | None = None) -> list[bytes]:
        """The RFC 9162 inclusion proof of entry ``index`` in the tree of ``tree_size`` entries
        (default: the current size), served from stored nodes.

        :raises ValueError: ``tree_size`` exceeds the size, or ``index >= tree_size``.
        """
        _, _, tree_size = self._sized(tree_size)
        _check_index(index, tree_size)
        plan = merkle.inclusion_proof_plan(index, tree_size)
        return plan.rehash(self._fetch(plan.node_ids, self.storage.nodes))

    def consistency_proof(self, old_size: int, new_size: int | None = None) -> list[bytes]:
        """The RFC 9162 consistency proof from the tree of ``old_size`` entries to the one of
        ``new_size`` (default: the current size). Empty when ``old_size`` is 0 or equal to
        ``new_size`` (nothing to prove).

        :raises ValueError: not ``0 <= old_size <= new_size <= size``.
        """
        _, _, new_size = self._sized(new_size)
        if isinstance(old_size, bool) or not isinstance(old_size, int):
            raise TypeError(f"old_size must be an int, not {type(old_size).__name__}")
        if not 0 <= old_size <= new_size:
            raise ValueError(f"old_size must be in [0, {new_size}] (new_size), got {old_size}")
        if old_size in (0, new_size):
            return []
        plan = merkle.consistency_proof_plan(old_size, new_size)
        return plan.rehash(self._fetch(plan.node_ids, self.storage.nodes))

    # -- checkpoints

    def checkpoint(self) -> bytes:
        """Signs and records a checkpoint of the current tree; returns the signed note.

        Inside one locked transaction the ledger first proves, from stored nodes, that the
        current tree is consistent with the last checkpoint it issued, and refuses to sign
        otherwise: it never signs two inconsistent checkpoints.

        :raises ValueError: the ledger has no signers.
        :raises LedgerCorrupted: the stored tree is inconsistent with an issued checkpoint.
        """
        if not self.signers:
            raise ValueError("this ledger has no signers; pass signers=[...] to sign checkpoints")
        with self.storage.transaction() as txn:
            size, peaks = txn.head()
            root = merkle.MerkleTree.from_state(size, peaks).root()
            last = txn.last_checkpoint()
            if last is not None:
                self._check_extends(txn, last, size, root)
            note = sign_checkpoint(Checkpoint(self.origin, size, root), self.signers)
            txn.add_checkpoint(size, root, note)
        return note

    def _check_extends(
        self, txn: StorageTransaction, last: tuple[int, bytes], size: int, root: bytes
    ) -> None:
        last_size, last_root = last
        if last_size > size:
            raise LedgerCorrupted(
                f"storage holds {size} entries but a checkpoint of size {last_size} was issued",
                index=size,
            )
        if last_size == 0:
            if last_root != EMPTY_ROOT:
                raise LedgerCorrupted("the issued checkpoint of size 0 has a wrong root", index=0)
            return
        proof: list[bytes] = []
        if last_size < size:
            plan = merkle.consistency_proof_plan(last_size, size)
            proof = plan.rehash(self._fetch(plan.node_ids, txn.nodes))
        try:
            merkle.verify_consistency(last_size, size, last_root, root, proof)
        except InvalidProof:
            raise LedgerCorrupted(
                f"the stored tree of size {size} is not consistent with the checkpoint issued "
                f"at size {last_size}; refusing to sign",
                index=0,
            ) from None

    def checkpoints(self) -> list[bytes]:
        """Every signed note this ledger issued, oldest first."""
        return [note for _, _, note in self.storage.checkpoints()]

    # -- audit

    def audit(self, progress: Progress | None = None, chunk: int = 16384) -> None:
        """Recomputes the tree from the stored entries and checks every stored leaf hash, node,
        the head and every issued checkpoint against it, reading ``chunk`` entries at a time.

        :raises LedgerCorrupted: with ``index`` = the first bad leaf index (for a bad node, the
            first leaf it covers; for a checkpoint whose root disagrees while every entry and
            node agrees, the size of the last checkpoint that still matched).
        """
        if chunk < 1:
            raise ValueError(f"chunk must be at least 1, got {chunk}")
        storage = self.storage
        size, peaks = storage.head()
        issued = storage.checkpoints()
        by_size: dict[int, list[tuple[bytes, bytes]]] = {}
        for cp_size, cp_root, note in issued:
            if cp_size > size:
                raise LedgerCorrupted(
                    f"storage holds {size} entries but a checkpoint of size {cp_size} was issued",
                    index=size,
                )
            by_size.setdefault(cp_size, []).append((cp_root, note))
        stops = sorted(s for s in by_size if s > 0)
        tree = merkle.MerkleTree()
        vouched = 0  # every entry below this index is covered by a matching checkpoint
        vouched = self._audit_checkpoints(by_size, 0, EMPTY_ROOT, vouched)
        pos = 0
        next_stop = 0
        while pos < size:
            while next_stop < len(stops) and stops[next_stop] <= pos:
                next_stop += 1
            stop = min(pos + chunk, size)
            if next_stop < len(stops):
                stop = min(stop, stops[next_stop])
            tree = self._audit_chunk(tree, pos, stop)
            pos = stop
            vouched = self._audit_checkpoints(by_size, pos, tree.root(), vouched)
            if progress is not None:
                progress(pos, size)
        if tree.peaks != peaks:
            raise LedgerCorrupted(
                f"the stored head (size {size}) does not match the tree of the stored entries",
                index=size,
            )
        entry_rows, top, node_rows = storage.row_counts()
        expected_nodes = sum(size >> level for level in range(size.bit_length()))
        if entry_rows != size or top != size or node_rows != expected_nodes:
            raise LedgerCorrupted(
                f"storage holds rows beyond the head (size {size}): {entry_rows} entries up to "
                f"index {top - 1}, {node_rows} nodes (expected {expected_nodes})",
                index=size,
            )
        if progress is not None and size == 0:
            progress(0, 0)

    def _audit_checkpoints(
        self,
        by_size: dict[int, list[tuple[bytes, bytes]]],
        size: int,
        root: bytes,
        vouched: int,
    ) -> int:
        body = Checkpoint(self.origin, size, root).body() + b"\n"
        for cp_root, note in by_size.get(size, ()):
            if cp_root != root or not note.startswith(body):
                raise LedgerCorrupted(
                    f"the checkpoint issued at size {size} does not match the stored tree; "
                    f"entries from index {vouched} on are not vouched for by a checkpoint",
                    index=vouched,
                )
        return size if size in by_size else vouched

    def _audit_chunk(self, tree: merkle.MerkleTree, start: int, stop: int) -> merkle.MerkleTree:
        storage = self.storage
        rows = storage.entries(start, stop)
        problems: list[tuple[int, str]] = []
        data: list[bytes] = []
        expected = start
        for idx, entry in rows:
            if idx != expected:
                problems.append((expected, f"entry {expected} is missing"))
                break
            data.append(entry)
            expected += 1
        if not problems and expected != stop:
            problems.append((expected, f"entry {expected} is missing"))
        if problems:
            raise _first(problems)
        leaf_hashes = merkle.leaf_hashes(data)
        stored_leaves = dict(storage.node_range(0, start, stop))
        # Hashes that differ from the recomputation. A node is blamed only when its children
        # agree: above a bad entry every ancestor differs too, and the entry is the culprit.
        differs: set[NodeId] = set()
        for i in range(stop - start):
            if stored_leaves.get(start + i) != leaf_hashes[i * HASH_SIZE : (i + 1) * HASH_SIZE]:
                differs.add((0, start + i))
                problems.append(
                    (start + i, f"entry {start + i} does not match its stored leaf hash")
                )
        completed = tree.extend(leaf_hashes)
        stored = storage.nodes([(level, idx) for level, idx, _ in completed])
        # extend() reports nodes bottom-up per leaf, so children are checked before parents.
        for (level, idx, digest), have in zip(completed, stored, strict=True):
            if have == digest:
                continue
            differs.add((level, idx))
            if (level - 1, 2 * idx) in differs or (level - 1, 2 * idx + 1) in differs:
                continue
            first = idx << level
            problems.append(
                (
                    first,
                    f"node (level {level}, index {idx}) over entries {first}.."
                    f"{first + (1 << level) - 1} does not match the stored entries",
                )
            )
        if problems:
            raise _first(problems)
        return tree


def _first(problems: list[tuple[int, str]]) -> LedgerCorrupted:
    index, message = min(problems)
    return LedgerCorrupted(f"index {index}: {message}", index=index)


def _check_index(index: int, size: int) -> None:
    if isinstance(index, bool) or not isinstance(index, int):
        raise TypeError(f"index must be an int, not {type(index).__name__}")
    if not 0 <= index < size:
        raise ValueError(f"index must be in [0, {size}) (the tree size), got {index}")


# --- offline verification -------------------------------------------------------------------


def _proof(proof: Sequence[bytes]) -> list[bytes]:
    out = [as_bytes(p, "proof element") for p in proof]
    for i, p in enumerate(out):
        if len(p) != HASH_SIZE:
            raise ValueError(f"proof element {i} must be {HASH_SIZE} bytes, got {len(p)}")
    return out


def verify_inclusion(
    entry: bytes,
    index: int,
    proof: Sequence[bytes],
    checkpoint_note: bytes,
    verifier_keys: Sequence[VerifierKey] | VerifierKey,
    *,
    origin: str | None = None,
    require: Require = "all",
) -> Checkpoint:
    """Checks, without the ledger, that ``entry`` sits at ``index`` in the tree a signed
    checkpoint commits to. Returns the verified checkpoint.

    :param verifier_keys: the log's note verifier key(s) (:data:`pqpay.checkpoint.VerifierKey`);
        signatures of other keys are ignored.
    :param origin: if given, the checkpoint must name this log.
    :param require: which given keys must have signed (:func:`pqpay.checkpoint.open_note`):
        ``"all"`` (default), ``"any"`` or an int k.
    :raises InvalidSignature: the note is not validly signed as ``require`` asks.
    :raises InvalidProof: the proof does not verify (or the origin differs).
    """
    cp = verify_checkpoint(
        as_bytes(checkpoint_note, "checkpoint_note"), note_verifiers(verifier_keys), require=require
    )
    if origin is not None and cp.origin != origin:
        raise InvalidProof()
    path = _proof(proof)
    if isinstance(index, bool) or not isinstance(index, int):
        raise TypeError(f"index must be an int, not {type(index).__name__}")
    if not 0 <= index < cp.size:
        raise InvalidProof()
    merkle.verify_inclusion(
        merkle.leaf_hash(as_bytes(entry, "entry")), index, cp.size, path, cp.root
    )
    return cp


def verify_consistency(
    old_note: bytes,
    new_note: bytes,
    proof: Sequence[bytes],
    verifier_keys: Sequence[VerifierKey] | VerifierKey,
    *,
    require: Require = "all",
) -> tuple[Checkpoint, Checkpoint]:
    """Checks, without the ledger, that the tree of ``new_note`` extends the one of
    ``old_note`` (same origin, old size <= new size). Returns both verified checkpoints.

    :param require: which given keys must have signed each note (as for
        :func:`verify_inclusion`; default ``"all"``).
    :raises InvalidSignature: a note is not validly signed as ``require`` asks.
    :raises InvalidProof: the proof does not verify, the origins differ, or the old checkpoint
        is larger than the new one.
    """
    verifiers = note_verifiers(verifier_keys)
    old = verify_checkpoint(as_bytes(old_note, "old_note"), verifiers, require=require)
    new = verify_checkpoint(as_bytes(new_note, "new_note"), verifiers, require=require)
    path = _proof(proof)
    if old.origin != new.origin or old.size > new.size:
        raise InvalidProof()
    if old.size == 0:
        # Every tree extends the empty one; only the empty root is allowed and nothing is proved.
        if old.root != EMPTY_ROOT or path:
            raise InvalidProof()
        return old, new
    merkle.verify_consistency(old.size, new.size, old.root, new.root, path)
    return old, new
