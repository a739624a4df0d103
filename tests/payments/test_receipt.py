"""Payment receipts (``pqpay.payments``): issue from a SQLite ledger, the JSON form, offline
verification, tampering of every field, wrong keys, later checkpoints, HSM signers, the
``pqpay receipt`` command and ``pqpay demo``."""

from __future__ import annotations

import base64
import dataclasses
import json
import os
import subprocess
import sys
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest

from pqpay import checkpoint, payments, request_signing, signatures
from pqpay.cli import main
from pqpay.exceptions import (
    EncodingError,
    FloatNotAllowed,
    InvalidProof,
    InvalidSignature,
)
from pqpay.hsm import Algorithm
from pqpay.ledger import Ledger
from pqpay.payments import Receipt
from pqpay.serialization import Encoding, PrivateFormat, PublicFormat
from tests._support.hsm_util import BACKENDS, make_store

ORIGIN = "receipts.pqpay.test/log"
KEY = signatures.MLDSA65Ed25519PrivateKey.generate()
PUBLIC = KEY.public_key()
NOTE_SIGNERS = [
    checkpoint.Ed25519NoteSigner(ORIGIN, signatures.Ed25519PrivateKey.generate()),
    checkpoint.MLDSA44Cosigner(ORIGIN, signatures.MLDSA44PrivateKey.generate()),
]
VKEYS = [s.vkey for s in NOTE_SIGNERS]


def message(i: int) -> dict[str, Any]:
    return {
        "id": f"pay_{i}",
        "amount": {"minor_units": 1000 + i, "currency": "EUR"},
        "merchant": "m-42",
    }


@pytest.fixture
def log(tmp_path: Path) -> Iterator[Ledger]:
    with Ledger(tmp_path / "log.db", ORIGIN, NOTE_SIGNERS) as ledger:
        yield ledger


@pytest.fixture
def issued(log: Ledger) -> list[Receipt]:
    log.append_many([b"earlier entry %d" % i for i in range(5)])
    return payments.issue_receipts(log, KEY, [message(i) for i in range(12)], kid=b"k1")


def test_round_trip_many(log: Ledger) -> None:
    log.append(b"an entry before the receipts")
    messages = [message(i) for i in range(300)]
    receipts = payments.issue_receipts(log, KEY, messages)
    assert [r.index for r in receipts] == list(range(1, 301))
    assert {r.tree_size for r in receipts} == {301}
    assert len({r.checkpoint for r in receipts}) == 1
    for msg, receipt in zip(messages, receipts, strict=True):
        assert log.entry(receipt.index) == receipt.envelope
        data = receipt.to_json()
        assert Receipt.from_json(data) == receipt
        assert Receipt.from_json(data.decode()) == receipt
        assert receipt.to_json() == data  # deterministic (RFC 8785)
        for form in (receipt, data, data.decode()):
            verified = payments.verify_receipt(form, PUBLIC, VKEYS, origin=ORIGIN)
            assert verified.message == msg
            assert verified.index == receipt.index
            assert verified.checkpoint.size == 301
    # One vkey string or NoteVerifier also works (every given key must verify).
    payments.verify_receipt(receipts[0], PUBLIC, VKEYS[0], origin=ORIGIN)
    payments.verify_receipt(receipts[0], PUBLIC, [NOTE_SIGNERS[1].verifier()], origin=ORIGIN)


def test_json_form(issued: list[Receipt]) -> None:
    doc = json.loads(issued[0].to_json())
    assert doc["format"] == "pqpay-receipt" and doc["version"] == 1
    assert set(doc) == {
        "format",
        "version",
        "envelope",
        "index",
        "tree_size",
        "proof",
        "checkpoint",
    }
    assert base64.b64decode(doc["envelope"]) == issued[0].envelope
    assert base64.b64decode(doc["checkpoint"]) == issued[0].checkpoint
    assert [base64.b64decode(p) for p in doc["proof"]] == list(issued[0].proof)
    assert "Receipt index=5" in repr(issued[0])


