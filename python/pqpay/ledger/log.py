""":class:`Ledger`: the append-only Merkle log over a :class:`~pqpay.ledger.Storage` (appends,
proofs served from stored nodes, signed checkpoints), and :func:`open_storage`."""

from __future__ import annotations

import os
from collections.abc import Callable, Iterable, Sequence

from pqpay import merkle
from pqpay._bytes import as_bytes
from pqpay.checkpoint import Checkpoint, NoteSigner, sign_checkpoint
from pqpay.exceptions import InvalidProof, KeyNotAllowed, LedgerCorrupted
from pqpay.keyset import KeySet
from pqpay.ledger.audit import Progress, audit
from pqpay.ledger.postgres import PostgresStorage
from pqpay.ledger.sqlite import SQLiteStorage
from pqpay.ledger.storage import NodeId, Storage, StorageTransaction, first_leaf
from pqpay.merkle import EMPTY_ROOT, HASH_SIZE
from pqpay.signatures import SignaturePublicKey

__all__ = ["Ledger", "is_postgres_dsn", "open_storage"]


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
    :param allowed_keys: pins the checkpoint keys: a :class:`pqpay.keyset.KeySet` (its keys
        that are not retired) or public keys. Every signer's key must be one of them, checked
        here and again by every :meth:`checkpoint` (:class:`~pqpay.exceptions.KeyNotAllowed`).
        None (the default): any signer signs.
    :raises KeyNotAllowed: a signer's key is outside ``allowed_keys``.
    :raises ValueError: the storage already belongs to another origin.
    :raises LedgerStorageError: the storage cannot be opened, read or written.
    :raises LedgerCorrupted: the storage's content is damaged (here or in any later call).
    """

    def __init__(
        self,
        storage: Storage | str | os.PathLike[str],
        origin: str,
        signers: Sequence[NoteSigner] = (),
        *,
        allowed_keys: KeySet | Iterable[SignaturePublicKey] | None = None,
    ) -> None:
        self.origin = _check_origin(origin)
        self.allowed_keys = _pinned(allowed_keys)
        self.signers = tuple(signers)
        self._check_pinned()
        if not isinstance(storage, (Storage, str, os.PathLike)):
            raise TypeError(
                "storage must be a pqpay.ledger.Storage or a SQLite path (str or os.PathLike), "
                f"not {type(storage).__name__}"
            )
        owned = not isinstance(storage, Storage)
        self.storage = storage if isinstance(storage, Storage) else SQLiteStorage(storage)
        try:
            self.storage.setup(self.origin)
        except BaseException:
            if owned:  # opened here from a path: do not leak the connection
                self.storage.close()
            raise

    def __enter__(self) -> Ledger:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()

    def close(self) -> None:
        """Closes the storage."""
        self.storage.close()

    def __repr__(self) -> str:
        return f"<Ledger {self.origin!r} on {self.storage!r}>"

    def _check_pinned(self) -> None:
        """Refuses a signer whose key the ledger is not pinned to."""
        if self.allowed_keys is None:
            return
        for signer in self.signers:
            public = signer.verifier().public_key
            if not self.allowed_keys.allows(public):
                raise KeyNotAllowed(
                    f"checkpoint signer {signer.name}+{signer.key_id.hex()} ({public.ALGORITHM}) "
                    f"is not one of the ledger's allowed keys; refusing to sign with it"
                )

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
                    index=first_leaf(node),
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
        :raises KeyNotAllowed: a signer's key is outside the ledger's ``allowed_keys``.
        :raises LedgerCorrupted: the stored tree is inconsistent with an issued checkpoint.
        """
        if not self.signers:
            raise ValueError("this ledger has no signers; pass signers=[...] to sign checkpoints")
        self._check_pinned()
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

    def audit(self, progress: Progress | None = None, chunk: int = 16384) -> None:
        """Recomputes the tree from the stored entries and checks every stored leaf hash, node,
        the head and every issued checkpoint against it, reading ``chunk`` entries at a time
        (:func:`pqpay.ledger.audit.audit`).

        :raises LedgerCorrupted: with ``index`` = the first bad leaf index (for a bad node, the
            first leaf it covers; for a checkpoint whose root disagrees while every entry and
            node agrees, the size of the last checkpoint that still matched).
        """
        audit(self.storage, self.origin, progress, chunk)


def _pinned(keys: KeySet | Iterable[SignaturePublicKey] | None) -> KeySet | None:
    """``allowed_keys`` as a public key set (None: not pinned)."""
    if keys is None or isinstance(keys, KeySet):
        return None if keys is None else keys.public_keyset()
    listed = list(keys)
    for key in listed:
        if not isinstance(key, SignaturePublicKey):
            raise TypeError(
                f"allowed_keys must be a KeySet or signature public keys, not {type(key).__name__}"
            )
    if not listed:
        raise ValueError("allowed_keys is empty: no signer could sign; pass None to not pin")
    return KeySet.from_public_keys(listed)


def _check_index(index: int, size: int) -> None:
    if isinstance(index, bool) or not isinstance(index, int):
        raise TypeError(f"index must be an int, not {type(index).__name__}")
    if not 0 <= index < size:
        raise ValueError(f"index must be in [0, {size}) (the tree size), got {index}")


def is_postgres_dsn(location: str) -> bool:
    """Whether :func:`open_storage` reads ``location`` as a PostgreSQL DSN
    (``postgresql://...``, ``postgres://...`` or a libpq ``key=value`` string)."""
    return location.startswith(("postgresql://", "postgres://")) or "=" in location.split("/")[0]


def open_storage(location: str | os.PathLike[str]) -> Storage:
    """``postgresql://...``, ``postgres://...`` or a libpq ``key=value`` string opens a
    :class:`PostgresStorage`; any other str, or an ``os.PathLike``, is a SQLite file path.

    :raises TypeError: ``location`` is neither a str nor an ``os.PathLike``.
    :raises LedgerStorageError: the storage cannot be opened.
    :raises LedgerCorrupted: the SQLite file is not a database.
    """
    if isinstance(location, os.PathLike):
        return SQLiteStorage(location)
    if not isinstance(location, str):
        raise TypeError(
            "location must be a str (a SQLite path or a PostgreSQL DSN) or os.PathLike, "
            f"not {type(location).__name__}"
        )
    if is_postgres_dsn(location):
        return PostgresStorage(location)
    return SQLiteStorage(location)
