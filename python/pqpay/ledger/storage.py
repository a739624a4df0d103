"""The storage interface of a :class:`~pqpay.ledger.Ledger`: the :class:`Storage` and
:class:`StorageTransaction` ABCs, the node ids, the head codec (size and peaks), and the SQL the
two SQL backends share (:class:`SQLStorage`, :class:`SQLTransaction`).

Tables (both SQL backends): ``entries(idx, data)``, ``nodes(level, idx, hash)`` (level 0 = leaf
hashes), ``head(size, peaks)`` (one row), ``checkpoints(seq, size, root, note)`` and
``meta(key, value)`` (the origin).
"""

from __future__ import annotations

import abc
import contextlib
import threading
from collections.abc import Iterator, Sequence
from typing import Any

from pqpay.exceptions import LedgerCorrupted
from pqpay.merkle import HASH_SIZE

__all__ = [
    "Node",
    "NodeId",
    "SQLStorage",
    "SQLTransaction",
    "Storage",
    "StorageTransaction",
    "blob",
    "count",
    "first_leaf",
    "join_peaks",
    "read_head",
    "split_peaks",
]

NodeId = tuple[int, int]
"""``(level, index)``: the perfect subtree of ``2**level`` leaves starting at leaf
``index * 2**level``; level 0 holds the leaf hashes."""
Node = tuple[int, int, bytes]
"""``(level, index, hash)`` of a stored node."""


# What a driver returns for a BLOB / BYTEA cell.
_BLOB_TYPES = (bytes, bytearray, memoryview)


def blob(value: object, what: str, index: int | None = None, size: int | None = None) -> bytes:
    """A stored BLOB cell as bytes, checked before it is converted: ``bytes(n)`` of a tampered
    INTEGER cell would allocate ``n`` bytes, and TEXT or REAL cells are not ledger data.

    :raises LedgerCorrupted: not a blob, or not ``size`` bytes long (``index`` as given).
    """
    if not isinstance(value, _BLOB_TYPES):
        raise LedgerCorrupted(
            f"{what} is stored as {type(value).__name__}, not as bytes", index=index
        )
    if size is not None and len(value) != size:
        raise LedgerCorrupted(
            f"{what} is stored as {len(value)} bytes, expected {size}", index=index
        )
    return bytes(value)


def count(value: object, what: str, index: int | None = None) -> int:
    """A stored non-negative INTEGER cell (a size, an index). :raises LedgerCorrupted: not one."""
    if type(value) is not int or value < 0:
        raise LedgerCorrupted(f"{what} is stored as {value!r}, not as an index", index=index)
    return value


def join_peaks(peaks: Sequence[bytes]) -> bytes:
    """The stored form of the head's peaks."""
    return b"".join(peaks)


def split_peaks(size: int, blob: bytes) -> list[bytes]:
    """The peaks of a head of ``size`` leaves. :raises LedgerCorrupted: wrong length."""
    expected = HASH_SIZE * size.bit_count()
    if len(blob) != expected:
        raise LedgerCorrupted(
            f"stored head of size {size} holds {len(blob)} bytes of peaks, expected {expected}",
            index=size,
        )
    return [blob[i : i + HASH_SIZE] for i in range(0, expected, HASH_SIZE)]


def first_leaf(node: NodeId) -> int:
    """The index of the first leaf under ``node``."""
    level, index = node
    return index << level


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
        :raises LedgerCorrupted: the head row is gone while entries, nodes or checkpoints
            remain (never re-created empty over them).
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


# --- what the SQL backends share ------------------------------------------------------------
# Both DB-API connections (sqlite3, psycopg) offer execute(query, params) -> cursor; only the
# placeholder differs ("?" or "%s"), so the statements are written once, with "?".


def read_head(conn: Any, query: str) -> tuple[int, list[bytes]]:
    """The head row (size, peaks) that ``query`` selects. :raises LedgerCorrupted: missing."""
    row = conn.execute(query).fetchone()
    if row is None:
        raise LedgerCorrupted("the head row is missing", index=0)
    size = count(row[0], "the head's size", index=0)
    return size, split_peaks(size, blob(row[1], "the head's peaks", index=size))


class SQLTransaction(StorageTransaction):
    """The statements a transaction shares across SQL backends (``_conn``, ``_param``)."""

    _conn: Any
    #: The DB-API placeholder of the backend.
    _param: str = "?"

    def _sql(self, query: str) -> str:
        return query.replace("?", self._param)

    def write(
        self,
        first: int,
        entries: Sequence[bytes],
        leaf_hashes: bytes,
        nodes: Sequence[Node],
        size: int,
        peaks: Sequence[bytes],
    ) -> None:
        leaves = (
            (0, first + i, leaf_hashes[i * HASH_SIZE : (i + 1) * HASH_SIZE])
            for i in range(len(entries))
        )
        self._insert(first, entries, [*leaves, *nodes])
        self._conn.execute(
            self._sql("UPDATE head SET size = ?, peaks = ? WHERE id = 0"), (size, join_peaks(peaks))
        )

    @abc.abstractmethod
    def _insert(self, first: int, entries: Sequence[bytes], nodes: Sequence[Node]) -> None:
        """Inserts entries ``first..`` and ``nodes`` (leaf hashes included); an existing row is
        an integrity error, never an overwrite."""

    def last_checkpoint(self) -> tuple[int, bytes] | None:
        row = self._conn.execute(
            "SELECT size, root FROM checkpoints ORDER BY seq DESC LIMIT 1"
        ).fetchone()
        if row is None:
            return None
        size = count(row[0], "the last checkpoint's size", index=0)
        return size, blob(row[1], f"the root of the checkpoint at size {size}", 0, HASH_SIZE)

    def add_checkpoint(self, size: int, root: bytes, note: bytes) -> None:
        self._conn.execute(
            self._sql("INSERT INTO checkpoints (size, root, note) VALUES (?, ?, ?)"),
            (size, root, note),
        )


