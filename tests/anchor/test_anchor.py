"""pqpay.anchor: OpenTimestamps proofs written, parsed and verified offline.

The cross-check against the python-opentimestamps package is in ``test_anchor_interop.py``.
Published vectors: the OpenTimestamps example proofs ``hello-world.txt.ots`` (verified against
the real header of Bitcoin block 358391) and ``incomplete.txt.ots`` (pending). The other
completed proofs are synthetic: a chain of operations shaped like a real one (nonce, calendar
aggregation, a transaction around the commitment, a block Merkle branch) leading to the Merkle
root of a block header built in the test, whose nonce is ground until the header meets its own
(regtest-easy) target.
"""

from __future__ import annotations

import contextlib
import hashlib
from typing import Any

import pytest
from hypothesis import given
from hypothesis import strategies as st

from pqpay import anchor as ots
from pqpay.anchor import (
    BitcoinBlockHeaderAttestation,
    EthereumBlockHeaderAttestation,
    LitecoinBlockHeaderAttestation,
    Op,
    Operation,
    OtsProof,
    PendingAttestation,
    Timestamp,
    UnknownAttestation,
    parse_ots,
)
from pqpay.checkpoint import Checkpoint
from pqpay.exceptions import EncodingError, InvalidProof, UnsupportedAlgorithm

MAGIC = ots.HEADER_MAGIC
CAL = "https://alice.btc.calendar.opentimestamps.org"
REGTEST_BITS = 0x207FFFFF


def sha256d(data: bytes) -> bytes:
    return hashlib.sha256(hashlib.sha256(data).digest()).digest()


def chain(ops: list[Operation], leaf: Timestamp) -> Timestamp:
    node = leaf
    for op in reversed(ops):
        node = Timestamp(ops=((op, node),))
    return node


def run(ops: list[Operation], msg: bytes) -> bytes:
    for op in ops:
        msg = op.apply(msg)
    return msg


def bitcoin_path() -> list[Operation]:
    """A path shaped like a real upgraded proof (fixed bytes, so the test is deterministic)."""
    sha = Operation(Op.SHA256)
    return [
        Operation(Op.APPEND, bytes.fromhex("4f1c2ab9d1e0a8c3b7e6f5a4d3c2b1a0")),  # client nonce
        sha,
        Operation(Op.PREPEND, (1713571000).to_bytes(8, "big")),  # calendar aggregation
        Operation(Op.APPEND, bytes.fromhex("a1b2c3d4e5f60718")),
        sha,
        Operation(Op.PREPEND, bytes.fromhex("0100000001") + bytes(36) + bytes.fromhex("0000")),
        Operation(Op.APPEND, bytes.fromhex("ffffffff0100000000000000000000000000")),
        sha,
        sha,  # the txid
        Operation(Op.APPEND, hashlib.sha256(b"sibling 1").digest()),
        sha,
        sha,
        Operation(Op.PREPEND, hashlib.sha256(b"sibling 2").digest()),
        sha,
        sha,  # the block's Merkle root
    ]


def make_header(merkle_root: bytes, time: int = 1713571767, bits: int = REGTEST_BITS) -> bytes:
    """An 80-byte header whose hash meets ``bits`` (grinds the nonce; easy targets only)."""
    target = ots._target(bits)
    assert target is not None
    prefix = (
        (0x20000000).to_bytes(4, "little")
        + hashlib.sha256(b"previous block").digest()
        + merkle_root
        + time.to_bytes(4, "little")
        + bits.to_bytes(4, "little")
    )
    for nonce in range(1 << 20):
        header = prefix + nonce.to_bytes(4, "little")
        if int.from_bytes(sha256d(header), "little") <= target:
            return header
    raise AssertionError("no nonce found")


ROOT = hashlib.sha256(b"checkpoint root").digest()
PATH = bitcoin_path()
MERKLE_ROOT = run(PATH, ROOT)
HEIGHT = 840000
COMPLETED = OtsProof(ROOT, chain(PATH, Timestamp((BitcoinBlockHeaderAttestation(HEIGHT),))))
HEADER = make_header(MERKLE_ROOT)
BLOCK_HASH = sha256d(HEADER)


