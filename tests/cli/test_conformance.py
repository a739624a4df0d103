"""``pqpay conformance``: the table, exit codes (0 all passed, 1 a vector failed, 2 usage error),
``--json FILE|-`` and its schema, ``--list``, and clear errors for a missing or empty folder.

The run over every shared vector and cryptography-vectors is compared with the test suite's own
counts in tests/conformance/test_conformance_vectors.py; these tests use small folders."""

from __future__ import annotations

import json
import shutil
from pathlib import Path

import pytest

from pqpay.cli import main
from tests._support.vector_sources import shared_vectors_dir

SMALL = ("xwing", "merkle")
"""Shared vector folders small enough to run here (X-Wing 3, Merkle 206 vectors)."""


@pytest.fixture
def small(tmp_path: Path) -> Path:
    """A copy of the small shared vector folders."""
    shared = shared_vectors_dir()
    for name in SMALL:
        shutil.copytree(shared / name, tmp_path / "vectors" / name)
    return tmp_path / "vectors"


def _run(capsys: pytest.CaptureFixture[str], *args: str) -> tuple[int, str, str]:
    code = main(["conformance", "--no-cryptography-vectors", *args])
    out, err = capsys.readouterr()
    return code, out, err


@pytest.mark.vectors
def test_table_and_ok(small: Path, capsys: pytest.CaptureFixture[str]) -> None:
    code, out, err = _run(capsys, "--vectors", str(small))
    assert code == 0, out + err
    lines = out.splitlines()
    assert lines[0].split() == ["source", "algorithm", "ran", "passed", "failed", "skipped"]
    assert any(line.split()[:5] == ["X-Wing", "draft", "X-Wing", "3", "3"] for line in lines)
    assert lines[-2].split() == ["TOTAL", "209", "209", "0", "0"]
    assert lines[-1] == "OK: 209 of 209 vectors passed (0 skipped) in 4 suites"
    assert err == ""  # no progress off a terminal


SCHEMA_TOP = {
    "command",
    "ok",
    "verdict",
    "message",
    "listed_only",
    "vectors",
    "cryptography_vectors",
    "rows",
    "suites",
    "missing",
    "totals",
}
COUNT_KEYS = {"ran", "passed", "failed", "skipped"}


def _check_schema(doc: dict[str, object]) -> None:
    assert set(doc) == SCHEMA_TOP
    rows = doc["rows"]
    assert isinstance(rows, list) and rows
    for row in rows:
        assert set(row) == {"source", "algorithm", *COUNT_KEYS}
    suites = doc["suites"]
    assert isinstance(suites, list) and suites
    for suite in suites:
        assert (
            set(suite) == {"source", "name", "path", "algorithms", "failures", "error"} | COUNT_KEYS
        )
        for failure in suite["failures"]:
            assert set(failure) == {"case", "error"}
    assert set(doc["totals"]) == COUNT_KEYS  # type: ignore[arg-type]


@pytest.mark.vectors
def test_json_stdout_and_file(
    small: Path, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    code, out, err = _run(capsys, "--vectors", str(small), "--json", "-")
    assert code == 0 and err == ""
    doc = json.loads(out)  # one JSON object, nothing else on stdout
    _check_schema(doc)
    assert (doc["command"], doc["ok"], doc["verdict"]) == ("conformance", True, "OK")
    assert doc["totals"] == {"ran": 209, "passed": 209, "failed": 0, "skipped": 0}
    assert doc["vectors"] == [str(small)] and doc["cryptography_vectors"] is None

    report = tmp_path / "report.json"
    code, out, _ = _run(capsys, "--vectors", str(small), "--json", str(report))
    assert code == 0 and out.splitlines()[-1].startswith("OK: ")  # the table still on stdout
    assert json.loads(report.read_text())["totals"] == doc["totals"]


@pytest.mark.vectors
def test_failure_exits_1_and_names_the_vector(
    small: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    path = small / "xwing" / "test-vectors.json"
    doc = json.loads(path.read_text())
    doc[2]["pk"] = ("0" if doc[2]["pk"][0] != "0" else "1") + doc[2]["pk"][1:]
    path.write_text(json.dumps(doc))
    code, out, _ = _run(capsys, "--vectors", str(small))
    assert code == 1
    assert "X-Wing draft: test-vectors.json: vector #2" in out and "pk differs" in out
    assert out.splitlines()[-1] == "FAILED: 1 of 209 vectors failed"
    code, out, _ = _run(capsys, "--vectors", str(small), "--json", "-")
    result = json.loads(out)
    assert code == 1 and result["verdict"] == "FAILED" and result["ok"] is False
    (xwing,) = [s for s in result["suites"] if s["source"] == "X-Wing draft"]
    assert xwing["failed"] == 1 and xwing["failures"][0]["case"].startswith("vector #2")


@pytest.mark.vectors
def test_truncated_file_is_a_failure(small: Path, capsys: pytest.CaptureFixture[str]) -> None:
    path = small / "xwing" / "test-vectors.json"
    path.write_text(path.read_text()[:-200])
    code, out, _ = _run(capsys, "--vectors", str(small))
    assert code == 1 and "cannot read" in out and "could not run" in out.splitlines()[-1]


@pytest.mark.vectors
def test_list_runs_nothing(small: Path, capsys: pytest.CaptureFixture[str]) -> None:
    code, out, _ = _run(capsys, "--vectors", str(small), "--list", "--json", "-")
    doc = json.loads(out)
    assert code == 0 and doc["listed_only"] is True
    assert doc["totals"] == {"ran": 209, "passed": 0, "failed": 0, "skipped": 0}


def test_usage_errors_exit_2(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    (tmp_path / "empty").mkdir()
    (tmp_path / "file.json").write_text("{}")
    cases = {
        str(tmp_path / "absent"): "no such directory; check the path",
        str(tmp_path / "file.json"): "is not a directory",
        str(tmp_path / "empty"): "holds no known vector files; give a folder with ACVP",
    }
    for folder, message in cases.items():
        code, out, err = _run(capsys, "--vectors", folder)
        assert code == 2, folder
        assert out == "" and err.startswith("pqpay: error: --vectors ") and message in err
        assert err.count("\n") == 1 and "Traceback" not in err
        code, out, err = _run(capsys, "--vectors", folder, "--json", "-")
        assert code == 2 and json.loads(out)["verdict"] == "ERROR" and message in err
    code, out, err = _run(capsys)
    assert code == 2 and "nothing to run; install cryptography-vectors" in err
    code, out, err = _run(capsys, "--json", str(tmp_path / "no" / "dir" / "r.json"))
    assert code == 2 and "does not exist" in err


def test_help(capsys: pytest.CaptureFixture[str]) -> None:
    with pytest.raises(SystemExit) as done:
        main(["conformance", "--help"])
    assert done.value.code == 0
    text = capsys.readouterr().out
    for needle in ("--vectors DIR", "--json FILE|-", "exit 0: OK", "1: FAILED", "2: usage"):
        assert needle in text
    assert "``" not in text


@pytest.mark.vectors
def test_list_reports_an_unreadable_file(small: Path, capsys: pytest.CaptureFixture[str]) -> None:
    path = small / "merkle" / "inclusion" / "1" / "happy-path.json"
    path.write_text(path.read_text()[:-5])
    code, out, _ = _run(capsys, "--vectors", str(small), "--list")
    assert code == 1
    assert "transparency-dev: merkle/inclusion: cannot read" in out
    assert out.splitlines()[-1] == "FAILED: 2 suites could not run"