def test_issue_one_and_at_checkpoint(log: Ledger) -> None:
    one = payments.issue_receipt(log, KEY, message(1))
    assert (one.index, one.tree_size) == (0, 1) and one.proof == ()
    payments.verify_receipt(one, PUBLIC, VKEYS, origin=ORIGIN)
    envelopes = payments.sign_payments_cose(KEY, [message(i) for i in range(4)])
    indices = log.append_many(envelopes)
    log.append(b"someone else's entry")
    note = log.checkpoint()
    receipts = payments.receipts_at_checkpoint(log, envelopes, indices, note)
    assert {r.tree_size for r in receipts} == {6}
    for r in receipts:
        payments.verify_receipt(r, PUBLIC, VKEYS, origin=ORIGIN)
    with pytest.raises(ValueError, match="4 envelopes but 3 indices"):
        payments.receipts_at_checkpoint(log, envelopes, indices[:3], note)
    with pytest.raises(ValueError, match=r"index must be in \[0, 6\)"):
        payments.receipts_at_checkpoint(log, envelopes[:1], [6], note)


def test_issue_refuses_before_appending(tmp_path: Path) -> None:
    with Ledger(tmp_path / "plain.db", ORIGIN) as unsigned:
        with pytest.raises(ValueError, match="no signers"):
            payments.issue_receipts(unsigned, KEY, [message(0)])
        with pytest.raises(ValueError, match="no signers"):
            payments.receipts_for_envelopes(unsigned, [b"x"])
        assert unsigned.size == 0
    with Ledger(tmp_path / "signed.db", ORIGIN, NOTE_SIGNERS) as log:
        with pytest.raises(FloatNotAllowed):
            payments.issue_receipts(log, KEY, [message(0), {"amount": 12.5}])
        assert log.size == 0


def test_detached_envelope_is_not_a_receipt(log: Ledger) -> None:
    body = payments.canonicalize_payment(message(0))
    detached = payments.sign_cose(KEY, body, detached=True)
    (receipt,) = payments.receipts_for_envelopes(log, [detached])
    with pytest.raises(ValueError, match="detached"):
        payments.verify_receipt(receipt, PUBLIC, VKEYS, origin=ORIGIN)


# --- tampering --------------------------------------------------------------------------------


def _flip(data: bytes, at: int) -> bytes:
    out = bytearray(data)
    out[at] ^= 0x01
    return bytes(out)


def test_tampered_envelope_bytes(issued: list[Receipt]) -> None:
    receipt = issued[3]
    envelope = receipt.envelope
    sig_start = len(envelope) - 3373  # MLDSA65-Ed25519 signature is the last field
    body = payments.canonicalize_payment(message(3))
    body_start = envelope.index(body)
    for at in (body_start, body_start + len(body) - 2, sig_start, len(envelope) - 1):
        bad = dataclasses.replace(receipt, envelope=_flip(envelope, at))
        with pytest.raises(InvalidSignature):
            payments.verify_receipt(bad, PUBLIC, VKEYS, origin=ORIGIN)
    # Every other byte: some error, never acceptance (structure bytes give EncodingError).
    for at in range(0, len(envelope), 41):
        bad = dataclasses.replace(receipt, envelope=_flip(envelope, at))
        with pytest.raises((InvalidSignature, EncodingError)):
            payments.verify_receipt(bad, PUBLIC, VKEYS, origin=ORIGIN)
    # Another message's valid envelope: signed, but not the entry at this index.
    swapped = dataclasses.replace(receipt, envelope=issued[4].envelope)
    with pytest.raises(InvalidProof):
        payments.verify_receipt(swapped, PUBLIC, VKEYS, origin=ORIGIN)


@pytest.mark.parametrize("delta", [-5, -1, 1, 7])
def test_tampered_index(issued: list[Receipt], delta: int) -> None:
    bad = dataclasses.replace(issued[6], index=issued[6].index + delta)
    with pytest.raises(InvalidProof):
        payments.verify_receipt(bad, PUBLIC, VKEYS, origin=ORIGIN)


