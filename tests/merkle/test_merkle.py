"""pqpay.merkle against a short recursive reference (MTH, PATH and SUBPROOF exactly as
RFC 9162 §2.1 writes them), the transparency-dev reference tree, proof plans served from a
node store filled by MerkleTree, NumPy input, and malformed or tampered input."""

from __future__ import annotations

import hashlib
import itertools
from collections.abc import Iterator

import pytest
from hypothesis import given
from hypothesis import strategies as st

from pqpay import merkle
from pqpay.exceptions import InvalidProof

# --- the reference -----------------------------------------------------------------------------


def ref_leaf(entry: bytes) -> bytes:
    return hashlib.sha256(b"\x00" + entry).digest()


def ref_node(left: bytes, right: bytes) -> bytes:
    return hashlib.sha256(b"\x01" + left + right).digest()


def split(n: int) -> int:
    """The largest power of two smaller than n (n > 1)."""
    k = 1
    while k * 2 < n:
        k *= 2
    return k


def mth(d: list[bytes]) -> bytes:
    if not d:
        return hashlib.sha256(b"").digest()
    if len(d) == 1:
        return d[0]
    k = split(len(d))
    return ref_node(mth(d[:k]), mth(d[k:]))


def path(m: int, d: list[bytes]) -> list[bytes]:
    if len(d) == 1:
        return []
    k = split(len(d))
    if m < k:
        return [*path(m, d[:k]), mth(d[k:])]
    return [*path(m - k, d[k:]), mth(d[:k])]


def subproof(m: int, d: list[bytes], b: bool) -> list[bytes]:
    if m == len(d):
        return [] if b else [mth(d)]
    k = split(len(d))
    if m <= k:
        return [*subproof(m, d[:k], b), mth(d[k:])]
    return [*subproof(m - k, d[k:], False), mth(d[:k])]


# --- helpers -------------------------------------------------------------------------------------


def leaves(n: int, salt: int = 0) -> list[bytes]:
    return [ref_leaf(b"%d/%d" % (salt, i)) for i in range(n)]


def ref_subtree(d: list[bytes], level: int, index: int) -> bytes:
    return mth(d[index << level : (index + 1) << level])


def split_points(n: int, cuts: list[int]) -> Iterator[tuple[int, int]]:
    points = sorted({0, n, *(c % (n + 1) for c in cuts)})
    yield from itertools.pairwise(points)


class NodeStore:
    """What a ledger keeps: leaf hashes (level 0) and the nodes MerkleTree reports."""

    def __init__(self) -> None:
        self.tree = merkle.MerkleTree()
        self.nodes: dict[tuple[int, int], bytes] = {}

    def add(self, batch: list[bytes]) -> None:
        start = self.tree.size
        for i, h in enumerate(batch):
            self.nodes[(0, start + i)] = h
        for level, index, h in self.tree.extend(b"".join(batch)):
            assert (level, index) not in self.nodes
            self.nodes[(level, index)] = h

    def serve(self, plan: merkle.ProofPlan) -> list[bytes]:
        return plan.rehash([self.nodes[node] for node in plan.node_ids])


# --- the transparency-dev reference tree (testonly/constants.go) ------------------------------

LEAF_INPUTS = [
    "",
    "00",
    "10",
    "2021",
    "3031",
    "40414243",
    "5051525354555657",
    "606162636465666768696a6b6c6d6e6f",
]
ROOTS = [
    "e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855",
    "6e340b9cffb37a989ca544e6bb780a2c78901d3fb33738768511a30617afa01d",
    "fac54203e7cc696cf0dfcb42c92a1d9dbaf70ad9e621f4bd8d98662f00e3c125",
    "aeb6bcfe274b70a14fb067a5e5578264db0fa9b51af5e0ba159158f329e06e77",
    "d37ee418976dd95753c1c73862b9398fa2a2cf9b4ff0fdfe8b30cd95209614b7",
    "4e3bbb1f7b478dcfe71fb631631519a3bca12c9aefca1612bfce4c13a86264d4",
    "76e67dadbcdf1e10e1b74ddc608abd2f98dfb16fbce75277b5232a127f2087ef",
    "ddb89be403809e325750d3d263cd78929c2942b7942a34b77e122c9594a74c8c",
    "5dc9da79a70659a9ad559cb701ded9a2ab9d823aad2f4960cfe370eff4604328",
]


