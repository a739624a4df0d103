""":class:`PostgresStorage`: a ledger in PostgreSQL (psycopg 3, imported when one is opened;
install ``pqpay[postgres]``), shared by many gateway processes."""

from __future__ import annotations

import contextlib
import threading
from collections.abc import Iterator, Sequence
from typing import TYPE_CHECKING, Any

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

if TYPE_CHECKING:
    import psycopg

__all__ = ["PostgresStorage"]

_SCHEMA = (
    "CREATE TABLE IF NOT EXISTS meta (key TEXT PRIMARY KEY, value TEXT NOT NULL)",
    "CREATE TABLE IF NOT EXISTS entries (idx BIGINT PRIMARY KEY, data BYTEA NOT NULL)",
    "CREATE TABLE IF NOT EXISTS nodes (level SMALLINT NOT NULL, idx BIGINT NOT NULL,"
    " hash BYTEA NOT NULL, PRIMARY KEY (level, idx))",
    "CREATE TABLE IF NOT EXISTS head (id SMALLINT PRIMARY KEY CHECK (id = 0),"
    " size BIGINT NOT NULL, peaks BYTEA NOT NULL)",
    "CREATE TABLE IF NOT EXISTS checkpoints (seq BIGSERIAL PRIMARY KEY,"
    " size BIGINT NOT NULL, root BYTEA NOT NULL, note BYTEA NOT NULL)",
)
# The connection parameters that say where a database is (never the password).
_LOCATION_KEYS = ("host", "hostaddr", "port", "dbname", "user")


def _location(params: dict[str, Any]) -> str:
    """Where the DSN points, for messages: host, port, database and user, never the password."""
    parts = [f"{key}={params[key]}" for key in _LOCATION_KEYS if params.get(key)]
    if not params.get("host") and not params.get("hostaddr"):
        parts.insert(0, "host=(libpq default)")
    return " ".join(parts)


def _scrub(message: str, params: dict[str, Any]) -> str:
    password = params.get("password")
    return message.replace(str(password), "***") if password else message


def _translate(psycopg: Any, exc: Exception, location: str, params: dict[str, Any]) -> PqpayError:
    """The pqpay error for a psycopg error on the database at ``location``."""
    cause = _scrub(f"{type(exc).__name__}: {str(exc).strip()}", params)
    errors = psycopg.errors
    if isinstance(
        exc,
        (psycopg.IntegrityError, psycopg.DataError, errors.UndefinedTable, errors.UndefinedColumn),
    ):
        return LedgerCorrupted(f"PostgreSQL ledger at {location} is damaged or altered: {cause}")
    return LedgerStorageError(f"PostgreSQL ledger at {location}: {cause}", location)


# Serialises concurrent schema creation (CREATE TABLE IF NOT EXISTS races on the catalog).
_SETUP_LOCK = 0x7071_7061_795F_6C67  # "pqpay_lg"


def _nodes(conn: psycopg.Connection[Any], ids: Sequence[NodeId]) -> list[bytes | None]:
    if not ids:
        return []
    rows = conn.execute(
        "SELECT n.level, n.idx, n.hash FROM nodes n"
        " JOIN unnest(%s::int2[], %s::int8[]) AS q(level, idx)"
        " ON n.level = q.level AND n.idx = q.idx",
        ([level for level, _ in ids], [idx for _, idx in ids]),
    ).fetchall()
    found: dict[NodeId, bytes] = {}
    for level, idx, h in rows:
        node = (int(level), int(idx))
        found[node] = blob(h, f"node (level {level}, index {idx})", first_leaf(node), HASH_SIZE)
    return [found.get(node) for node in ids]


class _PostgresTransaction(SQLTransaction):
    _param = "%s"

    def __init__(self, conn: psycopg.Connection[Any]) -> None:
        self._conn = conn
        # The row lock on the head serialises appends and checkpoints of every process.
        self._size, self._peaks = read_head(
            conn, "SELECT size, peaks FROM head WHERE id = 0 FOR UPDATE"
        )

    def head(self) -> tuple[int, list[bytes]]:
        return self._size, list(self._peaks)

    def nodes(self, ids: Sequence[NodeId]) -> list[bytes | None]:
        return _nodes(self._conn, ids)

    def _insert(self, first: int, entries: Sequence[bytes], nodes: Sequence[Node]) -> None:
        with self._conn.cursor() as cur:
            with cur.copy("COPY entries (idx, data) FROM STDIN (FORMAT BINARY)") as copy:
                copy.set_types(["int8", "bytea"])
                for i, data in enumerate(entries):
                    copy.write_row((first + i, data))
            with cur.copy("COPY nodes (level, idx, hash) FROM STDIN (FORMAT BINARY)") as copy:
                copy.set_types(["int2", "int8", "bytea"])
                for node in nodes:
                    copy.write_row(node)