def test_index_beyond_tree(issued: list[Receipt]) -> None:
    for index in (issued[0].tree_size, issued[0].tree_size + 1, 2**53 - 1):
        with pytest.raises(InvalidProof):
            payments.verify_receipt(
                dataclasses.replace(issued[0], index=index), PUBLIC, VKEYS, origin=ORIGIN
            )


@pytest.mark.parametrize("size", [0, 1, 16, 18, 100])
def test_tampered_tree_size(issued: list[Receipt], size: int) -> None:
    assert issued[2].tree_size == 17
    with pytest.raises(InvalidProof):
        payments.verify_receipt(
            dataclasses.replace(issued[2], tree_size=size), PUBLIC, VKEYS, origin=ORIGIN
        )


def test_tampered_proof_hashes(issued: list[Receipt]) -> None:
    receipt = issued[7]
    assert len(receipt.proof) >= 4
    for i in range(len(receipt.proof)):
        for at in (0, 31):
            proof = list(receipt.proof)
            proof[i] = _flip(proof[i], at)
            bad = dataclasses.replace(receipt, proof=tuple(proof))
            with pytest.raises(InvalidProof):
                payments.verify_receipt(bad, PUBLIC, VKEYS, origin=ORIGIN)
    for proof in (receipt.proof[:-1], receipt.proof[1:], (*receipt.proof, bytes(32)), ()):
        with pytest.raises(InvalidProof):
            payments.verify_receipt(
                dataclasses.replace(receipt, proof=proof), PUBLIC, VKEYS, origin=ORIGIN
            )
    reordered = (receipt.proof[1], receipt.proof[0], *receipt.proof[2:])
    with pytest.raises(InvalidProof):
        payments.verify_receipt(
            dataclasses.replace(receipt, proof=reordered), PUBLIC, VKEYS, origin=ORIGIN
        )


def test_tampered_note(issued: list[Receipt]) -> None:
    receipt = issued[1]
    note = receipt.checkpoint
    text, _, sigs = note.partition(b"\n\n")
    for at in (0, text.index(b"\n") + 1, len(text) - 5):  # origin, size and root lines
        bad_note = _flip(text, at) + b"\n\n" + sigs
        with pytest.raises((InvalidSignature, EncodingError)):
            payments.verify_receipt(
                dataclasses.replace(receipt, checkpoint=bad_note), PUBLIC, VKEYS, origin=ORIGIN
            )
    lines = sigs.split(b"\n")
    for i in range(2):  # each signature line: corrupted, or removed
        changed = list(lines)
        changed[i] = changed[i][:-6] + (b"AAAA==" if changed[i][-6:] != b"AAAA==" else b"BBBB==")
        bad_note = text + b"\n\n" + b"\n".join(changed)
        with pytest.raises((InvalidSignature, EncodingError)):
            payments.verify_receipt(
                dataclasses.replace(receipt, checkpoint=bad_note), PUBLIC, VKEYS, origin=ORIGIN
            )
        removed = text + b"\n\n" + b"\n".join(line for j, line in enumerate(lines) if j != i)
        with pytest.raises(InvalidSignature):
            payments.verify_receipt(
                dataclasses.replace(receipt, checkpoint=removed), PUBLIC, VKEYS, origin=ORIGIN
            )
    with pytest.raises(EncodingError):
        payments.verify_receipt(
            dataclasses.replace(receipt, checkpoint=b"junk"), PUBLIC, VKEYS, origin=ORIGIN
        )


# --- keys -------------------------------------------------------------------------------------


