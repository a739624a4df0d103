"""The test suite's side of the vector loader: the skip-or-fail rule, and suites run as tests."""

from __future__ import annotations

import gzip
from pathlib import Path

import pytest

from pqpay import conformance
from tests._support import vector_sources


@pytest.fixture
def no_shared_dir(monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> None:
    monkeypatch.setenv(vector_sources.SHARED_VECTORS_ENV, str(tmp_path / "does-not-exist"))
    monkeypatch.delenv("CI", raising=False)
    monkeypatch.delenv(vector_sources.REQUIRE_ENV, raising=False)


@pytest.mark.usefixtures("no_shared_dir")
def test_missing_directory_skips_locally() -> None:
    with pytest.raises(pytest.skip.Exception):
        vector_sources.shared_vectors_dir()
    with pytest.raises(pytest.skip.Exception):
        vector_sources.run_suite("X-Wing draft: test-vectors.json")


@pytest.mark.usefixtures("no_shared_dir")
@pytest.mark.parametrize(
    ("name", "value"), [("CI", "true"), ("CI", "TRUE"), (vector_sources.REQUIRE_ENV, "1")]
)
def test_missing_directory_fails_when_required(
    monkeypatch: pytest.MonkeyPatch, name: str, value: str
) -> None:
    monkeypatch.setenv(name, value)
    with pytest.raises(pytest.fail.Exception):
        vector_sources.shared_vectors_dir()
    with pytest.raises(pytest.fail.Exception):
        vector_sources.load_shared_json("xwing/test-vectors.json")
    with pytest.raises(pytest.fail.Exception, match="is missing and vectors are required"):
        vector_sources.run_suite("X-Wing draft: test-vectors.json")


@pytest.mark.usefixtures("no_shared_dir")
@pytest.mark.parametrize(("name", "value"), [("CI", "false"), (vector_sources.REQUIRE_ENV, "0")])
def test_other_values_do_not_require(
    monkeypatch: pytest.MonkeyPatch, name: str, value: str
) -> None:
    monkeypatch.setenv(name, value)
    with pytest.raises(pytest.skip.Exception):
        vector_sources.shared_vectors_dir()


def test_missing_file_in_existing_directory(
    monkeypatch: pytest.MonkeyPatch, tmp_path: Path
) -> None:
    monkeypatch.setenv(vector_sources.SHARED_VECTORS_ENV, str(tmp_path))
    monkeypatch.setenv(vector_sources.REQUIRE_ENV, "1")
    with pytest.raises(pytest.fail.Exception):
        vector_sources.shared_path("xwing/test-vectors.json")
    with pytest.raises(pytest.fail.Exception, match="X-Wing draft"):
        vector_sources.run_suite("X-Wing draft: test-vectors.json")


def test_gzip_and_plain_json(monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> None:
    monkeypatch.setenv(vector_sources.SHARED_VECTORS_ENV, str(tmp_path))
    (tmp_path / "a.json").write_text('{"x": 1}')
    with gzip.open(tmp_path / "b.json.gz", "wt") as f:
        f.write('{"y": [2]}')
    assert vector_sources.load_shared_json("a.json") == {"x": 1}
    assert vector_sources.load_shared_json("b.json.gz") == {"y": [2]}


def test_run_suite_fails_naming_the_vector(monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> None:
    """A wrong answer in a (copied, then changed) vector file fails the test with its id, and
    the counts are recorded."""
    import json

    source = Path(vector_sources.shared_vectors_dir()) / "xwing" / "test-vectors.json"
    doc = json.loads(source.read_text())
    doc[1]["ss"] = ("00" if doc[1]["ss"][:2] != "00" else "11") + doc[1]["ss"][2:]
    (tmp_path / "xwing").mkdir()
    (tmp_path / "xwing" / "test-vectors.json").write_text(json.dumps(doc))
    monkeypatch.setenv(vector_sources.SHARED_VECTORS_ENV, str(tmp_path))
    label = "X-Wing draft: test-vectors.json"
    before = vector_sources.COUNTS.pop(label, None)  # the real run's counts, if it ran
    try:
        with pytest.raises(pytest.fail.Exception) as info:
            vector_sources.run_suite(label)
        assert "1 of 3 vectors failed" in str(info.value)
        assert "vector #1" in str(info.value) and "ss differs" in str(info.value)
        assert (vector_sources.COUNTS[label].ran, vector_sources.COUNTS[label].passed) == (3, 2)
    finally:  # deliberate failures: kept out of the session's vector table
        vector_sources.COUNTS.pop(label, None)
        if before is not None:
            vector_sources.COUNTS[label] = before


def test_tally_names_the_failing_vector() -> None:
    tally = vector_sources.Tally("loader self-test (not a vector source)")
    with tally.case("tcId=1"):
        pass
    with tally.case("tcId=2"):
        raise AssertionError("boom")
    with tally.case("tcId=3"):
        pytest.fail("inner pytest.raises failure")
    assert tally.ran == 3
    with pytest.raises(pytest.fail.Exception) as info:
        tally.finish()
    assert "tcId=2: AssertionError: boom" in str(info.value)
    assert "tcId=3" in str(info.value)
    assert "tcId=1" not in str(info.value)
    with pytest.raises(pytest.fail.Exception, match="declares 4"):
        vector_sources.Tally("loader self-test (not a vector source)").finish(expected=4)
    vector_sources.COUNTS.pop("loader self-test (not a vector source)")


def test_one_loader() -> None:
    """The adapter parses with the runner's own parsers (no second copy)."""
    assert vector_sources.parse_rsp is conformance.parse_rsp
    assert vector_sources.parse_blocks is conformance.parse_blocks