# --- published vectors ----------------------------------------------------------------------
# The OpenTimestamps project's examples, as printed in github.com/opentimestamps/
# javascript-opentimestamps README.md (commit 14df3e73; "Verify" and "Upgrade" sections):
# hello-world.txt.ots, the timestamp of "Hello World!\n" in Bitcoin block 358391, and
# incomplete.txt.ots, pending at the alice calendar.
HELLO_WORLD_OTS = bytes.fromhex(
    "004f70656e54696d657374616d7073000050726f6f6600bf89e2e884e89294010803ba204e50d126e4674c00"
    "5e04d82e84c21366780af1f43bd54a37816b6ab34003f1c8010100000001e482f9d32ecc3ba657b69d898010"
    "857b54457a90497982ff56f97c4ec58e6f98010000006b483045022100b253add1d1cf90844338a475a04ff1"
    "3fc9e7bd242b07762dea07f5608b2de367022000b268ca9c3342b3769cdd062891317cdcef87aac310b6855e"
    "9d93898ebbe8ec0121020d8e4d107d2b339b0050efdd4b4a09245aa056048f125396374ea6a2ab0709c6ffff"
    "ffff026533e605000000001976a9140bf057d40fbba6744862515f5b55a2310de5772f88aca0860100000000"
    "001976a914f00688ac000000000808f120a987f716c533913c314c78e35d35884cac943fa42cac49d2b2c69f"
    "4003f85f880808f120dec55b3487e1e3f722a49b55a7783215862785f4a3acb392846019f71dc64a9d0808f1"
    "20b2ca18f485e080478e025dab3d464b416c0e1ecb6629c9aefce8c8214d0424320808f02011b0e90661196f"
    "f4b0813c3eda141bab5e91604837bdf7a0c9df37db0e3a11980808f020c34bc1a4a1093ffd148c016b1e6647"
    "42914e939efabe4d3d356515914b26d9e20808f020c3e6e7c38c69f6af24c2be34ebac48257ede61ec0a21b9"
    "535e4443277be306460808f1200798bf8606e00024e5d5d54bf0c960f629dfb9dad69157455b6f2652c0e8de"
    "810808f0203f9ada6d60baa244006bb0aad51448ad2fafb9d4b6487a0999cff26b91f0f5360808f120c70301"
    "9e959a8dd3faef7489bb328ba485574758e7091f01464eb65872c975c80808f020cbfefff513ff84b915e3fe"
    "d6f9d799676630f8364ea2a6c7557fad94a5b5d7880808f1200be23709859913babd4460bbddf8ed213e7c87"
    "73a4b1face30f8acfdf093b7050808000588960d73d7190103f7ef15"
)
INCOMPLETE_OTS = bytes.fromhex(
    "004f70656e54696d657374616d7073000050726f6f6600bf89e2e884e89294010805c4f616a8e5310d19d938"
    "cfd769864d7f4ccdc2ca8b479b10af83564b097af9f010e754bf93806a7ebaa680ef7bd0114bf408f010b573"
    "e8850cfd9e63d1f043fbb6fc250e08f10457cfa5c4f0086fb1ac8d4e4eb0e70083dfe30d2ef90c8e2e2d6874"
    "7470733a2f2f616c6963652e6274632e63616c656e6461722e6f70656e74696d657374616d70732e6f7267"
)
# Bitcoin block 358391's header from its fields (version 2, previous block, Merkle root, time,
# bits, nonce, as block explorers list them). Its double SHA-256 is the block's hash, with 67
# leading zero bits: the check that these 80 bytes are the real header.
BLOCK_358391_HASH = "000000000000000003e892881a8cdcdc117c06d444057c98b6f04a9ee75a2319"
BLOCK_358391 = (
    (2).to_bytes(4, "little")
    + bytes.fromhex("0000000000000000040238cb61fda1452649edc9d18f435f7e1b285a589463b9")[::-1]
    + bytes.fromhex("8a1b66ecb7cbd07d8139a7e7d7f2c41aab1f5009b8364aaf61d03ad245e47e00")[::-1]
    + (1432827678).to_bytes(4, "little")
    + (0x181686F5).to_bytes(4, "little")
    + (4141773410).to_bytes(4, "little")
)