def test_wrong_keys(issued: list[Receipt]) -> None:
    receipt = issued[0]
    other = signatures.MLDSA65Ed25519PrivateKey.generate().public_key()
    with pytest.raises(InvalidSignature):
        payments.verify_receipt(receipt, other, VKEYS, origin=ORIGIN)
    with pytest.raises(InvalidSignature):  # another algorithm's key
        payments.verify_receipt(
            receipt, signatures.MLDSA65PrivateKey.generate().public_key(), VKEYS, origin=ORIGIN
        )
    impostors = [
        checkpoint.Ed25519NoteSigner(ORIGIN, signatures.Ed25519PrivateKey.generate()).vkey,
        checkpoint.MLDSA44Cosigner(ORIGIN, signatures.MLDSA44PrivateKey.generate()).vkey,
    ]
    for wrong in impostors:
        with pytest.raises(InvalidSignature):
            payments.verify_receipt(receipt, PUBLIC, [wrong], origin=ORIGIN)
        with pytest.raises(InvalidSignature):
            payments.verify_receipt(receipt, PUBLIC, [*VKEYS, wrong], origin=ORIGIN)
    with pytest.raises(InvalidProof):
        payments.verify_receipt(receipt, PUBLIC, VKEYS, origin="another.log/x")


def test_old_receipts_need_their_own_checkpoint(log: Ledger) -> None:
    first = payments.issue_receipts(log, KEY, [message(i) for i in range(9)])
    second = payments.issue_receipts(log, KEY, [message(i) for i in range(100, 120)])
    log.append_many([b"later %d" % i for i in range(50)])
    latest = log.checkpoint()
    assert {r.tree_size for r in second} == {29}
    for r in first:
        payments.verify_receipt(r, PUBLIC, VKEYS, origin=ORIGIN)
        # The newer note, with or without the matching size, does not fit the old proof.
        for size in (r.tree_size, 29, 79):
            with pytest.raises(InvalidProof):
                newer = second[0].checkpoint if size != 79 else latest
                payments.verify_receipt(
                    dataclasses.replace(r, checkpoint=newer, tree_size=size),
                    PUBLIC,
                    VKEYS,
                    origin=ORIGIN,
                )
    for r in second:
        payments.verify_receipt(r, PUBLIC, VKEYS, origin=ORIGIN)
    # A fresh proof against the latest checkpoint makes an equally valid, newer receipt.
    fresh = payments.receipts_at_checkpoint(log, [first[3].envelope], [first[3].index], latest)
    assert fresh[0].tree_size == 79
    payments.verify_receipt(fresh[0], PUBLIC, VKEYS, origin=ORIGIN)


# --- malformed receipt files -----------------------------------------------------------------


def _doc(receipt: Receipt) -> dict[str, Any]:
    doc: dict[str, Any] = json.loads(receipt.to_json())
    return doc


MUTATIONS: dict[str, Any] = {
    "format": lambda d: d.update(format="pqpay-receipts"),
    "version 2": lambda d: d.update(version=2),
    "version str": lambda d: d.update(version="1"),
    "version bool": lambda d: d.update(version=True),
    "index negative": lambda d: d.update(index=-1),
    "index str": lambda d: d.update(index="3"),
    "index bool": lambda d: d.update(index=False),
    "index null": lambda d: d.update(index=None),
    "tree_size huge": lambda d: d.update(tree_size=2**53),
    "missing proof": lambda d: d.pop("proof"),
    "missing envelope": lambda d: d.pop("envelope"),
    "extra member": lambda d: d.update(note="hi"),
    "proof not list": lambda d: d.update(proof="AAAA"),
    "proof item int": lambda d: d["proof"].append(7),
    "proof hash short": lambda d: d["proof"].append(base64.b64encode(bytes(31)).decode()),
    "proof too long": lambda d: d.update(proof=[base64.b64encode(bytes(32)).decode()] * 54),
    "envelope bad base64": lambda d: d.update(envelope="!!!!"),
    "envelope unpadded": lambda d: d.update(envelope=d["envelope"].rstrip("=") + "A"),
    "envelope urlsafe": lambda d: d.update(envelope="-_-_"),
    "envelope not str": lambda d: d.update(envelope=[1]),
    "checkpoint non-canonical": lambda d: d.update(checkpoint="AB=="),
    "checkpoint non-ascii": lambda d: d.update(checkpoint="\u00e9\u00e9\u00e9\u00e9"),
}


