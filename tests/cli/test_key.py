"""``pqpay key``: generate (every algorithm, plain and encrypted, atomic 0600 files), public,
vkey, info; passphrases from a prompt, a file or the environment; exit codes and messages."""

from __future__ import annotations

import base64
import os
import stat
from pathlib import Path
from typing import Any

import pytest

from pqpay import checkpoint, kem, signatures
from pqpay.cli import key as key_cli
from pqpay.cli import main
from pqpay.serialization import (
    Encoding,
    PublicFormat,
    load_pem_private_key,
    load_pem_public_key,
    private_key_encryption,
)

NO_OID = {"X25519MLKEM768", "MLKEM768-P256", "MLKEM1024-P384"}
WITH_PKCS8 = sorted(a for a in key_cli.ALGORITHMS if a not in NO_OID)


def only_file(directory: Path) -> list[str]:
    return sorted(p.name for p in directory.iterdir())


def test_every_algorithm_is_offered() -> None:
    assert set(key_cli.ALGORITHMS) == set(kem.PRIVATE_KEY_CLASSES) | set(
        signatures.PRIVATE_KEY_CLASSES
    )


@pytest.mark.parametrize("alg", WITH_PKCS8)
def test_generate_every_algorithm(alg: str, tmp_path: Path) -> None:
    out = tmp_path / "k.pem"
    assert main(["key", "generate", alg, "-o", str(out)]) == 0
    assert stat.S_IMODE(out.stat().st_mode) == 0o600
    key = load_pem_private_key(out.read_bytes())
    assert type(key) is key_cli.ALGORITHMS[alg]
    assert only_file(tmp_path) == ["k.pem"]


