"""``pqpay bench``: the table's and the JSON's shape, ratios consistent with the per-op figures,
absent peers reported as absent, progress, errors as one line. Tiny runs only (``--rounds 1``:
one call per sample), and never a timing threshold: speed is measured, not asserted."""

from __future__ import annotations

import hashlib
import io
import json
import sys
from pathlib import Path
from typing import Any

import pytest

from pqpay import merkle
from pqpay.cli import bench as _cli_bench
from pqpay.cli import main
from tests._support.liboqs_peer import INSTALL_ENV, liboqs

TINY = ["bench", "--quick", "--rounds", "1"]


def _bench(
    capsys: pytest.CaptureFixture[str], tmp_path: Path, *args: str
) -> tuple[str, str, dict[str, Any]]:
    out_json = tmp_path / "bench.json"
    assert main([*TINY, *args, "--json", str(out_json)]) == 0
    captured = capsys.readouterr()
    return captured.out, captured.err, json.loads(out_json.read_text())


def _table_rows(out: str) -> dict[str, list[str]]:
    """Operation -> its cells, from the table under the dashed rule (footnotes excluded)."""
    lines = out.splitlines()
    rule = next(i for i, line in enumerate(lines) if line.startswith("----"))
    header = lines[rule - 1]
    assert header.startswith("operation")
    rows = {}
    for line in lines[rule + 1 :]:
        if line.startswith("["):
            break
        op, _, rest = line.partition("  ")
        rows[op.strip()] = rest.split()
    return rows


def _check_ratios(report: dict[str, Any]) -> None:
    for r in report["results"]:
        medians = {k: v["median_us"] for k, v in r["impls"].items()}
        assert all(v > 0 for v in medians.values()), r["op"]
        peers = {k: v for k, v in medians.items() if k != "pqpay"}
        if not peers:
            assert r["fastest_peer"] is None and r["ratio"] is None
            continue
        fastest = min(peers, key=peers.__getitem__)
        assert r["fastest_peer"] == fastest
        assert r["ratio"] == pytest.approx(medians["pqpay"] / peers[fastest])


