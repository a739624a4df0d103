"""``pqpay ledger append|checkpoint|prove|verify|audit`` end to end on a SQLite ledger, with PEM
key files; the public ``verify`` sees only the note, the proof file and the public keys."""

from __future__ import annotations

import json
import sqlite3
from pathlib import Path

import pytest

from pqpay import signatures
from pqpay.cli import main
from pqpay.serialization import Encoding, PrivateFormat, PublicFormat

ORIGIN = "cli.pqpay.test/log"


def _keys(tmp: Path) -> dict[str, str]:
    ed = signatures.Ed25519PrivateKey.generate()
    ml = signatures.MLDSA44PrivateKey.generate()
    files = {
        "ed": (ed.private_bytes(Encoding.PEM, PrivateFormat.PKCS8)),
        "ml": (ml.private_bytes(Encoding.PEM, PrivateFormat.PKCS8)),
        "ed_pub": ed.public_key().public_bytes(Encoding.PEM, PublicFormat.SubjectPublicKeyInfo),
        "ml_pub": ml.public_key().public_bytes(Encoding.PEM, PublicFormat.SubjectPublicKeyInfo),
    }
    out = {}
    for name, data in files.items():
        (tmp / f"{name}.pem").write_bytes(data)
        out[name] = str(tmp / f"{name}.pem")
    return out


def test_cli_round_trip(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    keys = _keys(tmp_path)
    db = str(tmp_path / "log.db")
    base = ["--db", db, "--origin", ORIGIN]
    first = tmp_path / "first.txt"
    first.write_bytes(b"".join(b"payment %d\n" % i for i in range(2500)))
    assert main(["ledger", "append", *base, "--batch", "1000", str(first)]) == 0
    out = capsys.readouterr()
    assert "indices 0..2499" in out.out and out.err == ""  # no progress off a terminal

    sign = ["--key", keys["ed"], "--cosign-key", keys["ml"]]
    old_note = tmp_path / "old.note"
    assert main(["ledger", "checkpoint", *base, *sign, "-o", str(old_note)]) == 0
    assert "verifier key: " + ORIGIN in capsys.readouterr().err
    more = tmp_path / "more.txt"
    more.write_bytes(b"refund 1\nrefund 2\n")
    assert main(["ledger", "append", *base, "-q", str(more)]) == 0
    note = tmp_path / "new.note"
    assert main(["ledger", "checkpoint", *base, *sign, "-o", str(note)]) == 0
    capsys.readouterr()

    proof = tmp_path / "incl.json"
    assert (
        main(["ledger", "prove", *base, "1234", "--checkpoint", str(old_note), "-o", str(proof)])
        == 0
    )
    assert json.loads(proof.read_text())["tree_size"] == 2500
    cons = tmp_path / "cons.json"
    pair = [str(old_note), str(note)]
    assert main(["ledger", "prove", *base, "--consistency", *pair, "-o", str(cons)]) == 0

    public = ["--public-key", keys["ed_pub"], "--cosign-public-key", keys["ml_pub"]]
    public += ["--name", ORIGIN]
    verify = ["ledger", "verify", "--origin", ORIGIN, *public]
    assert main([*verify, "--checkpoint", str(old_note), "--proof", str(proof)]) == 0
    assert "OK: entry 1234" in capsys.readouterr().out
    assert main([*verify, "--checkpoint", str(note), "--proof", str(cons),
                 "--old-checkpoint", str(old_note)]) == 0  # fmt: skip
    assert "extends its checkpoint of size 2500" in capsys.readouterr().out
    # Only the cosigner's key is enough too.
    only_ml = ["ledger", "verify", "--origin", ORIGIN, "--cosign-public-key", keys["ml_pub"]]
    only_ml += ["--name", ORIGIN]
    assert main([*only_ml, "--checkpoint", str(old_note), "--proof", str(proof)]) == 0

    # Failures: another entry, another key, a proof against the wrong checkpoint.
    other = tmp_path / "other.bin"
    other.write_bytes(b"payment 1235")
    args = ["--checkpoint", str(old_note), "--proof", str(proof)]
    assert main([*verify, *args, "--entry", str(other)]) == 1
    assert "FAILED: entry 1234 is not in" in capsys.readouterr().out
    (tmp_path / "stranger").mkdir()
    stranger = ["--public-key", _keys(tmp_path / "stranger")["ed_pub"], "--name", ORIGIN]
    assert main(["ledger", "verify", "--origin", ORIGIN, *stranger, *args]) == 1
    assert "not validly signed" in capsys.readouterr().out
    assert main([*verify, "--checkpoint", str(note), "--proof", str(proof)]) == 1

    assert main(["ledger", "audit", *base]) == 0
    assert "OK: 2502 entries, 2 checkpoints" in capsys.readouterr().out
    with sqlite3.connect(db) as conn:
        conn.execute("UPDATE entries SET data = x'00' WHERE idx = 99")
    assert main(["ledger", "audit", *base, "-q"]) == 1
    assert "FAILED: the ledger is corrupted at index 99" in capsys.readouterr().out


def test_cli_errors(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    keys = _keys(tmp_path)
    base = ["--db", str(tmp_path / "log.db"), "--origin", ORIGIN]
    assert main(["ledger", "append", *base, "-q", "/dev/null"]) == 0
    assert main(["ledger", "checkpoint", *base]) == 2
    assert "--key" in capsys.readouterr().err
    assert main(["ledger", "checkpoint", *base, "--key", keys["ml"]]) == 2
    assert "expected an Ed25519 private key" in capsys.readouterr().err
    assert main(["ledger", "prove", *base, "5"]) == 2
    assert "index must be in [0, 0)" in capsys.readouterr().err


def test_demo_ledger_part(capsys: pytest.CaptureFixture[str]) -> None:
    from pqpay.cli import demo

    demo.ledger_part()
    out = capsys.readouterr().out
    assert "appended 20000 receipts" in out
    assert "verified offline against the size-20001 checkpoint" in out
    assert out.rstrip().endswith("storage consistent")


def test_cli_verify_require(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    """A checkpoint signed by Ed25519 alone, verified with both public keys: refused by default
    (every given key must have signed), accepted with --require any or 1."""
    keys = _keys(tmp_path)
    base = ["--db", str(tmp_path / "log.db"), "--origin", ORIGIN]
    entries = tmp_path / "entries.txt"
    entries.write_bytes(b"".join(b"payment %d\n" % i for i in range(10)))
    assert main(["ledger", "append", *base, "-q", str(entries)]) == 0
    note = tmp_path / "ed-only.note"
    assert main(["ledger", "checkpoint", *base, "--key", keys["ed"], "-o", str(note)]) == 0
    proof = tmp_path / "incl.json"
    assert main(["ledger", "prove", *base, "3", "-o", str(proof)]) == 0
    capsys.readouterr()
    verify = ["ledger", "verify", "--origin", ORIGIN, "--public-key", keys["ed_pub"]]
    verify += ["--cosign-public-key", keys["ml_pub"], "--name", ORIGIN]
    verify += ["--checkpoint", str(note), "--proof", str(proof)]
    assert main(verify) == 1
    assert "not validly signed" in capsys.readouterr().out
    for policy in ("any", "1"):
        assert main([*verify, "--require", policy]) == 0
        assert "OK: entry 3" in capsys.readouterr().out
    assert main([*verify, "--require", "3"]) == 2
    assert "require=3" in capsys.readouterr().err
    with pytest.raises(SystemExit):
        main([*verify, "--require", "some"])
