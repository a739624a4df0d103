"""transparency-dev/merkle inclusion and consistency vectors (shared/vectors/merkle, 196 files).

Each vector is valid iff ``wantErr`` is false. A vector that wants an error must get the right
one: ``ValueError`` when an argument is malformed (a hash that is not 32 bytes, the index not
below the size, old size 0 or above the new size), else the opaque ``InvalidProof``.

One vector is deliberately not followed: equal sizes (1) with equal 12-byte "roots" is valid
for transparency-dev, which compares the bytes without checking their length; pqpay rejects
every hash that is not 32 bytes (standards.md §6), so it raises ``ValueError`` there. The test
checks exactly that, and checks the vector's intent (equal sizes, empty proof, equal roots
verify) with real hashes.
"""

from __future__ import annotations

import base64
from typing import Any

import pytest

from pqpay import merkle
from pqpay.exceptions import InvalidProof
from tests._support import vector_sources

pytestmark = pytest.mark.vectors

# The number of files SOURCES.md lists under merkle/inclusion and merkle/consistency.
DECLARED = {"inclusion": 98, "consistency": 98}

NOT_32_BYTES_BUT_VALID = "additional/sizes-are-equal-one-and-proof-is-empty.json"


def b64(value: str) -> bytes:
    return base64.b64decode(value, validate=True)


def proof_of(v: dict[str, Any]) -> list[bytes]:
    return [b64(p) for p in v["proof"] or []]


def expect(want_err: bool, malformed: bool) -> type[Exception] | None:
    if not want_err:
        return None
    return ValueError if malformed else InvalidProof


def test_inclusion_vectors() -> None:
    tally = vector_sources.Tally("transparency-dev: merkle/inclusion")
    for name, v in vector_sources.merkle_vectors("inclusion"):
        with tally.case(name):
            leaf, root, proof = b64(v["leafHash"]), b64(v["root"]), proof_of(v)
            index, size = v["leafIdx"], v["treeSize"]
            malformed = (
                len(leaf) != 32
                or len(root) != 32
                or any(len(p) != 32 for p in proof)
                or index >= size
            )
            error = expect(v["wantErr"], malformed)
            if error is None:
                merkle.verify_inclusion(leaf, index, size, proof, root)
            else:
                with pytest.raises(error):
                    merkle.verify_inclusion(leaf, index, size, proof, root)
    tally.finish(expected=DECLARED["inclusion"])


def test_consistency_vectors() -> None:
    tally = vector_sources.Tally("transparency-dev: merkle/consistency")
    for name, v in vector_sources.merkle_vectors("consistency"):
        with tally.case(name):
            root1, root2, proof = b64(v["root1"]), b64(v["root2"]), proof_of(v)
            size1, size2 = v["size1"], v["size2"]
            if name == NOT_32_BYTES_BUT_VALID:
                assert not v["wantErr"] and len(root1) == 12 and root1 == root2
                with pytest.raises(ValueError, match="32 bytes"):
                    merkle.verify_consistency(size1, size2, root1, root2, proof)
                real = merkle.leaf_hash(b"x")
                merkle.verify_consistency(size1, size2, real, real, proof)
                continue
            malformed = (
                len(root1) != 32
                or len(root2) != 32
                or any(len(p) != 32 for p in proof)
                or size1 == 0
                or size1 > size2
            )
            error = expect(v["wantErr"], malformed)
            if error is None:
                merkle.verify_consistency(size1, size2, root1, root2, proof)
            else:
                with pytest.raises(error):
                    merkle.verify_consistency(size1, size2, root1, root2, proof)
    tally.finish(expected=DECLARED["consistency"])


def test_happy_path_vectors_are_reproduced_by_the_builders() -> None:
    """Every valid vector's proof is the one pqpay generates for a tree with the same shape.

    The vectors come from the transparency-dev reference tree (testonly/constants.go), whose
    leaves are the 8 inputs below; sizes up to 8 are rebuilt and the proofs compared.
    """
    leaves = merkle.leaf_hashes([bytes.fromhex(x) for x in REFERENCE_LEAF_INPUTS])
    tally = vector_sources.Tally("transparency-dev: merkle happy paths rebuilt")
    for kind in ("inclusion", "consistency"):
        for name, v in vector_sources.merkle_vectors(kind):
            if not name.endswith("happy-path.json"):
                continue
            with tally.case(f"{kind}/{name}"):
                if kind == "inclusion":
                    tree = leaves[: v["treeSize"] * 32]
                    assert merkle.root(tree) == b64(v["root"])
                    got = merkle.inclusion_proof(tree, v["leafIdx"])
                    assert tree[v["leafIdx"] * 32 :][:32] == b64(v["leafHash"])
                else:
                    tree = leaves[: v["size2"] * 32]
                    assert merkle.root(tree) == b64(v["root2"])
                    assert merkle.root(tree[: v["size1"] * 32]) == b64(v["root1"])
                    got = merkle.consistency_proof(tree, v["size1"])
                assert got == proof_of(v)
    tally.finish(expected=10)


REFERENCE_LEAF_INPUTS = [
    "",
    "00",
    "10",
    "2021",
    "3031",
    "40414243",
    "5051525354555657",
    "606162636465666768696a6b6c6d6e6f",
]
