"""The ledger audit: recompute the tree from the stored entries and check every stored hash,
the head and every issued checkpoint against it (:meth:`pqpay.ledger.Ledger.audit`)."""

from __future__ import annotations

from collections.abc import Callable

from pqpay import merkle
from pqpay.checkpoint import Checkpoint
from pqpay.exceptions import LedgerCorrupted
from pqpay.ledger.storage import NodeId, Storage
from pqpay.merkle import EMPTY_ROOT, HASH_SIZE

__all__ = ["Progress", "audit"]

Progress = Callable[[int, int], None]
"""``progress(done, total)``, called during long work (audit)."""


def audit(
    storage: Storage, origin: str, progress: Progress | None = None, chunk: int = 16384
) -> None:
    """Recomputes the tree from the stored entries and checks every stored leaf hash, node,
    the head and every issued checkpoint against it, reading ``chunk`` entries at a time.

    :raises LedgerCorrupted: with ``index`` = the first bad leaf index (for a bad node, the
        first leaf it covers; for a checkpoint whose root disagrees while every entry and
        node agrees, the size of the last checkpoint that still matched).
    """
    if chunk < 1:
        raise ValueError(f"chunk must be at least 1, got {chunk}")
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
    vouched = _check_checkpoints(origin, by_size, 0, EMPTY_ROOT, vouched)
    pos = 0
    next_stop = 0
    while pos < size:
        while next_stop < len(stops) and stops[next_stop] <= pos:
            next_stop += 1
        stop = min(pos + chunk, size)
        if next_stop < len(stops):
            stop = min(stop, stops[next_stop])
        tree = _check_chunk(storage, tree, pos, stop)
        pos = stop
        vouched = _check_checkpoints(origin, by_size, pos, tree.root(), vouched)
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


def _check_checkpoints(
    origin: str,
    by_size: dict[int, list[tuple[bytes, bytes]]],
    size: int,
    root: bytes,
    vouched: int,
) -> int:
    body = Checkpoint(origin, size, root).body() + b"\n"
    for cp_root, note in by_size.get(size, ()):
        if cp_root != root or not note.startswith(body):
            raise LedgerCorrupted(
                f"the checkpoint issued at size {size} does not match the stored tree; "
                f"entries from index {vouched} on are not vouched for by a checkpoint",
                index=vouched,
            )
    return size if size in by_size else vouched


def _check_chunk(
    storage: Storage, tree: merkle.MerkleTree, start: int, stop: int
) -> merkle.MerkleTree:
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
            problems.append((start + i, f"entry {start + i} does not match its stored leaf hash"))
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
