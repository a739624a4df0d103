"""RFC 9162 Merkle trees over SHA-256: roots, inclusion and consistency proofs, proof plans
for stored trees, and an append-only tree with O(log n) state.

Hashes are 32-byte ``bytes``. A ``leaf_hashes`` argument is any of: one contiguous ``bytes``
(or ``bytearray`` / ``memoryview``) of ``n * 32`` bytes, a NumPy ``uint8`` array of shape
``(n, 32)`` (read through the buffer protocol; NumPy is never required), or a sequence of
32-byte values. ::

    from pqpay import merkle

    leaves = merkle.leaf_hashes([b"tx-1", b"tx-2", b"tx-3"])     # 3 * 32 bytes
    root = merkle.root(leaves)
    proof = merkle.inclusion_proof(leaves, 1)
    merkle.verify_inclusion(merkle.leaf_hash(b"tx-2"), 1, 3, proof, root)  # or InvalidProof

Verifiers return ``None`` and raise :class:`~pqpay.exceptions.InvalidProof` (no detail) when a
proof does not verify. Malformed arguments (a hash that is not 32 bytes, ``index >= tree_size``,
an old size of 0 or above the new size, a negative size) raise ``ValueError`` saying what was
expected; arguments of the wrong type raise ``TypeError``. Work on large trees runs on every
core with the GIL released.

Node ids ``(level, index)`` name the perfect subtree of ``2**level`` leaves covering leaves
``[index * 2**level, (index + 1) * 2**level)``; level 0 is the leaf hashes. A store that keeps
the leaf hashes and the nodes :meth:`MerkleTree.append` reports can answer any proof through a
:class:`ProofPlan` without loading the tree.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any, Protocol, TypeAlias, final

from pqpay import _native
from pqpay._bytes import as_bytes

__all__ = [
    "EMPTY_ROOT",
    "HASH_SIZE",
    "LeafHashes",
    "MerkleTree",
    "ProofPlan",
    "consistency_proof",
    "consistency_proof_plan",
    "inclusion_proof",
    "inclusion_proof_plan",
    "leaf_hash",
    "leaf_hashes",
    "node_hash",
    "root",
    "root_plan",
    "verify_consistency",
    "verify_inclusion",
]

HASH_SIZE = 32
"""Length in bytes of every leaf, node and root hash (SHA-256)."""

EMPTY_ROOT = bytes.fromhex("e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855")
"""The root of the empty tree, SHA-256 of the empty string."""


class _ArrayLike(Protocol):
    """An array exposing the NumPy array interface (read through the buffer protocol)."""

    @property
    def __array_interface__(self) -> dict[str, Any]: ...


LeafHashes: TypeAlias = bytes | bytearray | memoryview | Sequence[bytes] | _ArrayLike
"""``n * 32`` contiguous bytes, a uint8 array of shape ``(n, 32)``, or 32-byte hashes."""


def leaf_hash(entry: bytes) -> bytes:
    """The leaf hash of one log entry: SHA-256(0x00 || entry)."""
    return _native.merkle_leaf_hash(as_bytes(entry, "entry"))


def node_hash(left: bytes, right: bytes) -> bytes:
    """The hash of an interior node: SHA-256(0x01 || left || right); both 32 bytes."""
    return _native.merkle_node_hash(as_bytes(left, "left"), as_bytes(right, "right"))


def leaf_hashes(entries: Sequence[bytes]) -> bytes:
    """The leaf hashes of ``entries``, concatenated (``len(entries) * 32`` bytes).

    Large batches are hashed on every core with the GIL released.
    """
    return _native.merkle_leaf_hashes(entries)


def root(leaf_hashes: LeafHashes) -> bytes:
    """The tree head (MTH) of the leaves; the root of no leaves is SHA-256("")."""
    return _native.merkle_root(leaf_hashes)


def inclusion_proof(leaf_hashes: LeafHashes, index: int) -> list[bytes]:
    """The RFC 9162 inclusion proof of leaf ``index`` (``0 <= index < n``), leaf to root."""
    return _native.merkle_inclusion_proof(leaf_hashes, index)


def verify_inclusion(
    leaf_hash: bytes, index: int, tree_size: int, proof: Sequence[bytes], root: bytes
) -> None:
    """Checks that ``leaf_hash`` is leaf ``index`` of the tree of ``tree_size`` leaves with
    ``root``; raises :class:`~pqpay.exceptions.InvalidProof` if the proof does not verify.

    ``index >= tree_size`` or a hash that is not 32 bytes raises ``ValueError``.
    """
    _native.merkle_verify_inclusion(
        as_bytes(leaf_hash, "leaf_hash"), index, tree_size, proof, as_bytes(root, "root")
    )


def consistency_proof(leaf_hashes: LeafHashes, old_size: int) -> list[bytes]:
    """The RFC 9162 consistency proof from the first ``old_size`` leaves to all ``n``.

    Requires ``1 <= old_size <= n``; the proof is empty when ``old_size == n``.
    """
    return _native.merkle_consistency_proof(leaf_hashes, old_size)


def verify_consistency(
    old_size: int, new_size: int, old_root: bytes, new_root: bytes, proof: Sequence[bytes]
) -> None:
    """Checks that the tree of ``new_size`` leaves with ``new_root`` extends the tree of
    ``old_size`` leaves with ``old_root``; raises :class:`~pqpay.exceptions.InvalidProof` if
    the proof does not verify.

    Equal sizes need an empty proof and equal roots. ``old_size == 0`` (a consistency proof
    from the empty tree is meaningless) or ``old_size > new_size`` raises ``ValueError``.
    """
    _native.merkle_verify_consistency(
        old_size, new_size, as_bytes(old_root, "old_root"), as_bytes(new_root, "new_root"), proof
    )


@final
class ProofPlan:
    """Which perfect-subtree nodes a proof (or root) needs, and how to fold their hashes into
    it, so proofs can be served from stored nodes (transparency-dev/merkle ``proof.Nodes``).

    Fetch the hash of every id in :attr:`node_ids` (level 0 = leaf hashes, higher levels = the
    nodes :meth:`MerkleTree.append` reported) and pass them, in order, to :meth:`rehash`.
    Made by :func:`inclusion_proof_plan`, :func:`consistency_proof_plan` and :func:`root_plan`.
    """

    __slots__ = ("_plan",)

    def __init__(self, plan: _native.MerkleProofPlan) -> None:
        if not isinstance(plan, _native.MerkleProofPlan):
            raise TypeError("use inclusion_proof_plan, consistency_proof_plan or root_plan")
        self._plan = plan

    @property
    def node_ids(self) -> list[tuple[int, int]]:
        """The ``(level, index)`` ids of the nodes to fetch, in the order :meth:`rehash` takes."""
        return self._plan.node_ids

    def rehash(self, hashes: Sequence[bytes]) -> list[bytes]:
        """The RFC 9162 proof from the hashes of :attr:`node_ids` (same order, 32 bytes each).

        The nodes covering the imperfect right edge of the tree are folded into the one
        ephemeral node the proof holds; a root plan returns ``[root]``.
        """
        return self._plan.rehash(hashes)

    def __repr__(self) -> str:
        return f"ProofPlan(node_ids={self.node_ids!r})"


def inclusion_proof_plan(index: int, tree_size: int) -> ProofPlan:
    """The plan of the inclusion proof of leaf ``index`` in a tree of ``tree_size`` leaves."""
    return ProofPlan(_native.merkle_inclusion_plan(index, tree_size))


def consistency_proof_plan(old_size: int, new_size: int) -> ProofPlan:
    """The plan of the consistency proof from ``old_size`` to ``new_size`` leaves
    (``1 <= old_size <= new_size``; equal sizes need no nodes)."""
    return ProofPlan(_native.merkle_consistency_plan(old_size, new_size))


def root_plan(tree_size: int) -> ProofPlan:
    """The plan of the root of a tree of ``tree_size`` leaves: its perfect subtrees, right to
    left; :meth:`ProofPlan.rehash` returns ``[root]`` (``[EMPTY_ROOT]`` for size 0)."""
    return ProofPlan(_native.merkle_root_plan(tree_size))


@final
class MerkleTree:
    """An append-only RFC 9162 tree keeping only its O(log n) state: the roots of the perfect
    subtrees it is made of (:attr:`peaks`, a compact range).

    Persist :attr:`size` and :attr:`peaks` to resume with :meth:`from_state`. Every append
    returns the perfect nodes it completed, so a store can keep them (with the leaf hashes)
    and serve any :class:`ProofPlan`. Not safe for concurrent use from several threads.
    """

    __slots__ = ("_tree",)

    def __init__(self) -> None:
        self._tree = _native.MerkleCompactTree()

    @classmethod
    def from_state(cls, size: int, peaks: Sequence[bytes]) -> MerkleTree:
        """Resumes a tree of ``size`` leaves from its peaks, left to right (one per set bit of
        ``size``, as :attr:`peaks` gave them); a wrong count raises ``ValueError``."""
        tree = cls()
        tree._tree = _native.MerkleCompactTree.from_state(size, peaks)
        return tree

    @property
    def size(self) -> int:
        """The number of leaves."""
        return self._tree.size

    @property
    def peaks(self) -> list[bytes]:
        """The perfect-subtree roots, left to right (largest first): the state to persist."""
        return self._tree.peaks

    def root(self) -> bytes:
        """The current tree head (MTH)."""
        return self._tree.root()

    def append(self, leaf_hash: bytes) -> list[tuple[int, int, bytes]]:
        """Appends one leaf hash; returns the perfect nodes it completed at level >= 1, as
        ``(level, index, hash)``, lowest first."""
        return self._tree.append(as_bytes(leaf_hash, "leaf_hash"))

    def extend(self, leaf_hashes: LeafHashes) -> list[tuple[int, int, bytes]]:
        """Appends many leaf hashes (on every core); returns every perfect node completed at
        level >= 1 as ``(level, index, hash)``, in the order single appends would. Nothing is
        appended if the argument is malformed."""
        return self._tree.extend(leaf_hashes)

    def __repr__(self) -> str:
        return f"MerkleTree(size={self.size})"