@pytest.mark.parametrize("name", sorted(MUTATIONS))
def test_malformed_fields(issued: list[Receipt], name: str) -> None:
    doc = _doc(issued[5])
    MUTATIONS[name](doc)
    data = json.dumps(doc).encode()
    with pytest.raises(EncodingError):
        Receipt.from_json(data)
    with pytest.raises(EncodingError):
        payments.verify_receipt(data, PUBLIC, VKEYS, origin=ORIGIN)


@pytest.mark.parametrize(
    "data",
    [
        b"",
        b"not json",
        b"[]",
        b'"receipt"',
        b"\xff\xfe{}",
        b'{"index": 1.5}',
        b'{"format":"pqpay-receipt","format":"pqpay-receipt"}',
        b"{" + b" " * (1 << 20) + b"}",
    ],
)
def test_malformed_documents(data: bytes) -> None:
    with pytest.raises(EncodingError):
        Receipt.from_json(data)


def test_duplicate_member_and_float(issued: list[Receipt]) -> None:
    text = issued[0].to_json()
    dup = text[:-1] + b',"index":0}'
    with pytest.raises(EncodingError):
        Receipt.from_json(dup)
    with pytest.raises(FloatNotAllowed):
        Receipt.from_json(text.replace(b'"index":5', b'"index":5.0'))


def test_constructor_checks() -> None:
    good = {"envelope": b"e", "index": 0, "tree_size": 1, "proof": (), "checkpoint": b"n"}
    with pytest.raises(TypeError):
        Receipt(**{**good, "envelope": "e"})
    with pytest.raises(TypeError):
        Receipt(**{**good, "index": True})
    with pytest.raises(ValueError, match=r"2\*\*53 - 1"):
        Receipt(**{**good, "tree_size": -1})
    with pytest.raises(ValueError, match="32 bytes, got 3"):
        Receipt(**{**good, "proof": (b"abc",)})
    with pytest.raises(ValueError, match="at most 53"):
        Receipt(**{**good, "proof": (bytes(32),) * 54})
    receipt = Receipt(**{**good, "envelope": bytearray(b"e"), "proof": [memoryview(bytes(32))]})
    assert receipt.envelope == b"e" and receipt.proof == (bytes(32),)


# --- HSM signers ------------------------------------------------------------------------------


@pytest.mark.parametrize("backend", BACKENDS)
def test_receipts_from_hsm_handles(tmp_path: Path, backend: str) -> None:
    store = make_store(backend)
    label = f"receipts-{backend}-{os.getpid()}-{tmp_path.name}"
    signer = store.create(label, Algorithm.MLDSA65_ED25519)
    log_key = store.create(label + "-log", Algorithm.ED25519)
    note_signers = [
        checkpoint.Ed25519NoteSigner(ORIGIN, log_key),
        checkpoint.MLDSA44Cosigner(ORIGIN, signatures.MLDSA44PrivateKey.generate()),
    ]
    vkeys = [s.vkey for s in note_signers]
    with Ledger(tmp_path / "hsm.db", ORIGIN, note_signers) as log:
        receipts = payments.issue_receipts(log, signer, [message(i) for i in range(10)])
    public_key = signer.public_key()
    for i, r in enumerate(receipts):
        assert payments.verify_receipt(
            r.to_json(), public_key, vkeys, origin=ORIGIN
        ).message == message(i)
    with pytest.raises(InvalidSignature):
        payments.verify_receipt(receipts[0], PUBLIC, vkeys, origin=ORIGIN)
    store.rotate(label)
    # Rotation retires the handle for signing; its receipts keep verifying.
    payments.verify_receipt(receipts[0], public_key, vkeys, origin=ORIGIN)


# --- re-exports -------------------------------------------------------------------------------