@pytest.mark.parametrize("alg", sorted(NO_OID))
def test_algorithms_without_pkcs8_are_refused(
    alg: str, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    assert main(["key", "generate", alg, "-o", str(tmp_path / "k.pem")]) == 2
    err = capsys.readouterr().err
    assert "no PKCS#8 form" in err and err.count("\n") == 1
    assert only_file(tmp_path) == []


def test_encrypted_generate_from_env_and_file(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    monkeypatch.setenv("PQPAY_TEST_PASS", "s3cret pass")
    out = tmp_path / "e.pem"
    argv = ["key", "generate", "Ed25519", "-o", str(out), "--encrypt"]
    assert main([*argv, "--passphrase-env", "PQPAY_TEST_PASS"]) == 0
    assert private_key_encryption(out.read_bytes()) is not None
    key = load_pem_private_key(out.read_bytes(), b"s3cret pass")
    pass_file = tmp_path / "pass.txt"
    pass_file.write_text("s3cret pass\n")
    info = ["key", "info", str(out), "--passphrase-file", str(pass_file)]
    capsys.readouterr()
    assert main(info) == 0
    text = capsys.readouterr().out
    assert "algorithm:" in text and "Ed25519" in text and "encrypted: PBES2" in text
    raw = key.private_bytes_raw()
    for secret in (raw.hex(), base64.b64encode(raw).decode(), base64.urlsafe_b64encode(raw)):
        assert str(secret).rstrip("=") not in text
    # A wrong passphrase: exit 2, one line, no traceback.
    pass_file.write_text("wrong\n")
    assert main(info) == 2
    err = capsys.readouterr().err
    assert "wrong password" in err and err.count("\n") == 1
    monkeypatch.delenv("PQPAY_TEST_PASS")
    assert main(["key", "info", str(out), "--passphrase-env", "PQPAY_TEST_PASS"]) == 2
    assert "is not set" in capsys.readouterr().err


def test_prompted_passphrase_is_asked_twice(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    answers = iter(["one", "one", "one", "two"])
    asked: list[str] = []

    def fake_getpass(prompt: str) -> str:
        asked.append(prompt)
        return next(answers)

    monkeypatch.setattr(key_cli.getpass, "getpass", fake_getpass)
    monkeypatch.setattr(key_cli.sys.stdin, "isatty", lambda: True)
    out = tmp_path / "p.pem"
    assert main(["key", "generate", "ML-KEM-768", "-o", str(out), "--encrypt"]) == 0
    assert len(asked) == 2
    assert type(load_pem_private_key(out.read_bytes(), b"one")) is kem.MLKEM768PrivateKey
    other = tmp_path / "q.pem"
    assert main(["key", "generate", "ML-KEM-768", "-o", str(other), "--encrypt"]) == 2
    assert "differ" in capsys.readouterr().err
    assert not other.exists()


def test_no_terminal_and_no_source_is_a_usage_error(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    monkeypatch.setattr(key_cli.sys.stdin, "isatty", lambda: False)
    out = tmp_path / "k.pem"
    assert main(["key", "generate", "Ed25519", "-o", str(out), "--encrypt"]) == 2
    assert "--passphrase-file" in capsys.readouterr().err
    assert not out.exists()


def test_passphrase_never_from_argv(capsys: pytest.CaptureFixture[str]) -> None:
    with pytest.raises(SystemExit) as info:
        main(["key", "generate", "Ed25519", "-o", "x.pem", "--passphrase", "p"])
    assert info.value.code == 2


def test_existing_file_needs_force(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    out = tmp_path / "k.pem"
    out.write_bytes(b"keep me")
    assert main(["key", "generate", "Ed25519", "-o", str(out)]) == 2
    assert out.read_bytes() == b"keep me"
    assert "--force" in capsys.readouterr().err
    assert main(["key", "generate", "Ed25519", "-o", str(out), "--force"]) == 0
    assert type(load_pem_private_key(out.read_bytes())) is signatures.Ed25519PrivateKey


def test_write_failure_leaves_nothing_half_written(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    def broken_fsync(fd: int) -> None:
        raise OSError("disk full")

    monkeypatch.setattr(key_cli.os, "fsync", broken_fsync)
    out = tmp_path / "k.pem"
    assert main(["key", "generate", "Ed25519", "-o", str(out)]) == 2
    assert only_file(tmp_path) == []


def test_public_and_vkey(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    for alg, cls in (("Ed25519", signatures.Ed25519PublicKey), ("ML-DSA-44", None)):
        private = tmp_path / f"{alg}.pem"
        public = tmp_path / f"{alg}.pub.pem"
        assert main(["key", "generate", alg, "-o", str(private)]) == 0
        assert main(["key", "public", str(private), "-o", str(public)]) == 0
        key: Any = load_pem_private_key(private.read_bytes())
        assert load_pem_public_key(public.read_bytes()) == key.public_key()
        capsys.readouterr()
        assert main(["key", "public", str(private)]) == 0
        assert capsys.readouterr().out.encode() == key.public_key().public_bytes(
            Encoding.PEM, PublicFormat.SubjectPublicKeyInfo
        )
        for source in (private, public):
            assert main(["key", "vkey", str(source), "--name", "pay.example/log"]) == 0
            vkey = capsys.readouterr().out.strip()
            expected = checkpoint.NoteVerifier.from_public_key("pay.example/log", key.public_key())
            assert vkey == expected.vkey
            assert checkpoint.NoteVerifier.from_vkey(vkey).public_key == key.public_key()
        assert cls is None or isinstance(key.public_key(), cls)


def test_vkey_of_another_algorithm_is_refused(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    private = tmp_path / "kem.pem"
    assert main(["key", "generate", "X-Wing", "-o", str(private)]) == 0
    assert main(["key", "vkey", str(private), "--name", "log"]) == 2
    assert "Ed25519 or ML-DSA-44" in capsys.readouterr().err


def test_info_of_kem_public_key_and_bad_files(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    private = tmp_path / "k.pem"
    assert main(["key", "generate", "ML-KEM-1024", "-o", str(private)]) == 0
    public = tmp_path / "k.pub.pem"
    assert main(["key", "public", str(private), "-o", str(public)]) == 0
    capsys.readouterr()
    assert main(["key", "info", str(public)]) == 0
    text = capsys.readouterr().out
    assert "ML-KEM-1024" in text and "ciphertext:" in text and "1568 bytes" in text
    assert "SubjectPublicKeyInfo" in text
    junk = tmp_path / "junk.der"
    junk.write_bytes(os.urandom(64))
    assert main(["key", "info", str(junk)]) == 2
    assert main(["key", "info", str(tmp_path / "missing.pem")]) == 2
    lines = capsys.readouterr().err.splitlines()
    assert len(lines) == 2 and all(line.startswith("pqpay: error: ") for line in lines)


def test_ledger_and_receipt_commands_read_encrypted_keys(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    from pqpay.cli import _common

    path = tmp_path / "log.pem"
    monkeypatch.setenv("PQPAY_TEST_PASS", "pw")
    argv = ["key", "generate", "Ed25519", "-o", str(path), "--encrypt"]
    assert main([*argv, "--passphrase-env", "PQPAY_TEST_PASS"]) == 0
    monkeypatch.setattr(_common.sys.stdin, "isatty", lambda: False)
    monkeypatch.delenv(_common.PASSPHRASE_ENV, raising=False)
    with pytest.raises(ValueError, match="PQPAY_PASSPHRASE"):
        _common.private_key(str(path), signatures.Ed25519PrivateKey, "an Ed25519")
    monkeypatch.setenv(_common.PASSPHRASE_ENV, "pw")
    key = _common.private_key(str(path), signatures.Ed25519PrivateKey, "an Ed25519")
    assert isinstance(key, signatures.Ed25519PrivateKey)
