"""The vector loader itself: the skip-or-fail rule, and the parsers."""

from __future__ import annotations

from pathlib import Path

import pytest

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
        vector_sources.load_shared_json(vector_sources.XWING_FILE)


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


def test_gzip_and_plain_json(monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> None:
    import gzip

    monkeypatch.setenv(vector_sources.SHARED_VECTORS_ENV, str(tmp_path))
    (tmp_path / "a.json").write_text('{"x": 1}')
    with gzip.open(tmp_path / "b.json.gz", "wt") as f:
        f.write('{"y": [2]}')
    assert vector_sources.load_shared_json("a.json") == {"x": 1}
    assert vector_sources.load_shared_json("b.json.gz") == {"y": [2]}


def test_parse_rsp() -> None:
    text = """# header
[params]
count = 0
z = 00ff
d = 01

count = 1
z = AB
"""
    records = list(vector_sources.parse_rsp(text.splitlines()))
    assert records == [{"count": "0", "z": "00ff", "d": "01"}, {"count": "1", "z": "AB"}]
    with pytest.raises(ValueError):
        list(vector_sources.parse_rsp(["count = 0", "z = 1", "z = 2"]))
    with pytest.raises(ValueError):
        list(vector_sources.parse_rsp(["count = 0", "garbage"]))


def test_parse_blocks() -> None:
    text = "# c\n\nCOUNT = 1\nA = 01\n\n\nCOUNT = 2\nA = 02\n"
    assert list(vector_sources.parse_blocks(text.splitlines())) == [
        {"COUNT": "1", "A": "01"},
        {"COUNT": "2", "A": "02"},
    ]


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