def test_request_signing_lives_in_its_own_module() -> None:
    # Issue 11's one deliberate API change: pqpay.payments no longer re-exports request signing.
    for name in ("sign_request", "verify_request", "canonical_request", "VerifiedRequest"):
        assert not hasattr(payments, name)
        assert name in request_signing.__all__
    secret = b"s" * 32
    headers = request_signing.sign_request("POST", "/v1/pay", b"{}", secret, key_id="k")
    verified = request_signing.verify_request("POST", "/v1/pay", b"{}", headers, {"k": secret})
    assert verified.key_id == "k"


# --- the command line -------------------------------------------------------------------------


def _pem_files(tmp: Path) -> dict[str, str]:
    ed = signatures.Ed25519PrivateKey.generate()
    ml = signatures.MLDSA44PrivateKey.generate()
    files = {
        "pay": KEY.private_bytes(Encoding.PEM, PrivateFormat.PKCS8),
        "pay_pub": PUBLIC.public_bytes(Encoding.PEM, PublicFormat.SubjectPublicKeyInfo),
        "ed": ed.private_bytes(Encoding.PEM, PrivateFormat.PKCS8),
        "ml": ml.private_bytes(Encoding.PEM, PrivateFormat.PKCS8),
        "kem_pub": signatures.Ed25519PrivateKey.generate()
        .public_key()
        .public_bytes(Encoding.PEM, PublicFormat.SubjectPublicKeyInfo),
    }
    out = {}
    for name, data in files.items():
        (tmp / f"{name}.pem").write_bytes(data)
        out[name] = str(tmp / f"{name}.pem")
    return out


