"""The conformance runner itself: parsers, the run / count model, discovery of each source's
layout, and that a wrong answer is caught (the checks are not vacuous)."""

from __future__ import annotations

import gzip
import json
import shutil
from pathlib import Path

import pytest

from pqpay import conformance
from pqpay.conformance import Case, Cases, SourceMissing, Suite
from tests._support.vector_sources import shared_vectors_dir


def test_parse_rsp() -> None:
    text = """# header
[params]
count = 0
z = 00ff
d = 01

count = 1
z = AB
"""
    records = list(conformance.parse_rsp(text.splitlines()))
    assert records == [{"count": "0", "z": "00ff", "d": "01"}, {"count": "1", "z": "AB"}]
    with pytest.raises(ValueError):
        list(conformance.parse_rsp(["count = 0", "z = 1", "z = 2"]))
    with pytest.raises(ValueError):
        list(conformance.parse_rsp(["count = 0", "garbage"]))


def test_parse_blocks() -> None:
    text = "# c\n\nCOUNT = 1\nA = 01\n\n\nCOUNT = 2\nA = 02\n"
    assert list(conformance.parse_blocks(text.splitlines())) == [
        {"COUNT": "1", "A": "01"},
        {"COUNT": "2", "A": "02"},
    ]


def test_load_json_gzip_and_missing(tmp_path: Path) -> None:
    with gzip.open(tmp_path / "b.json.gz", "wt") as f:
        f.write('{"y": [2]}')
    assert conformance.load_json(tmp_path / "b.json.gz") == {"y": [2]}
    with pytest.raises(SourceMissing, match="vector file"):
        conformance.load_json(tmp_path / "absent.json")


def _boom() -> None:
    raise AssertionError("boom")


def _suite(cases: list[Case], declared: int | None = None) -> Suite:
    return Suite("test source", "self-test", "-", lambda: Cases(cases, declared))


def test_run_suite_counts_each_case() -> None:
    result = conformance.run_suite(
        _suite(
            [
                Case("a", "ALG-1", lambda: None),
                Case("b", "ALG-1", _boom),
                Case("c", "ALG-2", None, "not offered"),
                Case("d", "ALG-2", lambda: None),
            ]
        )
    )
    assert result.by_algorithm["ALG-1"].as_dict() == {
        "ran": 2,
        "passed": 1,
        "failed": 1,
        "skipped": 0,
    }
    assert result.by_algorithm["ALG-2"].as_dict() == {
        "ran": 1,
        "passed": 1,
        "failed": 0,
        "skipped": 1,
    }
    assert [(f.case, f.error) for f in result.failures] == [("b", "AssertionError: boom")]
    assert not result.ok and result.error is None


def test_suite_errors() -> None:
    short = conformance.run_suite(_suite([Case("a", "A", lambda: None)], declared=2))
    assert short.error == "1 vectors found but the source declares 2" and not short.ok
    assert conformance.run_suite(_suite([])).error == "no vector found"

    def unreadable() -> Cases:
        raise ValueError("not JSON")

    broken = conformance.run_suite(Suite("s", "n", "p", unreadable))
    assert broken.error == "cannot read p: ValueError: not JSON"

    def absent() -> Cases:
        raise SourceMissing("vector file p")

    with pytest.raises(SourceMissing):
        conformance.run_suite(Suite("s", "n", "p", absent))
    report = conformance.run([Suite("s", "n", "p", absent), _suite([Case("a", "A", _boom)])])
    assert report.missing == ["s: n: vector file p"] and not report.ok


