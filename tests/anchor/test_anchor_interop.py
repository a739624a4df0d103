"""pqpay.anchor against python-opentimestamps (PyPI ``opentimestamps``, the reference library).

Our files parse in theirs with the same structure and re-serialize to the same bytes; files built
with their API (Timestamp, ops, attestations, DetachedTimestampFile, their Merkle tree builder)
parse in ours with the same structure and re-serialize to the same bytes; every operation gives
the same result; malformed files are rejected by both; their header attestation check agrees with
ours on the synthetic completed proof.
"""

from __future__ import annotations

import hashlib
import os
from typing import Any

import pytest
from hypothesis import given
from hypothesis import strategies as st

from tests._support import vector_sources

try:
    from bitcoin.core import CBlockHeader
    from opentimestamps.core import notary as their_notary
    from opentimestamps.core import op as their_op
    from opentimestamps.core.dubious.notary import EthereumBlockHeaderAttestation as TheirEth
    from opentimestamps.core.serialize import (
        BytesDeserializationContext,
        BytesSerializationContext,
        DeserializationError,
    )
    from opentimestamps.core.timestamp import DetachedTimestampFile, Timestamp, make_merkle_tree
except ImportError:  # a test dependency (the `test` extra); required under CI
    if vector_sources.vectors_required():
        raise
    pytest.skip("opentimestamps is not installed", allow_module_level=True)

from pqpay import anchor as ots
from pqpay.exceptions import EncodingError, UnsupportedAlgorithm
from tests.anchor.test_anchor import (
    BLOCK_358391,
    COMPLETED,
    HEADER,
    HEIGHT,
    HELLO_WORLD_OTS,
    INCOMPLETE_OTS,
    PATH,
    ROOT,
    run,
    trees,
)

OP_CLASSES: dict[ots.Op, Any] = {
    ots.Op.SHA1: their_op.OpSHA1,
    ots.Op.RIPEMD160: their_op.OpRIPEMD160,
    ots.Op.SHA256: their_op.OpSHA256,
    ots.Op.KECCAK256: their_op.OpKECCAK256,
    ots.Op.APPEND: their_op.OpAppend,
    ots.Op.PREPEND: their_op.OpPrepend,
    ots.Op.REVERSE: their_op.OpReverse,
    ots.Op.HEXLIFY: their_op.OpHexlify,
}
pytestmark = pytest.mark.filterwarnings("ignore:OpReverse may get removed")


def their_bytes(obj: Any) -> bytes:
    ctx = BytesSerializationContext()
    obj.serialize(ctx)
    return bytes(ctx.getbytes())


def their_parse(data: bytes) -> Any:
    return DetachedTimestampFile.deserialize(BytesDeserializationContext(data))


# --- canonical structures, to compare trees whatever the branch order ---------------------------


def _att_key(a: Any) -> tuple[Any, ...]:
    if isinstance(a, (ots.PendingAttestation, their_notary.PendingAttestation)):
        return ("pending", a.uri)
    for ours, theirs, name in (
        (ots.BitcoinBlockHeaderAttestation, their_notary.BitcoinBlockHeaderAttestation, "btc"),
        (ots.LitecoinBlockHeaderAttestation, their_notary.LitecoinBlockHeaderAttestation, "ltc"),
        (ots.EthereumBlockHeaderAttestation, TheirEth, "eth"),
    ):
        if isinstance(a, (ours, theirs)):
            return (name, a.height)
    if isinstance(a, ots.UnknownAttestation):
        return ("unknown", a.tag, a.payload)
    assert isinstance(a, their_notary.UnknownAttestation)
    return ("unknown", a.TAG, a.payload)


def ours_shape(node: ots.Timestamp, msg: bytes) -> Any:
    return (
        msg,
        tuple(sorted({_att_key(a) for a in node.attestations})),
        tuple(
            sorted(
                {
                    (int(op.op), op.argument, ours_shape(child, op.apply(msg)))
                    for op, child in node.ops
                }
            )
        ),
    )


def theirs_shape(node: Any) -> Any:
    return (
        node.msg,
        tuple(sorted({_att_key(a) for a in node.attestations})),
        tuple(
            sorted(
                {
                    (op.TAG[0], op[0] if len(op) else b"", theirs_shape(child))
                    for op, child in node.ops.items()
                }
            )
        ),
    )