def test_hello_world_proof_verifies_against_block_358391() -> None:
    assert sha256d(BLOCK_358391)[::-1].hex() == BLOCK_358391_HASH
    proof = parse_ots(HELLO_WORLD_OTS)
    assert proof.to_bytes() == HELLO_WORLD_OTS
    digest = hashlib.sha256(b"Hello World!\n").digest()
    assert proof.digest == digest
    anchor = ots.verify_bitcoin(
        proof, BLOCK_358391, digest=digest, height=358391, block_hash=BLOCK_358391_HASH
    )
    assert (anchor.height, anchor.time, anchor.block_hash) == (
        358391,
        1432827678,  # 2015-05-28 15:41:18 UTC
        BLOCK_358391_HASH,
    )
    ops = {op.op for op in _ops(proof.timestamp)}
    assert ops == {Op.SHA256, Op.RIPEMD160, Op.APPEND, Op.PREPEND}
    with pytest.raises(InvalidProof):
        ots.verify_bitcoin(proof, HEADER)  # another block
    with pytest.raises(InvalidProof):
        ots.verify_bitcoin(proof, BLOCK_358391, height=358392)


def test_hello_world_every_byte_matters() -> None:
    digest = hashlib.sha256(b"Hello World!\n").digest()
    original = parse_ots(HELLO_WORLD_OTS).attestations()
    equivalent = []
    for i in range(len(HELLO_WORLD_OTS)):
        bad = bytearray(HELLO_WORLD_OTS)
        bad[i] ^= 0x01
        try:
            proof = parse_ots(bytes(bad))
            ots.verify_bitcoin(proof, BLOCK_358391, digest=digest, height=358391)
        except (EncodingError, UnsupportedAlgorithm, InvalidProof):
            continue
        # Still valid only if nothing that matters changed: the same messages reach the same
        # attestation.
        assert proof.attestations() == original
        equivalent.append(i)
    # One such byte: an append (f0) read as prepend (f1) where the Merkle sibling equals the
    # message (Bitcoin pairs the last node of an odd level with itself).
    assert [HELLO_WORLD_OTS[i] for i in equivalent] == [0xF0]


def test_incomplete_proof_is_pending_at_alice() -> None:
    proof = parse_ots(INCOMPLETE_OTS)
    assert proof.to_bytes() == INCOMPLETE_OTS
    assert proof.digest.hex() == "05c4f616a8e5310d19d938cfd769864d7f4ccdc2ca8b479b10af83564b097af9"
    ((commitment, attestation),) = proof.attestations()
    assert attestation == PendingAttestation("https://alice.btc.calendar.opentimestamps.org")
    (req,) = ots.upgrade_requests(proof)
    assert req.method == "GET" and req.body == b""
    assert req.url == (
        "https://alice.btc.calendar.opentimestamps.org/timestamp/" + commitment.hex()
    )
    with pytest.raises(InvalidProof):
        ots.verify_bitcoin(proof, BLOCK_358391)


def _ops(node: Timestamp) -> list[Operation]:
    out = []
    for op, child in node.ops:
        out.append(op)
        out += _ops(child)
    return out


# --- hashes ---------------------------------------------------------------------------------


def test_keccak256_known_answers() -> None:
    # Keccak-256 (Ethereum's), not SHA3-256: the empty string and "abc".
    assert ots.keccak256(b"").hex() == (
        "c5d2460186f7233c927e7db2dcc703c0e500b653ca82273b7bfad8045d85a470"
    )
    assert ots.keccak256(b"abc").hex() == (
        "4e03657aea45a94fc7d47ba826c8d667c0d1e6e33a64a036ec44f58fa12d6c45"
    )
    assert ots.keccak256(b"").hex() != hashlib.sha3_256(b"").hexdigest()


