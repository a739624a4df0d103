"""transparency-dev/merkle inclusion and consistency vectors (RFC 6962 / 9162, SHA-256): a
folder holding ``inclusion/**/*.json`` and ``consistency/**/*.json``.

Each vector is valid iff ``wantErr`` is false. A vector that wants an error must get the right
one: ``ValueError`` when an argument is malformed (a hash that is not 32 bytes, the index not
below the size, old size 0 or above the new size), else the opaque ``InvalidProof``.

One vector is deliberately not followed: equal sizes (1) with equal 12-byte "roots" is valid for
transparency-dev, which compares the bytes without checking their length; pqpay rejects every
hash that is not 32 bytes, so it raises ``ValueError`` there. The check asserts exactly that, and
the vector's intent (equal sizes, empty proof, equal roots verify) with real hashes.

A third suite rebuilds every happy-path vector with pqpay's tree builders: the vectors come from
the transparency-dev reference tree, whose leaves are :data:`REFERENCE_LEAF_INPUTS`.
"""

from __future__ import annotations

import base64
import json
from functools import partial
from pathlib import Path
from typing import Any

from pqpay import merkle
from pqpay.conformance._core import Case, Cases, SourceMissing, Suite, expect, expect_raises
from pqpay.exceptions import InvalidProof

SOURCE = "transparency-dev"
NOT_32_BYTES_BUT_VALID = "additional/sizes-are-equal-one-and-proof-is-empty.json"
REFERENCE_LEAF_INPUTS = (
    "",
    "00",
    "10",
    "2021",
    "3031",
    "40414243",
    "5051525354555657",
    "606162636465666768696a6b6c6d6e6f",
)
ALGORITHM = "RFC 6962 SHA-256"


def b64(value: str) -> bytes:
    return base64.b64decode(value, validate=True)


def proof_of(v: dict[str, Any]) -> list[bytes]:
    return [b64(p) for p in v["proof"] or []]


def vectors(folder: Path, kind: str) -> list[tuple[str, dict[str, Any]]]:
    """``(relpath, vector)`` for every ``<folder>/<kind>/**/*.json``, sorted by path."""
    base = folder / kind
    if not base.is_dir():
        raise SourceMissing(f"vector folder {base}")
    return [
        (p.relative_to(base).as_posix(), json.loads(p.read_text(encoding="utf-8")))
        for p in sorted(base.rglob("*.json"))
    ]


def _expected_error(v: dict[str, Any], malformed: bool) -> type[Exception] | None:
    if not v["wantErr"]:
        return None
    return ValueError if malformed else InvalidProof


def _inclusion(v: dict[str, Any]) -> None:
    leaf, root, proof = b64(v["leafHash"]), b64(v["root"]), proof_of(v)
    index, size = v["leafIdx"], v["treeSize"]
    malformed = (
        len(leaf) != 32 or len(root) != 32 or any(len(p) != 32 for p in proof) or index >= size
    )
    error = _expected_error(v, malformed)
    if error is None:
        merkle.verify_inclusion(leaf, index, size, proof, root)
    else:
        expect_raises(error, lambda: merkle.verify_inclusion(leaf, index, size, proof, root))


def _consistency(name: str, v: dict[str, Any]) -> None:
    root1, root2, proof = b64(v["root1"]), b64(v["root2"]), proof_of(v)
    size1, size2 = v["size1"], v["size2"]
    if name == NOT_32_BYTES_BUT_VALID:
        expect(not v["wantErr"] and len(root1) == 12 and root1 == root2, "vector changed")
        exc = expect_raises(
            ValueError, lambda: merkle.verify_consistency(size1, size2, root1, root2, proof)
        )
        expect("32 bytes" in str(exc), f"unexpected message {exc}")
        real = merkle.leaf_hash(b"x")
        merkle.verify_consistency(size1, size2, real, real, proof)
        return
    malformed = (
        len(root1) != 32
        or len(root2) != 32
        or any(len(p) != 32 for p in proof)
        or size1 == 0
        or size1 > size2
    )
    error = _expected_error(v, malformed)
    if error is None:
        merkle.verify_consistency(size1, size2, root1, root2, proof)
    else:
        expect_raises(error, lambda: merkle.verify_consistency(size1, size2, root1, root2, proof))


def _rebuilt(kind: str, v: dict[str, Any]) -> None:
    leaves = merkle.leaf_hashes([bytes.fromhex(x) for x in REFERENCE_LEAF_INPUTS])
    if kind == "inclusion":
        tree = leaves[: v["treeSize"] * 32]
        expect(merkle.root(tree) == b64(v["root"]), "root differs")
        got = merkle.inclusion_proof(tree, v["leafIdx"])
        expect(tree[v["leafIdx"] * 32 :][:32] == b64(v["leafHash"]), "leaf hash differs")
    else:
        tree = leaves[: v["size2"] * 32]
        expect(merkle.root(tree) == b64(v["root2"]), "root2 differs")
        expect(merkle.root(tree[: v["size1"] * 32]) == b64(v["root1"]), "root1 differs")
        got = merkle.consistency_proof(tree, v["size1"])
    expect(got == proof_of(v), "the generated proof differs")


def _load_inclusion(folder: Path) -> Cases:
    return Cases(
        [Case(n, ALGORITHM, partial(_inclusion, v)) for n, v in vectors(folder, "inclusion")]
    )


def _load_consistency(folder: Path) -> Cases:
    return Cases(
        [Case(n, ALGORITHM, partial(_consistency, n, v)) for n, v in vectors(folder, "consistency")]
    )


def _load_rebuilt(folder: Path) -> Cases:
    cases = []
    for kind in ("inclusion", "consistency"):
        for name, v in vectors(folder, kind):
            if name.endswith("happy-path.json"):
                cases.append(
                    Case(
                        f"{kind}/{name}",
                        f"{ALGORITHM} (proof generation)",
                        partial(_rebuilt, kind, v),
                    )
                )
    return Cases(cases)


def is_merkle(folder: Path) -> bool:
    """True when ``folder`` holds ``inclusion/`` and ``consistency/`` vector folders."""
    return (folder / "inclusion").is_dir() and (folder / "consistency").is_dir()


def suites(folder: Path) -> list[Suite]:
    return [
        Suite(
            SOURCE,
            f"{folder.name}/inclusion",
            str(folder / "inclusion"),
            partial(_load_inclusion, folder),
        ),
        Suite(
            SOURCE,
            f"{folder.name}/consistency",
            str(folder / "consistency"),
            partial(_load_consistency, folder),
        ),
        Suite(
            SOURCE,
            f"{folder.name} happy paths rebuilt",
            str(folder),
            partial(_load_rebuilt, folder),
        ),
    ]
