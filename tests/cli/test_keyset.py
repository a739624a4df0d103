"""``pqpay keyset`` (create, add, promote, retire, public, info) and the key-set options of
``receipt issue`` (``--signing-keyset``, ``--allowed-keys``) and ``receipt verify``
(``--keyset``): rotation from the shell, retired keys refused, bad files one error line."""

from __future__ import annotations

import json
import stat
from pathlib import Path

import pytest

from pqpay import checkpoint, signatures
from pqpay.cli import main
from pqpay.keyset import KeySet, KeyStatus
from pqpay.serialization import Encoding, PrivateFormat, PublicFormat

ORIGIN = "keyset-cli.pqpay.test/log"
ENV = ["--passphrase-env", "PQPAY_PASSPHRASE"]


@pytest.fixture(autouse=True)
def passphrase(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("PQPAY_PASSPHRASE", "keyset cli passphrase")


def kids(path: Path) -> list[str]:
    return [k["kid"] for k in json.loads(path.read_bytes())["keys"]]


def test_create_rotate_retire_public_info(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    ks = tmp_path / "pay.keyset.json"
    assert main(["keyset", "create", "ML-DSA-65", "-o", str(ks), *ENV]) == 0
    assert stat.S_IMODE(ks.stat().st_mode) == 0o600
    assert main(["keyset", "add", str(ks), "--primary", *ENV]) == 0
    first, second = kids(ks)
    assert main(["keyset", "promote", str(ks), first, *ENV]) == 0
    assert main(["keyset", "retire", str(ks), second, *ENV]) == 0
    loaded = KeySet.load(ks, b"keyset cli passphrase")
    assert [e.status for e in loaded.entries] == [KeyStatus.PRIMARY, KeyStatus.RETIRED]
    pub = tmp_path / "pay.public.json"
    assert main(["keyset", "public", str(ks), "-o", str(pub), *ENV]) == 0
    assert stat.S_IMODE(pub.stat().st_mode) == 0o644
    capsys.readouterr()
    assert main(["keyset", "info", str(pub)]) == 0
    out = capsys.readouterr().out
    assert "public key set" in out and f"{second}  v2  retired" in out
    assert "PRIVATE" not in out and "BEGIN" not in out


@pytest.mark.parametrize(
    ("argv", "message"),
    [
        (["keyset", "retire", "{ks}", "0000000000000000", *ENV], "no key with id"),
        (["keyset", "info", "{ks}", "--passphrase-env", "PQPAY_NOPE"], "is not set"),
        (["keyset", "info", "{bad}", *ENV], "not a key set"),
        (["keyset", "create", "Ed25519", "-o", "{ks}", *ENV], "exists"),
        (["keyset", "add", "{pub}", *ENV], "is a public key set"),
    ],
)
def test_errors_are_one_line_and_leave_the_file(
    argv: list[str], message: str, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    ks, pub, bad = tmp_path / "ks.json", tmp_path / "pub.json", tmp_path / "bad.json"
    KeySet.generate("Ed25519").save(ks, b"keyset cli passphrase")
    KeySet.generate("Ed25519").public_keyset().save(pub)
    bad.write_bytes(ks.read_bytes()[:40])
    before = ks.read_bytes()
    capsys.readouterr()
    args = [a.format(ks=ks, pub=pub, bad=bad) for a in argv]
    assert main(args) == 2
    err = capsys.readouterr().err
    assert message in err and err.startswith("pqpay: error: ") and err.count("\n") == 1
    assert ks.read_bytes() == before
    assert sorted(p.name for p in tmp_path.iterdir()) == ["bad.json", "ks.json", "pub.json"]


def test_wrong_passphrase(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    ks = tmp_path / "ks.json"
    KeySet.generate("Ed25519").save(ks, b"another passphrase")
    assert main(["keyset", "info", str(ks), *ENV]) == 2
    assert "wrong password" in capsys.readouterr().err


def _note_key(tmp: Path) -> tuple[str, str, str]:
    key = signatures.Ed25519PrivateKey.generate()
    path, pub = tmp / "log.pem", tmp / "log.pub.pem"
    path.write_bytes(key.private_bytes(Encoding.PEM, PrivateFormat.PKCS8))
    pub.write_bytes(key.public_key().public_bytes(Encoding.PEM, PublicFormat.SubjectPublicKeyInfo))
    return str(path), str(pub), checkpoint.Ed25519NoteSigner(ORIGIN, key).vkey


def test_receipts_signed_and_verified_with_key_sets(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    log_key, log_pub, vkey = _note_key(tmp_path)
    ks, pub = tmp_path / "ks.json", tmp_path / "pub.json"
    assert main(["keyset", "create", "ML-DSA-65", "-o", str(ks), *ENV]) == 0
    messages = tmp_path / "m.jsonl"
    messages.write_text('{"id":"pay_1","amount":{"value":1,"currency":"EUR"}}\n')
    issue = ["receipt", "issue", "--db", str(tmp_path / "r.db"), "--origin", ORIGIN]
    issue += ["--signing-keyset", str(ks), *ENV, "--key", log_key, "--allowed-keys", log_pub]
    assert main([*issue, "--out-dir", str(tmp_path / "out"), str(messages)]) == 0
    receipt = str(tmp_path / "out" / "receipt-0.json")
    first = kids(ks)[0]
    assert main(["keyset", "add", str(ks), "--primary", *ENV]) == 0
    assert main(["keyset", "public", str(ks), "-o", str(pub), *ENV]) == 0
    verify = ["receipt", "verify", receipt, "--vkey", vkey, "--origin", ORIGIN]
    capsys.readouterr()
    assert main([*verify, "--keyset", str(pub)]) == 0  # the old version keeps verifying
    assert capsys.readouterr().out.startswith("OK: ")
    assert main(["keyset", "retire", str(ks), first, *ENV]) == 0
    assert main(["keyset", "public", str(ks), "-o", str(pub), "--force", *ENV]) == 0
    capsys.readouterr()
    assert main([*verify, "--keyset", str(pub)]) == 1
    assert "retired" in capsys.readouterr().out
    # A note key outside --allowed-keys is refused before anything is appended.
    _, other_pub, _ = _note_key(tmp_path / "out")
    messages.write_text('{"id":"pay_2","amount":{"value":2,"currency":"EUR"}}\n')
    pinned = [*issue[:-2], "--allowed-keys", other_pub]
    capsys.readouterr()
    assert main([*pinned, "--out-dir", str(tmp_path / "out"), str(messages)]) == 2
    assert "allowed keys" in capsys.readouterr().err
    assert sorted(p.name for p in (tmp_path / "out").glob("receipt-*")) == ["receipt-0.json"]