def test_operations() -> None:
    m = b"\x01\x02\x03"
    assert Operation(Op.APPEND, b"\xff").apply(m) == m + b"\xff"
    assert Operation(Op.PREPEND, b"\xff").apply(m) == b"\xff" + m
    assert Operation(Op.REVERSE).apply(m) == m[::-1]
    assert Operation(Op.HEXLIFY).apply(m) == b"010203"
    assert Operation(Op.SHA256).apply(m) == hashlib.sha256(m).digest()
    assert Operation(Op.SHA1).apply(m) == hashlib.sha1(m).digest()
    with contextlib.suppress(UnsupportedAlgorithm):  # only where hashlib has RIPEMD-160
        assert Operation(Op.RIPEMD160).apply(m) == hashlib.new("ripemd160", m).digest()
    for bad in (
        lambda: Operation(Op.APPEND),
        lambda: Operation(Op.APPEND, bytes(4097)),
        lambda: Operation(Op.SHA256, b"x"),
        lambda: Operation(0x42),  # type: ignore[arg-type]
        lambda: Operation(Op.HEXLIFY).apply(bytes(2049)),
        lambda: Operation(Op.APPEND, bytes(4000)).apply(bytes(97)),
        lambda: Operation(Op.SHA256).apply(bytes(4097)),
    ):
        with pytest.raises(ValueError):
            bad()
    assert Operation(Op.APPEND, bytes(4000)).apply(bytes(96)) == bytes(4096)


# --- writing pending proofs -----------------------------------------------------------------


def test_pending_proof_layout() -> None:
    nonce = bytes(range(16))
    proof = ots.pending_proof(ROOT, CAL, nonce=nonce)
    commitment = hashlib.sha256(ROOT + nonce).digest()
    uri = CAL.encode()
    want = (
        MAGIC
        + b"\x01"  # major version
        + b"\x08"
        + ROOT  # sha256 file digest
        + b"\xf0\x10"
        + nonce  # append nonce
        + b"\x08"  # sha256
        + b"\x00"
        + bytes.fromhex("83dfe30d2ef90c8e")
        + bytes([len(uri) + 1, len(uri)])
        + uri
    )
    assert proof.to_bytes() == want
    assert parse_ots(want) == proof
    assert proof.attestations() == [(commitment, PendingAttestation(CAL))]
    (req,) = ots.calendar_requests(proof)
    assert (req.method, req.url, req.body) == ("POST", CAL + "/digest", commitment)
    assert dict(req.headers) == {"Accept": "application/vnd.opentimestamps.v1"}


def test_pending_proof_options() -> None:
    plain = ots.pending_proof(ROOT, [CAL, "https://bob.example/"], nonce=b"")
    assert plain.attestations() == [
        (ROOT, PendingAttestation(CAL)),
        (ROOT, PendingAttestation("https://bob.example/")),
    ]
    assert [r.url for r in ots.calendar_requests(plain)] == [
        CAL + "/digest",
        "https://bob.example/digest",
    ]
    a, b = ots.pending_proof(ROOT, CAL), ots.pending_proof(ROOT, CAL)
    assert a != b  # a fresh random nonce each time
    assert len(a.timestamp.ops[0][0].argument) == 16
    for args, kwargs in (
        ((ROOT[:31], CAL), {}),
        ((ROOT, []), {}),
        ((ROOT, "https://x.example/?q=1"), {}),
        ((ROOT, "h" * 1001), {}),
        ((ROOT, CAL), {"nonce": bytes(65)}),
    ):
        with pytest.raises(ValueError):
            ots.pending_proof(*args, **kwargs)


def test_anchor_checkpoint_commits_to_the_root() -> None:
    c = Checkpoint("example.com/log", 10, ROOT)
    proof, requests = ots.anchor_checkpoint(c, [CAL], nonce=b"n" * 16)
    assert proof.digest == c.root
    assert [r.body for r in requests] == [hashlib.sha256(ROOT + b"n" * 16).digest()]