def test_report_rows_table_and_json() -> None:
    report = conformance.run(
        [
            _suite([Case("a", "ALG", lambda: None), Case("b", "ALG", None, "x")]),
            Suite("other", "n", "p", lambda: Cases([Case("c", "ALG", lambda: None)])),
        ]
    )
    assert report.ok
    assert [(s, a, c.ran, c.skipped) for s, a, c in report.rows()] == [
        ("other", "ALG", 1, 0),
        ("test source", "ALG", 1, 1),
    ]
    table = report.table()
    assert table[0].split() == ["source", "algorithm", "ran", "passed", "failed", "skipped"]
    assert table[-1].split() == ["TOTAL", "2", "2", "0", "1"]
    doc = json.loads(json.dumps(report.as_dict()))
    assert set(doc) == {"rows", "suites", "missing", "totals"}
    assert doc["totals"] == {"ran": 2, "passed": 2, "failed": 0, "skipped": 1}
    assert set(doc["suites"][0]) == {
        "source",
        "name",
        "path",
        "ran",
        "passed",
        "failed",
        "skipped",
        "algorithms",
        "failures",
        "error",
    }


def test_discover_refuses_a_file(tmp_path: Path) -> None:
    (tmp_path / "f").write_text("")
    with pytest.raises(NotADirectoryError):
        conformance.discover(tmp_path / "f")
    assert conformance.discover(tmp_path) == []


LAYOUT = {
    "acvp/ML-KEM-keyGen-FIPS203": ("ACVP", "ML-KEM-keyGen-FIPS203"),
    "wycheproof/testvectors_v1/x25519_test.json": ("Wycheproof", "x25519_test.json"),
    "xwing/test-vectors.json": ("X-Wing draft", "test-vectors.json"),
    "composite/testvectors.json": ("composite draft", "testvectors.json"),
    "merkle": ("transparency-dev", "merkle/inclusion"),
    "groth16": ("snarkjs", "groth16/MANIFEST.json"),
}


@pytest.mark.vectors
def test_discover_finds_each_source_anywhere(tmp_path: Path) -> None:
    """Each source is recognised by its files, at any depth and under any folder name."""
    shared = shared_vectors_dir()
    for rel, (source, name) in LAYOUT.items():
        target = tmp_path / "deep" / "er" / rel
        target.parent.mkdir(parents=True, exist_ok=True)
        if (shared / rel).is_dir():
            shutil.copytree(shared / rel, target)
        else:
            shutil.copy(shared / rel, target)
        found = {(s.source, s.name) for s in conformance.discover(tmp_path)}
        assert (source, name) in found, (rel, found)
    # the Wycheproof schema files and the snarkjs proof files are not suites of their own
    (tmp_path / "schemas").mkdir()
    shutil.copy(shared / "wycheproof/schemas/xdh_comp_schema_v1.json", tmp_path / "schemas")
    labels = [s.label for s in conformance.discover(tmp_path)]
    assert len(labels) == len(set(labels)) == 10, labels


def _mutate_first(value: str) -> str:
    return ("0" if value[0] != "0" else "1") + value[1:]


@pytest.mark.vectors
@pytest.mark.parametrize(
    ("rel", "path", "field"),
    [
        ("xwing/test-vectors.json", (0,), "ct"),
        (
            "wycheproof/testvectors_v1/mlkem_512_keygen_seed_test.json",
            ("testGroups", 0, "tests", 0),
            "dk",
        ),
        ("merkle", None, None),
    ],
)
def test_a_wrong_answer_fails(
    tmp_path: Path, rel: str, path: tuple[object, ...] | None, field: str | None
) -> None:
    shared = shared_vectors_dir()
    if path is None:  # a Merkle proof whose root is changed must not verify
        shutil.copytree(shared / rel, tmp_path / rel)
        happy = tmp_path / rel / "inclusion" / "1" / "happy-path.json"
        v = json.loads(happy.read_text())
        v["root"] = "A" + v["root"][1:] if v["root"][0] != "A" else "B" + v["root"][1:]
        happy.write_text(json.dumps(v))
    else:
        doc = json.loads((shared / rel).read_text())
        target = doc
        for key in path:
            target = target[key]  # type: ignore[index]
        target[field] = _mutate_first(target[field])  # type: ignore[index]
        (tmp_path / rel).parent.mkdir(parents=True)
        (tmp_path / rel).write_text(json.dumps(doc))
    report = conformance.run(conformance.discover(tmp_path))
    assert not report.ok
    failed = [f for r in report.results for f in r.failures]
    assert failed, report.as_dict()
