"""The ``pqpay`` command's contract with scripts: ``--version``, ``python -m pqpay``, help when
run bare, one exit-code table (0 verified or done, 1 verification failed, 2 usage or input
error, 3 a bug), verdicts on stdout and diagnostics on stderr, ``--json``, one
``pqpay: error: <cause>; <fix>`` line and no traceback for every ordinary error, read-only
commands that refuse a missing database, and the entry-line rules."""

from __future__ import annotations

import base64
import json
import os
import subprocess
import sys
import time
from pathlib import Path
from typing import Any

import pytest

import pqpay
from pqpay import checkpoint, signatures
from pqpay.cli import _common, main
from pqpay.cli import ledger as ledger_cli
from pqpay.exceptions import PqpayError
from pqpay.ledger import open_storage
from pqpay.serialization import Encoding, PrivateFormat, PublicFormat

ORIGIN = "contract.pqpay.test/log"
GROTH16 = Path(__file__).resolve().parents[2] / "vectors" / "groth16" / "bn128"


def pqpay_cli(
    *args: str, cwd: Path | None = None, stdin: str = ""
) -> subprocess.CompletedProcess[str]:
    """``python -m pqpay ARGS`` in a child process, as a script would run it."""
    env = {**os.environ, "PYTHONPATH": str(Path(pqpay.__file__).parents[1])}
    return subprocess.run(
        [sys.executable, "-m", "pqpay", *args],
        capture_output=True,
        text=True,
        cwd=cwd,
        env=env,
        input=stdin,
        timeout=120,
        check=False,
    )


def _pem(tmp: Path) -> dict[str, str]:
    ed = signatures.Ed25519PrivateKey.generate()
    ml = signatures.MLDSA44PrivateKey.generate()
    pay = signatures.MLDSA65PrivateKey.generate()
    pub = (Encoding.PEM, PublicFormat.SubjectPublicKeyInfo)
    files = {
        "ed": ed.private_bytes(Encoding.PEM, PrivateFormat.PKCS8),
        "ml": ml.private_bytes(Encoding.PEM, PrivateFormat.PKCS8),
        "ed_pub": ed.public_key().public_bytes(*pub),
        "pay": pay.private_bytes(Encoding.PEM, PrivateFormat.PKCS8),
        "pay_pub": pay.public_key().public_bytes(*pub),
    }
    out = {}
    for name, data in files.items():
        (tmp / f"{name}.pem").write_bytes(data)
        out[name] = str(tmp / f"{name}.pem")
    out["vkey"] = checkpoint.Ed25519NoteSigner(ORIGIN, ed).vkey
    out["ml_vkey"] = checkpoint.MLDSA44Cosigner(ORIGIN, ml).vkey
    return out


class Log:
    """A SQLite ledger of four entries with a checkpoint at size 3 and one at size 4, built
    through the command line, and the files a verifier gets."""

    def __init__(self, tmp: Path, capsys: pytest.CaptureFixture[str]) -> None:
        self.tmp, self.keys = tmp, _pem(tmp)
        self.db = str(tmp / "log.db")
        self.base = ["--db", self.db, "--origin", ORIGIN]
        entries = tmp / "entries.txt"
        entries.write_bytes(b"pay 0\npay 1\r\npay 2\n")
        assert main(["ledger", "append", *self.base, str(entries)]) == 0
        self.note3 = str(tmp / "cp3.note")
        assert (
            main(["ledger", "checkpoint", *self.base, "--key", self.keys["ed"], "-o", self.note3])
            == 0
        )
        (tmp / "more.txt").write_bytes(b"pay 3\n")
        assert main(["ledger", "append", *self.base, str(tmp / "more.txt")]) == 0
        self.note4 = str(tmp / "cp4.note")
        assert (
            main(["ledger", "checkpoint", *self.base, "--key", self.keys["ed"], "-o", self.note4])
            == 0
        )
        self.proof1 = str(tmp / "p1.json")  # entry 1 at size 3
        assert (
            main(
                ["ledger", "prove", *self.base, "1", "--checkpoint", self.note3, "-o", self.proof1]
            )
            == 0
        )
        self.cons = str(tmp / "cons.json")
        assert (
            main(
                [
                    "ledger",
                    "prove",
                    *self.base,
                    "--consistency",
                    self.note3,
                    self.note4,
                    "-o",
                    self.cons,
                ]
            )
            == 0
        )
        capsys.readouterr()

    def verify(self, *extra: str) -> list[str]:
        return ["ledger", "verify", "--origin", ORIGIN, "--vkey", self.keys["vkey"], *extra]