def test_merge_calendar_reply_and_upgrade() -> None:
    """The whole flow offline: submit, graft the calendar's reply, graft the upgrade, verify."""
    proof = ots.pending_proof(ROOT, [CAL, "https://bob.example"], nonce=PATH[0].argument)
    (req, _) = ots.calendar_requests(proof)
    assert req.body == run(PATH[:2], ROOT)
    # The calendar's reply to POST /digest: its aggregation ops, then pending at its commitment.
    reply = chain(PATH[2:5], Timestamp((PendingAttestation(CAL),)))
    body = bytearray()
    ots._write_timestamp(body, reply)
    proof = ots.merge_calendar_response(proof, CAL, bytes(body))
    cal_commitment = run(PATH[:5], ROOT)
    assert [(m, a) for m, a in proof.attestations()] == [
        (req.body, PendingAttestation("https://bob.example")),
        (cal_commitment, PendingAttestation(CAL)),
    ]
    with pytest.raises(InvalidProof):
        ots.verify_bitcoin(proof, HEADER)  # still pending
    # The upgrade (GET /timestamp/<hex commitment>): the transaction and the block branch.
    upgrade = chain(PATH[5:], Timestamp((BitcoinBlockHeaderAttestation(HEIGHT),)))
    body = bytearray()
    ots._write_timestamp(body, upgrade)
    proof = ots.merge_calendar_response(proof, CAL, bytes(body))
    anchor = ots.verify_bitcoin(proof, HEADER, digest=ROOT, height=HEIGHT)
    assert (anchor.height, anchor.time) == (HEIGHT, 1713571767)
    assert parse_ots(proof.to_bytes()) == proof
    with pytest.raises(ValueError):
        ots.merge_calendar_response(proof, CAL, bytes(body))  # no longer pending there
    with pytest.raises(EncodingError):
        ots.merge_calendar_response(proof, "https://bob.example", b"\x08")
    with pytest.raises(EncodingError):
        ots.merge_calendar_response(proof, "https://bob.example", bytes(body) + b"\x00")


# --- verifying completed proofs -------------------------------------------------------------


def test_completed_proof_verifies() -> None:
    data = COMPLETED.to_bytes()
    proof = parse_ots(data)
    assert proof == COMPLETED and proof.to_bytes() == data
    anchor = ots.verify_checkpoint_anchor(
        proof, Checkpoint("example.com/log", 5, ROOT), HEADER, height=HEIGHT, block_hash=BLOCK_HASH
    )
    assert anchor == ots.BitcoinAnchor(HEIGHT, 1713571767, BLOCK_HASH[::-1].hex(), MERKLE_ROOT)
    # The block hash also reads in display order (hex, reversed), as explorers print it.
    assert ots.verify_bitcoin(proof, HEADER, block_hash=anchor.block_hash) == anchor
    assert ots.verify_bitcoin(proof, bytearray(HEADER)) == anchor


def test_any_header_change_fails() -> None:
    for i in range(80):
        for bit in (0x01, 0x80):
            bad = bytearray(HEADER)
            bad[i] ^= bit
            with pytest.raises(InvalidProof):
                ots.verify_bitcoin(COMPLETED, bytes(bad), block_hash=BLOCK_HASH)
            if 36 <= i < 68:  # the Merkle root: fails even without an expected block hash
                with pytest.raises(InvalidProof):
                    ots.verify_bitcoin(COMPLETED, bytes(bad))


def test_any_proof_change_fails() -> None:
    data = COMPLETED.to_bytes()
    errors = (EncodingError, UnsupportedAlgorithm, InvalidProof)
    for i in range(len(data)):
        for bit in (0x01, 0x40):
            bad = bytearray(data)
            bad[i] ^= bit
            with pytest.raises(errors):
                ots.verify_bitcoin(parse_ots(bytes(bad)), HEADER, digest=ROOT, height=HEIGHT)


def test_wrong_digest_height_hash_or_checkpoint_fails() -> None:
    other = hashlib.sha256(b"other").digest()
    for kwargs in (
        {"digest": other},
        {"height": HEIGHT + 1},
        {"block_hash": other},
        {"block_hash": other[::-1].hex()},
    ):
        with pytest.raises(InvalidProof):
            ots.verify_bitcoin(COMPLETED, HEADER, **kwargs)
    with pytest.raises(InvalidProof):
        ots.verify_checkpoint_anchor(COMPLETED, Checkpoint("o", 5, other), HEADER)
    # The same root reached through a Litecoin attestation is not a Bitcoin anchor.
    ltc = OtsProof(ROOT, chain(PATH, Timestamp((LitecoinBlockHeaderAttestation(HEIGHT),))))
    with pytest.raises(InvalidProof):
        ots.verify_bitcoin(ltc, HEADER)