def to_theirs(node: ots.Timestamp, msg: bytes) -> Any:
    """Builds the same tree with their API (the message is computed by their ops)."""
    out = Timestamp(msg)
    for a in node.attestations:
        if isinstance(a, ots.PendingAttestation):
            out.attestations.add(their_notary.PendingAttestation(a.uri))
        elif isinstance(a, ots.BitcoinBlockHeaderAttestation):
            out.attestations.add(their_notary.BitcoinBlockHeaderAttestation(a.height))
        elif isinstance(a, ots.LitecoinBlockHeaderAttestation):
            out.attestations.add(their_notary.LitecoinBlockHeaderAttestation(a.height))
        elif isinstance(a, ots.EthereumBlockHeaderAttestation):
            out.attestations.add(TheirEth(a.height))
        else:
            out.attestations.add(their_notary.UnknownAttestation(a.tag, a.payload))
    for op, child in node.ops:
        cls = OP_CLASSES[op.op]
        their = cls(op.argument) if op.op in (ots.Op.APPEND, ots.Op.PREPEND) else cls()
        out.ops[their] = to_theirs(child, their(msg))
    return out


# --- operations ---------------------------------------------------------------------------------


@pytest.mark.parametrize("op", list(ots.Op), ids=lambda o: o.name)
def test_operations_match(op: ots.Op) -> None:
    binary = op in (ots.Op.APPEND, ots.Op.PREPEND)
    for n in (1, 2, 31, 32, 135, 136, 137, 1000, 2048):
        msg = os.urandom(n)
        arg = os.urandom(1 + n % 50) if binary else b""
        ours = ots.Operation(op, arg)
        theirs = OP_CLASSES[op](arg) if binary else OP_CLASSES[op]()
        assert ours.apply(msg) == theirs(msg)
        assert their_bytes(theirs)[0] == op


# --- our files in their parser ------------------------------------------------------------------


def test_our_pending_proof_parses_in_theirs() -> None:
    cal = "https://alice.btc.calendar.opentimestamps.org"
    proof = ots.pending_proof(ROOT, [cal, "https://bob.example"])
    data = proof.to_bytes()
    theirs = their_parse(data)
    assert isinstance(theirs.file_hash_op, their_op.OpSHA256)
    assert theirs.file_digest == ROOT
    assert theirs_shape(theirs.timestamp) == ours_shape(proof.timestamp, ROOT)
    assert their_bytes(theirs) == data
    # The commitment their tree computes is the body we would POST.
    (commitment,) = {msg for msg, _ in theirs.timestamp.all_attestations()}
    assert {r.body for r in ots.calendar_requests(proof)} == {commitment}


def test_our_completed_proof_parses_and_verifies_in_theirs() -> None:
    data = COMPLETED.to_bytes()
    theirs = their_parse(data)
    assert their_bytes(theirs) == data
    ((msg, attestation),) = list(theirs.timestamp.all_attestations())
    assert attestation == their_notary.BitcoinBlockHeaderAttestation(HEIGHT)
    header = CBlockHeader.deserialize(HEADER)
    assert attestation.verify_against_blockheader(msg, header) == header.nTime
    assert ots.verify_bitcoin(COMPLETED, HEADER).time == header.nTime
    assert header.GetHash() == hashlib.sha256(hashlib.sha256(HEADER).digest()).digest()


@given(trees, st.binary(min_size=32, max_size=32))
def test_property_our_trees_parse_in_theirs(tree: ots.Timestamp, digest: bytes) -> None:
    proof = ots.OtsProof(digest, tree)
    theirs = their_parse(proof.to_bytes())
    assert theirs.file_digest == digest
    assert theirs_shape(theirs.timestamp) == ours_shape(tree, digest)


def test_published_examples_agree() -> None:
    """hello-world.txt.ots and incomplete.txt.ots: the same tree, bytes and block time in both."""
    for data in (HELLO_WORLD_OTS, INCOMPLETE_OTS):
        theirs, ours = their_parse(data), ots.parse_ots(data)
        assert theirs_shape(theirs.timestamp) == ours_shape(ours.timestamp, ours.digest)
        assert their_bytes(theirs) == ours.to_bytes() == data
    ((msg, attestation),) = list(their_parse(HELLO_WORLD_OTS).timestamp.all_attestations())
    header = CBlockHeader.deserialize(BLOCK_358391)
    their_time = attestation.verify_against_blockheader(msg, header)
    assert ots.verify_bitcoin(ots.parse_ots(HELLO_WORLD_OTS), BLOCK_358391).time == their_time