def test_reference_tree_roots_0_to_8() -> None:
    entries = [bytes.fromhex(x) for x in LEAF_INPUTS]
    hashes = [merkle.leaf_hash(e) for e in entries]
    assert merkle.leaf_hashes(entries) == b"".join(hashes)
    assert hashes[0].hex() == ROOTS[1]
    tree = merkle.MerkleTree()
    for n in range(9):
        want = bytes.fromhex(ROOTS[n])
        assert merkle.root(hashes[:n]) == want
        assert merkle.root(b"".join(hashes[:n])) == want
        assert mth(hashes[:n]) == want
        assert tree.root() == want
        plan = merkle.root_plan(n)
        assert plan.rehash([ref_subtree(hashes, lv, ix) for lv, ix in plan.node_ids]) == [want]
        if n < 8:
            tree.append(hashes[n])
    assert tree.peaks == [bytes.fromhex(ROOTS[8])]
    assert merkle.root([]) == merkle.EMPTY_ROOT == bytes.fromhex(ROOTS[0])


def test_hashing_primitives() -> None:
    assert merkle.leaf_hash(b"abc") == ref_leaf(b"abc")
    assert merkle.leaf_hash(bytearray(b"abc")) == ref_leaf(b"abc")
    a, b = ref_leaf(b"a"), ref_leaf(b"b")
    assert merkle.node_hash(a, b) == ref_node(a, b)
    big = bytes(range(256)) * 1000
    assert merkle.leaf_hash(big) == ref_leaf(big)
    entries = [b"x" * (i % 50) for i in range(3000)]  # above the parallel threshold
    assert merkle.leaf_hashes(entries) == b"".join(ref_leaf(e) for e in entries)
    assert merkle.leaf_hashes([]) == b""


# --- properties against the reference -----------------------------------------------------------


@given(n=st.integers(1, 160), salt=st.integers(0, 2**16), m=st.integers(0, 10**6))
def test_proofs_match_the_reference(n: int, salt: int, m: int) -> None:
    d = leaves(n, salt)
    buf = b"".join(d)
    root = merkle.root(buf)
    assert root == mth(d)
    i = m % n
    proof = merkle.inclusion_proof(buf, i)
    assert proof == path(i, d)
    merkle.verify_inclusion(d[i], i, n, proof, root)
    old = 1 + m % n
    cproof = merkle.consistency_proof(buf, old)
    assert cproof == subproof(old, d, True)
    merkle.verify_consistency(old, n, mth(d[:old]), root, cproof)


@given(n=st.integers(1, 100), cuts=st.lists(st.integers(0, 200), max_size=6))
def test_tree_and_plans_match_the_in_memory_functions(n: int, cuts: list[int]) -> None:
    d = leaves(n, len(cuts))
    store = NodeStore()
    for a, b in split_points(n, cuts):
        store.add(d[a:b])
        # The state alone resumes the tree.
        resumed = merkle.MerkleTree.from_state(store.tree.size, store.tree.peaks)
        assert resumed.root() == store.tree.root() == mth(d[:b])
        assert len(store.tree.peaks) == bin(b).count("1")
    for (level, index), h in store.nodes.items():
        assert h == ref_subtree(d, level, index)
    # Every perfect node at level >= 1 was reported exactly once.
    assert len(store.nodes) == sum(n >> level for level in range(0, 8))
    buf = b"".join(d)
    for i in range(n):
        assert store.serve(merkle.inclusion_proof_plan(i, n)) == merkle.inclusion_proof(buf, i)
    for old in range(1, n + 1):
        plan = merkle.consistency_proof_plan(old, n)
        assert store.serve(plan) == merkle.consistency_proof(buf, old)
    assert store.serve(merkle.root_plan(n)) == [merkle.root(buf)]