def test_proof_of_work_is_checked() -> None:
    # A header that does not meet its own target, and malformed nBits values.
    for bits in (0x03000001, 0x1D00FFFF, 0x04800001, 0x01003456, 0x23000001, 0x00000000):
        header = HEADER[:72] + bits.to_bytes(4, "little") + HEADER[76:]
        with pytest.raises(InvalidProof):
            ots.verify_bitcoin(COMPLETED, header)
    assert ots._target(0x1D00FFFF) == 0xFFFF << 208  # Bitcoin's genesis difficulty
    assert ots._target(0x04800001) is None  # negative
    assert ots._target(0x23000001) is None  # overflows 256 bits
    hard = make_header(MERKLE_ROOT, bits=0x1F0FFFFF)  # about 4096 tries
    assert ots.verify_bitcoin(COMPLETED, hard).height == HEIGHT


def test_verify_bad_arguments() -> None:
    for header in (HEADER[:79], HEADER + b"\x00", b""):
        with pytest.raises(ValueError):
            ots.verify_bitcoin(COMPLETED, header)
    for block_hash in (b"\x00" * 31, "zz" * 32, "00" * 31):
        with pytest.raises(ValueError):
            ots.verify_bitcoin(COMPLETED, HEADER, block_hash=block_hash)


def test_pending_only_proof_does_not_verify() -> None:
    with pytest.raises(InvalidProof):
        ots.verify_bitcoin(ots.pending_proof(ROOT, CAL), HEADER)


# --- parsing: every tag, limits, malformed input --------------------------------------------


def _file(body: bytes, digest: bytes = ROOT) -> bytes:
    return MAGIC + b"\x01\x08" + digest + body


def _att(tag: str, payload: bytes) -> bytes:
    return b"\x00" + bytes.fromhex(tag) + bytes([len(payload)]) + payload


def test_every_attestation_and_op_parses() -> None:
    tree = Timestamp(
        attestations=(
            PendingAttestation(CAL),
            BitcoinBlockHeaderAttestation(0),
            LitecoinBlockHeaderAttestation(2**40),
            EthereumBlockHeaderAttestation(7),
            UnknownAttestation(bytes(range(8)), b"Hello World!"),
        ),
        ops=tuple(
            (op, Timestamp((BitcoinBlockHeaderAttestation(i),)))
            for i, op in enumerate(
                [
                    Operation(Op.SHA1),
                    Operation(Op.RIPEMD160),
                    Operation(Op.SHA256),
                    Operation(Op.KECCAK256),
                    Operation(Op.APPEND, b"a"),
                    Operation(Op.PREPEND, b"p"),
                    Operation(Op.REVERSE),
                    Operation(Op.HEXLIFY),
                ]
            )
        ),
    )
    proof = OtsProof(ROOT, tree)
    data = proof.to_bytes()
    assert parse_ots(data) == proof
    assert data.count(b"\xff") >= 12  # every branch but the last is marked
    for file_hash, size in ((Op.SHA1, 20), (Op.RIPEMD160, 20), (Op.KECCAK256, 32)):
        p = OtsProof(bytes(size), Timestamp((PendingAttestation(CAL),)), file_hash)
        assert parse_ots(p.to_bytes()) == p
    # Hand-assembled bytes for each attestation payload.
    assert parse_ots(_file(_att("0588960d73d71901", b"\xe8\x07"))).attestations() == [
        (ROOT, BitcoinBlockHeaderAttestation(1000))
    ]
    assert parse_ots(_file(_att("83dfe30d2ef90c8e", b"\x03a:b"))).attestations() == [
        (ROOT, PendingAttestation("a:b"))
    ]