def test_every_family_table_and_json(
    capsys: pytest.CaptureFixture[str], tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.delenv(INSTALL_ENV, raising=False)
    out, err, report = _bench(capsys, tmp_path)
    assert report["schema"] == "pqpay-bench/1"
    machine = report["machine"]
    assert {"cpu_model", "avx2", "avx512f", "cores"} <= set(machine)
    assert isinstance(machine["avx2"], bool) and isinstance(machine["avx512f"], bool)
    assert report["versions"]["pqpay"]
    assert report["settings"]["threads"] >= 1 and report["settings"]["rounds"] == 1
    families = {r["family"] for r in report["results"]}
    assert families == set(_cli_bench.FAMILIES)
    ops = [r["op"] for r in report["results"]]
    for expected in (
        "ML-KEM-768 encaps", "X-Wing decaps", "MLKEM1024-P384 keygen", "ML-DSA-65 sign",
        "Ed25519 verify", "Ed448 sign", "MLDSA65-Ed25519-SHA512 sign", "SLH-DSA-SHAKE-128f sign",
        "Groth16 verify (BN254, demo proof)", "receipt verify (offline, from JSON)",
    ):  # fmt: skip
        assert expected in ops
    assert any(op.startswith("HPKE X-Wing/") and op.endswith(" seal") for op in ops)
    assert any(op.startswith("Merkle root") for op in ops)
    assert len(ops) == len(set(ops))
    _check_ratios(report)
    # Every batch entry point has a row, timed per item against its items one call at a time.
    batch = {r["op"]: r for r in report["results"] if r["family"] == "batch"}
    for name in ("sign_many", "verify_many", "encapsulate_many", "decapsulate_many"):
        assert any(name in op for op in batch), name
    assert all(r["threads"]["one_thread_per_s"] > 0 for r in batch.values())

    # The table has one row per operation, with the same ratio (2 decimals) as the JSON.
    rows = _table_rows(out)
    assert list(rows) == ops
    for r in report["results"]:
        ratio_cell = rows[r["op"]][-4]
        assert ratio_cell == ("-" if r["ratio"] is None else f"{r['ratio']:.2f}")
        threads = r["threads"]
        if threads is None:
            assert rows[r["op"]][-3:] == ["-", "-", "-"]
        else:
            assert threads["scaling"] == pytest.approx(
                threads["all_threads_per_s"] / threads["one_thread_per_s"]
            )
    # Absent peer: liboqs without OQS_INSTALL_PATH; never imported, said so in both outputs.
    assert report["peers"]["liboqs"]["present"] is False
    assert INSTALL_ENV in report["peers"]["liboqs"]["absent_reason"]
    assert all("liboqs" not in r["impls"] for r in report["results"])
    assert "liboqs: absent" in out
    # stderr is not a terminal here: plain counts, one line per family.
    total = len(ops)
    assert err.splitlines()[-1] == f"pqpay bench: {_cli_bench.FAMILIES[-1]} done, {total}/{total}"


def test_absent_python_peer(
    capsys: pytest.CaptureFixture[str], tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    for name in ("pqcrypto", "pqcrypto.sign", "pqcrypto.kem"):
        monkeypatch.setitem(sys.modules, name, None)  # importing it now raises ImportError
    monkeypatch.delenv(INSTALL_ENV, raising=False)
    out, _, report = _bench(capsys, tmp_path, "--family", "merkle", "--family", "kem")
    assert report["peers"]["pqcrypto"]["present"] is False
    assert "not installed" in report["peers"]["pqcrypto"]["absent_reason"]
    assert all("pqcrypto" not in r["impls"] for r in report["results"])
    assert "pqcrypto: absent" in out
    assert {r["family"] for r in report["results"]} == {"kem", "merkle"}
    _check_ratios(report)


def test_liboqs_as_a_peer(capsys: pytest.CaptureFixture[str], tmp_path: Path) -> None:
    oqs = liboqs()  # skips without OQS_INSTALL_PATH (fails under CI=true)
    out, _, report = _bench(capsys, tmp_path, "--family", "kem")
    assert report["peers"]["liboqs"]["present"] is True
    assert report["versions"]["liboqs"] == oqs.oqs_version()
    for n in ("512", "768", "1024"):
        for op in ("keygen", "encaps", "decaps"):
            row = next(r for r in report["results"] if r["op"] == f"ML-KEM-{n} {op}")
            assert "liboqs" in row["impls"]
    assert "faulthandler" not in out  # liboqs-python's import-time log line stays out
    _check_ratios(report)


def test_plot(capsys: pytest.CaptureFixture[str], tmp_path: Path) -> None:
    pytest.importorskip("matplotlib")
    png = tmp_path / "ratios.png"
    assert main([*TINY, "--family", "merkle", "--plot", str(png)]) == 0
    assert png.read_bytes()[:8] == b"\x89PNG\r\n\x1a\n"


@pytest.mark.parametrize(
    ("args", "code", "message"),
    [
        (["--family", "nosuch"], 2, "pqpay: error: unknown family 'nosuch'"),
        (["--family", "merkle", "--json", "/nonexistent-dir/x.json"], 2, "pqpay: error:"),
    ],
)
def test_errors_are_one_line(
    capsys: pytest.CaptureFixture[str], args: list[str], code: int, message: str
) -> None:
    assert main([*TINY, *args]) == code
    err = capsys.readouterr().err.splitlines()
    assert err[-1].startswith(message)
    assert not any("Traceback" in line for line in err)


def test_plot_without_matplotlib(
    capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setitem(sys.modules, "matplotlib", None)
    assert main([*TINY, "--family", "merkle", "--plot", "x.png"]) == 2
    err = capsys.readouterr().err
    assert err == "pqpay: error: --plot needs matplotlib; pip install 'pqpay[bench]'\n"


def test_progress_on_a_terminal() -> None:
    class Terminal(io.StringIO):
        def isatty(self) -> bool:
            return True

    stream = Terminal()
    progress = _cli_bench.Progress(2, stream)
    progress.start("op one")
    progress.finish_one()
    progress.family_done("kem")
    progress.close()
    assert stream.getvalue() == "\r\x1b[K[1/2] op one\r\x1b[K"


@pytest.mark.parametrize("n", [1, 2, 3, 5, 8, 13, 100, 1000])
def test_hashlib_merkle_peer_agrees_with_pqpay(n: int) -> None:
    """The Python peer must compute the same thing as pqpay for its timing to mean anything."""
    buffer = merkle.leaf_hashes([hashlib.sha256(b"%d" % i).digest() for i in range(n)])
    hashes = [buffer[i : i + 32] for i in range(0, len(buffer), 32)]
    root = merkle.root(buffer)
    assert _cli_bench.py_merkle_root(hashes) == root
    for index in {0, n // 2, n - 1}:
        proof = merkle.inclusion_proof(buffer, index)
        assert _cli_bench.py_verify_inclusion(hashes[index], index, n, proof, root)
        assert not _cli_bench.py_verify_inclusion(hashes[index], index, n, proof, b"\0" * 32)
        if n > 1:
            other = (index + 1) % n
            assert not _cli_bench.py_verify_inclusion(hashes[other], index, n, proof, root)