class PostgresStorage(SQLStorage):
    """A PostgreSQL database (psycopg 3; install ``pqpay[postgres]``) shared by many processes.

    Appends and checkpoints lock the head row (``SELECT ... FOR UPDATE``) inside their
    transaction, so concurrent writers produce one gap-free, duplicate-free log. Commits wait
    for the WAL flush (``synchronous_commit = on`` for this session). ``schema`` (optional) puts
    the tables in their own schema, created if needed, so one database can hold several logs.

    psycopg errors become pqpay ones naming the database by host, port, name and user (never
    the password): :class:`~pqpay.exceptions.LedgerCorrupted` for altered content (a duplicate
    row, a table gone), else :class:`~pqpay.exceptions.LedgerStorageError` (a malformed DSN, the
    connection refused or lost, permissions). :attr:`location` is that description.
    """

    _param = "%s"

    def __init__(self, dsn: str, *, schema: str | None = None) -> None:
        try:
            import psycopg
            from psycopg import sql
        except ImportError as exc:  # pragma: no cover - depends on the environment
            raise ImportError(
                "PostgresStorage needs psycopg 3: pip install 'pqpay[postgres]'"
            ) from exc
        if not isinstance(dsn, str):
            raise TypeError(f"dsn must be a str, not {type(dsn).__name__}")
        try:
            self._params: dict[str, Any] = psycopg.conninfo.conninfo_to_dict(dsn)
        except psycopg.Error:
            # libpq's message quotes the DSN, which may hold the password: say only what it is.
            raise LedgerStorageError(
                "not a valid PostgreSQL connection string (libpq key=value pairs or a "
                "postgresql:// URI)"
            ) from None
        self._psycopg = psycopg
        #: Where the database is: host, port, database and user (never the password).
        self.location = _location(self._params)
        self._lock = threading.RLock()
        self.schema = schema
        try:
            self._conn: psycopg.Connection[Any] = psycopg.connect(dsn, autocommit=True)
        except psycopg.Error as exc:
            cause = _scrub(str(exc).strip(), self._params)
            raise LedgerStorageError(
                f"cannot connect to the PostgreSQL ledger at {self.location}: {cause}",
                self.location,
            ) from None
        try:
            self._conn.execute("SET synchronous_commit = on")
            if schema is not None:
                with self._conn.transaction():
                    self._conn.execute("SELECT pg_advisory_xact_lock(%s)", (_SETUP_LOCK,))
                    self._conn.execute(
                        sql.SQL("CREATE SCHEMA IF NOT EXISTS {}").format(sql.Identifier(schema))
                    )
                self._conn.execute(sql.SQL("SET search_path TO {}").format(sql.Identifier(schema)))
        except BaseException as exc:
            self._conn.close()
            if isinstance(exc, psycopg.Error):
                raise _translate(psycopg, exc, self.location, self._params) from None
            raise

    @contextlib.contextmanager
    def _errors(self) -> Iterator[None]:
        try:
            yield
        except self._psycopg.Error as exc:
            # from None: psycopg's exception may carry the connection's parameters.
            raise _translate(self._psycopg, exc, self.location, self._params) from None

    def setup(self, origin: str) -> None:
        with self._guard(), self._conn.transaction():
            self._conn.execute("SELECT pg_advisory_xact_lock(%s)", (_SETUP_LOCK,))
            for statement in _SCHEMA:
                self._conn.execute(statement)
            self._bind_origin(origin, "this database")
            self._init_head(f"the PostgreSQL ledger at {self.location}")

    @contextlib.contextmanager
    def transaction(self) -> Iterator[StorageTransaction]:
        with self._guard(), self._conn.transaction():
            yield _PostgresTransaction(self._conn)

    def nodes(self, ids: Sequence[NodeId]) -> list[bytes | None]:
        with self._guard():
            return _nodes(self._conn, ids)

    def __repr__(self) -> str:
        return f"PostgresStorage({self.location!r}, schema={self.schema!r})"