@pytest.mark.parametrize(
    ("data", "error"),
    [
        (b"", EncodingError),
        (MAGIC[:-1] + b"\x95\x01\x08" + ROOT + _att("0588960d73d71901", b"\x01"), EncodingError),
        (MAGIC + b"\x02\x08" + ROOT + _att("0588960d73d71901", b"\x01"), UnsupportedAlgorithm),
        (MAGIC + b"\x01\xf0" + ROOT, EncodingError),  # the file hash must be a hash op
        (MAGIC + b"\x01\x08" + ROOT[:31], EncodingError),
        (_file(b""), EncodingError),
        (_file(b"\xff" + _att("0588960d73d71901", b"\x01")), EncodingError),  # no last branch
        (_file(_att("0588960d73d71901", b"\x01") + b"\x00"), EncodingError),  # trailing
        (_file(b"\x42" + _att("0588960d73d71901", b"\x01")), EncodingError),  # unknown op
        (_file(b"\xf0\x00" + _att("0588960d73d71901", b"\x01")), EncodingError),  # empty arg
        (_file(b"\xf0\x81\x20" + bytes(4097)), EncodingError),  # arg over 4096
        # 32 + 4065 bytes: one over the 4096-byte limit (4096 itself parses, below).
        (_file(b"\xf0\xe1\x1f" + bytes(4065) + _att("0588960d73d71901", b"\x01")), EncodingError),
        (  # hexlify of 2049 bytes (2048 parses, below)
            _file(b"\xf0\xe1\x0f" + bytes(2017) + b"\xf3" + _att("0588960d73d71901", b"\x01")),
            EncodingError,
        ),
        (_file(_att("0588960d73d71901", b"\x01\x00")), EncodingError),  # payload trailing byte
        (_file(_att("0588960d73d71901", b"\x80\x00")), EncodingError),  # non-minimal varuint
        (_file(_att("0588960d73d71901", b"")), EncodingError),
        (_file(_att("83dfe30d2ef90c8e", b"\x03a b")), EncodingError),  # URI character
        (_file(_att("83dfe30d2ef90c8e", b"\x04a:b")), EncodingError),
        (
            _file(b"\x00" + bytes.fromhex("83dfe30d2ef90c8e") + b"\xeb\x07\xe9\x07" + b"x" * 1001),
            EncodingError,
        ),  # URI over 1000
        (_file(b"\x00" + bytes(8) + b"\x81\x40" + bytes(8193)), EncodingError),  # payload > 8192
        (_file(b"\x08" * 256 + _att("0588960d73d71901", b"\x01")), EncodingError),  # depth 257
        (_file(b"\x00" + bytes(8)), EncodingError),
        (_file(b"\x00" + bytes(8) + b"\xff" * 10 + b"\x01"), EncodingError),  # over 64 bits
    ],
)
def test_malformed_proofs(data: bytes, error: type[Exception]) -> None:
    with pytest.raises(error):
        parse_ots(data)


def test_limits_at_the_edge_parse() -> None:
    att = _att("0588960d73d71901", b"\x01")
    ok = [
        _file(b"\xf0\xe0\x1f" + bytes(4064) + att),  # a 4096-byte message
        _file(b"\xf0\xe0\x1f" + bytes(4064) + b"\x08" + att),  # ... which an op may take
        _file(b"\xf0\xe0\x0f" + bytes(2016) + b"\xf3" + att),  # hexlify of 2048 bytes
        _file(b"\xf0\xe0\x0f" + bytes(2016) + b"\xf3\x08" + att),
        _file(b"\x08" * 255 + att),  # depth 256
        _file(b"\x00" + bytes.fromhex("83dfe30d2ef90c8e") + b"\xea\x07\xe8\x07" + b"x" * 1000),
        _file(b"\x00" + bytes(8) + b"\x80\x40" + bytes(8192)),
    ]
    for data in ok:
        assert parse_ots(data).to_bytes() == data


def test_truncations_and_size_limit() -> None:
    data = COMPLETED.to_bytes()
    for cut in range(len(data)):
        with pytest.raises(EncodingError):
            parse_ots(data[:cut])
    with pytest.raises(EncodingError):
        parse_ots(data + b"\x00")
    with pytest.raises(EncodingError):
        parse_ots(bytes(ots.MAX_PROOF_SIZE + 1))
    with pytest.raises(TypeError):
        parse_ots("not bytes")  # type: ignore[arg-type]


