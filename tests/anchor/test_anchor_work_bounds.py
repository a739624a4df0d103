"""B-1 / B-10: an ``.ots`` proof has a bounded hashing budget, and the verifiers refuse what is
not a parsed proof with ``TypeError``.

B-1: a 262,071-byte proof with 21,495 Keccak-256 branches parsed in 0.06 s and then took 206 s
in ``verify_bitcoin`` (pure-Python Keccak, once per branch, also in ``calendar_requests``,
``upgrade_requests`` and a reply through ``merge_calendar_response``). B-10: ``None`` or raw
bytes gave ``AttributeError``."""

from __future__ import annotations

import hashlib

import pytest

from pqpay import anchor as ots
from pqpay.anchor import (
    BitcoinBlockHeaderAttestation,
    Op,
    Operation,
    OtsProof,
    PendingAttestation,
    Timestamp,
    calendar_requests,
    merge_calendar_response,
    parse_ots,
    pending_proof,
    upgrade_requests,
    verify_bitcoin,
    verify_checkpoint_anchor,
)
from pqpay.exceptions import EncodingError

ROOT = hashlib.sha256(b"checkpoint root").digest()
CAL = "https://a.pool.opentimestamps.org"
HEADER = bytes(80)
# One branch: 0xff (more follow), KECCAK256, then a Bitcoin attestation at height 1.
ATTESTATION = b"\x00" + BitcoinBlockHeaderAttestation.TAG + b"\x01\x01"
BRANCH = b"\xff\x67" + ATTESTATION
LAST = b"\x67" + ATTESTATION


def keccak_timestamp(branches: int) -> bytes:
    """A serialized timestamp node with ``branches`` Keccak-256 children."""
    return BRANCH * (branches - 1) + LAST


def keccak_file(branches: int) -> bytes:
    return ots.HEADER_MAGIC + b"\x01\x08" + ROOT + keccak_timestamp(branches)


def test_the_review_proof_is_refused_at_parse() -> None:
    data = keccak_file(20_000)
    assert len(data) <= ots.MAX_PROOF_SIZE
    with pytest.raises(EncodingError, match="Keccak"):
        parse_ots(data)


def test_keccak_budget_edge() -> None:
    assert ots.MAX_KECCAK_BLOCKS == 64
    proof = parse_ots(keccak_file(64))  # 64 single-block hashes: within the budget
    assert len(calendar_requests(proof)) == 0
    assert len(proof.attestations()) == 64
    with pytest.raises(EncodingError, match="Keccak"):
        parse_ots(keccak_file(65))
    keccak = Operation(Op.KECCAK256)
    leaf = Timestamp((BitcoinBlockHeaderAttestation(1),))
    with pytest.raises(ValueError, match="Keccak"):
        OtsProof(ROOT, Timestamp(ops=tuple((keccak, leaf) for _ in range(65))))
    # A 4096-byte message is 31 permutations: three of them are over budget.
    big = Timestamp(ops=((Operation(Op.APPEND, bytes(4064)), Timestamp(ops=((keccak, leaf),))),))
    with pytest.raises(EncodingError, match="Keccak"):
        OtsProof(ROOT, Timestamp(ops=((Operation(Op.REVERSE), big),) * 3))


def test_operation_count_budget() -> None:
    leaf = Timestamp((BitcoinBlockHeaderAttestation(1),))
    reverse = Operation(Op.REVERSE)
    node = leaf
    for _ in range(ots.MAX_DEPTH - 3):  # an APPEND above, the leaf below: 254 ops a chain
        node = Timestamp(ops=((reverse, node),))
    many = Timestamp(
        ops=tuple(
            (Operation(Op.APPEND, bytes([i % 256, i // 256])), node)
            for i in range(ots.MAX_OPERATIONS // 254 + 1)
        )
    )
    with pytest.raises(EncodingError, match="operations"):
        OtsProof(ROOT, many)
    with pytest.raises(EncodingError, match="operations"):
        parse_ots(_unchecked(ROOT, many).to_bytes())


def _unchecked(digest: bytes, timestamp: Timestamp) -> OtsProof:
    # Serialize a tree the constructor would refuse, to hand the parser its bytes.
    obj = object.__new__(OtsProof)
    for name, value in (("digest", digest), ("timestamp", timestamp), ("file_hash", Op.SHA256)):
        object.__setattr__(obj, name, value)
    return obj


def test_walk_of_a_shared_hand_built_tree_is_bounded() -> None:
    shared = Timestamp((PendingAttestation(CAL),))
    for _ in range(20):  # 2**20 leaves if expanded
        shared = Timestamp(ops=((Operation(Op.SHA256), shared), (Operation(Op.REVERSE), shared)))
    with pytest.raises(EncodingError, match="operations"):
        list(shared.walk(ROOT))


def test_calendar_reply_over_budget() -> None:
    proof = pending_proof(ROOT, CAL, nonce=b"")
    with pytest.raises(EncodingError, match="Keccak"):
        merge_calendar_response(proof, CAL, keccak_timestamp(20_000))
    merged = merge_calendar_response(proof, CAL, keccak_timestamp(3))
    assert len(merged.attestations()) == 3


@pytest.mark.parametrize("bad", [None, b"", b"\x00OpenTimestamps", bytearray(10), "proof.ots"])
def test_not_a_parsed_proof_is_a_type_error(bad: object) -> None:
    with pytest.raises(TypeError, match="OtsProof"):
        verify_bitcoin(bad, HEADER)  # type: ignore[arg-type]
    with pytest.raises(TypeError, match="OtsProof"):
        verify_checkpoint_anchor(bad, None, HEADER)  # type: ignore[arg-type]
    for function in (calendar_requests, upgrade_requests):
        with pytest.raises(TypeError, match="OtsProof"):
            function(bad)  # type: ignore[arg-type]
    with pytest.raises(TypeError, match="OtsProof"):
        merge_calendar_response(bad, CAL, b"")  # type: ignore[arg-type]


def test_checkpoint_must_be_a_checkpoint() -> None:
    proof = pending_proof(ROOT, CAL, nonce=b"")
    for bad in (None, ROOT, b"checkpoint note"):
        with pytest.raises(TypeError, match="Checkpoint"):
            verify_checkpoint_anchor(proof, bad, HEADER)  # type: ignore[arg-type]


def test_walk_of_a_hand_built_tree_deeper_than_the_limit() -> None:
    node = Timestamp((PendingAttestation(CAL),))
    for _ in range(5_000):  # deeper than the interpreter's recursion limit
        node = Timestamp(ops=((Operation(Op.REVERSE), node),))
    with pytest.raises(EncodingError, match="deep"):
        list(node.walk(ROOT))
