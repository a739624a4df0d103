"""An append-only RFC 9162 audit ledger with signed checkpoints and durable storage.

A :class:`Ledger` appends entries (transaction records, receipts) to a SHA-256 Merkle tree
(:mod:`pqpay.merkle`), stores every entry, every leaf hash and every completed perfect-subtree
node, and issues C2SP checkpoints inside signed notes (:mod:`pqpay.checkpoint`)::

    ledger = Ledger(SQLiteStorage("audit.db"), "pay.example/log", signers=[ed, mldsa])
    index = ledger.append(b'{"order": 42, "amount_minor": 12999}')
    note = ledger.checkpoint()                        # signed checkpoint of the current tree
    proof = ledger.inclusion_proof(index, tree_size)  # list of 32-byte hashes
    verify_inclusion(entry, index, proof, note, [vkey], origin="pay.example/log")  # offline

Nothing keeps the tree in memory: the state for appending is the O(log n) compact range
(``head``: size and peaks), and proofs are served from stored nodes through
:class:`pqpay.merkle.ProofPlan`. Every append is one durable transaction; the ledger only signs a
checkpoint after proving, from stored nodes, that it is consistent with the last one it issued,
and :meth:`Ledger.audit` recomputes everything from the stored entries, naming the first bad
index on tampering (:class:`~pqpay.exceptions.LedgerCorrupted`).

Storage: :class:`SQLiteStorage` (one file, WAL, ``synchronous=FULL``) and
:class:`PostgresStorage` (psycopg 3, extra ``pqpay[postgres]``) for several gateway processes
appending to one log; appends are serialised by a row lock on the head row.

Modules: :mod:`~pqpay.ledger.storage` (the storage ABCs, node ids, head codec, shared SQL),
:mod:`~pqpay.ledger.sqlite`, :mod:`~pqpay.ledger.postgres`, :mod:`~pqpay.ledger.log` (the
:class:`Ledger`), :mod:`~pqpay.ledger.audit`, and :mod:`~pqpay.ledger.verify` (the offline
verifiers; pure, no storage).
"""

from __future__ import annotations

# Besides the package's own names: the pqpay names ledger.py had imported stay importable
# from pqpay.ledger, as before the split.
from pqpay import merkle as merkle
from pqpay.checkpoint import Checkpoint as Checkpoint
from pqpay.checkpoint import NoteSigner as NoteSigner
from pqpay.checkpoint import NoteVerifier as NoteVerifier
from pqpay.checkpoint import sign_checkpoint as sign_checkpoint
from pqpay.checkpoint import verify_checkpoint as verify_checkpoint
from pqpay.exceptions import InvalidProof as InvalidProof
from pqpay.exceptions import LedgerCorrupted as LedgerCorrupted
from pqpay.ledger.audit import Progress as Progress
from pqpay.ledger.log import Ledger, is_postgres_dsn, open_storage
from pqpay.ledger.postgres import PostgresStorage
from pqpay.ledger.sqlite import SQLiteStorage
from pqpay.ledger.storage import Node as Node
from pqpay.ledger.storage import NodeId as NodeId
from pqpay.ledger.storage import Storage, StorageTransaction
from pqpay.ledger.verify import VerifierKey, verify_consistency, verify_inclusion
from pqpay.merkle import EMPTY_ROOT as EMPTY_ROOT
from pqpay.merkle import HASH_SIZE as HASH_SIZE

__all__ = [
    "Ledger",
    "PostgresStorage",
    "SQLiteStorage",
    "Storage",
    "StorageTransaction",
    "VerifierKey",
    "is_postgres_dsn",
    "open_storage",
    "verify_consistency",
    "verify_inclusion",
]