def test_constructor_checks() -> None:
    with pytest.raises(ValueError):
        Timestamp()
    with pytest.raises(ValueError):
        OtsProof(ROOT[:20], Timestamp((PendingAttestation(CAL),)))
    with pytest.raises(ValueError):
        OtsProof(ROOT, Timestamp((PendingAttestation(CAL),)), Op.APPEND)
    with pytest.raises(ValueError):
        OtsProof(
            ROOT, chain([Operation(Op.APPEND, bytes(4065))], Timestamp((PendingAttestation(CAL),)))
        )
    # A hand-built tree whose nodes are shared expands exponentially: refused, not walked.
    shared = Timestamp((PendingAttestation(CAL),))
    for _ in range(40):
        shared = Timestamp(ops=((Operation(Op.SHA256), shared), (Operation(Op.REVERSE), shared)))
    with pytest.raises(ValueError, match=r"branches|operations"):  # the work budget (B-1)
        OtsProof(ROOT, shared)
    with pytest.raises(ValueError):
        UnknownAttestation(bytes(7), b"")
    with pytest.raises(ValueError):
        PendingAttestation("a b")
    with pytest.raises(TypeError):
        PendingAttestation(b"abc")  # type: ignore[arg-type]


# --- properties -----------------------------------------------------------------------------

attestations = st.one_of(
    st.text("abcXYZ019-._/:", max_size=40).map(PendingAttestation),
    st.integers(0, 2**63 - 1).map(BitcoinBlockHeaderAttestation),
    st.integers(0, 2**32).map(LitecoinBlockHeaderAttestation),
    st.integers(0, 2**32).map(EthereumBlockHeaderAttestation),
    st.builds(
        UnknownAttestation,
        st.binary(min_size=8, max_size=8).filter(
            lambda t: t not in ots._HEIGHT_KINDS and t != PendingAttestation.TAG
        ),
        st.binary(max_size=40),
    ),
)
operations = st.one_of(
    st.sampled_from([Op.SHA1, Op.SHA256, Op.KECCAK256, Op.REVERSE]).map(Operation),
    st.builds(
        Operation, st.sampled_from([Op.APPEND, Op.PREPEND]), st.binary(min_size=1, max_size=40)
    ),
)
# No repeated attestation or operation on one node: python-opentimestamps keeps those in a set
# and a dict, so the interop tests could not compare them (this module keeps every branch).
trees = st.recursive(
    st.lists(attestations, min_size=1, max_size=3, unique=True).map(lambda a: Timestamp(tuple(a))),
    lambda children: st.builds(
        lambda a, o: Timestamp(tuple(a), tuple(o)),
        st.lists(attestations, max_size=2, unique=True),
        st.lists(st.tuples(operations, children), min_size=1, max_size=3, unique_by=lambda b: b[0]),
    ),
    max_leaves=12,
)


@given(trees, st.binary(min_size=32, max_size=32))
def test_property_round_trip(tree: Timestamp, digest: bytes) -> None:
    proof = OtsProof(digest, tree)
    data = proof.to_bytes()
    assert parse_ots(data) == proof
    assert parse_ots(data).to_bytes() == data


@given(st.binary(max_size=200))
def test_property_random_input_raises_only_typed_errors(tail: bytes) -> None:
    for data in (tail, MAGIC + tail, MAGIC + b"\x01\x08" + tail):
        with contextlib.suppress(EncodingError, UnsupportedAlgorithm):
            parse_ots(data)


@given(st.data())
def test_property_mutated_completed_proof_fails(data: Any) -> None:
    raw = COMPLETED.to_bytes()
    i = data.draw(st.integers(0, len(raw) - 1))
    value = data.draw(st.integers(0, 255).filter(lambda v: v != raw[i]))
    bad = raw[:i] + bytes([value]) + raw[i + 1 :]
    with pytest.raises((EncodingError, UnsupportedAlgorithm, InvalidProof)):
        ots.verify_bitcoin(parse_ots(bad), HEADER, digest=ROOT, height=HEIGHT)