class SQLStorage(Storage):
    """The reads every SQL backend shares, each under the connection's lock (``_conn``,
    ``_lock``, ``_param``) and with the driver's errors mapped by :meth:`_errors`."""

    _conn: Any
    _lock: threading.RLock
    #: The DB-API placeholder of the backend.
    _param: str = "?"

    def _sql(self, query: str) -> str:
        return query.replace("?", self._param)

    @abc.abstractmethod
    def _errors(self) -> contextlib.AbstractContextManager[None]:
        """Maps the driver's errors raised inside: damaged or altered content to
        :class:`~pqpay.exceptions.LedgerCorrupted`, everything else (open, I/O, locks, the
        connection) to :class:`~pqpay.exceptions.LedgerStorageError`; pqpay's own errors pass."""

    @contextlib.contextmanager
    def _guard(self) -> Iterator[None]:
        """The connection's lock, with the driver's errors mapped."""
        with self._lock, self._errors():
            yield

    def head(self) -> tuple[int, list[bytes]]:
        with self._guard():
            return read_head(self._conn, "SELECT size, peaks FROM head WHERE id = 0")

    def entries(self, start: int, stop: int) -> list[tuple[int, bytes]]:
        with self._guard():
            rows = self._conn.execute(
                self._sql("SELECT idx, data FROM entries WHERE idx >= ? AND idx < ? ORDER BY idx"),
                (start, stop),
            ).fetchall()
        out = []
        for i, d in rows:
            idx = count(i, "an entry index", index=start)
            out.append((idx, blob(d, f"entry {idx}", index=idx)))
        return out

    def node_range(self, level: int, start: int, stop: int) -> list[tuple[int, bytes]]:
        with self._guard():
            rows = self._conn.execute(
                self._sql(
                    "SELECT idx, hash FROM nodes WHERE level = ? AND idx >= ? AND idx < ?"
                    " ORDER BY idx"
                ),
                (level, start, stop),
            ).fetchall()
        out = []
        for i, h in rows:
            idx = count(i, f"a node index at level {level}", index=start << level)
            what = f"node (level {level}, index {idx})"
            out.append((idx, blob(h, what, index=idx << level, size=HASH_SIZE)))
        return out

    def checkpoints(self) -> list[tuple[int, bytes, bytes]]:
        with self._guard():
            rows = self._conn.execute(
                "SELECT size, root, note FROM checkpoints ORDER BY seq"
            ).fetchall()
        out = []
        for s, r, n in rows:
            size = count(s, "a checkpoint's size", index=0)
            what = f"the checkpoint issued at size {size}"
            out.append((size, blob(r, f"the root of {what}", 0, HASH_SIZE), blob(n, what, 0)))
        return out

    def row_counts(self) -> tuple[int, int, int]:
        with self._guard():
            entry_rows, top = self._conn.execute(
                "SELECT count(*), coalesce(max(idx) + 1, 0) FROM entries"
            ).fetchone()
            (node_rows,) = self._conn.execute("SELECT count(*) FROM nodes").fetchone()
        return (
            count(entry_rows, "the entry count"),
            count(top, "the highest entry index"),
            count(node_rows, "the node count"),
        )

    def _bind_origin(self, origin: str, where: str) -> None:
        """Records ``origin`` in ``meta``, or checks it is the one recorded (inside setup's
        transaction). :raises ValueError: the storage holds another log."""
        row = self._conn.execute("SELECT value FROM meta WHERE key = 'origin'").fetchone()
        if row is not None and not isinstance(row[0], str):
            raise LedgerCorrupted(f"{where}: the stored origin is a {type(row[0]).__name__}")
        if row is None:
            self._conn.execute(
                self._sql("INSERT INTO meta (key, value) VALUES ('origin', ?)"), (origin,)
            )
        elif row[0] != origin:
            raise ValueError(f"{where} holds the log {row[0]!r}, not {origin!r}")

    def _init_head(self, where: str) -> None:
        """Creates the empty head of a new ledger (inside setup's serialised transaction).

        :raises LedgerCorrupted: the head row is missing while the storage holds entries, nodes
            or checkpoints: starting an empty log over them would silently fork it.
        """
        if self._conn.execute("SELECT 1 FROM head WHERE id = 0").fetchone() is not None:
            return
        for table in ("entries", "nodes", "checkpoints"):
            if self._conn.execute(f"SELECT 1 FROM {table} LIMIT 1").fetchone() is not None:
                raise LedgerCorrupted(
                    f"{where}: the head row is missing but the {table} table holds rows; "
                    "refusing to start an empty log over them",
                    index=0,
                )
        self._conn.execute(self._sql("INSERT INTO head (id, size, peaks) VALUES (0, 0, ?)"), (b"",))

    def close(self) -> None:
        with self._guard():
            self._conn.close()
