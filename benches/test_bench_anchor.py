"""pytest-benchmark: OpenTimestamps proofs, pqpay.anchor against python-opentimestamps.

The proof is a synthetic completed one shaped like a real upgraded proof (nonce, calendar
aggregation, a transaction around the commitment, a 12-level block Merkle branch), verified
against an 80-byte header built here.

Groups: ``ots parse`` (bytes to tree, every message computed), ``ots verify`` (parse, walk to
the Bitcoin attestation, compare with the header's Merkle root; ours also checks the header's
proof of work), ``ots write pending`` (a pending proof to bytes).

Run: ``pytest benches/test_bench_anchor.py --benchmark-only --benchmark-group-by=group``.
"""

from __future__ import annotations

import hashlib
from collections.abc import Callable
from typing import Any

import pytest
from bitcoin.core import CBlockHeader
from opentimestamps.core import notary, op
from opentimestamps.core.serialize import BytesDeserializationContext, BytesSerializationContext
from opentimestamps.core.timestamp import DetachedTimestampFile, Timestamp

from pqpay import anchor as ots

ROOT = hashlib.sha256(b"checkpoint root").digest()
CAL = "https://alice.btc.calendar.opentimestamps.org"


def _path() -> list[ots.Operation]:
    sha = ots.Operation(ots.Op.SHA256)
    path = [ots.Operation(ots.Op.APPEND, bytes(16)), sha]
    path += [ots.Operation(ots.Op.PREPEND, bytes(8)), ots.Operation(ots.Op.APPEND, bytes(8)), sha]
    path += [ots.Operation(ots.Op.PREPEND, bytes(41)), ots.Operation(ots.Op.APPEND, bytes(40))]
    path += [sha, sha]
    for level in range(12):
        side = ots.Op.APPEND if level % 2 else ots.Op.PREPEND
        path += [ots.Operation(side, hashlib.sha256(bytes([level])).digest()), sha, sha]
    return path


def _fixture() -> tuple[bytes, bytes]:
    path = _path()
    node = ots.Timestamp((ots.BitcoinBlockHeaderAttestation(840000),))
    msg = ROOT
    for o in path:
        msg = o.apply(msg)
    for o in reversed(path):
        node = ots.Timestamp(ops=((o, node),))
    data = ots.OtsProof(ROOT, node).to_bytes()
    prefix = bytes(4) + bytes(32) + msg + bytes(4) + (0x207FFFFF).to_bytes(4, "little")
    for nonce in range(1 << 16):
        header = prefix + nonce.to_bytes(4, "little")
        digest = hashlib.sha256(hashlib.sha256(header).digest()).digest()
        if int.from_bytes(digest, "little") <= ots._target(0x207FFFFF):  # type: ignore[operator]
            return data, header
    raise AssertionError("no nonce")


DATA, HEADER = _fixture()


def _theirs_parse() -> object:
    return DetachedTimestampFile.deserialize(BytesDeserializationContext(DATA))


def _theirs_verify() -> int:
    proof = _theirs_parse()
    header = CBlockHeader.deserialize(HEADER)
    for msg, attestation in proof.timestamp.all_attestations():  # type: ignore[attr-defined]
        if isinstance(attestation, notary.BitcoinBlockHeaderAttestation):
            return int(attestation.verify_against_blockheader(msg, header))
    raise AssertionError("no Bitcoin attestation")


def _theirs_pending() -> bytes:
    stamp = Timestamp(ROOT)
    stamp.ops.add(op.OpAppend(bytes(16))).ops.add(op.OpSHA256()).attestations.add(
        notary.PendingAttestation(CAL)
    )
    ctx = BytesSerializationContext()
    DetachedTimestampFile(op.OpSHA256(), stamp).serialize(ctx)
    return bytes(ctx.getbytes())


def _ours_pending() -> bytes:
    return ots.pending_proof(ROOT, CAL, nonce=bytes(16)).to_bytes()


assert _theirs_pending() == _ours_pending()
assert ots.verify_bitcoin(ots.parse_ots(DATA), HEADER).time == _theirs_verify()

CASES: list[tuple[str, str, Callable[[], object]]] = [
    ("ots parse", "pqpay", lambda: ots.parse_ots(DATA)),
    ("ots parse", "python-opentimestamps", _theirs_parse),
    ("ots verify", "pqpay", lambda: ots.verify_bitcoin(ots.parse_ots(DATA), HEADER)),
    ("ots verify", "python-opentimestamps", _theirs_verify),
    ("ots write pending", "pqpay", _ours_pending),
    ("ots write pending", "python-opentimestamps", _theirs_pending),
]


@pytest.mark.parametrize(
    ("group", "impl", "fn"),
    [pytest.param(g, i, f, id=f"{g}-{i}".replace(" ", "_")) for g, i, f in CASES],
)
def test_anchor(benchmark: Any, group: str, impl: str, fn: Callable[[], object]) -> None:
    benchmark.group = group
    benchmark.name = impl
    benchmark(fn)