# --- their files in our parser ------------------------------------------------------------------


def test_their_files_parse_in_ours() -> None:
    # A Merkle tree over several digests built by their make_merkle_tree (what a calendar does),
    # with every attestation kind and every op somewhere in the tree.
    leaves = [Timestamp(hashlib.sha256(bytes([i])).digest()) for i in range(5)]
    tip = make_merkle_tree(leaves)
    tip.attestations.add(their_notary.PendingAttestation("https://cal.example.org"))
    tip.ops.add(their_op.OpSHA256()).attestations.add(
        their_notary.BitcoinBlockHeaderAttestation(358391)
    )
    tip.ops.add(their_op.OpRIPEMD160()).attestations.add(
        their_notary.LitecoinBlockHeaderAttestation(1)
    )
    tip.ops.add(their_op.OpKECCAK256()).attestations.add(TheirEth(4000000))
    tip.ops.add(their_op.OpSHA1()).attestations.add(
        their_notary.UnknownAttestation(bytes(range(8)), b"payload")
    )
    deep = tip.ops.add(their_op.OpReverse()).ops.add(their_op.OpHexlify())
    deep.ops.add(their_op.OpPrepend(b"pre")).attestations.add(
        their_notary.PendingAttestation("https://x.example")
    )
    for leaf in leaves:
        data = their_bytes(DetachedTimestampFile(their_op.OpSHA256(), leaf))
        ours = ots.parse_ots(data)
        assert ours.digest == leaf.msg
        assert ours_shape(ours.timestamp, ours.digest) == theirs_shape(leaf)
        assert ours.to_bytes() == data
        assert {m for m, _ in ours.attestations()} == {m for m, _ in leaf.all_attestations()}


def test_their_completed_proof_verifies_in_ours() -> None:
    # The synthetic Bitcoin path, built with their API from the root.
    stamp = Timestamp(ROOT)
    node = stamp
    for op in PATH:
        cls = OP_CLASSES[op.op]
        node = node.ops.add(cls(op.argument) if op.argument else cls())
    node.attestations.add(their_notary.BitcoinBlockHeaderAttestation(HEIGHT))
    assert node.msg == run(PATH, ROOT)
    data = their_bytes(DetachedTimestampFile(their_op.OpSHA256(), stamp))
    assert data == COMPLETED.to_bytes()
    anchor = ots.verify_bitcoin(ots.parse_ots(data), HEADER, digest=ROOT, height=HEIGHT)
    assert anchor.height == HEIGHT


@given(trees, st.binary(min_size=32, max_size=32))
def test_property_their_trees_parse_in_ours(tree: ots.Timestamp, digest: bytes) -> None:
    theirs = to_theirs(tree, digest)
    data = their_bytes(DetachedTimestampFile(their_op.OpSHA256(), theirs))
    ours = ots.parse_ots(data)
    assert ours_shape(ours.timestamp, digest) == theirs_shape(theirs)
    assert ours.to_bytes() == data  # their serializer's branch order survives our round trip


# --- malformed input: rejected by both ----------------------------------------------------------


@pytest.mark.parametrize(
    "body",
    [
        b"",
        b"\x42\x00" + bytes(8) + b"\x00",
        b"\xf0\x00\x00" + bytes(8) + b"\x00",
        b"\xf0\x81\x20" + bytes(4097),
        b"\x00" + bytes.fromhex("83dfe30d2ef90c8e") + b"\x04\x03a b",
        b"\x00" + bytes.fromhex("0588960d73d71901") + b"\x02\x01\x00",
        b"\x00" + bytes(8) + b"\x81\x40" + bytes(8193),
        b"\x08" * 256 + b"\x00" + bytes.fromhex("0588960d73d71901") + b"\x01\x01",
        b"\x00" + bytes.fromhex("0588960d73d71901") + b"\x01\x01" + b"junk",
    ],
)
def test_malformed_rejected_by_both(body: bytes) -> None:
    data = ots.HEADER_MAGIC + b"\x01\x08" + ROOT + body
    with pytest.raises((EncodingError, UnsupportedAlgorithm)):
        ots.parse_ots(data)
    with pytest.raises(DeserializationError):
        their_parse(data)


def test_truncations_rejected_by_both() -> None:
    data = COMPLETED.to_bytes()
    for cut in range(len(data)):
        with pytest.raises(EncodingError):
            ots.parse_ots(data[:cut])
        with pytest.raises(DeserializationError):
            their_parse(data[:cut])