def test_cli_issue_and_verify(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    keys = _pem_files(tmp_path)
    lines = tmp_path / "messages.jsonl"
    lines.write_text("".join(json.dumps(message(i)) + "\n" for i in range(25)))
    out_dir = tmp_path / "receipts"
    base = ["--db", str(tmp_path / "cli.db"), "--origin", ORIGIN]
    issue = [*base, "--signing-key", keys["pay"], "--key", keys["ed"], "--cosign-key", keys["ml"]]
    assert main(["receipt", "issue", *issue, "--out-dir", str(out_dir), str(lines)]) == 0
    out = capsys.readouterr()
    assert "issued 25 receipts (entries 0..24, checkpoint size 25)" in out.out
    vkeys = [line.split(": ", 1)[1] for line in out.err.splitlines() if "verifier key" in line]
    assert len(vkeys) == 2
    vkey_args = [arg for v in vkeys for arg in ("--vkey", v)]
    files = sorted(out_dir.glob("receipt-*.json"))
    assert len(files) == 25

    verify = ["receipt", "verify", "--public-key", keys["pay_pub"], *vkey_args]
    assert main([*verify, str(out_dir / "receipt-7.json"), "--origin", ORIGIN]) == 0
    out = capsys.readouterr().out
    assert out.count("\n") == 1
    assert out.startswith(f"OK: payment message 'pay_7' is entry 7 of {ORIGIN}")

    receipt = Receipt.from_json((out_dir / "receipt-7.json").read_bytes())
    cases = {
        "index": dataclasses.replace(receipt, index=8).to_json(),
        "proof": dataclasses.replace(receipt, proof=receipt.proof[::-1]).to_json(),
        "envelope": dataclasses.replace(receipt, envelope=_flip(receipt.envelope, 60)).to_json(),
        "malformed": b'{"format": "pqpay-receipt"}',
    }
    for name, data in cases.items():
        path = tmp_path / f"bad-{name}.json"
        path.write_bytes(data)
        assert main([*verify, str(path)]) == 1, name
        out = capsys.readouterr().out
        assert out.startswith("FAILED: ") and out.count("\n") == 1, (name, out)
    good = str(out_dir / "receipt-3.json")
    assert (
        main(["receipt", "verify", "--public-key", keys["pay_pub"], "--vkey", vkeys[0], good]) == 0
    )
    other_vkey = checkpoint.Ed25519NoteSigner(ORIGIN, signatures.Ed25519PrivateKey.generate()).vkey
    assert main([*verify, "--vkey", other_vkey, good]) == 1
    assert main(["receipt", "verify", "--public-key", keys["kem_pub"], *vkey_args, good]) == 1
    assert "FAILED" in capsys.readouterr().out
    # Unusable inputs (missing files, a bad vkey) are errors, exit 2.
    assert main([*verify, str(tmp_path / "missing.json")]) == 2
    assert main([*verify, "--vkey", "not-a-vkey", good]) == 2
    assert "pqpay: error: " in capsys.readouterr().err


def test_cli_issue_rejects_floats(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    keys = _pem_files(tmp_path)
    lines = tmp_path / "bad.jsonl"
    lines.write_text('{"id": "p", "amount": 12.5}\n')
    args = ["--db", str(tmp_path / "f.db"), "--origin", ORIGIN, "--signing-key", keys["pay"]]
    args += ["--key", keys["ed"], "--out-dir", str(tmp_path / "receipts")]
    assert main(["receipt", "issue", *args, str(lines)]) == 2
    assert "bad.jsonl:1: " in capsys.readouterr().err
    assert not (tmp_path / "f.db").exists()


def test_demo_runs(tmp_path: Path) -> None:
    """``pqpay demo`` end to end, in a child process (it sets SOFTHSM2_CONF for its own token)."""
    env = {**os.environ, "TMPDIR": str(tmp_path)}
    done = subprocess.run(
        [sys.executable, "-m", "pqpay.cli", "demo", "--messages", "60"],
        capture_output=True,
        text=True,
        env=env,
        timeout=300,
        check=False,
    )
    assert done.returncode == 0, done.stderr
    out = done.stdout
    assert "keys: " in out
    assert "all 60 receipts verified" in out
    assert "a changed index: InvalidProof" in out
    assert "evt_demo_0001 verified" in out and "WebhookReplayError" in out
    for what in ("sign (", "append (", "receipts (", "verify receipts"):
        assert what in out and "messages/s" in out.split(what, 1)[1].split("\n", 1)[0]
    # Only the HSM's cross-process version-allocation lock file may stay (by design: a lock
    # file is never deleted while another process may hold it).
    left = [p.name for p in tmp_path.iterdir() if not p.name.startswith("pqpay-hsm-")]
    assert not left, f"the demo left files behind: {left}"


def test_demo_software_fallback(
    monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    """Without SoftHSM the payments demo runs on the software backend and says so."""
    from pqpay.cli import demo

    monkeypatch.setattr(demo, "softhsm_missing", lambda: "SoftHSM2 is not installed")
    demo.payments_part(20)
    out = capsys.readouterr().out
    assert "keys: software backend (SoftHSM2 is not installed)" in out
    assert "(software)>" in out and "all 20 receipts verified" in out


def test_issue_nothing(log: Ledger) -> None:
    assert payments.issue_receipts(log, KEY, []) == []
    assert log.size == 0 and log.checkpoints() == []


def test_demo_rejects_bad_count() -> None:
    with pytest.raises(SystemExit):
        main(["demo", "--messages", "0"])


def test_every_given_note_key_must_have_signed(issued: list[Receipt]) -> None:
    receipt = issued[0]
    text, _, sigs = receipt.checkpoint.partition(b"\n\n")
    ed_only = text + b"\n\n" + sigs.split(b"\n")[0] + b"\n"
    stripped = dataclasses.replace(receipt, checkpoint=ed_only)
    payments.verify_receipt(
        stripped, PUBLIC, VKEYS[0], origin=ORIGIN
    )  # Ed25519 alone was asked for
    with pytest.raises(InvalidSignature):  # the ML-DSA-44 cosignature was asked for too
        payments.verify_receipt(stripped, PUBLIC, VKEYS, origin=ORIGIN)
    payments.verify_receipt(
        stripped, PUBLIC, VKEYS, require="any", origin=ORIGIN
    )  # an explicit weaker policy
    with pytest.raises(ValueError, match="at least one note verifier"):
        payments.verify_receipt(receipt, PUBLIC, [], origin=ORIGIN)