@pytest.fixture
def log(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> Log:
    return Log(tmp_path, capsys)


def _one_json(text: str) -> dict[str, Any]:
    lines = text.splitlines()
    assert len(lines) == 1, text
    doc = json.loads(lines[0])
    assert isinstance(doc, dict)
    return doc


# --- discovery -------------------------------------------------------------------------------


def test_version_and_python_dash_m() -> None:
    done = pqpay_cli("--version")
    assert done.returncode == 0
    assert done.stdout.startswith(f"pqpay {pqpay.__version__} (native core ")
    assert done.stderr == ""


def test_bare_command_prints_help_on_stderr_and_exits_2() -> None:
    done = pqpay_cli()
    assert done.returncode == 2 and done.stdout == ""
    assert "usage: pqpay" in done.stderr and "exit codes (every command)" in done.stderr
    assert "ledger" in done.stderr and "Traceback" not in done.stderr


@pytest.mark.parametrize("group", ["ledger", "receipt", "groth16"])
def test_bare_group_prints_its_help(group: str, capsys: pytest.CaptureFixture[str]) -> None:
    assert main([group]) == 2
    captured = capsys.readouterr()
    assert captured.out == "" and f"usage: pqpay {group}" in captured.err


def test_help_states_the_exit_codes(capsys: pytest.CaptureFixture[str]) -> None:
    with pytest.raises(SystemExit) as done:
        main(["--help"])
    assert done.value.code == 0
    text = capsys.readouterr().out
    for line in ("0  verified, or done", "1  verification failed", "2  usage or input error"):
        assert line in text
    assert "``" not in text  # no raw reST
    verifying = [
        ["ledger", "verify"],
        ["ledger", "audit"],
        ["receipt", "verify"],
        ["groth16", "verify"],
        ["selftest"],
    ]
    for words in verifying:
        with pytest.raises(SystemExit):
            main([*words, "--help"])
        text = capsys.readouterr().out
        assert "exit 0: OK" in text and "1: FAILED" in text and "--json" in text, words
    with pytest.raises(SystemExit):
        main(["ledger", "append", "--help"])
    text = capsys.readouterr().out
    assert "default: 10000" in text and "\\r\\n" in text and "blank" in text


# --- exit codes and streams -------------------------------------------------------------------


def test_verdicts_on_stdout_diagnostics_on_stderr(
    log: Log, capsys: pytest.CaptureFixture[str]
) -> None:
    cases: list[tuple[list[str], int, str]] = [
        (log.verify("--checkpoint", log.note3, "--proof", log.proof1), 0, "OK: entry 1 is in"),
        (
            log.verify(
                "--checkpoint", log.note4, "--proof", log.cons, "--old-checkpoint", log.note3
            ),
            0,
            "OK: ",
        ),
        (
            log.verify("--checkpoint", log.note4, "--proof", log.proof1),
            1,
            "FAILED: the proof is for tree size 3",
        ),
        (["ledger", "audit", *log.base], 0, "OK: 4 entries, 2 checkpoints consistent"),
        (["selftest"], 0, "OK: "),
    ]
    vk, proof, public = (
        GROTH16 / n for n in ("verification_key.json", "proof.json", "public.json")
    )
    cases.append(
        (["groth16", "verify", str(vk), str(proof), str(public)], 0, "OK: the proof verifies")
    )
    wrong = log.tmp / "public.json"
    wrong.write_text(json.dumps(["1"] * len(json.loads(public.read_text()))))
    cases.append((["groth16", "verify", str(vk), str(proof), str(wrong)], 1, "FAILED: "))
    for argv, code, verdict in cases:
        assert main(argv) == code, argv
        captured = capsys.readouterr()
        last = captured.out.splitlines()[-1]
        assert last.startswith(verdict), (argv, captured.out)
        assert captured.err == "", (argv, captured.err)


def test_json_on_every_verifying_command(log: Log, capsys: pytest.CaptureFixture[str]) -> None:
    doc_of = {}
    for name, argv, code in [
        ("inclusion", log.verify("--checkpoint", log.note3, "--proof", log.proof1), 0),
        ("inclusion-failed", log.verify("--checkpoint", log.note4, "--proof", log.proof1), 1),
        ("audit", ["ledger", "audit", *log.base], 0),
        ("selftest", ["selftest"], 0),
        ("prove", ["ledger", "prove", *log.base, "2"], 0),
    ]:
        assert main([*argv, "--json"]) == code, name
        captured = capsys.readouterr()
        assert captured.err == ""
        doc_of[name] = _one_json(captured.out)
    inclusion = doc_of["inclusion"]
    assert inclusion["command"] == "ledger verify" and inclusion["ok"] is True
    assert inclusion["verdict"] == "OK" and inclusion["index"] == 1 and inclusion["tree_size"] == 3
    assert doc_of["inclusion-failed"]["ok"] is False
    assert doc_of["inclusion-failed"]["verdict"] == "FAILED"
    assert doc_of["audit"]["entries"] == 4 and doc_of["audit"]["checkpoints"] == 2
    assert len(doc_of["selftest"]["results"]) >= 10
    assert all(r["passed"] for r in doc_of["selftest"]["results"])
    proof = doc_of["prove"]["doc"]
    assert proof["type"] == "inclusion" and base64.b64decode(proof["entry"]) == b"pay 2"
    assert main(["ledger", "prove", *log.base, "2", "-o", "-", "--json"]) == 0
    assert _one_json(capsys.readouterr().out)["doc"] == proof
    to_file = str(log.tmp / "p2.json")
    assert main(["ledger", "prove", *log.base, "2", "-o", to_file, "--json"]) == 0
    assert _one_json(capsys.readouterr().out) == {
        "command": "ledger prove",
        "ok": True,
        "verdict": "OK",
        "out": to_file,
    }
    assert json.loads(Path(to_file).read_text()) == proof
    # An input error under --json: the error object on stdout, the line on stderr, exit 2.
    assert (
        main(["ledger", "audit", "--db", str(log.tmp / "typo.db"), "--origin", ORIGIN, "--json"])
        == 2
    )
    captured = capsys.readouterr()
    error = _one_json(captured.out)
    assert (
        error["verdict"] == "ERROR" and error["ok"] is False and "does not exist" in error["error"]
    )
    assert captured.err.startswith("pqpay: error: ")


def test_receipt_and_groth16_json(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    keys = _pem(tmp_path)
    lines = tmp_path / "m.jsonl"
    lines.write_text('{"id": "pay_1", "amount": "12.50"}\n')
    out = tmp_path / "receipts"
    issue = ["receipt", "issue", "--db", str(tmp_path / "r.db"), "--origin", ORIGIN]
    issue += ["--signing-key", keys["pay"], "--key", keys["ed"], "--out-dir", str(out), str(lines)]
    assert main(issue) == 0
    capsys.readouterr()
    verify = [
        "receipt",
        "verify",
        "--public-key",
        keys["pay_pub"],
        "--vkey",
        keys["vkey"],
        "--json",
    ]
    assert main([*verify, str(out / "receipt-0.json")]) == 0
    doc = _one_json(capsys.readouterr().out)
    assert doc["command"] == "receipt verify" and doc["ok"] is True and doc["id"] == "pay_1"
    assert doc["payment"] == {"id": "pay_1", "amount": "12.50"} and doc["index"] == 0
    assert main([*verify, "--require", "2", str(out / "receipt-0.json")]) == 2  # usage, as ledger
    assert "require=2 is more than the 1 verifier key(s)" in capsys.readouterr().err
    assert main([*verify, "--origin", "other/log", str(out / "receipt-0.json")]) == 1
    doc = _one_json(capsys.readouterr().out)
    assert doc["verdict"] == "FAILED" and "not of --origin 'other/log'" in doc["message"]

    vk, proof, public = (
        GROTH16 / n for n in ("verification_key.json", "proof.json", "public.json")
    )
    assert main(["groth16", "verify", "--json", str(vk), str(proof), str(public)]) == 0
    doc = _one_json(capsys.readouterr().out)
    assert doc["ok"] is True and doc["curve"] == "BN254" and doc["public_inputs"] >= 1


# --- no traceback for an ordinary error -------------------------------------------------------


def _ordinary_errors(tmp: Path) -> dict[str, tuple[list[str], str]]:
    (tmp / "a_dir").mkdir()
    (tmp / "text.db").write_text("not sqlite\n")
    (tmp / "e.txt").write_text("x\n")
    vk = str(GROTH16 / "verification_key.json")
    public = str(GROTH16 / "public.json")
    on = ["--origin", ORIGIN]
    return {
        "missing dir": (["ledger", "append", "--db", "missing_dir/x.db", *on, "e.txt"], "mkdir -p"),
        "directory as db": (["ledger", "append", "--db", "a_dir", *on, "e.txt"], "is a directory"),
        "audit typo": (["ledger", "audit", "--db", "typo.db", *on], "does not exist"),
        "prove typo": (["ledger", "prove", "--db", "typo.db", *on, "0"], "does not exist"),
        "checkpoint typo": (
            ["ledger", "checkpoint", "--db", "typo.db", *on, "--key", "nokey.pem"],
            "no such file",
        ),
        "not sqlite": (["ledger", "audit", "--db", "text.db", *on], "not a SQLite database"),
        "missing entries": (["ledger", "append", "--db", "x.db", *on, "nope.txt"], "nope.txt"),
        "missing receipt": (
            ["receipt", "verify", "--public-key", "k.pem", "--vkey", "v", "r.json"],
            "no such file",
        ),
        "groth16 missing": (["groth16", "verify", vk, "nope.json", public], "nope.json"),
        "empty vkey": (
            [
                "ledger",
                "verify",
                "--origin",
                ORIGIN,
                "--vkey",
                "",
                "--checkpoint",
                "c",
                "--proof",
                "p",
            ],
            "--vkey is empty",
        ),
    }


ORDINARY_ERRORS = [
    "missing dir", "directory as db", "audit typo", "prove typo", "checkpoint typo",
    "not sqlite", "missing entries", "missing receipt", "groth16 missing", "empty vkey",
]  # fmt: skip


@pytest.mark.parametrize("case", ORDINARY_ERRORS)
def test_ordinary_errors_are_one_line_and_exit_2(case: str, tmp_path: Path) -> None:
    argv, expected = _ordinary_errors(tmp_path)[case]
    done = pqpay_cli(*argv, cwd=tmp_path)
    assert done.returncode == 2, done
    assert "Traceback" not in done.stderr
    lines = done.stderr.splitlines()
    assert len(lines) == 1 and lines[0].startswith("pqpay: error: "), done.stderr
    assert "; " in lines[0] and expected in lines[0]
    assert done.stdout == ""
    assert not (tmp_path / "typo.db").exists()
    assert not (tmp_path / "missing_dir").exists()


def test_missing_psycopg_is_an_input_error(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    monkeypatch.setitem(sys.modules, "psycopg", None)  # import psycopg now fails
    assert (
        main(["ledger", "audit", "--db", "postgresql://u@127.0.0.1:1/db", "--origin", ORIGIN]) == 2
    )
    err = capsys.readouterr().err
    assert err.startswith("pqpay: error: ") and "pip install 'pqpay[postgres]'" in err


def test_an_unreachable_postgres_is_an_input_error(capsys: pytest.CaptureFixture[str]) -> None:
    pytest.importorskip("psycopg")
    dsn = "host=127.0.0.1 port=1 dbname=pqpay connect_timeout=2"
    try:
        open_storage(dsn)
    except PqpayError:
        pass
    except Exception as exc:  # the storage layer's error type is what is tested
        pytest.xfail(
            f"the PostgreSQL storage raises an untyped {type(exc).__name__} (not a pqpay error yet)"
        )
    assert main(["ledger", "audit", "--db", dsn, "--origin", ORIGIN]) == 2
    err = capsys.readouterr().err
    assert err.startswith("pqpay: error: ") and err.count("\n") == 1


def test_permission_denied(
    log: Log, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    real = Path.read_bytes

    def read_bytes(self: Path) -> bytes:
        if self.name == "cp3.note":
            raise PermissionError(13, "Permission denied", str(self))
        return real(self)

    monkeypatch.setattr(Path, "read_bytes", read_bytes)
    assert main(log.verify("--checkpoint", log.note3, "--proof", log.proof1)) == 2
    err = capsys.readouterr().err
    assert err.startswith("pqpay: error: ") and "cp3.note: permission denied" in err


def test_a_bug_says_internal_error_and_debug_shows_the_traceback(
    monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    def boom() -> list[tuple[str, bool, float]]:
        raise RuntimeError("a bug")

    monkeypatch.setattr(pqpay, "run_selftests", boom)
    assert main(["selftest"]) == 3
    err = capsys.readouterr().err
    assert "internal error (RuntimeError: a bug)" in err and "--debug" in err
    assert "Traceback" not in err
    assert main(["--debug", "selftest"]) == 3
    assert "Traceback (most recent call last)" in capsys.readouterr().err


def test_a_ledger_of_another_origin(log: Log, capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["ledger", "audit", "--db", log.db, "--origin", "other/log"]) == 2
    err = capsys.readouterr().err
    assert err.startswith("pqpay: error: ") and "not 'other/log'" in err
    assert "check --db and --origin" in err


def test_describe_names_the_extra_to_install() -> None:
    exc = ModuleNotFoundError("No module named 'pkcs11'", name="pkcs11")
    assert _common.describe(exc, "demo") == (
        "No module named 'pkcs11'",
        "pip install 'pqpay[hsm]'",
    )
    assert _common.describe(RuntimeError("x"), "demo") is None


# --- read-only commands, messages -------------------------------------------------------------


def test_read_only_commands_refuse_a_missing_database(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    keys = _pem(tmp_path)
    typo = str(tmp_path / "typo.db")
    for argv in (
        ["ledger", "audit", "--db", typo, "--origin", ORIGIN],
        ["ledger", "prove", "--db", typo, "--origin", ORIGIN, "0"],
        ["ledger", "checkpoint", "--db", typo, "--origin", ORIGIN, "--key", keys["ed"]],
    ):
        assert main(argv) == 2, argv
        assert "does not exist" in capsys.readouterr().err
    assert not Path(typo).exists()
    Path(typo).touch()  # an empty file is not a ledger either
    assert main(["ledger", "audit", "--db", typo, "--origin", ORIGIN]) == 2
    assert "empty file" in capsys.readouterr().err


def test_messages_point_the_right_way(log: Log, capsys: pytest.CaptureFixture[str]) -> None:
    assert (
        main(log.verify("--checkpoint", log.note3, "--proof", log.proof1, "--origin", "other/log"))
        == 1
    )
    assert (
        "FAILED: the checkpoint is of log 'contract.pqpay.test/log', not of --origin 'other/log'"
        in (capsys.readouterr().out)
    )
    assert main(log.verify("--checkpoint", log.note4, "--proof", log.proof1)) == 1
    out = capsys.readouterr().out
    assert "the proof is for tree size 3 but the checkpoint is of size 4" in out
    assert f"prove 1 --checkpoint {log.note4}" in out
    # Consistency notes given the wrong way round, or a proof for other sizes.
    swapped = ("--checkpoint", log.note3, "--proof", log.cons, "--old-checkpoint", log.note4)
    assert main(log.verify(*swapped)) == 1
    assert "the proof is from size 3 to 4 but the checkpoints are of sizes 4 and 3" in (
        capsys.readouterr().out
    )
    # A proof against a note of another log, at prove time.
    other = log.tmp / "other.note"
    signer = checkpoint.Ed25519NoteSigner("other/log", signatures.Ed25519PrivateKey.generate())
    other.write_bytes(
        checkpoint.sign_checkpoint(checkpoint.Checkpoint("other/log", 1, bytes(32)), [signer])
    )
    assert main(["ledger", "prove", *log.base, "0", "--checkpoint", str(other)]) == 2
    assert "is a checkpoint of 'other/log', not of --origin" in capsys.readouterr().err
    # A swapped snarkjs argument order is named as such.
    vk, proof, public = (
        str(GROTH16 / n) for n in ("verification_key.json", "proof.json", "public.json")
    )
    assert main(["groth16", "verify", vk, public, proof]) == 2
    assert "look swapped" in capsys.readouterr().err


def test_checkpoint_to_a_directory_is_refused_before_signing(
    log: Log, capsys: pytest.CaptureFixture[str]
) -> None:
    assert (
        main(["ledger", "checkpoint", *log.base, "--key", log.keys["ed"], "-o", str(log.tmp)]) == 2
    )
    assert "is a directory" in capsys.readouterr().err
    assert main(["ledger", "audit", *log.base, "--json"]) == 0
    assert _one_json(capsys.readouterr().out)["checkpoints"] == 2  # nothing was signed


# --- entries ----------------------------------------------------------------------------------


def _entries(db: str) -> list[bytes]:
    storage = open_storage(db)
    try:
        return [data for _, data in storage.entries(0, storage.head()[0])]
    finally:
        storage.close()


def test_line_endings_and_the_verify_entry_rule(
    log: Log, capsys: pytest.CaptureFixture[str]
) -> None:
    assert _entries(log.db) == [b"pay 0", b"pay 1", b"pay 2", b"pay 3"]  # \r\n was one ending
    args = ("--checkpoint", log.note3, "--proof", log.proof1)
    line = log.tmp / "e.txt"
    for text in (b"pay 1\n", b"pay 1\r\n", b"pay 1"):  # as 'sed -n 2p' or an editor writes it
        line.write_bytes(text)
        assert main(log.verify(*args, "--entry", str(line))) == 0, text
    line.write_bytes(b"pay 1\n")
    assert main(log.verify(*args, "--raw-entry", str(line))) == 1  # exact bytes: not the entry
    line.write_bytes(b"pay 1")
    assert main(log.verify(*args, "--raw-entry", str(line))) == 0
    capsys.readouterr()


def test_blank_and_non_json_lines_are_refused_and_nothing_is_appended(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    db = str(tmp_path / "e.db")
    base = ["ledger", "append", "--db", db, "--origin", ORIGIN]
    good = tmp_path / "good.txt"
    good.write_bytes(b"a\n")
    bad = tmp_path / "bad.txt"
    bad.write_bytes(b"a\nb\n\nc\n")
    assert main([*base, str(good), str(bad)]) == 2
    assert f"{bad}:3: blank line" in capsys.readouterr().err
    assert not Path(db).exists()
    bad.write_bytes(b'{"a": 1}\r\n  \r\n')
    assert main([*base, "--format", "jsonl", str(bad)]) == 2
    assert f"{bad}:2: blank line" in capsys.readouterr().err
    bad.write_bytes(b'{"a": 1}\nnot json\n')
    assert main([*base, "--format", "jsonl", str(bad)]) == 2
    assert f"{bad}:2: not a JSON value" in capsys.readouterr().err
    assert main([*base, str(bad)]) == 0  # the default format takes any non-blank line
    assert _entries(db) == [b'{"a": 1}', b"not json"]
    capsys.readouterr()


def test_stdin_is_checked_whole_before_appending(tmp_path: Path) -> None:
    db = tmp_path / "s.db"
    done = pqpay_cli("ledger", "append", "--db", str(db), "--origin", ORIGIN, stdin="a\n\nb\n")
    assert done.returncode == 2 and "<stdin>:2: blank line" in done.stderr
    assert not db.exists()
    done = pqpay_cli("ledger", "append", "--db", str(db), "--origin", ORIGIN, "-", stdin="a\r\nb\n")
    assert done.returncode == 0 and "appended 2 entries: indices 0..1" in done.stdout
    assert _entries(str(db)) == [b"a", b"b"]


@pytest.mark.parametrize("argv", [
    ["ledger", "append", "--db", "x.db", "--origin", ORIGIN, "--batch", "0"],
    ["ledger", "append", "--db", "x.db", "--origin", ORIGIN, "--batch", "-5"],
    ["ledger", "append", "--db", "x.db", "--origin", ORIGIN, "--batch", "ten"],
    ["ledger", "prove", "--db", "x.db", "--origin", ORIGIN, "-1"],
    ["ledger", "prove", "--db", "x.db", "--origin", ORIGIN, "0", "--size", "-1"],
    ["ledger", "verify", "--origin", ORIGIN, "--checkpoint", "c", "--proof", "p", "--require", "0"],
    ["demo", "--messages", "0"],
])  # fmt: skip
def test_non_positive_counts_are_usage_errors(
    argv: list[str], capsys: pytest.CaptureFixture[str]
) -> None:
    with pytest.raises(SystemExit) as done:
        main(argv)
    assert done.value.code == 2
    assert "error: argument" in capsys.readouterr().err


def test_append_reports_runs_split_by_other_writers() -> None:
    assert ledger_cli._runs([range(0, 3)]) == "indices 0..2"
    assert ledger_cli._runs([range(0, 3), range(3, 5)]) == "indices 0..4"
    text = ledger_cli._runs([range(3, 5), range(9, 12)])
    assert text == "indices 3..4, 9..11 (other writers appended between batches)"


# --- progress ---------------------------------------------------------------------------------


class _Clock:
    def __init__(self) -> None:
        self.now = 1000.0

    def __call__(self) -> float:
        return self.now


def test_progress_off_a_terminal_is_plain_lines(
    monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    clock = _Clock()
    monkeypatch.setattr(time, "monotonic", clock)
    progress = _common.Progress("appended", False)
    assert not progress.tty  # capsys is not a terminal
    for done in range(1, 6):
        clock.now += 6
        progress(done * 100, 500)
    progress.finish(500)
    err = capsys.readouterr().err
    assert "\r" not in err
    assert err.splitlines() == ["appended: 200/500", "appended: 400/500"]  # every 10 s


def test_progress_on_a_terminal_redraws_one_line(
    monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    clock = _Clock()
    monkeypatch.setattr(time, "monotonic", clock)
    monkeypatch.setattr(sys.stderr, "isatty", lambda: True)
    quick = _common.Progress("audited", False)
    quick(3, 3)
    quick.finish(3)
    assert capsys.readouterr().err == ""  # done in under a second: nothing drawn
    progress = _common.Progress("audited", False)
    for done in (1, 2, 3):
        clock.now += 1.5
        progress(done, 3)
    progress.finish(3)
    assert capsys.readouterr().err == "\raudited: 1/3\raudited: 2/3\raudited: 3/3\raudited: 3/3\n"
    silent = _common.Progress("audited", True)
    clock.now += 5
    silent(1, 3)
    assert capsys.readouterr().err == ""


# --- receipt issue is idempotent on the payment id --------------------------------------------


def test_receipt_issue_is_idempotent(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    keys = _pem(tmp_path)
    db = str(tmp_path / "r.db")
    out = tmp_path / "receipts"
    messages = tmp_path / "m.jsonl"
    messages.write_text(
        "".join(json.dumps({"id": f"pay_{i}", "amount": i}) + "\n" for i in range(5))
    )
    issue = ["receipt", "issue", "--db", db, "--origin", ORIGIN, "--signing-key", keys["pay"]]
    issue += ["--key", keys["ed"], "--out-dir", str(out)]
    assert main([*issue, str(messages)]) == 0
    assert "issued 5 receipts (entries 0..4" in capsys.readouterr().out
    assert main([*issue, str(messages)]) == 0
    assert capsys.readouterr().out.startswith("nothing to issue; skipped 5 already issued")
    assert len(_entries(db)) == 5 and len(list(out.glob("receipt-*.json"))) == 5
    # One new message among old ones (and a repeat inside the input): only it is issued.
    messages.write_text(messages.read_text() + '{"id": "pay_9", "amount": 9}\n' * 2)
    assert main([*issue, str(messages)]) == 0
    text = capsys.readouterr().out
    assert "issued 1 receipt (entries 5..5" in text and "skipped 6 already issued" in text
    assert len(_entries(db)) == 6
    # The same id with other content is refused, naming the receipt it clashes with.
    clash = tmp_path / "clash.jsonl"
    clash.write_text('{"id": "pay_2", "amount": 200}\n')
    assert main([*issue, str(clash)]) == 2
    err = capsys.readouterr().err
    assert f"{clash}:1: payment id pay_2 was already issued (receipt-2.json)" in err
    assert len(_entries(db)) == 6
    # Receipts of another log in the out-dir are refused rather than trusted.
    other = [*issue[:4], "--origin", "other/log", *issue[6:]]
    assert main([*other, str(clash)]) == 2
    assert "use one --out-dir per ledger" in capsys.readouterr().err


# --- JSON from the commands that write -------------------------------------------------------


def test_json_from_append_checkpoint_latest_and_issue(
    log: Log, capsys: pytest.CaptureFixture[str]
) -> None:
    more = log.tmp / "more2.txt"
    more.write_bytes(b"pay 4\npay 5\n")
    assert main(["ledger", "append", *log.base, "--json", str(more)]) == 0
    captured = capsys.readouterr()
    assert captured.err == ""
    assert _one_json(captured.out) == {
        "command": "ledger append",
        "ok": True,
        "verdict": "OK",
        "appended": 2,
        "runs": [[4, 5]],
        "tree_size": 6,
    }
    sign = ["--key", log.keys["ed"], "--cosign-key", log.keys["ml"]]
    assert main(["ledger", "checkpoint", *log.base, *sign, "--json"]) == 0
    captured = capsys.readouterr()
    doc = _one_json(captured.out)
    assert captured.err == "" and doc["tree_size"] == 6 and doc["origin"] == ORIGIN
    assert doc["vkeys"] == [log.keys["vkey"], log.keys["ml_vkey"]]
    note = doc["note"].encode()
    verifiers = checkpoint.note_verifiers([log.keys["vkey"], log.keys["ml_vkey"]])
    assert checkpoint.verify_checkpoint(note, verifiers).size == 6
    # 'latest' re-exports the newest issued note, signing nothing.
    out = log.tmp / "latest.note"
    assert main(["ledger", "latest", *log.base, "-o", str(out)]) == 0
    assert out.read_bytes() == note
    assert main(["ledger", "latest", *log.base, "--json"]) == 0
    assert _one_json(capsys.readouterr().out)["note"] == doc["note"]
    empty = log.tmp / "empty.txt"
    empty.write_bytes(b"x\n")
    fresh = ["--db", str(log.tmp / "fresh.db"), "--origin", ORIGIN]
    assert main(["ledger", "append", *fresh, "-q", str(empty)]) == 0
    capsys.readouterr()
    assert main(["ledger", "latest", *fresh]) == 2
    assert "has issued no checkpoint yet" in capsys.readouterr().err

    messages = log.tmp / "m.jsonl"
    messages.write_text('{"id": "a", "amount": 1}\n{"id": "b", "amount": 2}\n')
    receipts = log.tmp / "receipts"
    issue = ["receipt", "issue", "--db", str(log.tmp / "r.db"), "--origin", ORIGIN]
    issue += ["--signing-key", log.keys["pay"], "--key", log.keys["ed"]]
    issue += ["--out-dir", str(receipts), "--json", str(messages)]
    assert main(issue) == 0
    doc = _one_json(capsys.readouterr().out)
    assert doc["issued"] == 2 and doc["skipped"] == 0 and doc["vkeys"] == [log.keys["vkey"]]
    assert doc["receipts"] == [str(receipts / "receipt-0.json"), str(receipts / "receipt-1.json")]
    assert main(issue) == 0
    doc = _one_json(capsys.readouterr().out)
    assert doc["issued"] == 0 and doc["skipped"] == 2


def test_debug_is_accepted_after_the_command(
    monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    def boom() -> list[tuple[str, bool, float]]:
        raise RuntimeError("a bug")

    monkeypatch.setattr(pqpay, "run_selftests", boom)
    assert main(["selftest", "--debug"]) == 3
    assert "Traceback (most recent call last)" in capsys.readouterr().err


def test_closed_stdout_is_not_a_traceback() -> None:
    """`pqpay ... | head`: a reader that goes away ends the command quietly (exit 2), with no
    BrokenPipeError traceback, no "Exception ignored" line from the final flush, and no
    error line (a broken pipe is a ConnectionError, once reported as "cannot connect")."""
    env = {**os.environ, "PYTHONPATH": str(Path(pqpay.__file__).parents[1])}
    child = subprocess.Popen(
        [sys.executable, "-m", "pqpay", "selftest"],
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        env=env,
    )
    assert child.stdout is not None and child.stderr is not None
    child.stdout.close()  # before the child has started: its first write gets EPIPE
    err = child.stderr.read().decode()
    assert child.wait(timeout=120) == _common.EXIT_ERROR
    assert err == ""  # not "cannot connect: Broken pipe", nor a traceback
