"""pqpay.merkle roots against pymerkle's (an independent RFC 9162 implementation), if installed."""

from __future__ import annotations

import pytest

from pqpay import merkle

pymerkle = pytest.importorskip("pymerkle")


@pytest.mark.parametrize("n", [1, 2, 3, 7, 8, 9, 100, 1025])
def test_roots_agree_with_pymerkle(n: int) -> None:
    entries = [b"payment %d" % i for i in range(n)]
    tree = pymerkle.InmemoryTree(algorithm="sha256")
    ours = merkle.MerkleTree()
    for i, e in enumerate(entries):
        tree.append_entry(e)
        ours.append(merkle.leaf_hash(e))
        assert tree.get_leaf(i + 1) == merkle.leaf_hash(e)
    assert tree.get_root() == merkle.root(merkle.leaf_hashes(entries)) == ours.root()
    for size in {1, n // 2 or 1, n}:
        assert tree.get_root(size) == merkle.root(merkle.leaf_hashes(entries[:size]))