@pytest.mark.parametrize("n", [4095, 4096, 4097, 9000, 20_000])
def test_large_trees_across_the_parallel_and_chunk_limits(n: int) -> None:
    d = leaves(n, 7)
    buf = b"".join(d)
    root = merkle.root(buf)
    assert root == mth(d)
    for i in (0, n // 3, n - 1):
        assert merkle.inclusion_proof(buf, i) == path(i, d)
    for old in (1, 4096 % n or n, n - 1):
        assert merkle.consistency_proof(buf, old) == subproof(old, d, True)
    # A batch that starts unaligned, crosses chunks of 4096, and ends unaligned.
    store = NodeStore()
    store.add(d[:5])
    store.add(d[5:])
    one_by_one = merkle.MerkleTree()
    reported = []
    for h in d:
        reported.extend(one_by_one.append(h))
    assert one_by_one.peaks == store.tree.peaks
    assert store.tree.root() == root
    assert {(lv, ix): h for lv, ix, h in reported} == {
        k: v for k, v in store.nodes.items() if k[0] > 0
    }
    i = n // 2
    assert store.serve(merkle.inclusion_proof_plan(i, n)) == path(i, d)


def test_extend_reports_nodes_in_append_order() -> None:
    d = leaves(10_000, 9)
    bulk, single = merkle.MerkleTree(), merkle.MerkleTree()
    bulk.extend(d[:3])
    for h in d[:3]:
        single.append(h)
    got = bulk.extend(b"".join(d[3:]))
    want = [node for h in d[3:] for node in single.append(h)]
    assert got == want
    assert bulk.peaks == single.peaks


# --- input forms ----------------------------------------------------------------------------------


def test_leaf_hash_input_forms() -> None:
    d = leaves(33, 3)
    buf = b"".join(d)
    want = mth(d)
    assert merkle.root(d) == want
    assert merkle.root(tuple(d)) == want
    assert merkle.root(bytearray(buf)) == want
    assert merkle.root(memoryview(buf)) == want
    assert merkle.root(iter(d)) == want  # type: ignore[arg-type]
    assert merkle.inclusion_proof(d, 7) == merkle.inclusion_proof(buf, 7)
    assert merkle.consistency_proof(memoryview(buf), 9) == subproof(9, d, True)


def test_numpy_arrays() -> None:
    np = pytest.importorskip("numpy")
    d = leaves(1000, 4)
    buf = b"".join(d)
    arr = np.frombuffer(buf, dtype=np.uint8).reshape(1000, 32)
    want = mth(d)
    assert merkle.root(arr) == want
    assert merkle.root(arr.reshape(-1)) == want
    assert merkle.inclusion_proof(arr, 999) == path(999, d)
    assert merkle.consistency_proof(arr, 500) == subproof(500, d, True)
    tree = merkle.MerkleTree()
    tree.extend(arr)
    assert tree.root() == want
    # Not contiguous: every other row.
    assert merkle.root(arr[::2]) == mth(d[::2])
    with pytest.raises(ValueError, match=r"\(n, 32\)"):
        merkle.root(np.zeros((4, 31), dtype=np.uint8))
    with pytest.raises(ValueError, match=r"\(n, 32\)"):
        merkle.root(np.zeros((2, 2, 32), dtype=np.uint8))
    with pytest.raises(TypeError, match="uint8"):
        merkle.root(np.zeros((4, 32), dtype=np.uint16))
    with pytest.raises(ValueError, match="multiple of 32"):
        merkle.root(np.zeros(33, dtype=np.uint8))


# --- malformed and tampered input -----------------------------------------------------------------


def test_malformed_arguments_raise_value_error() -> None:
    d = leaves(5)
    buf = b"".join(d)
    root = mth(d)
    proof = merkle.inclusion_proof(buf, 2)
    with pytest.raises(ValueError, match="multiple of 32"):
        merkle.root(buf[:-1])
    with pytest.raises(ValueError, match=r"leaf hash 1 must be 32 bytes long, got 31"):
        merkle.root([d[0], d[1][:31]])
    with pytest.raises(TypeError):
        merkle.root([d[0], 5])  # type: ignore[list-item]
    with pytest.raises(TypeError):
        merkle.root(5)  # type: ignore[arg-type]
    with pytest.raises(ValueError, match="less than the tree size 5"):
        merkle.inclusion_proof(buf, 5)
    with pytest.raises(ValueError, match="index"):
        merkle.inclusion_proof(buf, -1)
    with pytest.raises(TypeError, match="int"):
        merkle.inclusion_proof(buf, 1.0)  # type: ignore[arg-type]
    with pytest.raises(ValueError, match="at least 1"):
        merkle.consistency_proof(buf, 0)
    with pytest.raises(ValueError, match="must not exceed"):
        merkle.consistency_proof(buf, 6)
    assert merkle.consistency_proof(buf, 5) == []
    with pytest.raises(ValueError, match="32 bytes"):
        merkle.verify_inclusion(d[2][:31], 2, 5, proof, root)
    with pytest.raises(ValueError, match="32 bytes"):
        merkle.verify_inclusion(d[2], 2, 5, proof, root + b"\x00")
    with pytest.raises(ValueError, match="proof element 1 must be 32 bytes long, got 0"):
        merkle.verify_inclusion(d[2], 2, 5, [proof[0], b"", proof[2]], root)
    with pytest.raises(TypeError):
        merkle.verify_inclusion(d[2], 2, 5, b"".join(proof), root)  # type: ignore[arg-type]
    with pytest.raises(ValueError, match="less than the tree size"):
        merkle.verify_inclusion(d[2], 5, 5, proof, root)
    with pytest.raises(ValueError, match="2\\*\\*64"):
        merkle.verify_inclusion(d[2], 2, 2**64, proof, root)
    with pytest.raises(ValueError, match="at least 1"):
        merkle.verify_consistency(0, 5, root, root, [])
    with pytest.raises(ValueError, match="must not exceed"):
        merkle.verify_consistency(6, 5, root, root, [])
    with pytest.raises(ValueError, match="32 bytes"):
        merkle.node_hash(root, root[:16])
    with pytest.raises(ValueError, match="has 2 peaks"):
        merkle.MerkleTree.from_state(3, [root])
    with pytest.raises(ValueError, match="32 bytes"):
        merkle.MerkleTree.from_state(1, [root[:8]])
    with pytest.raises(ValueError, match="needs 3 hashes"):
        merkle.inclusion_proof_plan(2, 5).rehash([root])
    with pytest.raises(ValueError, match="less than the tree size"):
        merkle.inclusion_proof_plan(5, 5)
    with pytest.raises(ValueError, match="at least 1"):
        merkle.consistency_proof_plan(0, 5)
    with pytest.raises(ValueError):
        merkle.root_plan(-1)
    with pytest.raises(TypeError):
        merkle.ProofPlan(object())  # type: ignore[arg-type]
    tree = merkle.MerkleTree()
    tree.extend(d[:3])
    with pytest.raises(ValueError, match="32 bytes"):
        tree.extend([d[3], d[4][:5]])
    with pytest.raises(ValueError, match="32 bytes"):
        tree.append(d[3][:31])
    assert tree.size == 3  # nothing appended by the failed calls
    full = merkle.MerkleTree.from_state(2**64 - 1, [root] * 64)
    with pytest.raises(ValueError, match="2\\^64"):
        full.append(root)
    assert repr(tree) == "MerkleTree(size=3)"


def flips(h: bytes) -> Iterator[bytes]:
    for bit in (0, 77, 255):
        b = bytearray(h)
        b[bit // 8] ^= 1 << (bit % 8)
        yield bytes(b)


@pytest.mark.parametrize("n", [1, 2, 5, 8, 37])
def test_tampered_proofs_raise_invalid_proof(n: int) -> None:
    d = leaves(n, 11)
    buf = b"".join(d)
    root = mth(d)
    for i in {0, n // 2, n - 1}:
        proof = merkle.inclusion_proof(buf, i)
        for j in range(len(proof)):
            for bad in flips(proof[j]):
                with pytest.raises(InvalidProof):
                    merkle.verify_inclusion(d[i], i, n, [*proof[:j], bad, *proof[j + 1 :]], root)
        for bad in flips(root):
            with pytest.raises(InvalidProof):
                merkle.verify_inclusion(d[i], i, n, proof, bad)
        for bad in flips(d[i]):
            with pytest.raises(InvalidProof):
                merkle.verify_inclusion(bad, i, n, proof, root)
        with pytest.raises(InvalidProof):
            merkle.verify_inclusion(d[i], i, n, [*proof, root], root)
        if proof:
            with pytest.raises(InvalidProof):
                merkle.verify_inclusion(d[i], i, n, proof[:-1], root)
            with pytest.raises(InvalidProof):
                merkle.verify_inclusion(d[i], i, n, [root, *proof], root)
    for old in {1, (n + 1) // 2, n - 1} - {0}:
        if old == n:
            continue
        proof = merkle.consistency_proof(buf, old)
        old_root = mth(d[:old])
        for j in range(len(proof)):
            for bad in flips(proof[j]):
                with pytest.raises(InvalidProof):
                    merkle.verify_consistency(
                        old, n, old_root, root, [*proof[:j], bad, *proof[j + 1 :]]
                    )
        for bad in flips(old_root):
            with pytest.raises(InvalidProof):
                merkle.verify_consistency(old, n, bad, root, proof)
        for bad in flips(root):
            with pytest.raises(InvalidProof):
                merkle.verify_consistency(old, n, old_root, bad, proof)
        with pytest.raises(InvalidProof):
            merkle.verify_consistency(old, n, old_root, root, proof[:-1])
        with pytest.raises(InvalidProof):
            merkle.verify_consistency(old, n, old_root, root, [*proof, root])
        with pytest.raises(InvalidProof):
            merkle.verify_consistency(old, n, old_root, root, [])
    with pytest.raises(InvalidProof):
        merkle.verify_consistency(n, n, root, next(flips(root)), [])
    with pytest.raises(InvalidProof):
        merkle.verify_consistency(n, n, root, root, [root])
    merkle.verify_consistency(n, n, root, root, [])


@given(
    n=st.integers(2, 64),
    i=st.integers(0, 63),
    j=st.integers(0, 63),
    bit=st.integers(0, 255),
)
def test_any_flipped_bit_fails(n: int, i: int, j: int, bit: int) -> None:
    d = leaves(n, 13)
    buf = b"".join(d)
    root = mth(d)
    i %= n
    proof = merkle.inclusion_proof(buf, i)
    j %= len(proof)
    bad = bytearray(proof[j])
    bad[bit // 8] ^= 1 << (bit % 8)
    with pytest.raises(InvalidProof):
        merkle.verify_inclusion(d[i], i, n, [*proof[:j], bytes(bad), *proof[j + 1 :]], root)


# --- huge trees: every leaf equal, so every node hash depends only on its level ---------------


def uniform_levels() -> list[bytes]:
    """h[level] = the root of 2**level equal leaves."""
    h = [ref_leaf(b"same")]
    for _ in range(64):
        h.append(ref_node(h[-1], h[-1]))
    return h


LEVELS = uniform_levels()


def uniform_root(size: int) -> bytes:
    (root,) = merkle.root_plan(size).rehash(
        [LEVELS[lv] for lv, _ in merkle.root_plan(size).node_ids]
    )
    return root


def test_uniform_roots_match_the_reference() -> None:
    for n in range(0, 70):
        assert uniform_root(n) == mth([LEVELS[0]] * n)


@given(
    size=st.integers(1, 2**64 - 1), index=st.integers(0, 2**64 - 1), old=st.integers(1, 2**64 - 1)
)
def test_plans_for_trees_up_to_2_64(size: int, index: int, old: int) -> None:
    index %= size
    old = 1 + (old - 1) % size
    root = uniform_root(size)
    plan = merkle.inclusion_proof_plan(index, size)
    for level, ix in plan.node_ids:
        # Every planned node is a perfect subtree inside the tree.
        assert 0 <= level < 64 and (ix + 1) << level <= size
    proof = plan.rehash([LEVELS[lv] for lv, _ in plan.node_ids])
    assert len(proof) <= 64
    merkle.verify_inclusion(LEVELS[0], index, size, proof, root)
    cplan = merkle.consistency_proof_plan(old, size)
    for level, ix in cplan.node_ids:
        assert (ix + 1) << level <= size
    cproof = cplan.rehash([LEVELS[lv] for lv, _ in cplan.node_ids])
    merkle.verify_consistency(old, size, uniform_root(old), root, cproof)
    tree = merkle.MerkleTree.from_state(
        size, [LEVELS[63 - i] for i in range(64) if size >> (63 - i) & 1]
    )
    assert tree.root() == root
